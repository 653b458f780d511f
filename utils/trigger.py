"""A wake-word detector people can use ("activate" -> chime), and the numbers the field measures one by.

The course's network (`modelf`), its spectrogram and the course's data functions are in `utils.trigger_word`,
generated from notebooks/w3a2_trigger_word_detection.ipynb; this module holds the shipped network, puts it behind
`detect` and `chime`, and holds the event metrics of the notebook's evaluation section and of tools/trigger_benchmark.py.

- `detector_model()` and `log_mel(samples)`: the shipped network, a stack of dilated causal convolutions over 40
  log-mel bands, one output per step of the course's grid (the course's `modelf`, whose GRUs take the 1,375 steps
  one after another, is the baseline; the notebook compares their speed).
- `probabilities(samples, sample_rate)`: the model's output, one value every `FRAME_MS` ms (1,375 per 10 s), for a
  recording of any sample rate, channel count and length. It hears what it was trained on: the recording is mixed
  to mono, band-limited to 8 kHz (`utils.audio.band_limit`), resampled to 44.1 kHz and cut into 10 s windows that
  overlap by `WARMUP_MS` (the part of each window the network spends warming up is dropped, except in the first).
- `detections(probs, threshold)`: one time (ms) per event: the frame where the probability rises to the threshold,
  then nothing for `REFRACTORY_MS`.
- `detect(path_or_array, sample_rate=None, threshold=None)` and `chime(path, out_path)`: the two together, with
  the shipped weights and the threshold chosen on the dev voices (pretrained/trigger_word.json) by default.
- `match_events`, `event_scores`: a detection counts for a word when it fires between `EARLY_MS` before the word's
  end and `LATE_MS` after it, one detection per word; precision, recall and F1 over events, not frames.
- `false_reject_curve`, `choose_threshold`: the share of wake words missed against false alarms per hour of
  negative-only audio, over a sweep of thresholds, and the stated rule that picks one (the most recall with at
  most 0.5 false alarms an hour, on the dev split).
"""

import functools
import json
import wave
import weakref
from pathlib import Path

import numpy as np

from utils import audio
from utils.checks import check_array, check_number, describe
from utils.paths import pretrained_path
from utils.trigger_word import CLIP_MS, CLIP_SAMPLES, N_FREQ, SAMPLE_RATE, STEP_SAMPLES, TY, spectrogram

FRAME_MS = CLIP_MS / TY  # 7.27 ms: the time between two of the model's outputs (1,375 per 10 s, as the labels)
WARMUP_MS = 2000  # windows overlap by this much; a window's first WARMUP_MS are dropped when an earlier one has them
HOP_MS = CLIP_MS - WARMUP_MS  # 8 s: a whole number of output steps (1,100), so windows stitch on one time grid
HOP_FRAMES = round(HOP_MS / FRAME_MS)
WARMUP_FRAMES = TY - HOP_FRAMES
HOP_SAMPLES = HOP_MS * SAMPLE_RATE // 1000
BATCH_WINDOWS = 16  # windows the model reads at once (about 36 MB of spectrograms)
REFRACTORY_MS = 800  # after a detection the detector stays quiet this long, so one word gives one chime
EARLY_MS, LATE_MS = 300, 1500  # a detection counts for a word between 0.3 s before its end and 1.5 s after
MAX_FA_PER_HOUR = 0.5  # the threshold rule: the most recall with at most this many false alarms an hour (dev)
WEIGHTS, SETTINGS = "trigger_word.weights.h5", "trigger_word.json"  # the shipped model, in pretrained/
MIN_RATE, MAX_RATE = 4000, 384_000  # sample rates a recording may have (Hz)
MAX_PEAK = 2.0  # samples are floats in [-1, 1]; filtering and mixing may overshoot a little, PCM integers do not fit
CHIME_HZ, CHIME_MS, CHIME_PEAK = 1318.5, 350, 0.5  # the chime: a bell-like E6 that dies away in about a third of a second


# ---------------------------------------------------------------------------------------------------------
# Reading recordings

def read_recording(path) -> tuple[np.ndarray, int]:
    """(samples, sample_rate) of the 16-bit PCM WAV file at `path`: FileNotFoundError when it is missing,
    ValueError naming the path when it is not a WAV file (or not 16-bit PCM)."""
    if not isinstance(path, str | Path):
        raise TypeError(f"path must be a str or pathlib.Path, got {describe(path)}")
    try:
        return audio.read_wav(path)
    except (wave.Error, EOFError) as error:
        raise ValueError(f"{path} is not a WAV file that can be read ({error}); give a 16-bit PCM WAV file") from None


def recording(samples, sample_rate) -> tuple[np.ndarray, int]:
    """(mono float32 samples, sample_rate) from an array of shape (n,) or (n, channels), floats in [-1, 1] (peaks
    up to MAX_PEAK pass), or a clear error naming the argument: empty, NaN or infinite samples, a channels-first
    array, integer PCM."""
    if sample_rate is None:
        raise TypeError("sample_rate is needed with an array of samples (in Hz, e.g. 16000); a WAV file carries its own")
    sample_rate = check_number(sample_rate, "sample_rate", low=MIN_RATE, high=MAX_RATE, integer=True)
    if isinstance(samples, np.ndarray) and samples.dtype.kind in "iu":
        raise ValueError(f"samples are integers ({samples.dtype}); give floats in [-1, 1], e.g. int16 PCM / 32768")
    samples = check_array(samples, "samples", dtype=np.float32)
    if samples.ndim not in (1, 2):
        raise ValueError(f"samples must have shape (n,) or (n, channels), got {samples.shape}")
    if samples.size == 0:
        raise ValueError(f"samples is empty (shape {samples.shape}): give at least one sample")
    if samples.ndim == 2 and samples.shape[1] > samples.shape[0]:
        raise ValueError(f"samples must have shape (n, channels), got {samples.shape}: transpose a channels-first array")
    peak = float(np.max(np.abs(samples)))
    if peak > MAX_PEAK:
        raise ValueError(f"samples must be floats in [-1, 1], got a peak of {peak:.4g}: divide by the peak "
                         "(or by 32768 for 16-bit PCM)")
    return audio.to_mono(samples), sample_rate


def model_input(samples, sample_rate) -> np.ndarray:
    """What the model hears of a mono recording: band-limited to 8 kHz, at SAMPLE_RATE (float32, 1-D)."""
    samples = audio.band_limit(samples, sample_rate)
    return samples if sample_rate == SAMPLE_RATE else audio.resample(samples, sample_rate, SAMPLE_RATE)


# ---------------------------------------------------------------------------------------------------------
# The shipped network: dilated causal convolutions over log-mel bands

N_MELS = 40  # mel bands, 60 Hz to 7.6 kHz (everything the detector hears is band-limited to 8 kHz)
MEL_FFT = 1024  # samples per frame (23 ms at 44.1 kHz); frames are STEP_SAMPLES apart: 1,375 per 10 s, as TY
MEL_LOW_HZ, MEL_HIGH_HZ = 60.0, 7600.0
DILATIONS = (1, 2, 4, 8, 16, 32, 64)  # receptive field 1 + 2 * 127 + 2 = 257 steps, 1.9 s: less than WARMUP_MS
WIDTH = 64  # channels of every convolution
MEL_WINDOW = np.hanning(MEL_FFT + 1)[:-1].astype(np.float32)  # the periodic Hann window of every frame


def hz_to_mel(hz) -> np.ndarray:
    """The mel scale, m = 2595 log10(1 + f / 700), of frequencies `hz` (any shape)."""
    return 2595.0 * np.log10(1.0 + np.asarray(hz) / 700.0)


def mel_to_hz(mel) -> np.ndarray:
    """The inverse of `hz_to_mel`."""
    return 700.0 * (10 ** (np.asarray(mel) / 2595.0) - 1.0)


def mel_edges() -> np.ndarray:
    """(N_MELS + 2,) the bands' edges on the mel scale, evenly spaced from MEL_LOW_HZ to MEL_HIGH_HZ: band k rises
    from edge k to its centre, edge k + 1, and falls to edge k + 2."""
    return np.linspace(hz_to_mel(MEL_LOW_HZ), hz_to_mel(MEL_HIGH_HZ), N_MELS + 2)


@functools.cache
def mel_filters() -> np.ndarray:
    """(MEL_FFT // 2 + 1, N_MELS) float32: triangles on the mel scale (`mel_edges`), each rising from one band's
    centre to the next and falling to the one after; the power spectrum times this is the mel one."""
    edges_hz = mel_to_hz(mel_edges())
    bins_hz = np.fft.rfftfreq(MEL_FFT, 1.0 / SAMPLE_RATE)  # (513,)
    low, centre, high = edges_hz[:-2], edges_hz[1:-1], edges_hz[2:]  # (N_MELS,) each
    rising = (bins_hz[:, None] - low) / (centre - low)
    falling = (high - bins_hz[:, None]) / (high - centre)
    return np.maximum(0.0, np.minimum(rising, falling)).astype(np.float32)


def log_mel(samples) -> np.ndarray:
    """(frames, N_MELS) float32: log10 of the mel-band power of SAMPLE_RATE `samples` (1-D), one frame of MEL_FFT
    samples every STEP_SAMPLES (frame i starts at sample i * STEP_SAMPLES: 1,375 frames for 10 s, on the grid of
    the course's labels). A floor of 1e-8 keeps silence finite."""
    samples = np.asarray(samples, dtype=np.float32)
    n_frames = max(0, (len(samples) - MEL_FFT) // STEP_SAMPLES + 1)
    if n_frames == 0:
        return np.zeros((0, N_MELS), np.float32)
    frames = np.lib.stride_tricks.sliding_window_view(samples, MEL_FFT)[::STEP_SAMPLES][:n_frames]
    power = np.abs(np.fft.rfft(frames * MEL_WINDOW, axis=1)) ** 2
    return np.log10(power.astype(np.float32) @ mel_filters() + 1e-8).astype(np.float32)


def detector_model(width=WIDTH, dilations=DILATIONS):
    """The shipped detector: log-mel frames (None, N_MELS) -> P("activate" has just ended) per frame (None, 1).

    A per-band normalisation (its mean and variance measured on training audio and saved with the weights), a
    causal convolution to `width` channels, then one residual block per dilation d: a causal Conv1D of kernel 3
    that looks d and 2d steps back, ReLU, layer normalisation over the channels. Causal: the answer at a step
    depends only on the audio up to it (and the 23 ms of its own frame), so the detector can run as it listens,
    and 10 s windows stitched after WARMUP_MS give the same answers as one long pass. No recurrence and no
    batch statistics: every step is computed at once, and training and inference see the same layers.
    """
    import keras

    width = check_number(width, "width", low=1, integer=True)
    inputs = keras.Input((None, N_MELS), name="log_mel")
    x = keras.layers.Normalization(axis=-1, name="band_normalisation")(inputs)
    x = keras.layers.Conv1D(width, 3, padding="causal", activation="relu", name="stem")(x)
    for d in dilations:
        h = keras.layers.Conv1D(width, 3, dilation_rate=d, padding="causal", activation="relu", name=f"dilated_{d}")(x)
        x = keras.layers.LayerNormalization(name=f"norm_{d}")(keras.layers.Add(name=f"residual_{d}")([x, h]))
    x = keras.layers.Conv1D(width, 1, activation="relu", name="mix")(x)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="activate")(x)
    return keras.Model(inputs, outputs, name="trigger_detector")


# ---------------------------------------------------------------------------------------------------------
# The model's probabilities

@functools.cache
def shipped_model():
    """The shipped network, built once per process: `detector_model()` with the weights in pretrained/."""
    model = detector_model()
    model.load_weights(pretrained_path(WEIGHTS))
    return model


def shipped_settings() -> dict:
    """pretrained/trigger_word.json: the threshold chosen on the dev voices, the rule, the dev figures."""
    return json.loads(pretrained_path(SETTINGS).read_text())


_PREDICT = weakref.WeakKeyDictionary()  # model -> its compiled forward pass


def features(model, clip) -> np.ndarray:
    """What `model` reads of a 10 s SAMPLE_RATE `clip`: log-mel frames for `detector_model`, (TY, N_MELS); the
    course's spectrogram for `modelf`, (TX, N_FREQ). Told apart by the width of the model's input."""
    return log_mel(clip) if model.input_shape[-1] == N_MELS else spectrogram(clip).T


def predictor(model):
    """`model`'s forward pass (inference mode) as one TensorFlow graph for any batch size and length, traced once.

    Keras' own `predict_on_batch` traces again for each new batch size and, with the length fixed, spends a minute
    or more optimising the graph of `modelf`'s GRU loops; with the length left open it traces in about a second.
    A model with a TimeDistributed layer (`modelf`) has its layers applied one after the other, the layer inside
    TimeDistributed directly (the same weights): Keras' TimeDistributed, traced with both the batch and the time
    axis open, returns the wrong number of steps.
    """
    import keras
    import tensorflow as tf

    if model not in _PREDICT:
        if any(isinstance(layer, keras.layers.TimeDistributed) for layer in model.layers):  # modelf: one chain
            layers = [layer.layer if isinstance(layer, keras.layers.TimeDistributed) else layer
                      for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]

            def forward(x):
                for layer in layers:
                    x = layer(x, training=False)
                return x
        else:
            def forward(x):
                return model(x, training=False)

        spec = tf.TensorSpec((None, None, model.input_shape[-1]), tf.float32)
        _PREDICT[model] = tf.function(forward, input_signature=[spec])
    return _PREDICT[model]


def _is_model(model) -> bool:
    import keras

    return isinstance(model, keras.Model) and model.input_shape[-1] in (N_MELS, N_FREQ)


def frame_count(n_samples: int) -> int:
    """How many model outputs cover `n_samples` at SAMPLE_RATE: one per FRAME_MS started (1,375 for 10 s)."""
    return max(1, -(-n_samples * TY // CLIP_SAMPLES))


def windows(samples) -> np.ndarray:
    """(n_windows, CLIP_SAMPLES) float32: 10 s windows of the SAMPLE_RATE `samples`, one every HOP_MS, the last
    padded with silence (a recording shorter than 10 s is one padded window)."""
    n_windows = 1 + max(0, -(-(len(samples) - CLIP_SAMPLES) // HOP_SAMPLES))
    padded = np.zeros((n_windows - 1) * HOP_SAMPLES + CLIP_SAMPLES, dtype=np.float32)
    padded[:len(samples)] = samples
    return np.lib.stride_tricks.sliding_window_view(padded, CLIP_SAMPLES)[::HOP_SAMPLES]


def stitch(window_probs: np.ndarray, n_frames: int) -> np.ndarray:
    """(n_frames,) from (n_windows, TY) outputs: all of the first window, then each window without its warm-up."""
    parts = [window_probs[0]] + [probs[WARMUP_FRAMES:] for probs in window_probs[1:]]
    return np.concatenate(parts)[:n_frames]


def probabilities(samples, sample_rate, model=None) -> np.ndarray:
    """(frames,) float32: the model's probability that "activate" has just ended, one every FRAME_MS ms (1,375 per
    10 s; frame i is at i * FRAME_MS ms), for `samples` of shape (n,) or (n, channels) in [-1, 1] at `sample_rate`.

    `model`: a Keras model from `detector_model()` or the course's `modelf((None, N_FREQ))`; None, the shipped
    one (loaded once per process).
    Long recordings are read in 10 s windows that overlap by WARMUP_MS; short ones are padded with silence.
    """
    return many_probabilities([samples], sample_rate, model)[0]


def many_probabilities(recordings, sample_rate, model=None) -> list[np.ndarray]:
    """`probabilities` of each of a list of recordings at one `sample_rate`, their windows read in shared batches
    (several times faster than one call each for many short clips; the same numbers)."""
    if not isinstance(recordings, list | tuple):
        raise TypeError(f"recordings must be a list of sample arrays, got {describe(recordings)}")
    if model is None:
        model = shipped_model()
    elif not _is_model(model):
        raise TypeError(f"model must be a Keras model built by detector_model or modelf, got {describe(model)}")
    forward = predictor(model)
    heard = [model_input(*recording(samples, sample_rate)) for samples in recordings]
    clips = [windows(samples) for samples in heard]
    everything = np.concatenate(clips) if clips else np.zeros((0, CLIP_SAMPLES), np.float32)
    outputs = []
    for start in range(0, len(everything), BATCH_WINDOWS):
        x = np.stack([features(model, clip) for clip in everything[start:start + BATCH_WINDOWS]])  # (batch, frames, width)
        outputs.append(np.asarray(forward(x))[:, :, 0])  # (batch, TY)
    window_probs = np.split(np.concatenate(outputs), np.cumsum([len(c) for c in clips])[:-1]) if outputs else []
    return [stitch(probs, frame_count(len(samples))).astype(np.float32)
            for probs, samples in zip(window_probs, heard)]


# ---------------------------------------------------------------------------------------------------------
# Detections

def detections(probs, threshold, refractory_ms=REFRACTORY_MS) -> list[float]:
    """Times (ms) of the events in `probs` (one value every FRAME_MS ms): each frame where the probability rises
    to `threshold` or above, unless it comes less than `refractory_ms` after the previous detection."""
    probs = check_array(probs, "probs", ndim=1)
    threshold = check_number(threshold, "threshold", low=0, high=1)
    refractory_ms = check_number(refractory_ms, "refractory_ms", low=0)
    above = probs >= threshold
    rising = np.flatnonzero(above & ~np.concatenate([[False], above[:-1]]))  # first frame of each run above
    return refractory(rising * FRAME_MS, refractory_ms)


def refractory(times_ms, refractory_ms=REFRACTORY_MS) -> list[float]:
    """The sorted `times_ms` less those that come within `refractory_ms` after the last one kept."""
    kept = []
    for time_ms in times_ms:
        if not kept or time_ms - kept[-1] >= refractory_ms:
            kept.append(float(time_ms))
    return kept


def default_threshold() -> float:
    """The threshold shipped with the weights (chosen on the dev voices by the rule in pretrained/trigger_word.json)."""
    return float(shipped_settings()["threshold"])


def detect(path_or_array, sample_rate=None, threshold=None) -> list[float]:
    """The times (ms from the start) at which the chime fires for a WAV file or an array of samples.

    `path_or_array`: the path of a 16-bit PCM WAV file (its own sample rate; leave `sample_rate` out), or an array
    of shape (n,) or (n, channels), floats in [-1, 1], with its `sample_rate` in Hz. Any length and channel count.
    `threshold`: None for the shipped one. Silence and noise are valid and give [].
    """
    samples, sample_rate = recording(*_samples(path_or_array, sample_rate))
    threshold = default_threshold() if threshold is None else check_number(threshold, "threshold", low=0, high=1)
    return detections(probabilities(samples, sample_rate), threshold)


def _samples(path_or_array, sample_rate) -> tuple[np.ndarray, int]:
    """(samples, sample_rate) from a WAV path (no `sample_rate` then) or an array (with one)."""
    if isinstance(path_or_array, str | Path):
        if sample_rate is not None:
            raise ValueError(f"sample_rate is read from the WAV file {path_or_array}; leave it out (got {sample_rate})")
        return read_recording(path_or_array)
    return path_or_array, sample_rate


# ---------------------------------------------------------------------------------------------------------
# The chime

def chime_sound(sample_rate=SAMPLE_RATE) -> np.ndarray:
    """(samples,) float32: the chime, a bell-like tone of CHIME_MS ms at `sample_rate`, peak CHIME_PEAK.

    A bell's partials are not harmonics: a fundamental with partials at 2, 2.76 and 5.4 times its frequency, each
    dying away exponentially (the higher, the faster), after a 3 ms rise and before a 30 ms fade that keep the
    ends from clicking.
    """
    sample_rate = check_number(sample_rate, "sample_rate", low=MIN_RATE, high=MAX_RATE, integer=True)
    t = np.arange(int(sample_rate * CHIME_MS / 1000)) / sample_rate  # seconds
    partials = ((1.0, 1.0, 0.09), (2.0, 0.45, 0.06), (2.76, 0.3, 0.04), (5.4, 0.12, 0.02))  # ratio, amplitude, decay s
    tone = sum(amplitude * np.exp(-t / decay) * np.sin(2 * np.pi * ratio * CHIME_HZ * t)
               for ratio, amplitude, decay in partials if ratio * CHIME_HZ < sample_rate / 2)
    tone *= np.minimum(1.0, t / 0.003) * np.minimum(1.0, (t[-1] - t) / 0.03)  # the rise and the fade
    return (CHIME_PEAK * tone / np.max(np.abs(tone))).astype(np.float32)


def mix_chimes(samples, sample_rate, times_ms) -> np.ndarray:
    """A copy of `samples` ((n,) or (n, channels)) with the chime added at each of `times_ms`, in every channel;
    scaled down as a whole when the sum would pass full scale, so nothing clips."""
    samples = np.array(samples, dtype=np.float32)  # a copy
    sound = chime_sound(sample_rate)
    times_ms = check_array(times_ms, "times_ms", ndim=1)
    if np.any(times_ms < 0):
        raise ValueError(f"times_ms must be at least 0, got {times_ms[times_ms < 0][:3]}")
    for time_ms in times_ms:
        start = round(time_ms * sample_rate / 1000)
        piece = sound[:max(0, len(samples) - start)]
        target = samples[start:start + len(piece)]
        target += piece if samples.ndim == 1 else piece[:, None]
    peak = float(np.max(np.abs(samples))) if samples.size else 0.0
    return samples / peak if peak > 1 else samples


def chime(path, out_path, threshold=None) -> list[float]:
    """Write to `out_path` the WAV recording at `path` with the chime mixed in at each detection; return their
    times (ms). Same sample rate and channels as the input; `threshold` None for the shipped one."""
    if not isinstance(out_path, str | Path):
        raise TypeError(f"out_path must be a str or pathlib.Path, got {describe(out_path)}")
    samples, sample_rate = read_recording(path)
    times_ms = detect(samples, sample_rate, threshold)
    audio.write_wav(out_path, mix_chimes(samples, sample_rate, times_ms), sample_rate)
    return times_ms


# ---------------------------------------------------------------------------------------------------------
# Events: how the field scores a wake-word detector

def match_events(detections_ms, word_ends_ms, early_ms=EARLY_MS, late_ms=LATE_MS) -> dict:
    """Match detections to spoken wake words: a detection counts for a word when it fires between `early_ms`
    before the word's end and `late_ms` after it; each word takes at most one detection, each detection one word.

    Greedy in time, which finds the most matches here (every word has a window of the same length): the
    detections in time order, each to the earliest unmatched word whose window holds it.
    Returns {"tp", "fp", "fn", "delays_ms"}: matched detections, detections left over (false alarms), words left
    over (misses), and for each match the detection's time minus the word's end.
    """
    detections_ms = np.sort(check_array(detections_ms, "detections_ms", ndim=1))
    word_ends_ms = np.sort(check_array(word_ends_ms, "word_ends_ms", ndim=1))
    early_ms = check_number(early_ms, "early_ms", low=0)
    late_ms = check_number(late_ms, "late_ms", low=0)
    matched = np.zeros(len(word_ends_ms), dtype=bool)
    delays = []
    for time_ms in detections_ms:
        fits = ~matched & (word_ends_ms - early_ms <= time_ms) & (time_ms <= word_ends_ms + late_ms)
        if fits.any():
            word = int(np.argmax(fits))  # the earliest word whose window holds it
            matched[word] = True
            delays.append(float(time_ms - word_ends_ms[word]))
    tp = len(delays)
    return {"tp": tp, "fp": len(detections_ms) - tp, "fn": int(len(word_ends_ms) - tp), "delays_ms": delays}


def event_scores(matches) -> dict:
    """{"precision", "recall", "f1", "tp", "fp", "fn"} over one `match_events` result or a list of them (counts
    summed). Precision is NaN with no detection, recall NaN with no word; F1 = 2tp / (2tp + fp + fn)."""
    if isinstance(matches, dict):
        matches = [matches]
    if not isinstance(matches, list | tuple):
        raise TypeError(f"matches must be a match_events result or a list of them, got {describe(matches)}")
    counts = {key: sum(int(match[key]) for match in matches) for key in ("tp", "fp", "fn")}
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    return {"precision": tp / (tp + fp) if tp + fp else float("nan"),
            "recall": tp / (tp + fn) if tp + fn else float("nan"),
            "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else float("nan"), **counts}


def default_thresholds() -> np.ndarray:
    """The sweep of `false_reject_curve`: 0.02 to 0.98 in steps of 0.02, then ever closer to 1 (a network trained
    long is sure of itself: its answers crowd just below 1, where float32 still tells them apart)."""
    close = [0.99, 0.995, 0.998, 0.999, 0.9995, 0.9998, 0.9999, 0.99995, 0.99998, 0.99999, 0.999995, 0.999998, 0.999999]
    return np.concatenate([np.round(np.arange(1, 50) * 0.02, 2), close])


def curve_from_detections(thresholds, positive_detections, word_ends_ms, false_alarms, hours) -> dict:
    """The false-reject curve from detections already made at each threshold (any detector, e.g. PocketSphinx).

    `positive_detections[k][i]`: the detections (ms) at `thresholds[k]` in positive clip i, whose words end at
    `word_ends_ms[i]`; `false_alarms[k]`: how many detections the negative-only audio (`hours` long) gave at it.
    Returns {"thresholds", "false_reject_rate", "false_alarms_per_hour", "false_alarms", "precision", "recall",
    "f1", "words", "hours"}: lists, one entry per threshold (precision and F1 over the positive clips).
    """
    thresholds = check_array(thresholds, "thresholds", ndim=1)
    hours = check_number(hours, "hours", low=0, low_open=True)
    false_alarms = check_array(false_alarms, "false_alarms", ndim=1)
    if len(positive_detections) != len(thresholds) or len(false_alarms) != len(thresholds):
        raise ValueError(f"positive_detections and false_alarms need one entry per threshold ({len(thresholds)}), "
                         f"got {len(positive_detections)} and {len(false_alarms)}")
    curve = {"thresholds": thresholds.tolist(), "false_reject_rate": [], "false_alarms_per_hour": [],
             "false_alarms": false_alarms.astype(int).tolist(), "precision": [], "recall": [], "f1": []}
    for per_clip, n_alarms in zip(positive_detections, false_alarms):
        if len(per_clip) != len(word_ends_ms):
            raise ValueError(f"each threshold needs detections for all {len(word_ends_ms)} clips, got {len(per_clip)}")
        scores = event_scores([match_events(found, ends) for found, ends in zip(per_clip, word_ends_ms)])
        curve["false_reject_rate"].append(1 - scores["recall"])
        curve["false_alarms_per_hour"].append(float(n_alarms) / hours)
        for key in ("precision", "recall", "f1"):
            curve[key].append(scores[key])
    curve["words"] = sum(len(ends) for ends in word_ends_ms)
    curve["hours"] = hours
    return curve


def false_reject_curve(positive_probs, word_ends_ms, negative_probs, hours=None, thresholds=None,
                       refractory_ms=REFRACTORY_MS) -> dict:
    """False-reject rate against false alarms per hour over a sweep of thresholds (see `curve_from_detections`).

    `positive_probs`: a list of `probabilities` outputs, one per clip with wake words ending at `word_ends_ms[i]`;
    `negative_probs`: a list of outputs on negative-only audio, whose every detection is a false alarm;
    `hours`: how long the negative audio is (None: from its number of frames); `thresholds`: None for
    `default_thresholds()`.
    """
    if not isinstance(positive_probs, list | tuple) or not isinstance(negative_probs, list | tuple):
        raise TypeError("positive_probs and negative_probs must be lists of probability arrays, got "
                        f"{describe(positive_probs)} and {describe(negative_probs)}")
    if not positive_probs or not negative_probs:
        raise ValueError("positive_probs and negative_probs must each hold at least one array of probabilities")
    if len(word_ends_ms) != len(positive_probs):
        raise ValueError(f"word_ends_ms needs one list per positive clip ({len(positive_probs)}), got {len(word_ends_ms)}")
    thresholds = default_thresholds() if thresholds is None else check_array(thresholds, "thresholds", ndim=1)
    if hours is None:
        hours = sum(len(probs) for probs in negative_probs) * FRAME_MS / 3.6e6
    positive = [[detections(probs, threshold, refractory_ms) for probs in positive_probs] for threshold in thresholds]
    false_alarms = [sum(len(detections(probs, threshold, refractory_ms)) for probs in negative_probs)
                    for threshold in thresholds]
    return curve_from_detections(thresholds, positive, word_ends_ms, false_alarms, hours)


def choose_threshold(curve, max_fa_per_hour=MAX_FA_PER_HOUR) -> float:
    """The stated rule: of the thresholds whose false alarms per hour are at most `max_fa_per_hour`, the one that
    misses the fewest wake words (ties: fewer false alarms, then the higher threshold). Use it on the dev split.
    ValueError when no threshold of the sweep is quiet enough."""
    max_fa_per_hour = check_number(max_fa_per_hour, "max_fa_per_hour", low=0)
    candidates = [(frr, fa, -threshold) for threshold, frr, fa in
                  zip(curve["thresholds"], curve["false_reject_rate"], curve["false_alarms_per_hour"])
                  if fa <= max_fa_per_hour]
    if not candidates:
        raise ValueError(f"no threshold of the sweep gives at most {max_fa_per_hour:g} false alarms per hour (the "
                         f"fewest: {min(curve['false_alarms_per_hour']):.3g}); extend the sweep")
    return -min(candidates)[2]


def false_reject_at(curve, max_fa_per_hour) -> dict:
    """{"threshold", "false_reject_rate", "false_alarms_per_hour"} of `choose_threshold(curve, max_fa_per_hour)`:
    the point of a curve that the field quotes ("x% missed at y false alarms per hour")."""
    threshold = choose_threshold(curve, max_fa_per_hour)
    k = curve["thresholds"].index(threshold)
    return {"threshold": threshold, "false_reject_rate": curve["false_reject_rate"][k],
            "false_alarms_per_hour": curve["false_alarms_per_hour"][k]}
