"""Live per-region progress bars on stderr, shown only when stderr is a terminal.

Each bar takes its region's colour from the state palette (sigctl.cli.palette) and ends with the
state's symbol and word, so a replicating region and a failed one differ in 16 colours and
without colour (NO_COLOR or core.no_color: the bars are drawn, uncoloured).
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any


class RegionProgress:
    """Feed it GET bodies (with replicationStatus); it draws one bar per region."""

    def __init__(self, title: str, console: Any, enabled: bool | None = None) -> None:
        self.title = title
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.console = console
        self.progress: Any = None
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> RegionProgress:
        if self.enabled:
            from rich.progress import Progress, TaskProgressColumn, TextColumn

            console = self.console
            self.progress = Progress(
                TextColumn("{task.description}"),
                _bar_column(),
                TaskProgressColumn(),
                _state_column(ascii_only=not console.encoding.lower().startswith("utf")),
                console=console,
            )
            self.progress.__enter__()
            # Printed as plain text: rich's highlighter would colour "1.0" and ".0" apart.
            console.print(self.title, highlight=False, markup=False)
        return self

    def update(self, body: dict[str, Any]) -> None:
        if self.progress is None:
            return
        status = body.get("properties", body).get("replicationStatus") or {}
        for item in status.get("summary", []):
            region, fields = item["region"], {"completed": item["progress"], "state": item["state"]}
            if region in self.tasks:
                self.progress.update(self.tasks[region], **fields)
            else:
                self.tasks[region] = self.progress.add_task(f"  {region:<22}", total=100, **fields)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.progress is not None:
            self.progress.__exit__(kind, error, tb)


def _bar_column() -> Any:
    from rich.progress import BarColumn

    from sigctl.cli import palette

    class StateBar(BarColumn):
        """A bar in its region's state colour (rich's default pink is red on 16 colours)."""

        def render(self, task: Any) -> Any:
            style = palette.look(task.fields.get("state")).style
            self.complete_style = self.finished_style = style
            return super().render(task)

    return StateBar()


def _state_column(ascii_only: bool) -> Any:
    from rich.progress import ProgressColumn
    from rich.text import Text

    from sigctl.cli import palette

    class StateColumn(ProgressColumn):
        """The region's state as its symbol and word, in its colour."""

        def render(self, task: Any) -> Text:
            state = task.fields.get("state")
            if not state:
                return Text("")
            return Text(palette.label(state, ascii_only), style=palette.look(state).style)

    return StateColumn()
