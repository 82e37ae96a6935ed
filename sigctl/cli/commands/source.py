"""`sigctl source`: the artefacts image versions are made from (emulator-only)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli.context import Invocation
from sigctl.cli.framework import CommandGroup
from sigctl.cli.params import (
    Location,
    ResourceGroup,
    choice,
    choice_option,
    disk_size,
    integer,
    values,
)

commands = CommandGroup(
    "Create the managed images, VMs, disks, snapshots and VHDs versions are made from."
)

KINDS = ("managed-image", "vm", "snapshot", "disk", "vhd")
Kind = Annotated[
    str,
    typer.Argument(
        metavar="KIND",
        parser=choice("KIND", *KINDS),
        help="managed-image, vm, snapshot, disk or vhd.",
    ),
]
Name = Annotated[str, typer.Option("--name", "-n", metavar="NAME", help="Name of the source.")]
# The properties of a source's body, and the options that set them.
OPTIONS = {
    "osType": "--os-type",
    "osState": "--os-state",
    "storageAccount": "--storage-account",
    "dataDisks": "--data-disk",
}


# create's options
OsType = Annotated[
    str | None,
    choice_option(
        "--os-type",
        allowed=("Windows", "Linux"),
        help="OS of the source. Required for managed images and VMs; a disk, snapshot or "
        "VHD may have none (as an OS disk it then takes the image definition's).",
    ),
]
OsState = Annotated[
    str | None,
    choice_option(
        "--os-state",
        allowed=("Generalized", "Specialized"),
        help="OS state of a managed image or VM (a disk, snapshot or VHD has none). "
        "Default: Generalized.",
    ),
]
HyperVGeneration = Annotated[
    str | None,
    choice_option(
        "--hyper-v-generation",
        allowed=("V1", "V2"),
        help="Hyper-V generation. Default: V2 for a managed image or VM; a disk, snapshot or "
        "VHD has one only when given.",
    ),
]
SizeGb = Annotated[
    int,
    typer.Option(
        "--size-gb",
        parser=integer("--size-gb"),
        help="Provisioned size of the (OS) disk in GB.",
    ),
]
UsedGb = Annotated[
    int | None,
    typer.Option(
        "--used-gb",
        parser=integer("--used-gb"),
        help="Occupied size in GB (billing uses it). Default: the full size.",
    ),
]
DataDisk = Annotated[
    list[str] | None,
    typer.Option(
        "--data-disk",
        metavar="SIZE[:USED]",
        help="Data disks of a managed image or VM, in LUN order.",
    ),
]
StorageAccount = Annotated[
    str | None,
    typer.Option(
        "--storage-account",
        help="Storage account of a VHD. Default: sigctlvhds. The blob is NAME.vhd (a name "
        "that already ends in .vhd is used as it is).",
    ),
]


@commands.command(
    "create",
    examples=[
        (
            "A generalized Linux managed image with a 30 GB OS disk (10 GB used) and a 32 GB data disk.",
            "{prefix} create managed-image -g MyResourceGroup -n MyManagedImage --os-type Linux --size-gb 30 --used-gb 10 --data-disk 32:0",
        ),
        (
            "An OS disk snapshot for a Windows image.",
            "{prefix} create snapshot -g MyResourceGroup -n osSnap --os-type Windows --size-gb 127 --used-gb 20",
        ),
        (
            "A VHD in a storage account.",
            "{prefix} create vhd -g MyResourceGroup -n os --os-type Linux --storage-account mystorage",
        ),
    ],
)
def create(
    inv: Invocation,
    kind: Kind,
    resource_group: ResourceGroup,
    name: Name,
    os_type: OsType = None,
    location: Location = None,
    os_state: OsState = None,
    hyper_v_generation: HyperVGeneration = None,
    size_gb: SizeGb = 30,
    used_gb: UsedGb = None,
    data_disk: DataDisk = None,
    storage_account: StorageAccount = None,
) -> Any:
    """Create a source artefact for image versions (a managed image, VM, disk, snapshot or VHD)."""
    from sigctl.cli.service_errors import as_options

    client = inv.client
    if location is None:
        location = client.group_location(resource_group)
    spec = {
        "location": location,
        "osType": os_type,
        "osState": os_state,
        "hyperVGeneration": hyper_v_generation,
        "sizeGB": size_gb,
        "usedGB": used_gb,
        "dataDisks": [disk_size(d, "--data-disk") for d in values(data_disk) or []],
        "storageAccount": storage_account,
    }
    with as_options(OPTIONS):
        return client.call("PUT", _path(client, resource_group, kind, name), spec)


@commands.command(
    "show",
    examples=[
        (
            "Show a managed image.",
            "{prefix} show managed-image -g MyResourceGroup -n MyManagedImage",
        )
    ],
)
def show(inv: Invocation, kind: Kind, resource_group: ResourceGroup, name: Name) -> Any:
    """Show a source artefact."""
    client = inv.client
    return client.call("GET", _path(client, resource_group, kind, name))


@commands.command(
    "list",
    examples=[
        ("List every source in a resource group.", "{prefix} list -g MyResourceGroup -o table"),
        ("List the snapshots of the subscription.", "{prefix} list --kind snapshot"),
    ],
)
def list_(
    inv: Invocation,
    resource_group: Annotated[
        str | None,
        typer.Option(
            "--resource-group",
            "-g",
            metavar="NAME",
            help="Name of resource group; omit for the whole subscription.",
        ),
    ] = None,
    kind: Annotated[
        str | None,
        choice_option("--kind", allowed=tuple(KINDS), help="Only sources of this kind."),
    ] = None,
) -> Any:
    """List source artefacts."""
    client = inv.client
    return client.call("GET", _path(client, resource_group), kind=kind)["value"]


@commands.command(
    "delete",
    examples=[("Delete a snapshot.", "{prefix} delete snapshot -g MyResourceGroup -n osSnap")],
)
def delete(inv: Invocation, kind: Kind, resource_group: ResourceGroup, name: Name) -> None:
    """Delete a source artefact (versions made from it keep their own copy)."""
    client = inv.client
    client.call("DELETE", _path(client, resource_group, kind, name))


def _path(client: Any, group: str | None, *kind_and_name: str) -> str:
    """/sigctl/subscriptions/{s}[/resourceGroups/{g}]/sources[/{kind}/{name}]"""
    path = f"/sigctl/subscriptions/{client.subscription}"
    if group is not None:
        path += f"/resourceGroups/{group}"
    return "/".join([path, "sources", *kind_and_name])
