"""A command's cost must not grow with resources it does not touch.

Two states are seeded: one resource group with one gallery (rg0/gal0), and 100 resource groups
with one gallery each (rg0/gal0 ... rg99/gal99). The same commands are timed against both, as
whole processes, and the ratio big/small is printed; it should stay close to 1.

    python benchmarks/scale.py [--runs N] [--warmup N] [--galleries N] [--limit X] [--json]

Exits 1 when a ratio exceeds --limit (default 1.5).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass

from startup import clean_env, run_once, sigctl_launcher

SHOW = ["sig", "show", "-g", "rg0", "-r", "gal0"]
CREATE = ["sig", "create", "-g", "rg0", "-r", "newgal", "-o", "none"]
DELETE = ["sig", "delete", "-g", "rg0", "-r", "newgal"]


@dataclass
class Result:
    command: str
    small_ms: float
    big_ms: float
    ratio: float


def seed(home: str, galleries: int) -> None:
    """Create rg<i>/gal<i> for i < galleries in this process (a subprocess each is slow)."""
    from sigctl.cli.main import run

    for key in [k for k in os.environ if k.startswith(("SIGCTL_", "AZURE_"))]:
        del os.environ[key]
    os.environ["SIGCTL_HOME"] = home
    # Lift the per-region gallery quota (100) so the big state plus one create fits.
    steps = [["config", "set", f"limits.galleries={galleries + 10}"]]
    for i in range(galleries):
        steps += [
            ["group", "create", "-n", f"rg{i}", "-l", "eastus2", "-o", "none"],
            ["sig", "create", "-g", f"rg{i}", "-r", f"gal{i}", "-o", "none"],
        ]
    for argv in steps:
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr):
            code = run(argv)
        if code != 0:
            raise SystemExit(f"sigctl {' '.join(argv)} failed ({code}):\n{stderr.getvalue()}")
    del os.environ["SIGCTL_HOME"]


def count_galleries(sigctl: list[str], env: dict[str, str]) -> int:
    argv = [*sigctl, "sig", "list", "--query", "length(@)", "-o", "tsv"]
    return int(subprocess.run(argv, env=env, capture_output=True, check=True, text=True).stdout)


def measure(runs: int, warmup: int, galleries: int) -> list[Result]:
    sigctl = sigctl_launcher()
    with tempfile.TemporaryDirectory(prefix="sigctl-scale-") as scratch:
        envs: dict[str, dict[str, str]] = {}
        for label, size in (("small", 1), ("big", galleries)):
            env = clean_env(scratch)
            env["SIGCTL_HOME"] = os.path.join(scratch, label)
            seed(env["SIGCTL_HOME"], size)
            found = count_galleries(sigctl, env)
            if found != size:
                raise SystemExit(f"the {label} state holds {found} galleries, not {size}")
            envs[label] = env

        cases = {
            " ".join(["sigctl", *SHOW]): (SHOW, None),
            " ".join(["sigctl", *CREATE]): (CREATE, DELETE),
        }
        times: dict[tuple[str, str], list[float]] = {}
        for round_ in range(warmup + runs):
            for name, (argv, cleanup) in cases.items():
                for label, env in envs.items():  # alternate, so drift hits both states alike
                    elapsed = run_once([*sigctl, *argv], env)
                    if cleanup:
                        run_once([*sigctl, *cleanup], env)
                    if round_ >= warmup:
                        times.setdefault((name, label), []).append(elapsed * 1000)

    results = []
    for name in cases:
        small = statistics.median(times[(name, "small")])
        big = statistics.median(times[(name, "big")])
        results.append(Result(name, round(small, 1), round(big, 1), round(big / small, 2)))
    return results


def table(results: list[Result], galleries: int) -> str:
    width = max(len(r.command) for r in results)
    big = f"{galleries} galleries"
    header = f"{'command':<{width}}  {'1 gallery':>9}  {big:>{len(big)}}  big/small"
    lines = [header, "-" * len(header)]
    for r in results:
        lines.append(
            f"{r.command:<{width}}  {r.small_ms:>9.1f}  {r.big_ms:>{len(big)}.1f}  {r.ratio:>9.2f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="timed runs per command (default 9)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs first (default 2)")
    parser.add_argument(
        "--galleries", type=int, default=100, help="galleries in the big state (default 100)"
    )
    parser.add_argument(
        "--limit", type=float, default=1.5, help="highest acceptable big/small (default 1.5)"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.warmup < 0 or args.galleries < 1:
        parser.error("--runs and --galleries must be at least 1, --warmup at least 0")

    results = measure(args.runs, args.warmup, args.galleries)
    if args.json:
        report = {
            "runs": args.runs,
            "warmup": args.warmup,
            "galleries": args.galleries,
            "limit": args.limit,
            "results": [asdict(r) for r in results],
        }
        print(json.dumps(report, indent=2))
    else:
        print(f"median of {args.runs} runs after {args.warmup} warm-up runs; times in milliseconds")
        print(table(results, args.galleries))
    failed = [r for r in results if r.ratio > args.limit]
    for r in failed:
        print(
            f"FAIL: {r.command} costs {r.ratio:.2f} times as much with {args.galleries} "
            f"galleries as with 1; the limit is {args.limit}.",
            file=sys.stderr,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
