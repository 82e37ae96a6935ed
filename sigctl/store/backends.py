"""Which backend holds the state: the files in SIGCTL_HOME, or the database a URL names.

    SIGCTL_DATABASE_URL=postgresql://USER:PASSWORD@HOST:PORT/DATABASE   (config core.database_url)
    SIGCTL_NAMESPACE=NAME                                               (config core.namespace)

The PostgreSQL driver is imported only when a URL is configured.
"""

from __future__ import annotations

from pathlib import Path

from sigctl.errors import ArmError
from sigctl.store.base import DEFAULT_NAMESPACE, Backend

URL_KEY = "core.database_url"
NAMESPACE_KEY = "core.namespace"


def open_backend(home: Path, url: str | None = None, setting: str = URL_KEY) -> Backend:
    """The files in `home`, or the database at `url` (`setting` names where it was set)."""
    if not url:
        from sigctl.store.namespaces import FileBackend

        return FileBackend(home)
    try:
        from sigctl.store.postgres import Database, PostgresBackend
    except ImportError as missing:
        raise ArmError(
            "StateDatabaseDriverMissing",
            f"{setting} names a PostgreSQL database, but its driver is not installed "
            f"({missing}): install sigctl[postgres].",
            500,
        ) from None
    return PostgresBackend(Database.for_url(url, setting), home)


def configured(home: Path) -> tuple[Backend, str]:
    """The configured backend and namespace (ConfigError for a malformed setting)."""
    from sigctl import config

    settings = config.load(home)
    url = settings.get(URL_KEY)
    backend = open_backend(home, url.value, setting_name(url))
    return backend, settings.value(NAMESPACE_KEY) or DEFAULT_NAMESPACE


def setting_name(setting: object) -> str:
    """How a person finds the setting again: the variable, or the key and its file."""
    source = str(getattr(setting, "source", ""))
    if source.startswith("env "):
        return source[4:]
    return f"{URL_KEY} (in '{source}')" if source not in ("", "default") else URL_KEY
