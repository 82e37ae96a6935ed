"""Azure's public regions: programmatic name, display name, availability zones, gallery access.

Source: Azure's published region list and the gallery docs. Names match case- and space-insensitively
('East US 2' = 'eastus2'), as clients and the service normalise them. The two early-access
(EUAP, canary) regions, where gallery features land first, are open to a subscription enrolled
in the early-access programme: every emulated subscription is, unless the
`limits.early_access_regions` setting is off.
"""

from __future__ import annotations

from sigctl.errors import ErrorDetail, location_not_available
from sigctl.record import FrozenRecord


class Region(FrozenRecord):
    _fields = (
        "name",
        "display_name",
        "zones",
        "restricted",
        "allow_list",
        "early_access",
        "zone_count",
    )

    def __init__(
        self,
        name: str,
        display_name: str,
        zones: bool,  # has availability zones, so Standard_ZRS is possible
        restricted: bool = False,  # an access-restricted pair region in Azure's region list
        allow_list: bool = False,  # galleries need the subscription on an allow-list
        early_access: bool = False,  # an EUAP (canary) region: only for enrolled subscriptions
        zone_count: int = 3,  # availability zones, when it has them
    ) -> None:
        self.name, self.display_name, self.zones = name, display_name, zones
        self.restricted, self.allow_list, self.early_access = restricted, allow_list, early_access
        self.zone_count = zone_count

    def open_to(self, allowed: frozenset[str] | set[str]) -> bool:
        """Whether the region may be used, given the gated regions open to the subscription."""
        return not (self.allow_list or self.early_access) or self.name in allowed


_R = Region
CATALOGUE: tuple[Region, ...] = (
    _R("australiacentral", "Australia Central", False, allow_list=True),
    _R("australiacentral2", "Australia Central 2", False, restricted=True, allow_list=True),
    _R("australiaeast", "Australia East", True),
    _R("australiasoutheast", "Australia Southeast", False),
    _R("austriaeast", "Austria East", True),
    _R("belgiumcentral", "Belgium Central", True),
    _R("brazilsouth", "Brazil South", True),
    _R("brazilsoutheast", "Brazil Southeast", False, restricted=True),
    _R("canadacentral", "Canada Central", True),
    _R("canadaeast", "Canada East", False),
    _R("centralindia", "Central India", True),
    _R("centralus", "Central US", True),
    _R("centraluseuap", "Central US EUAP", True, early_access=True, zone_count=2),
    _R("chilecentral", "Chile Central", True),
    _R("denmarkeast", "Denmark East", True),
    _R("eastasia", "East Asia", True),
    _R("eastus", "East US", True),
    _R("eastus2", "East US 2", True),
    _R("eastus2euap", "East US 2 EUAP", True, early_access=True, zone_count=4),
    _R("francecentral", "France Central", True),
    _R("francesouth", "France South", False, restricted=True),
    _R("germanynorth", "Germany North", False, restricted=True),
    _R("germanywestcentral", "Germany West Central", True),
    _R("indonesiacentral", "Indonesia Central", True),
    _R("israelcentral", "Israel Central", True),
    _R("italynorth", "Italy North", True),
    _R("japaneast", "Japan East", True),
    _R("japanwest", "Japan West", True),
    _R("jioindiacentral", "Jio India Central", False, restricted=True),
    _R("jioindiawest", "Jio India West", False, restricted=True),
    _R("koreacentral", "Korea Central", True),
    _R("koreasouth", "Korea South", False),
    _R("malaysiawest", "Malaysia West", True),
    _R("mexicocentral", "Mexico Central", True),
    _R("newzealandnorth", "New Zealand North", True),
    _R("northcentralus", "North Central US", False),
    _R("northeurope", "North Europe", True),
    _R("norwayeast", "Norway East", True),
    _R("norwaywest", "Norway West", False, restricted=True),
    _R("polandcentral", "Poland Central", True),
    _R("qatarcentral", "Qatar Central", True),
    _R("southafricanorth", "South Africa North", True),
    _R("southafricawest", "South Africa West", False, restricted=True),
    _R("southcentralus", "South Central US", True),
    _R("southeastasia", "Southeast Asia", True),
    _R("southindia", "South India", False),
    _R("spaincentral", "Spain Central", True),
    _R("swedencentral", "Sweden Central", True),
    _R("swedensouth", "Sweden South", False, restricted=True),
    _R("switzerlandnorth", "Switzerland North", True),
    _R("switzerlandwest", "Switzerland West", False, restricted=True),
    _R("uaecentral", "UAE Central", False, restricted=True),
    _R("uaenorth", "UAE North", True),
    _R("uksouth", "UK South", True),
    _R("ukwest", "UK West", False),
    _R("westcentralus", "West Central US", False),
    _R("westeurope", "West Europe", True),
    _R("westindia", "West India", False),
    _R("westus", "West US", False),
    _R("westus2", "West US 2", True),
    _R("westus3", "West US 3", True),
)

_BY_KEY = {r.name: r for r in CATALOGUE}
EVERY = frozenset(_BY_KEY)
EARLY_ACCESS = frozenset(r.name for r in CATALOGUE if r.early_access)


def normalise(text: str) -> str:
    return "".join(text.split()).lower()


def find(text: str) -> Region | None:
    """The region a programmatic or display name denotes, or None."""
    return _BY_KEY.get(normalise(text))


def programmatic(text: str) -> str:
    """The programmatic name of a region given either way ('East US 2' -> 'eastus2'); a name
    that is no region's, as given. Stored documents name regions this way; older state files and
    snapshots kept target regions by display name, so a read of a stored target goes through
    here."""
    region = find(text)
    return region.name if region else text


def display(text: str) -> str:
    """The name ARM shows for a region ('eastus2' -> 'East US 2', as Azure echoes target
    regions); a name that is no region's, as given."""
    region = find(text)
    return region.display_name if region else text


def did_you_mean(text: str) -> str:
    """ "Did you mean 'a' or 'b'?" with the known names nearest an unknown one ("" if none)."""
    import difflib

    close = difflib.get_close_matches(normalise(text), list(_BY_KEY), n=3, cutoff=0.6)
    return "Did you mean " + " or ".join(f"'{c}'" for c in close) + "?" if close else ""


def suggestion(text: str) -> list[ErrorDetail]:
    """The LocationSuggestion detail ARM adds to an unknown location's error (none if nothing is
    close)."""

    hint = did_you_mean(text)
    return [ErrorDetail("LocationSuggestion", hint)] if hint else []


def names() -> list[str]:
    return [r.name for r in CATALOGUE]


def require(
    text: str, resource_type: str, allowed: frozenset[str] | set[str] = frozenset()
) -> Region:
    """The region for `text`, or the service's LocationNotAvailableForResourceType error.

    Gated regions are available only when listed in `allowed`: those that need an allow-list
    (Australia Central and Central 2) when on the subscription's allow-list, the early-access
    ones while early access is on.
    """

    region = find(text)
    available = [r.name for r in CATALOGUE if r.open_to(allowed)]
    if region is None or not region.open_to(allowed):
        error = location_not_available(text, resource_type, available)
        if region is None:
            error.details += suggestion(text)
        elif region.early_access:
            error.details.append(
                ErrorDetail(
                    "LocationRequiresEarlyAccess",
                    f"{region.display_name} is an early-access (EUAP) region, and early access "
                    "is off in this emulated cloud (limits.early_access_regions).",
                )
            )
        else:
            error.details.append(
                ErrorDetail(
                    "LocationRequiresAllowList",
                    f"Galleries in {region.display_name} need the subscription on an allow-list.",
                )
            )
        raise error
    return region
