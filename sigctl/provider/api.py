"""The one request interface of the emulated cloud: an HTTP-shaped request in, a Response out.

Every caller meets the same rules and role checks through it: `sigctl serve` maps each HTTP
request onto it, and the CLI can make the same requests in-process. A request is a verb, a
path, query parameters, a decoded body (JSON, or the fields of a form), the acting principal
and the request headers; the answer is a status, headers and a JSON body, or an ArmError.

The paths are Azure's own where Azure has an API (sigctl.provider.arm for Resource Manager,
sigctl.provider.graph for Microsoft Graph, sigctl.provider.identity for the token service, the
cloud metadata document); what Azure has no API for lives under /sigctl
(sigctl.provider.emulator_api).

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
VERBS = ("GET", "HEAD", "PUT", "PATCH", "DELETE", "POST")
_IDENTITY_SEGMENTS = {"oauth2", "v2.0", ".well-known", "discovery", "userrealm"}


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


def handle(
    provider: Provider,
    verb: str,
    path: str,
    query: dict[str, str],
    body: Any,
    principal: str | None,
    headers: dict[str, str],
    root: str = "",
) -> Response:
    from sigctl.config import ConfigError

    try:
        return _route(provider, verb, path, query, body, principal, headers, root)
    except ConfigError as error:  # a setting of the service that cannot be used
        raise ArmError("InvalidConfiguration", str(error), 500) from None


def _route(
    provider: Provider,
    verb: str,
    path: str,
    query: dict[str, str],
    body: Any,
    principal: str | None,
    headers: dict[str, str],
    root: str,
) -> Response:
    verb = verb.upper()
    _check_authorization_scope(path)
    segments = path_segments(path)
    first = segments[0].lower() if segments else ""
    if verb not in VERBS:
        raise method_not_allowed(verb, path)
    call = Call(provider, verb, segments, query, body, principal, base_url(headers) + root, headers)
    if first in ("subscriptions", "tenants", "providers"):
        from sigctl.provider import arm

        return _signed_in(call) or arm.handle(call)
    if [s.lower() for s in segments] == ["metadata", "endpoints"] and verb == "GET":
        from sigctl.provider import cloud

        return Response(200, cloud.metadata_endpoints(call.base))
    if first == "v1.0":
        from sigctl.provider import graph

        return _signed_in(call) or graph.handle(call.below(1))
    if first == "sigctl":
        from sigctl.provider import emulator_api

        public = emulator_api.is_public(segments)
        return (None if public else _signed_in(call)) or emulator_api.handle(call.below(1))
    if len(segments) >= 2 and segments[1].lower() in _IDENTITY_SEGMENTS:
        from sigctl.provider import identity

        return identity.handle(call)
    raise route_not_found(verb, path)


def path_segments(path: str) -> list[str]:
    """The path's segments; '.' and '..' are refused rather than resolved."""
    segments = [s for s in path.split("/") if s != ""]
    if any(s in (".", "..") for s in segments):
        raise ArmError(
            "InvalidRequestUri",
            f"The request path '{path}' is not valid: it contains a '.' or '..' segment.",
            400,
        )
    return segments


_AUTHORIZATION = "/providers/microsoft.authorization/"


def _check_authorization_scope(path: str) -> None:
    """A role assignment's scope is its path's prefix; it is checked as a scope (InvalidScope)
    before the path is split, since splitting drops the empty segments a scope must not have."""
    at = path.lower().rfind(_AUTHORIZATION)
    if at > 0:
        from sigctl.provider import rbac

        rbac.normalised_scope(path[:at])


def route_not_found(verb: str, path: str) -> ArmError:
    return ArmError("NotFound", f"No API matches {verb} '{path}'.", 404)


def method_not_allowed(verb: str, path: str) -> ArmError:
    return ArmError(
        "MethodNotAllowed", f"The HTTP method '{verb}' is not supported on '{path}'.", 405
    )


def _signed_in(call: Call) -> Response | None:
    """ARM's answer to a request without credentials (401, with where to get a token)."""
    if call.principal != ANONYMOUS:
        return None
    from sigctl.provider import identity

    return identity.unauthenticated(
        "AuthenticationFailed",
        "Authentication failed. The 'Authorization' header is missing.",
        call.base,
    )
