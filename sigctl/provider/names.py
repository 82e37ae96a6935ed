"""The service's naming rules, with its documented error texts."""

from __future__ import annotations

import re
from typing import Any

from sigctl.errors import ArmError, invalid_parameter

INT32_MAX = 2_147_483_647

_GALLERY = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._]{0,78}[A-Za-z0-9])?")
_GROUP = re.compile(r"[-\w._()]{1,90}")
_VERSION = re.compile(r"([0-9]+)\.([0-9]+)\.([0-9]+)")  # ASCII digits only, as the service


def _trailing(full_name: str, char: str) -> ArmError:
    return ArmError(
        "InvalidResourceName",
        f"The provided resource name '{full_name}' has these invalid trailing characters: "
        f"'{char}'. The name can not end with characters: '{char}'",
        400,
    )


def check_gallery_name(name: str) -> None:
    if name and name[-1] in "._":
        raise _trailing(name, name[-1])
    if not _GALLERY.fullmatch(name):
        raise invalid_parameter(
            "Gallery name is invalid. Allowed characters are English alphanumeric characters, "
            "with underscores, and periods allowed in the middle, up to 80 characters total. "
            "All other special characters, including dashes, are disallowed.",
            "galleryName",
        )


def check_group_name(name: str) -> None:
    if not _GROUP.fullmatch(name) or name.endswith("."):
        raise ArmError(
            "InvalidResourceGroupName",
            f"The resource group name '{name}' is invalid. Resource group names can be 1-90 "
            "characters long: alphanumerics, underscores, parentheses, hyphens and periods "
            "(not at the end).",
            400,
        )


_IMAGE = re.compile(r"[A-Za-z0-9](?:[-\w.]{0,78}[A-Za-z0-9])?", re.ASCII)
_IMAGE_PATH_RULE = r"^[^_\W][\w-._]{0,79}(?<![-.])$"
_IDENTIFIER = re.compile(r"[A-Za-z0-9._-]+")
IDENTIFIER_LIMITS = {"publisher": 128, "offer": 64, "sku": 64}


def check_image_name(gallery: str, name: str, entity: str = "galleryImageName") -> None:
    """Image definition names: 1-80 of letters, digits, _ - ., starting and ending alphanumeric.

    VM application names follow the same rule (`entity` galleryApplicationName).
    """
    if name and name[-1] in "._":
        raise _trailing(f"{gallery}/{name}", name[-1])
    if not _IMAGE.fullmatch(name):
        raise invalid_parameter(
            f"The entity name '{entity}' is invalid according to its validation rule: "
            f"{_IMAGE_PATH_RULE}.",
            entity,
        )


def check_identifier(part: str, value: str) -> None:
    """publisher/offer/sku of an image definition, with the documented "Asset name" text."""
    limit = IDENTIFIER_LIMITS[part]
    if not value or not _IDENTIFIER.fullmatch(value) or value.endswith(".") or len(value) > limit:
        raise invalid_parameter(
            f"Asset name galleryImage.properties.identifier.{part} is not valid. It cannot be "
            "empty. Allowed characters are uppercase or lowercase letters, digits, hyphen(-), "
            "period (.), underscore (_). Names are not allowed to end with period(.). The length "
            f"of the name cannot exceed {limit} characters.",
            f"galleryImage.properties.identifier.{part}",
        )


# Compute's rule for the resources versions are made from: managed images, disks and snapshots
# (80 characters) and VMs (64); a VHD is a blob, whose names may be 1,024 characters long.
SOURCE_NAME_LIMITS = {"managed-image": 80, "snapshot": 80, "disk": 80, "vm": 64, "vhd": 1024}
_SOURCE = re.compile(r"\w(?:[\w.-]*\w)?")


def check_source_name(kind: str, name: str) -> None:
    limit = SOURCE_NAME_LIMITS[kind]
    if kind == "vhd":
        if not 0 < len(name) <= limit or not name.isprintable() or "/" in name:
            raise invalid_parameter(
                f"The blob name '{name}' is invalid: a VHD's name must be 1 to {limit} printable "
                "characters, without '/'.",
                "name",
            )
        return
    if len(name) > limit or not _SOURCE.fullmatch(name):
        raise invalid_parameter(
            f"The resource name '{name}' is invalid. The name can be up to {limit} characters "
            "long. It must begin with a word character, and it must end with a word character "
            "or with '_'. The name may contain word characters or '.', '-', '_'.",
            "name",
        )


def folded(value: Any) -> Any:
    """A JSON value with every string in it lower-cased: ids and names compare without case."""
    if isinstance(value, dict):
        return {k: folded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [folded(v) for v in value]
    return value.lower() if isinstance(value, str) else value


def version_tuple(name: str) -> tuple[int, int, int] | None:
    """(Major, Minor, Patch) of a version name, or None if it is not one. Versions (of images,
    VM applications and access control profiles) compare as these numbers: 1.10.0 > 1.9.0."""
    match = _VERSION.fullmatch(name)
    if not match:
        return None
    major, minor, patch = (int(p) for p in match.groups())
    if max(major, minor, patch) > INT32_MAX:
        return None
    return major, minor, patch


def version_order(name: str) -> tuple[int, int, int]:
    """A sort key putting versions in numeric order (a name that is no version sorts first)."""
    return version_tuple(name) or (0, 0, 0)


def check_version_name(
    name: str, noun: str = "image version", parameter: str = "galleryImageVersionName"
) -> None:
    """A replicated version's name: Major.Minor.Patch, each an int32 (`noun` names the kind)."""
    if version_tuple(name) is None:
        raise invalid_parameter(
            f"The {noun} name is invalid. The {noun} name should follow "
            "Major(int).Minor(int).Patch(int) format, where int is between 0 and 2,147,483,647 "
            "(inclusive). For e.g: 1.0.0, 2018.12.1 etc",
            parameter,
        )
