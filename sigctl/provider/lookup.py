"""Reading stored resource groups, galleries, definitions and versions by name.

Every handler that needs a document above or beside its own reads it here, with ARM's error for
a missing one; with them, the one rule every child of a gallery obeys (its home region) and the
key of the sharing registry. This module sits below the resource modules (galleries,
image_definitions, image_versions, sharing, latest, ...) and imports none of them, so they can
all import it, and each other, at module level without a cycle.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sigctl.errors import (
    ArmError,
    invalid_parameter,
    parent_not_found,
    resource_group_not_found,
    resource_not_found,
)
from sigctl.provider import ids, shapes
from sigctl.provider.clock import parse_instant
from sigctl.provider.context import Request
from sigctl.provider.ids import ResourceId

if TYPE_CHECKING:
    from sigctl.provider.model import (
        GalleryEntry,
        GroupRecord,
        Index,
        StoredDefinition,
        StoredGallery,
        StoredImageVersion,
    )

SOFT_DELETE_DAYS = 7  # a soft-deleted version's retention when its gallery sets none
# The consumers' side of sharing, one document: what is shared with whom (sigctl.provider.sharing).
SHARING_KEY = ("sharing",)


# -- resource groups ----------------------------------------------------------------------------


def resource_group(ctx: Request, name: str) -> GroupRecord:
    """The record of resource group `name` (case-insensitive); 404 if there is none."""
    record = ctx.group_record(name)
    if record is None:
        raise resource_group_not_found(name)
    return record


def galleries_in_group(index: Index, group: str) -> list[tuple[str, GalleryEntry]]:
    """(index key, index entry) of every gallery the subscription's index puts in `group`."""
    return [
        (key, entry)
        for key, entry in index["galleries"].items()
        if entry["resourceGroup"].lower() == group.lower()
    ]


# -- galleries ----------------------------------------------------------------------------------


def stored_gallery(ctx: Request, name: str) -> StoredGallery | None:
    return ctx.tx.read(ctx.key("galleries", name), shapes.resource)


def listed_gallery(ctx: Request, name: str) -> StoredGallery:
    """The document of a gallery the index lists; its absence is damage, not a 404."""
    stored = stored_gallery(ctx, name)
    if stored is None:
        raise ctx.missing(ctx.key("galleries", name), "the subscription's index")
    return stored


def find_gallery(ctx: Request, group: str, name: str) -> StoredGallery | None:
    """The stored gallery `name` in resource group `group` (both case-insensitive), or None."""
    entry = ctx.index()["galleries"].get(name.lower())
    if entry is None or entry["resourceGroup"].lower() != group.lower():
        return None
    return listed_gallery(ctx, name)


def gallery(ctx: Request, rid: ResourceId) -> StoredGallery:
    """The gallery a request names; 404 if its group or the gallery itself is missing."""
    resource_group(ctx, rid.resource_group or "")
    stored = find_gallery(ctx, rid.resource_group or "", rid.names[0])
    if stored is None:
        named = ids.gallery_id(ctx.subscription, rid.resource_group or "", rid.names[0])
        raise resource_not_found(named.type_path(), rid.resource_group or "")
    return stored


def parent_gallery(ctx: Request, rid: ResourceId, error: ArmError | None = None) -> StoredGallery:
    """The gallery above a request for something in it; `error` (else ParentResourceNotFound)
    if it is missing. A missing resource group is a 404 either way."""
    resource_group(ctx, rid.resource_group or "")
    found = find_gallery(ctx, rid.resource_group or "", rid.names[0])
    if found is None:
        raise error or parent_not_found(rid.names[0])
    return found


def require_home_region(stored: StoredGallery, region: str) -> None:
    """Shared, community and soft-delete galleries keep their contents in their own region."""
    resource = stored["resource"]
    props = resource["properties"]
    permissions = props.get("sharingProfile", {}).get("permissions", "Private")
    if permissions != "Private":
        reason = f"is shared (permissions '{permissions}')"
    elif props.get("softDeletePolicy", {}).get("isSoftDeleteEnabled"):
        reason = "has soft delete enabled"
    else:
        return
    if region != resource["location"]:
        raise invalid_parameter(
            f"Gallery '{resource['name']}' {reason}: its image definitions and versions must be in "
            f"the gallery's region '{resource['location']}', not '{region}'.",
            "location",
        )


# -- image definitions --------------------------------------------------------------------------


def definition_key(ctx: Request, gallery_name: str, image: str) -> tuple[str, ...]:
    return ctx.key("galleries", gallery_name, "images", image)


def _definition_missing(ctx: Request, rid: ResourceId) -> ArmError:
    image = ids.image_id(ctx.subscription, rid.resource_group or "", rid.names[0], rid.names[1])
    return resource_not_found(image.type_path(), rid.resource_group or "")


def find_definition(ctx: Request, rid: ResourceId) -> StoredDefinition | None:
    """The stored definition a (definition or version) id names, checking group and gallery."""
    found = parent_gallery(ctx, rid, _definition_missing(ctx, rid))
    return ctx.tx.read(
        definition_key(ctx, found["resource"]["name"], rid.names[1]), shapes.resource
    )


def definition(ctx: Request, rid: ResourceId) -> StoredDefinition:
    """The stored definition a (definition or version) id names; 404 if it is missing."""
    stored = find_definition(ctx, rid)
    if stored is None:
        raise _definition_missing(ctx, rid)
    return stored


def definitions_in(ctx: Request, stored_gallery: StoredGallery) -> list[StoredDefinition]:
    """Every stored definition of a stored gallery."""
    name = stored_gallery["resource"]["name"]
    found = (
        ctx.tx.read(definition_key(ctx, name, i), shapes.resource)
        for i in ctx.tx.children(ctx.key("galleries", name, "images"))
    )
    return [d for d in found if d is not None]


# -- image versions -----------------------------------------------------------------------------


def owner(stored_definition: StoredDefinition) -> tuple[str, str]:
    """(gallery name, definition name) of a stored definition, in their stored casing."""
    parsed = ids.parse(stored_definition["resource"]["id"])
    return parsed.names[0], parsed.names[1]


def version_key(ctx: Request, gallery_name: str, image: str, version: str) -> tuple[str, ...]:
    return ctx.key("galleries", gallery_name, "images", image, "versions", version)


def lifecycle(ctx: Request, doc: StoredImageVersion) -> str:
    """'active', 'soft-deleted' (restorable) or 'purged' (past its gallery's retention)."""
    deleted = doc.get("softDeleted")
    if not deleted:
        return "active"
    days = doc.get("retentionDays", SOFT_DELETE_DAYS)
    expires = parse_instant(deleted) + timedelta(days=days)
    return "soft-deleted" if ctx.clock.now() < expires else "purged"


def all_versions(
    ctx: Request, stored_definition: StoredDefinition
) -> list[tuple[str, StoredImageVersion]]:
    """(lifecycle, doc) for every version stored under a definition."""
    gallery_name, image = owner(stored_definition)
    folder = ctx.key("galleries", gallery_name, "images", image, "versions")
    docs = (ctx.tx.read((*folder, v), shapes.resource) for v in ctx.tx.children(folder))
    return [(lifecycle(ctx, d), d) for d in docs if d is not None]


def version_definition(
    ctx: Request, rid: ResourceId, missing: ArmError | None = None
) -> StoredDefinition:
    """The stored definition above a version request; `missing` if it is absent, else (a write
    under a missing definition) ParentResourceNotFound, naming the gallery if that is missing."""
    if missing is None:
        parent_gallery(ctx, rid)
    found = find_definition(ctx, rid)
    if found is None:
        raise missing or parent_not_found(rid.names[1])
    return found


def find_version(ctx: Request, rid: ResourceId) -> StoredImageVersion | None:
    """The active version an id names (None when missing, soft-deleted or purged)."""
    missing = resource_not_found(rid.type_path(), rid.resource_group or "")
    stored_definition = version_definition(ctx, rid, missing)
    doc = ctx.tx.read(version_key(ctx, *owner(stored_definition), rid.names[2]), shapes.resource)
    if doc is None or lifecycle(ctx, doc) != "active":
        return None
    return doc
