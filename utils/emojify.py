"""Emojify: the data set, the emoji, and `predict`, which labels sentences with the shipped V2 model.

Taught in notebooks/w2a2_emojify.ipynb: `load_dataset` and `label_to_emoji` in section 1 (the data), `predict` in
section 5 ("Try your own sentence"). The model itself (`Emojify_V2`, `sentences_to_indices`, ...) is exported from
the notebook to utils/emojify_models.py; this module is written by hand.

    >>> from utils.emojify import predict, label_to_emoji
    >>> [label_to_emoji(label) for label in predict(["dinner is ready", "i miss you"])]
    ['🍴', '❤️']
"""

import csv
import functools
import re
import unicodedata

import numpy as np

from utils.checks import check_choice, check_errors, check_number, check_string, check_strings, describe, unreadable
from utils.paths import data_path, pretrained_path

EMOJI = {0: "❤️", 1: "⚾", 2: "😄", 3: "😞", 4: "🍴"}
CLASS_NAMES = {0: "heart", 1: "sport", 2: "joy", 3: "sad", 4: "food"}
SPLITS = {"train": "emojify_train.csv", "dev": "emojify_dev.csv", "test": "emojify_test.csv"}
WEIGHTS = "emojify_v2.weights.h5"
MAX_LEN = 12  # words the shipped model reads: the longest training sentence, its `max_len`

# Contractions written out the way the training sentences spell them ("do not", "can not", "i am").
_CONTRACTIONS = [(r"\bcan't\b", "can not"), (r"\bwon't\b", "will not"), (r"n't\b", " not"), (r"'m\b", " am"),
                 (r"'re\b", " are"), (r"'ll\b", " will"), (r"'ve\b", " have"), (r"'d\b", " would")]


def label_to_emoji(label) -> str:
    """The emoji of a class label 0-4 (a Python or numpy whole number; 2.0 is read as 2, 2.5 is refused)."""
    label = check_number(label, "label", integer=True)
    if label not in EMOJI:
        raise ValueError(f"label must be one of {sorted(EMOJI)}, got {label}")
    return EMOJI[label]


def load_dataset(split: str) -> tuple[np.ndarray, np.ndarray]:
    """(sentences (m,) of str, labels (m,) of int) of the 'train', 'dev' or 'test' split, from data/emojify_<split>.csv.

    'dev' is the development (validation) set: written separately from the training sentences, like the test set,
    and used to choose the training recipe; the test set is kept for the final score.
    """
    check_choice(split, "split", SPLITS)
    with open(data_path(SPLITS[split]), newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    return np.array([row["sentence"] for row in rows]), np.array([int(row["label"]) for row in rows])


def clean(sentence: str) -> str:
    """Lower-case `sentence`, write contractions out ("don't" -> "do not"), strip accents ("café" -> "cafe", as
    GloVe spells it) and drop punctuation and symbols. Letters with no plain form (Greek, Cyrillic, "ß") are dropped.
    """
    check_string(sentence, "sentence", allow_empty=True)
    text = unicodedata.normalize("NFKD", sentence.lower().replace("\u2019", "'"))
    text = "".join(char for char in text if not unicodedata.combining(char))  # the accents, split off by NFKD
    for pattern, replacement in _CONTRACTIONS:
        text = re.sub(pattern, replacement, text)
    return " ".join(re.findall(r"[a-z0-9]+", text))


@functools.lru_cache(maxsize=1)
def _shipped_model():
    """The V2 model with the shipped weights and its word index, built once per process (a few seconds)."""
    from utils.setup import import_keras

    import_keras()  # quiet TensorFlow start-up before the model module imports keras
    from utils.emojify_models import Emojify_V2, index_from_one, load_head_weights
    from utils.glove import load_glove

    glove = load_glove()
    word_to_index = index_from_one(glove.word_to_index)
    model = Emojify_V2((MAX_LEN,), glove.word_to_vec_map, word_to_index)
    load_head_weights(model, pretrained_path(WEIGHTS))
    return model, word_to_index


def predict(sentences, errors: str = "raise") -> list:
    """Class labels 0-4 (see EMOJI) that the shipped V2 model gives to `sentences`.

    `sentences` is a list, tuple or 1-D numpy array of strings (what `load_dataset` returns); a single string is
    refused (wrap it in a list), since it would otherwise be read letter by letter. Each sentence is cleaned
    (`clean`: lower case, contractions written out, accents and punctuation dropped); words that GloVe does not know
    are skipped; only the first MAX_LEN (12) known words are read, the rest of a longer sentence is truncated.

    A sentence with no word the model knows ("", "!!!", "qwzxv") has nothing to read: with errors="raise" (the
    default) that is a ValueError naming the sentence; with errors="coerce" its label is None. The first call loads
    GloVe and the weights (pretrained/emojify_v2.weights.h5, a few seconds); the model is then kept for the life of
    the process.
    """
    sentences = check_strings(sentences, "sentences", allow_empty_list=True)
    errors = check_errors(errors)
    if not sentences:
        return []
    from utils.emojify_models import predict_v2, sentences_to_indices

    model, word_to_index = _shipped_model()
    cleaned = [clean(sentence) for sentence in sentences]
    indices = sentences_to_indices(cleaned, word_to_index, MAX_LEN)  # (m, MAX_LEN), all zeros: nothing known
    empty = {i for i, row in enumerate(indices) if not row.any()}
    if empty:
        first = min(empty)
        unreadable(f"sentences has {len(empty)} sentence(s) with no word the model knows, the first at position "
                   f"{first}: {describe(sentences[first])}; pass errors='coerce' to get None for them", errors)
    labels = predict_v2(cleaned, model, word_to_index, MAX_LEN)  # (m,)
    return [None if i in empty else int(label) for i, label in enumerate(labels)]
