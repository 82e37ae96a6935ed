"""In-VM access control profiles (Microsoft.Compute/galleries/inVMAccessControlProfiles).

A profile says which host endpoint (WireServer or IMDS) of which OS's VMs its versions
govern. Both are required; the OS type cannot change afterwards (the endpoint and the
description can). A profile that still has versions cannot be deleted.
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any

from sigctl.errors import (
    cannot_delete_nested,
    invalid_parameter,
    invalid_resource_location,
    property_change_not_allowed,
    resource_not_found,
)
from sigctl.provider import ids, lookup, shapes
from sigctl.provider.context import Request
from sigctl.provider.ids import ResourceId
from sigctl.provider.validate import expect_choice, expect_dict, expect_str, expect_tags

if TYPE_CHECKING:
    from sigctl.provider.model import StoredResource

TYPE = "Microsoft.Compute/galleries/inVMAccessControlProfiles"
KIND = "inVMAccessControlProfiles"  # the type segment under a gallery
OS_TYPES = ("Windows", "Linux")
ENDPOINTS = ("WireServer", "IMDS")
PATH = "galleryInVMAccessControlProfile.properties."
_NAME_RULE = r"^[a-zA-Z0-9]+([-._]?[a-zA-Z0-9]+)*$"
_NAME = re.compile(_NAME_RULE[1:-1])


def key(ctx: Request, gallery: str, profile: str) -> tuple[str, ...]:
    return ctx.key("galleries", gallery, KIND, profile)


def check_name(name: str) -> None:
    if len(name) > 80 or not _NAME.fullmatch(name):
        raise invalid_parameter(
            "The entity name 'inVMAccessControlProfileName' is invalid according to its "
            f"validation rule: {_NAME_RULE} (at most 80 characters).",
            "inVMAccessControlProfileName",
        )


def find(ctx: Request, rid: ResourceId) -> StoredResource | None:
    """The stored profile a (profile or version) id names; 404 naming it if its gallery is missing."""
    profile = ids.compute_id(
        ctx.subscription, rid.resource_group or "", "galleries", rid.names[0], KIND, rid.names[1]
    )
    missing = resource_not_found(profile.type_path(), rid.resource_group or "")
    gallery = lookup.parent_gallery(ctx, rid, missing)
    return ctx.tx.read(key(ctx, gallery["resource"]["name"], rid.names[1]), shapes.resource)


def render(stored: StoredResource) -> dict[str, Any]:
    body = copy.deepcopy(stored["resource"])
    body["properties"]["provisioningState"] = "Succeeded"
    return body


def get(ctx: Request, rid: ResourceId) -> dict[str, Any]:
    stored = find(ctx, rid)
    if stored is None:
        raise resource_not_found(rid.type_path(), rid.resource_group or "")
    return render(stored)


def list_(ctx: Request, rid: ResourceId) -> list[dict[str, Any]]:
    gallery_rid = ids.gallery_id(ctx.subscription, rid.resource_group or "", rid.names[0])
    missing = resource_not_found(gallery_rid.type_path(), rid.resource_group or "")
    gallery = lookup.parent_gallery(ctx, rid, missing)["resource"]["name"]
    folder = ctx.key("galleries", gallery, KIND)
    found = (ctx.tx.read((*folder, p), shapes.resource) for p in sorted(ctx.tx.children(folder)))
    return [render(s) for s in found if s is not None]


def required_choice(
    props: dict[str, Any], field: str, allowed: tuple[str, ...], path: str = PATH
) -> str:
    """A required enum property; `path` is how the service names the resource's properties."""
    chosen = expect_choice(props.get(field), allowed, f"properties.{field}", path + field)
    if chosen is None:
        raise invalid_parameter(
            f"Required parameter '{path}{field}' is missing (null).", path + field
        )
    return chosen


def put(ctx: Request, rid: ResourceId, body: dict[str, Any]) -> dict[str, Any]:
    gallery = lookup.parent_gallery(ctx, rid)
    gallery_name = gallery["resource"]["name"]
    check_name(rid.names[1])
    region = ctx.body_region(body, TYPE)
    props = expect_dict(body.get("properties"), "properties")
    new_props: dict[str, Any] = {
        "osType": required_choice(props, "osType", OS_TYPES),
        "applicableHostEndpoint": required_choice(props, "applicableHostEndpoint", ENDPOINTS),
    }
    description = expect_str(props.get("description"), "properties.description")
    if description is not None:
        new_props["description"] = description
    tags = expect_tags(body.get("tags"), "tags")
    stored_key = key(ctx, gallery_name, rid.names[1])
    existing = ctx.tx.read(stored_key, shapes.resource)
    if existing is not None:
        old = existing["resource"]
        if old["location"] != region.name:
            raise invalid_resource_location(
                old["name"], old["location"], rid.resource_group or "", region.name
            )
        if old["properties"]["osType"] != new_props["osType"]:
            raise property_change_not_allowed(PATH + "osType")
    name = existing["resource"]["name"] if existing else rid.names[1]
    resource: dict[str, Any] = {
        "id": str(ids.parse(gallery["resource"]["id"]).child(KIND, name)),
        "name": name,
        "type": TYPE,
        "location": region.name,
        "properties": new_props,
    }
    if tags is not None:
        resource["tags"] = tags
    ctx.tx.write(stored_key, {"resource": resource})
    return render({"resource": resource})


def patch(ctx: Request, rid: ResourceId, body: dict[str, Any]) -> dict[str, Any]:
    return put(ctx, rid, merge_update(get(ctx, rid), body))


def merge_update(current: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """A PATCH body over the current resource: the PUT body that keeps what it leaves out."""
    props = {**current["properties"], **expect_dict(body.get("properties"), "properties")}
    merged = {"location": current["location"], "properties": props}
    tags = body.get("tags", current.get("tags"))
    if tags is not None:
        merged["tags"] = tags
    return merged


def delete(ctx: Request, rid: ResourceId) -> None:
    gallery = lookup.parent_gallery(ctx, rid)["resource"]["name"]
    stored_key = key(ctx, gallery, rid.names[1])
    stored = ctx.tx.read(stored_key, shapes.resource)
    if stored is None:
        return  # 204: nothing to delete
    name = stored["resource"]["name"]
    versions = [
        ctx.tx.read((*stored_key, "versions", v))["resource"]["name"]
        for v in ctx.tx.children((*stored_key, "versions"))
    ]
    if versions:
        raise cannot_delete_nested(
            [f"{ids.COMPUTE}/galleries/{gallery}/{KIND}/{name}/versions/{v}" for v in versions]
        )
    ctx.tx.delete_tree(stored_key)
