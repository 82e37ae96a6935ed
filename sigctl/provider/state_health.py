"""The emulator's own route for the state's health: `sigctl state check` and `state repair`.

POST /providers/Sigctl.Emulator/state/check (or .../repair), no body. It runs holding the
writers' lock, first on what is the backend's own (for files: journals, leftovers, names:
sigctl.store.maintenance), then on the documents (sigctl.provider.consistency). Like the rest of the emulator's own commands it is
not subject to roles. It must work on a damaged state, so it opens no ordinary request.
"""

from __future__ import annotations

from typing import Any

from sigctl.errors import ArmError
from sigctl.provider import consistency
from sigctl.store.base import Finding, Store

ACTIONS = ("check", "repair")


def post(store: Store, action: str) -> dict[str, Any]:
    if action not in ACTIONS:
        raise ArmError(
            "InvalidAction", f"The state has no action '{action}' (check, repair).", 404, "action"
        )
    if action == "check":
        return _health(_run(store, fix=False))
    repaired = [f.as_dict() for f in _run(store, fix=True) if f.repaired]
    return {**_health(_run(store, fix=False)), "repaired": repaired}


def _run(store: Store, fix: bool) -> list[Finding]:
    if not store.exists():
        return []
    with store.exclusive():
        findings = store.check(fix)
        if store.unfinished():  # reported above: it must be resolved first
            findings.append(
                Finding(
                    "the state",
                    "its documents were not checked, because of the unfinished change above",
                    None,
                    "resolve that first, then check again",
                )
            )
            return findings
        with store.transaction(write=fix) as tx:
            findings += consistency.repair(tx) if fix else consistency.check(tx)
    return findings


def _health(findings: list[Finding]) -> dict[str, Any]:
    return {"healthy": not findings, "problems": [f.as_dict() for f in findings]}
