"""Word vectors: cosine similarity, analogies (a loop and a vectorised search), an analogy benchmark, and debiasing.

Taught in notebooks/w2a1_word_vectors.ipynb (course 5, week 2, assignment 1).

Generated from notebooks/w2a1_word_vectors.ipynb by `make export`:
edit the notebook's `exercise` and `export` cells, not this file.
"""

import csv

import numpy as np

from utils.checks import check_shape
from utils.glove import check_in_vocabulary
from utils.paths import data_path


def cosine_similarity(u, v):
    """Cosine of the angle between u and v, u.v / (||u|| ||v||): 1 same direction, 0 perpendicular, -1 opposite.

    Arguments: u, v, vectors of the same shape (dim,). Computed in float64. A zero vector has no direction: its
    similarity to anything is 0.0 (not the nan of 0/0).
    """
    u = np.asarray(u, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    if u.shape != v.shape:
        raise ValueError(f"u and v must have the same shape, got {u.shape} and {v.shape}")
    norm_u, norm_v = np.sqrt(np.dot(u, u)), np.sqrt(np.dot(v, v))
    if norm_u == 0 or norm_v == 0:
        return 0.0
    return min(1.0, max(-1.0, float(np.dot(u, v) / (norm_u * norm_v))))  # clipped against rounding


class WordIndex:
    """A vocabulary as matrices for vectorised search: one matrix product scores every word.

    `vectors` (n_words, dim) holds the raw vectors and `unit` the same rows scaled to length 1; row i belongs to
    `words[i]`. Build one from `utils.glove.load_glove()` (`WordIndex(glove.words, glove.vectors)`) or from any
    word_to_vec_map (`WordIndex.from_map`).
    """

    METHODS = ("course", "course_unit", "3cosadd", "3cosmul")

    def __init__(self, words, vectors):
        self.words = list(words)
        self.vectors = np.asarray(vectors, dtype=np.float32)
        check_shape(self.vectors, (len(self.words), None), "vectors")
        self.word_to_index = {word: i for i, word in enumerate(self.words)}
        norms = np.linalg.norm(self.vectors, axis=1)  # (n_words,)
        self.squared_norms = norms**2  # (n_words,)
        self.unit = self.vectors / np.maximum(norms, 1e-12)[:, None]  # (n_words, dim)

    @classmethod
    def from_map(cls, word_to_vec_map):
        return cls(list(word_to_vec_map), np.stack(list(word_to_vec_map.values())))

    def rows(self, words):
        """Row numbers of `words` (lower-cased); KeyError naming any word the vocabulary lacks."""
        words = [word.lower() for word in words]
        check_in_vocabulary(words, self.word_to_index)
        return [self.word_to_index[word] for word in words]

    def most_similar(self, word, topn=5):
        """The `topn` words with the highest cosine similarity to `word` (itself left out), with their cosines."""
        (row,) = self.rows([word])
        cosines = self.unit @ self.unit[row]  # (n_words,)
        cosines[row] = -np.inf
        best = np.argpartition(-cosines, topn)[:topn]
        best = best[np.argsort(-cosines[best])]
        return [(self.words[i], float(cosines[i])) for i in best]

    def analogy_scores(self, word_a, word_b, word_c, method="3cosadd"):
        """Score of every word w as the answer to "word_a is to word_b as word_c is to w", shape (n_words,).

        Methods: 'course' maximises cos(e_b - e_a, e_w - e_c) on the raw vectors (the course's formulation,
        vectorised); 'course_unit' the same on unit vectors; '3cosadd' cos(w, b) - cos(w, a) + cos(w, c) and
        '3cosmul' cos(w, b) cos(w, c) / (cos(w, a) + 0.001), cosines shifted to [0, 1] (Levy & Goldberg, 2014).
        The three query words score -inf.
        """
        a, b, c = self.rows([word_a, word_b, word_c])
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
        elif method == "3cosmul":
            shifted = self.unit[np.concatenate([a, b, c])] @ self.unit.T  # (3q, n_words): cosines with a, b, c
            shifted += 1
            shifted /= 2  # shifted to [0, 1]
            scores = shifted[q:2 * q] * shifted[2 * q:]
            scores /= shifted[:q] + 1e-3
        else:
            raise ValueError(f"method must be one of {self.METHODS}, got {method!r}")
        for rows in (a, b, c):
            scores[np.arange(q), rows] = -np.inf
        return scores

    def analogy(self, word_a, word_b, word_c, method="3cosadd"):
        """The best-scoring word for "word_a is to word_b as word_c is to ?" (never one of the three)."""
        return self.words[int(np.argmax(self.analogy_scores(word_a, word_b, word_c, method)))]

    def analogies(self, queries, method="3cosadd", batch_size=32):
        """Answers to many (word_a, word_b, word_c) queries, `batch_size` at a time: one matrix-matrix product per
        batch reads the vocabulary once for all its queries, much faster than one query after another."""
        rows = np.array([self.rows(query) for query in queries]).reshape(-1, 3)  # (n_queries, 3)
        answers = []
        for start in range(0, len(rows), batch_size):
            a, b, c = rows[start:start + batch_size].T
            answers += [self.words[i] for i in np.argmax(self._scores(a, b, c, method), axis=1)]
        return answers


def complete_analogy(word_a, word_b, word_c, word_to_vec_map):
    """Answer "word_a is to word_b as word_c is to ?" by the course's loop over the vocabulary.

    Returns the word w (not one of the three) that maximises cos(e_b - e_a, e_w - e_c). Words are lower-cased;
    a KeyError names any query word that word_to_vec_map lacks.
    """
    query = [word.lower() for word in (word_a, word_b, word_c)]
    check_in_vocabulary(query, word_to_vec_map)
    e_a, e_b, e_c = (word_to_vec_map[word] for word in query)
    difference = e_b - e_a  # (dim,)
    best_word, best_similarity = None, -np.inf
    for word, e_w in word_to_vec_map.items():
        if word in query:
            continue
        similarity = cosine_similarity(difference, e_w - e_c)
        if similarity > best_similarity:
            best_word, best_similarity = word, similarity
    return best_word


def read_analogies(name="analogies.csv"):
    """The analogy benchmark from data/: a list of dicts with category, word_a, word_b, word_c, word_d."""
    with open(data_path(name), newline="") as file:
        return list(csv.DictReader(file))


def analogy_accuracy(index, analogies, method):
    """Accuracy of `index.analogies(..., method)` on `analogies`, per category and 'all': {name: (correct, total)}."""
    answers = index.analogies([(row["word_a"], row["word_b"], row["word_c"]) for row in analogies], method=method)
    counts = {}
    for row, answer in zip(analogies, answers):
        for key in (row["category"], "all"):
            correct, total = counts.get(key, (0, 0))
            counts[key] = (correct + (answer == row["word_d"]), total + 1)
    return counts


DEFINITIONAL_PAIRS = [("woman", "man"), ("girl", "boy"), ("she", "he"), ("mother", "father"), ("daughter", "son"),
                      ("gal", "guy"), ("female", "male"), ("her", "his"), ("herself", "himself"), ("mary", "john")]


def unit_vector(e):
    """e / ||e|| in float64 (a zero vector raises ValueError)."""
    e = np.asarray(e, dtype=np.float64)
    norm = np.linalg.norm(e)
    if norm == 0:
        raise ValueError("a zero vector has no direction")
    return e / norm


def definitional_direction(pairs, word_to_vec_map):
    """Bias direction as Bolukbasi et al. (2016) find it: the first principal component of the pairs' unit vectors,
    each pair centred on its own mean.

    Returns (direction, explained): a unit vector (dim,), signed to point from the second word of each pair to the
    first, and the fraction of the variance each principal component explains.
    """
    check_in_vocabulary([word for pair in pairs for word in pair], word_to_vec_map)
    rows = []
    for first, second in pairs:
        e_1, e_2 = unit_vector(word_to_vec_map[first]), unit_vector(word_to_vec_map[second])
        centre = (e_1 + e_2) / 2
        rows += [e_1 - centre, e_2 - centre]
    _, singular_values, components = np.linalg.svd(np.array(rows), full_matrices=False)  # rows: (2 n_pairs, dim)
    direction = components[0]
    if sum(direction @ (unit_vector(word_to_vec_map[f]) - unit_vector(word_to_vec_map[s])) for f, s in pairs) < 0:
        direction = -direction
    return direction, singular_values**2 / np.sum(singular_values**2)


def projection(e, axis):
    """Signed length of e's component along `axis`: e . axis / ||axis||."""
    return float(np.dot(np.asarray(e, dtype=np.float64), unit_vector(axis)))


def neutralize(word, g, word_to_vec_map):
    """Remove the component of word's vector along the bias axis g (Bolukbasi et al., 2016: "neutralize").

    Arguments: word, a string; g (dim,), the bias axis; word_to_vec_map, word -> (dim,) vector.
    Returns e_debiased (dim,), float64, orthogonal to g.
    """
    check_in_vocabulary([word], word_to_vec_map)
    e = np.asarray(word_to_vec_map[word], dtype=np.float64)  # (dim,)
    g = np.asarray(g, dtype=np.float64)
    check_shape(g, e.shape, "g")
    e_biascomponent = (np.dot(e, g) / np.dot(g, g)) * g  # (dim,)
    return e - e_biascomponent


def equalize(pair, bias_axis, word_to_vec_map):
    """Make the two words of `pair` differ only along `bias_axis`, symmetrically (Bolukbasi et al., 2016: "equalize").

    Arguments: pair, two words; bias_axis (dim,); word_to_vec_map, word -> (dim,) vector.
    Returns (e_1, e_2), float64 unit vectors with the same component orthogonal to bias_axis and opposite
    components along it. The paper's formula assumes unit vectors, so the words' vectors are normalised first.
    """
    w1, w2 = pair
    check_in_vocabulary([w1, w2], word_to_vec_map)
    axis = unit_vector(bias_axis)  # (dim,)
    e_w1, e_w2 = unit_vector(word_to_vec_map[w1]), unit_vector(word_to_vec_map[w2])  # (dim,) each
    mu = (e_w1 + e_w2) / 2
    mu_B = np.dot(mu, axis) * axis
    mu_orth = mu - mu_B
    e_w1B, e_w2B = np.dot(e_w1, axis) * axis, np.dot(e_w2, axis) * axis
    if np.linalg.norm(e_w1B - mu_B) < 1e-12:
        raise ValueError(f"{w1!r} and {w2!r} have the same projection on the bias axis: there is nothing to equalize")
    scale = np.sqrt(max(1.0 - np.dot(mu_orth, mu_orth), 0.0))
    corrected_e_w1B = scale * (e_w1B - mu_B) / np.linalg.norm(e_w1B - mu_B)
    corrected_e_w2B = scale * (e_w2B - mu_B) / np.linalg.norm(e_w2B - mu_B)
    return corrected_e_w1B + mu_orth, corrected_e_w2B + mu_orth
