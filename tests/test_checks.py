import numpy as np
import pytest

from utils.checks import check_close, check_shape, gradient_check, numerical_gradient, relative_error


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
