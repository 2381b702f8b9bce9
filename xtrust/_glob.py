"""IAM wildcard matching: ``*`` is any run of characters (``/`` and ``:`` included), ``?`` one character.

Everything else is literal. Patterns are compiled once and cached, since real accounts repeat the same
handful of patterns many times.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

__all__ = ["glob_any", "glob_match", "glob_matcher", "glob_regex", "has_wildcard", "star_prefix"]


@lru_cache(maxsize=8192)
def glob_regex(pattern: str, ignore_case: bool = False) -> re.Pattern[str]:
    """Compile an IAM wildcard pattern into an anchored regular expression."""
    parts = []
    for char in pattern:
        if char == "*":
            parts.append(".*")
        elif char == "?":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile("".join(parts), flags)


def _find(segment: str, value: str, start: int) -> int:
    """The first index at or after ``start`` where ``segment`` (``?`` = any one character) occurs, or -1."""
    if "?" not in segment:
        return value.find(segment, start)
    width = len(segment)
    for index in range(start, len(value) - width + 1):
        if all(c == "?" or c == value[index + j] for j, c in enumerate(segment)):
            return index
    return -1


def _segments_match(first: str, middle: tuple[str, ...], last: str, value: str) -> bool:
    """``first*m1*m2*…*last``: the first and last segments anchor the ends; each middle segment is taken at
    its leftmost place, which leaves the most room for the rest (so it is exact, with no backtracking)."""
    if len(value) < len(first) + len(last) + sum(map(len, middle)):
        return False
    if _find(first, value[: len(first)], 0) != 0:
        return False
    end = len(value) - len(last)
    if _find(last, value[end:], 0) != 0:
        return False
    position = len(first)
    for segment in middle:
        found = _find(segment, value[:end], position)
        if found < 0:
            return False
        position = found + len(segment)
    return True


@lru_cache(maxsize=65536)
def glob_matcher(pattern: str, ignore_case: bool = False) -> Callable[[str], bool]:
    """A function telling whether a value matches ``pattern`` as a whole, without compiling a regular
    expression: most patterns are literal, a prefix with ``*``, or a few literal segments."""
    if ignore_case:
        lowered = glob_matcher(pattern.lower())
        return lambda value: lowered(value.lower())
    if "*" not in pattern:
        if "?" not in pattern:
            return pattern.__eq__
        return lambda value: len(value) == len(pattern) and _find(pattern, value, 0) == 0
    prefix = star_prefix(pattern)
    if prefix is not None:
        return lambda value: value.startswith(prefix)
    parts = pattern.split("*")
    first, middle, last = parts[0], tuple(p for p in parts[1:-1] if p), parts[-1]
    return lambda value: _segments_match(first, middle, last, value)


@lru_cache(maxsize=65536)
def glob_any(patterns: tuple[str, ...]) -> Callable[[str], object]:
    """A function telling whether a value matches any of the patterns as a whole (a truthy result when it
    does): a set lookup for the patterns without wildcards, then each of the others."""
    literal = frozenset(p for p in patterns if not has_wildcard(p))
    # "prefix*" patterns, the usual kind, all at once: one str.startswith with a tuple
    unique = [p for p in dict.fromkeys(patterns) if has_wildcard(p)]
    prefixes = tuple(prefix for prefix in map(star_prefix, unique) if prefix is not None)
    wild = tuple(glob_matcher(p) for p in unique if star_prefix(p) is None)
    if not wild and not prefixes:
        return literal.__contains__
    if not wild and not literal:
        return lambda value: value.startswith(prefixes)
    if not literal and not prefixes and len(wild) == 1:
        return wild[0]
    return lambda value: value in literal or value.startswith(prefixes) or any(match(value) for match in wild)


def star_prefix(pattern: str) -> str | None:
    """The literal beginning of a "prefix*" pattern (one ``*``, at the end): what every value it matches
    starts with, and all it asks of them; None for a pattern of another form."""
    head = pattern[:-1]
    return head if pattern.endswith("*") and not has_wildcard(head) else None


def glob_match(pattern: str, value: str, ignore_case: bool = False) -> bool:
    """True when ``value`` matches the IAM wildcard ``pattern`` as a whole."""
    return glob_matcher(pattern, ignore_case)(value)


def has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text
