"""Commands at the top of the tree: `sigctl demo`, `sigctl tree`, usage, login and logout."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli.context import Invocation
from sigctl.cli.framework import CommandGroup
from sigctl.cli.params import GalleryNameOrIds, ImageDefinitionOrIds, ResourceGroupOrIds, choice

commands = CommandGroup("Emulate Azure Compute Gallery offline.")


def _pace(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise typer.BadParameter(f"argument --pace: invalid float value: '{value}'") from None
    if not 0 <= seconds < float("inf"):
        raise typer.BadParameter(f"argument --pace: must be zero or more seconds, not '{value}'")
    return seconds


@commands.command(
    "demo",
    examples=[
        ("Run the demo against a fresh, throw-away state.", "{prefix} demo"),
        ("Present it: three seconds between steps.", "{prefix} demo --pace 3"),
        ("Present it: each command runs when you press Enter.", "{prefix} demo --step"),
    ],
)
def demo(
    inv: Invocation,
    pace: Annotated[
        float,
        typer.Option(
            "--pace",
            parser=_pace,
            metavar="SECONDS",
            help="Wait this long between steps. Default: 0.",
        ),
    ] = 0.0,
    step: Annotated[
        bool, typer.Option("--step", help="Wait for Enter before running each command.")
    ] = False,
) -> None:
    """Run a scripted tour: publish, step the clock, fail a region, recover (your state is untouched).

    Every step is a real sigctl command line, echoed like a shell prompt and run in a temporary
    SIGCTL_HOME that is removed afterwards; copy any of them into your own scripts. On a
    terminal the prompts are coloured and replication is slowed so its bars can be watched;
    under a pipe or in CI (the CI variable set) the tour is plain and takes about a second.
    """
    from sigctl.cli.demo import run_demo

    run_demo(pace, step, colour=inv.colour_allowed)


@commands.command(
    "tree",
    examples=[
        ("Draw every group, gallery, definition, version and region.", "{prefix} tree"),
        ("Only one image definition.", "{prefix} tree -g MyResourceGroup -r MyGallery -i MyImage"),
        ("The same tree as data.", "{prefix} tree -g MyResourceGroup -o json"),
        (
            "Every region that failed, with its version.",
            "{prefix} tree --query \"children[].children[].children[].children[].children[?state=='Failed'][].{region: name, details: details}\" -o table",
        ),
    ],
)
def tree(
    inv: Invocation,
    resource_group: ResourceGroupOrIds = None,
    gallery_name: GalleryNameOrIds = None,
    gallery_image_definition: ImageDefinitionOrIds = None,
) -> Any:
    """Draw the emulated cloud as a tree: groups, galleries, definitions, versions and regions.

    Each node shows its state (a colour, a symbol and a word), replica counts and progress,
    whether a version is what "latest" resolves to (overall, and in each region), and its end of
    life. With -o or --query the tree is data instead, formatted as az formats any result.
    """
    from sigctl.cli import tree_view

    node = tree_view.fetch(inv, resource_group, gallery_name, gallery_image_definition)
    options = inv.options
    if options.output is None and options.query is None:
        tree_view.draw(inv, node)
        return None
    return node


def _usage_table(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """az vm list-usage's table: Name, CurrentValue, Limit."""
    return [
        {
            "Name": r["localName"],
            "CurrentValue": "" if r["currentValue"] is None else str(r["currentValue"]),
            "Limit": str(r["limit"]),
        }
        for r in rows
    ]


@commands.command(
    "usage",
    examples=[
        (
            "Galleries, definitions and versions in a region, against their limits.",
            "{prefix} usage -l eastus2 -o table",
        ),
        (
            "How many more galleries fit in East US 2?",
            "{prefix} usage -l eastus2 --query \"[?name.value=='galleries'] | [0].[limit, currentValue]\" -o tsv",
        ),
    ],
    table=_usage_table,
)
def usage(
    inv: Invocation,
    location: Annotated[
        str, typer.Option("--location", "-l", metavar="LOCATION", help="The region to report.")
    ],
) -> Any:
    """Show the subscription's gallery usage in a region against Azure's limits (like az vm list-usage)."""
    from sigctl.provider import ids

    client = inv.client
    usages = ids.compute_id(client.subscription, None, "locations", location, "usages")
    return client.list(usages, api_version="2024-07-01")  # Compute's, as az vm list-usage


@commands.command(
    "login",
    examples=[
        ("Act as a service principal from now on.", "{prefix} login --as ci-publisher"),
        (
            "Act as a user in another subscription.",
            "{prefix} login --as ada@sigctl.onmicrosoft.com --subscription consumer-subscription",
        ),
    ],
)
def login(
    inv: Invocation,
    as_: Annotated[
        str,
        typer.Option(
            "--as",
            "--username",
            "-u",
            help="The principal: object id, user principal name, app id or display name.",
        ),
    ],
    subscription: Annotated[
        str | None,
        typer.Option("--subscription", help="Also make this subscription the current one."),
    ] = None,
) -> Any:
    """Sign in as a principal of the emulated directory (no password: nothing is checked).

    Later commands act as it until `sigctl logout`; `--as` and SIGCTL_PRINCIPAL still override.
    """
    from sigctl import profile
    from sigctl.cli.directory import display_name

    invocation = inv
    signed_in = invocation.client.sign_in(as_, subscription)
    principal = signed_in["principal"]
    saved = profile.load(invocation.home, replacing=True)
    saved["principal"] = principal["id"]
    if subscription:
        saved["subscription"] = signed_in["subscription"]["id"]
    profile.save(invocation.home, saved)
    return {"principal": display_name(principal), "id": principal["id"], "type": principal["type"]}


@commands.command(
    "logout", examples=[("Back to acting as the default subscription's owner.", "{prefix} logout")]
)
def logout(inv: Invocation) -> None:
    """Sign out: commands act as the default subscription's owner again."""
    from sigctl import profile

    invocation = inv
    saved = profile.load(invocation.home, replacing=True)
    saved.pop("principal", None)
    profile.save(invocation.home, saved)


def _port(value: str | int) -> int:
    text = str(value)  # typer hands the default over as it is
    if not text.isascii() or not text.isdigit() or int(text) > 65535:
        raise typer.BadParameter(f"argument --port: invalid port value: '{text}' (0 to 65535)")
    return int(text)


def _count(value: str | int) -> int:
    text = str(value)  # typer hands the default over as it is
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= 64:
        raise typer.BadParameter(f"argument --workers: invalid value: '{text}' (1 to 64)")
    return int(text)


@commands.command(
    "serve",
    examples=[
        ("Serve the emulated cloud at https://127.0.0.1:8443.", "{prefix} serve"),
        (
            "On a free port, refusing tokens it did not issue.",
            "{prefix} serve --port 0 --require-token",
        ),
    ],
)
def serve(
    inv: Invocation,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int,
        typer.Option("--port", parser=_port, help="Port; 0 picks a free one."),
    ] = 8443,
    cert: Annotated[
        str | None,
        typer.Option(
            "--cert",
            help="PEM certificate to serve. Default: a self-signed one in SIGCTL_HOME/tls/.",
        ),
    ] = None,
    key: Annotated[str | None, typer.Option("--key", help="PEM private key of --cert.")] = None,
    require_token: Annotated[
        bool,
        typer.Option(
            "--require-token",
            help="Refuse bearer tokens this cloud did not issue (otherwise they act as the "
            "default subscription's owner).",
        ),
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            parser=_count,
            help="Server processes sharing the port (more use more cores). Default: 1.",
        ),
    ] = 1,
) -> None:
    """Serve the state in SIGCTL_HOME over HTTPS on Azure's own REST API (Resource Manager,
    Microsoft Graph, a token service), for the Azure SDKs, az, Terraform and Packer.

    Needs the server extra: pip install 'sigctl[serve]'. See docs/serve.md.
    """
    from pathlib import Path

    from sigctl.cli.errors import CliError, usage_error

    if (cert is None) != (key is None):
        raise usage_error("usage error: --cert and --key go together")
    for given in (cert, key):
        if given is not None and not Path(given).is_file():
            raise CliError(f"The file '{given}' does not exist.")
    try:
        from sigctl.server.run import serve as run
    except ImportError as missing:
        raise CliError(
            f"sigctl serve needs the server extra ({missing.name} is not installed): "
            "pip install 'sigctl[serve]'"
        ) from None
    invocation = inv
    try:
        run(
            invocation.home,
            host,
            port,
            Path(cert) if cert else None,
            Path(key) if key else None,
            require_token,
            workers,
        )
    except OSError as exc:
        raise CliError(f"Cannot serve on {host}:{port}: {exc.strerror or exc}") from None


@commands.command(
    "completion",
    examples=[
        ("Complete sigctl in this bash.", "source <({prefix} completion bash)"),
        ("Complete sigctl in this zsh.", "source <({prefix} completion zsh)"),
        (
            "Complete sigctl in every new fish.",
            "{prefix} completion fish > ~/.config/fish/completions/sigctl.fish",
        ),
        (
            "Complete sigctl in this PowerShell session.",
            "{prefix} completion powershell | Out-String | Invoke-Expression",
        ),
    ],
)
def completion(
    inv: Invocation,
    shell: Annotated[
        str,
        typer.Argument(
            metavar="SHELL",
            parser=choice("SHELL", "bash", "zsh", "fish", "powershell"),
            help="bash, zsh, fish or powershell.",
        ),
    ],
) -> None:
    """Print a shell completion script: commands, options, allowed values and the names in the
    emulated cloud (resource groups, galleries, definitions, versions, regions, principals).

    Load it as its first lines say. The script asks sigctl for the candidates each time, so
    it never needs regenerating.
    """
    import sys

    from sigctl.cli.completion_scripts import SCRIPTS

    sys.stdout.write(SCRIPTS[shell])
