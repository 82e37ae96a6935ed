"""`sigctl identity` (az identity create/show/list/delete): user-assigned managed identities.

Enough of az's group for a script to make an identity and give it to a gallery
(`sigctl sig identity assign --user-assigned ID`) or a role (`sigctl role assignment create
--assignee PRINCIPAL_ID`).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli.arguments import (
    aaz_location,
    aaz_tags,
    managed_identity_target,
    one_or_many,
    targets,
)
from sigctl.cli.context import Invocation
from sigctl.cli.framework import CommandGroup
from sigctl.cli.output import flatten
from sigctl.cli.paging import MaxItems, NextToken, paginate
from sigctl.cli.params import (
    RESOURCE_ID_GROUP,
    Ids,
    ListGroup,
    ResourceGroup,
    ResourceGroupOrIds,
    aaz_tags_option,
    location_option,
)
from sigctl.provider import ids

commands = CommandGroup("Manage managed identities.")

API_VERSION = "2023-01-31"
_NAME_HELP = "The name of the identity resource."
Name = Annotated[str, typer.Option("--name", "-n", metavar="NAME", help=_NAME_HELP)]
NameOrIds = Annotated[
    str | None,
    typer.Option(
        "--name", "-n", metavar="NAME", help=_NAME_HELP, rich_help_panel=RESOURCE_ID_GROUP
    ),
]
# az's generated identity create shows the location and tags in its "Parameters" group.
_PARAMETERS = "Parameters Arguments"


@commands.command(
    "create",
    policy=True,
    examples=[
        (
            "Create an identity.",
            "{prefix} create --name MyIdentity --resource-group MyResourceGroup",
        ),
        (
            "Create an identity and keep its resource id for `sig identity assign`.",
            "{prefix} create -n MyIdentity -g MyResourceGroup --query id -o tsv",
        ),
    ],
)
def create(
    inv: Invocation,
    name: Name,
    resource_group: ResourceGroup,
    location: Annotated[str | None, location_option(_PARAMETERS)] = None,
    tags: Annotated[list[str] | None, aaz_tags_option(_PARAMETERS)] = None,
) -> Any:
    """Create an identity.

    Its principalId is a service principal of the tenant: roles can be assigned to it.
    """
    client = inv.client
    tags_body = aaz_tags(tags)
    body: dict[str, Any] = {"location": aaz_location(client, resource_group, location)}
    if tags_body is not None:
        body["tags"] = tags_body
    target = managed_identity_target(inv, resource_group, name)
    return flatten(client.put(target, body, api_version=API_VERSION))


@commands.command(
    "show",
    examples=[
        ("Show an identity.", "{prefix} show --name MyIdentity --resource-group MyResourceGroup")
    ],
)
def show(
    inv: Invocation,
    name: NameOrIds = None,
    resource_group: ResourceGroupOrIds = None,
    ids_: Ids = None,
) -> Any:
    """Show an identity's details."""
    client = inv.client
    found = [
        flatten(client.get(t, api_version=API_VERSION))
        for t in targets(inv, ids_, managed_identity_target, resource_group, name)
    ]
    return one_or_many(found, ids_)


@commands.command(
    "list",
    examples=[
        ("List the identities of a resource group.", "{prefix} list -g MyResourceGroup"),
        ("List every identity in the subscription.", "{prefix} list"),
    ],
)
def list_(
    inv: Invocation,
    resource_group: ListGroup = None,
    max_items: MaxItems = None,
    next_token: NextToken = None,
) -> Any:
    """List identities (in a resource group, or the whole subscription)."""
    client = inv.client
    collection = ids.ResourceId(
        client.subscription, resource_group, ids.MANAGED_IDENTITY, ("userAssignedIdentities",), ()
    )
    found = client.list(collection, api_version=API_VERSION)
    return paginate(inv, [flatten(i) for i in found], max_items, next_token)


@commands.command(
    "delete",
    policy=True,
    examples=[
        (
            "Delete an identity.",
            "{prefix} delete --name MyIdentity --resource-group MyResourceGroup",
        )
    ],
)
def delete(
    inv: Invocation,
    name: NameOrIds = None,
    resource_group: ResourceGroupOrIds = None,
    ids_: Ids = None,
) -> None:
    """Delete an identity.

    Its service principal and role assignments go with it; galleries it was assigned to keep
    naming it, as in Azure.
    """
    client = inv.client
    for target in targets(inv, ids_, managed_identity_target, resource_group, name):
        client.delete(target, api_version=API_VERSION)
