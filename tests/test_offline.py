"""Nothing downloads at run time: no code path reaches for the network, and the suite runs with it off."""

import ast
import os
import socket

import pytest

from tools import notebooks as nbtools
from utils.paths import ROOT

# Calls that fetch from the internet, and commands run through subprocess that do.
NETWORK_NAMES = {"urlopen", "urlretrieve", "get_file", "load_data", "snapshot_download", "hf_hub_download"}
NETWORK_MODULES = {"urllib.request", "requests", "httpx", "http.client", "huggingface_hub"}
NETWORK_COMMANDS = {("git", "clone"), ("pip", "install"), ("curl",), ("wget",), ("apt-get", "install")}
# The only places allowed to reach the network, each behind a guard that its own test checks: the setup cell's
# bootstrap clones only on Colab or when asked (tests/test_notebooks.py), and `colab_install` runs only on Colab.
ALLOWED = {("bootstrap", "git clone"), ("utils/setup.py", "pip install")}


def project_sources():
    for path in sorted([*ROOT.glob("utils/*.py"), *ROOT.glob("tools/*.py")]):
        yield path.relative_to(ROOT), path.read_text()
    yield "bootstrap", nbtools.BOOTSTRAP
    for path in nbtools.notebook_paths():
        for cell in nbtools.code_cells(nbtools.read(path)):
            source = cell.source.replace(nbtools.BOOTSTRAP, "")  # scanned once, above
            yield f"{path.name}: {source[:40]!r}", "\n".join(
                line for line in source.splitlines() if not line.lstrip().startswith(("!", "%")))


RUNNERS = {"run", "call", "check_call", "check_output", "Popen", "system", "popen", "getoutput", "getstatusoutput"}


def called_name(node):
    return node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)


def command_words(node):
    """The string constants in a call's arguments, e.g. ["git", "clone", "--quiet"] for subprocess.run([...])."""
    return [leaf.value for arg in node.args for leaf in ast.walk(arg)
            if isinstance(leaf, ast.Constant) and isinstance(leaf.value, str)]


def network_uses(source):
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and called_name(node) in RUNNERS:
            words = " ".join(command_words(node)).split()
            for command in NETWORK_COMMANDS:
                if any(words[i:i + len(command)] == list(command) for i in range(len(words))):
                    yield " ".join(command)
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [node.module] if isinstance(node, ast.ImportFrom) else [alias.name for alias in node.names]
            yield from (name for name in names if name in NETWORK_MODULES)
        elif isinstance(node, ast.Attribute | ast.Name):
            name = node.attr if isinstance(node, ast.Attribute) else node.id
            if name in NETWORK_NAMES:
                yield name


@pytest.mark.parametrize("where, source", list(project_sources()), ids=lambda value: str(value)[:60])
def test_no_code_path_downloads(where, source):
    assert [use for use in network_uses(source) if (str(where), use) not in ALLOWED] == []


def test_the_scanner_finds_a_download():
    assert list(network_uses("import keras\nkeras.utils.get_file('x', 'https://example.org/x')")) == ["get_file"]


@pytest.mark.parametrize("source, use", [
    ("import subprocess\nsubprocess.run(['git', 'clone', '--depth=1', url])", "git clone"),
    ("import subprocess\nsubprocess.check_call('pip install -q faker'.split())", "pip install"),
    ("import os\nos.system('wget https://example.org/data.zip')", "wget"),
])
def test_the_scanner_finds_commands_that_download(source, use):
    assert list(network_uses(source)) == [use]


def test_the_bootstrap_is_scanned_and_its_clone_is_the_only_one_allowed():
    assert list(network_uses(nbtools.BOOTSTRAP)) == ["git clone"]
    assert {where for where, _ in ALLOWED} == {"bootstrap", "utils/setup.py"}


@pytest.mark.skipif(os.environ.get("SEQ_OFFLINE") != "1", reason="the suite runs online here (no `unshare -n`)")
def test_suite_really_runs_without_network():
    """`make test` sets SEQ_OFFLINE=1 only when it runs pytest, and so every notebook, in a namespace with no network."""
    with socket.socket() as sock:
        sock.settimeout(3)
        assert sock.connect_ex(("1.1.1.1", 80)) != 0
