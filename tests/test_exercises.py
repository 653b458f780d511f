"""Learner mode (tools/exercises.py): stubs replace exactly the marked solutions, and the mutation test works."""

import nbformat
import pytest

from tools import exercises
from tools import notebooks as nbtools

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
    with pytest.raises(NotImplementedError, match="affine: one matrix product and one addition"):
        namespace["affine"](1, 2, 3)


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
