"""Where things live in the repository.

Taught in every notebook's Setup section: notebooks, tests, scripts and Colab all find `data/`,
`pretrained/` and `images/` from here, whatever the current directory is.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
PRETRAINED = ROOT / "pretrained"
IMAGES = ROOT / "images"
NOTEBOOKS = ROOT / "notebooks"


def _existing(folder: Path, name: str, what: str, hint: str) -> Path:
    path = folder / name
    if not path.exists():
        raise FileNotFoundError(f"{what} {name!r} is missing: expected it at {path}. {hint}")
    return path


def data_path(name: str) -> Path:
    """Path of a file in `data/`, with a clear error naming it when it is missing."""
    return _existing(DATA, name, "Data file", "data/README.md says where each file comes from.")


def pretrained_path(name: str) -> Path:
    """Path of a weights file in `pretrained/`, with a clear error naming it when it is missing."""
    return _existing(PRETRAINED, name, "Pretrained weights", "pretrained/README.md gives the command that rebuilds each file.")


def image_path(name: str) -> Path:
    """Path of a figure in `images/`, with a clear error naming it when it is missing."""
    return _existing(IMAGES, name, "Figure", "`make figures` redraws the figures.")
