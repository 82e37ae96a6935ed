"""Galleries (Microsoft.Compute/galleries): names, subscription-wide uniqueness, PUT semantics."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from sigctl.errors import (
    ArmError,
    cannot_delete_nested,
    conflict,
    invalid_parameter,
    invalid_resource_location,
    property_change_not_allowed,
    state_file_error,
)
from sigctl.provider import ids, lookup, regions
from sigctl.provider.context import Request
from sigctl.provider.ids import ResourceId
from sigctl.provider.validate import (
    expect_bool,
    expect_choice,
    expect_dict,
    expect_int,
    expect_str,
    expect_tags,
)

if TYPE_CHECKING:
    from sigctl.provider.model import StoredGallery

TYPE = "Microsoft.Compute/galleries"
PERMISSIONS = ("Private", "Groups", "Community")
COMMUNITY_FIELDS = ("publisherUri", "publisherContact", "eula", "publicNamePrefix")
# api-versions before soft-delete retention existed print only isSoftDeleteEnabled (az sig list).
_OLD_SCHEMA_API = "2021-10-01"


# -- reading ------------------------------------------------------------------------------------

# The reads by name live in sigctl.provider.lookup; billing's estimate uses these two names.
listed_gallery = lookup.listed_gallery
require = lookup.gallery


def sharing_status(resource: dict[str, Any]) -> dict[str, Any] | None:
    """A shared gallery's `sharingStatus` (None for a private one): succeeded in its region."""
    permissions = resource["properties"].get("sharingProfile", {}).get("permissions", "Private")
    if permissions == "Private":
        return None
    region = regions.find(resource["location"])
    return {
        "aggregatedState": "Succeeded",
        "summary": [
            {
                "details": "",
                "region": region.display_name if region else resource["location"],
                "state": "Succeeded",
            }
        ],
    }


def render(
    ctx: Request,
    stored: StoredGallery,
    api_version: str | None = None,
    expand: str | None = None,
    select: str | None = None,
) -> dict[str, Any]:
    body = copy.deepcopy(stored["resource"])
    props = body["properties"]
    props["provisioningState"] = "Succeeded"
    profile = props.get("sharingProfile")
    with_groups = (expand or "").lower() == "sharingprofile/groups" or (
        (select or "").lower() == "permissions"
    )
    if profile is not None and not with_groups:
        profile.pop("groups", None)  # groups show only when asked for (expand, or $select)
    status = sharing_status(stored["resource"])
    if status is not None and api_version != _OLD_SCHEMA_API:
        props["sharingStatus"] = status
    if api_version == _OLD_SCHEMA_API:
        body.pop("identity", None)  # galleries had no managed identity in that api-version
    if api_version == _OLD_SCHEMA_API and "softDeletePolicy" in props:
        props["softDeletePolicy"] = {
            "isSoftDeleteEnabled": props["softDeletePolicy"].get("isSoftDeleteEnabled", False)
        }
    return body


def get(ctx: Request, rid: ResourceId) -> dict[str, Any]:
    query = ctx.query
    return render(
        ctx,
        lookup.gallery(ctx, rid),
        query.get("api-version"),
        query.get("$expand"),
        query.get("$select"),
    )


def post(ctx: Request, rid: ResourceId, body: dict[str, Any]) -> dict[str, Any]:
    """POST .../galleries/{g}/share (az sig share add/remove/reset/enable-community)."""
    from sigctl.provider import sharing  # deferred for start-up: it loads the version modules

    return sharing.post(ctx, rid, body)


def list_(ctx: Request, rid: ResourceId) -> list[dict[str, Any]]:
    index = ctx.index()
    if rid.resource_group is not None:
        lookup.resource_group(ctx, rid.resource_group)
        keys = [k for k, _ in lookup.galleries_in_group(index, rid.resource_group)]
    else:
        keys = [k for k in index["galleries"]]
    api_version = ctx.query.get("api-version")
    return [render(ctx, lookup.listed_gallery(ctx, k), api_version) for k in sorted(keys)]


# -- writing ------------------------------------------------------------------------------------


def put(ctx: Request, rid: ResourceId, body: dict[str, Any]) -> dict[str, Any]:
    # deferred for start-up: a read loads none of the modules a write checks with
    from sigctl.provider import gallery_identity, limits, names

    group = lookup.resource_group(ctx, rid.resource_group or "")
    name = rid.name
    names.check_gallery_name(name)
    region = ctx.body_region(body, TYPE)
    props = expect_dict(body.get("properties"), "properties")
    tags = expect_tags(body.get("tags"), "tags")

    index = ctx.index()
    entry = index["galleries"].get(name.lower())
    if entry is not None and entry["resourceGroup"].lower() != group["name"].lower():
        raise conflict(
            f"The gallery name '{name}' is not unique within the subscription "
            f"'{ctx.subscription}'. Please pick another gallery name.",
            "galleryName",
        )
    existing = lookup.listed_gallery(ctx, name) if entry is not None else None
    if existing is None:
        key = ctx.key("galleries", name)
        if lookup.stored_gallery(ctx, name) is not None:
            raise state_file_error(
                ctx.tx.store.location(key), "the subscription's index does not list this gallery"
            )
        ctx.refuse_orphans(key)
        limits.check(ctx, "galleries", region.name)
    stored_name = existing["resource"]["name"] if existing else name
    new_props = _properties(ctx, stored_name, props)
    if existing is not None:
        _check_immutable(existing, region.name, new_props, group["name"])
        groups = existing["resource"]["properties"].get("sharingProfile", {}).get("groups")
        if groups:  # shared through POST .../share, not through PUT
            new_props["sharingProfile"]["groups"] = groups

    gallery_id = str(ids.gallery_id(ctx.subscription, group["name"], stored_name))
    identity = gallery_identity.resolve(
        ctx, gallery_id, body.get("identity"), (existing or {}).get("resource", {}).get("identity")
    )
    resource: dict[str, Any] = {
        "id": gallery_id,
        "name": stored_name,
        "type": TYPE,
        "location": region.name,
        "properties": new_props,
    }
    if identity is not None:
        resource["identity"] = identity
    if tags is not None:
        resource["tags"] = tags
    # Keep what the gallery's document holds beside the resource (the identifier map).
    ctx.tx.write(ctx.key("galleries", name), {**(existing or {}), "resource": resource})
    if entry is None:
        index["galleries"][name.lower()] = {
            "resourceGroup": group["name"],
            "name": stored_name,
            "location": region.name,
        }
        ctx.save_index()
    return render(ctx, {"resource": resource})


def _properties(ctx: Request, name: str, props: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    description = expect_str(props.get("description"), "properties.description")
    if description is not None:
        out["description"] = description
    out["identifier"] = {"uniqueName": f"{ctx.subscription}-{name.upper()}"}
    sharing = _sharing_profile(props.get("sharingProfile"))
    if sharing is not None:
        out["sharingProfile"] = sharing
    soft = _soft_delete_policy(props.get("softDeletePolicy"))
    if soft is not None:
        out["softDeletePolicy"] = soft
    return out


def _sharing_profile(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    profile = expect_dict(value, "properties.sharingProfile")
    canonical = expect_choice(
        profile.get("permissions"),
        PERMISSIONS,
        "properties.sharingProfile.permissions",
        "sharingProfile.permissions",
    )
    if canonical is None:
        return None
    out: dict[str, Any] = {"permissions": canonical}
    info = profile.get("communityGalleryInfo")
    if canonical == "Community":
        info = expect_dict(info, "properties.sharingProfile.communityGalleryInfo")
        missing = [f for f in COMMUNITY_FIELDS if not info.get(f)]
        if missing:
            raise invalid_parameter(
                "Community gallery info is required when sharing permissions are 'Community'. "
                f"Missing: {', '.join(missing)}.",
                "sharingProfile.communityGalleryInfo",
            )
        out["communityGalleryInfo"] = {
            **{
                f: expect_str(info[f], f"properties.sharingProfile.communityGalleryInfo.{f}")
                for f in COMMUNITY_FIELDS
            },
            "communityGalleryEnabled": bool(info.get("communityGalleryEnabled", False)),
            "publicNames": list(info.get("publicNames") or []),
        }
    return out


def _soft_delete_policy(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    policy = expect_dict(value, "properties.softDeletePolicy")
    out: dict[str, Any] = {}
    enabled = expect_bool(
        policy.get("isSoftDeleteEnabled"), "properties.softDeletePolicy.isSoftDeleteEnabled"
    )
    if enabled is not None:
        out["isSoftDeleteEnabled"] = enabled
    for field in ("retentionPeriodInDays", "gracePeriodInDays"):
        days = expect_int(policy.get(field), f"properties.softDeletePolicy.{field}")
        if days is not None:
            if days < 1:
                raise invalid_parameter(
                    f"The value {days} of parameter softDeletePolicy.{field} is out of range. "
                    "The value must be between 1 and 2147483647, inclusive.",
                    f"softDeletePolicy.{field}",
                )
            out[field] = days
    return out


def _check_immutable(
    existing: dict[str, Any], location: str, new_props: dict[str, Any], group: str
) -> None:
    old = existing["resource"]
    if old["location"] != location:
        raise invalid_resource_location(old["name"], old["location"], group, location)
    old_sharing = old["properties"].get("sharingProfile", {}).get("permissions", "Private")
    new_sharing = new_props.get("sharingProfile", {}).get("permissions", "Private")
    if old_sharing != new_sharing:
        raise property_change_not_allowed("gallery.properties.sharingProfile.permissions")
    if new_sharing == "Community":
        # The community gallery's public identity is fixed once created; keep the enabled state.
        old_info = old["properties"]["sharingProfile"]["communityGalleryInfo"]
        new_info = new_props["sharingProfile"]["communityGalleryInfo"]
        for field in COMMUNITY_FIELDS:
            if old_info[field] != new_info[field]:
                raise property_change_not_allowed(
                    f"gallery.properties.sharingProfile.communityGalleryInfo.{field}"
                )
        new_info["communityGalleryEnabled"] = old_info["communityGalleryEnabled"]
        new_info["publicNames"] = old_info["publicNames"]


def delete(ctx: Request, rid: ResourceId) -> None:
    lookup.resource_group(ctx, rid.resource_group or "")
    stored = lookup.find_gallery(ctx, rid.resource_group or "", rid.name)
    if stored is None:
        return  # ARM answers 204 for a resource that does not exist
    name = stored["resource"]["name"]
    info = (
        stored["resource"]["properties"].get("sharingProfile", {}).get("communityGalleryInfo", {})
    )
    if info.get("communityGalleryEnabled"):
        raise ArmError(
            "CannotDeleteResource",
            f"Gallery '{name}' is shared to the community. Reset its sharing before deleting it.",
            409,
        )
    nested = []
    for kind in ("images", "inVMAccessControlProfiles", "applications"):
        for child in ctx.tx.children(ctx.key("galleries", name, kind)):
            child_name = ctx.tx.read(ctx.key("galleries", name, kind, child))["resource"]["name"]
            nested.append(f"{ids.COMPUTE}/galleries/{name}/{kind}/{child_name}")
    if nested:
        raise cannot_delete_nested(nested)
    forget(ctx, name.lower())
    ctx.save_index()


def forget(ctx: Request, key: str) -> None:
    """Remove a gallery and everything under it from the state, keeping the usage counters right."""
    tx = ctx.tx
    for image in tx.children(ctx.key("galleries", key, "images")):
        image_doc = tx.read(ctx.key("galleries", key, "images", image))
        ctx.count_usage(image_doc["resource"]["location"], "images", -1)
        for version in tx.children(ctx.key("galleries", key, "images", image, "versions")):
            version_doc = tx.read(ctx.key("galleries", key, "images", image, "versions", version))
            if not version_doc.get("softDeleted"):  # a soft delete already uncounted it
                ctx.count_usage(version_doc["resource"]["location"], "versions", -1)
    stored = lookup.stored_gallery(ctx, key)
    if stored is not None:
        # deferred for start-up: a read needs neither; sharing loads the version modules
        from sigctl.provider import gallery_identity, sharing

        sharing.forget(ctx, stored)
        gallery_identity.forget(ctx, stored["resource"].get("identity"))
    del ctx.index()["galleries"][key]
    tx.delete_tree(ctx.key("galleries", key))
