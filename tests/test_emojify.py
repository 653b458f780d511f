"""Emojify (notebooks/w2a2_emojify.ipynb): the data set's rules, the exported functions and `utils.emojify.predict`."""

import inspect

import numpy as np
import pytest

from tools import emojify_data
from utils import emojify
from utils import emojify_models as em

COURSE_SIGNATURES = {
    "sentence_to_avg": ["sentence", "word_to_vec_map"],
    "model": ["X", "Y", "word_to_vec_map", "learning_rate", "num_iterations"],
    "sentences_to_indices": ["X", "word_to_index", "max_len"],
    "pretrained_embedding_layer": ["word_to_vec_map", "word_to_index"],
    "Emojify_V2": ["input_shape", "word_to_vec_map", "word_to_index"],
}


@pytest.fixture(scope="module")
def tiny():
    """A 4-dimensional toy vocabulary: word_to_vec_map and the 1-based word_to_index the model uses."""
    words = ["i", "love", "pizza", "not", "happy"]
    vectors = np.arange(20, dtype=np.float32).reshape(5, 4)
    return dict(zip(words, vectors)), em.index_from_one({w: i for i, w in enumerate(words)})


@pytest.mark.parametrize("name, parameters", COURSE_SIGNATURES.items())
def test_course_signatures_are_kept(name, parameters):
    assert list(inspect.signature(getattr(em, name)).parameters) == parameters


def test_data_set_follows_its_rules():
    assert emojify_data.problems() == []


def test_data_set_sizes_and_labels():
    X_train, Y_train = emojify.load_dataset("train")
    X_dev, Y_dev = emojify.load_dataset("dev")
    X_test, Y_test = emojify.load_dataset("test")
    assert len(X_train) >= 500 and len(X_dev) >= 150 and len(X_test) >= 150
    assert set(Y_train) == set(Y_dev) == set(Y_test) == set(range(5))
    assert not set(X_train) & set(X_dev) and not set(X_train) & set(X_test) and not set(X_dev) & set(X_test)
    assert max(len(s.split()) for s in X_train) == emojify.MAX_LEN


def test_load_dataset_rejects_an_unknown_split():
    with pytest.raises(ValueError, match="split"):
        emojify.load_dataset("validation")


def test_sentence_to_avg_averages_known_words_and_skips_unknown_ones(tiny):
    word_to_vec_map, _ = tiny
    expected = (word_to_vec_map["love"] + word_to_vec_map["pizza"]) / 2
    np.testing.assert_allclose(em.sentence_to_avg("Love qwzxv PIZZA", word_to_vec_map), expected)


@pytest.mark.parametrize("sentence", ["", "qwzxv blorptastic"])
def test_sentence_to_avg_is_zero_when_no_word_is_known(tiny, sentence):
    avg = em.sentence_to_avg(sentence, tiny[0])
    assert avg.shape == (4,) and not avg.any()


def test_sentences_to_indices_pads_with_zeros_and_skips_unknown_words(tiny):
    _, word_to_index = tiny
    indices = em.sentences_to_indices(["i qwzxv love pizza", "happy"], word_to_index, 5)
    assert indices.shape == (2, 5) and indices.dtype == np.int32
    assert indices.tolist() == [[1, 2, 3, 0, 0], [5, 0, 0, 0, 0]]


def test_sentences_to_indices_truncates_long_sentences(tiny):
    indices = em.sentences_to_indices(["i love pizza not happy"], tiny[1], 3)
    assert indices.tolist() == [[1, 2, 3]]


def test_sentences_to_indices_rejects_a_zero_length(tiny):
    with pytest.raises(ValueError, match="max_len"):
        em.sentences_to_indices(["i love pizza"], tiny[1], 0)


def test_embedding_layer_is_frozen_with_a_zero_padding_row(tiny):
    word_to_vec_map, word_to_index = tiny
    layer = em.pretrained_embedding_layer(word_to_vec_map, word_to_index)
    table = layer.get_weights()[0]
    assert table.shape == (6, 4)
    assert not layer.trainable and layer.trainable_weights == []
    assert not table[0].any()
    np.testing.assert_allclose(table[word_to_index["pizza"]], word_to_vec_map["pizza"])


def test_emojify_v2_maps_indices_to_probabilities(tiny):
    model = em.Emojify_V2((7,), *tiny)
    probabilities = np.asarray(model(em.sentences_to_indices(["i love pizza", ""], tiny[1], 7)))
    assert probabilities.shape == (2, 5)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1, rtol=1e-5)


def test_v1_model_learns_a_separable_toy_problem():
    word_to_vec_map = {"red": np.eye(5)[0], "blue": np.eye(5)[1], "green": np.eye(5)[2], "gold": np.eye(5)[3],
                       "grey": np.eye(5)[4]}
    X = np.array(list(word_to_vec_map) * 4)
    Y = np.tile(np.arange(5), 4)
    pred, W, b = em.model(X, Y, word_to_vec_map, learning_rate=0.5, num_iterations=100)
    assert W.shape == (5, 5) and b.shape == (5,)
    assert (pred == Y).all()


def test_per_class_scores_match_a_hand_count():
    precision, recall, f1 = em.per_class_scores([0, 0, 1, 2], [0, 1, 1, 1], n_classes=3)
    np.testing.assert_allclose(precision, [1, 1 / 3, 0])
    np.testing.assert_allclose(recall, [0.5, 1, 0])
    np.testing.assert_allclose(f1, [2 / 3, 0.5, 0])


def test_clean_writes_out_contractions_and_drops_punctuation():
    assert emojify.clean("I'm SO hungry, can't wait!!") == "i am so hungry can not wait"


def test_predict_labels_clear_sentences():
    sentences = ["i love you so much", "the pitcher threw a strike", "this is wonderful news",
                 "i failed my exam and feel awful", "let us cook pasta for dinner"]
    right = np.array(emojify.predict(sentences)) == np.arange(5)
    assert right.sum() >= 4  # the wiring (labels in the right order); a retrained model may miss one (an earlier
    # one read "i failed my exam and feel awful" as joy). The dev and test scores below measure quality.


# The notebook reports the exact figures with the shipped weights: test 0.837, dev 0.860 (the weights shipped before
# the dev set existed scored 0.772 on it).
@pytest.mark.parametrize("split, floor", [("test", 0.82), ("dev", 0.84)])
def test_predict_matches_the_shipped_score(split, floor):
    X, Y = emojify.load_dataset(split)
    accuracy = np.mean(np.array(emojify.predict(list(X))) == Y)
    assert accuracy >= floor


def test_predict_handles_unknown_words_empty_and_long_sentences():
    long_sentence = "pizza " * 40
    labels = emojify.predict(["qwzxv blorptastic", "", long_sentence, "pizza"])
    assert all(label in range(5) for label in labels)
    assert labels[2] == emojify.predict(["pizza " * emojify.MAX_LEN])[0]  # truncated to MAX_LEN words
    assert emojify.predict([]) == []


@pytest.mark.parametrize("bad", ["i love you", [1, 2], None, ["ok", b"bytes"]])
def test_predict_rejects_anything_but_a_list_of_strings(bad):
    with pytest.raises(TypeError, match="list of strings|must all be strings"):
        emojify.predict(bad)


def test_label_to_emoji():
    assert [emojify.label_to_emoji(c) for c in range(5)] == ["❤️", "⚾", "😄", "😞", "🍴"]
    with pytest.raises(ValueError):
        emojify.label_to_emoji(7)
