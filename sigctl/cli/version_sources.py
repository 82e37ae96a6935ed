"""What `sig image-version create` makes a version from: its source options, checked as az's
validator checks them and turned into the ARM `storageProfile`."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from sigctl.cli.arguments import name_or_id
from sigctl.cli.context import Invocation
from sigctl.cli.params import values
from sigctl.cli.validators import check_version_sources, lun
from sigctl.provider import ids


@dataclasses.dataclass(frozen=True)
class VersionSources:
    """The source options as given (list options without the bare-option marker)."""

    managed_image: str | None = None
    virtual_machine: str | None = None
    image_version: str | None = None
    os_snapshot: str | None = None
    data_snapshots: list[str] | None = None
    data_snapshot_luns: list[str] | None = None
    os_vhd_uri: str | None = None
    os_vhd_storage_account: str | None = None
    data_vhds_uris: list[str] | None = None
    data_vhds_luns: list[str] | None = None
    data_vhds_storage_accounts: list[str] | None = None

    @classmethod
    def given(cls, arguments: Mapping[str, Any]) -> VersionSources:
        """The sources among a command's arguments by name, as az's validator reads them from
        its namespace."""
        picked = {f.name: arguments[f.name] for f in dataclasses.fields(cls)}
        return cls(**{k: values(v) if isinstance(v, list) else v for k, v in picked.items()})


def storage_profile(inv: Invocation, group: str, s: VersionSources) -> dict[str, Any]:
    """az's source validators, in az's order and with az's texts, then the storageProfile."""
    check_version_sources(s)
    profile: dict[str, Any] = {}
    if s.virtual_machine is not None:
        profile["source"] = {"virtualMachineId": s.virtual_machine}
    elif s.image_version is not None:
        profile["source"] = {"id": s.image_version}
    elif s.managed_image is not None:
        profile["source"] = {"id": name_or_id(inv, s.managed_image, group, "images")}
    if s.os_snapshot:
        profile["osDiskImage"] = {
            "source": {"id": name_or_id(inv, s.os_snapshot, group, "snapshots")}
        }
    elif s.os_vhd_uri:
        account = _storage_account(inv, s.os_vhd_storage_account or "", group)
        profile["osDiskImage"] = {"source": {"uri": s.os_vhd_uri, "storageAccountId": account}}
    data = _data_disks(inv, group, s)
    if data:
        profile["dataDiskImages"] = data
    return profile


def _data_disks(inv: Invocation, group: str, s: VersionSources) -> list[dict[str, Any]]:
    """Data disks from snapshots, then from VHDs; a LUN is its place in the list unless given."""
    data: list[dict[str, Any]] = []
    for i, snapshot in enumerate(s.data_snapshots or []):
        number = lun(s.data_snapshot_luns[i]) if s.data_snapshot_luns else i
        data.append(
            {"lun": number, "source": {"id": name_or_id(inv, snapshot, group, "snapshots")}}
        )
    for i, uri in enumerate(s.data_vhds_uris or []):
        number = lun(s.data_vhds_luns[i]) if s.data_vhds_luns else i
        account = _storage_account(inv, (s.data_vhds_storage_accounts or [])[i], group)
        data.append({"lun": number, "source": {"uri": uri, "storageAccountId": account}})
    return data


def _storage_account(inv: Invocation, text: str, group: str) -> str:
    return name_or_id(inv, text, group, "storageAccounts", ids.STORAGE)
