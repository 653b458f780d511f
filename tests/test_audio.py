"""utils/audio.py: resampling, band-limiting and reading a folder of WAV files."""

import numpy as np
import pytest

from utils.audio import band_limit, read_folder, resample, write_wav


def tone(freq, rate, seconds=0.5):
    t = np.arange(int(rate * seconds)) / rate
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def level(samples):
    return float(np.sqrt(np.mean(np.square(samples[200:-200]))))


def test_resample_gives_the_length_of_the_new_rate():
    assert resample(np.zeros(44100, np.float32), 44100, 16000).shape == (16000,)
    assert resample(np.zeros(1000, np.float32), 16000, 44100).shape == (2756,)


def test_resample_keeps_a_tone_below_the_new_nyquist_frequency():
    out = resample(tone(1000, 44100), 44100, 16000)
    np.testing.assert_allclose(out[200:-200], tone(1000, 16000)[200:-200], atol=0.02)


def test_resample_removes_a_tone_above_the_new_nyquist_frequency_instead_of_folding_it_back():
    assert level(resample(tone(12000, 44100), 44100, 16000)) < 0.01


def test_resample_works_along_the_first_axis_of_a_stereo_array():
    stereo = np.stack([tone(440, 22050), tone(880, 22050)], axis=1)
    out = resample(stereo, 22050, 44100)
    assert out.shape == (22050, 2) and out.dtype == np.float32


def test_resample_at_the_same_rate_returns_an_equal_copy():
    samples = tone(440, 16000)
    out = resample(samples, 16000, 16000)
    assert out is not samples and np.array_equal(out, samples)


def test_band_limit_keeps_rate_and_length_and_speech_band():
    samples = tone(1000, 44100, seconds=0.37)
    out = band_limit(samples)
    assert out.shape == samples.shape and out.dtype == np.float32
    assert abs(level(out) - level(samples)) < 0.01


def test_band_limit_removes_what_lies_above_half_the_cutoff_rate():
    assert level(band_limit(tone(10000, 44100))) < 0.01
    assert level(band_limit(tone(3000, 44100), cutoff_rate=8000)) > 0.3
    assert level(band_limit(tone(5000, 44100), cutoff_rate=8000)) < 0.01


@pytest.mark.parametrize("bad, error", [("noise", TypeError), (None, TypeError), (np.full(10, np.nan), ValueError),
                                        (np.zeros((2, 2, 2)), ValueError)])
def test_band_limit_and_resample_refuse_bad_samples_naming_them(bad, error):
    with pytest.raises(error, match="samples"):
        band_limit(bad)
    with pytest.raises(error, match="samples"):
        resample(bad, 44100, 16000)


@pytest.mark.parametrize("rate", [0, -16000, 16000.5, "16000", True])
def test_resample_refuses_a_rate_that_is_not_a_positive_whole_number(rate):
    with pytest.raises((TypeError, ValueError), match="to_rate"):
        resample(np.zeros(100), 44100, rate)


def test_read_folder_reads_wav_files_sorted_by_name_as_mono_at_the_asked_rate(tmp_path):
    write_wav(tmp_path / "b.wav", np.full(1600, 0.25), 16000)
    write_wav(tmp_path / "a.wav", np.stack([np.full(800, 0.5), np.zeros(800)], axis=1), 8000)
    (tmp_path / "notes.txt").write_text("not audio")
    clips = read_folder(tmp_path, sample_rate=44100)
    assert [len(c) for c in clips] == [4410, 4410]
    assert abs(float(np.median(clips[0])) - 0.25) < 0.01  # a.wav: the mean of its two channels
    assert all(c.dtype == np.float32 for c in clips)


def test_read_folder_with_a_missing_or_empty_folder_says_so(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        read_folder(tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError, match="no .wav file"):
        read_folder(tmp_path)


def test_read_folder_refuses_a_folder_that_is_not_a_path():
    with pytest.raises(TypeError, match="folder"):
        read_folder(42)
