"""The emulated az client's connection to the emulated cloud, for one invocation.

Every call is one request through a transport (sigctl.cli.transport): in-process on the local
state by default, or over HTTPS to a served cloud when SIGCTL_ENDPOINT (core.endpoint) names one.
The client signs in first, as az logs in: who acts (`--as`, SIGCTL_PRINCIPAL, `sigctl login`,
else the default subscription's owner) and in which subscription (`--subscription`, `account
set`, else the default one). It logs each ARM call under `--debug` like az's request logging.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sigctl.cli.errors import CliError
from sigctl.cli.transport import Reply
from sigctl.errors import ArmError

if TYPE_CHECKING:
    from sigctl.cli.context import Invocation
    from sigctl.provider.ids import ResourceId

# az sends an api-version with every call; the commands name theirs, these are the rest.
DEFAULT_API_VERSIONS = {
    "microsoft.resources": "2024-11-01",
    "microsoft.compute": "2024-03-03",
    "microsoft.storage": "2025-01-01",
    "microsoft.managedidentity": "2023-01-31",
    "microsoft.authorization": "2022-04-01",
}
_DISK_TYPES = ("disks", "snapshots", "diskencryptionsets")
# A read-then-write that lost to another writer is tried again, this many times at most.
ATTEMPTS = 50


def endpoint_settings(invocation: Invocation) -> tuple[str | None, str | None]:
    """The served cloud to use (core.endpoint, SIGCTL_ENDPOINT) and the CA bundle to trust.

    A namespace named by core.namespace (SIGCTL_NAMESPACE) is the served cloud's
    `/namespaces/NAME/`, unless the endpoint already names one.
    """
    endpoint = invocation.setting("core.endpoint") or None
    namespace = invocation.setting("core.namespace")
    if endpoint and namespace and "/namespaces/" not in endpoint.lower():
        endpoint = f"{endpoint.rstrip('/')}/namespaces/{namespace}"
    return endpoint, invocation.setting("core.ca_bundle") or None


def default_api_version(path: str) -> str:
    """The api-version of a path's resource type, for calls whose command names none."""
    parts = [p.lower() for p in path.split("/")]
    if "providers" not in parts:
        return DEFAULT_API_VERSIONS["microsoft.resources"]
    at = len(parts) - 1 - parts[::-1].index("providers")
    namespace = parts[at + 1] if at + 1 < len(parts) else ""
    kind = parts[at + 2] if at + 2 < len(parts) else ""
    if namespace == "microsoft.compute" and kind in _DISK_TYPES:
        return "2023-04-02"
    if namespace == "microsoft.compute" and kind in ("images", "virtualmachines"):
        return "2024-07-01"
    return DEFAULT_API_VERSIONS.get(namespace, DEFAULT_API_VERSIONS["microsoft.resources"])


class Client:
    def __init__(self, invocation: Invocation) -> None:
        from sigctl.cli import transport

        self.invocation = invocation
        endpoint, ca_bundle = endpoint_settings(invocation)
        self.transport: Any = (
            transport.Https(endpoint, ca_bundle)
            if endpoint
            else transport.InProcess(invocation.home)
        )
        self._session: dict[str, Any] | None = None
        # During a read-then-write: the entity tag each resource was read with (None: absent).
        self._read: dict[str, str | None] | None = None

    # -- signing in ----------------------------------------------------------------------------

    @property
    def session(self) -> dict[str, Any]:
        """The signed-in principal, subscription and its tenant (signing in on first use)."""
        if self._session is None:
            self._session = self._sign_in()
        return self._session

    @property
    def principal(self) -> dict[str, Any]:
        return self.session["principal"]

    @property
    def account(self) -> dict[str, Any]:
        """The current subscription (sigctl's record: id, name, tenantId, state, owner)."""
        return self.session["subscription"]

    @property
    def subscription(self) -> str:
        return self.account["id"]

    def sign_in(
        self, principal: str | None, subscription: str | None, warn_unknown: bool = False
    ) -> dict[str, Any]:
        """Resolve a principal and a subscription as signing in does (also for `sigctl login`);
        a failure is az's client error."""
        body = {
            "principal": principal,
            "subscription": subscription,
            "token": self.transport.remote,
        }
        try:
            return self._send("POST", "/sigctl/sign-in", {}, body, {}).body
        except ArmError as error:
            if warn_unknown and error.code == "SubscriptionNotFound":
                self.invocation.warn(f"Subscription '{subscription}' not recognized.")
            from sigctl.cli import service_errors  # its patterns cost a command that succeeds

            raise service_errors.sign_in_error(error, principal, subscription) from None

    def _sign_in(self) -> dict[str, Any]:
        """Subscription: --subscription, else `account set`, else the default one.
        Principal: --as, else SIGCTL_PRINCIPAL, else `sigctl login --as`, else the owner of
        the default subscription (the signed-in user; choosing a subscription, as in az, does
        not change who is acting)."""
        import os

        from sigctl import profile

        options = self.invocation.options
        saved = profile.load(self.invocation.home)
        wanted = options.subscription or saved.get("subscription")
        # `--as ""` (say, an unset shell variable) is an error, never "the owner"; an empty
        # SIGCTL_PRINCIPAL counts as unset, as empty environment variables do elsewhere.
        who = next(
            (
                w
                for w in (
                    options.principal,
                    os.environ.get("SIGCTL_PRINCIPAL") or None,
                    saved.get("principal"),
                )
                if w is not None
            ),
            None,
        )
        found = self.sign_in(who, wanted, warn_unknown=bool(options.subscription))
        self.transport.act_as(found["principal"], found.get("accessToken"))
        return found

    def group_location(self, group: str) -> str:
        """az's default location: a GET of the resource group (its errors surface as they are)."""
        from sigctl.provider.ids import resource_group_id

        return self.get(resource_group_id(self.subscription, group))["location"]

    # -- requests ------------------------------------------------------------------------------

    def _send(
        self,
        verb: str,
        path: str,
        query: dict[str, Any],
        body: Any,
        headers: dict[str, str],
        as_emulator: bool = False,
    ) -> Reply:
        _refuse_empty_names(verb, path)
        text_query = {k: _text(v) for k, v in query.items() if v is not None}
        try:
            return self.transport.send(verb, path, text_query, body, headers, as_emulator)
        except ArmError as error:
            from sigctl.cli import service_errors

            shown = service_errors.shown(error)
            if shown is error:
                raise
            raise shown from None

    def request(
        self,
        verb: str,
        path: str,
        body: Any = None,
        *,
        as_emulator: bool = False,
        **query: Any,
    ) -> Reply:
        """One request as the signed-in principal (Graph, /sigctl and ARM paths alike).

        `as_emulator`: in-process, the state's own maintenance acts as the emulator itself and
        needs no sign-in (it must work when the directory cannot be read); a served cloud
        always wants a signed-in caller.
        """
        if not (as_emulator and not self.transport.remote):
            self.session  # noqa: B018 - sign in before the first request
        self._log(verb, path, body, **query)
        return self._send(verb, path, query, body, {}, as_emulator)

    def call(self, verb: str, path: str, body: Any = None, **query: Any) -> Any:
        """request(...).body: for the sigctl namespace and Graph."""
        return self.request(verb, path, body, **query).body

    def _arm(
        self,
        verb: str,
        rid: str | ResourceId,
        body: Any = None,
        *,
        api_version: str | None = None,
        **query: Any,
    ) -> Reply:
        """An ARM request; `api_version` is the command's (az pins one per command group), else
        the newest the resource type registers."""
        path = str(rid)
        if not any(k.lower() == "api-version" for k in query):
            query["api-version"] = api_version or default_api_version(path)
        self.session  # noqa: B018 - sign in before the first request
        self._log(verb, path, body, **query)
        return self._send(verb, path, query, body, self._conditions(verb, path))

    def get(self, rid: str | ResourceId, **query: Any) -> dict[str, Any]:
        try:
            reply = self._arm("GET", rid, **query)
        except ArmError as error:
            if self._read is not None and error.status == 404:
                self._read[str(rid).lower()] = None
            raise
        if self._read is not None:
            self._read[str(rid).lower()] = reply.headers.get("etag")
        return reply.body

    def head(self, rid: str | ResourceId) -> bool:
        return self._arm("HEAD", rid).status != 404

    def list(self, rid: str | ResourceId, **query: Any) -> list[dict[str, Any]]:
        return self._arm("GET", rid, **query).body["value"]

    def put(self, rid: str | ResourceId, body: dict[str, Any], **query: Any) -> dict[str, Any]:
        return self._arm("PUT", rid, body, **query).body

    def patch(self, rid: str | ResourceId, body: dict[str, Any], **query: Any) -> dict[str, Any]:
        return self._arm("PATCH", rid, body, **query).body

    def delete(self, rid: str | ResourceId, **query: Any) -> None:
        self._arm("DELETE", rid, **query)

    def post(self, rid: str | ResourceId, action: str, body: dict[str, Any], **query: Any) -> Any:
        return self._arm("POST", f"{rid}/{action}", body, **query).body

    def service_setting(self, key: str) -> Any:
        """A setting of the emulated cloud's service (limits.*, replication.*), from the cloud
        the client talks to: a served cloud's own, or the local configuration."""
        for entry in self.call("GET", "/sigctl/config")["value"]:
            if entry["name"] == key:
                return entry["value"]
        return None

    # -- az's read-then-write, safe against other writers --------------------------------------

    def attempts(self) -> Iterator[Attempt]:
        """az's read-then-write update, safe against other writers:

            for attempt in client.attempts():
                with attempt:
                    ... GET, change, PUT ...

        Each write names the entity tag its resource was read with (If-Match, or If-None-Match
        for one read as absent); a block that lost to another writer (412) runs again from its
        reads, so no other writer's change between its read and its write is lost."""
        import random
        import time

        for number in range(1, ATTEMPTS + 1):
            attempt = Attempt(self, last=number == ATTEMPTS)
            yield attempt
            if attempt.done:
                return
            time.sleep(random.uniform(0, 0.005 * number))  # let the other writer finish

    def _conditions(self, verb: str, path: str) -> dict[str, str]:
        if self._read is None or verb not in ("PUT", "PATCH") or path.lower() not in self._read:
            return {}
        tag = self._read[path.lower()]
        return {"if-none-match": "*"} if tag is None else {"if-match": tag}

    # -- waiting on the emulated clock ---------------------------------------------------------

    def sleep(self, seconds: float) -> float:
        """Let `seconds` of modelled time pass; returns how far a frozen clock was advanced."""
        import time

        waited = self.call("POST", "/sigctl/clock/wait", {"seconds": seconds})
        if waited["sleepSeconds"]:
            time.sleep(waited["sleepSeconds"])
        return waited["advancedSeconds"]

    def _log(self, verb: str, path: str, body: Any = None, **query: Any) -> None:
        if self.invocation.options.debug:
            suffix = "&".join(f"{k}={v}" for k, v in query.items() if v is not None)
            self.invocation.debug(f"Request: {verb} {path}{'?' + suffix if suffix else ''}")
            if body is not None:
                self.invocation.debug(f"Request body: {json.dumps(body, sort_keys=True)}")


class Attempt:
    """One run of a read-then-write block (Client.attempts)."""

    def __init__(self, client: Client, last: bool) -> None:
        self.client, self.last, self.done = client, last, False

    def __enter__(self) -> None:
        self.client._read = {}

    def __exit__(self, kind: Any, error: Any, trace: Any) -> bool:
        self.client._read = None
        lost = isinstance(error, ArmError) and error.code == "PreconditionFailed"
        self.done = not lost or self.last
        return lost and not self.last  # run the block again


def _refuse_empty_names(verb: str, path: str) -> None:
    """A path built from an empty name (say, `-n ''`) would name a collection, or nothing:
    nothing by that name exists to read or delete, and nothing can be made without a name.
    A role assignment's path starts with its scope, which the service checks as a scope."""
    if "" in path.split("/")[1:] and "/providers/microsoft.authorization/" not in path.lower():
        from sigctl.cli.errors import EXIT_NOT_FOUND

        if verb in ("GET", "HEAD", "DELETE"):
            raise CliError(f"Nothing is named '' ('{path}').", EXIT_NOT_FOUND)
        raise CliError(f"A resource needs a name; '{path}' has an empty one.")


def _text(value: Any) -> str:
    """A query parameter as a URL carries it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
