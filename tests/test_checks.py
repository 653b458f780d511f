import numpy as np
import pytest

from utils.checks import (
    check_array,
    check_choice,
    check_close,
    check_errors,
    check_keys,
    check_labels,
    check_number,
    check_same_length,
    check_shape,
    check_string,
    check_strings,
    gradient_check,
    numerical_gradient,
    relative_error,
    unreadable,
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
