"""Word vectors: cosine similarity, analogies (a loop and a vectorised search), an analogy benchmark, and debiasing.

Taught in notebooks/w2a1_word_vectors.ipynb (course 5, week 2, assignment 1).

Generated from notebooks/w2a1_word_vectors.ipynb by `make export`:
edit the notebook's `exercise` and `export` cells, not this file.
"""

import collections
import csv
from collections.abc import Mapping

import numpy as np

from utils.checks import (
    check_array,
    check_choice,
    check_keys,
    check_number,
    check_shape,
    check_string,
    check_strings,
    describe,
)
from utils.glove import check_in_vocabulary, vectors_of
from utils.paths import data_path


def unit_vector(e, name="e"):
    """e / ||e|| in float64. ValueError naming `name` for a zero vector (it has no direction), NaN or inf entries,
    or anything but one axis; TypeError for something that is not an array of numbers."""
    e = check_array(e, name, ndim=1)  # (dim,)
    if not np.any(e):
        raise ValueError(f"{name} is {'empty' if e.size == 0 else 'a zero vector'}: it has no direction")
    e = e / np.max(np.abs(e))  # rescaled first, so that 1e200 cannot overflow nor 1e-200 underflow in the norm
    return e / np.linalg.norm(e)


def cosine_similarity(u, v):
    """Cosine of the angle between u and v, u.v / (||u|| ||v||): 1 same direction, 0 perpendicular, -1 opposite.

    Arguments: u, v, vectors of the same shape (dim,). Computed in float64. A zero vector has no direction, so its
    cosine is undefined: ValueError naming u or v, as for NaN or infinite entries or shapes that differ ((3,) and
    (3, 1) included), never a number that looks like an answer.
    """
    u, v = check_array(u, "u", ndim=1, finite=False), check_array(v, "v", ndim=1, finite=False)  # (dim,) each
    if u.shape != v.shape:
        raise ValueError(f"u and v must have the same shape, got {u.shape} and {v.shape}")
    # Hint: u . v over the product of the lengths; unit_vector (above) gives e / ||e||, and a ValueError for a zero e.
    with np.errstate(over="ignore"):  # an overflow gives inf, which the next line sends to the careful path
        uu, vv = float(np.dot(u, u)), float(np.dot(v, v))  # NaN or inf if an entry is, 0 for a zero vector
    if not (1e-280 < uu < 1e280 and 1e-280 < vv < 1e280):  # rare: let unit_vector name the problem, or rescale
        u, v = unit_vector(u, "u"), unit_vector(v, "v")
        uu = vv = 1.0
    return float(np.clip(np.dot(u, v) / (np.sqrt(uu) * np.sqrt(vv)), -1.0, 1.0))  # clipped against rounding


class WordIndex:
    """A vocabulary as matrices for vectorised search: one matrix product scores every word.

    `vectors` (n_words, dim) holds the raw vectors and `unit` the same rows scaled to length 1; row i belongs to
    `words[i]`. Build one from `utils.glove.load_glove()` (`WordIndex(glove.words, glove.vectors)`) or from any
    word_to_vec_map (`WordIndex.from_map`). Words must be distinct and vectors finite and non-zero.
    """

    METHODS = ("course", "course_unit", "3cosadd", "3cosmul")

    def __init__(self, words, vectors):
        self.words = check_strings(words, "words")
        self.vectors = check_array(vectors, "vectors", ndim=2, dtype=np.float32)  # (n_words, dim)
        if len(self.vectors) != len(self.words):
            raise ValueError(f"vectors must have one row per word ({len(self.words)}), got shape {self.vectors.shape}")
        self.word_to_index = {word: i for i, word in enumerate(self.words)}
        if len(self.word_to_index) < len(self.words):
            repeated = [word for word, count in collections.Counter(self.words).items() if count > 1]
            raise ValueError(f"words must be distinct; these repeat: {repeated[:5]}")
        norms = np.linalg.norm(self.vectors, axis=1)  # (n_words,)
        bad = np.flatnonzero(~((norms > 0) & np.isfinite(norms)))
        if bad.size:
            raise ValueError("every row of vectors needs a finite, non-zero length (a direction); not the rows of "
                             f"{[self.words[i] for i in bad[:5]]}")
        self.squared_norms = norms**2  # (n_words,)
        self.unit = self.vectors / norms[:, None]  # (n_words, dim)

    @classmethod
    def from_map(cls, word_to_vec_map):
        """A WordIndex of every word of `word_to_vec_map` (a dict word -> (dim,) vector)."""
        if not isinstance(word_to_vec_map, Mapping):
            raise TypeError(f"word_to_vec_map must be a dict of word -> vector, got {describe(word_to_vec_map)}")
        if not word_to_vec_map:
            raise ValueError("word_to_vec_map is empty")
        shapes = collections.Counter(np.shape(vector) for vector in word_to_vec_map.values())
        if len(shapes) > 1:
            raise ValueError(f"the vectors of word_to_vec_map must all have one shape, got these: {dict(shapes)}")
        return cls(list(word_to_vec_map), np.stack(list(word_to_vec_map.values())))

    def rows(self, words, name="words"):
        """Row numbers of `words` (lower-cased); UnknownWordError (a KeyError) naming any word the index lacks."""
        words = [word.lower() for word in check_strings(words, name)]
        check_in_vocabulary(words, self.word_to_index, name, "the index")
        return [self.word_to_index[word] for word in words]

    def most_similar(self, word, topn=5):
        """The `topn` words with the highest cosine similarity to `word` (itself left out), with their cosines."""
        (row,) = self.rows([check_string(word, "word")], "word")
        topn = check_number(topn, "topn", low=1, high=len(self.words) - 1, integer=True)
        cosines = self.unit @ self.unit[row]  # (n_words,)
        cosines[row] = -np.inf
        best = np.argpartition(-cosines, topn - 1)[:topn]
        best = best[np.argsort(-cosines[best])]
        return [(self.words[i], float(cosines[i])) for i in best]

    def query_rows(self, query, name="query"):
        """Rows (a, b, c) of one query (word_a, word_b, word_c), with a clear error naming `name` if it is not three
        known words, or if word_a and word_b are one word (then there is no relation to carry over)."""
        words = check_strings(query, name)
        if len(words) != 3:
            raise ValueError(f"{name} must be three words (word_a, word_b, word_c), got {len(words)}: {words}")
        a, b, c = self.rows(words, name)
        if a == b:
            raise ValueError(f"{name}: word_a and word_b are both {words[0]!r}: there is no relation to carry over")
        return a, b, c

    def analogy_scores(self, word_a, word_b, word_c, method="3cosadd"):
        """Score of every word w as the answer to "word_a is to word_b as word_c is to w", shape (n_words,).

        Methods: 'course' maximises cos(e_b - e_a, e_w - e_c) on the raw vectors (the course's formulation,
        vectorised); 'course_unit' the same on unit vectors; '3cosadd' cos(w, b) - cos(w, a) + cos(w, c) and
        '3cosmul' cos(w, b) cos(w, c) / (cos(w, a) + 0.001), cosines shifted to [0, 1] (Levy & Goldberg, 2014).
        The three query words score -inf.
        """
        method = check_choice(method, "method", self.METHODS)
        for name, word in (("word_a", word_a), ("word_b", word_b), ("word_c", word_c)):
            check_string(word, name)
        a, b, c = self.query_rows([word_a, word_b, word_c], "the query (word_a, word_b, word_c)")
        return self._scores(np.array([a]), np.array([b]), np.array([c]), method)[0]

    def _scores(self, a, b, c, method):
        """Scores (q, n_words) of q queries given as row numbers a, b, c, each of shape (q,).

        One row per query keeps each query's scores contiguous in memory, and the large temporaries are updated
        in place: at 400,000 words, memory traffic costs more than arithmetic.
        """
        q = len(a)
        if method in ("course", "course_unit"):
            matrix = self.vectors if method == "course" else self.unit  # (n_words, dim)
            squared_norms = self.squared_norms if method == "course" else 1.0
            differences, e_c = matrix[b] - matrix[a], matrix[c]  # (q, dim) each: e_b - e_a and e_c
            products = np.concatenate([differences, e_c]) @ matrix.T  # (2q, n_words): e_w.d, then e_w.e_c
            # cos(d, e_w - e_c) = (e_w.d - e_c.d) / (||d|| ||e_w - e_c||), ||e_w - e_c||^2 expanded into dot products
            scores = products[:q]  # (q, n_words), becomes the numerator e_w.d - e_c.d
            scores -= np.sum(e_c * differences, axis=1)[:, None]
            distances = products[q:]  # (q, n_words), becomes ||e_w - e_c||
            distances *= -2
            distances += squared_norms + np.sum(e_c * e_c, axis=1)[:, None]
            np.sqrt(np.maximum(distances, 1e-12, out=distances), out=distances)
            scores /= distances
            scores /= np.linalg.norm(differences, axis=1)[:, None]
        elif method == "3cosadd":
            scores = (self.unit[b] - self.unit[a] + self.unit[c]) @ self.unit.T  # (q, n_words)
        else:  # "3cosmul"
            shifted = self.unit[np.concatenate([a, b, c])] @ self.unit.T  # (3q, n_words): cosines with a, b, c
            shifted += 1
            shifted /= 2  # shifted to [0, 1]
            scores = shifted[q:2 * q] * shifted[2 * q:]
            scores /= shifted[:q] + 1e-3
        for rows in (a, b, c):
            scores[np.arange(q), rows] = -np.inf
        return scores

    def analogy(self, word_a, word_b, word_c, method="3cosadd"):
        """The best-scoring word for "word_a is to word_b as word_c is to ?" (never one of the three)."""
        return self.words[int(np.argmax(self.analogy_scores(word_a, word_b, word_c, method)))]

    def analogies(self, queries, method="3cosadd", batch_size=32):
        """Answers to a list of (word_a, word_b, word_c) queries, `batch_size` at a time: one matrix-matrix product
        per batch reads the vocabulary once for all its queries, much faster than one query after another."""
        method = check_choice(method, "method", self.METHODS)
        batch_size = check_number(batch_size, "batch_size", low=1, integer=True)
        if not isinstance(queries, list | tuple):
            raise TypeError(f"queries must be a list of (word_a, word_b, word_c) triples, got {describe(queries)}")
        rows = np.array([self.query_rows(query, f"queries[{i}]") for i, query in enumerate(queries)],
                        dtype=np.int64).reshape(-1, 3)  # (n_queries, 3)
        answers = []
        for start in range(0, len(rows), batch_size):
            a, b, c = rows[start:start + batch_size].T
            answers += [self.words[i] for i in np.argmax(self._scores(a, b, c, method), axis=1)]
        return answers


def complete_analogy(word_a, word_b, word_c, word_to_vec_map):
    """Answer "word_a is to word_b as word_c is to ?" by the course's loop over the vocabulary.

    Returns the word w (not one of the three) that maximises cos(e_b - e_a, e_w - e_c). Words are lower-cased;
    UnknownWordError (a KeyError and a ValueError) names any query word that word_to_vec_map lacks; a vector
    in the map that cannot be compared (wrong shape, NaN, not numbers) is named too.
    """
    query = [check_string(word, name).lower() for name, word in zip(("word_a", "word_b", "word_c"),
                                                                    (word_a, word_b, word_c))]
    e_a, e_b, e_c = vectors_of(query, word_to_vec_map, "the query (word_a, word_b, word_c)")
    if np.array_equal(e_a, e_b):
        raise ValueError(f"word_a and word_b ({query[0]!r}, {query[1]!r}) have the same vector: no relation to carry over")
    if not set(word_to_vec_map) - set(query):
        raise ValueError("word_to_vec_map holds no word besides the query's three: there is nothing to answer")
    # Hint: loop over word_to_vec_map, skip the query's words, keep the w whose e_w - e_c is most like e_b - e_a.
    difference = e_b - e_a  # (dim,)
    best_word, best_similarity = None, -np.inf
    for word, e_w in word_to_vec_map.items():
        if word in query:
            continue
        if np.shape(e_w) != e_c.shape:  # numpy would broadcast a (1,) vector against (dim,) without a word
            check_array(e_w, f"word_to_vec_map[{word!r}]", shape=e_c.shape)  # raises, naming the word
        try:
            similarity = cosine_similarity(difference, e_w - e_c)
        except (TypeError, ValueError):  # name the word at fault, not cosine_similarity's v
            check_array(e_w, f"word_to_vec_map[{word!r}]", shape=e_c.shape)
            raise ValueError(f"word_to_vec_map[{word!r}] is the vector of word_c, so e_w - e_c has no direction") from None
        if similarity > best_similarity:
            best_word, best_similarity = word, similarity
    return best_word


ANALOGY_COLUMNS = ("category", "word_a", "word_b", "word_c", "word_d")


def read_analogies(name="analogies.csv"):
    """The analogy benchmark from data/: a list of dicts with category, word_a, word_b, word_c, word_d.

    FileNotFoundError names a missing file; ValueError names a missing column, the line of an incomplete row, or a
    file that is not UTF-8 text.
    """
    path = data_path(check_string(name, "name"))
    if not path.is_file():
        raise FileNotFoundError(f"name must name a CSV file in data/, but {path} is a folder")
    analogies = []
    with open(path, newline="", encoding="utf-8") as file:
        try:
            reader = csv.DictReader(file)
            missing = [column for column in ANALOGY_COLUMNS if column not in (reader.fieldnames or [])]
            if missing:
                raise ValueError(f"{path.name} lacks the columns {missing}; its header is {reader.fieldnames}")
            for row in reader:
                blank = [column for column in ANALOGY_COLUMNS if not (row.get(column) or "").strip()]
                if blank or None in row:
                    problem = f"empty {blank}" if blank else f"more than {len(reader.fieldnames)} fields"
                    raise ValueError(f"{path.name}, line {reader.line_num}: {problem}")
                analogies.append(row)
        except UnicodeDecodeError:
            raise ValueError(f"{path.name} is not UTF-8 text: is it the analogy CSV?") from None
    if not analogies:
        raise ValueError(f"{path.name} holds no analogies")
    return analogies


def analogy_accuracy(index, analogies, method):
    """Accuracy of `index.analogies(..., method)` on `analogies`, per category and 'all': {name: (correct, total)}.

    Every expected answer (word_d) must be in the index: an answer that cannot be found would count as a silent
    mistake.
    """
    if not isinstance(index, WordIndex):
        raise TypeError(f"index must be a WordIndex, got {describe(index)}")
    if not isinstance(analogies, list | tuple):
        raise TypeError(f"analogies must be a list of dicts (as read_analogies returns), got {describe(analogies)}")
    if not analogies:
        raise ValueError("analogies is empty: there is nothing to score")
    for i, row in enumerate(analogies):
        check_keys(row, ANALOGY_COLUMNS, f"analogies[{i}]")
    check_in_vocabulary([row["word_d"] for row in analogies], index.word_to_index, "word_d of analogies", "the index")
    answers = index.analogies([(row["word_a"], row["word_b"], row["word_c"]) for row in analogies], method=method)
    counts = {}
    for row, answer in zip(analogies, answers):
        for key in (row["category"], "all"):
            correct, total = counts.get(key, (0, 0))
            counts[key] = (correct + (answer == row["word_d"]), total + 1)
    return counts


DEFINITIONAL_PAIRS = [("woman", "man"), ("girl", "boy"), ("she", "he"), ("mother", "father"), ("daughter", "son"),
                      ("gal", "guy"), ("female", "male"), ("her", "his"), ("herself", "himself"), ("mary", "john")]


def check_pair(pair, name="pair"):
    """`pair` as a list of two different words, or a clear error naming `name`."""
    words = check_strings(pair, name)
    if len(words) != 2 or words[0] == words[1]:
        raise ValueError(f"{name} must be two different words, got {words}")
    return words


def definitional_direction(pairs, word_to_vec_map):
    """Bias direction as Bolukbasi et al. (2016) find it: the first principal component of the pairs' unit vectors,
    each pair centred on its own mean.

    Returns (direction, explained): a unit vector (dim,), signed to point from the second word of each pair to the
    first, and the fraction of the variance each principal component explains.
    """
    if not isinstance(pairs, list | tuple):
        raise TypeError(f"pairs must be a list of word pairs, got {describe(pairs)}")
    if not pairs:
        raise ValueError("pairs is empty: give at least one pair of words")
    pairs = [check_pair(pair, f"pairs[{i}]") for i, pair in enumerate(pairs)]
    words = [word for pair in pairs for word in pair]
    unit = {word: unit_vector(e, f"word_to_vec_map[{word!r}]")
            for word, e in zip(words, vectors_of(words, word_to_vec_map, "pairs"))}
    rows = []
    for first, second in pairs:
        centre = (unit[first] + unit[second]) / 2
        rows += [unit[first] - centre, unit[second] - centre]
    _, singular_values, components = np.linalg.svd(np.array(rows), full_matrices=False)  # rows: (2 n_pairs, dim)
    direction = components[0]
    if sum(direction @ (unit[first] - unit[second]) for first, second in pairs) < 0:
        direction = -direction
    return direction, singular_values**2 / np.sum(singular_values**2)


def projection(e, axis):
    """Signed length of e's component along `axis`: e . axis / ||axis||."""
    e = check_array(e, "e", ndim=1)
    axis = unit_vector(axis, "axis")
    check_shape(axis, e.shape, "axis")
    return float(np.dot(e, axis))


def neutralize(word, g, word_to_vec_map):
    """Remove the component of word's vector along the bias axis g (Bolukbasi et al., 2016: "neutralize").

    Arguments: word, a string; g (dim,), the bias axis (not zero); word_to_vec_map, word -> (dim,) vector.
    Returns e_debiased (dim,), float64, orthogonal to g.
    """
    (e,) = vectors_of([check_string(word, "word")], word_to_vec_map, "word")  # (dim,)
    g_hat = unit_vector(g, "g")  # (dim,)
    check_shape(g_hat, e.shape, "g")
    # Hint: take away e's component along the axis: (e . g_hat) g_hat, the same as (e . g / ||g||^2) g.
    e_biascomponent = np.dot(e, g_hat) * g_hat  # (e . g / ||g||^2) g
    return e - e_biascomponent


def equalize(pair, bias_axis, word_to_vec_map):
    """Make the two words of `pair` differ only along `bias_axis`, symmetrically (Bolukbasi et al., 2016: "equalize").

    Arguments: pair, two words; bias_axis (dim,); word_to_vec_map, word -> (dim,) vector.
    Returns (e_1, e_2), float64 unit vectors with the same component orthogonal to bias_axis and opposite
    components along it. The paper's formula assumes unit vectors, so the words' vectors are normalised first.
    """
    w1, w2 = check_pair(pair)
    e_w1, e_w2 = (unit_vector(e, f"word_to_vec_map[{word!r}]")
                  for word, e in zip((w1, w2), vectors_of([w1, w2], word_to_vec_map, "pair")))  # (dim,) each
    axis = unit_vector(bias_axis, "bias_axis")  # (dim,)
    check_shape(axis, e_w1.shape, "bias_axis")
    if abs(np.dot(e_w1 - e_w2, axis)) < 1e-12:
        raise ValueError(f"{w1!r} and {w2!r} have the same projection on the bias axis: there is nothing to equalize")
    # Hint: each result is mu_orth (the mean's part off the axis) plus e_wB - mu_B rescaled to sqrt(1 - ||mu_orth||^2).
    mu = (e_w1 + e_w2) / 2
    mu_B = np.dot(mu, axis) * axis
    mu_orth = mu - mu_B
    e_w1B, e_w2B = np.dot(e_w1, axis) * axis, np.dot(e_w2, axis) * axis
    scale = np.sqrt(max(1.0 - np.dot(mu_orth, mu_orth), 0.0))
    corrected_e_w1B = scale * (e_w1B - mu_B) / np.linalg.norm(e_w1B - mu_B)
    corrected_e_w2B = scale * (e_w2B - mu_B) / np.linalg.norm(e_w2B - mu_B)
    return corrected_e_w1B + mu_orth, corrected_e_w2B + mu_orth
