"""Every number stated in a notebook's prose is shown by a cell above it (tools/prose_numbers.py)."""

import nbformat
import pytest

from tools import notebooks as nbtools
from tools.prose_numbers import numbers_in, prose, unshown_numbers

NOTEBOOKS = nbtools.notebook_paths()


def notebook_of(*cells):
    """A notebook from ("md", text) and ("code", source, printed) tuples."""
    notebook = nbformat.v4.new_notebook()
    for kind, *parts in cells:
        if kind == "md":
            notebook.cells.append(nbformat.v4.new_markdown_cell(parts[0]))
        else:
            cell = nbformat.v4.new_code_cell(parts[0])
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=parts[1])]
            notebook.cells.append(cell)
    return notebook


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_every_number_in_prose_is_printed_above_it(path):
    found = unshown_numbers(nbtools.read(path))
    assert not found, "numbers in prose that no cell above shows (print them, or cite them in companion." \
        "published_numbers):\n" + "\n".join(f"cell {i}: {token} ... {context}" for i, token, context in found)


def test_a_stale_number_is_caught():
    notebook = notebook_of(("code", "train()", "accuracy 0.8372\n"), ("md", "The model scores 0.91 on test."))
    assert [token for _, token, _ in unshown_numbers(notebook)] == ["0.91"]


def test_a_number_printed_above_passes_rounded_or_as_a_percentage():
    notebook = notebook_of(("code", "train()", "accuracy 0.8372, 1,088 it/s\n"),
                           ("md", "It scores 0.84 (83.7%), at 1,088 iterations a second."))
    assert unshown_numbers(notebook) == []


def test_a_number_printed_only_below_is_caught():
    notebook = notebook_of(("md", "It will score 0.84."), ("code", "train()", "accuracy 0.84\n"))
    assert [token for _, token, _ in unshown_numbers(notebook)] == ["0.84"]


def test_published_numbers_are_allowed_by_metadata():
    notebook = notebook_of(("md", "The course reports 0.924 frame accuracy."))
    notebook.metadata["companion"] = {"published_numbers": {"0.924": "the course's notebook"}}
    assert unshown_numbers(notebook) == []


def test_maths_code_links_and_names_with_digits_are_not_claims():
    text = "W1A2 uses $0.37$ and `lr=0.03` with 50-d GloVe 6B [x](http://a.b/0.77) in 3 steps (Cho, 2014)."
    assert [token for token in numbers_in(prose(text))] == ["3", "2014"]
    assert unshown_numbers(notebook_of(("md", text))) == []
