"""Waiting for a long-running operation the way az does before printing the final resource."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sigctl.cli.context import Invocation
from sigctl.errors import replication_failure

# az polls an ARM operation every so often; in modelled seconds.
POLL_SECONDS = 15
TERMINAL = ("Succeeded", "Failed", "Canceled")
MAX_POLLS = 100_000


def say_clock_advanced(inv: Invocation, advanced: float) -> None:
    """Tell the user a poller had to move a frozen clock (so waiting never hangs silently)."""
    if advanced:
        inv.warn(f"The emulated clock is frozen; waiting advanced it by {advanced:g} seconds.")


def watch(
    inv: Invocation,
    rid: Any,
    query: dict[str, Any],
    done: Callable[[dict[str, Any]], bool],
    limit: float,
) -> dict[str, Any]:
    """GET a version with its replication status every POLL_SECONDS of modelled time until
    done(body) or `limit` modelled seconds have passed; progress bars on a terminal."""
    from sigctl.cli.progress import RegionProgress

    client = inv.client
    waited = advanced = 0.0
    title = f"Replicating {rid.name} ({rid.type_path()})"
    with RegionProgress(title, inv.console(stderr=True)) as progress:
        while True:
            body = client.get(rid, **{**query, "$expand": "ReplicationStatus"})
            progress.update(body)
            if done(body) or waited >= limit:
                break
            advanced += client.sleep(POLL_SECONDS)
            waited += POLL_SECONDS
    say_clock_advanced(inv, advanced)
    return body


def complete(inv: Invocation, rid: Any, **query: Any) -> dict[str, Any]:
    """Poll the resource until its provisioningState is terminal; return it (as a GET with query)."""
    body = watch(
        inv,
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
