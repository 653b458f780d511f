"""Every data file and every weights file is documented: data/README.md gives each file's SHA-256, and
pretrained/README.md names each weights file with the command that rebuilds it and its SHA-256."""

import hashlib

import pytest

from utils.paths import DATA, PRETRAINED


def files_in(folder):
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name != "README.md")


@pytest.mark.parametrize("path", files_in(DATA), ids=lambda p: p.name)
def test_data_readme_records_each_files_current_sha256(path):
    readme = (DATA / "README.md").read_text()
    assert f"`{path.name}`" in readme
    assert hashlib.sha256(path.read_bytes()).hexdigest() in readme, f"update the SHA-256 of {path.name}"


@pytest.mark.parametrize("path", files_in(PRETRAINED), ids=lambda p: p.name)
def test_pretrained_readme_names_each_weights_file_with_its_current_sha256(path):
    rows = [line for line in (PRETRAINED / "README.md").read_text().splitlines() if line.startswith(f"| `{path.name}`")]
    assert rows, f"pretrained/README.md has no row for {path.name}"
    assert hashlib.sha256(path.read_bytes()).hexdigest() in rows[0], f"update the SHA-256 of {path.name}"
