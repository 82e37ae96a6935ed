"""One request as a handler of an API family sees it, and the answer it gives.

sigctl.provider.api routes each request to its family (ARM, Graph, the token service, /sigctl);
the families' handlers take a Call and give a Response, and share the two errors of a path or a
verb that no API serves.

`principal` is the acting principal's object id. None is the emulator itself (no role checks:
sigctl's own trusted callers); ANONYMOUS is a caller that sent no credentials, which only the
public documents (metadata, token service) answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sigctl.errors import ArmError
from sigctl.record import FrozenRecord, Record

if TYPE_CHECKING:
    from sigctl.provider.service import Provider

ANONYMOUS = ""


class Response(Record):
    _fields = ("status", "body", "headers")

    def __init__(
        self, status: int, body: Any = None, headers: dict[str, str] | None = None
    ) -> None:
        self.status, self.body = status, body
        self.headers: dict[str, str] = {} if headers is None else headers


class Call(FrozenRecord):
    """One request as the handler of its API family sees it (`segments` below the family's
    prefix for Graph and /sigctl); `base` is the served cloud's address, '' in-process."""

    _fields = ("provider", "verb", "segments", "query", "body", "principal", "base", "headers")

    def __init__(
        self,
        provider: Provider,
        verb: str,
        segments: list[str],
        query: dict[str, str],
        body: Any,
        principal: str | None,
        base: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.provider, self.verb, self.segments, self.query = provider, verb, segments, query
        self.body, self.principal, self.base = body, principal, base
        self.headers: dict[str, str] = {} if headers is None else headers

    @property
    def path(self) -> str:
        return "/" + "/".join(self.segments)

    def below(self, count: int) -> Call:
        """The same call seen by a family that owns the first `count` segments."""
        return Call(
            self.provider,
            self.verb,
            self.segments[count:],
            self.query,
            self.body,
            self.principal,
            self.base,
            self.headers,
        )


def base_url(headers: dict[str, str]) -> str:
    """The served cloud's own address, for the links it hands out (operations, metadata)."""
    host = headers.get("host")
    return f"https://{host}" if host else ""


def route_not_found(verb: str, path: str) -> ArmError:
    return ArmError("NotFound", f"No API matches {verb} '{path}'.", 404)


def method_not_allowed(verb: str, path: str) -> ArmError:
    return ArmError(
        "MethodNotAllowed", f"The HTTP method '{verb}' is not supported on '{path}'.", 405
    )
