"""The emulated Microsoft.Compute gallery provider behind an ARM-shaped interface.

Callers (the CLI today, a REST front later) speak ARM: a verb, a resource id, a request body with
`properties`, query parameters such as `api-version` or `$expand`. Each call is one all-or-nothing
state transaction: a handler that raises leaves the state exactly as it was.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

from sigctl.errors import ArmError
from sigctl.provider import accounts, ids, rbac, shapes, validate
from sigctl.provider.context import Request
from sigctl.provider.ids import ResourceId
from sigctl.store import Store

# (namespace, types) -> handler module name; imported on first use to keep start-up cheap.
_ROUTES: dict[tuple[str, tuple[str, ...]], str] = {
    ("microsoft.resources", ("resourcegroups",)): "resource_groups",
    ("microsoft.compute", ("galleries",)): "galleries",
    ("microsoft.compute", ("galleries", "images")): "image_definitions",
    ("microsoft.compute", ("galleries", "images", "versions")): "image_versions",
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
}

_WRITES = {"put", "patch", "delete", "post"}
# The emulator's own paths (docs/emulation.md): what Azure has no API for.
EMULATOR = "/providers/sigctl.emulator/"
_CONSUMER_VIEWS = {"shared_galleries", "community_galleries"}


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
    def __init__(self, home: Path, principal: str | None = None) -> None:
        self.home = home
        self.store = Store(home / "state", shapes.for_key)
        self.principal = principal

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
        """Let `seconds` of modelled time pass for a polling client.

        On a running clock that takes seconds / replication.speed of real time (nothing in instant
        mode). A frozen clock would never move, so waiting advances it instead; the return value
        says by how much (0 when the clock runs). A changed speed or clock mode is applied first
        (sigctl.provider.clock: the progress clock is re-anchored).
        """
        import time

        from sigctl import config
        from sigctl.provider import clock, clock_ops, replication

        settings = config.load(self.home)
        speed = replication.speed(settings)
        with self.store.transaction() as tx:
            current = clock.load(tx)
        stale = "progress" in current.stored and current.sync(speed)
        if current.frozen or stale:
            with self.store.transaction(write=True) as tx:
                if current.frozen:
                    current = clock.load(tx)
                    current.advance(seconds, speed)
                    clock.save_clock(tx, current)
                    return seconds
                clock_ops.sync(tx, settings)
        if speed is not None:
            time.sleep(seconds / speed)
        return 0.0

    def sync_clock(self) -> None:
        """Re-anchor replication progress after replication.speed changed (from `config set`)."""
        if not self.store.exists():
            return  # nothing has replicated yet
        from sigctl import config
        from sigctl.provider import clock_ops

        with self.store.transaction(write=True) as tx:
            clock_ops.sync(tx, config.load(self.home))

    def session(self, write: bool = False) -> Any:
        """A raw state transaction, for the emulator's own commands (clock, faults, state)."""
        return self.store.transaction(write=write)

    def operate(
        self, subscription: str, function: Any, *args: Any, write: bool = False, **kwargs: Any
    ) -> Any:
        """Run one of the emulator's own operations (sources, latest, usage...) as a request."""
        with self.store.transaction(write=write) as tx:
            accounts.subscription(tx, subscription)
            ctx = Request(tx, subscription.lower(), self.principal)
            return function(ctx, *args, **kwargs)

    def default_subscription(self) -> dict[str, Any]:
        with self.store.transaction() as tx:
            return accounts.default_subscription(tx)

    def find_subscription(self, name_or_id: str) -> dict[str, Any] | None:
        with self.store.transaction() as tx:
            return accounts.find_subscription(tx, name_or_id)

    def account(self, subscription_id: str) -> dict[str, Any]:
        with self.store.transaction() as tx:
            sub = accounts.subscription(tx, subscription_id)
            return {
                "subscription": sub,
                "tenant": accounts.tenant(tx, sub["tenantId"]),
                "user": accounts.principal(tx, sub["owner"]),
            }

    # -- dispatch --------------------------------------------------------------------------

    def _call(
        self, verb: str, rid: str | ResourceId, query: dict[str, Any], body: Any = None
    ) -> Any:
        validate.check_request(str(rid), query, body)
        if isinstance(rid, str) and rid.lower().startswith(EMULATOR):
            return self._emulator_call(verb, rid[len(EMULATOR) :], query)
        parsed = ids.parse(rid) if isinstance(rid, str) else rid
        handler = _handler(parsed)
        if verb in ("get", "head", "delete", "put", "patch") and parsed.is_collection:
            raise ArmError("InvalidResourceId", f"'{parsed}' names a collection, not a resource.")
        function = getattr(handler, "list_" if verb == "list" else verb, None)
        if function is None:
            raise ArmError(
                "MethodNotAllowed",
                f"The {verb.upper()} operation is not supported on '{parsed}'.",
                405,
            )
        with self.store.transaction(write=verb in _WRITES) as tx:
            accounts.subscription(tx, parsed.subscription)
            ctx = Request(tx, parsed.subscription.lower(), self.principal, query)
            if handler.__name__.rsplit(".", 1)[-1] in _CONSUMER_VIEWS:
                return function(ctx, parsed)  # visibility comes from sharing, not from roles
            if verb == "list":
                found = function(ctx, parsed)
                return [item for item in found if self._may_read(tx, parsed, item)]
            action = (
                f"{rbac.action_for(parsed, 'get').rsplit('/', 1)[0]}/{query['action']}/action"
                if verb == "post"
                else rbac.action_for(parsed, verb)
            )
            rbac.require(tx, self.principal, action, str(parsed))
            if body is None:
                return function(ctx, parsed)
            return function(ctx, parsed, body)

    def _emulator_call(self, verb: str, path: str, query: dict[str, Any]) -> Any:
        """sigctl's own paths, for what Azure has no API for (not subject to roles)."""
        if verb == "post" and path.strip("/").lower() == "state":
            from sigctl.provider import state_health

            return state_health.post(self.store, query["action"])
        raise ArmError(
            "InvalidResourceType", f"sigctl has no '{verb.upper()} {EMULATOR}{path}' path.", 404
        )

    def _may_read(self, tx: Any, collection: ResourceId, item: dict[str, Any]) -> bool:
        """Lists show only what the caller may read."""
        if self.principal is None or "id" not in item:
            return True
        action = rbac.action_for(collection, "list")
        return rbac.permitted(tx, self.principal, action, item["id"])
