"""Small checks that notebooks show to learners and that the code uses to validate its inputs.

Taught in notebooks/w1a1_rnn_step_by_step.ipynb: `check_shape` and `check_close` in section 1 (the RNN
cell), `numerical_gradient` and `gradient_check` in section 4 (backpropagation through time).
"""

from collections.abc import Callable

import numpy as np


def check_shape(array, shape: tuple, name: str = "array") -> None:
    """Raise ValueError unless `array` has `shape`; `None` in `shape` accepts any size on that axis."""
    actual = np.shape(array)
    fits = len(actual) == len(shape) and all(want is None or want == got for want, got in zip(shape, actual))
    if not fits:
        wanted = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
        raise ValueError(f"{name} should have shape {wanted} but has shape {actual}")


def check_close(actual, expected, name: str = "value", atol: float = 1e-6) -> float:
    """Raise AssertionError unless `actual` matches `expected` elementwise within `atol`; return the largest gap."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    check_shape(actual, expected.shape, name)
    gap = float(np.max(np.abs(actual - expected))) if actual.size else 0.0
    if not gap <= atol:  # also catches NaN
        raise AssertionError(f"{name} differs from the reference by up to {gap:.3g} (tolerance {atol:g})")
    return gap


def relative_error(a, b) -> float:
    """||a - b|| / (||a|| + ||b||), the usual yardstick of a gradient check (0 when both are zero)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / denominator) if denominator > 0 else 0.0


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of the scalar `f()` with respect to the float64 array `x`.

    `x` is nudged in place, one entry at a time, and restored, so `f` reads it by reference.
    """
    if x.dtype != np.float64:
        raise ValueError(f"numerical_gradient needs a float64 array to be accurate, got {x.dtype}")
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + eps
        f_plus = f()
        x[index] = saved - eps
        f_minus = f()
        x[index] = saved
        grad[index] = (f_plus - f_minus) / (2 * eps)
    return grad


def gradient_check(f: Callable[[], float], x: np.ndarray, analytic, eps: float = 1e-6) -> float:
    """Relative error between the analytic gradient of `f` with respect to `x` and finite differences."""
    check_shape(analytic, x.shape, "analytic gradient")
    return relative_error(analytic, numerical_gradient(f, x, eps))
