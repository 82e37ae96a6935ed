"""Injected replication faults: a region of a matching version fails at a chosen progress.

Faults live in the state, so one CI step can set them up and a later one observe them. A fault
is attached to a region's replication when that replication starts; clearing the fault later
does not repair a region that already failed (Azure's remedy is to remove the region and add
it back, which starts a new replication).
"""

from __future__ import annotations

from typing import Any

from sigctl.errors import ArmError, invalid_parameter
from sigctl.provider import names, regions, shapes
from sigctl.provider.replication import DEFAULT_FAULT_CODE, DEFAULT_FAULT_MESSAGE
from sigctl.provider.validate import expect_str

FAULTS_KEY = ("faults",)


def load(tx: Any) -> list[dict[str, Any]]:
    return list(tx.read(FAULTS_KEY, shapes.listing) or [])


def add(tx: Any, spec: dict[str, Any]) -> dict[str, Any]:
    for name in ("region", "gallery", "definition", "version", "code", "message"):
        expect_str(spec.get(name), name)  # a JSON body may hold anything
    region = regions.find(spec.get("region") or "")
    if region is None:
        error = invalid_parameter(f"Unknown region '{spec.get('region')}'.", "region")
        error.details += regions.suggestion(spec.get("region") or "")
        raise error
    for name in ("gallery", "definition", "version", "code", "message"):
        if spec.get(name) is not None and not spec[name].strip():
            # an empty filter would match nothing, an empty code or message says nothing
            raise invalid_parameter(f"Property '{name}' must not be empty.", name)
    if spec.get("version") is not None:
        names.check_version_name(spec["version"])
    at = spec.get("at", 0)
    if isinstance(at, bool) or not isinstance(at, (int, float)) or not 0 <= at < 100:
        raise invalid_parameter(
            "Property 'at' is the progress percentage at which the region fails: 0 to 99.", "at"
        )
    faults = load(tx)
    fault = {
        "id": max((f["id"] for f in faults), default=0) + 1,
        "region": region.name,
        "gallery": spec.get("gallery"),
        "definition": spec.get("definition"),
        "version": spec.get("version"),
        "at": at,
        "code": spec.get("code") or DEFAULT_FAULT_CODE,
        "message": spec.get("message") or DEFAULT_FAULT_MESSAGE,
    }
    tx.write(FAULTS_KEY, [*faults, fault])
    return fault


def clear(tx: Any, fault_id: int | None = None) -> int:
    faults = load(tx)
    kept = [f for f in faults if fault_id is not None and f["id"] != fault_id]
    if fault_id is not None and len(kept) == len(faults):
        raise not_found(str(fault_id))
    if len(kept) != len(faults):
        if kept:
            tx.write(FAULTS_KEY, kept)
        else:
            tx.delete(FAULTS_KEY)
    return len(faults) - len(kept)


def matching(
    tx: Any, region: str, gallery: str, definition: str, version: str
) -> dict[str, Any] | None:
    """The first fault that applies to this region of this version (None if none does)."""
    for fault in load(tx):
        if fault["region"] != region:
            continue
        wanted = (fault.get("gallery"), fault.get("definition"), fault.get("version"))
        actual = (gallery, definition, version)
        if all(w is None or w.lower() == a.lower() for w, a in zip(wanted, actual, strict=True)):
            return fault
    return None


def not_found(fault_id: str) -> ArmError:
    return ArmError("FaultNotFound", f"There is no fault with id {fault_id}.", 404, "id")
