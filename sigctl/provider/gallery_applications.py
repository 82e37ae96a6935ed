"""VM application definitions (Microsoft.Compute/galleries/applications).

An application groups the versions of one package, as an image definition groups image
versions: it names the OS the package is built for and carries information for its users. It
holds no package itself (sigctl.provider.gallery_application_versions).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sigctl.errors import (
    cannot_delete_nested,
    invalid_parameter,
    invalid_resource_location,
    missing_parameter,
    parent_not_found,
    property_change_not_allowed,
    resource_not_found,
)
from sigctl.provider import ids, image_definitions, lookup, names, shapes
from sigctl.provider.context import Request
from sigctl.provider.ids import ResourceId
from sigctl.provider.validate import (
    expect_bool,
    expect_choice,
    expect_datetime,
    expect_dict,
    expect_list,
    expect_str,
    expect_tags,
)

if TYPE_CHECKING:
    from sigctl.provider.model import StoredGallery, StoredReplicatedVersion, StoredResource

TYPE = "Microsoft.Compute/galleries/applications"
OS_TYPES = ("Windows", "Linux")
PARAMETER_TYPES = ("String", "ConfigurationDataBlob", "LogOutputBlob")
PROPERTY_PATH = "galleryApplication.properties."


def _key(ctx: Request, gallery: str, application: str) -> tuple[str, ...]:
    return ctx.key("galleries", gallery, "applications", application)


def key_of(ctx: Request, stored: StoredResource) -> tuple[str, ...]:
    """The state key of a stored application (its versions live under it)."""
    rid = ids.parse(stored["resource"]["id"])
    return _key(ctx, rid.names[0], rid.names[1])


def versions_of(ctx: Request, application: StoredResource) -> list[StoredReplicatedVersion]:
    """Every stored version of a stored application."""
    folder = (*key_of(ctx, application), "versions")
    docs = (ctx.tx.read((*folder, v), shapes.resource) for v in ctx.tx.children(folder))
    return [d for d in docs if d is not None]


def find(ctx: Request, rid: ResourceId) -> StoredResource | None:
    """The stored application an (application or version) id names, checking group and gallery."""
    application = ids.application_id(
        ctx.subscription, rid.resource_group or "", rid.names[0], rid.names[1]
    )
    missing = resource_not_found(application.type_path(), rid.resource_group or "")
    gallery = lookup.parent_gallery(ctx, rid, missing)
    return ctx.tx.read(_key(ctx, gallery["resource"]["name"], rid.names[1]), shapes.resource)


def require(ctx: Request, rid: ResourceId) -> StoredResource:
    stored = find(ctx, rid)
    if stored is None:
        application = ids.application_id(
            ctx.subscription, rid.resource_group or "", rid.names[0], rid.names[1]
        )
        raise resource_not_found(application.type_path(), rid.resource_group or "")
    return stored


def for_write(ctx: Request, rid: ResourceId) -> StoredResource:
    """The application above a version write: ARM names the missing gallery, else the application."""
    lookup.parent_gallery(ctx, rid)
    stored = find(ctx, rid)
    if stored is None:
        raise parent_not_found(rid.names[1])
    return stored


# An application provisions at once, as a definition does.
render = image_definitions.render


def get(ctx: Request, rid: ResourceId) -> dict[str, Any]:
    return render(require(ctx, rid))


def list_(ctx: Request, rid: ResourceId) -> list[dict[str, Any]]:
    gallery_id = ids.gallery_id(ctx.subscription, rid.resource_group or "", rid.names[0])
    missing = resource_not_found(gallery_id.type_path(), rid.resource_group or "")
    gallery = lookup.parent_gallery(ctx, rid, missing)
    return [render(a) for a in in_gallery(ctx, gallery["resource"]["name"])]


def in_gallery(ctx: Request, gallery: str) -> list[StoredResource]:
    """Every stored application of the gallery named `gallery`."""
    found = (
        ctx.tx.read(_key(ctx, gallery, a), shapes.resource)
        for a in ctx.tx.children(ctx.key("galleries", gallery, "applications"))
    )
    return [a for a in found if a is not None]


# -- create or update ---------------------------------------------------------------------------


def custom_actions(value: Any, path: str) -> list[dict[str, Any]] | None:
    """`customActions` of an application or a version: named scripts with typed parameters."""
    items = expect_list(value, path)
    if items is None:
        return None
    out: list[dict[str, Any]] = []
    for i, item in enumerate(items):
        here = f"{path}[{i}]"
        action = expect_dict(item, here)
        entry: dict[str, Any] = {}
        for field in ("name", "script"):
            text = expect_str(action.get(field), f"{here}.{field}")
            if not text:
                raise missing_parameter(f"{here}.{field}")
            entry[field] = text
        description = expect_str(action.get("description"), f"{here}.description")
        if description is not None:
            entry["description"] = description
        parameters = _parameters(action.get("parameters"), f"{here}.parameters")
        if parameters is not None:
            entry["parameters"] = parameters
        out.append(entry)
    _unique([a["name"] for a in out], path, "custom action")
    return out


def _parameters(value: Any, path: str) -> list[dict[str, Any]] | None:
    items = expect_list(value, path)
    if items is None:
        return None
    out: list[dict[str, Any]] = []
    for i, item in enumerate(items):
        here = f"{path}[{i}]"
        parameter = expect_dict(item, here)
        name = expect_str(parameter.get("name"), f"{here}.name")
        if not name:
            raise missing_parameter(f"{here}.name")
        entry: dict[str, Any] = {"name": name}
        required = expect_bool(parameter.get("required"), f"{here}.required")
        if required is not None:
            entry["required"] = required
        kind = expect_choice(parameter.get("type"), PARAMETER_TYPES, f"{here}.type")
        if kind is not None:
            entry["type"] = kind
        for field in ("defaultValue", "description"):
            text = expect_str(parameter.get(field), f"{here}.{field}")
            if text is not None:
                entry[field] = text
        out.append(entry)
    _unique([p["name"] for p in out], path, "parameter")
    return out


def _unique(found: list[str], path: str, what: str) -> None:
    seen: set[str] = set()
    for name in found:
        if name.lower() in seen:
            raise invalid_parameter(
                f"The {what} name '{name}' is used more than once in {path}; names must be unique.",
                path,
            )
        seen.add(name.lower())


def _properties(props: dict[str, Any]) -> dict[str, Any]:
    os_type = expect_choice(
        props.get("supportedOSType"), OS_TYPES, "properties.supportedOSType", "supportedOSType"
    )
    if os_type is None:
        raise missing_parameter(PROPERTY_PATH + "supportedOSType")
    out: dict[str, Any] = {"supportedOSType": os_type}
    for field in ("description", "eula", "privacyStatementUri", "releaseNoteUri"):
        text = expect_str(props.get(field), f"properties.{field}")
        if text is not None:
            out[field] = text
    end_of_life = expect_datetime(props.get("endOfLifeDate"), "properties.endOfLifeDate")
    if end_of_life is not None:
        out["endOfLifeDate"] = end_of_life
    actions = custom_actions(props.get("customActions"), "properties.customActions")
    if actions is not None:
        out["customActions"] = actions
    return out


def _refuse_shared(gallery: StoredGallery) -> None:
    """Direct-shared and community galleries hold images only, as the sharing docs say."""
    resource = gallery["resource"]
    permissions = resource["properties"].get("sharingProfile", {}).get("permissions", "Private")
    if permissions != "Private":
        raise invalid_parameter(
            f"Gallery '{resource['name']}' is shared (permissions '{permissions}'): a shared or "
            "community gallery holds image definitions only, not VM applications.",
            "galleryApplicationName",
        )


def put(ctx: Request, rid: ResourceId, body: dict[str, Any]) -> dict[str, Any]:
    gallery = lookup.parent_gallery(ctx, rid)
    gallery_name = gallery["resource"]["name"]
    names.check_image_name(gallery_name, rid.names[1], "galleryApplicationName")
    region = ctx.body_region(body, TYPE)
    new_props = _properties(expect_dict(body.get("properties"), "properties"))
    tags = expect_tags(body.get("tags"), "tags")

    key = _key(ctx, gallery_name, rid.names[1])
    existing = ctx.tx.read(key, shapes.resource)
    if existing is None:
        _refuse_shared(gallery)
    else:
        old = existing["resource"]
        if old["location"] != region.name:
            raise invalid_resource_location(
                old["name"], old["location"], rid.resource_group or "", region.name
            )
        if old["properties"]["supportedOSType"] != new_props["supportedOSType"]:
            raise property_change_not_allowed(PROPERTY_PATH + "supportedOSType")
    stored_name = existing["resource"]["name"] if existing else rid.names[1]
    resource: dict[str, Any] = {
        "id": str(ids.parse(gallery["resource"]["id"]).child("applications", stored_name)),
        "name": stored_name,
        "type": TYPE,
        "location": region.name,
        "properties": new_props,
    }
    if tags is not None:
        resource["tags"] = tags
    ctx.tx.write(key, {"resource": resource})
    return render({"resource": resource})


def delete(ctx: Request, rid: ResourceId) -> None:
    gallery = lookup.parent_gallery(ctx, rid)
    key = _key(ctx, gallery["resource"]["name"], rid.names[1])
    stored = ctx.tx.read(key, shapes.resource)
    if stored is None:
        return  # 204: nothing to delete
    held = versions_of(ctx, stored)
    if held:
        raise cannot_delete_nested([ids.parse(v["resource"]["id"]).type_path() for v in held])
    ctx.tx.delete_tree(key)


def nested_in_gallery(ctx: Request, gallery: str) -> list[str]:
    """Type paths of a gallery's applications, which stop the gallery's delete."""
    return [ids.parse(a["resource"]["id"]).type_path() for a in in_gallery(ctx, gallery)]
