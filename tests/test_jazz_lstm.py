"""utils.jazz_lstm (generated from notebooks/w1a3_jazz_improvisation.ipynb) and utils.music.improvise."""

from fractions import Fraction

import numpy as np
import pytest

from utils import jazz_lstm as jl
from utils import music
from utils.paths import PRETRAINED


@pytest.fixture(scope="module")
def small_layers():
    return jl.shared_layers(12, n_a=8)


def test_djmodel_has_the_course_parameter_count_at_90_values():
    reshaper, LSTM_cell, densor = jl.shared_layers(90)
    model = jl.djmodel(30, LSTM_cell, densor, reshaper)
    assert model.count_params() == 45_530
    assert len(model.outputs) == 30 and tuple(model.outputs[0].shape) == (None, 90)
    assert [tuple(t.shape) for t in model.inputs] == [(None, 30, 90), (None, 64), (None, 64)]


def test_inference_model_feeds_back_its_argmax(small_layers):
    _, LSTM_cell, densor = small_layers
    model = jl.music_inference_model(LSTM_cell, densor, Ty=7)
    assert len(model.outputs) == 7 and [tuple(t.shape) for t in model.inputs] == [(None, 1, 12), (None, 8), (None, 8)]


def test_predict_and_sample_returns_the_course_shapes_for_one_sequence(small_layers):
    _, LSTM_cell, densor = small_layers
    model = jl.music_inference_model(LSTM_cell, densor, Ty=7)
    results, indices = jl.predict_and_sample(model, np.zeros((1, 1, 12)), np.zeros((1, 8)), np.zeros((1, 8)))
    assert results.shape == (7, 12) and indices.shape == (7, 1)
    assert np.all(results.argmax(axis=-1) == indices[:, 0]) and np.all(results.sum(axis=-1) == 1)


def test_predict_and_sample_runs_several_sequences_at_once(small_layers):
    _, LSTM_cell, densor = small_layers
    model = jl.music_inference_model(LSTM_cell, densor, Ty=5)
    results, indices = jl.predict_and_sample(model, np.zeros((3, 1, 12)), np.zeros((3, 8)), np.zeros((3, 8)))
    assert results.shape == (5, 3, 12) and indices.shape == (5, 3)


def test_encode_makes_windows_whose_targets_are_the_next_inputs():
    tokens = [["a", "b", "c", "d", "e"]]
    X, Y, targets = jl.encode(tokens, {v: i for i, v in enumerate("abcde")}, Tx=3, stride=3)
    assert X.shape == (2, 3, 5) and Y.shape == (3, 2, 5)
    assert targets.tolist() == [[0, 1, 2], [3, 4, -1]]
    assert X[0, 0].sum() == 0 and X[0, 1].argmax() == 0  # step 0 reads a zero vector, step 1 the first token
    assert np.array_equal(Y[:2, 0], X[0, 1:])


def test_sequence_model_shares_the_cell_and_agrees_with_the_unrolled_model(small_layers):
    reshaper, LSTM_cell, densor = small_layers
    unrolled = jl.djmodel(4, LSTM_cell, densor, reshaper)
    X = np.eye(12, dtype="float32")[np.random.default_rng(0).integers(0, 12, (2, 4))]
    by_step = jl.lstm_probabilities(unrolled, X)
    by_sequence = jl.sequence_model(LSTM_cell, densor).predict(X, verbose=0)
    assert np.max(np.abs(by_step - by_sequence)) < 1e-5


def test_perplexity_of_a_uniform_guess_is_the_vocabulary_size():
    probabilities = np.full((2, 3, 10), 0.1)
    assert jl.perplexity(probabilities, np.array([[1, 2, 3], [4, -1, -1]])) == pytest.approx(10)


def test_bigram_distributions_sum_to_one_and_follow_the_counts():
    targets = np.array([[0, 1, 0, 1]])
    previous = np.array([[-1, 0, 1, 0]])
    bigram = jl.NGram(targets, previous, n_values=3, order=2, mix=0.9)
    p = bigram.probabilities(np.array([0, 1, -1]))
    assert np.allclose(p.sum(axis=1), 1)
    assert p[0].argmax() == 1 and p[1].argmax() == 0


def test_overlap_is_one_for_equal_histograms_and_zero_for_disjoint_ones():
    assert jl.overlap([0.5, 0.5, 0], [0.5, 0.5, 0]) == pytest.approx(1)
    assert jl.overlap([1, 0], [0, 1]) == 0


def test_empty_beat_rate_counts_beats_where_nothing_sounds():
    solo = music.Solo(chords=["C7"], events=[(Fraction(0), Fraction(3, 2), 60), (Fraction(3, 2), Fraction(5, 2), None)])
    assert jl.empty_beat_rate([solo]) == pytest.approx(0.5)  # beats 3 and 4 are silent, beat 2 is not


def test_chord_tone_share_reads_only_beats_one_and_three():
    events = [(Fraction(0), Fraction(1), 60), (Fraction(1), Fraction(1), 61), (Fraction(2), Fraction(2), 62)]
    assert jl.chord_tone_share([music.Solo(chords=["C7"], events=events)]) == pytest.approx(0.5)


def test_copied_share_finds_runs_seen_in_training():
    seen = jl.ngrams([list("abcdefghij")], n=3)
    assert jl.copied_share([list("abcxyz")], seen, n=3) == pytest.approx(0.25)


def test_sampling_refuses_a_temperature_that_is_not_positive(small_layers):
    _, LSTM_cell, densor = small_layers
    with pytest.raises(ValueError, match="temperature"):
        jl.sample_tokens(jl.step_model(LSTM_cell, densor), ["C,1,*,@1"] * 12, [4], temperature=0)


needs_weights = pytest.mark.skipif(not (PRETRAINED / music.WEIGHTS).exists(), reason="no shipped weights")


@pytest.fixture(scope="module")
def blues_score():
    return music.improvise("blues_F", choruses=2, seed=0)


@needs_weights
def test_improvise_plays_the_form_the_number_of_times_asked(blues_score):
    solo = music.from_score(blues_score)
    assert solo.chords == music.PROGRESSIONS["blues_F"] * 2
    assert sum(duration for _, duration, _ in solo.events) == 96
    assert len(solo.notes()) > 20


@needs_weights
def test_improvise_puts_a_chord_symbol_at_the_start_of_each_bar_in_four_four_with_a_tempo(blues_score):
    from music21 import harmony, meter, stream, tempo

    part = music.solo_part(blues_score)
    assert part is next(iter(blues_score.parts))  # the solo is the first part
    measures = list(part.getElementsByClass(stream.Measure))
    assert len(measures) == 24
    assert all(next(iter(m.getElementsByClass(harmony.ChordSymbol))).offset == 0 for m in measures)
    assert [ts.ratioString for ts in part.recurse().getElementsByClass(meter.TimeSignature)] == ["4/4"]
    assert list(blues_score.recurse().getElementsByClass(tempo.MetronomeMark))


@needs_weights
def test_improvise_with_different_seeds_plays_different_solos(blues_score):
    other = music.improvise("blues_F", choruses=2, seed=1)
    assert music.from_score(other).events != music.from_score(blues_score).events


@needs_weights
def test_improvise_is_reproducible_from_its_seed():
    a = music.improvise("ii_V_I_C", choruses=1, seed=4, temperature=0.8)
    b = music.improvise("ii_V_I_C", choruses=1, seed=4, temperature=0.8)
    assert music.from_score(a).events == music.from_score(b).events


@pytest.mark.parametrize(("kwargs", "error", "words"), [
    ({"progression": "giant_steps"}, ValueError, "progression"),
    ({"progression": 12}, TypeError, "progression"),
    ({"choruses": 0}, ValueError, "choruses"),
    ({"choruses": 1.5}, ValueError, "choruses"),
    ({"temperature": 0}, ValueError, "temperature"),
    ({"temperature": -1.0}, ValueError, "temperature"),
    ({"temperature": "hot"}, TypeError, "temperature"),
])
def test_improvise_refuses_bad_arguments_by_name(kwargs, error, words):
    with pytest.raises(error, match=words):
        music.improvise(**kwargs)
