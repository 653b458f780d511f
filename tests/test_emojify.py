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


def test_train_v2_keeps_the_weights_of_the_lowest_dev_loss(tiny):
    word_to_vec_map, word_to_index = tiny
    X = ["i love pizza", "not happy", "i love", "happy happy", "pizza pizza", "not pizza", "love not", "i happy"]
    Y = [0, 3, 0, 2, 4, 4, 3, 2]
    em.keras.utils.set_random_seed(0)
    model = em.Emojify_V2((4,), word_to_vec_map, word_to_index)
    history = em.train_v2(model, X, Y, X[::-1], Y[::-1], word_to_index, 4, epochs=8, batch_size=4, patience=2,
                          learning_rate=0.05)
    dev_loss = history.history["val_loss"]
    assert len(dev_loss) <= 8
    indices = em.sentences_to_indices(X[::-1], word_to_index, 4)
    restored = model.evaluate(indices, np.eye(5)[Y[::-1]], verbose=0)[0]
    assert restored == pytest.approx(min(dev_loss), rel=1e-4)


def test_experiment_subsets_are_nested_and_keep_the_class_proportions():
    from tools.emojify_experiments import nested_subsets

    Y = np.repeat(np.arange(5), [40, 40, 80, 80, 40])
    subsets = nested_subsets(Y, fractions=(0.25, 0.5, 1.0))
    assert set(subsets[0.25]) <= set(subsets[0.5]) <= set(subsets[1.0]) == set(range(len(Y)))
    assert np.bincount(Y[subsets[0.25]]).tolist() == [10, 10, 20, 20, 10]


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


def test_clean_keeps_accented_letters_without_their_accents():
    assert emojify.clean("Café au lait, crème brûlée and a NAÏVE jalapeño") == \
        "cafe au lait creme brulee and a naive jalapeno"


def test_clean_refuses_what_is_not_a_string():
    with pytest.raises(TypeError, match="sentence"):
        emojify.clean(["not", "a", "string"])


def test_predict_labels_clear_sentences():
    sentences = ["i love you so much", "the pitcher threw a strike", "this is wonderful news",
                 "i failed my exam and feel awful", "let us cook pasta for dinner"]
    right = np.array(emojify.predict(sentences)) == np.arange(5)
    assert right.sum() >= 4  # the wiring (labels in the right order); a retrained model may miss one (an earlier
    # one read "i failed my exam and feel awful" as joy). The dev and test scores below measure quality.


# The notebook reports the exact figures with the shipped weights: test 0.826, dev 0.844 (early stopping on the dev
# loss, after the near-duplicates of dev and test sentences left the training set).
@pytest.mark.parametrize("split, floor", [("test", 0.82), ("dev", 0.84)])
def test_predict_matches_the_shipped_score(split, floor):
    X, Y = emojify.load_dataset(split)
    accuracy = np.mean(np.array(emojify.predict(list(X))) == Y)
    assert accuracy >= floor


def test_predict_truncates_long_sentences_to_max_len():
    labels = emojify.predict(["pizza " * 40, "pizza"])
    assert labels[0] == emojify.predict(["pizza " * emojify.MAX_LEN])[0]
    assert emojify.predict([]) == []


@pytest.mark.parametrize("kind", [list, tuple, np.array])
def test_predict_takes_lists_tuples_and_arrays_of_strings(kind):
    X, _ = emojify.load_dataset("dev")  # a numpy array of str, as load_dataset gives it
    assert emojify.predict(kind(list(X[:5]))) == emojify.predict(list(X[:5]))


@pytest.mark.parametrize("message", ["", "!!! ???", "qwzxv blorptastic", "привет"])
def test_predict_refuses_a_message_with_no_known_word_and_names_it(message):
    with pytest.raises(ValueError, match="no word the model knows.*position 1"):
        emojify.predict(["i love you", message])


def test_predict_gives_none_for_unreadable_messages_when_coerced():
    labels = emojify.predict(["qwzxv", "i love you so much", ""], errors="coerce")
    assert labels[0] is None and labels[2] is None and labels[1] in range(5)


def test_predict_refuses_an_unknown_errors_mode():
    with pytest.raises(ValueError, match="errors"):
        emojify.predict(["i love you"], errors="ignore")


def test_label_to_emoji():
    assert [emojify.label_to_emoji(c) for c in range(5)] == ["❤️", "⚾", "😄", "😞", "🍴"]
    assert emojify.label_to_emoji(np.int64(4)) == emojify.label_to_emoji(4.0) == "🍴"


@pytest.mark.parametrize("label, error", [(7, ValueError), (-1, ValueError), (2.5, ValueError), ("2", TypeError),
                                          (True, TypeError), (None, TypeError)])
def test_label_to_emoji_refuses_what_is_not_a_label(label, error):
    with pytest.raises(error, match="label"):
        emojify.label_to_emoji(label)


# ---- the data checker's near-duplicate rule ----

@pytest.mark.parametrize("a, b, similar", [
    ("take care of yourself my dear", "please take care of yourself my dear", True),  # a word added
    ("our dragon boat crew paddles in perfect rhythm", "our dragon boat crew paddled in perfect rhythm", True),
    ("the storm missed our town completely", "The storm missed our town!", True),  # compared after clean
    ("i feel so sad today", "i feel so upbeat today", False),  # a minimal pair that flips the meaning
    ("i am peckish", "i am peckish any crisps in the cupboard", False),  # a short sentence inside a long one
])
def test_near_duplicate_rule(a, b, similar):
    assert (emojify_data.jaccard(a, b) >= emojify_data.NEAR_DUPLICATE) == similar


def test_the_checker_reports_a_near_duplicate_across_splits(monkeypatch):
    real = emojify_data.read_rows

    def with_a_near_copy(split):
        header, rows = real(split)
        if split == "train":
            _, test_rows = real("test")
            rows = rows + [["so " + test_rows[0][0], test_rows[0][1]]]  # one word added to a test sentence
        return header, rows

    monkeypatch.setattr(emojify_data, "read_rows", with_a_near_copy)
    found = [line for line in emojify_data.problems() if "near-duplicates" in line]
    assert len(found) == 1 and "train line" in found[0] and "test line 2" in found[0]


def test_no_training_sentence_is_a_near_duplicate_of_a_dev_or_test_one():
    assert emojify_data.near_duplicates() == []


# ---- bad input to the exported functions: a ValueError or TypeError that names the argument ----

@pytest.mark.parametrize("y_true, y_pred, name", [
    ([0, 1, 2], [0, 1], "y_true"),  # different lengths (broadcasting would hide it)
    ([0, 1], [0, 5], "y_pred"),  # a label out of range
    ([0, -1], [0, 1], "y_true"),  # -1 would wrap round to class 4
    ([0.5, 1], [0, 1], "y_true"),
])
def test_scores_refuse_mismatched_or_impossible_labels(y_true, y_pred, name):
    for scorer in (em.confusion_matrix, em.per_class_scores):
        with pytest.raises(ValueError, match=name):
            scorer(y_true, y_pred)


@pytest.mark.parametrize("Y", [[0, 1, -1], [0, 1, 5], [0, 1]])
def test_v1_model_refuses_labels_that_would_train_as_another_class(tiny, Y):
    with pytest.raises(ValueError, match="Y"):
        em.model(["i love pizza", "not happy", "i love"], Y, tiny[0], num_iterations=1)


def test_embedding_layer_refuses_a_zero_based_word_index(tiny):
    word_to_vec_map, word_to_index = tiny
    zero_based = {word: index - 1 for word, index in word_to_index.items()}  # "i" at 0 would be masked as padding
    with pytest.raises(ValueError, match="word_to_index.*index_from_one"):
        em.pretrained_embedding_layer(word_to_vec_map, zero_based)


def test_sentences_to_indices_refuses_a_zero_based_word_index(tiny):
    zero_based = {word: index - 1 for word, index in tiny[1].items()}
    with pytest.raises(ValueError, match="padding"):
        em.sentences_to_indices(["i love pizza"], zero_based, 5)


def test_predict_v2_refuses_a_bare_string(tiny):
    model = em.Emojify_V2((7,), *tiny)
    with pytest.raises(TypeError, match="X.*single string"):
        em.predict_v2("i love pizza", model, tiny[1], 7)


def test_predict_v2_refuses_a_max_len_the_model_does_not_read(tiny):
    model = em.Emojify_V2((7,), *tiny)
    with pytest.raises(ValueError, match="max_len"):
        em.predict_v2(["i love pizza"], model, tiny[1], 5)


BAD_INPUTS = [  # (function, arguments, error, a word the message must contain)
    ("sentence_to_avg", lambda t: (["i", "love"], t[0]), TypeError, "sentence"),
    ("sentence_to_avg", lambda t: ("i love", {}), TypeError, "word_to_vec_map"),
    ("sentence_to_avg", lambda t: ("i love", [1, 2]), TypeError, "word_to_vec_map"),
    ("model", lambda t: ("i love pizza", [0], t[0]), TypeError, "X"),
    ("model", lambda t: (["i love"], [0], t[0], -0.1), ValueError, "learning_rate"),
    ("model", lambda t: (["i love"], [0], t[0], 0.01, 0), ValueError, "num_iterations"),
    ("model", lambda t: (["i love"], ["0"], t[0]), TypeError, "Y"),
    ("predict_v1", lambda t: (["i love"], np.zeros((5, 3)), np.zeros(5), t[0]), ValueError, "W"),
    ("predict_v1", lambda t: (["i love"], np.zeros((5, 4)), np.zeros((5, 1)), t[0]), ValueError, "b"),
    ("predict_v1", lambda t: ("i love", np.zeros((5, 4)), np.zeros(5), t[0]), TypeError, "X"),
    ("confusion_matrix", lambda t: ([0, 1], [0, 1], 0), ValueError, "n_classes"),
    ("confusion_matrix", lambda t: ("01", [0, 1]), TypeError, "y_true"),
    ("per_class_scores", lambda t: ([0, 1], [[0, 1]]), ValueError, "y_pred"),
    ("sentences_to_indices", lambda t: ("i love", t[1], 5), TypeError, "X"),
    ("sentences_to_indices", lambda t: (["i love"], t[1], 2.5), ValueError, "max_len"),
    ("sentences_to_indices", lambda t: (["i love"], t[1], "5"), TypeError, "max_len"),
    ("sentences_to_indices", lambda t: (["i love"], ["i", "love"], 5), TypeError, "word_to_index"),
    ("sentences_to_indices", lambda t: ([["i", "love"]], t[1], 5), TypeError, "X"),
    ("pretrained_embedding_layer", lambda t: (t[0], {**t[1], "pizza": 1}), ValueError, "word_to_index"),
    ("pretrained_embedding_layer", lambda t: (t[0], {**t[1], "zebra": 6}), ValueError, "word_to_vec_map"),
    ("pretrained_embedding_layer", lambda t: (t[0], em.index_from_one(t[1])), ValueError, "word_to_index"),
    ("Emojify_V2", lambda t: (7, *t), TypeError, "input_shape"),
    ("Emojify_V2", lambda t: ((0,), *t), ValueError, "input_shape"),
    ("trainable_head", lambda t: ("model",), TypeError, "model"),
    ("load_head_weights", lambda t: (None, "/nonexistent/emojify.weights.h5"), FileNotFoundError, "weights"),
    ("save_head_weights", lambda t: (None, "/tmp/emojify.h5"), ValueError, "weights.h5"),
    ("predict_v2", lambda t: (["i love"], "model", t[1], 7), TypeError, "model"),
    ("train_v2", lambda t: (V2(t), ["i love"], [0, 1], ["pizza"], [4], t[1], 7), ValueError, "X_train"),
    ("train_v2", lambda t: (V2(t), ["i love"], [0], ["pizza"], [-1], t[1], 7), ValueError, "Y_dev"),
    ("train_v2", lambda t: (V2(t), ["i love"], [0], ["pizza"], [4], t[1], 7, 0), ValueError, "epochs"),
    ("train_v2", lambda t: (V2(t), ["i love"], [0], ["pizza"], [4], t[1], 7, 5, 32, 0.5), ValueError, "patience"),
    ("train_v2", lambda t: ("model", ["i love"], [0], ["pizza"], [4], t[1], 7), TypeError, "model"),
    ("train_v2", lambda t: (V2(t), ["i love"], [0], ["pizza"], [4], t[1], 5), ValueError, "max_len"),
    ("sentences_to_indices", lambda t: (["i love"], {"i": "1", "love": 2}, 5), ValueError, "word_to_index"),
    ("sentence_to_avg", lambda t: ("i", {"i": "vector"}), TypeError, "word_to_vec_map"),
    ("predict_v1", lambda t: ([], np.zeros((5, 4)), np.zeros(5), t[0]), ValueError, "X"),
]


def V2(tiny):
    """A small V2 that reads rows of 7 word indices."""
    return em.Emojify_V2((7,), *tiny)


@pytest.mark.parametrize("name, arguments, error, word", BAD_INPUTS,
                         ids=[f"{b[0]}-{i}" for i, b in enumerate(BAD_INPUTS)])
def test_exported_functions_name_the_bad_argument(tiny, name, arguments, error, word):
    with pytest.raises(error, match=word):
        getattr(em, name)(*arguments(tiny))


@pytest.mark.parametrize("call, error, word", [
    (lambda: emojify.load_dataset("validation"), ValueError, "split"),
    (lambda: emojify.load_dataset(["train"]), ValueError, "split"),
    (lambda: emojify.clean(None), TypeError, "sentence"),
    (lambda: emojify.predict("i love you"), TypeError, "single string"),
    (lambda: emojify.predict(np.array([["i love you"]])), ValueError, "1-D"),
    (lambda: emojify.predict([1, 2]), TypeError, "strings"),
    (lambda: emojify.predict(None), TypeError, "sentences"),
    (lambda: emojify.predict({"i love you"}), TypeError, "sentences"),
    (lambda: emojify.predict(["i love you"], errors=None), ValueError, "errors"),
    (lambda: emojify.label_to_emoji("heart"), TypeError, "label"),
])
def test_public_functions_name_the_bad_argument(call, error, word):
    with pytest.raises(error, match=word):
        call()
