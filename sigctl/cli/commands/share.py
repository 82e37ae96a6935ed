"""`sigctl sig share`: share a gallery with subscriptions and tenants, or with everyone."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli.arguments import gallery_target, one_or_many, targets
from sigctl.cli.context import Invocation
from sigctl.cli.errors import CliError
from sigctl.cli.framework import CommandGroup
from sigctl.cli.output import flatten
from sigctl.cli.params import (
    AazNoWait,
    GalleryNameOrIds,
    Ids,
    ResourceGroupOrIds,
    values,
)
from sigctl.cli.resource_commands import Resource

commands = CommandGroup("Share a gallery with subscriptions, tenants, or the community.")

API_VERSION = "2023-07-03"
SubscriptionIds = Annotated[
    list[str] | None,
    typer.Option(
        "--subscription-ids", help="A list of subscription ids the gallery is shared with."
    ),
]
TenantIds = Annotated[
    list[str] | None,
    typer.Option("--tenant-ids", help="A list of tenant ids the gallery is shared with."),
]


def _post(
    inv: Invocation,
    operation: str,
    resource_group: str | None,
    gallery_name: str | None,
    ids_: list[str] | None,
    subscription_ids: list[str] | None = None,
    tenant_ids: list[str] | None = None,
) -> Any:
    client = inv.client
    groups = []
    if values(subscription_ids):
        groups.append({"type": "Subscriptions", "ids": values(subscription_ids)})
    if values(tenant_ids):
        groups.append({"type": "AADTenants", "ids": values(tenant_ids)})
    if operation in ("Add", "Remove") and not groups:
        raise CliError("At least one of subscription ids or tenant ids must be provided.")
    body: dict[str, Any] = {"operationType": operation}
    if groups:
        body["groups"] = groups
    results = [
        flatten({"properties": client.post(t, "share", body, api_version=API_VERSION)})
        for t in targets(inv, ids_, gallery_target, resource_group, gallery_name)
    ]
    return one_or_many(results, ids_)


@commands.command(
    "add",
    policy=True,
    examples=[
        (
            "Share a gallery with another subscription and a tenant.",
            "{prefix} add -g MyResourceGroup -r MyGallery --subscription-ids SUB_ID --tenant-ids TENANT_ID",
        ),
    ],
)
def add(
    inv: Invocation,
    resource_group: ResourceGroupOrIds = None,
    gallery_name: GalleryNameOrIds = None,
    ids_: Ids = None,
    subscription_ids: SubscriptionIds = None,
    tenant_ids: TenantIds = None,
    no_wait: AazNoWait = None,
) -> Any:
    """Share a gallery with subscriptions and tenants (the gallery needs --permissions Groups).

    Only a gallery created with `--permissions Groups` can be shared this way: the permission
    cannot be changed after the gallery is created.
    """
    result = _post(inv, "Add", resource_group, gallery_name, ids_, subscription_ids, tenant_ids)
    return None if no_wait else result


@commands.command(
    "remove",
    policy=True,
    examples=[
        (
            "Stop sharing with a subscription.",
            "{prefix} remove -g MyResourceGroup -r MyGallery --subscription-ids SUB_ID",
        )
    ],
)
def remove(
    inv: Invocation,
    resource_group: ResourceGroupOrIds = None,
    gallery_name: GalleryNameOrIds = None,
    ids_: Ids = None,
    subscription_ids: SubscriptionIds = None,
    tenant_ids: TenantIds = None,
    no_wait: AazNoWait = None,
) -> Any:
    """Remove subscriptions and tenants from a gallery's sharing."""
    result = _post(inv, "Remove", resource_group, gallery_name, ids_, subscription_ids, tenant_ids)
    return None if no_wait else result


@commands.command(
    "reset",
    policy=True,
    examples=[
        (
            "Share the gallery with nobody and make it Private (needed before deleting a "
            "community gallery).",
            "{prefix} reset -g MyResourceGroup -r MyGallery",
        )
    ],
)
def reset(
    inv: Invocation,
    resource_group: ResourceGroupOrIds = None,
    gallery_name: GalleryNameOrIds = None,
    ids_: Ids = None,
    no_wait: AazNoWait = None,
) -> Any:
    """Disable gallery from being shared with subscription or tenant, and from the community.

    The gallery's sharing permission becomes Private, with no groups and no community info.
    """
    result = _post(inv, "Reset", resource_group, gallery_name, ids_)
    return None if no_wait else result


@commands.command(
    "enable-community",
    policy=True,
    examples=[
        (
            "Make a community gallery public.",
            "{prefix} enable-community -g MyResourceGroup -r MyGallery",
        )
    ],
)
def enable_community(
    inv: Invocation,
    resource_group: ResourceGroupOrIds = None,
    gallery_name: GalleryNameOrIds = None,
    ids_: Ids = None,
    subscription_ids: SubscriptionIds = None,
    tenant_ids: TenantIds = None,
    no_wait: AazNoWait = None,
) -> Any:
    """Allow to share gallery to the community (the gallery needs --permissions Community)."""
    # az sends these as groups with EnableCommunity; the service takes them and shares by them nothing.
    result = _post(
        inv, "EnableCommunity", resource_group, gallery_name, ids_, subscription_ids, tenant_ids
    )
    return None if no_wait else result


Resource(
    target=gallery_target,
    names=[("resource_group", ResourceGroupOrIds), ("gallery_name", GalleryNameOrIds)],
    api_version=API_VERSION,
).wait(
    commands,
    "Place the CLI in a waiting state until a condition of the shared gallery is met.",
    [
        (
            "Wait until the gallery's sharing is updated.",
            "{prefix} wait -g MyResourceGroup -r MyGallery --updated",
        )
    ],
    query={"$expand": "SharingProfile/Groups"},
)
