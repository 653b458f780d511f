"""The conventions every notebook follows (README, "Contributing"), and that its exported module is current."""

import ast
import json
import os
import subprocess
import sys

import pytest

from tools import notebooks as nbtools

NOTEBOOKS = nbtools.notebook_paths()
KNOWN_NAMES = {
    "w1a1_rnn_step_by_step", "w1a2_dinosaur_island", "w1a3_jazz_improvisation", "w2a1_word_vectors",
    "w2a2_emojify", "w3a1_date_translation_attention", "w3a2_trigger_word_detection", "w4a1_transformer",
    "w4l2_named_entity_recognition",
    "w4l3_question_answering",
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
        assert nbtools.strip_markers(cell.source).strip() in module_source


def test_exported_modules_are_current():
    assert nbtools.stale_modules() == [], "run `make export`"


def test_export_check_command_reports_staleness(tmp_path, monkeypatch):
    module = tmp_path / "module.py"
    monkeypatch.setattr(nbtools, "ROOT", tmp_path)
    monkeypatch.setattr(nbtools, "exported_module", lambda path: (module, "x = 1\n"))
    assert nbtools.main(["check"]) == 1
    module.write_text("x = 1\n")
    assert nbtools.main(["check"]) == 0


def bootstrap_run(tmp_path, env_extra, url=None):
    """Run the setup cell's bootstrap in an empty folder outside the repository; return the finished process."""
    workdir = tmp_path / "content"
    workdir.mkdir(exist_ok=True)
    code = nbtools.BOOTSTRAP.replace(nbtools.REPO_URL, url or nbtools.REPO_URL)
    code += "from utils import paths\nprint(paths.ROOT)\n"
    env = {key: value for key, value in os.environ.items() if not key.startswith("SEQ_MODELS_")} | env_extra
    return subprocess.run([sys.executable, "-c", code], cwd=workdir, capture_output=True, text=True, env=env, check=False)


def test_bootstrap_outside_the_repository_clones_only_when_asked_and_only_once(tmp_path):
    """What the setup cell does on Colab, with SEQ_MODELS_CLONE=1 and a local clone standing in for GitHub."""
    source = tmp_path / "github" / "sequence-models-companion"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(nbtools.ROOT), str(source)], check=True)
    outputs = [bootstrap_run(tmp_path, {"SEQ_MODELS_CLONE": "1"}, f"file://{source}") for _ in range(2)]
    clone = tmp_path / "content" / "sequence-models-companion"
    assert [result.stdout.strip().splitlines()[-1] for result in outputs] == [str(clone)] * 2
    assert "Cloning" in outputs[0].stdout and "Cloning" not in outputs[1].stdout  # the second run reuses it


def test_bootstrap_outside_the_repository_and_off_colab_stops_with_advice_and_clones_nothing(tmp_path):
    result = bootstrap_run(tmp_path, {})
    assert result.returncode != 0
    assert "SEQ_MODELS_ROOT" in result.stderr and "not inside a checkout" in result.stderr
    assert list((tmp_path / "content").iterdir()) == []


def test_bootstrap_finds_a_checkout_named_by_seq_models_root(tmp_path):
    result = bootstrap_run(tmp_path, {"SEQ_MODELS_ROOT": str(nbtools.ROOT)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(nbtools.ROOT)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_stored_kernelspec_is_what_ipykernel_writes_so_opening_changes_nothing(path):
    assert nbtools.read(path).metadata.get("kernelspec") == nbtools.KERNELSPEC
