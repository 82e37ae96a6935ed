"""What ARM itself answers: subscriptions, tenants, locations, resource providers, and the cloud
metadata document az, Terraform and Packer read to find the served cloud's endpoints."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sigctl.errors import ArmError
from sigctl.provider import accounts, api_versions, rbac, regions
from sigctl.provider.calls import Call, Response, method_not_allowed

CLOUD_NAME = "sigctl"
Route = Callable[..., Response]


def metadata_endpoints(base: str) -> dict[str, Any]:
    """The cloud metadata document (GET /metadata/endpoints): every endpoint is this server."""
    root = f"{base}/"
    return {
        "name": CLOUD_NAME,
        "portal": root,
        "authentication": {
            "loginEndpoint": root,
            "audiences": [root],
            "tenant": "common",
            "identityProvider": "AAD",
        },
        "resourceManager": root,
        "microsoftGraphResourceId": root,
        "graph": root,
        "graphAudience": root,
        "gallery": root,
        "batch": root,
        "sqlManagement": root,
        "media": root,
        "vmImageAliasDoc": f"{base}/sigctl/vm-image-aliases.json",
        "activeDirectoryDataLake": root,
        "appInsightsResourceId": root,
        "appInsightsTelemetryChannelResourceId": root,
        "attestationResourceId": root,
        "synapseAnalyticsResourceId": root,
        "logAnalyticsResourceId": root,
        "ossrDbmsResourceId": root,
        "suffixes": {
            "storage": "core.windows.net",
            "keyVaultDns": "vault.azure.net",
            "sqlServerHostname": "database.windows.net",
            "acrLoginServer": "azurecr.io",
        },
    }


def route(lowered: list[str]) -> Route | None:
    """ARM's own paths, or None for a resource provider's."""
    n = len(lowered)
    if lowered == ["subscriptions"]:
        return _subscriptions
    if lowered == ["tenants"]:
        return _tenants
    if lowered[:1] == ["providers"] and n <= 2:
        return _providers
    if lowered[:1] != ["subscriptions"]:
        return None
    if n == 2:
        return _subscription
    if n == 3 and lowered[2] == "locations":
        return _locations
    if (
        n >= 3
        and lowered[2] == "providers"
        and (n <= 4 or (n == 5 and lowered[4] in ("register", "unregister")))
    ):
        return _providers
    return None


def _read_only(call: Call) -> None:
    if call.verb != "GET":
        raise method_not_allowed(call.verb, call.path)


def _visible(tx: Any, principal: str | None, subscription: dict[str, Any]) -> bool:
    """A caller sees the subscriptions it holds a role in (directly or through a group)."""
    if principal is None or subscription["owner"] == principal:
        return True
    holders = {principal} | accounts.groups_of(tx, principal)
    return any(a["principalId"] in holders for a in rbac.assignments(tx, subscription["id"]))


def subscription_body(sub: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"/subscriptions/{sub['id']}",
        "authorizationSource": "RoleBased",
        "managedByTenants": [],
        "subscriptionId": sub["id"],
        "tenantId": sub["tenantId"],
        "displayName": sub["name"],
        "state": sub.get("state", "Enabled"),
        "subscriptionPolicies": {
            "locationPlacementId": "Public_2014-09-01",
            "quotaId": "PayAsYouGo_2014-09-01",
            "spendingLimit": "Off",
        },
    }


def _subscriptions(call: Call) -> Response:
    _read_only(call)
    with call.provider.store.transaction() as tx:
        subs = accounts.load(tx)["subscriptions"].values()
        value = [subscription_body(s) for s in subs if _visible(tx, call.principal, s)]
    return Response(200, {"value": value})


def _subscription(call: Call) -> Response:
    _read_only(call)
    with call.provider.store.transaction() as tx:
        found = accounts.subscription(tx, call.segments[1])
        if not _visible(tx, call.principal, found):
            raise ArmError(
                "SubscriptionNotFound",
                f"The subscription '{call.segments[1]}' could not be found.",
                404,
            )
        return Response(200, subscription_body(found))


def _tenants(call: Call) -> Response:
    _read_only(call)
    with call.provider.store.transaction() as tx:
        known = accounts.load(tx)
        wanted = {
            s["tenantId"]
            for s in known["subscriptions"].values()
            if _visible(tx, call.principal, s)
        }
        home = known["principals"].get(call.principal or "", {}).get("tenantId")
        wanted |= {home} if home else set()
        value = [
            {
                "id": f"/tenants/{t['tenantId']}",
                "tenantId": t["tenantId"],
                "tenantCategory": "Home",
                "countryCode": "US",
                "displayName": t["displayName"],
                "defaultDomain": t["defaultDomain"],
                "domains": [t["defaultDomain"]],
                "tenantType": "AAD",
            }
            for tid, t in sorted(known["tenants"].items())
            if call.principal is None or tid in wanted
        ]
    return Response(200, {"value": value})


def _locations(call: Call) -> Response:
    """The subscription's regions as ARM lists them (what `az account list-locations` prints).
    A subscription outside the early-access programme is not shown its regions."""
    # deferred for start-up: only this call reads the regions' metadata table and the settings
    from sigctl.provider import region_metadata, settings

    _read_only(call)
    with call.provider.store.transaction() as tx:
        sub = accounts.subscription(tx, call.segments[1])["id"]
        early_access = settings.early_access(call.provider.settings(tx))
    value = []
    for region in regions.CATALOGUE:
        if region.early_access and not early_access:
            continue
        meta = region_metadata.METADATA[region.name]
        entry: dict[str, Any] = {
            "displayName": region.display_name,
            "id": f"/subscriptions/{sub}/locations/{region.name}",
            "metadata": {
                "geography": meta["geography"],
                "geographyGroup": meta["geographyGroup"],
                "latitude": meta["latitude"],
                "longitude": meta["longitude"],
                "pairedRegion": [
                    {"id": f"/subscriptions/{sub}/locations/{p}", "name": p}
                    for p in meta["pairedRegion"]
                ],
                "physicalLocation": meta["physicalLocation"],
                "regionCategory": meta["regionCategory"],
                "regionType": "Physical",
            },
            "name": region.name,
            "regionalDisplayName": meta["regionalDisplayName"],
            "type": "Region",
        }
        if region.zones:
            entry["availabilityZoneMappings"] = [
                {"logicalZone": str(z), "physicalZone": f"{region.name}-az{z}"}
                for z in range(1, region.zone_count + 1)
            ]
        value.append(entry)
    return Response(200, {"value": value})


_NAMESPACES: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "Microsoft.Compute": [
        ("galleries", ("galleries",)),
        ("galleries/images", ("galleries",)),
        ("galleries/images/versions", ("galleries",)),
        ("locations/sharedGalleries", ("locations", "sharedGalleries")),
        ("locations/communityGalleries", ("locations", "communityGalleries")),
        ("locations/usages", ("locations", "usages")),
        ("locations/capsOperations", ("locations", "capsOperations")),
        ("images", ("images",)),
        ("snapshots", ("snapshots",)),
        ("disks", ("disks",)),
        ("virtualMachines", ("virtualMachines",)),
    ],
    "Microsoft.Storage": [("storageAccounts", ("storageAccounts",))],
    "Microsoft.Authorization": [
        ("roleAssignments", ("roleAssignments",)),
        ("roleDefinitions", ("roleDefinitions",)),
        ("permissions", ("permissions",)),
    ],
    "Microsoft.Resources": [("resourceGroups", ()), ("subscriptions", ()), ("tenants", ())],
}


def _provider_body(subscription: str | None, namespace: str) -> dict[str, Any]:
    types = []
    for name, lookup in _NAMESPACES[namespace]:
        versions = api_versions.supported(namespace, lookup) if lookup else api_versions.RESOURCES
        types.append(
            {
                "resourceType": name,
                "locations": [r.display_name for r in regions.CATALOGUE],
                "apiVersions": sorted(versions, reverse=True),
            }
        )
    prefix = f"/subscriptions/{subscription}" if subscription else ""
    return {
        "id": f"{prefix}/providers/{namespace}",
        "namespace": namespace,
        "registrationState": "Registered",
        "registrationPolicy": "RegistrationRequired",
        "resourceTypes": types,
    }


def _providers(call: Call) -> Response:
    """GET .../providers[/{namespace}], and POST .../providers/{namespace}/register (a no-op:
    every emulated provider is registered)."""
    at_subscription = call.segments[0].lower() == "subscriptions"
    subscription = call.segments[1] if at_subscription else None
    rest = call.segments[3:] if at_subscription else call.segments[1:]
    if subscription is not None:
        with call.provider.store.transaction() as tx:
            subscription = accounts.subscription(tx, subscription)["id"]
    if (call.verb == "POST") != (len(rest) == 2):
        raise method_not_allowed(call.verb, call.path)
    if not rest:
        value = [_provider_body(subscription, ns) for ns in _NAMESPACES]
        return Response(200, {"value": value})
    namespace = next((ns for ns in _NAMESPACES if ns.lower() == rest[0].lower()), None)
    if namespace is None:
        raise ArmError(
            "InvalidResourceNamespace", f"The resource namespace '{rest[0]}' is invalid.", 404
        )
    return Response(200, _provider_body(subscription, namespace))
