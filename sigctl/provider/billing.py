"""What a gallery costs, following Azure's documented billing model (the gallery docs' "Billing").

The gallery itself is free. Every replica is stored as a snapshot, billed on the image's
occupied (used) size, not its provisioned size. Network egress is charged once per additional
region, for the first replica copied there from the source region; further replicas are copied
inside the region. A soft-deleted version keeps one replica per region, still billed.

Prices are not Azure's: the built-in table holds example figures, labelled as such, and a TOML
file can replace them.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sigctl.errors import ArmError, resource_not_found
from sigctl.provider import galleries, ids, image_definitions, image_versions, regions
from sigctl.provider.context import Request
from sigctl.provider.ids import ResourceId

# Money is Decimal throughout, so a cost is exact until it is rounded once for display.
EXAMPLE_PRICES: dict[str, Any] = {
    "currency": "USD",
    "snapshot_per_gb_month": {
        "Standard_LRS": Decimal("0.05"),
        "Standard_ZRS": Decimal("0.0625"),
        "Premium_LRS": Decimal("0.12"),
        "PremiumV2_LRS": Decimal("0.12"),
    },
    "egress_per_gb": Decimal("0.02"),
    "label": "built-in example prices, not Azure's; pass --prices FILE with your own",
}


def money(amount: Decimal, places: int) -> Decimal:
    """`amount` rounded once to `places` decimals, halves up (3.625 -> 3.63), as a bill rounds."""
    from decimal import localcontext

    with localcontext(prec=max(28, amount.adjusted() + places + 2)):  # room for any amount
        return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def occupied_gb(disks: list[dict[str, int]]) -> int:
    return sum(d.get("usedGB", d["sizeGB"]) for d in disks)


def plan_regions(
    occupied: int, location: str, targets: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Per-region snapshots, stored GB and egress GB for a version replicated to `targets`."""
    rows = []
    for target in targets:
        region = regions.find(target["name"])
        name = region.name if region else target["name"]
        replicas = target["regionalReplicaCount"]
        rows.append(
            {
                "region": region.display_name if region else name,
                "storageAccountType": target["storageAccountType"],
                "snapshots": replicas,
                "storedGB": replicas * occupied,
                "egressGB": 0 if name == location else occupied,
            }
        )
    return rows


def _version_rows(ctx: Request, state: str, doc: dict[str, Any]) -> list[dict[str, Any]]:
    resource = doc["resource"]
    targets = resource["properties"]["publishingProfile"]["targetRegions"]
    if state == "soft-deleted":
        targets = [{**t, "regionalReplicaCount": 1} for t in targets]
    rows = plan_regions(occupied_gb(doc["disks"]), resource["location"], targets)
    failed = {name for name, s in image_versions.region_states(ctx, doc) if s["state"] == "Failed"}
    for row, target in zip(rows, targets, strict=True):
        region = regions.find(target["name"])
        if state == "soft-deleted":
            row["egressGB"] = 0  # nothing is copied while a version is soft-deleted
        if region and region.name in failed:
            row.update(snapshots=0, storedGB=0, egressGB=0)  # a failed region holds no replica
    return rows


def existing(ctx: Request, scope: ResourceId | None) -> dict[str, Any]:
    """Estimate for a version, a definition, a gallery, or (scope None) the whole subscription."""
    ctx.authorize(
        "Microsoft.Compute/galleries/images/versions/read",
        str(scope) if scope else f"/subscriptions/{ctx.subscription}",
    )
    if scope is None:
        stored = (galleries.listed_gallery(ctx, k) for k in sorted(ctx.index()["galleries"]))
        definitions = [d for g in stored for d in image_definitions.in_gallery(ctx, g)]
    elif scope.namespace == ids.RESOURCES:  # a resource group
        from sigctl.provider import resource_groups

        group = resource_groups.require(ctx, scope.resource_group or "")
        keys = [k for k, _ in resource_groups.list_galleries_in(ctx.index(), group["name"])]
        stored = (galleries.listed_gallery(ctx, k) for k in sorted(keys))
        definitions = [d for g in stored for d in image_definitions.in_gallery(ctx, g)]
    elif len(scope.names) == 1:
        definitions = image_definitions.in_gallery(ctx, galleries.require(ctx, scope))
    else:
        definitions = [image_definitions.require(ctx, scope)]
    versions: list[tuple[str, dict[str, Any]]] = []
    for definition in definitions:
        versions += [
            (s, d) for s, d in image_versions.all_versions(ctx, definition) if s != "purged"
        ]
    if scope is not None and len(scope.names) == 3:
        versions = [
            (s, d) for s, d in versions if d["resource"]["name"].lower() == scope.names[2].lower()
        ]
        if not versions:
            raise resource_not_found(scope.type_path(), scope.resource_group or "")
    items = []
    for state, doc in versions:
        items.append(
            {
                "id": doc["resource"]["id"],
                "softDeleted": state == "soft-deleted",
                "occupiedGB": occupied_gb(doc["disks"]),
                "regions": _version_rows(ctx, state, doc),
            }
        )
    return {
        "scope": str(scope) if scope else f"/subscriptions/{ctx.subscription}",
        "versions": items,
    }


def summarise(items: list[dict[str, Any]], prices: dict[str, Any]) -> dict[str, Any]:
    """Totals per region and storage type, and the monthly storage and one-time egress cost."""
    by_region: dict[tuple[str, str], dict[str, Any]] = {}
    for item in items:
        for row in item["regions"]:
            key = (row["region"], row["storageAccountType"])
            total = by_region.setdefault(
                key,
                {
                    "region": key[0],
                    "storageAccountType": key[1],
                    "snapshots": 0,
                    "storedGB": 0,
                    "egressGB": 0,
                },
            )
            for field in ("snapshots", "storedGB", "egressGB"):
                total[field] += row[field]
    rows = list(by_region.values())
    storage_price = prices["snapshot_per_gb_month"]
    missing = sorted({r["storageAccountType"] for r in rows} - set(storage_price))
    if missing:
        raise ArmError(
            "InvalidPriceTable", f"The price table has no snapshot price for {', '.join(missing)}."
        )
    import math
    from decimal import MAX_PREC, localcontext

    with localcontext(prec=MAX_PREC):  # exact products and sums, whatever digits a price has
        monthly = sum(
            (r["storedGB"] * storage_price[r["storageAccountType"]] for r in rows), Decimal(0)
        )
        egress = sum(r["egressGB"] for r in rows) * prices["egress_per_gb"]
    if not (math.isfinite(float(monthly)) and math.isfinite(float(egress))):
        raise ArmError("InvalidPriceTable", "The prices give a cost too large to report.")
    return {
        "versions": [
            {
                "id": item["id"],
                "softDeleted": item["softDeleted"],
                "occupiedGB": item["occupiedGB"],
                **{
                    f: sum(r[f] for r in item["regions"])
                    for f in ("snapshots", "storedGB", "egressGB")
                },
            }
            for item in items
        ],
        "regions": rows,
        "totals": {
            "snapshots": sum(r["snapshots"] for r in rows),
            "storedGB": sum(r["storedGB"] for r in rows),
            "egressGB": sum(r["egressGB"] for r in rows),
        },
        # Exact amounts: each output rounds them once, to its own precision (`money`).
        "cost": {
            "currency": prices["currency"],
            "monthlyStorage": monthly,
            "oneTimeEgress": egress,
            "prices": prices.get("label", "from the price table given"),
        },
    }


def load_prices(text: str | None, source: str) -> dict[str, Any]:
    """A price table from TOML (keys as in EXAMPLE_PRICES); None gives the example prices."""
    if text is None:
        return EXAMPLE_PRICES
    import tomllib

    try:
        data = tomllib.loads(text, parse_float=Decimal)  # exact: 0.1 stays 0.1
        table = {
            "currency": str(data.get("currency", "USD")),
            "snapshot_per_gb_month": {
                k: _price(v, k) for k, v in data["snapshot_per_gb_month"].items()
            },
            "egress_per_gb": _price(data["egress_per_gb"], "egress_per_gb"),
            "label": f"from {source}",
        }
    except (
        tomllib.TOMLDecodeError,
        KeyError,
        TypeError,
        ValueError,
        AttributeError,
        RecursionError,
    ) as exc:
        raise ArmError(
            "InvalidPriceTable",
            f"The price table {source} is not usable ({type(exc).__name__}: {exc}); it needs "
            "egress_per_gb and a [snapshot_per_gb_month] table of storage types (currency is "
            "optional, USD by default).",
        ) from None
    return table


def _price(value: Any, name: str) -> Decimal:
    """A price: a finite number of 0 or more. TOML floats are doubles, so 1e400 is infinite."""
    import math

    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError(f"{name} = {value!r} is not a number")
    price = Decimal(value)
    if not price.is_finite() or not math.isfinite(float(price)):
        raise ValueError(f"{name} = {value} is not a finite number")
    if price < 0:
        raise ValueError(f"{name} = {value}: prices cannot be negative")
    return price


def plan(
    ctx: Request,
    location_text: str,
    profile: dict[str, Any],
    disks: list[dict[str, int]] | None,
    source: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Estimate a version that does not exist yet, checked as a create would check it.

    The disks are given, or those of `source`, a managed image or VM record (`source_record`).
    """
    location = regions.require(location_text, image_versions.TYPE, ctx.allowed_regions())
    from sigctl.provider.sources import check_disk

    if source is not None:
        # create's own check: the source must be in the version's region
        image_versions.check_source_region(source["id"], source["location"], location)
        disks = [source["properties"]["osDisk"], *source["properties"]["dataDisks"]]
    disks = [
        check_disk(d.get("sizeGB"), d.get("usedGB"), "osDisk" if i == 0 else f"dataDisks[{i - 1}]")
        for i, d in enumerate(disks or [])
    ]
    checked = image_versions.publishing_profile(ctx, profile, location, None)
    image_versions.check_size(ctx, disks, checked.get("replicationMode") == "Shallow")
    occupied = occupied_gb(disks)
    return {
        "scope": "planned version",
        "versions": [
            {
                "id": None,
                "softDeleted": False,
                "occupiedGB": occupied,
                "regions": plan_regions(occupied, location.name, checked["targetRegions"]),
            }
        ],
    }


def source_record(ctx: Request, group: str, name: str) -> dict[str, Any]:
    """A managed image (or VM) named in a resource group, to size and place a planned version."""
    from sigctl.provider import sources

    for kind in ("managed-image", "vm"):
        try:
            return sources.get(ctx, kind, group, name)
        except ArmError:
            continue
    raise sources.not_found(name)
