"""What a set of policies mentions that can tell requests apart, and values no policy mentions."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .._frozen import frozen
from .._glob import has_wildcard
from ..callers import Caller, is_account_id
from ..model import Condition, Policy

__all__ = [
    "ARN_PARTS",
    "FRESH",
    "Candidate",
    "Constants",
    "collect_constants",
    "fresh_account",
    "instantiate",
    "instantiate_accounts",
]

FRESH = "xtrust-fresh"
ARN_PARTS = re.compile(r"^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)$", re.DOTALL)


@frozen
class Candidate:
    """A caller and an action to try against a trust policy."""

    caller: Caller
    action: str


@dataclass
class Constants:
    """Everything a set of policies mentions that can tell requests apart."""

    accounts: set[str]
    conditions: list[Condition]
    resources: list[str]

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
    for condition in conditions:
        if condition.key_lower in ("aws:principalaccount", "aws:sourceaccount"):
            accounts.update(instantiate_accounts(condition.values))
        elif condition.key_lower in ("aws:principalarn", "aws:sourcearn"):
            for value in condition.values:
                parts = ARN_PARTS.match(value)
                if parts:
                    accounts.update(instantiate_accounts([parts.group(4)]))
    for resource in resources:
        parts = ARN_PARTS.match(resource)
        if parts:
            accounts.update(instantiate_accounts([parts.group(4)]))
    return Constants(accounts, conditions, resources)


def fresh_account(used: Iterable[str]) -> str:
    """An account ID that appears nowhere in the policies or rules: a stranger."""
    taken = set(used)
    number = 555555555555
    while str(number) in taken:
        number += 1
    return str(number)


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
