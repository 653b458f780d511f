"""utils.word_vectors, exported from notebooks/w2a1_word_vectors.ipynb: similarity, analogies, debiasing."""

import inspect

import numpy as np
import pytest

from utils import word_vectors as wv
from utils.glove import load_glove

COURSE_SIGNATURES = {
    "cosine_similarity": ["u", "v"],
    "complete_analogy": ["word_a", "word_b", "word_c", "word_to_vec_map"],
    "neutralize": ["word", "g", "word_to_vec_map"],
    "equalize": ["pair", "bias_axis", "word_to_vec_map"],
}
SAMPLE_QUERIES = [("italy", "italian", "spain"), ("man", "woman", "boy"), ("small", "smaller", "large"),
                  ("france", "paris", "japan"), ("go", "went", "see")]


@pytest.fixture(scope="module")
def glove():
    return load_glove()


@pytest.fixture(scope="module")
def frequent(glove):
    """The 5,000 most frequent words: small enough for the course's loop to run in a fraction of a second."""
    words = glove.words[:5000]
    return {word: glove.word_to_vec_map[word] for word in words}, wv.WordIndex(words, glove.vectors[:5000])


@pytest.mark.parametrize("name, parameters", COURSE_SIGNATURES.items())
def test_course_signatures_are_kept(name, parameters):
    assert list(inspect.signature(getattr(wv, name)).parameters) == parameters


# cosine_similarity

def test_cosine_of_identical_vectors_is_one():
    u = np.array([0.3, -1.2, 2.0])
    assert wv.cosine_similarity(u, u) == pytest.approx(1.0)


def test_cosine_of_opposite_vectors_is_minus_one():
    u = np.array([0.3, -1.2, 2.0])
    assert wv.cosine_similarity(u, -u) == pytest.approx(-1.0)


def test_cosine_of_orthogonal_vectors_is_zero():
    assert wv.cosine_similarity(np.array([1.0, 2.0, -2.0]), np.array([2.0, 1.0, 2.0])) == pytest.approx(0.0, abs=1e-15)


def test_cosine_ignores_positive_scaling_and_flips_with_negative():
    u, v = np.array([1.0, 2.0, 3.0]), np.array([-2.0, 0.5, 1.0])
    reference = wv.cosine_similarity(u, v)
    assert wv.cosine_similarity(1e3 * u, 0.01 * v) == pytest.approx(reference)
    assert wv.cosine_similarity(-4 * u, v) == pytest.approx(-reference)


def test_cosine_with_a_zero_vector_is_zero_not_nan():
    assert wv.cosine_similarity(np.zeros(3), np.array([1.0, 2.0, 3.0])) == 0.0
    assert wv.cosine_similarity(np.zeros(3), np.zeros(3)) == 0.0


def test_cosine_stays_within_minus_one_and_one_in_float32():
    u = np.random.default_rng(0).standard_normal(50).astype(np.float32)
    assert -1.0 <= wv.cosine_similarity(u, -u) and wv.cosine_similarity(u, u) <= 1.0


def test_cosine_of_different_shapes_is_a_clear_error():
    with pytest.raises(ValueError, match="same shape"):
        wv.cosine_similarity(np.ones(3), np.ones(4))


# analogies

def test_complete_analogy_never_answers_a_query_word():
    # Without the exclusion, "b" would win: e_b - e_c is exactly parallel to e_b - e_a.
    word_to_vec_map = {"a": np.array([0.0, 0.0]), "b": np.array([1.0, 0.0]), "c": np.array([-1.0, 0.0]),
                       "near": np.array([1.0, 0.2]), "far": np.array([-1.0, 1.0])}
    assert wv.complete_analogy("a", "b", "c", word_to_vec_map) == "near"


def test_complete_analogy_names_an_unknown_word(frequent):
    word_to_vec_map, _ = frequent
    with pytest.raises(KeyError, match="zorblax"):
        wv.complete_analogy("man", "woman", "zorblax", word_to_vec_map)


@pytest.mark.parametrize("query", SAMPLE_QUERIES, ids="-".join)
def test_vectorised_course_method_agrees_with_the_loop(frequent, query):
    word_to_vec_map, index = frequent
    assert index.analogy(*query, method="course") == wv.complete_analogy(*query, word_to_vec_map)


def test_course_unit_method_agrees_with_the_loop_on_unit_vectors(frequent):
    _, index = frequent
    unit_map = dict(zip(index.words, index.unit))
    for query in SAMPLE_QUERIES:
        assert index.analogy(*query, method="course_unit") == wv.complete_analogy(*query, unit_map)


def test_3cosadd_and_3cosmul_match_their_definitions_word_by_word(frequent):
    word_to_vec_map, index = frequent
    a, b, c = "man", "woman", "boy"
    cos = {word: np.array([wv.cosine_similarity(word_to_vec_map[word], e) for e in word_to_vec_map.values()])
           for word in (a, b, c)}
    expected = {"3cosadd": cos[b] - cos[a] + cos[c],
                "3cosmul": (cos[b] + 1) / 2 * (cos[c] + 1) / 2 / ((cos[a] + 1) / 2 + 1e-3)}
    for method, scores in expected.items():
        computed = index.analogy_scores(a, b, c, method)
        finite = np.isfinite(computed)
        assert finite.sum() == len(index.words) - 3
        np.testing.assert_allclose(computed[finite], scores[finite], atol=1e-5)


@pytest.mark.parametrize("method", wv.WordIndex.METHODS)
def test_batched_analogies_equal_one_query_at_a_time(frequent, method):
    _, index = frequent
    assert index.analogies(SAMPLE_QUERIES, method, batch_size=2) == [index.analogy(*q, method=method)
                                                                      for q in SAMPLE_QUERIES]


def test_an_unknown_method_is_a_clear_error(frequent):
    with pytest.raises(ValueError, match="method must be one of"):
        frequent[1].analogy("man", "woman", "boy", method="3cosdiv")


def test_most_similar_leaves_the_word_out_and_sorts(frequent):
    neighbours = frequent[1].most_similar("computer", topn=5)
    cosines = [cosine for _, cosine in neighbours]
    assert "computer" not in [word for word, _ in neighbours] and cosines == sorted(cosines, reverse=True)


def test_the_benchmark_has_over_a_hundred_distinct_analogies_in_six_categories(glove):
    analogies = wv.read_analogies()
    assert len(analogies) >= 100 and len({row["category"] for row in analogies}) >= 6
    assert len({tuple(row.values()) for row in analogies}) == len(analogies)
    assert all(row[key] in glove.word_to_index for row in analogies for key in ("word_a", "word_b", "word_c", "word_d"))


def test_accuracy_counts_per_category_and_overall(frequent):
    _, index = frequent
    rows = [{"category": "toy", "word_a": "man", "word_b": "woman", "word_c": "boy", "word_d": "girl"},
            {"category": "toy", "word_a": "man", "word_b": "woman", "word_c": "boy", "word_d": "banana"}]
    assert wv.analogy_accuracy(index, rows, "3cosadd") == {"toy": (1, 2), "all": (1, 2)}


# debiasing

@pytest.fixture(scope="module")
def g(glove):
    return glove.word_to_vec_map["woman"] - glove.word_to_vec_map["man"]


@pytest.mark.parametrize("word", ["receptionist", "engineer", "nurse", "doctor", "babysit"])
def test_neutralize_leaves_no_projection_on_the_axis(glove, g, word):
    e_debiased = wv.neutralize(word, g, glove.word_to_vec_map)
    assert abs(wv.projection(e_debiased, g)) < 1e-8


def test_neutralize_only_removes_the_component_along_the_axis(glove, g):
    e = glove.word_to_vec_map["nurse"].astype(np.float64)
    removed = e - wv.neutralize("nurse", g, glove.word_to_vec_map)
    assert abs(wv.cosine_similarity(removed, g)) == pytest.approx(1.0)


def test_neutralize_rejects_an_axis_of_the_wrong_size(glove):
    with pytest.raises(ValueError, match="g should have shape"):
        wv.neutralize("nurse", np.ones(3), glove.word_to_vec_map)


@pytest.mark.parametrize("pair", [("man", "woman"), ("actor", "actress"), ("grandfather", "grandmother")])
def test_equalize_makes_a_symmetric_pair_of_unit_vectors(glove, g, pair):
    e_1, e_2 = wv.equalize(pair, g, glove.word_to_vec_map)
    axis = wv.unit_vector(g)
    p_1, p_2 = wv.projection(e_1, g), wv.projection(e_2, g)
    assert p_1 == pytest.approx(-p_2, abs=1e-12) and abs(p_1) > 0.1
    np.testing.assert_allclose(e_1 - p_1 * axis, e_2 - p_2 * axis, atol=1e-12)
    np.testing.assert_allclose([np.linalg.norm(e_1), np.linalg.norm(e_2)], 1.0, atol=1e-12)
    e_neutral = wv.neutralize("doctor", g, glove.word_to_vec_map)
    assert wv.cosine_similarity(e_1, e_neutral) == pytest.approx(wv.cosine_similarity(e_2, e_neutral), abs=1e-12)


def test_equalize_keeps_the_pairs_order_along_the_axis(glove, g):
    e_man, e_woman = wv.equalize(("man", "woman"), g, glove.word_to_vec_map)
    assert wv.projection(e_woman, g) > 0 > wv.projection(e_man, g)


def test_equalize_refuses_a_pair_with_nothing_to_equalize():
    word_to_vec_map = {"x": np.array([1.0, 0.0, 1.0]), "y": np.array([0.0, 1.0, 1.0])}
    with pytest.raises(ValueError, match="nothing to equalize"):
        wv.equalize(("x", "y"), np.array([0.0, 0.0, 1.0]), word_to_vec_map)


def test_definitional_direction_is_a_unit_vector_pointing_towards_the_first_words(glove, g):
    direction, explained = wv.definitional_direction(wv.DEFINITIONAL_PAIRS, glove.word_to_vec_map)
    assert np.linalg.norm(direction) == pytest.approx(1.0)
    assert explained.sum() == pytest.approx(1.0) and explained[0] == explained.max()
    assert wv.cosine_similarity(direction, g) > 0.5
