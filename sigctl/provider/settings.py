"""The configuration keys the emulated service reads (limits, replication), declared in one place."""

from __future__ import annotations
