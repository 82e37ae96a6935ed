"""The documents the provider stores, one type per resource (their keys: sigctl.provider.context).

A resource is stored as {"resource": its ARM body as the service keeps it} and, beside the body,
what the service needs and never answers: a version's source references, disks and replication
records, a gallery's identifier map. A GET renders the body: it adds what depends on the time or
the request (provisioningState, replicationStatus) and names regions by display name, where the
stored body names them by programmatic name ('eastus2').

Types only: at run time the documents are plain dicts, which sigctl.provider.shapes checks on
every read. The modules import these names for type checkers alone (under TYPE_CHECKING), so
start-up does not load this module.
"""

from typing import Any, NotRequired, TypedDict

Tags = dict[str, str]

# -- the ARM bodies, as stored ------------------------------------------------------------------


class _Resource(TypedDict):
    """What every stored ARM resource has; `location` is a programmatic region name."""

    id: str
    name: str
    type: str
    location: str
    tags: NotRequired[Tags]


class Body(_Resource):
    """A stored ARM resource whose properties are not typed here."""

    properties: dict[str, Any]
    identity: NotRequired[dict[str, Any]]  # a gallery's or a user-assigned identity's


class Identifier(TypedDict):
    publisher: str
    offer: str
    sku: str


class DefinitionProperties(TypedDict):
    osType: str
    osState: str
    identifier: Identifier
    hyperVGeneration: str
    architecture: str
    description: NotRequired[str]
    eula: NotRequired[str]
    privacyStatementUri: NotRequired[str]
    releaseNoteUri: NotRequired[str]
    endOfLifeDate: NotRequired[str]
    recommended: NotRequired[dict[str, Any]]
    disallowed: NotRequired[dict[str, list[str]]]
    purchasePlan: NotRequired[dict[str, str]]
    features: NotRequired[list[dict[str, str]]]


class DefinitionBody(_Resource):
    properties: DefinitionProperties


class TargetRegion(TypedDict):
    """A target region. `name` is programmatic; older state files hold the display name, so a
    read goes through regions.programmatic."""

    name: str
    regionalReplicaCount: int
    storageAccountType: str
    excludeFromLatest: NotRequired[bool]
    encryption: NotRequired[dict[str, Any]]


class ExtendedLocation(TypedDict):
    name: str  # the edge zone
    type: str


class TargetEdgeZone(TypedDict):
    """An entry of targetExtendedLocations; `name` is its region's, as in TargetRegion."""

    name: str
    extendedLocation: ExtendedLocation
    extendedLocationReplicaCount: int
    storageAccountType: str
    encryption: NotRequired[dict[str, Any]]


class PublishingProfile(TypedDict):
    """What sigctl.provider.publishing.publishing_profile keeps of a request's profile. A VM
    application version's also holds its package (source, manageActions, settings, ...)."""

    targetRegions: list[TargetRegion]
    replicaCount: int
    excludeFromLatest: bool
    publishedDate: str
    storageAccountType: str
    endOfLifeDate: NotRequired[str]
    replicationMode: NotRequired[str]
    targetExtendedLocations: NotRequired[list[TargetEdgeZone]]


class SafetyProfile(TypedDict):
    allowDeletionOfReplicatedLocations: bool
    reportedForPolicyViolation: NotRequired[bool]  # image versions only
    blockDeletionBeforeEndOfLife: NotRequired[bool]


class VersionProperties(TypedDict):
    publishingProfile: PublishingProfile
    safetyProfile: SafetyProfile
    storageProfile: NotRequired[dict[str, Any]]  # image versions: osDiskImage, dataDiskImages


class VersionBody(_Resource):
    properties: VersionProperties


# -- beside the body ------------------------------------------------------------------------------


class ReplicationRecord(TypedDict, total=False):
    """One region's (or edge zone's) replication, timed on the progress clock
    (sigctl.provider.replication.start). A record without progressStart is from before schema 2:
    long finished."""

    progressStart: float
    seconds: float
    heldReplicas: int  # replicas the region already held and keeps serving meanwhile
    fault: dict[str, Any]  # the injected fault it meets: id, at, code, message


class Replication(TypedDict):
    operation: str  # what the last write started: "Creating" or "Updating"
    regions: dict[str, ReplicationRecord]  # by replication key: region, or region/edge zone


class SourceRefs(TypedDict):
    """The sources a version was made from, as its request named them (version_sources)."""

    source: dict[str, str]  # the image-level source: id, or uri and storageAccountId
    os: dict[str, str]  # osDiskImage.source
    data: list[dict[str, Any]]  # each data disk's {"lun", "source"}


class Disk(TypedDict):
    sizeGB: int
    usedGB: int  # occupied: what replicas are billed and copied by


# -- the stored documents -------------------------------------------------------------------------


class StoredResource(TypedDict):
    """A resource that needs nothing beside its body: an application, an access control
    profile, a disk encryption set, a user-assigned identity."""

    resource: Body


class StoredGallery(TypedDict):
    resource: Body
    identifiers: NotRequired[dict[str, str]]  # "publisher|offer|sku" (lower) -> definition name


class StoredDefinition(TypedDict):
    resource: DefinitionBody


class StoredImageVersion(TypedDict):
    resource: VersionBody
    disks: list[Disk]
    refs: SourceRefs
    replication: Replication
    softDeleted: NotRequired[str]  # when it was soft-deleted
    retentionDays: NotRequired[int]  # how long it stays soft-deleted


class StoredReplicatedVersion(TypedDict):
    """A VM application version (with its package's size) or an access control profile
    version (whose body has targetLocations, not a publishing profile)."""

    resource: Body
    replication: Replication
    occupiedGB: NotRequired[float]


# What sigctl.provider.publishing replicates: image and VM application versions.
ReplicatedVersion = StoredImageVersion | StoredReplicatedVersion


# -- the subscription's index ---------------------------------------------------------------------


class GroupRecord(TypedDict):
    name: str
    location: str
    tags: NotRequired[Tags | None]
    managedBy: NotRequired[str | None]


class GalleryEntry(TypedDict):
    resourceGroup: str
    name: str
    location: str


class Index(TypedDict):
    """subscriptions/<sub>/index: small, so a command reads it and only the documents it needs."""

    resourceGroups: dict[str, GroupRecord]  # by lower-case name
    galleries: dict[str, GalleryEntry]  # by lower-case name (unique in the subscription)
    usage: dict[str, dict[str, int]]  # region -> "images"/"versions" -> count
