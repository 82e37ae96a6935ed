"""Image versions: `sigctl image-version ...` and `sigctl sig image-version ...`."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sigctl.cli import shared_views
from sigctl.cli.arguments import (
    custom_tags,
    definition_target,
    name_or_id,
    parse_id,
    version_target,
)
from sigctl.cli.context import Invocation
from sigctl.cli.errors import CliError
from sigctl.cli.framework import CommandGroup, WithTable
from sigctl.cli.generic_update import Updater, decode, unflatten
from sigctl.cli.output import flatten
from sigctl.cli.paging import MaxItems, NextToken, paginate
from sigctl.cli.params import (
    AddArg,
    BoolValue,
    CustomTags,
    ForceStringFlag,
    GalleryName,
    GalleryNameOrIds,
    ImageDefinitionCreate,
    ImageDefinitionOnlyOrIds,
    ImageDefinitionOrIds,
    Location,
    RemoveArg,
    ResourceGroup,
    ResourceGroupOrIds,
    SetArg,
    StoreTrueNoWait,
    VersionNameOnly,
    VersionNameOrIds,
    aaz_bool_option,
    choice_option,
    integer,
    three_state,
    values,
)
from sigctl.cli.regions_arg import parse_edge_zones, parse_target_regions
from sigctl.cli.resource_commands import QueryOption, Resource
from sigctl.errors import ArmError
from sigctl.provider import ids
from sigctl.provider.ids import ResourceId

if TYPE_CHECKING:
    from sigctl.cli.client import Client

commands = CommandGroup("Manage shared gallery image versions.")

API_VERSION = "2024-03-03"
EOL_WARNING = (
    "The default value of '--end-of-life-date' will be changed to '6 months from publish date' "
    "from 'None' in a future release."
)
BLOCK_WARNING = (
    "The default value of '--block-deletion-before-end-of-life' will be changed to 'True' from "
    "'None' in a future release."
)
# Read-only parts of the printed shape that az's update does not send back.
READ_ONLY = ("provisioningState", "replicationStatus", "validationsProfile")
STRING_PATHS = (
    "tags.*",
    "publishingProfile.endOfLifeDate",
    "publishingProfile.targetRegions.*.name",
)


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


def shape(body: dict[str, Any]) -> dict[str, Any]:
    """The printed shape: flattened, and only what az's schema knows of validationsProfile."""
    out = flatten(body)
    if "validationsProfile" in out:
        known = ("executedValidations", "platformAttributes", "validationEtag")
        out["validationsProfile"] = {
            k: v for k, v in out["validationsProfile"].items() if k in known
        }
    return out


def show_table(result: Any) -> Any:
    """az's table transformer for `sig image-version show` (null columns dropped)."""

    def row(item: dict[str, Any]) -> dict[str, Any]:
        profile = item.get("publishingProfile") or {}
        regions = profile.get("targetRegions")
        zones = profile.get("targetExtendedLocations")
        columns = {
            "Name": item.get("name"),
            "ResourceGroup": item.get("resourceGroup"),
            "ProvisioningState": item.get("provisioningState"),
            "TargetRegions": ", ".join(r["name"] for r in regions) if regions else None,
            "EdgeZones": ", ".join(z["name"] for z in zones) if zones else None,
            "ReplicationState": (item.get("replicationStatus") or {}).get("aggregatedState"),
        }
        return {k: v for k, v in columns.items() if v is not None}

    return [row(i) for i in result] if isinstance(result, list) else row(result)


def _set_id(inv: Invocation, group: str) -> Callable[[str], str]:
    """az's reading of a disk encryption set argument: a name is a set in -g."""
    return lambda text: name_or_id(inv, text, group, "diskEncryptionSets")


def _valid_id(text: str, route: tuple[str, tuple[str, ...]]) -> bool:
    try:
        parsed = ids.parse(text)
    except ArmError:
        return False
    return parsed.route == route and not parsed.is_collection


def _storage_profile(
    inv: Invocation,
    group: str,
    managed_image: str | None,
    virtual_machine: str | None,
    image_version: str | None,
    os_snapshot: str | None,
    data_snapshots: list[str] | None,
    data_snapshot_luns: list[str] | None,
    os_vhd_uri: str | None,
    os_vhd_storage_account: str | None,
    data_vhds_uris: list[str] | None,
    data_vhds_luns: list[str] | None,
    data_vhds_storage_accounts: list[str] | None,
) -> dict[str, Any]:
    """az's source validators, in az's order and with az's texts, then the storageProfile."""
    if sum(x is not None for x in (managed_image, virtual_machine, image_version)) > 1:
        raise CliError(
            "usage error: please specify only one of the --managed-image\\--virtual-machine\\--image-version arguments"
        )
    if not any((managed_image, virtual_machine, image_version, os_snapshot, os_vhd_uri)):
        raise CliError("usage error: Please provide --managed-image or --os-snapshot or --vhd")
    if data_snapshot_luns and not data_snapshots:
        raise CliError(
            "usage error: --data-snapshot-luns must be used together with --data-snapshots"
        )
    if data_snapshots and data_snapshot_luns and len(data_snapshots) != len(data_snapshot_luns):
        raise CliError(
            "usage error: Length of --data-snapshots and --data-snapshot-luns should be equal."
        )
    if bool(os_vhd_uri) != bool(os_vhd_storage_account):
        raise CliError("--os-vhd-uri and --os-vhd-storage-account should be used together.")
    if bool(data_vhds_uris) != bool(data_vhds_storage_accounts):
        raise CliError("--data-vhds-uris and --data-vhds-storage-accounts should be used together.")
    if data_vhds_luns and not data_vhds_uris:
        raise CliError("--data-vhds-luns must be used together with --data-vhds-uris")
    if data_vhds_uris and (
        (data_vhds_luns and len(data_vhds_luns) != len(data_vhds_uris))
        or len(data_vhds_storage_accounts or []) != len(data_vhds_uris)
    ):
        raise CliError(
            "Length of --data-vhds-uris, --data-vhds-luns, --data-vhds-storage-accounts must be same."
        )

    profile: dict[str, Any] = {}
    if virtual_machine is not None:
        if not _valid_id(virtual_machine, ("microsoft.compute", ("virtualmachines",))):
            raise CliError(f"usage error: {virtual_machine} is an invalid VM resource id")
        profile["source"] = {"virtualMachineId": virtual_machine}
    elif image_version is not None:
        if not _valid_id(image_version, ("microsoft.compute", ("galleries", "images", "versions"))):
            raise CliError(f"usage error: {image_version} is an invalid gallery image version id")
        profile["source"] = {"id": image_version}
    elif managed_image is not None:
        profile["source"] = {"id": name_or_id(inv, managed_image, group, "images")}
    if os_snapshot:
        profile["osDiskImage"] = {
            "source": {"id": name_or_id(inv, os_snapshot, group, "snapshots")}
        }
    elif os_vhd_uri:
        account = name_or_id(
            inv, os_vhd_storage_account or "", group, "storageAccounts", ids.STORAGE
        )
        profile["osDiskImage"] = {"source": {"uri": os_vhd_uri, "storageAccountId": account}}
    data: list[dict[str, Any]] = []
    for i, snapshot in enumerate(data_snapshots or []):
        lun = _lun(data_snapshot_luns[i]) if data_snapshot_luns else i
        data.append({"lun": lun, "source": {"id": name_or_id(inv, snapshot, group, "snapshots")}})
    for i, uri in enumerate(data_vhds_uris or []):
        lun = _lun(data_vhds_luns[i]) if data_vhds_luns else i
        account = name_or_id(
            inv, (data_vhds_storage_accounts or [])[i], group, "storageAccounts", ids.STORAGE
        )
        data.append({"lun": lun, "source": {"uri": uri, "storageAccountId": account}})
    if data:
        profile["dataDiskImages"] = data
    return profile


def _lun(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise CliError(f"usage error: '{text}' is not a valid LUN (a whole number)") from None


@commands.command(
    "create",
    policy=True,
    examples=[
        (
            "Add a new image version from a managed image, replicated to two regions.",
            "{prefix} create -g MyResourceGroup -r MyGallery -i MyImage -e 1.0.0 --managed-image MyManagedImage "
            "--target-regions eastus2 westus2=2",
        ),
        (
            "Add a new image version from OS and data disk snapshots.",
            "{prefix} create -g MyResourceGroup -r MyGallery -i MyImage -e 1.0.1 --os-snapshot osSnap "
            "--data-snapshots dataSnap --data-snapshot-luns 0",
        ),
        (
            "Add a version excluded from latest, with an end-of-life date, without waiting.",
            "{prefix} create -g MyResourceGroup -r MyGallery -i MyImage -e 1.1.0 --managed-image MyManagedImage "
            "--exclude-from-latest --end-of-life-date 2030-12-31 --no-wait",
        ),
    ],
)
def create(
    inv: Invocation,
    resource_group: ResourceGroup,
    gallery_name: GalleryName,
    gallery_image_definition: ImageDefinitionCreate,
    gallery_image_version: VersionNameOnly,
    location: Location = None,
    managed_image: _text(
        "--managed-image", help="Image name (if in the same resource group) or resource id."
    ) = None,
    virtual_machine: _text("--virtual-machine", help="Resource id of VM source.") = None,
    image_version: _text(
        "--image-version", help="Resource id of gallery image version source."
    ) = None,
    os_snapshot: _text("--os-snapshot", help="Name or ID of OS disk snapshot.") = None,
    data_snapshots: _many(
        "--data-snapshots", help="Names or IDs (space-delimited) of data disk snapshots."
    ) = None,
    data_snapshot_luns: _many(
        "--data-snapshot-luns",
        help="Logical unit numbers (space-delimited) of data disk snapshots.",
    ) = None,
    os_vhd_uri: _text("--os-vhd-uri", help="Source VHD URI of OS disk.") = None,
    os_vhd_storage_account: _text(
        "--os-vhd-storage-account",
        help="Name or ID of storage account of source VHD URI of OS disk.",
    ) = None,
    data_vhds_uris: _many(
        "--data-vhds-uris", help="Source VHD URIs (space-delimited) of data disks."
    ) = None,
    data_vhds_luns: _many(
        "--data-vhds-luns",
        help="Logical unit numbers (space-delimited) of source VHD URIs of data disks.",
    ) = None,
    data_vhds_storage_accounts: _many(
        "--data-vhds-storage-accounts",
        "--data-vhds-sa",
        help="Names or IDs (space-delimited) of storage accounts of source VHD URIs of data disks.",
    ) = None,
    target_regions: TargetRegions = None,
    replica_count: ReplicaCount = None,
    storage_account_type: Annotated[
        str | None,
        choice_option(
            "--storage-account-type",
            allowed=("Standard_LRS", "Standard_ZRS", "Premium_LRS"),
            help="The default storage account type to be used per region.",
        ),
    ] = None,
    exclude_from_latest: _tristate(
        "--exclude-from-latest",
        help="The flag means that if it is set to true, people deploying VMs with version omitted will not use this version.",
    ) = None,
    end_of_life_date: _text(
        "--end-of-life-date", help="The end of life date, e.g. '2020-12-31'."
    ) = None,
    replication_mode: Annotated[
        str | None,
        choice_option(
            "--replication-mode",
            allowed=("Full", "Shallow"),
            help="Optional parameter which specifies the mode to be used for replication. This property is not updatable.",
        ),
    ] = None,
    allow_replicated_location_deletion: AllowReplicatedLocationDeletion = None,
    block_deletion_before_end_of_life: BlockDeletion = None,
    tags: CustomTags = None,
    target_edge_zones: TargetEdgeZones = None,
    target_region_encryption: _many(
        "--target-region-encryption",
        help="Space-separated list of customer managed keys for encrypting the OS and data disks in the "
        "gallery artifact for each region. Format for each region: `<os_des>,<lun1>,<lun1_des>,<lun2>,"
        '<lun2_des>`. Use "null" as a placeholder.',
    ) = None,
    target_region_cvm_encryption: _many(
        "--target-region-cvm-encryption",
        help="Space-separated list of customer managed key for Confidential VM encrypting the OS disk in "
        "the gallery artifact for each region. Format for each region: `<os_cvm_encryption_type>,"
        "<os_cvm_des>`. The valid values for os_cvm_encryption_type are EncryptedVMGuestStateOnlyWithPmk, "
        "EncryptedWithPmk, EncryptedWithCmk.",
    ) = None,
    target_edge_zone_encryption: _many(
        "--target-edge-zone-encryption",
        "--zone-encryption",
        help="Space-separated list of customer managed keys for encrypting the OS and data disks in the "
        "gallery artifact for each region. Format for each edge zone: `<edge zone>,<os_des>,<lun1>,"
        "<lun1_des>,<lun2>,<lun2_des>`.",
    ) = None,
    no_wait: StoreTrueNoWait = False,
) -> Any:
    """Create a new image version.

    This operation might take a long time depending on the replicate region number. Use
    "--no-wait" is advised.
    """
    from sigctl.cli import lro
    from sigctl.cli.dates import end_of_life

    invocation = inv
    client = invocation.client
    # az's validator reads the targets before the sources are checked
    regions = parse_target_regions(
        values(target_regions) or [],
        values(target_region_encryption),
        values(target_region_cvm_encryption),
        _set_id(inv, resource_group),
    )
    zones = parse_edge_zones(
        values(target_edge_zones) or [],
        values(target_edge_zone_encryption),
        _set_id(inv, resource_group),
    )
    storage = _storage_profile(
        inv,
        resource_group,
        managed_image,
        virtual_machine,
        image_version,
        os_snapshot,
        values(data_snapshots),
        values(data_snapshot_luns),
        os_vhd_uri,
        os_vhd_storage_account,
        values(data_vhds_uris),
        values(data_vhds_luns),
        values(data_vhds_storage_accounts),
    )
    invocation.warn(EOL_WARNING)
    invocation.warn(BLOCK_WARNING)
    eol = end_of_life(end_of_life_date) if end_of_life_date else None
    if location is None:
        location = client.group_location(resource_group)
    profile: dict[str, Any] = {"targetRegions": regions or [{"name": location}]}
    optional = {
        "replicaCount": replica_count,
        "storageAccountType": storage_account_type,
        "excludeFromLatest": exclude_from_latest,
        "endOfLifeDate": eol,
        "replicationMode": replication_mode,
        "targetExtendedLocations": zones or None,
    }
    profile.update({k: v for k, v in optional.items() if v is not None})
    props: dict[str, Any] = {"publishingProfile": profile, "storageProfile": storage}
    safety = {
        k: v
        for k, v in (
            ("allowDeletionOfReplicatedLocations", allow_replicated_location_deletion),
            ("blockDeletionBeforeEndOfLife", block_deletion_before_end_of_life),
        )
        if v is not None
    }
    if safety:
        props["safetyProfile"] = safety
    body = {"location": location, "properties": props, "tags": custom_tags(tags)}
    target = ids.version_id(
        client.subscription,
        resource_group,
        gallery_name,
        gallery_image_definition,
        gallery_image_version,
    )
    for attempt in client.attempts():  # create on an existing version is an update: compare with it
        with attempt:
            before = _existing_regions(client, target)
            result = client.put(target, body, api_version=API_VERSION)
    _warn_lost(inv, before, result)
    if no_wait:
        return None
    return shape(lro.complete(inv, target, api_version=API_VERSION))


VERSION = Resource(
    target=version_target,
    names=[
        ("resource_group", ResourceGroupOrIds),
        ("gallery_name", GalleryNameOrIds),
        ("gallery_image_definition", ImageDefinitionOnlyOrIds),
        ("gallery_image_version", VersionNameOrIds),
    ],
    collection=lambda subscription, group, gallery, definition: ids.compute_id(
        subscription, group, "galleries", gallery, "images", definition, "versions"
    ),
    listing=[ResourceGroup, GalleryName, ImageDefinitionList],
    api_version=API_VERSION,
    shape=shape,
)
ExpandQuery = QueryOption("expand", Expand, lambda given: {"$expand": given} if given else {})
VERSION.show(
    commands,
    "Get information about a gallery image version.",
    [
        (
            "Get information about a gallery image version.",
            "{prefix} show -g MyResourceGroup -r MyGallery -i MyImage -e 1.0.0",
        ),
        (
            "Show the per-region replication state.",
            "{prefix} show -g MyResourceGroup -r MyGallery -i MyImage -e 1.0.0 --expand ReplicationStatus --query replicationStatus",
        ),
        (
            "Show it as az's table.",
            "{prefix} show -g MyResourceGroup -r MyGallery -i MyImage -e 1.0.0 --expand ReplicationStatus -o table",
        ),
    ],
    api_version=None,
    options=[ExpandQuery],
    table=show_table,
)
VERSION.list_(
    commands,
    "List gallery image versions in a gallery image definition.",
    [
        (
            "List the versions of an image definition.",
            "{prefix} list -g MyResourceGroup -r MyGallery -i MyImage",
        ),
        (
            "List version names only.",
            "{prefix} list -g MyResourceGroup -r MyGallery -i MyImage --query [].name -o tsv",
        ),
    ],
)


@commands.command(
    "update",
    policy=True,
    examples=[
        (
            "Replace the target regions (the whole list) and the default replica count.",
            "{prefix} update -g MyResourceGroup -r MyGallery -i MyImage -e 1.0.0 --target-regions eastus2 westus2=2 --replica-count 2",
        ),
        (
            "Exclude a version from latest.",
            "{prefix} update -g MyResourceGroup -r MyGallery -i MyImage -e 1.0.0 --set publishingProfile.excludeFromLatest=true",
        ),
        (
            "Add a target region.",
            "{prefix} update -g MyResourceGroup -r MyGallery -i MyImage -e 1.0.0 --add publishingProfile.targetRegions name=westcentralus regionalReplicaCount=3",
        ),
    ],
)
def update(
    inv: Invocation,
    resource_group: ResourceGroup,
    gallery_name: GalleryName,
    gallery_image_definition: ImageDefinitionCreate,
    gallery_image_version: VersionNameOnly,
    target_regions: TargetRegions = None,
    replica_count: ReplicaCount = None,
    allow_replicated_location_deletion: AllowReplicatedLocationDeletion = None,
    block_deletion_before_end_of_life: BlockDeletion = None,
    target_edge_zones: TargetEdgeZones = None,
    set_: SetArg = None,
    add: AddArg = None,
    remove: RemoveArg = None,
    force_string: ForceStringFlag = False,
    no_wait: StoreTrueNoWait = False,
) -> Any:
    """Update a share image version.

    Only target regions, replica counts, exclude-from-latest, end-of-life date, the safety
    profile and tags may change. --target-regions replaces the whole list; removing a region
    that holds replicas needs allowDeletionOfReplicatedLocations.
    """
    from sigctl.cli import lro

    invocation = inv
    client = invocation.client
    regions = (
        parse_target_regions(values(target_regions) or []) if target_regions is not None else None
    )
    zones = (
        parse_edge_zones(values(target_edge_zones) or []) if target_edge_zones is not None else None
    )
    invocation.warn(BLOCK_WARNING)
    target = ids.version_id(
        client.subscription,
        resource_group,
        gallery_name,
        gallery_image_definition,
        gallery_image_version,
    )
    # GET then PUT, retried if another writer came between: parallel updates lose nothing.
    for attempt in client.attempts():
        with attempt:
            instance = shape(client.get(target, api_version=API_VERSION))
            before = [r["name"] for r in instance["publishingProfile"]["targetRegions"]]
            profile = instance["publishingProfile"]
            if regions:
                profile["targetRegions"] = regions
            if replica_count is not None:
                profile["replicaCount"] = replica_count
            if zones:
                profile["targetExtendedLocations"] = zones
            elif zones is not None:  # `None` or nothing after the option clears them, as in az
                profile.pop("targetExtendedLocations", None)
            safety = instance.setdefault("safetyProfile", {})
            if allow_replicated_location_deletion is not None:
                safety["allowDeletionOfReplicatedLocations"] = allow_replicated_location_deletion
            if block_deletion_before_end_of_life is not None:
                safety["blockDeletionBeforeEndOfLife"] = block_deletion_before_end_of_life
            Updater(instance, [], inv.warn, lenient=True, strings=STRING_PATHS).apply(
                decode(set_, add, remove), bool(force_string)
            )
            # az clears the sources before sending (they cannot change) and the service ignores read-only parts.
            storage = instance.get("storageProfile") or {}
            storage.pop("source", None)
            (storage.get("osDiskImage") or {}).pop("source", None)
            for disk in storage.get("dataDiskImages") or []:
                disk.pop("source", None)
            for key in READ_ONLY:
                instance.pop(key, None)
            result = client.put(target, unflatten(instance), api_version=API_VERSION)
    _warn_lost(inv, before, result)
    if no_wait:
        return None
    return shape(lro.complete(inv, target, api_version=API_VERSION))


def _existing_regions(client: Client, target: ResourceId) -> list[str]:
    """The target regions of the version `target` names; none if it does not exist yet."""
    try:
        found = client.get(target, api_version=API_VERSION)
    except ArmError:
        return []  # the PUT reports a missing parent or name with the service's error
    return [r["name"] for r in found["properties"]["publishingProfile"]["targetRegions"]]


def _warn_lost(inv: Invocation, before: list[str], result: dict[str, Any]) -> None:
    """Say which regions lost their replicas, so removing a region is never silent."""

    def normalise(name: str) -> str:
        return "".join(name.split()).lower()

    after = {
        normalise(r["name"]) for r in result["properties"]["publishingProfile"]["targetRegions"]
    }
    lost = [name for name in before if normalise(name) not in after]
    if lost:
        inv.warn(
            f"Replicas in {', '.join(lost)} are deleted: the region is no longer a target region."
        )


# az's delete also takes the definition as --gallery-image-name.
dataclasses.replace(
    VERSION,
    names=[
        *VERSION.names[:2],
        ("gallery_image_definition", ImageDefinitionOrIds),
        VERSION.names[3],
    ],
).delete(
    commands,
    "Delete a gallery image version.",
    [
        (
            "Delete a gallery image version.",
            "{prefix} delete -g MyResourceGroup -r MyGallery -i MyImage -e 1.0.0",
        ),
        (
            "Delete it for good in a gallery with soft delete.",
            "{prefix} delete -g MyResourceGroup -r MyGallery -i MyImage -e 1.0.0 --bypass-soft-delete",
        ),
    ],
    options=[
        QueryOption(
            "bypass_soft_delete",
            Annotated[
                BoolValue | None,
                aaz_bool_option(
                    "--bypass-soft-delete",
                    help="Delete the version for good even if the gallery has soft delete enabled.",
                ),
            ],
            lambda given: {"bypassSoftDelete": "true"} if given else {},
        )
    ],
)
VERSION.wait(
    commands,
    "Place the CLI in a waiting state until a condition of the image version is met.",
    [
        (
            "Wait until a version is created (replicated everywhere).",
            "{prefix} wait -g MyResourceGroup -r MyGallery -i MyImage -e 1.0.0 --created",
        ),
        (
            "Wait until one region has completed.",
            "{prefix} wait -g MyResourceGroup -r MyGallery -i MyImage -e 1.0.0 --expand ReplicationStatus "
            "--custom \"properties.replicationStatus.summary[?region=='West US 2'].state | [0]=='Completed'\"",
        ),
    ],
    options=[ExpandQuery],
)


@commands.command(
    "undelete",
    policy=True,
    examples=[
        (
            "Restore a soft-deleted image version.",
            "{prefix} undelete -g MyResourceGroup -r MyGallery -i MyImage -e 1.0.0",
        )
    ],
)
def undelete(
    inv: Invocation,
    resource_group: ResourceGroup,
    gallery_name: GalleryName,
    gallery_image_definition: ImageDefinitionCreate,
    gallery_image_version: VersionNameOnly,
    location: Location = None,
    tags: CustomTags = None,
    allow_replicated_location_deletion: AllowReplicatedLocationDeletion = None,
    no_wait: StoreTrueNoWait = False,
) -> Any:
    """Restore soft deleted Image Version."""
    client = inv.client
    gallery = client.get(ids.gallery_id(client.subscription, resource_group, gallery_name))
    if not gallery["properties"].get("softDeletePolicy", {}).get("isSoftDeleteEnabled"):
        raise CliError(f"soft-deletion is not enabled in Gallery '{gallery_name}'")
    props: dict[str, Any] = {"restore": True, "storageProfile": {}}
    if allow_replicated_location_deletion is not None:
        props["safetyProfile"] = {
            "allowDeletionOfReplicatedLocations": allow_replicated_location_deletion
        }
    body: dict[str, Any] = {"location": location or gallery["location"], "properties": props}
    if tags is not None:
        body["tags"] = custom_tags(tags)
    target = ids.version_id(
        client.subscription,
        resource_group,
        gallery_name,
        gallery_image_definition,
        gallery_image_version,
    )
    result = client.patch(target, body, api_version=API_VERSION)
    return None if no_wait else shape(result)


@commands.command(
    "list-soft-deleted",
    policy=True,
    examples=[
        (
            "List the soft-deleted versions of an image definition.",
            "{prefix} list-soft-deleted -g MyResourceGroup -r MyGallery -i MyImage",
        )
    ],
)
def list_soft_deleted(
    inv: Invocation,
    resource_group: ResourceGroup,
    gallery_name: GalleryName,
    gallery_image_definition: Annotated[
        str,
        typer.Option(
            "--gallery-image-definition",
            "--gallery-image-name",
            "-i",
            metavar="NAME",
            help="The artifact name (image definition) of the soft-deleted versions.",
        ),
    ],
    artifact_type: Annotated[
        str,
        typer.Option(
            "--artifact-type",
            help="The type of the soft-deleted artifacts: image versions are of type Images.",
        ),
    ] = "Images",
    max_items: MaxItems = None,
    next_token: NextToken = None,
) -> Any:
    """List soft-deleted resources of an artifact in the gallery, such as soft-deleted gallery image version of an Image."""
    client = inv.client
    collection = (
        f"/subscriptions/{client.subscription}/resourceGroups/{resource_group}/providers/Microsoft.Compute/galleries/"
        f"{gallery_name}/softDeletedArtifactTypes/{artifact_type}/artifacts/{gallery_image_definition}/versions"
    )
    found = client.list(collection, api_version=API_VERSION)
    return paginate(inv, [flatten(v) for v in found], max_items, next_token)


@commands.command(
    "resolve",
    examples=[
        (
            "Which version does 'latest' mean for this definition?",
            "{prefix} resolve -g MyResourceGroup -r MyGallery -i MyImage --query name -o tsv",
        ),
        (
            "Which version would a VM in West US 2 get, and why not the others?",
            "{prefix} resolve -g MyResourceGroup -r MyGallery -i MyImage -l westus2 --explain",
        ),
        (
            "Resolve a .../versions/latest id, as a VM deployment would.",
            "{prefix} resolve --id /subscriptions/SUB/resourceGroups/MyResourceGroup/providers/Microsoft.Compute/galleries/MyGallery/images/MyImage/versions/latest",
        ),
    ],
)
def resolve(
    inv: Invocation,
    resource_group: ResourceGroupOrIds = None,
    gallery_name: GalleryNameOrIds = None,
    gallery_image_definition: ImageDefinitionOrIds = None,
    location: Annotated[
        str | None,
        typer.Option(
            "--location",
            "-l",
            metavar="LOCATION",
            help="The region a deployment would ask for (latest among versions replicated there).",
        ),
    ] = None,
    id_: Annotated[
        str | None,
        typer.Option(
            "--id", metavar="ID", help="An image definition id, or its .../versions/latest id."
        ),
    ] = None,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain", help="Print every candidate with the reasons it was or was not chosen."
        ),
    ] = False,
) -> Any:
    """Resolve which image version "latest" means, and optionally explain why.

    The service's rule: the highest Major.Minor.Patch (compared as numbers) that is not excluded
    from latest (a region's own flag overrides the global one), has a completed replica in the
    region asked, and is not soft-deleted; without a region, one that finished provisioning.
    End of life does not exclude a version; it only warns.
    """
    invocation = inv
    client = invocation.client
    if id_:
        definition = _definition_from_id(id_)
    else:
        definition = definition_target(inv, resource_group, gallery_name, gallery_image_definition)
    path = f"/sigctl/subscriptions/{definition.subscription}/latest"
    query = {"definition": str(definition), "location": location, "explain": explain or None}
    result = client.call("GET", path, **query)
    for verdict in result["candidates"] if not explain else []:
        if verdict["name"] == result["latest"]:
            for warning in verdict["warnings"]:
                invocation.warn(f"{verdict['name']}: {warning}")
    if explain:
        return _verdicts(result)
    return shape(result["version"])


def _verdicts(result: dict[str, Any]) -> Any:
    """--explain: one entry per candidate, the one "latest" means marked; an OrderedDict so that
    `-o tsv` prints version, eligibility and choice first, one version a line."""
    from collections import OrderedDict

    verdicts = [
        OrderedDict(
            name=c["name"],
            eligible=c["eligible"],
            latest=c["name"] == result["latest"],
            provisioningState=c["provisioningState"],
            reasons=c["reasons"],
            warnings=c["warnings"],
        )
        for c in result["candidates"]
    ]
    rows = [
        {
            "Version": v["name"],
            "Eligible": v["eligible"],
            "Latest": v["latest"],
            "Reasons": "; ".join(v["reasons"]),
        }
        for v in verdicts
    ]
    return WithTable(verdicts, rows)


def _definition_from_id(text: str) -> ResourceId:
    parsed = parse_id(text)
    route = parsed.route
    if (
        route == ("microsoft.compute", ("galleries", "images", "versions"))
        and parsed.name.lower() == "latest"
    ):
        return parsed.parent()
    if route == ("microsoft.compute", ("galleries", "images")) and not parsed.is_collection:
        return parsed
    raise CliError(
        f"usage error: '{text}' is neither an image definition id nor a .../versions/latest id"
    )


# -- what consumers see ----------------------------------------------------------------------------


@commands.command(
    "list-shared",
    policy=True,
    examples=[
        (
            "The versions of a definition shared with you.",
            "{prefix} list-shared --gallery-unique-name UNIQUE_NAME -i MyImage -l eastus2",
        )
    ],
)
def list_shared(
    inv: Invocation,
    gallery_unique_name: shared_views.UniqueName,
    gallery_image_definition: shared_views.Definition,
    location: shared_views.Location,
    shared_to: shared_views.SharedTo = None,
    max_items: MaxItems = None,
    next_token: NextToken = None,
) -> Any:
    """List VM image versions in a gallery shared directly to your subscription or tenant."""
    versions = shared_views.fetch(
        inv,
        "sharedGalleries",
        location,
        gallery_unique_name,
        gallery_image_definition,
        shared_to=shared_to,
        many=True,
    )
    return paginate(inv, versions, max_items, next_token)


@commands.command(
    "show-shared",
    policy=True,
    examples=[
        (
            "Show a shared version.",
            "{prefix} show-shared --gallery-unique-name UNIQUE_NAME -i MyImage -e 1.0.0 -l eastus2",
        )
    ],
)
def show_shared(
    inv: Invocation,
    gallery_unique_name: shared_views.UniqueNameOrIds = None,
    gallery_image_definition: shared_views.DefinitionOrIds = None,
    gallery_image_version: shared_views.VersionOrIds = None,
    location: shared_views.LocationOrIds = None,
    ids_: shared_views.ViewIds = None,
) -> Any:
    """Get a shared gallery image version."""
    return shared_views.show(
        inv,
        "sharedGalleries",
        ids_,
        location,
        ("--gallery-unique-name", gallery_unique_name),
        ("-i", gallery_image_definition),
        ("-e", gallery_image_version),
    )


@commands.command(
    "list-community",
    policy=True,
    examples=[
        (
            "The versions of a community image.",
            "{prefix} list-community --public-gallery-name PUBLIC_NAME -i MyImage -l eastus2",
        )
    ],
)
def list_community(
    inv: Invocation,
    public_gallery_name: shared_views.PublicName,
    gallery_image_definition: shared_views.Definition,
    location: shared_views.Location,
    max_items: MaxItems = None,
    next_token: NextToken = None,
) -> Any:
    """List VM image versions in a community gallery."""
    versions = shared_views.fetch(
        inv,
        "communityGalleries",
        location,
        public_gallery_name,
        gallery_image_definition,
        many=True,
    )
    return paginate(inv, versions, max_items, next_token)


@commands.command(
    "show-community",
    policy=True,
    examples=[
        (
            "Show a community version.",
            "{prefix} show-community --public-gallery-name PUBLIC_NAME -i MyImage -e 1.0.0 -l eastus2",
        )
    ],
)
def show_community(
    inv: Invocation,
    public_gallery_name: shared_views.PublicNameOrIds = None,
    gallery_image_definition: shared_views.DefinitionOrIds = None,
    gallery_image_version: shared_views.VersionOrIds = None,
    location: shared_views.LocationOrIds = None,
    ids_: shared_views.ViewIds = None,
) -> Any:
    """Get a community gallery image version."""
    return shared_views.show(
        inv,
        "communityGalleries",
        ids_,
        location,
        ("--public-gallery-name", public_gallery_name),
        ("-i", gallery_image_definition),
        ("-e", gallery_image_version),
    )
