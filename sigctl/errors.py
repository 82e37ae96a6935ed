"""The one error type of the emulated service, and the catalogue of errors it raises.

Every service-side failure is an `ArmError`: the ARM error code, the message, the HTTP status,
an optional target and optional details, exactly what ARM puts in its `CloudError` envelope.
The CLI renders it the way az does and picks the exit code from the status (404 -> 3, else 1).

Texts are the service's own where Azure documents them (the gallery troubleshooting guide);
where the code is undocumented the choice is recorded in docs/emulation.md.
"""

from __future__ import annotations

from typing import Any

from sigctl.record import Record

NOT_FOUND_FIX = "For more details please go to https://aka.ms/ARMResourceNotFoundFix"


class ErrorDetail(Record):
    _fields = ("code", "message", "target")

    def __init__(self, code: str, message: str, target: str | None = None) -> None:
        self.code, self.message, self.target = code, message, target


class ArmError(Record, Exception):
    _fields = ("code", "message", "status", "target", "details")

    def __init__(
        self,
        code: str,
        message: str,
        status: int = 400,
        target: str | None = None,
        details: list[ErrorDetail] | None = None,
    ) -> None:
        self.code, self.message, self.status, self.target = code, message, status, target
        self.details: list[ErrorDetail] = [] if details is None else details

    def __str__(self) -> str:
        return f"({self.code}) {self.message}"

    def to_cloud_error(self) -> dict[str, Any]:
        """The ARM `CloudError` body, as the REST front would send it."""
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.target:
            error["target"] = self.target
        if self.details:
            error["details"] = [
                {"code": d.code, "message": d.message, **({"target": d.target} if d.target else {})}
                for d in self.details
            ]
        return {"error": error}


# --- not found (404: az exits 3) -------------------------------------------------------------


def resource_not_found(type_path: str, resource_group: str) -> ArmError:
    """`type_path` is the nested type path, e.g. 'Microsoft.Compute/galleries/gal1/images/def1'."""
    return ArmError(
        "ResourceNotFound",
        f"The Resource '{type_path}' under resource group '{resource_group}' was not found. "
        + NOT_FOUND_FIX,
        404,
    )


def resource_group_not_found(resource_group: str) -> ArmError:
    return ArmError(
        "ResourceGroupNotFound", f"Resource group '{resource_group}' could not be found.", 404
    )


def parent_not_found(parent_name: str) -> ArmError:
    return ArmError(
        "ParentResourceNotFound",
        "Can not perform requested operation on nested resource. "
        f"Parent resource '{parent_name}' not found.",
        404,
    )


# --- bad requests (400) ----------------------------------------------------------------------


def invalid_parameter(message: str, target: str | None = None) -> ArmError:
    return ArmError("InvalidParameter", message, 400, target)


def missing_parameter(path: str) -> ArmError:
    return invalid_parameter(f"Required parameter '{path}' is missing (null).", path)


def invalid_request(message: str, target: str | None = None) -> ArmError:
    return ArmError("InvalidRequestContent", message, 400, target)


def location_not_available(location: str, resource_type: str, available: list[str]) -> ArmError:
    return ArmError(
        "LocationNotAvailableForResourceType",
        f"The provided location '{location}' is not available for resource type "
        f"'{resource_type}'. List of available regions for the resource type is "
        f"'{','.join(available)}'.",
        400,
    )


def location_not_available_for_group(location: str, available: list[str]) -> ArmError:
    return ArmError(
        "LocationNotAvailableForResourceGroup",
        f"The provided location '{location}' is not available for resource group. "
        f"List of available regions is '{','.join(available)}'.",
        400,
    )


# --- conflicts (409) -------------------------------------------------------------------------


def property_change_not_allowed(path: str) -> ArmError:
    return ArmError(
        "PropertyChangeNotAllowed", f"Changing property '{path}' is not allowed.", 409, path
    )


def invalid_resource_location(
    name: str, existing: str, resource_group: str, requested: str
) -> ArmError:
    return ArmError(
        "InvalidResourceLocation",
        f"The resource '{name}' already exists in location '{existing}' in resource group "
        f"'{resource_group}'. A resource with the same name cannot be created in location "
        f"'{requested}'. Please select a new resource name.",
        409,
    )


def cannot_delete_nested(nested_type_paths: list[str]) -> ArmError:
    listed = ", ".join(f"'{p}'" for p in nested_type_paths)
    return ArmError(
        "CannotDeleteResource",
        "Cannot delete resource while nested resources exist. Some existing nested resource IDs "
        f"include: {listed}. Please delete all nested resources before deleting this resource.",
        409,
    )


def conflict(message: str, target: str | None = None) -> ArmError:
    return ArmError("Conflict", message, 409, target)


# --- long-running operations ----------------------------------------------------------------


def replication_failure(body: dict[str, Any]) -> ArmError:
    """The error a version's operation ends with when regions failed to replicate."""
    status = body.get("properties", {}).get("replicationStatus", {})
    failed = [
        f"{s['region']} ({s['details']})"
        for s in status.get("summary", [])
        if s["state"] == "Failed"
    ]
    return ArmError(
        "ReplicationFailed",
        "Gallery replication jobs failed in one or more regions: "
        + "; ".join(failed)
        + ". If retry does not work, then please do an update by removing the failed regions and "
        "update again by adding them back.",
        409,
    )


# --- the emulator's own state ----------------------------------------------------------------


STATE_ADVICE = (
    "run 'sigctl state check' to see every problem, and 'sigctl state repair' to fix what can "
    "be rebuilt (docs/state.md, Recovery)"
)


def state_file_error(path: str, reason: str, advice: str | None = None) -> ArmError:
    return ArmError(
        "StateFileUnreadable",
        f"The state file '{path}' cannot be used: {reason}. It was left untouched; "
        f"{advice or STATE_ADVICE}.",
        500,
    )


def unstorable(reason: str) -> ArmError:
    """A change the store refused before writing anything (the provider should have refused it)."""
    return ArmError(
        "InvalidRequestContent", f"The change cannot be stored: {reason}. Nothing was changed.", 400
    )


def state_write_failed(message: str) -> ArmError:
    return ArmError("StateWriteFailed", message, 500)
