"""Galleries: `sigctl gallery ...` and `sigctl sig ...` (az sig create/show/list/update/delete/wait)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli import identity_update, shared_views
from sigctl.cli.arguments import aaz_location, aaz_tags, gallery_target, one_or_many, targets
from sigctl.cli.context import Invocation
from sigctl.cli.framework import CommandGroup
from sigctl.cli.generic_update import Updater, decode, unflatten
from sigctl.cli.identity_update import SystemAssigned, UserAssigned
from sigctl.cli.output import flatten
from sigctl.cli.paging import MaxItems, NextToken, paginate
from sigctl.cli.params import (
    AazNoWait,
    AddArg,
    BoolValue,
    ForceString,
    GalleryName,
    GalleryNameOrIds,
    Ids,
    ListGroup,
    RemoveArg,
    ResourceGroup,
    ResourceGroupOrIds,
    SetArg,
    aaz_bool_option,
    aaz_tags_option,
    choice_option,
    integer,
)
from sigctl.cli.resource_commands import QueryOption, Resource
from sigctl.cli.validators import check_community
from sigctl.provider import ids
from sigctl.provider.ids import ResourceId

commands = CommandGroup("Manage shared image galleries.")

API_CREATE = "2026-03-03"
API_LIST = "2021-10-01"
# The keys az's generated gallery commands know (the error for an unknown --set path lists them).
SCHEMA_KEYS = [
    "description",
    "id",
    "identifier",
    "identity",
    "location",
    "name",
    "provisioningState",
    "sharingProfile",
    "sharingStatus",
    "softDeletePolicy",
    "systemData",
    "tags",
    "type",
]

_COMMUNITY = "CommunityGalleryInfo Arguments"
# az's generated gallery commands put the resource's own location and tags in this group.
GalleryLocation = Annotated[
    str | None,
    typer.Option(
        "--location",
        "-l",
        metavar="LOCATION",
        help="Location. Values from `sigctl account list-locations`; the resource group's when "
        "omitted.",
        rich_help_panel="Gallery Arguments",
    ),
]
GalleryTags = Annotated[list[str] | None, aaz_tags_option("Gallery Arguments")]
Description = Annotated[
    str | None,
    typer.Option(
        "--description",
        help="The description of this Shared Image Gallery resource. This property is updatable.",
        rich_help_panel="Properties Arguments",
    ),
]
Permissions = Annotated[
    str | None,
    choice_option(
        "--permissions",
        allowed=("Community", "Groups", "Private"),
        help="This property allows you to specify the permission of sharing gallery. Decide "
        "when creating the gallery: only a Groups gallery can be shared with subscriptions and "
        "tenants (sig share add), only a Community gallery with everyone (sig share "
        "enable-community); Private, the default, is not shared. The permission cannot be "
        "changed later, except back to Private by sig share reset.",
        rich_help_panel="SharingProfile Arguments",
    ),
]
PublisherUri = Annotated[
    str | None,
    typer.Option(
        "--publisher-uri", help="Community gallery publisher uri.", rich_help_panel=_COMMUNITY
    ),
]
PublisherEmail = Annotated[
    str | None,
    typer.Option(
        "--publisher-email",
        "--publisher-contact",
        help="Community gallery publisher contact email.",
        rich_help_panel=_COMMUNITY,
    ),
]
Eula = Annotated[
    str | None,
    typer.Option("--eula", help="Community gallery publisher eula.", rich_help_panel=_COMMUNITY),
]
PublicNamePrefix = Annotated[
    str | None,
    typer.Option(
        "--public-name-prefix",
        help="Community gallery public name prefix.",
        rich_help_panel=_COMMUNITY,
    ),
]
SoftDelete = Annotated[
    BoolValue | None,
    aaz_bool_option(
        "--soft-delete",
        help="Enable soft-deletion for resources in this gallery, allowing them to be recovered "
        "within retention time.",
        rich_help_panel="SoftDeletePolicy Arguments",
    ),
]
SoftDeleteRetention = Annotated[
    int | None,
    typer.Option(
        "--soft-delete-retention-period",
        "--soft-delete-retention",
        parser=integer("--soft-delete-retention-period"),
        help="Retention period in days for soft-deleted resources.",
        rich_help_panel="SoftDeletePolicy Arguments",
    ),
]
SoftDeleteGrace = Annotated[
    int | None,
    typer.Option(
        "--soft-delete-grace-period",
        "--soft-delete-grace",
        parser=integer("--soft-delete-grace-period"),
        help="Grace period in days before a soft-deleted resource is purged.",
        rich_help_panel="SoftDeletePolicy Arguments",
    ),
]


def _sharing_profile(
    permissions: str | None,
    community: dict[str, str | None],
    existing: dict[str, Any] | None = None,
) -> dict[str, Any] | None:
    if permissions is None and not any(community.values()):
        return existing
    check_community(permissions, community)
    profile = dict(existing or {})
    if permissions is not None:
        profile["permissions"] = permissions
    info = {k: v for k, v in community.items() if v is not None}
    if info:
        profile["communityGalleryInfo"] = {**profile.get("communityGalleryInfo", {}), **info}
    return profile


def _soft_delete(
    enabled: Any, retention: int | None, grace: int | None, existing: Any = None
) -> Any:
    if enabled is None and retention is None and grace is None:
        return existing
    policy = dict(existing or {})
    if enabled is not None:
        policy["isSoftDeleteEnabled"] = enabled
    if retention is not None:
        policy["retentionPeriodInDays"] = retention
    if grace is not None:
        policy["gracePeriodInDays"] = grace
    return policy


@commands.command(
    "create",
    policy=True,
    examples=[
        (
            "Create a shared image gallery.",
            "{prefix} create --resource-group MyResourceGroup --gallery-name MyGallery",
        ),
        (
            "Create a gallery that can be shared with other subscriptions and tenants (only a "
            "Groups gallery can be; the permission cannot be changed later).",
            "{prefix} create -g MyResourceGroup -r MyGallery --permissions Groups",
        ),
        (
            "Create a gallery with soft delete enabled.",
            "{prefix} create -g MyResourceGroup -r MyGallery --soft-delete true",
        ),
        (
            "Create a community gallery.",
            "{prefix} create -g MyResourceGroup -r MyGallery --permissions Community "
            "--publisher-uri https://contoso.com --publisher-email pub@contoso.com "
            "--eula https://contoso.com/eula --public-name-prefix contoso",
        ),
        (
            "Create a gallery with a system-assigned managed identity.",
            "{prefix} create -g MyResourceGroup -r MyGallery --system-assigned",
        ),
    ],
)
def create(
    inv: Invocation,
    resource_group: ResourceGroup,
    gallery_name: GalleryName,
    location: GalleryLocation = None,
    description: Description = None,
    tags: GalleryTags = None,
    permissions: Permissions = None,
    publisher_uri: PublisherUri = None,
    publisher_email: PublisherEmail = None,
    eula: Eula = None,
    public_name_prefix: PublicNamePrefix = None,
    soft_delete: SoftDelete = None,
    soft_delete_retention_period: SoftDeleteRetention = None,
    soft_delete_grace_period: SoftDeleteGrace = None,
    system_assigned: SystemAssigned = None,
    user_assigned: UserAssigned = None,
    no_wait: AazNoWait = None,
) -> Any:
    """Create a shared image gallery.

    Creating a gallery that exists updates it (a PUT): there is no "already exists" error.
    Choose --permissions now if the gallery is to be shared: Groups to share it with
    subscriptions and tenants, Community to share it with everyone. A gallery's permission
    cannot be changed after it is created (sig share reset only returns it to Private).
    """
    client = inv.client
    tags_body = aaz_tags(tags)
    location = aaz_location(client, resource_group, location)
    props: dict[str, Any] = {}
    if description is not None:
        props["description"] = description
    community = {
        "publisherUri": publisher_uri,
        "publisherContact": publisher_email,
        "eula": eula,
        "publicNamePrefix": public_name_prefix,
    }
    sharing = _sharing_profile(permissions, community)
    if sharing is not None:
        props["sharingProfile"] = sharing
    soft = _soft_delete(soft_delete, soft_delete_retention_period, soft_delete_grace_period)
    if soft is not None:
        props["softDeletePolicy"] = soft
    body: dict[str, Any] = {"location": location, "properties": props}
    if tags_body is not None:
        body["tags"] = tags_body
    if system_assigned is not None or user_assigned is not None:
        body["identity"] = identity_update.build(None, "create", system_assigned, user_assigned)
    result = client.put(
        ids.gallery_id(client.subscription, resource_group, gallery_name),
        body,
        api_version=API_CREATE,
    )
    return None if no_wait else flatten(result)


GALLERY = Resource(
    target=gallery_target,
    names=[("resource_group", ResourceGroupOrIds), ("gallery_name", GalleryNameOrIds)],
    collection=lambda subscription, group: ids.compute_id(subscription, group, "galleries"),
    listing=[ListGroup],
    api_version=API_LIST,
    shape=flatten,
)
SharingGroups = QueryOption(
    "sharing_groups",
    Annotated[
        BoolValue | None,
        aaz_bool_option(
            "--sharing-groups",
            help="The expand query option to query shared gallery groups.",
        ),
    ],
    lambda given: {"$expand": "SharingProfile/Groups"} if given else {},
)
Select = QueryOption(
    "select",
    Annotated[
        str | None,
        choice_option(
            "--select",
            allowed=("Permissions",),
            help="The select expression to apply on the operation.",
        ),
    ],
    lambda given: {"$select": given} if given else {},
)
GALLERY.show(
    commands,
    "Retrieve information about a Shared Image Gallery.",
    [
        (
            "Retrieve information about a gallery.",
            "{prefix} show --resource-group MyResourceGroup --gallery-name MyGallery",
        ),
        (
            "Show a gallery by its resource id.",
            "{prefix} show --ids /subscriptions/SUB/resourceGroups/MyResourceGroup/providers/Microsoft.Compute/galleries/MyGallery",
        ),
    ],
    api_version=None,
    options=[SharingGroups, Select],
)
GALLERY.list_(
    commands,
    "List galleries under a resource group (the whole subscription if -g is omitted).",
    [
        ("List galleries in a resource group.", "{prefix} list --resource-group MyResourceGroup"),
        ("List every gallery in the subscription.", "{prefix} list"),
        (
            "List gallery names, one a line.",
            '{prefix} list -g MyResourceGroup --query "[].name" -o tsv',
        ),
    ],
)


@commands.command(
    "update",
    policy=True,
    examples=[
        (
            "Change a gallery's description and add a tag.",
            "{prefix} update -g MyResourceGroup -r MyGallery --set description=x --set tags.env=ci",
        ),
        (
            "Enable soft delete on a gallery.",
            "{prefix} update -g MyResourceGroup -r MyGallery --soft-delete true",
        ),
        ("Remove every tag.", "{prefix} update -g MyResourceGroup -r MyGallery --set tags={}"),
    ],
)
def update(
    inv: Invocation,
    resource_group: ResourceGroupOrIds = None,
    gallery_name: GalleryNameOrIds = None,
    ids_: Ids = None,
    location: GalleryLocation = None,
    permissions: Permissions = None,
    publisher_uri: PublisherUri = None,
    publisher_email: PublisherEmail = None,
    eula: Eula = None,
    public_name_prefix: PublicNamePrefix = None,
    soft_delete: SoftDelete = None,
    soft_delete_retention_period: SoftDeleteRetention = None,
    soft_delete_grace_period: SoftDeleteGrace = None,
    set_: SetArg = None,
    add: AddArg = None,
    remove: RemoveArg = None,
    force_string: ForceString = None,
    no_wait: AazNoWait = None,
) -> Any:
    """Update a Shared Image Gallery.

    Use --set/--add/--remove on the printed shape (e.g. --set description=x --set tags.env=ci);
    az's gallery update has no --description or --tags.
    """
    client = inv.client
    results = []
    for target in targets(inv, ids_, gallery_target, resource_group, gallery_name):
        for attempt in client.attempts():
            with attempt:
                results.append(
                    _update_one(
                        inv,
                        client,
                        target,
                        location,
                        permissions,
                        {
                            "publisherUri": publisher_uri,
                            "publisherContact": publisher_email,
                            "eula": eula,
                            "publicNamePrefix": public_name_prefix,
                        },
                        (soft_delete, soft_delete_retention_period, soft_delete_grace_period),
                        decode(set_, add, remove),
                        bool(force_string),
                    )
                )
    return None if no_wait else one_or_many(results, ids_)


def _update_one(
    inv: Invocation,
    client: Any,
    target: ResourceId,
    location: str | None,
    permissions: str | None,
    community: dict[str, str | None],
    soft_delete: tuple[Any, Any, Any],
    operations: Any,
    force_string: bool,
) -> dict[str, Any]:
    """GET, apply the arguments and --set/--add/--remove, PUT: az's generic update."""
    instance = flatten(client.get(target, api_version=API_CREATE))
    if location is not None:
        instance["location"] = location
    sharing = _sharing_profile(permissions, community, instance.get("sharingProfile"))
    if sharing is not None:
        instance["sharingProfile"] = sharing
    soft = _soft_delete(*soft_delete, instance.get("softDeletePolicy"))
    if soft is not None:
        instance["softDeletePolicy"] = soft
    Updater(instance, SCHEMA_KEYS, inv.warn, strings=("tags.*", "description")).apply(
        operations, force_string
    )
    return flatten(client.put(target, unflatten(instance), api_version=API_CREATE))


GALLERY.delete(
    commands,
    """Delete a Shared Image Gallery.

    Fails with CannotDeleteResource while image definitions or applications exist; deleting a
    gallery that does not exist succeeds silently.
    """,
    [
        (
            "Delete a gallery.",
            "{prefix} delete --resource-group MyResourceGroup --gallery-name MyGallery",
        ),
    ],
)
GALLERY.wait(
    commands,
    "Place the CLI in a waiting state until a condition of the gallery is met.",
    [
        (
            "Wait until a gallery exists and has succeeded.",
            "{prefix} wait -g MyResourceGroup -r MyGallery --created",
        ),
        (
            "Wait until a gallery is deleted, polling every 5 seconds.",
            "{prefix} wait -g MyResourceGroup -r MyGallery --deleted --interval 5",
        ),
        (
            "Wait on a custom condition of the ARM body.",
            "{prefix} wait -g MyResourceGroup -r MyGallery --custom \"properties.provisioningState=='Succeeded'\"",
        ),
    ],
    api_version=API_CREATE,
)


# -- what consumers see ----------------------------------------------------------------------------


@commands.command(
    "list-shared",
    policy=True,
    examples=[
        (
            "Galleries shared with the current subscription, in a region.",
            "{prefix} list-shared -l eastus2",
        ),
        (
            "Galleries shared with your tenant.",
            "{prefix} list-shared -l eastus2 --shared-to tenant",
        ),
    ],
)
def list_shared(
    inv: Invocation,
    location: shared_views.Location,
    shared_to: shared_views.SharedTo = None,
    max_items: MaxItems = None,
    next_token: NextToken = None,
) -> Any:
    """List galleries shared directly to your subscription or tenant, by location."""
    galleries = shared_views.fetch(inv, "sharedGalleries", location, shared_to=shared_to, many=True)
    return paginate(inv, galleries, max_items, next_token)


@commands.command(
    "show-shared",
    policy=True,
    examples=[
        (
            "Show a gallery shared with you.",
            "{prefix} show-shared --gallery-unique-name UNIQUE_NAME -l eastus2",
        )
    ],
)
def show_shared(
    inv: Invocation,
    gallery_unique_name: shared_views.UniqueNameToShow = None,
    location: shared_views.LocationOrIds = None,
    ids_: shared_views.ViewIds = None,
) -> Any:
    """Get a gallery that has been shared directly to your subscription or tenant."""
    return shared_views.show(
        inv, "sharedGalleries", ids_, location, ("--gallery-unique-name", gallery_unique_name)
    )


@commands.command(
    "list-community",
    policy=True,
    examples=[("Community galleries in a region.", "{prefix} list-community -l eastus2")],
)
def list_community(
    inv: Invocation,
    location: Annotated[
        str | None, typer.Option("--location", "-l", metavar="LOCATION", help="Location.")
    ] = None,
    marker: Annotated[
        str | None,
        typer.Option(
            "--marker",
            help="Where to start the listing: the nextMarker of a previous page. The emulated "
            "service returns every community gallery on one page, so there is never a next one.",
        ),
    ] = None,
    show_next_marker: Annotated[
        bool,
        typer.Option("--show-next-marker", help="Add the nextMarker object to the result."),
    ] = False,
) -> Any:
    """List community galleries, by location."""
    from sigctl.cli.arguments import missing_field

    if not location:
        raise missing_field("--location")
    galleries = shared_views.fetch(inv, "communityGalleries", location, many=True)
    return [*galleries, {"nextMarker": None}] if show_next_marker else galleries


@commands.command(
    "show-community",
    policy=True,
    examples=[
        (
            "Show a community gallery.",
            "{prefix} show-community --public-gallery-name PUBLIC_NAME -l eastus2",
        )
    ],
)
def show_community(
    inv: Invocation,
    public_gallery_name: shared_views.PublicNameToShow = None,
    location: shared_views.LocationOrIds = None,
    ids_: shared_views.ViewIds = None,
) -> Any:
    """Get a community gallery by its public name."""
    return shared_views.show(
        inv, "communityGalleries", ids_, location, ("--public-gallery-name", public_gallery_name)
    )
