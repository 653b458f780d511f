"""utils.word_vectors, exported from notebooks/w2a1_word_vectors.ipynb: similarity, analogies, debiasing."""

import inspect
import re

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


def test_cosine_of_a_zero_vector_is_an_error_not_a_number():
    with pytest.raises(ValueError, match="u is a zero vector"):
        wv.cosine_similarity(np.zeros(3), np.array([1.0, 2.0, 3.0]))


@pytest.mark.parametrize("scale", [1e-200, 1e-160, 1e160, 1e200])
def test_cosine_of_extremely_small_or_large_vectors_is_exact(scale):
    u, v = np.array([1.0, 2.0, 3.0]), np.array([-2.0, 0.5, 1.0])
    assert wv.cosine_similarity(scale * u, v) == pytest.approx(wv.cosine_similarity(u, v), abs=1e-12)


def test_cosine_is_a_python_float():
    assert type(wv.cosine_similarity(np.ones(3, dtype=np.float32), np.arange(1.0, 4.0))) is float


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


def test_an_unknown_word_is_also_a_value_error(frequent):
    with pytest.raises(ValueError, match="zorblax"):
        frequent[1].analogy("man", "woman", "zorblax")


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
            {"category": "toy", "word_a": "man", "word_b": "woman", "word_c": "boy", "word_d": "king"}]
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


# Bad input: each is refused with TypeError, ValueError (UnknownWordError is one) or FileNotFoundError, and a
# message naming the argument. Toy vectors keep these fast; `doctor` is the only neutral word.

TOY = {"man": np.array([1.0, 0.0, 0.2]), "woman": np.array([0.0, 1.0, 0.2]), "king": np.array([1.0, 0.1, 0.9]),
       "queen": np.array([0.1, 1.0, 0.9]), "boy": np.array([0.9, 0.1, -0.3]), "girl": np.array([0.1, 0.9, -0.3]),
       "doctor": np.array([0.5, 0.4, 0.6])}
G3 = TOY["woman"] - TOY["man"]
U = np.array([1.0, 2.0, -2.0])
INDEX = wv.WordIndex(list(TOY), np.stack(list(TOY.values())))
ROW = {"category": "toy", "word_a": "man", "word_b": "woman", "word_c": "boy", "word_d": "girl"}


def with_vector(word, vector):
    """TOY with one word's vector replaced (or added)."""
    return {**TOY, word: vector}


def csv_file(tmp_path, text, name="analogies.csv"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return str(path)


HEADER = "category,word_a,word_b,word_c,word_d\n"
BAD_INPUTS = {  # id: (call, error, a regular expression the message must match); tmp_path is pytest's
    # cosine_similarity
    "cosine: u zero": (lambda _: wv.cosine_similarity(np.zeros(3), U), ValueError, "u is a zero vector"),
    "cosine: v zero": (lambda _: wv.cosine_similarity(U, np.zeros(3)), ValueError, "v is a zero vector"),
    "cosine: u NaN": (lambda _: wv.cosine_similarity(np.array([1.0, np.nan, 0.0]), U), ValueError, "u has NaN"),
    "cosine: v inf": (lambda _: wv.cosine_similarity(U, np.array([1.0, np.inf, 0.0])), ValueError, "v has NaN or inf"),
    "cosine: (3,) and (3, 1)": (lambda _: wv.cosine_similarity(U, U[:, None]), ValueError, "v must have 1 axes"),
    "cosine: both (3, 1)": (lambda _: wv.cosine_similarity(U[:, None], U[:, None]), ValueError, "u must have 1 axes"),
    "cosine: lengths differ": (lambda _: wv.cosine_similarity(U, np.ones(4)), ValueError, "same shape"),
    "cosine: u a string": (lambda _: wv.cosine_similarity("abc", U), TypeError, "u must be a numeric array"),
    "cosine: v None": (lambda _: wv.cosine_similarity(U, None), TypeError, "v must be a numeric array"),
    "cosine: u words": (lambda _: wv.cosine_similarity(["a", "b", "c"], U), TypeError, "u must be a numeric array"),
    "cosine: empty": (lambda _: wv.cosine_similarity(np.array([]), np.array([])), ValueError, "u is empty"),
    "cosine: u a dict": (lambda _: wv.cosine_similarity({"x": 1.0}, U), TypeError, "u must be a numeric array"),
    # complete_analogy
    "complete_analogy: word_a None": (lambda _: wv.complete_analogy(None, "woman", "boy", TOY), TypeError, "word_a"),
    "complete_analogy: word_c a number": (lambda _: wv.complete_analogy("man", "woman", 3, TOY), TypeError, "word_c"),
    "complete_analogy: map a list": (lambda _: wv.complete_analogy("man", "woman", "boy", list(TOY)), TypeError,
                                     "word_to_vec_map must be a dict"),
    "complete_analogy: unknown word": (lambda _: wv.complete_analogy("man", "woman", "elf", TOY), ValueError, "'elf'"),
    "complete_analogy: word_a is word_b": (lambda _: wv.complete_analogy("man", "Man", "boy", TOY), ValueError,
                                           "same vector"),
    "complete_analogy: a (1,) vector": (lambda _: wv.complete_analogy("man", "woman", "boy", with_vector("x", np.ones(1))),
                                        ValueError, r"word_to_vec_map\['x'\] should have shape \(3\)"),
    "complete_analogy: a NaN vector": (lambda _: wv.complete_analogy("man", "woman", "boy",
                                                                     with_vector("x", np.array([np.nan, 0, 0]))),
                                       ValueError, r"word_to_vec_map\['x'\] has NaN"),
    "complete_analogy: a vector of words": (lambda _: wv.complete_analogy("man", "woman", "boy",
                                                                          with_vector("x", np.array(["a", "b", "c"]))),
                                            TypeError, r"word_to_vec_map\['x'\] must be a numeric array"),
    "complete_analogy: a query vector NaN": (lambda _: wv.complete_analogy("man", "woman", "boy",
                                                                           with_vector("man", np.array([np.nan, 0, 0]))),
                                             ValueError, r"word_to_vec_map\['man'\] has NaN"),
    "complete_analogy: a copy of word_c": (lambda _: wv.complete_analogy("man", "woman", "boy", with_vector("x", TOY["boy"])),
                                           ValueError, r"word_to_vec_map\['x'\] is the vector of word_c"),
    "complete_analogy: nothing else to answer": (lambda _: wv.complete_analogy(
        "man", "woman", "boy", {word: TOY[word] for word in ("man", "woman", "boy")}), ValueError, "no word besides"),
    # WordIndex
    "WordIndex: words a bare string": (lambda _: wv.WordIndex("abc", np.eye(3)), TypeError, "words must be a list"),
    "WordIndex: words not strings": (lambda _: wv.WordIndex(["a", 2, "c"], np.eye(3)), TypeError,
                                     "words must hold only strings"),
    "WordIndex: vectors 1-D": (lambda _: wv.WordIndex(["a", "b", "c"], np.ones(3)), ValueError, "vectors must have 2"),
    "WordIndex: vectors of words": (lambda _: wv.WordIndex(["a"], [["x", "y"]]), TypeError,
                                    "vectors must be a numeric array"),
    "WordIndex: one row short": (lambda _: wv.WordIndex(["a", "b", "c"], np.eye(3)[:2]), ValueError, "one row per word"),
    "WordIndex: repeated word": (lambda _: wv.WordIndex(["a", "b", "a"], np.eye(3)), ValueError, r"repeat.*'a'"),
    "WordIndex: zero row": (lambda _: wv.WordIndex(["a", "b"], [[1.0, 0.0], [0.0, 0.0]]), ValueError,
                            r"non-zero length.*'b'"),
    "WordIndex: NaN row": (lambda _: wv.WordIndex(["a", "b"], [[1.0, 0.0], [np.nan, 0.0]]), ValueError, "vectors has NaN"),
    "from_map: a list": (lambda _: wv.WordIndex.from_map(list(TOY)), TypeError, "word_to_vec_map must be a dict"),
    "from_map: empty": (lambda _: wv.WordIndex.from_map({}), ValueError, "word_to_vec_map is empty"),
    "from_map: mixed shapes": (lambda _: wv.WordIndex.from_map(with_vector("x", np.ones(4))), ValueError, "one shape"),
    "rows: a bare string": (lambda _: INDEX.rows("man"), TypeError, "words must be a list of strings"),
    "most_similar: word a number": (lambda _: INDEX.most_similar(3), TypeError, "word must be a string"),
    "most_similar: topn 0": (lambda _: INDEX.most_similar("man", topn=0), ValueError, "topn must be at least 1"),
    "most_similar: topn 2.5": (lambda _: INDEX.most_similar("man", topn=2.5), ValueError, "topn must be a whole number"),
    "most_similar: topn too large": (lambda _: INDEX.most_similar("man", topn=len(TOY)), ValueError, "at most 6"),
    "most_similar: unknown word": (lambda _: INDEX.most_similar("elf"), ValueError, "word: not in the index: 'elf'"),
    "analogy: unknown method": (lambda _: INDEX.analogy("man", "woman", "boy", method="3cosdiv"), ValueError,
                                "method must be one of"),
    "analogy: word_b None": (lambda _: INDEX.analogy("man", None, "boy"), TypeError, "word_b must be a string"),
    "analogy: word_a is word_b": (lambda _: INDEX.analogy("man", "man", "boy"), ValueError, "no relation"),
    "analogies: a bare string": (lambda _: INDEX.analogies("man woman boy"), TypeError, "queries must be a list"),
    "analogies: a dict": (lambda _: INDEX.analogies({"man": "woman"}), TypeError, "queries must be a list"),
    "analogies: two words": (lambda _: INDEX.analogies([("man", "woman"), ("king", "queen", "boy")]), ValueError,
                             r"queries\[0\] must be three words"),
    "analogies: four words": (lambda _: INDEX.analogies([("man", "woman", "boy"), ("man", "woman", "boy", "girl")]),
                              ValueError, r"queries\[1\] must be three words"),
    "analogies: a query as a string": (lambda _: INDEX.analogies(["abc"]), TypeError, r"queries\[0\].*single string"),
    "analogies: batch_size 0": (lambda _: INDEX.analogies([("man", "woman", "boy")], batch_size=0), ValueError,
                                "batch_size must be at least 1"),
    "analogies: batch_size 1.5": (lambda _: INDEX.analogies([("man", "woman", "boy")], batch_size=1.5), ValueError,
                                  "batch_size must be a whole number"),
    "analogies: unknown method, no queries": (lambda _: INDEX.analogies([], method="3cosdiv"), ValueError,
                                              "method must be one of"),
    # read_analogies and analogy_accuracy
    "read_analogies: missing file": (lambda _: wv.read_analogies("no_such.csv"), FileNotFoundError, "no_such.csv"),
    "read_analogies: a folder": (lambda tmp_path: wv.read_analogies(str(tmp_path)), FileNotFoundError, "is a folder"),
    "read_analogies: name None": (lambda _: wv.read_analogies(None), TypeError, "name must be a string"),
    "read_analogies: a column missing": (lambda tmp_path: wv.read_analogies(csv_file(tmp_path, "word_a,word_b\na,b\n")),
                                         ValueError, r"lacks the columns \['category', 'word_c', 'word_d'\]"),
    "read_analogies: an empty field": (lambda tmp_path: wv.read_analogies(csv_file(
        tmp_path, HEADER + "toy,man,woman,boy,girl\ntoy,man,woman,,girl\n")), ValueError, r"line 3: empty \['word_c'\]"),
    "read_analogies: an extra field": (lambda tmp_path: wv.read_analogies(csv_file(
        tmp_path, HEADER + "toy,man,woman,boy,girl,extra\n")), ValueError, "line 2: more than 5 fields"),
    "read_analogies: no rows": (lambda tmp_path: wv.read_analogies(csv_file(tmp_path, HEADER)), ValueError,
                                "holds no analogies"),
    "read_analogies: not text": (lambda tmp_path: wv.read_analogies(csv_file(tmp_path, b"\xff\xfe\x00\x81" * 20)),
                                 ValueError, "not UTF-8 text"),
    "analogy_accuracy: index a dict": (lambda _: wv.analogy_accuracy(TOY, [ROW], "3cosadd"), TypeError,
                                       "index must be a WordIndex"),
    "analogy_accuracy: analogies a dict": (lambda _: wv.analogy_accuracy(INDEX, ROW, "3cosadd"), TypeError,
                                           "analogies must be a list"),
    "analogy_accuracy: no analogies": (lambda _: wv.analogy_accuracy(INDEX, [], "3cosadd"), ValueError,
                                       "analogies is empty"),
    "analogy_accuracy: a key missing": (lambda _: wv.analogy_accuracy(INDEX, [{"word_a": "man"}], "3cosadd"),
                                        ValueError, r"analogies\[0\] lacks the keys"),
    "analogy_accuracy: word_d unknown": (lambda _: wv.analogy_accuracy(INDEX, [{**ROW, "word_d": "elf"}], "3cosadd"),
                                         ValueError, "word_d of analogies: not in the index: 'elf'"),
    "analogy_accuracy: unknown method": (lambda _: wv.analogy_accuracy(INDEX, [ROW], "best"), ValueError,
                                         "method must be one of"),
    # unit_vector, projection, definitional_direction
    "unit_vector: zero": (lambda _: wv.unit_vector(np.zeros(3)), ValueError, "e is a zero vector"),
    "unit_vector: 2-D": (lambda _: wv.unit_vector(np.ones((2, 3))), ValueError, "e must have 1 axes"),
    "unit_vector: NaN": (lambda _: wv.unit_vector(np.array([np.nan, 1.0])), ValueError, "e has NaN"),
    "projection: zero axis": (lambda _: wv.projection(U, np.zeros(3)), ValueError, "axis is a zero vector"),
    "projection: lengths differ": (lambda _: wv.projection(U, np.ones(4)), ValueError, "axis should have shape"),
    "projection: e (3, 1)": (lambda _: wv.projection(U[:, None], U), ValueError, "e must have 1 axes"),
    "definitional_direction: a bare string": (lambda _: wv.definitional_direction("manwoman", TOY), TypeError,
                                              "pairs must be a list"),
    "definitional_direction: no pairs": (lambda _: wv.definitional_direction([], TOY), ValueError, "pairs is empty"),
    "definitional_direction: three words": (lambda _: wv.definitional_direction([("man", "woman", "boy")], TOY),
                                            ValueError, r"pairs\[0\] must be two different words"),
    "definitional_direction: a pair as a string": (lambda _: wv.definitional_direction(["ab"], TOY), TypeError,
                                                   r"pairs\[0\].*single string"),
    "definitional_direction: one word twice": (lambda _: wv.definitional_direction([("woman", "man"), ("man", "man")],
                                                                                    TOY),
                                               ValueError, r"pairs\[1\] must be two different words"),
    "definitional_direction: unknown word": (lambda _: wv.definitional_direction([("woman", "elf")], TOY), ValueError,
                                             "'elf'"),
    # neutralize
    "neutralize: word a list": (lambda _: wv.neutralize(["doctor"], G3, TOY), TypeError, "word must be a string"),
    "neutralize: g zero": (lambda _: wv.neutralize("doctor", np.zeros(3), TOY), ValueError, "g is a zero vector"),
    "neutralize: g too short": (lambda _: wv.neutralize("doctor", G3[:2], TOY), ValueError, "g should have shape"),
    "neutralize: g (3, 1)": (lambda _: wv.neutralize("doctor", G3[:, None], TOY), ValueError, "g must have 1 axes"),
    "neutralize: g NaN": (lambda _: wv.neutralize("doctor", np.array([np.nan, 1.0, 0.0]), TOY), ValueError, "g has NaN"),
    "neutralize: g a string": (lambda _: wv.neutralize("doctor", "woman - man", TOY), TypeError,
                               "g must be a numeric array"),
    "neutralize: map a list": (lambda _: wv.neutralize("doctor", G3, list(TOY)), TypeError,
                               "word_to_vec_map must be a dict"),
    "neutralize: unknown word": (lambda _: wv.neutralize("elf", G3, TOY), ValueError, "word: not in word_to_vec_map"),
    "neutralize: the word's vector (1,)": (lambda _: wv.neutralize("doctor", G3, with_vector("doctor", np.ones(1))),
                                           ValueError, "g should have shape"),
    # equalize
    "equalize: pair a bare string": (lambda _: wv.equalize("ab", G3, TOY), TypeError, "pair must be a list of strings"),
    "equalize: three words": (lambda _: wv.equalize(("man", "woman", "boy"), G3, TOY), ValueError,
                              "pair must be two different words"),
    "equalize: one word twice": (lambda _: wv.equalize(("man", "man"), G3, TOY), ValueError,
                                 "pair must be two different words"),
    "equalize: bias_axis zero": (lambda _: wv.equalize(("man", "woman"), np.zeros(3), TOY), ValueError,
                                 "bias_axis is a zero vector"),
    "equalize: bias_axis too long": (lambda _: wv.equalize(("man", "woman"), np.ones(4), TOY), ValueError,
                                     "bias_axis should have shape"),
    "equalize: bias_axis NaN": (lambda _: wv.equalize(("man", "woman"), np.array([np.nan, 1.0, 0.0]), TOY), ValueError,
                                "bias_axis has NaN"),
    "equalize: unknown word": (lambda _: wv.equalize(("man", "elf"), G3, TOY), ValueError, "pair: not in word_to_vec_map"),
    "equalize: a zero vector": (lambda _: wv.equalize(("man", "woman"), G3, with_vector("man", np.zeros(3))), ValueError,
                                r"word_to_vec_map\['man'\] is a zero vector"),
}


@pytest.mark.parametrize("call, error, message", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_gets_a_clear_error_naming_the_argument(call, error, message, tmp_path):
    with pytest.raises(error, match=message):
        call(tmp_path)


def test_bad_input_messages_never_come_from_inside_numpy():
    for call, _, _ in BAD_INPUTS.values():
        try:
            call(None)
        except Exception as error:  # noqa: BLE001 - any exception is inspected
            assert not re.search(r"broadcast|operands|ufunc|zero-size|not aligned", str(error)), str(error)
