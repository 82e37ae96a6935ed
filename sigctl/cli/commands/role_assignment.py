"""`sigctl role assignment`: who may do what where (az role assignment)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli.context import Invocation
from sigctl.cli.errors import CliError
from sigctl.cli.framework import CommandGroup
from sigctl.cli.params import Ids, values
from sigctl.errors import ArmError
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


AUTHORIZATION = "/providers/Microsoft.Authorization"


def _scope(inv: Invocation, scope: str | None, group: str | None) -> str | None:
    client = inv.client
    if scope and group:
        raise CliError("usage error: give --scope or --resource-group, not both")
    if group:
        return str(ids.resource_group_id(client.subscription, group))
    return scope


def _subscription_of(inv: Invocation, scope: str | None) -> str:
    if scope:
        parts = scope.split("/")
        if len(parts) > 2 and parts[1].lower() == "subscriptions":
            return parts[2]
        raise CliError(f"usage error: '{scope}' is not a resource id scope (/subscriptions/...)")
    return inv.client.subscription


def _role(inv: Invocation, text: str, subscription: str) -> dict[str, Any]:
    """The role definition `--role` names (a name or an id), as az resolves it: client-side."""
    client = inv.client
    path = f"/subscriptions/{subscription}{AUTHORIZATION}/roleDefinitions"
    name = text.rsplit("/", 1)[-1]
    found = client.list(path, **{"$filter": f"roleName eq '{name}'"}) if "'" not in name else []
    if not found:
        raise CliError(f"Role '{text}' doesn't exist.")
    return found[0]


def _assignee(inv: Invocation, text: str) -> dict[str, Any]:
    """The principal `--assignee` names, or az's client-side lookup failure."""
    from sigctl.cli import directory

    try:
        return directory.find(inv, text)
    except ArmError as error:
        if error.status != 404:
            raise
    raise CliError(
        f"Cannot find user or service principal in graph database for '{text}'. If the assignee "
        "is an appId, make sure the corresponding service principal is created with "
        f"'az ad sp create --id {text}'."
    )


def _flat(body: dict[str, Any], names: dict[str, str] | None = None) -> dict[str, Any]:
    """An assignment as az prints it: ARM's properties lifted, az's names added to a list."""
    props = body["properties"]
    out: dict[str, Any] = {
        k: props.get(k)
        for k in (
            "condition",
            "conditionVersion",
            "createdBy",
            "delegatedManagedIdentityResourceId",
            "description",
        )
    }
    if names is not None:
        out["principalName"] = names.get(props["principalId"], "")
        out["roleDefinitionName"] = names.get(props["roleDefinitionId"].rsplit("/", 1)[-1])
    out["updatedBy"] = props.get("updatedBy")
    out.update(id=body["id"], name=body["name"])
    for key in ("principalId", "principalType", "roleDefinitionId", "scope"):
        out[key] = props[key]
    out["type"] = body["type"]
    out.update(createdOn=props["createdOn"], updatedOn=props["updatedOn"])
    return out


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
    inv: Invocation,
    role: Annotated[str, typer.Option("--role", help="Role name or id.")],
    assignee: Assignee = None,
    assignee_object_id: Annotated[
        str | None, typer.Option("--assignee-object-id", help="The assignee's object id.")
    ] = None,
    scope: Scope = None,
    resource_group: Group = None,
) -> Any:
    """Create a new role assignment for a user, group, or service principal."""
    from sigctl.cli import directory

    who = assignee or assignee_object_id
    if not who or (assignee and assignee_object_id):
        raise CliError("usage error: --assignee STRING | --assignee-object-id GUID")
    client = inv.client
    where = _scope(inv, scope, resource_group) or f"/subscriptions/{client.subscription}"
    subscription = _subscription_of(inv, where)
    found_role = _role(inv, role, subscription)
    principal = _assignee(inv, who)
    # The assignment's name: a GUID derived from what it grants, so a script that makes the
    # same assignment gets the same id (az makes a random one).
    stored_scope = where[:-1] if where.endswith("/") else where
    key = f"{stored_scope.lower()}|{principal['id']}|{found_role['name']}"
    name = ids.stable_id("roleAssignment", key)
    body = {
        "properties": {
            "roleDefinitionId": found_role["id"],
            "principalId": principal["id"],
            "principalType": directory.PRINCIPAL_TYPES[directory.kind(principal)],
        }
    }
    return _flat(client.put(f"{where}{AUTHORIZATION}/roleAssignments/{name}", body))


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
    inv: Invocation,
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
    where = _scope(inv, scope, resource_group)
    if all_ and where:
        raise CliError("group or scope are not required when --all is used")
    return _listing(
        inv, _subscription_of(inv, where), assignee, role, where, include_inherited, all_
    )


def _listing(
    inv: Invocation,
    subscription: str,
    assignee_text: str | None,
    role_text: str | None,
    scope: str | None,
    include_inherited: bool,
    everything: bool,
) -> list[dict[str, Any]]:
    """az's rules, applied in the client to ARM's list: by default the subscription-scoped
    assignments; with a scope those at it (with --include-inherited, also those above it); with
    --all every one. ARM lists only those the caller may read."""
    from sigctl.cli import directory

    client = inv.client
    subscription_scope = f"/subscriptions/{subscription}"
    wanted_principal = _assignee(inv, assignee_text)["id"] if assignee_text else None
    wanted_role = _role(inv, role_text, subscription)["name"] if role_text else None
    listed = client.list(f"{scope or subscription_scope}{AUTHORIZATION}/roleAssignments")
    found = []
    for body in listed:
        props = body["properties"]
        at = props["scope"]
        if scope is not None:
            inherited = include_inherited and _covers(at, scope)
            if not (at.lower() == scope.lower() or inherited):
                continue
        elif not everything and at.lower() != subscription_scope.lower():
            continue
        if wanted_principal and props["principalId"] != wanted_principal:
            continue
        if wanted_role and not props["roleDefinitionId"].endswith(wanted_role):
            continue
        found.append(body)
    if not found:
        return []
    # az names what it lists: the principals (through Graph) and the roles.
    principals = {p["principalId"] for p in (b["properties"] for b in found)}
    objects = directory.graph(
        inv, "POST", "/directoryObjects/getByIds", {"ids": sorted(principals)}
    )
    names = {o["id"]: _principal_name(o) for o in objects["value"]}
    roles = client.list(f"{subscription_scope}{AUTHORIZATION}/roleDefinitions")
    names.update({r["name"]: r["properties"]["roleName"] for r in roles})
    return [_flat(body, names) for body in found]


def _covers(scope: str, resource_id: str) -> bool:
    scope, resource_id = scope.lower().rstrip("/"), resource_id.lower().rstrip("/")
    return resource_id == scope or resource_id.startswith(scope + "/")


def _principal_name(obj: dict[str, Any]) -> str:
    """az shows a user's principal name, a service principal's app id, a group's name."""
    from sigctl.cli import directory

    return obj.get("appId") or directory.display_name(obj)


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
    inv: Invocation,
    ids_: Ids = None,
    assignee: Assignee = None,
    role: Role = None,
    scope: Scope = None,
    resource_group: Group = None,
) -> None:
    """Delete role assignments (those matching all the filters given)."""
    given = values(ids_)
    where = _scope(inv, scope, resource_group)
    if not given and not (assignee or role or where):
        raise CliError("usage error: give --ids, or at least one of --assignee, --role, --scope")
    subscription = _subscription_of(inv, given[0] if given else where)
    # Without --scope az deletes at the subscription scope only; --ids may name any scope.
    found = _listing(inv, subscription, assignee, role, where, False, bool(given))
    if given:
        wanted = {i.lower() for i in given}
        found = [f for f in found if f["id"].lower() in wanted]
    if not found:
        raise CliError("No matched assignments were found to delete")
    client = inv.client
    for record in found:
        client.delete(f"{record['scope']}{AUTHORIZATION}/roleAssignments/{record['name']}")
