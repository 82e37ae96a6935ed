"""ARM resource ids: parsing (case-insensitive, as ARM) and building (canonical casing)."""

from __future__ import annotations

import uuid

from sigctl.errors import ArmError
from sigctl.record import FrozenRecord

COMPUTE = "Microsoft.Compute"
RESOURCES = "Microsoft.Resources"
STORAGE = "Microsoft.Storage"
MANAGED_IDENTITY = "Microsoft.ManagedIdentity"
SIGCTL = "Sigctl.Emulator"  # sigctl's own calls that Azure has no path for

# Canonical casing of the type segments sigctl knows, keyed by their lower-case form.
_TYPE_CASING = {
    t.lower(): t
    for t in (
        "resourceGroups",
        "galleries",
        "images",
        "versions",
        "snapshots",
        "disks",
        "virtualMachines",
        "storageAccounts",
        "locations",
        "sharedGalleries",
        "communityGalleries",
        "diskEncryptionSets",
        "inVMAccessControlProfiles",
        "userAssignedIdentities",
        "applications",
    )
}


class ResourceId(FrozenRecord):
    """`/subscriptions/S[/resourceGroups/R][/providers/NS/t1/n1/t2/n2...]`.

    A resource group is modelled as namespace Microsoft.Resources, types ('resourceGroups',).
    `names` has one entry per type for a resource, one fewer for a collection (a list call).
    """

    _fields = ("subscription", "resource_group", "namespace", "types", "names")

    def __init__(
        self,
        subscription: str,
        resource_group: str | None,
        namespace: str,
        types: tuple[str, ...],
        names: tuple[str, ...],
    ) -> None:
        self.subscription, self.resource_group, self.namespace = (
            subscription,
            resource_group,
            namespace,
        )
        self.types, self.names = types, names

    @property
    def is_collection(self) -> bool:
        return len(self.names) < len(self.types)

    @property
    def name(self) -> str:
        return self.names[-1]

    @property
    def route(self) -> tuple[str, tuple[str, ...]]:
        return self.namespace.lower(), tuple(t.lower() for t in self.types)

    def child(self, type_: str, name: str | None = None) -> ResourceId:
        names = (*self.names, name) if name is not None else self.names
        return ResourceId(
            self.subscription, self.resource_group, self.namespace, (*self.types, type_), names
        )

    def parent(self) -> ResourceId:
        """The enclosing resource (for a collection: the resource that owns it)."""
        count = len(self.names) - (0 if self.is_collection else 1)
        return ResourceId(
            self.subscription,
            self.resource_group,
            self.namespace,
            self.types[:count],
            self.names[:count],
        )

    def type_path(self) -> str:
        """'Microsoft.Compute/galleries/g/images/i' as ARM's not-found messages spell it."""
        parts = [self.namespace]
        for i, type_ in enumerate(self.types):
            parts.append(type_)
            if i < len(self.names) and i < len(self.types) - 1:
                parts.append(self.names[i])
        if not self.is_collection:
            parts.append(self.names[-1])
        return "/".join(parts)

    def resource_type(self) -> str:
        return "/".join([self.namespace, *self.types])

    def __str__(self) -> str:
        out = f"/subscriptions/{self.subscription}"
        if self.namespace == RESOURCES and self.types[:1] == ("resourceGroups",):
            out += "/resourceGroups" if self.is_collection else f"/resourceGroups/{self.names[0]}"
            return out
        if self.resource_group is not None:
            out += f"/resourceGroups/{self.resource_group}"
        out += f"/providers/{self.namespace}"
        for i, type_ in enumerate(self.types):
            out += f"/{type_}"
            if i < len(self.names):
                out += f"/{self.names[i]}"
        return out


_NAMESPACE = uuid.UUID("5f0c3a1e-8a51-4f3e-9a55-2d1f7e6b4c90")


def stable_id(kind: str, name: str) -> str:
    """A GUID derived from a name (tenants, subscriptions, principals, role assignments), so a
    script that creates the same things gets the same ids."""
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{name.lower()}"))


def resource_group_id(subscription: str, group: str | None) -> ResourceId:
    names = (group,) if group is not None else ()
    return ResourceId(subscription, group, RESOURCES, ("resourceGroups",), names)


def compute_id(subscription: str, group: str | None, *pairs: str) -> ResourceId:
    """compute_id(sub, rg, 'galleries', 'g', 'images', 'i') or a trailing type for a list."""
    types = tuple(pairs[0::2])
    names = tuple(pairs[1::2])
    return ResourceId(subscription, group, COMPUTE, types, names)


def gallery_id(sub: str, group: str, gallery: str) -> ResourceId:
    return compute_id(sub, group, "galleries", gallery)


def image_id(sub: str, group: str, gallery: str, image: str) -> ResourceId:
    return compute_id(sub, group, "galleries", gallery, "images", image)


def version_id(sub: str, group: str, gallery: str, image: str, version: str) -> ResourceId:
    return compute_id(sub, group, "galleries", gallery, "images", image, "versions", version)


def inventory_id(subscription: str, group: str | None) -> ResourceId:
    """sigctl's tree of a subscription, or of one resource group (sigctl.provider.inventory)."""
    return ResourceId(subscription, group, SIGCTL, ("inventory",), ())


def application_id(sub: str, group: str, gallery: str, application: str) -> ResourceId:
    return compute_id(sub, group, "galleries", gallery, "applications", application)


def application_version_id(
    sub: str, group: str, gallery: str, application: str, version: str
) -> ResourceId:
    return application_id(sub, group, gallery, application).child("versions", version)


def parse(text: str, trim: bool = True) -> ResourceId:
    """Parse an ARM id; keywords and known types match case-insensitively. A pasted id is
    trimmed; a request's path is not (`trim=False`): its segments are names as sent."""
    parts = (text.strip() if trim else text).split("/")
    if len(parts) < 3 or parts[0] != "" or parts[1].lower() != "subscriptions" or not parts[2]:
        raise _malformed(text)
    parts = parts[1:]
    if parts and parts[-1] == "":
        parts = parts[:-1]
    subscription = parts[1]
    rest = parts[2:]
    group: str | None = None
    if rest[:1] and rest[0].lower() == "resourcegroups":
        if len(rest) == 1:
            return resource_group_id(subscription, None)
        group = rest[1]
        rest = rest[2:]
        if not rest:
            return resource_group_id(subscription, group)
    if not rest or rest[0].lower() != "providers" or len(rest) < 3 or group == "":
        raise _malformed(text)
    namespace = _canonical_namespace(rest[1])
    tail = rest[2:]
    types = tuple(_TYPE_CASING.get(t.lower(), t) for t in tail[0::2])
    names = tuple(tail[1::2])
    if not namespace or any(not n for n in names) or any(not t for t in types):
        raise _malformed(text)
    if namespace == RESOURCES and types[0] == "resourceGroups":
        # .../providers/Microsoft.Resources/resourceGroups/{g} spells a group's own id
        if group is not None or len(types) > 1:
            raise _malformed(text)
        return resource_group_id(subscription, names[0] if names else None)
    return ResourceId(subscription, group, namespace, types, names)


def _canonical_namespace(text: str) -> str:
    for known in (COMPUTE, RESOURCES, STORAGE, MANAGED_IDENTITY, SIGCTL):
        if text.lower() == known.lower():
            return known
    return text


def _malformed(text: str) -> ArmError:
    return ArmError(
        "InvalidResourceId",
        f"Resource id '{text}' is invalid. Expect fully qualified resource Id that start with "
        "'/subscriptions/{subscriptionId}' or '/providers/{resourceProviderNamespace}/'.",
        400,
    )
