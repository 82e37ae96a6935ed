"""sigctl's pytest plugin: an emulated cloud for each test of your pipeline scripts.

Installed with sigctl (a `pytest11` entry point), it gives tests the `sigctl` fixture:

    def test_publish(sigctl):
        sigctl("group", "create", "-n", "rg", "-l", "eastus2")
        done = subprocess.run(["./publish.sh"], env=sigctl.env)   # the script drives the same cloud
        assert sigctl("sig", "list", "-g", "rg").json()[0]["name"] == "gallery"

Each test gets a fresh state in its own temporary folder and a frozen clock, so nothing leaks
between tests, or between xdist workers. See docs/testing.md.

This module is imported whenever pytest starts, so it imports nothing of sigctl's CLI until a
test runs a command.
"""

from __future__ import annotations

import json
import os
import shlex
import sysconfig
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# Where the emulated clock stands when a test starts; it moves only when a command advances it
# (a wait, `replication clock advance`), so every run of a test sees the same times.
FROZEN_AT = "2030-01-01T00:00:00Z"
# Variables of the user's own environment that would point sigctl elsewhere (another home, a
# principal, a served endpoint) or change its settings, and that a test must not inherit.
_FOREIGN = ("SIGCTL_", "AZURE_")


@dataclass
class Result:
    """What a command did: its exit code and what it printed."""

    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """stdout read as JSON (None when the command printed nothing)."""
        return json.loads(self.stdout) if self.stdout.strip() else None


class SigctlError(AssertionError):
    """A command that had to succeed (seed) failed; the message holds its stderr."""


class Cloud:
    """One test's emulated cloud. Call it to run a sigctl command in the test's own process:
    `sigctl("sig", "create", "-g", "rg", "-r", "gallery")`, or with one string, split as a
    shell would: `sigctl("sig list -o table")`."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.env = _environment(home)

    def __call__(self, *args: str, input: str | None = None) -> Result:
        from typer.testing import CliRunner

        from sigctl.cli.app import app

        argv = shlex.split(args[0]) if len(args) == 1 else [str(a) for a in args]
        # The variables hold only during the command: the test's own environment stays as it was.
        changes: dict[str, str | None] = {k: None for k in os.environ if k.startswith(_FOREIGN)}
        changes.update({k: v for k, v in self.env.items() if k.startswith("SIGCTL_")})
        outcome = CliRunner().invoke(app, argv, input=input, env=changes)
        if outcome.exception is not None and not isinstance(outcome.exception, SystemExit):
            raise outcome.exception
        return Result(outcome.exit_code, outcome.stdout, outcome.stderr)

    def seed(self, path: str | os.PathLike[str]) -> Any:
        """Import a fixture (or a snapshot) file into this cloud, as `sigctl state import`."""
        result = self("state", "import", str(path), "--yes")
        if result.exit_code != 0:
            raise SigctlError(f"sigctl state import {path} failed:\n{result.stderr}")
        return result.json()

    def __repr__(self) -> str:
        return f"<sigctl cloud in {self.home}>"


def _environment(home: Path) -> dict[str, str]:
    """The variables a script under test needs to drive this cloud: the user's environment
    without their own sigctl or Azure settings, this home, the frozen clock, and `sigctl` on
    PATH (the one installed beside this plugin)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_FOREIGN)}
    env["SIGCTL_HOME"] = str(home)
    env["SIGCTL_NOW"] = FROZEN_AT
    scripts = sysconfig.get_path("scripts")
    env["PATH"] = os.pathsep.join(p for p in (scripts, env.get("PATH")) if p)
    return env


@pytest.fixture
def sigctl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cloud]:
    """An isolated emulated cloud: a fresh state in a temporary folder and a frozen clock."""
    yield Cloud(tmp_path_factory.mktemp("sigctl") / "home")
