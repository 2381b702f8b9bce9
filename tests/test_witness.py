"""role_witness: a role ARN that matches a pattern of each group and none of the others, found exactly.

Checked against the regular-expression oracle of tests/test_glob.py and, for completeness, against every
role ARN of a small universe: when one of them satisfies the patterns, a witness must be found."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_glob import oracle
from xtrust._witness import role_witness

ACCOUNTS = ("123456789012", "210987654321", "000000000000")
ROLE_ARN = re.compile(r"arn:aws:iam::\d{12}:role/(?:[\x21-\x7e]*/)?[A-Za-z0-9+=,.@_-]+")
NAMES = ["".join(p) for n in (1, 2, 3) for p in itertools.product("abz", repeat=n)]
UNIVERSE = [f"arn:aws:iam::{a}:role/{path}{n}" for a in ACCOUNTS for path in ("", "a/", "b/z/") for n in NAMES]

name_patterns = st.text(alphabet="abz/*?", min_size=1, max_size=4)
patterns = st.one_of(
    st.builds(lambda a, n: f"arn:aws:iam::{a}:role/{n}", st.sampled_from((*ACCOUNTS, "*", "12345678901?")),
              name_patterns),
    name_patterns.map(lambda n: "*" + n),
    st.just("*"),
)


def satisfies(arn: str, any_of: tuple[tuple[str, ...], ...], none_of: tuple[str, ...]) -> bool:
    return (all(any(oracle(p, arn) for p in group) for group in any_of)
            and not any(oracle(p, arn) for p in none_of))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(patterns, min_size=1, max_size=2).map(tuple), max_size=2).map(tuple),
       st.lists(patterns, max_size=3).map(tuple))
def test_a_witness_satisfies_the_patterns_and_one_is_found_when_one_exists(
        any_of: tuple[tuple[str, ...], ...], none_of: tuple[str, ...]) -> None:
    found = role_witness(any_of, none_of)
    if found is not None:
        assert ROLE_ARN.fullmatch(found), found
        assert satisfies(found, any_of, none_of)
    else:
        assert not any(satisfies(arn, any_of, none_of) for arn in UNIVERSE)


@pytest.mark.parametrize(("any_of", "none_of", "expected"), [
    # role/* less role/a*: the fresh name "any" is denied, "z" is not
    ((("arn:aws:iam::123456789012:role/*",),), ("arn:aws:iam::123456789012:role/a*",),
     "arn:aws:iam::123456789012:role/z"),
    # two patterns that meet only on a name neither suggests
    ((("arn:aws:iam::123456789012:role/team/*",), ("*/Admin",)), (), "arn:aws:iam::123456789012:role/team/Admin"),
    ((("*",),), ("*",), None),
    ((("arn:aws:iam::123456789012:role/Adm?n",),), ("arn:aws:iam::123456789012:role/Admin",),
     "arn:aws:iam::123456789012:role/Admzn"),
    # a role name has no ${, } or $: a literal variable under Version 2008 names no role
    ((("arn:aws:iam::123456789012:role/${aws:username}",),), (), None),
    ((("arn:aws:iam::12345678901?:role/x",),), ("arn:aws:iam::123456789010:*",),
     "arn:aws:iam::123456789011:role/x"),
])
def test_witness_table(any_of: tuple[tuple[str, ...], ...], none_of: tuple[str, ...], expected: str | None) -> None:
    assert role_witness(any_of, none_of) == expected
