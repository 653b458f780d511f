"""utils.char_lm, exported from notebooks/w1a2_dinosaur_island.ipynb: clip, sample, optimize and the data helpers."""

import inspect

import numpy as np
import pytest

from utils import char_lm as lm

CHAR_TO_IX, IX_TO_CHAR = lm.vocabulary_maps()
NEWLINE = CHAR_TO_IX["\n"]


@pytest.mark.parametrize("name, parameters", {
    "clip": ["gradients", "maxValue"],
    "sample": ["parameters", "char_to_ix", "seed", "temperature", "max_length"],
    "optimize": ["X", "Y", "a_prev", "parameters", "learning_rate", "max_value"],
}.items())
def test_course_signatures_are_kept(name, parameters):
    assert list(inspect.signature(getattr(lm, name)).parameters) == parameters


def test_model_keeps_the_course_signature_and_defaults():
    signature = inspect.signature(lm.model)
    course = {"num_iterations": 35000, "n_a": 50, "dino_names": 7, "vocab_size": 27}
    assert list(signature.parameters)[:7] == ["data_x", "ix_to_char", "char_to_ix", *course]
    assert {name: signature.parameters[name].default for name in course} == course


@pytest.fixture
def parameters():
    return lm.initialize_parameters(8, 27, 27, rng=0)


@pytest.fixture
def gradients():
    rng = np.random.default_rng(0)
    return {"dWax": rng.normal(0, 10, (8, 27)), "dWaa": rng.normal(0, 10, (8, 8)), "dWya": rng.normal(0, 10, (27, 8)),
            "dba": rng.normal(0, 10, (8, 1)), "dby": rng.normal(0, 10, (27, 1))}


def test_clip_bounds_every_gradient_on_both_sides(gradients):
    clipped = lm.clip(gradients, 5)
    assert set(clipped) == set(gradients)
    for name, gradient in clipped.items():
        assert gradient.max() == 5 and gradient.min() == -5, name


def test_clip_leaves_small_entries_alone(gradients):
    clipped = lm.clip(gradients, 5)
    small = np.abs(gradients["dWaa"]) < 5
    np.testing.assert_array_equal(clipped["dWaa"][small], gradients["dWaa"][small])


def test_clip_does_not_mutate_its_input(gradients):
    before = {name: gradient.copy() for name, gradient in gradients.items()}
    lm.clip(gradients, 1)
    for name in gradients:
        np.testing.assert_array_equal(gradients[name], before[name])


def test_clip_rejects_a_non_positive_bound(gradients):
    with pytest.raises(ValueError, match="maxValue must be above 0"):
        lm.clip(gradients, 0)


def test_sample_ends_with_newline_within_51_indices(parameters):
    for seed in range(20):
        indices = lm.sample(parameters, CHAR_TO_IX, seed)
        assert indices[-1] == NEWLINE and len(indices) <= 51
        assert NEWLINE not in indices[:-1]


def test_sample_stops_at_50_characters_when_the_model_never_ends_a_name(parameters):
    always_a = {**parameters, "by": np.eye(27)[:, [CHAR_TO_IX["a"]]] * 50}
    indices = lm.sample(always_a, CHAR_TO_IX, 0)
    assert indices == [CHAR_TO_IX["a"]] * 50 + [NEWLINE]


def test_sample_is_reproducible_from_a_seed_or_a_generator(parameters):
    assert lm.sample(parameters, CHAR_TO_IX, 3) == lm.sample(parameters, CHAR_TO_IX, 3)
    first = [lm.sample(parameters, CHAR_TO_IX, g) for g in [np.random.default_rng(3)] * 3]
    again = [lm.sample(parameters, CHAR_TO_IX, g) for g in [np.random.default_rng(3)] * 3]
    assert first == again and first[0] != first[1]


def test_sample_leaves_the_global_numpy_state_alone(parameters):
    np.random.seed(0)
    expected = np.random.random()
    np.random.seed(0)
    lm.sample(parameters, CHAR_TO_IX, 1)
    assert np.random.random() == expected


def test_low_temperature_picks_the_most_likely_character(parameters):
    favours_b = {**parameters, "by": np.eye(27)[:, [CHAR_TO_IX["b"]]] * 2}
    indices = lm.sample(favours_b, CHAR_TO_IX, 0, temperature=0.01, max_length=5)
    assert indices == [CHAR_TO_IX["b"]] * 5 + [NEWLINE]
    with pytest.raises(ValueError, match="temperature"):
        lm.sample(parameters, CHAR_TO_IX, 0, temperature=0)


def test_optimize_lowers_the_loss_on_a_repeated_example(parameters):
    X, Y = lm.training_example("stegosaurus", CHAR_TO_IX)
    losses = [lm.optimize(X, Y, np.zeros((8, 1)), parameters, learning_rate=0.05)[0] for _ in range(200)]
    assert losses[0] == pytest.approx(len(Y) * np.log(27), rel=1e-3)
    assert losses[-1] < 0.5 * losses[0]


def test_optimize_returns_clipped_gradients_and_the_last_state(parameters):
    X, Y = lm.training_example("rex", CHAR_TO_IX)
    big = {name: value * 300 for name, value in parameters.items()}
    loss, gradients, a_last = lm.optimize(X, Y, np.ones((8, 1)), big, learning_rate=0.0, max_value=0.5)
    assert np.isfinite(loss) and a_last.shape == (8, 1)
    assert set(gradients) == {"dWax", "dWaa", "dba", "dWya", "dby"}
    assert max(np.abs(g).max() for g in gradients.values()) <= 0.5


def test_optimize_gradients_match_finite_differences():
    from utils.checks import gradient_check

    rng = np.random.default_rng(1)
    p = {name: rng.normal(0, 0.5, value.shape) for name, value in lm.initialize_parameters(4, 27, 27).items()}
    X, Y, a0 = *lm.training_example("ankylosaurus", CHAR_TO_IX), rng.standard_normal((4, 1))
    _, analytic, _ = lm.optimize(X, Y, a0, p, learning_rate=0.0, max_value=None)
    for name, value in p.items():
        error = gradient_check(lambda: lm.optimize(X, Y, a0, p, 0.0, None)[0], value, analytic["d" + name])
        assert error < 1e-7, name


def test_training_example_follows_the_course_and_names_bad_characters():
    assert lm.training_example("ab", CHAR_TO_IX) == ([None, 1, 2], [1, 2, NEWLINE])
    with pytest.raises(ValueError, match="outside the vocabulary"):
        lm.training_example("t-rex", CHAR_TO_IX)


def test_the_data_split_is_fixed_disjoint_and_ten_percent():
    names = lm.load_names()
    train, validation = lm.split_names(names)
    assert len(names) == len(set(names)) == 1318
    assert len(validation) == 132 and not set(train) & set(validation)
    assert (train, validation) == lm.split_names(names)


def test_validation_loss_of_an_untrained_model_is_log_27(parameters):
    assert lm.loss_per_character(["rex", "minmi"], parameters, CHAR_TO_IX) == pytest.approx(np.log(27), abs=1e-3)


def test_pretrained_rnn_loads_and_beats_uniform_guessing():
    from utils.paths import pretrained_path

    p = lm.load_rnn(pretrained_path("dinos_rnn.npz"))
    _, validation = lm.split_names(lm.load_names())
    assert lm.loss_per_character(validation, p, CHAR_TO_IX) < 2.0


# Bad input: a clear error naming the argument, never a silent wrong answer.
P8 = lm.initialize_parameters(8, 27, 27, rng=0)
REX = lm.training_example("rex", CHAR_TO_IX)
GRADS = {"dWax": np.ones((8, 27)), "dba": np.ones((8, 1))}


def saved(tmp_path, **changes):
    path = tmp_path / "rnn.npz"
    np.savez(path, **{**P8, **changes})
    return path


BAD_INPUTS = {
    "optimize: learning_rate NaN": (lambda: lm.optimize(*REX, np.zeros((8, 1)), dict(P8), learning_rate=np.nan),
                                    ValueError, "learning_rate must be a finite"),
    "optimize: negative learning_rate": (lambda: lm.optimize(*REX, np.zeros((8, 1)), dict(P8), -0.1), ValueError, "learning_rate"),
    "optimize: a_prev of shape (n_a,)": (lambda: lm.optimize(*REX, np.zeros(8), dict(P8)), ValueError, "a_prev should"),
    "optimize: X without its leading None": (lambda: lm.optimize(REX[1], REX[1], np.zeros((8, 1)), dict(P8)), ValueError, r"X\[0\]"),
    "optimize: an index past the vocabulary": (lambda: lm.optimize([None, 30], [30, 0], np.zeros((8, 1)), dict(P8)),
                                               ValueError, "X must hold indices 0 to 26"),
    "optimize: a negative index": (lambda: lm.optimize([None, 3], [-1, 0], np.zeros((8, 1)), dict(P8)), ValueError, "Y must hold"),
    "optimize: X and Y of different lengths": (lambda: lm.optimize(REX[0], REX[1][:-1], np.zeros((8, 1)), dict(P8)),
                                               ValueError, "same length"),
    "optimize: max_value 0": (lambda: lm.optimize(*REX, np.zeros((8, 1)), dict(P8), max_value=0), ValueError, "max_value"),
    "optimize: by of shape (27,)": (lambda: lm.optimize(*REX, np.zeros((8, 1)), {**P8, "by": np.zeros(27)}), ValueError,
                                    r"parameters\['by'\]"),
    "clip: a NaN gradient": (lambda: lm.clip({"dWax": np.full((2, 2), np.nan)}, 5), ValueError, "dWax"),
    "clip: maxValue as text": (lambda: lm.clip(GRADS, "5"), TypeError, "maxValue must be a number"),
    "clip: a list of gradients": (lambda: lm.clip([np.ones(2)], 5), TypeError, "gradients must be a dict"),
    "sample: temperature NaN": (lambda: lm.sample(P8, CHAR_TO_IX, 0, temperature=np.nan), ValueError, "temperature"),
    "sample: seed as text": (lambda: lm.sample(P8, CHAR_TO_IX, "0"), TypeError, "seed must be"),
    "sample: max_length 0": (lambda: lm.sample(P8, CHAR_TO_IX, 0, max_length=0), ValueError, "max_length"),
    "sample: a vocabulary without newline": (lambda: lm.sample(P8, {c: i for i, c in enumerate("abc")}, 0), ValueError, "lacks"),
    "sample: parameters for 26 characters": (lambda: lm.sample(lm.initialize_parameters(8, 26, 26, 0), CHAR_TO_IX, 0),
                                             ValueError, "char_to_ix has 27"),
    "model: data_x a single string": (lambda: lm.model("rex", IX_TO_CHAR, CHAR_TO_IX, 10, verbose=False), TypeError,
                                      "wrap it in a list"),
    "model: a name with a digit": (lambda: lm.model(["rex2"], IX_TO_CHAR, CHAR_TO_IX, 10, verbose=False), ValueError,
                                   "outside the vocabulary"),
    "model: num_iterations 2.5": (lambda: lm.model(["rex"], IX_TO_CHAR, CHAR_TO_IX, 2.5, verbose=False), ValueError,
                                  "num_iterations must be a whole"),
    "model: vocab_size 26": (lambda: lm.model(["rex"], IX_TO_CHAR, CHAR_TO_IX, 10, vocab_size=26, verbose=False), ValueError,
                             "vocab_size is 26"),
    "model: history a dict": (lambda: lm.model(["rex"], IX_TO_CHAR, CHAR_TO_IX, 10, verbose=False, history={}), TypeError,
                              "history must be a list"),
    "training_example: a number for the name": (lambda: lm.training_example(7, CHAR_TO_IX), TypeError, "name must be a string"),
    "split_names: validation_fraction 1": (lambda: lm.split_names(["a", "b"], 1.0), ValueError, "validation_fraction"),
    "split_names: a bare string": (lambda: lm.split_names("abc"), TypeError, "names must be a list"),
    "loss_per_character: a bare string": (lambda: lm.loss_per_character("rex", P8, CHAR_TO_IX), TypeError, "names"),
    "one_hot_batch: index 27 of 27": (lambda: lm.one_hot_batch([[None, 27]], 27), ValueError, "index_lists"),
    "vocabulary_maps: a repeated letter": (lambda: lm.vocabulary_maps("\naab"), ValueError, "no character twice"),
    "initialize_parameters: n_a = 0": (lambda: lm.initialize_parameters(0, 27, 27), ValueError, "n_a must be at least 1"),
    "ngram_counts: order 0": (lambda: lm.ngram_counts(["rex"], CHAR_TO_IX, 0), ValueError, "order"),
    "ngram_loss_per_character: k 0": (lambda: lm.ngram_loss_per_character(np.zeros((27,) * 3), ["rex"], CHAR_TO_IX, 0),
                                      ValueError, "k must be above 0"),
    "ngram_loss_per_character: counts of the wrong size": (
        lambda: lm.ngram_loss_per_character(np.zeros((26,) * 3), ["rex"], CHAR_TO_IX), ValueError, "counts should"),
    "lstm_models: n_a = -1": (lambda: lm.lstm_models(-1), ValueError, "n_a must be at least 1"),
    "sample_lstm: not a generation model": (lambda: lm.sample_lstm("model", IX_TO_CHAR, 3, 0), TypeError, "generation_model"),
}


@pytest.mark.parametrize("call, error, message", BAD_INPUTS.values(), ids=BAD_INPUTS)
def test_bad_input_is_refused_with_an_error_naming_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_load_rnn_refuses_nan_weights(tmp_path):
    with pytest.raises(ValueError, match=r"does not hold usable RNN parameters.*Waa.*NaN"):
        lm.load_rnn(saved(tmp_path, Waa=np.full((8, 8), np.nan)))


def test_load_rnn_refuses_a_missing_array_and_a_missing_file(tmp_path):
    path = tmp_path / "partial.npz"
    np.savez(path, **{name: value for name, value in P8.items() if name != "by"})
    with pytest.raises(ValueError, match="lacks the keys"):
        lm.load_rnn(path)
    with pytest.raises(FileNotFoundError, match="nothing_here.npz"):
        lm.load_rnn(tmp_path / "nothing_here.npz")


def test_optimize_with_a_failed_check_leaves_the_parameters_alone():
    parameters = {name: value.copy() for name, value in P8.items()}
    with pytest.raises(ValueError):
        lm.optimize(*REX, np.zeros((8, 1)), parameters, learning_rate=np.nan)
    assert all(np.array_equal(parameters[name], P8[name]) for name in P8)


def test_optimize_updates_float32_parameters_in_the_callers_dict():
    parameters = {name: value.astype(np.float32) for name, value in P8.items()}
    lm.optimize(*REX, np.zeros((8, 1)), parameters, learning_rate=0.5)
    assert not np.allclose(parameters["by"], 0)


def test_model_can_reset_the_state_per_name_and_counts_clipped_steps():
    clipped = []
    carried = lm.model(["rex", "minmi"], IX_TO_CHAR, CHAR_TO_IX, 6, 8, verbose=False, clipped=clipped)
    reset = lm.model(["rex", "minmi"], IX_TO_CHAR, CHAR_TO_IX, 6, 8, verbose=False, carry_state=False)
    assert len(clipped) == 6 and not any(clipped)  # tiny starting weights: nothing near 5
    assert not np.allclose(carried["Waa"], reset["Waa"])
    every = []
    lm.model(["rex"], IX_TO_CHAR, CHAR_TO_IX, 3, 8, verbose=False, max_value=1e-6, clipped=every)
    assert every == [True, True, True]


def test_ngram_counts_pad_the_start_with_newline():
    counts = lm.ngram_counts(["ab"], CHAR_TO_IX, 3)
    a, b = CHAR_TO_IX["a"], CHAR_TO_IX["b"]
    assert counts[NEWLINE, NEWLINE, a] == counts[NEWLINE, a, b] == counts[a, b, NEWLINE] == 1 and counts.sum() == 3


def test_ngram_loss_of_a_model_that_saw_only_the_name_beats_uniform():
    counts = lm.ngram_counts(["rex"], CHAR_TO_IX, 3)
    assert lm.ngram_loss_per_character(counts, ["rex"], CHAR_TO_IX, k=0.01) < 0.5 < np.log(27)
    assert lm.ngram_loss_per_character(np.zeros((27,) * 3), ["rex"], CHAR_TO_IX, k=1) == pytest.approx(np.log(27))


def test_an_empty_name_is_spelled_as_an_empty_string():
    assert lm.indices_to_name([], IX_TO_CHAR) == "" and lm.indices_to_name([NEWLINE], IX_TO_CHAR) == ""
