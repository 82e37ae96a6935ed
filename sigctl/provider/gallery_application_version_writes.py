"""VM application versions (Microsoft.Compute/galleries/applications/versions): writing them.

A version is one package: the blob the service copies (`source.mediaLink`), the commands that
install, update and remove it, and settings for the VM application extension. It replicates to
its target regions over time exactly as an image version does: the publishing rules are
those of sigctl.provider.publishing, with an application version's own limits (KIND). The emulator
never reads the package, so it models every package as PACKAGE_GB for replication timing.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sigctl.errors import (
    invalid_parameter,
    missing_parameter,
    property_change_not_allowed,
)
from sigctl.provider import (
    gallery_applications,
    ids,
    publishing,
    regions,
    replicas,
    shapes,
)
from sigctl.provider.context import Request

# A write's handler also answers GET (`get as get`): a conditional write reads the resource first.
from sigctl.provider.gallery_application_versions import TYPE, render, version_key
from sigctl.provider.gallery_application_versions import get as get
from sigctl.provider.ids import ResourceId
from sigctl.provider.validate import (
    expect_bool,
    expect_choice,
    expect_dict,
    expect_str,
    expect_tags,
)

PATH = "galleryApplicationVersion.properties."
KIND = replicas.Kind(
    "application version", "galleryApplicationVersionName", PATH, "vm_application_replicas", TYPE
)
PACKAGE_GB = 1  # the modelled size of a package, which the emulator never downloads
COMMAND_LIMIT = 4096  # characters, for commands and file names (the REST spec's limit)
REBOOT_BEHAVIOURS = ("None", "Rerun")
_PROFILE = "properties.publishingProfile"


def delete(ctx: Request, rid: ResourceId) -> None:
    key = version_key(ctx, gallery_applications.for_write(ctx, rid), rid.names[2])
    if ctx.tx.read(key, shapes.resource) is not None:
        ctx.tx.delete_tree(key)  # application versions have no soft delete


# -- create or update ---------------------------------------------------------------------------


def _text(value: Any, path: str, required: bool = False) -> str | None:
    """A command or file name: at most COMMAND_LIMIT characters."""
    text = expect_str(value, path)
    if not text:
        if required:
            raise missing_parameter(path)
        return None
    if len(text) > COMMAND_LIMIT:
        raise invalid_parameter(
            f"The value of {path} is {len(text)} characters long; the limit is {COMMAND_LIMIT}.",
            path,
        )
    return text


def _link(value: Any, field: str, required: bool = False) -> str | None:
    """A blob the service reads the package or configuration from: an absolute http(s) URL."""
    path = f"{_PROFILE}.source.{field}"
    text = expect_str(value, path)
    if not text:
        if required:
            raise missing_parameter(path)
        return None
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise invalid_parameter(
            f"The {field} '{text}' is not a valid URL: it must be the http(s) address of a "
            "readable storage blob.",
            path,
        )
    return text


def _package(profile: dict[str, Any]) -> dict[str, Any]:
    """What an application version publishes beyond the target regions: the package and its use."""
    source = expect_dict(profile.get("source"), f"{_PROFILE}.source")
    out: dict[str, Any] = {
        "source": {"mediaLink": _link(source.get("mediaLink"), "mediaLink", True)}
    }
    default = _link(source.get("defaultConfigurationLink"), "defaultConfigurationLink")
    if default is not None:
        out["source"]["defaultConfigurationLink"] = default
    manage = expect_dict(profile.get("manageActions"), f"{_PROFILE}.manageActions")
    out["manageActions"] = {
        action: text
        for action in ("install", "remove", "update")
        if (
            text := _text(
                manage.get(action), f"{_PROFILE}.manageActions.{action}", action != "update"
            )
        )
    }
    settings = expect_dict(profile.get("settings"), f"{_PROFILE}.settings")
    kept = {
        field: text
        for field in ("packageFileName", "configFileName")
        if (text := _text(settings.get(field), f"{_PROFILE}.settings.{field}"))
    }
    reboot = expect_choice(
        settings.get("scriptBehaviorAfterReboot"),
        REBOOT_BEHAVIOURS,
        f"{_PROFILE}.settings.scriptBehaviorAfterReboot",
    )
    if reboot is not None:
        kept["scriptBehaviorAfterReboot"] = reboot
    if kept:
        out["settings"] = kept
    advanced = expect_tags(profile.get("advancedSettings"), f"{_PROFILE}.advancedSettings")
    if advanced:
        out["advancedSettings"] = advanced
    out["enableHealthCheck"] = bool(
        expect_bool(profile.get("enableHealthCheck"), f"{_PROFILE}.enableHealthCheck")
    )
    actions = gallery_applications.custom_actions(
        profile.get("customActions"), f"{_PROFILE}.customActions"
    )
    if actions is not None:
        out["customActions"] = actions
    return out


def _refuse_unemulated(profile: dict[str, Any]) -> None:
    if profile.get("targetExtendedLocations"):
        raise invalid_parameter(
            "Edge-zone target locations of VM application versions are not emulated by sigctl.",
            "targetExtendedLocations",
        )
    for i, target in enumerate(profile.get("targetRegions") or []):
        if isinstance(target, dict) and target.get("encryption"):
            raise invalid_parameter(
                "Disk encryption sets on VM application versions are not emulated by sigctl.",
                f"targetRegions[{i}].encryption",
            )


def put(ctx: Request, rid: ResourceId, body: dict[str, Any]) -> dict[str, Any]:
    application = gallery_applications.for_write(ctx, rid)
    gallery = ids.parse(application["resource"]["id"]).names[0]
    publishing.check_name(rid.names[2], KIND)
    location = ctx.body_region(body, TYPE)
    props = expect_dict(body.get("properties"), "properties")
    if props.get("publishingProfile") is None:
        raise missing_parameter("publishingProfile")
    raw = expect_dict(props.get("publishingProfile"), _PROFILE)
    _refuse_unemulated(raw)
    tags = expect_tags(body.get("tags"), "tags")
    key = version_key(ctx, application, rid.names[2])
    existing = ctx.tx.read(key, shapes.resource)
    old_profile = existing["resource"]["properties"]["publishingProfile"] if existing else None
    profile = publishing.publishing_profile(ctx, raw, location, old_profile, KIND)
    profile.update(_package(raw))
    safety = expect_dict(props.get("safetyProfile"), "properties.safetyProfile")
    safety = {
        "allowDeletionOfReplicatedLocations": bool(
            expect_bool(
                safety.get("allowDeletionOfReplicatedLocations"),
                "properties.safetyProfile.allowDeletionOfReplicatedLocations",
            )
        )
    }
    if old_profile is None:
        doc = _create(ctx, rid, key, application, location, profile, safety, tags)
    else:
        # The package was copied when the version was published: a new one is a new version.
        if old_profile["source"]["mediaLink"] != profile["source"]["mediaLink"]:
            raise property_change_not_allowed(f"{PATH}publishingProfile.source.mediaLink")
        doc = publishing.republish(
            ctx, key, existing, location, profile, safety, tags, gallery, kind=KIND
        )
    return render(ctx, doc)


def _create(
    ctx: Request,
    rid: ResourceId,
    key: tuple[str, ...],
    application: dict[str, Any],
    location: regions.Region,
    profile: dict[str, Any],
    safety: dict[str, Any],
    tags: dict[str, str] | None,
) -> dict[str, Any]:
    publishing.check_same_number(ctx, key, KIND)
    owner = ids.parse(application["resource"]["id"])
    resource: dict[str, Any] = {
        "id": str(owner.child("versions", rid.names[2])),
        "name": rid.names[2],
        "type": TYPE,
        "location": location.name,
        "properties": {"publishingProfile": profile, "safetyProfile": safety},
    }
    if tags is not None:
        resource["tags"] = tags
    doc: dict[str, Any] = {
        "resource": resource,
        "occupiedGB": PACKAGE_GB,
        "replication": {"operation": "Creating", "regions": {}},
    }
    targets = [t["name"] for t in profile["targetRegions"]]
    publishing.schedule(ctx, doc, targets, owner.names[0], owner.names[1], PACKAGE_GB)
    ctx.tx.write(key, doc)
    return doc
