"""IAM wildcard matching: ``*`` is any run of characters (``/`` and ``:`` included), ``?`` one character.

Everything else is literal. Patterns are compiled once and cached, since real accounts repeat the same
handful of patterns many times.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["glob_match", "glob_regex", "has_wildcard"]


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


def glob_match(pattern: str, value: str, ignore_case: bool = False) -> bool:
    """True when ``value`` matches the IAM wildcard ``pattern`` as a whole."""
    if "*" not in pattern and "?" not in pattern:
        return pattern.lower() == value.lower() if ignore_case else pattern == value
    return glob_regex(pattern, ignore_case).fullmatch(value) is not None


def has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text
