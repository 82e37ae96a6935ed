"""Resource groups (Microsoft.Resources/resourceGroups): the container every gallery lives in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sigctl.errors import (
    ArmError,
    location_not_available_for_group,
    state_file_error,
)
from sigctl.provider import ids, lookup, names, regions
from sigctl.provider.context import Request
from sigctl.provider.ids import ResourceId
from sigctl.provider.validate import expect_str, expect_tags

if TYPE_CHECKING:
    from sigctl.provider.model import GroupRecord, Index

TYPE = "Microsoft.Resources/resourceGroups"


def _body(ctx: Request, record: GroupRecord) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(ids.resource_group_id(ctx.subscription, record["name"])),
        "name": record["name"],
        "type": TYPE,
        "location": record["location"],
        "properties": {"provisioningState": "Succeeded"},
    }
    if record.get("tags") is not None:
        body["tags"] = dict(record["tags"])
    if record.get("managedBy"):
        body["managedBy"] = record["managedBy"]
    return body


# The reads by name live in sigctl.provider.lookup; billing and the fixture loader use these names.
require = lookup.resource_group
list_galleries_in = lookup.galleries_in_group


def get(ctx: Request, rid: ResourceId) -> dict[str, Any]:
    return _body(ctx, lookup.resource_group(ctx, rid.name))


def head(ctx: Request, rid: ResourceId) -> bool:
    return ctx.group_record(rid.name) is not None


def list_(ctx: Request, rid: ResourceId) -> list[dict[str, Any]]:
    groups = ctx.index()["resourceGroups"].values()
    return [_body(ctx, g) for g in sorted(groups, key=lambda g: g["name"].lower())]


def put(ctx: Request, rid: ResourceId, body: dict[str, Any]) -> dict[str, Any]:
    name = rid.name
    names.check_group_name(name)
    location = expect_str(body.get("location"), "location")
    if not location:
        raise ArmError("LocationRequired", "The location property is required for this definition.")
    region = regions.find(location)
    known = ctx.known_regions()
    if region is None or region.name not in known:
        error = location_not_available_for_group(
            location, [name for name in regions.names() if name in known]
        )
        error.details += regions.suggestion(location) if region is None else []
        raise error
    tags = expect_tags(body.get("tags"), "tags")
    index = ctx.index()
    existing = index["resourceGroups"].get(name.lower())
    if existing is None:
        _refuse_orphans(ctx, index, name)
    if existing is not None and existing["location"] != region.name:
        raise ArmError(
            "InvalidResourceGroupLocation",
            f"Invalid resource group location '{location}'. The Resource group already exists in "
            f"location '{existing['location']}'.",
            409,
        )
    record = {
        "name": existing["name"] if existing else name,
        "location": region.name,
        "tags": tags,
        "managedBy": expect_str(body.get("managedBy"), "managedBy"),
    }
    index["resourceGroups"][name.lower()] = record
    ctx.save_index()
    return _body(ctx, record)


def delete(ctx: Request, rid: ResourceId) -> None:
    """Deleting a group deletes everything inside it, as ARM does."""
    record = lookup.resource_group(ctx, rid.name)
    # deferred for start-up: the group commands load no gallery or identity module
    from sigctl.provider import galleries, managed_identities

    index = ctx.index()
    for gallery_key, _entry in lookup.galleries_in_group(index, record["name"]):
        galleries.forget(ctx, gallery_key)
    managed_identities.forget_group(ctx, record["name"])
    del index["resourceGroups"][rid.name.lower()]
    ctx.save_index()
    ctx.tx.delete_tree(ctx.key("resourceGroups", rid.name))


def _refuse_orphans(ctx: Request, index: Index, name: str) -> None:
    """A new group must not adopt galleries or sources that a lost group record left behind."""
    if lookup.galleries_in_group(index, name):
        raise state_file_error(
            ctx.tx.store.location(ctx.key("index")),
            f"it lists galleries in resource group '{name}' but not the group itself",
        )
    ctx.refuse_orphans(ctx.key("resourceGroups", name))
