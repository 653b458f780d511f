"""utils.date_attention (exported from notebooks/w3a1_date_translation_attention.ipynb): the attention step,
the course's model and its twin with linear energies, the attention probe, flat rows, the baseline without
attention, and clear errors for bad arguments."""

import numpy as np
import pytest

from utils.date_attention import (
    attention_layers,
    attention_probe,
    check_one_hot,
    flat_rows,
    keras,
    modelf,
    modelf_no_attention,
    one_step_attention,
    predict_indices,
    predict_outputs,
    train,
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


def test_linear_energies_have_no_activation_and_the_same_parameters():
    linear = modelf(Tx, Ty, 32, 64, len(HUMAN_VOCAB), len(MACHINE_VOCAB), energies="linear")
    assert linear.get_layer("attention_energies").activation.__name__ == "linear"
    assert linear.count_params() == 53_216


def test_relu_energies_by_default_as_in_the_course(model):
    assert model.get_layer("attention_energies").activation.__name__ == "relu"


def test_attention_probe_of_the_linear_model_can_look_below_zero_energies(Xoh):
    keras.utils.set_random_seed(1)
    linear = modelf(Tx, Ty, 32, 64, len(HUMAN_VOCAB), len(MACHINE_VOCAB), energies="linear")
    *_, attention = predict_outputs(attention_probe(linear), Xoh)
    assert np.allclose(attention.sum(axis=-1), 1, atol=1e-5) and not flat_rows(attention, tolerance=0).any()


# Flat rows


def test_a_uniform_row_is_flat_and_a_peaked_row_is_not():
    uniform = np.full((1, 1, Tx), 1 / Tx)
    peaked = np.eye(Tx)[None, :1]  # all weight on position 0
    assert flat_rows(uniform).tolist() == [[True]] and flat_rows(peaked).tolist() == [[False]]


def test_flat_means_within_the_tolerance_of_uniform_in_total_variation():
    row = np.full(10, 0.1)
    row[0], row[1] = 0.1 + 0.04, 0.1 - 0.04  # 4% of the weight moved
    assert flat_rows(row[None, None], tolerance=0.05).all() and not flat_rows(row[None, None], tolerance=0.03).any()


@pytest.mark.parametrize("attention, error, message", [
    (np.full((2, Tx), 1 / Tx), ValueError, "3 axes"),
    (np.full((1, 2, 4), 0.5), ValueError, "summing to 1"),
    (np.array([[[1.5, -0.5]]]), ValueError, "non-negative"),
    (np.array([[[np.nan, 1.0]]]), ValueError, "NaN"),
    ("weights", TypeError, "numeric array"),
])
def test_flat_rows_refuses_what_are_not_attention_weights(attention, error, message):
    with pytest.raises(error, match=message):
        flat_rows(attention)


@pytest.mark.parametrize("tolerance, error", [(-0.1, ValueError), (1.5, ValueError), (float("nan"), ValueError),
                                              ("5%", TypeError)])
def test_flat_rows_refuses_a_tolerance_outside_0_to_1(tolerance, error):
    with pytest.raises(error, match="tolerance"):
        flat_rows(np.full((1, 1, 4), 0.25), tolerance=tolerance)


# Bad arguments get errors that name them


@pytest.mark.parametrize("kwargs, error, message", [
    ({"Tx": 0}, ValueError, "Tx"),
    ({"n_a": -32}, ValueError, "n_a"),
    ({"n_s": 64.5}, ValueError, "n_s"),
    ({"Ty": float("nan")}, ValueError, "Ty"),
    ({"human_vocab_size": "38"}, TypeError, "human_vocab_size"),
    ({"energies": "tanh"}, ValueError, "energies"),
])
def test_modelf_refuses_sizes_that_are_not_positive_whole_numbers(kwargs, error, message):
    sizes = {"Tx": Tx, "Ty": Ty, "n_a": 32, "n_s": 64, "human_vocab_size": len(HUMAN_VOCAB),
             "machine_vocab_size": len(MACHINE_VOCAB)} | kwargs
    with pytest.raises(error, match=message):
        modelf(**sizes)


def test_one_step_attention_refuses_inputs_of_the_wrong_rank():
    with pytest.raises(ValueError, match="a must have shape"):
        one_step_attention(np.zeros((3, 7), "float32"), np.zeros((3, 12), "float32"), attention_layers(7))


@pytest.mark.parametrize("bad, error, message", [
    (lambda X: X[0], ValueError, "3 axes"),  # one text without its batch axis
    (lambda X: X[:, :20], ValueError, r"shape \(m, 30, 38\)"),  # too few positions
    (lambda X: X[..., :30], ValueError, r"shape \(m, 30, 38\)"),  # a smaller vocabulary
    (lambda X: X * 2, ValueError, "one-hot"),
    (lambda X: np.argmax(X, -1)[..., None], ValueError, "shape"),  # indices, not one-hot
    (lambda X: np.where(X == 1, np.nan, X), ValueError, "NaN"),
    (lambda X: "3/3/01", TypeError, "numeric array"),
])
def test_predict_refuses_what_is_not_one_hot_text_of_the_models_size(model, Xoh, bad, error, message):
    with pytest.raises(error, match=message):
        predict_outputs(model, bad(Xoh))


def test_predict_refuses_what_is_not_a_model(Xoh):
    with pytest.raises(TypeError, match="Keras model"):
        predict_indices("nmt_attention.weights.h5", Xoh)


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, float("inf")])
def test_predict_refuses_a_batch_size_that_is_not_a_positive_count(model, Xoh, batch_size):
    with pytest.raises(ValueError, match="batch_size"):
        predict_indices(model, Xoh, batch_size=batch_size)


@pytest.mark.parametrize("change, error, message", [
    ({"epochs": 0}, ValueError, "epochs"),
    ({"epochs": 2.5}, ValueError, "epochs"),
    ({"learning_rate": 0}, ValueError, "learning_rate"),
    ({"learning_rate": float("nan")}, ValueError, "learning_rate"),
    ({"batch_size": -128}, ValueError, "batch_size"),
    ({"Y": np.zeros((4, Ty))}, ValueError, "Y should have shape"),
])
def test_train_refuses_bad_arguments_before_fitting(model, Xoh, change, error, message):
    arguments = {"Y": np.zeros((5, Ty)), "epochs": 1, "batch_size": 4, "learning_rate": 0.01} | change
    with pytest.raises(error, match=message):
        train(model, (Xoh, arguments["Y"]), (Xoh, np.zeros((5, Ty))), arguments["epochs"],
              arguments["batch_size"], arguments["learning_rate"])


def test_check_one_hot_takes_lists():
    assert check_one_hot([[[0, 1], [1, 0]]]).shape == (1, 2, 2)


def test_attention_probe_needs_a_model_from_modelf(Xoh):
    baseline = modelf_no_attention(Tx, Ty, 32, 64, len(HUMAN_VOCAB), len(MACHINE_VOCAB))
    with pytest.raises(ValueError, match="built by modelf"):
        attention_probe(baseline)
