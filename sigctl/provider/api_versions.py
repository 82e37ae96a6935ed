"""The api-versions the emulated cloud registers per resource type, and ARM's check of them.

ARM answers a request without `api-version` with MissingApiVersionParameter. For a resource
provider's type, a version the provider does not register is NoRegisteredProviderFound (400),
naming the supported versions and locations; for ARM's own types (resource groups,
subscriptions, tenants, providers) it is InvalidApiVersionParameter. The lists hold the
versions Azure registers that the emulated resources' shapes follow, up to the ones the current
SDKs send.
"""

from __future__ import annotations

from sigctl.errors import ArmError
from sigctl.provider import regions

_GALLERY = [
    "2018-06-01",
    "2019-03-01",
    "2019-07-01",
    "2019-12-01",
    "2020-09-30",
    "2021-03-01",
    "2021-07-01",
    "2021-10-01",
    "2022-01-03",
    "2022-03-03",
    "2022-08-03",
    "2023-07-03",
    "2024-03-03",
    "2025-03-03",
    "2026-03-03",
]
_COMPUTE = [
    "2015-06-15",
    "2016-03-30",
    "2016-04-30-preview",
    "2017-03-30",
    "2017-12-01",
    "2018-04-01",
    "2018-06-01",
    "2018-10-01",
    "2019-03-01",
    "2019-07-01",
    "2019-12-01",
    "2020-06-01",
    "2020-12-01",
    "2021-03-01",
    "2021-04-01",
    "2021-07-01",
    "2021-11-01",
    "2022-03-01",
    "2022-08-01",
    "2022-11-01",
    "2023-03-01",
    "2023-07-01",
    "2023-09-01",
    "2024-03-01",
    "2024-07-01",
    "2024-11-01",
    "2025-04-01",
    "2025-11-01",
    "2026-04-01",
]
_DISKS = [
    "2016-04-30-preview",
    "2017-03-30",
    "2018-04-01",
    "2018-06-01",
    "2018-09-30",
    "2019-03-01",
    "2019-07-01",
    "2019-11-01",
    "2020-05-01",
    "2020-06-30",
    "2020-09-30",
    "2020-12-01",
    "2021-04-01",
    "2021-08-01",
    "2021-12-01",
    "2022-03-02",
    "2022-07-02",
    "2023-01-02",
    "2023-04-02",
    "2023-10-02",
    "2024-03-02",
    "2025-01-02",
    "2026-03-02",
]
_STORAGE = [
    "2016-01-01",
    "2016-12-01",
    "2017-06-01",
    "2017-10-01",
    "2018-02-01",
    "2018-07-01",
    "2018-11-01",
    "2019-04-01",
    "2019-06-01",
    "2020-08-01-preview",
    "2021-01-01",
    "2021-02-01",
    "2021-04-01",
    "2021-06-01",
    "2021-08-01",
    "2021-09-01",
    "2022-05-01",
    "2022-09-01",
    "2023-01-01",
    "2023-04-01",
    "2023-05-01",
    "2024-01-01",
    "2025-01-01",
]
RESOURCES = [
    "2014-04-01",
    "2014-04-01-preview",
    "2015-01-01",
    "2015-11-01",
    "2016-02-01",
    "2016-06-01",
    "2016-07-01",
    "2016-09-01",
    "2017-05-10",
    "2017-06-01",
    "2017-08-01",
    "2018-02-01",
    "2018-05-01",
    "2018-06-01",
    "2018-07-01",
    "2018-08-01",
    "2018-09-01",
    "2018-11-01",
    "2019-03-01",
    "2019-05-01",
    "2019-05-10",
    "2019-06-01",
    "2019-07-01",
    "2019-08-01",
    "2019-10-01",
    "2019-11-01",
    "2020-01-01",
    "2020-06-01",
    "2020-08-01",
    "2020-10-01",
    "2021-01-01",
    "2021-04-01",
    "2022-01-01",
    "2022-09-01",
    "2022-12-01",
    "2023-07-01",
    "2024-03-01",
    "2024-07-01",
    "2024-11-01",
    "2025-01-01",
    "2025-03-01",
    "2025-04-01",
]
_ROLE_ASSIGNMENTS = [
    "2015-07-01",
    "2017-10-01-preview",
    "2018-01-01-preview",
    "2018-09-01-preview",
    "2020-03-01-preview",
    "2020-04-01-preview",
    "2020-08-01-preview",
    "2020-10-01-preview",
    "2021-04-01-preview",
    "2022-01-01-preview",
    "2022-04-01",
]
_ROLE_DEFINITIONS = [
    "2015-07-01",
    "2017-05-01",
    "2018-01-01-preview",
    "2022-04-01",
    "2022-05-01-preview",
]

_MANAGED_IDENTITY = [
    "2015-08-31-preview",
    "2018-11-30",
    "2021-09-30-preview",
    "2022-01-31-preview",
    "2023-01-31",
    "2023-07-31-preview",
    "2024-11-30",
]

# sigctl's own read (Sigctl.Emulator/inventory): Azure has no such type, so one version of its own.
SIGCTL = ["2026-01-01"]

# (namespace, first type) -> versions; a type's children share their parent's registration.
_BY_TYPE: dict[tuple[str, str], list[str]] = {
    ("microsoft.compute", "galleries"): _GALLERY,
    ("microsoft.compute", "images"): _COMPUTE,
    ("microsoft.compute", "virtualmachines"): _COMPUTE,
    ("microsoft.compute", "disks"): _DISKS,
    ("microsoft.compute", "snapshots"): _DISKS,
    ("microsoft.compute", "diskencryptionsets"): _DISKS,
    ("microsoft.managedidentity", "userassignedidentities"): _MANAGED_IDENTITY,
    ("microsoft.storage", "storageaccounts"): _STORAGE,
    ("microsoft.authorization", "roleassignments"): _ROLE_ASSIGNMENTS,
    ("microsoft.authorization", "roledefinitions"): _ROLE_DEFINITIONS,
    ("microsoft.authorization", "permissions"): _ROLE_DEFINITIONS,
    ("sigctl.emulator", "inventory"): SIGCTL,
}
# Under locations/: usages are Compute's, the gallery views and operations the gallery service's.
_LOCATION_TYPES = {"usages": _COMPUTE}


def supported(namespace: str, types: tuple[str, ...]) -> list[str]:
    first = types[0].lower() if types else ""
    if first == "locations" and len(types) > 1:
        return _LOCATION_TYPES.get(types[1].lower(), _GALLERY)
    return _BY_TYPE.get((namespace.lower(), first), [])


def require_present(api_version: str | None) -> str:
    if not api_version:
        raise ArmError(
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
            400,
        )
    return api_version


def check(api_version: str | None, namespace: str, types: tuple[str, ...], location: str) -> None:
    """A resource provider's check: the version must be one the type registers."""
    version = require_present(api_version)
    versions = supported(namespace, types)
    if version.lower() in versions:
        return
    type_name = "/".join(t for t in types)
    raise ArmError(
        "NoRegisteredProviderFound",
        f"No registered resource provider found for location '{location}' and API version "
        f"'{version}' for type '{type_name}'. The supported api-versions are "
        f"'{', '.join(versions)}'. The supported locations are '{', '.join(regions.names())}'.",
        400,
    )


def check_resources(api_version: str | None) -> None:
    """ARM's own check for its types (resource groups, subscriptions, tenants, providers)."""
    version = require_present(api_version)
    if version.lower() not in RESOURCES:
        raise ArmError(
            "InvalidApiVersionParameter",
            f"The api-version '{version}' is invalid. The supported versions are "
            f"'{','.join(reversed(RESOURCES))}'.",
            400,
        )
