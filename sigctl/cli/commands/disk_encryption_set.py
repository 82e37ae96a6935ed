"""Disk encryption sets: `sigctl disk-encryption-set ...`, as `az disk-encryption-set ...`.

az's commands are generated (AAZ) ones with a hand-written create and update on top: create
always asks for a system-assigned identity (and user-assigned ones with --mi-user-assigned),
a vault given by name is a Key Vault in -g, and update drops the vault unless --source-vault
is given again.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli.arguments import (
    aaz_location,
    aaz_tags,
    missing_field,
    name_or_id,
    one_or_many,
    targets,
)
from sigctl.cli.context import Invocation
from sigctl.cli.framework import CommandGroup
from sigctl.cli.generic_update import Updater, decode, unflatten
from sigctl.cli.output import flatten
from sigctl.cli.params import (
    RESOURCE_ID_GROUP,
    AazNoWait,
    AazTags,
    AddArg,
    BoolValue,
    ForceString,
    Ids,
    ListGroup,
    Location,
    RemoveArg,
    ResourceGroup,
    ResourceGroupOrIds,
    SetArg,
    aaz_bool_option,
    choice_option,
    values,
)
from sigctl.cli.resource_commands import Resource
from sigctl.provider import ids
from sigctl.provider.ids import ResourceId

commands = CommandGroup("Disk Encryption Set resource.")

API_VERSION = "2023-04-02"
TYPE = "diskEncryptionSets"
SCHEMA_KEYS = [
    "activeKey",
    "autoKeyRotationError",
    "encryptionType",
    "federatedClientId",
    "id",
    "identity",
    "lastKeyRotationTimestamp",
    "location",
    "name",
    "previousKeys",
    "provisioningState",
    "rotationToLatestKeyVersionEnabled",
    "tags",
    "type",
]
_NAME_HELP = "Name of disk encryption set."

Name = Annotated[
    str,
    typer.Option("--name", "-n", "--disk-encryption-set-name", metavar="NAME", help=_NAME_HELP),
]
NameOrIds = Annotated[
    str | None,
    typer.Option(
        "--name",
        "-n",
        "--disk-encryption-set-name",
        metavar="NAME",
        help=_NAME_HELP,
        rich_help_panel=RESOURCE_ID_GROUP,
    ),
]
_IDENTITY_GROUP = "Managed Identity Arguments"
SourceVault = Annotated[
    str | None,
    typer.Option("--source-vault", help="Name or ID of the KeyVault containing the key or secret."),
]
FederatedClientId = Annotated[
    str | None,
    typer.Option(
        "--federated-client-id", help="The federated client id used in cross tenant scenario."
    ),
]
AutoRotation = Annotated[
    BoolValue | None,
    aaz_bool_option(
        "--enable-auto-key-rotation", "--auto-rotation", help="Enable automatic rotation of keys."
    ),
]


def _vault_id(inv: Invocation, text: str, group: str) -> str:
    """az's --source-vault: a name is a Key Vault in -g (never looked up: vaults are not emulated)."""
    return name_or_id(inv, text, group, "vaults", "Microsoft.KeyVault")


def _target(inv: Invocation, group: str | None, name: str | None) -> ResourceId:
    if not name:
        raise missing_field("--name")
    if not group:
        raise missing_field("--resource-group")
    return ids.compute_id(inv.client.subscription, group, TYPE, name)


@commands.command(
    "create",
    policy=True,
    examples=[
        (
            "Create a disk encryption set.",
            "{prefix} create --resource-group MyResourceGroup --name MyDiskEncryptionSet "
            "--key-url MyKey --source-vault MyVault",
        ),
        (
            "Create a disk encryption set with a user assigned identity.",
            "{prefix} create --resource-group MyResourceGroup --name MyDiskEncryptionSet "
            "--key-url MyKey --source-vault MyVault --mi-user-assigned myAssignedId",
        ),
        (
            "Create a disk encryption set for confidential VM images.",
            "{prefix} create --resource-group MyResourceGroup --name MyDiskEncryptionSet "
            "--key-url MyKey --source-vault MyVault "
            "--encryption-type ConfidentialVmEncryptedWithCustomerKey",
        ),
    ],
)
def create(
    inv: Invocation,
    resource_group: ResourceGroup,
    name: Name,
    key_url: Annotated[
        str, typer.Option("--key-url", help="URL pointing to a key or secret in KeyVault.")
    ],
    source_vault: SourceVault = None,
    encryption_type: Annotated[
        str | None,
        choice_option(
            "--encryption-type",
            allowed=(
                "ConfidentialVmEncryptedWithCustomerKey",
                "EncryptionAtRestWithCustomerKey",
                "EncryptionAtRestWithPlatformAndCustomerKeys",
            ),
            help="The type of key used to encrypt the data of the disk. The service's default is "
            "EncryptionAtRestWithCustomerKey.",
        ),
    ] = None,
    federated_client_id: FederatedClientId = None,
    enable_auto_key_rotation: AutoRotation = None,
    location: Location = None,
    tags: AazTags = None,
    mi_system_assigned: Annotated[
        BoolValue | None,
        aaz_bool_option(
            "--mi-system-assigned",
            help="Provide this flag to use system assigned identity.",
            rich_help_panel=_IDENTITY_GROUP,
        ),
    ] = None,
    mi_user_assigned: Annotated[
        list[str] | None,
        typer.Option(
            "--mi-user-assigned",
            metavar="ID",
            help="Space separated resource IDs to add user-assigned identities.",
            rich_help_panel=_IDENTITY_GROUP,
        ),
    ] = None,
    no_wait: AazNoWait = None,
) -> Any:
    """Create a disk encryption set.

    The key URL and the vault are stored as given: Key Vault is not emulated.
    """
    client = inv.client
    tags_body = aaz_tags(tags)
    location = aaz_location(client, resource_group, location)
    identity: dict[str, Any] = {"type": "SystemAssigned"}
    users = values(mi_user_assigned)
    if users:
        identity["type"] = "SystemAssigned, UserAssigned" if mi_system_assigned else "UserAssigned"
        identity["userAssignedIdentities"] = {
            name_or_id(
                inv, u, resource_group, "userAssignedIdentities", "Microsoft.ManagedIdentity"
            ): {}
            for u in users
        }
    key: dict[str, Any] = {"keyUrl": key_url}
    if source_vault is not None:
        key["sourceVault"] = {"id": _vault_id(inv, source_vault, resource_group)}
    props: dict[str, Any] = {"activeKey": key}
    optional = {
        "encryptionType": encryption_type,
        "federatedClientId": federated_client_id,
        "rotationToLatestKeyVersionEnabled": enable_auto_key_rotation,
    }
    props.update({k: v for k, v in optional.items() if v is not None})
    body: dict[str, Any] = {"location": location, "identity": identity, "properties": props}
    if tags_body is not None:
        body["tags"] = tags_body
    result = client.put(_target(inv, resource_group, name), body, api_version=API_VERSION)
    return None if no_wait else flatten(result)


ENCRYPTION_SET = Resource(
    target=_target,
    names=[("resource_group", ResourceGroupOrIds), ("name", NameOrIds)],
    collection=lambda subscription, group: ids.compute_id(subscription, group, TYPE),
    listing=[ListGroup],
    api_version=API_VERSION,
    shape=flatten,
)
ENCRYPTION_SET.show(
    commands,
    "Get information about a disk encryption set.",
    [
        (
            "Get information about a disk encryption set.",
            "{prefix} show --name MyDiskEncryptionSet --resource-group MyResourceGroup",
        )
    ],
)
ENCRYPTION_SET.list_(
    commands,
    "List disk encryption sets.",
    [
        ("List all disk encryption sets in a subscription.", "{prefix} list"),
        (
            "List all disk encryption sets in a resource group.",
            "{prefix} list --resource-group MyResourceGroup",
        ),
    ],
)


@commands.command(
    "update",
    policy=True,
    examples=[
        (
            "Update a disk encryption set.",
            "{prefix} update --name MyDiskEncryptionSet --resource-group MyResourceGroup "
            "--key-url MyKey --source-vault MyVault",
        ),
        (
            "Clear multi-tenant application client id of a disk encryption set.",
            "{prefix} update --name MyDiskEncryptionSet --resource-group MyResourceGroup "
            "--key-url MyKey --source-vault MyVault --federated-client-id None",
        ),
    ],
)
def update(
    inv: Invocation,
    resource_group: ResourceGroupOrIds = None,
    name: NameOrIds = None,
    ids_: Ids = None,
    key_url: Annotated[
        str | None, typer.Option("--key-url", help="URL pointing to a key or secret in KeyVault.")
    ] = None,
    source_vault: SourceVault = None,
    federated_client_id: FederatedClientId = None,
    enable_auto_key_rotation: AutoRotation = None,
    set_: SetArg = None,
    add: AddArg = None,
    remove: RemoveArg = None,
    force_string: ForceString = None,
    no_wait: AazNoWait = None,
) -> Any:
    """Update a disk encryption set.

    As in az, the vault is sent only when --source-vault is given: without it the set's
    activeKey loses its sourceVault. `--federated-client-id None` clears the client id.
    """
    client = inv.client
    results = []
    for target in targets(inv, ids_, _target, resource_group, name):
        for attempt in client.attempts():
            with attempt:
                instance = flatten(client.get(target, api_version=API_VERSION))
                key = instance["activeKey"]
                if key_url is not None:
                    key["keyUrl"] = key_url
                key.pop("sourceVault", None)
                if source_vault is not None:
                    key["sourceVault"] = {
                        "id": _vault_id(inv, source_vault, target.resource_group or "")
                    }
                if federated_client_id is not None:
                    instance["federatedClientId"] = (
                        None if federated_client_id == "None" else federated_client_id
                    )
                if enable_auto_key_rotation is not None:
                    instance["rotationToLatestKeyVersionEnabled"] = enable_auto_key_rotation
                Updater(instance, SCHEMA_KEYS, inv.warn).apply(
                    decode(set_, add, remove), bool(force_string)
                )
                body = unflatten(instance)
                results.append(flatten(client.put(target, body, api_version=API_VERSION)))
    return None if no_wait else one_or_many(results, ids_)


ENCRYPTION_SET.delete(
    commands,
    """Delete a disk encryption set.

    Versions encrypted with it keep their replicas, but cannot add replicas with it any more.
    """,
    [
        (
            "Delete a disk encryption set.",
            "{prefix} delete --name MyDiskEncryptionSet --resource-group MyResourceGroup",
        )
    ],
)
ENCRYPTION_SET.wait(
    commands,
    "Place the CLI in a waiting state until a condition is met.",
    [
        (
            "Wait until a disk encryption set is created.",
            "{prefix} wait --name MyDiskEncryptionSet --resource-group MyResourceGroup --created",
        )
    ],
)
