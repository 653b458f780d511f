"""Trigger word detection: the course's data functions (random segments, overlap, inserting clips, labels), a numpy spectrogram and the course's Conv1D + GRU model `modelf`. `utils.trigger` holds the shipped detector (log-mel bands and dilated causal convolutions) behind `detect` and `chime`; tools/train_trigger.py trains its weights.

Taught in notebooks/w3a2_trigger_word_detection.ipynb (course 5, week 3, assignment 3).

Generated from notebooks/w3a2_trigger_word_detection.ipynb by `make export`:
edit the notebook's `exercise` and `export` cells, not this file.
"""

import math

import numpy as np

from utils.checks import check_array, check_number, check_seed

SAMPLE_RATE = 44_100  # samples per second of every clip the model hears (the course's rate)
CLIP_MS = 10_000  # a training clip lasts 10 s; positions and durations are in milliseconds, as in the course
CLIP_SAMPLES = CLIP_MS * SAMPLE_RATE // 1000  # 441,000
FRAME_LENGTH, FRAME_STEP = 200, 80  # spectrogram frames of 200 samples, one every 80 (NFFT 200, overlap 120)
N_FREQ = FRAME_LENGTH // 2 + 1  # 101 frequency bins, 0 to 22,050 Hz
TX = (CLIP_SAMPLES - FRAME_LENGTH) // FRAME_STEP + 1  # 5,511 frames per 10 s: the model's input length
KERNEL_SIZE, CONV_STRIDE = 15, 4  # the model's first layer: 15 frames wide, one output every 4 frames
TY = (TX - KERNEL_SIZE) // CONV_STRIDE + 1  # 1,375 output steps per 10 s
ACTIVATE_STEPS = 50  # output steps labelled 1 right after an "activate" ends (about 0.36 s)
INSERT_TRIES = 5  # random positions insert_audio_clip tries before giving up on a clip
NO_ROOM = (CLIP_MS, CLIP_MS)  # the segment insert_audio_clip returns when it found no free place (the course's)
BACKGROUND_GAIN_DB = -20.0  # the course quietens the background by 20 dB before adding the words ...
TARGET_DBFS = -20.0  # ... and brings the finished clip to -20 dBFS (RMS relative to full scale)


def random_generator(rng=None) -> np.random.Generator:
    """A numpy Generator from `rng`: a Generator passes through, a whole number seeds one, None draws fresh entropy."""
    return np.random.default_rng(check_seed(rng, "rng", allow_none=True))


def duration_ms(samples) -> int:
    """How many milliseconds `samples` at SAMPLE_RATE cover (rounded up, so the segment holds the whole clip)."""
    return math.ceil(len(samples) * 1000 / SAMPLE_RATE)


def clip_array(samples, name: str, length: int | None = None) -> np.ndarray:
    """`samples` as a finite 1-D float32 array (of `length` samples when given), or a clear error naming `name`."""
    samples = check_array(samples, name, ndim=1, dtype=np.float32)
    if length is not None and len(samples) != length:
        raise ValueError(f"{name} must hold {length:,} samples ({length * 1000 / SAMPLE_RATE:g} ms at {SAMPLE_RATE:,} "
                         f"Hz), got {len(samples):,}")
    if length is None and not 0 < duration_ms(samples) < CLIP_MS:
        raise ValueError(f"{name} must be shorter than {CLIP_MS} ms and not empty, got {len(samples):,} samples")
    return samples


def clip_list(clips, name: str) -> list[np.ndarray]:
    """A non-empty list or tuple of clips, each checked by `clip_array`."""
    if not isinstance(clips, list | tuple):
        raise TypeError(f"{name} must be a list of 1-D sample arrays, got {type(clips).__name__}")
    if not clips:
        raise ValueError(f"{name} is empty: give at least one clip")
    return [clip_array(clip, f"{name}[{i}]") for i, clip in enumerate(clips)]


HANN = np.hanning(FRAME_LENGTH + 1)[:-1].astype(np.float32)  # the periodic Hann window, (200,)
HANN_POWER = float(np.sum(HANN.astype(np.float64) ** 2))  # divides the power out of the window's own gain
POWER_FLOOR = 1e-10  # added before the logarithm, so that silence is finite (-10)


def spectrogram(samples) -> np.ndarray:
    """(N_FREQ, frames) float32 log10 power spectrogram of mono `samples` at SAMPLE_RATE (the course's
    `graph_spectrogram` without the figure): Hann frames of FRAME_LENGTH samples, one every FRAME_STEP, so 10 s
    gives (101, 5511). Feed the model its transpose, (frames, N_FREQ). ValueError for fewer than FRAME_LENGTH
    samples, more than one axis, or NaN/infinite samples."""
    samples = check_array(samples, "samples", ndim=1, dtype=np.float32)
    if len(samples) < FRAME_LENGTH:
        raise ValueError(f"samples must hold at least {FRAME_LENGTH} samples (one frame), got {len(samples)}")
    frames = np.lib.stride_tricks.sliding_window_view(samples, FRAME_LENGTH)[::FRAME_STEP]  # (frames, 200), a view
    power = np.abs(np.fft.rfft(frames * HANN, axis=1)) ** 2 / HANN_POWER  # (frames, 101)
    return np.log10(power + POWER_FLOOR).T.astype(np.float32)  # (101, frames)


def get_random_time_segment(segment_ms, rng=None) -> tuple[int, int]:
    """A random (start, end) in ms, both included, for a segment of `segment_ms` inside a 10 s clip (the course's).

    `rng`: a numpy Generator or a seed (None: fresh entropy). ValueError unless 1 <= segment_ms < CLIP_MS.
    """
    segment_ms = check_number(segment_ms, "segment_ms", low=1, high=CLIP_MS - 1, integer=True)
    segment_start = int(random_generator(rng).integers(0, CLIP_MS - segment_ms))  # start + duration < 10 s
    return segment_start, segment_start + segment_ms - 1


def is_overlapping(segment_time, previous_segments) -> bool:
    """True when the (start, end) `segment_time` shares a millisecond with any segment of `previous_segments`
    (ends are included: (0, 100) and (100, 200) overlap, (0, 99) and (100, 200) do not)."""
    segment_start, segment_end = segment_time
    for previous_start, previous_end in previous_segments:
        # Hint: they share min(segment_end, previous_end) - max(segment_start, previous_start) + 1 milliseconds.
        shared_ms = min(segment_end, previous_end) - max(segment_start, previous_start) + 1
        if shared_ms > 0:
            return True
    return False


def insert_audio_clip(background, audio_clip, previous_segments, rng=None):
    """(new_background, segment_time): `audio_clip` added to a copy of the 10 s `background` at a random free
    segment, which is appended to `previous_segments`; (background, NO_ROOM) when INSERT_TRIES draws all overlap.
    Arrays are mono float32 at SAMPLE_RATE; `rng` a numpy Generator or a seed."""
    background = clip_array(background, "background", CLIP_SAMPLES)
    audio_clip = clip_array(audio_clip, "audio_clip")
    rng = random_generator(rng)
    segment_ms = duration_ms(audio_clip)
    for _ in range(INSERT_TRIES):
        segment_time = get_random_time_segment(segment_ms, rng)
        if not is_overlapping(segment_time, previous_segments):
            break
    else:
        return background, NO_ROOM
    previous_segments.append(segment_time)
    # Hint: the clip starts at sample segment_time[0] * SAMPLE_RATE // 1000; add it to a copy of the background.
    start = segment_time[0] * SAMPLE_RATE // 1000
    new_background = background.copy()
    new_background[start:start + len(audio_clip)] += audio_clip
    return new_background, segment_time


def insert_ones(y, segment_end_ms):
    """A copy of the labels `y` (shape (1, Ty)) with the ACTIVATE_STEPS output steps after the one where a word
    ending at `segment_end_ms` (0 to CLIP_MS) ends set to 1; steps past the end of the clip are dropped."""
    y = check_array(y, "y", ndim=2, dtype=np.float32)
    if y.shape[0] != 1:
        raise ValueError(f"y must have shape (1, Ty), got {y.shape}")
    segment_end_ms = check_number(segment_end_ms, "segment_end_ms", low=0, high=CLIP_MS)
    Ty = y.shape[1]
    y = y.copy()
    # Hint: the end's output step is int(segment_end_ms * Ty / CLIP_MS); the ones start at the step after it.
    segment_end_y = int(segment_end_ms * Ty / CLIP_MS)
    y[0, segment_end_y + 1:segment_end_y + 1 + ACTIVATE_STEPS] = 1
    return y


def match_target_amplitude(samples, target_dbfs=TARGET_DBFS) -> np.ndarray:
    """`samples` scaled so that their RMS is `target_dbfs` below full scale, then clipped to [-1, 1] (the course's
    helper, on arrays). Silence stays silent."""
    samples = check_array(samples, "samples", ndim=1, dtype=np.float32)
    target_dbfs = check_number(target_dbfs, "target_dbfs", high=0)
    rms = float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))) if len(samples) else 0.0
    gain = 10 ** (target_dbfs / 20) / rms if rms > 0 else 1.0
    return np.clip(samples * gain, -1.0, 1.0).astype(np.float32)


def create_training_clip(background, activates, negatives, rng=None):
    """(audio, activate_ends_ms): the 10 s `background`, 20 dB quieter, with 0-4 clips drawn from `activates` and
    then 0-2 from `negatives` added where they do not overlap, brought to TARGET_DBFS; and the sorted end (ms) of
    each placed activate. Clips are mono float32 arrays at SAMPLE_RATE; `rng` a numpy Generator or a seed."""
    background = clip_array(background, "background", CLIP_SAMPLES) * 10 ** (BACKGROUND_GAIN_DB / 20)
    activates, negatives = clip_list(activates, "activates"), clip_list(negatives, "negatives")
    rng = random_generator(rng)
    previous_segments, activate_ends_ms = [], []
    # Hint: draw rng.integers(0, 5) indices with rng.integers(len(activates), size=...), insert each and keep the
    # end of each placed one; then the same with rng.integers(0, 3) negatives.
    for index in rng.integers(len(activates), size=rng.integers(0, 5)):
        background, segment_time = insert_audio_clip(background, activates[index], previous_segments, rng)
        if segment_time != NO_ROOM:
            activate_ends_ms.append(segment_time[1])
    for index in rng.integers(len(negatives), size=rng.integers(0, 3)):
        background, _ = insert_audio_clip(background, negatives[index], previous_segments, rng)
    return match_target_amplitude(background), sorted(activate_ends_ms)


def create_training_example(background, activates, negatives, Ty=TY, rng=None):
    """(x, y): x (TX, N_FREQ), the spectrogram of a `create_training_clip` clip, transposed; y (Ty, 1), 1 on the
    ACTIVATE_STEPS steps after each activate ends."""
    Ty = check_number(Ty, "Ty", low=1, integer=True)
    # Hint: make the clip; y starts as zeros of shape (1, Ty), insert_ones for each end; x = the transposed spectrogram.
    audio, activate_ends_ms = create_training_clip(background, activates, negatives, rng)
    y = np.zeros((1, Ty))
    for segment_end_ms in activate_ends_ms:
        y = insert_ones(y, segment_end_ms)
    x = np.transpose(spectrogram(audio))  # (TX, N_FREQ)
    return x, y.T


def activate_labels(activate_ends_ms, Ty=TY) -> np.ndarray:
    """(Ty,) float32 labels of a 10 s clip whose activates end at `activate_ends_ms`: `insert_ones` after each end.
    What tools/train_trigger.py and the evaluations compare the model's outputs with."""
    y = np.zeros((1, Ty), np.float32)
    for segment_end_ms in activate_ends_ms:
        y = insert_ones(y, segment_end_ms)
    return y[0]


def modelf(input_shape, dropout_rate=0.8):
    """The course's trigger-word model for spectrograms of `input_shape` (frames, N_FREQ) (frames may be None):
    Conv1D(196, 15, strides 4), BatchNorm, ReLU, Dropout, GRU(128), Dropout, BatchNorm, GRU(128), Dropout,
    BatchNorm, Dropout, TimeDistributed(Dense(1, sigmoid)): 523,329 parameters."""
    if not isinstance(input_shape, tuple | list) or len(input_shape) != 2:
        raise ValueError(f"input_shape must be (frames, {N_FREQ}) (frames may be None), got {input_shape!r}")
    dropout_rate = check_number(dropout_rate, "dropout_rate", low=0, high=1)
    # Hint: keras.Input, then the layers in the docstring's order (batch normalisation over axis 2, the features).
    from keras import Input, Model, layers  # imported here, so that the data functions above do not need Keras

    X_input = Input(shape=tuple(input_shape))  # (batch, frames, N_FREQ)
    X = layers.Conv1D(196, KERNEL_SIZE, strides=CONV_STRIDE)(X_input)  # (batch, steps, 196)
    X = layers.BatchNormalization(axis=2)(X)
    X = layers.Activation("relu")(X)
    X = layers.Dropout(dropout_rate)(X)
    X = layers.GRU(128, return_sequences=True)(X)  # (batch, steps, 128)
    X = layers.Dropout(dropout_rate)(X)
    X = layers.BatchNormalization(axis=2)(X)
    X = layers.GRU(128, return_sequences=True)(X)
    X = layers.Dropout(dropout_rate)(X)
    X = layers.BatchNormalization(axis=2)(X)
    X = layers.Dropout(dropout_rate)(X)
    X = layers.TimeDistributed(layers.Dense(1, activation="sigmoid"))(X)  # (batch, steps, 1)
    return Model(inputs=X_input, outputs=X)


STEP_SAMPLES = CONV_STRIDE * FRAME_STEP  # 320 samples: one output step, where training windows may start


def output_steps(n_samples) -> int:
    """How many outputs `modelf` gives for `n_samples` of audio (1,375 for 10 s)."""
    frames = (n_samples - FRAME_LENGTH) // FRAME_STEP + 1
    return (frames - KERNEL_SIZE) // CONV_STRIDE + 1


def train_course_recipe(seed=0, examples=32, epochs=1, batch_size=16, learning_rate=1e-3, window_ms=3000,
                        folder=None):
    """The course's recipe as a baseline: `modelf` (dropout 0.8, as the course) trained from scratch for `epochs`
    on `examples` 10 s clips of the train voices of the committed raw set (or `folder`), made by
    `tools.trigger_data.labelled_clips`, cut into consecutive windows of `window_ms`; Adam, binary
    cross-entropy, full batches only. Returns the model, which runs on any length."""
    import keras

    from tools.trigger_data import RAW_FOLDER, labelled_clips

    examples = check_number(examples, "examples", low=1, integer=True)
    seed = check_number(seed, "seed", low=0, integer=True)
    window_samples = round(check_number(window_ms, "window_ms", low=100, high=CLIP_MS) * SAMPLE_RATE / 1000)
    steps = output_steps(window_samples)
    keras.utils.set_random_seed(seed)
    clips = labelled_clips("train", examples, seed=seed, folder=RAW_FOLDER if folder is None else folder)
    x, y = [], []
    for audio, ends in clips:
        labels = activate_labels(ends)  # (TY,)
        for start in range(0, TY - steps + 1, steps):
            window = audio[start * STEP_SAMPLES:start * STEP_SAMPLES + window_samples]
            if len(window) == window_samples:
                x.append(spectrogram(window).T)  # (frames, N_FREQ)
                y.append(labels[start:start + steps, None])  # (steps, 1)
    x, y = np.stack(x), np.stack(y)
    model = modelf((None, N_FREQ))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="binary_crossentropy")
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for first in range(0, len(x) - batch_size + 1, batch_size):  # one shape, so one training graph
            model.train_on_batch(x[order[first:first + batch_size]], y[order[first:first + batch_size]])
    return model
