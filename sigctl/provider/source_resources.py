"""The source resources on their ARM paths: managed images, VMs, disks, snapshots, and the
storage accounts that hold VHDs.

The emulator keeps one small record per source (sigctl.provider.sources); here it is read from
and shown as the ARM body of its type. Only what a gallery needs from a source is modelled: OS
type and state, Hyper-V generation, disk sizes. The occupied size that cost estimates use is not
part of Azure's bodies; a source created over ARM counts its disks as full (a PUT of
/sigctl/.../sources/... sets its usedGB). VHDs are blobs, which Azure serves from the
storage data plane, not ARM: they are created on /sigctl paths, and their storage accounts are
shown here read-only.
"""

from __future__ import annotations

from typing import Any

from sigctl.errors import ArmError, resource_not_found
from sigctl.provider import ids, lookup, sources
from sigctl.provider.context import Request
from sigctl.provider.ids import ResourceId
from sigctl.provider.validate import expect_dict, expect_int, expect_list, expect_str

_KINDS = {
    "images": "managed-image",
    "virtualmachines": "vm",
    "snapshots": "snapshot",
    "disks": "disk",
}


def _kind(rid: ResourceId) -> str | None:
    return _KINDS.get(rid.types[0].lower())


# -- reading ---------------------------------------------------------------------------------------


def get(ctx: Request, rid: ResourceId) -> dict[str, Any]:
    kind = _kind(rid)
    if kind is None:
        return _account(ctx, rid)
    return render(sources.get(ctx, kind, rid.resource_group or "", rid.name))


def list_(ctx: Request, rid: ResourceId) -> list[dict[str, Any]]:
    kind = _kind(rid)
    if kind is None:
        return _accounts(ctx, rid.resource_group)
    return [render(r) for r in sources.list_(ctx, rid.resource_group, kind)]


def render(record: dict[str, Any]) -> dict[str, Any]:
    props = record["properties"]
    os_disk = props["osDisk"]
    data_disks = [{"lun": d["lun"], "diskSizeGB": d["sizeGB"]} for d in props["dataDisks"]]
    body: dict[str, Any] = {
        "id": record["id"],
        "name": record["name"],
        "type": record["type"],
        "location": record["location"],
    }
    kind = record["kind"]
    if kind == "managed-image":
        disk = {"osState": props["osState"], "diskSizeGB": os_disk["sizeGB"]}
        if props.get("osType"):
            disk["osType"] = props["osType"]
        body["properties"] = {
            "storageProfile": {"osDisk": disk, "dataDisks": data_disks},
            "hyperVGeneration": props["hyperVGeneration"],
            "provisioningState": "Succeeded",
        }
    elif kind == "vm":
        disk = {"name": f"{record['name']}_OsDisk", "diskSizeGB": os_disk["sizeGB"]}
        if props.get("osType"):
            disk["osType"] = props["osType"]
        body["properties"] = {
            "storageProfile": {"osDisk": disk, "dataDisks": data_disks},
            "provisioningState": "Succeeded",
        }
    else:
        body["sku"] = {"name": "Standard_LRS", "tier": "Standard"}
        body["properties"] = {
            "diskSizeGB": os_disk["sizeGB"],
            "creationData": {"createOption": "Empty"},
            "diskState": "Unattached",
            "provisioningState": "Succeeded",
        }
        # a disk or snapshot carries an OS type and generation only when it was given them
        for field in ("osType", "hyperVGeneration"):
            if props.get(field):
                body["properties"][field] = props[field]
    return body


# -- writing ---------------------------------------------------------------------------------------


def put(ctx: Request, rid: ResourceId, body: dict[str, Any]) -> dict[str, Any]:
    kind = _kind(rid)
    if kind is None:
        raise _accounts_read_only(rid)
    props = expect_dict(body.get("properties"), "properties")
    if kind in ("managed-image", "vm"):
        profile = expect_dict(props.get("storageProfile"), "properties.storageProfile")
        os_disk = expect_dict(profile.get("osDisk"), "properties.storageProfile.osDisk")
        data = expect_list(profile.get("dataDisks"), "properties.storageProfile.dataDisks") or []
        spec = {
            "osType": expect_str(os_disk.get("osType"), "properties.storageProfile.osDisk.osType"),
            "osState": expect_str(
                os_disk.get("osState"), "properties.storageProfile.osDisk.osState"
            ),
            "sizeGB": _size(os_disk, "properties.storageProfile.osDisk.diskSizeGB"),
            "dataDisks": [
                {
                    "sizeGB": _size(
                        expect_dict(d, f"properties.storageProfile.dataDisks[{i}]"),
                        f"properties.storageProfile.dataDisks[{i}].diskSizeGB",
                    )
                }
                for i, d in enumerate(data)
            ],
        }
    else:
        spec = {
            "osType": expect_str(props.get("osType"), "properties.osType"),
            "sizeGB": _size(props, "properties.diskSizeGB"),
        }
    spec["location"] = expect_str(body.get("location"), "location")
    spec["hyperVGeneration"] = expect_str(
        props.get("hyperVGeneration"), "properties.hyperVGeneration"
    )
    return render(sources.create(ctx, kind, rid.resource_group or "", rid.name, spec))


def _size(holder: dict[str, Any], path: str) -> int:
    size = expect_int(holder.get("diskSizeGB"), path)
    return 30 if size is None else size


def delete(ctx: Request, rid: ResourceId) -> None:
    kind = _kind(rid)
    if kind is None:
        raise _accounts_read_only(rid)
    sources.delete(ctx, kind, rid.resource_group or "", rid.name)


# -- storage accounts (read-only: the accounts VHDs live in) ---------------------------------------


def _accounts(ctx: Request, group: str | None) -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for record in sources.list_(ctx, group, "vhd"):
        account_id = record["properties"]["storageAccountId"]
        found.setdefault(account_id.lower(), _account_body(account_id, record["location"]))
    return [found[k] for k in sorted(found)]


def _account(ctx: Request, rid: ResourceId) -> dict[str, Any]:
    lookup.resource_group(ctx, rid.resource_group or "")
    for body in _accounts(ctx, rid.resource_group):
        if body["name"].lower() == rid.name.lower():
            return body
    raise resource_not_found(rid.type_path(), rid.resource_group or "")


def _account_body(account_id: str, location: str) -> dict[str, Any]:
    name = account_id.rsplit("/", 1)[-1]
    return {
        "id": account_id,
        "name": name,
        "type": f"{ids.STORAGE}/storageAccounts",
        "location": location,
        "kind": "StorageV2",
        "sku": {"name": "Standard_LRS", "tier": "Standard"},
        "properties": {
            "provisioningState": "Succeeded",
            "primaryEndpoints": {"blob": f"https://{name}.blob.core.windows.net/"},
        },
    }


def _accounts_read_only(rid: ResourceId) -> ArmError:
    return ArmError(
        "MethodNotAllowed",
        f"Storage accounts are read-only in the emulated cloud: '{rid}' holds the VHDs created "
        "on /sigctl/subscriptions/{subscription}/resourceGroups/{group}/sources/vhd/{name}.",
        405,
    )
