"""`sigctl demo`: the story it tells, plain and fast under a pipe, paced and stepped on demand."""

from __future__ import annotations

import itertools
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sigctl.cli.demo import STEPS

pytestmark = pytest.mark.slow  # it starts processes (tests/slow_guard.py)

ESCAPE = "\x1b["
PIPED_STEPS = [s for s in STEPS if not s.watched_only]


def command(*args: str) -> list[str]:
    sigctl = shutil.which("sigctl")
    return [sigctl, *args] if sigctl else [sys.executable, "-m", "sigctl", *args]


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "NO_COLOR")}
    return {**env, **extra}


def test_piped_demo_tells_the_story_plainly(home: Path) -> None:
    """Under a pipe nothing is slowed for a watcher (benchmarks/waits.py times it)."""
    result = subprocess.run(
        command("demo"), capture_output=True, text=True, timeout=120, env=environment()
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert ESCAPE not in out and ESCAPE not in result.stderr  # plain: no colour, no bars
    assert [line[2:] for line in out.splitlines() if line.startswith("$ ")] == [
        s.line for s in PIPED_STEPS
    ]
    assert "replication.speed" not in out  # replication is slowed only for a watcher
    # The story, in order: published, latest, a failed region, the remedy, latest after, cost.
    markers = [
        "--target-regions eastus2 westus2 westeurope=2",
        "└── West Europe  ✔ Completed",
        "\n1.0.0\n",
        "frozen",
        "West Europe  Replicating  21%",
        "└── West Europe  ✖ Failed     ████░░░░░░  40%",
        "(exit code 1, as az)",
        "1.1.0      False       provisioning failed",
        "--target-regions eastus2 westus2 --only-show-errors",
        "\n1.1.0\n",
        "Total",
        "(exit code 3, as az)",
    ]
    positions = [out.find(marker) for marker in markers]
    assert -1 not in positions, dict(zip(markers, positions, strict=True))
    assert positions == sorted(positions)
    assert "ERROR: The operation failed" in result.stderr  # errors on stderr, as az's
    assert not home.exists()  # the user's SIGCTL_HOME is never touched


@pytest.mark.parametrize("args", [["demo"], ["sig", "list", "-o", "table"], ["group", "list"]])
def test_a_reader_that_stops_reading_is_no_error(home: Path, args: list[str]) -> None:
    """`sigctl ... | head -1` under `set -o pipefail`: the rest of the output goes nowhere, no
    error is printed and the exit code is 0 (the command did what it was asked)."""
    setup = " && ".join(
        [
            f"{' '.join(command('group', 'create', '-n', f'rg{i}', '-l', 'eastus2'))} -o none"
            for i in range(3)
        ]
        + [
            f"{' '.join(command('sig', 'create', '-g', 'rg0', '-r', f'g{i}'))} -o none"
            for i in range(3)
        ]
    )
    script = f"set -o pipefail; {setup} && {' '.join(command(*args))} | head -c 1 >/dev/null"
    result = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, timeout=120, env=environment()
    )
    assert (result.returncode, result.stderr) == (0, "")


def step_starts(args: list[str]) -> list[float]:
    """When each step's command line arrived on the demo's stdout."""
    process = subprocess.Popen(
        command("demo", *args), stdout=subprocess.PIPE, text=True, env=environment()
    )
    assert process.stdout is not None
    starts = [time.monotonic() for line in process.stdout if line.startswith("$ ")]
    assert process.wait(timeout=120) == 0
    return starts


def test_pace_waits_between_steps() -> None:
    pace = 0.1
    starts = step_starts(["--pace", str(pace)])
    assert len(starts) == len(PIPED_STEPS)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= pace * 0.9, gaps  # every gap holds the pause (less timer slack)
    assert starts[-1] - starts[0] >= pace * (len(starts) - 1)


@pytest.mark.parametrize("value", ["-1", "soon", "nan", "inf"])
def test_a_bad_pace_is_a_usage_error(value: str) -> None:
    result = subprocess.run(
        command("demo", "--pace", value), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert result.stderr.startswith("ERROR: argument --pace:")
    assert "$ sigctl" not in result.stdout


class Reader:
    """Everything a running process wrote to a pipe so far, without blocking."""

    def __init__(self, fd: int) -> None:
        self.fd, self.text = fd, ""

    def read(self, seconds: float) -> str:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                break
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:  # a pseudo-terminal whose process has ended
                chunk = b""
            if not chunk:
                break
            self.text += chunk.decode()
        return self.text

    def until(self, wanted: str, seconds: float = 30) -> str:
        deadline = time.monotonic() + seconds
        while wanted not in self.text and time.monotonic() < deadline:
            self.read(0.1)
        assert wanted in self.text, self.text[-2000:]
        return self.text


def test_step_runs_each_command_when_enter_is_pressed() -> None:
    process = subprocess.Popen(
        command("demo", "--step"),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment(),
    )
    assert process.stdin and process.stdout and process.stderr
    out = Reader(process.stdout.fileno())
    first, second = PIPED_STEPS[0].line, PIPED_STEPS[1].line
    out.until(f"$ {first}")
    time.sleep(0.5)
    assert out.read(0.2).endswith(f"$ {first}")  # shown, not run: it waits for Enter
    process.stdin.write(b"\n")
    process.stdin.flush()
    out.until(f"$ {second}")
    assert "Location    Name" in out.text  # the first command ran...
    time.sleep(0.5)
    assert out.read(0.2).endswith(f"$ {second}")  # ...and the second waits its turn
    process.stdin.write(b"\n" * len(PIPED_STEPS))
    process.stdin.close()
    assert process.wait(timeout=120) == 0
    out.read(5)
    assert out.text.count("$ sigctl") == len(PIPED_STEPS)
    assert "Press Enter" in process.stderr.read().decode()


def test_step_carries_on_when_stdin_ends() -> None:
    result = subprocess.run(
        command("demo", "--step"), input="", capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "Done." in result.stdout


def run_on_terminal(env: dict[str, str]) -> tuple[int, str, float]:
    """Run `sigctl demo` with stdout and stderr on a pseudo-terminal, as a presenter would."""
    controller, terminal = pty.openpty()
    started = time.monotonic()
    process = subprocess.Popen(
        command("demo"), stdin=subprocess.DEVNULL, stdout=terminal, stderr=terminal, env=env
    )
    os.close(terminal)
    out = Reader(controller)
    while process.poll() is None:
        out.read(0.2)
    out.read(1)
    os.close(controller)
    return process.returncode, out.text, time.monotonic() - started


def test_on_a_terminal_prompts_are_coloured_and_bars_move() -> None:
    code, text, elapsed = run_on_terminal(environment(TERM="xterm"))
    assert code == 0, text[-3000:]
    assert "\x1b[1;32m$\x1b[0m \x1b[1msigctl group create" in text  # the prompt-like echo
    assert "sigctl config set replication.speed=" in text  # slowed for the watcher
    # The bars of 1.0.0 pass through intermediate values on their way to 100%.
    percentages = {int(p) for p in re.findall(r"\s(\d{1,3})%", text)}
    assert any(0 < p < 100 for p in percentages)
    assert "◐ Replicating" in text
    assert elapsed > 2  # replication took watchable time


def test_in_ci_a_terminal_demo_stays_plain_and_unslowed() -> None:
    code, text, _ = run_on_terminal(environment(TERM="xterm", CI="true"))
    assert code == 0, text[-3000:]
    assert "\x1b[1;32m$" not in text and "replication.speed" not in text
