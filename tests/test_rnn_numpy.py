"""utils.rnn_numpy, exported from notebooks/w1a1_rnn_step_by_step.ipynb: the course's signatures and the maths."""

import inspect

import numpy as np
import pytest

from utils import rnn_numpy as rnn

COURSE_SIGNATURES = {
    "rnn_cell_forward": ["xt", "a_prev", "parameters"],
    "rnn_forward": ["x", "a0", "parameters"],
    "lstm_cell_forward": ["xt", "a_prev", "c_prev", "parameters"],
    "lstm_forward": ["x", "a0", "parameters"],
    "rnn_cell_backward": ["da_next", "cache"],
    "rnn_backward": ["da", "caches"],
    "lstm_cell_backward": ["da_next", "dc_next", "cache"],
    "lstm_backward": ["da", "caches"],
    "gru_cell_forward": ["xt", "a_prev", "parameters"],
    "gru_forward": ["x", "a0", "parameters"],
    "gru_cell_backward": ["da_next", "cache"],
    "gru_backward": ["da", "caches"],
}


@pytest.mark.parametrize("name, parameters", COURSE_SIGNATURES.items())
def test_course_signatures_are_kept(name, parameters):
    assert list(inspect.signature(getattr(rnn, name)).parameters) == parameters


@pytest.fixture
def batch():
    rng = np.random.default_rng(0)
    return rng, rng.standard_normal((3, 4, 6)), rng.standard_normal((5, 4))  # x (n_x, m, T_x), a0 (n_a, m)


def test_shapes_and_caches_follow_the_course(batch):
    rng, x, a0 = batch
    a, y, caches = rnn.rnn_forward(x, a0, rnn.initialize_parameters("rnn", 3, 5, 2, rng))
    assert a.shape == (5, 4, 6) and y.shape == (2, 4, 6) and len(caches[0]) == 6 and caches[1] is x
    a, y, c, caches = rnn.lstm_forward(x, a0, rnn.initialize_parameters("lstm", 3, 5, 2, rng))
    assert c.shape == (5, 4, 6) and len(caches[0][0]) == 10
    np.testing.assert_allclose(y.sum(axis=0), 1.0)


def test_lstm_cache_layout_is_the_courses(batch):
    rng, x, a0 = batch
    p = rnn.initialize_parameters("lstm", 3, 5, 2, rng)
    a_next, c_next, _, cache = rnn.lstm_cell_forward(x[:, :, 0], a0, np.zeros_like(a0), p)
    assert cache[0] is a_next and cache[1] is c_next and cache[2] is a0 and cache[8] is not None and cache[9] is p


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("whole_sequence", [False, True], ids=["cell", "sequence"])
def test_backward_matches_finite_differences(kind, whole_sequence):
    errors = rnn.backward_errors(kind, whole_sequence, seed=1)
    assert max(errors.values()) < 1e-7, errors


def test_a_gate_shut_keeps_the_memory(batch):
    rng, x, a0 = batch
    p = rnn.initialize_parameters("gru", 3, 5, 2, rng)
    a, _, _ = rnn.gru_forward(x, a0, {**p, "bu": np.full((5, 1), -40.0)})
    np.testing.assert_allclose(a[:, :, -1], a0, atol=1e-12)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_keras_layers_with_our_parameters_give_our_hidden_states(kind, batch):
    rng, x, a0 = batch
    p = rnn.initialize_parameters(kind, 3, 5, 2, rng)
    ours = {"rnn": rnn.rnn_forward, "lstm": rnn.lstm_forward, "gru": rnn.gru_forward}[kind](x, a0, p)[0]
    np.testing.assert_allclose(rnn.keras_hidden_states(kind, x, a0, p), ours, atol=1e-5)


def test_wrong_input_shape_names_the_array(batch):
    rng, x, a0 = batch
    p = rnn.initialize_parameters("rnn", 3, 5, 2, rng)
    with pytest.raises(ValueError, match=r"x should have shape \(3, any, any\)"):
        rnn.rnn_forward(x[:2], a0, p)
    with pytest.raises(ValueError, match="a_prev should have shape"):
        rnn.rnn_cell_forward(x[:, :, 0], a0[:, :2], p)
    with pytest.raises(ValueError, match="kind must be one of"):
        rnn.initialize_parameters("transformer", 3, 5, 2, rng)


def test_softmax_is_stable_for_large_scores():
    np.testing.assert_allclose(rnn.softmax(np.array([[1000.0], [1000.0]])), [[0.5], [0.5]])
