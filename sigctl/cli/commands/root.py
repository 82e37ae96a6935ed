"""Commands at the top of the tree: `sigctl demo`."""

from __future__ import annotations

from sigctl.cli.framework import CommandGroup

commands = CommandGroup("Emulate Azure Compute Gallery offline.")


@commands.command(
    "demo",
    examples=[
        ("Run the demo against a fresh, throw-away state.", "{prefix} demo"),
    ],
)
def demo() -> None:
    """Run a short scripted tour against the embedded default state (your own state is untouched).

    Every step is a real sigctl command line, run in a temporary SIGCTL_HOME that is removed
    afterwards; copy any of them into your own scripts.
    """
    from sigctl.cli.demo import run_demo

    run_demo()
