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


# Bad input: every public function checks its arguments once per call and names the one at fault.
RNG = np.random.default_rng(5)
P = {kind: rnn.initialize_parameters(kind, 3, 5, 2, RNG) for kind in ("rnn", "lstm", "gru")}
X, A0, XT = RNG.standard_normal((3, 4, 6)), RNG.standard_normal((5, 4)), RNG.standard_normal((3, 4))
CACHES = {kind: getattr(rnn, f"{kind}_forward")(X, A0, P[kind])[-1] for kind in P}
CELL_CACHE = {kind: CACHES[kind][0][0] for kind in P}
DA = RNG.standard_normal((5, 4, 6))


def without(parameters, name):
    return {key: value for key, value in parameters.items() if key != name}


BAD_INPUTS = {
    "rnn_cell_forward: bias of shape (n_a,)": (
        lambda: rnn.rnn_cell_forward(XT, A0, {**P["rnn"], "ba": np.zeros(5)}), ValueError, r"parameters\['ba'\].*\(5, 1\)"),
    "rnn_cell_forward: xt of shape (n_x,)": (lambda: rnn.rnn_cell_forward(XT[:, 0], A0, P["rnn"]), ValueError, "xt"),
    "rnn_cell_forward: NaN in xt": (lambda: rnn.rnn_cell_forward(XT * np.nan, A0, P["rnn"]), ValueError, "xt has NaN"),
    "rnn_cell_forward: a_prev for another batch": (lambda: rnn.rnn_cell_forward(XT, A0[:, :2], P["rnn"]), ValueError, "a_prev"),
    "rnn_cell_forward: parameters is a list": (lambda: rnn.rnn_cell_forward(XT, A0, [1, 2]), TypeError, "parameters must be a dict"),
    "rnn_cell_forward: no Waa": (lambda: rnn.rnn_cell_forward(XT, A0, without(P["rnn"], "Waa")), ValueError, "Waa"),
    "rnn_cell_forward: text for xt": (lambda: rnn.rnn_cell_forward("xt", A0, P["rnn"]), TypeError, "xt must be a numeric array"),
    "rnn_forward: x of 2 axes": (lambda: rnn.rnn_forward(X[:, :, 0], A0, P["rnn"]), ValueError, "x must have 3 axes"),
    "rnn_forward: no time steps": (lambda: rnn.rnn_forward(X[:, :, :0], A0, P["rnn"]), ValueError, "T_x >= 1"),
    "rnn_forward: infinite Wax": (
        lambda: rnn.rnn_forward(X, A0, {**P["rnn"], "Wax": P["rnn"]["Wax"] * np.inf}), ValueError, r"parameters\['Wax'\]"),
    "rnn_forward: LSTM parameters": (lambda: rnn.rnn_forward(X, A0, P["lstm"]), ValueError, "lacks the keys"),
    "lstm_cell_forward: c_prev of the wrong shape": (
        lambda: rnn.lstm_cell_forward(XT, A0, A0[:3], P["lstm"]), ValueError, "c_prev should have shape"),
    "lstm_cell_forward: Wf without room for x": (
        lambda: rnn.lstm_cell_forward(XT, A0, A0, {**P["lstm"], "Wf": np.zeros((5, 5))}), ValueError, r"\(n_a, n_a \+ n_x\)"),
    "lstm_forward: a0 of the wrong size blames a0": (lambda: rnn.lstm_forward(X, A0[:4], P["lstm"]), ValueError, "^a0 should"),
    "gru_cell_forward: bu of shape (1, n_a)": (
        lambda: rnn.gru_cell_forward(XT, A0, {**P["gru"], "bu": np.zeros((1, 5))}), ValueError, r"parameters\['bu'\]"),
    "gru_forward: x with too many features": (lambda: rnn.gru_forward(X[[0, 1, 2, 0]], A0, P["gru"]), ValueError, "x should"),
    "rnn_cell_backward: an LSTM cache": (lambda: rnn.rnn_cell_backward(A0, CELL_CACHE["lstm"]), TypeError, "4-tuple"),
    "rnn_cell_backward: da_next of shape (n_a,)": (lambda: rnn.rnn_cell_backward(A0[:, 0], CELL_CACHE["rnn"]), ValueError, "da_next"),
    "lstm_cell_backward: dc_next transposed": (
        lambda: rnn.lstm_cell_backward(A0, A0.T, CELL_CACHE["lstm"]), ValueError, "dc_next should"),
    "gru_cell_backward: NaN in da_next": (lambda: rnn.gru_cell_backward(A0 * np.nan, CELL_CACHE["gru"]), ValueError, "da_next"),
    "rnn_backward: da one step short": (lambda: rnn.rnn_backward(DA[:, :, :5], CACHES["rnn"]), ValueError, r"da should have shape \(5, 4, 6\)"),
    "rnn_backward: only the list of caches": (lambda: rnn.rnn_backward(DA, CACHES["rnn"][0]), TypeError, "caches must be"),
    "lstm_backward: GRU caches": (lambda: rnn.lstm_backward(DA, CACHES["gru"]), TypeError, "10-tuple"),
    "gru_backward: empty caches": (lambda: rnn.gru_backward(DA, ([], X)), TypeError, "caches must be"),
    "initialize_parameters: n_a = 0": (lambda: rnn.initialize_parameters("rnn", 3, 0, 2, RNG), ValueError, "n_a must be at least 1"),
    "initialize_parameters: n_x = 2.5": (lambda: rnn.initialize_parameters("rnn", 2.5, 5, 2, RNG), ValueError, "n_x must be a whole"),
    "initialize_parameters: a seed for rng": (lambda: rnn.initialize_parameters("rnn", 3, 5, 2, 0), TypeError, "rng must be"),
    "initialize_parameters: scale NaN": (
        lambda: rnn.initialize_parameters("rnn", 3, 5, 2, RNG, scale=np.nan), ValueError, "scale must be a finite"),
    "keras_weights: unknown kind": (lambda: rnn.keras_weights("lstm2", P["lstm"]), ValueError, "kind must be one of"),
    "keras_hidden_states: reset_after='yes'": (
        lambda: rnn.keras_hidden_states("gru", X, A0, P["gru"], reset_after="yes"), ValueError, "reset_after"),
    "backward_errors: T_x = 0": (lambda: rnn.backward_errors("rnn", True, T_x=0), ValueError, "T_x must be at least 1"),
}


@pytest.mark.parametrize("call, error, message", BAD_INPUTS.values(), ids=BAD_INPUTS)
def test_bad_input_is_refused_with_an_error_naming_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_checks_keep_the_callers_arrays_in_the_cache():
    _, _, cache = rnn.rnn_cell_forward(XT, A0, P["rnn"])
    assert cache[1] is A0 and cache[2] is XT and cache[3] is P["rnn"]


def test_integer_inputs_are_read_as_floats():
    a_int, _, _ = rnn.rnn_cell_forward(np.ones((3, 4), dtype=int), np.zeros((5, 4), dtype=int), P["rnn"])
    a_float, _, _ = rnn.rnn_cell_forward(np.ones((3, 4)), np.zeros((5, 4)), P["rnn"])
    np.testing.assert_array_equal(a_int, a_float)


def test_unchecked_cells_stay_available_for_loops():
    assert rnn.rnn_cell_forward.__wrapped__(XT, A0, P["rnn"])[0].shape == (5, 4)
