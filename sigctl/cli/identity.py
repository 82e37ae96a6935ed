"""How identities print, as az's Microsoft Graph commands print them (Graph's own shape)."""

from __future__ import annotations

from sigctl.provider.graph import shape as graph_shape

__all__ = ["graph_shape"]
