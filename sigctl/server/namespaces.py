"""Which namespace a request is for: the default one at /, namespace N at /namespaces/N/.

Everything a cloud serves (Resource Manager, the token service, the metadata document, Graph,
the /sigctl paths) is served again below each namespace's prefix, so az's custom cloud, the
SDKs' base_url and Terraform's metadata_host select a namespace by URL alone. The links an
answer hands out (operations, metadata endpoints) keep the prefix.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from sigctl.provider import identity
from sigctl.provider.service import Provider
from sigctl.store import base

PREFIX = "namespaces"
_CACHED = 256  # namespaces whose provider and token key are kept between requests


def split(path: str) -> tuple[str | None, str, str]:
    """(namespace or None, the path below its prefix, the prefix) of a request path."""
    parts = path.split("/", 3)  # '', 'namespaces', NAME, rest
    if len(parts) >= 3 and parts[1].lower() == PREFIX and parts[2]:
        return parts[2], "/" + (parts[3] if len(parts) > 3 else ""), f"/{PREFIX}/{parts[2]}"
    return None, path, ""


class Clouds:
    """The served namespaces of one backend, each with its provider and token checker."""

    def __init__(self, provider: Provider, require_token: bool) -> None:
        self.default = (provider, identity.Authenticator(provider, require_token))
        self.require_token = require_token
        self._known: OrderedDict[str, tuple[Provider, identity.Authenticator]] = OrderedDict()
        self._lock = threading.Lock()

    def cloud(self, name: str | None) -> tuple[Provider, identity.Authenticator]:
        """The provider and authenticator of namespace `name` (None: the unprefixed cloud);
        ArmError 404 for a namespace that does not exist. Once a namespace was served, a
        request's own transaction finds that it was deleted (and answers 404 then), which
        spares every request a round trip to the backend."""
        if name is None:
            return self.default
        checked = base.checked_name(name)
        provider = self.default[0]
        with self._lock:
            found = self._known.get(checked)
            if found is not None:
                self._known.move_to_end(checked)
                return found
        if provider.backend.namespace(checked) is None:
            raise base.namespace_not_found(checked)
        namespaced = provider.in_namespace(checked)
        found = (namespaced, identity.Authenticator(namespaced, self.require_token))
        with self._lock:
            self._known[checked] = found
            while len(self._known) > _CACHED:
                self._known.popitem(last=False)
        return found
