"""`sigctl state`: where the emulated cloud lives, and starting it over."""

from __future__ import annotations

import sys
from typing import Any

from sigctl.cli import context
from sigctl.cli.errors import CliError
from sigctl.cli.framework import CommandGroup
from sigctl.cli.params import Yes

commands = CommandGroup("Inspect, reset, export and import the emulator's state.")


@commands.command(
    "path",
    examples=[
        ("Print the folder that holds the state and the configuration.", "{prefix} path -o tsv"),
        ("Use a throw-away state for one CI job.", "SIGCTL_HOME=$(mktemp -d) sigctl sig list"),
    ],
)
def path() -> Any:
    """Print the sigctl home folder (SIGCTL_HOME, else the platform's user data folder)."""
    return str(context.current().home)


@commands.command(
    "reset",
    examples=[
        (
            "Delete every emulated resource and start from the embedded default state.",
            "{prefix} reset --yes",
        )
    ],
)
def reset(yes: Yes = False) -> None:
    """Delete the whole emulated state (configuration is kept)."""
    if not yes:
        if not sys.stdin.isatty():
            raise CliError("Unable to prompt for confirmation as no tty available. Use --yes.")
        sys.stderr.write("Delete every emulated resource? (y/n): ")
        sys.stderr.flush()
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            raise CliError("Operation cancelled.")
    from sigctl.store.maintenance import wipe

    wipe(context.current().home / "state")
