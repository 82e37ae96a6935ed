"""Seeding a state from a fixture: what a person writes to set up a demo.

A fixture lists resource groups, sources, galleries, definitions and versions the way az's
arguments describe them, so it is read with the az client's own helpers (the target-region
grammar, the Trusted Launch default), turned into ARM bodies and sent to the emulated service as
one seed request, which it applies in one transaction: every rule holds, and either all of it
lands or none of it does. Its versions are already replicated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sigctl.cli.commands.image_definition import security_defaults
from sigctl.cli.regions_arg import parse_target_regions
from sigctl.errors import ArmError
from sigctl.provider import ids

FIXTURE_MARK = "sigctlFixture"


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


def requests(fixture: Fixture, sub: str, warn: Callable[[str], None]) -> dict[str, Any]:
    """The fixture as the service's seed request (POST /sigctl/subscriptions/{sub}/seed): ARM
    bodies, built with az's client-side defaults, that the service creates in one transaction.
    A body without a location takes its resource group's there; az's client-side warnings go
    to `warn`."""
    groups = [
        {
            "id": str(ids.resource_group_id(sub, group.name)),
            "body": group.model_dump(exclude_none=True),
        }
        for group in fixture.groups
    ]
    sources = []
    for source in fixture.sources:
        spec = source.model_dump(exclude={"kind", "resourceGroup", "name"})
        spec["dataDisks"] = [d.model_dump() for d in source.dataDisks]
        sources.append(
            {
                "resourceGroup": source.resourceGroup,
                "kind": source.kind,
                "name": source.name,
                "body": spec,
            }
        )
    return {
        "groups": groups,
        "sources": sources,
        "galleries": [_gallery(sub, g) for g in fixture.galleries],
        "definitions": [_definition(sub, d, warn) for d in fixture.definitions],
        "versions": [_version(sub, v) for v in fixture.versions],
    }


def _gallery(sub: str, gallery: Gallery) -> dict[str, Any]:
    props: dict[str, Any] = {}
    if gallery.description is not None:
        props["description"] = gallery.description
    if gallery.permissions:
        props["sharingProfile"] = {"permissions": gallery.permissions}
        if gallery.community:
            props["sharingProfile"]["communityGalleryInfo"] = gallery.community.model_dump()
    if gallery.softDelete is not None:
        props["softDeletePolicy"] = {"isSoftDeleteEnabled": gallery.softDelete}
    body: dict[str, Any] = {"location": gallery.location, "properties": props}
    if gallery.tags is not None:
        body["tags"] = gallery.tags
    return {"id": str(ids.gallery_id(sub, gallery.resourceGroup, gallery.name)), "body": body}


def _definition(sub: str, definition: Definition, warn: Callable[[str], None]) -> dict[str, Any]:
    props: dict[str, Any] = {
        "identifier": {
            "publisher": definition.publisher,
            "offer": definition.offer,
            "sku": definition.sku,
        },
        "osType": definition.osType,
        "osState": definition.osState,
        "hyperVGeneration": definition.hyperVGeneration,
        "features": security_defaults(
            [{"name": k, "value": v} for k, v in definition.features.items()],
            definition.hyperVGeneration,
            warn,
        ),
    }
    for field in ("architecture", "description", "endOfLifeDate"):
        if getattr(definition, field) is not None:
            props[field] = getattr(definition, field)
    rid = ids.image_id(sub, definition.resourceGroup, definition.gallery, definition.name)
    body = {"location": definition.location, "properties": props, "tags": definition.tags}
    return {"id": str(rid), "body": body}


def _version(sub: str, version: Version) -> dict[str, Any]:
    """Without target regions, a version is replicated to its own region (the service's
    default for a seeded version, whose region may be its group's)."""
    profile: dict[str, Any] = {}
    if version.targetRegions:
        profile["targetRegions"] = parse_target_regions(version.targetRegions)
    for field in ("replicaCount", "storageAccountType", "excludeFromLatest", "endOfLifeDate"):
        if getattr(version, field) is not None:
            profile[field] = getattr(version, field)
    storage: dict[str, Any] = {}
    group = version.resourceGroup
    if version.managedImage:
        image = ids.ResourceId(sub, group, ids.COMPUTE, ("images",), (version.managedImage,))
        storage["source"] = {"id": str(image)}
    if version.osSnapshot:
        snapshot = ids.ResourceId(sub, group, ids.COMPUTE, ("snapshots",), (version.osSnapshot,))
        storage["osDiskImage"] = {"source": {"id": str(snapshot)}}
    rid = ids.version_id(sub, group, version.gallery, version.definition, version.name)
    body = {
        "location": version.location,
        "properties": {"publishingProfile": profile, "storageProfile": storage},
        "tags": version.tags,
    }
    return {"id": str(rid), "body": body}
