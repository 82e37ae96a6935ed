"""The examples are documentation that runs: each must succeed against a fresh state."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.sh"))


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(script: Path, home: Path) -> None:
    env = os.environ.copy()
    sigctl = shutil.which("sigctl")
    assert sigctl, "the examples run the installed sigctl command"
    env["PATH"] = (
        f"{Path(sigctl).parent}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    )
    result = subprocess.run(
        ["bash", str(script)], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"{script.name} failed:\n{result.stdout}\n{result.stderr}"


def test_there_are_examples() -> None:
    assert EXAMPLES
