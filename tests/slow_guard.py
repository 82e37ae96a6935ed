"""Tests that start processes are marked `slow`; this guard fails any test that is not.

`python -m pytest -m "not slow"` is the everyday loop, so what it runs must stay in-process. A
process start is seen through Python's audit events (`subprocess.Popen`, `os.fork`, `os.exec`,
`os.posix_spawn`, `os.system`...), so it is caught wherever it happens: in the test, in a
helper, in a fixture of any scope set up for the test, or in a library. tests/conftest.py
installs the hooks below.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

PROCESS_EVENTS = frozenset(
    {
        "subprocess.Popen",
        "os.exec",
        "os.fork",
        "os.forkpty",
        "os.posix_spawn",
        "os.spawn",
        "os.system",
    }
)
_started: list[str] | None = None  # what the unmarked test being run started, while watched


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _started is not None and event in PROCESS_EVENTS:
        _started.append(f"{event}: {args[1] if event == 'subprocess.Popen' else args}")


sys.addaudithook(_audit)  # an audit hook cannot be removed: it does nothing unless watching


@contextmanager
def watching(what: str) -> Iterator[None]:
    """Fail `what` (a test's setup or call) if the block starts a process."""
    global _started
    outer, _started = _started, []
    try:
        yield
        started = _started
    finally:
        _started = outer
    if started:
        pytest.fail(
            f"{what} started a process but is not marked slow: mark the test "
            "(@pytest.mark.slow) or its module (pytestmark = pytest.mark.slow); see "
            "docs/testing.md, sigctl's own tests.\n" + "\n".join(started[:5]),
            pytrace=False,
        )


def _phase(item: pytest.Item, phase: str) -> Iterator[None]:
    if item.get_closest_marker("slow") is not None:
        return (yield)
    with watching(f"{item.nodeid} ({phase})"):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    return (yield from _phase(item, "setup"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    return (yield from _phase(item, "call"))
