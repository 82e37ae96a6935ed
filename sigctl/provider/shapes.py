"""What each kind of state document looks like, so a hand-edited file is refused, not rewritten.

The checks are shallow on purpose: they catch a file edited into something else (a list for a
mapping, a number for a resource) before any code trusts it, at the cost of a few isinstance
calls per read.
"""

from __future__ import annotations

from typing import Any


def resource(document: Any) -> bool:
    """A gallery, definition or version document: {"resource": {"name", "properties", ...}}."""
    if not isinstance(document, dict):
        return False
    body = document.get("resource")
    return (
        isinstance(body, dict)
        and isinstance(body.get("name"), str)
        and isinstance(body.get("properties", {}), dict)
    )


def mapping_of(*sections: str) -> Any:
    """A mapping whose named sections, where present, are mappings too."""

    def check(document: Any) -> bool:
        return isinstance(document, dict) and all(
            isinstance(document.get(name, {}), dict) for name in sections
        )

    return check


def listing(document: Any) -> bool:
    return isinstance(document, list) and all(isinstance(item, dict) for item in document)


INDEX = mapping_of("resourceGroups", "galleries", "usage")
