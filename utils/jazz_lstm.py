"""Jazz improvisation with an LSTM: the course's djmodel, music_inference_model and predict_and_sample, sampling with a temperature, baselines and the measures that compare solos with a corpus.

Taught in notebooks/w1a3_jazz_improvisation.ipynb (course 5, week 1, assignment 3). utils/music.py holds the corpus, the tokens, `improvise` and rendering.

Generated from notebooks/w1a3_jazz_improvisation.ipynb by `make export`:
edit the notebook's `exercise` and `export` cells, not this file.
"""

import json
from fractions import Fraction

import keras
import matplotlib.pyplot as plt
import numpy as np
from keras import layers

from utils import music
from utils.char_lm import draw_indices  # W1A2's sampler: one index per row of probabilities
from utils.checks import check_number
from utils.paths import PRETRAINED, pretrained_path
from utils.rnn_numpy import softmax  # W1A1's, over any axis

N_A = 64  # the course's hidden units
TX = 30  # the course's window of values
VALUES_FILE = "jazz_lstm_values.json"  # the shipped model's vocabulary, beside music.WEIGHTS


def plot_piano_roll(solo, title="", ax=None, bars=None):
    """The solo's notes as bars of pitch against time, with each bar's chord symbol written above it."""
    bars = len(solo.chords) if bars is None else min(bars, len(solo.chords))
    ax = ax or plt.subplots(figsize=(10, 3.2))[1]
    end = bars * music.BEATS_PER_BAR
    notes = [(float(o), float(d), p) for o, d, p in solo.notes() if o < end]
    for offset, duration, pitch in notes:
        kind = music.note_class(pitch, *music.chord_at(solo.chords, Fraction(offset).limit_denominator(12)))
        colour = {"C": "tab:blue", "L": "tab:green", "A": "tab:orange", "X": "tab:red"}[kind]
        ax.add_patch(plt.Rectangle((offset, pitch - 0.4), duration * 0.95, 0.8, color=colour))
    pitches = [p for _, _, p in notes] or [music.LOW, music.HIGH]
    top = max(pitches) + 2
    for bar in range(bars):
        ax.axvline(bar * music.BEATS_PER_BAR, color="grey", lw=0.6)
        ax.text(bar * music.BEATS_PER_BAR + 0.1, top, solo.chords[bar].replace("-", "b"), fontsize=9, va="bottom")
    ax.set(xlim=(0, end), ylim=(min(pitches) - 2, top + 3), xlabel="beat (quarter notes)", ylabel="MIDI pitch",
           title=title or "piano roll: chord tones blue, colour tones green, approach orange, other red")
    ax.grid(False)
    return ax


def build_vocabulary(token_lists):
    """(values, value_to_index): the sorted distinct tokens of the training solos and their indices."""
    values = sorted({value for tokens in token_lists for value in tokens})
    return values, {value: i for i, value in enumerate(values)}


def encode(token_lists, value_to_index, Tx=TX, stride=TX):
    """Training windows in the course's shapes, and the targets as indices.

    Each solo is read as inputs (a zero vector, then its tokens) and targets (its tokens), so the input at
    step t is the token before the target. Windows of Tx steps start every `stride` steps; short ones are
    padded. Returns X (m, Tx, n_values) one-hot inputs, Y (Tx, m, n_values) one-hot targets and targets
    (m, Tx) of indices, -1 where there is nothing to predict (padding, or a token outside the vocabulary).
    """
    n_values = len(value_to_index)
    inputs, targets = [], []
    for tokens in token_lists:
        ids = [value_to_index.get(value, -1) for value in tokens]
        previous = [-1, *ids[:-1]]  # -1 becomes a zero input vector
        for start in range(0, len(ids), stride):
            window = slice(start, start + Tx)
            pad = Tx - len(ids[window])
            inputs.append(previous[window] + [-1] * pad)
            targets.append(ids[window] + [-1] * pad)
            if start + Tx >= len(ids):
                break
    inputs, targets = np.array(inputs), np.array(targets)  # (m, Tx)
    eye = np.vstack([np.eye(n_values, dtype="float32"), np.zeros((1, n_values), "float32")])  # row -1: zeros
    X = eye[inputs]  # (m, Tx, n_values)
    Y = eye[targets].transpose(1, 0, 2)  # (Tx, m, n_values)
    return X, Y, targets


def shared_layers(n_values, n_a=N_A):
    """The course's three shared layers: reshaper (to one time step), LSTM_cell (returns its states), densor."""
    reshaper = layers.Reshape((1, n_values), name="reshaper")  # (m, n_values) -> (m, 1, n_values)
    LSTM_cell = layers.LSTM(n_a, return_state=True, name="LSTM_cell")
    densor = layers.Dense(n_values, activation="softmax", name="densor")
    return reshaper, LSTM_cell, densor


def djmodel(Tx, LSTM_cell, densor, reshaper):
    """The training model, unrolled over Tx steps with teacher forcing: the true token t feeds step t + 1.

    Inputs [X (m, Tx, n_values), a0 (m, n_a), c0 (m, n_a)]; outputs a list of Tx arrays (m, n_values), the
    distribution of the next token at each step. The three layers are shared by every step.
    """
    n_values = densor.units
    n_a = LSTM_cell.units
    X = keras.Input(shape=(Tx, n_values), name="X")
    a0 = keras.Input(shape=(n_a,), name="a0")
    c0 = keras.Input(shape=(n_a,), name="c0")
    # Hint: per step t: X[:, t, :] through reshaper, one LSTM_cell step from [a, c], densor(a); then keras.Model.
    a, c = a0, c0
    outputs = []
    for t in range(Tx):
        x = X[:, t, :]  # (m, n_values): the token that came before step t's target
        x = reshaper(x)  # (m, 1, n_values)
        _, a, c = LSTM_cell(x, initial_state=[a, c])  # (m, n_a), (m, n_a)
        out = densor(a)  # (m, n_values)
        outputs.append(out)
    return keras.Model(inputs=[X, a0, c0], outputs=outputs, name="djmodel")


def music_inference_model(LSTM_cell, densor, Ty=100):
    """The generation model: Ty steps, each step's most likely token fed back, one-hot, as the next input.

    Inputs [x0 (m, 1, n_values), a0 (m, n_a), c0 (m, n_a)]; outputs a list of Ty arrays (m, n_values).
    """
    n_values = densor.units
    n_a = LSTM_cell.units
    x0 = keras.Input(shape=(1, n_values), name="x0")
    a0 = keras.Input(shape=(n_a,), name="a0")
    c0 = keras.Input(shape=(n_a,), name="c0")
    # Hint: as djmodel, but the next input is this step's argmax, one-hot (keras.ops), made (m, 1, n_values).
    x, a, c = x0, a0, c0
    outputs = []
    for t in range(Ty):
        _, a, c = LSTM_cell(x, initial_state=[a, c])  # (m, n_a)
        out = densor(a)  # (m, n_values)
        outputs.append(out)
        choice = keras.ops.one_hot(keras.ops.argmax(out, axis=-1), n_values)  # (m, n_values)
        x = layers.RepeatVector(1)(choice)  # (m, 1, n_values): the choice is the next input
    return keras.Model(inputs=[x0, a0, c0], outputs=outputs, name="music_inference_model")


def predict_and_sample(inference_model, x_initializer, a_initializer, c_initializer):
    """Run the inference model; return (results, indices): the chosen tokens one-hot and as indices.

    For one sequence (m = 1), the course's shapes: results (Ty, n_values), indices (Ty, 1). For m sequences,
    results (Ty, m, n_values) and indices (Ty, m).
    """
    n_values = x_initializer.shape[-1]
    # Hint: predict gives Ty arrays (m, n_values); argmax over the values gives indices; results are one-hots.
    pred = inference_model.predict([x_initializer, a_initializer, c_initializer], verbose=0)  # Ty x (m, n_values)
    indices = np.argmax(pred, axis=-1)  # (Ty, m): numpy stacks the Ty arrays first
    results = np.eye(n_values, dtype="float32")[indices]  # (Ty, m, n_values)
    if x_initializer.shape[0] == 1:
        results = results[:, 0, :]  # (Ty, n_values)
    return results, indices


def sequence_model(LSTM_cell, densor):
    """The same LSTM cell and densor run over whole sequences: X (m, T, n_values) -> (m, T, n_values).

    `layers.RNN` wraps the very cell object inside LSTM_cell, so the two models share their weights: training
    this one trains djmodel's layers. It is one loop instead of Tx copies of the graph, and so faster to train,
    and it reads a solo of any length.
    """
    n_values = densor.units
    X = keras.Input(shape=(None, n_values), name="X")
    sequence = layers.RNN(LSTM_cell.cell, return_sequences=True, name="LSTM_over_time")(X)  # (m, T, n_a)
    return keras.Model(X, densor(sequence), name="djmodel_sequence")


def encode_solos(token_lists, value_to_index):
    """Whole solos, padded to the longest: inputs (m, T, n_values) one-hot, targets (m, T), -1 past the end."""
    longest = max(len(tokens) for tokens in token_lists)
    inputs = np.full((len(token_lists), longest), -1)
    targets = np.full((len(token_lists), longest), -1)
    for row, tokens in enumerate(token_lists):
        ids = [value_to_index.get(value, -1) for value in tokens]
        targets[row, :len(ids)] = ids
        inputs[row, 1:len(ids)] = ids[:-1]  # step 0 reads a zero vector
    eye = np.vstack([np.eye(len(value_to_index), dtype="float32"), np.zeros((1, len(value_to_index)), "float32")])
    return eye[inputs], targets


def train_sequences(model, X, targets, epochs, batch_size=16, learning_rate=0.01, decay=0.01, X_dev=None,
                    targets_dev=None):
    """Fit the sequence model on whole solos (padding masked out) with Adam and the course's decay schedule."""
    schedule = keras.optimizers.schedules.InverseTimeDecay(learning_rate, decay_steps=1, decay_rate=decay)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule),
                  loss="sparse_categorical_crossentropy")

    def data(X, targets):
        return X, np.maximum(targets, 0), (targets >= 0).astype("float32")

    validation = None if X_dev is None else data(X_dev, targets_dev)
    inputs, labels, weights = data(X, targets)
    return model.fit(inputs, labels, sample_weight=weights, epochs=epochs, batch_size=batch_size, validation_data=validation,
                     shuffle=True, verbose=0)


def train(model, X, Y, epochs, batch_size=64, learning_rate=0.01, decay=0.01, X_dev=None, Y_dev=None):
    """Fit the unrolled model with Adam (the course's 0.01) and its learning-rate decay as a schedule.

    The schedule is the course's `decay`: learning_rate / (1 + decay * step). One accuracy metric per output.
    """
    schedule = keras.optimizers.schedules.InverseTimeDecay(learning_rate, decay_steps=1, decay_rate=decay)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule, beta_1=0.9, beta_2=0.999),
                  loss="categorical_crossentropy", metrics=["accuracy"] * len(model.outputs))
    n_a = model.inputs[1].shape[-1]

    def zeros(m):
        return np.zeros((m, n_a), "float32")

    validation = None if X_dev is None else ([X_dev, zeros(len(X_dev)), zeros(len(X_dev))], list(Y_dev))
    return model.fit([X, zeros(len(X)), zeros(len(X))], list(Y), epochs=epochs, batch_size=batch_size,
                     validation_data=validation, verbose=0)


def train_shipped(n_values, X, targets, epochs, X_dev=None, targets_dev=None, seed=0):
    """The recipe of the shipped weights: fresh layers seeded with `seed`, `sequence_model` trained on whole
    solos for `epochs` epochs. Returns (djmodel over the trained layers, the Keras History)."""
    keras.utils.set_random_seed(seed)
    reshaper, LSTM_cell, densor = shared_layers(n_values)
    unrolled = djmodel(TX, LSTM_cell, densor, reshaper)
    history = train_sequences(sequence_model(LSTM_cell, densor), X, targets, epochs, X_dev=X_dev,
                              targets_dev=targets_dev)
    return unrolled, history


def save_pretrained(model, values, folder=PRETRAINED):
    """Write the trained model's weights (music.WEIGHTS) and its vocabulary (VALUES_FILE) to `folder`."""
    model.save_weights(folder / music.WEIGHTS)
    (folder / VALUES_FILE).write_text(json.dumps(values, indent=0) + "\n")


def load_pretrained():
    """(LSTM_cell, densor, values) of the shipped model, rebuilt from code and loaded from pretrained/."""
    values = json.loads(pretrained_path(VALUES_FILE).read_text())
    reshaper, LSTM_cell, densor = shared_layers(len(values))
    djmodel(TX, LSTM_cell, densor, reshaper).load_weights(pretrained_path(music.WEIGHTS))
    return LSTM_cell, densor, values


def improvise_solo(trained, chords, temperature=1.0, seed=0):
    """A music.Solo over `chords` (one symbol a bar) sampled from `trained` = (LSTM_cell, densor, values)."""
    LSTM_cell, densor, values = trained
    beats = music.BEATS_PER_BAR * len(chords)
    [indices] = sample_tokens(step_model(LSTM_cell, densor), values, [beats], temperature=temperature, seed=seed)
    return music.detokenise([values[i] for i in indices], chords, seed=seed)


def lstm_probabilities(model, X, batch_size=256):
    """The unrolled model's next-token distributions for windows X, as (m, Tx, n_values)."""
    n_a = model.inputs[1].shape[-1]
    zeros = np.zeros((len(X), n_a), "float32")
    outputs = model.predict([X, zeros, zeros], batch_size=batch_size, verbose=0)  # Tx x (m, n_values)
    return np.stack(outputs, axis=1)


def sequence_probabilities(LSTM_cell, densor, X):
    """Next-token distributions (m, T, n_values) of whole sequences X (m, T, n_values), one direct call."""
    return np.asarray(sequence_model(LSTM_cell, densor)(X, training=False))


def step_model(LSTM_cell, densor):
    """One step of the trained layers as its own model: [x (m, 1, n_values), a, c] -> [probabilities, a, c].

    Sampling calls it once a step and draws in numpy, so the temperature can change without rebuilding.
    """
    n_values, n_a = densor.units, LSTM_cell.units
    x = keras.Input(shape=(1, n_values), name="x")
    a_prev, c_prev = keras.Input(shape=(n_a,), name="a_prev"), keras.Input(shape=(n_a,), name="c_prev")
    _, a, c = LSTM_cell(x, initial_state=[a_prev, c_prev])  # (m, n_a)
    return keras.Model([x, a_prev, c_prev], [densor(a), a, c], name="music_step")


def token_lengths(values):
    """The duration, in quarter notes, of each token of the vocabulary `values` (n_values,)."""
    return np.array([float(music.parse_value(value)[1]) for value in values])


def sample_tokens(step, values, beats, temperature=1.0, seed=0):
    """Token indices, one list per entry of `beats`, drawn from softmax(log p / temperature) step by step.

    Every sequence starts from a zero input and zero state (as in training) and stops once its tokens last
    `beats[i]` quarter notes. All sequences are drawn together, one batch.
    """
    temperature = check_number(temperature, "temperature", low=0, low_open=True)
    rng = np.random.default_rng(seed)
    beats = np.asarray(beats, dtype=float)  # (m,)
    m, n_values, n_a = len(beats), len(values), step.inputs[1].shape[-1]
    lengths = token_lengths(values)  # (n_values,)
    x = np.zeros((m, 1, n_values), "float32")
    a, c = np.zeros((m, n_a), "float32"), np.zeros((m, n_a), "float32")
    drawn, elapsed = [[] for _ in range(m)], np.zeros(m)
    while (elapsed < beats).any():
        probabilities, a, c = (np.asarray(out) for out in step([x, a, c], training=False))
        logits = np.log(probabilities.astype(np.float64) + 1e-12) / temperature  # (m, n_values)
        idx = draw_indices(softmax(logits, axis=1), rng)  # (m,)
        for i in np.flatnonzero(elapsed < beats):
            drawn[i].append(int(idx[i]))
        elapsed += lengths[idx]
        x = np.eye(n_values, dtype="float32")[idx][:, None, :]  # (m, 1, n_values)
    return drawn


def solos_from_indices(index_lists, chord_lists, values, seed=0):
    """Solos decoded from token indices over their chords (music.detokenise, one seed per solo)."""
    return [music.detokenise([values[i] for i in indices], chords, seed=seed + k)
            for k, (indices, chords) in enumerate(zip(index_lists, chord_lists))]


class NGram:
    """A baseline that predicts the next token from the one before (order 2) or from nothing (order 1).

    Unigram: add-one smoothing over the vocabulary. Bigram: interpolated with the unigram,
    p = mix * count(prev, next) / count(prev) + (1 - mix) * p_unigram(next); `mix` is chosen on the dev split.
    """

    def __init__(self, targets, inputs_last, n_values, order=2, mix=0.9):
        self.order, self.mix, self.n_values = order, mix, n_values
        valid = targets >= 0
        counts = np.bincount(targets[valid], minlength=n_values).astype(float)
        self.unigram = (counts + 1) / (counts.sum() + n_values)  # (n_values,)
        pairs = np.zeros((n_values + 1, n_values))  # row n_values: the start of a solo
        np.add.at(pairs, (np.where(inputs_last[valid] < 0, n_values, inputs_last[valid]), targets[valid]), 1)
        self.pairs = pairs

    def probabilities(self, previous):
        """Next-token distributions (m, n_values) given the previous token indices (m,), -1 at a start."""
        if self.order == 1:
            return np.tile(self.unigram, (len(previous), 1))
        rows = self.pairs[np.where(previous < 0, self.n_values, previous)]  # (m, n_values)
        totals = rows.sum(axis=1, keepdims=True)
        conditional = np.divide(rows, totals, out=np.tile(self.unigram, (len(previous), 1)), where=totals > 0)
        return self.mix * conditional + (1 - self.mix) * self.unigram

    def sample(self, values, beats, seed=0):
        """Token indices drawn from the model until each sequence lasts `beats[i]` quarter notes."""
        rng, lengths = np.random.default_rng(seed), token_lengths(values)
        drawn = []
        for length in beats:
            sequence, previous, elapsed = [], -1, 0.0
            while elapsed < length:
                previous = int(draw_indices(self.probabilities(np.array([previous])), rng)[0])
                sequence.append(previous)
                elapsed += lengths[previous]
            drawn.append(sequence)
        return drawn


def previous_tokens(X):
    """The index of the input token at every step of windows X (m, Tx, n_values): (m, Tx), -1 for a zero input."""
    return np.where(X.sum(axis=-1) > 0, X.argmax(axis=-1), -1)


def perplexity(probabilities, targets):
    """exp of the mean negative log-likelihood of `targets` (m, Tx) under probabilities (m, Tx, n_values).

    Steps whose target is -1 (padding, unknown token) are left out.
    """
    valid = targets >= 0
    chosen = np.take_along_axis(probabilities, np.maximum(targets, 0)[..., None], axis=-1)[..., 0]  # (m, Tx)
    return float(np.exp(-np.mean(np.log(chosen[valid] + 1e-12))))


def ngram_probabilities(ngram, X):
    """The n-gram model's next-token distributions for windows X, as (m, Tx, n_values)."""
    previous = previous_tokens(X)  # (m, Tx)
    return ngram.probabilities(previous.ravel()).reshape(*previous.shape, -1)


# Measures of a set of solos, each compared with held-out corpus solos.
INTERVAL_RANGE = 12  # intervals are counted from -12 to +12 semitones; wider ones fall in the end bins
LENGTH_BINS = [Fraction(1, 3), Fraction(1, 2), Fraction(2, 3), Fraction(1), Fraction(3, 2), Fraction(2)]


def pitch_histogram(solos):
    """Share of notes at each pitch class above the root of the chord they sound over (12,)."""
    counts = np.zeros(12)
    for solo in solos:
        for offset, _, pitch in solo.notes():
            root, _ = music.chord_tones(music.chord_at(solo.chords, offset)[0])
            counts[(pitch - root) % 12] += 1
    return counts / max(counts.sum(), 1)


def interval_histogram(solos):
    """Share of moves between consecutive notes at each interval, -12 to +12 semitones (25,)."""
    counts = np.zeros(2 * INTERVAL_RANGE + 1)
    for solo in solos:
        pitches = [pitch for _, _, pitch in solo.notes()]
        for step in np.clip(np.diff(pitches), -INTERVAL_RANGE, INTERVAL_RANGE) if len(pitches) > 1 else []:
            counts[step + INTERVAL_RANGE] += 1
    return counts / max(counts.sum(), 1)


def length_histogram(solos):
    """Share of notes of each length in LENGTH_BINS, and longer (len(LENGTH_BINS) + 1,)."""
    counts = np.zeros(len(LENGTH_BINS) + 1)
    for solo in solos:
        for _, duration, _ in solo.notes():
            counts[LENGTH_BINS.index(duration) if duration in LENGTH_BINS else len(LENGTH_BINS)] += 1
    return counts / max(counts.sum(), 1)


def empty_beat_rate(solos):
    """Share of beats (quarter notes) in which no note sounds: the rest ratio."""
    empty = total = 0
    for solo in solos:
        busy = np.zeros(int(solo.length), dtype=bool)
        for offset, duration, _ in solo.notes():
            busy[int(np.floor(offset)):int(np.ceil(offset + duration))] = True
        empty, total = empty + int((~busy).sum()), total + len(busy)
    return empty / max(total, 1)


def chord_tone_share(solos):
    """Share of the notes starting on beats 1 and 3 of a bar that are tones of the bar's chord."""
    hits = total = 0
    for solo in solos:
        for offset, _, pitch in solo.notes():
            if offset % 2 == 0:
                total += 1
                hits += music.note_class(pitch, *music.chord_at(solo.chords, offset)) == "C"
    return hits / max(total, 1)


def overlap(p, q):
    """Overlapping area of two histograms that each sum to 1: 1 when equal, 0 when disjoint."""
    return float(np.minimum(p, q).sum())


def ngrams(token_lists, n=8):
    """The set of n-token sequences (tuples) that occur in `token_lists`."""
    return {tuple(tokens[i:i + n]) for tokens in token_lists for i in range(len(tokens) - n + 1)}


def copied_share(token_lists, training_ngrams, n=8):
    """Share of the n-token sequences of `token_lists` found verbatim in the training corpus (lower: more novel)."""
    grams = [tuple(tokens[i:i + n]) for tokens in token_lists for i in range(len(tokens) - n + 1)]
    return sum(gram in training_ngrams for gram in grams) / max(len(grams), 1)


def measure(solos, reference, training_ngrams=None):
    """The perplexity-free measures of `solos`, and their distributions' overlap with `reference` solos."""
    row = {
        "pitch overlap": overlap(pitch_histogram(solos), pitch_histogram(reference)),
        "interval overlap": overlap(interval_histogram(solos), interval_histogram(reference)),
        "length overlap": overlap(length_histogram(solos), length_histogram(reference)),
        "rest ratio": empty_beat_rate(solos),
        "chord-tone share": chord_tone_share(solos),
    }
    if training_ngrams is not None:
        row["copied 8-grams"] = copied_share([music.tokenise(solo) for solo in solos], training_ngrams)
    return row
