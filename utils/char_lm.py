"""A character-level language model of dinosaur names: a basic RNN in numpy (clip, sample, optimize, model) and its Keras LSTM twin.

Taught in notebooks/w1a2_dinosaur_island.ipynb (course 5, week 1, assignment 2).

Generated from notebooks/w1a2_dinosaur_island.ipynb by `make export`:
edit the notebook's `exercise` and `export` cells, not this file.
"""

import numpy as np
from tqdm.auto import tqdm

from utils.checks import check_shape
from utils.paths import data_path
from utils.rnn_numpy import rnn_backward, rnn_cell_forward, rnn_forward, softmax

VOCABULARY = "\nabcdefghijklmnopqrstuvwxyz"  # index 0 ends a name, a = 1 ... z = 26


def load_names(name="dinos.txt"):
    """The names in data/`name`, one a line, lowercase."""
    return data_path(name).read_text().split()


def vocabulary_maps(vocabulary=VOCABULARY):
    """(char_to_ix, ix_to_char): the course's two dictionaries between characters and indices."""
    return {ch: i for i, ch in enumerate(vocabulary)}, dict(enumerate(vocabulary))


def split_names(names, validation_fraction=0.1, seed=0):
    """(training, validation): a fixed, seeded random split of `names`; the validation share is rounded."""
    if not 0 < validation_fraction < 1:
        raise ValueError(f"validation_fraction must be between 0 and 1, got {validation_fraction}")
    order = np.random.default_rng(seed).permutation(len(names))
    n_validation = round(len(names) * validation_fraction)
    return [names[i] for i in sorted(order[n_validation:])], [names[i] for i in sorted(order[:n_validation])]


def training_example(name, char_to_ix):
    """The course's pair for one name: X = [None] + indices of its characters, Y = X[1:] + [index of "\\n"]."""
    unknown = set(name) - set(char_to_ix)
    if unknown:
        raise ValueError(f"name {name!r} has characters outside the vocabulary: {sorted(unknown)}")
    indices = [char_to_ix[ch] for ch in name]
    return [None] + indices, indices + [char_to_ix["\n"]]


def one_hot_batch(index_lists, vocab_size):
    """One-hot inputs (vocab_size, m, T) from m index lists, T the longest; None and padding stay zero vectors."""
    T = max(len(indices) for indices in index_lists)
    padded = np.full((len(index_lists), T), -1)  # (m, T), -1 = no character
    for i, indices in enumerate(index_lists):
        padded[i, : len(indices)] = [-1 if k is None else k for k in indices]
    m_ix, t_ix = np.nonzero(padded >= 0)
    x = np.zeros((vocab_size, len(index_lists), T))  # (n_x, m, T)
    x[padded[m_ix, t_ix], m_ix, t_ix] = 1.0
    return x


def encode_names(names, char_to_ix):
    """Inputs x (n_x, m, T), targets (m, T) and mask (m, T) for a batch of names padded to the longest."""
    pairs = [training_example(name, char_to_ix) for name in names]
    x = one_hot_batch([X for X, _ in pairs], len(char_to_ix))  # (n_x, m, T)
    targets = np.zeros(x.shape[1:], dtype=int)  # (m, T); padding points at index 0 but is masked
    mask = np.zeros(x.shape[1:], dtype=bool)  # (m, T)
    for i, (_, Y) in enumerate(pairs):
        targets[i, : len(Y)], mask[i, : len(Y)] = Y, True
    return x, targets, mask


def initialize_parameters(n_a, n_x, n_y, rng=None):
    """The course's start for this model: weights 0.01 * N(0, 1), biases zero. `rng` is a seed or a numpy Generator."""
    rng = np.random.default_rng(rng)
    return {
        "Wax": rng.standard_normal((n_a, n_x)) * 0.01,  # (n_a, n_x)
        "Waa": rng.standard_normal((n_a, n_a)) * 0.01,  # (n_a, n_a)
        "Wya": rng.standard_normal((n_y, n_a)) * 0.01,  # (n_y, n_a)
        "ba": np.zeros((n_a, 1)),
        "by": np.zeros((n_y, 1)),
    }


def log_likelihoods(y_hat, targets):
    """log y_hat[target] at every step: y_hat (n_y, m, T), targets (m, T) of indices -> (m, T)."""
    return np.log(np.take_along_axis(y_hat, targets[None], axis=0)[0])


def loss_per_character(names, parameters, char_to_ix):
    """Mean cross-entropy (nats) per predicted character over `names`, each read from a zero state.

    All names run at once as one padded batch through rnn_forward; padding is masked out. The "\\n" that
    ends each name counts as a character to predict.
    """
    x, targets, mask = encode_names(names, char_to_ix)  # (n_x, m, T), (m, T), (m, T)
    a0 = np.zeros((parameters["Waa"].shape[0], x.shape[1]))  # (n_a, m)
    _, y_hat, _ = rnn_forward(x, a0, parameters)  # (n_y, m, T)
    return float(-np.sum(log_likelihoods(y_hat, targets)[mask]) / mask.sum())


def clip(gradients, maxValue):
    """A copy of `gradients` (a dict of arrays) with every entry clipped to [-maxValue, maxValue].

    The course clips dWaa, dWax, dWya, db and dby; every array in the dict is clipped here, whatever the
    names (our bias gradient is dba). The input dict and its arrays are left unchanged.
    """
    if not maxValue > 0:
        raise ValueError(f"maxValue must be positive, got {maxValue}")
    return {name: np.clip(gradient, -maxValue, maxValue) for name, gradient in gradients.items()}


def draw_indices(probabilities, rng):
    """One index per row of `probabilities` (m, n), drawn from that row's distribution with `rng`."""
    cumulative = np.cumsum(probabilities, axis=1)  # (m, n)
    u = rng.random((probabilities.shape[0], 1)) * cumulative[:, -1:]  # (m, 1), scaled in case a row sums to 1 - eps
    return np.minimum(np.sum(cumulative < u, axis=1), probabilities.shape[1] - 1)  # (m,)


def indices_to_name(indices, ix_to_char):
    """The name spelled by a list of indices, without the final "\\n"."""
    return "".join(ix_to_char[i] for i in indices).strip("\n")


def sample(parameters, char_to_ix, seed, temperature=1.0, max_length=50):
    """Sample one name from the RNN: a list of indices that always ends with the index of "\\n".

    Starts from a zero input and a zero state and draws each character from softmax(z / temperature); stops at
    "\\n" or after `max_length` characters (then appends "\\n"). `seed` is an int or a numpy Generator.
    """
    if not temperature > 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    rng = np.random.default_rng(seed)  # a Generator passes through unchanged
    newline, vocab_size, n_a = char_to_ix["\n"], parameters["by"].shape[0], parameters["Waa"].shape[0]
    scaled = {**parameters, "Wya": parameters["Wya"] / temperature, "by": parameters["by"] / temperature}
    x, a = np.zeros((vocab_size, 1)), np.zeros((n_a, 1))  # (n_x, 1), (n_a, 1)
    indices = []
    while len(indices) < max_length:
        a, y, _ = rnn_cell_forward(x, a, scaled)  # (n_a, 1), (n_y, 1)
        idx = int(draw_indices(y.T, rng)[0])
        indices.append(idx)
        if idx == newline:
            return indices
        x = np.zeros((vocab_size, 1))
        x[idx] = 1.0
    return indices + [newline]


def optimize(X, Y, a_prev, parameters, learning_rate=0.01, max_value=5.0):
    """One SGD step on one name: forward, loss, backward through time, clip at `max_value` (None: no clipping), update.

    X, Y: lists of indices (X[0] is None, a zero input); a_prev (n_a, 1). `parameters` is updated in place.
    Returns (loss, gradients, a[len(X) - 1]): the summed cross-entropy, the clipped gradients dWax, dWaa, dba, dWya,
    dby, and the last hidden state (n_a, 1).
    """
    if len(X) != len(Y):
        raise ValueError(f"X and Y must have the same length, got {len(X)} and {len(Y)}")
    Wya = parameters["Wya"]
    x = one_hot_batch([X], parameters["Wax"].shape[1])  # (n_x, 1, T)
    a, y_hat, caches = rnn_forward(x, a_prev, parameters)  # (n_a, 1, T), (n_y, 1, T)
    steps = np.arange(len(Y))
    loss = -float(np.sum(np.log(y_hat[Y, 0, steps])))
    dz = y_hat[:, 0, :].copy()  # (n_y, T): softmax + cross-entropy gradient, y_hat - onehot(Y)
    dz[Y, steps] -= 1.0
    gradients = rnn_backward((Wya.T @ dz)[:, None, :], caches)  # da (n_a, 1, T) from the output layer
    gradients = {name: gradients[name] for name in ("dWax", "dWaa", "dba")}
    gradients["dWya"] = dz @ a[:, 0, :].T  # (n_y, n_a)
    gradients["dby"] = dz.sum(axis=1, keepdims=True)  # (n_y, 1)
    if max_value is not None:
        gradients = clip(gradients, max_value)
    for name in parameters:
        parameters[name] -= learning_rate * gradients["d" + name]
    return loss, gradients, a[:, :, len(X) - 1]


def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7, vocab_size=27, *,
          learning_rate=0.01, max_value=5.0, seed=0, print_every=2000, verbose=True, history=None):
    """Train the character-level RNN on the names in `data_x` with one-name SGD steps; return its parameters.

    Prints the smoothed loss and `dino_names` sampled names every `print_every` iterations (when `verbose`), with a
    progress bar. If `history` is a list, the smoothed loss of every iteration is appended to it.
    """
    if not data_x:
        raise ValueError("data_x is empty: give a list of names")
    rng = np.random.default_rng(seed)
    parameters = initialize_parameters(n_a, vocab_size, vocab_size, rng)
    examples = [data_x[i] for i in rng.permutation(len(data_x))]
    smoothed = np.log(vocab_size) * np.mean([len(name) + 1 for name in examples])  # uniform guessing
    a_prev = np.zeros((n_a, 1))
    for j in tqdm(range(num_iterations), desc="training", unit="it", mininterval=2, disable=not verbose):
        X, Y = training_example(examples[j % len(examples)], char_to_ix)
        loss, _, a_prev = optimize(X, Y, a_prev, parameters, learning_rate, max_value)
        smoothed = 0.999 * smoothed + 0.001 * loss
        if history is not None:
            history.append(smoothed)
        if verbose and (j % print_every == 0 or j == num_iterations - 1):
            samples = [indices_to_name(sample(parameters, char_to_ix, rng), ix_to_char) for _ in range(dino_names)]
            tqdm.write(f"iteration {j:6d}  smoothed loss {smoothed:5.2f}  " + ", ".join(samples))
    return parameters


def save_rnn(parameters, path):
    """Save numpy RNN parameters to an .npz file."""
    np.savez(path, **parameters)


def load_rnn(path):
    """Parameters saved by save_rnn, checked for the five arrays and consistent shapes."""
    with np.load(path) as saved:
        parameters = {name: saved[name] for name in saved.files}
    missing = {"Wax", "Waa", "Wya", "ba", "by"} - set(parameters)
    if missing:
        raise ValueError(f"{path} lacks the arrays {sorted(missing)}")
    n_a = parameters["Wax"].shape[0]
    for name, shape in (("Waa", (n_a, n_a)), ("Wya", (None, n_a)), ("ba", (n_a, 1)), ("by", (parameters["Wya"].shape[0], 1))):
        check_shape(parameters[name], shape, name)
    return parameters


def lstm_models(n_a, vocab_size=27):
    """(training_model, generation_model) of the Keras LSTM language model, sharing one LSTM and one Dense layer.

    training_model: (m, T, vocab_size) one-hot names -> (m, T, vocab_size) next-character distributions.
    generation_model: [x (m, 1, vocab_size), a (m, n_a), c (m, n_a)] -> [distribution (m, 1, vocab_size), a, c].
    """
    from utils.setup import import_keras

    keras = import_keras()
    layers = keras.layers
    lstm = layers.LSTM(n_a, return_sequences=True, return_state=True, name="lstm")
    densor = layers.Dense(vocab_size, activation="softmax", name="next_character")
    characters = keras.Input(shape=(None, vocab_size), name="characters")
    sequence, _, _ = lstm(characters)  # (m, T, n_a)
    training_model = keras.Model(characters, densor(sequence), name="dinos_lstm")
    x = keras.Input(shape=(1, vocab_size), name="character")
    a_prev, c_prev = keras.Input(shape=(n_a,), name="a_prev"), keras.Input(shape=(n_a,), name="c_prev")
    step, a_next, c_next = lstm(x, initial_state=[a_prev, c_prev])  # (m, 1, n_a), (m, n_a), (m, n_a)
    generation_model = keras.Model([x, a_prev, c_prev], [densor(step), a_next, c_next], name="dinos_lstm_step")
    return training_model, generation_model


def keras_batches(names, char_to_ix):
    """Inputs (m, T, n_x) float32, targets (m, T) and sample weights (m, T) for Keras, from encode_names."""
    x, targets, mask = encode_names(names, char_to_ix)
    return x.transpose(1, 2, 0).astype("float32"), targets, mask.astype("float32")


def sample_lstm(generation_model, ix_to_char, n_names, rng, temperature=1.0, max_length=50):
    """Sample `n_names` names at once from the generation model; each starts from a zero input and zero state."""
    if not temperature > 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    rng = np.random.default_rng(rng)
    vocab_size, n_a = generation_model.inputs[0].shape[-1], generation_model.inputs[1].shape[-1]
    x = np.zeros((n_names, 1, vocab_size), "float32")  # (m, 1, n_x)
    a, c = np.zeros((n_names, n_a), "float32"), np.zeros((n_names, n_a), "float32")  # (m, n_a)
    drawn = np.zeros((n_names, max_length), dtype=int)  # (m, max_length), 0 = "\n"
    finished = np.zeros(n_names, dtype=bool)
    for t in range(max_length):
        probabilities, a, c = (np.asarray(out) for out in generation_model([x, a, c], training=False))
        logits = np.log(probabilities[:, 0, :].astype(np.float64) + 1e-12) / temperature  # (m, n_x)
        idx = np.where(finished, 0, draw_indices(softmax(logits, axis=1), rng))  # (m,)
        drawn[:, t], finished = idx, finished | (idx == 0)
        if finished.all():
            break
        x = np.eye(vocab_size, dtype="float32")[idx][:, None, :]  # (m, 1, n_x)
    return [indices_to_name([i for i in row if i], ix_to_char) for row in drawn]
