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


_collection_deferred = False


def main() -> None:
    if sys.argv[1:] == ["--version"]:  # the one command that needs nothing else
        sys.stdout.write(version_text())
        return
    _defer_collection()
    from sigctl.cli.main import main as run_command

    run_command()


def _defer_collection() -> None:
    """No garbage collection while the CLI starts: the tens of thousands of objects its imports
    make live as long as the process, and collecting (scanning) them again and again costs a
    read command several milliseconds. `start_collecting` ends this when the command runs."""
    global _collection_deferred
    import gc

    if gc.isenabled():
        gc.disable()
        _collection_deferred = True


def start_collecting() -> None:
    """Collect garbage again, leaving what start-up made out of every collection (gc.freeze),
    as the command that now runs may be long (a fixture import, `sigctl serve`)."""
    global _collection_deferred
    if _collection_deferred:
        import gc

        gc.freeze()
        gc.enable()
        _collection_deferred = False
