"""The ASGI application: every HTTP request becomes one call of the provider's request interface.

What is decided here is HTTP only: the body's size, media type and decoding, a path whose
encoding hides a separator, the bearer token's principal, and turning an ArmError (or anything
unexpected) into Azure's error envelope. Every rule of the emulated cloud lives in the provider.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response as HttpResponse
from starlette.routing import Route

from sigctl.errors import ArmError
from sigctl.provider import api, identity
from sigctl.provider.service import Provider
from sigctl.server import namespaces, web_view

MAX_BODY_BYTES = 4 * 1024 * 1024  # ARM refuses request bodies over 4 MiB
REQUIRE_TOKEN_ENV = "SIGCTL_SERVE_REQUIRE_TOKEN"
_JSON_TYPES = ("application/json", "text/json")
_FORM_TYPE = "application/x-www-form-urlencoded"
_HIDDEN_SEPARATORS = ("%2f", "%5c", "%00")


class BadRequest(ArmError):
    """An HTTP-level refusal (before the request reaches the provider)."""


def from_environment() -> Starlette:
    """The app of one server process, for SIGCTL_HOME (set by `sigctl serve`)."""
    import os

    from sigctl.home import home_dir

    return create_app(Provider(home_dir()), bool(os.environ.get(REQUIRE_TOKEN_ENV)))


def create_app(provider: Provider, require_token: bool = False) -> Starlette:
    clouds = namespaces.Clouds(provider, require_token)

    async def endpoint(request: Request) -> HttpResponse:
        request_id = str(uuid.uuid4())
        root = ""
        try:
            body = await _body(request)
            namespace, path, root = namespaces.split(_path(request))
            query = dict(parse_qsl(request.url.query, keep_blank_values=True))
            headers = {k.lower(): v for k, v in request.headers.items()}
            answer = await run_in_threadpool(
                _serve, clouds, namespace, request.method, path, query, body, headers, root
            )
        except ArmError as error:
            answer = _error(error, request, root)
        except Exception:  # never a traceback to the client; the transaction was rolled back
            # ...but the operator sees it, in the server's own log
            logging.getLogger("sigctl.serve").exception("request %s failed", request_id)
            answer = api.Response(
                500,
                {
                    "error": {
                        "code": "InternalServerError",
                        "message": "The server encountered an internal error. The state was "
                        "left unchanged.",
                    }
                },
            )
        return _http(answer, request, request_id)

    api_routes = [Route("/", endpoint), Route("/{path:path}", endpoint)]
    for route in api_routes:
        # Every method reaches the API (WebDAV's PROPFIND too), which answers one it does not
        # serve with ARM's 405 rather than Starlette's plain-text one.
        route.methods = None
    return Starlette(
        # the page's GET and HEAD; other verbs fall through to the API
        routes=[*web_view.routes(), *api_routes]
    )


def _serve(
    clouds: namespaces.Clouds,
    namespace: str | None,
    verb: str,
    path: str,
    query: dict[str, str],
    body: Any,
    headers: dict[str, str],
    root: str,
) -> api.Response:
    provider, authenticator = clouds.cloud(namespace)
    principal = authenticator.principal(headers.get("authorization"))
    return provider.request(verb, path, query, body, principal, headers, root)


def _path(request: Request) -> str:
    raw = request.scope.get("raw_path", b"").decode("latin-1").split("?", 1)[0].lower()
    if any(hidden in raw for hidden in _HIDDEN_SEPARATORS) or "\\" in request.url.path:
        raise BadRequest(
            "InvalidRequestUri",
            "The request path is not valid: it encodes a path separator or a NUL character.",
            400,
        )
    return request.url.path


async def _body(request: Request) -> Any:
    """The decoded body: JSON, or a form's fields; None when empty."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _too_large()
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY_BYTES:
            raise _too_large()
    if not raw:
        return None
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media == _FORM_TYPE:
        try:
            return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError:
            raise _undecodable("the form is not UTF-8") from None
    if media not in _JSON_TYPES and not media.endswith("+json"):
        raise BadRequest(
            "UnsupportedMediaType",
            f"The content media type '{media}' is not supported. Only 'application/json' is "
            "supported.",
            415,
        )
    try:
        return json.loads(raw.decode("utf-8-sig"), parse_constant=_not_json)
    except (UnicodeDecodeError, ValueError) as exc:
        raise _undecodable(str(exc)) from None
    except RecursionError:
        raise _undecodable("the JSON is nested too deeply") from None


def _not_json(constant: str) -> Any:
    """NaN and Infinity are Python's extensions, not JSON."""
    raise ValueError(f"'{constant}' is not a JSON value")


def _too_large() -> BadRequest:
    return BadRequest(
        "RequestEntityTooLarge",
        f"The request content is larger than the {MAX_BODY_BYTES} bytes allowed.",
        413,
    )


def _undecodable(detail: str) -> BadRequest:
    return BadRequest(
        "InvalidRequestContent",
        f"The request content was invalid and could not be deserialized: '{detail}'.",
        400,
    )


def _error(error: ArmError, request: Request, root: str = "") -> api.Response:
    if error.status == 401:
        return identity.unauthenticated(
            error.code,
            error.message,
            api.base_url({"host": request.headers.get("host", "")}) + root,
        )
    return api.Response(error.status, error.to_cloud_error())


def _http(answer: api.Response, request: Request, request_id: str) -> HttpResponse:
    headers = {
        **answer.headers,
        "x-ms-request-id": request_id,
        "x-ms-correlation-request-id": request.headers.get("x-ms-correlation-request-id")
        or request_id,
    }
    if answer.body is None or answer.status == 204 or request.method == "HEAD":
        return HttpResponse(status_code=answer.status, headers=headers)
    content = json.dumps(answer.body, ensure_ascii=False).encode()
    return HttpResponse(
        content, answer.status, headers, media_type="application/json; charset=utf-8"
    )
