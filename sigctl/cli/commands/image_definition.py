"""Image definitions: `sigctl image-definition ...` and `sigctl sig image-definition ...`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from sigctl.cli import shared_views
from sigctl.cli.arguments import custom_tags, definition_target, one_or_many, targets
from sigctl.cli.context import Invocation
from sigctl.cli.framework import CommandGroup
from sigctl.cli.generic_update import Updater, decode, unflatten
from sigctl.cli.output import flatten
from sigctl.cli.paging import MaxItems, NextToken, paginate
from sigctl.cli.params import (
    AazNoWait,
    AddArg,
    AllowUpdateImage,
    CustomTags,
    ForceString,
    GalleryName,
    GalleryNameOrIds,
    Ids,
    ImageDefinitionCreate,
    ImageDefinitionOnlyOrIds,
    ImageDefinitionOrIds,
    Location,
    RemoveArg,
    ResourceGroup,
    ResourceGroupOrIds,
    SetArg,
    choice_option,
    integer,
    values,
)
from sigctl.cli.resource_commands import Resource
from sigctl.cli.validators import parse_features
from sigctl.provider import ids

commands = CommandGroup("Manage shared gallery image definitions.")

API_VERSION = "2021-10-01"
MAY_2024_WARNING = (
    'Starting Build (May) 2024, "az sig image-definition create" command will use the new '
    "default values Hyper-V Generation: V2 and SecurityType: TrustedLaunchSupported."
)
TRUSTED_LAUNCH_WARNING = (
    "Consider upgrading security for your workloads using Azure Trusted Launch VMs. To know more "
    "about Trusted Launch, please visit https://aka.ms/TrustedLaunch."
)
# The keys az's generated definition commands know; an unknown --set path lists them.
_RANGE = {"min": None, "max": None}
# The nested objects of az's image-definition schema (paths under them are checked).
OBJECTS: dict[str, Any] = {
    "recommended": {"vCPUs": _RANGE, "memory": _RANGE},
    "disallowed": {"diskTypes": None},
    "purchasePlan": {"name": None, "publisher": None, "product": None},
    "identifier": {"publisher": None, "offer": None, "sku": None},
}
SCHEMA_KEYS = [
    "allowUpdateImage",
    "architecture",
    "description",
    "disallowed",
    "endOfLifeDate",
    "eula",
    "features",
    "hyperVGeneration",
    "id",
    "identifier",
    "location",
    "name",
    "osState",
    "osType",
    "privacyStatementUri",
    "provisioningState",
    "purchasePlan",
    "recommended",
    "releaseNoteUri",
    "systemData",
    "tags",
    "type",
]
STRING_PATHS = (
    "tags.*",
    "description",
    "eula",
    "privacyStatementUri",
    "releaseNoteUri",
    "endOfLifeDate",
    "identifier.*",
    "features.*.*",
    "osType",
    "osState",
    "hyperVGeneration",
    "architecture",
    "purchasePlan.*",
    "disallowed.diskTypes.*",
)


def _text(*names: str, help: str, group: str | None = None) -> Any:
    return Annotated[str | None, typer.Option(*names, help=help, rich_help_panel=group)]


def _number(name: str, help: str) -> Any:
    return Annotated[
        int | None,
        typer.Option(name, parser=integer(name), help=help, rich_help_panel=_RECOMMENDATION),
    ]


_RECOMMENDATION = "Recommendation Arguments"
_PLAN = "Purchase plan Arguments"


def security_defaults(
    features: list[dict[str, str]] | None, generation: str, warn: Callable[[str], None]
) -> list[dict[str, str]] | None:
    """What az adds for Trusted Launch: SecurityType=TrustedLaunchSupported on V2 unless given;
    SecurityType=Standard is dropped (with a warning) since it means no security feature."""
    given = list(features or [])
    security = [f for f in given if f["name"].lower() == "securitytype"]
    if any(f["value"].lower() == "standard" for f in security):
        warn(TRUSTED_LAUNCH_WARNING)
        return [
            f
            for f in given
            if not (f["name"].lower() == "securitytype" and f["value"].lower() == "standard")
        ]
    if generation == "V2" and not security:
        return [*given, {"name": "SecurityType", "value": "TrustedLaunchSupported"}]
    return features


# create's options
Publisher = Annotated[str, typer.Option("--publisher", "-p", help="Gallery image publisher name.")]
Offer = Annotated[str, typer.Option("--offer", "-f", help="Gallery image offer.")]
Sku = Annotated[str, typer.Option("--sku", "-s", help="Gallery image sku.")]
OsType = Annotated[
    str,
    choice_option(
        "--os-type",
        allowed=("Windows", "Linux"),
        help="The type of the OS that is included in the disk if creating a VM from user-image or a specialized VHD.",
    ),
]
OsState = Annotated[
    str | None,
    choice_option(
        "--os-state",
        allowed=("Generalized", "Specialized"),
        help="This property allows the user to specify whether the virtual machines created under this image are 'Generalized' or 'Specialized'.",
        default="Generalized",
    ),
]
HyperVGeneration = Annotated[
    str | None,
    choice_option(
        "--hyper-v-generation",
        allowed=("V1", "V2"),
        help="The hypervisor generation of the Virtual Machine.",
        default="V2",
    ),
]
Features = _text(
    "--features",
    help='A list of gallery image features, as one string: "KEY=VALUE KEY2=VALUE2". E.g. "IsSecureBootSupported=true IsMeasuredBootSupported=false".',
)
Architecture = Annotated[
    str | None,
    choice_option(
        "--architecture",
        allowed=("Arm64", "x64"),
        help="CPU architecture. The service default is x64.",
    ),
]
Description = _text("--description", help="The description of the gallery image definition.")
Eula = _text("--eula", help="The Eula agreement for the gallery image.")
PrivacyStatementUri = _text("--privacy-statement-uri", help="The privacy statement uri.")
ReleaseNoteUri = _text("--release-note-uri", help="The release note uri.")
EndOfLifeDate = _text(
    "--end-of-life-date",
    help="The end of life date, e.g. '2030-12-31' (a date alone means 12:59:59 UTC that day).",
)
DisallowedDiskTypes = Annotated[
    list[str] | None,
    typer.Option(
        "--disallowed-disk-types",
        help="Disk types which would not work with the image, e.g., Standard_LRS.",
    ),
]
MinimumCpuCore = _number("--minimum-cpu-core", "Minimum cpu cores.")
MaximumCpuCore = _number("--maximum-cpu-core", "Maximum cpu cores.")
MinimumMemory = _number("--minimum-memory", "Minimum memory in MB.")
MaximumMemory = _number("--maximum-memory", "Maximum memory in MB.")
PlanName = _text("--plan-name", help="Plan name.", group=_PLAN)
PlanProduct = _text("--plan-product", help="Plan product.", group=_PLAN)
PlanPublisher = _text("--plan-publisher", help="Plan publisher.", group=_PLAN)


@commands.command(
    "create",
    policy=True,
    examples=[
        (
            "Create a Linux image definition (Generalized, Hyper-V V2 and Trusted Launch supported by default).",
            "{prefix} create -g MyResourceGroup -r MyGallery -i MyImage -p Contoso -f Finance -s Backend --os-type linux",
        ),
        (
            "Create a Windows definition with recommendations and an end-of-life date.",
            "{prefix} create -g MyResourceGroup -r MyGallery -i WinImage -p Contoso -f Desktop -s Win11 "
            "--os-type Windows --minimum-cpu-core 2 --maximum-cpu-core 16 --end-of-life-date 2030-12-31",
        ),
        (
            "Create a Generation 1 definition with features.",
            "{prefix} create -g MyResourceGroup -r MyGallery -i Gen1 -p Contoso -f Legacy -s Gen1 --os-type linux "
            '--hyper-v-generation V1 --features "IsAcceleratedNetworkSupported=true"',
        ),
    ],
)
def create(
    inv: Invocation,
    resource_group: ResourceGroup,
    gallery_name: GalleryName,
    gallery_image_definition: ImageDefinitionCreate,
    publisher: Publisher,
    offer: Offer,
    sku: Sku,
    os_type: OsType,
    os_state: OsState = None,
    hyper_v_generation: HyperVGeneration = None,
    features: Features = None,
    architecture: Architecture = None,
    location: Location = None,
    description: Description = None,
    eula: Eula = None,
    privacy_statement_uri: PrivacyStatementUri = None,
    release_note_uri: ReleaseNoteUri = None,
    end_of_life_date: EndOfLifeDate = None,
    disallowed_disk_types: DisallowedDiskTypes = None,
    minimum_cpu_core: MinimumCpuCore = None,
    maximum_cpu_core: MaximumCpuCore = None,
    minimum_memory: MinimumMemory = None,
    maximum_memory: MaximumMemory = None,
    plan_name: PlanName = None,
    plan_product: PlanProduct = None,
    plan_publisher: PlanPublisher = None,
    tags: CustomTags = None,
) -> Any:
    """Create a gallery image definition.

    Defaults filled by the client, as az: Generalized, Hyper-V V2, and the feature
    SecurityType=TrustedLaunchSupported for V2. The service fills architecture x64.
    """
    from sigctl.cli.dates import end_of_life

    inv.warn(MAY_2024_WARNING)
    client = inv.client
    generation = hyper_v_generation or "V2"
    feature_list = security_defaults(parse_features(features), generation, inv.warn)
    props: dict[str, Any] = {
        "disallowed": {"diskTypes": values(disallowed_disk_types)}
        if values(disallowed_disk_types)
        else {},
        "hyperVGeneration": generation,
        "identifier": {"publisher": publisher, "offer": offer, "sku": sku},
        "osState": os_state or "Generalized",
        "osType": os_type,
    }
    if feature_list is not None:
        props["features"] = feature_list
    optional = {
        "architecture": architecture,
        "description": description,
        "eula": eula,
        "privacyStatementUri": privacy_statement_uri,
        "releaseNoteUri": release_note_uri,
        "endOfLifeDate": end_of_life(end_of_life_date) if end_of_life_date else None,
        "recommended": _recommended(
            (minimum_cpu_core, maximum_cpu_core), (minimum_memory, maximum_memory)
        ),
        "purchasePlan": _plan(plan_name, plan_product, plan_publisher),
    }
    props.update({k: v for k, v in optional.items() if v is not None})
    if location is None:
        location = client.group_location(resource_group)
    body = {"location": location, "properties": props, "tags": custom_tags(tags)}
    target = ids.image_id(
        client.subscription, resource_group, gallery_name, gallery_image_definition
    )
    return flatten(client.put(target, body, api_version=API_VERSION))


def _recommended(
    vcpus: tuple[int | None, int | None], memory: tuple[int | None, int | None]
) -> dict[str, dict[str, int]] | None:
    """The recommended ranges given ({"vCPUs": {"min", "max"}, "memory": ...}); none, none."""
    recommended: dict[str, dict[str, int]] = {}
    for resource, (low, high) in (("vCPUs", vcpus), ("memory", memory)):
        bounds = {k: v for k, v in (("min", low), ("max", high)) if v is not None}
        if bounds:
            recommended[resource] = bounds
    return recommended or None


def _plan(name: str | None, product: str | None, publisher: str | None) -> dict[str, str] | None:
    """The purchase plan's parts given (az sends no empty part); none, none."""
    plan = {k: v for k, v in (("name", name), ("product", product), ("publisher", publisher)) if v}
    return plan or None


DEFINITION = Resource(
    target=definition_target,
    names=[
        ("resource_group", ResourceGroupOrIds),
        ("gallery_name", GalleryNameOrIds),
        ("gallery_image_definition", ImageDefinitionOrIds),
    ],
    collection=lambda subscription, group, gallery: ids.compute_id(
        subscription, group, "galleries", gallery, "images"
    ),
    listing=[ResourceGroup, GalleryName],
    api_version=API_VERSION,
    shape=flatten,
)
DEFINITION.show(
    commands,
    "Get information about a gallery image definition.",
    [
        (
            "Get information about a gallery image definition.",
            "{prefix} show -g MyResourceGroup -r MyGallery -i MyImage",
        )
    ],
    api_version=None,
)
DEFINITION.list_(
    commands,
    "List gallery image definitions in a gallery.",
    [
        (
            "List the image definitions of a gallery.",
            "{prefix} list -g MyResourceGroup -r MyGallery",
        ),
        ("List them as a table.", "{prefix} list -g MyResourceGroup -r MyGallery -o table"),
    ],
)


@commands.command(
    "update",
    policy=True,
    examples=[
        (
            "Change the description.",
            "{prefix} update -g MyResourceGroup -r MyGallery -i MyImage --set description=x",
        ),
        (
            "Raise the recommended vCPU maximum.",
            "{prefix} update -g MyResourceGroup -r MyGallery -i MyImage --set recommended.vCPUs.max=16",
        ),
        (
            "Add a feature (features change only with --allow-update-image).",
            "{prefix} update -g MyResourceGroup -r MyGallery -i MyImage --add features name=IsHibernateSupported value=true --allow-update-image",
        ),
    ],
)
def update(
    inv: Invocation,
    resource_group: ResourceGroupOrIds = None,
    gallery_name: GalleryNameOrIds = None,
    gallery_image_definition: ImageDefinitionOnlyOrIds = None,
    ids_: Ids = None,
    allow_update_image: AllowUpdateImage = None,
    set_: SetArg = None,
    add: AddArg = None,
    remove: RemoveArg = None,
    force_string: ForceString = None,
    no_wait: AazNoWait = None,
) -> Any:
    """Update a VM Image definition.

    Only description, recommended vCPUs/memory, end-of-life date, release notes, disallowed disk
    types and tags may change; features only with --allow-update-image.
    """
    client = inv.client
    results = []
    for target in targets(
        inv, ids_, definition_target, resource_group, gallery_name, gallery_image_definition
    ):
        for attempt in client.attempts():  # parallel updates of one definition lose nothing
            with attempt:
                instance = flatten(client.get(target, api_version=API_VERSION))
                Updater(
                    instance, SCHEMA_KEYS, inv.warn, strings=STRING_PATHS, objects=OBJECTS
                ).apply(decode(set_, add, remove), bool(force_string))
                if allow_update_image is not None:
                    instance["allowUpdateImage"] = allow_update_image
                results.append(
                    flatten(client.put(target, unflatten(instance), api_version=API_VERSION))
                )
    return None if no_wait else one_or_many(results, ids_)


DEFINITION.delete(
    commands,
    "Delete a gallery image definition.",
    [
        (
            "Delete an image definition (it must have no versions).",
            "{prefix} delete -g MyResourceGroup -r MyGallery -i MyImage",
        )
    ],
)
DEFINITION.wait(
    commands,
    "Place the CLI in a waiting state until a condition of the image definition is met.",
    [
        (
            "Wait until an image definition is created.",
            "{prefix} wait -g MyResourceGroup -r MyGallery -i MyImage --created",
        )
    ],
)


# -- what consumers see ----------------------------------------------------------------------------


@commands.command(
    "list-shared",
    policy=True,
    examples=[
        (
            "The definitions of a gallery shared with you.",
            "{prefix} list-shared --gallery-unique-name UNIQUE_NAME -l eastus2",
        )
    ],
)
def list_shared(
    inv: Invocation,
    gallery_unique_name: shared_views.UniqueName,
    location: shared_views.Location,
    shared_to: shared_views.SharedTo = None,
    max_items: MaxItems = None,
    next_token: NextToken = None,
) -> Any:
    """List VM image definitions in a gallery shared directly to your subscription or tenant."""
    images = shared_views.fetch(
        inv, "sharedGalleries", location, gallery_unique_name, shared_to=shared_to, many=True
    )
    return paginate(inv, images, max_items, next_token)


@commands.command(
    "show-shared",
    policy=True,
    examples=[
        (
            "Show a definition of a gallery shared with you.",
            "{prefix} show-shared --gallery-unique-name UNIQUE_NAME -i MyImage -l eastus2",
        )
    ],
)
def show_shared(
    inv: Invocation,
    gallery_unique_name: shared_views.UniqueNameOrIds = None,
    gallery_image_definition: shared_views.DefinitionOrIds = None,
    location: shared_views.LocationOrIds = None,
    ids_: shared_views.ViewIds = None,
) -> Any:
    """Get a shared gallery image definition."""
    return shared_views.show(
        inv,
        "sharedGalleries",
        ids_,
        location,
        ("--gallery-unique-name", gallery_unique_name),
        ("-i", gallery_image_definition),
    )


@commands.command(
    "list-community",
    policy=True,
    examples=[
        (
            "The definitions of a community gallery.",
            "{prefix} list-community --public-gallery-name PUBLIC_NAME -l eastus2",
        )
    ],
)
def list_community(
    inv: Invocation,
    public_gallery_name: shared_views.PublicName,
    location: shared_views.Location,
    max_items: MaxItems = None,
    next_token: NextToken = None,
) -> Any:
    """List VM image definitions in a community gallery."""
    images = shared_views.fetch(inv, "communityGalleries", location, public_gallery_name, many=True)
    return paginate(inv, images, max_items, next_token)


@commands.command(
    "show-community",
    policy=True,
    examples=[
        (
            "Show a definition of a community gallery.",
            "{prefix} show-community --public-gallery-name PUBLIC_NAME -i MyImage -l eastus2",
        )
    ],
)
def show_community(
    inv: Invocation,
    public_gallery_name: shared_views.PublicNameOrIds = None,
    gallery_image_definition: shared_views.DefinitionOnlyOrIds = None,
    location: shared_views.LocationOrIds = None,
    ids_: shared_views.ViewIds = None,
) -> Any:
    """Get a community gallery image definition."""
    return shared_views.show(
        inv,
        "communityGalleries",
        ids_,
        location,
        ("--public-gallery-name", public_gallery_name),
        ("-i", gallery_image_definition),
    )
