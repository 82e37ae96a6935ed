"""The two command trees as data, so a command loads only the one module it needs.

The design tree (`sigctl gallery ...`) and the az tree (`sigctl sig ...`) point at the same
command modules; nothing is written twice. Group summaries live here so `sigctl -h` lists every
group without importing any of them.
"""

from __future__ import annotations

import importlib

from sigctl.cli.framework import CommandGroup
from sigctl.record import FrozenRecord

_COMMANDS = "sigctl.cli.commands."


class Node(FrozenRecord):
    _fields = ("summary", "module", "exclude")

    def __init__(
        self,
        summary: str,
        module: str | None = None,  # the module whose `commands` group serves this node
        exclude: tuple[str, ...] = (),  # sigctl's own commands that this (az) tree does not show
    ) -> None:
        self.summary, self.module, self.exclude = summary, module, exclude

    def load(self) -> CommandGroup | None:
        if self.module is None:
            return None
        group: CommandGroup = importlib.import_module(_COMMANDS + self.module).commands
        if not self.exclude:
            return group
        kept = {name: spec for name, spec in group.commands.items() if name not in self.exclude}
        return CommandGroup(group.summary, kept)


TREE: dict[tuple[str, ...], Node] = {
    (): Node("Emulate Azure Compute Gallery offline, driven with az sig command lines.", "root"),
    ("account",): Node("Show the emulated subscription and tenant (az account).", "account"),
    ("account", "subscription"): Node(
        "Create and list subscriptions of the emulated cloud.", "account_subscription"
    ),
    ("account", "tenant"): Node("Create and list tenants of the emulated cloud.", "account_tenant"),
    ("ad",): Node("Manage the emulated directory: users, service principals, groups (az ad)."),
    ("ad", "group"): Node("Manage groups of the emulated directory.", "ad_group"),
    ("ad", "group", "member"): Node("Manage the members of a group.", "ad_group_member"),
    ("ad", "sp"): Node("Manage service principals of the emulated directory.", "ad_sp"),
    ("ad", "user"): Node("Manage users of the emulated directory.", "ad_user"),
    ("billing",): Node(
        "Estimate what galleries cost: snapshots, stored GB, egress, money.", "billing"
    ),
    ("config",): Node("Manage sigctl configuration (az config).", "config"),
    # az has it at the top level, where sigctl's own tree keeps az's other resource groups too.
    ("disk-encryption-set",): Node(
        "Manage disk encryption sets: the keys image versions are encrypted with.",
        "disk_encryption_set",
    ),
    ("gallery",): Node("Manage Azure Compute Galleries.", "gallery"),
    ("gallery", "share"): Node(
        "Share a gallery with subscriptions, tenants, or the community.", "share"
    ),
    ("gallery", "identity"): Node(
        "Manage the managed identities of a gallery.", "gallery_identity"
    ),
    ("gallery-application",): Node(
        "Manage VM applications: definitions of packages that VMs install.", "gallery_application"
    ),
    ("gallery-application", "version"): Node(
        "Manage VM application versions: packages replicated to regions.",
        "gallery_application_version",
    ),
    ("group",): Node("Manage resource groups (az group).", "resource_group"),
    ("identity",): Node("Manage managed identities (az identity).", "managed_identity"),
    ("image-definition",): Node("Manage gallery image definitions.", "image_definition"),
    ("in-vm-access-control-profile",): Node(
        "Manage in VM access control profiles.", "access_control_profile"
    ),
    ("in-vm-access-control-profile-version",): Node(
        "Manage in VM access control profile versions.", "access_control_profile_version"
    ),
    ("image-version",): Node(
        "Manage gallery image versions and resolve 'latest'.", "image_version"
    ),
    ("replication",): Node(
        "Watch, wait for, time-travel and break image-version replication.", "replication"
    ),
    ("replication", "clock"): Node(
        "Show, freeze, step and reset the emulated clock.", "replication_clock"
    ),
    ("replication", "fault"): Node(
        "Inject replication failures into regions.", "replication_fault"
    ),
    ("resource",): Node("Move resources (az resource move): galleries cannot move.", "resource"),
    ("role",): Node("Manage role assignments and see role definitions (az role)."),
    ("role", "assignment"): Node("Manage role assignments.", "role_assignment"),
    ("role", "definition"): Node("Show the built-in role definitions.", "role_definition"),
    ("sig",): Node("Manage shared image galleries, as az sig does.", "gallery"),
    ("sig", "share"): Node(
        "Share a gallery with subscriptions, tenants, or the community.", "share"
    ),
    ("sig", "identity"): Node("Manage Identity.", "gallery_identity"),
    ("sig", "in-vm-access-control-profile"): Node(
        "Manage in VM access control profile.", "access_control_profile"
    ),
    ("sig", "in-vm-access-control-profile-version"): Node(
        "Manage in VM access control profile version.", "access_control_profile_version"
    ),
    ("sig", "gallery-application"): Node("Manage gallery application.", "gallery_application"),
    ("sig", "gallery-application", "version"): Node(
        "Manage gallery application version.", "gallery_application_version"
    ),
    ("sig", "image-definition"): Node(
        "Manage shared gallery image definitions.", "image_definition"
    ),
    # az has no `sig image-version resolve`; the az tree mirrors az exactly.
    ("sig", "image-version"): Node(
        "Manage shared gallery image versions.", "image_version", exclude=("resolve",)
    ),
    ("source",): Node(
        "Create the managed images, VMs, disks, snapshots and VHDs versions are made from.",
        "source",
    ),
    ("state",): Node("Inspect, reset, export and import the emulator's state.", "state"),
    ("namespace",): Node("Manage namespaces: isolated clouds inside one state.", "namespace"),
}


def children(path: tuple[str, ...]) -> list[str]:
    return sorted(p[-1] for p in TREE if len(p) == len(path) + 1 and p[: len(path)] == path)
