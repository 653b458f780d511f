"""Extractive question answering as span prediction: the course's character-span alignment, a start/end
head over token vectors (frozen pretrained features or the W4A1 Encoder), the best span, and the scores
(exact match, token F1).

Taught in notebooks/w4l3_question_answering.ipynb (course 5, week 4, ungraded lab 3); the
stories, the frozen encoder's features and `answer` live in utils/qa.py.

Generated from notebooks/w4l3_question_answering.ipynb by `make export`:
edit the notebook's `exercise` and `export` cells, not this file.
"""

import string
import time
from collections import Counter

import numpy as np

from utils.setup import import_keras
from utils.transformer import Encoder, EncoderLayer

keras = import_keras()
layers = keras.layers
ops = keras.ops


def answer_token_span(tokens, word_ids, start: int, end: int) -> tuple:
    """Positions of the first and last token of the answer at characters start:end of a context.

    `tokens` are the context's words (`tokenize(context)`), `word_ids` one row of `encode_words`' "word_ids". The
    answer runs from the word that holds its first character to the word that holds its last; the positions are
    those words' first and last pieces. (0, 0), the [CLS] token, when the answer was cut off by truncation.
    """
    words = [i for i, token in enumerate(tokens) if token.start < end and token.end > start]  # words it touches
    if not words:
        raise ValueError(f"the answer span {start}:{end} covers no word of the context")
    word_ids = np.asarray(word_ids)
    # Hint: the positions where word_ids is words[0] or words[-1]; first and last of them, unless one word is missing.
    first = np.flatnonzero(word_ids == words[0])  # the pieces of the first word
    last = np.flatnonzero(word_ids == words[-1])  # the pieces of the last word
    if not len(first) or not len(last):
        return 0, 0
    return int(first[0]), int(last[-1])


def token_span_to_chars(tokens, word_ids, start_position: int, end_position: int):
    """The characters (start, end) of the context that tokens start_position..end_position cover, or None when they
    do not lie inside the context (e.g. on [CLS], the question, or end before start)."""
    first, last = int(word_ids[start_position]), int(word_ids[end_position])
    if first < 0 or last < 0 or end_position < start_position:
        return None
    return tokens[first].start, tokens[last].end


@keras.saving.register_keras_serializable(package="qa_spans")
class SpanHead(layers.Layer):
    """Token vectors -> start and end scores: each vector with one more number, 1 where the token's word piece
    also occurs in the question (DrQA's "exact match" feature, Chen et al., 2017), projected to `embedding_dim`;
    `num_layers` W4A1 EncoderLayers (self-attention over question and story together); one Dense(2). Scores off
    the story are -1e9.

    call(x (m, T, d_in), padding_mask, context_mask, in_question (m, T) each, training=...) -> start, end logits
    (m, T) each.
    """

    def __init__(self, embedding_dim=128, num_heads=4, fully_connected_dim=256, num_layers=1, dropout_rate=0.1,
                 **kwargs):
        super().__init__(**kwargs)
        self.config = {"embedding_dim": embedding_dim, "num_heads": num_heads, "num_layers": num_layers,
                       "fully_connected_dim": fully_connected_dim, "dropout_rate": dropout_rate}
        self.projection = layers.Dense(embedding_dim)
        self.norm = layers.LayerNormalization(epsilon=1e-6)
        self.blocks = [EncoderLayer(embedding_dim, num_heads, fully_connected_dim, dropout_rate)
                       for _ in range(num_layers)]
        self.scores = layers.Dense(2)

    def call(self, x, padding_mask, context_mask, in_question, training=None):
        x = ops.concatenate([x, ops.expand_dims(ops.cast(in_question, x.dtype), -1)], axis=-1)  # (m, T, d_in + 1)
        x = self.norm(self.projection(x))  # (m, T, embedding_dim)
        attention_mask = ops.expand_dims(ops.cast(padding_mask, "float32"), 1)  # (m, 1, T): look at real tokens
        for block in self.blocks:
            x = block(x, training=training, mask=attention_mask)  # (m, T, embedding_dim)
        logits = self.scores(x)  # (m, T, 2)
        logits = ops.where(ops.expand_dims(ops.cast(context_mask, "bool"), -1), logits, -1e9)
        return logits[..., 0], logits[..., 1]  # (m, T), (m, T)

    def get_config(self):
        return super().get_config() | self.config


@keras.saving.register_keras_serializable(package="qa_spans")
class FrozenFeatureReader(keras.Model):
    """The span head on the frozen pretrained encoder's token vectors (computed once, outside the model).

    call({"features" (m, T, d), "padding_mask", "context_mask", "in_question" (m, T)}) -> {"start", "end"} (m, T).
    """

    def __init__(self, embedding_dim=128, num_heads=4, fully_connected_dim=256, num_layers=1, dropout_rate=0.1,
                 **kwargs):
        super().__init__(**kwargs)
        self.config = {"embedding_dim": embedding_dim, "num_heads": num_heads, "num_layers": num_layers,
                       "fully_connected_dim": fully_connected_dim, "dropout_rate": dropout_rate}
        self.head = SpanHead(embedding_dim, num_heads, fully_connected_dim, num_layers, dropout_rate)

    def call(self, inputs, training=None):
        features = ops.cast(inputs["features"], "float32")  # stored as float16
        start, end = self.head(features, inputs["padding_mask"], inputs["context_mask"], inputs["in_question"],
                               training=training)
        return {"start": start, "end": end}

    def get_config(self):
        return super().get_config() | self.config


@keras.saving.register_keras_serializable(package="qa_spans")
class ScratchReader(keras.Model):
    """The baseline: the W4A1 Encoder, trained from scratch on the story's token ids, under the same span head.

    call({"token_ids", "padding_mask", "context_mask", "in_question"} (m, T) each) -> {"start", "end"} (m, T).
    """

    def __init__(self, vocabulary_size, maximum_length=128, num_encoder_layers=2, embedding_dim=128, num_heads=4,
                 fully_connected_dim=256, num_layers=1, dropout_rate=0.1, **kwargs):
        super().__init__(**kwargs)
        self.config = {"vocabulary_size": vocabulary_size, "maximum_length": maximum_length,
                       "num_encoder_layers": num_encoder_layers, "embedding_dim": embedding_dim,
                       "num_heads": num_heads, "fully_connected_dim": fully_connected_dim, "num_layers": num_layers,
                       "dropout_rate": dropout_rate}
        self.encoder = Encoder(num_encoder_layers, embedding_dim, num_heads, fully_connected_dim, vocabulary_size,
                               maximum_length, dropout_rate)
        self.head = SpanHead(embedding_dim, num_heads, fully_connected_dim, num_layers, dropout_rate)

    def call(self, inputs, training=None):
        attention_mask = ops.expand_dims(ops.cast(inputs["padding_mask"], "float32"), 1)  # (m, 1, T)
        x = self.encoder(inputs["token_ids"], training=training, mask=attention_mask)  # (m, T, embedding_dim)
        start, end = self.head(x, inputs["padding_mask"], inputs["context_mask"], inputs["in_question"],
                               training=training)
        return {"start": start, "end": end}

    def get_config(self):
        return super().get_config() | self.config


def best_spans(start_logits, end_logits, max_answer_tokens: int = 8) -> np.ndarray:
    """The (start, end) positions with the highest start + end score, start <= end < start + max_answer_tokens,
    for each row: (m, T), (m, T) -> (m, 2) ints."""
    start_logits, end_logits = np.asarray(start_logits, "float32"), np.asarray(end_logits, "float32")
    length = start_logits.shape[1]
    # Hint: scores[m, i, j] = s[m, i] + e[m, j]; -inf where j - i is not in [0, max_answer_tokens); argmax per row.
    offset = np.arange(length)[None, :] - np.arange(length)[:, None]  # (T, T): end - start
    allowed = (offset >= 0) & (offset < max_answer_tokens)
    scores = start_logits[:, :, None] + end_logits[:, None, :]  # (m, T start, T end)
    scores = np.where(allowed[None], scores, -np.inf)
    flat = scores.reshape(len(scores), -1).argmax(axis=1)
    return np.stack([flat // length, flat % length], axis=1)


def normalize_answer(text: str) -> list:
    """The words of an answer as compared: lower case, without punctuation or the articles a, an, the."""
    text = "".join(character for character in text.lower() if character not in string.punctuation)
    return [word for word in text.split() if word not in ("a", "an", "the")]


def exact_match(prediction: str, truth: str) -> float:
    """1.0 when the answers have the same normalized words, else 0.0."""
    return float(normalize_answer(prediction) == normalize_answer(truth))


def token_f1(prediction: str, truth: str) -> float:
    """The F1 of the words the answers share (counted with repeats): 2 P R / (P + R); 1.0 when both are empty."""
    predicted, true = normalize_answer(prediction), normalize_answer(truth)
    if not predicted or not true:
        return float(predicted == true)
    # Hint: common = the size of Counter(predicted) & Counter(true); P = common / len(predicted), R = common / len(true).
    common = sum((Counter(predicted) & Counter(true)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(predicted), common / len(true)
    return 2 * precision * recall / (precision + recall)


def train_reader(model, inputs: dict, targets: dict, epochs: int, batch_size: int = 32, learning_rate: float = 1e-3,
                 validation=None, verbose=0) -> dict:
    """Fit a reader with the sum of the start and end cross-entropies (Adam, learning rate warmed up over the first
    10% of steps, then a cosine to 1% of it). Returns {"history", "steps", "seconds"}."""
    steps = epochs * -(-len(targets["start"]) // batch_size)
    schedule = keras.optimizers.schedules.CosineDecay(0.0, max(steps - steps // 10, 1), alpha=0.01,
                                                      warmup_target=learning_rate, warmup_steps=steps // 10)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule),
                  loss={"start": keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                        "end": keras.losses.SparseCategoricalCrossentropy(from_logits=True)})
    began = time.perf_counter()
    history = model.fit(inputs, targets, epochs=epochs, batch_size=batch_size, shuffle=True,
                        validation_data=validation, verbose=verbose)
    return {"history": history.history, "steps": steps, "seconds": time.perf_counter() - began}
