"""`sigctl replication clock`: the emulated clock that replication runs on."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli.context import Invocation
from sigctl.cli.framework import CommandGroup

commands = CommandGroup("Show, freeze, step and reset the emulated clock.")


def _clock(
    inv: Invocation, verb: str = "GET", action: str = "", body: dict[str, Any] | None = None
) -> Any:
    path = f"/sigctl/clock/{action}" if action else "/sigctl/clock"
    return inv.client.call(verb, path, body)


@commands.command(
    "show",
    examples=[
        ("Show the emulated time, whether it runs, and the replication speed.", "{prefix} show")
    ],
)
def show(inv: Invocation) -> Any:
    """Show the emulated clock."""
    return _clock(inv)


@commands.command(
    "set",
    examples=[
        (
            "Freeze the clock at an instant (replication then moves only when the clock is advanced).",
            "{prefix} set 2030-01-01T00:00:00Z",
        ),
    ],
)
def set_(
    inv: Invocation,
    time: Annotated[
        str, typer.Argument(metavar="TIME", help="An ISO 8601 instant, e.g. 2030-01-01T00:00:00Z.")
    ],
) -> Any:
    """Freeze the clock at TIME."""
    return _clock(inv, "POST", "set", {"time": time})


@commands.command(
    "advance",
    examples=[
        ("Let five modelled minutes pass.", "{prefix} advance 5m"),
        ("Let an hour and a half pass.", "{prefix} advance 1h30m"),
    ],
)
def advance(
    inv: Invocation,
    duration: Annotated[
        str, typer.Argument(metavar="DURATION", help="Seconds, or with units: 90s, 5m, 1h30m, 2d.")
    ],
) -> Any:
    """Move the clock forward by DURATION (frozen or not); replication gains as much.

    The clock only moves forward: to go back, freeze it at an earlier time with `set`.
    """
    return _clock(inv, "POST", "advance", {"by": duration})


@commands.command(
    "reset",
    examples=[("Back to the wall clock.", "{prefix} reset")],
)
def reset(inv: Invocation) -> Any:
    """Unfreeze the clock and drop any offset: back to the wall clock (SIGCTL_NOW still applies)."""
    return _clock(inv, "POST", "reset", {})
