"""Soft-deleted image versions, listed at .../softDeletedArtifactTypes/Images/artifacts/{image}/versions."""

from __future__ import annotations

from sigctl.provider.image_versions import soft_deleted as list_

__all__ = ["list_"]
