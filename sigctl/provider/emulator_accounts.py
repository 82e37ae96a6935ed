"""The emulated cloud's accounts on /sigctl paths: signing in, tenants, subscriptions, principals
of a tenant, and a subscription's region allow-list (sigctl.provider.emulator_api lists them).

Azure makes tenants, subscriptions and allow-lists through portals and support requests; the
emulator makes them here. Sign-in answers who acts and in which subscription, as one step: the
principal is named by object id, user principal name, app id or display name (by default the
default subscription's owner), the subscription by id or name (by default the default one). On a
served cloud it also hands out an access token for that principal, as the token service would for
any secret.
"""

from __future__ import annotations

from typing import Any

from sigctl.errors import ArmError
from sigctl.provider import accounts, identity, regions
from sigctl.provider.calls import Call, Response, method_not_allowed, route_not_found
from sigctl.provider.context import Request
from sigctl.provider.validate import expect_bool, expect_dict, expect_str


def handle(call: Call, path: str) -> Response:
    verb, segments = call.verb, call.segments
    lowered = [s.lower() for s in segments]
    if lowered == ["sign-in"]:
        _only(verb, "POST", path)
        return Response(200, sign_in(call))
    write = verb in ("POST", "PUT", "DELETE")
    with call.provider.store.transaction(write=write) as tx:
        if lowered == ["tenants"]:
            if verb == "GET":
                return Response(200, {"value": list(accounts.load(tx)["tenants"].values())})
            _only(verb, "POST", path)
            fields = expect_dict(call.body, "body")
            created = accounts.create_tenant(
                tx,
                _required(fields, "displayName"),
                _required(fields, "defaultDomain"),
                expect_str(fields.get("tenantId"), "tenantId"),
            )
            return Response(201, created)
        if lowered[:1] == ["tenants"] and lowered[2:] == ["principals"]:
            return _principals(call, tx, segments[1], path)
        if lowered == ["subscriptions"]:
            if verb == "GET":
                return Response(200, {"value": list(accounts.load(tx)["subscriptions"].values())})
            _only(verb, "POST", path)
            return Response(201, _create_subscription(tx, expect_dict(call.body, "body")))
        if lowered[:1] == ["subscriptions"] and len(segments) == 2:
            _only(verb, "GET", path)
            return Response(200, accounts.subscription(tx, segments[1]))
        if lowered[:1] == ["subscriptions"] and lowered[2:] == ["regions"]:
            _only(verb, "GET", path)
            return Response(200, {"value": _gallery_access(call, tx, segments[1])})
        if lowered[:1] == ["subscriptions"] and lowered[2:] in (
            ["allowedregions", "add"],
            ["allowedregions", "remove"],
        ):
            _only(verb, "POST", path)
            region = _required(expect_dict(call.body, "body"), "region")
            return Response(200, _allow(tx, segments[1], region, lowered[3] == "add"))
    raise route_not_found(verb, path)


def _only(verb: str, allowed: str, path: str) -> None:
    if verb != allowed:
        raise method_not_allowed(verb, path)


def _required(fields: dict[str, Any], name: str) -> str:
    value = expect_str(fields.get(name), name)
    if not value:
        raise ArmError("InvalidRequestContent", f"Property '{name}' is required.", 400, name)
    return value


# -- signing in -----------------------------------------------------------------------------------


def sign_in(call: Call) -> dict[str, Any]:
    """The acting principal and the subscription a client works in (errors in that order: the
    subscription first, as a client resolves it first)."""
    fields = expect_dict(call.body if call.body is not None else {}, "body")
    wanted = expect_str(fields.get("subscription"), "subscription")
    who = expect_str(fields.get("principal"), "principal")
    with call.provider.store.transaction() as tx:
        if wanted is None:
            subscription = accounts.default_subscription(tx)
        else:
            found = accounts.find_subscription(tx, wanted)
            if found is None:
                raise ArmError(
                    "SubscriptionNotFound",
                    f"The subscription '{wanted}' could not be found.",
                    404,
                    "subscription",
                )
            subscription = found
        name = accounts.default_subscription(tx)["owner"] if who is None else who
        principal = accounts.find_principal(tx, name)
        if principal["type"] == "group":
            raise ArmError(
                "GroupCannotSignIn",
                f"'{name}' is a group, and a group cannot sign in.",
                400,
                "principal",
            )
        tenant = accounts.tenant(tx, subscription["tenantId"])
    answer = {"principal": principal, "subscription": subscription, "tenant": tenant}
    if expect_bool(fields.get("token"), "token"):
        key = identity.signing_key(call.provider)
        issued = identity.issue(principal, f"{call.base}/", key, call.base, "", v2=True)
        answer["accessToken"] = issued["access_token"]
        answer["expiresIn"] = issued["expires_in"]
    return answer


# -- tenants, principals, subscriptions -------------------------------------------------------------

_KINDS = ("user", "servicePrincipal", "group")
_FIELDS = {
    "user": ("displayName", "userPrincipalName"),
    "servicePrincipal": ("displayName",),
    "group": ("displayName", "mailNickname"),
}


def _principals(call: Call, tx: Any, tenant_id: str, path: str) -> Response:
    from sigctl.provider.graph import shape  # not needed by signing in, which every command does

    if call.verb == "GET":  # an unknown tenant has no principals
        kind = call.query.get("type")
        found = [
            p
            for p in accounts.load(tx)["principals"].values()
            if p["tenantId"] == tenant_id.lower() and (kind is None or p["type"] == kind)
        ]
        found.sort(key=lambda p: p.get("displayName", "").lower())
        return Response(200, {"value": [shape(p) for p in found]})
    _only(call.verb, "POST", path)
    fields = expect_dict(call.body, "body")
    kind = expect_str(fields.get("type"), "type")
    if kind not in _KINDS:
        raise ArmError(
            "InvalidRequestContent",
            f"Property 'type' must be one of {', '.join(_KINDS)}.",
            400,
            "type",
        )
    record = {name: _required(fields, name) for name in _FIELDS[kind]}
    description = expect_str(fields.get("description"), "description")
    if kind == "group" and description:
        record["description"] = description
    return Response(201, shape(accounts.create_principal(tx, kind, tenant_id, record)))


def _create_subscription(tx: Any, fields: dict[str, Any]) -> dict[str, Any]:
    owner = _required(fields, "owner")
    if accounts.principal(tx, owner.lower()) is None:
        raise accounts.principal_not_found(owner)
    return accounts.create_subscription(
        tx,
        _required(fields, "displayName"),
        _required(fields, "tenantId"),
        owner.lower(),
        expect_str(fields.get("subscriptionId"), "subscriptionId"),
    )


# -- regions --------------------------------------------------------------------------------------


def _unknown_region(text: str) -> ArmError:

    message = f"'{text}' is not a region. {regions.did_you_mean(text)}".strip()
    return ArmError("UnknownRegion", message, 400, "region")


def _allow(tx: Any, subscription: str, region_text: str, allowed: bool) -> dict[str, Any]:
    """Put a gated region on the subscription's allow-list (or take it off). A region that
    needs no allow-list is left as it is: `changed` says whether anything changed."""

    region = regions.find(region_text)
    if region is None:
        raise _unknown_region(region_text)
    if region.allow_list:
        sub = accounts.allow_region(tx, subscription, region.name, allowed)
    else:
        sub = accounts.subscription(tx, subscription)
    return {
        "id": sub["id"],
        "name": sub["name"],
        "allowedRegions": sub.get("allowedRegions", []),
        "region": {"name": region.name, "displayName": region.display_name},
        "changed": region.allow_list,
    }


def _gallery_access(call: Call, tx: Any, subscription: str) -> list[dict[str, Any]]:
    """For each region a subscription can name: whether galleries there need an allow-list,
    and whether this subscription may create them now."""

    sub = accounts.subscription(tx, subscription)["id"]
    ctx = Request(tx, sub.lower(), call.principal)

    allowed, known = ctx.allowed_regions(), ctx.known_regions()
    return [
        {
            "name": r.name,
            "needsAllowList": r.allow_list,
            "galleriesAllowed": r.open_to(allowed),
        }
        for r in regions.CATALOGUE
        if r.name in known
    ]
