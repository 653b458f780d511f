import subprocess
import sys

from utils.paths import ROOT


def test_ruff_is_clean_on_code_and_notebooks():
    command = [sys.executable, "-m", "ruff", "check", "--no-cache", "."]
    result = subprocess.run(command, check=False, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
