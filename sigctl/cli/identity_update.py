"""az's managed-identity arguments and how its generated commands turn them into `identity`.

`--system-assigned` takes an optional value and counts as given whatever the value (az keeps it
as a string and tests its truth); `--user-assigned` takes resource ids, or none. From those and
the resource's current identity az computes the whole identity block it PUTs back, with its
quirks: `remove --user-assigned ID` with a single id removes every user-assigned identity (only
two or more ids are removed one by one), and a remove that leaves nothing sends type None.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli.argv import OPTIONAL_VALUE
from sigctl.cli.params import values


def _as_given(value: str) -> str:
    return value


setattr(_as_given, OPTIONAL_VALUE, True)


def system_assigned_option(group: str) -> Any:
    return typer.Option(
        "--system-assigned",
        "--mi-system-assigned",
        parser=_as_given,
        metavar="",
        help="Set the system managed identity.",
        rich_help_panel=group,
    )


def user_assigned_option(group: str) -> Any:
    return typer.Option(
        "--user-assigned",
        "--mi-user-assigned",
        metavar="ID",
        help="Set the user managed identities: resource ids of user-assigned identities "
        "(space-separated).",
        rich_help_panel=group,
    )


# The help group az shows them in differs: `sig create` and `sig identity assign/remove`.
SystemAssigned = Annotated[str | None, system_assigned_option("Identity Arguments")]
UserAssigned = Annotated[list[str] | None, user_assigned_option("Identity Arguments")]

SYSTEM = "SystemAssigned"
USER = "UserAssigned"
BOTH = "SystemAssigned,UserAssigned"


def build(
    current: dict[str, Any] | None, action: str, system: str | None, users: list[str] | None
) -> dict[str, Any]:
    """The identity block az sends: `action` is assign (or create) or remove."""
    wanted = values(users)
    held = list((current or {}).get("userAssignedIdentities") or {})
    has_system = SYSTEM.lower() in str((current or {}).get("type") or "").lower()
    if action == "remove":
        if wanted is not None:
            held = [i for i in held if i not in wanted] if len(wanted) > 1 else []
        if held:
            kind = USER if system or not has_system else BOTH
            return {"type": kind, "userAssignedIdentities": {i: {} for i in held}}
        if not system and has_system:
            return {"type": SYSTEM}
        return {"type": "None"}
    held += [i for i in wanted or [] if i not in held]
    if held:
        kind = BOTH if system or has_system else USER
        return {"type": kind, "userAssignedIdentities": {i: {} for i in held}}
    return {"type": SYSTEM} if system or has_system else {}
