"""The scripted tour behind `sigctl demo`: real command lines against a throw-away state.

The story: publish a version to three regions, freeze the clock and step it, watch a region
fail, recover with the remedy Azure documents, see "latest" before and after, and the cost.
Each step is echoed like a shell prompt and then run in-process, so the tour doubles as
documentation. When someone watches (stdout and stderr are terminals, not a CI job), the echo is
coloured and replication is slowed so the bars move; under a pipe or in CI it is plain and fast.
`--pace` and `--step` pause between steps either way.
"""

from __future__ import annotations

import os
import shlex
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sigctl.cli.errors import EXIT_INTERRUPTED, CliError

# Modelled seconds per real second while someone watches: a region takes a few seconds.
WATCHED_SPEED = 180

_RG = "-g demo-rg -r DemoGallery -i ubuntu"
_REGIONS = "eastus2 westus2 westeurope=2"
_EXPLAIN = "[].{version: name, eligible: eligible, why: join(', ', reasons)}"


@dataclass(frozen=True)
class Step:
    line: str
    caption: str
    exit_code: int = 0
    watched_only: bool = False  # run only when someone watches (it slows replication down)


STEPS: list[Step] = [
    Step(
        "sigctl group create -n demo-rg -l eastus2 -o table",
        "A resource group, as az group create makes it.",
    ),
    Step(
        'sigctl sig create -g demo-rg -r DemoGallery --description "Images for the demo" -o table',
        "A gallery: its location comes from the group.",
    ),
    Step(
        f"sigctl sig image-definition create {_RG} -p Contoso -f Ubuntu -s 24_04 "
        "--os-type linux --only-show-errors -o table",
        "An image definition; the client adds Gen2 and Trusted Launch, the service x64.",
    ),
    Step(
        "sigctl source create managed-image -g demo-rg -n build-img --os-type linux "
        "--size-gb 30 --used-gb 10 -o none",
        "The managed image a build produced (sigctl emulates sources too).",
    ),
    Step(
        f"sigctl config set replication.speed={WATCHED_SPEED}",
        f"Replication takes Azure minutes per region; sigctl models that timeline. Run it at "
        f"{WATCHED_SPEED} modelled seconds per second, so the bars can be watched.",
        watched_only=True,
    ),
    Step(
        f"sigctl sig image-version create {_RG} -e 1.0.0 --managed-image build-img "
        f"--target-regions {_REGIONS} --end-of-life-date 2031-12-31 --only-show-errors "
        '--query "{name: name, state: provisioningState}" -o table',
        "Publish 1.0.0 to three regions. Like az, the command waits for replication "
        "(with a bar per region on a terminal).",
    ),
    Step(
        "sigctl tree -g demo-rg", "The whole group as a tree: state, replicas, latest, end of life."
    ),
    Step(
        f"sigctl image-version resolve {_RG} --query name -o tsv",
        "Which version 'latest' means now.",
    ),
    Step(
        'sigctl replication clock set 2030-01-01T00:00:00Z --query "{now: now, mode: mode}" -o table',
        "Freeze the clock: replication now moves only when the clock is stepped.",
    ),
    Step(
        'sigctl replication fault add --region westeurope --at 40 --message "Storage account '
        'throttled" --query "[{region: region, at: at, message: message}]" -o table',
        "Inject a regional failure: West Europe's next replication fails at 40%.",
    ),
    Step(
        f"sigctl sig image-version create {_RG} -e 1.1.0 --managed-image build-img "
        f"--target-regions {_REGIONS} --no-wait --only-show-errors",
        "Publish 1.1.0 to the same regions, without waiting.",
    ),
    Step("sigctl replication clock advance 2m -o none", "Step the clock two minutes..."),
    Step(
        f"sigctl replication status {_RG} -e 1.1.0 -o table",
        "...and every region is part way.",
    ),
    Step("sigctl replication clock advance 10m -o none", "Ten minutes more..."),
    Step(
        f"sigctl tree {_RG}",
        "...and West Europe has failed at 40%: 1.1.0 is Failed, 'latest' stays 1.0.0.",
    ),
    Step(
        f"sigctl sig image-version wait {_RG} -e 1.1.0 --created",
        "A pipeline waiting for 1.1.0 fails the way it does with az.",
        exit_code=1,
    ),
    Step(
        f'sigctl image-version resolve {_RG} --explain --query "{_EXPLAIN}" -o table',
        "Why 'latest' skips 1.1.0.",
    ),
    Step(
        "sigctl replication fault clear",
        "The cause goes away. The failed region stays failed: Azure does not retry it by itself.",
    ),
    Step("sigctl replication clock reset --query mode -o tsv", "Let the clock run again."),
    Step(
        f"sigctl sig image-version update {_RG} -e 1.1.0 --target-regions eastus2 westus2 "
        "--only-show-errors --query provisioningState -o tsv",
        "Azure's remedy, part one: remove the failed region (it holds no replica)...",
    ),
    Step(
        f"sigctl sig image-version update {_RG} -e 1.1.0 --target-regions {_REGIONS} "
        "--only-show-errors --query provisioningState -o tsv",
        "...part two: add it back, which starts a new replication there.",
    ),
    Step(
        f"sigctl image-version resolve {_RG} --query name -o tsv",
        "'latest' now means 1.1.0.",
    ),
    Step("sigctl tree -g demo-rg", "Everything replicated."),
    Step(
        "sigctl billing estimate -g demo-rg -r DemoGallery -o table",
        "What the gallery costs under Azure's billing model (example prices).",
    ),
    Step(
        "sigctl sig show -g demo-rg -r NoSuchGallery",
        "Errors are az's too: its text, and exit code 3 for not found.",
        exit_code=3,
    ),
]

# The prompt-like echo, in standard colours (readable on a 16-colour terminal).
_CAPTION, _PROMPT, _COMMAND, _RESET = "\x1b[36m", "\x1b[1;32m", "\x1b[1m", "\x1b[0m"


@contextmanager
def _isolated_home() -> Iterator[str]:
    """A fresh SIGCTL_HOME, with no configuration leaking in from the environment."""
    saved = {k: v for k, v in os.environ.items() if k.startswith(("SIGCTL_", "AZURE_"))}
    with tempfile.TemporaryDirectory(prefix="sigctl-demo-") as home:
        for key in saved:
            del os.environ[key]
        os.environ["SIGCTL_HOME"] = home
        try:
            yield home
        finally:
            del os.environ["SIGCTL_HOME"]
            os.environ.update(saved)


def watched() -> bool:
    """Someone is watching: stdout and stderr are terminals and this is not a CI job."""
    ci = os.environ.get("CI", "").strip().lower() not in ("", "0", "false")
    return sys.stdout.isatty() and sys.stderr.isatty() and not ci


def _echo(step: Step, colour: bool) -> None:
    if colour:
        text = f"\n{_CAPTION}# {step.caption}{_RESET}\n{_PROMPT}${_RESET} {_COMMAND}{step.line}{_RESET}"
    else:
        text = f"\n# {step.caption}\n$ {step.line}"
    sys.stdout.write(text)
    sys.stdout.flush()


def _wait_for_enter() -> None:
    """Block until a line arrives on stdin; at its end, carry on without waiting again."""
    sys.stdin.readline()
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        sys.stdout.write("\n")  # on a terminal, the Enter the presenter typed ended the line


def run_demo(pace: float = 0.0, step: bool = False, colour: bool = False) -> None:
    """Run the tour; `pace` seconds between steps, `step` waits for Enter before each command.

    `colour` is the caller's verdict on colour settings; it applies only when someone watches.
    """
    from sigctl.cli.main import run, stdout_gone

    watching = watched()
    colour = colour and watching
    steps = [s for s in STEPS if watching or not s.watched_only]
    if step:
        sys.stderr.write("Press Enter to run each command (Ctrl-C ends the demo).\n")
    failures = []
    with _isolated_home():
        for number, item in enumerate(steps):
            if number and pace:
                time.sleep(pace)
            _echo(item, colour)
            if step:
                _wait_for_enter()
            else:
                sys.stdout.write("\n")
            code = run(shlex.split(item.line)[1:])
            sys.stderr.flush()
            if stdout_gone():  # `sigctl demo | head`: nobody reads the rest
                return
            if code == EXIT_INTERRUPTED:
                raise KeyboardInterrupt
            if code != item.exit_code:
                failures.append(f"'{item.line}' exited {code}, expected {item.exit_code}")
            elif code:
                sys.stdout.write(f"(exit code {code}, as az)\n")
    if failures:
        raise CliError("The demo did not behave as expected: " + "; ".join(failures))
    sys.stdout.write("\nDone. Every step above is a real sigctl command line: copy any of them.\n")
