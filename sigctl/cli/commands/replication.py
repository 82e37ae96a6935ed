"""`sigctl replication`: watch, wait for, time-travel and break image-version replication."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli.arguments import version_target
from sigctl.cli.context import Invocation
from sigctl.cli.errors import CliError
from sigctl.cli.framework import CommandGroup
from sigctl.cli.params import GalleryName, ImageDefinition, ResourceGroup, VersionName, integer
from sigctl.provider import ids

commands = CommandGroup("Watch, wait for, time-travel and break image-version replication.")

API_VERSION = "2024-03-03"
WAIT_TIMEOUT = 3600  # modelled seconds: az's default for its wait commands


def _regions(body: dict[str, Any]) -> list[dict[str, Any]]:
    """One entry per region (edge zones by their own name) in the order of `replicationStatus`,
    with what the version's publishing profile says about it. An OrderedDict, so that `-o tsv`
    prints region, state, progress, replicas, storage type and details, in that order."""
    from collections import OrderedDict

    props = body["properties"]
    profile = props["publishingProfile"]
    targets = {
        t["name"]: (t.get("regionalReplicaCount"), t.get("storageAccountType"))
        for t in profile["targetRegions"]
    }
    for zone in profile.get("targetExtendedLocations") or []:
        targets[zone["extendedLocation"]["name"]] = (
            zone.get("extendedLocationReplicaCount"),
            zone.get("storageAccountType"),
        )
    return [
        OrderedDict(
            region=item["region"],
            state=item["state"],
            progress=item["progress"],
            replicaCount=targets.get(item["region"], (None, None))[0],
            storageAccountType=targets.get(item["region"], (None, None))[1],
            details=item["details"],
        )
        for item in props["replicationStatus"]["summary"]
    ]


def _table(regions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "Region": r["region"],
            "State": r["state"],
            "Progress": f"{r['progress']}%",
            "Replicas": r["replicaCount"],
            "StorageType": r["storageAccountType"],
            "Details": r["details"],
        }
        for r in regions
    ]


def _watch(inv: Invocation, target: ids.ResourceId, timeout: int = WAIT_TIMEOUT) -> dict[str, Any]:
    """Poll until replication ends or `timeout` modelled seconds pass, drawing bars on a terminal.

    Always bounded, so a replication that cannot progress ends the wait instead of hanging it.
    """
    from sigctl.cli import lro

    return lro.watch(
        inv,
        target,
        {"api-version": API_VERSION},
        lambda b: b["properties"]["replicationStatus"]["aggregatedState"] != "InProgress",
        timeout,
    )


@commands.command(
    "status",
    examples=[
        (
            "One row per region: state, progress, replicas, storage type, details.",
            "{prefix} status -g MyResourceGroup -r MyGallery -i MyImage -e 1.0.0 -o table",
        ),
        (
            "The regions that failed, one a line.",
            "{prefix} status -g MyResourceGroup -r MyGallery -i MyImage -e 1.0.0 --query \"[?state=='Failed'].region\" -o tsv",
        ),
        (
            "Watch the regions until replication ends (live bars on a terminal).",
            "{prefix} status -g MyResourceGroup -r MyGallery -i MyImage -e 1.0.0 --watch -o table",
        ),
    ],
    table=_table,
)
def status(
    inv: Invocation,
    resource_group: ResourceGroup,
    gallery_name: GalleryName,
    gallery_image_definition: ImageDefinition,
    gallery_image_version: VersionName,
    watch: Annotated[
        bool,
        typer.Option(
            "--watch",
            help="Keep polling until no region is replicating (at most an hour of modelled "
            "time); draw progress bars on a terminal.",
        ),
    ] = False,
) -> Any:
    """Show an image version's replication, region by region.

    One entry per target region and edge zone: its state, progress, replicas, storage type and
    details (`-o tsv` prints them in that order, one region a line). The overall state is the
    version's `replicationStatus.aggregatedState` (`sig image-version show --expand
    ReplicationStatus`).
    """
    target = version_target(
        inv, resource_group, gallery_name, gallery_image_definition, gallery_image_version
    )
    client = inv.client
    if watch:
        body = _watch(inv, target)
    else:
        body = client.get(target, api_version=API_VERSION, **{"$expand": "ReplicationStatus"})
    return _regions(body)


@commands.command(
    "wait",
    examples=[
        (
            "Block until every region has completed (or one failed).",
            "{prefix} wait -g MyResourceGroup -r MyGallery -i MyImage -e 1.0.0",
        ),
        (
            "Give up after an hour of (modelled) time.",
            "{prefix} wait -g MyResourceGroup -r MyGallery -i MyImage -e 1.0.0 --timeout 3600",
        ),
    ],
)
def wait(
    inv: Invocation,
    resource_group: ResourceGroup,
    gallery_name: GalleryName,
    gallery_image_definition: ImageDefinition,
    gallery_image_version: VersionName,
    timeout: Annotated[
        int,
        typer.Option(
            "--timeout",
            parser=integer("--timeout"),
            help="Maximum wait in modelled seconds.",
        ),
    ] = WAIT_TIMEOUT,
) -> Any:
    """Wait until an image version's replication ends; fail (exit 1) if a region failed.

    Prints nothing when every region completed, as az's wait commands do; on a timeout (default
    an hour of modelled time, as az's) prints `{}` and exits 0, also as az does.
    """
    from sigctl.errors import replication_failure

    body = _watch(
        inv,
        version_target(
            inv, resource_group, gallery_name, gallery_image_definition, gallery_image_version
        ),
        timeout,
    )
    state = body["properties"]["replicationStatus"]["aggregatedState"]
    if state == "Failed":
        raise replication_failure(body)
    if state == "InProgress":
        return {}
    return None


def _recommendation_table(advice: dict[str, Any]) -> list[dict[str, Any]]:
    return [_recommendation_row(advice)]


def _recommendation_row(advice: dict[str, Any]) -> dict[str, Any]:
    """The answer and the rule that gave it (the larger one when both inputs were given)."""
    deciding = max(advice["rules"], key=lambda r: r["replicas"])
    return {
        "RecommendedReplicasPerRegion": advice["recommendedReplicasPerRegion"],
        "Rule": deciding["rule"],
        "Input": deciding["input"],
        "Limit": advice["limit"],
    }


@commands.command(
    "recommend",
    examples=[
        (
            "Replicas per region for 120 VMs created at once.",
            "{prefix} recommend --concurrent-vms 120",
        ),
        (
            "Replicas per region for 5 scale sets of 600 instances.",
            "{prefix} recommend --scale-sets 5 --instances 600",
        ),
    ],
    table=_recommendation_table,
)
def recommend(
    inv: Invocation,
    concurrent_vms: Annotated[
        int | None,
        typer.Option(
            "--concurrent-vms",
            parser=integer("--concurrent-vms"),
            help="VMs created concurrently from the image in one region.",
        ),
    ] = None,
    scale_sets: Annotated[
        int | None,
        typer.Option(
            "--scale-sets",
            parser=integer("--scale-sets"),
            help="Scale sets created concurrently from the image in one region.",
        ),
    ] = None,
    instances: Annotated[
        int | None,
        typer.Option(
            "--instances",
            parser=integer("--instances"),
            help="Instances per scale set (at most 1,000 from a gallery image). Default: 600.",
        ),
    ] = None,
) -> Any:
    """Recommend a replica count per region, from Azure's documented guidance."""
    from sigctl.cli import guidance

    if instances is not None and scale_sets is None:
        raise CliError("usage error: --instances goes with --scale-sets")
    invocation = inv
    limit = invocation.client.service_setting("limits.replicas")
    advice = guidance.recommend(concurrent_vms, scale_sets, instances, limit)
    for note in advice["notes"]:
        invocation.warn(note)
    from collections import OrderedDict

    # the answer first, for -o tsv
    keys = ("recommendedReplicasPerRegion", "limit", "rules", "notes")
    return OrderedDict((k, advice[k]) for k in keys)
