"""The examples are documentation that runs: each must succeed against a fresh state."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

EXAMPLES_DIR = Path(__file__).parent.parent / "examples"
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.sh"))
EVERY_COMMAND = Path(__file__).parent.parent / "examples" / "az_sig_every_command.sh"


@pytest.mark.slow
@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(script: Path, home: Path) -> None:
    run_example(script, os.environ.copy())


@pytest.mark.slow
def test_the_shared_cloud_example_runs_on_postgresql(postgres: Any) -> None:
    """examples/shared_cloud.sh on a fresh database of the session's PostgreSQL server."""
    import uuid

    url = postgres.create_database(f"example_{uuid.uuid4().hex[:8]}")
    run_example(EXAMPLES_DIR / "shared_cloud.sh", {**os.environ, "SIGCTL_DATABASE_URL": url})


def run_example(script: Path, env: dict[str, str]) -> None:
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


def _az_sig_commands() -> set[str]:
    """Every command of sigctl's az tree (test_help checks that tree against az's own help)."""
    from sigctl.cli import tree

    commands = set()
    for path, node in tree.TREE.items():
        group = node.load() if path[:1] == ("sig",) else None
        commands |= {" ".join((*path, name)) for name in (group.commands if group else ())}
    return commands


def test_the_ci_script_runs_every_az_sig_command() -> None:
    """examples/az_sig_every_command.sh calls each `az sig` command through $AZ, so that it
    runs against az too; a command added to the tree must be added to the script."""
    script = EVERY_COMMAND.read_text().replace("\\\n", " ")
    called = {m.group(1) for m in re.finditer(r"\$AZ (sig(?: [a-z][a-z-]*)+)", script)}
    commands = _az_sig_commands()
    assert len(commands) == 65
    assert sorted(commands - called) == [], "not called by the script"
    assert sorted(called - commands) == [], "not az sig commands"
