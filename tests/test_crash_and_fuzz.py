"""Samples of the full crash and fuzz runs (tools/crash_test.py, tools/fuzz.py; figures of the
full runs in tools/README.md): bounded to seconds, with the same checks and the same zeros."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from types import ModuleType

import pytest

TOOLS = Path(__file__).resolve().parent.parent / "tools"


def tool(name: str) -> ModuleType:
    sys.path.insert(0, str(TOOLS))
    try:
        import importlib

        return importlib.import_module(name)
    finally:
        sys.path.remove(str(TOOLS))


@pytest.mark.slow
def test_commands_killed_inside_their_commit_lose_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    # On disk, as users' homes are: a commit on the session's RAM disk is over before the kill.
    monkeypatch.setattr(tempfile, "tempdir", "/var/tmp")
    crash = tool("crash_test")
    # Killed as soon as the journal appears, so that a busy machine cannot let a short commit
    # finish first (the full run in tools/README.md spreads its kills wider).
    report = crash.crash_test(trials=4, seed=2, modes=("in commit",), commit_delay=0.0)
    assert report.trials == 4 and report.killed >= 3, vars(report)
    assert report.clean(), report.details
    # Killed with their journal on disk (the rest just after): the next command finished it.
    assert report.journals_left_by_kills >= 1, vars(report)


def test_hostile_arguments_to_every_kind_of_command_are_answered_cleanly() -> None:
    fuzz = tool("fuzz")
    report = fuzz.fuzz(invocations=50, seed=3, in_process=True)
    assert report.invocations == report.commands_covered == 50
    assert report.clean(), report.details
