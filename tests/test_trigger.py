"""utils.trigger: the wake-word detector (`probabilities`, `detections`, `detect`, `chime`) and the event metrics."""

import numpy as np
import pytest

from tools import trigger_data
from utils import audio, trigger
from utils.paths import DATA, PRETRAINED
from utils.trigger_word import CLIP_SAMPLES, N_FREQ, SAMPLE_RATE, TY, modelf

FRAME = trigger.FRAME_MS
SHIPPED = (PRETRAINED / trigger.WEIGHTS).exists() and (PRETRAINED / trigger.SETTINGS).exists()
needs_shipped = pytest.mark.skipif(not SHIPPED, reason="the shipped trigger-word weights are not in pretrained/ yet")


@pytest.fixture(scope="module")
def seeded_model():
    """The shipped architecture with random weights (and a band normalisation of mean 0, variance 1)."""
    import keras

    keras.utils.set_random_seed(0)
    return trigger.detector_model()


@pytest.fixture(scope="module")
def course_model():
    import keras

    keras.utils.set_random_seed(0)
    return modelf((None, N_FREQ))


def noise(seconds, sample_rate=16000, level=0.1, seed=0):
    return (level * np.random.default_rng(seed).standard_normal(int(seconds * sample_rate))).astype(np.float32)


def bump(n_frames, start_ms, height, length_ms=300):
    """Probabilities: zero, with `height` from `start_ms` for `length_ms`."""
    probs = np.zeros(n_frames)
    probs[round(start_ms / FRAME):round((start_ms + length_ms) / FRAME)] = height
    return probs


# --- match_events and event_scores -----------------------------------------------------------------------

def test_a_detection_inside_the_window_counts_with_its_delay():
    assert trigger.match_events([5250.0], [5000.0]) == {"tp": 1, "fp": 0, "fn": 0, "delays_ms": [250.0]}


def test_the_window_runs_from_300_ms_before_the_end_to_1500_ms_after_both_included():
    assert trigger.match_events([4700.0, 7500.0], [5000.0, 6000.0])["tp"] == 2


def test_a_detection_too_early_is_a_false_alarm_and_the_word_a_miss():
    result = trigger.match_events([4699.0], [5000.0])
    assert (result["tp"], result["fp"], result["fn"]) == (0, 1, 1)


def test_a_detection_too_late_is_a_false_alarm_and_the_word_a_miss():
    result = trigger.match_events([6501.0], [5000.0])
    assert (result["tp"], result["fp"], result["fn"]) == (0, 1, 1)


def test_one_word_takes_one_detection_the_second_is_a_false_alarm():
    result = trigger.match_events([5100.0, 5900.0], [5000.0])
    assert (result["tp"], result["fp"], result["fn"]) == (1, 1, 0)


def test_matching_finds_the_most_matches_when_windows_overlap():
    # 1,900 ms fits both words; giving it to the first leaves 3,400 ms for the second.
    result = trigger.match_events([3400.0, 1900.0], [2000.0, 1000.0])
    assert (result["tp"], result["fp"], result["fn"]) == (2, 0, 0)
    assert sorted(result["delays_ms"]) == [900.0, 1400.0]


def test_no_words_and_no_detections_is_an_empty_match():
    assert trigger.match_events([], []) == {"tp": 0, "fp": 0, "fn": 0, "delays_ms": []}


def test_match_events_names_a_bad_argument():
    with pytest.raises(ValueError, match="word_ends_ms"):
        trigger.match_events([1.0], [np.nan])
    with pytest.raises(TypeError, match="detections_ms"):
        trigger.match_events("1000", [1.0])
    with pytest.raises(ValueError, match="late_ms"):
        trigger.match_events([1.0], [1.0], late_ms=-1)


def test_event_scores_sum_the_counts_of_several_clips():
    scores = trigger.event_scores([{"tp": 3, "fp": 1, "fn": 0}, {"tp": 1, "fp": 0, "fn": 2}])
    assert (scores["tp"], scores["fp"], scores["fn"]) == (4, 1, 2)
    assert scores["precision"] == pytest.approx(4 / 5)
    assert scores["recall"] == pytest.approx(4 / 6)
    assert scores["f1"] == pytest.approx(2 * (4 / 5) * (4 / 6) / (4 / 5 + 4 / 6))


def test_precision_is_undefined_without_detections_and_f1_is_zero():
    scores = trigger.event_scores({"tp": 0, "fp": 0, "fn": 3})
    assert np.isnan(scores["precision"]) and scores["recall"] == 0 and scores["f1"] == 0


# --- detections ----------------------------------------------------------------------------------------

def test_a_detection_is_the_frame_where_the_probability_rises_to_the_threshold():
    probs = bump(TY, 4000, 0.9)
    assert trigger.detections(probs, 0.5) == [pytest.approx(round(4000 / FRAME) * FRAME)]


def test_probabilities_below_the_threshold_give_no_detection():
    assert trigger.detections(np.full(TY, 0.49), 0.5) == []


def test_a_run_above_the_threshold_from_the_first_frame_fires_at_zero():
    assert trigger.detections(np.ones(100), 0.5) == [0.0]


def test_a_second_rise_within_the_refractory_time_is_ignored():
    probs = np.maximum(bump(TY, 1000, 0.9, 100), bump(TY, 1500, 0.9, 100))
    assert len(trigger.detections(probs, 0.5, refractory_ms=800)) == 1
    assert len(trigger.detections(probs, 0.5, refractory_ms=400)) == 2


def test_the_refractory_time_counts_from_the_last_detection_kept():
    assert trigger.refractory([0.0, 500.0, 900.0, 1700.0], 800) == [0.0, 900.0, 1700.0]


def test_detections_name_a_bad_threshold():
    with pytest.raises(ValueError, match="threshold"):
        trigger.detections(np.zeros(10), 1.5)
    with pytest.raises(TypeError, match="threshold"):
        trigger.detections(np.zeros(10), "high")


# --- the false-reject curve and the threshold rule -------------------------------------------------------

@pytest.fixture
def curve():
    # Two words, one answered with a bump of 0.9, the other of 0.55; half an hour of negative audio with one of 0.6.
    positive = [bump(TY, 2100, 0.9), bump(TY, 5100, 0.55)]
    negative = [bump(TY, 3000, 0.6)]
    return trigger.false_reject_curve(positive, [[2000.0], [5000.0]], negative, hours=0.5,
                                      thresholds=[0.5, 0.7, 0.95])


def test_the_curve_counts_misses_and_false_alarms_per_hour_at_each_threshold(curve):
    assert curve["false_reject_rate"] == [0.0, 0.5, 1.0]
    assert curve["false_alarms"] == [1, 0, 0]
    assert curve["false_alarms_per_hour"] == [2.0, 0.0, 0.0]
    assert (curve["words"], curve["hours"]) == (2, 0.5)


def test_the_rule_takes_the_most_recall_within_half_a_false_alarm_an_hour(curve):
    assert trigger.choose_threshold(curve) == 0.7
    assert trigger.choose_threshold(curve, max_fa_per_hour=2) == 0.5


def test_the_rule_refuses_when_no_threshold_is_quiet_enough(curve):
    noisy = dict(curve, false_alarms_per_hour=[3.0, 2.0, 1.0])
    with pytest.raises(ValueError, match="no threshold"):
        trigger.choose_threshold(noisy)


def test_without_hours_the_curve_measures_the_negative_audio_by_its_frames():
    negative = [np.zeros(TY)] * 36  # 36 clips of 10 s: 0.1 hour
    curve = trigger.false_reject_curve([np.zeros(TY)], [[]], negative, thresholds=[0.5])
    assert curve["hours"] == pytest.approx(0.1)


def test_false_reject_at_reports_the_chosen_point(curve):
    assert trigger.false_reject_at(curve, 1.0) == {"threshold": 0.7, "false_reject_rate": 0.5,
                                                   "false_alarms_per_hour": 0.0}


def test_ties_in_recall_go_to_fewer_false_alarms():
    curve = {"thresholds": [0.5, 0.7], "false_reject_rate": [0.0, 0.0], "false_alarms_per_hour": [1.0, 0.0]}
    assert trigger.choose_threshold(curve, max_fa_per_hour=2) == 0.7


def test_the_curve_needs_one_list_of_word_ends_per_positive_clip():
    with pytest.raises(ValueError, match="word_ends_ms"):
        trigger.false_reject_curve([np.zeros(TY)] * 2, [[]], [np.zeros(TY)], thresholds=[0.5])


# --- probabilities -------------------------------------------------------------------------------------

def test_ten_seconds_give_the_course_ty_steps(seeded_model):
    probs = trigger.probabilities(noise(10, SAMPLE_RATE), SAMPLE_RATE, model=seeded_model)
    assert probs.shape == (TY,) and np.all((probs >= 0) & (probs <= 1))


def test_a_long_recording_gives_one_step_every_frame_ms(seeded_model):
    probs = trigger.probabilities(noise(25, 8000), 8000, model=seeded_model)
    assert probs.shape == (int(np.ceil(25000 / FRAME)),)


def test_a_short_recording_reads_as_if_silence_followed_it(seeded_model):
    short = noise(3)
    padded = np.concatenate([short, np.zeros(7 * 16000, np.float32)])
    probs = trigger.probabilities(short, 16000, model=seeded_model)
    assert probs.shape == (int(np.ceil(3000 / FRAME)),)
    np.testing.assert_allclose(probs[:380], trigger.probabilities(padded, 16000, model=seeded_model)[:380], atol=1e-5)


def test_channels_are_averaged(seeded_model):
    mono = noise(4)
    stereo = np.stack([mono, mono], axis=1)
    np.testing.assert_allclose(trigger.probabilities(stereo, 16000, model=seeded_model),
                               trigger.probabilities(mono, 16000, model=seeded_model), atol=1e-6)


def test_many_recordings_at_once_give_what_each_gives_alone(seeded_model):
    recordings = [noise(3), noise(12, seed=1), noise(10, seed=2)]
    together = trigger.many_probabilities(recordings, 16000, model=seeded_model)
    for samples, probs in zip(recordings, together):
        np.testing.assert_allclose(probs, trigger.probabilities(samples, 16000, model=seeded_model), atol=1e-5)


def test_windows_start_every_hop_and_the_last_is_padded_with_silence():
    samples = np.arange(CLIP_SAMPLES + trigger.HOP_SAMPLES + 5, dtype=np.float32)
    clips = trigger.windows(samples)
    assert clips.shape == (3, CLIP_SAMPLES)
    assert clips[1, 0] == trigger.HOP_SAMPLES and clips[2, 0] == 2 * trigger.HOP_SAMPLES
    last = len(samples) - 1 - 2 * trigger.HOP_SAMPLES  # where the recording ends in the last window
    assert clips[2, last] == len(samples) - 1 and np.all(clips[2, last + 1:] == 0)


def test_stitching_keeps_the_first_window_then_each_window_after_its_warm_up():
    window_probs = np.stack([np.full(TY, 1.0), np.full(TY, 2.0)])
    stitched = trigger.stitch(window_probs, TY + trigger.HOP_FRAMES)
    assert stitched.shape == (TY + trigger.HOP_FRAMES,)
    assert np.all(stitched[:TY] == 1) and np.all(stitched[TY:] == 2)
    assert trigger.HOP_FRAMES + trigger.WARMUP_FRAMES == TY


def test_the_courses_model_reads_its_own_spectrogram_on_the_same_grid(course_model):
    probs = trigger.probabilities(noise(10, SAMPLE_RATE), SAMPLE_RATE, model=course_model)
    assert probs.shape == (TY,) and np.all((probs >= 0) & (probs <= 1))


def test_the_warm_up_a_window_drops_is_longer_than_what_the_detector_remembers(seeded_model):
    x = trigger.log_mel(noise(10, SAMPLE_RATE))[None]
    changed = x.copy()
    changed[:, 0] += 1.0  # the first frame only
    before, after = (np.asarray(seeded_model(v, training=False))[0, :, 0] for v in (x, changed))
    reached = np.flatnonzero(np.abs(before - after) > 1e-6)
    assert reached[0] == 0 and reached[-1] < trigger.WARMUP_FRAMES  # so stitched windows lose no context


def test_the_detector_is_causal_the_future_does_not_change_the_past(seeded_model):
    x = trigger.log_mel(noise(6, SAMPLE_RATE))[None]
    changed = x.copy()
    changed[:, 400:] += 1.0
    before, after = (np.asarray(seeded_model(v, training=False))[0, :, 0] for v in (x, changed))
    np.testing.assert_allclose(before[:400], after[:400], atol=1e-6)
    assert not np.allclose(before[400:], after[400:])


def test_log_mel_gives_one_frame_per_output_step():
    assert trigger.log_mel(np.zeros(CLIP_SAMPLES, np.float32)).shape == (TY, trigger.N_MELS)
    assert trigger.log_mel(np.zeros(100, np.float32)).shape == (0, trigger.N_MELS)


def test_a_tone_lights_the_mel_band_that_holds_its_frequency():
    t = np.arange(SAMPLE_RATE) / SAMPLE_RATE
    for hz in (300.0, 1000.0, 4000.0):
        band = int(np.argmax(trigger.log_mel(np.sin(2 * np.pi * hz * t).astype(np.float32)).mean(axis=0)))
        filters = trigger.mel_filters()
        assert filters[round(hz * trigger.MEL_FFT / SAMPLE_RATE), band] == filters[round(hz * trigger.MEL_FFT / SAMPLE_RATE)].max()


def test_every_mel_band_is_a_triangle_that_peaks_near_one():
    filters = trigger.mel_filters()
    assert filters.shape == (trigger.MEL_FFT // 2 + 1, trigger.N_MELS)
    assert np.all(filters.max(axis=0) > 0.5) and np.all(filters <= 1) and np.all(filters >= 0)


def test_probabilities_refuse_a_model_that_is_not_a_keras_model():
    with pytest.raises(TypeError, match="model"):
        trigger.probabilities(noise(1), 16000, model="my model")


# --- bad input to detect (every check runs before the model is needed) ----------------------------------

def test_a_missing_file_is_a_file_not_found_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing.wav"):
        trigger.detect(tmp_path / "nothing.wav")


def test_a_file_that_is_not_audio_is_a_value_error_naming_it(tmp_path):
    path = tmp_path / "notes.wav"
    path.write_text("not a recording at all")
    with pytest.raises(ValueError, match="notes.wav"):
        trigger.detect(path)


def test_an_array_needs_its_sample_rate():
    with pytest.raises(TypeError, match="sample_rate"):
        trigger.detect(noise(1))


def test_a_file_brings_its_own_sample_rate(tmp_path):
    path = audio.write_wav(tmp_path / "a.wav", noise(1), 16000)
    with pytest.raises(ValueError, match="sample_rate"):
        trigger.detect(path, sample_rate=16000)


@pytest.mark.parametrize("samples, message", [
    (np.zeros(0, np.float32), "empty"),
    (np.zeros((0, 2), np.float32), "empty"),
    (np.array([0.1, np.nan, 0.2]), "NaN"),
    (np.array([0.1, np.inf, 0.2]), "NaN or infinite"),
    (np.zeros(16000, np.int16), "integers"),
    (np.full(16000, 3.0), "peak"),
    (np.full(16000, 32767.0), "32768"),
    (np.zeros((2, 16000)), "channels-first"),
    (np.zeros((10, 10, 2)), "shape"),
])
def test_bad_samples_are_value_errors_saying_what_is_wrong(samples, message):
    with pytest.raises(ValueError, match=message):
        trigger.detect(samples, 16000, threshold=0.5)


@pytest.mark.parametrize("sample_rate, error", [(0, ValueError), (16000.5, ValueError), ("16k", TypeError),
                                                 (True, TypeError)])
def test_a_bad_sample_rate_is_refused(sample_rate, error):
    with pytest.raises(error, match="sample_rate"):
        trigger.detect(noise(1), sample_rate, threshold=0.5)


def test_text_is_not_samples():
    with pytest.raises(TypeError, match="samples"):
        trigger.detect([["a", "b"]], 16000, threshold=0.5)


def test_a_bad_threshold_is_refused():
    with pytest.raises(ValueError, match="threshold"):
        trigger.detect(noise(1), 16000, threshold=2)


def test_defaults_read_the_shipped_model_and_threshold(monkeypatch, seeded_model):
    monkeypatch.setattr(trigger, "shipped_model", lambda: seeded_model)
    monkeypatch.setattr(trigger, "shipped_settings", lambda: {"threshold": 1.0})
    assert trigger.detect(noise(2), 16000) == []  # a random model never reaches 1.0


# --- the chime -----------------------------------------------------------------------------------------

def test_the_chime_is_short_starts_softly_peaks_at_its_level_and_dies_away():
    sound = trigger.chime_sound(SAMPLE_RATE)
    assert len(sound) == SAMPLE_RATE * trigger.CHIME_MS // 1000
    assert np.max(np.abs(sound)) == pytest.approx(trigger.CHIME_PEAK, rel=1e-4)
    assert abs(sound[0]) < 1e-3
    ten_ms = SAMPLE_RATE // 100
    assert np.sqrt(np.mean(sound[-ten_ms:] ** 2)) < 0.05 * np.sqrt(np.mean(sound[:ten_ms] ** 2))


def test_mixing_adds_the_chime_only_where_it_fires_and_in_every_channel():
    samples = np.stack([noise(2, level=0.01), noise(2, level=0.01, seed=1)], axis=1)
    mixed = trigger.mix_chimes(samples, 16000, [1000.0])
    difference = mixed - samples
    start = 16000
    assert np.all(difference[:start] == 0) and np.all(difference[start + len(trigger.chime_sound(16000)):] == 0)
    np.testing.assert_allclose(difference[start:start + 100, 0], difference[start:start + 100, 1], atol=1e-6)


def test_mixing_near_full_scale_scales_down_instead_of_clipping():
    mixed = trigger.mix_chimes(np.full(16000, 0.9, np.float32), 16000, [100.0])
    assert np.max(np.abs(mixed)) == pytest.approx(1.0)


def test_chime_writes_the_recording_with_a_chime_at_each_detection(tmp_path, monkeypatch):
    source = audio.write_wav(tmp_path / "in.wav", noise(2, level=0.01), 16000)
    monkeypatch.setattr(trigger, "detect", lambda samples, sample_rate, threshold: [500.0])
    assert trigger.chime(source, tmp_path / "out.wav") == [500.0]
    before, _ = audio.read_wav(source)
    after, rate = audio.read_wav(tmp_path / "out.wav")
    assert rate == 16000 and after.shape == before.shape
    assert np.max(np.abs(after[8000:8000 + 160] - before[8000:8000 + 160])) > 0.1


def test_chime_needs_a_path_to_write_to(tmp_path):
    source = audio.write_wav(tmp_path / "in.wav", noise(1), 16000)
    with pytest.raises(TypeError, match="out_path"):
        trigger.chime(source, None)


# --- the shipped detector ------------------------------------------------------------------------------

EXAMPLE = DATA / "trigger" / trigger_data.EXAMPLE_FILE


@needs_shipped
@pytest.mark.skipif(not EXAMPLE.exists(), reason="data/trigger/example_activates.wav is not committed yet")
def test_detect_finds_every_activate_of_the_committed_clip_and_nothing_else():
    _, _, word_ends_ms = trigger_data.example_activates()  # its activates' ends, from data/trigger/manifest.csv
    result = trigger.match_events(trigger.detect(EXAMPLE), word_ends_ms)
    assert result["fn"] == 0 and result["fp"] == 0


@needs_shipped
@pytest.mark.parametrize("samples", [np.zeros(5 * 16000, np.float32), noise(5, level=0.3)], ids=["silence", "noise"])
def test_silence_and_noise_give_no_detection(samples):
    assert trigger.detect(samples, 16000) == []


@needs_shipped
def test_the_shipped_model_is_built_once_per_process():
    assert trigger.shipped_model() is trigger.shipped_model()
