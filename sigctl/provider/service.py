"""The emulated Microsoft.Compute gallery provider behind an ARM-shaped interface.

Callers (the CLI today, a REST front later) speak ARM: a verb, a resource id, a request body with
`properties`, query parameters such as `api-version` or `$expand`. Each call is one all-or-nothing
state transaction: a handler that raises leaves the state exactly as it was.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any

from sigctl.errors import ArmError
from sigctl.provider import accounts, ids, rbac, shapes, validate
from sigctl.provider.context import Request, service_settings
from sigctl.provider.ids import ResourceId
from sigctl.record import FrozenRecord, Record
from sigctl.store import backends
from sigctl.store.base import Backend, Key, Store, Transaction

# (namespace, types) -> handler module name; imported on first use to keep start-up cheap.
_ROUTES: dict[tuple[str, tuple[str, ...]], str] = {
    ("microsoft.resources", ("resourcegroups",)): "resource_groups",
    ("microsoft.compute", ("galleries",)): "galleries",
    ("microsoft.compute", ("diskencryptionsets",)): "disk_encryption_sets",
    ("microsoft.compute", ("galleries", "images")): "image_definitions",
    ("microsoft.compute", ("galleries", "images", "versions")): "image_versions",
    ("microsoft.compute", ("galleries", "invmaccesscontrolprofiles")): "access_control_profiles",
    (
        "microsoft.compute",
        ("galleries", "invmaccesscontrolprofiles", "versions"),
    ): "access_control_profile_versions",
    ("microsoft.managedidentity", ("userassignedidentities",)): "managed_identities",
    ("microsoft.compute", ("galleries", "applications")): "gallery_applications",
    (
        "microsoft.compute",
        ("galleries", "applications", "versions"),
    ): "gallery_application_versions",
    (
        "microsoft.compute",
        ("galleries", "softdeletedartifacttypes", "artifacts", "versions"),
    ): "soft_deleted",
    ("microsoft.compute", ("locations", "sharedgalleries")): "shared_galleries",
    ("microsoft.compute", ("locations", "sharedgalleries", "images")): "shared_galleries",
    (
        "microsoft.compute",
        ("locations", "sharedgalleries", "images", "versions"),
    ): "shared_galleries",
    ("microsoft.compute", ("locations", "communitygalleries")): "community_galleries",
    ("microsoft.compute", ("locations", "communitygalleries", "images")): "community_galleries",
    (
        "microsoft.compute",
        ("locations", "communitygalleries", "images", "versions"),
    ): "community_galleries",
    ("microsoft.compute", ("locations", "usages")): "usages",
    ("microsoft.compute", ("locations", "capsoperations")): "operations",
    ("microsoft.compute", ("images",)): "source_resources",
    ("microsoft.compute", ("snapshots",)): "source_resources",
    ("microsoft.compute", ("disks",)): "source_resources",
    ("microsoft.compute", ("virtualmachines",)): "source_resources",
    ("microsoft.storage", ("storageaccounts",)): "source_resources",
    # sigctl's own read of a subscription as one tree (no Azure counterpart)
    ("sigctl.emulator", ("inventory",)): "inventory",
}

_WRITES = {"put", "patch", "delete", "post"}
# Handlers that decide access themselves: the consumer views by sharing, not by roles; an
# operation's status by the caller's right on the resource it changes; the inventory node by node.
_SELF_AUTHORIZED = {"shared_galleries", "community_galleries", "operations", "inventory"}


class Outcome(Record):
    """What one ARM call did: its result, for a PUT or DELETE whether the resource existed, and
    for a GET the resource's entity tag."""

    _fields = ("result", "existed", "etag")

    def __init__(self, result: Any, existed: bool = False, etag: str | None = None) -> None:
        self.result, self.existed, self.etag = result, existed, etag


class Conditions(FrozenRecord):
    """HTTP's conditional headers on a write: If-Match (an entity tag of the resource, or *)
    and If-None-Match (* only: the resource must not exist yet)."""

    _fields = ("if_match", "if_none_match")

    def __init__(self, if_match: str | None = None, if_none_match: str | None = None) -> None:
        self.if_match, self.if_none_match = if_match, if_none_match

    @classmethod
    def of(cls, headers: dict[str, str]) -> Conditions | None:
        found = cls(headers.get("if-match"), headers.get("if-none-match"))
        return found if found.if_match or found.if_none_match else None


def _handler(rid: ResourceId) -> ModuleType:
    module = _ROUTES.get(rid.route)
    if module is None:
        raise ArmError(
            "InvalidResourceType",
            f"The resource type '{rid.resource_type()}' could not be found in the namespace "
            f"'{rid.namespace}'.",
            404,
        )
    import importlib

    return importlib.import_module(f"sigctl.provider.{module}")


class Provider:
    """The emulated cloud of one namespace of a backend, acting for `principal`.

    The backend and namespace come from the configuration (core.database_url, core.namespace)
    unless given; they are resolved on first use, so a command that only edits the
    configuration works while a setting is wrong.
    """

    def __init__(
        self,
        home: Path,
        principal: str | None = None,
        namespace: str | None = None,
        backend: Backend | None = None,
    ) -> None:
        self.home = home
        self.principal = principal
        self._namespace = namespace
        self._backend = backend

    @cached_property
    def backend(self) -> Backend:
        if self._backend is None:
            self._backend, configured = backends.configured(self.home)
            self._namespace = self._namespace or configured
        return self._backend

    @property
    def namespace(self) -> str:
        if self._namespace is None:
            self._namespace = backends.configured(self.home)[1]
        return self._namespace

    @cached_property
    def store(self) -> Store:
        return self.backend.store(self.namespace, shapes.for_key)

    def in_namespace(self, name: str, principal: str | None = None) -> Provider:
        """The same backend's namespace `name` (the name already checked)."""
        return Provider(self.home, principal, name, self.backend)

    def settings(self, tx: Transaction) -> Any:
        """The service settings in force: the configuration, with the namespace's own on top."""
        return service_settings(self.home, tx)

    # -- ARM verbs -------------------------------------------------------------------------

    def get(self, rid: str | ResourceId, **query: Any) -> dict[str, Any]:
        return self._call("get", rid, query)

    def head(self, rid: str | ResourceId, **query: Any) -> bool:
        return self._call("head", rid, query)

    def list(self, rid: str | ResourceId, **query: Any) -> list[dict[str, Any]]:
        return self._call("list", rid, query)

    def put(self, rid: str | ResourceId, body: dict[str, Any], **query: Any) -> dict[str, Any]:
        return self._call("put", rid, query, body)

    def patch(self, rid: str | ResourceId, body: dict[str, Any], **query: Any) -> dict[str, Any]:
        return self._call("patch", rid, query, body)

    def delete(self, rid: str | ResourceId, **query: Any) -> None:
        return self._call("delete", rid, query)

    def post(self, rid: str | ResourceId, action: str, body: dict[str, Any], **query: Any) -> Any:
        return self._call("post", rid, {**query, "action": action}, body)

    # -- emulator calls that are not ARM resources -----------------------------------------

    def sleep(self, seconds: float) -> float:
        """Let `seconds` of modelled time pass (sigctl.provider.clock_ops.wait), sleeping the
        real time it takes; returns how far a frozen clock was advanced instead (0 if it runs)."""
        import time

        from sigctl.provider import clock_ops

        waited = clock_ops.wait(self.store, self.settings, seconds)
        time.sleep(waited["sleepSeconds"])
        return waited["advancedSeconds"]

    def sync_clock(self) -> None:
        """Re-anchor replication progress after replication.speed changed (from `config set`)."""
        if not self.store.exists():
            return  # nothing has replicated yet
        from sigctl.provider import clock_ops

        def sync() -> None:
            with self.store.transaction(write=True) as tx:
                clock_ops.sync(tx, self.settings(tx))

        self.store.retrying(sync)

    def session(self, write: bool = False) -> Any:
        """A raw state transaction, for tests that plant or inspect documents."""
        return self.store.transaction(write=write)

    # -- the one request interface ------------------------------------------------------------

    def request(
        self,
        verb: str,
        path: str,
        query: dict[str, str] | None = None,
        body: Any = None,
        principal: str | None = None,
        headers: dict[str, str] | None = None,
        root: str = "",
    ) -> Any:
        """An HTTP-shaped request (sigctl.provider.api): a Response, or an ArmError raised.
        `root` is the path this namespace is served under (/namespaces/N), for the links the
        answer hands out."""
        from sigctl.provider import api

        return self.store.retrying(
            lambda: api.handle(self, verb, path, query or {}, body, principal, headers or {}, root)
        )

    # -- dispatch --------------------------------------------------------------------------

    def _call(
        self, verb: str, rid: str | ResourceId, query: dict[str, Any], body: Any = None
    ) -> Any:
        return self.dispatch(verb, rid, query, body, self.principal).result

    def dispatch(
        self,
        verb: str,
        rid: str | ResourceId,
        query: dict[str, Any],
        body: Any,
        principal: str | None,
        conditions: Conditions | None = None,
    ) -> Outcome:
        """One ARM call in one transaction, authorized for `principal` (None: the emulator).

        A GET also gives the resource's entity tag; a write with `conditions` happens only if
        they hold for the resource as it is (else 412), so a client's read-then-write is safe
        against other writers."""
        validate.check_request(str(rid), query, body)
        parsed = ids.parse(rid) if isinstance(rid, str) else rid
        handler = _handler(parsed)
        if verb in ("get", "head", "delete", "put", "patch") and parsed.is_collection:
            raise ArmError("InvalidResourceId", f"'{parsed}' names a collection, not a resource.")
        function = getattr(handler, "list_" if verb == "list" else verb, None)
        if function is None and verb == "patch" and hasattr(handler, "put"):
            from sigctl.provider import updates

            function = updates.patch_through_put(handler)
        if function is None:
            raise ArmError(
                "MethodNotAllowed",
                f"The {verb.upper()} operation is not supported on '{parsed}'.",
                405,
            )

        def attempt() -> Outcome:
            with self.store.transaction(verb in _WRITES, likely(parsed)) as tx:
                accounts.subscription(tx, parsed.subscription)
                ctx = Request(tx, parsed.subscription.lower(), principal, query)
                if handler.__name__.rsplit(".", 1)[-1] in _SELF_AUTHORIZED:
                    return Outcome(function(ctx, parsed))
                if verb == "list":
                    found = function(ctx, parsed)
                    return Outcome([i for i in found if _may_read(tx, principal, parsed, i)])
                action = (
                    f"{rbac.action_for(parsed, 'get').rsplit('/', 1)[0]}/{query['action']}/action"
                    if verb == "post"
                    else rbac.action_for(parsed, verb)
                )
                rbac.require(tx, principal, action, str(parsed))
                if verb == "get":
                    result = function(ctx, parsed)
                    return Outcome(result, True, entity_tag(handler, ctx, parsed, result))
                existed = False
                if verb in ("put", "delete") or conditions is not None:
                    current = _current_tag(handler, ctx, parsed)
                    existed = current is not None
                    _check(conditions, current)
                if body is None:
                    return Outcome(function(ctx, parsed), existed)
                return Outcome(function(ctx, parsed, body), existed)

        # A handler is a function of the state and the request: after a conflict it runs again.
        return self.store.retrying(attempt)


def entity_tag(handler: ModuleType, ctx: Request, rid: ResourceId, rendered: Any = None) -> str:
    """A resource's ETag: a digest of what a GET with the request's api-version and no other
    option renders (`rendered`, when the request was that GET), so it changes whenever the
    resource does. A read-then-write with one api-version compares like with like."""
    import hashlib
    import json

    version = {k: v for k, v in ctx.query.items() if k.lower() == "api-version"}
    if rendered is None or len(version) != len(ctx.query):
        rendered = handler.get(Request(ctx.tx, ctx.subscription, None, version), rid)
    digest = hashlib.sha256(json.dumps(rendered, sort_keys=True, default=str).encode())
    return f'W/"{digest.hexdigest()[:32]}"'


def likely(rid: ResourceId) -> list[Key]:
    """The documents a call on `rid` reads first: the accounts, the clock, the subscription's
    index and role assignments, and the resource with the resources it sits in."""
    from sigctl.provider.clock import CLOCK_KEY

    subscription: Key = ("subscriptions", rid.subscription.lower())
    keys = [accounts.ACCOUNTS_KEY, CLOCK_KEY, (*subscription, "index")]
    keys.append(rbac.assignments_key(rid.subscription))
    for depth in range(1, len(rid.names) + 1):
        pairs = zip(rid.types[:depth], rid.names[:depth], strict=True)
        keys.append((*subscription, *(part.lower() for pair in pairs for part in pair)))
    return keys


def _current_tag(handler: ModuleType, ctx: Request, rid: ResourceId) -> str | None:
    """The resource's ETag, or None if it does not exist: whether a PUT replaces a resource
    (200, else 201), or a DELETE removes one (200, else 204)."""
    try:
        return entity_tag(handler, ctx, rid)
    except ArmError as error:
        if error.status == 404:
            return None
    return "*"  # it exists, though this caller cannot render it


def _check(conditions: Conditions | None, current: str | None) -> None:
    if conditions is None:
        return
    match, none_match = conditions.if_match, conditions.if_none_match
    failed = (match is not None and (current is None or match not in ("*", current))) or (
        none_match is not None and current is not None and none_match in ("*", current)
    )
    if failed:
        raise ArmError(
            "PreconditionFailed",
            "The condition specified using HTTP conditional header(s) is not met.",
            412,
        )


def _may_read(tx: Any, principal: str | None, collection: ResourceId, item: Any) -> bool:
    """Lists show only what the caller may read."""
    if principal is None or not isinstance(item, dict) or "id" not in item:
        return True
    action = rbac.action_for(collection, "list")
    return rbac.permitted(tx, principal, action, item["id"])
