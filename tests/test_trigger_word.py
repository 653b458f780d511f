"""utils/trigger_word.py (generated from notebooks/w3a2_trigger_word_detection.ipynb): the course's data functions,
the spectrogram and modelf, at their edges."""

import numpy as np
import pytest

from utils import trigger_word as tw

SECOND = tw.SAMPLE_RATE


def silence(seconds=10.0):
    return np.zeros(int(seconds * SECOND), np.float32)


# --- sizes ---------------------------------------------------------------------------------------------------

def test_the_shared_sizes_are_the_courses():
    assert (tw.SAMPLE_RATE, tw.CLIP_MS, tw.TX, tw.N_FREQ, tw.TY) == (44100, 10000, 5511, 101, 1375)


# --- spectrogram ----------------------------------------------------------------------------------------------

def test_spectrogram_of_ten_seconds_is_101_by_5511_float32():
    result = tw.spectrogram(silence())
    assert result.shape == (101, 5511) and result.dtype == np.float32


def test_spectrogram_frames_follow_the_length():
    assert tw.spectrogram(silence(3.0)).shape == (101, (3 * SECOND - 200) // 80 + 1)
    assert tw.spectrogram(np.zeros(200)).shape == (101, 1)


def test_spectrogram_puts_a_tone_in_its_frequency_bin():
    t = np.arange(SECOND) / SECOND
    tone = 0.5 * np.sin(2 * np.pi * 4410 * t)  # 4,410 Hz = bin 20 (220.5 Hz per bin)
    assert int(tw.spectrogram(tone).mean(axis=1).argmax()) == 20


def test_spectrogram_of_silence_is_the_finite_floor():
    assert np.allclose(tw.spectrogram(np.zeros(1000)), np.log10(tw.POWER_FLOOR))


@pytest.mark.parametrize("samples, error, message", [
    (np.zeros(199), ValueError, "at least 200"),
    (np.zeros((400, 2)), ValueError, "1 axes"),
    (np.array([0.0] * 300 + [np.nan]), ValueError, "NaN"),
    ("a.wav", TypeError, "samples must be a numeric array"),
])
def test_spectrogram_refuses_bad_samples_by_name(samples, error, message):
    with pytest.raises(error, match=message):
        tw.spectrogram(samples)


# --- segments and overlap -------------------------------------------------------------------------------------

def test_a_random_segment_lasts_its_duration_and_fits_in_the_clip():
    rng = np.random.default_rng(0)
    for _ in range(200):
        start, end = tw.get_random_time_segment(9000, rng)
        assert end - start + 1 == 9000 and 0 <= start and end < tw.CLIP_MS


def test_a_seed_gives_the_same_segment():
    assert tw.get_random_time_segment(500, 7) == tw.get_random_time_segment(500, 7)


@pytest.mark.parametrize("segment_ms", [0, 10000, 2.5])
def test_a_segment_that_cannot_fit_is_refused(segment_ms):
    with pytest.raises(ValueError, match="segment_ms"):
        tw.get_random_time_segment(segment_ms)


def test_segments_sharing_one_millisecond_overlap():
    assert tw.is_overlapping((500, 1000), [(1000, 2000)])
    assert tw.is_overlapping((2000, 2500), [(1000, 2000)])


def test_segments_back_to_back_do_not_overlap():
    assert not tw.is_overlapping((500, 999), [(1000, 2000)])
    assert not tw.is_overlapping((2001, 2500), [(1000, 2000)])


def test_a_segment_inside_or_around_another_overlaps():
    assert tw.is_overlapping((1200, 1300), [(1000, 2000)])
    assert tw.is_overlapping((0, 9999), [(1000, 2000)])


def test_nothing_overlaps_an_empty_list():
    assert not tw.is_overlapping((0, 9999), [])


# --- insert_audio_clip ----------------------------------------------------------------------------------------

def test_insert_audio_clip_adds_the_clip_at_the_segment_start_and_records_it():
    clip = np.linspace(0.1, 0.2, SECOND // 10, dtype=np.float32)
    previous = []
    mixed, (start, end) = tw.insert_audio_clip(silence() + 0.01, clip, previous, rng=3)
    first = start * SECOND // 1000
    assert np.allclose(mixed[first:first + len(clip)], clip + 0.01)
    assert previous == [(start, end)] and end - start + 1 == 100


def test_insert_audio_clip_gives_up_with_the_courses_segment_when_there_is_no_room():
    background = silence() + 0.01
    previous = [(0, 4999), (5000, 9999)]
    mixed, segment = tw.insert_audio_clip(background, np.ones(SECOND // 10, np.float32), previous, rng=0)
    assert segment == (10000, 10000) == tw.NO_ROOM
    assert np.array_equal(mixed, background) and previous == [(0, 4999), (5000, 9999)]


def test_insert_audio_clip_finds_the_one_free_place_when_retries_allow():
    previous = [(0, 4999)]  # the free half is found within INSERT_TRIES draws for this seed
    _, (start, _) = tw.insert_audio_clip(silence(), np.ones(SECOND // 10, np.float32), previous, rng=0)
    assert start >= 5000


def test_insert_audio_clip_does_not_change_the_background_in_place():
    background = silence()
    tw.insert_audio_clip(background, np.ones(1000, np.float32), [], rng=0)
    assert not background.any()


@pytest.mark.parametrize("background, clip, message", [
    (silence(9.0), np.ones(100), "background must hold 441,000 samples"),
    (silence(), np.ones(10 * SECOND), "audio_clip must be shorter"),
    (silence(), np.ones((100, 2)), "audio_clip must have 1 axes"),
])
def test_insert_audio_clip_refuses_bad_arrays_by_name(background, clip, message):
    with pytest.raises(ValueError, match=message):
        tw.insert_audio_clip(background, clip, [])


# --- insert_ones ----------------------------------------------------------------------------------------------

def test_insert_ones_sets_the_50_steps_after_the_end():
    y = tw.insert_ones(np.zeros((1, tw.TY)), 5000)
    assert np.flatnonzero(y[0]).tolist() == list(range(688, 738))


def test_insert_ones_near_the_end_stops_at_the_last_step():
    y = tw.insert_ones(np.zeros((1, tw.TY)), 9900)  # step 1361: ones on 1362 ... 1374 only
    assert np.flatnonzero(y[0]).tolist() == list(range(1362, tw.TY))


def test_insert_ones_at_the_very_end_sets_nothing():
    assert not tw.insert_ones(np.zeros((1, tw.TY)), tw.CLIP_MS).any()


def test_insert_ones_returns_a_copy():
    y = np.zeros((1, tw.TY))
    tw.insert_ones(y, 100)
    assert not y.any()


@pytest.mark.parametrize("y, end, message", [
    (np.zeros((tw.TY, 1)), 100, r"shape \(1, Ty\)"),
    (np.zeros((1, tw.TY)), -1, "segment_end_ms must be at least 0"),
    (np.zeros((1, tw.TY)), 10001, "segment_end_ms must be"),
])
def test_insert_ones_refuses_bad_arguments_by_name(y, end, message):
    with pytest.raises(ValueError, match=message):
        tw.insert_ones(y, end)


# --- training clips and examples ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def words():
    activates = [np.full(SECOND // 2 + 50 * i, 0.3, np.float32) for i in range(3)]
    negatives = [np.full(SECOND // 3, -0.3, np.float32)]
    return activates, negatives


def test_training_clips_hold_zero_to_four_activates_that_do_not_overlap(words):
    counts = set()
    for seed in range(60):
        audio, ends = tw.create_training_clip(silence(), *words, rng=seed)
        counts.add(len(ends))
        assert ends == sorted(ends) and audio.shape == (tw.CLIP_SAMPLES,)
    assert counts == {0, 1, 2, 3, 4}


def test_a_training_clip_is_at_the_target_level_unless_silent(words):
    noise = np.random.default_rng(0).normal(0, 0.2, tw.CLIP_SAMPLES)
    audio, _ = tw.create_training_clip(noise, *words, rng=1)
    assert np.sqrt(np.mean(audio.astype(float) ** 2)) == pytest.approx(0.1, rel=1e-3)
    assert np.abs(audio).max() <= 1.0


def test_the_same_seed_gives_the_same_clip(words):
    first, second = (tw.create_training_clip(silence(), *words, rng=5) for _ in range(2))
    assert np.array_equal(first[0], second[0]) and first[1] == second[1]


def test_training_clip_refuses_an_empty_or_bare_list_of_words(words):
    with pytest.raises(ValueError, match="activates is empty"):
        tw.create_training_clip(silence(), [], words[1])
    with pytest.raises(TypeError, match="negatives must be a list"):
        tw.create_training_clip(silence(), words[0], words[1][0])


def test_training_example_labels_fifty_steps_per_activate(words):
    for seed in range(5):
        x, y = tw.create_training_example(silence(), *words, tw.TY, rng=seed)
        _, ends = tw.create_training_clip(silence(), *words, rng=seed)
        assert x.shape == (tw.TX, tw.N_FREQ) and y.shape == (tw.TY, 1)
        steps_left = [tw.TY - 1 - int(end * tw.TY / tw.CLIP_MS) for end in ends]  # after each end's step
        assert int(y.sum()) == sum(min(50, left) for left in steps_left)


# --- the model ------------------------------------------------------------------------------------------------

def test_modelf_has_the_courses_523329_parameters():
    assert tw.modelf((tw.TX, tw.N_FREQ)).count_params() == 523_329


def test_modelf_runs_on_any_length_with_the_same_weights():
    model = tw.modelf((None, tw.N_FREQ))
    assert model.count_params() == 523_329
    assert tuple(model(np.zeros((2, 1000, tw.N_FREQ), np.float32), training=False).shape) == (2, (1000 - 15) // 4 + 1, 1)


@pytest.mark.parametrize("shape", [(5511,), "5511x101", (5511, 101, 1)])
def test_modelf_refuses_a_shape_that_is_not_frames_by_frequencies(shape):
    with pytest.raises(ValueError, match="input_shape"):
        tw.modelf(shape)


# --- labels and windows for training ----------------------------------------------------------------------

def test_activate_labels_are_insert_ones_after_each_end():
    labels = tw.activate_labels([1000, 5000])
    assert labels.shape == (tw.TY,) and int(labels.sum()) == 100
    assert labels[int(1000 * tw.TY / tw.CLIP_MS) + 1] == 1 and labels[int(1000 * tw.TY / tw.CLIP_MS)] == 0


def test_output_steps_match_what_the_model_returns():
    assert tw.output_steps(tw.CLIP_SAMPLES) == tw.TY
    assert tw.output_steps(3 * SECOND) == (((3 * SECOND - 200) // 80 + 1) - 15) // 4 + 1


def test_a_window_starting_on_an_output_step_keeps_the_clips_label_grid():
    assert tw.STEP_SAMPLES == 320
    clip_steps, window_steps = tw.output_steps(tw.CLIP_SAMPLES), tw.output_steps(tw.CLIP_SAMPLES - 100 * 320)
    assert clip_steps - window_steps == 100  # a window starting 100 steps in has exactly 100 fewer outputs
