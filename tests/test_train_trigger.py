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
                                "--crop-seconds", str(crop_seconds), "--mix-share", "0"])
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


def test_near_labels_marks_the_steps_within_the_margin_of_a_label_and_no_others():
    y = np.zeros((2, 30), np.uint8)
    y[0, 10:12] = 1
    near = train_trigger.near_labels(y, margin=3)
    assert np.flatnonzero(near[0]).tolist() == list(range(7, 15))
    assert not near[1].any()


def test_false_alarm_steps_are_high_scores_away_from_every_label():
    y = np.zeros((3, TY), np.uint8)
    y[1, 500:550] = 1
    scores = np.zeros((3, TY, 1), np.float32)
    scores[0, 100] = scores[1, 520] = scores[1, 1000] = scores[2, 7] = 0.9  # 520 lies on a label
    scores[2, 8] = 0.4  # under the threshold

    def model(x, training):  # one batch of all three clips
        assert not training and len(x) == 3
        return scores

    found = train_trigger.false_alarm_steps(model, np.zeros((3, TY, N_MELS)), y, threshold=0.5, margin=100)
    assert found.tolist() == [[0, 100], [1, 1000], [2, 7]]


def test_a_hard_share_of_the_batch_is_windows_around_the_mined_steps():
    args = train_trigger.parse(["--batch-size", "8", "--negative-share", "0.25", "--crop-seconds", "2.0",
                                "--mix-share", "0"])
    hard = np.array([[0, 1, 900], [1, 2, 40]])
    stream = train_trigger.batches(clips(5, True), clips(3, False), args, np.random.default_rng(0),
                                   hard=hard, hard_share=0.5)
    for _ in range(5):
        x, _, _ = next(stream)
        steps = np.round(x.max(axis=2) / 1000).astype(int)  # each window's own steps, as in the tests above
        assert all(900 in row or 40 in row for row in steps[4:])  # the last half holds a mined step
        assert len(x) == 8


def test_mixing_adds_the_two_powers_with_the_noise_the_given_decibels_below():
    x = np.full((2, 4, N_MELS), 2.0, np.float32)  # log10 power: 100 in every band
    noise = np.full((2, 4, N_MELS), -1.0, np.float32)  # 0.1: its level is moved, only its shape counts
    mixed = train_trigger.mix_in(x, noise, np.array([0.0, 10.0]))
    assert np.allclose(mixed[0], np.log10(200.0)) and np.allclose(mixed[1], np.log10(110.0))


def test_mixing_keeps_the_louder_sound_where_the_other_is_far_below_it():
    rng = np.random.default_rng(0)
    x, noise = rng.normal(size=(3, 50, N_MELS)).astype(np.float32), rng.normal(size=(3, 50, N_MELS)).astype(np.float32)
    assert np.max(np.abs(train_trigger.mix_in(x, noise, np.full(3, 90.0)) - x)) < 0.01
    assert np.all(train_trigger.mix_in(x, noise, np.zeros(3)) >= x)  # power only adds


def test_a_mixed_batch_keeps_its_labels_and_raises_its_power():
    def mean_level(share):  # 0 in every band of the clips with the word, 1 in the others (log10 power)
        args = train_trigger.parse(["--batch-size", "8", "--negative-share", "0.25", "--crop-seconds", "1",
                                    "--mix-share", str(share)])
        quiet, loud = (np.zeros((5, TY, N_MELS), np.float32), clips(5, True)[1]), (np.ones((3, TY, N_MELS)), clips(3, False)[1])
        stream = train_trigger.batches(quiet, loud, args, np.random.default_rng(0))
        drawn = [next(stream) for _ in range(60)]
        assert all(y[:6].sum() > 0 and y[6:].sum() == 0 for _, y, _ in drawn)  # mixing adds no labels
        return np.mean([np.median(x[:6]) for x, _, _ in drawn])  # the gains average out

    # sound 0 to 20 dB below adds log10(1 + 10^(-snr / 10)) to the log power: 0.30 down to 0.004, 0.085 on average
    assert abs(mean_level(0.0)) < 0.04 and 0.05 < mean_level(1.0) < 0.13


def test_band_positions_leave_the_bands_in_place_at_factor_one_and_move_them_down_above_it():
    assert np.allclose(train_trigger.band_positions(1.0), np.arange(N_MELS), atol=1e-6)
    up, down = train_trigger.band_positions(1.1), train_trigger.band_positions(0.9)
    assert np.all(up <= np.arange(N_MELS)) and np.all(np.diff(up) > 0)  # a band is filled from a lower one
    assert np.all(down >= np.arange(N_MELS) - 1e-6) and down[-1] == N_MELS - 1  # clipped at the top band


def test_warping_moves_a_lit_band_alike_at_every_step_of_a_window():
    x = np.zeros((1, 3, N_MELS), np.float32)
    x[0, :, 20] = 1.0  # one band lit at every step
    rng = np.random.default_rng(0)
    assert np.array_equal(train_trigger.warp_bands(x.copy(), 0.0, rng), x)  # no warp: untouched
    warped = train_trigger.warp_bands(x.copy(), 0.15, rng)
    peaks = warped[0].argmax(axis=1)
    assert len(set(peaks.tolist())) == 1 and peaks[0] != 20  # the same shift at every step, somewhere else
    assert np.allclose(warped[0].sum(axis=1), warped[0, 0].sum())


def test_reverberation_leaves_what_came_before_a_sound_and_adds_a_decaying_tail_after_it():
    x = np.full((1, 200, N_MELS), -6.0, np.float32)  # near silence
    x[0, 50:60] = 0.0  # a burst of power 1 in every band
    wet = train_trigger.reverberate(x, np.array([0.5]), np.array([0.0]))
    assert np.all(wet[0, :50] <= x[0, :50] + np.log10(2) + 1e-6)  # before it, only the quiet's own echo (0 dB DRR)
    assert np.all(wet[0, 50:60] >= x[0, 50:60])  # the burst itself only gains
    tail = wet[0, 60:, 0]
    assert tail[0] > -3 and np.all(np.diff(tail[:60]) < 0)  # then a tail that dies away
    late = 10 ** wet[0, 60:, 0] - 10 ** x[0, 60:, 0]
    steps_60db = 0.5 / (train_trigger.FRAME_MS / 1000)  # RT60 in steps: 60 dB of decay
    assert abs(np.log10(late[0] / late[20]) * 10 - 60 * 20 / steps_60db) < 0.5


def test_the_reverberant_tail_holds_the_given_energy_below_the_sound():
    x = np.full((1, 3000, N_MELS), -9.0, np.float32)
    x[0, 10] = 0.0  # one step of power 1
    wet = 10 ** train_trigger.reverberate(x, np.array([0.3]), np.array([10.0]))[0, :, 0]
    assert abs(np.sum(wet[11:] - 1e-9) - 0.1) < 0.002  # 10 dB below the direct sound's energy


def test_the_max_pool_loss_counts_each_words_best_step_once_per_labelled_step():
    y = np.zeros((2, 12), np.float32)
    y[0, 2:5], y[0, 8:10], y[1, 5:12] = 1, 1, 1  # three words, two in one window
    weights = np.ones_like(y)
    weights[0, 2] = 0  # a settling step: no loss, and not a candidate for the best step
    p = np.random.default_rng(0).uniform(0.05, 0.95, y.shape).astype(np.float32)
    negative = -np.log(1 - p)[y == 0].sum()
    positive = (2 * -np.log(p[0, 3:5].max()) + 2 * -np.log(p[0, 8:10].max()) + 7 * -np.log(p[1, 5:12].max()))
    got = float(train_trigger.max_pool_loss(y, weights, p))
    assert abs(got - (negative + positive) / y.size) < 1e-5


def test_under_the_max_pool_loss_one_confident_step_per_word_suffices():
    y = np.zeros((1, 10), np.float32)
    y[0, 4:8] = 1
    p = np.full((1, 10), 1e-6, np.float32)
    p[0, 6] = 1 - 1e-6  # sure at one labelled step, silent at the other three
    weights = np.ones_like(y)
    assert float(train_trigger.max_pool_loss(y, weights, p)) < 1e-4
    frames = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))  # the frame loss: the three missed steps cost
    assert frames > 1


def test_training_on_the_max_pool_loss_lowers_it():
    from utils.trigger import detector_model

    def stream():
        rng = np.random.default_rng(1)
        while True:
            y = np.zeros((4, 100, 1), np.float32)
            y[:, 60:80] = 1
            x = rng.normal(size=(4, 100, N_MELS)).astype(np.float32)
            x[:, 40:60] += 2  # the "word": louder frames just before the labels
            yield x, y, np.ones((4, 100), np.float32)

    model = detector_model(width=8)
    batches = stream()
    first = train_trigger.fit(model, batches, 1, 1e-3, 1, loss="max")["final_loss"]
    last = train_trigger.fit(model, batches, 60, 3e-3, 20, loss="max")["final_loss"]
    assert last < first
