"""What a billing estimate costs: the service's quantities priced with a price table.

The service reports snapshots, stored GB and egress GB per version and region
(GET /sigctl/subscriptions/{s}/billing); this module totals them per region and storage type and
prices them. Prices are not Azure's: the built-in table holds example figures, labelled as such,
and a TOML file can replace them.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sigctl.errors import ArmError

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
