"""What each kind of state document looks like, so a hand-edited file is refused, not rewritten.

A shape names the fields the service's code relies on and their types (extra fields are
allowed). The store applies the shape of a key to every document it reads (`for_key`), so a
file edited into something else (a number where an index entry belongs, a resource without its
name) stops the command with an error naming the file, before any code trusts it; `sigctl state
check` applies the same shapes to every document.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Shape = Callable[[Any], bool]


def is_str(value: Any) -> bool:
    return isinstance(value, str)


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_dict(value: Any) -> bool:
    return isinstance(value, dict)


def optional(shape: Shape) -> Shape:
    return lambda value: value is None or shape(value)


def map_of(shape: Shape) -> Shape:
    return lambda value: isinstance(value, dict) and all(shape(v) for v in value.values())


def list_of(shape: Shape) -> Shape:
    return lambda value: isinstance(value, list) and all(shape(v) for v in value)


def fields(**shapes: Shape) -> Shape:
    """A mapping whose named fields have these shapes (wrap a field in `optional` if it may be
    missing); other fields are not checked."""
    return lambda value: (
        isinstance(value, dict) and all(shape(value.get(name)) for name, shape in shapes.items())
    )


def mapping_of(*sections: str) -> Shape:
    """A mapping whose named sections, where present, are mappings too."""
    return fields(**{name: optional(is_dict) for name in sections})


TAGS = optional(map_of(is_str))


def _body(properties: Shape = is_dict) -> Shape:
    return fields(id=is_str, name=is_str, location=is_str, properties=properties, tags=TAGS)


# A gallery, definition or version document: {"resource": {"name", "properties", ...}}.
resource = fields(resource=_body())
GALLERY = fields(resource=_body(), identifiers=optional(map_of(is_str)))
DEFINITION = fields(
    resource=_body(fields(identifier=fields(publisher=is_str, offer=is_str, sku=is_str)))
)
VERSION = fields(
    resource=_body(
        fields(
            publishingProfile=fields(targetRegions=list_of(fields(name=is_str))),
            storageProfile=is_dict,
            safetyProfile=is_dict,
        )
    ),
    replication=fields(regions=map_of(is_dict)),
    refs=is_dict,
    disks=optional(list_of(is_dict)),
    softDeleted=optional(is_str),
    retentionDays=optional(is_int),
)
# A VM application version or in-VM access control profile version: replicated like an image
# version, but with no disks.
REPLICATED = fields(
    resource=_body(),
    replication=fields(regions=map_of(is_dict)),
)
INDEX = fields(
    resourceGroups=map_of(
        fields(name=is_str, location=is_str, tags=TAGS, managedBy=optional(is_str))
    ),
    galleries=map_of(fields(resourceGroup=is_str, name=is_str, location=is_str)),
    usage=map_of(map_of(is_int)),
)
SOURCE = fields(
    id=is_str,
    name=is_str,
    kind=is_str,
    location=is_str,
    resourceGroup=is_str,
    properties=fields(osDisk=is_dict, dataDisks=list_of(is_dict)),
)
_ACCOUNT_FIELDS = fields(
    tenants=map_of(fields(tenantId=is_str)),
    subscriptions=map_of(fields(id=is_str, name=is_str, tenantId=is_str, owner=optional(is_str))),
    principals=map_of(fields(id=is_str, type=is_str)),
    defaultSubscription=is_str,
)


def _accounts(document: Any) -> bool:
    """Every command starts from the default subscription, its tenant and its owner."""
    if not _ACCOUNT_FIELDS(document):
        return False
    subscriptions = document["subscriptions"]
    return document["defaultSubscription"] in subscriptions and all(
        s["tenantId"] in document["tenants"]
        and (s.get("owner") is None or s["owner"] in document["principals"])
        for s in subscriptions.values()
    )


ACCOUNTS: Shape = _accounts
SHARING = fields(
    direct=map_of(
        fields(
            subscription=is_str,
            gallery=is_str,
            location=is_str,
            subscriptions=list_of(is_str),
            tenants=list_of(is_str),
        )
    ),
    community=map_of(fields(subscription=is_str, gallery=is_str, location=is_str)),
)
ROLE_ASSIGNMENTS = list_of(
    fields(id=is_str, name=is_str, principalId=is_str, roleDefinitionId=is_str, scope=is_str)
)
FAULTS = list_of(fields(id=is_int, region=is_str, at=is_number, code=is_str, message=is_str))
CLOCK = fields(
    frozenAt=optional(is_str),
    offsetSeconds=optional(is_number),
    horizon=optional(is_number),
    progress=optional(is_dict),
)


def listing(document: Any) -> bool:
    return isinstance(document, list) and all(isinstance(item, dict) for item in document)


_TOP = {"accounts": ACCOUNTS, "clock": CLOCK, "faults": FAULTS, "sharing": SHARING}
_SUBSCRIPTION = {"index": INDEX, "roleAssignments": ROLE_ASSIGNMENTS}


def for_key(key: tuple[str, ...]) -> Shape | None:
    """The shape of the document at `key` (layout: sigctl.provider.context), None if sigctl
    stores nothing there."""
    if len(key) == 1:
        return _TOP.get(key[0])
    if len(key) < 3 or key[0] != "subscriptions":
        return None
    rest = key[2:]
    if len(rest) == 1:
        return _SUBSCRIPTION.get(rest[0])
    kinds = {2: GALLERY, 4: DEFINITION, 6: VERSION}
    if len(rest) in kinds and _fits(rest, ("galleries", None, "images", None, "versions", None)):
        return kinds[len(rest)]
    if len(rest) == 5 and _fits(rest, ("resourcegroups", None, "sources", None, None)):
        return SOURCE
    if len(rest) == 4 and rest[0] == "resourcegroups" and rest[2] in _GROUP_RESOURCES:
        return resource
    if len(rest) in (4, 6) and rest[0] == "galleries" and rest[2] in _GALLERY_CHILDREN:
        return resource if len(rest) == 4 else REPLICATED if rest[4] == "versions" else None
    return None


# Stored as {"resource": body}: under a group, and under a gallery (with replicated versions).
_GROUP_RESOURCES = {"diskencryptionsets", "userassignedidentities"}
_GALLERY_CHILDREN = {"applications", "invmaccesscontrolprofiles"}


def _fits(parts: tuple[str, ...], layout: tuple[str | None, ...]) -> bool:
    """Whether `parts` follow `layout` (None: any name) as far as they go."""
    return all(want is None or got == want for got, want in zip(parts, layout, strict=False))
