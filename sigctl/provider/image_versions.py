"""Image versions (Microsoft.Compute/galleries/images/versions): reading them.

A version shows its replication as it stands now (sigctl.provider.replicas). Its writes are in
sigctl.provider.image_version_writes, which the route table (sigctl.provider.routes) loads for a
write only: a read does not load the checks of sources, encryption and publishing profiles.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from sigctl.errors import invalid_parameter, resource_not_found
from sigctl.provider import ids, lookup, names, regions
from sigctl.provider.clock import parse_instant
from sigctl.provider.context import Request
from sigctl.provider.ids import ResourceId
from sigctl.provider.lookup import all_versions
from sigctl.provider.replicas import IMAGE, provisioning_state, replication_status, show_regions
from sigctl.provider.validate import format_datetime

if TYPE_CHECKING:
    from sigctl.provider.model import StoredImageVersion

TYPE = IMAGE.type


# -- reading ------------------------------------------------------------------------------------


def render(ctx: Request, doc: StoredImageVersion, expand: str | None = None) -> dict[str, Any]:
    body = copy.deepcopy(doc["resource"])
    props = body["properties"]
    show_regions(props["publishingProfile"])
    props["provisioningState"] = provisioning_state(ctx, doc)
    props["validationsProfile"] = {"validationOperationStatus": "NotExecuted"}
    if expand and expand.lower() == "replicationstatus":
        props["replicationStatus"] = replication_status(ctx, doc)
    return body


def get(ctx: Request, rid: ResourceId) -> dict[str, Any]:
    doc = lookup.find_version(ctx, rid)
    if doc is None:
        raise resource_not_found(rid.type_path(), rid.resource_group or "")
    return render(ctx, doc, ctx.query.get("$expand"))


def list_(ctx: Request, rid: ResourceId) -> list[dict[str, Any]]:
    image = ids.image_id(ctx.subscription, rid.resource_group or "", rid.names[0], rid.names[1])
    definition = lookup.version_definition(
        ctx, rid, resource_not_found(image.type_path(), rid.resource_group or "")
    )
    found = [d for state, d in all_versions(ctx, definition) if state == "active"]
    found.sort(key=lambda d: (names.version_order(d["resource"]["name"]), d["resource"]["name"]))
    return [render(ctx, d) for d in found]


# -- soft-deleted versions ----------------------------------------------------------------------


def soft_deleted(ctx: Request, rid: ResourceId) -> list[dict[str, Any]]:
    """GET .../galleries/{g}/softdeletedartifacttypes/Images/artifacts/{image}/versions."""
    if rid.names[1].lower() != "images":
        raise invalid_parameter(
            f"The artifact type '{rid.names[1]}' is not supported; soft-deleted artifacts are of "
            "type 'Images'.",
            "artifactType",
        )
    image_rid = ids.image_id(ctx.subscription, rid.resource_group or "", rid.names[0], rid.names[2])
    definition = lookup.version_definition(
        ctx, image_rid, resource_not_found(image_rid.type_path(), rid.resource_group or "")
    )
    out = []
    for state, doc in all_versions(ctx, definition):
        if state != "soft-deleted":
            continue
        resource = doc["resource"]
        region = regions.find(resource["location"])
        out.append(
            {
                "name": resource["name"],
                "id": f"{rid}/{resource['name']}",
                "type": "Microsoft.Compute/galleries/softDeletedArtifactTypes/artifacts/versions",
                "location": region.display_name if region else resource["location"],
                "properties": {
                    "resourceArmId": resource["id"],
                    "softDeletedTime": _plain_time(doc["softDeleted"]),
                    "softDeletedArtifactType": "Images",
                },
            }
        )
    return sorted(out, key=lambda e: names.version_order(e["name"]))


def _plain_time(text: str) -> str:
    return format_datetime(parse_instant(text).replace(microsecond=0))
