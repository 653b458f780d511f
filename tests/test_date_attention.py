"""utils.date_attention (exported from notebooks/w3a1_date_translation_attention.ipynb): the attention step,
the course's model, the attention probe and the baseline without attention."""

import numpy as np
import pytest

from utils.date_attention import (
    attention_layers,
    attention_probe,
    keras,
    modelf,
    modelf_no_attention,
    one_step_attention,
    predict_indices,
    predict_outputs,
)
from utils.dates import HUMAN_VOCAB, MACHINE_VOCAB, Tx, Ty

rng = np.random.default_rng(0)


@pytest.fixture(scope="module")
def model():
    keras.utils.set_random_seed(0)
    return modelf(Tx, Ty, 32, 64, len(HUMAN_VOCAB), len(MACHINE_VOCAB))


@pytest.fixture(scope="module")
def Xoh():
    return np.eye(len(HUMAN_VOCAB), dtype=np.float32)[rng.integers(0, len(HUMAN_VOCAB), (5, Tx))]


def test_one_step_attention_shapes_and_weights_summing_to_one():
    a = rng.normal(size=(3, 7, 16)).astype("float32")  # (m, Tx, 2*n_a)
    s_prev = rng.normal(size=(3, 12)).astype("float32")  # (m, n_s)
    context, alphas = one_step_attention(a, s_prev, attention_layers(7), return_alphas=True)
    context, alphas = keras.ops.convert_to_numpy(context), keras.ops.convert_to_numpy(alphas)
    assert context.shape == (3, 1, 16) and alphas.shape == (3, 7, 1)
    assert np.allclose(alphas.sum(axis=1), 1, atol=1e-5) and (alphas >= 0).all()
    assert np.allclose(context[:, 0], np.einsum("mt,mtk->mk", alphas[..., 0], a), atol=1e-5)


def test_one_step_attention_with_two_arguments_as_in_the_course():
    a = rng.normal(size=(2, 5, 8)).astype("float32")
    context = one_step_attention(a, rng.normal(size=(2, 4)).astype("float32"))
    assert tuple(context.shape) == (2, 1, 8)


def test_the_softmax_is_a_layer_over_the_time_axis():
    shared = attention_layers(Tx)
    assert isinstance(shared.activator, keras.layers.Softmax) and shared.activator.axis == 1


def test_modelf_has_the_courses_52960_parameters_with_the_courses_sizes():
    assert modelf(30, 10, 32, 64, 37, 11).count_params() == 52_960


def test_modelf_with_our_vocabulary(model):
    assert model.count_params() == 53_216  # one more input token ('-') than the course: 2 * 4 * 32 more weights
    assert len(model.outputs) == Ty and tuple(model.outputs[0].shape) == (None, len(MACHINE_VOCAB))
    assert not any(type(layer).__name__ == "Lambda" for layer in model.layers)


def test_attention_probe_shares_the_layers_and_returns_the_softmax_weights(model, Xoh):
    probe = attention_probe(model)
    assert probe.get_layer("attention_dense1") is model.get_layer("attention_dense1")
    *outputs, attention = predict_outputs(probe, Xoh)
    assert attention.shape == (5, Ty, Tx)
    assert np.allclose(attention.sum(axis=-1), 1, atol=1e-5)
    assert np.array_equal(np.argmax(np.stack(outputs, 1), -1), predict_indices(model, Xoh))


def test_weights_round_trip_into_a_model_rebuilt_from_code(model, Xoh, tmp_path):
    path = tmp_path / "nmt.weights.h5"
    model.save_weights(path)
    rebuilt = modelf(Tx, Ty, 32, 64, len(HUMAN_VOCAB), len(MACHINE_VOCAB))
    rebuilt.load_weights(path)
    assert np.allclose(np.stack(predict_outputs(rebuilt, Xoh)), np.stack(predict_outputs(model, Xoh)))


def test_baseline_without_attention_is_of_similar_size(Xoh):
    baseline = modelf_no_attention(Tx, Ty, 32, 64, len(HUMAN_VOCAB), len(MACHINE_VOCAB))
    assert baseline.count_params() == 51_915
    assert predict_indices(baseline, Xoh).shape == (5, Ty)
