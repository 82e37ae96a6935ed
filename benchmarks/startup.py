"""Start-up cost of sigctl: whole-process wall time against a bare interpreter and `import typer`.

Each command runs as a new process, as it does in a CI script. The commands are run in rounds
(every command once per round) so that a slow spell of the machine hits all of them alike; the
figure kept is the median of the timed rounds, after the warm-up rounds.

    python benchmarks/startup.py [--runs N] [--warmup N] [--limit X] [--json]

Exits 1 when the median of `sigctl --version` exceeds 1.5 times (--limit) that of
`python -c "import typer"`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import asdict, dataclass

GOAL = 1.5  # sigctl --version may cost at most this many times `import typer`
TYPER = "python -c 'import typer'"
BARE = "python -c pass"


@dataclass
class Result:
    command: str
    median_ms: float
    min_ms: float
    vs_typer: float = 0.0
    vs_python: float = 0.0


def sigctl_launcher() -> list[str]:
    """The installed `sigctl` script, preferring the one beside this interpreter.

    A PATH lookup can find a version-manager shim (pyenv's adds a bash process and tens of
    milliseconds), which would be measured instead of sigctl.
    """
    found = shutil.which("sigctl", path=sysconfig.get_path("scripts")) or shutil.which("sigctl")
    return [found] if found else [sys.executable, "-m", "sigctl"]


def clean_env(scratch: str) -> dict[str, str]:
    """The environment of every measured process: a throw-away SIGCTL_HOME, no SIGCTL_* or
    AZURE_* settings, and bytecode caching on.

    An installed sigctl runs from cached bytecode; with PYTHONDONTWRITEBYTECODE set (as in some
    CI images) every run would compile sigctl's modules again. The cache goes to a private
    folder (PYTHONPYCACHEPREFIX), so the source tree is never written to; the warm-up runs fill it.
    """
    drop = ("SIGCTL_", "AZURE_", "PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env["SIGCTL_HOME"] = os.path.join(scratch, "home")
    env["PYTHONPYCACHEPREFIX"] = os.path.join(scratch, "pycache")
    return env


def run_once(argv: list[str], env: dict[str, str]) -> float:
    """Seconds taken by one whole process; raises if it fails."""
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        stderr = done.stderr.decode(errors="replace").strip()
        raise SystemExit(f"{' '.join(argv)} failed with exit code {done.returncode}:\n{stderr}")
    return elapsed


DEFINITION = ["-g", "rg", "-r", "gal", "-i", "def"]
SEED = [
    "group create -n rg -l eastus2",
    "sig create -g rg -r gal",
    "sig image-definition create -g rg -r gal -i def -p P -f O -s S --os-type linux",
    "source create managed-image -g rg -n img --os-type linux --size-gb 1",
    "sig image-version create -g rg -r gal -i def -e 1.0.0 --managed-image img",
]


def seed(sigctl: list[str], env: dict[str, str]) -> None:
    for line in SEED:
        run_once([*sigctl, *line.split(), "-o", "none", "--only-show-errors"], env)


def commands(sigctl: list[str]) -> dict[str, list[str]]:
    python = sys.executable
    return {
        BARE: [python, "-c", "pass"],
        TYPER: [python, "-c", "import typer"],
        "sigctl --version": [*sigctl, "--version"],
        "sigctl sig list": [*sigctl, "sig", "list"],
        "sigctl sig show -g rg -r gal": [*sigctl, "sig", "show", "-g", "rg", "-r", "gal"],
        "sigctl sig list -o table": [*sigctl, "sig", "list", "-o", "table"],
        "sigctl sig image-version show": [
            *sigctl,
            "sig",
            "image-version",
            "show",
            *DEFINITION,
            "-e",
            "1.0.0",
        ],
        "sigctl sig image-version list": [*sigctl, "sig", "image-version", "list", *DEFINITION],
        "sigctl sig image-version list -o table": [
            *sigctl,
            "sig",
            "image-version",
            "list",
            *DEFINITION,
            "-o",
            "table",
        ],
    }


def measure(runs: int, warmup: int) -> list[Result]:
    sigctl = sigctl_launcher()
    with tempfile.TemporaryDirectory(prefix="sigctl-bench-") as scratch:
        env = clean_env(scratch)
        seed(sigctl, env)
        todo = commands(sigctl)
        times: dict[str, list[float]] = {name: [] for name in todo}
        for round_ in range(warmup + runs):
            for name, argv in todo.items():
                elapsed = run_once(argv, env)
                if round_ >= warmup:
                    times[name].append(elapsed * 1000)
    results = [
        Result(name, round(statistics.median(t), 1), round(min(t), 1)) for name, t in times.items()
    ]
    by_name = {r.command: r for r in results}
    for r in results:
        r.vs_typer = round(r.median_ms / by_name[TYPER].median_ms, 2)
        r.vs_python = round(r.median_ms / by_name[BARE].median_ms, 2)
    return results


def table(results: list[Result]) -> str:
    width = max(len(r.command) for r in results)
    header = f"{'command':<{width}}  median ms   min ms  x typer  x python"
    lines = [header, "-" * len(header)]
    for r in results:
        lines.append(
            f"{r.command:<{width}}  {r.median_ms:>9.1f}  {r.min_ms:>7.1f}  "
            f"{r.vs_typer:>7.2f}  {r.vs_python:>8.2f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs per command (default 15)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs first (default 2)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--limit", type=float, default=GOAL, help=f"fail above this ratio (default {GOAL})"
    )
    args = parser.parse_args(argv)
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be at least 1 and --warmup at least 0")

    results = measure(args.runs, args.warmup)
    version = next(r for r in results if r.command == "sigctl --version")
    ok = version.vs_typer <= args.limit
    if args.json:
        report = {
            "runs": args.runs,
            "warmup": args.warmup,
            "python": sys.version.split()[0],
            "sigctl": " ".join(sigctl_launcher()),
            "goal": f"sigctl --version <= {args.limit} x {TYPER}",
            "goal_met": ok,
            "results": [asdict(r) for r in results],
        }
        print(json.dumps(report, indent=2))
    else:
        print(f"{args.runs} runs after {args.warmup} warm-up runs; times in milliseconds")
        print(table(results))
    if not ok:
        print(
            f"FAIL: sigctl --version takes {version.median_ms:.1f} ms, {version.vs_typer:.2f} x "
            f"{TYPER}; the goal is at most {args.limit} x.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
