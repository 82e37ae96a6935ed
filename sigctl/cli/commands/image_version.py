"""Image versions: `sigctl image-version ...` and `sigctl sig image-version ...`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from sigctl.cli import shared_versions
from sigctl.cli.arguments import (
    custom_tags,
    definition_target,
    version_target,
)
from sigctl.cli.context import Invocation
from sigctl.cli.errors import CliError
from sigctl.cli.framework import CommandGroup
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
    values,
)
from sigctl.cli.regions_arg import parse_edge_zones, parse_target_regions
from sigctl.cli.resource_commands import QueryOption, Resource
from sigctl.cli.validators import definition_from_id, disk_encryption_set
from sigctl.cli.version_output import shape, show_table, verdicts
from sigctl.cli.version_params import (
    AllowReplicatedLocationDeletion,
    ArtifactType,
    BlockDeletion,
    DataSnapshotLuns,
    DataSnapshots,
    DataVhdsLuns,
    DataVhdsStorageAccounts,
    DataVhdsUris,
    EndOfLifeDate,
    ExcludeFromLatest,
    Expand,
    Explain,
    ImageDefinitionList,
    ImageVersionSource,
    ManagedImage,
    OsSnapshot,
    OsVhdStorageAccount,
    OsVhdUri,
    ReplicaCount,
    ReplicationMode,
    ResolveId,
    ResolveLocation,
    SoftDeletedDefinition,
    StorageAccountType,
    TargetEdgeZoneEncryption,
    TargetEdgeZones,
    TargetRegionCvmEncryption,
    TargetRegionEncryption,
    TargetRegions,
    VirtualMachine,
)
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
    managed_image: ManagedImage = None,
    virtual_machine: VirtualMachine = None,
    image_version: ImageVersionSource = None,
    os_snapshot: OsSnapshot = None,
    data_snapshots: DataSnapshots = None,
    data_snapshot_luns: DataSnapshotLuns = None,
    os_vhd_uri: OsVhdUri = None,
    os_vhd_storage_account: OsVhdStorageAccount = None,
    data_vhds_uris: DataVhdsUris = None,
    data_vhds_luns: DataVhdsLuns = None,
    data_vhds_storage_accounts: DataVhdsStorageAccounts = None,
    target_regions: TargetRegions = None,
    replica_count: ReplicaCount = None,
    storage_account_type: StorageAccountType = None,
    exclude_from_latest: ExcludeFromLatest = None,
    end_of_life_date: EndOfLifeDate = None,
    replication_mode: ReplicationMode = None,
    allow_replicated_location_deletion: AllowReplicatedLocationDeletion = None,
    block_deletion_before_end_of_life: BlockDeletion = None,
    tags: CustomTags = None,
    target_edge_zones: TargetEdgeZones = None,
    target_region_encryption: TargetRegionEncryption = None,
    target_region_cvm_encryption: TargetRegionCvmEncryption = None,
    target_edge_zone_encryption: TargetEdgeZoneEncryption = None,
    no_wait: StoreTrueNoWait = False,
) -> Any:
    """Create a new image version.

    This operation might take a long time depending on the replicate region number. Use
    "--no-wait" is advised.
    """
    from sigctl.cli.dates import end_of_life
    from sigctl.cli.version_sources import VersionSources, storage_profile

    client = inv.client
    # az's validator reads the targets before the sources are checked
    regions = parse_target_regions(
        values(target_regions) or [],
        values(target_region_encryption),
        values(target_region_cvm_encryption),
        disk_encryption_set(inv, resource_group),
    )
    zones = parse_edge_zones(
        values(target_edge_zones) or [],
        values(target_edge_zone_encryption),
        disk_encryption_set(inv, resource_group),
    )
    # the source options by name, as az's validator reads them from its namespace
    storage = storage_profile(inv, resource_group, VersionSources.given(locals()))
    inv.warn(EOL_WARNING)
    inv.warn(BLOCK_WARNING)
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
    safety = _safety_profile(allow_replicated_location_deletion, block_deletion_before_end_of_life)
    if safety:
        props["safetyProfile"] = safety
    body = {"location": location, "properties": props, "tags": custom_tags(tags)}
    names = (resource_group, gallery_name, gallery_image_definition, gallery_image_version)
    return _put(inv, ids.version_id(client.subscription, *names), body, no_wait)


def _safety_profile(allow_deletion: bool | None, block_deletion: bool | None) -> dict[str, Any]:
    """The safetyProfile options given (az sends only those)."""
    given = (
        ("allowDeletionOfReplicatedLocations", allow_deletion),
        ("blockDeletionBeforeEndOfLife", block_deletion),
    )
    return {k: v for k, v in given if v is not None}


def _put(inv: Invocation, target: ResourceId, body: dict[str, Any], no_wait: bool) -> Any:
    """PUT the version: create on an existing version is an update, so compare with it."""
    client = inv.client
    for attempt in client.attempts():
        with attempt:
            before = _existing_regions(client, target)
            result = client.put(target, body, api_version=API_VERSION)
    return _finish(inv, target, before, result, no_wait)


def _finish(
    inv: Invocation, target: ResourceId, before: list[str], result: dict[str, Any], no_wait: bool
) -> Any:
    """Say which regions lost their replicas; then, unless --no-wait, wait for replication."""
    from sigctl.cli import lro

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
    return _finish(inv, target, before, result, no_wait)


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
VERSION.named(
    [
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
    gallery_image_definition: SoftDeletedDefinition,
    artifact_type: ArtifactType = "Images",
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
    location: ResolveLocation = None,
    id_: ResolveId = None,
    explain: Explain = False,
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
        definition = definition_from_id(id_)
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
        return verdicts(result)
    return shape(result["version"])


# What consumers see: list-shared, show-shared, list-community and show-community.
commands.include(shared_versions.commands)
