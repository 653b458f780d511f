import numpy as np
import pytest

from utils.checks import (
    NOT_WRITTEN,
    check_array,
    check_choice,
    check_close,
    check_errors,
    check_flag,
    check_keys,
    check_labels,
    check_number,
    check_same_length,
    check_shape,
    check_string,
    check_strings,
    failed,
    gradient_check,
    numerical_gradient,
    relative_error,
    unreadable,
    unwritten,
    verdict,
)


def test_check_shape_accepts_matching_shape_and_wildcards():
    check_shape(np.zeros((3, 4, 5)), (3, None, 5), "x")


@pytest.mark.parametrize("shape", [(3, 5), (4, 4), (3, 4, 1)])
def test_check_shape_names_the_array_and_both_shapes(shape):
    with pytest.raises(ValueError, match=r"a_prev should have shape \(3, 4\) but has shape"):
        check_shape(np.zeros(shape), (3, 4), "a_prev")


def test_check_close_returns_the_largest_gap_within_tolerance():
    assert check_close([1.0, 2.0], [1.0, 2.0 + 1e-8]) == pytest.approx(1e-8)


def test_check_close_fails_beyond_tolerance_and_on_nan():
    with pytest.raises(AssertionError, match="differs from the reference by up to 0.1"):
        check_close([1.0], [1.1], atol=1e-3)
    with pytest.raises(AssertionError):
        check_close([np.nan], [0.0])


def test_relative_error_is_zero_for_equal_and_for_two_zero_arrays():
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error([1.0], [-1.0]) == pytest.approx(1.0)


def test_numerical_gradient_of_a_quadratic_and_restores_its_input():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    before = x.copy()
    grad = numerical_gradient(lambda: float(np.sum(x**2)), x)
    np.testing.assert_allclose(grad, 2 * before, rtol=1e-8)
    np.testing.assert_array_equal(x, before)


def test_numerical_gradient_refuses_float32():
    with pytest.raises(ValueError, match="float64"):
        numerical_gradient(lambda: 0.0, np.zeros(2, dtype=np.float32))


def test_gradient_check_separates_right_from_wrong_gradients():
    x = np.array([0.3, -1.2, 2.0])
    assert gradient_check(lambda: float(np.sum(np.sin(x))), x, np.cos(x)) < 1e-9
    assert gradient_check(lambda: float(np.sum(np.sin(x))), x, np.sin(x)) > 1e-2


# --- the shared argument validation -------------------------------------------------------------------


def test_relative_error_refuses_nan_and_shapes_that_would_broadcast():
    with pytest.raises(ValueError, match="a has NaN"):
        relative_error([np.nan, np.nan], [1.0, 2.0])
    with pytest.raises(ValueError, match=r"b should have shape \(3\) but has shape \(3, 1\)"):
        relative_error(np.ones(3), np.ones((3, 1)))


def test_gradient_check_refuses_an_all_nan_gradient():
    x = np.array([0.3, -1.2])
    with pytest.raises(ValueError, match="analytic gradient has NaN"):
        gradient_check(lambda: float(np.sum(x**2)), x, np.full(2, np.nan))


@pytest.mark.parametrize("bad, error", [("abc", TypeError), (None, TypeError), ({"a": 1}, TypeError),
                                        (["a", "b"], TypeError), ([1.0, np.inf], ValueError)])
def test_check_array_names_the_argument(bad, error):
    with pytest.raises(error, match="weights"):
        check_array(bad, "weights")


def test_check_array_checks_axes_and_shape_without_broadcasting():
    assert check_array([[1, 2]], "x", shape=(1, 2)).dtype == np.float64
    with pytest.raises(ValueError, match="x must have 2 axes"):
        check_array([1, 2, 3], "x", ndim=2)
    with pytest.raises(ValueError, match=r"x should have shape \(3, 1\)"):
        check_array(np.ones(3), "x", shape=(3, 1))


@pytest.mark.parametrize("bad, error", [(True, TypeError), ("0.1", TypeError), (float("nan"), ValueError),
                                        (float("inf"), ValueError), (0.0, ValueError), (-1, ValueError)])
def test_check_number_refuses_non_numbers_and_out_of_range(bad, error):
    with pytest.raises(error, match="learning_rate"):
        check_number(bad, "learning_rate", low=0, low_open=True)


def test_check_number_integer_and_range():
    assert check_number(np.int64(3), "n", integer=True, low=1) == 3
    with pytest.raises(ValueError, match="whole number"):
        check_number(2.5, "n", integer=True)
    with pytest.raises(ValueError, match="at most 1"):
        check_number(1.5, "fraction", low=0, high=1)


def test_check_strings_refuses_a_bare_string_and_non_strings():
    assert check_strings(np.array(["a b", "c"]), "texts") == ["a b", "c"]
    assert check_strings(("x",), "texts") == ["x"]
    with pytest.raises(TypeError, match="wrap it in a list"):
        check_strings("i love you", "texts")
    with pytest.raises(TypeError, match=r"\(1, 'int'\)"):
        check_strings(["a", 3], "texts")
    with pytest.raises(ValueError, match="texts is empty"):
        check_strings([], "texts")


def test_check_string_refuses_blank_and_non_strings():
    with pytest.raises(ValueError, match="word is empty"):
        check_string("  ", "word")
    with pytest.raises(TypeError, match="word must be a string"):
        check_string(3, "word")


def test_check_labels_refuses_out_of_range_and_fractions():
    np.testing.assert_array_equal(check_labels([0, 4.0], "Y", 5), [0, 4])
    with pytest.raises(ValueError, match="labels 0 to 4"):
        check_labels([-1, 2], "Y", 5)
    with pytest.raises(ValueError, match="whole-number"):
        check_labels([0.5], "Y", 5)


def test_check_same_length_names_each_sequence():
    assert check_same_length(y_true=[1, 2], y_pred=[3, 4]) == 2
    with pytest.raises(ValueError, match="y_true 2, y_pred 3"):
        check_same_length(y_true=[1, 2], y_pred=[1, 2, 3])


def test_check_choice_and_keys():
    assert check_choice("a", "mode", ["a", "b"]) == "a"
    with pytest.raises(ValueError, match=r"mode must be one of \['a', 'b'\]"):
        check_choice("c", "mode", ["a", "b"])
    with pytest.raises(ValueError, match=r"parameters lacks the keys \['Wax'\]"):
        check_keys({}, ["Wax"], "parameters")
    with pytest.raises(TypeError, match="parameters must be a dict"):
        check_keys([], ["Wax"], "parameters")


def test_errors_convention_raises_or_coerces():
    assert check_errors("coerce") == "coerce"
    with pytest.raises(ValueError, match="errors must be one of"):
        check_errors("ignore")
    assert unreadable("text 'x' is not a date", "coerce") is None
    with pytest.raises(ValueError, match="not a date"):
        unreadable("text 'x' is not a date", "raise")


def test_check_seed_takes_whole_numbers_and_generators_only():
    from utils.checks import check_seed

    generator = np.random.default_rng(0)
    assert check_seed(3) == 3 and check_seed(generator) is generator and check_seed(None, allow_none=True) is None
    for bad, error in (("0", TypeError), (1.5, TypeError), (True, TypeError), (None, TypeError), (-1, ValueError)):
        with pytest.raises(error, match="seed"):
            check_seed(bad)


# --- verdicts for learners (learner mode) ---------------------------------------------------------------------

def test_a_verdict_whose_checks_all_pass_prints_one_line(capsys):
    with verdict("affine") as check:
        check.close("values", np.array([1.0, 2.0]), [1.0, 2.0 + 1e-9])
        check.equal("word", "queen", "queen")
        check.raises("negative size", ValueError, check_number, -1, "size", low=0)
    assert capsys.readouterr().out == "✔ affine: all 3 checks pass\n"


def test_a_failing_check_says_what_was_expected_and_what_came_back_without_raising(capsys):
    with verdict("affine") as check:
        check.close("values", np.array([[1.0, 2.0], [3.0, 4.0]]), [[1.0, 2.0], [3.0, 4.5]])
        check.close("shape", np.zeros(3), np.zeros((3, 1)))
        check.close("result", None, 1.0)
        check.equal("answer", "king", "queen")
    out = capsys.readouterr().out
    assert out.startswith("✘ affine: 4 of 4 checks fail\n")
    assert "values: 1 of 4 entries differ; the largest at index (1, 1): expected 4.5, got 4" in out
    assert "shape: expected shape (3, 1), got shape (3,)" in out
    assert "result: expected a value, got None" in out
    assert "answer: expected 'queen', got 'king'" in out
    assert failed(out)


def test_a_check_for_an_error_names_the_error_that_came_instead(capsys):
    with verdict("f") as check:
        check.raises("zero vector", ValueError, lambda: 0.5)
        check.raises("wrong type", ValueError, check_string, 3, "word")
    out = capsys.readouterr().out
    assert "zero vector: expected ValueError, got no error (it returned 0.5)" in out
    assert "wrong type: expected ValueError, got TypeError: word must be a string" in out


def test_an_error_in_the_checked_code_ends_the_verdict_with_its_type_and_line(capsys):
    def broken():
        return {"a": 1}["b"]

    with verdict("f") as check:
        check.equal("first", 1, 1)
        broken()
    out = capsys.readouterr().out
    assert out.startswith("✘ f: the check passes; the checks stopped: KeyError: 'b'")
    assert "(at `return {\"a\": 1}[\"b\"]`)" in out


def test_an_unwritten_exercise_is_named_with_its_hint(capsys):
    def stub():
        raise NotImplementedError(NOT_WRITTEN.format(name="affine", hint="one product and one sum"))

    with verdict("affine"):
        stub()
    with verdict("layer"):
        stub()
    with verdict("layer") as check:
        check.equal("shape", (2, 3), (2, 3))
        stub()
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "✘ affine is not written yet. Hint: one product and one sum"
    assert out[1] == "✘ layer cannot be checked yet: it needs affine, which is not written yet. Hint: one product and one sum"
    assert out[2] == ("✘ layer: the check passes; the rest cannot run yet: it needs affine, which is not written yet. "
                      "Hint: one product and one sum")


def test_unwritten_recognises_only_the_stubs_message():
    assert unwritten(NotImplementedError("affine is not written yet. Hint: W x + b")) == ("affine", "W x + b")
    assert unwritten(NotImplementedError("not supported on this backend")) is None
    assert unwritten(ValueError("affine is not written yet. Hint: W x + b")) is None


def test_unwritten_sees_the_stub_inside_an_error_that_keras_raised_from_a_layer():
    try:
        try:
            raise NotImplementedError("EncoderLayer is not written yet. Hint: attention, then the network")
        except NotImplementedError as error:  # what Keras does when a layer's call raises
            raise NotImplementedError(f"Exception encountered when calling EncoderLayer.call().\n\n{error}") from None
    except NotImplementedError as keras_error:
        assert unwritten(keras_error) == ("EncoderLayer", "attention, then the network")


def test_unwritten_does_not_take_the_stub_from_an_error_of_another_kind():
    try:
        try:
            raise NotImplementedError("affine is not written yet. Hint: W x + b")
        except NotImplementedError:
            raise ValueError("affine is not written yet. Hint: W x + b") from None
    except ValueError as error:
        assert unwritten(error) is None


def test_failed_looks_for_a_line_that_starts_with_the_failure_mark():
    assert failed("some output\n✘ f: 1 of 2 checks fail\n")
    assert not failed("✔ f: all 2 checks pass\nthe mark ✘ inside a line is not a verdict\n")


def test_check_flag_returns_a_bool_and_refuses_look_alikes_by_name():
    assert check_flag(True, "wide") is True and check_flag(False, "wide") is False
    for value in (1, 0, "yes", None):
        with pytest.raises(TypeError, match="wide must be True or False"):
            check_flag(value, "wide")
