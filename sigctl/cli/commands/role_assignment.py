"""`sigctl role assignment`: who may do what where (az role assignment)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli import context
from sigctl.cli.errors import CliError
from sigctl.cli.framework import CommandGroup
from sigctl.cli.params import Ids, values
from sigctl.provider import ids

commands = CommandGroup("Manage role assignments.")

Assignee = Annotated[
    str | None,
    typer.Option(
        "--assignee",
        help="Represent a user, group, or service principal: object id, user principal name, app id or display name.",
    ),
]
Role = Annotated[
    str | None,
    typer.Option(
        "--role",
        help="Role name or id: Owner, Contributor, Reader, User Access Administrator, Compute Gallery Sharing Admin.",
    ),
]
Scope = Annotated[
    str | None,
    typer.Option(
        "--scope",
        help="Scope at which the role assignment or definition applies to, e.g. a gallery's resource id.",
    ),
]
Group = Annotated[
    str | None,
    typer.Option(
        "--resource-group", "-g", metavar="NAME", help="Use the resource group as the scope."
    ),
]


def _scope(scope: str | None, group: str | None) -> str | None:
    client = context.current().client
    if scope and group:
        raise CliError("usage error: give --scope or --resource-group, not both")
    if group:
        return str(ids.resource_group_id(client.subscription, group))
    return scope


def _subscription_of(scope: str | None) -> str:
    if scope:
        parts = scope.split("/")
        if len(parts) > 2 and parts[1].lower() == "subscriptions":
            return parts[2]
        raise CliError(f"usage error: '{scope}' is not a resource id scope (/subscriptions/...)")
    return context.current().client.subscription


def _run(subscription: str, operation: Any, *args: Any, write: bool = False) -> Any:
    """Run a role operation; a role or assignee that does not resolve fails in the client."""
    from sigctl.provider import rbac

    try:
        return context.current().client.provider.operate(
            subscription, operation, *args, write=write
        )
    except rbac.LookupFailed as failed:
        raise CliError(str(failed)) from None


@commands.command(
    "create",
    examples=[
        (
            "Let a user read a gallery, its definitions and versions.",
            "{prefix} create --assignee ada@sigctl.onmicrosoft.com --role Reader --scope /subscriptions/SUB/resourceGroups/MyResourceGroup/providers/Microsoft.Compute/galleries/MyGallery",
        ),
        (
            "Let a pipeline's service principal publish in a resource group.",
            "{prefix} create --assignee ci-publisher --role Contributor -g MyResourceGroup",
        ),
    ],
)
def create(
    role: Annotated[str, typer.Option("--role", help="Role name or id.")],
    assignee: Assignee = None,
    assignee_object_id: Annotated[
        str | None, typer.Option("--assignee-object-id", help="The assignee's object id.")
    ] = None,
    scope: Scope = None,
    resource_group: Group = None,
) -> Any:
    """Create a new role assignment for a user, group, or service principal."""
    from sigctl.provider import rbac

    who = assignee or assignee_object_id
    if not who or (assignee and assignee_object_id):
        raise CliError("usage error: --assignee STRING | --assignee-object-id GUID")
    client = context.current().client
    where = _scope(scope, resource_group) or f"/subscriptions/{client.subscription}"
    return _run(_subscription_of(where), rbac.assign, who, role, where, write=True)


def _table(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """az's table for role assignments: Principal, Role, Scope."""
    return [
        {"Principal": r["principalName"], "Role": r["roleDefinitionName"], "Scope": r["scope"]}
        for r in rows
    ]


@commands.command(
    "list",
    table=_table,
    examples=[
        ("Assignments at the subscription (az's default).", "{prefix} list -o table"),
        (
            "Every assignment of one user, anywhere in the subscription.",
            "{prefix} list --assignee ada@sigctl.onmicrosoft.com --all",
        ),
        (
            "Assignments that apply to a gallery, including inherited ones.",
            "{prefix} list --scope GALLERY_ID --include-inherited",
        ),
    ],
)
def list_(
    assignee: Assignee = None,
    role: Role = None,
    scope: Scope = None,
    resource_group: Group = None,
    include_inherited: Annotated[
        bool,
        typer.Option("--include-inherited", help="Include assignments applied on parent scopes."),
    ] = False,
    all_: Annotated[
        bool, typer.Option("--all", help="Show all assignments under the current subscription.")
    ] = False,
) -> Any:
    """List role assignments."""
    from sigctl.provider import rbac

    where = _scope(scope, resource_group)
    if all_ and where:
        raise CliError("group or scope are not required when --all is used")
    return _run(
        _subscription_of(where), rbac.listing, assignee, role, where, include_inherited, all_
    )


@commands.command(
    "delete",
    examples=[
        (
            "Remove a user's Reader role on a gallery.",
            "{prefix} delete --assignee ada@sigctl.onmicrosoft.com --role Reader --scope GALLERY_ID",
        ),
        ("Remove assignments by id.", "{prefix} delete --ids ASSIGNMENT_ID"),
    ],
)
def delete(
    ids_: Ids = None,
    assignee: Assignee = None,
    role: Role = None,
    scope: Scope = None,
    resource_group: Group = None,
) -> None:
    """Delete role assignments (those matching all the filters given)."""
    from sigctl.provider import rbac

    given = values(ids_)
    where = _scope(scope, resource_group)
    if not given and not (assignee or role or where):
        raise CliError("usage error: give --ids, or at least one of --assignee, --role, --scope")
    subscription = _subscription_of(given[0] if given else where)
    # Without --scope az deletes at the subscription scope only; --ids may name any scope.
    found = _run(subscription, rbac.listing, assignee, role, where, False, bool(given))
    if given:
        wanted = {i.lower() for i in given}
        found = [f for f in found if f["id"].lower() in wanted]
    if not found:
        raise CliError("No matched assignments were found to delete")
    _run(subscription, rbac.unassign, found, write=True)
