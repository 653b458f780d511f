"""A character-level language model of dinosaur names: a basic RNN in numpy (clip, sample, optimize, model) and its Keras LSTM twin.

Taught in notebooks/w1a2_dinosaur_island.ipynb (course 5, week 1, assignment 2).

Generated from notebooks/w1a2_dinosaur_island.ipynb by `make export`:
edit the notebook's `exercise` and `export` cells, not this file.
"""

import numpy as np
from tqdm.auto import tqdm

from utils.checks import (
    check_array,
    check_choice,
    check_keys,
    check_number,
    check_seed,
    check_shape,
    check_string,
    check_strings,
    describe,
)
from utils.paths import data_path
from utils.rnn_numpy import check_parameters, rnn_backward, rnn_cell_forward, rnn_forward, softmax

VOCABULARY = "\nabcdefghijklmnopqrstuvwxyz"  # index 0 ends a name, a = 1 ... z = 26


def load_names(name="dinos.txt"):
    """The names in data/`name`, one a line, lowercase."""
    return data_path(check_string(name, "name")).read_text().split()


def vocabulary_maps(vocabulary=VOCABULARY):
    """(char_to_ix, ix_to_char): the course's two dictionaries between characters and indices."""
    check_string(vocabulary, "vocabulary")
    if "\n" not in vocabulary or len(set(vocabulary)) != len(vocabulary):
        raise ValueError(f"vocabulary must hold \"\\n\" and no character twice, got {vocabulary!r}")
    return {ch: i for i, ch in enumerate(vocabulary)}, dict(enumerate(vocabulary))


def check_vocabulary(char_to_ix, name="char_to_ix"):
    """The size of `char_to_ix`, a dict from single characters (with "\\n") to the indices 0 .. size - 1."""
    check_keys(char_to_ix, ["\n"], name)
    if sorted(char_to_ix.values()) != list(range(len(char_to_ix))):
        raise ValueError(f"{name} must map its characters to the indices 0 to {len(char_to_ix) - 1}, each once")
    return len(char_to_ix)


def split_names(names, validation_fraction=0.1, seed=0):
    """(training, validation): a fixed, seeded random split of `names`; the validation share is rounded."""
    names = check_strings(names, "names")
    if not check_number(validation_fraction, "validation_fraction", low=0, high=1, low_open=True) < 1:
        raise ValueError(f"validation_fraction must be below 1, got {validation_fraction}")
    order = np.random.default_rng(check_number(seed, "seed", low=0, integer=True)).permutation(len(names))
    n_validation = round(len(names) * validation_fraction)
    return [names[i] for i in sorted(order[n_validation:])], [names[i] for i in sorted(order[:n_validation])]


def training_example(name, char_to_ix):
    """The course's pair for one name: X = [None] + indices of its characters, Y = X[1:] + [index of "\\n"]."""
    check_string(name, "name")
    check_vocabulary(char_to_ix)
    unknown = set(name) - set(char_to_ix)
    if unknown:
        raise ValueError(f"name {name!r} has characters outside the vocabulary: {sorted(unknown)}")
    indices = [char_to_ix[ch] for ch in name]
    return [None] + indices, indices + [char_to_ix["\n"]]


def check_indices(indices, name, vocab_size, none_first=False, allow_empty=False):
    """`indices` as a list of whole numbers in 0 .. vocab_size - 1 (with None first when `none_first`)."""
    if not isinstance(indices, list | tuple) or not (indices or allow_empty):
        raise TypeError(f"{name} must be a non-empty list of character indices, got {describe(indices)}")
    if none_first and indices[0] is not None:
        raise ValueError(f"{name}[0] must be None (the zero input before the first character), got {indices[0]!r}")
    body = indices[1:] if none_first else indices
    wrong = [k for k in body if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 0 <= k < vocab_size]
    if wrong:
        raise ValueError(f"{name} must hold indices 0 to {vocab_size - 1}{' after its None' if none_first else ''}, "
                         f"got {wrong[:5]}")
    return list(indices)


def one_hot_batch(index_lists, vocab_size):
    """One-hot inputs (vocab_size, m, T) from m index lists, T the longest; None and padding stay zero vectors."""
    vocab_size = check_number(vocab_size, "vocab_size", low=1, integer=True)
    if not isinstance(index_lists, list | tuple) or not index_lists:
        raise TypeError(f"index_lists must be a non-empty list of index lists, got {describe(index_lists)}")
    for i, indices in enumerate(index_lists):
        if not isinstance(indices, list | tuple):
            raise TypeError(f"index_lists[{i}] must be a list of indices, got {describe(indices)}")
        check_indices([k for k in indices if k is not None] or [0], f"index_lists[{i}]", vocab_size)
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
    pairs = [training_example(name, char_to_ix) for name in check_strings(names, "names")]
    x = one_hot_batch([X for X, _ in pairs], len(char_to_ix))  # (n_x, m, T)
    targets = np.zeros(x.shape[1:], dtype=int)  # (m, T); padding points at index 0 but is masked
    mask = np.zeros(x.shape[1:], dtype=bool)  # (m, T)
    for i, (_, Y) in enumerate(pairs):
        targets[i, : len(Y)], mask[i, : len(Y)] = Y, True
    return x, targets, mask


def initialize_parameters(n_a, n_x, n_y, rng=None):
    """The course's start for this model: weights 0.01 * N(0, 1), biases zero. `rng` is a seed or a numpy Generator."""
    n_a, n_x, n_y = (check_number(n, name, low=1, integer=True) for n, name in ((n_a, "n_a"), (n_x, "n_x"), (n_y, "n_y")))
    rng = np.random.default_rng(check_seed(rng, "rng", allow_none=True))
    return {
        "Wax": rng.standard_normal((n_a, n_x)) * 0.01,  # (n_a, n_x)
        "Waa": rng.standard_normal((n_a, n_a)) * 0.01,  # (n_a, n_a)
        "Wya": rng.standard_normal((n_y, n_a)) * 0.01,  # (n_y, n_a)
        "ba": np.zeros((n_a, 1)),
        "by": np.zeros((n_y, 1)),
    }



def check_language_model(parameters, char_to_ix):
    """(parameters, n_a): RNN parameters checked, with input and output sizes equal to the vocabulary's."""
    parameters, n_x, n_a, n_y = check_parameters(parameters, "rnn")
    vocab_size = check_vocabulary(char_to_ix)
    if not n_x == n_y == vocab_size:
        raise ValueError(f"parameters read {n_x} and predict {n_y} characters, but char_to_ix has {vocab_size}")
    return parameters, n_a


def log_likelihoods(y_hat, targets):
    """log y_hat[target] at every step: y_hat (n_y, m, T), targets (m, T) of indices -> (m, T)."""
    y_hat = check_array(y_hat, "y_hat", ndim=3)
    targets = check_array(targets, "targets", shape=y_hat.shape[1:])
    if np.any((targets < 0) | (targets >= y_hat.shape[0]) | (targets != np.round(targets))):
        raise ValueError(f"targets must hold indices 0 to {y_hat.shape[0] - 1}")
    return np.log(np.take_along_axis(y_hat, targets.astype(int)[None], axis=0)[0])


def loss_per_character(names, parameters, char_to_ix):
    """Mean cross-entropy (nats) per predicted character over `names`, each read from a zero state.

    All names run at once as one padded batch through rnn_forward; padding is masked out. The "\\n" that
    ends each name counts as a character to predict.
    """
    parameters, n_a = check_language_model(parameters, char_to_ix)
    x, targets, mask = encode_names(names, char_to_ix)  # (n_x, m, T), (m, T), (m, T)
    _, y_hat, _ = rnn_forward(x, np.zeros((n_a, x.shape[1])), parameters)  # (n_y, m, T)
    return float(-np.sum(log_likelihoods(y_hat, targets)[mask]) / mask.sum())


def clip(gradients, maxValue):
    """A copy of `gradients` (a dict of arrays) with every entry clipped to [-maxValue, maxValue].

    The course clips dWaa, dWax, dWya, db and dby; every array in the dict is clipped here, whatever the
    names (our bias gradient is dba). The input dict and its arrays are left unchanged.
    """
    check_keys(gradients, [], "gradients")
    maxValue = check_number(maxValue, "maxValue", low=0, low_open=True)
    # Hint: np.clip bounds every entry of an array; build a new dict rather than changing the caller's.
    clipped = {}
    for name in gradients:
        gradient = check_array(gradients[name], f"gradients[{name!r}]")
        clipped[name] = np.clip(gradient, -maxValue, maxValue)
    return clipped


def draw_indices(probabilities, rng):
    """One index per row of `probabilities` (m, n), drawn from that row's distribution with `rng`."""
    cumulative = np.cumsum(probabilities, axis=1)  # (m, n)
    u = rng.random((probabilities.shape[0], 1)) * cumulative[:, -1:]  # (m, 1), scaled in case a row sums to 1 - eps
    return np.minimum(np.sum(cumulative < u, axis=1), probabilities.shape[1] - 1)  # (m,)


def indices_to_name(indices, ix_to_char):
    """The name spelled by a list of indices, without the final "\\n"."""
    check_keys(ix_to_char, [], "ix_to_char")
    check_indices(indices, "indices", len(ix_to_char), allow_empty=True)
    return "".join(ix_to_char[i] for i in indices).strip("\n")


def sample(parameters, char_to_ix, seed, temperature=1.0, max_length=50):
    """Sample one name from the RNN: a list of indices that always ends with the index of "\\n".

    Starts from a zero input and a zero state and draws each character from softmax(z / temperature); stops at
    "\\n" or after `max_length` characters (then appends "\\n"). `seed` is an int or a numpy Generator.
    """
    parameters, n_a = check_language_model(parameters, char_to_ix)
    temperature = check_number(temperature, "temperature", low=0, low_open=True)
    max_length = check_number(max_length, "max_length", low=1, integer=True)
    rng = np.random.default_rng(check_seed(seed))  # a Generator passes through unchanged
    newline, vocab_size = char_to_ix["\n"], len(char_to_ix)
    cell = rnn_cell_forward.__wrapped__  # unchecked: the parameters were checked once, above
    # Hint: divide the output scores by temperature; from zero x and a, step the cell, draw_indices, feed back.
    scaled = {**parameters, "Wya": parameters["Wya"] / temperature, "by": parameters["by"] / temperature}
    x, a = np.zeros((vocab_size, 1)), np.zeros((n_a, 1))  # (n_x, 1), (n_a, 1)
    indices = []
    while len(indices) < max_length:
        a, y, _ = cell(x, a, scaled)  # (n_a, 1), (n_y, 1)
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
    checked, n_x, n_a, n_y = check_parameters(parameters, "rnn")
    if checked is not parameters:  # float64 copies of integer or float32 arrays: keep updating the caller's dict
        parameters.update(checked)
    X, Y = check_indices(X, "X", n_x, none_first=True), check_indices(Y, "Y", n_y)
    if len(X) != len(Y):
        raise ValueError(f"X and Y must have the same length, got {len(X)} and {len(Y)}")
    a_prev = check_array(a_prev, "a_prev", shape=(n_a, 1))
    learning_rate = check_number(learning_rate, "learning_rate", low=0)
    if max_value is not None:
        max_value = check_number(max_value, "max_value", low=0, low_open=True)
    # Hint: rnn_forward on one_hot_batch([X]); at the scores dz = y_hat - one_hot(Y); rnn_backward; clip; step.
    Wya = parameters["Wya"]
    x = one_hot_batch([X], n_x)  # (n_x, 1, T)
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
    for name in ("Wax", "Waa", "ba", "Wya", "by"):
        parameters[name] -= learning_rate * gradients["d" + name]
    return loss, gradients, a[:, :, len(X) - 1]


def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7, vocab_size=27, *,
          learning_rate=0.01, max_value=5.0, seed=0, print_every=2000, verbose=True, history=None,
          carry_state=True, clipped=None):
    """Train the character-level RNN on the names in `data_x` with one-name SGD steps; return its parameters.

    Prints the smoothed loss and `dino_names` sampled names every `print_every` iterations (when `verbose`), with a
    progress bar. If `history` is a list, the smoothed loss of every iteration is appended to it; if `clipped` is a
    list, whether that iteration's gradient was clipped (some entry reached `max_value`). `carry_state=False`
    starts every name from a zero state, as sampling does, instead of the course's state carried over.
    """
    data_x = check_strings(data_x, "data_x")
    if check_vocabulary(char_to_ix) != vocab_size or len(ix_to_char) != vocab_size:
        raise ValueError(f"vocab_size is {vocab_size}, but char_to_ix has {len(char_to_ix)} characters "
                         f"and ix_to_char {len(ix_to_char)}")
    examples = [training_example(name, char_to_ix) for name in data_x]  # checks every name once
    for value, name, low in ((num_iterations, "num_iterations", 0), (n_a, "n_a", 1), (dino_names, "dino_names", 0),
                             (print_every, "print_every", 1)):
        check_number(value, name, low=low, integer=True)
    for value, name in ((history, "history"), (clipped, "clipped")):
        if value is not None and not isinstance(value, list):
            raise TypeError(f"{name} must be a list (or None), got {describe(value)}")
    check_choice(carry_state, "carry_state", [False, True])
    # Hint: parameters from rng first, then rng.permutation; per iteration: optimize, carry or reset a, smooth the loss.
    rng = np.random.default_rng(check_seed(seed))
    parameters = initialize_parameters(n_a, vocab_size, vocab_size, rng)
    examples = [examples[i] for i in rng.permutation(len(examples))]
    smoothed = np.log(vocab_size) * np.mean([len(Y) for _, Y in examples])  # uniform guessing
    a_prev = np.zeros((n_a, 1))
    for j in tqdm(range(num_iterations), desc="training", unit="it", mininterval=2, disable=not verbose):
        X, Y = examples[j % len(examples)]
        loss, gradients, a_last = optimize(X, Y, a_prev, parameters, learning_rate, max_value)
        a_prev = a_last if carry_state else np.zeros((n_a, 1))
        smoothed = 0.999 * smoothed + 0.001 * loss
        if history is not None:
            history.append(smoothed)
        if clipped is not None:
            clipped.append(max_value is not None and max(np.abs(g).max() for g in gradients.values()) >= max_value)
        if verbose and (j % print_every == 0 or j == num_iterations - 1):
            samples = [indices_to_name(sample(parameters, char_to_ix, rng), ix_to_char) for _ in range(dino_names)]
            tqdm.write(f"iteration {j:6d}  smoothed loss {smoothed:5.2f}  " + ", ".join(samples))
    return parameters


def save_rnn(parameters, path):
    """Save numpy RNN parameters to an .npz file."""
    np.savez(path, **check_parameters(parameters, "rnn")[0])


def load_rnn(path):
    """Parameters saved by save_rnn, checked: the five arrays, consistent shapes, finite values."""
    from pathlib import Path

    if not isinstance(path, str | Path):
        raise TypeError(f"path must be a file path, got {describe(path)}")
    if not Path(path).is_file():
        raise FileNotFoundError(f"no RNN parameters at {path}: save_rnn writes them (pretrained/README.md)")
    with np.load(path) as saved:
        parameters = {name: saved[name] for name in saved.files}
    try:
        return check_parameters(parameters, "rnn")[0]
    except (TypeError, ValueError) as error:
        raise ValueError(f"{path} does not hold usable RNN parameters: {error}") from None


def ngrams(name, char_to_ix, order):
    """The (order - 1 context characters, next character) index tuples of one name, its start padded with "\\n"."""
    _, Y = training_example(name, char_to_ix)
    padded = [char_to_ix["\n"]] * (order - 1) + Y
    return [tuple(padded[t : t + order]) for t in range(len(Y))]


def ngram_counts(names, char_to_ix, order=3):
    """Counts, an array of `order` axes of the vocabulary's size, of each character after each context in `names`."""
    vocab_size, order = check_vocabulary(char_to_ix), check_number(order, "order", low=1, integer=True)
    counts = np.zeros((vocab_size,) * order)
    for name in check_strings(names, "names"):
        for gram in ngrams(name, char_to_ix, order):
            counts[gram] += 1
    return counts


def ngram_loss_per_character(counts, names, char_to_ix, k=1.0):
    """Mean cross-entropy (nats) per predicted character of the add-k smoothed n-gram model with `counts`."""
    vocab_size = check_vocabulary(char_to_ix)
    counts = check_array(counts, "counts")
    check_shape(counts, (vocab_size,) * max(counts.ndim, 1), "counts")
    k = check_number(k, "k", low=0, low_open=True)
    probabilities = (counts + k) / (counts.sum(axis=-1, keepdims=True) + vocab_size * k)
    grams = [gram for name in check_strings(names, "names") for gram in ngrams(name, char_to_ix, counts.ndim)]
    return float(-np.mean(np.log([probabilities[gram] for gram in grams])))


def lstm_models(n_a, vocab_size=27):
    """(training_model, generation_model) of the Keras LSTM language model, sharing one LSTM and one Dense layer.

    training_model: (m, T, vocab_size) one-hot names -> (m, T, vocab_size) next-character distributions.
    generation_model: [x (m, 1, vocab_size), a (m, n_a), c (m, n_a)] -> [distribution (m, 1, vocab_size), a, c].
    """
    from utils.setup import import_keras

    n_a, vocab_size = (check_number(n, name, low=1, integer=True) for n, name in ((n_a, "n_a"), (vocab_size, "vocab_size")))
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
    if not hasattr(generation_model, "inputs") or len(generation_model.inputs) != 3:
        raise TypeError(f"generation_model must be the second model lstm_models returns, got {describe(generation_model)}")
    check_keys(ix_to_char, [0], "ix_to_char")
    n_names = check_number(n_names, "n_names", low=1, integer=True)
    temperature = check_number(temperature, "temperature", low=0, low_open=True)
    max_length = check_number(max_length, "max_length", low=1, integer=True)
    rng = np.random.default_rng(check_seed(rng, "rng"))
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
