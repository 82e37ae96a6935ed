"""`sigctl namespace`: isolated clouds inside one state (the files, or a shared database)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli.arguments import confirm
from sigctl.cli.context import Invocation
from sigctl.cli.errors import usage_error
from sigctl.cli.framework import CommandGroup
from sigctl.cli.params import Yes

commands = CommandGroup("Manage namespaces: isolated clouds inside one state.")

PATH = "/sigctl/namespaces"

Name = Annotated[
    str,
    typer.Argument(
        metavar="NAME",
        help="Namespace name: 1-63 lower-case letters, digits and hyphens.",
    ),
]
Settings = Annotated[
    list[str] | None,
    typer.Option(
        "--settings",
        metavar="KEY=VALUE",
        help="Space-separated settings of the namespace (limits.*, replication.speed); they "
        "override the configuration inside it.",
    ),
]


def _request(inv: Invocation, verb: str, path: str, body: Any = None, **query: str) -> Any:
    return inv.client.call(verb, path, body, **query)


def _pairs(pairs: list[str] | None, empty_means_remove: bool = False) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    for pair in pairs or []:
        key, eq, value = pair.partition("=")
        if not eq or not key.strip():
            raise usage_error(f"usage error: '{pair}' is not KEY=VALUE")
        settings[key.strip()] = None if empty_means_remove and not value else value
    return settings


def _table(result: Any) -> list[dict[str, Any]]:
    rows = result if isinstance(result, list) else [result]
    return [
        {
            "Name": n["name"],
            "Created": n["created"] or "",
            "Changed": n["changed"] or "",
            "Settings": " ".join(f"{k}={v}" for k, v in sorted(n["settings"].items())),
        }
        for n in rows
    ]


@commands.command(
    "create",
    examples=[
        ("Create a namespace for one CI job.", "{prefix} create job-$CI_JOB_ID"),
        (
            "Create one where at most two galleries fit in a region.",
            "{prefix} create limits-test --settings limits.galleries=2",
        ),
        ("Use it.", "SIGCTL_NAMESPACE=job-$CI_JOB_ID sigctl sig list"),
    ],
    table=_table,
)
def create(inv: Invocation, name: Name, settings: Settings = None) -> Any:
    """Create a namespace: an empty cloud of its own (subscriptions, identities, resources,
    clock, faults and limits), beside every other one in the same state.

    Commands use it when SIGCTL_NAMESPACE (config core.namespace) names it; a served cloud
    serves it at <endpoint>/namespaces/NAME/.
    """
    return _request(inv, "POST", PATH, {"name": name, "settings": _pairs(settings)})


@commands.command(
    "list",
    examples=[
        ("List every namespace.", "{prefix} list -o table"),
        (
            "Delete namespaces that CI jobs left behind for more than a day.",
            "{prefix} list --older-than 1d --query '[].name' -o tsv | "
            "xargs -r -n1 sigctl namespace delete --yes",
        ),
    ],
    table=_table,
)
def list_(
    inv: Invocation,
    older_than: Annotated[
        str | None,
        typer.Option(
            "--older-than",
            metavar="DURATION",
            help="Only namespaces neither created nor changed for longer than this (90s, 30m, "
            "12h, 7d): abandoned ones. The default namespace is never listed then: it cannot be "
            "deleted.",
        ),
    ] = None,
) -> Any:
    """List the namespaces of the state."""
    query = {} if older_than is None else {"olderThan": older_than}
    return _request(inv, "GET", PATH, **query)["value"]


@commands.command(
    "show", examples=[("Show a namespace and its settings.", "{prefix} show job-17")], table=_table
)
def show(inv: Invocation, name: Name) -> Any:
    """Show a namespace: when it was created and last changed, its settings and its Resource
    Manager path."""
    return _request(inv, "GET", f"{PATH}/{name}")


@commands.command(
    "update",
    examples=[
        (
            "Raise a namespace's gallery limit.",
            "{prefix} update job-17 --settings limits.galleries=200",
        ),
        ("Go back to the configured limit.", "{prefix} update job-17 --settings limits.galleries="),
    ],
    table=_table,
)
def update(inv: Invocation, name: Name, settings: Settings = None) -> Any:
    """Change a namespace's settings (KEY= with no value removes one)."""
    if not settings:
        raise usage_error("usage error: give at least one --settings KEY=VALUE")
    return _request(
        inv, "PATCH", f"{PATH}/{name}", {"settings": _pairs(settings, empty_means_remove=True)}
    )


@commands.command(
    "reset",
    examples=[("Empty a namespace, keeping its settings.", "{prefix} reset job-17 --yes")],
    table=_table,
)
def reset(inv: Invocation, name: Name, yes: Yes = False) -> Any:
    """Delete everything in a namespace; it stays, with its settings, as a fresh cloud."""
    if not yes:
        confirm(f"Delete every emulated resource in namespace '{name}'?")
    return _request(inv, "POST", f"{PATH}/{name}/reset")


@commands.command(
    "delete", examples=[("Delete a CI job's namespace.", "{prefix} delete job-17 --yes")]
)
def delete(inv: Invocation, name: Name, yes: Yes = False) -> None:
    """Delete a namespace and everything in it (the default namespace cannot be deleted)."""
    if not yes:
        confirm(f"Delete namespace '{name}' and everything in it?")
    _request(inv, "DELETE", f"{PATH}/{name}")
