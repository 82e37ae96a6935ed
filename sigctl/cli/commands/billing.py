"""`sigctl billing estimate`: what a version, definition, gallery or subscription costs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from sigctl.cli.context import Invocation
from sigctl.cli.errors import CliError
from sigctl.cli.framework import CommandGroup, WithTable
from sigctl.cli.params import choice_option, disk_size, integer, values
from sigctl.cli.regions_arg import parse_target_regions
from sigctl.provider import ids

commands = CommandGroup("Estimate what galleries cost: snapshots, stored GB, egress, money.")


# What docs/limits.md promises: the JSON keeps four decimals, the table two; each is rounded
# once from the exact amount, halves up.
JSON_PLACES, TABLE_PLACES = 4, 2


def _cost(summary: dict[str, Any], places: int) -> dict[str, Any]:
    from sigctl.cli.pricing import money

    cost = summary["cost"]
    return {
        **cost,
        "monthlyStorage": money(cost["monthlyStorage"], places),
        "oneTimeEgress": money(cost["oneTimeEgress"], places),
    }


def _table(summary: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {
            "Region": r["region"],
            "StorageType": r["storageAccountType"],
            "Snapshots": r["snapshots"],
            "StoredGB": r["storedGB"],
            "EgressGB": r["egressGB"],
        }
        for r in summary["regions"]
    ]
    totals, cost = summary["totals"], _cost(summary, TABLE_PLACES)
    rows.append(
        {
            "Region": "Total",
            "StorageType": "",
            "Snapshots": totals["snapshots"],
            "StoredGB": totals["storedGB"],
            "EgressGB": totals["egressGB"],
            "MonthlyStorage": f"{cost['monthlyStorage']} {cost['currency']}",
            "OneTimeEgress": f"{cost['oneTimeEgress']} {cost['currency']}",
        }
    )
    return rows


# The options that narrow an estimate of what exists.
_GalleryName = Annotated[
    str | None,
    typer.Option("--gallery-name", "-r", metavar="NAME", help="Estimate this gallery."),
]
_ImageDefinition = Annotated[
    str | None,
    typer.Option(
        "--gallery-image-definition",
        "-i",
        metavar="NAME",
        help="Estimate this image definition.",
    ),
]
_ImageVersion = Annotated[
    str | None,
    typer.Option(
        "--gallery-image-version", "-e", metavar="VERSION", help="Estimate this image version."
    ),
]
# The options that plan a version which does not exist yet, and the price table.
_TargetRegions = Annotated[
    list[str] | None,
    typer.Option(
        "--target-regions",
        help="Plan a version that does not exist yet: region[=count][=storage type] ..., as image-version create takes them.",
    ),
]
_ReplicaCount = Annotated[
    int | None,
    typer.Option(
        "--replica-count",
        parser=integer("--replica-count"),
        help="Default replicas per region when planning. Default: 1.",
    ),
]
_StorageAccountType = Annotated[
    str | None,
    choice_option(
        "--storage-account-type",
        allowed=("Standard_LRS", "Standard_ZRS", "Premium_LRS"),
        help="Default storage type when planning. Default: Standard_LRS.",
    ),
]
_ReplicationMode = Annotated[
    str | None,
    choice_option(
        "--replication-mode",
        allowed=("Full", "Shallow"),
        help="Replication mode of the planned version. Default: Full.",
    ),
]
_PlannedLocation = Annotated[
    str | None,
    typer.Option(
        "--location",
        "-l",
        metavar="LOCATION",
        help="The planned version's own region. Default: the --managed-image's region, else the first target region.",
    ),
]
_ManagedImage = Annotated[
    str | None,
    typer.Option(
        "--managed-image",
        help="When planning: size the version from this managed image (or VM) in -g.",
    ),
]
_OsDisk = Annotated[
    str | None,
    typer.Option(
        "--os-disk",
        metavar="SIZE[:USED]",
        help="When planning: the OS disk's size and used GB.",
    ),
]
_DataDisks = Annotated[
    list[str] | None,
    typer.Option(
        "--data-disk",
        metavar="SIZE[:USED]",
        help="When planning: data disks' sizes and used GB.",
    ),
]
_Prices = Annotated[
    Path | None,
    typer.Option(
        "--prices",
        metavar="FILE",
        help="A TOML price table (currency, egress_per_gb, [snapshot_per_gb_month]). Default: built-in example prices.",
    ),
]


@commands.command(
    "estimate",
    examples=[
        ("Estimate the whole subscription.", "{prefix} estimate -o table"),
        (
            "Estimate one version.",
            "{prefix} estimate -g MyResourceGroup -r MyGallery -i MyImage -e 1.0.0",
        ),
        (
            "Price a rollout before running it: a 127 GB OS disk using 10 GB plus an empty 32 GB data disk, 3 regions, 2 replicas each.",
            "{prefix} estimate --os-disk 127:10 --data-disk 32:0 --target-regions eastus2 westus2 westeurope --replica-count 2 -o table",
        ),
    ],
)
def estimate(
    inv: Invocation,
    resource_group: Annotated[
        str | None,
        typer.Option(
            "--resource-group",
            "-g",
            metavar="NAME",
            help="Resource group of the gallery (or of --managed-image when planning).",
        ),
    ] = None,
    gallery_name: _GalleryName = None,
    gallery_image_definition: _ImageDefinition = None,
    gallery_image_version: _ImageVersion = None,
    target_regions: _TargetRegions = None,
    replica_count: _ReplicaCount = None,
    storage_account_type: _StorageAccountType = None,
    replication_mode: _ReplicationMode = None,
    location: _PlannedLocation = None,
    managed_image: _ManagedImage = None,
    os_disk: _OsDisk = None,
    data_disk: _DataDisks = None,
    prices: _Prices = None,
) -> Any:
    """Estimate gallery costs from Azure's billing model.

    Each replica is a snapshot billed on the image's occupied (used) size; egress is charged once
    per additional region for the first replica copied there; the gallery itself is free. The
    built-in prices are examples, not Azure's: pass --prices with your own.
    """
    from sigctl.cli import pricing

    client = inv.client
    price_text = None
    if prices is not None:
        price_text = _read_price_table(prices)
    table = pricing.load_prices(price_text, str(prices) if prices else "")
    planned = values(target_regions)
    if planned is not None:
        if gallery_name or gallery_image_definition or gallery_image_version:
            raise CliError(
                "usage error: -r, -i and -e estimate what exists; --target-regions plans a new version: give one or the other"
            )
        result = _plan(
            client,
            planned,
            replica_count,
            storage_account_type,
            replication_mode,
            location,
            resource_group,
            managed_image,
            os_disk,
            values(data_disk),
        )
    else:
        # -l is left out: defaults.location fills it on every command that has it.
        planning = (replica_count, storage_account_type, replication_mode, managed_image)
        if any((*planning, os_disk, data_disk)):
            raise CliError(
                "usage error: --replica-count, --storage-account-type, --replication-mode, --managed-image, --os-disk and --data-disk plan a version; give --target-regions too"
            )
        scope = _scope(
            client.subscription,
            resource_group,
            gallery_name,
            gallery_image_definition,
            gallery_image_version,
        )
        result = _existing(client, scope)
    return _summarised(result, table)


def _read_price_table(path: Path) -> str:
    try:
        return path.read_text()
    except OSError as exc:
        raise CliError(f"Cannot read the price table '{path}': {exc.strerror}") from None


def _existing(client: Any, scope: ids.ResourceId | None) -> dict[str, Any]:
    """What the versions under `scope` (None: the whole subscription) hold, region by region."""
    path = f"/sigctl/subscriptions/{client.subscription}/billing"
    return client.call("GET", path, scope=str(scope) if scope else None)


def _summarised(result: dict[str, Any], prices: dict[str, Any]) -> WithTable:
    """The gathered versions priced and totalled: the JSON report and its table."""
    from sigctl.cli import pricing

    summary = pricing.summarise(result["versions"], prices)
    return WithTable(_report(result["scope"], summary), _table(summary))


def _report(scope: str, summary: dict[str, Any]) -> dict[str, Any]:
    """The estimate, its figures first: an OrderedDict, so that `-o tsv` prints currency,
    monthly storage, one-time egress, snapshots, stored GB and egress GB on one line."""
    from collections import OrderedDict

    cost, totals = _cost(summary, JSON_PLACES), summary["totals"]
    return OrderedDict(
        currency=cost["currency"],
        # JSON numbers; 4 places print as the shortest float
        monthlyStorage=float(cost["monthlyStorage"]),
        oneTimeEgress=float(cost["oneTimeEgress"]),
        snapshots=totals["snapshots"],
        storedGB=totals["storedGB"],
        egressGB=totals["egressGB"],
        scope=scope,
        regions=summary["regions"],
        versions=summary["versions"],
        prices=cost["prices"],
    )


def _scope(
    sub: str, group: str | None, gallery: str | None, image: str | None, version: str | None
) -> ids.ResourceId | None:
    if gallery is None:
        if image or version:
            raise CliError(
                "usage error: give -g (then -r, -i, -e) to narrow the estimate, or nothing for the whole subscription"
            )
        return ids.resource_group_id(sub, group) if group else None
    if not group:
        raise CliError("usage error: -r needs -g")
    if version and not image:
        raise CliError("usage error: -e needs -i")
    pairs = (
        ["galleries", gallery]
        + (["images", image] if image else [])
        + (["versions", version] if version else [])
    )
    return ids.compute_id(sub, group, *pairs)


def _plan(
    client: Any,
    targets: list[str],
    replica_count: int | None,
    storage_type: str | None,
    replication_mode: str | None,
    location: str | None,
    group: str | None,
    managed_image: str | None,
    os_disk: str | None,
    data_disks: list[str] | None,
) -> dict[str, Any]:
    if not targets:
        raise CliError("usage error: --target-regions needs at least one region to plan")
    if bool(managed_image) == bool(os_disk):
        raise CliError(
            "usage error: size the planned version with --managed-image (and -g) or with --os-disk [--data-disk ...]"
        )
    if managed_image and not group:
        raise CliError("usage error: --managed-image needs -g")
    profile: dict[str, Any] = {"targetRegions": parse_target_regions(targets)}
    if replica_count is not None:
        profile["replicaCount"] = replica_count
    if storage_type is not None:
        profile["storageAccountType"] = storage_type
    if replication_mode is not None:
        profile["replicationMode"] = replication_mode

    body: dict[str, Any] = {"location": location, "publishingProfile": profile}
    if managed_image:
        body["source"] = {"resourceGroup": group, "name": managed_image}
    else:
        body["disks"] = [
            disk_size(os_disk or "", "--os-disk"),
            *(disk_size(d, "--data-disk") for d in data_disks or []),
        ]
    return client.call("POST", f"/sigctl/subscriptions/{client.subscription}/billing/plan", body)
