"""The console script's entry point: `sigctl --version` is answered here, before the CLI's own
modules (the command tree, argument parsing, typer) are imported; every other command goes on to
`sigctl.cli.main`."""

from __future__ import annotations

import sys


def version_text() -> str:
    import platform

    from sigctl import AZ_CLI_VERSION, __version__

    return (
        f"sigctl {__version__}\n"
        f"emulates azure-cli {AZ_CLI_VERSION} (az sig, az group) and Microsoft.Compute galleries\n"
        f"python {platform.python_version()}\n"
    )


def main() -> None:
    if sys.argv[1:] == ["--version"]:  # the one command that needs nothing else
        sys.stdout.write(version_text())
        return
    from sigctl.cli.main import main as run_command

    run_command()
