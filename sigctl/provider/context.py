"""What a handler of the emulated service gets for one request, and the per-subscription index.

Layout of the state (keys are lower-cased, since ARM names are case-insensitive):
    accounts                                         tenants, subscriptions, principals
    clock                                            moved or frozen time
    subscriptions/<sub>/index                        resource groups, gallery registry, usage
    subscriptions/<sub>/galleries/<g>                one gallery
    subscriptions/<sub>/galleries/<g>/images/<i>     one image definition
    subscriptions/<sub>/galleries/<g>/images/<i>/versions/<v>
The index is small (names and counters), so a command reads it plus only the documents it
touches; nothing scales with the number of unrelated resources.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from sigctl import config
from sigctl.errors import ArmError, state_file_error
from sigctl.provider import accounts, clock, rbac, regions, shapes
from sigctl.provider.clock import Clock
from sigctl.provider.regions import Region
from sigctl.provider.validate import expect_str
from sigctl.record import Record
from sigctl.store import Key, Transaction

if TYPE_CHECKING:
    from sigctl.provider.model import GroupRecord, Index


def service_settings(home: Any, tx: Transaction) -> Any:
    """The configuration in `home`, with the namespace's own settings on top (they win)."""
    return config.load(home).overlaid(tx.settings, f"namespace {tx.store.namespace}")


class Request(Record):
    _fields = ("tx", "subscription", "principal", "query", "_index")

    def __init__(
        self,
        tx: Transaction,
        subscription: str,  # lower-case subscription id, already checked to exist
        principal: str | None = None,
        query: dict[str, Any] | None = None,
        _index: dict[str, Any] | None = None,
    ) -> None:
        self.tx, self.subscription, self.principal = tx, subscription, principal
        self.query: dict[str, Any] = {} if query is None else query
        self._index = _index

    def __repr__(self) -> str:  # without the index, which can be large
        return (
            f"Request(tx={self.tx!r}, subscription={self.subscription!r}, "
            f"principal={self.principal!r}, query={self.query!r})"
        )

    @cached_property
    def clock(self) -> Clock:
        return clock.load(self.tx)

    @cached_property
    def config(self) -> Any:
        return service_settings(self.tx.store.home, self.tx)

    def authorize(self, action: str, resource_id: str) -> None:
        rbac.require(self.tx, self.principal, action, resource_id)

    # -- keys ------------------------------------------------------------------------------

    def key(self, *parts: str) -> Key:
        return ("subscriptions", self.subscription, *(p.lower() for p in parts))

    def in_subscription(self, subscription: str) -> Request | None:
        """The same caller and transaction reading another subscription (None if it does not exist).

        A version's source may live in another subscription; access to it is the caller's
        role there, checked by `authorize` on the source's own id.
        """
        if subscription.lower() == self.subscription:
            return self
        if accounts.load(self.tx)["subscriptions"].get(subscription.lower()) is None:
            return None
        return Request(self.tx, subscription.lower(), self.principal)

    # -- the subscription index ------------------------------------------------------------

    def index(self) -> Index:
        """The subscription's index; the same object for the whole request."""
        if self._index is None:
            stored = self.tx.read(self.key("index"), shapes.INDEX)
            if stored is None and any(
                self.tx.any_below(self.key(kind)) for kind in ("galleries", "resourceGroups")
            ):
                # Without its index the subscription would silently forget those resources.
                raise state_file_error(
                    self.tx.store.location(self.key("index")),
                    "it is missing, but the subscription still holds galleries or sources",
                )
            self._index = stored or {"resourceGroups": {}, "galleries": {}, "usage": {}}
        return self._index

    def refuse_orphans(self, key: Key) -> None:
        """A resource about to be created where documents of a lost one remain below: it would
        adopt them (a new definition inheriting old versions), so the state is reported instead."""
        if self.tx.any_below(key):
            raise state_file_error(
                self.tx.store.location(key, below=True),
                f"it holds documents of a resource whose own document "
                f"'{self.tx.store.location(key)}' is missing",
            )

    def missing(self, key: Key, listed_in: str) -> ArmError:
        """The error for a document the index lists but the state no longer has."""
        return state_file_error(
            self.tx.store.location(key), f"it is missing, but {listed_in} still lists it"
        )

    def save_index(self) -> None:
        self.tx.write(self.key("index"), self.index())

    def allowed_regions(self) -> frozenset[str]:
        """The gated regions this request's subscription may use: its allow-listed ones, and
        the early-access ones unless `limits.early_access_regions` is off."""
        listed = frozenset(
            accounts.subscription(self.tx, self.subscription).get("allowedRegions", [])
        )
        return listed | regions.EARLY_ACCESS if self._early_access() else listed

    def known_regions(self) -> frozenset[str]:
        """Every region this subscription can name (allow-listed ones included): all but the
        early-access ones while early access is off."""
        if self._early_access():
            return regions.EVERY
        return regions.EVERY - regions.EARLY_ACCESS

    def _early_access(self) -> bool:
        # deferred for start-up: a read names no region (importing settings registers its keys)
        from sigctl.provider import settings

        return settings.early_access(self.config)

    def body_region(self, body: dict[str, Any], resource_type: str) -> Region:
        """The region a PUT body's `location` names, for a resource type in this subscription."""
        location = expect_str(body.get("location"), "location")
        if not location:
            raise ArmError(
                "LocationRequired", "The location property is required for this definition."
            )
        return regions.require(location, resource_type, self.allowed_regions())

    def group_record(self, group: str) -> GroupRecord | None:
        return self.index()["resourceGroups"].get(group.lower())

    def count_usage(self, region: str, kind: str, delta: int) -> None:
        """Keep per-region counters of definitions and versions (limits are per region)."""
        usage = self.index()["usage"]
        counters = usage.setdefault(region, {})
        counters[kind] = counters.get(kind, 0) + delta
        if counters[kind] <= 0:
            del counters[kind]
        if not counters:
            del usage[region]
        self.save_index()
