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
    with pytest.raises(ValueError, match="maxValue must be positive"):
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
