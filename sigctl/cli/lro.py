"""Waiting for a long-running operation the way az does before printing the final resource."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sigctl.cli import context
from sigctl.errors import replication_failure

# az polls an ARM operation every so often; in modelled seconds.
POLL_SECONDS = 15
TERMINAL = ("Succeeded", "Failed", "Canceled")
MAX_POLLS = 100_000


def say_clock_advanced(advanced: float) -> None:
    """Tell the user a poller had to move a frozen clock (so waiting never hangs silently)."""
    if advanced:
        context.current().warn(
            f"The emulated clock is frozen; waiting advanced it by {advanced:g} seconds."
        )


def watch(
    rid: Any, query: dict[str, Any], done: Callable[[dict[str, Any]], bool], limit: float
) -> dict[str, Any]:
    """GET a version with its replication status every POLL_SECONDS of modelled time until
    done(body) or `limit` modelled seconds have passed; progress bars on a terminal."""
    from sigctl.cli.progress import RegionProgress

    client = context.current().client
    waited = advanced = 0.0
    with RegionProgress(f"Replicating {rid.name} ({rid.type_path()})") as progress:
        while True:
            body = client.get(rid, **{**query, "$expand": "ReplicationStatus"})
            progress.update(body)
            if done(body) or waited >= limit:
                break
            advanced += client.sleep(POLL_SECONDS)
            waited += POLL_SECONDS
    say_clock_advanced(advanced)
    return body


def complete(rid: Any, **query: Any) -> dict[str, Any]:
    """Poll the resource until its provisioningState is terminal; return it (as a GET with query)."""
    body = watch(
        rid,
        query,
        lambda b: b["properties"].get("provisioningState") in TERMINAL,
        MAX_POLLS * POLL_SECONDS,
    )
    if body["properties"].get("provisioningState") == "Failed":
        raise replication_failure(body)
    if "$expand" not in query:
        body["properties"].pop("replicationStatus", None)
    return body
