"""What the crash and fuzz runs share: running the installed sigctl, seeding and snapshotting a
throw-away home, and the outcomes that count as failures.

Only the standard library is used; every home is a temporary folder, never a user's own state.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SUBSCRIPTION = "6b1a9c4e-2f3d-4e5a-8b7c-9d0e1f2a3b4c"
GALLERY_ID = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg1/providers/Microsoft.Compute/galleries/gal1"
)
EXIT_CODES = {0, 1, 2, 3}
# A small state holding one of everything the writing commands touch.
SEED = [
    line.split()
    for line in (
        "group create -n rg1 -l eastus2 --tags env=ci",
        "sig create -g rg1 -r gal1 --description seed",
        "sig image-definition create -g rg1 -r gal1 -i def1 -p P -f O -s S --os-type linux "
        "--only-show-errors",
        "source create managed-image -g rg1 -n img --os-type linux",
        "sig image-version create -g rg1 -r gal1 -i def1 -e 1.0.0 --managed-image img "
        "--only-show-errors",
        "ad user create --display-name ada --user-principal-name ada@sigctl.onmicrosoft.com",
        "role assignment create --assignee ada --role Reader -g rg1",
    )
]


def sigctl_command() -> list[str]:
    """The installed console script beside this interpreter, else `python -m sigctl`."""
    script = Path(sysconfig.get_path("scripts")) / "sigctl"
    return [str(script)] if script.exists() else [sys.executable, "-m", "sigctl"]


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SIGCTL_", "AZURE_"))}
    env.update(SIGCTL_HOME=str(home), SIGCTL_REPLICATION_SPEED="instant", NO_COLOR="1")
    return env


@dataclass
class Outcome:
    argv: list[str | bytes]
    code: int | None  # None: it did not end by itself (killed, or timed out)
    stdout: str
    stderr: str
    seconds: float = 0.0

    def failures(self) -> list[str]:
        """What no command may ever do, whatever its input."""
        found = []
        if "Traceback (most recent call last)" in self.stderr:
            found.append("traceback")
        if "unexpected error" in self.stderr:
            found.append("unexpected error")
        if self.code is not None and self.code not in EXIT_CODES:
            found.append(f"exit code {self.code}")
        return found


def run(argv: list[str | bytes], home: Path, cwd: Path, timeout: float = 60) -> Outcome:
    import time

    started = time.perf_counter()
    try:
        done = subprocess.run(
            [*sigctl_command(), *argv],
            env=environment(home),
            cwd=cwd,
            capture_output=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as expired:
        return Outcome(argv, None, _text(expired.stdout), _text(expired.stderr), timeout)
    return Outcome(
        argv,
        done.returncode,
        _text(done.stdout),
        _text(done.stderr),
        time.perf_counter() - started,
    )


def _text(data: bytes | None) -> str:
    return (data or b"").decode("utf-8", "backslashreplace")


def seed(
    home: Path, cwd: Path, runner: Callable[[list[str | bytes]], Outcome] | None = None
) -> None:
    """Create the seeded state, with `runner` (else a process per command)."""
    for argv in SEED:
        line: list[str | bytes] = [*argv, "-o", "none"]
        outcome = runner(line) if runner else run(line, home, cwd)
        if outcome.code != 0:
            raise SystemExit(f"seeding failed: sigctl {' '.join(argv)}\n{outcome.stderr}")


def snapshot(home: Path) -> dict[str, bytes]:
    """Every file of the home (state, configuration, login) but the lock and scratch files."""
    if not home.exists():
        return {}
    return {
        str(p.relative_to(home)): p.read_bytes()
        for p in sorted(home.rglob("*"))
        if p.is_file() and p.name != ".lock" and ".tmp" not in p.relative_to(home).parts
    }


def state_problems(home: Path, cwd: Path) -> list[str]:
    """What `sigctl state check` finds (empty: a healthy state)."""
    outcome = run(["state", "check", "-o", "json"], home, cwd)
    if outcome.code == 0:
        return []
    try:
        return [f"{p['location']}: {p['problem']}" for p in json.loads(outcome.stdout)["problems"]]
    except (ValueError, KeyError, TypeError):
        return [f"state check failed (exit {outcome.code}): {outcome.stderr.strip()}"]


@dataclass
class Failures:
    """The counts that must all be zero, and a line on each failure."""

    corrupt_stores: int = 0
    tracebacks: int = 0
    exit_codes_outside_0_to_3: int = 0
    failed_commands_that_changed_the_state: int = 0
    unexpected_error_lines: int = 0
    details: list[str] = field(default_factory=list)

    COUNTS = (
        "corrupt_stores",
        "tracebacks",
        "exit_codes_outside_0_to_3",
        "failed_commands_that_changed_the_state",
        "unexpected_error_lines",
    )

    def clean(self) -> bool:
        return all(getattr(self, name) == 0 for name in self.COUNTS)

    def note(self, outcome: Outcome) -> None:
        for failure in outcome.failures():
            if failure == "traceback":
                self.tracebacks += 1
            elif failure == "unexpected error":
                self.unexpected_error_lines += 1
            else:
                self.exit_codes_outside_0_to_3 += 1
            self.details.append(
                f"{failure}: sigctl {shown(outcome.argv)}: {outcome.stderr.strip()[-600:]}"
            )

    def summary(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if k != "details"}

    def print(self, as_json: bool) -> None:
        if as_json:
            print(json.dumps({**self.summary(), "details": self.details}, indent=2))
            return
        for key, value in self.summary().items():
            print(f"{key.replace('_', ' ')}: {value}")
        for line in self.details[:50]:
            print("  " + line)


def shown(argv: list[str | bytes]) -> str:
    text = " ".join(a if isinstance(a, str) else repr(a) for a in argv)
    return text if len(text) < 300 else text[:300] + "..."
