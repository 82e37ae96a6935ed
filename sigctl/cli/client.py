"""The emulated az client's connection to the emulated service, for one invocation.

It resolves the subscription the way az does (`--subscription` name or id, else the current
one), and logs each ARM call under `--debug` like az's request logging.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sigctl.cli.errors import CliError
from sigctl.provider.ids import ResourceId
from sigctl.provider.service import Provider

if TYPE_CHECKING:
    from sigctl.cli.context import Invocation


def find_subscription(tx: Any, wanted: str) -> dict[str, Any]:
    """The subscription a --subscription value names (id or name), or az's error."""
    from sigctl.provider import accounts

    found = accounts.find_subscription(tx, wanted)
    if found is None:
        raise CliError(
            f"Subscription '{wanted}' not found. Check the spelling and casing and try again."
        )
    return found


def signed_in_principal(tx: Any, who: str) -> dict[str, Any]:
    """The user or service principal `who` names. A group is refused: it cannot sign in."""
    from sigctl.errors import ArmError
    from sigctl.provider import accounts

    try:
        principal = accounts.find_principal(tx, who)
    except ArmError:
        raise CliError(
            f"Principal '{who}' not found. Create it first (sigctl ad user create, "
            "sigctl ad sp create) or pass its object id."
        ) from None
    if principal["type"] == "group":
        raise CliError(
            f"'{who}' is a group, and a group cannot sign in: act as a user or service principal "
            "(the group's roles apply to its members)."
        )
    return principal


class Client:
    def __init__(self, invocation: Invocation) -> None:
        self.invocation = invocation
        # The emulator itself, acting as nobody in particular: for sigctl's own operations
        # (clock, faults, login) that Azure has no notion of authorizing.
        self.emulator = Provider(invocation.home)
        self._provider = Provider(invocation.home)
        self._account: dict[str, Any] | None = None
        self.principal: dict[str, Any] | None = None

    @property
    def provider(self) -> Provider:
        """The emulated service, acting as the resolved principal (resolving it first)."""
        if self._account is None:
            self._resolve()
        return self._provider

    @property
    def subscription(self) -> str:
        return self.account["id"]

    @property
    def account(self) -> dict[str, Any]:
        """The current subscription; resolving it also fixes who is acting."""
        if self._account is None:
            self._resolve()
        assert self._account is not None
        return self._account

    def _resolve(self) -> None:
        """Subscription: --subscription, else `account set`, else the default one.
        Principal: --as, else SIGCTL_PRINCIPAL, else `sigctl login --as`, else the owner of
        the default subscription (the signed-in user; choosing a subscription, as in az, does
        not change who is acting)."""
        import os

        from sigctl import profile
        from sigctl.provider import accounts

        options = self.invocation.options
        saved = profile.load(self.invocation.home)
        with self.emulator.session() as tx:
            wanted = options.subscription or saved.get("subscription")
            if wanted:
                if options.subscription and accounts.find_subscription(tx, wanted) is None:
                    self.invocation.warn(f"Subscription '{wanted}' not recognized.")
                found = find_subscription(tx, wanted)
            else:
                found = accounts.default_subscription(tx)
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
            principal = signed_in_principal(
                tx, accounts.default_subscription(tx)["owner"] if who is None else who
            )
        self._account = found
        self.principal = principal
        self._provider.principal = principal["id"]

    def atomically(self) -> Any:
        """Hold the state's write lock across several calls: az's read-then-write update is
        then one step to other processes, so parallel updates of one resource lose nothing."""
        return self.emulator.session(write=True)

    def group_location(self, group: str) -> str:
        """az's default location: a GET of the resource group (its errors surface as they are)."""
        from sigctl.provider.ids import resource_group_id

        return self.get(resource_group_id(self.subscription, group))["location"]

    # -- ARM calls -------------------------------------------------------------------------

    def _log(self, verb: str, rid: str | ResourceId, body: Any = None, **query: Any) -> None:
        if self.invocation.options.debug:
            suffix = "&".join(f"{k}={v}" for k, v in query.items() if v is not None)
            self.invocation.debug(f"Request: {verb} {rid}{'?' + suffix if suffix else ''}")
            if body is not None:
                self.invocation.debug(f"Request body: {json.dumps(body, sort_keys=True)}")

    def get(self, rid: str | ResourceId, **query: Any) -> dict[str, Any]:
        self._log("GET", rid, **query)
        return self.provider.get(rid, **query)

    def head(self, rid: str | ResourceId) -> bool:
        self._log("HEAD", rid)
        return self.provider.head(rid)

    def list(self, rid: str | ResourceId, **query: Any) -> list[dict[str, Any]]:
        self._log("GET", rid, **query)
        return self.provider.list(rid, **query)

    def put(self, rid: str | ResourceId, body: dict[str, Any], **query: Any) -> dict[str, Any]:
        self._log("PUT", rid, body, **query)
        return self.provider.put(rid, body, **query)

    def patch(self, rid: str | ResourceId, body: dict[str, Any], **query: Any) -> dict[str, Any]:
        self._log("PATCH", rid, body, **query)
        return self.provider.patch(rid, body, **query)

    def delete(self, rid: str | ResourceId, **query: Any) -> None:
        self._log("DELETE", rid, **query)
        self.provider.delete(rid, **query)

    def post(self, rid: str | ResourceId, action: str, body: dict[str, Any], **query: Any) -> Any:
        self._log("POST", f"{rid}/{action}", body, **query)
        return self.provider.post(rid, action, body, **query)
