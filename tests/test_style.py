"""Lint and format are part of the test run, so CI fails on either."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # it starts processes (tests/slow_guard.py)

ROOT = Path(__file__).parent.parent


@pytest.mark.parametrize("args", [["check", "."], ["format", "--check", "."]])
def test_ruff(args: list[str]) -> None:
    ruff = shutil.which("ruff")
    assert ruff, "ruff is a test dependency: pip install -e '.[test]'"
    result = subprocess.run([ruff, *args], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# Documents that are not part of the repository: the docs and comments state the fact, or cite
# Azure's public documentation, instead of pointing at them.
_ELSEWHERE = re.compile(r"service-rules|az-cli-surface|§|\bthe issue\b", re.I)


def test_docs_and_code_stand_on_their_own() -> None:
    files = [
        *ROOT.glob("*.md"),
        *(ROOT / "docs").glob("*.md"),
        *(ROOT / "sigctl").rglob("*.py"),
        *(ROOT / "tools").glob("*.py"),
        *(ROOT / "examples").rglob("*.sh"),
        *(p for p in (ROOT / "tests").glob("*.py") if p.name not in ("test_help.py",)),
    ]
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in files
        if path.name != "test_style.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if _ELSEWHERE.search(line)
    ]
    assert not found, "\n".join(found)
