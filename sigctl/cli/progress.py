"""Live per-region progress bars on stderr, shown only when stderr is a terminal."""

from __future__ import annotations

import os
import sys
from types import TracebackType
from typing import Any


class RegionProgress:
    """Feed it GET bodies (with replicationStatus); it draws one bar per region."""

    def __init__(self, title: str, enabled: bool | None = None) -> None:
        self.title = title
        self.enabled = (
            sys.stderr.isatty() and not os.environ.get("NO_COLOR") if enabled is None else enabled
        )
        self.progress: Any = None
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> RegionProgress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TaskProgressColumn(),
                TextColumn("{task.fields[state]}"),
                console=Console(stderr=True),
            )
            self.progress.__enter__()
            self.progress.console.print(self.title)
        return self

    def update(self, body: dict[str, Any]) -> None:
        if self.progress is None:
            return
        status = body.get("properties", body).get("replicationStatus") or {}
        for item in status.get("summary", []):
            region = item["region"]
            if region not in self.tasks:
                self.tasks[region] = self.progress.add_task(f"  {region:<22}", total=100, state="")
            self.progress.update(
                self.tasks[region], completed=item["progress"], state=item["state"]
            )

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.progress is not None:
            self.progress.__exit__(kind, error, tb)
