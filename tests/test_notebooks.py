"""The conventions every notebook follows (README, "Contributing"), and that its exported module is current."""

import ast
import json
import subprocess
import sys

import pytest

from tools import notebooks as nbtools

NOTEBOOKS = nbtools.notebook_paths()
KNOWN_NAMES = {
    "w1a1_rnn_step_by_step", "w1a2_dinosaur_island", "w1a3_jazz_improvisation", "w2a1_word_vectors",
    "w2a2_emojify", "w3a1_date_translation_attention", "w3a2_trigger_word_detection", "w4a1_transformer",
}
ids = [path.stem for path in NOTEBOOKS]


def test_there_are_notebooks_and_their_names_follow_the_course():
    assert NOTEBOOKS
    assert {path.stem for path in NOTEBOOKS} <= KNOWN_NAMES


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_first_code_cell_is_the_tagged_setup_with_the_shared_bootstrap(path):
    first = nbtools.code_cells(nbtools.read(path))[0]
    assert "setup" in nbtools.tags(first)
    assert first.source.startswith(nbtools.BOOTSTRAP)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_has_a_papermill_parameters_cell(path):
    assert any("parameters" in nbtools.tags(cell) for cell in nbtools.code_cells(nbtools.read(path)))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_each_exercise_defines_one_function_and_the_next_code_cell_uses_it(path):
    cells = nbtools.code_cells(nbtools.read(path))
    exercises = [i for i, cell in enumerate(cells) if "exercise" in nbtools.tags(cell)]
    for i in exercises:
        definitions = [node.name for node in ast.parse(cells[i].source).body
                       if isinstance(node, ast.FunctionDef | ast.ClassDef)]
        assert len(definitions) == 1, f"exercise cell {i} defines {definitions}"
        following = cells[i + 1] if i + 1 < len(cells) else None
        assert following is not None and not set(nbtools.tags(following)) & {"exercise", "export"}
        assert definitions[0] in following.source, f"no check of {definitions[0]} right after it"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_committed_copy_is_executed_without_errors_and_small(path):
    notebook = nbtools.read(path)
    for cell in nbtools.code_cells(notebook):
        assert cell.execution_count is not None, f"unexecuted cell: {cell.source[:60]!r}"
        assert not [out for out in cell.outputs if out.output_type == "error"]
    assert len(json.dumps(notebook)) < 3_000_000


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_exercise_functions_are_importable_from_the_exported_module(path):
    exported = nbtools.exported_module(path)
    cells = [c for c in nbtools.code_cells(nbtools.read(path)) if "exercise" in nbtools.tags(c)]
    if not cells:
        pytest.skip("this notebook has no exercises")
    assert exported is not None, "a notebook with exercises must name its module in metadata.companion"
    module_source = exported[1]
    for cell in cells:
        assert cell.source.strip() in module_source


def test_exported_modules_are_current():
    assert nbtools.stale_modules() == [], "run `make export`"


def test_export_check_command_reports_staleness(tmp_path, monkeypatch):
    module = tmp_path / "module.py"
    monkeypatch.setattr(nbtools, "ROOT", tmp_path)
    monkeypatch.setattr(nbtools, "exported_module", lambda path: (module, "x = 1\n"))
    assert nbtools.main(["check"]) == 1
    module.write_text("x = 1\n")
    assert nbtools.main(["check"]) == 0


def test_bootstrap_outside_the_repository_clones_it_once_and_imports_from_it(tmp_path):
    """What the setup cell does on Colab, with a local clone standing in for GitHub."""
    source = tmp_path / "github" / "sequence-models-companion"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(nbtools.ROOT), str(source)], check=True)
    workdir = tmp_path / "content"
    workdir.mkdir()
    code = nbtools.BOOTSTRAP.replace(nbtools.REPO_URL, f"file://{source}")
    code += "from utils import paths\nprint(paths.ROOT)\n"
    for _ in range(2):  # the second run finds the clone instead of cloning again
        result = subprocess.run([sys.executable, "-c", code], cwd=workdir, capture_output=True, text=True, check=True)
        assert result.stdout.strip() == str(workdir / "sequence-models-companion")
