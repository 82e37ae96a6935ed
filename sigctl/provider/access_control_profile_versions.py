"""Versions of in-VM access control profiles (.../inVMAccessControlProfiles/{p}/versions/{v}).

A version holds the rules (privileges, roles, identities, role assignments), the mode (Audit,
Enforce, Disabled) and the default access (Allow, Deny), and replicates to its target
locations the way an image version replicates to its target regions (sigctl.provider.
replication), with no disk to copy: each region takes one replication job. The rules must hang
together (a role names defined privileges, an assignment a defined role and identities) and
cannot change once published; mode, default access, exclusion from latest and the target
locations can.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from sigctl.errors import (
    invalid_parameter,
    invalid_resource_location,
    parent_not_found,
    property_change_not_allowed,
    resource_not_found,
)
from sigctl.provider import access_control_profiles, faults, ids, regions, replication, shapes
from sigctl.provider.clock import iso_precise, save_clock
from sigctl.provider.context import Request
from sigctl.provider.ids import ResourceId
from sigctl.provider.names import version_tuple
from sigctl.provider.replicas import STORAGE_TYPES
from sigctl.provider.validate import (
    expect_bool,
    expect_choice,
    expect_dict,
    expect_int,
    expect_list,
    expect_str,
    expect_tags,
)

if TYPE_CHECKING:
    from sigctl.provider.model import StoredReplicatedVersion, StoredResource

TYPE = "Microsoft.Compute/galleries/inVMAccessControlProfiles/versions"
MODES = ("Audit", "Enforce", "Disabled")
ACCESS = ("Allow", "Deny")
PATH = "galleryInVMAccessControlProfileVersion.properties."


def check_name(name: str) -> None:
    if version_tuple(name) is None:
        raise invalid_parameter(
            "The inVMAccessControlProfile version name is invalid. The version name should "
            "follow Major(int).Minor(int).Patch(int) format, where int is between 0 and "
            "2,147,483,647 (inclusive). For e.g: 1.0.0, 2018.12.1 etc",
            "inVMAccessControlProfileVersionName",
        )


def _profile(ctx: Request, rid: ResourceId, missing: Any = None) -> StoredResource:
    profile = access_control_profiles.find(ctx, rid)
    if profile is None:
        raise missing or parent_not_found(rid.names[1])
    return profile


def _folder(ctx: Request, profile: StoredResource) -> tuple[str, ...]:
    owner = ids.parse(profile["resource"]["id"])
    return (*access_control_profiles.key(ctx, *owner.names), "versions")


def _key(profile: StoredResource, ctx: Request, version: str) -> tuple[str, ...]:
    return (*_folder(ctx, profile), version)


def _states(ctx: Request, doc: StoredReplicatedVersion) -> list[tuple[str, dict[str, Any]]]:
    targets = doc["resource"]["properties"]["targetLocations"]
    return replication.region_states(doc["replication"]["regions"], targets, ctx.clock.progress())


def render(ctx: Request, doc: StoredReplicatedVersion) -> dict[str, Any]:
    body = copy.deepcopy(doc["resource"])
    for target in body["properties"]["targetLocations"]:
        target["name"] = regions.display(target["name"])  # stored by programmatic name
    states = _states(ctx, doc)
    body["properties"]["provisioningState"] = replication.provisioning_state(
        states, doc["replication"]["operation"]
    )
    if str(ctx.query.get("$expand", "")).lower() == "replicationstatus":
        body["properties"]["replicationStatus"] = replication.report(states)
    return body


def get(ctx: Request, rid: ResourceId) -> dict[str, Any]:
    missing = resource_not_found(rid.type_path(), rid.resource_group or "")
    doc = ctx.tx.read(_key(_profile(ctx, rid, missing), ctx, rid.names[2]), shapes.resource)
    if doc is None:
        raise missing
    return render(ctx, doc)


def list_(ctx: Request, rid: ResourceId) -> list[dict[str, Any]]:
    profile_rid = rid.parent()
    profile = _profile(
        ctx, rid, resource_not_found(profile_rid.type_path(), rid.resource_group or "")
    )
    folder = _folder(ctx, profile)
    docs = [ctx.tx.read((*folder, v), shapes.resource) for v in ctx.tx.children(folder)]
    found = [d for d in docs if d is not None]
    found.sort(key=lambda d: version_tuple(d["resource"]["name"]) or (0, 0, 0))
    return [render(ctx, d) for d in found]


# -- the body -----------------------------------------------------------------------------------


def _names(items: list[Any] | None, path: str, *required: str) -> list[dict[str, Any]]:
    """A rules list: objects with their required fields, named uniquely by their first."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, item in enumerate(items or []):
        entry = expect_dict(item, f"{path}[{i}]")
        for field in required:
            if not entry.get(field):
                raise invalid_parameter(
                    f"Required parameter '{path}[{i}].{field}' is missing (null).",
                    f"{path}[{i}].{field}",
                )
        name = entry[required[0]]
        if not isinstance(name, str):
            expect_str(name, f"{path}[{i}].{required[0]}")
        if name.lower() in seen:
            raise invalid_parameter(f"'{name}' is defined twice in {path}.", path)
        seen.add(name.lower())
        out.append(entry)
    return out


def _strings(value: Any, path: str) -> list[str]:
    items = expect_list(value, path) or []
    return [expect_str(item, f"{path}[{i}]") or "" for i, item in enumerate(items)]


def _refer(names: list[str], defined: list[dict[str, Any]], what: str, path: str) -> None:
    known = {d["name"].lower() for d in defined}
    for name in names:
        if name.lower() not in known:
            raise invalid_parameter(
                f"'{name}' at {path} is not one of the {what} that rules.{what} defines.", path
            )


def _rules(value: Any) -> dict[str, Any] | None:
    """The access control rules, checked to hang together (what they name is defined)."""
    if value is None:
        return None
    rules = expect_dict(value, "properties.rules")
    base = "properties.rules"
    privileges = _names(
        expect_list(rules.get("privileges"), f"{base}.privileges"),
        f"{base}.privileges",
        "name",
        "path",
    )
    roles = _names(
        expect_list(rules.get("roles"), f"{base}.roles"), f"{base}.roles", "name", "privileges"
    )
    identities = _names(
        expect_list(rules.get("identities"), f"{base}.identities"), f"{base}.identities", "name"
    )
    assignments = _names(
        expect_list(rules.get("roleAssignments"), f"{base}.roleAssignments"),
        f"{base}.roleAssignments",
        "role",
        "identities",
    )
    out: dict[str, Any] = {}
    if privileges:
        out["privileges"] = []
        for i, p in enumerate(privileges):
            entry = {
                "name": p["name"],
                "path": expect_str(p["path"], f"{base}.privileges[{i}].path"),
            }
            query = expect_tags(p.get("queryParameters"), f"{base}.privileges[{i}].queryParameters")
            if query is not None:
                entry["queryParameters"] = query
            out["privileges"].append(entry)
    if roles:
        out["roles"] = []
        for i, r in enumerate(roles):
            names = _strings(r["privileges"], f"{base}.roles[{i}].privileges")
            _refer(names, privileges, "privileges", f"{base}.roles[{i}].privileges")
            out["roles"].append({"name": r["name"], "privileges": names})
    if identities:
        fields = ("name", "userName", "groupName", "exePath", "processName")
        out["identities"] = [
            {
                f: expect_str(d[f], f"{base}.identities[{i}].{f}")
                for f in fields
                if d.get(f) is not None
            }
            for i, d in enumerate(identities)
        ]
    if assignments:
        out["roleAssignments"] = []
        for i, a in enumerate(assignments):
            _refer([a["role"]], roles, "roles", f"{base}.roleAssignments[{i}].role")
            names = _strings(a["identities"], f"{base}.roleAssignments[{i}].identities")
            _refer(names, identities, "identities", f"{base}.roleAssignments[{i}].identities")
            out["roleAssignments"].append({"role": a["role"], "identities": names})
    return out


def _target_locations(ctx: Request, value: Any, location: regions.Region) -> list[dict[str, Any]]:
    """The target locations; the version's own region must be one of them."""
    given = expect_list(value, "properties.targetLocations") or [{"name": location.name}]
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, item in enumerate(given):
        path = f"properties.targetLocations[{i}]"
        entry = expect_dict(item, path)
        region = regions.require(
            expect_str(entry.get("name"), f"{path}.name") or "", TYPE, ctx.allowed_regions()
        )
        if region.name in seen:
            raise invalid_parameter(
                "Duplicate regions are not allowed in target publishing regions.",
                "targetLocations",
            )
        seen.add(region.name)
        target: dict[str, Any] = {"name": region.name}
        count = expect_int(entry.get("regionalReplicaCount"), f"{path}.regionalReplicaCount")
        if count is not None:
            if count < 1:
                raise invalid_parameter(
                    f"The value {count} of parameter targetLocations[{i}].regionalReplicaCount is "
                    "out of range. The value must be between 1 and 2147483647, inclusive.",
                    f"targetLocations[{i}].regionalReplicaCount",
                )
            target["regionalReplicaCount"] = count
        storage = expect_choice(
            entry.get("storageAccountType"),
            STORAGE_TYPES,
            f"targetLocations[{i}].storageAccountType",
        )
        if storage is not None:
            target["storageAccountType"] = storage
        exclude = expect_bool(entry.get("excludeFromLatest"), f"{path}.excludeFromLatest")
        if exclude is not None:
            target["excludeFromLatest"] = exclude
        out.append(target)
    if location.name not in seen:
        listed = ", ".join(regions.display(t["name"]) for t in out)
        raise invalid_parameter(
            f"Gallery inVMAccessControlProfile version target locations '{listed}' must contain "
            f"the location of the version '{location.display_name}'.",
            "targetLocations",
        )
    return out


# -- create or update ---------------------------------------------------------------------------


def put(ctx: Request, rid: ResourceId, body: dict[str, Any]) -> dict[str, Any]:
    profile = _profile(ctx, rid)
    check_name(rid.names[2])
    location = ctx.body_region(body, TYPE)
    props = expect_dict(body.get("properties"), "properties")
    new_props: dict[str, Any] = {
        "mode": access_control_profiles.required_choice(props, "mode", MODES, PATH),
        "defaultAccess": access_control_profiles.required_choice(
            props, "defaultAccess", ACCESS, PATH
        ),
    }
    rules = _rules(props.get("rules"))
    if rules is not None:
        new_props["rules"] = rules
    new_props["targetLocations"] = _target_locations(ctx, props.get("targetLocations"), location)
    new_props["excludeFromLatest"] = bool(
        expect_bool(props.get("excludeFromLatest"), "properties.excludeFromLatest")
    )
    tags = expect_tags(body.get("tags"), "tags")
    key = _key(profile, ctx, rid.names[2])
    existing = ctx.tx.read(key, shapes.resource)
    if existing is None:
        new_props["publishedDate"] = iso_precise(ctx.clock.now())
        doc: dict[str, Any] = {
            "resource": {
                "id": str(ids.parse(profile["resource"]["id"]).child("versions", rid.names[2])),
                "name": rid.names[2],
                "type": TYPE,
                "location": location.name,
                "properties": new_props,
            },
            "replication": {"operation": "Creating", "regions": {}},
        }
        restart = [t["name"] for t in new_props["targetLocations"]]
    else:
        doc = copy.deepcopy(existing)
        old = doc["resource"]
        if old["location"] != location.name:
            raise invalid_resource_location(
                old["name"], old["location"], rid.resource_group or "", location.name
            )
        if old["properties"].get("rules") != new_props.get("rules"):
            raise property_change_not_allowed(PATH + "rules")
        new_props["publishedDate"] = old["properties"]["publishedDate"]
        restart = _changed_regions(
            old["properties"]["targetLocations"], new_props["targetLocations"]
        )
        for name in list(doc["replication"]["regions"]):
            if name not in {t["name"] for t in new_props["targetLocations"]}:
                del doc["replication"]["regions"][name]
        old["properties"] = new_props
        if restart:
            doc["replication"]["operation"] = "Updating"
    if tags is not None:
        doc["resource"]["tags"] = tags
    else:
        doc["resource"].pop("tags", None)
    _schedule(ctx, doc, restart, profile)
    ctx.tx.write(key, doc)
    return render(ctx, doc)


def _changed_regions(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[str]:
    """Regions to replicate again: new ones, and ones asking for more replicas."""
    before = {regions.programmatic(t["name"]): t for t in old}  # stored: maybe an older state's
    out = []
    for target in new:
        previous = before.get(target["name"])
        count = target.get("regionalReplicaCount", 1)
        if previous is None or count > previous.get("regionalReplicaCount", 1):
            out.append(target["name"])
    return out


def _schedule(
    ctx: Request, doc: StoredReplicatedVersion, names: list[str], profile: StoredResource
) -> None:
    """Start one replication job in each named region (a profile version has no disk to copy)."""
    if not names:
        return
    targets = {t["name"]: t for t in doc["resource"]["properties"]["targetLocations"]}
    gallery, profile_name = ids.parse(profile["resource"]["id"]).names
    clock = ctx.clock
    clock.sync(replication.speed(ctx.config))
    at = clock.progress()
    for name in names:
        target = targets[name]
        modelled = replication.modelled_seconds(
            0.0,
            target.get("regionalReplicaCount", 1),
            target.get("storageAccountType", "Standard_LRS"),
            name == doc["resource"]["location"],
            len(targets),
            shallow=False,
        )
        fault = faults.matching(ctx.tx, name, gallery, profile_name, doc["resource"]["name"])
        doc["replication"]["regions"][name] = replication.start(clock, at, modelled, fault)
    save_clock(ctx.tx, clock)


def patch(ctx: Request, rid: ResourceId, body: dict[str, Any]) -> dict[str, Any]:
    return put(ctx, rid, access_control_profiles.merge_update(get(ctx, rid), body))


def delete(ctx: Request, rid: ResourceId) -> None:
    key = _key(_profile(ctx, rid), ctx, rid.names[2])
    if ctx.tx.read(key, shapes.resource) is not None:
        ctx.tx.delete_tree(key)
