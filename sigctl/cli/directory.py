"""The emulated directory as az's client sees it: principals read from Microsoft Graph, looked up
by what a user types, and named the way az names them.

`find(text)` is az's assignee lookup (a user principal name, a service principal name, an object
id) plus sigctl's own: a unique display name. It asks Graph, as az does, so the same rules hold
in-process and on a served cloud.
"""

from __future__ import annotations

from typing import Any

from sigctl.cli.context import Invocation
from sigctl.errors import ArmError

KINDS = {
    "#microsoft.graph.user": "user",
    "#microsoft.graph.serviceprincipal": "servicePrincipal",
    "#microsoft.graph.group": "group",
}
COLLECTIONS = {"user": "users", "servicePrincipal": "servicePrincipals", "group": "groups"}
PRINCIPAL_TYPES = {"user": "User", "servicePrincipal": "ServicePrincipal", "group": "Group"}


def shown(obj: dict[str, Any]) -> dict[str, Any]:
    """A directory object as az prints it: Graph's own shape, without OData annotations."""
    return {k: v for k, v in obj.items() if not k.startswith("@odata.")}


def kind(obj: dict[str, Any]) -> str:
    return KINDS[str(obj.get("@odata.type", "")).lower()]


def display_name(obj: dict[str, Any] | None) -> str:
    """A principal's name as sigctl shows it: a user's principal name, else its display name."""
    if obj is None:
        return "unknown"
    return obj.get("userPrincipalName") or obj.get("displayName") or obj["id"]


def graph(inv: Invocation, verb: str, path: str, body: Any = None, **query: Any) -> Any:
    return inv.client.call(verb, f"/v1.0{path}", body, **query)


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _listed(inv: Invocation, collection: str, clause: str) -> list[dict[str, Any]]:
    return graph(inv, "GET", f"/{collection}", **{"$filter": clause})["value"]


def find(inv: Invocation, text: str) -> dict[str, Any]:
    """The principal `text` names: object id, user principal name, app id, or a display name
    only one principal has. Graph's not-found error if none (an ambiguous name is an error)."""
    wanted = text.strip()
    if not wanted:  # an empty name (say, an unset shell variable) names nobody
        raise not_found(text)
    found = graph(inv, "POST", "/directoryObjects/getByIds", {"ids": [wanted.lower()]})["value"]
    if not found and "@" in wanted:
        found = _listed(inv, "users", f"userPrincipalName eq {_quoted(wanted)}")
    if not found:
        found = _listed(
            inv, "servicePrincipals", f"servicePrincipalNames/any(c:c eq {_quoted(wanted)})"
        )
    if found:
        return found[0]
    named = [
        obj
        for collection in COLLECTIONS.values()
        for obj in _listed(inv, collection, f"displayName eq {_quoted(wanted)}")
    ]
    if len(named) > 1:
        raise ArmError(
            "AmbiguousPrincipal",
            f"More than one principal is named '{text}'; use its object id.",
            400,
        )
    if not named:
        raise not_found(text)
    return named[0]


def not_found(text: str) -> ArmError:
    """Graph's answer for a directory object that does not exist."""
    return ArmError(
        "Request_ResourceNotFound",
        f"Resource '{text}' does not exist or one of its queried reference-property objects are not present.",
        404,
    )
