"""VM applications: `sigctl gallery-application ...` and `sigctl sig gallery-application ...`.

az's commands here are all generated ones: AAZ tags (`k=v`), AAZ booleans, `--ids`, late
"Missing required field" checks, a confirmation before delete, and output read through the
command's schema (what the service adds beyond it, such as customActions, is not printed).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli.arguments import (
    aaz_location,
    aaz_tags,
    application_target,
    one_or_many,
    targets,
)
from sigctl.cli.context import Invocation
from sigctl.cli.framework import CommandGroup
from sigctl.cli.generic_update import Updater, decode, unflatten
from sigctl.cli.output import flatten, prune
from sigctl.cli.params import (
    RESOURCE_ID_GROUP,
    AazNoWait,
    AazTags,
    AddArg,
    ForceString,
    GalleryName,
    GalleryNameOrIds,
    Ids,
    Location,
    RemoveArg,
    ResourceGroup,
    ResourceGroupOrIds,
    SetArg,
    choice_option,
)
from sigctl.cli.resource_commands import Resource
from sigctl.provider import ids

commands = CommandGroup("Manage gallery application.")

API_VERSION = "2021-07-01"
# What az's generated commands read from a response (flattened); the rest is not printed.
SCHEMA: dict[str, Any] = {
    key: None
    for key in (
        "description",
        "endOfLifeDate",
        "eula",
        "id",
        "location",
        "name",
        "privacyStatementUri",
        "provisioningState",
        "releaseNoteUri",
        "supportedOSType",
        "tags",
        "type",
    )
}
STRING_PATHS = (
    "tags.*",
    "description",
    "endOfLifeDate",
    "eula",
    "privacyStatementUri",
    "releaseNoteUri",
    "supportedOSType",
)


def application_option(*also: str, group: str | None = None) -> Any:
    """The application's name: `--application-name` and az's other spellings of it here."""
    return typer.Option(
        "--application-name",
        "--gallery-application-name",
        *also,
        metavar="NAME",
        help="The name of the gallery application.",
        rich_help_panel=group,
    )


Name = Annotated[str, application_option("--name", "-n")]
# show/update/delete/wait: -n may come from --ids
NameOrIds = Annotated[str | None, application_option("--name", "-n", group=RESOURCE_ID_GROUP)]
Description = Annotated[
    str | None,
    typer.Option(
        "--description",
        help="The description of this gallery Application Definition resource. This property is "
        "updatable.",
    ),
]


def shape(body: dict[str, Any]) -> dict[str, Any]:
    """What az prints of an application: flattened, through its schema."""
    return prune(flatten(body), SCHEMA)


@commands.command(
    "create",
    policy=True,
    examples=[
        (
            "Create a Windows application in a gallery, in the resource group's region.",
            "{prefix} create --gallery-name MyGallery --name AppName -g MyResourceGroup --os-type windows",
        ),
        (
            "Create a Linux application with a description and tags, in a given region.",
            '{prefix} create -r MyGallery -n monitor-agent -g MyResourceGroup --os-type Linux -l westus2 --description "Monitoring agent" --tags team=ops',
        ),
    ],
)
def create(
    inv: Invocation,
    gallery_application_name: Name,
    gallery_name: GalleryName,
    resource_group: ResourceGroup,
    os_type: Annotated[
        str,
        choice_option(
            "--os-type",
            allowed=("Linux", "Windows"),
            help="The supported type of the OS that the application is built for.",
        ),
    ],
    location: Location = None,
    description: Description = None,
    tags: AazTags = None,
    no_wait: AazNoWait = None,
) -> Any:
    """Create a gallery Application Definition.

    Creating an application that exists updates it (a PUT). The location defaults to the
    resource group's.
    """
    client = inv.client
    tags_body = aaz_tags(tags)
    location = aaz_location(client, resource_group, location)
    props: dict[str, Any] = {"supportedOSType": os_type}
    if description is not None:
        props["description"] = description
    body: dict[str, Any] = {"location": location, "properties": props}
    if tags_body is not None:
        body["tags"] = tags_body
    target = ids.application_id(
        client.subscription, resource_group, gallery_name, gallery_application_name
    )
    result = client.put(target, body, api_version=API_VERSION)
    return None if no_wait else shape(result)


APPLICATION = Resource(
    target=application_target,
    names=[
        ("resource_group", ResourceGroupOrIds),
        ("gallery_name", GalleryNameOrIds),
        ("gallery_application_name", NameOrIds),
    ],
    collection=lambda subscription, group, gallery: ids.compute_id(
        subscription, group, "galleries", gallery, "applications"
    ),
    listing=[ResourceGroup, GalleryName],
    api_version=API_VERSION,
    shape=shape,
    order=["gallery_application_name", "gallery_name", "resource_group"],
)
APPLICATION.show(
    commands,
    "Get information about a gallery Application Definition.",
    [
        (
            "Get information about a gallery application.",
            "{prefix} show -g MyResourceGroup -r MyGallery -n AppName",
        ),
        (
            "Show it as a table.",
            "{prefix} show -g MyResourceGroup -r MyGallery -n AppName -o table",
        ),
    ],
)
APPLICATION.list_(
    commands,
    "List gallery Application Definitions in a gallery.",
    [
        ("List the applications of a gallery.", "{prefix} list -g MyResourceGroup -r MyGallery"),
        (
            "List their names and OS types as a table.",
            '{prefix} list -g MyResourceGroup -r MyGallery --query "[].{name:name, os:supportedOSType}" -o table',
        ),
    ],
)


@commands.command(
    "update",
    policy=True,
    examples=[
        (
            "Change the description and replace the tags.",
            '{prefix} update -g MyResourceGroup -r MyGallery -n AppName --description "Agent, signed build" --tags team=ops',
        ),
        (
            "Set an end-of-life date and a release-note link.",
            "{prefix} update -g MyResourceGroup -r MyGallery -n AppName --set endOfLifeDate=2030-12-31T00:00:00Z releaseNoteUri=https://contoso.com/notes",
        ),
    ],
)
def update(
    inv: Invocation,
    gallery_application_name: NameOrIds = None,
    gallery_name: GalleryNameOrIds = None,
    resource_group: ResourceGroupOrIds = None,
    ids_: Ids = None,
    location: Location = None,
    description: Description = None,
    tags: AazTags = None,
    set_: SetArg = None,
    add: AddArg = None,
    remove: RemoveArg = None,
    force_string: ForceString = None,
    no_wait: AazNoWait = None,
) -> Any:
    """Update a gallery Application Definition.

    --tags replaces every tag; --set/--add/--remove work on the printed shape. The OS type
    cannot change.
    """
    client = inv.client
    tags_body = aaz_tags(tags)
    results = []
    for target in targets(
        inv, ids_, application_target, resource_group, gallery_name, gallery_application_name
    ):
        for attempt in client.attempts():  # parallel updates of one application lose nothing
            with attempt:
                instance = shape(client.get(target, api_version=API_VERSION))
                if location is not None:
                    instance["location"] = location
                if description is not None:
                    instance["description"] = description
                if tags_body is not None:
                    instance["tags"] = tags_body
                Updater(instance, sorted(SCHEMA), inv.warn, strings=STRING_PATHS).apply(
                    decode(set_, add, remove), bool(force_string)
                )
                instance.pop("provisioningState", None)
                results.append(
                    shape(client.put(target, unflatten(instance), api_version=API_VERSION))
                )
    return None if no_wait else one_or_many(results, ids_)


APPLICATION.delete(
    commands,
    """Delete a gallery Application.

    Fails with CannotDeleteResource while the application has versions. Asks for confirmation
    unless --yes is given.
    """,
    [
        (
            "Delete an application (it must have no versions left).",
            "{prefix} delete -g MyResourceGroup -r MyGallery -n AppName --yes",
        )
    ],
    yes="first",  # az asks before it reads the other arguments
)
APPLICATION.wait(
    commands,
    "Place the CLI in a waiting state until a condition of the application is met.",
    [
        (
            "Wait until an application exists and has succeeded.",
            "{prefix} wait -g MyResourceGroup -r MyGallery -n AppName --created",
        ),
        (
            "Wait until it is deleted.",
            "{prefix} wait -g MyResourceGroup -r MyGallery -n AppName --deleted",
        ),
    ],
)
