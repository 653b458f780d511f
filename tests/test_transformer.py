"""utils.transformer (exported from notebooks/w4a1_transformer.ipynb): positional encoding, masks, attention, the
course's layers and Transformer, and the date translator's teacher forcing and greedy decoding.

Every check is a property (an identity, agreement with numpy or Keras, causality, shapes), never a stored float that
depends on the random generator or on the order in which layers were created."""

import math

import numpy as np
import pytest

from utils import dates
from utils.dates import (
    HUMAN_VOCAB,
    MACHINE_VOCAB,
    MODELS,
    Tx,
    Ty,
    load_dataset,
    load_translator,
    preprocess_data,
    split_dataset,
    translate,
)
from utils.transformer import (
    DateTransformer,
    Decoder,
    DecoderLayer,
    Encoder,
    EncoderLayer,
    FullyConnected,
    Transformer,
    create_look_ahead_mask,
    create_padding_mask,
    date_transformer,
    get_angles,
    greedy_decode,
    keras,
    ops,
    positional_encoding,
    scaled_dot_product_attention,
    shift_right,
)

rng = np.random.default_rng(0)
START = len(MACHINE_VOCAB)


def numpy_of(x):
    return ops.convert_to_numpy(x)


@pytest.fixture(scope="module")
def small_transformer():
    return Transformer(num_layers=2, embedding_dim=16, num_heads=4, fully_connected_dim=32, input_vocab_size=40,
                       target_vocab_size=12, max_positional_encoding_input=Tx, max_positional_encoding_target=Ty)


@pytest.fixture(scope="module")
def date_model():
    return date_transformer()


# Positional encoding


def test_get_angles_pairs_columns_and_starts_at_zero():
    angles = get_angles(np.arange(6)[:, np.newaxis], np.arange(10)[np.newaxis, :], 10)
    assert angles.shape == (6, 10)
    assert np.array_equal(angles[:, 0::2], angles[:, 1::2])
    assert not angles[0].any()
    assert np.allclose(angles[1, 2::2] / angles[1, 0:-2:2], 10000 ** (-2 / 10))


def test_positional_encoding_shape_dtype_and_sin_cos_columns():
    encoding = positional_encoding(20, 12)
    assert tuple(encoding.shape) == (1, 20, 12)
    assert keras.backend.standardize_dtype(encoding.dtype) == "float32"
    pe = numpy_of(encoding)[0]
    angles = get_angles(np.arange(20)[:, np.newaxis], np.arange(12)[np.newaxis, :], 12)
    assert np.allclose(pe[:, 0::2], np.sin(angles[:, 0::2]), atol=1e-6)
    assert np.allclose(pe[:, 1::2], np.cos(angles[:, 1::2]), atol=1e-6)


@pytest.mark.parametrize("d", [8, 50, 64])
def test_every_position_has_norm_sqrt_half_d(d):
    pe = numpy_of(positional_encoding(40, d))[0]
    assert np.allclose(np.linalg.norm(pe, axis=1), math.sqrt(d / 2), atol=1e-5)


def test_distance_between_positions_depends_only_on_their_offset():
    pe = numpy_of(positional_encoding(40, 32))[0]
    distance = np.linalg.norm(pe[:, np.newaxis] - pe[np.newaxis], axis=-1)
    for offset in range(40):
        assert np.allclose(np.diagonal(distance, offset), distance[0, offset], atol=1e-4)
    assert distance[0, 1] > 0  # and different positions are not all alike


# Masks (1 = keep, 0 = hide, the convention of Keras' MultiHeadAttention)


def test_padding_mask_keeps_tokens_and_hides_padding():
    mask = numpy_of(create_padding_mask(np.array([[7, 6, 0, 0, 0], [1, 2, 3, 0, 4]])))
    assert mask.shape == (2, 1, 5)
    assert np.array_equal(mask[:, 0], [[1, 1, 0, 0, 0], [1, 1, 1, 0, 1]])


def test_padding_mask_with_another_padding_token():
    pad = HUMAN_VOCAB["<pad>"]
    mask = numpy_of(create_padding_mask(np.array([[0, 5, pad, pad]]), pad_id=pad))
    assert np.array_equal(mask[0, 0], [1, 1, 0, 0])  # token 0 is a real character here


def test_look_ahead_mask_is_lower_triangular_with_a_batch_axis():
    mask = numpy_of(create_look_ahead_mask(4))
    assert mask.shape == (1, 4, 4)
    assert np.array_equal(mask[0], np.tril(np.ones((4, 4))))


# Scaled dot-product attention


def attention_numpy(q, k, v, mask):
    logits = q @ np.swapaxes(k, -1, -2) / np.sqrt(k.shape[-1]) + (1 - mask) * -1e9
    weights = np.exp(logits - logits.max(axis=-1, keepdims=True))
    weights /= weights.sum(axis=-1, keepdims=True)
    return weights @ v, weights


@pytest.fixture(scope="module")
def qkv():
    q, k, v = (rng.normal(size=(3, n, 8)).astype("float32") for n in (4, 6, 6))
    mask = np.ones((3, 1, 6), dtype="float32")
    mask[0, 0, 4:] = 0
    mask[2, 0, 1] = 0
    return q, k, v, mask


def test_attention_agrees_with_numpy(qkv):
    q, k, v, mask = qkv
    output, weights = map(numpy_of, scaled_dot_product_attention(q, k, v, mask))
    expected_output, expected_weights = attention_numpy(q, k, v, mask)
    assert output.shape == (3, 4, 8) and weights.shape == (3, 4, 6)
    assert np.allclose(output, expected_output, atol=1e-5)
    assert np.allclose(weights, expected_weights, atol=1e-6)


def test_attention_weights_sum_to_one_and_masked_keys_get_almost_none(qkv):
    q, k, v, mask = qkv
    weights = numpy_of(scaled_dot_product_attention(q, k, v, mask)[1])
    assert np.allclose(weights.sum(axis=-1), 1, atol=1e-6)
    assert weights[0, :, 4:].max() < 1e-6 and weights[2, :, 1].max() < 1e-6


def test_attention_without_a_mask_looks_everywhere(qkv):
    q, k, v, _ = qkv
    weights = numpy_of(scaled_dot_product_attention(q, k, v, None)[1])
    assert np.allclose(weights, attention_numpy(q, k, v, np.ones((1, 1, 6)))[1], atol=1e-6)
    assert weights.min() > 0


def test_attention_agrees_with_keras_multi_head_attention_with_identity_projections(qkv):
    q, k, v, mask = qkv
    d = q.shape[-1]
    mha = keras.layers.MultiHeadAttention(num_heads=1, key_dim=d, use_bias=False)
    mha(q, v, k)
    identity = np.eye(d, dtype="float32")
    projections = {"query": identity[:, np.newaxis], "key": identity[:, np.newaxis], "value": identity[:, np.newaxis],
                   "attention_output": identity[np.newaxis]}
    for weight in mha.weights:
        weight.assign(projections[weight.path.split("/")[-2]])
    keras_output, keras_weights = mha(q, v, k, attention_mask=mask.astype(bool), return_attention_scores=True)
    output, weights = map(numpy_of, scaled_dot_product_attention(q, k, v, mask))
    assert np.allclose(numpy_of(keras_weights)[:, 0], weights, atol=1e-6)
    assert np.allclose(numpy_of(keras_output), output, atol=1e-5)


# The layers


def test_fully_connected_acts_on_each_position_alone():
    ffn = FullyConnected(embedding_dim=16, fully_connected_dim=32)
    x = rng.normal(size=(2, 5, 16)).astype("float32")
    changed = x.copy()
    changed[:, 3] += 1.0
    difference = np.abs(numpy_of(ffn(changed)) - numpy_of(ffn(x))).max(axis=(0, 2))
    assert ffn(x).shape == (2, 5, 16)
    assert difference[3] > 0 and not np.delete(difference, 3).any()


def test_encoder_layer_keeps_the_shape_and_ignores_what_is_under_the_padding():
    layer = EncoderLayer(embedding_dim=16, num_heads=4, fully_connected_dim=32)
    x = rng.normal(size=(2, 5, 16)).astype("float32")
    mask = create_padding_mask(np.array([[3, 4, 5, 0, 0], [3, 4, 5, 6, 7]]))
    out = numpy_of(layer(x, training=False, mask=mask))
    padded = x.copy()
    padded[0, 3:] = rng.normal(size=(2, 16))
    assert out.shape == (2, 5, 16)
    assert np.allclose(numpy_of(layer(padded, training=False, mask=mask))[0, :3], out[0, :3], atol=1e-6)


def test_dropout_acts_in_training_only():
    layer = EncoderLayer(embedding_dim=16, num_heads=4, fully_connected_dim=32)
    x = rng.normal(size=(2, 5, 16)).astype("float32")
    inference = numpy_of(layer(x, training=False))
    assert np.array_equal(inference, numpy_of(layer(x, training=False)))
    assert not np.allclose(inference, numpy_of(layer(x, training=True)))


def test_keras_3_refuses_training_by_position_so_the_layers_take_it_as_a_keyword():
    layer = EncoderLayer(embedding_dim=16, num_heads=4, fully_connected_dim=32)
    x = rng.normal(size=(2, 5, 16)).astype("float32")
    with pytest.raises(ValueError, match="positional"):
        layer(x, True, None)
    assert layer(x, training=True, mask=None).shape == (2, 5, 16)


def test_passing_an_attention_mask_raises_no_keras_mask_warning(recwarn):
    layer = Encoder(num_layers=1, embedding_dim=16, num_heads=4, fully_connected_dim=32, input_vocab_size=40,
                    maximum_position_encoding=Tx)
    tokens = rng.integers(1, 40, size=(2, Tx))
    layer(tokens, training=False, mask=create_padding_mask(tokens))
    assert not [w for w in recwarn if "mask" in str(w.message)]


def test_encoder_shape_and_head_width():
    encoder = Encoder(num_layers=2, embedding_dim=16, num_heads=4, fully_connected_dim=32, input_vocab_size=40,
                      maximum_position_encoding=Tx)
    tokens = rng.integers(1, 40, size=(3, Tx))
    assert encoder(tokens, training=False, mask=create_padding_mask(tokens)).shape == (3, Tx, 16)
    assert len(encoder.enc_layers) == 2 and encoder.enc_layers[0].mha.key_dim == 16 // 4


def test_layer_normalisation_epsilon_and_dropout_rate_are_the_courses():
    layer = DecoderLayer(embedding_dim=16, num_heads=4, fully_connected_dim=32)
    assert {layer.layernorm1.epsilon, layer.layernorm2.epsilon, layer.layernorm3.epsilon} == {1e-6}
    assert layer.dropout_ffn.rate == 0.1 and layer.mha1.dropout == 0.1


def test_decoder_layer_shapes_and_no_look_ahead():
    layer = DecoderLayer(embedding_dim=16, num_heads=4, fully_connected_dim=32)
    x = rng.normal(size=(3, Ty, 16)).astype("float32")
    enc_output = rng.normal(size=(3, Tx, 16)).astype("float32")
    out, self_weights, cross_weights = layer(x, enc_output, training=False,
                                             look_ahead_mask=create_look_ahead_mask(Ty), padding_mask=None)
    assert out.shape == (3, Ty, 16)
    assert self_weights.shape == (3, 4, Ty, Ty) and cross_weights.shape == (3, 4, Ty, Tx)
    above = np.triu_indices(Ty, 1)
    assert numpy_of(self_weights)[..., above[0], above[1]].max() < 1e-6


def test_decoder_returns_every_layers_weights_under_the_courses_keys():
    decoder = Decoder(num_layers=2, embedding_dim=16, num_heads=4, fully_connected_dim=32, target_vocab_size=12,
                      maximum_position_encoding=Ty)
    enc_output = rng.normal(size=(3, Tx, 16)).astype("float32")
    x, weights = decoder(rng.integers(0, 12, size=(3, Ty)), enc_output, training=False,
                         look_ahead_mask=create_look_ahead_mask(Ty), padding_mask=None)
    assert x.shape == (3, Ty, 16)
    assert sorted(weights) == ["decoder_layer1_block1_self_att", "decoder_layer1_block2_decenc_att",
                               "decoder_layer2_block1_self_att", "decoder_layer2_block2_decenc_att"]
    assert weights["decoder_layer2_block2_decenc_att"].shape == (3, 4, Ty, Tx)


def _run(model, source, target):
    masks = {"enc_padding_mask": create_padding_mask(source), "look_ahead_mask": create_look_ahead_mask(Ty),
             "dec_padding_mask": create_padding_mask(source)}
    probabilities, weights = model(source, target, training=False, **masks)
    return numpy_of(probabilities), weights


def test_transformer_outputs_distributions_over_the_target_vocabulary(small_transformer):
    probabilities, _ = _run(small_transformer, rng.integers(1, 40, size=(2, Tx)), rng.integers(0, 12, size=(2, Ty)))
    assert probabilities.shape == (2, Ty, 12)
    assert np.allclose(probabilities.sum(axis=-1), 1, atol=1e-5)


@pytest.mark.parametrize("position", [0, 4, Ty - 1])
def test_changing_a_later_target_token_leaves_earlier_outputs_unchanged(small_transformer, position):
    source, target = rng.integers(1, 40, size=(2, Tx)), rng.integers(0, 12, size=(2, Ty))
    changed = target.copy()
    changed[:, position] = (changed[:, position] + 1) % 12
    before, after = _run(small_transformer, source, target)[0], _run(small_transformer, source, changed)[0]
    assert np.allclose(after[:, :position], before[:, :position], atol=1e-6)
    assert not np.allclose(after[:, position:], before[:, position:])  # the change is seen from its position on


def test_padded_input_positions_get_no_cross_attention(small_transformer):
    source = rng.integers(1, 40, size=(2, Tx))
    source[:, 20:] = 0
    _, weights = _run(small_transformer, source, rng.integers(0, 12, size=(2, Ty)))
    for layer in (1, 2):
        assert numpy_of(weights[f"decoder_layer{layer}_block2_decenc_att"])[..., 20:].max() < 1e-6


# Serialisation: registered, configurable, loadable in safe mode


@pytest.mark.parametrize("layer", [
    EncoderLayer(16, 4, 32),
    DecoderLayer(16, 4, 32, dropout_rate=0.2),
    Encoder(2, 16, 4, 32, input_vocab_size=40, maximum_position_encoding=Tx),
    Decoder(1, 16, 4, 32, target_vocab_size=12, maximum_position_encoding=Ty, layernorm_eps=1e-5),
], ids=lambda layer: type(layer).__name__)
def test_layers_round_trip_through_their_config_in_safe_mode(layer):
    rebuilt = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(layer), safe_mode=True)
    assert type(rebuilt) is type(layer)
    assert rebuilt.get_config() == layer.get_config()


def test_date_model_reloads_from_a_keras_file_in_safe_mode(date_model, tmp_path):
    path = tmp_path / "date_transformer.keras"
    date_model.save(path)
    reloaded = keras.models.load_model(path, safe_mode=True)
    X = rng.integers(0, len(HUMAN_VOCAB), size=(6, Tx))
    assert isinstance(reloaded, DateTransformer)
    assert np.array_equal(greedy_decode(reloaded, X), greedy_decode(date_model, X))


def test_date_model_weights_round_trip_into_a_model_rebuilt_from_code(date_model, tmp_path):
    path = tmp_path / "transformer.weights.h5"
    date_model.save_weights(path)
    rebuilt = date_transformer()
    rebuilt.load_weights(path)
    X = rng.integers(0, len(HUMAN_VOCAB), size=(6, Tx))
    assert np.array_equal(greedy_decode(rebuilt, X), greedy_decode(date_model, X))


# The date translator


def test_date_model_size_is_under_200000_parameters(date_model):
    assert date_model.count_params() <= 200_000
    assert date_model.transformer.final_layer.units == len(MACHINE_VOCAB) + 1  # the characters and the start token


def test_shift_right_puts_the_start_token_first_and_drops_the_last_character():
    Y = np.array([[3, 1, 4, 1, 5, 0, 2, 6, 0, 5]])
    assert np.array_equal(shift_right(Y, START), [[START, 3, 1, 4, 1, 5, 0, 2, 6, 0]])


def test_greedy_decoding_agrees_with_teacher_forcing_on_its_own_answer(date_model):
    X = rng.integers(0, len(HUMAN_VOCAB), size=(40, Tx))
    predicted = greedy_decode(date_model, X)
    probabilities = numpy_of(date_model((X, shift_right(predicted, START)), training=False))
    assert predicted.shape == (40, Ty) and predicted.max() < START
    assert np.array_equal(probabilities[..., :START].argmax(axis=-1), predicted)


def test_greedy_decoding_does_not_depend_on_the_batch_size(date_model):
    X = rng.integers(0, len(HUMAN_VOCAB), size=(23, Tx))
    assert np.array_equal(greedy_decode(date_model, X, batch_size=5), greedy_decode(date_model, X))


def test_greedy_decoding_returns_each_layers_cross_attention(date_model):
    X = rng.integers(0, len(HUMAN_VOCAB), size=(3, Tx))
    _, attention = greedy_decode(date_model, X, return_attention=True)
    assert sorted(attention) == ["decoder_layer1_block2_decenc_att", "decoder_layer2_block2_decenc_att"]
    assert all(weights.shape == (3, 4, Ty, Tx) for weights in attention.values())
    assert np.allclose(attention["decoder_layer2_block2_decenc_att"].sum(axis=-1), 1, atol=1e-5)


# translate(..., model="transformer"): the shipped Transformer behind the same input rules, errors and output checks


def test_translate_with_the_transformer_reads_dates_the_way_people_write_them():
    texts = ["Saturday, March 3rd, 2001", "the 21st of June 1999", "3/3/01", "MAR. 3, 2001", "2001-03-03",
             "12/31/2049", "1 jan 1950", "25.12.1999", "Wednesday, the 30th of September, 2048"]
    assert translate(texts, model="transformer") == ["2001-03-03", "1999-06-21", "2001-03-03", "2001-03-03",
                                                     "2001-03-03", "2049-12-31", "1950-01-01", "1999-12-25",
                                                     "2048-09-30"]


def test_shipped_transformer_gets_at_least_999_in_1000_test_dates_exactly_right():
    test_set = split_dataset(load_dataset(7_001, seed=0), n_val=2_000, n_test=5_000)[2]  # the notebooks' test set
    X, Y, _, _ = preprocess_data(test_set, HUMAN_VOCAB, MACHINE_VOCAB, Tx, Ty)
    exact = (greedy_decode(load_translator("transformer"), X) == Y).all(axis=1)
    assert exact.mean() >= 0.999


@pytest.mark.parametrize("text", ["", "not a date", "February 30, 2001", "2021-13-45", "Friday, March 3, 2001",
                                  "March 3, 1949", "Thursday, the 30th of September, 2048"])
def test_both_models_refuse_an_unreadable_input_with_the_same_message(text):
    messages = []
    for model in MODELS:
        with pytest.raises(ValueError) as caught:
            translate([text], model=model)
        messages.append(str(caught.value))
    assert messages[0] == messages[1] and repr(text) in messages[0]


def test_translate_with_the_transformer_coerces_like_the_attention_model():
    texts = ["3/3/01", "February 30, 2001", "", "2001-03-03"]
    assert translate(texts, errors="coerce", model="transformer") == ["2001-03-03", None, None, "2001-03-03"]


def test_translate_never_answers_with_a_date_the_transformer_got_wrong(monkeypatch):
    wrong = np.array([[MACHINE_VOCAB[char] for char in "2001-03-04"]])
    monkeypatch.setattr("utils.transformer.greedy_decode", lambda model, X: wrong)
    monkeypatch.setattr(dates, "load_translator", lambda model="attention": None)
    assert translate(["March 3, 2001"], errors="coerce", model="transformer") == [None]
    with pytest.raises(ValueError, match="states 2001-03-03"):
        translate(["March 3, 2001"], model="transformer")


def test_attention_stays_the_default_model(monkeypatch):
    asked = []
    right = np.array([[MACHINE_VOCAB[char] for char in "2001-03-03"]])
    monkeypatch.setattr(dates, "_predict_indices", lambda model, X: asked.append(model) or right)
    assert translate(["3/3/01"]) == ["2001-03-03"] and asked == ["attention"]


@pytest.mark.parametrize("model", ["lstm", "Transformer", None, 1])
def test_translate_model_is_attention_or_transformer(model):
    with pytest.raises(ValueError, match="model"):
        translate(["3/3/01"], model=model)
    with pytest.raises(ValueError, match="model"):
        translate([], model=model)  # refused before anything is read


def test_translate_with_the_transformer_takes_an_empty_list():
    assert translate([], model="transformer") == []


def test_translate_names_missing_transformer_weights(monkeypatch):
    monkeypatch.setattr(dates, "TRANSFORMER_WEIGHTS", "no_such.weights.h5")
    monkeypatch.setattr(dates, "_translator", {})
    with pytest.raises(FileNotFoundError, match="no_such.weights.h5"):
        translate(["3/3/01"], model="transformer")
