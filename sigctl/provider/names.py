"""The service's naming rules (shared/reference/service-rules.md §2), with its error texts."""

from __future__ import annotations

import re

from sigctl.errors import ArmError, invalid_parameter

INT32_MAX = 2_147_483_647

_GALLERY = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._]{0,78}[A-Za-z0-9])?")
_GROUP = re.compile(r"[-\w._()]{1,90}")


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
