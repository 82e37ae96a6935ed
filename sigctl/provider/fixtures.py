"""Moving whole states, and seeding one from a declarative fixture.

A *snapshot* (`sigctl state export`) is every document of the state, verbatim; importing it
replaces the state, so a CI job can start from exactly where another one ended.

A *fixture* is what a person writes to seed a demo: resource groups, sources, galleries,
definitions and versions described the way az's arguments describe them. Importing one applies
it through the emulated service in one transaction, so every rule holds and either all of it
lands or none of it does. Versions from a fixture are already replicated.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sigctl.errors import ArmError
from sigctl.provider import ids
from sigctl.provider.context import Request
from sigctl.store.files import SCHEMA_VERSION

SNAPSHOT_MARK = "sigctlState"
FIXTURE_MARK = "sigctlFixture"


# -- snapshots ----------------------------------------------------------------------------------


def export(tx: Any) -> dict[str, Any]:
    return {
        SNAPSHOT_MARK: SCHEMA_VERSION,
        "documents": {"/".join(key): tx.read(key) for key in tx.all_keys()},
    }


def replace(tx: Any, snapshot: dict[str, Any]) -> int:
    version = snapshot.get(SNAPSHOT_MARK)
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise ArmError(
            "InvalidSnapshot",
            f"This snapshot has schema {version!r}; this sigctl reads snapshots up to schema {SCHEMA_VERSION}.",
        )
    documents = snapshot.get("documents")
    if not isinstance(documents, dict):
        raise ArmError(
            "InvalidSnapshot", "A snapshot needs a 'documents' table of key -> document."
        )
    tx.delete_tree(())
    for key, document in documents.items():
        parts = tuple(p for p in str(key).split("/") if p)
        if not parts or any(p in (".", "..") for p in parts):
            raise ArmError("InvalidSnapshot", f"'{key}' is not a document key.")
        tx.write(parts, document)
    return len(documents)


# -- fixtures -----------------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Group(_Model):
    name: str
    location: str
    tags: dict[str, str] | None = None


class Disk(_Model):
    sizeGB: int
    usedGB: int | None = None


class Source(_Model):
    kind: Literal["managed-image", "vm", "snapshot", "disk", "vhd"]
    resourceGroup: str
    name: str
    location: str | None = None
    osType: Literal["Linux", "Windows"] | None = None
    osState: Literal["Generalized", "Specialized"] | None = None
    hyperVGeneration: Literal["V1", "V2"] | None = None
    sizeGB: int = 30
    usedGB: int | None = None
    dataDisks: list[Disk] = Field(default_factory=list)
    storageAccount: str | None = None


class Community(_Model):
    publisherUri: str
    publisherContact: str
    eula: str
    publicNamePrefix: str


class Gallery(_Model):
    resourceGroup: str
    name: str
    location: str | None = None
    description: str | None = None
    tags: dict[str, str] | None = None
    permissions: Literal["Private", "Groups", "Community"] | None = None
    community: Community | None = None
    softDelete: bool | None = None


class Definition(_Model):
    resourceGroup: str
    gallery: str
    name: str
    publisher: str
    offer: str
    sku: str
    osType: Literal["Linux", "Windows"]
    osState: Literal["Generalized", "Specialized"] = "Generalized"
    hyperVGeneration: Literal["V1", "V2"] = "V2"
    architecture: Literal["x64", "Arm64"] | None = None
    location: str | None = None
    description: str | None = None
    endOfLifeDate: str | None = None
    features: dict[str, str] = Field(default_factory=dict)
    tags: dict[str, str] = Field(default_factory=dict)


class Version(_Model):
    resourceGroup: str
    gallery: str
    definition: str
    name: str
    managedImage: str | None = None
    osSnapshot: str | None = None
    location: str | None = None
    targetRegions: list[str] = Field(default_factory=list)
    replicaCount: int | None = None
    storageAccountType: Literal["Standard_LRS", "Standard_ZRS", "Premium_LRS"] | None = None
    excludeFromLatest: bool | None = None
    endOfLifeDate: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)


class Fixture(_Model):
    sigctlFixture: Literal[1]
    subscription: str | None = None
    groups: list[Group] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    galleries: list[Gallery] = Field(default_factory=list)
    definitions: list[Definition] = Field(default_factory=list)
    versions: list[Version] = Field(default_factory=list)


def parse_fixture(data: dict[str, Any]) -> Fixture:
    try:
        return Fixture.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}" for error in exc.errors()
        )
        raise ArmError("InvalidFixture", f"The fixture is not valid: {problems}.") from None


def _target_regions(items: list[str], location: str) -> list[dict[str, Any]]:
    regions = []
    for item in items or [location]:
        parts = item.split("=")
        region: dict[str, Any] = {"name": parts[0]}
        for part in parts[1:]:
            if part.isdigit():
                region["regionalReplicaCount"] = int(part)
            else:
                region["storageAccountType"] = part
        regions.append(region)
    return regions


def apply(ctx: Request, fixture: Fixture) -> dict[str, int]:
    """Create everything the fixture describes, through the service's own handlers."""
    from sigctl.provider import (
        galleries,
        image_definitions,
        image_versions,
        resource_groups,
        sources,
    )

    sub = ctx.subscription
    for group in fixture.groups:
        resource_groups.put(
            ctx, ids.resource_group_id(sub, group.name), group.model_dump(exclude_none=True)
        )

    def location_of(group: str, given: str | None) -> str:
        return given or resource_groups.require(ctx, group)["location"]

    for source in fixture.sources:
        spec = source.model_dump(exclude={"kind", "resourceGroup", "name"})
        spec["location"] = location_of(source.resourceGroup, source.location)
        spec["dataDisks"] = [d.model_dump() for d in source.dataDisks]
        sources.create(ctx, source.kind, source.resourceGroup, source.name, spec)
    for gallery in fixture.galleries:
        props: dict[str, Any] = {}
        if gallery.description is not None:
            props["description"] = gallery.description
        if gallery.permissions:
            props["sharingProfile"] = {"permissions": gallery.permissions}
            if gallery.community:
                props["sharingProfile"]["communityGalleryInfo"] = gallery.community.model_dump()
        if gallery.softDelete is not None:
            props["softDeletePolicy"] = {"isSoftDeleteEnabled": gallery.softDelete}
        body: dict[str, Any] = {
            "location": location_of(gallery.resourceGroup, gallery.location),
            "properties": props,
        }
        if gallery.tags is not None:
            body["tags"] = gallery.tags
        galleries.put(ctx, ids.gallery_id(sub, gallery.resourceGroup, gallery.name), body)
    for definition in fixture.definitions:
        props = {
            "identifier": {
                "publisher": definition.publisher,
                "offer": definition.offer,
                "sku": definition.sku,
            },
            "osType": definition.osType,
            "osState": definition.osState,
            "hyperVGeneration": definition.hyperVGeneration,
            "features": [{"name": k, "value": v} for k, v in definition.features.items()],
        }
        if definition.hyperVGeneration == "V2" and "SecurityType" not in definition.features:
            props["features"].append({"name": "SecurityType", "value": "TrustedLaunchSupported"})
        for field in ("architecture", "description", "endOfLifeDate"):
            if getattr(definition, field) is not None:
                props[field] = getattr(definition, field)
        body = {
            "location": location_of(definition.resourceGroup, definition.location),
            "properties": props,
            "tags": definition.tags,
        }
        image_definitions.put(
            ctx,
            ids.image_id(sub, definition.resourceGroup, definition.gallery, definition.name),
            body,
        )
    for version in fixture.versions:
        location = location_of(version.resourceGroup, version.location)
        profile: dict[str, Any] = {
            "targetRegions": _target_regions(version.targetRegions, location)
        }
        for field in ("replicaCount", "storageAccountType", "excludeFromLatest", "endOfLifeDate"):
            if getattr(version, field) is not None:
                profile[field] = getattr(version, field)
        storage: dict[str, Any] = {}
        if version.managedImage:
            storage["source"] = {
                "id": str(
                    sources.source_id(
                        sub,
                        version.resourceGroup,
                        sources.KINDS["managed-image"],
                        version.managedImage,
                    )
                )
            }
        if version.osSnapshot:
            storage["osDiskImage"] = {
                "source": {
                    "id": str(
                        sources.source_id(
                            sub,
                            version.resourceGroup,
                            sources.KINDS["snapshot"],
                            version.osSnapshot,
                        )
                    )
                }
            }
        rid = ids.version_id(
            sub, version.resourceGroup, version.gallery, version.definition, version.name
        )
        image_versions.put(
            ctx,
            rid,
            {
                "location": location,
                "properties": {"publishingProfile": profile, "storageProfile": storage},
                "tags": version.tags,
            },
        )
        _replicated(ctx, rid)
    return {
        "groups": len(fixture.groups),
        "sources": len(fixture.sources),
        "galleries": len(fixture.galleries),
        "definitions": len(fixture.definitions),
        "versions": len(fixture.versions),
    }


def _replicated(ctx: Request, rid: ids.ResourceId) -> None:
    """A fixture describes a published version: its replication is already complete."""
    key = ctx.key("galleries", rid.names[0], "images", rid.names[1], "versions", rid.names[2])
    doc = ctx.tx.read(key)
    for entry in doc["replication"]["regions"].values():
        entry["seconds"] = 0.0
    ctx.tx.write(key, doc)
