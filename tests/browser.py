"""Headless Chromium for tests, driven over the DevTools protocol on a pipe (no extra library).

Chromium comes from the system (Debian's `chromium` package; `.ci/run` installs it), never
downloaded at test time. Where it is missing the browser tests fail with a message saying how to
install it; outside CI, SIGCTL_SKIP_BROWSER_TESTS=1 turns that into a skip.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_ENV = "SIGCTL_CHROMIUM"
SKIP_ENV = "SIGCTL_SKIP_BROWSER_TESTS"
FLAGS = [
    "--headless",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--ignore-certificate-errors",  # the served cloud's certificate is self-signed
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
]


def find_chromium() -> str | None:
    found = os.environ.get(CHROMIUM_ENV) or shutil.which("chromium") or "/usr/bin/chromium"
    return found if Path(found).is_file() and os.access(found, os.X_OK) else None


MISSING = (
    "Chromium is not installed: `apt-get install -y chromium` (.ci/run does this), or point "
    f"{CHROMIUM_ENV} at a Chromium executable."
)


def chromium_or_fail() -> str:
    """The Chromium executable; a clear failure (or, outside CI and asked for, a skip)."""
    found = find_chromium()
    if found:
        return found
    message = MISSING
    in_ci = os.environ.get("CI", "").lower() not in ("", "0", "false")
    if os.environ.get(SKIP_ENV) == "1" and not in_ci:
        pytest.skip(f"{message} Skipped because {SKIP_ENV}=1.")
    pytest.fail(message + f" Outside CI, {SKIP_ENV}=1 skips the browser tests instead.")


class Browser:
    """One headless Chromium with one page, spoken to over --remote-debugging-pipe."""

    def __init__(self, executable: str, width: int = 1280, height: int = 800) -> None:
        self.profile = tempfile.mkdtemp(prefix="sigctl-chromium-")
        their_read, our_write = os.pipe()  # Chromium reads commands from its fd 3
        our_read, their_write = os.pipe()  # and writes answers and events to its fd 4
        self.process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-pipe"],
            pass_fds=(3, 4),
            preexec_fn=lambda: _as_fds_3_and_4(their_read, their_write),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(their_read)
        os.close(their_write)
        self._commands = os.fdopen(our_write, "wb")
        self._answers = our_read
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        self.page(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        self.page("Network.enable")
        self.page("Page.enable")
        self.page("Runtime.enable")

    # -- the protocol ----------------------------------------------------------------------

    def call(self, method: str, params: dict[str, Any] | None = None, session: str = "") -> Any:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._commands.write(json.dumps(message).encode() + b"\0")
        self._commands.flush()
        while True:
            answer = self._receive()
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            if "method" in answer:
                self.events.append(answer)

    def page(self, method: str, params: dict[str, Any] | None = None) -> Any:
        return self.call(method, params, self.session)

    def _receive(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self._answers, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    # -- what the tests do -----------------------------------------------------------------

    def open(self, url: str) -> None:
        self.page("Page.navigate", {"url": url})

    def evaluate(self, expression: str) -> Any:
        """A JavaScript expression's value (JSON-serialisable), evaluated in the page."""
        answer = self.page(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in answer:
            raise RuntimeError(f"{expression}: {answer['exceptionDetails']}")
        return answer["result"].get("value")

    def wait_for(
        self, expression: str, check: Callable[[Any], bool] = bool, timeout: float = 20
    ) -> Any:
        """Evaluate until `check` accepts the value; the last value in the failure otherwise."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = self.evaluate(expression)
            except RuntimeError as error:  # e.g. the page is still loading
                value = error
            else:
                if check(value):
                    return value
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out after {timeout} s waiting on {expression}: {value!r:.3000}"
                )
            time.sleep(0.1)

    def requests(self) -> list[dict[str, Any]]:
        """Every request the page has sent so far (method and URL)."""
        self.evaluate("0")  # collects the events sent since the last call
        return [
            e["params"]["request"]
            for e in self.events
            if e["method"] == "Network.requestWillBeSent"
        ]

    def errors(self) -> list[str]:
        """Uncaught exceptions and console errors of the page so far."""
        self.evaluate("0")
        found = []
        for event in self.events:
            if event["method"] == "Runtime.exceptionThrown":
                found.append(str(event["params"]["exceptionDetails"]))
            elif (
                event["method"] == "Runtime.consoleAPICalled" and event["params"]["type"] == "error"
            ):
                found.append(str(event["params"]["args"]))
        return found

    def screenshot(self, path: Path) -> bytes:
        data = base64.b64decode(self.page("Page.captureScreenshot", {"format": "png"})["data"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return data

    def close(self) -> None:
        try:
            self.call("Browser.close")
            self.process.wait(timeout=10)
        except (RuntimeError, OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        finally:
            self._commands.close()
            os.close(self._answers)
            shutil.rmtree(self.profile, ignore_errors=True)


def _as_fds_3_and_4(reads: int, writes: int) -> None:
    """In the child: the pipe ends become fds 3 and 4 (moved above 10 first, so neither
    overwrites the other when one of them already is 3 or 4)."""
    high_read = fcntl.fcntl(reads, fcntl.F_DUPFD, 10)
    high_write = fcntl.fcntl(writes, fcntl.F_DUPFD, 10)
    os.dup2(high_read, 3)
    os.dup2(high_write, 4)
