"""Emojify: a sentence's emoji from averaged GloVe vectors (V1, numpy) and from an LSTM over them (V2, Keras).

Taught in notebooks/w2a2_emojify.ipynb (course 5, week 2, assignment 2). utils/emojify.py builds the public
`predict` on top of this module.

Generated from notebooks/w2a2_emojify.ipynb by `make export`:
edit the notebook's `exercise` and `export` cells, not this file.
"""

import keras
import numpy as np
from keras import layers

from utils.checks import check_shape
from utils.rnn_numpy import softmax  # written in W1A1; here over the last axis of (m, 5) scores

N_CLASSES = 5


def index_from_one(word_to_index):
    """The same words numbered from 1, leaving index 0 free for padding (the course's convention)."""
    return {word: index + 1 for word, index in word_to_index.items()}


def sentence_to_avg(sentence, word_to_vec_map):
    """Mean GloVe vector of the words of `sentence` (lower-cased, split on spaces); unknown words are skipped.

    Returns a (dim,) float array: zeros when no word is known.
    """
    dim = next(iter(word_to_vec_map.values())).shape[0]
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
    Y = np.asarray(Y)
    check_shape(Y, (len(X),), "Y")
    rng = np.random.default_rng(1)
    averages = np.stack([sentence_to_avg(sentence, word_to_vec_map) for sentence in X])  # (m, dim)
    m, dim = averages.shape
    W = rng.standard_normal((N_CLASSES, dim)) / np.sqrt(dim)  # (5, dim)
    b = np.zeros(N_CLASSES)  # (5,)
    Y_oh = np.eye(N_CLASSES)[Y]  # (m, 5)
    for iteration in range(num_iterations):
        for i in rng.permutation(m):
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
    averages = np.stack([sentence_to_avg(sentence, word_to_vec_map) for sentence in X])  # (m, dim)
    return np.argmax(averages @ W.T + b, axis=1)


def confusion_matrix(y_true, y_pred, n_classes=N_CLASSES):
    """(n_classes, n_classes) counts: row = true label, column = predicted label."""
    matrix = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(matrix, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return matrix


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
    words is truncated to its first max_len.
    """
    if max_len < 1:
        raise ValueError(f"max_len must be at least 1, got {max_len}")
    X_indices = np.zeros((len(X), max_len), dtype=np.int32)  # (m, max_len)
    for i, sentence in enumerate(X):
        indices = [word_to_index[word] for word in sentence.lower().split() if word in word_to_index][:max_len]
        X_indices[i, :len(indices)] = indices
    return X_indices


def pretrained_embedding_layer(word_to_vec_map, word_to_index):
    """A frozen keras Embedding whose row word_to_index[w] is the GloVe vector of w and whose row 0 is zero.

    It masks index 0, so the layers after it skip the padding steps.
    """
    vocab_size = len(word_to_index) + 1  # + 1 for the padding row 0
    emb_dim = next(iter(word_to_vec_map.values())).shape[0]
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
    trainable_head(model).save_weights(str(path))


def load_head_weights(model, path):
    """Load weights written by `save_head_weights` into a freshly built Emojify_V2 `model`; return the model."""
    trainable_head(model).load_weights(str(path))
    return model


def predict_v2(X, model, word_to_index, max_len):
    """Labels (m,) that the V2 `model` gives to the sentences X, read through `sentences_to_indices`."""
    probabilities = model(sentences_to_indices(X, word_to_index, max_len), training=False)  # (m, 5)
    return np.argmax(np.asarray(probabilities), axis=1)
