"""The emulated Microsoft.Compute gallery provider behind an ARM-shaped interface.

Callers (the CLI today, a REST front later) speak ARM: a verb, a resource id, a request body with
`properties`, query parameters such as `api-version` or `$expand`. Each call is one all-or-nothing
state transaction: a handler that raises leaves the state exactly as it was.
"""

from __future__ import annotations

import time
from functools import cached_property
from pathlib import Path
from typing import Any

from sigctl.errors import ArmError
from sigctl.provider import (
    accounts,
    api,
    conditional,
    ids,
    rbac,
    routes,
    shapes,
    updates,
    validate,
)
from sigctl.provider.clock import CLOCK_KEY
from sigctl.provider.context import Request, service_settings
from sigctl.provider.ids import ResourceId
from sigctl.record import Record
from sigctl.store import backends
from sigctl.store.base import Backend, Key, Store, Transaction

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
        """Let `seconds` of modelled time pass as a polling client does (POST /sigctl/clock/wait),
        sleeping the real time it takes; returns how far a frozen clock was advanced instead (0
        if it runs)."""
        waited = self.request("POST", "/sigctl/clock/wait", body={"seconds": seconds}).body
        time.sleep(waited["sleepSeconds"])
        return waited["advancedSeconds"]

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
        conditions: conditional.Conditions | None = None,
    ) -> Outcome:
        """One ARM call in one transaction, authorized for `principal` (None: the emulator).

        A GET also gives the resource's entity tag; a write with `conditions` happens only if
        they hold for the resource as it is (else 412), so a client's read-then-write is safe
        against other writers."""
        validate.check_request(str(rid), query, body)
        parsed = ids.parse(rid) if isinstance(rid, str) else rid
        handler = routes.handler(parsed, verb in _WRITES)
        if verb in ("get", "head", "delete", "put", "patch") and parsed.is_collection:
            raise ArmError("InvalidResourceId", f"'{parsed}' names a collection, not a resource.")
        function = getattr(handler, "list_" if verb == "list" else verb, None)
        if function is None and verb == "patch" and hasattr(handler, "put"):
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
                    return Outcome(
                        result, True, conditional.entity_tag(handler, ctx, parsed, result)
                    )
                existed = False
                if verb in ("put", "delete") or conditions is not None:
                    current = conditional.current_tag(handler, ctx, parsed)
                    existed = current is not None
                    conditional.check(conditions, current)
                if body is None:
                    return Outcome(function(ctx, parsed), existed)
                return Outcome(function(ctx, parsed, body), existed)

        # A handler is a function of the state and the request: after a conflict it runs again.
        return self.store.retrying(attempt)


def likely(rid: ResourceId) -> list[Key]:
    """The documents a call on `rid` reads first: the accounts, the clock, the subscription's
    index and role assignments, and the resource with the resources it sits in."""
    subscription: Key = ("subscriptions", rid.subscription.lower())
    keys = [accounts.ACCOUNTS_KEY, CLOCK_KEY, (*subscription, "index")]
    keys.append(rbac.assignments_key(rid.subscription))
    for depth in range(1, len(rid.names) + 1):
        pairs = zip(rid.types[:depth], rid.names[:depth], strict=True)
        keys.append((*subscription, *(part.lower() for pair in pairs for part in pair)))
    return keys


def _may_read(tx: Any, principal: str | None, collection: ResourceId, item: Any) -> bool:
    """Lists show only what the caller may read."""
    if principal is None or not isinstance(item, dict) or "id" not in item:
        return True
    action = rbac.action_for(collection, "list")
    return rbac.permitted(tx, principal, action, item["id"])
