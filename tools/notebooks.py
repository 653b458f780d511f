"""Notebook tooling: export `exercise` cells to modules, and the conventions every notebook follows.

A notebook names its module in its metadata (`"companion": {"module": "utils/rnn_numpy.py", "doc": ...}`).
Its cells tagged `export` (imports, support code) and `exercise` (the course's functions) are written, in
order, to that module, so tests, training scripts and other notebooks can import them. The notebook is
the only hand-written source. The learner-mode markers around an exercise's solution (`### BEGIN SOLUTION`,
`### END SOLUTION`, see tools/exercises.py) are left out of the module; the rest of the cell is copied as it is.

    python -m tools.notebooks export     # rewrite every module from its notebook (`make export`)
    python -m tools.notebooks check      # exit 1 and name the modules that are out of date
"""

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
EXPORTED_TAGS = ("export", "exercise")
# nbgrader's markers around the part of an exercise that a learner writes (tools/exercises.py).
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"

# The first lines of every notebook's `setup` cell: find the repository; clone it only on Colab (or when asked).
REPO_URL = "https://github.com/sequence-models-companion/sequence-models-companion"
BOOTSTRAP = f'''\
# Find the repository's helpers (utils/). Only on Colab, or with SEQ_MODELS_CLONE=1, is it cloned from GitHub.
import os
import pathlib
import subprocess
import sys

REPO_URL = "{REPO_URL}"
here = pathlib.Path.cwd()
root = next((p for p in (here, *here.parents) if (p / "utils/paths.py").is_file()), None)
if root is None and os.environ.get("SEQ_MODELS_ROOT"):
    root = pathlib.Path(os.environ["SEQ_MODELS_ROOT"]).resolve()
if root is None and ("google.colab" in sys.modules or os.environ.get("SEQ_MODELS_CLONE") == "1"):
    root = pathlib.Path(REPO_URL.rsplit("/", 1)[1]).resolve()
    if not root.is_dir():
        print(f"Cloning {{REPO_URL}} into {{root}}")
        subprocess.run(["git", "clone", "--quiet", "--depth=1", REPO_URL, str(root)], check=True)
if root is None or not (root / "utils/paths.py").is_file():
    raise SystemExit(f"This notebook needs the repository's utils/ folder, and {{here}} is not inside a checkout. "
                     "Open the notebook from a checkout, or set SEQ_MODELS_ROOT to a checkout's path, "
                     "or set SEQ_MODELS_CLONE=1 to clone the repository here.")
sys.path.insert(0, str(root))
'''
# What ipykernel writes: a notebook that stores anything else is marked modified as soon as it opens.
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def notebook_paths() -> list[Path]:
    return sorted(NOTEBOOKS.glob("*.ipynb"))


def read(path: Path):
    return nbformat.read(path, as_version=4)


def tags(cell) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def code_cells(notebook) -> list:
    return [cell for cell in notebook.cells if cell.cell_type == "code" and cell.source.strip()]


def strip_markers(source: str) -> str:
    """`source` without its learner-mode marker lines: what the exported module holds."""
    return "\n".join(line for line in source.splitlines() if line.strip() not in (BEGIN, END))


def exported_module(path: Path) -> tuple[Path, str] | None:
    """(module path, module text) that the notebook at `path` exports, or None if it exports nothing."""
    notebook = read(path)
    spec = notebook.metadata.get("companion", {})
    if "module" not in spec:
        return None
    header = (
        f'"""{spec["doc"]}\n\nGenerated from notebooks/{path.name} by `make export`:\n'
        f'edit the notebook\'s `exercise` and `export` cells, not this file.\n"""\n'
    )
    bodies = [strip_markers(cell.source).strip() for cell in code_cells(notebook)
              if set(tags(cell)) & set(EXPORTED_TAGS)]
    return ROOT / spec["module"], header + "\n" + "\n\n\n".join(bodies) + "\n"


def stale_modules() -> list[str]:
    """Modules whose text differs from what their notebook exports now."""
    stale = []
    for path in notebook_paths():
        exported = exported_module(path)
        if exported and (not exported[0].exists() or exported[0].read_text() != exported[1]):
            stale.append(f"{exported[0].relative_to(ROOT)} (from {path.name})")
    return stale


def export() -> None:
    for path in notebook_paths():
        exported = exported_module(path)
        if exported:
            exported[0].write_text(exported[1])
            print(f"{path.name} -> {exported[0].relative_to(ROOT)}")


def main(argv: list[str]) -> int:
    if argv == ["export"]:
        export()
        return 0
    if argv == ["check"]:
        stale = stale_modules()
        for line in stale:
            print(f"out of date: {line}; run `make export`")
        return 1 if stale else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
