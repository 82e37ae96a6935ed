"""Equality and repr over named fields, for the small value classes every command loads.

`@dataclass` writes and compiles the source of each class's methods when its module is
imported, about half a millisecond a class; a read command loads some twenty such classes, a
tenth of its start-up. These classes write their `__init__` by hand and get the rest here,
with the same meaning as a dataclass's: equal when of the same class with equal fields, and
shown as `Name(field=value, ...)`.
"""

from __future__ import annotations

from typing import Any, ClassVar


class Record:
    """Compared and shown by `_fields`; unhashable, as a dataclass with eq is."""

    _fields: ClassVar[tuple[str, ...]] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{self.__class__.__qualname__}({shown})"


class FrozenRecord(Record):
    """A Record that is hashed by its fields, as a frozen dataclass is (and is never changed)."""

    def __hash__(self) -> int:
        return hash(self._values())
