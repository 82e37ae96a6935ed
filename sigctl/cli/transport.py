"""How the CLI's requests reach the emulated cloud: in-process, or over HTTPS to `sigctl serve`.

Both carry the same request (a verb, a path, query parameters, a JSON body, headers) to the
provider's one request interface (sigctl.provider.api) and bring back the same answer: a status,
headers and a JSON body, or an ArmError. In-process the provider runs in this process on the
local SIGCTL_HOME, and the acting principal is handed over by its object id; over HTTPS the
served cloud does the same for the principal its access token names. Nothing else differs, so a
command prints the same bytes either way.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sigctl.cli.errors import CliError
from sigctl.errors import ArmError, ErrorDetail
from sigctl.record import Record


class Reply(Record):
    _fields = ("status", "body", "headers")

    def __init__(
        self, status: int, body: Any = None, headers: dict[str, str] | None = None
    ) -> None:
        self.status, self.body = status, body
        self.headers: dict[str, str] = {} if headers is None else headers


def _as_json(value: Any) -> Any:
    """What the other side of an HTTP request would see: JSON's types, a copy."""
    return None if value is None else json.loads(json.dumps(value))


class InProcess:
    """The provider in this process, on the local state."""

    remote = False

    def __init__(self, home: Path) -> None:
        self.home = home
        self.principal: str | None = None  # None: the emulator itself (before anyone signs in)
        self._provider: Any = None

    def act_as(self, principal: dict[str, Any], token: str | None) -> None:
        self.principal = principal["id"]

    def send(
        self,
        verb: str,
        path: str,
        query: dict[str, str],
        body: Any,
        headers: dict[str, str],
        as_emulator: bool = False,
    ) -> Reply:
        if self._provider is None:
            from sigctl.provider.service import Provider

            self._provider = Provider(self.home)
        principal = None if as_emulator else self.principal
        answer = self._provider.request(verb, path, query, _as_json(body), principal, headers)
        headers = {k.lower(): v for k, v in answer.headers.items()}
        return Reply(answer.status, _as_json(answer.body), headers)


class Https:
    """A served cloud (SIGCTL_ENDPOINT), over one kept-alive TLS connection.

    The server's certificate is checked against SIGCTL_CA_BUNDLE (core.ca_bundle) if given,
    else the system's trust store. Requests carry the signed-in principal's bearer token.
    """

    remote = True

    def __init__(self, endpoint: str, ca_bundle: str | None) -> None:
        from urllib.parse import urlsplit

        parts = urlsplit(endpoint)
        if parts.scheme != "https" or not parts.hostname:
            raise CliError(
                f"The endpoint '{endpoint}' is not an https:// address of a served cloud "
                "(SIGCTL_ENDPOINT, core.endpoint)."
            )
        self.endpoint = endpoint.rstrip("/")
        self.host, self.port = parts.hostname, parts.port or 443
        self.prefix = parts.path.rstrip("/")
        self.ca_bundle = ca_bundle
        self.token: str | None = None
        self._connection: Any = None

    def act_as(self, principal: dict[str, Any], token: str | None) -> None:
        self.token = token

    def _connect(self) -> Any:
        import http.client
        import ssl

        try:
            context = ssl.create_default_context(cafile=self.ca_bundle)
        except (OSError, ssl.SSLError) as exc:
            raise CliError(
                f"The CA bundle '{self.ca_bundle}' cannot be used (SIGCTL_CA_BUNDLE, "
                f"core.ca_bundle): {getattr(exc, 'strerror', None) or exc}"
            ) from None
        return http.client.HTTPSConnection(self.host, self.port, context=context, timeout=300)

    def send(
        self,
        verb: str,
        path: str,
        query: dict[str, str],
        body: Any,
        headers: dict[str, str],
        as_emulator: bool = False,
    ) -> Reply:
        from urllib.parse import quote, urlencode

        target = quote(self.prefix + path, safe="/!$&'()*+,;=:@-._~")
        if query:
            target += "?" + urlencode(query)
        sent = dict(headers)
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            sent["content-type"] = "application/json"
        if self.token:
            sent["authorization"] = f"Bearer {self.token}"
        status, answer_headers, raw = self._exchange(verb, target, payload, sent)
        decoded = json.loads(raw) if raw else None
        if status >= 400:
            raise _error(status, decoded)
        return Reply(status, decoded, answer_headers)

    def _exchange(
        self, verb: str, target: str, payload: bytes | None, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        import http.client
        import ssl

        for attempt in (1, 2):  # a kept-alive connection the server closed is opened again
            if self._connection is None:
                self._connection = self._connect()
            try:
                self._connection.request(verb, target, payload, headers)
                response = self._connection.getresponse()
                raw = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self._connection.close()
                self._connection = None
                if attempt == 2 or verb not in ("GET", "HEAD", "PUT", "DELETE"):
                    raise self._unreachable("the connection was closed") from None
                continue
            except ssl.SSLCertVerificationError as exc:
                raise self._unreachable(
                    f"its certificate is not trusted ({exc.verify_message}); name the CA that "
                    "signed it with SIGCTL_CA_BUNDLE or core.ca_bundle"
                ) from None
            except OSError as exc:
                raise self._unreachable(str(exc.strerror or exc)) from None
            return response.status, {k.lower(): v for k, v in response.getheaders()}, raw
        raise AssertionError("unreachable")

    def _unreachable(self, why: str) -> CliError:
        return CliError(f"Cannot reach the served cloud at {self.endpoint}: {why}.")


def _error(status: int, body: Any) -> ArmError:
    """An ARM error envelope ({"error": {code, message, target, details}}) as an ArmError."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return ArmError("HttpError", f"The served cloud answered {status}.", status)
    details = [
        ErrorDetail(d.get("code", ""), d.get("message", ""), d.get("target"))
        for d in error.get("details") or []
        if isinstance(d, dict)
    ]
    return ArmError(
        str(error.get("code", "")),
        str(error.get("message", "")),
        status,
        error.get("target"),
        details,
    )
