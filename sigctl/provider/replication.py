"""Replication over time, without a daemon: each region's state is derived from the clock.

When a version's replication to a region starts, the emulator records where the replication
progress clock stands (sigctl.provider.clock), the modelled duration, and any fault that
applies. Every later read computes the region's state (Replicating with a progress percentage,
then Completed, or Failed at the fault's percentage), the aggregate, and the version's
provisioningState from those records and the progress clock now.

Durations follow a model of what Azure does (docs/replication.md): a fixed per-region job cost,
plus copying the occupied size (cross-region for the first replica, in-region for the others)
at a speed that depends on the storage type, contention when many regions replicate at once,
and Shallow mode copying nothing. Durations are stored in modelled seconds; how fast modelled
time passes (frozen, running at replication.speed, instant) is the progress clock's business,
so a change of clock mode or speed applies to replications already running.
"""

from __future__ import annotations

from typing import Any

from sigctl.provider import (
    regions,
    settings,  # noqa: F401 - registers replication.speed and its checks
)
from sigctl.provider.clock import INSTANT, Clock

SPEED_KEY = "replication.speed"

# The model's constants, in modelled seconds.
JOB_OVERHEAD = 120.0  # queueing and setting up a regional replication job
CROSS_REGION_SECONDS_PER_GB = 30.0  # first replica in a region other than the source's
SOURCE_REGION_SECONDS_PER_GB = 10.0  # first replica in the source region
EXTRA_REPLICA_SECONDS_PER_GB = 4.0  # each further replica, copied inside the region
STORAGE_FACTOR = {
    "Standard_LRS": 1.0,
    "Standard_ZRS": 1.25,
    "Premium_LRS": 1.15,
    "PremiumV2_LRS": 1.15,
    "StandardSSD_LRS": 1.1,  # edge zones' default
}
CONTENTION_PER_REGION = 0.1  # each additional region slows every region by 10%
SHALLOW_SECONDS = 30.0  # a shallow version references the source instead of copying it

ROUNDING = 1e-3  # modelled seconds: (start + duration) - start may fall short by a float ulp

DEFAULT_FAULT_CODE = "ReplicationJobFailed"
DEFAULT_FAULT_MESSAGE = "The replication job failed in this region."


def speed(config: Any) -> float | None:
    """Modelled seconds per real second; None means instant (checked by settings' parser)."""
    value: float | str = config.value(SPEED_KEY)
    return None if value == INSTANT else float(value)


def modelled_seconds(
    occupied_gb: float,
    replicas: int,
    storage_type: str,
    is_source_region: bool,
    region_count: int,
    shallow: bool,
) -> float:
    """How long one region's replication takes in Azure, in the emulator's model.

    The storage factor scales the copying only: queueing the job is not slower on ZRS.
    """
    if shallow:
        return SHALLOW_SECONDS
    per_gb = SOURCE_REGION_SECONDS_PER_GB if is_source_region else CROSS_REGION_SECONDS_PER_GB
    copy = occupied_gb * per_gb + max(replicas - 1, 0) * occupied_gb * EXTRA_REPLICA_SECONDS_PER_GB
    contention = 1.0 + CONTENTION_PER_REGION * max(region_count - 1, 0)
    return (JOB_OVERHEAD + copy * STORAGE_FACTOR.get(storage_type, 1.0)) * contention


def extra_copies_seconds(occupied_gb: float, extra: int, storage_type: str) -> float:
    """More replicas in a region that holds one already: only the in-region copies.

    No job overhead and no contention: nothing crosses regions or waits on the source.
    """
    copy = max(extra, 0) * occupied_gb * EXTRA_REPLICA_SECONDS_PER_GB
    return copy * STORAGE_FACTOR.get(storage_type, 1.0)


def start(
    clock: Clock,
    at: float,
    modelled: float,
    fault: dict[str, Any] | None,
    held_replicas: int = 0,
) -> dict[str, Any]:
    """The record of a region's replication starting at progress `at` (the caller saves `clock`).

    `held_replicas` are replicas the region already holds and keeps serving meanwhile.
    """
    modelled = round(modelled, 3)
    clock.reach(at + modelled)
    entry: dict[str, Any] = {"progressStart": at, "seconds": modelled}
    if held_replicas:
        entry["heldReplicas"] = held_replicas
    if fault is not None:
        entry["fault"] = {k: fault[k] for k in ("id", "at", "code", "message")}
    return entry


def status(entry: dict[str, Any], progress: float) -> dict[str, Any]:
    """State, progress and details of one region when the progress clock reads `progress`."""
    if "progressStart" in entry:
        seconds = entry["seconds"]
        elapsed = progress - entry["progressStart"]
        finished = seconds <= 0 or elapsed + ROUNDING >= seconds
        done = 100.0 if finished else max(0.0, elapsed / seconds * 100.0)
    else:
        done = 100.0  # a record from before schema 2 (timed on another clock): long finished
    fault = entry.get("fault")
    if fault is not None and done >= fault["at"]:
        return {
            "state": "Failed",
            "progress": int(fault["at"]),
            "details": f"Replication failed in this region due to '{fault['code']}: {fault['message']}'.",
        }
    if done >= 100.0:
        return {"state": "Completed", "progress": 100, "details": ""}
    return {"state": "Replicating", "progress": int(done), "details": ""}


def serves(entry: dict[str, Any], state: dict[str, Any]) -> bool:
    """Whether the region can serve the version: completed, or holding replicas while more copy."""
    if state["state"] == "Failed":
        return False
    return state["state"] == "Completed" or entry.get("heldReplicas", 0) > 0


def aggregate(states: list[str]) -> str:
    """Failed if any region failed, InProgress while any replicates, Completed when all are."""
    if not states:
        return "Unknown"
    if "Failed" in states:
        return "Failed"
    if any(s != "Completed" for s in states):
        return "InProgress"
    return "Completed"


def region_states(
    entries: dict[str, dict[str, Any]], targets: list[dict[str, Any]], progress: float
) -> list[tuple[str, dict[str, Any]]]:
    """(programmatic region, status) of each stored target region, in target order."""
    out = []
    for target in targets:
        name = regions.programmatic(target["name"])
        out.append((name, status(entries[name], progress)))
    return out


def report(states: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """The `replicationStatus` block: the aggregate, and each region under its display name."""
    summary = []
    for name, state in states:
        region = regions.find(name)
        summary.append({"region": region.display_name if region else name, **state})
    return {"aggregatedState": aggregate([s["state"] for s in summary]), "summary": summary}


def provisioning_state(states: list[tuple[str, dict[str, Any]]], operation: str) -> str:
    """Succeeded or Failed once replication ends; until then the operation under way."""
    overall = aggregate([s["state"] for _, s in states])
    return {"Failed": "Failed", "Completed": "Succeeded"}.get(overall, operation)
