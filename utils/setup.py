"""Notebook start-up: Colab bootstrap, seeding and an environment report.

Taught in the Setup section at the top of every notebook. The notebook's first cell finds the
repository (cloning it on Colab) and then calls `notebook()`.
"""

import contextlib
import importlib.metadata
import inspect
import os
import platform
import random
import subprocess
import sys
import tempfile
import warnings

import numpy as np

from utils.checks import FAILED, unwritten
from utils.paths import ROOT

# Packages Colab already has and that must never be reinstalled there, and tools only the test suite needs.
NEVER_INSTALL = {"tensorflow", "keras", "jupyterlab", "ipykernel", "nbformat", "nbval", "pytest", "papermill", "ruff"}
PINNED_ON_COLAB = ("tensorflow", "keras", "numpy")
# Wheels installed with `pip install --no-deps`: they declare dependencies we do not use (PyTorch among them).
NO_DEPS_REQUIREMENTS = ROOT / "requirements-nodeps.txt"


def on_colab() -> bool:
    """True inside a Google Colab runtime."""
    return "google.colab" in sys.modules


@contextlib.contextmanager
def quiet_native_stderr():
    """Silence what C++ libraries write straight to file descriptor 2 (TensorFlow's start-up log)."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def import_keras():
    """Import Keras (TensorFlow backend) without TensorFlow's start-up chatter; return the module."""
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    with quiet_native_stderr():
        import keras
        import tensorflow  # noqa: F401  (imported here so its native log stays silent)
    return keras


def save_weights_only(trained, fresh, path) -> None:
    """Write `trained`'s weights to `path` without its optimizer's state (which Keras 3 adds for a compiled model,
    doubling the file or more): copied first into `fresh`, an uncompiled model of the same architecture."""
    fresh.set_weights(trained.get_weights())
    fresh.save_weights(str(path))


def set_seed(seed: int, keras: bool = True) -> None:
    """Seed Python, numpy and (when `keras`) the Keras backend, so a run can be repeated exactly."""
    random.seed(seed)
    np.random.seed(seed)
    if keras:
        import_keras().utils.set_random_seed(seed)


def gpu_names() -> list[str]:
    """Names of the GPUs TensorFlow can see (empty on a CPU-only machine)."""
    import_keras()
    import tensorflow as tf

    with quiet_native_stderr():  # a CPU-only machine logs a failed CUDA probe here
        return [gpu.name for gpu in tf.config.list_physical_devices("GPU")]


def report(keras: bool = True) -> dict:
    """Print and return the versions that matter for these notebooks, and whether a GPU is attached."""
    info = {"Python": platform.python_version(), "numpy": np.__version__}
    if keras:
        module = import_keras()
        import tensorflow as tf

        info |= {"TensorFlow": tf.__version__, "Keras": module.__version__}
        gpus = gpu_names()
        info["GPU"] = ", ".join(gpus) if gpus else "none (CPU only)"
    print(" | ".join(f"{name} {version}" for name, version in info.items()))
    return info


def requirements(path=ROOT / "requirements.txt") -> list[str]:
    """The requirement lines of `requirements.txt` (comments and blank lines dropped)."""
    lines = (line.split("#")[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line]


def missing_requirements(lines: list[str], installed: set[str]) -> list[str]:
    """Requirement lines whose package is absent from `installed` and may be installed on Colab.

    Environment markers (`; python_version >= "3.13"`) are honoured; names compare case- and
    dash-insensitively, as pip does.
    """
    from packaging.requirements import Requirement

    def norm(name):
        return name.lower().replace("_", "-")

    have = {norm(name) for name in installed}
    wanted = []
    for line in lines:
        requirement = Requirement(line)
        if requirement.marker and not requirement.marker.evaluate():
            continue
        if norm(requirement.name) not in have and norm(requirement.name) not in NEVER_INSTALL:
            wanted.append(line)
    return wanted


def installed_distributions() -> set[str]:
    return {dist.metadata["Name"] for dist in importlib.metadata.distributions()}


def colab_install() -> None:
    """Install only what Colab lacks, keeping its TensorFlow, Keras and numpy exactly as they are.

    The lines of `requirements-nodeps.txt` are installed without their declared dependencies.
    """
    installed = installed_distributions()
    wanted = missing_requirements(requirements(), installed)
    without_dependencies = missing_requirements(requirements(NO_DEPS_REQUIREMENTS), installed)
    if wanted:
        pins = [f"{name}=={importlib.metadata.version(name)}" for name in PINNED_ON_COLAB]
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as constraints:
            constraints.write("\n".join(pins))
        print("Installing what this runtime lacks:", ", ".join(wanted))
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-c", constraints.name, *wanted], check=True)
    if without_dependencies:
        print("Installing without their dependencies:", ", ".join(without_dependencies))
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", *without_dependencies], check=True)


def notebook(seed: int = 0, keras: bool = True, wants_gpu: bool = False) -> None:
    """Everything a notebook's Setup cell does after finding the repository.

    On Colab, install what is missing; seed every generator; apply the plot style; print versions.
    `wants_gpu` marks notebooks that train for minutes: they warn when no GPU is attached. In IPython, a cell
    that calls an exercise still unwritten says so instead of showing a traceback (`explain_unwritten_exercises`).
    """
    if on_colab():
        colab_install()
    explain_unwritten_exercises()
    # Without ipywidgets, tqdm.auto falls back to a text progress bar (which stores well) and warns; say nothing.
    warnings.filterwarnings("ignore", message="IProgress not found")
    from utils import plotting

    plotting.use_style()
    set_seed(seed, keras=keras)
    info = report(keras=keras)
    if wants_gpu and info.get("GPU", "").startswith("none"):
        print("No GPU attached: training runs on the CPU and takes longer. On Colab: Runtime > Change runtime type > GPU.")


# --- learner mode: cells that need an exercise the learner has not written yet ------------------------------

_stopped_by: set[str] = set()  # exercises whose stubs have stopped a cell in this kernel


def is_stub(exercise) -> bool:
    """True when `exercise` (a function, or a class and its methods) still holds a stub: code that raises the
    not-written-yet error. A decorated function is looked at through its `__wrapped__` chain (functools.wraps)."""
    functions = [inspect.unwrap(f) for f in (vars(exercise).values() if isinstance(exercise, type) else [exercise])]
    constants = [c for f in functions for c in getattr(getattr(f, "__code__", None), "co_consts", ())]
    return any(isinstance(constant, str) and unwritten(NotImplementedError(constant)) for constant in constants)


def skip_unwritten(shell, etype, value, tb, tb_offset=None):
    """IPython's handler for NotImplementedError and NameError, installed by `explain_unwritten_exercises`.

    When the error is an exercise stub's (`utils.checks.unwritten`), the cell prints one line, "✘ This cell
    stopped here: it needs cosine_similarity, which is not written yet. Hint: ...", and ends *without* counting as
    an error, so Run All goes on to the next cell (what the cell printed before the call stays). A NameError
    while an exercise that stopped an earlier cell is still a stub is most likely a name that cell never made: it
    is said so, in one line, and is not an error either. Any other error shows its usual traceback and stays one.
    """
    stub = unwritten(value)
    waiting = sorted(name for name in _stopped_by if is_stub(shell.user_ns.get(name)))
    if stub:
        _stopped_by.add(stub[0])
        print(f"{FAILED} This cell stopped here: it needs {stub[0]}, which is not written yet. Hint: {stub[1]}")
    elif isinstance(value, NameError) and waiting:
        print(f"{FAILED} This cell stopped here: {value}, most likely because an earlier cell stopped before making "
              f"it: {', '.join(waiting)} {'is' if len(waiting) == 1 else 'are'} not written yet.")
    else:
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
        return
    result = getattr(shell.displayhook, "exec_result", None)  # IPython's record of the running cell
    if result is not None:
        result.error_in_exec = None  # not an error: the kernel goes on with the cells queued after this one


def explain_unwritten_exercises() -> bool:
    """Install `skip_unwritten` in the running IPython; False (and nothing done) outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    shell.set_custom_exc((NotImplementedError, NameError), skip_unwritten)
    return True
