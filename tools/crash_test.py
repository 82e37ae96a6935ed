"""Kill writing sigctl commands at random instants (SIGKILL) and prove nothing is ever lost.

    python tools/crash_test.py [--trials 500] [--seed 1] [--json]

Each trial starts one writing command in a throw-away home and kills it with SIGKILL, unless it
ends first: at a random instant of its run, of the last part of its run, or as soon as its
commit journal appears (so inside the commit, the instant a crash could hurt). Then:

- `sigctl state check` must find nothing wrong (a corrupt store otherwise);
- every write a command acknowledged (exit 0) must still be there, and every acknowledged delete
  still gone (the whole ledger is checked every 10 trials and at the end);
- a command that failed on its own (not killed) must have left the state exactly as it was;
- no command, the checks included, may print a traceback or "unexpected error", or exit with a
  code outside {0, 1, 2, 3}.

The figures are printed at the end (tools/README.md records a full run); exit 1 if any failure
count is not zero.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness

FIXTURE = """sigctlFixture = 1
[[groups]]
name = "fx{n}"
location = "eastus2"
[[galleries]]
resourceGroup = "fx{n}"
name = "fxg{n}"
[[definitions]]
resourceGroup = "fx{n}"
gallery = "fxg{n}"
name = "d"
publisher = "P"
offer = "O"
sku = "S{n}"
osType = "Linux"
"""


@dataclass
class Write:
    """One writing command: its argv for trial n (None: nothing to do it on yet)."""

    kind: str
    argv: Callable[[int, Ledger], list[str] | None]
    creates: bool = True


@dataclass
class Ledger:
    """What acknowledged commands promised: item -> True (exists) or False (deleted)."""

    expected: dict[str, bool] = field(default_factory=dict)
    last_tag: int = -1

    def alive(self, prefix: str) -> list[str]:
        return sorted(k for k, v in self.expected.items() if v and k.startswith(prefix))


# The seeded resources every other command relies on are never deleted.
SEEDED = {"group:rg1": True, "gallery:gal1": True, "version:1.0.0": True}


def _line(template: str) -> Callable[[int, Ledger], list[str]]:
    return lambda n, _: template.format(n=n, gallery=harness.GALLERY_ID).split()


def _existing(prefix: str, template: str) -> Callable[[int, Ledger], list[str] | None]:
    """A delete of something an acknowledged create made (None while there is none)."""

    def argv(n: int, ledger: Ledger) -> list[str] | None:
        items = [i for i in ledger.alive(prefix) if i not in SEEDED]
        return template.format(items[n % len(items)].split(":", 1)[1]).split() if items else None

    return argv


WRITES = [
    Write("group create", _line("group create -n rg{n} -l eastus2 --tags n={n}")),
    Write("sig create", _line("sig create -g rg1 -r gal{n} --description g{n}")),
    Write("sig update (tag)", _line("sig update -g rg1 -r gal1 --set tags.last={n}")),
    Write(
        "image-definition create",
        _line(
            "sig image-definition create -g rg1 -r gal1 -i def{n} -p P -f O -s S{n} "
            "--os-type linux --only-show-errors"
        ),
    ),
    Write(
        "image-version create",
        _line(
            "sig image-version create -g rg1 -r gal1 -i def1 -e 2.0.{n} --managed-image img "
            "--target-regions eastus2 westus2 --only-show-errors"
        ),
    ),
    Write(
        "source create",
        _line("source create snapshot -g rg1 -n snap{n} --os-type linux --size-gb 64"),
    ),
    Write(
        "ad user create",
        _line(
            "ad user create --display-name u{n} --user-principal-name u{n}@sigctl.onmicrosoft.com"
        ),
    ),
    Write(
        "role assignment create",
        _line(
            "role assignment create --assignee ada --role Reader --scope {gallery}/images/def{n}"
        ),
    ),
    Write("state import (fixture)", _line("state import fixture{n}.toml")),
    Write("replication clock advance", _line("replication clock advance 1h")),
    Write(
        "image-version delete",
        _existing("version:", "sig image-version delete -g rg1 -r gal1 -i def1 -e {}"),
        creates=False,
    ),
    Write("sig delete", _existing("gallery:", "sig delete -g rg1 -r {}"), creates=False),
    Write("group delete", _existing("group:", "group delete -n {} --yes"), creates=False),
]
# The ledger item a create of each kind adds (a delete names the item it removes).
ITEMS = {
    "group create": "group:rg{n}",
    "sig create": "gallery:gal{n}",
    "image-definition create": "definition:def{n}",
    "image-version create": "version:2.0.{n}",
    "source create": "source:snap{n}",
    "ad user create": "user:u{n}",
    "state import (fixture)": "fixture:fxg{n}",
}
DELETES = {"image-version delete": "version", "sig delete": "gallery", "group delete": "group"}
# How to list what exists of each kind of item (names, as JSON).
LISTS = {
    "group": "group list --query [].name",
    "gallery": "sig list -g rg1 --query [].name",
    "fixture": "sig list --query [].name",
    "definition": "sig image-definition list -g rg1 -r gal1 --query [].name",
    "version": "sig image-version list -g rg1 -r gal1 -i def1 --query [].name",
    "source": "source list -g rg1 --kind snapshot --query [].name",
    "user": "ad user list --query [].displayName",
}


@dataclass
class Report(harness.Failures):
    trials: int = 0
    killed: int = 0
    finished_first: int = 0
    failed_on_their_own: int = 0
    journals_left_by_kills: int = 0  # killed inside a commit: the next command finished it
    acknowledged: int = 0
    lost_acknowledged_writes: int = 0
    by_command: dict[str, int] = field(default_factory=dict)
    kill_plans: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    COUNTS = (*harness.Failures.COUNTS, "lost_acknowledged_writes")


class Trials:
    def __init__(
        self,
        home: Path,
        work: Path,
        rng: random.Random,
        report: Report,
        modes: tuple[str, ...],
        commit_delay: float = 0.003,
    ) -> None:
        self.home, self.work, self.rng, self.report = home, work, rng, report
        self.modes = modes
        self.commit_delay = commit_delay  # the most an "in commit" kill waits after the journal
        self.ledger = Ledger()
        self.durations: dict[str, list[float]] = {}

    def run(self, argv: list[str]) -> harness.Outcome:
        outcome = harness.run(argv, self.home, self.work)
        self.report.note(outcome)
        return outcome

    def one(self, n: int) -> None:
        write = WRITES[n % len(WRITES)] if n < 2 * len(WRITES) else self.rng.choice(WRITES)
        argv = write.argv(n, self.ledger)
        if argv is None:
            write = WRITES[0]
            argv = write.argv(n, self.ledger)
        assert argv is not None
        if write.kind.startswith("state import"):
            (self.work / f"fixture{n}.toml").write_text(FIXTURE.format(n=n))
        self.report.trials += 1
        self.report.by_command[write.kind] = self.report.by_command.get(write.kind, 0) + 1
        before = harness.snapshot(self.home)
        code, stderr, seconds = self._killed_run([*argv, "-o", "none"], write.kind)
        if code is None:
            self.report.killed += 1
            if any((self.home / "state" / j).exists() for j in (".journal.json", ".rollback.json")):
                self.report.journals_left_by_kills += 1
            self._forget(write, n, argv)
        else:
            outcome = harness.Outcome(argv, code, "", stderr, seconds)
            self.report.note(outcome)
            self.durations.setdefault(write.kind, []).append(seconds)
            self.report.finished_first += 1
            if code == 0:
                self.report.acknowledged += 1
                self._promise(write, n, argv)
            else:
                self.report.failed_on_their_own += 1
                if harness.snapshot(self.home) != before:
                    self.report.failed_commands_that_changed_the_state += 1
                    self.report.details.append(
                        f"changed the state on failure: {harness.shown(argv)}"
                    )
        problems = harness.state_problems(self.home, self.work)
        if problems:
            self.report.corrupt_stores += 1
            self.report.details.append(f"after {harness.shown(argv)}: {problems}")
            self.run(["state", "repair", "-o", "none"])
        if n % 10 == 9:
            self.verify()

    def _plan(self, kind: str) -> tuple[str, float]:
        """When to kill: at a random instant of the whole run, or of its last part, or as soon
        as its commit journal appears (plus up to 3 ms): inside the commit itself. The timed
        ones wait until two runs of the kind, not killed, showed how long it takes."""
        mode = self.rng.choice(self.modes)
        seen = self.durations.get(kind, [])
        if mode != "in commit" and len(seen) < 2:
            return "never", 0.0
        typical = statistics.median(seen) if seen else 0.0
        if mode == "anywhere":
            return mode, self.rng.uniform(0.0, typical * 1.1)
        if mode == "late":
            return mode, self.rng.uniform(typical * 0.6, typical * 1.05)
        return mode, self.rng.uniform(0.0, self.commit_delay)

    def _killed_run(self, argv: list[str], kind: str) -> tuple[int | None, str, float]:
        mode, delay = self._plan(kind)
        self.report.kill_plans[mode] = self.report.kill_plans.get(mode, 0) + 1
        started = time.perf_counter()
        process = subprocess.Popen(
            [*harness.sigctl_command(), *argv],
            env=harness.environment(self.home),
            cwd=self.work,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
        )
        if mode != "never" and self._wait_for_kill(process, mode, delay):
            process.send_signal(signal.SIGKILL)
            process.communicate()
            return None, "", time.perf_counter() - started
        _, err = process.communicate(timeout=120)
        return (
            process.returncode,
            err.decode("utf-8", "backslashreplace"),
            time.perf_counter() - started,
        )

    def _wait_for_kill(self, process: subprocess.Popen[bytes], mode: str, delay: float) -> bool:
        """Wait for the moment to kill; False if the process ended first."""
        if mode != "in commit":
            try:
                process.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                return True
            return False
        journals = [self.home / "state" / name for name in (".journal.json", ".rollback.json")]
        while process.poll() is None:
            if any(j.exists() for j in journals):
                time.sleep(delay)
                return process.poll() is None
            time.sleep(0)  # poll without sleeping: on a RAM disk a commit lasts microseconds
        return False

    def _promise(self, write: Write, n: int, argv: list[str]) -> None:
        if write.kind == "sig update (tag)":
            self.ledger.last_tag = max(self.ledger.last_tag, n)
        elif write.kind in ITEMS:
            self.ledger.expected[ITEMS[write.kind].format(n=n)] = True
        elif write.kind in DELETES:
            self.ledger.expected[self._target(write, argv)] = False

    def _forget(self, write: Write, n: int, argv: list[str]) -> None:
        """A killed command may or may not have happened: its item is no longer promised."""
        if write.kind in ITEMS:
            self.ledger.expected.pop(ITEMS[write.kind].format(n=n), None)
        elif write.kind in DELETES:
            self.ledger.expected.pop(self._target(write, argv), None)

    @staticmethod
    def _target(write: Write, argv: list[str]) -> str:
        kind = DELETES[write.kind]
        flag = {"version": "-e", "gallery": "-r", "group": "-n"}[kind]
        return f"{kind}:{argv[argv.index(flag) + 1]}"

    def verify(self) -> None:
        """Every acknowledged create still there, every acknowledged delete still gone."""
        if self.ledger.last_tag >= 0:
            shown = self.run(
                ["sig", "show", "-g", "rg1", "-r", "gal1", "--query", "tags.last", "-o", "tsv"]
            )
            value = shown.stdout.strip()
            if not value.isdigit() or int(value) < self.ledger.last_tag:
                self._lost(f"tag 'last' is {value!r}, acknowledged {self.ledger.last_tag}")
        existing = set()
        for kind, command in LISTS.items():
            listed = self.run([*command.split(), "-o", "json"])
            try:
                existing |= {f"{kind}:{name}" for name in json.loads(listed.stdout)}
            except ValueError:
                self._lost(f"'sigctl {command}' failed: {listed.stderr.strip()}")
        for item, present in sorted(self.ledger.expected.items()):
            if (item in existing) != present:
                self._lost(f"{item} should {'exist' if present else 'be gone'}")

    def _lost(self, detail: str) -> None:
        self.report.lost_acknowledged_writes += 1
        self.report.details.append(detail)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    report = crash_test(args.trials, args.seed)
    report.print(args.json)
    return 0 if report.clean() else 1


KILL_MODES = ("anywhere", "late", "in commit")


def crash_test(
    trials: int, seed: int, modes: tuple[str, ...] = KILL_MODES, commit_delay: float = 0.003
) -> Report:
    rng = random.Random(seed)
    report = Report()
    started = time.perf_counter()
    scratch = Path(tempfile.mkdtemp(prefix="sigctl-crash-"))
    try:
        home, work = scratch / "home", scratch / "work"
        work.mkdir()
        harness.seed(home, work)
        runs = Trials(home, work, rng, report, modes, commit_delay)
        runs.ledger.expected.update(SEEDED)
        for n in range(trials):
            runs.one(n)
        runs.verify()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    report.seconds = round(time.perf_counter() - started, 1)
    return report


if __name__ == "__main__":
    sys.exit(main())
