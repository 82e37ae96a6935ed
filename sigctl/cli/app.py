"""The whole CLI as one Typer app, for `typer.testing.CliRunner` and embedding.

The console script does not use it: `sigctl.cli.main.main` dispatches directly, so that only
the command being run is built.
"""

from __future__ import annotations

import typer

from sigctl.cli.main import run

app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False)


@app.command(
    context_settings={
        "allow_extra_args": True,
        "ignore_unknown_options": True,
        "help_option_names": [],
    }
)
def sigctl(ctx: typer.Context) -> None:
    raise typer.Exit(run(list(ctx.args)))
