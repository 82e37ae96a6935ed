"""Client-side argument handling shared by the resource commands (az's validators)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sigctl.cli.context import Invocation
from sigctl.cli.errors import CliError
from sigctl.cli.params import values
from sigctl.errors import ArmError
from sigctl.provider import ids as ids_module
from sigctl.provider.ids import ResourceId


def confirm(question: str = "Are you sure you want to perform this operation?") -> None:
    """az's y/n prompt for destructive commands without --yes; no terminal means no consent."""
    import sys

    if not sys.stdin.isatty():
        raise CliError("Unable to prompt for confirmation as no tty available. Use --yes.")
    sys.stderr.write(f"{question} (y/n): ")
    sys.stderr.flush()
    if sys.stdin.readline().strip().lower() not in ("y", "yes"):
        raise CliError("Operation cancelled.")


def missing_field(flag: str) -> CliError:
    """How az's generated show/update/delete/wait commands report a missing -g/-r (exit 1)."""
    return CliError(f"InvalidArgumentValue: Missing required field: {flag}")


def _given(group: str | None, *named: tuple[str, str | None]) -> str:
    """Check az's required resource-id arguments in az's order: the names, then -g."""
    for flag, value in named:
        if not value:
            raise missing_field(flag)
    if not group:
        raise missing_field("--resource-group")
    return group


def gallery_target(inv: Invocation, group: str | None, gallery: str | None) -> ResourceId:
    group = _given(group, ("-r", gallery))
    return ids_module.gallery_id(inv.client.subscription, group, gallery or "")


def definition_target(
    inv: Invocation, group: str | None, gallery: str | None, image: str | None
) -> ResourceId:
    group = _given(group, ("-r", gallery), ("-i", image))
    return ids_module.image_id(inv.client.subscription, group, gallery or "", image or "")


def version_target(
    inv: Invocation, group: str | None, gallery: str | None, image: str | None, version: str | None
) -> ResourceId:
    group = _given(group, ("-r", gallery), ("-i", image), ("-e", version))
    return ids_module.version_id(
        inv.client.subscription, group, gallery or "", image or "", version or ""
    )


def name_or_id(
    inv: Invocation, text: str, group: str, type_: str, namespace: str = ids_module.COMPUTE
) -> str:
    """az's name-or-id arguments: a bare name is a resource of `type_` in -g."""
    if text.lower().startswith("/subscriptions/"):
        return text
    sub = inv.client.subscription
    return f"/subscriptions/{sub}/resourceGroups/{group}/providers/{namespace}/{type_}/{text}"


def application_target(
    inv: Invocation, group: str | None, gallery: str | None, name: str | None
) -> ResourceId:
    group = _given(group, ("-r", gallery), ("-n", name))
    return ids_module.application_id(inv.client.subscription, group, gallery or "", name or "")


def application_version_target(
    inv: Invocation,
    group: str | None,
    gallery: str | None,
    application: str | None,
    version: str | None,
) -> ResourceId:
    group = _given(group, ("-r", gallery), ("--application-name", application), ("-n", version))
    return ids_module.application_version_id(
        inv.client.subscription, group, gallery or "", application or "", version or ""
    )


def parse_id(text: str) -> ResourceId:
    """A resource id given on the command line, or az's usage error."""
    try:
        return ids_module.parse(text)
    except ArmError:
        raise CliError(f"usage error: '{text}' is not a valid resource ID") from None


def targets(
    inv: Invocation,
    ids: list[str] | None,
    build: Callable[..., ResourceId],
    *names: str | None,
) -> list[ResourceId]:
    """The resources a command acts on: every `--ids` entry, else build(inv, *names) from
    -g/-r/...

    --ids excludes the other resource-id arguments, as az's help says. As in az, an id only
    fills those arguments by position (resource group, name, child name, ...): an id of another
    depth or type never reaches the service as it is, so a definition command cannot delete
    the resource group or version an id names.
    """
    given = values(ids)
    if given and any(n is not None for n in names):
        raise CliError(
            "usage error: --ids cannot be combined with other 'Resource Id' arguments (-g, -r, -i, -e)"
        )
    if not given:
        return [build(inv, *names)]
    built = []
    for text in given:
        parsed = parse_id(text)
        parts = [parsed.resource_group]
        if parsed.namespace != ids_module.RESOURCES:
            parts += list(parsed.names)
        parts = (parts + [None] * len(names))[: len(names)]
        target = build(inv, *parts)
        built.append(
            ResourceId(
                parsed.subscription,
                target.resource_group,
                target.namespace,
                target.types,
                target.names,
            )
        )
    return built


def one_or_many(results: list[Any], ids: list[str] | None) -> Any:
    """az prints a list when several --ids were given, the single result otherwise."""
    return results if values(ids) and len(results) > 1 else results[0]


def aaz_tags(given: list[str] | None) -> dict[str, str] | None:
    """Tags on generated commands: every item must be key=value with a non-empty value."""
    items = values(given)
    if items is None:
        return None
    tags: dict[str, str] = {}
    for item in items:
        key, eq, value = item.partition("=")
        if not item or (eq and not value):
            raise CliError("Failed to parse '--tags' argument: argument value cannot be blank")
        if not eq:
            raise CliError(
                f"Failed to parse '--tags' argument: dict type value expected, got '{item}'(<class 'str'>)"
            )
        tags[key] = value
    return tags


def custom_tags(given: list[str] | None) -> dict[str, str]:
    """Tags on hand-written commands: `k` -> "", `k=a=b` -> "a=b", omitted -> {}."""
    tags: dict[str, str] = {}
    for item in values(given) or []:
        if item == "":
            continue
        key, _, value = item.partition("=")
        tags[key] = value
    return tags


def aaz_location(client: Any, group: str, location: str | None) -> str:
    """A generated create's location: as given, else its resource group's.

    az looks the group up to default the location; a missing group surfaces as a missing
    --location, not as the group's 404.
    """
    if location is not None:
        return location
    try:
        return client.group_location(group)
    except ArmError as error:
        if error.code != "ResourceGroupNotFound":
            raise
        raise missing_field("--location") from None


def _profile_id(
    inv: Invocation, group: str, gallery: str | None, profile: str | None
) -> ResourceId:
    gallery_id = ids_module.gallery_id(inv.client.subscription, group, gallery or "")
    return gallery_id.child("inVMAccessControlProfiles", profile or "")


def access_control_profile_target(
    inv: Invocation, group: str | None, gallery: str | None, profile: str | None
) -> ResourceId:
    group = _given(group, ("--gallery-name", gallery), ("-n", profile))
    return _profile_id(inv, group, gallery, profile)


def access_control_profile_version_target(
    inv: Invocation,
    group: str | None,
    gallery: str | None,
    profile: str | None,
    version: str | None,
) -> ResourceId:
    group = _given(
        group, ("--gallery-name", gallery), ("--profile-name", profile), ("--version-name", version)
    )
    return _profile_id(inv, group, gallery, profile).child("versions", version or "")


def managed_identity_target(inv: Invocation, group: str | None, name: str | None) -> ResourceId:
    group = _given(group, ("-n", name))
    return ResourceId(
        inv.client.subscription,
        group,
        ids_module.MANAGED_IDENTITY,
        ("userAssignedIdentities",),
        (name or "",),
    )
