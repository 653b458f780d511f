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

import numpy as np

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
    """The emoji of a class label 0-4."""
    label = int(label)
    if label not in EMOJI:
        raise ValueError(f"label must be one of {sorted(EMOJI)}, got {label}")
    return EMOJI[label]


def load_dataset(split: str) -> tuple[np.ndarray, np.ndarray]:
    """(sentences (m,) of str, labels (m,) of int) of the 'train', 'dev' or 'test' split, from data/emojify_<split>.csv.

    'dev' is the development (validation) set: written separately from the training sentences, like the test set,
    and used to choose the training recipe; the test set is kept for the final score.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {sorted(SPLITS)}, got {split!r}")
    with open(data_path(SPLITS[split]), newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    return np.array([row["sentence"] for row in rows]), np.array([int(row["label"]) for row in rows])


def clean(sentence: str) -> str:
    """Lower-case `sentence`, write contractions out ("don't" -> "do not") and drop punctuation and symbols."""
    text = sentence.lower().replace("\u2019", "'")
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


def predict(sentences: list[str]) -> list[int]:
    """Class labels 0-4 (see EMOJI) that the shipped V2 model gives to `sentences`.

    Each sentence is cleaned (`clean`: lower case, contractions written out, punctuation dropped); words that GloVe
    does not know are skipped; only the first MAX_LEN (12) known words are read, the rest of a longer sentence is
    truncated. A sentence with no known word is read as all padding and still gets a label (the model's guess for
    an empty message), so check your text if that happens. The first call loads GloVe and the weights
    (pretrained/emojify_v2.weights.h5, a few seconds); the model is then kept for the life of the process.

    Raises TypeError, naming the problem, when `sentences` is not a list (or tuple) of strings; wrap a single
    string in a list.
    """
    if not isinstance(sentences, list | tuple):
        raise TypeError(f"sentences must be a list of strings, got {type(sentences).__name__}"
                         + ("; wrap a single sentence in a list: predict([sentence])" if isinstance(sentences, str)
                            else ""))
    wrong = [(i, type(s).__name__) for i, s in enumerate(sentences) if not isinstance(s, str)]
    if wrong:
        raise TypeError(f"sentences must all be strings; not strings at (position, type): {wrong[:5]}")
    if not sentences:
        return []
    from utils.emojify_models import predict_v2

    model, word_to_index = _shipped_model()
    return [int(label) for label in predict_v2([clean(s) for s in sentences], model, word_to_index, MAX_LEN)]
