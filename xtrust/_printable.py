"""Text from the input, made safe to print: control characters and line separators (a role's tag value, a
key in a rules file) shown as their escapes, so that they can neither move the terminal's cursor nor start
a line of their own, and an error message kept to one line of bounded length."""

from __future__ import annotations

import re

__all__ = ["MAX_LINE", "one_line", "printable"]

MAX_LINE = 1000  # characters of one error message shown; a value quoted in it may be megabytes long
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_BUT_NEWLINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def _escape(found: re.Match[str]) -> str:
    return found.group().encode("unicode_escape").decode("ascii")  # \n -> \\n, ESC -> \\x1b, U+2028 -> \\u2028


def one_line(text: str, limit: int = MAX_LINE) -> str:
    """``text`` on one line, its control characters escaped, cut to ``limit`` characters (saying how many
    more there were)."""
    line = _CONTROL.sub(_escape, text)
    if len(line) <= limit:
        return line
    return f"{line[:limit]}… ({len(line) - limit:,} more characters)"


def printable(text: str) -> str:
    """``text`` with its control characters escaped but its line breaks kept: for reports read on a terminal."""
    return _CONTROL_BUT_NEWLINE.sub(_escape, text)
