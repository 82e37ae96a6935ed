"""`sigctl account`: the emulated subscription and tenant, shaped as az account prints them."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli import context
from sigctl.cli.errors import CliError
from sigctl.cli.framework import CommandGroup

commands = CommandGroup("Show the emulated subscription and tenant.")


def _shape(
    provider: Any, subscription: dict[str, Any], current_id: str, user: dict[str, Any] | None
) -> dict[str, Any]:
    account = provider.account(subscription["id"])
    tenant = account["tenant"]
    who = user or account["user"]
    kind = "servicePrincipal" if who and who["type"] == "servicePrincipal" else "user"
    return {
        "environmentName": "AzureCloud",
        "homeTenantId": tenant["tenantId"],
        "id": subscription["id"],
        "isDefault": subscription["id"] == current_id,
        "managedByTenants": [],
        "name": subscription["name"],
        "state": subscription["state"],
        "tenantDefaultDomain": tenant["defaultDomain"],
        "tenantDisplayName": tenant["displayName"],
        "tenantId": tenant["tenantId"],
        "user": {"name": _name(who), "type": kind},
    }


def _name(record: dict[str, Any] | None) -> str:
    from sigctl.provider import accounts

    if record and record["type"] == "servicePrincipal":
        return record["appId"]
    return accounts.display_name(record)


@commands.command(
    "show",
    examples=[
        ("Show the current subscription and who you act as.", "{prefix} show"),
        ("Print the subscription id only.", "{prefix} show --query id -o tsv"),
    ],
)
def show() -> Any:
    """Get the details of the current subscription, and the principal commands act as."""
    client = context.current().client
    return _shape(client.provider, client.account, client.subscription, client.principal)


@commands.command(
    "set",
    examples=[
        (
            "Make another subscription the current one.",
            "{prefix} set --subscription consumer-subscription",
        )
    ],
)
def set_(
    subscription: Annotated[
        str,
        typer.Option("--subscription", "-s", "--name", "-n", help="Name or ID of subscription."),
    ],
) -> None:
    """Set a subscription to be the current active subscription."""
    from sigctl import profile
    from sigctl.provider import accounts

    invocation = context.current()
    with invocation.client.provider.session() as tx:
        found = accounts.find_subscription(tx, subscription)
    if found is None:
        raise CliError(f"The subscription of '{subscription}' doesn't exist in cloud 'AzureCloud'.")
    saved = profile.load(invocation.home)
    saved["subscription"] = found["id"]
    profile.save(invocation.home, saved)


def _list_table(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """az's table for `account list`."""
    return [
        {
            "Name": r["name"],
            "CloudName": r["environmentName"],
            "SubscriptionId": r["id"],
            "TenantId": r["tenantId"],
            "State": r["state"],
            "IsDefault": r["isDefault"],
        }
        for r in rows
    ]


@commands.command(
    "list",
    table=_list_table,
    examples=[("List the subscriptions of the emulated account.", "{prefix} list -o table")],
)
def list_() -> Any:
    """List the subscriptions known to the emulated cloud."""
    from sigctl.provider import accounts

    client = context.current().client
    current = client.subscription
    with client.provider.session() as tx:
        subscriptions = list(accounts.load(tx)["subscriptions"].values())
    return [_shape(client.provider, s, current, client.principal) for s in subscriptions]


def _locations_table(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """az's columns, plus sigctl's gallery access when --gallery-access asked for it."""
    out = []
    for row in rows:
        line = {
            "DisplayName": row["displayName"],
            "Name": row["name"],
            "RegionalDisplayName": row["regionalDisplayName"],
        }
        if "sigctl" in row:
            line["NeedsAllowList"] = row["sigctl"]["needsAllowList"]
            line["GalleriesAllowed"] = row["sigctl"]["galleriesAllowed"]
        out.append(line)
    return out


@commands.command(
    "list-locations",
    table=_locations_table,
    examples=[
        ("List the regions, as az does.", "{prefix} list-locations -o table"),
        (
            "Regions with availability zones (where Standard_ZRS works).",
            '{prefix} list-locations --query "[?availabilityZoneMappings].name" -o tsv',
        ),
        (
            "Regions whose galleries need the subscription on an allow-list.",
            '{prefix} list-locations --gallery-access --query "[?sigctl.needsAllowList].name" -o tsv',
        ),
    ],
)
def list_locations(
    gallery_access: Annotated[
        bool,
        typer.Option(
            "--gallery-access",
            help="sigctl only: add a `sigctl` object to each region saying whether galleries there need an allow-list and whether this subscription may create them now.",
        ),
    ] = False,
) -> Any:
    """List the supported regions for the current subscription."""
    from sigctl.provider import regions, settings
    from sigctl.provider.region_metadata import METADATA

    invocation = context.current()
    client = invocation.client
    sub = client.subscription
    allowed: frozenset[str] = frozenset()
    if gallery_access:
        allowed = client.provider.operate(sub, lambda ctx: ctx.allowed_regions())
    # A subscription outside the early-access programme is not shown its regions.
    early_access = settings.early_access(invocation.config)
    out = []
    for region in regions.CATALOGUE:
        if region.early_access and not early_access:
            continue
        meta = METADATA[region.name]
        entry: dict[str, Any] = {
            "displayName": region.display_name,
            "id": f"/subscriptions/{sub}/locations/{region.name}",
            "metadata": {
                "geography": meta["geography"],
                "geographyGroup": meta["geographyGroup"],
                "latitude": meta["latitude"],
                "longitude": meta["longitude"],
                "pairedRegion": [
                    {"id": f"/subscriptions/{sub}/locations/{p}", "name": p}
                    for p in meta["pairedRegion"]
                ],
                "physicalLocation": meta["physicalLocation"],
                "regionCategory": meta["regionCategory"],
                "regionType": "Physical",
            },
            "name": region.name,
            "regionalDisplayName": meta["regionalDisplayName"],
            "type": "Region",
        }
        if region.zones:
            entry["availabilityZoneMappings"] = [
                {"logicalZone": str(z), "physicalZone": f"{region.name}-az{z}"}
                for z in range(1, region.zone_count + 1)
            ]
        if gallery_access:  # sigctl's own key, asked for: az's output stays az's by default
            entry["sigctl"] = {
                "needsAllowList": region.allow_list,
                "galleriesAllowed": region.open_to(allowed),
            }
        out.append(entry)
    return out


def _allow(region_text: str, allowed: bool) -> Any:
    from sigctl.provider import accounts, regions

    invocation = context.current()
    client = invocation.client
    region = regions.find(region_text)
    if region is None:
        raise CliError(
            f"'{region_text}' is not a region. {regions.did_you_mean(region_text)}".strip()
        )
    subscription = client.subscription
    if not region.allow_list:
        invocation.warn(
            f"{region.display_name} needs no allow-list; galleries can use it already. Nothing changed."
        )
        with client.provider.session() as tx:
            sub = accounts.subscription(tx, subscription)
        return {
            "id": sub["id"],
            "name": sub["name"],
            "allowedRegions": sub.get("allowedRegions", []),
        }
    with client.provider.session(write=True) as tx:
        sub = accounts.allow_region(tx, subscription, region.name, allowed)
    return {"id": sub["id"], "name": sub["name"], "allowedRegions": sub["allowedRegions"]}


@commands.command(
    "allow-region",
    examples=[
        (
            "Let the current subscription use Australia Central for galleries.",
            "{prefix} allow-region australiacentral",
        )
    ],
)
def allow_region(
    region: Annotated[
        str, typer.Argument(metavar="REGION", help="The region, e.g. australiacentral.")
    ],
) -> Any:
    """Put a region on the subscription's allow-list (Australia Central and Central 2 need one)."""
    return _allow(region, True)


@commands.command(
    "disallow-region",
    examples=[
        (
            "Take Australia Central off the allow-list again.",
            "{prefix} disallow-region australiacentral",
        )
    ],
)
def disallow_region(
    region: Annotated[
        str, typer.Argument(metavar="REGION", help="The region, e.g. australiacentral.")
    ],
) -> Any:
    """Take a region off the subscription's allow-list."""
    return _allow(region, False)
