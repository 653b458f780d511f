"""Neural machine translation of dates with attention (Keras): the attention step, the course's model (relu energies) and its twin with linear energies, a probe that returns the attention weights, `flat_rows`, a baseline without attention, and the training loop that produced pretrained/nmt_attention.weights.h5, nmt_attention_linear.weights.h5 and nmt_baseline.weights.h5.

Taught in notebooks/w3a1_date_translation_attention.ipynb (course 5, week 3, assignment 1).

Generated from notebooks/w3a1_date_translation_attention.ipynb by `make export`:
edit the notebook's `exercise` and `export` cells, not this file.
"""

import time
from types import SimpleNamespace

import numpy as np

from utils.checks import check_array, check_choice, check_number, describe
from utils.setup import import_keras

keras = import_keras()
layers = keras.layers
ENERGIES = ("relu", "linear")  # the activation on the attention energies: the course's relu, or none


def attention_layers(Tx, energies="relu"):
    """The six layers of one attention step, created once per model and shared by its Ty decoder steps.

    energies: "relu" (the course's) or "linear" (no activation) on the one-unit layer that scores each position."""
    Tx = check_number(Tx, "Tx", low=1, integer=True)
    energies = check_choice(energies, "energies", ENERGIES)
    return SimpleNamespace(
        repeator=layers.RepeatVector(Tx, name="attention_repeat"),
        concatenator=layers.Concatenate(axis=-1, name="attention_concat"),
        densor1=layers.Dense(10, activation="tanh", name="attention_dense1"),
        densor2=layers.Dense(1, activation=None if energies == "linear" else "relu", name="attention_energies"),
        activator=layers.Softmax(axis=1, name="attention_weights"),  # over the Tx input positions
        dotor=layers.Dot(axes=1, name="attention_context"),
    )


_default_attention_layers = {}  # Tx -> layers, for one_step_attention(a, s_prev) called without `shared`


def one_step_attention(a, s_prev, shared=None, return_alphas=False):
    """One attention step: the context vector the decoder reads before writing its next character.

    Arguments: a (m, Tx, 2*n_a), the encoder's states; s_prev (m, n_s), the decoder's previous state;
    shared, the layers from `attention_layers(Tx)` (None: one set per Tx kept by this module, as the course's
    global layers); return_alphas, also return the attention weights.
    Returns context (m, 1, 2*n_a), and with return_alphas the weights alphas (m, Tx, 1), which sum to 1 over Tx.
    """
    if len(a.shape) != 3 or len(s_prev.shape) != 2:
        raise ValueError(f"a must have shape (m, Tx, 2*n_a) and s_prev (m, n_s), got {tuple(a.shape)} and {tuple(s_prev.shape)}")
    if shared is None:
        if a.shape[1] not in _default_attention_layers:  # build the layers once per Tx, not on every call
            _default_attention_layers[a.shape[1]] = attention_layers(a.shape[1])
        shared = _default_attention_layers[a.shape[1]]
    # Hint: with the shared layers: repeat s_prev, join it after a, two Dense give energies, softmax over Tx, dot with a.
    s_prev = shared.repeator(s_prev)  # (m, Tx, n_s)
    concat = shared.concatenator([a, s_prev])  # (m, Tx, 2*n_a + n_s)
    e = shared.densor1(concat)  # (m, Tx, 10)
    energies = shared.densor2(e)  # (m, Tx, 1)
    alphas = shared.activator(energies)  # (m, Tx, 1), softmax over the Tx positions
    context = shared.dotor([alphas, a])  # (m, 1, 2*n_a)
    return (context, alphas) if return_alphas else context


def modelf(Tx, Ty, n_a, n_s, human_vocab_size, machine_vocab_size, energies="relu"):
    """The course's attention model: Model([X (m, Tx, human_vocab_size), s0 (m, n_s), c0 (m, n_s)]) -> a list of
    Ty softmax outputs (m, machine_vocab_size). Every layer is shared across the Ty steps.
    energies: "relu" on the attention energies, as the course, or "linear"."""
    sizes = (("Tx", Tx), ("Ty", Ty), ("n_a", n_a), ("n_s", n_s), ("human_vocab_size", human_vocab_size),
             ("machine_vocab_size", machine_vocab_size))
    Tx, Ty, n_a, n_s, human_vocab_size, machine_vocab_size = (check_number(v, k, low=1, integer=True) for k, v in sizes)
    shared = attention_layers(Tx, energies)  # the layers every step shares: created once, here
    post_activation_LSTM_cell = layers.LSTM(n_s, return_state=True, name="decoder_lstm")
    output_layer = layers.Dense(machine_vocab_size, activation="softmax", name="output_dense")
    # Hint: Inputs X, s0, c0; a Bidirectional LSTM encoder; then Ty steps of attention, decoder cell (state carried), output.
    X = keras.Input(shape=(Tx, human_vocab_size), name="X")
    s0 = keras.Input(shape=(n_s,), name="s0")
    c0 = keras.Input(shape=(n_s,), name="c0")
    a = layers.Bidirectional(layers.LSTM(n_a, return_sequences=True), name="encoder")(X)  # (m, Tx, 2*n_a)
    s, c = s0, c0
    outputs = []
    for t in range(Ty):
        context = one_step_attention(a, s, shared)  # (m, 1, 2*n_a)
        s, _, c = post_activation_LSTM_cell(context, initial_state=[s, c])  # (m, n_s) each
        outputs.append(output_layer(s))  # (m, machine_vocab_size)
    return keras.Model(inputs=[X, s0, c0], outputs=outputs, name=f"nmt_attention_{energies}")


def check_one_hot(Xoh, model=None, name="Xoh"):
    """Xoh as a float32 array (m, Tx, vocabulary) of one-hot rows, of the size `model` reads; else a clear error."""
    Xoh = check_array(Xoh, name, ndim=3, dtype=np.float32)
    if model is not None and Xoh.shape[1:] != tuple(model.inputs[0].shape[1:]):
        raise ValueError(f"{name} must have shape (m, {', '.join(map(str, model.inputs[0].shape[1:]))}) for this model, "
                         f"got {Xoh.shape}")
    if not (np.isin(Xoh, (0, 1)).all() and np.all(Xoh.sum(axis=-1) == 1)):
        raise ValueError(f"{name} must be one-hot: zeros and a single 1 at every position")
    return Xoh


def model_inputs(model, Xoh):
    """The inputs `model` expects for the one-hot texts Xoh (m, Tx, vocab): Xoh, plus zero s0, c0 if it has them."""
    if len(model.inputs) == 1:
        return Xoh
    zeros = np.zeros((len(Xoh), model.inputs[1].shape[-1]), dtype=np.float32)  # (m, n_s)
    return [Xoh, zeros, zeros]


def model_targets(model, Y):
    """Targets for the integer dates Y (m, Ty): a list of Ty arrays (m,) for a model with Ty outputs, else Y."""
    return list(Y.T) if len(model.outputs) > 1 else Y


def predict_outputs(model, Xoh, batch_size=1024):
    """`model`'s outputs for the one-hot texts Xoh as numpy arrays (a list when it has several outputs).

    Calls the model directly, batch by batch: `model.predict` compiles a new function for every model, and
    this notebook predicts with several of them.
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a Keras model, got {describe(model)}")
    Xoh = check_one_hot(Xoh, model)
    batch_size = check_number(batch_size, "batch_size", low=1, integer=True)
    inputs = model_inputs(model, Xoh)
    batches = []
    for start in range(0, len(Xoh), batch_size):
        part = [x[start:start + batch_size] for x in inputs] if isinstance(inputs, list) else inputs[start:start + batch_size]
        outputs = model(part, training=False)
        batches.append([keras.ops.convert_to_numpy(out) for out in outputs] if isinstance(outputs, list | tuple)
                       else [keras.ops.convert_to_numpy(outputs)])
    merged = [np.concatenate(parts) for parts in zip(*batches)]
    return merged if len(merged) > 1 else merged[0]


def predict_indices(model, Xoh, batch_size=1024):
    """The most likely output index at each position, (m, Ty), from either kind of model."""
    probabilities = predict_outputs(model, Xoh, batch_size)
    if isinstance(probabilities, list):
        probabilities = np.stack(probabilities, axis=1)  # (m, Ty, machine_vocab_size)
    return np.argmax(probabilities, axis=-1)


class EpochLog(keras.callbacks.Callback):
    """One line per epoch: loss, validation loss, validation character accuracy (averaged over outputs), time."""

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.time()

    def on_epoch_end(self, epoch, logs=None):
        val_accuracy = np.mean([value for name, value in logs.items() if name.startswith("val_") and "accuracy" in name])
        print(f"epoch {epoch + 1:2d}/{self.params['epochs']}  loss {logs['loss']:.4f}  val loss {logs['val_loss']:.4f}  "
              f"val character accuracy {val_accuracy:.4f}  ({time.time() - self.start:.0f} s)")


def train(model, train_arrays, val_arrays, epochs, batch_size=128, learning_rate=0.01):
    """Fit `model` on (Xoh, Y) with Adam and a cosine learning-rate schedule; return the Keras History."""
    (Xoh, Y), (Xoh_val, Y_val) = train_arrays, val_arrays
    Xoh, Xoh_val = check_one_hot(Xoh, model, "Xoh"), check_one_hot(Xoh_val, model, "Xoh_val")
    n_out = len(model.outputs) if len(model.outputs) > 1 else model.outputs[0].shape[1]
    Y = check_array(Y, "Y", shape=(len(Xoh), n_out), dtype=np.int32)
    Y_val = check_array(Y_val, "Y_val", shape=(len(Xoh_val), n_out), dtype=np.int32)
    epochs = check_number(epochs, "epochs", low=1, integer=True)
    batch_size = check_number(batch_size, "batch_size", low=1, integer=True)
    learning_rate = check_number(learning_rate, "learning_rate", low=0, low_open=True)
    steps = epochs * int(np.ceil(len(Xoh) / batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps, alpha=0.01)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"] * len(model.outputs))  # one metric per output
    return model.fit(model_inputs(model, Xoh), model_targets(model, Y), batch_size=batch_size, epochs=epochs,
                     validation_data=(model_inputs(model, Xoh_val), model_targets(model, Y_val)), verbose=0,
                     callbacks=[EpochLog()])


def attention_probe(model):
    """A model built from `model`'s trained layers (a model from `modelf`) that returns its Ty predictions and,
    last, the attention weights (m, Ty, Tx): row t is where the model looked to write output character t."""
    names = {layer.name for layer in getattr(model, "layers", [])}
    needed = {"encoder", "decoder_lstm", "output_dense", *(layer.name for layer in vars(attention_layers(1)).values())}
    if not isinstance(model, keras.Model) or not needed <= names:
        raise ValueError(f"attention_probe needs a model built by modelf, got {describe(model)}")
    Tx, human_vocab_size = model.inputs[0].shape[1:]
    n_s, Ty = model.inputs[1].shape[-1], len(model.outputs)
    shared = SimpleNamespace(**{key: model.get_layer(layer.name) for key, layer in vars(attention_layers(Tx)).items()})
    decoder, output_layer = model.get_layer("decoder_lstm"), model.get_layer("output_dense")
    X = keras.Input(shape=(Tx, human_vocab_size), name="X")
    s0, c0 = keras.Input(shape=(n_s,), name="s0"), keras.Input(shape=(n_s,), name="c0")
    a = model.get_layer("encoder")(X)  # (m, Tx, 2*n_a)
    s, c = s0, c0
    outputs, alphas = [], []
    for t in range(Ty):
        context, alpha = one_step_attention(a, s, shared, return_alphas=True)  # (m, 1, 2*n_a), (m, Tx, 1)
        s, _, c = decoder(context, initial_state=[s, c])
        outputs.append(output_layer(s))
        alphas.append(alpha)
    attention = layers.Permute((2, 1))(layers.Concatenate(axis=-1)(alphas))  # (m, Tx, Ty) -> (m, Ty, Tx)
    return keras.Model(inputs=[X, s0, c0], outputs=[*outputs, attention], name="attention_probe")


FLAT_TOLERANCE = 0.05


def flat_rows(attention, tolerance=FLAT_TOLERANCE):
    """Which attention rows are flat: (m, Ty) booleans for weights (m, Ty, Tx).

    A row is flat when it is within `tolerance` of the uniform row 1/Tx in total variation, that is when at most
    `tolerance` of its weight (5% by default) would have to move to spread it evenly over all Tx positions.
    Such a row reads the plain average of the encoder's states: it looks nowhere in particular."""
    attention = check_array(attention, "attention", ndim=3)
    tolerance = check_number(tolerance, "tolerance", low=0, high=1)
    if not np.allclose(attention.sum(axis=-1), 1, atol=1e-3) or (attention < 0).any():
        raise ValueError("attention rows must be weights: non-negative and summing to 1 over the last axis")
    distance = 0.5 * np.abs(attention - 1 / attention.shape[-1]).sum(axis=-1)  # total variation from uniform
    return distance <= tolerance


def modelf_no_attention(Tx, Ty, n_a, n_s, human_vocab_size, machine_vocab_size):
    """The plain encoder-decoder of the same size: the encoder's final states, copied Ty times by RepeatVector,
    are all the decoder ever sees of the input. Model(X (m, Tx, human_vocab_size)) -> (m, Ty, machine_vocab_size)."""
    sizes = (("Tx", Tx), ("Ty", Ty), ("n_a", n_a), ("n_s", n_s), ("human_vocab_size", human_vocab_size),
             ("machine_vocab_size", machine_vocab_size))
    Tx, Ty, n_a, n_s, human_vocab_size, machine_vocab_size = (check_number(v, k, low=1, integer=True) for k, v in sizes)
    X = keras.Input(shape=(Tx, human_vocab_size), name="X")
    summary = layers.Bidirectional(layers.LSTM(n_a), name="encoder")(X)  # (m, 2*n_a)
    repeated = layers.RepeatVector(Ty, name="repeat_summary")(summary)  # (m, Ty, 2*n_a)
    states = layers.LSTM(n_s, return_sequences=True, name="decoder_lstm")(repeated)  # (m, Ty, n_s)
    outputs = layers.Dense(machine_vocab_size, activation="softmax", name="output_dense")(states)  # (m, Ty, 11)
    return keras.Model(inputs=X, outputs=outputs, name="nmt_no_attention")
