"""Importing the at-limits fixture into the file store: wall time and peak memory of the process.

    python benchmarks/fixture_import.py [--runs N] [--galleries N] [--definitions N]
        [--versions N] [--seconds S] [--megabytes M] [--json]

The fixture (100 galleries, 1,000 definitions, 10,000 versions by default; `--definitions` per
gallery, `--versions` per definition) is the one shared_cloud.py seeds PostgreSQL with. Each run
is one `sigctl state import FILE --yes` on a new, empty SIGCTL_HOME, timed from start to exit;
its peak resident memory is the kernel's accounting of the finished child.

Exits 1 when the median time exceeds --seconds (10) or the largest peak exceeds --megabytes (150).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from shared_cloud import fixture
from startup import clean_env, sigctl_launcher


def import_once(sigctl: list[str], env: dict[str, str], path: Path) -> tuple[float, float]:
    """Seconds and peak megabytes of one import; stops the benchmark if it fails."""
    began = time.perf_counter()
    child = subprocess.Popen(
        [*sigctl, "state", "import", str(path), "--yes", "-o", "none"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - began
    stderr = child.stderr.read().decode(errors="replace") if child.stderr else ""
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"sigctl state import failed ({child.returncode}):\n{stderr}")
    return elapsed, usage.ru_maxrss / 1024  # Linux reports kilobytes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--galleries", type=int, default=100)
    parser.add_argument("--definitions", type=int, default=10, help="per gallery")
    parser.add_argument("--versions", type=int, default=10, help="per definition")
    parser.add_argument("--seconds", type=float, default=10.0, help="goal for the median time")
    parser.add_argument("--megabytes", type=float, default=150.0, help="goal for the peak")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    load = [round(x, 2) for x in os.getloadavg()]  # other work on the machine skews the time
    sigctl = sigctl_launcher()
    seconds: list[float] = []
    megabytes: list[float] = []
    with tempfile.TemporaryDirectory(prefix="sigctl-fixture-bench-") as scratch:
        path = Path(scratch) / "at-limits.json"
        path.write_text(json.dumps(fixture(args.galleries, args.definitions, args.versions)))
        for run in range(args.runs):
            env = clean_env(scratch)
            env["SIGCTL_HOME"] = os.path.join(scratch, f"home{run}")
            took, peak = import_once(sigctl, env, path)
            seconds.append(took)
            megabytes.append(peak)
    figures = {
        "fixture": {
            "galleries": args.galleries,
            "definitions": args.galleries * args.definitions,
            "versions": args.galleries * args.definitions * args.versions,
        },
        "runs": args.runs,
        "median_s": round(statistics.median(seconds), 2),
        "min_s": round(min(seconds), 2),
        "peak_mb": round(max(megabytes), 1),
        "load_average": load,
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        f = figures["fixture"]
        print(
            f"sigctl state import of {f['galleries']} galleries, {f['definitions']} definitions, "
            f"{f['versions']} versions ({args.runs} runs, load average {load})"
        )
        print(
            f"median {figures['median_s']:.2f} s, min {figures['min_s']:.2f} s, "
            f"peak memory {figures['peak_mb']:.1f} MB"
        )
    failed = []
    if figures["median_s"] > args.seconds:
        failed.append(f"the median import took {figures['median_s']} s (goal {args.seconds} s)")
    if figures["peak_mb"] > args.megabytes:
        failed.append(f"the peak memory was {figures['peak_mb']} MB (goal {args.megabytes} MB)")
    for why in failed:
        print(f"FAIL: {why}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
