"""Reading and writing audio: 16-bit PCM WAV files as float arrays in [-1, 1].

Shared by every notebook that makes sound: first used in notebooks/w1a3_jazz_improvisation.ipynb (section 6,
hearing the solos, through `utils.music.render_audio`). Standard library and numpy only.
"""

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
