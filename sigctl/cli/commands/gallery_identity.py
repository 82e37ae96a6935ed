"""`sigctl sig identity` (az sig identity assign/remove/show/wait): a gallery's managed identity.

assign and remove are az's generated subresource updates: GET the gallery, compute the whole
identity block from the arguments (sigctl.cli.identity_update), PUT the gallery back, and
print the identity the service answers with.
"""

from __future__ import annotations

from typing import Annotated, Any

from sigctl.cli import identity_update
from sigctl.cli.arguments import gallery_target
from sigctl.cli.context import Invocation
from sigctl.cli.errors import CliError
from sigctl.cli.framework import CommandGroup
from sigctl.cli.identity_update import system_assigned_option, user_assigned_option
from sigctl.cli.params import (
    AazNoWait,
    GalleryName,
    GalleryNameOrIds,
    ResourceGroup,
    ResourceGroupOrIds,
)
from sigctl.cli.resource_commands import Resource
from sigctl.provider import ids

commands = CommandGroup("Manage the managed identities of a gallery.")

_IDENTITY_GROUP = "Gallery.identity Arguments"
SystemAssigned = Annotated[str | None, system_assigned_option(_IDENTITY_GROUP)]
UserAssigned = Annotated[list[str] | None, user_assigned_option(_IDENTITY_GROUP)]

API_VERSION = "2025-03-03"
# What az's 2025-03-03 gallery schema sends back on a PUT (read-only fields are left out).
_COMMUNITY_FIELDS = ("eula", "publicNamePrefix", "publisherContact", "publisherUri")


def _put_body(gallery: dict[str, Any], identity: dict[str, Any]) -> dict[str, Any]:
    """The gallery as az's schema knows it, with the new identity: what az PUTs back."""
    props = gallery.get("properties", {})
    kept: dict[str, Any] = {}
    if "description" in props:
        kept["description"] = props["description"]
    if "sharingProfile" in props:
        profile = props["sharingProfile"]
        sharing: dict[str, Any] = {"permissions": profile.get("permissions")}
        info = profile.get("communityGalleryInfo")
        if info:
            sharing["communityGalleryInfo"] = {f: info[f] for f in _COMMUNITY_FIELDS if f in info}
        kept["sharingProfile"] = sharing
    if "softDeletePolicy" in props:
        # az's schema knows isSoftDeleteEnabled only; the service would keep the rest of the
        # policy, which sigctl's PUT (a full replacement) does only if it is sent back
        kept["softDeletePolicy"] = props["softDeletePolicy"]
    body: dict[str, Any] = {"location": gallery["location"], "properties": kept}
    if "tags" in gallery:
        body["tags"] = gallery["tags"]
    if identity:
        body["identity"] = identity
    return body


def _change(
    inv: Invocation,
    action: str,
    resource_group: str,
    gallery_name: str,
    system_assigned: str | None,
    user_assigned: list[str] | None,
    no_wait: bool | None,
) -> Any:
    client = inv.client
    target = ids.gallery_id(client.subscription, resource_group, gallery_name)
    for attempt in client.attempts():  # az's read-then-write, one step to other processes
        with attempt:
            gallery = client.get(target, api_version=API_VERSION)
            identity = identity_update.build(
                gallery.get("identity"), action, system_assigned, user_assigned
            )
            result = client.put(target, _put_body(gallery, identity), api_version=API_VERSION)
    return None if no_wait else result.get("identity")


@commands.command(
    "assign",
    policy=True,
    examples=[
        (
            "Enable the system assigned identity.",
            "{prefix} assign -g MyResourceGroup -r MyGalleryName --system-assigned",
        ),
        (
            "Add a user assigned identity (made with `sigctl identity create`).",
            "{prefix} assign -g MyResourceGroup -r MyGalleryName --user-assigned "
            "/subscriptions/SUB/resourcegroups/MyResourceGroup/providers/"
            "Microsoft.ManagedIdentity/userAssignedIdentities/id1",
        ),
        (
            "Enable the system assigned identity and add a user assigned identity.",
            "{prefix} assign -g MyResourceGroup -r MyGalleryName --system-assigned "
            "--user-assigned ID1",
        ),
    ],
)
def assign(
    inv: Invocation,
    resource_group: ResourceGroup,
    gallery_name: GalleryName,
    system_assigned: SystemAssigned = None,
    user_assigned: UserAssigned = None,
    no_wait: AazNoWait = None,
) -> Any:
    """Assign the user or system managed identities.

    A user-assigned identity must exist, and adding it needs the assign action on it
    (Managed Identity Operator, Contributor or Owner) besides write access to the gallery.
    """
    return _change(
        inv, "assign", resource_group, gallery_name, system_assigned, user_assigned, no_wait
    )


@commands.command(
    "remove",
    policy=True,
    examples=[
        (
            "Remove the system assigned identity.",
            "{prefix} remove -g MyResourceGroup -r MyGalleryName --system-assigned",
        ),
        (
            "Remove two user assigned identities.",
            "{prefix} remove -g MyResourceGroup -r MyGalleryName --user-assigned ID1 ID2",
        ),
        (
            "Remove all user assigned identities.",
            "{prefix} remove -g MyResourceGroup -r MyGalleryName --user-assigned",
        ),
    ],
)
def remove(
    inv: Invocation,
    resource_group: ResourceGroup,
    gallery_name: GalleryName,
    system_assigned: SystemAssigned = None,
    user_assigned: UserAssigned = None,
    no_wait: AazNoWait = None,
) -> Any:
    """Remove the user or system managed identities.

    As in az, `--user-assigned` with a single id (or none) removes every user-assigned
    identity; two or more ids are removed one by one. Removing the last identity prints nothing.
    """
    return _change(
        inv, "remove", resource_group, gallery_name, system_assigned, user_assigned, no_wait
    )


@commands.command(
    "show",
    examples=[("Show the managed identity.", "{prefix} show -g MyResourceGroup -r MyGalleryName")],
)
def show(inv: Invocation, resource_group: ResourceGroup, gallery_name: GalleryName) -> Any:
    """Show the details of managed identities."""
    client = inv.client
    target = ids.gallery_id(client.subscription, resource_group, gallery_name)
    identity = client.get(target, api_version=API_VERSION).get("identity")
    if not identity:
        raise CliError("ResourceNotFoundError")  # az's words when the gallery has none
    return identity


Resource(
    target=gallery_target,
    names=[("resource_group", ResourceGroupOrIds), ("gallery_name", GalleryNameOrIds)],
    api_version=API_VERSION,
).wait(
    commands,
    "Place the CLI in a waiting state until a condition is met.",
    [
        (
            "Wait until the gallery's identity update has succeeded.",
            "{prefix} wait -g MyResourceGroup -r MyGalleryName --updated",
        ),
        (
            "Wait until the gallery has a system assigned identity.",
            "{prefix} wait -g MyResourceGroup -r MyGalleryName "
            "--custom \"identity.type=='SystemAssigned'\"",
        ),
    ],
)
