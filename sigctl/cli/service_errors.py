"""The service's errors in the client's words, where az (or sigctl's own client) has its own.

The emulated service speaks ARM: its errors name request properties (`Property 'at' ...`,
`properties.sharingProfile.permissions`). A command whose options set those properties shows
them by the option's name instead, adds the command that fixes the problem, or, where az turns a
service answer into a client message of its own, prints that message. Nothing here decides
anything: each function takes the service's error and returns what the user sees.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sigctl.cli.errors import CliError
from sigctl.errors import ArmError, ErrorDetail


def _allow_list(found: re.Match[str]) -> str:
    region = "".join(found.group("region").split()).lower()
    return f"{found.group(0)[:-1]} (sigctl account allow-region {region})."


# (error code, what the service says, what the client shows instead): sigctl's advice, which
# names the command that fixes the problem.
ADVICE: tuple[tuple[str, re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (
        "OperationNotAllowed",
        re.compile(r"Direct sharing needs a gallery whose sharingProfile\.permissions is Groups\."),
        "Direct sharing needs a gallery created with --permissions Groups.",
    ),
    (
        "OperationNotAllowed",
        re.compile(r"create it with sharingProfile\.permissions Community"),
        "create it with --permissions Community",
    ),
    (
        "CannotDeleteResource",
        re.compile(r"Reset its sharing before deleting it\."),
        "Reset its sharing (sigctl sig share reset) before deleting it.",
    ),
    (
        "Conflict",
        re.compile(r"is soft-deleted\. Restore it or create"),
        "is soft-deleted. Restore it (sigctl sig image-version undelete) or create",
    ),
    (
        "LocationRequiresAllowList",
        re.compile(r"Galleries in (?P<region>.+?) need the subscription on an allow-list\."),
        _allow_list,
    ),
    (
        "InvalidDuration",
        re.compile(r"To go back, freeze it at an earlier time\."),
        "To go back, freeze it at an earlier time with `sigctl replication clock set TIME`.",
    ),
    (
        "FaultNotFound",
        re.compile(r"There is no fault with id (?P<id>\S+)\.$"),
        r"There is no fault with id \g<id>; `sigctl replication fault list` shows them.",
    ),
)


def advised(error: ArmError) -> ArmError:
    """The error with sigctl's advice lines in place (the codes of details count too)."""
    message = _advise(error.code, error.message)
    details = [ErrorDetail(d.code, _advise(d.code, d.message), d.target) for d in error.details]
    if message == error.message and details == error.details:
        return error
    return ArmError(error.code, message, error.status, error.target, details)


def _advise(code: str, message: str) -> str:
    for advised_code, said, shown in ADVICE:
        if code == advised_code:
            message = said.sub(shown, message)
    return message


@contextmanager
def as_options(options: dict[str, str]) -> Iterator[None]:
    """Within the block, an error naming `property 'p'` names the option that sets p."""
    try:
        yield
    except ArmError as error:
        message = error.message
        for prop, option in options.items():
            for said in (f"Property '{prop}'", f"property '{prop}'"):
                message = message.replace(said, option)
        if message == error.message:
            raise
        raise ArmError(error.code, message, error.status, error.target, error.details) from None


def sign_in_error(error: ArmError, principal: str | None, subscription: str | None) -> Exception:
    """Signing in failed: az's words for an unknown subscription, sigctl's for a principal."""
    if error.code == "SubscriptionNotFound" and error.target == "subscription":
        return CliError(
            f"Subscription '{subscription}' not found. Check the spelling and casing and try again."
        )
    who = "the default subscription's owner" if principal is None else principal
    if error.code == "GroupCannotSignIn":
        return CliError(
            f"'{who}' is a group, and a group cannot sign in: act as a user or service principal "
            "(the group's roles apply to its members)."
        )
    if error.code in ("Request_ResourceNotFound", "AmbiguousPrincipal"):
        return CliError(
            f"Principal '{who}' not found. Create it first (sigctl ad user create, "
            "sigctl ad sp create) or pass its object id."
        )
    return error


def shown(error: ArmError) -> Exception:
    """Any error of the service as the client shows it: with sigctl's advice, and a setting the
    service could not use as that setting's own error line (as a local setting's is)."""
    if error.code == "InvalidConfiguration":
        return CliError(error.message)
    return advised(error)
