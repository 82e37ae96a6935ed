"""Values of az's generated object arguments: a JSON or YAML file, JSON, or shorthand syntax.

Shorthand syntax is az's JSON without quotes: `{name:GoalState,path:/machine,queryParameters:
{comp:goalstate}}`, `[a,b]`; a bare word ends at `,`, `]` or `}`; quote a value ('...' or "...")
that holds those characters; `null` is null.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sigctl.cli.errors import CliError


def object_value(text: str, option: str) -> Any:
    """What az makes of `option TEXT`: a file's content if TEXT names a file, else the value."""
    path = Path(text).expanduser()
    try:
        if path.is_file():
            content = path.read_text()
            if path.suffix in (".yml", ".yaml"):
                import yaml

                return yaml.safe_load(content)
            return json.loads(content)
        if text.lstrip().startswith(("{", "[")):
            try:
                return json.loads(text)
            except ValueError:
                return _Parser(text).document()
        return _Parser(text).document()
    except (ValueError, OSError) as error:
        raise CliError(f"Failed to parse '{option}' argument: {error}") from None


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def document(self) -> Any:
        value = self.value()
        if self.at != len(self.text):
            raise ValueError(f"unexpected '{self.text[self.at :]}' at position {self.at}")
        return value

    def value(self) -> Any:
        char = self.text[self.at : self.at + 1]
        if char == "{":
            return self._sequence("}", self._pair, {})
        if char == "[":
            return self._sequence("]", self.value, [])
        if char in ("'", '"'):
            return self._quoted(char)
        start = self.at
        while self.at < len(self.text) and self.text[self.at] not in ",]}":
            self.at += 1
        word = self.text[start : self.at]
        return None if word == "null" else word

    def _sequence(self, closing: str, item: Any, into: Any) -> Any:
        self.at += 1
        while self.text[self.at : self.at + 1] != closing:
            if self.at >= len(self.text):
                raise ValueError(f"'{closing}' is missing")
            got = item()
            if isinstance(into, dict):
                into[got[0]] = got[1]
            else:
                into.append(got)
            if self.text[self.at : self.at + 1] == ",":
                self.at += 1
        self.at += 1
        return into

    def _pair(self) -> tuple[str, Any]:
        colon = self.text.find(":", self.at)
        if colon < 0:
            raise ValueError(f"a key:value pair is expected at position {self.at}")
        key = self.text[self.at : colon].strip()
        self.at = colon + 1
        return key, self.value()

    def _quoted(self, quote: str) -> str:
        end = self.text.find(quote, self.at + 1)
        if end < 0:
            raise ValueError(f"the quote opened at position {self.at} is not closed")
        word = self.text[self.at + 1 : end]
        self.at = end + 1
        return word
