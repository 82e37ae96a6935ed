"""Direct and community sharing of galleries, and the read-only views consumers see.

A gallery created with `sharingProfile.permissions: Groups` can be shared with subscriptions and
tenants (POST .../share, operationType Add/Remove); one created with `Community` can be made
public (EnableCommunity). Reset returns either kind to `Private`. Consumers read them through
proxies that do not live in the publisher's subscription:
`.../locations/{region}/sharedGalleries/{uniqueName}/...` and
`.../locations/{region}/communityGalleries/{publicName}/...`. A small top-level document maps
shared unique names and public names to their galleries, so a consumer's read touches only the
galleries shared with it.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from sigctl.errors import ArmError, invalid_parameter
from sigctl.provider import (
    accounts,
    latest,
    lookup,
    names,
    regions,
    replicas,
    settings,
    shapes,
)
from sigctl.provider.context import Request
from sigctl.provider.ids import ResourceId
from sigctl.provider.lookup import SHARING_KEY
from sigctl.provider.validate import expect_choice

OPERATIONS = ("Add", "Remove", "Reset", "EnableCommunity")
GROUP_TYPES = {"subscriptions": "Subscriptions", "aadtenants": "AADTenants"}
_PUBLIC_NAMESPACE = uuid.UUID("0d6f1c9a-3b7e-4c2f-8e5d-9a1b2c3d4e5f")


def _registry(tx: Any) -> dict[str, Any]:
    return tx.read(SHARING_KEY, shapes.mapping_of("direct", "community")) or {
        "direct": {},
        "community": {},
    }


# -- the publisher's side: POST .../galleries/{g}/share -------------------------------------------


def post(ctx: Request, rid: ResourceId, body: dict[str, Any]) -> dict[str, Any]:
    if ctx.query.get("action") != "share":
        raise ArmError(
            "InvalidAction",
            f"The action '{ctx.query.get('action')}' is not supported on galleries.",
            400,
        )
    stored = lookup.gallery(ctx, rid)
    props = stored["resource"]["properties"]
    operation = expect_choice(body.get("operationType"), OPERATIONS, "operationType")
    if operation is None:
        raise invalid_parameter(
            "Required parameter 'operationType' is missing (null).", "operationType"
        )
    permissions = props.get("sharingProfile", {}).get("permissions", "Private")
    groups = _groups(body.get("groups"))
    profile = props.setdefault("sharingProfile", {"permissions": permissions})
    current = {g["type"]: list(g["ids"]) for g in profile.get("groups", [])}
    if operation in ("Add", "Remove"):
        if permissions != "Groups":
            raise ArmError(
                "OperationNotAllowed",
                f"Gallery '{rid.name}' cannot be shared with subscriptions or tenants: its sharing permission is "
                f"'{permissions}'. Direct sharing needs a gallery whose sharingProfile.permissions is Groups.",
                409,
            )
        for group_type, ids in groups.items():
            have = current.setdefault(group_type, [])
            if operation == "Add":
                have += [i for i in ids if i not in have]
            else:
                current[group_type] = [i for i in have if i not in ids]
        _check_share_limits(ctx, current)
    elif operation == "Reset":
        # The service returns any gallery to RBAC-only sharing: a community gallery is unpublished
        # and loses its community info, and both kinds read back as `Private` with no groups.
        current = {}
        props["sharingProfile"] = profile = {"permissions": "Private"}
    else:  # EnableCommunity
        if permissions != "Community":
            raise ArmError(
                "OperationNotAllowed",
                f"Gallery '{rid.name}' is not a community gallery; create it with sharingProfile.permissions Community "
                "(an existing private gallery cannot be converted).",
                409,
            )
        info = profile["communityGalleryInfo"]
        info["communityGalleryEnabled"] = True
        info["publicNames"] = [
            f"{info['publicNamePrefix']}-{uuid.uuid5(_PUBLIC_NAMESPACE, stored['resource']['id'].lower())}"
        ]
    profile["groups"] = [{"type": t, "ids": ids} for t, ids in current.items() if ids]
    if not profile["groups"]:
        del profile["groups"]
    ctx.tx.write(ctx.key("galleries", stored["resource"]["name"]), stored)
    _register(ctx, stored)
    echo: dict[str, Any] = {"operationType": operation}
    if groups:
        echo["groups"] = [{"type": t, "ids": ids} for t, ids in groups.items()]
    return echo


def _groups(value: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in value or []:
        group_type = GROUP_TYPES.get(str(item.get("type", "")).lower())
        if group_type is None:
            raise invalid_parameter("groups[].type must be Subscriptions or AADTenants.", "groups")
        ids = [str(i).lower() for i in item.get("ids") or []]
        for text in ids:
            if not accounts.is_guid(text):
                what = "subscription" if group_type == "Subscriptions" else "tenant"
                raise invalid_parameter(
                    f"'{text}' is not a valid {what} id: expected a GUID.", "groups"
                )
        have = out.setdefault(group_type, [])
        have += [i for i in dict.fromkeys(ids) if i not in have]  # an id named twice is one id
    return out


def _check_share_limits(ctx: Request, current: dict[str, list[str]]) -> None:
    for group_type, key, label in (
        ("Subscriptions", "share_subscriptions", "subscriptions"),
        ("AADTenants", "share_tenants", "tenants"),
    ):
        limit = settings.limit(ctx.config, key)
        if len(current.get(group_type, [])) > limit:
            raise invalid_parameter(
                f"A gallery can be shared directly with at most {limit} {label}; this would share it with "
                f"{len(current[group_type])}.",
                "groups",
            )


def _register(ctx: Request, stored: dict[str, Any]) -> None:
    """Keep the consumer-side registry in step with a gallery's sharing profile."""
    registry = _registry(ctx.tx)
    resource = stored["resource"]
    unique = resource["properties"]["identifier"]["uniqueName"].lower()
    profile = resource["properties"].get("sharingProfile", {})
    entry = {
        "subscription": ctx.subscription,
        "gallery": resource["name"].lower(),
        "location": resource["location"],
    }
    groups = {g["type"]: g["ids"] for g in profile.get("groups", [])}
    if groups:
        registry["direct"][unique] = {
            **entry,
            "subscriptions": groups.get("Subscriptions", []),
            "tenants": groups.get("AADTenants", []),
        }
    else:
        registry["direct"].pop(unique, None)
    for name, item in list(registry["community"].items()):
        if item["gallery"] == entry["gallery"] and item["subscription"] == ctx.subscription:
            del registry["community"][name]
    info = profile.get("communityGalleryInfo", {})
    if info.get("communityGalleryEnabled"):
        for public in info["publicNames"]:
            registry["community"][public.lower()] = entry
    ctx.tx.write(SHARING_KEY, registry)


def forget(ctx: Request, stored: dict[str, Any]) -> None:
    """A deleted gallery leaves the registry."""
    copy_of = copy.deepcopy(stored)
    props = copy_of["resource"]["properties"]
    props.pop("sharingProfile", None)
    _register(ctx, copy_of)


# -- the consumer's side: read-only proxies -------------------------------------------------------


def _consumer_tenants(ctx: Request) -> set[str]:
    tenants = {accounts.subscription(ctx.tx, ctx.subscription)["tenantId"]}
    if ctx.principal:
        record = accounts.principal(ctx.tx, ctx.principal)
        if record:
            tenants.add(record["tenantId"])
    return tenants


def _visible(
    ctx: Request, kind: str, name: str, location: str, single: bool = False
) -> tuple[dict[str, Any], Request] | None:
    """The gallery behind a proxy name, if the caller may see it in this region.

    A list (`sharedTo` is a list parameter) holds by default what is shared with the caller's
    subscription and with `sharedTo=tenant` what is shared with its tenant; a GET of one item
    finds it either way. Only in the gallery's home region or a region holding a completed
    replica of one of its versions.
    """
    registry = _registry(ctx.tx)
    entry = registry[kind].get(name.lower())
    if entry is None:
        return None
    if kind == "direct":
        by_subscription = ctx.subscription in entry["subscriptions"]
        by_tenant = bool(_consumer_tenants(ctx) & set(entry["tenants"]))
        if ctx.query.get("sharedTo") == "tenant":
            allowed = by_tenant
        else:
            allowed = by_subscription or (single and by_tenant)
        if not allowed:
            return None
    publisher = Request(ctx.tx, entry["subscription"], None)
    stored = lookup.stored_gallery(publisher, entry["gallery"])
    if stored is None:
        return None
    if entry["location"] != location and not _replicated_anywhere(publisher, stored, location):
        return None
    return stored, publisher


def _replicated_anywhere(publisher: Request, stored: dict[str, Any], location: str) -> bool:
    return any(
        state == "active" and _replicated_to(publisher, doc, location)
        for image in lookup.definitions_in(publisher, stored)
        for state, doc in lookup.all_versions(publisher, image)
    )


def _location(ctx: Request, rid: ResourceId) -> str:
    return regions.require(rid.names[0], "Microsoft.Compute/locations", ctx.known_regions()).name


def _missing(rid: ResourceId) -> ArmError:
    return ArmError("ResourceNotFound", f"The Resource '{rid.type_path()}' was not found.", 404)


def _gallery_view(kind: str, name: str, stored: dict[str, Any], location: str) -> dict[str, Any]:
    unique = f"/SharedGalleries/{name}" if kind == "direct" else f"/CommunityGalleries/{name}"
    body: dict[str, Any] = {
        "location": location,
        "name": name,
        "identifier": {"uniqueId": unique},
        "properties": {"artifactTags": {}},
    }
    if kind == "community":
        info = stored["resource"]["properties"]["sharingProfile"]["communityGalleryInfo"]
        body["type"] = "Microsoft.Compute/locations/communityGallery"
        body["properties"]["disclaimer"] = info["eula"]
        body["properties"]["communityMetadata"] = {
            "publisherUri": info["publisherUri"],
            "publisherContact": info["publisherContact"],
            "eula": info["eula"],
            "publicNames": info["publicNames"],
        }
    return body


_IMAGE_FIELDS = (
    "osType",
    "osState",
    "hyperVGeneration",
    "architecture",
    "identifier",
    "features",
    "purchasePlan",
    "eula",
    "privacyStatementUri",
    "endOfLifeDate",
    "recommended",
    "disallowed",
)


def _image_view(
    kind: str, gallery_name: str, image: dict[str, Any], location: str
) -> dict[str, Any]:
    resource = image["resource"]
    root = "SharedGalleries" if kind == "direct" else "CommunityGalleries"
    body: dict[str, Any] = {
        "location": location,
        "name": resource["name"],
        "identifier": {"uniqueId": f"/{root}/{gallery_name}/Images/{resource['name']}"},
        "properties": {
            k: copy.deepcopy(v) for k, v in resource["properties"].items() if k in _IMAGE_FIELDS
        },
    }
    body["properties"]["artifactTags"] = {}
    if kind == "community":
        body["type"] = "Microsoft.Compute/locations/communityGalleryImage"
    return body


def _version_view(
    kind: str, gallery_name: str, image_name: str, doc: dict[str, Any], location: str
) -> dict[str, Any]:
    resource = doc["resource"]
    props = resource["properties"]
    profile = props["publishingProfile"]
    storage = props["storageProfile"]
    shown: dict[str, Any] = {
        "osDiskImage": {
            "diskSizeGB": storage["osDiskImage"]["sizeInGB"],
            "hostCaching": storage["osDiskImage"]["hostCaching"],
        }
    }
    if storage.get("dataDiskImages"):
        shown["dataDiskImages"] = [
            {"lun": d["lun"], "diskSizeGB": d["sizeInGB"], "hostCaching": d["hostCaching"]}
            for d in storage["dataDiskImages"]
        ]
    root = "SharedGalleries" if kind == "direct" else "CommunityGalleries"
    body: dict[str, Any] = {
        "location": location,
        "name": resource["name"],
        "identifier": {
            "uniqueId": f"/{root}/{gallery_name}/Images/{image_name}/Versions/{resource['name']}"
        },
        "properties": {
            "publishedDate": profile["publishedDate"],
            "excludeFromLatest": profile.get("excludeFromLatest", False),
            "storageProfile": shown,
            "artifactTags": {},
        },
    }
    if profile.get("endOfLifeDate"):
        body["properties"]["endOfLifeDate"] = profile["endOfLifeDate"]
    if kind == "community":
        body["type"] = "Microsoft.Compute/locations/communityGalleryImageVersion"
    return body


def _replicated_to(publisher: Request, doc: dict[str, Any], location: str) -> bool:
    # A region copying extra replicas still serves the ones it has.
    return location in replicas.serving_regions(publisher, doc)


def view(ctx: Request, kind: str, rid: ResourceId) -> Any:
    """GET of a shared/community proxy: a gallery, its images, an image, its versions, a version."""
    location = _location(ctx, rid)
    name = rid.names[1] if len(rid.names) > 1 else None
    if name is None:  # list galleries in the location
        if kind == "community":
            found = [
                (public, _visible(ctx, kind, public, location))
                for public in sorted(_registry(ctx.tx)["community"])
            ]
        else:
            found = [
                (u, _visible(ctx, kind, u, location)) for u in sorted(_registry(ctx.tx)["direct"])
            ]
        return [
            _gallery_view(kind, _display_name(kind, n, v[0]), v[0], location) for n, v in found if v
        ]
    visible = _visible(ctx, kind, name, location, single=len(rid.names) == len(rid.types))
    if visible is None:
        raise _missing(rid)
    stored, publisher = visible
    shown_name = _display_name(kind, name, stored)
    if len(rid.types) == 2:
        return _gallery_view(kind, shown_name, stored, location)
    images = {d["resource"]["name"].lower(): d for d in lookup.definitions_in(publisher, stored)}
    if len(rid.names) == 2:  # list images
        return [_image_view(kind, shown_name, d, location) for _, d in sorted(images.items())]
    image = images.get(rid.names[2].lower())
    if image is None:
        raise _missing(rid)
    if len(rid.types) == 3:
        return _image_view(kind, shown_name, image, location)
    versions = [
        d
        for state, d in lookup.all_versions(publisher, image)
        if state == "active" and _replicated_to(publisher, d, location)
    ]
    versions.sort(key=lambda d: names.version_order(d["resource"]["name"]))
    if len(rid.names) == 3:
        if kind == "community":  # the community lists only each image's latest version
            newest = latest.pick(publisher, image, regions.find(location))
            versions = [newest] if newest else []
        return [
            _version_view(kind, shown_name, image["resource"]["name"], d, location)
            for d in versions
        ]
    match = next(
        (d for d in versions if d["resource"]["name"].lower() == rid.names[3].lower()), None
    )
    if match is None:
        raise _missing(rid)
    return _version_view(kind, shown_name, image["resource"]["name"], match, location)


def _display_name(kind: str, name: str, stored: dict[str, Any]) -> str:
    if kind == "direct":
        return stored["resource"]["properties"]["identifier"]["uniqueName"]
    info = stored["resource"]["properties"]["sharingProfile"]["communityGalleryInfo"]
    return next((p for p in info["publicNames"] if p.lower() == name.lower()), name)
