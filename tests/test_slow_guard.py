"""The guard that keeps `pytest -m "not slow"` in-process (tests/slow_guard.py).

A process start is simulated by raising its audit event, so these tests start nothing.
"""

from __future__ import annotations

import sys

import pytest
import slow_guard


@pytest.mark.parametrize("event", sorted(slow_guard.PROCESS_EVENTS))
def test_an_unmarked_test_that_starts_a_process_fails(event: str) -> None:
    args = ("sigctl", ["sigctl", "demo"], None, None) if event == "subprocess.Popen" else ()
    with (
        pytest.raises(pytest.fail.Exception, match="started a process but is not marked slow"),
        slow_guard.watching("tests/test_x.py::test_y (call)"),
    ):
        sys.audit(event, *args)


def test_the_message_names_the_test_and_the_command() -> None:
    with (
        pytest.raises(pytest.fail.Exception) as failed,
        slow_guard.watching("tests/test_x.py::test_y (setup)"),
    ):
        sys.audit("subprocess.Popen", "sigctl", ["sigctl", "serve", "--port", "0"], None, None)
    assert str(failed.value).startswith("tests/test_x.py::test_y (setup) started a process")
    assert "subprocess.Popen: ['sigctl', 'serve', '--port', '0']" in str(failed.value)


def test_other_events_pass() -> None:
    with slow_guard.watching("a test"):
        open(__file__).close()  # an audited event, but no process
        sys.audit("socket.connect", None, ("127.0.0.1", 1))


def test_the_hooks_are_installed(request: pytest.FixtureRequest) -> None:
    hooks = request.config.pluginmanager.hook
    for name in ("pytest_runtest_setup", "pytest_runtest_call"):
        functions = [impl.function for impl in getattr(hooks, name).get_hookimpls()]
        assert getattr(slow_guard, name) in functions, name


def test_the_marker_is_registered(request: pytest.FixtureRequest) -> None:
    markers = request.config.getini("markers")
    assert any(line.startswith("slow:") for line in markers)
