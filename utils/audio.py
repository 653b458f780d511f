"""Reading and writing audio: 16-bit PCM WAV files as float arrays in [-1, 1].

Shared by every notebook that makes sound: first used in notebooks/w1a3_jazz_improvisation.ipynb (section 6,
hearing the solos, through `utils.music.render_audio`), and by the trigger-word notebook (W3A2: `resample`,
`band_limit`, `read_folder`). Standard library, numpy, and scipy for resampling.
"""

import functools
import math
import wave
from pathlib import Path

import numpy as np

from utils.checks import check_array, check_number


def write_wav(path, samples, sample_rate: int) -> Path:
    """Write `samples` (shape (n,) mono or (n, channels), floats in [-1, 1]) as 16-bit PCM; return the path.

    Values outside [-1, 1] are clipped, so a loud signal distorts instead of wrapping around.
    """
    samples = check_array(samples, "samples")
    if samples.ndim not in (1, 2) or samples.shape[0] == 0:
        raise ValueError(f"samples must have shape (n,) or (n, channels) with n > 0, got {samples.shape}")
    sample_rate = check_number(sample_rate, "sample_rate", low=1, integer=True)
    frames = np.round(np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    path = Path(path)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1 if frames.ndim == 1 else frames.shape[1])
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(frames.tobytes())
    return path


def read_wav(path) -> tuple[np.ndarray, int]:
    """(samples, sample_rate) of a 16-bit PCM WAV file; samples are float32 in [-1, 1], shape (n,) or (n, channels)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no WAV file at {path}")
    with wave.open(str(path), "rb") as source:
        if source.getsampwidth() != 2:
            raise ValueError(f"{path} holds {8 * source.getsampwidth()}-bit samples; only 16-bit PCM is read")
        channels, rate = source.getnchannels(), source.getframerate()
        frames = np.frombuffer(source.readframes(source.getnframes()), dtype="<i2")
    samples = frames.astype(np.float32) / 32768
    return (samples if channels == 1 else samples.reshape(-1, channels)), rate


def to_mono(samples) -> np.ndarray:
    """The average of the channels of `samples` ((n,) is returned as it is)."""
    samples = np.asarray(samples, dtype=np.float32)
    return samples if samples.ndim == 1 else samples.mean(axis=1)


def resample(samples, from_rate: int, to_rate: int) -> np.ndarray:
    """`samples` (shape (n,) or (n, channels)) taken from `from_rate` to `to_rate` Hz, as float32.

    Polyphase filtering (scipy's `resample_poly`, with an anti-aliasing low-pass when going down), so 44,100 ->
    16,000 Hz removes everything above 8 kHz instead of folding it back. The result has
    round(n * to_rate / from_rate) samples; equal rates return a float32 copy.
    """
    from scipy.signal import resample_poly

    samples = check_array(samples, "samples", dtype=np.float32)
    if samples.ndim not in (1, 2):
        raise ValueError(f"samples must have shape (n,) or (n, channels), got {samples.shape}")
    from_rate = check_number(from_rate, "from_rate", low=1, integer=True)
    to_rate = check_number(to_rate, "to_rate", low=1, integer=True)
    if from_rate == to_rate or samples.shape[0] == 0:
        return samples.astype(np.float32, copy=True)
    common = math.gcd(from_rate, to_rate)
    up, down = to_rate // common, from_rate // common
    out = resample_poly(samples, up, down, axis=0, window=_low_pass(up, down))
    length = round(samples.shape[0] * to_rate / from_rate)
    return np.ascontiguousarray(out[:length], dtype=np.float32)


@functools.lru_cache(maxsize=32)
def _low_pass(up: int, down: int) -> np.ndarray:
    """The FIR filter `resample_poly` designs for (up, down) by default (Kaiser window, beta 5), designed once:
    the design costs more than filtering a short clip."""
    from scipy.signal import firwin

    rate = max(up, down)
    taps = firwin(20 * rate + 1, 1.0 / rate, window=("kaiser", 5.0)).astype(np.float32)
    taps.flags.writeable = False
    return taps


def band_limit(samples, sample_rate: int = 44100, cutoff_rate: int = 16000) -> np.ndarray:
    """`samples` at `sample_rate` with everything above cutoff_rate / 2 Hz removed, at the same rate and length.

    It goes down to `cutoff_rate` and back up, so a 44.1 kHz recording keeps only what a 16 kHz one holds (8 kHz
    and below): what the trigger-word model sees in training and in `utils.trigger.detect`, whatever the source.
    A `cutoff_rate` at or above `sample_rate` changes nothing (a float32 copy is returned).
    """
    samples = check_array(samples, "samples", dtype=np.float32)
    if samples.ndim not in (1, 2):
        raise ValueError(f"samples must have shape (n,) or (n, channels), got {samples.shape}")
    sample_rate = check_number(sample_rate, "sample_rate", low=1, integer=True)
    cutoff_rate = check_number(cutoff_rate, "cutoff_rate", low=1, integer=True)
    if cutoff_rate >= sample_rate:
        return samples.astype(np.float32, copy=True)
    out = resample(resample(samples, sample_rate, cutoff_rate), cutoff_rate, sample_rate)
    n = samples.shape[0]
    if out.shape[0] < n:  # rounding twice can lose a sample or two at the end
        out = np.concatenate([out, np.zeros((n - out.shape[0],) + out.shape[1:], np.float32)])
    return out[:n]


def read_folder(folder, sample_rate: int = 44100) -> list[np.ndarray]:
    """Every `.wav` file in `folder` (not its sub-folders), sorted by file name, as mono float32 at `sample_rate`.

    FileNotFoundError when `folder` is not a folder or holds no WAV file; the error of `read_wav` names a file
    that is not 16-bit PCM.
    """
    if not isinstance(folder, str | Path):
        raise TypeError(f"folder must be a path (str or pathlib.Path), got {type(folder).__name__}")
    sample_rate = check_number(sample_rate, "sample_rate", low=1, integer=True)
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"folder {folder} does not exist or is not a folder")
    paths = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".wav" and p.is_file())
    if not paths:
        raise FileNotFoundError(f"folder {folder} holds no .wav file")
    clips = []
    for path in paths:
        samples, rate = read_wav(path)
        clips.append(resample(to_mono(samples), rate, sample_rate))
    return clips
