"""Nothing downloads at run time: no code path reaches for the network, and the suite runs with it off."""

import ast
import os
import socket

import pytest

from tools import notebooks as nbtools
from utils.paths import ROOT

# Calls that fetch from the internet. The notebooks' shared bootstrap (which clones the repository only
# when a notebook runs outside it, as on Colab) is removed before scanning.
NETWORK_NAMES = {"urlopen", "urlretrieve", "get_file", "load_data", "snapshot_download", "hf_hub_download"}
NETWORK_MODULES = {"urllib.request", "requests", "httpx", "http.client", "huggingface_hub"}


def project_sources():
    for path in sorted([*ROOT.glob("utils/*.py"), *ROOT.glob("tools/*.py")]):
        yield path.relative_to(ROOT), path.read_text()
    for path in nbtools.notebook_paths():
        for cell in nbtools.code_cells(nbtools.read(path)):
            source = cell.source.replace(nbtools.BOOTSTRAP, "")
            yield f"{path.name}: {source[:40]!r}", "\n".join(
                line for line in source.splitlines() if not line.lstrip().startswith(("!", "%")))


def network_uses(source):
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [node.module] if isinstance(node, ast.ImportFrom) else [alias.name for alias in node.names]
            yield from (name for name in names if name in NETWORK_MODULES)
        elif isinstance(node, ast.Attribute | ast.Name):
            name = node.attr if isinstance(node, ast.Attribute) else node.id
            if name in NETWORK_NAMES:
                yield name


@pytest.mark.parametrize("where, source", list(project_sources()), ids=lambda value: str(value)[:60])
def test_no_code_path_downloads(where, source):
    assert list(network_uses(source)) == []


def test_the_scanner_finds_a_download():
    assert list(network_uses("import keras\nkeras.utils.get_file('x', 'https://example.org/x')")) == ["get_file"]


@pytest.mark.skipif(os.environ.get("SEQ_OFFLINE") != "1", reason="the suite runs online here (no `unshare -n`)")
def test_suite_really_runs_without_network():
    """`make test` sets SEQ_OFFLINE=1 only when it runs pytest, and so every notebook, in a namespace with no network."""
    with socket.socket() as sock:
        sock.settimeout(3)
        assert sock.connect_ex(("1.1.1.1", 80)) != 0
