"""VM application versions (Microsoft.Compute/galleries/applications/versions): reading them.

A version is one package that replicates to its target regions over time exactly as an image
version does; a read shows its replication as it stands now (sigctl.provider.replicas). Its
writes are in sigctl.provider.gallery_application_version_writes, which the route table
(sigctl.provider.routes) loads for a write only.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from sigctl.errors import resource_not_found
from sigctl.provider import gallery_applications, names, replicas, shapes
from sigctl.provider.context import Request
from sigctl.provider.ids import ResourceId

if TYPE_CHECKING:
    from sigctl.provider.model import StoredReplicatedVersion, StoredResource

TYPE = "Microsoft.Compute/galleries/applications/versions"


def version_key(ctx: Request, application: StoredResource, version: str) -> tuple[str, ...]:
    return (*gallery_applications.key_of(ctx, application), "versions", version.lower())


def render(ctx: Request, doc: StoredReplicatedVersion, expand: str | None = None) -> dict[str, Any]:
    body = copy.deepcopy(doc["resource"])
    props = body["properties"]
    replicas.show_regions(props["publishingProfile"])
    props["provisioningState"] = replicas.provisioning_state(ctx, doc)
    if expand and expand.lower() == "replicationstatus":
        props["replicationStatus"] = replicas.replication_status(ctx, doc)
    return body


def get(ctx: Request, rid: ResourceId) -> dict[str, Any]:
    missing = resource_not_found(rid.type_path(), rid.resource_group or "")
    application = gallery_applications.find(ctx, rid)
    doc = (
        ctx.tx.read(version_key(ctx, application, rid.names[2]), shapes.resource)
        if application
        else None
    )
    if doc is None:
        raise missing
    return render(ctx, doc, ctx.query.get("$expand"))


def list_(ctx: Request, rid: ResourceId) -> list[dict[str, Any]]:
    found = gallery_applications.versions_of(ctx, gallery_applications.require(ctx, rid))
    found.sort(
        key=lambda d: (
            names.version_order(d["resource"]["name"]),
            d["resource"]["name"],
        )
    )
    return [render(ctx, d) for d in found]
