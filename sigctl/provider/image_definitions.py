"""Image definitions (Microsoft.Compute/galleries/images): the identifier, properties, immutability.

The (publisher, offer, sku) triple is unique within a gallery; the gallery's document keeps a
map from each triple to the definition that holds it, so the check reads one document however
many definitions the gallery has.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from sigctl.errors import (
    cannot_delete_nested,
    conflict,
    invalid_parameter,
    invalid_resource_location,
    property_change_not_allowed,
    resource_not_found,
)
from sigctl.provider import ids, limits, lookup, names, shapes
from sigctl.provider.clock import parse_instant
from sigctl.provider.context import Request
from sigctl.provider.ids import ResourceId
from sigctl.provider.validate import (
    expect_bool,
    expect_choice,
    expect_datetime,
    expect_dict,
    expect_int,
    expect_list,
    expect_str,
    expect_tags,
)

if TYPE_CHECKING:
    from sigctl.provider.model import DefinitionProperties, Identifier, StoredDefinition

TYPE = "Microsoft.Compute/galleries/images"
OS_TYPES = ("Windows", "Linux")
OS_STATES = ("Generalized", "Specialized")
GENERATIONS = ("V1", "V2")
ARCHITECTURES = ("x64", "Arm64")
SECURITY_TYPES = (
    "Standard",
    "TrustedLaunch",
    "TrustedLaunchSupported",
    "ConfidentialVM",
    "ConfidentialVmSupported",
    "TrustedLaunchAndConfidentialVmSupported",
)
# From api-version 2025-03-03 a new definition without a generation is V2; before, V1.
V2_DEFAULT_API = "2025-03-03"
# Properties that cannot change after create (the gallery docs list what may).
IMMUTABLE = ("osType", "osState", "hyperVGeneration", "architecture", "eula", "privacyStatementUri")
PROPERTY_PATH = "galleryImage.properties."


def _triple(identifier: Identifier) -> str:
    return "|".join(identifier[k] for k in ("publisher", "offer", "sku")).lower()


# The reads by name live in sigctl.provider.lookup; billing's estimate uses these two names.
require = lookup.definition
in_gallery = lookup.definitions_in


def render(stored: StoredDefinition) -> dict[str, Any]:
    body = copy.deepcopy(stored["resource"])
    body["properties"]["provisioningState"] = "Succeeded"
    return body


def get(ctx: Request, rid: ResourceId) -> dict[str, Any]:
    return render(lookup.definition(ctx, rid))


def list_(ctx: Request, rid: ResourceId) -> list[dict[str, Any]]:
    gallery_id = ids.gallery_id(ctx.subscription, rid.resource_group or "", rid.names[0])
    gallery = lookup.parent_gallery(
        ctx, rid, resource_not_found(gallery_id.type_path(), rid.resource_group or "")
    )
    return [render(d) for d in lookup.definitions_in(ctx, gallery)]


# -- create or update ---------------------------------------------------------------------------


def _enum(value: Any, allowed: tuple[str, ...], field: str, required: bool = False) -> str | None:
    chosen = expect_choice(value, allowed, f"properties.{field}", PROPERTY_PATH + field)
    if chosen is None and required:
        raise invalid_parameter(
            f"Required parameter '{PROPERTY_PATH}{field}' is missing (null).",
            PROPERTY_PATH + field,
        )
    return chosen


def _recommended(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    recommended = expect_dict(value, "properties.recommended")
    out: dict[str, Any] = {}
    for resource in ("vCPUs", "memory"):
        bounds = expect_dict(recommended.get(resource), f"properties.recommended.{resource}")
        kept: dict[str, int] = {}
        for bound in ("min", "max"):
            number = expect_int(bounds.get(bound), f"properties.recommended.{resource}.{bound}")
            if number is None:
                continue
            if number < 1:
                raise invalid_parameter(
                    f"The value {number} of parameter recommended.{resource}.{bound} is out of "
                    "range. The value must be between 1 and 2147483647, inclusive.",
                    f"recommended.{resource}.{bound}",
                )
            kept[bound] = number
        if "min" in kept and "max" in kept and kept["min"] > kept["max"]:
            raise invalid_parameter(
                f"The minimum value of recommended.{resource} must not be greater than the "
                f"maximum value of recommended.{resource}.",
                f"recommended.{resource}",
            )
        if kept:
            out[resource] = kept
    return out or None


def _features(value: Any) -> list[dict[str, str]] | None:
    items = expect_list(value, "properties.features")
    if items is None:
        return None
    out = []
    for i, item in enumerate(items):
        feature = expect_dict(item, f"properties.features[{i}]")
        name = expect_str(feature.get("name"), f"properties.features[{i}].name")
        text = expect_str(feature.get("value"), f"properties.features[{i}].value")
        if not name or not text:
            raise invalid_parameter(
                f"Required parameter 'features[{i}].name' and 'features[{i}].value' must be set.",
                f"features[{i}]",
            )
        if name.lower() == "securitytype":
            text = _enum(text, SECURITY_TYPES, f"features[{i}].value") or text
        entry = {"name": name, "value": text}
        starts = expect_str(
            feature.get("startsAtVersion"), f"properties.features[{i}].startsAtVersion"
        )
        if starts is not None:
            entry["startsAtVersion"] = starts
        out.append(entry)
    return out


def _properties(props: dict[str, Any], api_version: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "osType": _enum(props.get("osType"), OS_TYPES, "osType", required=True),
        "osState": _enum(props.get("osState"), OS_STATES, "osState", required=True),
    }
    identifier = expect_dict(props.get("identifier"), "properties.identifier")
    out["identifier"] = {}
    for part in ("publisher", "offer", "sku"):
        value = expect_str(identifier.get(part), f"properties.identifier.{part}") or ""
        names.check_identifier(part, value)
        out["identifier"][part] = value
    default_generation = "V2" if (api_version or "") >= V2_DEFAULT_API else "V1"
    out["hyperVGeneration"] = (
        _enum(props.get("hyperVGeneration"), GENERATIONS, "hyperVGeneration") or default_generation
    )
    out["architecture"] = _enum(props.get("architecture"), ARCHITECTURES, "architecture") or "x64"
    if out["architecture"] == "Arm64" and out["hyperVGeneration"] != "V2":
        raise invalid_parameter(
            "Arm64 images are supported only with hyperVGeneration V2.",
            PROPERTY_PATH + "architecture",
        )
    for field in ("description", "eula", "privacyStatementUri", "releaseNoteUri"):
        text = expect_str(props.get(field), f"properties.{field}")
        if text is not None:
            out[field] = text
    end_of_life = expect_datetime(props.get("endOfLifeDate"), "properties.endOfLifeDate")
    if end_of_life is not None:
        out["endOfLifeDate"] = end_of_life
    recommended = _recommended(props.get("recommended"))
    if recommended:
        out["recommended"] = recommended
    disallowed = expect_dict(props.get("disallowed"), "properties.disallowed")
    disk_types = expect_list(disallowed.get("diskTypes"), "properties.disallowed.diskTypes")
    if disk_types:
        out["disallowed"] = {
            "diskTypes": [expect_str(t, "properties.disallowed.diskTypes") for t in disk_types]
        }
    plan = expect_dict(props.get("purchasePlan"), "properties.purchasePlan")
    if plan:
        out["purchasePlan"] = {
            k: expect_str(plan.get(k), f"properties.purchasePlan.{k}")
            for k in ("name", "publisher", "product")
            if plan.get(k) is not None
        }
    features = _features(props.get("features"))
    if features is not None:
        out["features"] = features
    return out


def _check_future(ctx: Request, end_of_life: str | None, old: str | None) -> None:
    if end_of_life is None or end_of_life == old:
        return  # only a new or changed date is checked, so an expired definition can still be updated
    if parse_instant(end_of_life) <= ctx.clock.now():
        raise invalid_parameter("EndOfLifeDate must be set to a future date.", "endOfLifeDate")


def _check_immutable(
    old: DefinitionProperties, new: dict[str, Any], allow_update_image: bool
) -> None:
    for field in IMMUTABLE:
        if old.get(field) != new.get(field):
            raise property_change_not_allowed(PROPERTY_PATH + field)
    for part in ("publisher", "offer", "sku"):
        # Compared without case, as the uniqueness rule does; the stored spelling is kept.
        if old["identifier"][part].lower() != new["identifier"][part].lower():
            raise property_change_not_allowed(f"{PROPERTY_PATH}identifier.{part}")
    if old.get("purchasePlan") != new.get("purchasePlan"):
        raise property_change_not_allowed(PROPERTY_PATH + "purchasePlan")
    if old.get("features", []) != new.get("features", []) and not allow_update_image:
        raise property_change_not_allowed(PROPERTY_PATH + "features")


def put(ctx: Request, rid: ResourceId, body: dict[str, Any]) -> dict[str, Any]:
    gallery = lookup.parent_gallery(ctx, rid)
    gallery_name = gallery["resource"]["name"]
    image_name = rid.names[1]
    names.check_image_name(gallery_name, image_name)
    region = ctx.body_region(body, TYPE)
    props = expect_dict(body.get("properties"), "properties")
    allow_update_image = bool(
        expect_bool(props.get("allowUpdateImage"), "properties.allowUpdateImage")
    )
    new_props = _properties(props, ctx.query.get("api-version"))
    tags = expect_tags(body.get("tags"), "tags")

    key = lookup.definition_key(ctx, gallery_name, image_name)
    existing = ctx.tx.read(key, shapes.resource)
    old_props = existing["resource"]["properties"] if existing else {}
    if existing is not None:
        old = existing["resource"]
        if old["location"] != region.name:
            raise invalid_resource_location(
                old["name"], old["location"], rid.resource_group or "", region.name
            )
        _check_immutable(old_props, new_props, allow_update_image)
        new_props["identifier"] = old_props["identifier"]
    _check_future(ctx, new_props.get("endOfLifeDate"), old_props.get("endOfLifeDate"))
    if existing is None:
        lookup.require_home_region(gallery, region.name)
        ctx.refuse_orphans(key)
        limits.check(ctx, "image_definitions", region.name)

    identifiers = gallery.setdefault("identifiers", {})
    triple = _triple(new_props["identifier"])
    owner = identifiers.get(triple)
    if owner is not None and owner.lower() != image_name.lower():
        holder = ctx.tx.read(lookup.definition_key(ctx, gallery_name, owner)) or {
            "resource": {"properties": new_props}
        }
        i = holder["resource"]["properties"]["identifier"]
        raise conflict(
            f"Gallery image: {owner} identified by (publisher:{i['publisher']}, offer:{i['offer']}, "
            f"sku:{i['sku']}) already exists. Choose a different publisher, offer, sku combination.",
            "identifier",
        )
    stored_name = existing["resource"]["name"] if existing else image_name
    resource: dict[str, Any] = {
        "id": str(ids.parse(gallery["resource"]["id"]).child("images", stored_name)),
        "name": stored_name,
        "type": TYPE,
        "location": region.name,
        "properties": new_props,
    }
    if tags is not None:
        resource["tags"] = tags
    ctx.tx.write(key, {"resource": resource})
    if existing is None:
        identifiers[triple] = stored_name
        ctx.tx.write(ctx.key("galleries", gallery_name), gallery)
        ctx.count_usage(region.name, "images", +1)
    return render({"resource": resource})


def delete(ctx: Request, rid: ResourceId) -> None:
    gallery = lookup.parent_gallery(ctx, rid)
    gallery_name = gallery["resource"]["name"]
    key = lookup.definition_key(ctx, gallery_name, rid.names[1])
    stored = ctx.tx.read(key, shapes.resource)
    if stored is None:
        return  # 204: nothing to delete
    image_name = stored["resource"]["name"]
    # Versions past their soft-delete retention are gone, though their files wait for this delete.
    held = [d for state, d in lookup.all_versions(ctx, stored) if state != "purged"]
    if held:
        raise cannot_delete_nested(
            [
                f"{ids.COMPUTE}/galleries/{gallery_name}/images/{image_name}/versions/{d['resource']['name']}"
                for d in held
            ]
        )
    gallery.get("identifiers", {}).pop(
        _triple(stored["resource"]["properties"]["identifier"]), None
    )
    ctx.tx.write(ctx.key("galleries", gallery_name), gallery)
    ctx.tx.delete_tree(key)
    ctx.count_usage(stored["resource"]["location"], "images", -1)
