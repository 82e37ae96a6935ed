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
)
from sigctl.cli.context import Invocation
from sigctl.cli.framework import CommandGroup
from sigctl.cli.output import flatten
from sigctl.cli.params import (
    RESOURCE_ID_GROUP,
    ListGroup,
    ResourceGroup,
    ResourceGroupOrIds,
    aaz_tags_option,
    location_option,
)
from sigctl.cli.resource_commands import Resource
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


IDENTITY = Resource(
    target=managed_identity_target,
    names=[("resource_group", ResourceGroupOrIds), ("name", NameOrIds)],
    collection=lambda subscription, group: ids.ResourceId(
        subscription, group, ids.MANAGED_IDENTITY, ("userAssignedIdentities",), ()
    ),
    listing=[ListGroup],
    api_version=API_VERSION,
    shape=flatten,
    order=["name", "resource_group"],
)
IDENTITY.show(
    commands,
    "Show an identity's details.",
    [("Show an identity.", "{prefix} show --name MyIdentity --resource-group MyResourceGroup")],
)
IDENTITY.list_(
    commands,
    "List identities (in a resource group, or the whole subscription).",
    [
        ("List the identities of a resource group.", "{prefix} list -g MyResourceGroup"),
        ("List every identity in the subscription.", "{prefix} list"),
    ],
)


IDENTITY.delete(
    commands,
    """Delete an identity.

    Its service principal and role assignments go with it; galleries it was assigned to keep
    naming it, as in Azure.
    """,
    [
        (
            "Delete an identity.",
            "{prefix} delete --name MyIdentity --resource-group MyResourceGroup",
        )
    ],
    no_wait=False,
)
