"""How image versions are printed: az's shape of a version, its table, and resolve's verdicts."""

from __future__ import annotations

from typing import Any

from sigctl.cli.framework import WithTable
from sigctl.cli.output import flatten


def shape(body: dict[str, Any]) -> dict[str, Any]:
    """The printed shape: flattened, and only what az's schema knows of validationsProfile."""
    out = flatten(body)
    if "validationsProfile" in out:
        known = ("executedValidations", "platformAttributes", "validationEtag")
        out["validationsProfile"] = {
            k: v for k, v in out["validationsProfile"].items() if k in known
        }
    return out


def show_table(result: Any) -> Any:
    """az's table transformer for `sig image-version show` (null columns dropped)."""

    def row(item: dict[str, Any]) -> dict[str, Any]:
        profile = item.get("publishingProfile") or {}
        regions = profile.get("targetRegions")
        zones = profile.get("targetExtendedLocations")
        columns = {
            "Name": item.get("name"),
            "ResourceGroup": item.get("resourceGroup"),
            "ProvisioningState": item.get("provisioningState"),
            "TargetRegions": ", ".join(r["name"] for r in regions) if regions else None,
            "EdgeZones": ", ".join(z["name"] for z in zones) if zones else None,
            "ReplicationState": (item.get("replicationStatus") or {}).get("aggregatedState"),
        }
        return {k: v for k, v in columns.items() if v is not None}

    return [row(i) for i in result] if isinstance(result, list) else row(result)


def verdicts(result: dict[str, Any]) -> Any:
    """--explain: one entry per candidate, the one "latest" means marked; an OrderedDict so that
    `-o tsv` prints version, eligibility and choice first, one version a line."""
    from collections import OrderedDict

    verdicts = [
        OrderedDict(
            name=c["name"],
            eligible=c["eligible"],
            latest=c["name"] == result["latest"],
            provisioningState=c["provisioningState"],
            reasons=c["reasons"],
            warnings=c["warnings"],
        )
        for c in result["candidates"]
    ]
    rows = [
        {
            "Version": v["name"],
            "Eligible": v["eligible"],
            "Latest": v["latest"],
            "Reasons": "; ".join(v["reasons"]),
        }
        for v in verdicts
    ]
    return WithTable(verdicts, rows)
