"""RNN, LSTM and GRU cells in numpy: forward and backward passes, vectorised over the batch.

Taught in notebooks/w1a1_rnn_step_by_step.ipynb (course 5, week 1, assignment 1).

Generated from notebooks/w1a1_rnn_step_by_step.ipynb by `make export`:
edit the notebook's `exercise` and `export` cells, not this file.
"""

import functools

import numpy as np

from utils.checks import check_array, check_choice, check_keys, check_number, check_shape, describe


def sigmoid(z):
    """Logistic function 1 / (1 + e^-z), elementwise."""
    return 1.0 / (1.0 + np.exp(-z))


def softmax(z, axis=0):
    """Softmax along `axis` (by default 0, the class axis of an (n_y, m) array), stable for large scores."""
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


GATES = {"rnn": ("Wax", "Waa", "ba"), "lstm": ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo"),
         "gru": ("Wr", "br", "Wu", "bu", "Wc", "bc")}


def parameter_shapes(kind, n_x, n_a, n_y):
    """The shape of every parameter of an 'rnn', 'lstm' or 'gru' cell, under the course's names."""
    if kind == "rnn":
        shapes = {"Wax": (n_a, n_x), "Waa": (n_a, n_a), "ba": (n_a, 1), "Wya": (n_y, n_a)}
    else:  # gate matrices act on the stacked [a_prev; xt]
        shapes = {name: (n_a, 1) if name.startswith("b") else (n_a, n_a + n_x) for name in GATES[kind]}
        shapes["Wy"] = (n_y, n_a)
    return {**shapes, "by": (n_y, 1)}


def initialize_parameters(kind, n_x, n_a, n_y, rng, scale=0.5):
    """Random parameters of an 'rnn', 'lstm' or 'gru' cell with the course's names and shapes.

    Weights are drawn from N(0, scale^2 / fan_in); biases from N(0, 0.1^2) so that they are tested too.
    `rng` is a numpy Generator.
    """
    check_choice(kind, "kind", GATES)
    sizes = [check_number(n, name, low=1, integer=True) for n, name in ((n_x, "n_x"), (n_a, "n_a"), (n_y, "n_y"))]
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy Generator (np.random.default_rng(seed)), got {describe(rng)}")
    scale = check_number(scale, "scale", low=0, low_open=True)
    return {name: rng.normal(0, 0.1 if name.startswith("b") else scale / np.sqrt(shape[1]), shape)
            for name, shape in parameter_shapes(kind, *sizes).items()}


def validated(check):
    """Decorate a function so that each call first passes its arguments through `check`.

    `check` takes the same arguments and returns them (arrays as float64), or raises an error naming the argument.
    The undecorated function stays available as `.__wrapped__`, for loops that have checked their inputs once.
    """
    def decorate(function):
        @functools.wraps(function)
        def checked(*args, **kwargs):
            return function(*check(*args, **kwargs))
        return checked
    return decorate


def check_parameters(parameters, kind):
    """(parameters, n_x, n_a, n_y): the parameter dict of a `kind` cell with every array's name and shape checked.

    The caller's dict is returned as it is when nothing needed converting, so caches keep pointing at it.
    """
    check_keys(parameters, parameter_shapes(kind, 1, 1, 1), "parameters")
    gate, output = ("Waa", "Wya") if kind == "rnn" else (GATES[kind][0], "Wy")
    n_a = check_array(parameters[gate], f"parameters['{gate}']", ndim=2).shape[0]
    n_y = check_array(parameters[output], f"parameters['{output}']", ndim=2).shape[0]
    if kind == "rnn":
        n_x = check_array(parameters["Wax"], "parameters['Wax']", ndim=2).shape[1]
    else:
        n_x = parameters[gate].shape[1] - n_a
        if n_x < 1:
            raise ValueError(f"parameters['{gate}'] must have shape (n_a, n_a + n_x), got {parameters[gate].shape}")
    checked = {name: check_array(parameters[name], f"parameters['{name}']", shape=shape)
               for name, shape in parameter_shapes(kind, n_x, n_a, n_y).items()}
    if any(checked[name] is not parameters[name] for name in checked):
        parameters = {**parameters, **checked}
    return parameters, n_x, n_a, n_y


def check_step(kind, xt, a_prev, parameters, c_prev=None):
    """The inputs of one step, checked: xt (n_x, m), a_prev (n_a, m), c_prev (n_a, m) for the LSTM, parameters."""
    parameters, n_x, n_a, _ = check_parameters(parameters, kind)
    xt = check_array(xt, "xt", ndim=2)
    check_shape(xt, (n_x, None), "xt")
    a_prev = check_array(a_prev, "a_prev", shape=(n_a, xt.shape[1]))
    if kind != "lstm":
        return xt, a_prev, parameters
    return xt, a_prev, check_array(c_prev, "c_prev", shape=(n_a, xt.shape[1])), parameters


def check_lstm_step(xt, a_prev, c_prev, parameters):
    """lstm_cell_forward's inputs, checked (its argument order puts c_prev before the parameters)."""
    return check_step("lstm", xt, a_prev, parameters, c_prev)


def check_sequence(kind, x, a0, parameters):
    """The inputs of a whole sequence, checked: x (n_x, m, T_x) with T_x >= 1, a0 (n_a, m), parameters."""
    parameters, n_x, n_a, _ = check_parameters(parameters, kind)
    x = check_array(x, "x", ndim=3)
    check_shape(x, (n_x, None, None), "x")
    if x.shape[2] == 0:
        raise ValueError("x has no time steps: its shape (n_x, m, T_x) needs T_x >= 1")
    return x, check_array(a0, "a0", shape=(n_a, x.shape[1])), parameters


CACHE_LENGTHS = {"rnn": 4, "lstm": 10, "gru": 7}


def check_cache(cache, kind, name="cache"):
    """TypeError unless `cache` is the tuple that {kind}_cell_forward returns."""
    if not isinstance(cache, tuple) or len(cache) != CACHE_LENGTHS[kind]:
        raise TypeError(f"{name} must be the {CACHE_LENGTHS[kind]}-tuple that {kind}_cell_forward returns, "
                        f"got {describe(cache) if not isinstance(cache, tuple) else f'a {len(cache)}-tuple'}")
    return cache


def check_step_gradient(kind, da_next, cache, dc_next=None):
    """The inputs of one backward step: a cache from the forward step and gradients shaped like its a_next."""
    shape = np.shape(check_cache(cache, kind)[0])
    da_next = check_array(da_next, "da_next", shape=shape)
    if kind != "lstm":
        return da_next, cache
    return da_next, check_array(dc_next, "dc_next", shape=shape), cache


def check_lstm_step_gradient(da_next, dc_next, cache):
    """lstm_cell_backward's inputs, checked."""
    return check_step_gradient("lstm", da_next, cache, dc_next)


def check_sequence_gradient(kind, da, caches):
    """The inputs of backpropagation through time: caches from {kind}_forward and da (n_a, m, T_x) to match."""
    if not (isinstance(caches, tuple) and len(caches) == 2 and isinstance(caches[0], list) and caches[0]):
        kind_of = f"a {len(caches)}-tuple" if isinstance(caches, tuple) else describe(caches)
        raise TypeError(f"caches must be the (list of cell caches, x) pair that {kind}_forward returns, got {kind_of}")
    for t, cache in enumerate(caches[0]):
        check_cache(cache, kind, f"caches[0][{t}]")
    da = check_array(da, "da", shape=np.shape(caches[0][0][0]) + (len(caches[0]),))
    return da, caches


@validated(functools.partial(check_step, "rnn"))
def rnn_cell_forward(xt, a_prev, parameters):
    """One step of a basic RNN for a batch of m examples.

    Arguments: xt (n_x, m); a_prev (n_a, m); parameters with Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a),
    ba (n_a, 1), by (n_y, 1).
    Returns a_next (n_a, m), yt_pred (n_y, m) and cache = (a_next, a_prev, xt, parameters).
    """
    # Hint: a_next = tanh(Waa a_prev + Wax xt + ba); yt_pred = softmax(Wya a_next + by); cache as documented.
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    a_next = np.tanh(Waa @ a_prev + Wax @ xt + parameters["ba"])  # (n_a, m)
    yt_pred = softmax(Wya @ a_next + parameters["by"])  # (n_y, m)
    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache


@validated(functools.partial(check_sequence, "rnn"))
def rnn_forward(x, a0, parameters):
    """Run the basic RNN over T_x steps.

    Arguments: x (n_x, m, T_x); a0 (n_a, m), the initial state; parameters as for rnn_cell_forward.
    Returns a (n_a, m, T_x), every hidden state; y_pred (n_y, m, T_x); caches = (list of cell caches, x).
    """
    cell = rnn_cell_forward.__wrapped__  # unchecked: x, a0 and parameters were checked once, above
    m, T_x = x.shape[1:]
    n_y, n_a = parameters["Wya"].shape
    # Hint: at each step t feed x[:, :, t] and the previous state to cell; store a_next, yt_pred at [:, :, t].
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    caches = []
    a_next = a0
    for t in range(T_x):
        a_next, yt_pred, cache = cell(x[:, :, t], a_next, parameters)  # (n_a, m), (n_y, m)
        a[:, :, t], y_pred[:, :, t] = a_next, yt_pred
        caches.append(cache)
    return a, y_pred, (caches, x)


@validated(check_lstm_step)
def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    """One LSTM step for a batch of m examples.

    Arguments: xt (n_x, m); a_prev and c_prev (n_a, m); parameters Wf, Wi, Wc, Wo (n_a, n_a + n_x),
    bf, bi, bc, bo (n_a, 1), Wy (n_y, n_a), by (n_y, 1).
    Returns a_next, c_next (n_a, m), yt_pred (n_y, m) and
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters).
    """
    # Hint: gates act on [a_prev; xt]: f, i, o are sigmoids, the candidate a tanh; c mixes c_prev and the candidate.
    concat = np.concatenate([a_prev, xt], axis=0)  # (n_a + n_x, m)
    ft = sigmoid(parameters["Wf"] @ concat + parameters["bf"])  # (n_a, m)
    it = sigmoid(parameters["Wi"] @ concat + parameters["bi"])  # (n_a, m)
    cct = np.tanh(parameters["Wc"] @ concat + parameters["bc"])  # (n_a, m)
    c_next = ft * c_prev + it * cct  # (n_a, m)
    ot = sigmoid(parameters["Wo"] @ concat + parameters["bo"])  # (n_a, m)
    a_next = ot * np.tanh(c_next)  # (n_a, m)
    yt_pred = softmax(parameters["Wy"] @ a_next + parameters["by"])  # (n_y, m)
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache


@validated(functools.partial(check_sequence, "lstm"))
def lstm_forward(x, a0, parameters):
    """Run the LSTM over T_x steps; the memory cell starts at zero.

    Arguments: x (n_x, m, T_x); a0 (n_a, m); parameters as for lstm_cell_forward.
    Returns a (n_a, m, T_x), y (n_y, m, T_x), c (n_a, m, T_x) and caches = (list of cell caches, x).
    """
    cell = lstm_cell_forward.__wrapped__  # unchecked: the inputs were checked once, above
    m, T_x = x.shape[1:]
    n_y, n_a = parameters["Wy"].shape
    # Hint: as rnn_forward, with the memory c carried along too; it starts at zero, not at a0.
    a, c, y = np.zeros((n_a, m, T_x)), np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x))
    caches = []
    a_next, c_next = a0, np.zeros((n_a, m))
    for t in range(T_x):
        a_next, c_next, yt, cache = cell(x[:, :, t], a_next, c_next, parameters)  # (n_a, m), (n_a, m), (n_y, m)
        a[:, :, t], c[:, :, t], y[:, :, t] = a_next, c_next, yt
        caches.append(cache)
    return a, y, c, (caches, x)


@validated(functools.partial(check_step, "gru"))
def gru_cell_forward(xt, a_prev, parameters):
    """One GRU step (the lectures' form: the reset gate acts before the matrix product).

    Arguments: xt (n_x, m); a_prev (n_a, m); parameters Wr, Wu, Wc (n_a, n_a + n_x), br, bu, bc (n_a, 1),
    Wy (n_y, n_a), by (n_y, 1).
    Returns a_next (n_a, m), yt_pred (n_y, m) and cache = (a_next, a_prev, xt, rt, ut, cct, parameters).
    """
    # Hint: r and u from [a_prev; xt]; the candidate from [rt * a_prev; xt]; a_next interpolates with ut.
    concat = np.concatenate([a_prev, xt], axis=0)  # (n_a + n_x, m)
    rt = sigmoid(parameters["Wr"] @ concat + parameters["br"])  # (n_a, m)
    ut = sigmoid(parameters["Wu"] @ concat + parameters["bu"])  # (n_a, m)
    concat_reset = np.concatenate([rt * a_prev, xt], axis=0)  # (n_a + n_x, m)
    cct = np.tanh(parameters["Wc"] @ concat_reset + parameters["bc"])  # (n_a, m)
    a_next = ut * cct + (1 - ut) * a_prev  # (n_a, m)
    yt_pred = softmax(parameters["Wy"] @ a_next + parameters["by"])  # (n_y, m)
    return a_next, yt_pred, (a_next, a_prev, xt, rt, ut, cct, parameters)


@validated(functools.partial(check_sequence, "gru"))
def gru_forward(x, a0, parameters):
    """Run the GRU over T_x steps.

    Arguments: x (n_x, m, T_x); a0 (n_a, m); parameters as for gru_cell_forward.
    Returns a (n_a, m, T_x), y_pred (n_y, m, T_x) and caches = (list of cell caches, x).
    """
    cell = gru_cell_forward.__wrapped__  # unchecked: the inputs were checked once, above
    m, T_x = x.shape[1:]
    n_y, n_a = parameters["Wy"].shape
    # Hint: the same loop as rnn_forward, with cell the GRU step.
    a, y_pred = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x))
    caches = []
    a_next = a0
    for t in range(T_x):
        a_next, yt_pred, cache = cell(x[:, :, t], a_next, parameters)  # (n_a, m), (n_y, m)
        a[:, :, t], y_pred[:, :, t] = a_next, yt_pred
        caches.append(cache)
    return a, y_pred, (caches, x)


def _sequence_case(kind, n_x, n_a, n_y, m, T_x, rng):
    """Inputs, parameters, upstream gradient, loss and analytic gradients for a whole-sequence check."""
    forward, backward = globals()[f"{kind}_forward"], globals()[f"{kind}_backward"]  # looked up when called
    parameters = initialize_parameters(kind, n_x, n_a, n_y, rng)
    arrays = {"x": rng.standard_normal((n_x, m, T_x)), "a0": rng.standard_normal((n_a, m))}
    da = rng.standard_normal((n_a, m, T_x))
    gradients = backward(da, forward(arrays["x"], arrays["a0"], parameters)[-1])
    return arrays, parameters, gradients, lambda: np.sum(da * forward(arrays["x"], arrays["a0"], parameters)[0])


def _cell_case(kind, n_x, n_a, n_y, m, rng):
    """The same for one cell; the LSTM cell's loss also weighs the memory c_next."""
    parameters = initialize_parameters(kind, n_x, n_a, n_y, rng)
    arrays = {"xt": rng.standard_normal((n_x, m)), "a_prev": rng.standard_normal((n_a, m))}
    da_next, dc_next = rng.standard_normal((n_a, m)), rng.standard_normal((n_a, m))
    if kind == "lstm":
        arrays["c_prev"] = rng.standard_normal((n_a, m))
        cache = lstm_cell_forward(arrays["xt"], arrays["a_prev"], arrays["c_prev"], parameters)[-1]

        def loss():
            a_next, c_next, _, _ = lstm_cell_forward(arrays["xt"], arrays["a_prev"], arrays["c_prev"], parameters)
            return np.sum(da_next * a_next) + np.sum(dc_next * c_next)

        return arrays, parameters, lstm_cell_backward(da_next, dc_next, cache), loss
    forward, backward = globals()[f"{kind}_cell_forward"], globals()[f"{kind}_cell_backward"]
    gradients = backward(da_next, forward(arrays["xt"], arrays["a_prev"], parameters)[-1])
    return arrays, parameters, gradients, lambda: np.sum(da_next * forward(arrays["xt"], arrays["a_prev"], parameters)[0])


def backward_errors(kind, whole_sequence, n_x=3, n_a=5, n_y=2, m=4, T_x=6, seed=0):
    """Relative error between analytic and finite-difference gradients, per input and parameter.

    kind is 'rnn', 'lstm' or 'gru'; whole_sequence picks *_backward over *_cell_backward. Every gradient
    the backward function returns is checked, in float64.
    """
    from utils.checks import gradient_check

    check_choice(kind, "kind", GATES)
    check_choice(whole_sequence, "whole_sequence", [False, True])
    for value, name in ((n_x, "n_x"), (n_a, "n_a"), (n_y, "n_y"), (m, "m"), (T_x, "T_x")):
        check_number(value, name, low=1, integer=True)
    rng = np.random.default_rng(seed)
    if whole_sequence:
        arrays, parameters, gradients, loss = _sequence_case(kind, n_x, n_a, n_y, m, T_x, rng)
    else:
        arrays, parameters, gradients, loss = _cell_case(kind, n_x, n_a, n_y, m, rng)
    inputs = {**arrays, **{name: parameters[name] for name in GATES[kind]}}
    return {name: gradient_check(loss, value, gradients["d" + name]) for name, value in inputs.items()}


@validated(functools.partial(check_step_gradient, "rnn"))
def rnn_cell_backward(da_next, cache):
    """Backward pass of one basic RNN step.

    Arguments: da_next (n_a, m), the gradient reaching a<t>; cache from rnn_cell_forward.
    Returns a dict with dxt (n_x, m), da_prev (n_a, m), dWax (n_a, n_x), dWaa (n_a, n_a), dba (n_a, 1).
    """
    a_next, a_prev, xt, parameters = cache
    # Hint: dz = da_next * tanh'(z) = da_next * (1 - a_next**2); each gradient is dz times a transposed matrix.
    dz = da_next * (1 - a_next**2)  # (n_a, m): through tanh
    return {
        "dxt": parameters["Wax"].T @ dz,  # (n_x, m)
        "da_prev": parameters["Waa"].T @ dz,  # (n_a, m)
        "dWax": dz @ xt.T,  # (n_a, n_x)
        "dWaa": dz @ a_prev.T,  # (n_a, n_a)
        "dba": np.sum(dz, axis=1, keepdims=True),  # (n_a, 1)
    }


@validated(functools.partial(check_sequence_gradient, "rnn"))
def rnn_backward(da, caches):
    """Backpropagation through time for the basic RNN.

    Arguments: da (n_a, m, T_x), the gradient reaching each hidden state from outside the recurrence;
    caches from rnn_forward.
    Returns a dict with dx (n_x, m, T_x), da0 (n_a, m), dWax, dWaa, dba.
    """
    cell_backward = rnn_cell_backward.__wrapped__  # unchecked: da and caches were checked once, above
    cell_caches, x = caches
    # Hint: walk t from T_x - 1 down to 0; a<t> gets da[:, :, t] plus the da_prev of step t + 1; sum the dW and db.
    gradients = {"dx": np.zeros_like(x), "dWax": 0.0, "dWaa": 0.0, "dba": 0.0}
    da_prev = np.zeros(da.shape[:2])  # (n_a, m): nothing flows in after the last step
    for t in reversed(range(len(cell_caches))):
        step = cell_backward(da[:, :, t] + da_prev, cell_caches[t])
        gradients["dx"][:, :, t] = step["dxt"]
        da_prev = step["da_prev"]
        for name in ("dWax", "dWaa", "dba"):
            gradients[name] = gradients[name] + step[name]
    gradients["da0"] = da_prev
    return gradients


@validated(check_lstm_step_gradient)
def lstm_cell_backward(da_next, dc_next, cache):
    """Backward pass of one LSTM step.

    Arguments: da_next, dc_next (n_a, m), the gradients reaching a<t> and c<t>; cache from lstm_cell_forward.
    Returns a dict with dxt (n_x, m), da_prev, dc_prev (n_a, m), dWf, dWi, dWc, dWo (n_a, n_a + n_x),
    dbf, dbi, dbc, dbo (n_a, 1).
    """
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    n_a = a_next.shape[0]
    # Hint: dc = dc_next + da_next * ot * tanh'(c_next); then each gate's pre-activation gradient, then dconcat.
    tanh_c = np.tanh(c_next)  # (n_a, m)
    dc = dc_next + da_next * ot * (1 - tanh_c**2)  # (n_a, m): memory's total gradient
    pre = {  # gradients at each gate's pre-activation, (n_a, m)
        "o": da_next * tanh_c * ot * (1 - ot),
        "c": dc * it * (1 - cct**2),
        "i": dc * cct * it * (1 - it),
        "f": dc * c_prev * ft * (1 - ft),
    }
    concat = np.concatenate([a_prev, xt], axis=0)  # (n_a + n_x, m)
    dconcat = sum(parameters["W" + gate].T @ pre[gate] for gate in pre)  # (n_a + n_x, m)
    gradients = {"dxt": dconcat[n_a:], "da_prev": dconcat[:n_a], "dc_prev": dc * ft}
    for gate, d in pre.items():
        gradients["dW" + gate] = d @ concat.T  # (n_a, n_a + n_x)
        gradients["db" + gate] = np.sum(d, axis=1, keepdims=True)  # (n_a, 1)
    return gradients


@validated(functools.partial(check_sequence_gradient, "lstm"))
def lstm_backward(da, caches):
    """Backpropagation through time for the LSTM.

    Arguments: da (n_a, m, T_x), the gradient reaching each hidden state from outside; caches from lstm_forward.
    Returns a dict with dx (n_x, m, T_x), da0 (n_a, m) and dWf, dWi, dWc, dWo, dbf, dbi, dbc, dbo.
    """
    cell_backward = lstm_cell_backward.__wrapped__  # unchecked: da and caches were checked once, above
    cell_caches, x = caches
    names = ("dWf", "dWi", "dWc", "dWo", "dbf", "dbi", "dbc", "dbo")
    # Hint: as rnn_backward, passing both da_prev and dc_prev from step t + 1 back to step t.
    gradients = {"dx": np.zeros_like(x), **dict.fromkeys(names, 0.0)}
    da_prev = dc_prev = np.zeros(da.shape[:2])  # (n_a, m)
    for t in reversed(range(len(cell_caches))):
        step = cell_backward(da[:, :, t] + da_prev, dc_prev, cell_caches[t])
        gradients["dx"][:, :, t] = step["dxt"]
        da_prev, dc_prev = step["da_prev"], step["dc_prev"]
        for name in names:
            gradients[name] = gradients[name] + step[name]
    gradients["da0"] = da_prev
    return gradients


@validated(functools.partial(check_step_gradient, "gru"))
def gru_cell_backward(da_next, cache):
    """Backward pass of one GRU step.

    Arguments: da_next (n_a, m); cache from gru_cell_forward.
    Returns a dict with dxt (n_x, m), da_prev (n_a, m), dWr, dWu, dWc (n_a, n_a + n_x), dbr, dbu, dbc (n_a, 1).
    """
    a_next, a_prev, xt, rt, ut, cct, parameters = cache
    n_a = a_next.shape[0]
    # Hint: gradients at the candidate and update pre-activations first; the reset gate's through Wc's a-columns.
    dc_pre = da_next * ut * (1 - cct**2)  # (n_a, m): candidate, before tanh
    du_pre = da_next * (cct - a_prev) * ut * (1 - ut)  # (n_a, m): update gate, before sigmoid
    dconcat_reset = parameters["Wc"].T @ dc_pre  # (n_a + n_x, m): gradient of [rt * a_prev; xt]
    dr_pre = dconcat_reset[:n_a] * a_prev * rt * (1 - rt)  # (n_a, m): reset gate, before sigmoid
    dconcat = parameters["Wr"].T @ dr_pre + parameters["Wu"].T @ du_pre  # (n_a + n_x, m)
    concat = np.concatenate([a_prev, xt], axis=0)  # (n_a + n_x, m)
    concat_reset = np.concatenate([rt * a_prev, xt], axis=0)  # (n_a + n_x, m)
    return {
        "dxt": dconcat[n_a:] + dconcat_reset[n_a:],
        "da_prev": da_next * (1 - ut) + dconcat_reset[:n_a] * rt + dconcat[:n_a],
        "dWr": dr_pre @ concat.T, "dWu": du_pre @ concat.T, "dWc": dc_pre @ concat_reset.T,
        "dbr": np.sum(dr_pre, axis=1, keepdims=True), "dbu": np.sum(du_pre, axis=1, keepdims=True),
        "dbc": np.sum(dc_pre, axis=1, keepdims=True),
    }


@validated(functools.partial(check_sequence_gradient, "gru"))
def gru_backward(da, caches):
    """Backpropagation through time for the GRU.

    Arguments: da (n_a, m, T_x); caches from gru_forward.
    Returns a dict with dx (n_x, m, T_x), da0 (n_a, m) and dWr, dWu, dWc, dbr, dbu, dbc.
    """
    cell_backward = gru_cell_backward.__wrapped__  # unchecked: da and caches were checked once, above
    cell_caches, x = caches
    names = ("dWr", "dWu", "dWc", "dbr", "dbu", "dbc")
    # Hint: the same loop as rnn_backward, with the GRU's cell_backward.
    gradients = {"dx": np.zeros_like(x), **dict.fromkeys(names, 0.0)}
    da_prev = np.zeros(da.shape[:2])  # (n_a, m)
    for t in reversed(range(len(cell_caches))):
        step = cell_backward(da[:, :, t] + da_prev, cell_caches[t])
        gradients["dx"][:, :, t] = step["dxt"]
        da_prev = step["da_prev"]
        for name in names:
            gradients[name] = gradients[name] + step[name]
    gradients["da0"] = da_prev
    return gradients


def keras_weights(kind, parameters):
    """Our parameters as the weight list of the matching Keras layer (SimpleRNN, LSTM or GRU with reset_after=False)."""
    parameters = check_parameters(parameters, check_choice(kind, "kind", GATES))[0]
    if kind == "rnn":
        return [parameters["Wax"].T, parameters["Waa"].T, parameters["ba"][:, 0]]
    n_a = parameters["Wc"].shape[0]
    if kind == "lstm":
        order = [("Wi", "bi", 1), ("Wf", "bf", 1), ("Wc", "bc", 1), ("Wo", "bo", 1)]
    else:
        order = [("Wu", "bu", -1), ("Wr", "br", 1), ("Wc", "bc", 1)]  # Keras's z is our 1 - update gate
    kernel = np.concatenate([sign * parameters[w][:, n_a:].T for w, _, sign in order], axis=1)  # (n_x, k n_a)
    recurrent = np.concatenate([sign * parameters[w][:, :n_a].T for w, _, sign in order], axis=1)  # (n_a, k n_a)
    bias = np.concatenate([sign * parameters[b][:, 0] for _, b, sign in order])  # (k n_a,)
    return [kernel, recurrent, bias]


def keras_hidden_states(kind, x, a0, parameters, reset_after=False):
    """Hidden states (n_a, m, T_x) from the Keras layer loaded with our parameters, for comparison."""
    from utils.setup import import_keras

    x, a0, parameters = check_sequence(check_choice(kind, "kind", GATES), x, a0, parameters)
    check_choice(reset_after, "reset_after", [False, True])
    layers = import_keras().layers
    n_a = a0.shape[0]
    layer = {"rnn": lambda: layers.SimpleRNN(n_a, return_sequences=True),
             "lstm": lambda: layers.LSTM(n_a, return_sequences=True),
             "gru": lambda: layers.GRU(n_a, return_sequences=True, reset_after=reset_after)}[kind]()
    x_keras = x.transpose(1, 2, 0).astype("float32")  # (m, T_x, n_x)
    layer.build(x_keras.shape)
    weights = keras_weights(kind, parameters)
    if kind == "gru" and reset_after:  # two bias rows: input side and recurrent side
        weights[2] = np.stack([weights[2], np.zeros_like(weights[2])])
    layer.set_weights([w.astype("float32") for w in weights])
    state = [a0.T.astype("float32")] + ([np.zeros_like(a0.T, dtype="float32")] if kind == "lstm" else [])
    return np.asarray(layer(x_keras, initial_state=state)).transpose(2, 0, 1)  # (n_a, m, T_x)
