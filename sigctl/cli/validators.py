"""az's client-side validators: the checks and conversions az's `_validators.py` makes of a
command's arguments before it sends a request, with az's texts.

A command calls them where az's validator would run, so errors come in az's order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sigctl.cli.arguments import name_or_id, parse_id
from sigctl.cli.errors import CliError
from sigctl.errors import ArmError
from sigctl.provider import ids
from sigctl.provider.ids import ResourceId

if TYPE_CHECKING:
    from sigctl.cli.context import Invocation
    from sigctl.cli.version_sources import VersionSources

_VM = ("microsoft.compute", ("virtualmachines",))
_IMAGE_VERSION = ("microsoft.compute", ("galleries", "images", "versions"))
_DEFINITION = ("microsoft.compute", ("galleries", "images"))


# -- sig image-version create ----------------------------------------------------------------------


def check_version_sources(s: VersionSources) -> None:
    """az's source checks of `sig image-version create`, in az's order."""
    if sum(x is not None for x in (s.managed_image, s.virtual_machine, s.image_version)) > 1:
        raise CliError(
            "usage error: please specify only one of the --managed-image\\--virtual-machine\\--image-version arguments"
        )
    if not any((s.managed_image, s.virtual_machine, s.image_version, s.os_snapshot, s.os_vhd_uri)):
        raise CliError("usage error: Please provide --managed-image or --os-snapshot or --vhd")
    if s.data_snapshot_luns and not s.data_snapshots:
        raise CliError(
            "usage error: --data-snapshot-luns must be used together with --data-snapshots"
        )
    if (
        s.data_snapshots
        and s.data_snapshot_luns
        and len(s.data_snapshots) != len(s.data_snapshot_luns)
    ):
        raise CliError(
            "usage error: Length of --data-snapshots and --data-snapshot-luns should be equal."
        )
    if bool(s.os_vhd_uri) != bool(s.os_vhd_storage_account):
        raise CliError("--os-vhd-uri and --os-vhd-storage-account should be used together.")
    if bool(s.data_vhds_uris) != bool(s.data_vhds_storage_accounts):
        raise CliError("--data-vhds-uris and --data-vhds-storage-accounts should be used together.")
    if s.data_vhds_luns and not s.data_vhds_uris:
        raise CliError("--data-vhds-luns must be used together with --data-vhds-uris")
    if s.data_vhds_uris and (
        (s.data_vhds_luns and len(s.data_vhds_luns) != len(s.data_vhds_uris))
        or len(s.data_vhds_storage_accounts or []) != len(s.data_vhds_uris)
    ):
        raise CliError(
            "Length of --data-vhds-uris, --data-vhds-luns, --data-vhds-storage-accounts must be same."
        )
    if s.virtual_machine is not None and not _valid_id(s.virtual_machine, _VM):
        raise CliError(f"usage error: {s.virtual_machine} is an invalid VM resource id")
    if s.image_version is not None and not _valid_id(s.image_version, _IMAGE_VERSION):
        raise CliError(f"usage error: {s.image_version} is an invalid gallery image version id")


def _valid_id(text: str, route: tuple[str, tuple[str, ...]]) -> bool:
    try:
        parsed = ids.parse(text)
    except ArmError:
        return False
    return parsed.route == route and not parsed.is_collection


def lun(text: str) -> int:
    """A --data-snapshot-luns or --data-vhds-luns item."""
    try:
        return int(text)
    except ValueError:
        raise CliError(f"usage error: '{text}' is not a valid LUN (a whole number)") from None


def disk_encryption_set(inv: Invocation, group: str) -> Callable[[str], str]:
    """az's reading of a disk encryption set argument: a name is a set in -g."""
    return lambda text: name_or_id(inv, text, group, "diskEncryptionSets")


# -- sig image-version resolve ---------------------------------------------------------------------


def definition_from_id(text: str) -> ResourceId:
    """resolve's --id: an image definition id, or its .../versions/latest id."""
    parsed = parse_id(text)
    route = parsed.route
    if route == _IMAGE_VERSION and parsed.name.lower() == "latest":
        return parsed.parent()
    if route == _DEFINITION and not parsed.is_collection:
        return parsed
    raise CliError(
        f"usage error: '{text}' is neither an image definition id nor a .../versions/latest id"
    )


# -- sig image-definition create -------------------------------------------------------------------


def parse_features(text: str | None) -> list[dict[str, str]] | None:
    """az's --features: one string of space-separated KEY=VALUE items."""
    if text is None:
        return None
    features = []
    for item in text.split():
        name, eq, value = item.partition("=")
        if not eq:
            raise CliError("usage error: --features KEY=VALUE [KEY=VALUE ...]")
        features.append({"name": name, "value": value})
    return features


# -- sig create / update ---------------------------------------------------------------------------


def check_community(permissions: str | None, community: dict[str, str | None]) -> None:
    """A Community gallery needs every --publisher-* option, --eula and --public-name-prefix."""
    if permissions == "Community" and not all(community.values()):
        raise CliError(
            "If you want to share to the community, you need to fill in all the following "
            "parameters: --publisher-uri, --publisher-email, --eula, --public-name-prefix."
        )
