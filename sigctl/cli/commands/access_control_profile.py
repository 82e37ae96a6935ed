"""`sigctl sig in-vm-access-control-profile` (az's group of that name): in-VM access control
profiles of a gallery.

az prints these profiles with their `properties` as they come (its generated schema does not
flatten them), so `--set` paths start with `properties.`.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli.arguments import (
    aaz_location,
    access_control_profile_target,
    one_or_many,
    targets,
)
from sigctl.cli.context import Invocation
from sigctl.cli.framework import CommandGroup
from sigctl.cli.generic_update import Updater, decode
from sigctl.cli.params import (
    RESOURCE_ID_GROUP,
    AazNoWait,
    AddArg,
    ForceString,
    Ids,
    RemoveArg,
    ResourceGroup,
    ResourceGroupOrIds,
    SetArg,
    choice_option,
    location_option,
)
from sigctl.cli.resource_commands import Resource
from sigctl.provider import ids

commands = CommandGroup("Manage in VM access control profiles.")

API_VERSION = "2024-03-03"
KIND = "inVMAccessControlProfiles"
SCHEMA_KEYS = ["id", "location", "name", "properties", "tags", "type"]

GalleryName = Annotated[
    str, typer.Option("--gallery-name", metavar="NAME", help="The name of the gallery.")
]
GalleryNameOrIds = Annotated[
    str | None,
    typer.Option(
        "--gallery-name",
        metavar="NAME",
        help="The name of the gallery.",
        rich_help_panel=RESOURCE_ID_GROUP,
    ),
]
_NAME_HELP = (
    "The name of the in VM access control profile: letters and digits, with dots, dashes and "
    "underscores allowed in the middle; at most 80 characters."
)
Name = Annotated[str, typer.Option("--name", "-n", metavar="NAME", help=_NAME_HELP)]
NameOrIds = Annotated[
    str | None,
    typer.Option(
        "--name", "-n", metavar="NAME", help=_NAME_HELP, rich_help_panel=RESOURCE_ID_GROUP
    ),
]
# az's help groups of the profile's own arguments.
PROPERTIES_GROUP = "Properties Arguments"
Endpoint = Annotated[
    str | None,
    choice_option(
        "--applicable-host-endpoint",
        allowed=("IMDS", "WireServer"),
        help="The host endpoint whose access the profile controls.",
        rich_help_panel=PROPERTIES_GROUP,
    ),
]
Description = Annotated[
    str | None,
    typer.Option(
        "--description",
        help="The description of the profile. This property is updatable.",
        rich_help_panel=PROPERTIES_GROUP,
    ),
]


@commands.command(
    "create",
    policy=True,
    examples=[
        (
            "Create a profile for the WireServer endpoint of Linux VMs.",
            "{prefix} create --resource-group MyResourceGroup --gallery-name MyGallery "
            "--name MyProfile --os-type Linux --applicable-host-endpoint WireServer",
        ),
    ],
)
def create(
    inv: Invocation,
    resource_group: ResourceGroup,
    gallery_name: GalleryName,
    name: Name,
    location: Annotated[
        str | None, location_option("GalleryInVMAccessControlProfile Arguments")
    ] = None,
    os_type: Annotated[
        str | None,
        choice_option(
            "--os-type",
            allowed=("Linux", "Windows"),
            help="The OS type of the VMs the profile applies to. It cannot change later.",
            rich_help_panel=PROPERTIES_GROUP,
        ),
    ] = None,
    applicable_host_endpoint: Endpoint = None,
    description: Description = None,
    no_wait: AazNoWait = None,
) -> Any:
    """Create a gallery in VM access control profile.

    --os-type and --applicable-host-endpoint are required by the service.
    """
    client = inv.client
    props: dict[str, Any] = {}
    for field, value in (
        ("applicableHostEndpoint", applicable_host_endpoint),
        ("description", description),
        ("osType", os_type),
    ):
        if value is not None:
            props[field] = value
    body = {"location": aaz_location(client, resource_group, location), "properties": props}
    target = access_control_profile_target(inv, resource_group, gallery_name, name)
    result = client.put(target, body, api_version=API_VERSION)
    return None if no_wait else result


PROFILE = Resource(
    target=access_control_profile_target,
    names=[
        ("resource_group", ResourceGroupOrIds),
        ("gallery_name", GalleryNameOrIds),
        ("name", NameOrIds),
    ],
    collection=lambda subscription, group, gallery: ids.compute_id(
        subscription, group, "galleries", gallery, KIND
    ),
    listing=[ResourceGroup, GalleryName],
    api_version=API_VERSION,
)
PROFILE.show(
    commands,
    "Get information about a gallery in VM access control profile.",
    [
        (
            "Show a profile.",
            "{prefix} show --resource-group MyResourceGroup --gallery-name MyGallery --name MyProfile",
        ),
    ],
)
PROFILE.list_(
    commands,
    "List gallery in VM access control profiles in a gallery.",
    [
        (
            "List the profiles of a gallery.",
            "{prefix} list --resource-group MyResourceGroup --gallery-name MyGallery",
        ),
    ],
)


@commands.command(
    "update",
    policy=True,
    examples=[
        (
            "Change a profile's description.",
            "{prefix} update --resource-group MyResourceGroup --gallery-name MyGallery "
            "--name MyProfile --description test",
        ),
        (
            "Tag a profile.",
            "{prefix} update -g MyResourceGroup --gallery-name MyGallery -n MyProfile "
            "--set tags.team=security",
        ),
    ],
)
def update(
    inv: Invocation,
    resource_group: ResourceGroupOrIds = None,
    gallery_name: GalleryNameOrIds = None,
    name: NameOrIds = None,
    ids_: Ids = None,
    applicable_host_endpoint: Endpoint = None,
    description: Description = None,
    set_: SetArg = None,
    add: AddArg = None,
    remove: RemoveArg = None,
    force_string: ForceString = None,
    no_wait: AazNoWait = None,
) -> Any:
    """Update a gallery in VM access control profile.

    The OS type cannot change; --set paths are on the printed shape (properties.description).
    """
    client = inv.client
    results = []
    for target in targets(
        inv, ids_, access_control_profile_target, resource_group, gallery_name, name
    ):
        for attempt in client.attempts():  # az's GET then PUT, one step to other processes
            with attempt:
                instance = client.get(target, api_version=API_VERSION)
                props = instance.setdefault("properties", {})
                props.pop("provisioningState", None)
                if applicable_host_endpoint is not None:
                    props["applicableHostEndpoint"] = applicable_host_endpoint
                if description is not None:
                    props["description"] = description
                Updater(instance, SCHEMA_KEYS, inv.warn).apply(
                    decode(set_, add, remove), bool(force_string)
                )
                results.append(client.put(target, instance, api_version=API_VERSION))
    return None if no_wait else one_or_many(results, ids_)


PROFILE.delete(
    commands,
    """Delete a gallery in VM access control profile.

    Fails with CannotDeleteResource while the profile has versions. Without --yes az asks
    first (and, with no terminal to ask on, refuses).
    """,
    [
        (
            "Delete a profile (it must have no versions left).",
            "{prefix} delete --resource-group MyResourceGroup --gallery-name MyGallery "
            "--name MyProfile --yes",
        ),
    ],
    yes="after targets",
)
PROFILE.wait(
    commands,
    "Place the CLI in a waiting state until a condition is met.",
    [
        (
            "Wait until a profile exists.",
            "{prefix} wait -g MyResourceGroup --gallery-name MyGallery -n MyProfile --created",
        ),
    ],
)
