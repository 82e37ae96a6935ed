"""Waiting for a long-running operation the way az does before printing the final resource."""

from __future__ import annotations

from typing import Any

from sigctl.cli import context
from sigctl.errors import ArmError

# az polls an ARM operation every so often; in modelled seconds.
POLL_SECONDS = 15
TERMINAL = ("Succeeded", "Failed", "Canceled")
MAX_POLLS = 100_000


def replication_failure(body: dict[str, Any]) -> ArmError:
    status = body.get("properties", {}).get("replicationStatus", {})
    failed = [
        f"{s['region']} ({s['details']})"
        for s in status.get("summary", [])
        if s["state"] == "Failed"
    ]
    return ArmError(
        "ReplicationFailed",
        "Gallery replication jobs failed in one or more regions: "
        + "; ".join(failed)
        + ". If retry does not work, then please do an update by removing the failed regions and "
        "update again by adding them back.",
        409,
    )


def complete(rid: Any, **query: Any) -> dict[str, Any]:
    """Poll the resource until its provisioningState is terminal; return it (as a GET with query).

    A frozen emulated clock is advanced as the poller waits, and the user is told by how much.
    """
    from sigctl.cli.progress import RegionProgress

    invocation = context.current()
    client = invocation.client
    advanced = 0.0
    body: dict[str, Any] = {}
    with RegionProgress(f"Replicating {rid.name} ({rid.type_path()})") as progress:
        for _ in range(MAX_POLLS):
            body = client.get(rid, **{**query, "$expand": "ReplicationStatus"})
            progress.update(body)
            if body["properties"].get("provisioningState") in TERMINAL:
                break
            advanced += client.provider.sleep(POLL_SECONDS)
    if advanced:
        invocation.warn(
            f"The emulated clock is frozen; waiting advanced it by {advanced:g} seconds."
        )
    if body["properties"].get("provisioningState") == "Failed":
        raise replication_failure(body)
    if "$expand" not in query:
        body["properties"].pop("replicationStatus", None)
    return body
