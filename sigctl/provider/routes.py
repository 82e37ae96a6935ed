"""Which module of the provider handles each ARM resource type.

A handler module has a function per verb it serves (get, list_, put, patch, delete, post, head),
each taking the request (sigctl.provider.context.Request) and the resource id. A resource type
whose writes need much that its reads do not names two modules, (reads, writes): the writes'
module also answers GET, which a conditional write and a PATCH make first.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from sigctl.errors import ArmError
from sigctl.provider.ids import ResourceId

# (namespace, types) -> the module that handles that resource type, imported on its first call:
# a command loads the handlers of the types it touches and no others, and a read no writes' module.
ROUTES: dict[tuple[str, tuple[str, ...]], str | tuple[str, str]] = {
    ("microsoft.resources", ("resourcegroups",)): "resource_groups",
    ("microsoft.compute", ("galleries",)): "galleries",
    ("microsoft.compute", ("diskencryptionsets",)): "disk_encryption_sets",
    ("microsoft.compute", ("galleries", "images")): "image_definitions",
    (
        "microsoft.compute",
        ("galleries", "images", "versions"),
    ): ("image_versions", "image_version_writes"),
    ("microsoft.compute", ("galleries", "invmaccesscontrolprofiles")): "access_control_profiles",
    (
        "microsoft.compute",
        ("galleries", "invmaccesscontrolprofiles", "versions"),
    ): "access_control_profile_versions",
    ("microsoft.managedidentity", ("userassignedidentities",)): "managed_identities",
    ("microsoft.compute", ("galleries", "applications")): "gallery_applications",
    (
        "microsoft.compute",
        ("galleries", "applications", "versions"),
    ): ("gallery_application_versions", "gallery_application_version_writes"),
    (
        "microsoft.compute",
        ("galleries", "softdeletedartifacttypes", "artifacts", "versions"),
    ): "soft_deleted",
    ("microsoft.compute", ("locations", "sharedgalleries")): "shared_galleries",
    ("microsoft.compute", ("locations", "sharedgalleries", "images")): "shared_galleries",
    (
        "microsoft.compute",
        ("locations", "sharedgalleries", "images", "versions"),
    ): "shared_galleries",
    ("microsoft.compute", ("locations", "communitygalleries")): "community_galleries",
    ("microsoft.compute", ("locations", "communitygalleries", "images")): "community_galleries",
    (
        "microsoft.compute",
        ("locations", "communitygalleries", "images", "versions"),
    ): "community_galleries",
    ("microsoft.compute", ("locations", "usages")): "usages",
    ("microsoft.compute", ("locations", "capsoperations")): "operations",
    ("microsoft.compute", ("images",)): "source_resources",
    ("microsoft.compute", ("snapshots",)): "source_resources",
    ("microsoft.compute", ("disks",)): "source_resources",
    ("microsoft.compute", ("virtualmachines",)): "source_resources",
    ("microsoft.storage", ("storageaccounts",)): "source_resources",
    # sigctl's own read of a subscription as one tree (no Azure counterpart)
    ("sigctl.emulator", ("inventory",)): "inventory",
}


def handler(rid: ResourceId, write: bool = False) -> ModuleType:
    """The module handling `rid`'s type: the writes' one for a `write` if the type has two."""
    module = ROUTES.get(rid.route)
    if module is None:
        raise ArmError(
            "InvalidResourceType",
            f"The resource type '{rid.resource_type()}' could not be found in the namespace "
            f"'{rid.namespace}'.",
            404,
        )
    if isinstance(module, tuple):
        module = module[write]
    return importlib.import_module(f"sigctl.provider.{module}")
