"""VM application versions: `sigctl [sig] gallery-application version ...`.

az's commands here are generated ones: `--target-regions` takes az's shorthand syntax or JSON
(a whole list: `"[{name:eastus2},{name:westus2,regional-replica-count:2}]"`), not the
`region=count` items of `sig image-version`; `--end-of-life-date` is a plain date-time. create
and update wait for replication to finish, as image versions do, unless --no-wait.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

import typer

from sigctl.cli import shorthand
from sigctl.cli.arguments import (
    aaz_location,
    aaz_tags,
    application_version_target,
    one_or_many,
    targets,
)
from sigctl.cli.commands.gallery_application import application_option
from sigctl.cli.context import Invocation
from sigctl.cli.errors import CliError, usage_error
from sigctl.cli.framework import CommandGroup
from sigctl.cli.generic_update import Updater, decode, unflatten
from sigctl.cli.output import flatten, prune
from sigctl.cli.params import (
    RESOURCE_ID_GROUP,
    AazNoWait,
    AazTags,
    AddArg,
    BoolValue,
    ForceString,
    GalleryName,
    GalleryNameOrIds,
    Ids,
    Location,
    RemoveArg,
    ResourceGroup,
    ResourceGroupOrIds,
    SetArg,
    aaz_bool_option,
    choice_option,
    values,
)
from sigctl.cli.resource_commands import QueryOption, Resource
from sigctl.provider import ids

commands = CommandGroup("Manage gallery application version.")

API_VERSION = "2022-01-03"
STORAGE_TYPES = ("Premium_LRS", "Standard_LRS", "Standard_ZRS")


def _keys(*names: str) -> dict[str, Any]:
    return dict.fromkeys(names)


_ENCRYPTION = {
    "dataDiskImages": _keys("diskEncryptionSetId", "lun"),
    "osDiskImage": {
        "diskEncryptionSetId": None,
        "securityProfile": _keys("confidentialVMEncryptionType", "secureVMDiskEncryptionSetId"),
    },
}
# What az's generated commands read from a response (flattened); the rest is not printed.
SCHEMA: dict[str, Any] = {
    **_keys("id", "location", "name", "provisioningState", "tags", "type"),
    "publishingProfile": {
        **_keys(
            "advancedSettings",
            "enableHealthCheck",
            "endOfLifeDate",
            "excludeFromLatest",
            "publishedDate",
            "replicaCount",
            "replicationMode",
            "storageAccountType",
        ),
        "manageActions": _keys("install", "remove", "update"),
        "settings": _keys("configFileName", "packageFileName"),
        "source": _keys("defaultConfigurationLink", "mediaLink"),
        "targetExtendedLocations": {
            **_keys("extendedLocationReplicaCount", "name", "storageAccountType"),
            "encryption": _ENCRYPTION,
            "extendedLocation": _keys("name", "type"),
        },
        "targetRegions": {
            **_keys("name", "regionalReplicaCount", "storageAccountType"),
            "encryption": _ENCRYPTION,
        },
    },
    "replicationStatus": {
        "aggregatedState": None,
        "summary": _keys("details", "progress", "region", "state"),
    },
}
# Read-only parts of the printed shape, which az does not send back on update.
READ_ONLY = ("provisioningState", "replicationStatus")
STRING_PATHS = (
    "tags.*",
    "publishingProfile.endOfLifeDate",
    "publishingProfile.targetRegions.*.name",
)


def shape(body: dict[str, Any]) -> dict[str, Any]:
    """What az prints of a version: flattened, through its schema."""
    return prune(flatten(body), SCHEMA)


# -- --target-regions ---------------------------------------------------------------------------

# A target region's keys in az's shorthand (its option names, or the schema's snake_case names).
_REGION_FIELDS = {
    "name": "name",
    "regional-replica-count": "regionalReplicaCount",
    "regional_replica_count": "regionalReplicaCount",
    "storage-account-type": "storageAccountType",
    "storage_account_type": "storageAccountType",
    "encryption": "encryption",
}
_KEYED = re.compile(r"^(?:\[-?\d+\]|[\w-]+)(?:\.[\w-]+|\[-?\d+\])*=")


def _camel(value: Any) -> Any:
    """Shorthand keys (`os-disk-image`) as the ARM body's (`osDiskImage`)."""
    if isinstance(value, dict):
        return {
            re.sub(r"[-_](\w)", lambda m: m.group(1).upper(), k): _camel(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_camel(v) for v in value]
    return value


def _region(item: Any, fail: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise fail(f"dict type value expected, got '{item}'({type(item)})")
    out: dict[str, Any] = {}
    for key, value in item.items():
        field = _REGION_FIELDS.get(key)
        if field is None:
            raise fail(f"\"Model 'AAZObjectArg' has no field named '{key}'\"")
        if value is shorthand.BLANK:
            raise fail(f"Invalid '{key}' : argument value cannot be blank")
        if value is None:
            continue
        if field == "regionalReplicaCount":
            try:
                value = int(value)
            except (TypeError, ValueError) as error:
                raise fail(str(error)) from None
        elif field == "storageAccountType":
            canonical = next((t for t in STORAGE_TYPES if t.lower() == str(value).lower()), None)
            if canonical is None:
                raise fail(
                    f"Invalid '{key}' : unrecognized value '{value}' from choices "
                    f"'{list(STORAGE_TYPES)}'"
                )
            value = canonical
        elif field == "encryption":
            value = _camel(value)
        out[field] = value
    if "name" not in out:
        raise fail("Missing required field: name")
    return out


def parse_target_regions(given: list[str] | None) -> list[dict[str, Any]] | None:
    """az's --target-regions: a whole list, in shorthand, JSON or a file; the last one given wins."""
    items = values(given)
    if items is None:
        return None
    if not items:
        raise usage_error("argument --target-regions: expected at least one argument")

    def fail(message: str) -> CliError:
        return CliError(f"Failed to parse '--target-regions' argument: {message}")

    regions: list[dict[str, Any]] = []
    for text in items:
        if _KEYED.match(text):
            raise fail(
                f"'{text}': give the whole list, e.g. \"[{{name:eastus2}},{{name:westus2,"
                'regional-replica-count:2}]" (sigctl takes no KEY=VALUE items here)'
            )
        try:
            decoded = shorthand.decode(text)
        except ValueError as error:
            raise fail(str(error)) from None
        if not isinstance(decoded, list):
            raise fail(f"list type value expected, got '{decoded}'({type(decoded)})")
        regions = [_region(item, fail) for item in decoded]
    return regions


# -- options ------------------------------------------------------------------------------------


def _version(group: str | None = None) -> Any:
    return typer.Option(
        "--gallery-application-version-name",
        "--name",
        "--version-name",
        "-n",
        metavar="VERSION",
        help="The name of the gallery application version (Major.Minor.Patch).",
        rich_help_panel=group,
    )


Application = Annotated[str, application_option()]
ApplicationOrIds = Annotated[str | None, application_option(group=RESOURCE_ID_GROUP)]  # or --ids
Version = Annotated[str, _version()]
VersionOrIds = Annotated[str | None, _version(RESOURCE_ID_GROUP)]
_PUBLISHING = "PublishingProfile Arguments"
TargetRegions = Annotated[
    list[str] | None,
    typer.Option(
        "--target-regions",
        metavar="LIST",
        help="The target regions to replicate the version to, as one list in shorthand syntax "
        '("[{name:eastus2},{name:westus2,regional-replica-count:2,storage-account-type:'
        "Standard_ZRS}]\"), JSON, or a JSON/YAML file; the version's location when omitted.",
    ),
]
PackageFileLink = Annotated[
    str,
    typer.Option(
        "--package-file-link",
        help="The URL of the package blob (the source's mediaLink), readable by the service.",
    ),
]
DefaultFileLink = Annotated[
    str | None,
    typer.Option(
        "--default-file-link",
        help="The URL of the default configuration blob (the source's defaultConfigurationLink).",
    ),
]
EndOfLifeDate = Annotated[
    str | None,
    typer.Option(
        "--end-of-life-date",
        help="The end of life date of the version, e.g. '2030-12-31T00:00:00Z'. Updatable.",
        rich_help_panel=_PUBLISHING,
    ),
]
ExcludeFrom = Annotated[
    BoolValue | None,
    aaz_bool_option(
        "--exclude-from",
        help="If true, deployments asking for the latest version do not use this one.",
        rich_help_panel=_PUBLISHING,
    ),
]
Expand = Annotated[
    str | None,
    choice_option(
        "--expand",
        allowed=("ReplicationStatus",),
        help='The expand expression to apply on the operation: "ReplicationStatus".',
    ),
]


def _command(*names: str, help: str, required: bool = False) -> Any:
    kind = str if required else str | None
    return Annotated[kind, typer.Option(*names, help=help)]


def _publishing_extras(
    profile: dict[str, Any], end_of_life_date: str | None, exclude_from: Any
) -> None:
    from sigctl.cli.dates import aaz_datetime

    if end_of_life_date is not None:
        profile["endOfLifeDate"] = aaz_datetime(end_of_life_date, "--end-of-life-date")
    if exclude_from is not None:
        profile["excludeFromLatest"] = exclude_from


def _finish(inv: Invocation, target: ids.ResourceId, no_wait: Any) -> Any:
    """az waits for the long-running operation (replication) and prints the version."""
    if no_wait:
        return None
    from sigctl.cli import lro

    return shape(lro.complete(inv, target, api_version=API_VERSION))


@commands.command(
    "create",
    policy=True,
    examples=[
        (
            "Publish version 1.0.0 of a package, replicated to the version's region.",
            "{prefix} create -g MyResourceGroup -r MyGallery --application-name agent -n 1.0.0 "
            "--package-file-link https://contoso.blob.core.windows.net/apps/agent-1.0.0.zip "
            '--install-command "unzip agent && ./agent/install.sh" --remove-command "./agent/remove.sh"',
        ),
        (
            "Replicate a version to two regions, two replicas in one of them, without waiting.",
            "{prefix} create -g MyResourceGroup -r MyGallery --application-name agent -n 1.1.0 "
            "--package-file-link https://contoso.blob.core.windows.net/apps/agent-1.1.0.zip "
            '--install-command "./install.sh" --remove-command "./remove.sh" '
            '--target-regions "[{name:eastus2},{name:westus2,regional-replica-count:2}]" --no-wait',
        ),
    ],
)
def create(
    inv: Invocation,
    gallery_application_name: Application,
    gallery_application_version_name: Version,
    gallery_name: GalleryName,
    resource_group: ResourceGroup,
    install_command: _command(
        "--install-command",
        help="The path and arguments to install the application (at most 4096 characters).",
        required=True,
    ),
    package_file_link: PackageFileLink,
    remove_command: _command(
        "--remove-command",
        help="The path and arguments to remove the application (at most 4096 characters).",
        required=True,
    ),
    update_command: _command(
        "--update-command",
        help="The path and arguments to update the application; without it an update removes "
        "the previous version and installs this one (at most 4096 characters).",
    ) = None,
    config_file_name: _command(
        "--config-file-name",
        help="The name of the downloaded configuration file on the VM; the application name "
        'plus "_config" when omitted.',
    ) = None,
    package_file_name: _command(
        "--package-file-name",
        help="The name of the downloaded package file on the VM; the application name when "
        "omitted.",
    ) = None,
    default_file_link: DefaultFileLink = None,
    location: Location = None,
    target_regions: TargetRegions = None,
    tags: AazTags = None,
    end_of_life_date: EndOfLifeDate = None,
    exclude_from: ExcludeFrom = None,
    no_wait: AazNoWait = None,
) -> Any:
    """Create a gallery application version.

    The version replicates to its target regions (default: its location) as an image version
    does; the command waits for that unless --no-wait. The location defaults to the resource
    group's.
    """
    client = inv.client
    regions = parse_target_regions(target_regions)
    tags_body = aaz_tags(tags)
    profile: dict[str, Any] = {
        "source": {"mediaLink": package_file_link},
        "manageActions": {"install": install_command, "remove": remove_command},
    }
    if default_file_link is not None:
        profile["source"]["defaultConfigurationLink"] = default_file_link
    if update_command is not None:
        profile["manageActions"]["update"] = update_command
    settings = {
        k: v
        for k, v in (("configFileName", config_file_name), ("packageFileName", package_file_name))
        if v is not None
    }
    if settings:
        profile["settings"] = settings
    if regions is not None:
        profile["targetRegions"] = regions
    _publishing_extras(profile, end_of_life_date, exclude_from)
    location = aaz_location(client, resource_group, location)
    body: dict[str, Any] = {"location": location, "properties": {"publishingProfile": profile}}
    if tags_body is not None:
        body["tags"] = tags_body
    target = ids.application_version_id(
        client.subscription,
        resource_group,
        gallery_name,
        gallery_application_name,
        gallery_application_version_name,
    )
    client.put(target, body, api_version=API_VERSION)
    return _finish(inv, target, no_wait)


APPLICATION_VERSION = Resource(
    target=application_version_target,
    names=[
        ("resource_group", ResourceGroupOrIds),
        ("gallery_name", GalleryNameOrIds),
        ("gallery_application_name", ApplicationOrIds),
        ("gallery_application_version_name", VersionOrIds),
    ],
    collection=lambda subscription, group, gallery, application: ids.application_id(
        subscription, group, gallery, application
    ).child("versions"),
    listing=[ResourceGroup, GalleryName, Application],
    api_version=API_VERSION,
    shape=shape,
    order=[
        "gallery_application_name",
        "gallery_application_version_name",
        "gallery_name",
        "resource_group",
    ],
)
ExpandQuery = QueryOption("expand", Expand, lambda given: {"$expand": given} if given else {})
APPLICATION_VERSION.show(
    commands,
    "Get information about a gallery application version.",
    [
        (
            "Get information about a gallery application version.",
            "{prefix} show -g MyResourceGroup -r MyGallery --application-name agent -n 1.0.0",
        ),
        (
            "Show the per-region replication state.",
            "{prefix} show -g MyResourceGroup -r MyGallery --application-name agent -n 1.0.0 --expand ReplicationStatus --query replicationStatus",
        ),
    ],
    options=[ExpandQuery],
)
APPLICATION_VERSION.list_(
    commands,
    "List gallery application versions.",
    [
        (
            "List the versions of an application.",
            "{prefix} list -g MyResourceGroup -r MyGallery --application-name agent",
        ),
        (
            "List version names, one a line.",
            "{prefix} list -g MyResourceGroup -r MyGallery --application-name agent --query [].name -o tsv",
        ),
    ],
)


@commands.command(
    "update",
    policy=True,
    examples=[
        (
            "Set an end-of-life date (az sends the package link on every update: give the version's own).",
            "{prefix} update -g MyResourceGroup -r MyGallery --application-name agent -n 1.0.0 "
            "--package-file-link https://contoso.blob.core.windows.net/apps/agent-1.0.0.zip "
            '--end-of-life-date "2030-07-01T07:00:00Z"',
        ),
        (
            "Add a target region (the list replaces the current one).",
            "{prefix} update -g MyResourceGroup -r MyGallery --application-name agent -n 1.0.0 "
            "--package-file-link https://contoso.blob.core.windows.net/apps/agent-1.0.0.zip "
            '--target-regions "[{name:eastus2},{name:westeurope}]"',
        ),
    ],
)
def update(
    inv: Invocation,
    package_file_link: PackageFileLink,
    gallery_application_name: ApplicationOrIds = None,
    gallery_application_version_name: VersionOrIds = None,
    gallery_name: GalleryNameOrIds = None,
    resource_group: ResourceGroupOrIds = None,
    ids_: Ids = None,
    default_file_link: DefaultFileLink = None,
    location: Location = None,
    target_regions: TargetRegions = None,
    tags: AazTags = None,
    end_of_life_date: EndOfLifeDate = None,
    exclude_from: ExcludeFrom = None,
    set_: SetArg = None,
    add: AddArg = None,
    remove: RemoveArg = None,
    force_string: ForceString = None,
    no_wait: AazNoWait = None,
) -> Any:
    """Update a gallery application version.

    az always sends --package-file-link, and the package cannot change: give the version's own
    link. --target-regions replaces the whole list; removing a region that holds replicas is
    refused by the service (az's update cannot set the safety profile that allows it).
    """
    client = inv.client
    regions = parse_target_regions(target_regions)
    tags_body = aaz_tags(tags)
    results = []
    found = targets(
        inv,
        ids_,
        application_version_target,
        resource_group,
        gallery_name,
        gallery_application_name,
        gallery_application_version_name,
    )
    for target in found:
        for attempt in client.attempts():  # parallel updates of one version lose nothing
            with attempt:
                instance = shape(client.get(target, api_version=API_VERSION))
                if location is not None:
                    instance["location"] = location
                if tags_body is not None:
                    instance["tags"] = tags_body
                profile = instance["publishingProfile"]
                profile.setdefault("source", {})["mediaLink"] = package_file_link
                if default_file_link is not None:
                    profile["source"]["defaultConfigurationLink"] = default_file_link
                if regions is not None:
                    profile["targetRegions"] = regions
                _publishing_extras(profile, end_of_life_date, exclude_from)
                Updater(instance, sorted(SCHEMA), inv.warn, strings=STRING_PATHS).apply(
                    decode(set_, add, remove), bool(force_string)
                )
                for key in READ_ONLY:
                    instance.pop(key, None)
                instance["publishingProfile"].pop("publishedDate", None)
                client.put(target, unflatten(instance), api_version=API_VERSION)
        results.append(_finish(inv, target, no_wait))
    return None if no_wait else one_or_many(results, ids_)


APPLICATION_VERSION.delete(
    commands,
    """Delete a gallery application version.

    Asks for confirmation unless --yes is given. Application versions have no soft delete.
    """,
    [
        (
            "Delete an application version.",
            "{prefix} delete -g MyResourceGroup -r MyGallery --application-name agent -n 1.0.0 --yes",
        )
    ],
    yes="first",  # az asks before it reads the other arguments
)
APPLICATION_VERSION.wait(
    commands,
    "Place the CLI in a waiting state until a condition of the application version is met.",
    [
        (
            "Wait until a version is created (replicated everywhere).",
            "{prefix} wait -g MyResourceGroup -r MyGallery --application-name agent -n 1.0.0 --created",
        ),
        (
            "Wait until one region has completed.",
            "{prefix} wait -g MyResourceGroup -r MyGallery --application-name agent -n 1.0.0 --expand ReplicationStatus "
            "--custom \"properties.replicationStatus.summary[?region=='West US 2'].state | [0]=='Completed'\"",
        ),
    ],
    options=[ExpandQuery],
)
