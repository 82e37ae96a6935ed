"""Remote mode against in-process: the same command as a whole process, both ways; and how soon
`sigctl serve` answers.

    python benchmarks/remote.py [--runs N] [--warmup N] [--starts N] [--limit X] [--json]

Seeds a resource group `rg` and a gallery `gal` in a served cloud (`sigctl serve --port 0` on a
throw-away SIGCTL_HOME) and the same in a local SIGCTL_HOME. Then, in rounds, it times each
command as a whole process in-process (the local home) and remote (SIGCTL_ENDPOINT and
SIGCTL_CA_BUNDLE naming the served cloud, from a client home that holds no state), and reports
the medians and their ratio. Start-up is timed over --starts launches of `sigctl serve`: from
the launch to the first answered request, the certificate already made.

Exits 1 when a command's remote median exceeds --limit times its in-process median (default
1.2), or the median start-up exceeds --ready-limit seconds (default 1).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import serve
import startup

COMMANDS = {
    "sigctl sig show -g rg -r gal": ["sig", "show", "-g", "rg", "-r", "gal"],
    "sigctl sig list -o table": ["sig", "list", "-o", "table"],
    "sigctl group create -n rg2 -l eastus2": ["group", "create", "-n", "rg2", "-l", "eastus2"],
}
READY_LIMIT_SECONDS = 1.0


def measure(runs: int, warmup: int, scratch: Path) -> list[dict[str, object]]:
    sigctl = startup.sigctl_launcher()
    local = startup.clean_env(str(scratch / "local"))
    startup.seed(sigctl, local)
    served = serve.Server(scratch / "served")
    try:
        remote = startup.clean_env(str(scratch / "client"))
        remote["PYTHONPYCACHEPREFIX"] = local["PYTHONPYCACHEPREFIX"]  # one bytecode cache
        remote["SIGCTL_ENDPOINT"] = f"https://{served.host}:{served.port}"
        remote["SIGCTL_CA_BUNDLE"] = str(scratch / "served" / "tls" / "cert.pem")
        startup.seed(sigctl, remote)
        times: dict[str, dict[str, list[float]]] = {
            c: {"local": [], "remote": []} for c in COMMANDS
        }
        for round_ in range(warmup + runs):
            for name, argv in COMMANDS.items():
                for mode, env in (("local", local), ("remote", remote)):
                    seconds = startup.run_once([*sigctl, *argv, "-o", "none"], env)
                    if round_ >= warmup:
                        times[name][mode].append(seconds)
    finally:
        served.stop()
    results = []
    for name, by_mode in times.items():
        local_ms = statistics.median(by_mode["local"]) * 1000
        remote_ms = statistics.median(by_mode["remote"]) * 1000
        results.append(
            {
                "command": name,
                "in_process_ms": round(local_ms, 1),
                "remote_ms": round(remote_ms, 1),
                "ratio": round(remote_ms / local_ms, 3),
            }
        )
    return results


def ready(starts: int, scratch: Path) -> list[float]:
    home = scratch / "starts"
    serve.startup(home, 1)  # the first start makes the certificate: not counted
    return [serve.startup(home, 1)[0] for _ in range(starts)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--limit", type=float, default=1.2, help="largest remote/in-process ratio")
    parser.add_argument(
        "--ready-limit", type=float, default=READY_LIMIT_SECONDS, help="seconds to be ready"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sigctl-remote-") as folder:
        scratch = Path(folder)
        results = measure(args.runs, args.warmup, scratch)
        starts = ready(max(args.starts, 1), scratch)
    ready_s = statistics.median(starts)
    if args.json:
        print(json.dumps({"commands": results, "serve_ready_s": starts}, indent=2))
    else:
        print(f"{'command':40} {'in-process':>11} {'remote':>9} {'ratio':>6}")
        for r in results:
            print(
                f"{r['command']:40} {r['in_process_ms']:>9.1f}ms {r['remote_ms']:>7.1f}ms "
                f"{r['ratio']:>6.2f}"
            )
        print(f"sigctl serve ready: median {ready_s * 1000:.0f} ms over {len(starts)} starts")
    slow = [r["command"] for r in results if float(r["ratio"]) > args.limit]
    late = ready_s > args.ready_limit
    if slow or late:
        print(f"over the goal: {slow or ''} {'serve start-up' if late else ''}".strip())
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
