"""The artefacts an image version is made from: managed images, VMs, disks, snapshots, VHDs.

Azure keeps these in other resource providers; the emulator keeps a small record of each with
what a version needs from it: its real resource id (a VHD also gets its blob URI and storage
account id), region, OS type, Hyper-V generation, OS state (managed images and VMs only: a disk,
snapshot or VHD has none in Azure), and disk sizes (provisioned and used, for storageProfile and
for cost estimates). A disk, snapshot or VHD may also lack an OS type and a generation, as one
created empty does.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from sigctl.errors import ArmError, invalid_parameter, resource_not_found
from sigctl.provider import ids, lookup, names, rbac, regions
from sigctl.provider.context import Request
from sigctl.provider.ids import ResourceId


@dataclass(frozen=True)
class Kind:
    name: str  # the `sigctl source create KIND` word
    type: str  # ARM type segment under its namespace
    namespace: str = ids.COMPUTE
    whole_image: bool = True  # carries an OS disk plus data disks (image, VM) vs one disk


KINDS = {
    "managed-image": Kind("managed-image", "images"),
    "vm": Kind("vm", "virtualMachines"),
    "snapshot": Kind("snapshot", "snapshots", whole_image=False),
    "disk": Kind("disk", "disks", whole_image=False),
    "vhd": Kind("vhd", "blobs", namespace=ids.STORAGE, whole_image=False),
}
_BY_TYPE = {k.type.lower(): k for k in KINDS.values() if k.name != "vhd"}
DEFAULT_STORAGE_ACCOUNT = "sigctlvhds"


def _key(ctx: Request, group: str, kind: str, name: str) -> tuple[str, ...]:
    return ctx.key("resourceGroups", group, "sources", kind, _stem(name) if kind == "vhd" else name)


def source_id(subscription: str, group: str, kind: Kind, name: str) -> ResourceId:
    return ResourceId(subscription, group, kind.namespace, (kind.type,), (name,))


def vhd_uri(account: str, name: str, container: str = "vhds") -> str:
    return f"https://{account}.blob.core.windows.net/{container}/{_stem(name)}.vhd"


def _stem(name: str) -> str:
    """A VHD blob's name without its `.vhd` extension (`-n os` and `-n os.vhd` are one blob)."""
    return name[:-4] if name.lower().endswith(".vhd") else name


def storage_account_id(subscription: str, group: str, account: str) -> str:
    return f"/subscriptions/{subscription}/resourceGroups/{group}/providers/{ids.STORAGE}/storageAccounts/{account}"


def check_disk(size: Any, used: Any, what: str) -> dict[str, int]:
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        raise invalid_parameter(
            f"The {what} size must be a whole number of GB of at least 1.", what
        )
    used = size if used is None else used
    if not isinstance(used, int) or isinstance(used, bool) or not 0 <= used <= size:
        raise invalid_parameter(
            f"The {what} used size must be between 0 and its size ({size} GB).", what
        )
    return {"sizeGB": size, "usedGB": used}


def create(
    ctx: Request, kind_name: str, group: str, name: str, spec: dict[str, Any]
) -> dict[str, Any]:
    kind = KINDS[kind_name]
    names.check_source_name(kind.name, name)
    record_group = lookup.resource_group(ctx, group)["name"]
    region = regions.require(
        spec.get("location") or "", f"{kind.namespace}/{kind.type}", ctx.known_regions()
    )
    os_disk = check_disk(spec.get("sizeGB", 30), spec.get("usedGB"), "osDisk")
    data_disks = []
    for lun, disk in enumerate(spec.get("dataDisks") or []):
        if not kind.whole_image:
            raise invalid_parameter(
                f"A {kind.name} is one disk; data disks belong to managed images and VMs.",
                "dataDisks",
            )
        data_disks.append(
            {"lun": lun, **check_disk(disk.get("sizeGB"), disk.get("usedGB"), f"dataDisks[{lun}]")}
        )
    if kind.whole_image and not spec.get("osType"):
        raise invalid_parameter(
            f"A {kind.name} needs an OS type (set property 'osType' to Linux or Windows).",
            "osType",
        )
    if not kind.whole_image and spec.get("osState"):
        raise invalid_parameter(
            f"A {kind.name} has no OS state; only managed images and VMs are generalized or "
            "specialized (the version takes its image definition's OS state).",
            "osState",
        )
    for key in ("storageAccount", "container"):
        if spec.get(key) and kind.name != "vhd":
            raise invalid_parameter(
                f"Only a vhd lives in a storage account (property '{key}').", key
            )
    os_facts = {
        "osType": spec.get("osType"),
        "osState": spec.get("osState") or "Generalized",
        "hyperVGeneration": spec.get("hyperVGeneration") or "V2",
    }
    if not kind.whole_image:  # a disk carries only what it was given
        os_facts = {k: spec[k] for k in ("osType", "hyperVGeneration") if spec.get(k)}
    properties: dict[str, Any] = {
        **os_facts,
        "osDisk": os_disk,
        "dataDisks": data_disks,
        "provisioningState": "Succeeded",
    }
    if kind.name == "vhd":
        account = spec.get("storageAccount") or DEFAULT_STORAGE_ACCOUNT
        properties["uri"] = vhd_uri(account, name, _container(spec.get("container")))
        properties["storageAccountId"] = storage_account_id(ctx.subscription, record_group, account)
        resource_id = properties["uri"]
    else:
        resource_id = str(source_id(ctx.subscription, record_group, kind, name))
    ctx.authorize(
        f"{kind.namespace}/{kind.type}/write",
        str(source_id(ctx.subscription, record_group, kind, name)),
    )
    record = {
        "id": resource_id,
        "name": name,
        "kind": kind.name,
        "type": f"{kind.namespace}/{kind.type}" if kind.name != "vhd" else "Microsoft.Storage/blob",
        "location": region.name,
        "resourceGroup": record_group,
        "properties": properties,
    }
    ctx.tx.write(_key(ctx, record_group, kind.name, name), record)
    return copy.deepcopy(record)


def _read_action(kind: Kind) -> str:
    return f"{kind.namespace}/{kind.type}/read"


def get(ctx: Request, kind_name: str, group: str, name: str) -> dict[str, Any]:
    kind = KINDS[kind_name]
    record_group = lookup.resource_group(ctx, group)["name"]
    # Checked before the lookup, as every read is: a missing source looks like a forbidden one.
    ctx.authorize(_read_action(kind), str(source_id(ctx.subscription, record_group, kind, name)))
    record = ctx.tx.read(_key(ctx, record_group, kind_name, name))
    if record is None:
        raise resource_not_found(f"{kind.namespace}/{kind.type}/{name}", group)
    return copy.deepcopy(record)


def list_(ctx: Request, group: str | None, kind_name: str | None) -> list[dict[str, Any]]:
    """The sources the caller may read (a list shows only those, as every list does)."""
    groups = (
        [lookup.resource_group(ctx, group)["name"]]
        if group
        else [g["name"] for g in ctx.index()["resourceGroups"].values()]
    )
    out = []
    for group_name in sorted(groups, key=str.lower):
        for kind in [KINDS[kind_name]] if kind_name else list(KINDS.values()):
            folder = ctx.key("resourceGroups", group_name, "sources", kind.name)
            for name in ctx.tx.children(folder):
                record = ctx.tx.read((*folder, name))
                readable = ctx.principal is None or rbac.permitted(
                    ctx.tx,
                    ctx.principal,
                    _read_action(kind),
                    str(source_id(ctx.subscription, group_name, kind, record["name"])),
                )
                if readable:
                    out.append(copy.deepcopy(record))
    return out


def delete(ctx: Request, kind_name: str, group: str, name: str) -> None:
    record_group = lookup.resource_group(ctx, group)["name"]
    kind = KINDS[kind_name]
    ctx.authorize(
        f"{kind.namespace}/{kind.type}/delete",
        str(source_id(ctx.subscription, record_group, kind, name)),
    )
    ctx.tx.delete(_key(ctx, record_group, kind_name, name))


# -- resolving what a version request names -----------------------------------------------------


def resolve_id(ctx: Request, text: str, path: str) -> dict[str, Any]:
    """The record for a source named by resource id (managed image, VM, disk, snapshot)."""
    try:
        rid = ids.parse(text)
    except ArmError:
        raise invalid_parameter(
            f"Property id {text} at path '{path}' is invalid. Expect fully qualified resource Id "
            "that start with '/subscriptions/{subscriptionId}' or '/providers/{resourceProviderNamespace}/'.",
            path,
        ) from None
    kind = (
        _BY_TYPE.get(rid.types[0].lower()) if len(rid.types) == 1 and rid.resource_group else None
    )
    if kind is None or rid.namespace != ids.COMPUTE or rid.is_collection:
        raise not_found(text)
    owner = ctx.in_subscription(rid.subscription)
    record = owner and owner.tx.read(_key(owner, rid.resource_group or "", kind.name, rid.name))
    if record is None:
        raise not_found(text)
    return copy.deepcopy(record)


def resolve_vhd(ctx: Request, uri: str, account_id: str | None, path: str) -> dict[str, Any]:
    """The VHD record for a blob URI; its storage account id must match when given."""
    name = uri.rsplit("/", 1)[-1]
    group = None
    owner: Request | None = ctx
    if account_id:
        try:
            account = ids.parse(account_id)
        except ArmError:
            raise invalid_parameter(
                f"Property storageAccountId {account_id} at path '{path}' is invalid.", path
            ) from None
        group, owner = account.resource_group, ctx.in_subscription(account.subscription)
    if owner is None:
        raise not_found(uri)
    groups = [group] if group else [g["name"] for g in owner.index()["resourceGroups"].values()]
    for group_name in groups:
        record = owner.tx.read(_key(owner, group_name or "", "vhd", name))
        if record and record["properties"]["uri"].lower() == uri.lower():
            if (
                account_id
                and record["properties"]["storageAccountId"].lower() != account_id.lower()
            ):
                break
            return copy.deepcopy(record)
    raise not_found(uri)


def _container(text: Any) -> str:
    """A blob container's name (Azure's rules: 3-63 lower-case letters, digits and single
    hyphens, starting and ending with a letter or digit); `vhds` when none is given."""
    import re

    if text is None:
        return "vhds"
    if not isinstance(text, str) or not re.fullmatch(r"[a-z0-9](?:-?[a-z0-9]){2,62}", text):
        raise invalid_parameter(
            f"The container name '{text}' is invalid: 3 to 63 lower-case letters, digits and "
            "single hyphens, starting and ending with a letter or digit.",
            "container",
        )
    return text


def not_found(text: str) -> ArmError:
    return ArmError(
        "ResourceNotFound",
        f"Source was not found: {text}. Please make sure the source exists.",
        404,
        "source",
    )
