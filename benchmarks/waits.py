"""Commands that wait for replication: whole-process wall time at the default replication speed.

At the default speed (3,600 modelled seconds per real second) a blocking command waits for
real, so its time depends on the replication model as much as on start-up. Timed, as whole
processes:

- `sigctl sig image-version create` of a 30 GB version to three regions (East US 2, West US 2,
  West Europe), waiting until it has replicated: the goal is a median of at most 2 s;
- `sigctl demo` under a pipe (as in CI), which replicates at the default speed: at most 20 s.

    python benchmarks/waits.py [--runs N] [--warmup N] [--create-limit S] [--demo-limit S] [--json]

Exits 1 when a median is over its limit, or when a created version did not succeed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass

from startup import clean_env, run_once, sigctl_launcher

CREATE_GOAL = 2.0  # seconds: a blocking create of 30 GB to 3 regions (the replication model)
DEMO_GOAL = 20.0  # seconds: `sigctl demo` under a pipe
DEFINITION = ["-g", "rg1", "-r", "gal1", "-i", "def1"]
REGIONS = ["eastus2", "westus2", "westeurope"]
SEED = [
    "group create -n rg1 -l eastus2",
    "sig create -g rg1 -r gal1",
    "sig image-definition create -g rg1 -r gal1 -i def1 -p P -f O -s S --os-type linux "
    "--only-show-errors",
    "source create managed-image -g rg1 -n img --os-type linux --size-gb 30",
]


@dataclass
class Result:
    command: str
    median_s: float
    min_s: float
    limit_s: float

    @property
    def met(self) -> bool:
        return self.median_s <= self.limit_s


def seed(sigctl: list[str], env: dict[str, str]) -> None:
    for line in SEED:
        run_once([*sigctl, *line.split(), "-o", "none"], env)


def create(sigctl: list[str], version: str) -> list[str]:
    return [
        *sigctl,
        *["sig", "image-version", "create", *DEFINITION, "-e", version, "--managed-image", "img"],
        *["--target-regions", *REGIONS, "-o", "none", "--only-show-errors"],
    ]


def state_of(sigctl: list[str], env: dict[str, str], version: str) -> str:
    argv = [*sigctl, "sig", "image-version", "show", *DEFINITION, "-e", version]
    argv += ["--query", "provisioningState", "-o", "tsv"]
    return subprocess.run(argv, env=env, capture_output=True, text=True).stdout.strip()


def measure(runs: int, warmup: int, create_limit: float, demo_limit: float) -> list[Result]:
    sigctl = sigctl_launcher()
    creates: list[float] = []
    demos: list[float] = []
    with tempfile.TemporaryDirectory(prefix="sigctl-waits-") as scratch:
        env = clean_env(scratch)
        seed(sigctl, env)
        for round_ in range(warmup + runs):
            version = f"1.0.{round_}"
            elapsed = run_once(create(sigctl, version), env)
            if (state := state_of(sigctl, env, version)) != "Succeeded":
                raise SystemExit(f"version {version} is {state or 'missing'}, not Succeeded")
            demo = run_once([*sigctl, "demo"], env)  # its own throw-away state
            if round_ >= warmup:
                creates.append(elapsed)
                demos.append(demo)
    return [
        Result(
            f"sigctl sig image-version create (30 GB, {len(REGIONS)} regions)",
            round(statistics.median(creates), 2),
            round(min(creates), 2),
            create_limit,
        ),
        Result(
            "sigctl demo (piped)",
            round(statistics.median(demos), 2),
            round(min(demos), 2),
            demo_limit,
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs first (default 1)")
    parser.add_argument(
        "--create-limit", type=float, default=CREATE_GOAL, help="seconds (default 2.0)"
    )
    parser.add_argument("--demo-limit", type=float, default=DEMO_GOAL, help="seconds (default 20)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be at least 1 and --warmup at least 0")

    results = measure(args.runs, args.warmup, args.create_limit, args.demo_limit)
    if args.json:
        report = {
            "runs": args.runs,
            "warmup": args.warmup,
            "results": [{**asdict(r), "met": r.met} for r in results],
        }
        print(json.dumps(report, indent=2))
    else:
        width = max(len(r.command) for r in results)
        header = f"{'command':<{width}}  median s   min s  limit s"
        print(f"{args.runs} runs after {args.warmup} warm-up runs; wall time in seconds")
        print(header, "-" * len(header), sep="\n")
        for r in results:
            print(f"{r.command:<{width}}  {r.median_s:>8.2f}  {r.min_s:>6.2f}  {r.limit_s:>7.1f}")
    failed = [r for r in results if not r.met]
    for r in failed:
        print(
            f"FAIL: {r.command} took {r.median_s:.2f} s; the goal is {r.limit_s} s.",
            file=sys.stderr,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
