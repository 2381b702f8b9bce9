"""IAM wildcard matching against a regular-expression oracle: ``*`` any run (``/`` and ``:`` too), ``?`` one
character, everything else literal (reference_policies_elements_resource, …_action)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xtrust._glob import glob_any, glob_match
from xtrust.checks._memo import contained

ALPHABET = "ab/:*?"


def oracle(pattern: str, value: str, ignore_case: bool = False) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.DOTALL | (re.IGNORECASE if ignore_case else 0)) is not None


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=8), st.text(alphabet="ab/:*?Ab", max_size=10), st.booleans())
def test_glob_agrees_with_the_regex_oracle(pattern: str, value: str, ignore_case: bool) -> None:
    assert glob_match(pattern, value, ignore_case) == oracle(pattern, value, ignore_case)


@pytest.mark.parametrize(("pattern", "value", "expected"), [
    ("arn:aws:iam::123456789012:role/Admin", "arn:aws:iam::123456789012:role/Admin", True),
    ("arn:aws:iam::123456789012:role/Admin", "arn:aws:iam::123456789012:role/admin", False),
    ("arn:aws:iam::123456789012:role/*", "arn:aws:iam::123456789012:role/team/Admin", True),
    ("arn:aws:iam::*:role/Admin", "arn:aws:iam::555555555555:role/Admin", True),
    ("arn:aws:iam::*:role/Admin", "arn:aws:iam::555555555555:role/team/Admin", False),
    ("arn:aws:iam::123456789012:role/Adm?n", "arn:aws:iam::123456789012:role/Admzn", True),
    ("arn:aws:iam::123456789012:role/Adm?n", "arn:aws:iam::123456789012:role/Admn", False),
    ("*Admin", "arn:aws:iam::1:role/Admin", True),
    ("a*b*a", "aba", True),
    ("a*b*a", "ab", False),
    ("*", "", True),
    ("?", "", False),
], ids=lambda v: v if isinstance(v, str) else "")
def test_glob_table(pattern: str, value: str, expected: bool) -> None:
    assert glob_match(pattern, value) is expected


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(alphabet=ALPHABET, max_size=6), min_size=1, max_size=4),
       st.text(alphabet="ab/:*?", max_size=8))
def test_glob_any_is_true_when_one_pattern_matches(patterns: list[str], value: str) -> None:
    """glob_any splits the patterns by kind (literal, "prefix*", others) and matches each kind its own way."""
    assert bool(glob_any(tuple(patterns))(value)) == any(oracle(p, value) for p in patterns)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=6), st.lists(st.text(alphabet=ALPHABET, max_size=6), min_size=1, max_size=3),
       st.lists(st.text(alphabet="ab/:", max_size=8), min_size=1, max_size=6))
def test_a_pattern_said_to_be_inside_others_matches_nothing_they_do_not(
        pattern: str, patterns: list[str], values: list[str]) -> None:
    """identity-assume leaves out the Allow patterns an allow list contains whole (checks._memo.contained): what
    such a pattern matches must be matched by the list — the property that makes leaving them out exact."""
    if not contained(pattern, tuple(patterns)):
        return
    for value in [*values, pattern.replace("*", ""), pattern.replace("*", "a/b"), pattern.replace("?", "a")]:
        if oracle(pattern, value):
            assert any(oracle(p, value) for p in patterns), (pattern, patterns, value)


@pytest.mark.parametrize(("pattern", "patterns", "inside"), [
    ("arn:aws:iam::1:role/team-a-*", ("arn:aws:iam::1:role/team-*",), True),
    ("arn:aws:iam::1:role/team-*", ("arn:aws:iam::1:role/team-a-*",), False),
    ("arn:aws:iam::1:role/Admin", ("arn:aws:iam::1:role/Admin",), True),
    ("arn:aws:iam::1:role/Admin", ("arn:aws:iam::*:role/Adm?n",), True),
    ("arn:aws:iam::1:role/teams/*", ("arn:aws:iam::1:role/team-*",), False),
    ("arn:aws:iam::1:role/Adm?n", ("arn:aws:iam::1:role/*",), True),
    ("arn:aws:iam::1:role/Adm?n", ("arn:aws:iam::1:role/Adm?n",), False),  # sound, not complete
    ("arn:aws:iam::1:role/${aws:username}", ("*",), True),  # whatever the variable resolves to
    ("arn:aws:iam::1:role/${aws:username}", ("arn:aws:iam::1:role/a*",), False),
    ("arn:aws:iam::1:role/team-${aws:username}", ("arn:aws:iam::1:role/team-*",), True),
    ("arn:aws:iam::1:role/team-0771-*-?", ("arn:aws:iam::1:role/team-*",), True),
    ("arn:aws:iam::1:role/team?", ("arn:aws:iam::1:role/team-*",), False),
    ("*", ("*",), True),
    ("arn:aws:iam::1:role/x*", ("*",), True),
])
def test_contained_table(pattern: str, patterns: tuple[str, ...], inside: bool) -> None:
    assert contained(pattern, patterns) is inside
