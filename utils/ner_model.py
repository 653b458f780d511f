"""Named-entity recognition on a frozen pretrained encoder: the course's tokenize_and_align_labels, the tagging head, reading tags back per word, the feature model and the from-scratch baseline.

Taught in notebooks/w4l2_named_entity_recognition.ipynb (course 5, week 4, lab 2); the data, `extract` and the loaders of the shipped models live in utils/ner.py.

Generated from notebooks/w4l2_named_entity_recognition.ipynb by `make export`:
edit the notebook's `exercise` and `export` cells, not this file.
"""

import numpy as np

from utils.encoder import encode_words
from utils.ner import IGNORE, TAG_TO_ID, TAGS
from utils.setup import import_keras

FEATURE_LAYER = 3  # the encoder layer (1 .. 6) whose token vectors the head reads: chosen on the dev split
MAX_TOKENS = 128  # the longest input, [CLS] and [SEP] included: what the encoder was trained on


def _tag_id(tag):
    """The id of a tag given as a string of TAGS or as an id; None for anything else."""
    if isinstance(tag, str):
        return TAG_TO_ID.get(tag)
    if isinstance(tag, int | np.integer) and not isinstance(tag, bool) and 0 <= tag < len(TAGS):
        return int(tag)
    return None


def _tag_ids(examples, tags) -> list:
    """`tags` as lists of ids, one per word of each example; ValueError naming what does not match."""
    if isinstance(tags, str) or not isinstance(tags, list | tuple) or len(tags) != len(examples):
        raise ValueError(f"tags must be a list with one list of tags per example ({len(examples)}), "
                         f"got {type(tags).__name__} of length {len(tags) if hasattr(tags, '__len__') else '?'}")
    ids = []
    for i, (words, row) in enumerate(zip(examples, tags)):
        if len(row) != len(words):
            raise ValueError(f"example {i} has {len(words)} words but {len(row)} tags: one tag per word")
        known = [_tag_id(tag) for tag in row]
        if None in known:
            raise ValueError(f"tags[{i}] holds tags that are not in TAGS: "
                             f"{[tag for tag, id_ in zip(row, known) if id_ is None][:5]}")
        ids.append(known)
    return ids


# a tag's id -> the id of the label its later word pieces get under label_all_tokens (B-X -> I-X)
CONTINUATION = np.array([TAG_TO_ID[tag.replace("B-", "I-")] for tag in TAGS])


def tokenize_and_align_labels(tokenizer, examples, tags, sequence_length: int = 64,
                              label_all_tokens: bool = False) -> dict:
    """The encoder's inputs for lists of words, with one label per token: the course's alignment.

    `examples` is a list of word lists (`[line.words for line in lines]`), `tags` the matching lists of tags
    (strings from TAGS, or their ids). The first piece of a word takes the word's tag; the others get IGNORE
    (-100), which the loss skips, or, with `label_all_tokens`, the word's tag with B- turned into I-. [CLS], [SEP]
    and [PAD] get IGNORE. Returns `encode_words`' arrays ("token_ids", "segment_ids", "padding_mask", "word_ids")
    and "labels", each (batch, sequence_length); words that do not fit are dropped from the end.
    """
    inputs = encode_words(tokenizer, examples, sequence_length)  # checks `examples` and `sequence_length`
    ids = _tag_ids(examples, tags)  # one list of tag ids per example
    labels = np.full(inputs["word_ids"].shape, IGNORE, dtype="int32")  # (batch, sequence_length)
    # Hint: walk each row's word_ids; a token whose word (not -1) differs from the previous token's starts it.
    for row, word_ids in enumerate(inputs["word_ids"]):
        previous = -1
        for position, word in enumerate(word_ids):
            if word >= 0 and word != previous:
                labels[row, position] = ids[row][word]
            elif word >= 0 and label_all_tokens:
                labels[row, position] = CONTINUATION[ids[row][word]]
            previous = word
    return {**inputs, "labels": labels}


def tag_loss():
    """Cross-entropy over tag logits that skips the IGNORE (-100) labels."""
    return import_keras().losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=IGNORE)


def ner_head(input_dim: int = 384, hidden: int = 256, dropout: float = 0.1, n_tags: int = len(TAGS)):
    """The tagging head: token vectors (batch, length, input_dim) -> tag logits (batch, length, n_tags)."""
    keras = import_keras()
    layers = keras.layers
    vectors = keras.Input((None, input_dim), name="token_vectors")  # (batch, length, input_dim)
    # Hint: Dropout, Dense(hidden, activation="gelu", name="hidden"), Dropout, Dense(n_tags, name="tag_logits").
    x = layers.Dropout(dropout)(vectors)
    x = layers.Dense(hidden, activation="gelu", name="hidden")(x)  # (batch, length, hidden)
    x = layers.Dropout(dropout)(x)
    logits = layers.Dense(n_tags, name="tag_logits")(x)  # (batch, length, n_tags)
    return keras.Model(vectors, logits, name="ner_head")


def word_tags(logits, word_ids) -> list:
    """Each row's predicted tag per word, read at the word's first token: logits (batch, length, n_tags) and
    word_ids (batch, length) -> lists of tag strings, one per word that the row kept."""
    predicted = np.argmax(np.asarray(logits), axis=-1)  # (batch, length): the best tag id at every token
    rows = []
    # Hint: for each row, the tag at the first position of each word id (not -1), in order of the word ids.
    for tags, owners in zip(predicted, np.asarray(word_ids)):
        first = {}  # word -> its tag, from the word's first token
        for position, word in enumerate(owners):
            if word >= 0 and word not in first:
                first[int(word)] = TAGS[tags[position]]
        rows.append([first[word] for word in sorted(first)])
    return rows


def _allowed_transitions(tags=TAGS) -> np.ndarray:
    """allowed[i, j]: may tag j follow tag i in IOB2? An I-X only after B-X or I-X; any other tag anywhere."""
    return np.array([[not after.startswith("I-") or before[2:] == after[2:] for after in tags] for before in tags])


ALLOWED = _allowed_transitions()  # (n_tags, n_tags)
CAN_START = np.array([not tag.startswith("I-") for tag in TAGS])  # a line's first word is not inside an entity


def bio_word_tags(logits, word_ids) -> list:
    """Like `word_tags`, but each row's tags are the most probable sequence that is valid IOB2: Viterbi over the
    log-softmax of the scores at each word's first token, the forbidden transitions ruled out. logits (batch,
    length, n_tags) and word_ids (batch, length) -> lists of tag strings, one per word that the row kept."""
    logits = np.asarray(logits, dtype="float64")
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))  # (batch, length, n_tags)
    penalty = np.where(ALLOWED, 0.0, -np.inf)  # (previous tag, next tag): 0 where allowed
    rows = []
    for scores, owners in zip(log_probs, np.asarray(word_ids)):
        words, firsts = np.unique(owners, return_index=True)  # each word id and its first token, in word order
        firsts = firsts[words >= 0]
        if len(firsts) == 0:
            rows.append([])
            continue
        emissions = scores[firsts]  # (words, n_tags)
        best = np.where(CAN_START, emissions[0], -np.inf)  # the best score of a valid path ending in each tag
        back = []  # per word after the first: the best previous tag for each tag
        for emission in emissions[1:]:
            candidates = best[:, None] + penalty  # (previous tag, next tag)
            back.append(candidates.argmax(axis=0))
            best = candidates.max(axis=0) + emission
        path = [int(best.argmax())]
        for pointers in reversed(back):
            path.append(int(pointers[path[-1]]))
        rows.append([TAGS[tag] for tag in reversed(path)])
    return rows


def context_head(input_dim: int = 384, units: int = 64, dropout: float = 0.1, n_tags: int = len(TAGS)):
    """The shipped tagging head: a bidirectional LSTM over the token vectors, then tag logits, so that a token's
    tag depends on its neighbours too: (batch, length, input_dim) -> (batch, length, n_tags). All-zero vectors
    (the padding, as `token_features` returns it) are masked."""
    keras = import_keras()
    layers = keras.layers
    vectors = keras.Input((None, input_dim), name="token_vectors")  # (batch, length, input_dim)
    x = layers.Masking(0.0)(vectors)  # the LSTMs skip the padding
    x = layers.Dropout(dropout)(x)
    x = layers.Bidirectional(layers.LSTM(units, return_sequences=True), name="bilstm")(x)  # (batch, length, 2 units)
    x = layers.Dropout(dropout)(x)
    logits = layers.Dense(n_tags, name="tag_logits")(x)  # (batch, length, n_tags)
    return keras.Model(vectors, logits, name="context_head")


BASELINE = {"num_layers": 2, "embedding_dim": 128, "num_heads": 4, "fully_connected_dim": 256, "dropout_rate": 0.1}


def baseline_vocabulary(token_ids) -> np.ndarray:
    """The encoder's piece ids that the baseline embeds, sorted: those in `token_ids` (its training inputs)."""
    return np.unique(np.asarray(token_ids))


def baseline_ids(token_ids, vocabulary, pad_id: int) -> np.ndarray:
    """The encoder's piece ids as the baseline's: [PAD] -> 0, a piece of `vocabulary` -> 2 + its index, any other
    piece -> 1 ([UNK])."""
    token_ids, vocabulary = np.asarray(token_ids), np.asarray(vocabulary)
    index = np.clip(np.searchsorted(vocabulary, token_ids), 0, len(vocabulary) - 1)
    mapped = np.where(vocabulary[index] == token_ids, index + 2, 1)
    return np.where(token_ids == pad_id, 0, mapped).astype("int32")


def baseline_tagger(vocabulary_size: int, max_length: int = MAX_TOKENS):
    """The W4A1 `Encoder` (utils/transformer.py), to be trained from scratch, under the same `ner_head`: baseline
    piece ids (batch, length), 0 = padding -> tag logits (batch, length, n_tags)."""
    from utils.transformer import Encoder, create_padding_mask

    keras = import_keras()
    ids = keras.Input((None,), dtype="int32", name="token_ids")
    encoder = Encoder(input_vocab_size=vocabulary_size + 2, maximum_position_encoding=max_length, **BASELINE)
    vectors = encoder(ids, mask=create_padding_mask(ids, pad_id=0))  # (batch, length, embedding_dim)
    return keras.Model(ids, ner_head(BASELINE["embedding_dim"])(vectors), name="ner_baseline")
