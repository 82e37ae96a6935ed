"""How many replicas a region needs, from the gallery docs' scaling guidance and best practices.

One replica per 20 virtual machines created concurrently; one replica per scale set of up to
600 instances created concurrently; a scale set made from a gallery image holds at most 1,000
instances. (The current docs also say one per 50 VMs in one place; sigctl follows the stricter
figure, which the same docs repeat in their best practices.)
"""

from __future__ import annotations

import math
from typing import Any

from sigctl.errors import invalid_parameter

VMS_PER_REPLICA = 20
INSTANCES_PER_REPLICA = 600
MAX_SCALE_SET_INSTANCES = 1000
PRODUCTION_MINIMUM = 3


def recommend(
    concurrent_vms: int | None, scale_sets: int | None, instances: int | None, replica_limit: int
) -> dict[str, Any]:
    if concurrent_vms is None and scale_sets is None:
        raise invalid_parameter("Give --concurrent-vms, --scale-sets, or both.", "recommend")
    rules: list[dict[str, Any]] = []
    if concurrent_vms is not None:
        if concurrent_vms < 1:
            raise invalid_parameter("--concurrent-vms must be 1 or more.", "concurrentVms")
        rules.append(
            {
                "rule": f"one replica per {VMS_PER_REPLICA} VMs created concurrently",
                "input": f"{concurrent_vms} concurrent VMs",
                "replicas": math.ceil(concurrent_vms / VMS_PER_REPLICA),
            }
        )
    if scale_sets is not None:
        size = INSTANCES_PER_REPLICA if instances is None else instances
        if scale_sets < 1:
            raise invalid_parameter("--scale-sets must be 1 or more.", "scaleSets")
        if size < 1:
            raise invalid_parameter("--instances must be 1 or more.", "instances")
        if size > MAX_SCALE_SET_INSTANCES:
            raise invalid_parameter(
                f"A scale set created from a gallery image can have at most {MAX_SCALE_SET_INSTANCES:,} "
                f"instances; --instances {size} is not possible.",
                "instances",
            )
        rules.append(
            {
                "rule": f"one replica per scale set of up to {INSTANCES_PER_REPLICA} instances created concurrently",
                "input": f"{scale_sets} scale sets of {size} instances",
                "replicas": scale_sets * math.ceil(size / INSTANCES_PER_REPLICA),
            }
        )
    wanted = max(r["replicas"] for r in rules)
    notes = []
    if wanted > replica_limit:
        notes.append(
            f"{wanted} is over the limit of {replica_limit} replicas per region; "
            "spread the deployment over more regions or image versions."
        )
    if wanted < PRODUCTION_MINIMUM:
        notes.append(
            f"For production workloads the docs advise at least {PRODUCTION_MINIMUM} replicas."
        )
    return {
        "recommendedReplicasPerRegion": min(wanted, replica_limit),
        "rules": rules,
        "limit": replica_limit,
        "notes": notes,
    }
