"""Small checks that notebooks show to learners and that the code uses to validate its inputs.

Taught in notebooks/w1a1_rnn_step_by_step.ipynb: `check_shape` and `check_close` in section 1 (the RNN
cell), `numerical_gradient` and `gradient_check` in section 4 (backpropagation through time).

The second half is the argument validation that every public function in `utils/` uses (`check_array`,
`check_number`, `check_strings`, `check_labels`, ...), and the `errors="raise" | "coerce"` convention of
functions that read free text (`check_errors`, `unreadable`). Keep validation here, not in copies.

The last part gives learners a verdict on their exercises (`verdict`, `unwritten`; learner mode, see
tools/exercises.py).
"""

import contextlib
import re
import traceback
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
    """||a - b|| / (||a|| + ||b||), the usual yardstick of a gradient check (0 when both are zero).

    `a` and `b` must have the same shape (no broadcasting) and be finite: a NaN gradient is an error, not 0.
    """
    a, b = check_array(a, "a"), check_array(b, "b")
    check_shape(b, a.shape, "b")
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / denominator) if denominator > 0 else 0.0


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of the scalar `f()` with respect to the float64 array `x`.

    `x` is nudged in place, one entry at a time, and restored, so `f` reads it by reference.
    """
    if not isinstance(x, np.ndarray):
        raise TypeError(f"x must be a numpy array (it is nudged in place), got {describe(x)}")
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
    analytic = check_array(analytic, "analytic gradient", shape=x.shape)
    numeric = check_array(numerical_gradient(f, x, eps), "numerical gradient (f returned NaN or inf)")
    return relative_error(analytic, numeric)


# ---------------------------------------------------------------------------------------------------------
# Argument validation shared by every module (one place, so every public function answers bad input alike).
# Each function names the argument and what was expected, and raises TypeError for the wrong kind of thing,
# ValueError for the right kind with a wrong value. None of them converts silently.

def describe(value) -> str:
    """A short description of `value` for an error message: its type and, when short, its repr."""
    text = repr(value)
    return f"{type(value).__name__} {text}" if len(text) <= 40 else type(value).__name__


def check_array(value, name: str, *, ndim: int | None = None, shape: tuple | None = None,
                finite: bool = True, dtype=np.float64) -> np.ndarray:
    """`value` as a numeric numpy array of `dtype`, or a clear error naming `name`.

    TypeError for strings, None, dicts and arrays of non-numbers; ValueError for the wrong number of axes,
    the wrong shape (`None` in `shape` accepts any size on that axis: no broadcasting, (3,) is not (3, 1)),
    or, when `finite`, a NaN or infinite entry.
    """
    if isinstance(value, str | bytes | dict | set) or value is None:
        raise TypeError(f"{name} must be a numeric array, got {describe(value)}")
    try:
        array = np.asarray(value)
        if array.dtype.kind not in "biuf":
            raise TypeError
        array = array.astype(dtype, copy=False)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a numeric array, got {describe(value)}") from None
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} axes, got shape {array.shape}")
    if shape is not None:
        check_shape(array, shape, name)
    if finite and array.size and not np.all(np.isfinite(array)):
        raise ValueError(f"{name} has NaN or infinite entries ({int(np.sum(~np.isfinite(array)))} of {array.size})")
    return array


def check_number(value, name: str, *, low: float | None = None, high: float | None = None,
                 low_open: bool = False, integer: bool = False) -> float | int:
    """`value` as a finite Python number in [low, high] (low excluded when `low_open`), or a clear error.

    Booleans, strings and NaN are refused; `integer` also refuses 2.5 (but takes 3.0 and numpy integers).
    """
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise TypeError(f"{name} must be a {'whole ' if integer else ''}number, got {describe(value)}")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}")
    if integer:
        if value != int(value):
            raise ValueError(f"{name} must be a whole number, got {value}")
        value = int(value)
    else:
        value = float(value)
    below = low is not None and (value <= low if low_open else value < low)
    if below or (high is not None and value > high):
        lower = "" if low is None else f"{'above' if low_open else 'at least'} {low:g}"
        upper = "" if high is None else f"at most {high:g}"
        raise ValueError(f"{name} must be {' and '.join(p for p in (lower, upper) if p)}, got {value}")
    return value


def check_string(value, name: str, *, allow_empty: bool = False) -> str:
    """`value` if it is a str (non-blank unless `allow_empty`), else a clear error naming `name`."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {describe(value)}")
    if not allow_empty and not value.strip():
        raise ValueError(f"{name} is empty: give some text")
    return value


def check_strings(values, name: str, *, allow_empty_list: bool = False) -> list[str]:
    """A list, tuple or 1-D numpy array of strings as a list; a bare string is refused, not read letter by letter."""
    if isinstance(values, str | bytes):
        raise TypeError(f"{name} must be a list of strings, got a single string {values!r}: wrap it in a list")
    if isinstance(values, np.ndarray):
        if values.ndim != 1:
            raise ValueError(f"{name} must be a 1-D array of strings, got shape {values.shape}")
        values = values.tolist()
    if not isinstance(values, list | tuple):
        raise TypeError(f"{name} must be a list of strings, got {describe(values)}")
    wrong = [(i, type(v).__name__) for i, v in enumerate(values) if not isinstance(v, str)]
    if wrong:
        raise TypeError(f"{name} must hold only strings; not strings at (position, type): {wrong[:5]}")
    if not values and not allow_empty_list:
        raise ValueError(f"{name} is empty: give at least one string")
    return list(values)


def check_labels(values, name: str, n_classes: int) -> np.ndarray:
    """Integer class labels in 0 .. n_classes-1 as a 1-D int64 array (floats such as 2.0 are accepted)."""
    array = check_array(values, name, ndim=1)
    if not np.all(array == np.round(array)):
        raise ValueError(f"{name} must hold whole-number class labels, got {array[array != np.round(array)][:5]}")
    bad = array[(array < 0) | (array >= n_classes)]
    if bad.size:
        raise ValueError(f"{name} must hold labels 0 to {n_classes - 1}, got {sorted(set(bad.astype(int)))[:5]}")
    return array.astype(np.int64)


def check_same_length(**named) -> int:
    """The common length of the named sequences, or ValueError listing each name and its length."""
    lengths = {name: len(value) for name, value in named.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError("these must have the same length: " + ", ".join(f"{n} {k}" for n, k in lengths.items()))
    return next(iter(lengths.values()))


def check_choice(value, name: str, choices) -> object:
    """`value` if it is one of `choices`, else ValueError listing them."""
    choices = list(choices)
    if not isinstance(value, str | int | float | tuple | type(None)) or value not in choices:
        raise ValueError(f"{name} must be one of {choices}, got {describe(value)}")
    return value


def check_flag(value, name: str) -> bool:
    """`value` if it is True or False (not 1, 0 or "yes"), else TypeError naming it."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return value


def check_keys(mapping, keys, name: str) -> None:
    """TypeError unless `mapping` is a dict; ValueError naming any of `keys` it lacks."""
    if not isinstance(mapping, dict):
        raise TypeError(f"{name} must be a dict, got {describe(mapping)}")
    missing = [key for key in keys if key not in mapping]
    if missing:
        raise ValueError(f"{name} lacks the keys {missing}")


ERRORS = ("raise", "coerce")


def check_errors(errors) -> str:
    """The `errors=` convention of every function that reads free text (pandas' own): "raise" or "coerce"."""
    return check_choice(errors, "errors", ERRORS)


def unreadable(message: str, errors: str):
    """Raise ValueError(message) under errors="raise"; return None under errors="coerce"."""
    if errors == "coerce":
        return
    raise ValueError(message)


def check_seed(seed, name: str = "seed", *, allow_none: bool = False):
    """`seed` if it is a whole number >= 0 or a numpy Generator (or None when `allow_none`), else a clear error.

    What `np.random.default_rng` should be given for reproducible draws; strings, floats and booleans are refused.
    """
    if isinstance(seed, np.random.Generator) or (seed is None and allow_none):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise TypeError(f"{name} must be a whole number or a numpy Generator, got {describe(seed)}")
    return check_number(seed, name, low=0, integer=True)


# ---------------------------------------------------------------------------------------------------------
# Verdicts for learners (learner mode: the exercise notebooks in exercises/, made by tools/exercises.py).
# The check cell after an exercise runs its checks inside `with verdict("name") as check:` and prints one line
# when they all pass, or, for each check that fails, what was expected, what came back and where they differ.
#
# A verdict never raises: a learner can run the whole notebook top to bottom, whatever state it is in, and
# read every verdict. Machines still see a failure: a verdict that does not pass prints a line starting with
# FAILED. The suite compares the solution notebooks' check cells with their committed outputs (nbval, the cells
# start with # NBVAL_CHECK_OUTPUT), refuses a committed output holding a FAILED line, and the mutation test
# (tools/exercises.py) counts a check as failed when its cell raises or prints a FAILED line.

PASSED, FAILED = "✔", "✘"
SHOWN_FAILURES = 5  # a verdict lists this many failing checks, then counts the rest
# The message of an exercise stub's NotImplementedError (tools/exercises.py writes the stubs).
NOT_WRITTEN = "{name} is not written yet. Hint: {hint}"
_NOT_WRITTEN = re.compile(r"(?P<name>\w+) is not written yet\. Hint: (?P<hint>.*)", re.DOTALL)


def unwritten(error) -> tuple[str, str] | None:
    """(exercise name, hint) when `error` is the NotImplementedError of an exercise stub, else None.

    Keras re-raises an error from inside a layer's `call` as a new one of the same type with a longer message; the
    stub's own error is then its context (`__context__`), and is recognised there.
    """
    while isinstance(error, NotImplementedError):
        match = _NOT_WRITTEN.fullmatch(str(error))
        if match:
            return match["name"], match["hint"]
        error = error.__context__
    return None


def failed(text: str) -> bool:
    """True when printed `text` holds a verdict that did not pass (a line starting with FAILED)."""
    return any(line.startswith(FAILED) for line in text.splitlines())


def _short(value) -> str:
    """`value` for a verdict line: numbers to 6 significant digits, long things cut."""
    if isinstance(value, float | np.floating):
        return f"{float(value):.6g}"
    text = np.array2string(value, precision=4, threshold=6) if isinstance(value, np.ndarray) else repr(value)
    return text if len(text) <= 70 else text[:67] + "..."


def _difference(actual, expected, atol: float) -> str | None:
    """None when `actual` matches `expected` (same shape, every entry within `atol`), else what differs."""
    expected = np.asarray(expected, dtype=np.float64)
    if actual is None:
        return "expected a value, got None (does the function return its result?)"
    try:
        got = np.asarray(actual, dtype=np.float64)
    except (TypeError, ValueError):
        return f"expected {_short(expected)}, got {describe(actual)}"
    if got.shape != expected.shape:
        return f"expected shape {expected.shape}, got shape {got.shape}"
    gap = np.abs(got - expected)
    wrong = ~(gap <= atol)  # NaN is wrong too
    if not wrong.any():
        return None
    if got.ndim == 0:
        return f"expected {_short(expected.item())}, got {_short(got.item())} (tolerance {atol:g})"
    where = np.unravel_index(np.argmax(np.where(np.isnan(gap), np.inf, gap)), gap.shape)
    return (f"{int(wrong.sum())} of {gap.size} entries differ; the largest at index {tuple(map(int, where))}: "
            f"expected {_short(expected[where].item())}, got {_short(got[where].item())} (tolerance {atol:g})")


class Verdict:
    """The checks of one exercise, recorded as they run; `verdict` makes one and prints it."""

    def __init__(self, exercise: str):
        self.exercise, self.passed, self.failures, self.stopped = exercise, 0, [], None

    def _record(self, what: str, problem: str | None) -> bool:
        if problem is None:
            self.passed += 1
        else:
            self.failures.append(f"{what}: {problem}")
        return problem is None

    def close(self, what: str, actual, expected, atol: float = 1e-6) -> bool:
        """`actual` has `expected`'s shape and every entry within `atol` of it."""
        return self._record(what, _difference(actual, expected, atol))

    def equal(self, what: str, actual, expected) -> bool:
        """`actual == expected` (words, tuples, whole numbers)."""
        return self._record(what, None if actual == expected else f"expected {_short(expected)}, got {_short(actual)}")

    def raises(self, what: str, error: type[Exception], call: Callable, *args, **kwargs) -> Exception | None:
        """`call(*args, **kwargs)` raises `error`. Returns what it raised (None if nothing), for the cell to show.
        An unwritten exercise inside it still ends the verdict ("not written yet")."""
        try:
            value = call(*args, **kwargs)
        except NotImplementedError:
            raise
        except error as expected:
            self._record(what, None)
            return expected
        except Exception as other:  # noqa: BLE001 (any other error is the answer to report)
            self._record(what, f"expected {error.__name__}, got {type(other).__name__}: {other}")
            return other
        self._record(what, f"expected {error.__name__}, got no error (it returned {_short(value)})")
        return None

    def report(self) -> None:
        checks = self.passed + len(self.failures)
        if not self.failures and not self.stopped:
            print(f"{PASSED} {self.exercise}: " + ("the check passes" if checks == 1 else f"all {checks} checks pass"))
            return
        passing = "the check passes" if checks == 1 else f"{checks} checks pass"
        parts = [f"{len(self.failures)} of {checks} checks fail" if self.failures else passing] if checks else []
        parts += [self.stopped] if self.stopped else []
        print(f"{FAILED} {self.exercise}: " + "; ".join(parts))
        for failure in self.failures[:SHOWN_FAILURES]:
            print(f"  - {failure}")
        if len(self.failures) > SHOWN_FAILURES:
            print(f"  ... and {len(self.failures) - SHOWN_FAILURES} more")


def _where(error: BaseException) -> str:
    """' (at `line`)' for the innermost line of `error`'s traceback that has source text."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.line and frame.filename != __file__]
    return f" (at `{frames[-1].line}`)" if frames else ""


@contextlib.contextmanager
def verdict(exercise: str):
    """Run the checks of `exercise` (`check.close`, `check.equal`, `check.raises`) and print the verdict.

    All pass: one line, "✔ name: all n checks pass". Some fail: a line starting with FAILED, then one line per
    failing check with what was expected and what came back (the shape, or the entry that differs most). The
    exercise still a stub: "✘ name is not written yet", with its hint; an exercise it needs still a stub: which
    one (after the checks that could run). An error from the learner's code ends the checks with its type,
    message and line. Never raises (see
    the note above), so the cells after it still run.
    """
    check = Verdict(exercise)
    try:
        yield check
    except Exception as error:  # noqa: BLE001 (the verdict reports what the code raised)
        stub = unwritten(error)
        if stub and stub[0] == exercise:
            print(f"{FAILED} {NOT_WRITTEN.format(name=exercise, hint=stub[1])}")
            return
        waiting = f"it needs {stub[0]}, which is not written yet. Hint: {stub[1]}" if stub else None
        if waiting and not (check.passed or check.failures):
            print(f"{FAILED} {exercise} cannot be checked yet: {waiting}")
            return
        check.stopped = f"the rest cannot run yet: {waiting}" if waiting else \
            f"the checks stopped: {type(error).__name__}: {error}{_where(error)}"
    check.report()
