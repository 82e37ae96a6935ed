"""Feed every sigctl command hostile arguments and prove it always answers cleanly.

    python tools/fuzz.py [--invocations 3000] [--seed 1] [--in-process] [--json]

Each invocation starts from the same small seeded state, takes one command of either tree
(`sigctl sig ...` and `sigctl gallery ...` alike), gives it plausible arguments and then spoils
them: bytes that are not UTF-8, huge or deeply nested values, path tricks, numbers out of range,
unknown or missing options, stray words, odd global options. Every outcome is checked:

- no traceback and no "unexpected error" line, and an exit code in {0, 1, 2, 3};
- a command that failed left every file of the home exactly as it was;
- after a command that succeeded and changed something, `sigctl state check` finds nothing wrong.

By default each invocation is a real process, so arguments reach sigctl as raw bytes.
`--in-process` runs them inside this interpreter (what the test suite samples: much faster).
The figures are printed at the end (tools/README.md records a full run); exit 1 if any failure
count is not zero.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness

Arg = str | bytes

# Plausible values for the options the commands share, so that a spoilt value, not a missing
# one, is what each invocation tests.
PLAUSIBLE = {
    "--resource-group": "rg1",
    "--gallery-name": "gal1",
    "--gallery-image-definition": "def1",
    "--gallery-image-version": "1.0.0",
    "--location": "eastus2",
    "--managed-image": "img",
    "--os-type": "linux",
    "--publisher": "P",
    "--offer": "O",
    "--sku": "S2",
    "--assignee": "ada",
    "--role": "Reader",
    "--scope": harness.GALLERY_ID,
    "--target-regions": "eastus2",
    "--set": "tags.a=b",
    "--add": "tags x=y",
    "--remove": "tags.a",
    "--tags": "a=b",
    "--description": "d",
    "--display-name": "someone",
    "--user-principal-name": "someone@sigctl.onmicrosoft.com",
    "--mail-nickname": "someone",
    "--subscription": "sigctl-subscription",
    "--region": "eastus2",
    "--name": "rg1",
    "--kind": "snapshot",
    "--file": "out.json",
}
# Plausible positional arguments (source kinds, config pairs and keys, durations, files).
ARGUMENTS = [
    "managed-image",
    "snapshot",
    "rg1",
    "defaults.group=rg1",
    "core.output",
    "1h",
    "x.json",
]
HOSTILE: list[Arg] = [
    b"\xff",
    b"a\xfeb",
    b"\xed\xa0\x80",
    b"\xc3",
    b"rg\x80",
    "",
    " ",
    "\t\n",
    "-",
    "--",
    "x" * 300,
    "y" * 100_000,
    "[" * 5000,
    "[" * 70 + "]" * 70,
    '{"a":' * 3000,
    "{" + '"k":' * 200,
    "../../etc/passwd",
    "/tmp",
    "a/b",
    "..",
    ".",
    "%2e%2e%2f",
    "C:\\x",
    "*",
    "?",
    "\x1b[31mred",
    "\u202etxt",
    "\U0001f4a5",
    "ü" * 80,
    "(" * 90,
    "0",
    "-1",
    "2147483648",
    "99999999999999999999999",
    "1e309",
    "nan",
    "inf",
    "true",
    "null",
    "{}",
    "[]",
    '{"tags": 1}',
    "1.2.3.4",
    "01.0.0",
    "9999-99-99",
    "2100-01-01T00:00:00Z",
    "eastus2 westus2=0",
    "eastus2=2=Premium_LRS",
    "x=y=z",
    "=",
    "a=",
    "tags.=1",
    "tags." + "k" * 600 + "=v",
    "tags.k=" + "v" * 300,
    "/subscriptions/x",
    harness.GALLERY_ID + "/../..",
    "/subscriptions/" + harness.SUBSCRIPTION + "/resourceGroups/rg1/../../x/y",
    "@missing-file.json",
]
# Options that write a file: never given a path that leads out of the scratch folder.
WRITES_FILES = {"--file"}
SAFE_FILE_VALUES: list[Arg] = ["", "out.json", "x.toml", "no-such-dir/x.json", b"\xff.json", "."]
GLOBALS = ["--query", "-o", "--subscription", "--as", "--output"]


@dataclass
class Command:
    path: tuple[str, ...]
    options: list[tuple[str, bool, bool]]  # (name, takes a value, required)
    arguments: list[bool]  # required?


def commands() -> list[Command]:
    """Every command of both trees, with its options."""
    from sigctl.cli import tree
    from sigctl.cli.framework import typer_command

    found = []
    for path, node in sorted(tree.TREE.items()):
        group = node.load()
        if group is None:
            continue
        for name, spec in sorted(group.commands.items()):
            command = typer_command(spec)
            options, arguments = [], []
            for param in command.params:
                if param.param_type_name == "argument":
                    arguments.append(bool(param.required))
                else:
                    long = max(param.opts, key=len)
                    options.append((long, not param.is_flag, bool(param.required)))
            found.append(Command((*path, name), options, arguments))
    return found


def invocation(command: Command, rng: random.Random) -> tuple[list[Arg], list[str]]:
    """Plausible arguments for `command`, then one or two ways of spoiling them."""
    argv: list[Arg] = list(command.path)
    for required in command.arguments:
        if required or rng.random() < 0.5:
            argv.append(rng.choice(ARGUMENTS))
    for name, takes_value, required in command.options:
        if required or rng.random() < (0.8 if name in PLAUSIBLE else 0.2):
            argv.append(name)
            if takes_value:
                argv.append(PLAUSIBLE.get(name, rng.choice(["x", "1", "true"])))
    spoilt = []
    for _ in range(rng.randint(1, 2)):
        how = rng.choice(SPOILERS)
        how(argv, command, rng)
        spoilt.append(how.__name__.lstrip("_"))
    return argv, spoilt


def _hostile_value(argv: list[Arg], command: Command, rng: random.Random) -> None:
    values = [i for i in range(len(command.path), len(argv)) if not _is_option(argv[i])]
    if not values:
        argv.append(rng.choice(HOSTILE))
        return
    i = rng.choice(values)
    writes = i > 0 and argv[i - 1] in WRITES_FILES
    argv[i] = rng.choice(SAFE_FILE_VALUES if writes else HOSTILE)


def _missing(argv: list[Arg], command: Command, rng: random.Random) -> None:
    if len(argv) > len(command.path):
        del argv[rng.randrange(len(command.path), len(argv))]


def _unknown_option(argv: list[Arg], command: Command, rng: random.Random) -> None:
    start = min(len(command.path), len(argv))
    argv.insert(rng.randint(start, len(argv)), rng.choice(["--bogus", "-z", "--g"]))


def _stray_words(argv: list[Arg], command: Command, rng: random.Random) -> None:
    for _ in range(rng.randint(1, 3)):
        argv.append(rng.choice([*HOSTILE[:8], "extra", "-", "--yes"]))


def _repeated_option(argv: list[Arg], command: Command, rng: random.Random) -> None:
    takes_value = [o for o in command.options if o[1] and o[0] not in WRITES_FILES]
    if takes_value:
        argv += [rng.choice(takes_value)[0], rng.choice(HOSTILE)]


def _hostile_global(argv: list[Arg], command: Command, rng: random.Random) -> None:
    argv += [rng.choice(GLOBALS), rng.choice(HOSTILE)]


def _truncated(argv: list[Arg], command: Command, rng: random.Random) -> None:
    del argv[rng.randint(max(1, len(command.path) - 1), len(argv)) :]


# Spoilt values, the point of the run, weigh most; the rest mostly stop at argument parsing.
SPOILERS = [
    *[_hostile_value] * 6,
    *[_repeated_option] * 2,
    _hostile_global,
    _missing,
    _unknown_option,
    _stray_words,
    _truncated,
]


def _is_option(arg: Arg) -> bool:
    text = arg.decode("utf-8", "replace") if isinstance(arg, bytes) else arg
    return text.startswith("-") and len(text) > 1


@dataclass
class Report(harness.Failures):
    invocations: int = 0
    commands_covered: int = 0
    commands_in_total: int = 0
    exit_codes: dict[str, int] = field(default_factory=dict)
    spoilers: dict[str, int] = field(default_factory=dict)
    timeouts: int = 0
    seconds: float = 0.0

    COUNTS = (*harness.Failures.COUNTS, "timeouts")


class Runner:
    """Runs an invocation as a process, or (in_process) through sigctl.cli.main.run."""

    def __init__(self, home: Path, work: Path, in_process: bool) -> None:
        self.home, self.work, self.in_process = home, work, in_process

    def __call__(self, argv: list[Arg]) -> harness.Outcome:
        if not self.in_process:
            return harness.run(argv, self.home, self.work, timeout=120)
        from sigctl.cli.main import run

        out, err = io.StringIO(), io.StringIO()
        saved = dict(os.environ), os.getcwd()
        os.environ.clear()
        os.environ.update(harness.environment(self.home))
        os.chdir(self.work)
        started = time.perf_counter()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code: int | None = run([os.fsdecode(a) for a in argv])
                except SystemExit as exit_:
                    code = exit_.code if isinstance(exit_.code, int) else 1
                except BaseException:  # what a real process would die of
                    import traceback

                    err.write(traceback.format_exc())
                    code = 1
        finally:
            os.environ.clear()
            os.environ.update(saved[0])
            os.chdir(saved[1])
        return harness.Outcome(
            argv, code, out.getvalue(), err.getvalue(), time.perf_counter() - started
        )


def fuzz(invocations: int, seed: int, in_process: bool = False) -> Report:
    rng = random.Random(seed)
    report = Report()
    started = time.perf_counter()
    scratch = Path(tempfile.mkdtemp(prefix="sigctl-fuzz-"))
    try:
        template, home, work = scratch / "template", scratch / "home", scratch / "work"
        work.mkdir()
        harness.seed(template, work, Runner(template, work, in_process))
        seeded = harness.snapshot(template)
        run = Runner(home, work, in_process)
        checker = Runner(home, work, in_process)
        every = commands()
        report.commands_in_total = len(every)
        covered = set()
        for n in range(invocations):
            # Every command once before any twice, in a shuffled order each round.
            if n % len(every) == 0:
                rng.shuffle(every)
            command = every[n % len(every)]
            covered.add(command.path)
            argv, spoilt = invocation(command, rng)
            for name in spoilt:
                report.spoilers[name] = report.spoilers.get(name, 0) + 1
            shutil.rmtree(home, ignore_errors=True)
            shutil.copytree(template, home)
            outcome = run(argv)
            _judge(report, outcome, home, seeded, checker)
        report.commands_covered = len(covered)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    report.seconds = round(time.perf_counter() - started, 1)
    return report


def _judge(
    report: Report,
    outcome: harness.Outcome,
    home: Path,
    seeded: dict[str, bytes],
    checker: Runner,
) -> None:
    report.invocations += 1
    code = "timeout" if outcome.code is None else str(outcome.code)
    report.exit_codes[code] = report.exit_codes.get(code, 0) + 1
    if outcome.code is None:
        report.timeouts += 1
        report.details.append(f"timeout: sigctl {harness.shown(outcome.argv)}")
    report.note(outcome)
    changed = harness.snapshot(home) != seeded
    if outcome.code != 0 and changed:
        report.failed_commands_that_changed_the_state += 1
        report.details.append(f"changed the state on failure: sigctl {harness.shown(outcome.argv)}")
    if outcome.code == 0 and changed:
        check = checker(["state", "check", "-o", "json"])
        if check.code != 0:
            report.corrupt_stores += 1
            report.details.append(
                f"state check failed after sigctl {harness.shown(outcome.argv)}: {check.stderr[-600:]}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invocations", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--in-process", action="store_true", help="run inside this interpreter")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    report = fuzz(args.invocations, args.seed, args.in_process)
    report.print(args.json)
    return 0 if report.clean() else 1


if __name__ == "__main__":
    sys.exit(main())
