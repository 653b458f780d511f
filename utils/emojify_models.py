"""Emojify: a sentence's emoji from averaged GloVe vectors (V1, numpy) and from an LSTM over them (V2, Keras).

Taught in notebooks/w2a2_emojify.ipynb (course 5, week 2, assignment 2). utils/emojify.py builds the public
`predict` on top of this module.

Generated from notebooks/w2a2_emojify.ipynb by `make export`:
edit the notebook's `exercise` and `export` cells, not this file.
"""

import os

import keras
import numpy as np
from keras import layers

from utils.checks import (
    check_array,
    check_labels,
    check_number,
    check_same_length,
    check_string,
    check_strings,
    describe,
)
from utils.rnn_numpy import softmax  # written in W1A1; here over the last axis of (m, 5) scores

N_CLASSES = 5


def index_from_one(word_to_index):
    """The same words numbered from 1, leaving index 0 free for padding (the course's convention)."""
    check_word_map(word_to_index, "word_to_index")
    return {word: index + 1 for word, index in word_to_index.items()}


def check_word_map(mapping, name):
    """TypeError unless `mapping` is a non-empty dict keyed by words (a word index or a word-to-vector map)."""
    if not isinstance(mapping, dict) or not mapping:
        raise TypeError(f"{name} must be a non-empty dict keyed by words, got {describe(mapping)}")


def vector_size(word_to_vec_map):
    """The dimension of the vectors of `word_to_vec_map` (a dict word -> 1-D vector), or a clear error."""
    check_word_map(word_to_vec_map, "word_to_vec_map")
    first = check_array(next(iter(word_to_vec_map.values())), "each vector of word_to_vec_map", ndim=1)
    return first.shape[0]


def sentence_to_avg(sentence, word_to_vec_map):
    """Mean GloVe vector of the words of `sentence` (lower-cased, split on spaces); unknown words are skipped.

    Returns a (dim,) float array: zeros when no word is known.
    """
    check_string(sentence, "sentence", allow_empty=True)
    dim = vector_size(word_to_vec_map)
    # Hint: lower-case, split on spaces, average the vectors of the words the map knows; np.zeros(dim) if none.
    vectors = [word_to_vec_map[word] for word in sentence.lower().split() if word in word_to_vec_map]
    if not vectors:
        return np.zeros(dim)
    return np.mean(vectors, axis=0).astype(np.float64)  # (dim,)


def model(X, Y, word_to_vec_map, learning_rate=0.01, num_iterations=400):
    """Train V1 (softmax regression on averaged word vectors) with SGD, one sentence per step.

    Arguments: X (m,) sentences; Y (m,) labels in 0..4; word_to_vec_map; the step size; the number of passes over
    the data. Sentences are visited in a new random order each pass (seeded, so the run repeats).
    Returns pred (m,) the predicted labels of X after training, W (5, dim) and b (5,).
    """
    X, Y = check_strings(X, "X"), check_labels(Y, "Y", N_CLASSES)  # a label -1 or 5 is an error, not a class
    check_same_length(X=X, Y=Y)
    learning_rate = check_number(learning_rate, "learning_rate", low=0, low_open=True)
    num_iterations = check_number(num_iterations, "num_iterations", low=1, integer=True)
    rng = np.random.default_rng(1)
    averages = np.stack([sentence_to_avg(sentence, word_to_vec_map) for sentence in X])  # (m, dim)
    m, dim = averages.shape
    W = rng.standard_normal((N_CLASSES, dim)) / np.sqrt(dim)  # (5, dim)
    b = np.zeros(N_CLASSES)  # (5,)
    Y_oh = np.eye(N_CLASSES)[Y]  # (m, 5)
    for iteration in range(num_iterations):
        for i in rng.permutation(m):
            # Hint: a = softmax of W avg_i + b, dz = a - y_i (one-hot), then step W and b against their gradients.
            a = softmax(W @ averages[i] + b)  # (5,)
            dz = a - Y_oh[i]  # (5,)
            W -= learning_rate * np.outer(dz, averages[i])  # (5, dim)
            b -= learning_rate * dz
        if iteration % 100 == 0 or iteration == num_iterations - 1:
            cost = -np.mean(np.sum(Y_oh * np.log(softmax(averages @ W.T + b, axis=-1)), axis=1))
            print(f"pass {iteration:3d}: mean cross-entropy {cost:.4f}")
    pred = np.argmax(averages @ W.T + b, axis=1)  # (m,)
    return pred, W, b


def predict_v1(X, W, b, word_to_vec_map):
    """Labels (m,) that the V1 parameters W (5, dim), b (5,) give to the sentences X."""
    X, dim = check_strings(X, "X"), vector_size(word_to_vec_map)
    W, b = check_array(W, "W", shape=(N_CLASSES, dim)), check_array(b, "b", shape=(N_CLASSES,))
    averages = np.stack([sentence_to_avg(sentence, word_to_vec_map) for sentence in X])  # (m, dim)
    return np.argmax(averages @ W.T + b, axis=1)


def confusion_matrix(y_true, y_pred, n_classes=N_CLASSES):
    """(n_classes, n_classes) counts: row = true label, column = predicted label.

    y_true and y_pred must have the same length and hold labels 0 .. n_classes-1 (no broadcasting, no wrapping).
    """
    n_classes = check_number(n_classes, "n_classes", low=1, integer=True)
    y_true, y_pred = check_labels(y_true, "y_true", n_classes), check_labels(y_pred, "y_pred", n_classes)
    check_same_length(y_true=y_true, y_pred=y_pred)
    matrix = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(matrix, (y_true, y_pred), 1)
    return matrix


def confusion_table(y_true, y_pred, class_names):
    """The confusion matrix as text: a row per true class, a column per predicted class, then the row's total."""
    names = [str(name) for name in class_names]
    matrix = confusion_matrix(y_true, y_pred, len(names))
    corner = "true \\ predicted"
    first, width = max(len(corner), *map(len, names)) + 2, max(map(len, names)) + 2  # column widths
    lines = [corner.ljust(first) + "".join(f"{name:>{width}}" for name in names) + "   total"]
    for name, row in zip(names, matrix):
        lines.append(name.ljust(first) + "".join(f"{count:>{width}}" for count in row) + f"{row.sum():>8}")
    return "\n".join(lines)


def per_class_scores(y_true, y_pred, n_classes=N_CLASSES):
    """Precision, recall and F1 of each class, as three (n_classes,) arrays (0 where a class is never predicted)."""
    matrix = confusion_matrix(y_true, y_pred, n_classes)
    hits = np.diag(matrix).astype(float)
    precision = np.divide(hits, matrix.sum(axis=0), out=np.zeros(n_classes), where=matrix.sum(axis=0) > 0)
    recall = np.divide(hits, matrix.sum(axis=1), out=np.zeros(n_classes), where=matrix.sum(axis=1) > 0)
    total = precision + recall
    f1 = np.divide(2 * precision * recall, total, out=np.zeros(n_classes), where=total > 0)
    return precision, recall, f1


def sentences_to_indices(X, word_to_index, max_len):
    """(m, max_len) int32 array: row i holds the indices of the known words of X[i], left-aligned, then zeros.

    Words are lower-cased and split on spaces; unknown words are skipped; a sentence with more than max_len known
    words is truncated to its first max_len. X is a list (or 1-D array) of sentences: a single string is refused.
    """
    X = check_strings(X, "X", allow_empty_list=True)
    check_word_map(word_to_index, "word_to_index")
    max_len = check_number(max_len, "max_len", low=1, integer=True)
    # Hint: a zero (m, max_len) int array; row i takes the indices of X[i]'s known lower-cased words, at most max_len.
    X_indices = np.zeros((len(X), max_len), dtype=np.int32)  # (m, max_len)
    for i, sentence in enumerate(X):
        indices = [word_to_index[word] for word in sentence.lower().split() if word in word_to_index][:max_len]
        bad = [index for index in indices if not isinstance(index, int | np.integer) or index < 1]
        if bad:
            raise ValueError(f"word_to_index gives a word of {sentence!r} the index {bad[0]!r}, but indices are "
                             "whole numbers from 1 (0 is the padding index): number the words with index_from_one")
        X_indices[i, :len(indices)] = indices
    return X_indices


def pretrained_embedding_layer(word_to_vec_map, word_to_index):
    """A frozen keras Embedding whose row word_to_index[w] is the GloVe vector of w and whose row 0 is zero.

    It masks index 0, so the layers after it skip the padding steps. word_to_index must number its n words
    1 to n, each once (index_from_one turns GloVe's 0-based index into that).
    """
    emb_dim = vector_size(word_to_vec_map)
    check_word_map(word_to_index, "word_to_index")
    indices = np.array(list(word_to_index.values()))
    vocab_size = len(word_to_index) + 1  # + 1 for the padding row 0
    if indices.dtype.kind not in "iu" or indices.min() < 1 or len(np.unique(indices)) < len(indices) \
            or indices.max() >= vocab_size:
        raise ValueError(f"word_to_index must number its {len(indices)} words 1 to {len(indices)}, each once (0 is "
                         f"the padding row); got {describe(indices.min())} to {describe(indices.max())}: "
                         "shift a 0-based index with index_from_one")
    missing = [word for word in word_to_index if word not in word_to_vec_map]
    if missing:
        raise ValueError(f"word_to_vec_map has no vector for {len(missing)} word(s) of word_to_index: {missing[:5]}")
    # Hint: row word_to_index[w] of a zero (vocab_size, emb_dim) matrix is w's vector; a frozen, masking Embedding holds it.
    emb_matrix = np.zeros((vocab_size, emb_dim), dtype=np.float32)  # (vocab_size, emb_dim)
    for word, index in word_to_index.items():
        emb_matrix[index] = word_to_vec_map[word]
    embedding_layer = layers.Embedding(vocab_size, emb_dim, trainable=False, mask_zero=True, name="glove_embedding")
    embedding_layer.build((None,))
    embedding_layer.set_weights([emb_matrix])
    return embedding_layer


def Emojify_V2(input_shape, word_to_vec_map, word_to_index):
    """The course's V2: frozen GloVe embedding -> LSTM(128) sequences -> dropout -> LSTM(128) -> dropout -> softmax.

    Returns a keras Model mapping (m, max_len) word indices to (m, 5) class probabilities.
    """
    if not isinstance(input_shape, tuple) or len(input_shape) != 1:
        raise TypeError(f"input_shape must be a 1-tuple (max_len,), got {describe(input_shape)}")
    check_number(input_shape[0], "input_shape[0] (max_len)", low=1, integer=True)
    # Hint: keras.Input of int32 indices, then the chain drawn at the start of section 4, each layer on the last output.
    sentence_indices = keras.Input(shape=input_shape, dtype="int32", name="word_indices")
    embeddings = pretrained_embedding_layer(word_to_vec_map, word_to_index)(sentence_indices)  # (m, T_x, 50)
    X = layers.LSTM(128, return_sequences=True)(embeddings)  # (m, T_x, 128)
    X = layers.Dropout(0.5)(X)
    X = layers.LSTM(128)(X)  # (m, 128): the state after the last step
    X = layers.Dropout(0.5)(X)
    X = layers.Dense(N_CLASSES)(X)  # (m, 5)
    X = layers.Activation("softmax")(X)
    return keras.Model(inputs=sentence_indices, outputs=X, name="Emojify_V2")


def trainable_head(model):
    """A model made of `model`'s layers after its embedding (shared, not copied): word vectors -> probabilities."""
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras Model built by Emojify_V2, got {describe(model)}")
    names = [layer.name for layer in model.layers]
    if "glove_embedding" not in names:
        raise ValueError(f"{model.name} has no layer named 'glove_embedding'; build it with Emojify_V2")
    embedding = model.get_layer("glove_embedding")
    vectors = keras.Input(shape=(None, embedding.output_dim), name="word_vectors")
    x = vectors
    for layer in model.layers[names.index("glove_embedding") + 1:]:
        x = layer(x)
    return keras.Model(vectors, x, name="head")


def save_head_weights(model, path):
    """Write the weights of `model`'s layers after the embedding to `path` (a .weights.h5 file)."""
    if not str(path).endswith(".weights.h5"):
        raise ValueError(f"path must end in .weights.h5 (Keras's weights format), got {describe(str(path))}")
    trainable_head(model).save_weights(str(path))


def load_head_weights(model, path):
    """Load weights written by `save_head_weights` into a freshly built Emojify_V2 `model`; return the model."""
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no weights file at {path}: pretrained/README.md gives the command that writes it")
    trainable_head(model).load_weights(str(path))
    return model


def check_v2_model(model, max_len):
    """TypeError unless `model` is a keras Model; ValueError unless it reads rows of `max_len` word indices."""
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras Model built by Emojify_V2, got {describe(model)}")
    if model.input_shape[1:] != (max_len,):
        raise ValueError(f"max_len is {max_len} but the model reads rows of shape {model.input_shape[1:]}")


def predict_v2(X, model, word_to_index, max_len):
    """Labels (m,) that the V2 `model` gives to the sentences X, read through `sentences_to_indices`."""
    X_indices = sentences_to_indices(X, word_to_index, max_len)  # (m, max_len); validates X and max_len
    check_v2_model(model, max_len)
    if not X_indices.shape[0]:
        return np.zeros(0, dtype=np.int64)
    probabilities = model(X_indices, training=False)  # (m, 5)
    return np.argmax(np.asarray(probabilities), axis=1)


def train_v2(model, X_train, Y_train, X_dev, Y_dev, word_to_index, max_len, epochs=50, batch_size=32, patience=10,
             learning_rate=0.001):
    """Fit V2 with the course's recipe (Adam, categorical cross-entropy), stopping early on the dev loss.

    Training stops once the dev loss has not improved for `patience` epochs (or after `epochs`), and the weights of
    the epoch with the lowest dev loss are put back (keras.callbacks.EarlyStopping with restore_best_weights): the
    dev set picks the epoch, never the test set. Returns the keras History; history.history holds the per-epoch
    losses and accuracies.
    """
    check_v2_model(model, max_len)
    X_train, X_dev = check_strings(X_train, "X_train"), check_strings(X_dev, "X_dev")
    Y_train, Y_dev = check_labels(Y_train, "Y_train", N_CLASSES), check_labels(Y_dev, "Y_dev", N_CLASSES)
    check_same_length(X_train=X_train, Y_train=Y_train)
    check_same_length(X_dev=X_dev, Y_dev=Y_dev)
    epochs = check_number(epochs, "epochs", low=1, integer=True)
    batch_size = check_number(batch_size, "batch_size", low=1, integer=True)
    patience = check_number(patience, "patience", low=1, integer=True)
    learning_rate = check_number(learning_rate, "learning_rate", low=0, low_open=True)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)
    return model.fit(sentences_to_indices(X_train, word_to_index, max_len), np.eye(N_CLASSES)[Y_train],  # (m, T_x)
                     validation_data=(sentences_to_indices(X_dev, word_to_index, max_len), np.eye(N_CLASSES)[Y_dev]),
                     epochs=epochs, batch_size=batch_size, shuffle=True, callbacks=[stop], verbose=0)
