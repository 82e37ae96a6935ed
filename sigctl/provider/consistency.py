"""The state's own rules, checked across documents: what `sigctl state check` verifies.

Documents hold the data; indexes and counters are derived from them and can be rebuilt:

- every document has the shape sigctl writes, and sits where its resource id says it belongs;
- a definition's gallery and a version's definition exist;
- each subscription's index lists exactly the galleries whose documents exist, in the resource
  groups it records, with per-region usage counts that match the definitions and versions;
- each gallery's map of publisher/offer/SKU identifiers matches its definitions;
- the sharing registry points only at galleries that exist.

It works on a store transaction (whatever the backend), so the rules live here once. `repair`
rebuilds what derives from documents and never deletes a document: where that would lose data
(an unreadable file, versions whose definition is gone) the finding names the files and says
what a person can do.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from sigctl.errors import ArmError
from sigctl.provider import accounts, ids, shapes
from sigctl.provider.lookup import SHARING_KEY
from sigctl.store import Key, Transaction
from sigctl.store.base import Finding

_RESOURCE_KINDS = {2: "gallery", 4: "definition", 6: "version"}
_PARENTS = {
    "definition": "gallery",
    "version": "definition",
    "child": "gallery",
    "child version": "parent",
}


@dataclass
class Scan:
    """Everything read from one state, grouped per subscription."""

    findings: list[Finding] = field(default_factory=list)
    unreadable: bool = False
    # subscription -> key -> document, for galleries, definitions, versions and sources
    resources: dict[str, dict[Key, Any]] = field(default_factory=dict)
    indexes: dict[str, Any] = field(default_factory=dict)


def check(tx: Transaction) -> list[Finding]:
    scan = _scan(tx)
    if not scan.unreadable:
        for subscription in sorted(set(scan.resources) | set(scan.indexes)):
            _check_subscription(tx, scan, subscription, fix=False)
        _check_sharing(tx, scan, fix=False)
    return scan.findings


def repair(tx: Transaction) -> list[Finding]:
    """Rebuild what derives from documents (in `tx`, a write transaction); an unreadable
    document stops every rebuild, since what it holds cannot be known."""
    scan = _scan(tx)
    if scan.unreadable:
        scan.findings.append(
            Finding(
                "the state",
                "indexes and counters were not rebuilt, because a document above cannot be read",
                None,
            )
        )
        return scan.findings
    for subscription in sorted(set(scan.resources) | set(scan.indexes)):
        _check_subscription(tx, scan, subscription, fix=True)
    _check_sharing(tx, scan, fix=True)
    return scan.findings


# -- reading everything -----------------------------------------------------------------------


def _scan(tx: Transaction) -> Scan:
    scan = Scan()
    try:
        keys = tx.all_keys()
    except ArmError as error:  # a file name that cannot be turned back into a key
        scan.findings.append(Finding("the state", error.message, None))
        scan.unreadable = True
        return scan
    known = _subscriptions(tx, scan)
    for key in keys:
        where = tx.store.location(key)
        if shapes.for_key(key) is None:
            scan.findings.append(
                Finding(where, "it is not a document sigctl stores", None, _MOVE_AWAY)
            )
            continue
        try:
            document = tx.read(key)
        except ArmError as error:
            scan.findings.append(Finding(where, _reason(error), None, _RESTORE))
            scan.unreadable = True
            continue
        if key[0] != "subscriptions":
            continue
        subscription = key[1]
        if known is not None and subscription not in known:
            scan.findings.append(
                Finding(
                    where,
                    f"it belongs to subscription '{subscription}', which does not exist",
                    None,
                    _MOVE_AWAY,
                )
            )
            continue
        if key[2:] == ("index",):
            scan.indexes[subscription] = document
        elif key[2] != "roleAssignments":
            scan.resources.setdefault(subscription, {})[key] = document
    return scan


_RESTORE = "restore it from a copy (sigctl state export/import) or delete it; its data is lost"
_MOVE_AWAY = "move it out of the state folder"


def _reason(error: ArmError) -> str:
    """The reason part of a StateFileUnreadable message ("...: <reason>. It was left ...")."""
    message = error.message
    start = message.find(" cannot be used: ")
    end = message.find(". It was left untouched")
    return message[start + len(" cannot be used: ") : end] if start >= 0 and end > 0 else message


def _subscriptions(tx: Transaction, scan: Scan) -> set[str] | None:
    try:
        return set(accounts.load(tx)["subscriptions"])
    except ArmError:
        return None  # reported with the other unreadable documents


# -- one subscription -------------------------------------------------------------------------


@dataclass
class _Found:
    """What a subscription's documents hold, once each is accepted in its place."""

    galleries: dict[str, Any] = field(default_factory=dict)
    definitions: dict[tuple[str, str], Any] = field(default_factory=dict)
    usage: dict[str, dict[str, int]] = field(default_factory=dict)
    # a group's lower-case name -> (its name, the location of what it holds)
    group_locations: dict[str, tuple[str, str]] = field(default_factory=dict)


def _check_subscription(tx: Transaction, scan: Scan, subscription: str, fix: bool) -> None:
    docs = scan.resources.get(subscription, {})
    index_key: Key = ("subscriptions", subscription, "index")
    stored = scan.indexes.get(subscription)
    index = (
        copy.deepcopy(stored) if stored else {"resourceGroups": {}, "galleries": {}, "usage": {}}
    )
    report = _Reporter(scan, fix)
    if stored is None and docs:
        report.fixable(
            tx.store.location(index_key),
            "it is missing, but the subscription holds galleries or sources",
            "rebuild it from the documents (a resource group gets the location of what it "
            "holds; its tags are lost)",
        )
        report = _Reporter(scan, fix, quiet=True)  # one finding for the whole rebuild
    found = _accept_documents(tx, report, subscription, docs)
    _check_gallery_entries(tx, report, subscription, index, found)
    _check_groups_and_usage(tx.store.location(index_key), report, index, found)
    if fix and (index != stored if stored is not None else bool(docs)):
        tx.write(index_key, index)


def _accept_documents(
    tx: Transaction, report: _Reporter, subscription: str, docs: dict[Key, Any]
) -> _Found:
    """Each document in its place, below a parent that is there; what they hold and count."""
    found = _Found()
    accepted: set[Key] = set()  # parents come first in key order
    for key, document in sorted(docs.items()):
        rest = key[2:]
        where = tx.store.location(key)
        if rest[0] == "resourcegroups":
            found.group_locations.setdefault(rest[1], _group_and_location(document))
            continue
        # Below a gallery: definitions and image versions (counted), or VM applications and
        # access control profiles with their versions (not counted against any limit).
        kind = _RESOURCE_KINDS[len(rest)] if rest[2:3] in ((), ("images",)) else "child"
        if kind == "child" and len(rest) == 6:
            kind = "child version"
        resource = document["resource"]
        if not _id_matches(resource, subscription, rest):
            report.refuse(where, f"its resource id '{resource['id']}' does not match its place")
            continue
        if kind == "gallery":
            found.galleries[rest[1]] = document
            accepted.add(key)
            continue
        parent = key[:4] if kind in ("definition", "child") else key[:6]
        if parent not in accepted:
            report.refuse(
                where,
                f"its {_PARENTS[kind]}'s document '{tx.store.location(parent)}' is missing",
                f"restore that file, or delete '{tx.store.location(parent, below=True)}'",
            )
            continue
        accepted.add(key)
        if kind == "definition":
            found.definitions[(rest[1], rest[3])] = document
            _count(found.usage, resource["location"], "images")
        elif kind == "version" and not document.get("softDeleted"):
            _count(found.usage, resource["location"], "versions")  # a soft delete uncounts it
    return found


def _check_gallery_entries(
    tx: Transaction, report: _Reporter, subscription: str, index: dict[str, Any], found: _Found
) -> None:
    """The index lists every gallery with a document, and only those, as their documents say."""
    where = tx.store.location(("subscriptions", subscription, "index"))
    registry = index["galleries"]
    for name, entry in sorted(registry.items()):
        if name not in found.galleries:
            below = ("subscriptions", subscription, "galleries", name)
            if tx.any_below(below):
                report.refuse(
                    where,
                    f"it lists gallery '{entry['name']}', whose document "
                    f"'{tx.store.location(below)}' is missing",
                    f"restore that file, or delete '{tx.store.location(below, below=True)}'",
                )
            elif report.fixable(
                where,
                f"it lists gallery '{entry['name']}', whose document is missing",
                "remove the entry",
            ):
                del registry[name]
    for name, document in sorted(found.galleries.items()):
        resource = document["resource"]
        group = ids.parse(resource["id"]).resource_group or ""
        expected = {
            "resourceGroup": group,
            "name": resource["name"],
            "location": resource["location"],
        }
        found.group_locations.setdefault(group.lower(), (group, resource["location"]))
        if registry.get(name) != expected and report.fixable(
            where,
            f"its entry for gallery '{resource['name']}' does not match the gallery's document",
            "write the entry from the document",
        ):
            registry[name] = expected
        _check_identifiers(tx, report, subscription, name, document, found.definitions)


def _check_groups_and_usage(
    where: str, report: _Reporter, index: dict[str, Any], found: _Found
) -> None:
    """The index records every group that holds something, and counts what the limits count."""
    for lower, (group, location) in sorted(found.group_locations.items()):
        if lower not in index["resourceGroups"] and report.fixable(
            where,
            f"it does not record resource group '{group}', which holds galleries or sources",
            f"record the group in {location} (the location of what it holds; its tags are lost)",
        ):
            index["resourceGroups"][lower] = {
                "name": group,
                "location": location,
                "tags": None,
                "managedBy": None,
            }
    usage = found.usage
    if index["usage"] != usage and report.fixable(
        where,
        f"its usage counts {index['usage']} do not match the definitions and versions ({usage})",
        "count them again",
    ):
        index["usage"] = usage


def _group_and_location(document: dict[str, Any]) -> tuple[str, str]:
    """A source records its group; a resource stored as {"resource": body} names it in its id."""
    if "resource" not in document:
        return document["resourceGroup"], document["location"]
    resource = document["resource"]
    return ids.parse(resource["id"]).resource_group or "", resource["location"]


def _id_matches(resource: dict[str, Any], subscription: str, rest: tuple[str, ...]) -> bool:
    """Whether a resource's id names the gallery/definition/version its key places it at."""
    try:
        rid = ids.parse(resource["id"])
    except ArmError:
        return False
    names = tuple(n.lower() for n in rid.names)
    return (
        rid.subscription.lower() == subscription
        and names == rest[1::2]
        and resource["name"].lower() == rest[-1]
    )


def _check_identifiers(
    tx: Transaction,
    report: _Reporter,
    subscription: str,
    gallery: str,
    document: dict[str, Any],
    definitions: dict[tuple[str, str], Any],
) -> None:
    expected = {
        "|".join(identifier[k] for k in ("publisher", "offer", "sku")).lower(): d["resource"][
            "name"
        ]
        for (g, _), d in definitions.items()
        if g == gallery
        for identifier in [d["resource"]["properties"]["identifier"]]
    }
    if document.get("identifiers", {}) != expected:
        key: Key = ("subscriptions", subscription, "galleries", gallery)
        if report.fixable(
            tx.store.location(key),
            "its map of definition identifiers (publisher, offer, SKU) does not match its "
            "definitions",
            "write the map from the definitions",
        ):
            tx.write(key, {**document, "identifiers": expected})


def _count(usage: dict[str, dict[str, int]], region: str, kind: str) -> None:
    counters = usage.setdefault(region, {})
    counters[kind] = counters.get(kind, 0) + 1


# -- the consumer-side sharing registry -------------------------------------------------------


def _check_sharing(tx: Transaction, scan: Scan, fix: bool) -> None:
    registry = tx.read(SHARING_KEY)
    if registry is None:
        return
    report = _Reporter(scan, fix)
    changed = copy.deepcopy(registry)
    for section in ("direct", "community"):
        for name, entry in sorted(registry.get(section, {}).items()):
            key: Key = ("subscriptions", entry["subscription"], "galleries", entry["gallery"])
            if key not in scan.resources.get(entry["subscription"], {}) and report.fixable(
                tx.store.location(SHARING_KEY),
                f"its {section} entry '{name}' points at gallery '{entry['gallery']}', which "
                "does not exist",
                "remove the entry",
            ):
                del changed[section][name]
    if fix and changed != registry:
        tx.write(SHARING_KEY, changed)


# -- findings ---------------------------------------------------------------------------------


class _Reporter:
    def __init__(self, scan: Scan, fix: bool, quiet: bool = False) -> None:
        self.scan = scan
        self.fix = fix
        self.quiet = quiet  # fix without recording (a finding already covers it)

    def fixable(self, where: str, problem: str, repair: str) -> bool:
        """Record a problem `state repair` fixes; true when this run is the repair."""
        if not self.quiet:
            self.scan.findings.append(Finding(where, problem, repair, repaired=self.fix))
        return self.fix

    def refuse(self, where: str, problem: str, advice: str = "") -> None:
        """Record a problem whose repair would lose data: a person decides."""
        self.scan.findings.append(Finding(where, problem, None, advice or _RESTORE))
