"""What a set of policies mentions that can tell requests apart, and values no policy mentions."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .._frozen import frozen
from .._glob import glob_match, has_wildcard
from ..callers import Caller, is_account_id
from ..conditions import _date, _number
from ..model import Condition, Policy

__all__ = [
    "ARN_PARTS",
    "FRESH",
    "Candidate",
    "Constants",
    "collect_constants",
    "fresh_account",
    "fresh_name",
    "instantiate",
    "instantiate_accounts",
]

FRESH = "xtrust-fresh"
# Keys whose value is an account ID, and keys whose value is an ARN with one: what they are compared with
# names accounts a request can come from or go to.
ACCOUNT_KEYS = ("aws:principalaccount", "aws:sourceaccount", "aws:resourceaccount")
ARN_KEYS = ("aws:principalarn", "aws:sourcearn")
ARN_PARTS = re.compile(r"^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)$", re.DOTALL)


@frozen
class Candidate:
    """A caller and an action to try against a trust policy."""

    caller: Caller
    action: str


@dataclass
class Constants:
    """Everything a set of policies mentions that can tell requests apart: the accounts (patterns
    instantiated), the conditions, the resources, and the account patterns a fresh account must stay out of."""

    accounts: set[str]
    conditions: list[Condition]
    resources: list[str]
    patterns: set[str] = field(default_factory=set)

    def keys(self) -> list[str]:
        return sorted({c.key_lower for c in self.conditions})


def collect_constants(policies: Iterable[Policy]) -> Constants:
    accounts: set[str] = set()
    conditions: list[Condition] = []
    resources: list[str] = []
    for policy in policies:
        for statement in policy.statements:
            for block in (statement.principal, statement.not_principal):
                for principal in block.principals if block else ():
                    if principal.account:
                        accounts.add(principal.account)
            for items in (statement.resource, statement.not_resource):
                resources.extend(items.values if items else ())
            conditions.extend(statement.conditions)
    patterns: set[str] = set()
    for condition in conditions:
        if condition.key_lower in ACCOUNT_KEYS:
            accounts.update(instantiate_accounts(condition.values))
            patterns.update(v for v in condition.values if has_wildcard(v))
            if condition.operator.base.name.startswith(("Numeric", "Date")):  # an account ID read as a number
                accounts.update(_numeric_accounts(condition.values, dates=condition.operator.base.name[0] == "D"))
        elif condition.key_lower in ARN_KEYS:
            for value in condition.values:
                parts = ARN_PARTS.match(value)
                if parts:
                    accounts.update(instantiate_accounts([parts.group(4)]))
                    if has_wildcard(parts.group(4)):
                        patterns.add(parts.group(4))
    for resource in resources:
        parts = ARN_PARTS.match(resource)
        if parts:
            accounts.update(instantiate_accounts([parts.group(4)]))
    return Constants(accounts, conditions, resources, patterns)


def fresh_account(used: Iterable[str], avoid: Iterable[str] = ()) -> str:
    """An account ID that appears nowhere in the policies or rules, and that none of the account patterns
    ``avoid`` matches (``StringNotLike aws:PrincipalAccount "5*"``): a stranger. When every account tried is
    caught by a pattern, the first one not used: the exact searches (_witness) look for the rest."""
    taken = set(used)
    patterns = [p for p in avoid if p]
    if patterns:
        for first in "5432167890":
            number = int(first * 12)
            for text in (f"{n:012d}" for n in range(number, number + 16)):
                if text not in taken and not any(glob_match(p, text) for p in patterns):
                    return text
    number = 555555555555
    while str(number) in taken:
        number += 1
    return str(number)


def fresh_name(caught: Callable[[str], bool]) -> str | None:
    """The first name (or text) that ``caught`` lets go, trying a few unlike each other, then every name of one
    and two characters (letters, digits and +=,.@_-, which IAM names and tag values allow); None when it
    catches them all."""
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+=,.@_-"
    names = itertools.chain(("any", "xtrust-member", "q", "Z0", "member+1", "m@example.com"), alphabet,
                            ("".join(pair) for pair in itertools.product(alphabet, repeat=2)))
    return next((name for name in names if not caught(name)), None)


def _numeric_accounts(values: Iterable[str], *, dates: bool = False) -> set[str]:
    """The account IDs a Numeric operator tells apart around each of ``values``: the whole number at or
    below it, the one below that and the one above (``NumericLessThan aws:PrincipalAccount 100000000000``
    lets 099999999999 in), those that twelve digits can write. A Date operator reads an account ID as
    epoch seconds, and a value as a time (``dates``)."""
    out: set[str] = set()
    for value in values:
        number = _date(value) if dates else _number(value)
        if number is None or not -1 <= number <= 10 ** 12:  # no account around it (nor around NaN)
            continue
        whole = math.floor(number)
        out.update(f"{n:012d}" for n in (whole - 1, whole, whole + 1) if 0 <= n < 10 ** 12)
    return out


def instantiate_accounts(patterns: Iterable[str]) -> set[str]:
    out = set()
    for pattern in patterns:
        if is_account_id(pattern):
            out.add(pattern)
        elif has_wildcard(pattern) and "${" not in pattern:
            for filler, single in (("", "0"), ("9", "9")):
                text = pattern.replace("?", single)
                if "*" in text:
                    need = 12 - len(text.replace("*", ""))
                    text = text.replace("*", filler * max(need, 0), 1).replace("*", "")
                if is_account_id(text):
                    out.add(text)
    return out


def instantiate(pattern: str, star: str, single: str) -> str:
    return pattern.replace("*", star).replace("?", single)
