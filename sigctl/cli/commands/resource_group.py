"""Resource groups, as `az group` (create, show, list, exists, update, delete, wait)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli.arguments import confirm, custom_tags
from sigctl.cli.context import Invocation
from sigctl.cli.framework import CommandGroup
from sigctl.cli.params import (
    AddArg,
    Created,
    Custom,
    CustomTags,
    Deleted,
    Exists,
    ForceString,
    Interval,
    RemoveArg,
    SetArg,
    StoreTrueNoWait,
    Timeout,
    Updated,
    Yes,
)
from sigctl.provider import ids

commands = CommandGroup("Manage resource groups.")

GroupName = Annotated[
    str,
    typer.Option(
        "--name", "-n", "--resource-group", "-g", metavar="NAME", help="Name of resource group."
    ),
]


def _shape(body: dict[str, Any]) -> dict[str, Any]:
    """az prints the SDK model: properties kept, absent tags and managedBy as null."""
    return {
        "id": body["id"],
        "location": body["location"],
        "managedBy": body.get("managedBy"),
        "name": body["name"],
        "properties": body["properties"],
        "tags": body.get("tags"),
        "type": body["type"],
    }


def _list_table(result: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "Name": r["name"],
            "Location": r["location"],
            "Status": r["properties"]["provisioningState"],
        }
        for r in result
    ]


def _group_id(inv: Invocation, name: str) -> ids.ResourceId:
    return ids.resource_group_id(inv.client.subscription, name)


@commands.command(
    "create",
    examples=[
        (
            "Create a new resource group in the West US region.",
            "{prefix} create -l westus -n MyResourceGroup",
        ),
        (
            "Create a resource group with tags.",
            "{prefix} create -l eastus2 -n MyResourceGroup --tags env=ci team=images",
        ),
    ],
)
def create(
    inv: Invocation,
    name: GroupName,
    location: Annotated[
        str,
        typer.Option(
            "--location",
            "-l",
            metavar="LOCATION",
            help="Location. Values from `sigctl account list-locations`.",
        ),
    ],
    tags: CustomTags = None,
    managed_by: Annotated[
        str | None,
        typer.Option(
            "--managed-by", help="The ID of the resource that manages this resource group."
        ),
    ] = None,
) -> Any:
    """Create a new resource group."""
    client = inv.client
    body: dict[str, Any] = {"location": location}
    if tags is not None:
        body["tags"] = custom_tags(tags)
    if managed_by:
        body["managedBy"] = managed_by
    return _shape(client.put(_group_id(inv, name), body))


@commands.command(
    "show",
    examples=[("Get a resource group.", "{prefix} show -n MyResourceGroup")],
)
def show(inv: Invocation, name: GroupName) -> Any:
    """Gets a resource group."""
    return _shape(inv.client.get(_group_id(inv, name)))


@commands.command(
    "list",
    examples=[
        ("List all resource groups.", "{prefix} list"),
        ("List resource groups as a table.", "{prefix} list -o table"),
    ],
    table=_list_table,
)
def list_(
    inv: Invocation,
    tag: Annotated[
        str | None,
        typer.Option("--tag", metavar="KEY[=VALUE]", help="A single tag in 'key[=value]' format."),
    ] = None,
) -> Any:
    """List resource groups."""
    client = inv.client
    groups = [_shape(g) for g in client.list(ids.resource_group_id(client.subscription, None))]
    if tag:
        key, eq, value = tag.partition("=")
        groups = [
            g
            for g in groups
            if g["tags"] and key in g["tags"] and (not eq or g["tags"][key] == value)
        ]
    return groups


@commands.command(
    "exists",
    examples=[("Check if 'MyResourceGroup' exists.", "{prefix} exists -n MyResourceGroup")],
)
def exists(inv: Invocation, name: GroupName) -> bool:
    """Check if a resource group exists (prints true or false)."""
    return inv.client.head(_group_id(inv, name))


@commands.command(
    "update",
    examples=[
        ("Update a resource group's tags.", "{prefix} update -n MyResourceGroup --tags env=ci"),
        (
            "Set one tag with a generic update.",
            "{prefix} update -n MyResourceGroup --set tags.owner=me",
        ),
    ],
)
def update(
    inv: Invocation,
    name: GroupName,
    tags: CustomTags = None,
    set_: SetArg = None,
    add: AddArg = None,
    remove: RemoveArg = None,
    force_string: ForceString = None,
) -> Any:
    """Update a resource group."""
    from sigctl.cli.generic_update import Updater, decode

    client = inv.client
    for attempt in client.attempts():  # parallel updates of one group lose nothing
        with attempt:
            instance = _shape(client.get(_group_id(inv, name)))
            if tags is not None:
                instance["tags"] = custom_tags(tags)
            known = ["id", "location", "managedBy", "name", "properties", "tags", "type"]
            Updater(instance, known, inv.warn).apply(decode(set_, add, remove), bool(force_string))
            body = {"location": instance["location"], "tags": instance.get("tags")}
            return _shape(client.put(_group_id(inv, name), body))


@commands.command(
    "delete",
    examples=[
        (
            "Delete a resource group and everything in it.",
            "{prefix} delete -n MyResourceGroup --yes",
        ),
        ("Delete without waiting.", "{prefix} delete -n MyResourceGroup --yes --no-wait"),
    ],
)
def delete(
    inv: Invocation, name: GroupName, yes: Yes = False, no_wait: StoreTrueNoWait = False
) -> None:
    """Delete a resource group and every resource in it."""
    if not yes:
        confirm()
    inv.client.delete(_group_id(inv, name))


@commands.command(
    "wait",
    examples=[
        ("Wait until a resource group is deleted.", "{prefix} wait -n MyResourceGroup --deleted")
    ],
)
def wait(
    inv: Invocation,
    name: GroupName,
    created: Created = False,
    updated: Updated = False,
    deleted: Deleted = False,
    exists_: Exists = False,
    custom: Custom = None,
    interval: Interval = 30,
    timeout: Timeout = 3600,
) -> Any:
    """Place the CLI in a waiting state until a condition of the resource group is met."""
    from sigctl.cli.wait import poll

    return poll(
        inv,
        _group_id(inv, name),
        {},
        created=created,
        updated=updated,
        deleted=deleted,
        exists=exists_,
        custom=custom,
        interval=interval,
        timeout=timeout,
    )
