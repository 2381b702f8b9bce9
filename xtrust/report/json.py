"""The JSON report (contract, version 1): ``Report.to_json`` written with a stable layout."""

from __future__ import annotations

import json
from json.encoder import encode_basestring_ascii
from typing import Any

from ..findings import Report

__all__ = ["format_json", "indented"]


def format_json(report: Report) -> str:
    return indented(report.to_json()) + "\n"


def indented(value: Any) -> str:
    """``json.dumps(value, indent=2)``, the same text, in about half the time: this interpreter's json module
    indents in Python, a generator per level; here each level appends to one list, and a list of strings is
    joined at once."""
    out: list[str] = []
    try:
        _write(value, out, "")
    except _Unusual:
        return json.dumps(value, indent=2)
    return "".join(out)


class _Unusual(Exception):
    """A value json.dumps writes in a way of its own (a key that is not a string): it is left to it."""


def _write(value: Any, out: list[str], indent: str) -> None:
    kind = type(value)
    if kind is str:
        out.append(encode_basestring_ascii(value))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner = indent + "  "
        separator = ",\n" + inner
        out.append("{\n" + inner)
        for i, (key, item) in enumerate(value.items()):
            if type(key) is not str:
                raise _Unusual
            out.append(f"{separator if i else ''}{encode_basestring_ascii(key)}: ")
            _write(item, out, inner)
        out.append("\n" + indent + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner = indent + "  "
        separator = ",\n" + inner
        if all(type(item) is str for item in value):
            out.append(f"[\n{inner}{separator.join(map(encode_basestring_ascii, value))}\n{indent}]")
            return
        out.append("[\n" + inner)
        for i, item in enumerate(value):
            if i:
                out.append(separator)
            _write(item, out, inner)
        out.append("\n" + indent + "]")
    else:  # numbers, booleans, null; anything else fails as json.dumps fails
        out.append(json.dumps(value))
