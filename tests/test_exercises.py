"""Learner mode (tools/exercises.py): stubs replace exactly the marked solutions, a learner can run an exercise
notebook at any stage, and the checks are real: they fail on the stubs and on small deliberate bugs."""

import nbformat
import pytest

from tools import exercises
from tools import notebooks as nbtools
from utils import setup
from utils.checks import FAILED, failed, unwritten

# Notebooks in learner mode (their exercises carry the markers); W2A1 was the first.
LEARNER_MODE = [path for path in nbtools.notebook_paths() if exercises.has_exercises(nbtools.read(path))]
CAUGHT_AT_LEAST = 0.9  # share of the mutants whose check must fail (W2A1: all 18, when this was set)

SOLUTION = '''def affine(W, x, b):
    """W x + b for a batch: W (n, k), x (k, m), b (n, 1)."""
    # Hint: one matrix product and one addition.
    ### BEGIN SOLUTION
    z = W @ x + b  # (n, m)
    return z
    ### END SOLUTION
'''

CHECK = '''import numpy as np
W = np.array([[1.0, 2.0], [3.0, -1.0]]); x = np.array([[0.5], [2.0]]); b = np.array([[0.1], [-0.2]])
assert np.allclose(affine(W, x, b), [[4.6], [-0.7]]), "affine gives the wrong values"
'''


def test_learner_source_keeps_signature_docstring_and_hint_and_stubs_the_solution():
    learner = exercises.learner_source(SOLUTION)
    assert learner.startswith('def affine(W, x, b):\n    """W x + b')
    assert "# Hint: one matrix product and one addition." in learner
    assert "W @ x" not in learner and "BEGIN SOLUTION" not in learner
    namespace = {}
    exec(learner, namespace)  # noqa: S102 (the stub is our own text)
    with pytest.raises(NotImplementedError, match="affine is not written yet. Hint: one matrix product and one"):
        namespace["affine"](1, 2, 3)


def test_the_stubs_error_is_what_verdicts_and_notebooks_recognise():
    namespace = {}
    exec(exercises.learner_source(SOLUTION), namespace)  # noqa: S102 (the stub is our own text)
    with pytest.raises(NotImplementedError) as error:
        namespace["affine"](1, 2, 3)
    assert unwritten(error.value) == ("affine", "one matrix product and one addition.")


@pytest.mark.parametrize("source, message", [
    ("def f():\n    ### BEGIN SOLUTION\n    return 1\n", "never closed"),
    ("def f():\n    return 1\n    ### END SOLUTION\n", "without"),
    ("def f():\n    return 1\n", "has no ### BEGIN SOLUTION"),
])
def test_learner_source_refuses_unbalanced_or_missing_markers(source, message):
    with pytest.raises(ValueError, match=message):
        exercises.learner_source(source)


def test_mark_puts_the_body_after_the_docstring_between_markers():
    plain = exercises.strip_markers(SOLUTION).replace("    # Hint: one matrix product and one addition.\n", "")
    marked = exercises.mark(plain)
    assert exercises.solution_regions(marked) == [(2, 5)]
    assert exercises.strip_markers(marked) == plain.rstrip("\n")


@pytest.mark.parametrize("kind", ["missing term", "transposed matrix", "off-by-one index", "flipped sign",
                                  "wrong axis"])
def test_each_kind_of_mutant_changes_the_solution_and_still_parses(kind):
    source = SOLUTION.replace("z = W @ x + b", "z = (W @ x + b - x[:, t]).sum(axis=0)")
    found = dict(exercises.mutants(source, per_kind=1))
    assert f"{kind} #1" in found
    assert compile(found[f"{kind} #1"], "<mutant>", "exec")
    assert found[f"{kind} #1"] != exercises.strip_markers(source)


@pytest.mark.parametrize("kind, bug", [("missing function", "return z"), ("multiplied, not divided", "b) * 2")])
def test_missing_numpy_functions_and_wrong_operators_are_mutants_too(kind, bug):
    source = SOLUTION.replace("z = W @ x + b  # (n, m)\n    return z", "z = (W @ x + b) / 2\n    return np.tanh(z)")
    assert bug in dict(exercises.mutants(source, per_kind=1))[f"{kind} #1"]


LAYERS = """def model(x):
    \"\"\"A small Keras model.\"\"\"
    # Hint: a dense layer, then normalisation of the residual sum.
    ### BEGIN SOLUTION
    y = layers.Dense(4)(x)
    outputs.append(y)
    return self.norm(ops.add(x, y))
    ### END SOLUTION
"""


def test_a_skipped_keras_layer_is_a_mutant_and_module_functions_or_list_methods_are_not():
    found = {description: source for description, source in exercises.mutants(LAYERS, per_kind=3)
             if description.startswith("missing layer")}
    assert list(found) == ["missing layer #1", "missing layer #2"]  # not outputs.append(y), not ops.add(x, y)
    assert "y = x\n" in found["missing layer #1"]
    assert "return ops.add(x, y)" in found["missing layer #2"]


def test_a_missing_keras_ops_function_is_a_mutant_as_a_numpy_one_is():
    source = SOLUTION.replace("z = W @ x + b  # (n, m)\n    return z", "return ops.tril(W @ x + b)")
    assert "return W @ x + b" in dict(exercises.mutants(source, per_kind=1))["missing function #1"]


def test_mutants_touch_only_the_marked_solution():
    source = "def f(a, b):\n    c = a + b\n    ### BEGIN SOLUTION\n    return c\n    ### END SOLUTION\n"
    assert exercises.mutants(source) == []


def test_mutation_report_runs_checks_against_the_stub_and_the_mutants(tmp_path):
    notebook = nbformat.v4.new_notebook()
    exercise = nbformat.v4.new_code_cell(SOLUTION)
    exercise.metadata["tags"] = ["exercise"]
    notebook.cells = [exercise, nbformat.v4.new_code_cell(CHECK)]
    path = tmp_path / "tiny.ipynb"
    nbformat.write(notebook, path)
    [row] = exercises.mutation_report(path)
    assert row["exercise"] == "affine" and row["stub caught"] and row["solution passes again"]
    assert row["mutants"] == 2 and row["caught"] == 2  # the missing bias and the transposed weight


def test_mutation_report_counts_a_printed_failed_verdict_as_a_failing_check(tmp_path):
    notebook = nbformat.v4.new_notebook()
    exercise = nbformat.v4.new_code_cell(SOLUTION)
    exercise.metadata["tags"] = ["exercise"]
    check = CHECK.replace('assert np.allclose(affine(W, x, b), [[4.6], [-0.7]]), "affine gives the wrong values"',
                          f"import sys\nsys.path.insert(0, {str(nbtools.ROOT)!r})\n"
                          "from utils.checks import verdict\nwith verdict('affine') as check:\n"
                          "    check.close('W x + b', affine(W, x, b), [[4.6], [-0.7]])")
    notebook.cells = [exercise, nbformat.v4.new_code_cell(check)]
    path = tmp_path / "tiny.ipynb"
    nbformat.write(notebook, path)
    [row] = exercises.mutation_report(path)
    assert row["stub caught"] and row["solution passes again"]
    assert row["caught"] == row["mutants"] == 2
    assert all(line.startswith(f"{FAILED} affine: 1 of 1 checks fail") for line in row["verdicts"].values())


def test_needed_cells_follow_the_names_the_targets_read():
    sources = ["import numpy as np", "slow = sum(range(10))", "x = np.ones(3)", "def f():\n    return 2 * x",
               "%timeit f()", "print(f())"]
    assert exercises.needed_cells(sources, targets={5}) == [0, 2, 3, 4, 5]  # not the slow cell; a magic always


def test_learner_notebook_clears_outputs_and_points_to_the_solutions():
    notebook = nbformat.v4.new_notebook()
    exercise = nbformat.v4.new_code_cell(SOLUTION)
    exercise.metadata["tags"] = ["exercise"]
    exercise.outputs = [nbformat.v4.new_output("stream", name="stdout", text="hi")]
    notebook.cells = [exercise, nbformat.v4.new_markdown_cell("text")]
    learner = exercises.learner_notebook(notebook, "tiny.ipynb")
    assert "notebooks/tiny.ipynb" in learner.cells[0].source
    assert learner.cells[1].outputs == [] and "NotImplementedError" in learner.cells[1].source
    assert learner.cells[2].source == "text"
    nbformat.validate(learner)


@pytest.mark.parametrize("path", nbtools.notebook_paths(), ids=lambda path: path.stem)
def test_a_notebook_marks_all_its_exercises_or_none(path):
    marked = [bool(exercises.solution_regions(cell.source)) for cell in exercises.exercise_cells(nbtools.read(path))]
    assert all(marked) or not any(marked)


def test_exercise_notebooks_are_current():
    assert exercises.stale_exercises() == [], "run `make exercises`"


@pytest.mark.parametrize("path", nbtools.notebook_paths(), ids=lambda path: path.stem)
def test_no_committed_solution_notebook_shows_a_failed_verdict(path):
    outputs = [output.get("text", "") for cell in nbtools.code_cells(nbtools.read(path)) for output in cell.outputs]
    assert not [text for text in outputs if failed(text)]


# --- a cell that needs an unwritten exercise (utils.setup.skip_unwritten), in a real IPython shell -----------

@pytest.fixture
def shell():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    assert setup.explain_unwritten_exercises()
    yield shell
    shell.set_custom_exc((), None)


def test_a_cell_needing_an_unwritten_exercise_says_which_and_is_not_an_error(shell, capsys):
    shell.run_cell(exercises.learner_source(SOLUTION))
    result = shell.run_cell('print("before")\naffine(1, 2, 3)\nprint("after")')
    assert result.success
    out = capsys.readouterr().out
    assert "before\n" in out and "after" not in out
    assert "✘ This cell stopped here: it needs affine, which is not written yet. Hint: one matrix product" in out
    assert "Traceback" not in out


def test_a_name_an_earlier_stopped_cell_did_not_make_is_explained_while_its_exercise_is_unwritten(shell, capsys):
    shell.run_cell(exercises.learner_source(SOLUTION))
    shell.run_cell("z = affine(1, 2, 3)")
    result = shell.run_cell("print(z_never_made)")
    assert result.success
    assert "name 'z_never_made' is not defined, most likely because an earlier cell stopped" in capsys.readouterr().out
    shell.run_cell(exercises.strip_markers(SOLUTION))  # the learner writes affine: a NameError is an error again
    assert not shell.run_cell("print(z_never_made)").success


def test_a_class_with_a_stubbed_method_is_a_stub_until_written():
    solution = "class Affine:\n    def call(self, x):\n        # Hint: add one.\n        ### BEGIN SOLUTION\n" \
               "        return x + 1\n        ### END SOLUTION\n"
    stubbed, written = {}, {}
    exec(exercises.learner_source(solution), stubbed)  # noqa: S102 (the stub is our own text)
    exec(exercises.strip_markers(solution), written)  # noqa: S102
    assert setup.is_stub(stubbed["Affine"]) and not setup.is_stub(written["Affine"])
    assert not setup.is_stub(None)


def test_a_decorated_stub_is_a_stub_until_written():
    import functools

    def checked(function):
        @functools.wraps(function)
        def wrapper(*args):
            return function(*args)
        return wrapper

    stubbed, written = {"checked": checked}, {"checked": checked}
    exec("@checked\n" + exercises.learner_source(SOLUTION), stubbed)  # noqa: S102 (the stub is our own text)
    exec("@checked\n" + exercises.strip_markers(SOLUTION), written)  # noqa: S102
    assert setup.is_stub(stubbed["affine"]) and not setup.is_stub(written["affine"])


def test_any_other_not_implemented_error_keeps_its_traceback_and_stays_an_error(shell, capsys):
    result = shell.run_cell('raise NotImplementedError("not on this backend")')
    assert not result.success
    assert "not on this backend" in capsys.readouterr().out


# --- every notebook in learner mode: its checks are real, and its exercise notebook runs top to bottom --------

def test_w2a1_is_in_learner_mode():
    assert nbtools.NOTEBOOKS / "w2a1_word_vectors.ipynb" in LEARNER_MODE


@pytest.fixture(scope="module")
def reports():
    """The mutation report of a notebook, run once per notebook for the tests below."""
    cache = {}

    def report(path):
        if path not in cache:
            cache[path] = exercises.mutation_report(path)
        return cache[path]

    return report


@pytest.mark.parametrize("path", LEARNER_MODE, ids=lambda path: path.stem)
def test_every_check_fails_on_its_stub_and_passes_on_the_solution(path, reports):
    rows = reports(path)
    names = [exercises.defined_name(cell.source) for cell in exercises.exercise_cells(nbtools.read(path))]
    assert [row["exercise"] for row in rows] == names
    assert all(row["stub caught"] and row["solution passes again"] for row in rows)


@pytest.mark.parametrize("path", LEARNER_MODE, ids=lambda path: path.stem)
def test_the_checks_catch_small_deliberate_bugs(path, reports):
    rows = reports(path)
    tried, caught = sum(row["mutants"] for row in rows), sum(row["caught"] for row in rows)
    missed = {row["exercise"]: row["missed"] for row in rows if row["missed"]}
    assert all(row["mutants"] > 0 for row in rows), "every exercise gets some mutants"
    assert caught >= CAUGHT_AT_LEAST * tried, f"caught {caught} of {tried}; missed {missed}"


@pytest.mark.parametrize("path", LEARNER_MODE, ids=lambda path: path.stem)
def test_the_exercise_notebook_runs_top_to_bottom_and_says_what_is_unwritten(path):
    from nbclient import NotebookClient

    learner = exercises.EXERCISES / path.name
    notebook = nbtools.read(learner)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(learner.parent)}}).execute()  # raises on any error
    texts = ["".join(output.get("text", "") for output in cell.outputs) for cell in nbtools.code_cells(notebook)]
    verdicts = [line for text in texts for line in text.splitlines()
                if line.startswith(FAILED) and "is not written yet. Hint:" in line and "This cell stopped" not in line]
    assert len(verdicts) == len(exercises.exercise_cells(notebook))  # one check per exercise, each says so
