"""The emulated directory's token service (OAuth2 / OpenID Connect), and who a token names.

Service principals sign in with client credentials, users with username and password; the secret
is accepted, not checked. Tokens are JWTs signed (HS256) with a key the backend keeps
(SIGCTL_HOME/tls/token.key, or a row of the database every server shares), so a token issued
before a restart, or by another server of the same cloud, still names its principal. A
bearer token this service did not issue acts as the default subscription's owner, unless the
server requires issued tokens, in which case ARM's 401 refuses it.

    GET  /{tenant}/v2.0/.well-known/openid-configuration   (and /{tenant}/.well-known/...)
    POST /{tenant}/oauth2/v2.0/token                        (and the v1 /{tenant}/oauth2/token)
    GET  /{tenant}/discovery/instance, /common/discovery/instance, /common/userrealm/{user}
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from sigctl.errors import ArmError
from sigctl.provider import accounts
from sigctl.provider.calls import ANONYMOUS, Call, Response, method_not_allowed, route_not_found
from sigctl.store.base import DEFAULT_NAMESPACE

if TYPE_CHECKING:
    from sigctl.provider.service import Provider

LIFETIME_SECONDS = 3600
_SPECIAL_TENANTS = {"common", "organizations", "consumers", "adfs"}


# -- signing -------------------------------------------------------------------------------------


def signing_key(provider: Provider) -> bytes:
    """The key tokens of the provider's namespace are signed with: the backend's own key for the
    default namespace, one derived from it for any other, so a token issued in one namespace
    names nobody in another."""
    key = provider.backend.signing_key()
    if provider.namespace == DEFAULT_NAMESPACE:
        return key
    import hmac  # signing and checking tokens only: a command run in process needs neither

    return hmac.new(key, f"namespace:{provider.namespace}".encode(), "sha256").digest()


def _b64(data: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode(claims: dict[str, Any], key: bytes) -> str:
    import hmac

    header = _b64(json.dumps({"typ": "JWT", "alg": "HS256"}).encode())
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signature = hmac.new(key, f"{header}.{payload}".encode(), "sha256").digest()
    return f"{header}.{payload}.{_b64(signature)}"


def decode(token: str, key: bytes) -> dict[str, Any] | None:
    """The claims of a token this service signed, or None for any other token."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    import hmac

    expected = hmac.new(key, f"{parts[0]}.{parts[1]}".encode(), "sha256").digest()
    try:
        if not hmac.compare_digest(expected, _unb64(parts[2])):
            return None
        claims = json.loads(_unb64(parts[1]))
    except ValueError:
        return None
    return claims if isinstance(claims, dict) else None


# -- who is calling ------------------------------------------------------------------------------


def unauthenticated(code: str, message: str, base: str, tenant: str | None = None) -> Response:
    """ARM's 401, naming where a token comes from (Packer reads the tenant from it)."""
    where = f"{base}/{tenant or accounts.DEFAULT_TENANT_ID}"
    return Response(
        401,
        {"error": {"code": code, "message": message}},
        {
            "WWW-Authenticate": f'Bearer authorization_uri="{where}", error="invalid_token", '
            f'error_description="{message}"'
        },
    )


class Authenticator:
    """Turns an Authorization header into the acting principal, for a server's lifetime."""

    def __init__(self, provider: Provider, require_issued: bool) -> None:
        self.provider = provider
        self.key = signing_key(provider)
        self.require_issued = require_issued

    def principal(self, authorization: str | None) -> str:
        """The principal's object id; ANONYMOUS without credentials; ArmError 401 otherwise."""
        if not authorization:
            return ANONYMOUS
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ArmError(
                "InvalidAuthenticationToken", "The access token is missing or malformed.", 401
            )
        claims = decode(token.strip(), self.key)
        with self.provider.store.transaction(likely=[accounts.ACCOUNTS_KEY]) as tx:
            if claims is None:
                if self.require_issued:
                    raise ArmError(
                        "InvalidAuthenticationToken", "The access token is invalid.", 401
                    )
                return accounts.default_subscription(tx)["owner"]
            if claims.get("exp", 0) < time.time():
                raise ArmError(
                    "ExpiredAuthenticationToken",
                    f"The access token expiry UTC time '{_utc(claims.get('exp', 0))}' is earlier "
                    f"than current UTC time '{_utc(time.time())}'.",
                    401,
                )
            if accounts.principal(tx, str(claims.get("oid"))) is None:
                raise ArmError(
                    "InvalidAuthenticationToken",
                    "The access token names a principal that no longer exists.",
                    401,
                )
        return str(claims["oid"])


def _utc(seconds: float) -> str:
    return time.strftime("%m/%d/%Y %H:%M:%S", time.gmtime(seconds))


# -- the endpoints -------------------------------------------------------------------------------


def handle(call: Call) -> Response:
    provider, verb, segments, body, base = (
        call.provider,
        call.verb,
        call.segments,
        call.body,
        call.base,
    )
    tenant, rest = segments[0], [s.lower() for s in segments[1:]]
    path = call.path
    if rest in (
        ["v2.0", ".well-known", "openid-configuration"],
        [".well-known", "openid-configuration"],
    ):
        _only(verb, "GET", path)
        return Response(200, _openid_configuration(provider, base, tenant, v2=rest[0] == "v2.0"))
    if rest in (["oauth2", "v2.0", "token"], ["oauth2", "token"]):
        _only(verb, "POST", path)
        return _token(
            provider, tenant, body if isinstance(body, dict) else {}, base, rest[1] == "v2.0"
        )
    if rest == ["discovery", "instance"]:
        _only(verb, "GET", path)
        return Response(200, _instance_discovery(base, tenant))
    if rest == ["discovery", "v2.0", "keys"] or rest == ["discovery", "keys"]:
        return Response(200, {"keys": []})  # tokens are HMAC-signed: no public keys to publish
    if len(rest) == 2 and rest[0] == "userrealm":
        _only(verb, "GET", path)
        return Response(200, _user_realm(base, segments[2]))
    raise route_not_found(verb, path)


def _only(verb: str, allowed: str, path: str) -> None:
    if verb != allowed:
        raise method_not_allowed(verb, path)


def _tenant_id(provider: Provider, tenant: str) -> str:
    with provider.store.transaction() as tx:
        known = accounts.load(tx)["tenants"]
        if tenant.lower() in _SPECIAL_TENANTS:
            return accounts.default_subscription(tx)["tenantId"]
        for tid, record in known.items():
            if tenant.lower() in (tid, record["defaultDomain"].lower()):
                return tid
    raise ArmError(
        "invalid_tenant",
        f"AADSTS90002: Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID.",
        400,
    )


def _openid_configuration(provider: Provider, base: str, tenant: str, v2: bool) -> dict[str, Any]:
    tid = _tenant_id(provider, tenant)
    suffix = "/v2.0" if v2 else ""
    oauth = f"{base}/{tenant}/oauth2{suffix}"
    return {
        "issuer": f"{base}/{tid}{suffix}",
        "authorization_endpoint": f"{oauth}/authorize",
        "token_endpoint": f"{oauth}/token",
        "device_authorization_endpoint": f"{oauth}/devicecode",
        "end_session_endpoint": f"{oauth}/logout",
        "jwks_uri": f"{base}/{tenant}/discovery{suffix}/keys",
        "userinfo_endpoint": f"{base}/oidc/userinfo",
        "tenant_region_scope": "NA",
        "cloud_instance_name": "sigctl",
        "response_types_supported": ["code", "id_token", "code id_token", "token id_token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["HS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "grant_types_supported": ["client_credentials", "password", "refresh_token"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "oid", "tid", "name", "upn"],
    }


def _instance_discovery(base: str, tenant: str) -> dict[str, Any]:
    host = base.split("://", 1)[-1]
    return {
        "tenant_discovery_endpoint": f"{base}/{tenant}/v2.0/.well-known/openid-configuration",
        "api-version": "1.1",
        "metadata": [{"preferred_network": host, "preferred_cache": host, "aliases": [host]}],
    }


def _user_realm(base: str, user: str) -> dict[str, Any]:
    domain = user.rpartition("@")[2]
    return {
        "ver": "1.0",
        "account_type": "Managed",
        "domain_name": domain,
        "cloud_instance_name": "sigctl",
        "cloud_audience_urn": "urn:federation:MicrosoftOnline",
    }


def _oauth_error(error: str, code: int, description: str, status: int = 400) -> Response:
    return Response(
        status,
        {
            "error": error,
            "error_description": f"AADSTS{code}: {description}",
            "error_codes": [code],
            "timestamp": time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime()),
        },
    )


def _token(provider: Provider, tenant: str, form: dict[str, Any], base: str, v2: bool) -> Response:
    grant = str(form.get("grant_type") or "")
    tid = _tenant_id(provider, tenant)
    key = signing_key(provider)
    with provider.store.transaction() as tx:
        principals = accounts.load(tx)["principals"]
        if grant == "client_credentials":
            client = str(form.get("client_id") or "").lower()
            found = next(
                (
                    p
                    for p in principals.values()
                    if p["type"] == "servicePrincipal" and client in (p.get("appId"), p["id"])
                ),
                None,
            )
            if found is None:
                return _oauth_error(
                    "unauthorized_client",
                    700016,
                    f"Application with identifier '{form.get('client_id')}' was not found in "
                    f"the directory '{tid}'.",
                )
        elif grant == "password":
            wanted = str(form.get("username") or "").lower()
            found = next(
                (
                    p
                    for p in principals.values()
                    if p["type"] == "user" and p.get("userPrincipalName", "").lower() == wanted
                ),
                None,
            )
            if found is None:
                return _oauth_error(
                    "invalid_grant",
                    50034,
                    f"The user account {wanted} does not exist in the {tid} directory.",
                )
        elif grant == "refresh_token":
            claims = decode(str(form.get("refresh_token") or ""), key) or {}
            found = (
                principals.get(str(claims.get("oid"))) if claims.get("typ") == "refresh" else None
            )
            if found is None:
                return _oauth_error(
                    "invalid_grant",
                    9002313,
                    "Invalid request. The refresh token is malformed or not valid.",
                )
        else:
            return _oauth_error(
                "unsupported_grant_type",
                70003,
                f"The app requested an unsupported grant type '{grant}'.",
            )
    audience = _audience(form, base)
    return Response(200, issue(found, audience, key, base, str(form.get("client_id") or ""), v2))


def _audience(form: dict[str, Any], base: str) -> str:
    if form.get("resource"):
        return str(form["resource"])
    scopes = [s for s in str(form.get("scope") or "").split() if s.endswith("/.default")]
    return scopes[0].removesuffix(".default") if scopes else f"{base}/"


def issue(
    principal: dict[str, Any], audience: str, key: bytes, base: str, client_id: str, v2: bool
) -> dict[str, Any]:
    """A token response for `principal`; users also get an id token and a refresh token."""
    now = int(time.time())
    tid = principal["tenantId"]

    def signed_for(principal_claims: dict[str, Any]) -> dict[str, Any]:
        """The claims every token of `principal` carries: who, which tenant, when."""
        base_claims = {"iat": now, "nbf": now, "exp": now + LIFETIME_SECONDS}
        ids = {"oid": principal["id"], "sub": principal["id"], "tid": tid}
        return {**base_claims, **ids, **principal_claims}

    claims = signed_for({"aud": audience, "iss": f"{base}/{tid}/", "ver": "1.0"})
    if principal["type"] == "servicePrincipal":
        claims.update(appid=principal["appId"], azp=principal["appId"], idtyp="app")
    else:
        upn = principal["userPrincipalName"]
        claims.update(
            upn=upn, unique_name=upn, name=principal.get("displayName", upn), idtyp="user"
        )
    answer: dict[str, Any] = {
        "token_type": "Bearer",
        "expires_in": LIFETIME_SECONDS,
        "ext_expires_in": LIFETIME_SECONDS,
        "access_token": encode(claims, key),
    }
    if not v2:
        answer.update(
            resource=audience, expires_on=str(now + LIFETIME_SECONDS), not_before=str(now)
        )
    if principal["type"] == "user":
        identity = signed_for(
            {
                "aud": client_id,
                "iss": f"{base}/{tid}/v2.0",
                "name": claims["name"],
                "preferred_username": claims["upn"],
                "ver": "2.0",
            }
        )
        answer["id_token"] = encode(identity, key)
        answer["client_info"] = _b64(json.dumps({"uid": principal["id"], "utid": tid}).encode())
        answer["refresh_token"] = encode(
            {"typ": "refresh", "oid": principal["id"], "iat": now}, key
        )
        answer["scope"] = f"{audience}user_impersonation"
    return answer
