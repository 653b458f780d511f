"""The Transformer (Keras 3), built piece by piece: positional encoding, masks, scaled dot-product attention, encoder and decoder layers, the Transformer, and the date translator that produced pretrained/transformer_dates.weights.h5 (teacher forcing, batched greedy decoding).

Taught in notebooks/w4a1_transformer.ipynb (course 5, week 4, assignment 1); the date task, its data and `translate` live in utils/dates.py.

Generated from notebooks/w4a1_transformer.ipynb by `make export`:
edit the notebook's `exercise` and `export` cells, not this file.
"""

import math
import time

import numpy as np

from utils.date_attention import EpochLog
from utils.setup import import_keras

keras = import_keras()
layers = keras.layers
ops = keras.ops
import tensorflow as tf  # after import_keras, which silences its start-up log; greedy decoding runs as graphs


def get_angles(pos, k, d):
    """The angles pos / 10000^(2i/d) of the positional encoding, with i = k // 2 (columns 2i and 2i+1 share one).

    Arguments: pos (positions, 1), the positions; k (1, d), the column numbers; d, the encoding's width.
    Returns the angles (positions, d), broadcast from the two.
    """
    # Hint: i = k // 2 pairs the columns; each angle is pos over 10000 to the power 2i / d.
    i = k // 2  # the pair each column belongs to
    return pos / np.power(10000, 2 * i / d)  # (positions, d)


def positional_encoding(positions, d):
    """The sinusoidal positional encoding: sin of the angles on even columns, cos on odd ones.

    Returns a float32 tensor of shape (1, positions, d), ready to add to a batch of embeddings (m, positions, d).
    """
    angles = get_angles(np.arange(positions)[:, np.newaxis], np.arange(d)[np.newaxis, :], d)  # (positions, d)
    # Hint: sin on the even columns of angles, cos on the odd ones; a float32 tensor of shape (1, positions, d).
    angles[:, 0::2] = np.sin(angles[:, 0::2])  # columns 2i
    angles[:, 1::2] = np.cos(angles[:, 1::2])  # columns 2i + 1
    return ops.convert_to_tensor(angles[np.newaxis, ...], dtype="float32")  # (1, positions, d)


def create_padding_mask(decoder_token_ids, pad_id=0):
    """1.0 where a token is real and 0.0 where it is padding, shaped (m, 1, n) to broadcast over the queries.

    Arguments: decoder_token_ids (m, n), token indices (the course's name; any sequence of tokens works);
    pad_id, the padding token (0 in the course, HUMAN_VOCAB["<pad>"] for dates).
    """
    # Hint: 1.0 where a token is not pad_id, else 0.0 (float32), then a new axis 1: (m, 1, n).
    keep = ops.cast(ops.not_equal(decoder_token_ids, pad_id), "float32")  # (m, n)
    return ops.expand_dims(keep, axis=1)  # (m, 1, n)


def create_look_ahead_mask(sequence_length):
    """1.0 on and below the diagonal: the query at position t may look at positions 0..t only. Shape (1, n, n)."""
    # Hint: ones on and below the diagonal of a (1, n, n) float32 matrix, zeros above it.
    return ops.tril(ops.ones((1, sequence_length, sequence_length), dtype="float32"))  # (1, n, n)


def scaled_dot_product_attention(q, k, v, mask):
    """softmax(q k^T / sqrt(d_k) + (1 - mask) * -1e9) v, over the last two axes.

    Arguments: q (..., seq_len_q, d_k), k (..., seq_len_k, d_k), v (..., seq_len_k, d_v); mask broadcastable to
    (..., seq_len_q, seq_len_k) with 1 = look and 0 = hide, or None.
    Returns output (..., seq_len_q, d_v) and attention_weights (..., seq_len_q, seq_len_k), whose rows sum to 1.
    """
    # Hint: q k^T over sqrt(d_k), plus (1 - mask) * -1e9 when there is a mask; softmax over the keys; then times v.
    matmul_qk = ops.matmul(q, ops.swapaxes(k, -1, -2))  # (..., seq_len_q, seq_len_k)
    scaled_attention_logits = matmul_qk / math.sqrt(k.shape[-1])
    if mask is not None:
        scaled_attention_logits += (1.0 - ops.cast(mask, scaled_attention_logits.dtype)) * -1e9
    attention_weights = ops.softmax(scaled_attention_logits, axis=-1)  # over the keys
    output = ops.matmul(attention_weights, v)  # (..., seq_len_q, d_v)
    return output, attention_weights


def FullyConnected(embedding_dim, fully_connected_dim):
    """The position-wise feed-forward network: the same two Dense layers applied at every position,
    (m, seq_len, embedding_dim) -> (m, seq_len, embedding_dim)."""
    return keras.Sequential([
        layers.Dense(fully_connected_dim, activation="relu"),  # (m, seq_len, fully_connected_dim)
        layers.Dense(embedding_dim),  # (m, seq_len, embedding_dim)
    ])


def constructor_arguments(local_variables):
    """A layer's constructor arguments, from `locals()` at the top of its __init__, for its get_config."""
    return {name: value for name, value in local_variables.items() if name not in ("self", "kwargs", "__class__")}


class TakesAttentionMask(layers.Layer):
    """Base of the layers whose `mask` argument is an attention mask (1 = look), not a Keras per-token mask.

    Keras 3 reads an argument named `mask` as the input's mask and warns unless the layer supports masking; this
    says it does, and attaches no mask to the output (so nothing downstream reads the attention mask by mistake).
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def compute_mask(self, inputs, previous_mask=None):
        return None


@keras.saving.register_keras_serializable(package="transformer")
class EncoderLayer(TakesAttentionMask):
    """Self-attention and a feed-forward network, each with a residual connection, dropout and layer normalisation.

    call(x (m, Tx, embedding_dim), training=..., mask=(m, 1, Tx) or None) -> (m, Tx, embedding_dim).
    """

    def __init__(self, embedding_dim, num_heads, fully_connected_dim, dropout_rate=0.1, layernorm_eps=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.config = constructor_arguments(locals())  # for get_config
        self.mha = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embedding_dim // num_heads,
                                             dropout=dropout_rate)
        self.ffn = FullyConnected(embedding_dim, fully_connected_dim)
        self.layernorm1 = layers.LayerNormalization(epsilon=layernorm_eps)
        self.layernorm2 = layers.LayerNormalization(epsilon=layernorm_eps)
        self.dropout_ffn = layers.Dropout(dropout_rate)

    def call(self, x, training=None, mask=None):
        # Hint: self-attention of x (mask), add x, normalise; the network, its dropout, add, normalise.
        self_mha_output = self.mha(x, x, x, attention_mask=mask, training=training)  # (m, Tx, embedding_dim)
        skip_x_attention = self.layernorm1(x + self_mha_output)
        ffn_output = self.dropout_ffn(self.ffn(skip_x_attention), training=training)  # (m, Tx, embedding_dim)
        return self.layernorm2(skip_x_attention + ffn_output)  # (m, Tx, embedding_dim)

    def get_config(self):
        return super().get_config() | self.config


@keras.saving.register_keras_serializable(package="transformer")
class Encoder(TakesAttentionMask):
    """Token embedding (scaled by sqrt(embedding_dim)) plus positional encoding, dropout, then num_layers EncoderLayers.

    call(x (m, Tx) token indices, training=..., mask=(m, 1, Tx) or None) -> (m, Tx, embedding_dim).
    """

    def __init__(self, num_layers, embedding_dim, num_heads, fully_connected_dim, input_vocab_size,
                 maximum_position_encoding, dropout_rate=0.1, layernorm_eps=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.config = constructor_arguments(locals())  # for get_config
        self.embedding_dim = embedding_dim
        self.embedding = layers.Embedding(input_vocab_size, embedding_dim)
        self.pos_encoding = positional_encoding(maximum_position_encoding, embedding_dim)  # (1, positions, d)
        self.enc_layers = [EncoderLayer(embedding_dim, num_heads, fully_connected_dim, dropout_rate, layernorm_eps)
                           for _ in range(num_layers)]
        self.dropout = layers.Dropout(dropout_rate)

    def call(self, x, training=None, mask=None):
        # Hint: embed, times sqrt(embedding_dim), plus the first seq_len encodings, dropout, each layer.
        seq_len = ops.shape(x)[1]
        x = self.embedding(x) * math.sqrt(self.embedding_dim)  # (m, Tx, embedding_dim)
        x = x + self.pos_encoding[:, :seq_len, :]
        x = self.dropout(x, training=training)
        for enc_layer in self.enc_layers:
            x = enc_layer(x, training=training, mask=mask)
        return x  # (m, Tx, embedding_dim)

    def get_config(self):
        return super().get_config() | self.config


@keras.saving.register_keras_serializable(package="transformer")
class DecoderLayer(layers.Layer):
    """Masked self-attention, cross-attention to the encoder's output, and a feed-forward network.

    call(x (m, Ty, embedding_dim), enc_output (m, Tx, embedding_dim), training=..., look_ahead_mask=(1, Ty, Ty),
    padding_mask=(m, 1, Tx)) -> (out (m, Ty, embedding_dim), self-attention weights (m, num_heads, Ty, Ty),
    cross-attention weights (m, num_heads, Ty, Tx)).
    """

    def __init__(self, embedding_dim, num_heads, fully_connected_dim, dropout_rate=0.1, layernorm_eps=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.config = constructor_arguments(locals())  # for get_config
        self.mha1 = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embedding_dim // num_heads,
                                              dropout=dropout_rate)
        self.mha2 = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embedding_dim // num_heads,
                                              dropout=dropout_rate)
        self.ffn = FullyConnected(embedding_dim, fully_connected_dim)
        self.layernorm1 = layers.LayerNormalization(epsilon=layernorm_eps)
        self.layernorm2 = layers.LayerNormalization(epsilon=layernorm_eps)
        self.layernorm3 = layers.LayerNormalization(epsilon=layernorm_eps)
        self.dropout_ffn = layers.Dropout(dropout_rate)

    def call(self, x, enc_output, training=None, look_ahead_mask=None, padding_mask=None):
        # Hint: masked self-attention, add, norm; attention to enc_output, add, norm; network, dropout, add, norm.
        mult_attn_out1, attn_weights_block1 = self.mha1(x, x, x, attention_mask=look_ahead_mask,
                                                        return_attention_scores=True, training=training)
        Q1 = self.layernorm1(mult_attn_out1 + x)  # (m, Ty, embedding_dim)
        mult_attn_out2, attn_weights_block2 = self.mha2(Q1, enc_output, enc_output, attention_mask=padding_mask,
                                                        return_attention_scores=True, training=training)
        mult_attn_out2 = self.layernorm2(mult_attn_out2 + Q1)  # (m, Ty, embedding_dim)
        ffn_output = self.dropout_ffn(self.ffn(mult_attn_out2), training=training)
        out3 = self.layernorm3(ffn_output + mult_attn_out2)  # (m, Ty, embedding_dim)
        return out3, attn_weights_block1, attn_weights_block2

    def get_config(self):
        return super().get_config() | self.config


@keras.saving.register_keras_serializable(package="transformer")
class Decoder(layers.Layer):
    """Target embedding (scaled by sqrt(embedding_dim)) plus positional encoding, dropout, then num_layers DecoderLayers.

    call(x (m, Ty) token indices, enc_output (m, Tx, embedding_dim), training=..., look_ahead_mask, padding_mask)
    -> (x (m, Ty, embedding_dim), a dict of every layer's attention weights).
    """

    def __init__(self, num_layers, embedding_dim, num_heads, fully_connected_dim, target_vocab_size,
                 maximum_position_encoding, dropout_rate=0.1, layernorm_eps=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.config = constructor_arguments(locals())  # for get_config
        self.embedding_dim = embedding_dim
        self.embedding = layers.Embedding(target_vocab_size, embedding_dim)
        self.pos_encoding = positional_encoding(maximum_position_encoding, embedding_dim)  # (1, positions, d)
        self.dec_layers = [DecoderLayer(embedding_dim, num_heads, fully_connected_dim, dropout_rate, layernorm_eps)
                           for _ in range(num_layers)]
        self.dropout = layers.Dropout(dropout_rate)

    def call(self, x, enc_output, training=None, look_ahead_mask=None, padding_mask=None):
        # Hint: the encoder's front (embed, sqrt, positions, dropout), each layer, its weights by name.
        seq_len = ops.shape(x)[1]
        attention_weights = {}
        x = self.embedding(x) * math.sqrt(self.embedding_dim)  # (m, Ty, embedding_dim)
        x = x + self.pos_encoding[:, :seq_len, :]
        x = self.dropout(x, training=training)
        for i, dec_layer in enumerate(self.dec_layers):
            x, block1, block2 = dec_layer(x, enc_output, training=training, look_ahead_mask=look_ahead_mask,
                                          padding_mask=padding_mask)
            attention_weights[f"decoder_layer{i + 1}_block1_self_att"] = block1  # (m, num_heads, Ty, Ty)
            attention_weights[f"decoder_layer{i + 1}_block2_decenc_att"] = block2  # (m, num_heads, Ty, Tx)
        return x, attention_weights

    def get_config(self):
        return super().get_config() | self.config


@keras.saving.register_keras_serializable(package="transformer")
class Transformer(keras.Model):
    """Encoder, decoder and a softmax over the target vocabulary.

    call(input_sentence (m, Tx), output_sentence (m, Ty), training=..., enc_padding_mask (m, 1, Tx),
    look_ahead_mask (1, Ty, Ty), dec_padding_mask (m, 1, Tx)) -> (final_output (m, Ty, target_vocab_size),
    attention_weights, the decoder's dict).
    """

    def __init__(self, num_layers, embedding_dim, num_heads, fully_connected_dim, input_vocab_size, target_vocab_size,
                 max_positional_encoding_input, max_positional_encoding_target, dropout_rate=0.1, layernorm_eps=1e-6,
                 **kwargs):
        super().__init__(**kwargs)
        self.config = constructor_arguments(locals())  # for get_config
        self.encoder = Encoder(num_layers, embedding_dim, num_heads, fully_connected_dim, input_vocab_size,
                               max_positional_encoding_input, dropout_rate, layernorm_eps, name="encoder")
        self.decoder = Decoder(num_layers, embedding_dim, num_heads, fully_connected_dim, target_vocab_size,
                               max_positional_encoding_target, dropout_rate, layernorm_eps, name="decoder")
        self.final_layer = layers.Dense(target_vocab_size, activation="softmax", name="final_layer")

    def call(self, input_sentence, output_sentence, training=None, enc_padding_mask=None, look_ahead_mask=None,
             dec_padding_mask=None):
        # Hint: encoder (enc_padding_mask), decoder on output_sentence and enc_output, final layer.
        enc_output = self.encoder(input_sentence, training=training, mask=enc_padding_mask)  # (m, Tx, embedding_dim)
        dec_output, attention_weights = self.decoder(output_sentence, enc_output, training=training,
                                                     look_ahead_mask=look_ahead_mask, padding_mask=dec_padding_mask)
        final_output = self.final_layer(dec_output)  # (m, Ty, target_vocab_size)
        return final_output, attention_weights

    def get_config(self):
        return super().get_config() | self.config


def shift_right(Y, start_id):
    """Teacher forcing's decoder input: the targets Y (m, Ty) moved one step right behind a start token, (m, Ty)."""
    return np.concatenate([np.full((len(Y), 1), start_id, dtype=Y.dtype), Y[:, :-1]], axis=1)


@keras.saving.register_keras_serializable(package="transformer")
class DateTransformer(keras.Model):
    """The Transformer for dates: call((x (m, Tx) input tokens, y_in (m, Ty) decoder input)) -> (m, Ty, n_out + 1)
    probabilities, where n_out = output_vocab_size and index n_out is the start token. Builds its own masks."""

    def __init__(self, num_layers, embedding_dim, num_heads, fully_connected_dim, input_vocab_size, output_vocab_size,
                 Tx, Ty, pad_id, dropout_rate=0.1, **kwargs):
        super().__init__(**kwargs)
        self.config = constructor_arguments(locals())  # for get_config
        self.Tx, self.Ty, self.pad_id, self.start_id = Tx, Ty, pad_id, output_vocab_size
        self.transformer = Transformer(num_layers, embedding_dim, num_heads, fully_connected_dim, input_vocab_size,
                                       output_vocab_size + 1, Tx, Ty, dropout_rate)

    def call(self, inputs, training=None):
        x, y_in = inputs
        padding = create_padding_mask(x, pad_id=self.pad_id)  # (m, 1, Tx)
        probabilities, _ = self.transformer(x, y_in, training=training, enc_padding_mask=padding,
                                            look_ahead_mask=create_look_ahead_mask(self.Ty), dec_padding_mask=padding)
        return probabilities  # (m, Ty, output_vocab_size + 1)

    @tf.function(input_signature=[tf.TensorSpec((None, None), tf.int32)])
    def encode(self, x):
        """The encoder's output (m, Tx, embedding_dim) and the padding mask (m, 1, Tx) for input tokens x (m, Tx)."""
        padding = create_padding_mask(x, pad_id=self.pad_id)
        return self.transformer.encoder(x, training=False, mask=padding), padding

    @tf.function(input_signature=[tf.TensorSpec((None, None), tf.int32), tf.TensorSpec((None, None, None), tf.float32),
                                  tf.TensorSpec((None, 1, None), tf.float32)])
    def decode(self, y_in, enc_output, padding):
        """Probabilities (m, Ty, output_vocab_size + 1) and the decoder's attention weights for the decoder input
        y_in (m, Ty), given the encoder's output and padding mask. A TensorFlow graph, traced once per model."""
        dec_output, attention_weights = self.transformer.decoder(
            y_in, enc_output, training=False, look_ahead_mask=create_look_ahead_mask(ops.shape(y_in)[1]),
            padding_mask=padding)
        return self.transformer.final_layer(dec_output), attention_weights

    def get_config(self):
        return super().get_config() | self.config


def date_transformer(num_layers=2, embedding_dim=64, num_heads=4, fully_connected_dim=128, dropout_rate=0.1):
    """A DateTransformer for utils.dates' vocabularies, built (called once) so that its weights exist.
    The defaults are the sizes of pretrained/transformer_dates.weights.h5."""
    from utils.dates import HUMAN_VOCAB, MACHINE_VOCAB, Tx, Ty

    model = DateTransformer(num_layers, embedding_dim, num_heads, fully_connected_dim, len(HUMAN_VOCAB),
                            len(MACHINE_VOCAB), Tx, Ty, pad_id=HUMAN_VOCAB["<pad>"], dropout_rate=dropout_rate)
    model((np.full((1, Tx), HUMAN_VOCAB["<pad>"], dtype=np.int32), np.zeros((1, Ty), dtype=np.int32)), training=False)
    return model


class EpochTimes(keras.callbacks.Callback):
    """Seconds taken by each epoch, in `self.seconds` (the first includes building the training function)."""

    def on_train_begin(self, logs=None):
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self.start)


def train_transformer(model, train_arrays, val_arrays, epochs, batch_size=64, learning_rate=0.002, warmup=0.1):
    """Fit a DateTransformer on (X, Y) index arrays with teacher forcing; Adam, linear warm-up over the first
    `warmup` of the steps, then a cosine to 1% of `learning_rate`. Returns (History, seconds per epoch)."""
    (X, Y), (X_val, Y_val) = train_arrays, val_arrays
    steps = epochs * int(np.ceil(len(X) / batch_size))
    warmup_steps = max(1, int(warmup * steps))
    schedule = keras.optimizers.schedules.CosineDecay(0.0, decay_steps=steps - warmup_steps, alpha=0.01,
                                                      warmup_target=learning_rate, warmup_steps=warmup_steps)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    timer = EpochTimes()
    history = model.fit((X, shift_right(Y, model.start_id)), Y, batch_size=batch_size, epochs=epochs, verbose=0,
                        validation_data=((X_val, shift_right(Y_val, model.start_id)), Y_val),
                        callbacks=[timer, EpochLog()])
    return history, timer.seconds


def greedy_decode(model, X, batch_size=1024, return_attention=False):
    """Greedy decoding with a DateTransformer: the output indices (m, Ty) for the input tokens X (m, Tx), and with
    return_attention the cross-attention of every decoder layer, {name: (m, num_heads, Ty, Tx)}."""
    n_out = model.start_id  # the output characters are 0 .. n_out - 1; n_out is the start token
    outputs, attentions = [], []
    for start in range(0, len(X), batch_size):
        x = np.asarray(X[start:start + batch_size], dtype=np.int32)  # (b, Tx)
        enc_output, padding = model.encode(x)  # (b, Tx, embedding_dim), (b, 1, Tx): the input is encoded once
        y_in = np.full((len(x), model.Ty), model.start_id, dtype=np.int32)  # (b, Ty), the start token everywhere
        for t in range(model.Ty):
            probabilities, weights = model.decode(y_in, enc_output, padding)  # (b, Ty, n_out + 1)
            next_token = ops.convert_to_numpy(probabilities[:, t, :n_out]).argmax(axis=-1)  # (b,), never the start
            if t + 1 < model.Ty:
                y_in[:, t + 1] = next_token
        outputs.append(np.concatenate([y_in[:, 1:], next_token[:, np.newaxis]], axis=1))  # (b, Ty)
        if return_attention:
            attentions.append({name: ops.convert_to_numpy(value) for name, value in weights.items() if "decenc" in name})
    predicted = np.concatenate(outputs)
    if not return_attention:
        return predicted
    return predicted, {name: np.concatenate([batch[name] for batch in attentions]) for name in attentions[0]}
