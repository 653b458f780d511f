"""tools/train_trigger.py: the training windows it draws from the clips' log-mel frames."""

import numpy as np

from tools import train_trigger
from utils.trigger import N_MELS
from utils.trigger_word import TY


def clips(n, labelled):
    """(x, y): every band of frame t holds 1000 t (so a window tells where it was cut); y is 1 where t % 7 == 0."""
    t = np.arange(TY, dtype=np.float32)
    x = np.broadcast_to((1000 * t)[None, :, None], (n, TY, N_MELS)).copy()
    y = np.broadcast_to((t % 7 == 0)[None] & labelled, (n, TY)).astype(np.uint8)
    return x, y


def draw(batch_size=8, negative_share=0.25, crop_seconds=2.0, seed=0):
    args = train_trigger.parse(["--batch-size", str(batch_size), "--negative-share", str(negative_share),
                                "--crop-seconds", str(crop_seconds)])
    stream = train_trigger.batches(clips(5, True), clips(3, False), args, np.random.default_rng(seed))
    return next(stream)


def test_a_batch_holds_windows_of_the_crop_length_with_a_label_per_step():
    x, y, _ = draw()
    crop = round(2.0 * TY / 10)
    assert x.shape == (8, crop, N_MELS) and y.shape == (8, crop, 1) and x.dtype == y.dtype == np.float32


def test_each_window_keeps_the_labels_of_the_steps_it_was_cut_from():
    x, y, _ = draw()
    steps = np.round(x.max(axis=2) / 1000).astype(int)  # the gain moves values by under 1; masks hide a few bands
    assert np.all(np.diff(steps, axis=1) == 1)  # consecutive steps of one clip
    labelled = y[:6, :, 0] == 1
    assert np.array_equal(labelled, steps[:6] % 7 == 0)


def test_the_negative_share_of_a_batch_comes_from_the_clips_without_the_word():
    _, y, _ = draw(batch_size=8, negative_share=0.25)
    assert y[:6].sum() > 0 and y[6:].sum() == 0


def test_the_gain_shifts_every_band_of_a_window_alike():
    x, _, _ = draw()
    gain = x - np.round(x / 1000) * 1000  # what the window added to each value (float32: to within 1/8)
    assert np.all(np.abs(gain) <= 0.6 + 0.125)
    assert np.all(np.ptp(gain, axis=(1, 2)) <= 0.25)  # one gain per window, on every band and step
    assert np.ptp(np.median(gain, axis=(1, 2))) > 0.25  # and not the same for every window


def test_the_first_steps_after_a_words_end_carry_no_loss_the_rest_do():
    y = np.zeros((2, 20), np.uint8)
    y[0, 5:12] = 1  # one word's labels
    y[1, :4] = 1  # a word whose labels began before the window
    weights = train_trigger.loss_weights(y, settle_steps=3)
    assert weights[0].tolist() == [1] * 5 + [0] * 3 + [1] * 12
    assert weights[1].tolist() == [0] * 3 + [1] * 17


def test_delayed_labels_start_later_and_keep_their_length_inside_the_clip():
    y = np.zeros((1, 12), np.uint8)
    y[0, 2:5] = 1
    y_late = np.zeros((1, 12), np.uint8)
    y_late[0, 9:] = 1  # its last label would fall past the end
    assert np.flatnonzero(train_trigger.delayed(y, 4)[0]).tolist() == [6, 7, 8]
    assert np.flatnonzero(train_trigger.delayed(y_late, 2)[0]).tolist() == [11]
