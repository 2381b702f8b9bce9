"""A role ARN that matches some IAM wildcard patterns and not others, when one exists: an exact search.

The identity-assume check decides a finite set of representative role ARNs, built from the policies'
constants with fresh names for ``*`` and ``?``. A fresh name can still fall under another pattern (``role/*``
less a Deny on ``role/a*`` leaves ``role/b``; "any" starts with an a), and two patterns can meet only on a
name neither suggests (``role/team/*`` with a Deny outside ``*/Admin`` leaves ``role/team/Admin``). This
module answers such questions exactly: a breadth-first search over the product of the patterns' automata
(IAM wildcards: ``*`` any run, ``?`` one character, case-sensitive as resources are) and the shape of a role
ARN, over an alphabet of the patterns' own characters and, for each kind of character the shape tells
apart (digits, name characters), one that no pattern names: every other one behaves as it does. The first
string found is a shortest one.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from functools import lru_cache

__all__ = ["arn_part_pattern", "role_witness"]

_PREFIX = "arn:aws:iam::"
# The shape of a role ARN, as a small automaton: the prefix, 12 digits, ":role/", then the path's segments
# (printable ASCII) and the role name (letters, digits and +=,.@_-), each after a "/": states past the fixed
# part are _SEGMENT (a segment begins), _NAMED (a segment of name characters so far) and _PATH (a segment
# that can only be part of the path). Only _NAMED accepts.
# https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html (RoleName, Path)
_SEGMENT, _NAMED, _PATH, _DEAD = -2, -3, -4, -1
_NAME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+=,.@_-")
_FILLERS = "zqxjkvwybfghmpdcu"
# Wildcards that stay within one part of an ARN (the Arn condition operators match part by part): a run, and
# one character, other than ":". Callers write them into patterns with arn_part_pattern.
PART_RUN, PART_ONE = "\ue000", "\ue001"
_WILD = {"*", "?", PART_RUN, PART_ONE}
_LIMIT = 20000  # states visited before the search gives up (None: no answer, as before it was asked)


def _shape_step(kind: str, state: int, char: str) -> int:
    """One character of an ``arn:aws:iam::<account>:<kind>/<path/><name>`` ARN; states count the characters
    of the fixed part, then are _SEGMENT, _NAMED or _PATH."""
    fixed = len(_PREFIX) + 12 + len(kind) + 2
    if 0 <= state < fixed:
        expected = _fixed_char(kind, state)
        if expected is None:
            return state + 1 if char.isdigit() and char.isascii() else _DEAD
        return (state + 1 if state + 1 < fixed else _SEGMENT) if char == expected else _DEAD
    if char == "/":
        return _SEGMENT
    if char in _NAME_CHARACTERS:
        return _PATH if state == _PATH else _NAMED
    return _PATH if "!" <= char <= "~" else _DEAD


def _fixed_char(kind: str, state: int) -> str | None:
    """The character the fixed part of the ARN has at ``state``; None for a digit of the account."""
    if state < len(_PREFIX):
        return _PREFIX[state]
    if state < len(_PREFIX) + 12:
        return None
    return f":{kind}/"[state - len(_PREFIX) - 12]


def arn_part_pattern(pattern: str) -> str | None:
    """An Arn operator's value as a pattern here: its first five parts' wildcards kept within their part
    (conditions._arn_match); None for a value of fewer than six parts, which matches nothing."""
    parts = pattern.split(":", 5)
    if len(parts) < 6:
        return None
    fixed = [p.replace("*", PART_RUN).replace("?", PART_ONE) for p in parts[:5]]
    return ":".join([*fixed, parts[5]])


def _close(pattern: str, positions: set[int]) -> frozenset[int]:
    """The positions reachable without reading a character: past each run wildcard."""
    out = set(positions)
    stack = list(positions)
    while stack:
        i = stack.pop()
        if i < len(pattern) and pattern[i] in ("*", PART_RUN) and i + 1 not in out:
            out.add(i + 1)
            stack.append(i + 1)
    return frozenset(out)


def _step(pattern: str, positions: frozenset[int], char: str) -> frozenset[int]:
    after: set[int] = set()
    for i in positions:
        if i < len(pattern):
            token = pattern[i]
            if token == "*" or (token == PART_RUN and char != ":"):
                after.add(i)
            elif token == "?" or token == char or (token == PART_ONE and char != ":"):
                after.add(i + 1)
    return _close(pattern, after) if after else frozenset()


def _accepts(pattern: str, positions: frozenset[int]) -> bool:
    return len(pattern) in positions


def _always(pattern: str, positions: frozenset[int]) -> bool:
    """Whether every continuation is accepted: a position before a run of ``*`` that ends the pattern (at the
    end itself, the next character ends the match)."""
    return any(i < len(pattern) and set(pattern[i:]) == {"*"} for i in positions)


@lru_cache(maxsize=4096)
def role_witness(any_of: tuple[tuple[str, ...], ...], none_of: tuple[str, ...], kind: str = "role") -> str | None:
    """A shortest role ARN (``arn:aws:iam::<12 digits>:role/<path/><name>``, as IAM allows them) that
    matches at least one pattern of every group in ``any_of`` and none of the patterns in ``none_of``; None
    when there is none (or the search grows past its limit). ``kind`` "user" asks for a user ARN instead."""
    patterns = [p for group in any_of for p in group] + list(none_of)
    used = {c for p in patterns for c in p if c not in _WILD}
    filler = next((c for c in [*_FILLERS, *sorted(_NAME_CHARACTERS)] if c not in used), None)
    digit = next((c for c in "0123456789" if c not in used), "0")  # stands for every digit no pattern names
    alphabet = [*([filler] if filler else []), *sorted(used | set(f"{_PREFIX}:{kind}/{digit}"))]
    groups: list[range] = []
    at = 0
    for group in any_of:
        groups.append(range(at, at + len(group)))
        at += len(group)
    negatives = range(at, len(patterns))
    start = (0, tuple(_close(p, {0}) for p in patterns))
    seen = {start}
    queue: deque[tuple[tuple[int, tuple[frozenset[int], ...]], str]] = deque([(start, "")])
    while queue:
        (shape, states), text = queue.popleft()
        if shape == _NAMED and _satisfied(patterns, states, groups, negatives):
            return text
        for char in _choices(kind, shape, alphabet):
            after_shape = _shape_step(kind, shape, char)
            if after_shape == _DEAD:
                continue
            after = tuple(_step(p, s, char) for p, s in zip(patterns, states, strict=True))
            if not _possible(patterns, after, groups, negatives):
                continue
            state = (after_shape, after)
            if state in seen:
                continue
            if len(seen) >= _LIMIT:
                return None
            seen.add(state)
            queue.append((state, text + char))
    return None


def _choices(kind: str, shape: int, alphabet: Sequence[str]) -> Sequence[str]:
    """The characters worth trying in a shape state: the one the fixed part requires, a digit of the account."""
    if shape < 0:
        return alphabet
    expected = _fixed_char(kind, shape)
    if expected is None:
        return [c for c in alphabet if c.isdigit() and c.isascii()]
    return expected


def _satisfied(patterns: Sequence[str], states: tuple[frozenset[int], ...], groups: Sequence[range],
               negatives: range) -> bool:
    return (all(any(_accepts(patterns[i], states[i]) for i in group) for group in groups)
            and not any(_accepts(patterns[i], states[i]) for i in negatives))


def _possible(patterns: Sequence[str], states: tuple[frozenset[int], ...], groups: Sequence[range],
              negatives: range) -> bool:
    """Whether some continuation may still satisfy the patterns: every group has a live pattern and no
    pattern to avoid accepts every continuation."""
    return (all(any(states[i] for i in group) for group in groups)
            and not any(_always(patterns[i], states[i]) for i in negatives))
