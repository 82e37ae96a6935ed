"""Replication over time, without a daemon: each region's state is derived from the clock.

When a version's replication to a region starts, the emulator records the start instant and a
scheduled duration, and any fault that applies. Every later read computes the region's state
(Replicating with a progress percentage, then Completed, or Failed at the fault's percentage),
the aggregate, and the version's provisioningState from those records and "now".

Durations follow a model of what Azure does (docs/replication.md): a fixed per-region job cost,
plus copying the occupied size (cross-region for the first replica, in-region for the others),
slower storage for ZRS and Premium, contention when many regions replicate at once, and Shallow
mode copying nothing. On a running clock they are divided by `replication.speed` (default 3600:
one modelled hour per real second); on a frozen clock they are not, so `clock advance 5m` is
five modelled minutes of replication. `replication.speed = "instant"` makes them zero.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sigctl.provider.clock import Clock, iso_precise, parse_instant

SPEED_KEY = "replication.speed"
DEFAULT_SPEED = 3600.0
INSTANT = "instant"

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
}
CONTENTION_PER_REGION = 0.1  # each additional region slows every region by 10%
SHALLOW_SECONDS = 30.0  # a shallow version references the source instead of copying it

DEFAULT_FAULT_CODE = "ReplicationJobFailed"
DEFAULT_FAULT_MESSAGE = "The replication job failed in this region."


def speed(config: Any) -> float | None:
    """Modelled seconds per real second; None means instant."""
    from sigctl.config import ConfigError

    value = config.get(SPEED_KEY).value
    if value is None:
        return DEFAULT_SPEED
    if isinstance(value, str) and value.strip().lower() == INSTANT:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{SPEED_KEY}: '{value}' is not a number or '{INSTANT}'") from None
    return number if number > 0 else None


def modelled_seconds(
    occupied_gb: float,
    replicas: int,
    storage_type: str,
    is_source_region: bool,
    region_count: int,
    shallow: bool,
) -> float:
    """How long one region's replication takes in Azure, in the emulator's model."""
    if shallow:
        return SHALLOW_SECONDS
    per_gb = SOURCE_REGION_SECONDS_PER_GB if is_source_region else CROSS_REGION_SECONDS_PER_GB
    copy = occupied_gb * per_gb + max(replicas - 1, 0) * occupied_gb * EXTRA_REPLICA_SECONDS_PER_GB
    contention = 1.0 + CONTENTION_PER_REGION * max(region_count - 1, 0)
    return (JOB_OVERHEAD + copy * STORAGE_FACTOR.get(storage_type, 1.0)) * contention


def start(
    clock: Clock, config: Any, modelled: float, fault: dict[str, Any] | None
) -> dict[str, Any]:
    """The record of a region's replication starting now."""
    rate = speed(config)
    if rate is None:
        scheduled = 0.0  # instant mode, whatever the clock
    elif clock.frozen:
        scheduled = modelled  # a stepped clock moves in modelled time
    else:
        scheduled = modelled / rate
    entry: dict[str, Any] = {
        "start": iso_precise(clock.now()),
        "seconds": scheduled,
        "modelSeconds": round(modelled, 3),
    }
    if fault is not None:
        entry["fault"] = {k: fault[k] for k in ("id", "at", "code", "message")}
    return entry


def status(entry: dict[str, Any], now: datetime) -> dict[str, Any]:
    """State, progress and details of one region at `now`."""
    started = parse_instant(entry["start"])
    seconds = entry["seconds"]
    elapsed = (now - started).total_seconds()
    done = 100.0 if seconds <= 0 else max(0.0, min(100.0, elapsed / seconds * 100.0))
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


def finishes_at(entry: dict[str, Any]) -> datetime:
    """When the region completes, or fails if a fault applies."""
    share = entry["fault"]["at"] / 100.0 if entry.get("fault") else 1.0
    return parse_instant(entry["start"]) + timedelta(seconds=entry["seconds"] * share)


def aggregate(states: list[str]) -> str:
    """Failed if any region failed, InProgress while any replicates, Completed when all are."""
    if not states:
        return "Unknown"
    if "Failed" in states:
        return "Failed"
    if any(s != "Completed" for s in states):
        return "InProgress"
    return "Completed"
