"""How long shell completion takes: `sigctl __complete` as the bash script calls it, as whole
processes, against a seeded state.

    python benchmarks/completion.py [--runs N] [--warmup N] [--limit MS] [--json]

The state holds 10 resource groups, each with a gallery, one definition and two versions (the
first group's gallery holds 10 definitions). For each line it reports the median and minimum
wall time, and the median CPU time of the process (user + system, from the kernel's accounting
of the finished child): on an idle machine a short, single-threaded process takes about its CPU
time, while on a busy one the wall time also counts waiting for a core. Exits 1 when the median
CPU time of a completion exceeds --limit milliseconds (default 200): a shell that waits longer
than that feels stuck.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import sys
import tempfile
from dataclasses import asdict, dataclass

from startup import clean_env, run_once, sigctl_launcher

LIMIT_MS = 200.0
GROUPS = 10
# What a user types before pressing Tab, as bash passes it (the line up to the cursor).
LINES = {
    "commands of a group": "sigctl sig ",
    "options of a command": "sigctl sig image-version create --",
    "allowed values": "sigctl sig create -g rg0 -r x --permissions ",
    "resource groups": "sigctl sig show -g ",
    "galleries of a group": "sigctl sig show -g rg0 -r ",
    "definitions of a gallery": "sigctl sig image-definition show -g rg0 -r gal0 -i ",
    "versions of a definition": "sigctl sig image-version show -g rg0 -r gal0 -i def0 -e ",
    "regions": "sigctl sig create -g rg0 -r x -l ",
    "principals": "sigctl sig list --as ",
}


@dataclass
class Result:
    completion: str
    line: str
    median_ms: float
    min_ms: float
    cpu_ms: float
    candidates: int


def cpu_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one whole process."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = run_once(argv, env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def seed(home: str) -> None:
    """The state, made in this process (a subprocess per command would take a minute)."""
    from sigctl.cli.main import run

    for key in [k for k in os.environ if k.startswith(("SIGCTL_", "AZURE_"))]:
        del os.environ[key]
    os.environ["SIGCTL_HOME"] = home
    os.environ["SIGCTL_REPLICATION_SPEED"] = "instant"
    steps: list[str] = []
    for i in range(GROUPS):
        steps += [
            f"group create -n rg{i} -l eastus2",
            f"sig create -g rg{i} -r gal{i}",
            f"source create managed-image -g rg{i} -n img --os-type linux --size-gb 30",
        ]
        steps += [
            f"sig image-definition create -g rg{i} -r gal{i} -i def{d} -p Contoso -f Offer{i} "
            f"-s Sku{d} --os-type linux --only-show-errors"
            for d in range(GROUPS if i == 0 else 1)
        ]
        steps += [
            f"sig image-version create -g rg{i} -r gal{i} -i def0 -e {version} "
            "--managed-image img --only-show-errors"
            for version in ("1.0.0", "1.1.0")
        ]
    for step in steps:
        stderr = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr):
            code = run([*step.split(), "-o", "none"])
        if code != 0:
            raise SystemExit(f"sigctl {step} failed ({code}):\n{stderr.getvalue()}")
    for key in ("SIGCTL_HOME", "SIGCTL_REPLICATION_SPEED"):
        del os.environ[key]


def measure(runs: int, warmup: int) -> list[Result]:
    import subprocess

    sigctl = sigctl_launcher()
    with tempfile.TemporaryDirectory(prefix="sigctl-bench-") as scratch:
        env = clean_env(scratch)
        seed(env["SIGCTL_HOME"])
        todo = {name: [*sigctl, "__complete", "--line", line] for name, line in LINES.items()}
        todo["reference: sigctl --version"] = [*sigctl, "--version"]
        todo["reference: sigctl sig show"] = [*sigctl, "sig", "show", "-g", "rg0", "-r", "gal0"]
        counts = {
            name: len(subprocess.run(argv, env=env, capture_output=True, text=True).stdout.split())
            for name, argv in todo.items()
        }
        times: dict[str, list[float]] = {name: [] for name in todo}
        cpu: dict[str, list[float]] = {name: [] for name in todo}
        for round_ in range(warmup + runs):
            for name, argv in todo.items():
                wall, used = cpu_once(argv, env)
                if round_ >= warmup:
                    times[name].append(wall * 1000)
                    cpu[name].append(used * 1000)
    return [
        Result(
            name,
            LINES.get(name, " ".join(todo[name][1:])),
            round(statistics.median(t), 1),
            round(min(t), 1),
            round(statistics.median(cpu[name]), 1),
            counts[name],
        )
        for name, t in times.items()
    ]


def table(results: list[Result]) -> str:
    width = max(len(r.completion) for r in results)
    header = f"{'completion':<{width}}  median ms   min ms   cpu ms  candidates"
    lines = [header, "-" * len(header)]
    for r in results:
        lines.append(
            f"{r.completion:<{width}}  {r.median_ms:>9.1f}  {r.min_ms:>7.1f}  {r.cpu_ms:>7.1f}"
            f"  {r.candidates:>10}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs per line (default 15)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs first (default 2)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--limit",
        type=float,
        default=LIMIT_MS,
        help=f"fail above this median CPU time (default {LIMIT_MS})",
    )
    args = parser.parse_args(argv)
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be at least 1 and --warmup at least 0")
    results = measure(args.runs, args.warmup)
    slow = [r for r in results if r.completion in LINES and r.cpu_ms > args.limit]
    if args.json:
        print(
            json.dumps(
                {
                    "runs": args.runs,
                    "limit_ms": args.limit,
                    "results": [asdict(r) for r in results],
                },
                indent=2,
            )
        )
    else:
        print(f"{args.runs} runs after {args.warmup} warm-up runs; times in milliseconds")
        print(table(results))
    for r in slow:
        print(
            f"FAIL: completing {r.completion!r} takes {r.cpu_ms} ms of CPU, over {args.limit}",
            file=sys.stderr,
        )
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
