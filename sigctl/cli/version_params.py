"""az's `_params` for `sig image-version`: the options of its commands, with az's help."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli.params import BoolValue, choice_option, integer, three_state


def _text(*names: str, help: str) -> Any:
    return Annotated[str | None, typer.Option(*names, help=help)]


def _many(*names: str, help: str) -> Any:
    return Annotated[list[str] | None, typer.Option(*names, help=help)]


def _tristate(*names: str, help: str) -> Any:
    return Annotated[
        BoolValue | None,
        typer.Option(*names, parser=three_state(names[0]), metavar="{false,true}", help=help),
    ]


TargetRegions = _many(
    "--target-regions",
    help='Space-separated list of regions and their replica counts. Use "<region>[=<replica count>]'
    '[=<storage account type>]" to optionally set the replica count and/or storage account type for each region. '
    "If a replica count is not specified, the default replica count will be used. If a storage account type is "
    "not specified, the default storage account type will be used.",
)
ReplicaCount = Annotated[
    int | None,
    typer.Option(
        "--replica-count",
        parser=integer("--replica-count"),
        help="The default number of replicas to be created per region. To set regional replication counts, use --target-regions.",
    ),
]
TargetEdgeZones = _many(
    "--target-edge-zones",
    help="Space-separated list of regions, edge zones, replica counts and storage types. Use "
    "`<region>=<edge zone>[=<replica count>][=<storage account type>]` to optionally set the replica count "
    "and/or storage account type for each region. If a replica count is not specified, the default replica "
    "count will be used. If a storage account type is not specified, the default storage account type will "
    'be used. If "--target-edge-zones None" is specified, the target extended locations will be cleared.',
)
AllowReplicatedLocationDeletion = _tristate(
    "--allow-replicated-location-deletion",
    help="Indicate whether or not removing this gallery image version from replicated regions is allowed.",
)
BlockDeletion = _tristate(
    "--block-deletion-before-end-of-life",
    "--block-delete-before-eol",
    help="Indicate whether or not the deletion is blocked for this gallery image version if its end of life has not expired.",
)
Expand = Annotated[
    str | None,
    choice_option(
        "--expand",
        allowed=("ReplicationStatus", "UefiSettings"),
        help="The expand expression to apply on the operation, e.g. 'ReplicationStatus'.",
    ),
]
# az's generated `list` declares -i first, so argparse names it so when it is missing.
ImageDefinitionList = Annotated[
    str,
    typer.Option(
        "-i",
        "--gallery-image-name",
        "--gallery-image-definition",
        metavar="NAME",
        help="Gallery image definition.",
    ),
]


# -- create's own options --------------------------------------------------------------------------

ManagedImage = _text(
    "--managed-image", help="Image name (if in the same resource group) or resource id."
)
VirtualMachine = _text("--virtual-machine", help="Resource id of VM source.")
ImageVersionSource = _text("--image-version", help="Resource id of gallery image version source.")
OsSnapshot = _text("--os-snapshot", help="Name or ID of OS disk snapshot.")
DataSnapshots = _many(
    "--data-snapshots", help="Names or IDs (space-delimited) of data disk snapshots."
)
DataSnapshotLuns = _many(
    "--data-snapshot-luns",
    help="Logical unit numbers (space-delimited) of data disk snapshots.",
)
OsVhdUri = _text("--os-vhd-uri", help="Source VHD URI of OS disk.")
OsVhdStorageAccount = _text(
    "--os-vhd-storage-account",
    help="Name or ID of storage account of source VHD URI of OS disk.",
)
DataVhdsUris = _many("--data-vhds-uris", help="Source VHD URIs (space-delimited) of data disks.")
DataVhdsLuns = _many(
    "--data-vhds-luns",
    help="Logical unit numbers (space-delimited) of source VHD URIs of data disks.",
)
DataVhdsStorageAccounts = _many(
    "--data-vhds-storage-accounts",
    "--data-vhds-sa",
    help="Names or IDs (space-delimited) of storage accounts of source VHD URIs of data disks.",
)
StorageAccountType = Annotated[
    str | None,
    choice_option(
        "--storage-account-type",
        allowed=("Standard_LRS", "Standard_ZRS", "Premium_LRS"),
        help="The default storage account type to be used per region.",
    ),
]
ExcludeFromLatest = _tristate(
    "--exclude-from-latest",
    help="The flag means that if it is set to true, people deploying VMs with version omitted will not use this version.",
)
EndOfLifeDate = _text("--end-of-life-date", help="The end of life date, e.g. '2020-12-31'.")
ReplicationMode = Annotated[
    str | None,
    choice_option(
        "--replication-mode",
        allowed=("Full", "Shallow"),
        help="Optional parameter which specifies the mode to be used for replication. This property is not updatable.",
    ),
]
TargetRegionEncryption = _many(
    "--target-region-encryption",
    help="Space-separated list of customer managed keys for encrypting the OS and data disks in the "
    "gallery artifact for each region. Format for each region: `<os_des>,<lun1>,<lun1_des>,<lun2>,"
    '<lun2_des>`. Use "null" as a placeholder.',
)
TargetRegionCvmEncryption = _many(
    "--target-region-cvm-encryption",
    help="Space-separated list of customer managed key for Confidential VM encrypting the OS disk in "
    "the gallery artifact for each region. Format for each region: `<os_cvm_encryption_type>,"
    "<os_cvm_des>`. The valid values for os_cvm_encryption_type are EncryptedVMGuestStateOnlyWithPmk, "
    "EncryptedWithPmk, EncryptedWithCmk.",
)
TargetEdgeZoneEncryption = _many(
    "--target-edge-zone-encryption",
    "--zone-encryption",
    help="Space-separated list of customer managed keys for encrypting the OS and data disks in the "
    "gallery artifact for each region. Format for each edge zone: `<edge zone>,<os_des>,<lun1>,"
    "<lun1_des>,<lun2>,<lun2_des>`.",
)


# -- list-soft-deleted and resolve -----------------------------------------------------------------

SoftDeletedDefinition = Annotated[
    str,
    typer.Option(
        "--gallery-image-definition",
        "--gallery-image-name",
        "-i",
        metavar="NAME",
        help="The artifact name (image definition) of the soft-deleted versions.",
    ),
]
ArtifactType = Annotated[
    str,
    typer.Option(
        "--artifact-type",
        help="The type of the soft-deleted artifacts: image versions are of type Images.",
    ),
]
ResolveLocation = Annotated[
    str | None,
    typer.Option(
        "--location",
        "-l",
        metavar="LOCATION",
        help="The region a deployment would ask for (latest among versions replicated there).",
    ),
]
ResolveId = Annotated[
    str | None,
    typer.Option(
        "--id", metavar="ID", help="An image definition id, or its .../versions/latest id."
    ),
]
Explain = Annotated[
    bool,
    typer.Option(
        "--explain", help="Print every candidate with the reasons it was or was not chosen."
    ),
]
