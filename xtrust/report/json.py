"""The JSON report (contract, version 1): ``Report.to_json`` written with a stable layout."""

from __future__ import annotations

import json
from json.encoder import encode_basestring_ascii
from typing import Any, cast

from ..findings import Finding, Report

__all__ = ["FINDING_INDENT", "format_json", "indented"]

FINDING_INDENT = "    "  # each finding is an item of the list under the top-level "findings"


def format_json(report: Report) -> str:
    """The report; each finding's part is its ``json_text`` (written already by the process that found it, in
    a parallel scan)."""
    try:
        return _text(report.to_json(finding=_written), "") + "\n"
    except _Unusual:  # json.dumps would write the findings' text as strings: it gets their values instead
        return indented(report.to_json()) + "\n"


class _Written(str):
    """JSON text already written, at the indent of its place."""


def _written(finding: Finding) -> _Written:
    return _Written(finding.json_text)


def indented(value: Any, indent: str = "") -> str:
    """``json.dumps(value, indent=2)``, the same text, in a third of the time: this interpreter's json module
    indents in Python, a generator per level and a call per item; here each container is one join over a
    list built at once, and a string item is encoded in place. ``indent``: the indent of the line the value
    starts on, for a value written to go inside another."""
    try:
        return _text(value, indent)
    except _Unusual:
        text = json.dumps(value, indent=2)
        return text.replace("\n", "\n" + indent) if indent else text


class _Unusual(Exception):
    """A value json.dumps writes in a way of its own (a key that is not a string): it is left to it."""


def _text(value: Any, indent: str) -> str:
    kind = type(value)
    if kind is str:
        return encode_basestring_ascii(value)
    if kind is _Written:
        return cast(str, value)
    if kind is dict:
        if not value:
            return "{}"
        inner = indent + "  "
        if not all(type(key) is str for key in value):
            raise _Unusual
        items = [f"{encode_basestring_ascii(key)}: {encode_basestring_ascii(item)}" if type(item) is str
                 else f"{encode_basestring_ascii(key)}: {_text(item, inner)}" for key, item in value.items()]
        separator = ",\n" + inner
        return f"{{\n{inner}{separator.join(items)}\n{indent}}}"
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        inner = indent + "  "
        items = [encode_basestring_ascii(item) if type(item) is str else _text(item, inner) for item in value]
        separator = ",\n" + inner
        return f"[\n{inner}{separator.join(items)}\n{indent}]"
    return json.dumps(value)  # numbers, booleans, null; anything else fails as json.dumps fails
