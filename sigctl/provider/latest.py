"""Which version "latest" means: one resolver, with the reason every other version was skipped.

The service's documented rule: the highest Major, then Minor, then Patch, compared as
numbers (1.10.0 > 1.9.0), among versions that are not excluded from latest (a region's own flag
overrides the global one for that region), that have a completed replica in the region asked
(one completed before a replica-count increase still counts while the extra copies are made),
and that are not soft-deleted. End of life does not exclude a version; it only warns.
Without a region, a version must have finished provisioning (Succeeded).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sigctl.errors import ArmError, resource_not_found
from sigctl.provider import image_versions, lookup, names, regions, replicas
from sigctl.provider.clock import parse_instant
from sigctl.provider.context import Request
from sigctl.provider.ids import ResourceId

if TYPE_CHECKING:
    from sigctl.provider.model import StoredDefinition, StoredImageVersion, TargetRegion


def _region_target(doc: StoredImageVersion, region: str) -> TargetRegion | None:
    for target in doc["resource"]["properties"]["publishingProfile"]["targetRegions"]:
        if regions.programmatic(target["name"]) == region:
            return target
    return None


def _assess(
    ctx: Request, state: str, doc: StoredImageVersion, region: regions.Region | None
) -> dict[str, Any]:
    profile = doc["resource"]["properties"]["publishingProfile"]
    reasons: list[str] = []
    warnings: list[str] = []
    if state != "active":
        reasons.append("soft-deleted")
    provisioning = replicas.provisioning_state(ctx, doc)
    target = _region_target(doc, region.name) if region else None
    excluded = profile.get("excludeFromLatest", False)
    if region is not None and target is not None and "excludeFromLatest" in target:
        if target["excludeFromLatest"]:
            reasons.append(
                f"excluded from latest in {region.display_name} (targetRegions[].excludeFromLatest)"
            )
    elif excluded:
        reasons.append("excluded from latest (publishingProfile.excludeFromLatest)")
    if provisioning == "Failed":
        reasons.append("provisioning failed")
    if region is not None:
        if target is None:
            reasons.append(f"not replicated to {region.display_name} (not a target region)")
        else:
            status = dict(replicas.region_states(ctx, doc))[region.name]
            if status["state"] == "Failed":
                reasons.append(f"replication to {region.display_name} failed")
            elif region.name not in replicas.serving_regions(ctx, doc):
                reasons.append(
                    f"replication to {region.display_name} not complete ({status['progress']}%)"
                )
    elif provisioning not in ("Succeeded", "Failed"):
        reasons.append(f"still {provisioning.lower()} (provisioningState {provisioning})")
    end_of_life = profile.get("endOfLifeDate")
    if end_of_life and parse_instant(end_of_life) <= ctx.clock.now():
        warnings.append(f"end of life passed on {end_of_life} (informational; it does not exclude)")
    return {
        "name": doc["resource"]["name"],
        "eligible": not reasons,
        "provisioningState": provisioning,
        "reasons": reasons,
        "warnings": warnings,
    }


def resolve(ctx: Request, definition_rid: ResourceId, region_text: str | None) -> dict[str, Any]:
    """The latest version of a definition (for a region, if given) and every candidate's verdict."""
    ctx.authorize("Microsoft.Compute/galleries/images/versions/read", str(definition_rid))
    region = (
        regions.require(region_text, image_versions.TYPE, ctx.allowed_regions())
        if region_text
        else None
    )
    definition = lookup.find_definition(ctx, definition_rid)
    if definition is None:
        raise resource_not_found(definition_rid.type_path(), definition_rid.resource_group or "")
    chosen, candidates = _choose(ctx, definition, region)
    return {
        "definition": definition["resource"]["id"],
        "region": region.name if region else None,
        "latest": chosen["resource"]["name"] if chosen else None,
        "version": image_versions.render(ctx, chosen) if chosen else None,
        "candidates": [verdict for _, verdict in candidates],
    }


def pick(
    ctx: Request, definition: StoredDefinition, region: regions.Region | None
) -> StoredImageVersion | None:
    """The stored version "latest" resolves to, or None."""
    return _choose(ctx, definition, region)[0]


def _choose(
    ctx: Request, definition: StoredDefinition, region: regions.Region | None
) -> tuple[StoredImageVersion | None, list[tuple[StoredImageVersion, dict[str, Any]]]]:
    candidates = [
        (doc, _assess(ctx, state, doc, region))
        for state, doc in lookup.all_versions(ctx, definition)
        if state != "purged"
    ]
    candidates.sort(key=lambda c: _order(c[0]), reverse=True)
    chosen = next((doc for doc, verdict in candidates if verdict["eligible"]), None)
    return chosen, candidates


def _order(doc: StoredImageVersion) -> tuple[Any, ...]:
    """Highest number first; equal numbers (1.0.0, 01.0.0) by the newest publishedDate, then
    name, so "latest" never depends on the order the files are listed in."""
    resource = doc["resource"]
    return (
        names.version_order(resource["name"]),
        resource["properties"]["publishingProfile"]["publishedDate"],
        resource["name"],
    )


def no_latest(definition_id: str) -> ArmError:
    return ArmError(
        "NotFound", f'There is no latest image version exists for "{definition_id}"', 404
    )
