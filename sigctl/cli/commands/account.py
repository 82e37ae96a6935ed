"""`sigctl account`: the emulated subscription and tenant, shaped as az account prints them."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli.context import Invocation
from sigctl.cli.errors import CliError
from sigctl.cli.framework import CommandGroup

commands = CommandGroup("Show the emulated subscription and tenant.")


def _shape(
    subscription: dict[str, Any], tenant: dict[str, Any], current_id: str, who: dict[str, Any]
) -> dict[str, Any]:
    kind = "servicePrincipal" if who["type"] == "servicePrincipal" else "user"
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


def _name(record: dict[str, Any]) -> str:
    from sigctl.cli.directory import display_name

    if record["type"] == "servicePrincipal":
        return record["appId"]
    return display_name(record)


def subscriptions(inv: Invocation) -> list[dict[str, Any]]:
    """Every subscription of the emulated cloud (sigctl's records: id, name, tenantId, owner)."""
    return inv.client.call("GET", "/sigctl/subscriptions")["value"]


def find_subscription(inv: Invocation, text: str) -> dict[str, Any] | None:
    """az's --subscription: an id (any case) or a name (exactly)."""
    listed = subscriptions(inv)
    by_id = [s for s in listed if s["id"] == text.lower()]
    return (by_id or [s for s in listed if s["name"] == text] or [None])[0]


@commands.command(
    "show",
    examples=[
        ("Show the current subscription and who you act as.", "{prefix} show"),
        ("Print the subscription id only.", "{prefix} show --query id -o tsv"),
    ],
)
def show(inv: Invocation) -> Any:
    """Get the details of the current subscription, and the principal commands act as."""
    client = inv.client
    session = client.session
    return _shape(session["subscription"], session["tenant"], client.subscription, client.principal)


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
    inv: Invocation,
    subscription: Annotated[
        str,
        typer.Option("--subscription", "-s", "--name", "-n", help="Name or ID of subscription."),
    ],
) -> None:
    """Set a subscription to be the current active subscription."""
    from sigctl import profile

    invocation = inv
    found = find_subscription(inv, subscription)
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
def list_(inv: Invocation) -> Any:
    """List the subscriptions known to the emulated cloud."""
    client = inv.client
    current = client.subscription
    tenants = {t["tenantId"]: t for t in client.call("GET", "/sigctl/tenants")["value"]}
    return [
        _shape(s, tenants[s["tenantId"]], current, client.principal) for s in subscriptions(inv)
    ]


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
    inv: Invocation,
    gallery_access: Annotated[
        bool,
        typer.Option(
            "--gallery-access",
            help="sigctl only: add a `sigctl` object to each region saying whether galleries there need an allow-list and whether this subscription may create them now.",
        ),
    ] = False,
) -> Any:
    """List the supported regions for the current subscription."""
    client = inv.client
    sub = client.subscription
    regions = client.list(f"/subscriptions/{sub}/locations")
    if gallery_access:  # sigctl's own key, asked for: az's output stays az's by default
        access = client.call("GET", f"/sigctl/subscriptions/{sub}/regions")["value"]
        by_name = {a["name"]: a for a in access}
        for entry in regions:
            found = by_name[entry["name"]]
            entry["sigctl"] = {
                "needsAllowList": found["needsAllowList"],
                "galleriesAllowed": found["galleriesAllowed"],
            }
    return regions


def _allow(inv: Invocation, region_text: str, allowed: bool) -> Any:
    from sigctl.errors import ArmError

    invocation = inv
    client = invocation.client
    action = "add" if allowed else "remove"
    path = f"/sigctl/subscriptions/{client.subscription}/allowedRegions/{action}"
    try:
        answer = client.call("POST", path, {"region": region_text})
    except ArmError as error:
        if error.code != "UnknownRegion":
            raise
        raise CliError(error.message) from None
    if not answer["changed"]:
        invocation.warn(
            f"{answer['region']['displayName']} needs no allow-list; galleries can use it "
            "already. Nothing changed."
        )
    return {k: answer[k] for k in ("id", "name", "allowedRegions")}


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
    inv: Invocation,
    region: Annotated[
        str, typer.Argument(metavar="REGION", help="The region, e.g. australiacentral.")
    ],
) -> Any:
    """Put a region on the subscription's allow-list (Australia Central and Central 2 need one)."""
    return _allow(inv, region, True)


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
    inv: Invocation,
    region: Annotated[
        str, typer.Argument(metavar="REGION", help="The region, e.g. australiacentral.")
    ],
) -> Any:
    """Take a region off the subscription's allow-list."""
    return _allow(inv, region, False)
