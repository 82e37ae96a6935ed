"""Image versions (Microsoft.Compute/galleries/images/versions): creating, changing, deleting.

The route table (sigctl.provider.routes) sends an image version's writes here and its reads to
sigctl.provider.image_versions, so a read does not load what only a write needs: the checks of
its sources (sigctl.provider.version_sources), its encryption and publishing profile
(sigctl.provider.publishing), limits. A version is made from exactly one kind of source, must be
compatible with its definition, and replicates to its target regions over time as its publishing
profile says. What the service fills in (target regions' counts and storage types,
publishedDate, the safety profile) is filled there and here; what may change after create is
enforced here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sigctl.errors import ArmError, conflict, invalid_parameter, resource_not_found
from sigctl.provider import (
    encryption,
    ids,
    limits,
    lookup,
    regions,
    shapes,
    updates,
    version_sources,
)
from sigctl.provider.clock import iso_precise, parse_instant
from sigctl.provider.context import Request
from sigctl.provider.ids import ResourceId

# A write's handler also answers GET: a conditional write and a PATCH read the resource first.
from sigctl.provider.image_versions import TYPE, get, render
from sigctl.provider.publishing import (
    check_name,
    check_same_number,
    publishing_profile,
    republish,
    schedule,
)
from sigctl.provider.replicas import occupied_gb, replica_places
from sigctl.provider.validate import expect_bool, expect_dict, expect_tags
from sigctl.provider.version_sources import check_size

if TYPE_CHECKING:
    from sigctl.provider.model import (
        PublishingProfile,
        SafetyProfile,
        SourceRefs,
        StoredDefinition,
        StoredImageVersion,
        VersionBody,
    )


def _key(ctx: Request, rid: ResourceId, definition: StoredDefinition) -> tuple[str, ...]:
    return lookup.version_key(ctx, *lookup.owner(definition), rid.names[2])


# -- create or update ---------------------------------------------------------------------------


def _safety(safety: dict[str, Any]) -> SafetyProfile:
    out: SafetyProfile = {
        "reportedForPolicyViolation": False,
        "allowDeletionOfReplicatedLocations": bool(
            expect_bool(
                safety.get("allowDeletionOfReplicatedLocations"),
                "safetyProfile.allowDeletionOfReplicatedLocations",
            )
        ),
    }
    block = expect_bool(
        safety.get("blockDeletionBeforeEndOfLife"), "safetyProfile.blockDeletionBeforeEndOfLife"
    )
    if block is not None:
        out["blockDeletionBeforeEndOfLife"] = block
    return out


def put(ctx: Request, rid: ResourceId, body: dict[str, Any]) -> dict[str, Any]:
    definition = lookup.version_definition(ctx, rid)
    gallery = lookup.owner(definition)[0]
    check_name(rid.names[2])
    location = ctx.body_region(body, TYPE)
    props = expect_dict(body.get("properties"), "properties")
    tags = expect_tags(body.get("tags"), "tags")
    key = _key(ctx, rid, definition)
    stored = ctx.tx.read(key, shapes.resource)
    state = lookup.lifecycle(ctx, stored) if stored is not None else None
    if stored is not None and state == "soft-deleted":
        raise conflict(
            f"Gallery image version '{stored['resource']['name']}' is soft-deleted. Restore it or create a version with another name.",
            "galleryImageVersionName",
        )
    existing = stored if state == "active" else None
    old_props = existing["resource"]["properties"] if existing else None
    publishing = publishing_profile(
        ctx,
        expect_dict(props.get("publishingProfile"), "properties.publishingProfile"),
        location,
        old_props["publishingProfile"] if old_props else None,
    )
    safety = _safety(expect_dict(props.get("safetyProfile"), "properties.safetyProfile"))
    storage = expect_dict(props.get("storageProfile"), "properties.storageProfile")
    refs = version_sources.source_refs(storage)
    if existing is None:
        resource = _create(ctx, rid, definition, location, publishing, safety, refs, tags)
        return render(ctx, resource)
    version_sources.check_unchanged(existing["refs"], refs)
    version_sources.check_disks(existing["resource"]["properties"]["storageProfile"], storage, refs)
    facts = _encryption_facts(
        ctx, definition, existing["resource"]["properties"]["storageProfile"], existing["refs"]
    )
    doc = republish(ctx, key, existing, location, publishing, safety, tags, gallery, facts)
    return render(ctx, doc)


def _create(
    ctx: Request,
    rid: ResourceId,
    definition: StoredDefinition,
    location: regions.Region,
    publishing: PublishingProfile,
    safety: SafetyProfile,
    refs: SourceRefs,
    tags: dict[str, str] | None,
) -> StoredImageVersion:
    """Store a new version and start replicating it; returns its stored document."""
    if not version_sources.has_refs(refs):
        raise invalid_parameter(
            "Required parameter 'storageProfile' is missing (null).", "storageProfile"
        )
    key = _key(ctx, rid, definition)
    gallery = lookup.owner(definition)[0]
    check_same_number(ctx, key)
    stored_gallery = lookup.stored_gallery(ctx, gallery)
    if stored_gallery is not None:
        lookup.require_home_region(stored_gallery, location.name)
    limits.check(ctx, "image_versions", location.name)
    version_sources.authorize(ctx, refs)
    built = version_sources.resolve(ctx, refs, location, definition)
    check_size(ctx, built["disks"], publishing.get("replicationMode") == "Shallow")
    facts = _encryption_facts(ctx, definition, built["profile"], refs)
    encryption.check(ctx, publishing, location, facts)
    image = definition["resource"]
    resource: VersionBody = {
        "id": str(ids.parse(image["id"]).child("versions", rid.names[2])),
        "name": rid.names[2],
        "type": TYPE,
        "location": location.name,
        "properties": {
            "publishingProfile": publishing,
            "storageProfile": built["profile"],
            "safetyProfile": safety,
        },
    }
    if tags is not None:
        resource["tags"] = tags
    doc: StoredImageVersion = {
        "resource": resource,
        "disks": built["disks"],
        "refs": refs,
        "replication": {"operation": "Creating", "regions": {}},
    }
    schedule(ctx, doc, list(replica_places(publishing)), gallery, image["name"], occupied_gb(doc))
    ctx.tx.write(key, doc)
    ctx.count_usage(location.name, "versions", +1)
    return doc


def _encryption_facts(
    ctx: Request, definition: StoredDefinition, storage: dict[str, Any], refs: SourceRefs
) -> encryption.Facts:
    """What the encryption rules need to know of a version besides its publishing profile."""
    gallery = lookup.owner(definition)[0]
    features = definition["resource"]["properties"].get("features") or []
    security = next((f["value"] for f in features if f["name"].lower() == "securitytype"), None)
    # Azure encrypts copies of VMs, managed images, disks and snapshots only (DOC-TS).
    version_source = refs["source"].get("id", "")
    vhd = next((r["uri"] for r in version_sources.each_ref(refs)[1:] if r.get("uri")), None)
    stored_gallery = lookup.stored_gallery(ctx, gallery) or {"resource": {"properties": {}}}
    sharing = stored_gallery["resource"]["properties"].get("sharingProfile", {})
    return encryption.Facts(
        data_luns=[d["lun"] for d in storage.get("dataDiskImages") or []],
        security_type=security,
        unencryptable_source=version_source if "/galleries/" in version_source.lower() else vhd,
        gallery=stored_gallery["resource"].get("name", gallery),
        sharing=sharing.get("permissions", "Private"),
    )


# -- delete, soft delete, restore ---------------------------------------------------------------


def delete(ctx: Request, rid: ResourceId) -> None:
    key = _key(ctx, rid, lookup.version_definition(ctx, rid))
    doc = ctx.tx.read(key, shapes.resource)
    bypass = str(ctx.query.get("bypassSoftDelete", "")).lower() == "true"
    state = lookup.lifecycle(ctx, doc) if doc is not None else None
    if state == "soft-deleted" and bypass:
        ctx.tx.delete_tree(key)  # purge it now instead of at the end of its retention
        return
    if doc is None or state != "active":
        return
    profile = doc["resource"]["properties"]["publishingProfile"]
    safety = doc["resource"]["properties"]["safetyProfile"]
    end_of_life = profile.get("endOfLifeDate")
    if (
        safety.get("blockDeletionBeforeEndOfLife")
        and end_of_life
        and parse_instant(end_of_life) > ctx.clock.now()
    ):
        raise ArmError(
            "DeleteGalleryImageVersionBlockedBeforeEndOfLife",
            "Deletion of Gallery image version is not allowed because the image is enabled for "
            "blockDeletionBeforeEndOfLife and its endOfLifeDate has not reached yet",
            409,
        )
    gallery = lookup.find_gallery(ctx, rid.resource_group or "", rid.names[0]) or {}
    policy = gallery.get("resource", {}).get("properties", {}).get("softDeletePolicy", {})
    ctx.count_usage(doc["resource"]["location"], "versions", -1)
    if policy.get("isSoftDeleteEnabled") and not bypass:
        doc["softDeleted"] = iso_precise(ctx.clock.now())
        doc["retentionDays"] = policy.get("retentionPeriodInDays", lookup.SOFT_DELETE_DAYS)
        ctx.tx.write(key, doc)
    else:
        ctx.tx.delete_tree(key)


def patch(ctx: Request, rid: ResourceId, body: dict[str, Any]) -> dict[str, Any]:
    """PATCH with properties.restore=true brings a soft-deleted version back (az undelete);
    any other PATCH updates the version as a PUT of the merged body would."""
    props = expect_dict(expect_dict(body, "body").get("properties"), "properties")
    if not expect_bool(props.get("restore"), "properties.restore"):
        return updates.by_put(ctx, rid, body, get, put)
    key = _key(ctx, rid, lookup.version_definition(ctx, rid))
    doc = ctx.tx.read(key, shapes.resource)
    if doc is None or lookup.lifecycle(ctx, doc) != "soft-deleted":
        raise resource_not_found(
            f"{ids.COMPUTE}/galleries/{rid.names[0]}/softDeletedArtifactTypes/Images/artifacts/{rid.names[1]}/versions/{rid.names[2]}",
            rid.resource_group or "",
        )
    limits.check(ctx, "image_versions", doc["resource"]["location"])
    del doc["softDeleted"]
    doc.pop("retentionDays", None)
    tags = expect_tags(body.get("tags"), "tags")
    if tags is not None:
        doc["resource"]["tags"] = tags
    safety = props.get("safetyProfile") or {}
    if "allowDeletionOfReplicatedLocations" in safety:
        doc["resource"]["properties"]["safetyProfile"]["allowDeletionOfReplicatedLocations"] = bool(
            safety["allowDeletionOfReplicatedLocations"]
        )
    ctx.tx.write(key, doc)
    ctx.count_usage(doc["resource"]["location"], "versions", +1)
    return render(ctx, doc)
