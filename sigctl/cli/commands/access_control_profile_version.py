"""`sigctl sig in-vm-access-control-profile-version` (az's group of that name).

Versions hold the access control rules and replicate to their target regions; create and
update wait for the replication unless --no-wait, as image versions do (sigctl.cli.lro).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli.arguments import (
    aaz_location,
    access_control_profile_version_target,
    one_or_many,
    targets,
)
from sigctl.cli.commands.access_control_profile import (
    KIND,
    PROPERTIES_GROUP,
    GalleryName,
    GalleryNameOrIds,
)
from sigctl.cli.context import Invocation
from sigctl.cli.framework import CommandGroup
from sigctl.cli.generic_update import Updater, decode, unflatten
from sigctl.cli.output import flatten
from sigctl.cli.params import (
    RESOURCE_ID_GROUP,
    AazNoWait,
    AddArg,
    BoolValue,
    ForceString,
    Ids,
    RemoveArg,
    ResourceGroup,
    ResourceGroupOrIds,
    SetArg,
    aaz_bool_option,
    choice_option,
    location_option,
    values,
)
from sigctl.cli.resource_commands import Resource
from sigctl.provider import ids

commands = CommandGroup("Manage in VM access control profile versions.")

API_VERSION = "2024-03-03"
SCHEMA_KEYS = [
    "defaultAccess",
    "excludeFromLatest",
    "id",
    "location",
    "mode",
    "name",
    "provisioningState",
    "publishedDate",
    "replicationStatus",
    "rules",
    "tags",
    "targetLocations",
    "type",
]
READ_ONLY = ("provisioningState", "publishedDate", "replicationStatus")

_PROFILE_HELP = "The name of the in VM access control profile."
ProfileName = Annotated[str, typer.Option("--profile-name", metavar="NAME", help=_PROFILE_HELP)]
ProfileNameOrIds = Annotated[
    str | None,
    typer.Option(
        "--profile-name", metavar="NAME", help=_PROFILE_HELP, rich_help_panel=RESOURCE_ID_GROUP
    ),
]
_VERSION_HELP = (
    "The name of the version: Major.Minor.Patch, each a 32-bit integer (digits and periods)."
)
VersionName = Annotated[
    str,
    typer.Option("--version-name", "--profile-version", metavar="VERSION", help=_VERSION_HELP),
]
VersionNameOrIds = Annotated[
    str | None,
    typer.Option(
        "--version-name",
        "--profile-version",
        metavar="VERSION",
        help=_VERSION_HELP,
        rich_help_panel=RESOURCE_ID_GROUP,
    ),
]
_MODE = choice_option(
    "--mode",
    allowed=("Audit", "Disabled", "Enforce"),
    help="Whether the rules are audited, enforced, or disabled.",
    rich_help_panel=PROPERTIES_GROUP,
)
_DEFAULT_ACCESS = choice_option(
    "--default-access",
    allowed=("Allow", "Deny"),
    help="Whether requests the rules do not cover may reach the host endpoint.",
    rich_help_panel=PROPERTIES_GROUP,
)
ExcludeFromLatest = Annotated[
    BoolValue | None,
    aaz_bool_option(
        "--exclude-from-latest",
        help="If true, VMs deployed from the latest version of the profile do not use this one.",
        rich_help_panel=PROPERTIES_GROUP,
    ),
]
TargetRegions = Annotated[
    list[str] | None,
    typer.Option(
        "--target-regions",
        metavar="REGION",
        help="The regions the version is replicated to (space-separated); they replace the "
        "current ones; the version's location when omitted.",
    ),
]


def _locations(target_regions: list[str] | None) -> list[dict[str, str]] | None:
    """az sends --target-regions as targetLocations [{name}], and only when some are given."""
    given = values(target_regions)
    return [{"name": name} for name in given] if given else None


def _finish(inv: Invocation, target: Any, no_wait: bool | None) -> Any:
    """az's long-running operation: poll until replication ends; print the final resource."""
    if no_wait:
        return None
    from sigctl.cli import lro

    return flatten(lro.complete(inv, target, api_version=API_VERSION))


@commands.command(
    "create",
    policy=True,
    examples=[
        (
            "Create an audited version that lets everything through.",
            "{prefix} create --resource-group MyResourceGroup --gallery-name MyGallery "
            "--profile-name MyProfile --profile-version 1.0.0 --mode Audit --default-access Allow",
        ),
        (
            "Create an enforced version with rules, replicated to two regions.",
            "{prefix} create -g MyResourceGroup --gallery-name MyGallery --profile-name MyProfile "
            "--profile-version 1.1.0 --mode Enforce --default-access Deny "
            "--target-regions eastus2 westus --rules @rules.json",
        ),
    ],
)
def create(
    inv: Invocation,
    resource_group: ResourceGroup,
    gallery_name: GalleryName,
    profile_name: ProfileName,
    profile_version: VersionName,
    mode: Annotated[str, _MODE],
    default_access: Annotated[str, _DEFAULT_ACCESS],
    location: Annotated[
        str | None, location_option("GalleryInVMAccessControlProfileVersion Arguments")
    ] = None,
    target_regions: TargetRegions = None,
    exclude_from_latest: ExcludeFromLatest = None,
    rules: Annotated[
        str | None,
        typer.Option(
            "--rules",
            metavar="RULES",
            help="The access control rules (privileges, roles, identities, roleAssignments): "
            "JSON, shorthand syntax, or a JSON/YAML file (path or @path).",
            rich_help_panel=PROPERTIES_GROUP,
        ),
    ] = None,
    no_wait: AazNoWait = None,
) -> Any:
    """Create a gallery in VM access control profile version."""
    from sigctl.cli.shorthand import object_value

    client = inv.client
    props: dict[str, Any] = {"defaultAccess": default_access, "mode": mode}
    if exclude_from_latest is not None:
        props["excludeFromLatest"] = exclude_from_latest
    if rules is not None:
        props["rules"] = object_value(rules.removeprefix("@"), "--rules")
    locations = _locations(target_regions)
    if locations is not None:
        props["targetLocations"] = locations
    body = {"location": aaz_location(client, resource_group, location), "properties": props}
    target = access_control_profile_version_target(
        inv, resource_group, gallery_name, profile_name, profile_version
    )
    client.put(target, body, api_version=API_VERSION)
    return _finish(inv, target, no_wait)


def _all(
    inv: Invocation,
    ids_: list[str] | None,
    resource_group: str | None,
    gallery_name: str | None,
    profile_name: str | None,
    version: str | None,
) -> list[Any]:
    return targets(
        inv,
        ids_,
        access_control_profile_version_target,
        resource_group,
        gallery_name,
        profile_name,
        version,
    )


PROFILE_VERSION = Resource(
    target=access_control_profile_version_target,
    names=[
        ("resource_group", ResourceGroupOrIds),
        ("gallery_name", GalleryNameOrIds),
        ("profile_name", ProfileNameOrIds),
        ("profile_version", VersionNameOrIds),
    ],
    collection=lambda subscription, group, gallery, profile: ids.compute_id(
        subscription, group, "galleries", gallery, KIND, profile, "versions"
    ),
    listing=[ResourceGroup, GalleryName, ProfileName],
    api_version=API_VERSION,
    shape=flatten,
)
PROFILE_VERSION.show(
    commands,
    "Get information about a gallery in VM access control profile version.",
    [
        (
            "Show a version.",
            "{prefix} show --resource-group MyResourceGroup --gallery-name MyGallery "
            "--profile-name MyProfile --profile-version 1.0.0",
        ),
    ],
)
PROFILE_VERSION.list_(
    commands,
    "List gallery in VM access control profile versions in a gallery in VM access control profile.",
    [
        (
            "List the versions of a profile.",
            "{prefix} list --resource-group MyResourceGroup --gallery-name MyGallery "
            "--profile-name MyProfile",
        ),
    ],
)


@commands.command(
    "update",
    policy=True,
    examples=[
        (
            "Exclude a version from latest.",
            "{prefix} update --resource-group MyResourceGroup --gallery-name MyGallery "
            "--profile-name MyProfile --profile-version 1.0.0 --exclude-from-latest true",
        ),
        (
            "Enforce the rules and replicate to one more region.",
            "{prefix} update -g MyResourceGroup --gallery-name MyGallery --profile-name MyProfile "
            "--profile-version 1.0.0 --mode Enforce --target-regions eastus2 westus",
        ),
    ],
)
def update(
    inv: Invocation,
    resource_group: ResourceGroupOrIds = None,
    gallery_name: GalleryNameOrIds = None,
    profile_name: ProfileNameOrIds = None,
    profile_version: VersionNameOrIds = None,
    ids_: Ids = None,
    mode: Annotated[str | None, _MODE] = None,
    default_access: Annotated[str | None, _DEFAULT_ACCESS] = None,
    exclude_from_latest: ExcludeFromLatest = None,
    target_regions: TargetRegions = None,
    set_: SetArg = None,
    add: AddArg = None,
    remove: RemoveArg = None,
    force_string: ForceString = None,
    no_wait: AazNoWait = None,
) -> Any:
    """Update a gallery in VM access control profile version.

    Mode, default access, exclusion from latest and target regions may change; the rules may not.
    """
    client = inv.client
    results = []
    for target in _all(inv, ids_, resource_group, gallery_name, profile_name, profile_version):
        for attempt in client.attempts():  # az's GET then PUT, one step to other processes
            with attempt:
                instance = flatten(client.get(target, api_version=API_VERSION))
                for field in READ_ONLY:
                    instance.pop(field, None)
                for field, value in (
                    ("mode", mode),
                    ("defaultAccess", default_access),
                    ("excludeFromLatest", exclude_from_latest),
                    ("targetLocations", _locations(target_regions)),
                ):
                    if value is not None:
                        instance[field] = value
                Updater(instance, SCHEMA_KEYS, inv.warn).apply(
                    decode(set_, add, remove), bool(force_string)
                )
                client.put(target, unflatten(instance), api_version=API_VERSION)
        results.append(_finish(inv, target, no_wait))
    return None if no_wait else one_or_many(results, ids_)


PROFILE_VERSION.delete(
    commands,
    """Delete a gallery in VM access control profile version.

    Without --yes az asks first (and, with no terminal to ask on, refuses).
    """,
    [
        (
            "Delete a version.",
            "{prefix} delete --resource-group MyResourceGroup --gallery-name MyGallery "
            "--profile-name MyProfile --profile-version 1.0.0 --yes",
        ),
    ],
    yes="after targets",
)
PROFILE_VERSION.wait(
    commands,
    "Place the CLI in a waiting state until a condition is met.",
    [
        (
            "Wait until a version has replicated.",
            "{prefix} wait -g MyResourceGroup --gallery-name MyGallery --profile-name MyProfile "
            "--profile-version 1.0.0 --created",
        ),
    ],
)
