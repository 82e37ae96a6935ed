"""sigctl's own reads and writes of a subscription's resources, on /sigctl/subscriptions/{s}/...:
what "latest" resolves to, billing inputs, sources with sigctl's own fields,
and seeding a fixture (sigctl.provider.emulator_api lists the paths).

Each request is one transaction. Reads check the caller's roles as their ARM counterparts do;
seeding is the emulator's own control, applied with every service rule but no role check.
"""

from __future__ import annotations

from typing import Any

from sigctl.errors import ArmError
from sigctl.provider import (
    accounts,
    billing,
    fixtures,
    galleries,
    ids,
    image_definitions,
    image_version_writes,
    latest,
    resource_groups,
    sources,
)
from sigctl.provider.calls import Call, Response, method_not_allowed, route_not_found
from sigctl.provider.context import Request
from sigctl.provider.validate import expect_dict, expect_list, expect_str


def handle(call: Call, subscription: str, rest: list[str], path: str) -> Response:
    verb, query, body = call.verb, call.query, call.body
    lowered = [s.lower() for s in rest]
    group = rest[1] if lowered[:1] == ["resourcegroups"] and len(rest) >= 3 else None
    below = lowered[2:] if group is not None else lowered
    write = verb in ("PUT", "DELETE") or below in (["seed"],)
    with call.provider.store.transaction(write=write) as tx:
        sub = accounts.subscription(tx, subscription)["id"]
        ctx = Request(tx, sub.lower(), call.principal, query)
        if below == ["sources"]:
            _only(verb, "GET", path)
            return Response(200, {"value": sources.list_(ctx, group, _kind(query.get("kind")))})
        if group is not None and len(below) >= 3 and below[0] == "sources":
            # a name with a slash spans segments: the name rules refuse it as a name
            return _source(ctx, verb, group, rest[3], "/".join(rest[4:]), body, path)
        if group is None and below == ["latest"]:
            _only(verb, "GET", path)
            return Response(200, _latest(ctx))
        if group is None and below == ["billing"]:
            _only(verb, "GET", path)
            scope = ids.parse(query["scope"]) if query.get("scope") else None
            return Response(200, billing.existing(ctx, scope))
        if group is None and below == ["billing", "plan"]:
            _only(verb, "POST", path)
            return Response(200, _plan(ctx, expect_dict(body, "body")))
        if group is None and below == ["seed"]:
            _only(verb, "POST", path)
            seeding = Request(tx, sub.lower(), None)  # the emulator's own control: no roles
            return Response(200, _seed(seeding, expect_dict(body, "body")))
    raise route_not_found(verb, path)


def _only(verb: str, allowed: str, path: str) -> None:
    if verb != allowed:
        raise method_not_allowed(verb, path)


def _kind(text: str | None) -> str | None:

    if text is None:
        return None
    if text.lower() not in sources.KINDS:
        raise ArmError(
            "InvalidSourceKind",
            f"'{text}' is not a source kind: {', '.join(sources.KINDS)}.",
            400,
        )
    return text.lower()


def _source(
    ctx: Request, verb: str, group: str, kind_text: str, name: str, body: Any, path: str
) -> Response:

    kind = _kind(kind_text)
    assert kind is not None
    if verb == "GET":
        return Response(200, sources.get(ctx, kind, group, name))
    if verb == "PUT":
        return Response(200, sources.create(ctx, kind, group, name, expect_dict(body, "body")))
    if verb == "DELETE":
        sources.delete(ctx, kind, group, name)
        return Response(204)
    raise method_not_allowed(verb, path)


def _latest(ctx: Request) -> dict[str, Any]:
    """What "latest" means for a definition (in a region, if given), with every candidate's
    verdict; without explain=true, a definition with no latest version is an error."""

    definition = expect_str(ctx.query.get("definition"), "definition")
    if not definition:
        raise ArmError("InvalidRequestContent", "Query parameter 'definition' is required.", 400)
    rid = ids.parse(definition)
    if rid.subscription.lower() != ctx.subscription:
        raise ArmError(
            "InvalidRequestContent",
            f"The definition '{definition}' is not in subscription '{ctx.subscription}'.",
            400,
        )
    result = latest.resolve(ctx, rid, ctx.query.get("location"))
    explain = str(ctx.query.get("explain", "")).lower() == "true"
    if result["latest"] is None and not explain:
        raise latest.no_latest(result["definition"])
    return result


def _plan(ctx: Request, fields: dict[str, Any]) -> dict[str, Any]:
    """Billing inputs of a version that does not exist yet, checked as a create would check it:
    sized by `disks` ({sizeGB, usedGB}: the OS disk first), or by a managed image or VM
    (`source`: {resourceGroup, name}), in `location` (default: the source's region, else the
    first target region)."""

    profile = expect_dict(fields.get("publishingProfile"), "publishingProfile")
    location = expect_str(fields.get("location"), "location")
    source_ref = fields.get("source")
    if source_ref is not None:
        source_ref = expect_dict(source_ref, "source")
        source = billing.source_record(
            ctx,
            expect_str(source_ref.get("resourceGroup"), "source.resourceGroup") or "",
            expect_str(source_ref.get("name"), "source.name") or "",
        )
        # A version from an image lives in the image's region, as create requires.
        return billing.plan(ctx, location or source["location"], profile, None, source)
    disks = [
        expect_dict(d, f"disks[{i}]")
        for i, d in enumerate(expect_list(fields.get("disks"), "disks") or [])
    ]
    targets = expect_list(profile.get("targetRegions"), "publishingProfile.targetRegions") or []
    first = targets[0].get("name") if targets and isinstance(targets[0], dict) else None
    return billing.plan(ctx, location or first or "", profile, disks)


# -- seeding ----------------------------------------------------------------------------------------


def _seed(ctx: Request, fixture: dict[str, Any]) -> dict[str, int]:
    """Create what a fixture lists, in order, through the handlers, in this one transaction:
    resource groups, sources, galleries, definitions, versions (already replicated).

    Each entry of groups, galleries, definitions and versions is {"id", "body"} (an ARM PUT);
    each source is {"resourceGroup", "kind", "name", "body"} (a /sigctl source PUT). A body
    without `location` takes its resource group's, and a version without target regions is
    replicated to its own region only.
    """

    def entries(name: str) -> list[dict[str, Any]]:
        listed = expect_list(fixture.get(name), name) or []
        return [expect_dict(e, f"{name}[{i}]") for i, e in enumerate(listed)]

    def located(body: Any, group: str | None) -> dict[str, Any]:
        body = dict(expect_dict(body, "body"))
        if not body.get("location"):
            body["location"] = resource_groups.require(ctx, group or "")["location"]
        return body

    counts: dict[str, int] = {}
    for entry in entries("groups"):
        resource_groups.put(ctx, _own(ctx, entry), expect_dict(entry.get("body"), "body"))
    for entry in entries("sources"):
        group = expect_str(entry.get("resourceGroup"), "resourceGroup") or ""
        kind = _kind(expect_str(entry.get("kind"), "kind") or "")
        assert kind is not None
        spec = located(entry.get("body"), group)
        sources.create(ctx, kind, group, expect_str(entry.get("name"), "name") or "", spec)
    for name, handler in (("galleries", galleries), ("definitions", image_definitions)):
        for entry in entries(name):
            rid = _own(ctx, entry)
            handler.put(ctx, rid, located(entry.get("body"), rid.resource_group))
    for entry in entries("versions"):
        rid = _own(ctx, entry)
        body = located(entry.get("body"), rid.resource_group)
        profile = body.setdefault("properties", {}).setdefault("publishingProfile", {})
        profile.setdefault("targetRegions", [{"name": body["location"]}])
        image_version_writes.put(ctx, rid, body)
        fixtures.mark_replicated(ctx, rid)
    for name in ("groups", "sources", "galleries", "definitions", "versions"):
        counts[name] = len(entries(name))
    return counts


def _own(ctx: Request, entry: dict[str, Any]) -> ids.ResourceId:
    """An entry's resource id, which must be in the subscription being seeded."""
    rid = ids.parse(expect_str(entry.get("id"), "id") or "")
    if rid.subscription.lower() != ctx.subscription or rid.is_collection:
        raise ArmError(
            "InvalidRequestContent",
            f"'{rid}' is not a resource of subscription '{ctx.subscription}'.",
            400,
        )
    return rid
