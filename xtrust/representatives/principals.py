"""Candidate callers for a trust policy: one of each class of principal the policy could let in, and
whether a rule's allow list admits a caller."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from functools import lru_cache

from .._glob import glob_match
from ..callers import (
    ASSUME_ROLE,
    ASSUME_ROLE_WITH_SAML,
    ASSUME_ROLE_WITH_WEB_IDENTITY,
    Caller,
    CallerKind,
    parse_caller,
    whole_account,
)
from ..evaluate import _LITERALS, _VARIABLE
from ..model import Policy, PrincipalForm, PrincipalKind
from ._constants import ARN_PARTS, Candidate, collect_constants, fresh_account, instantiate, instantiate_accounts

__all__ = [
    "allowed_principal",
    "trust_candidates",
]


# Callers are frozen values: the same few (a stranger, each account's user and role) recur in every trust policy.
_caller = lru_cache(maxsize=65536)(parse_caller)


def trust_candidates(
    trust: Policy, project_account: str, known_accounts: Iterable[str], known_principals: Iterable[str] = ()
) -> list[Candidate]:
    """Callers whose decisions cover every caller (design notes): each principal the policy names, a user
    and a role session of every account it or the rules mention (the project account's own included), a
    stranger for ``*`` and ``NotPrincipal``, the services and identity providers named, and the ARNs that
    ``aws:PrincipalArn`` conditions name (patterns instantiated)."""
    constants = collect_constants([trust])
    accounts = sorted(constants.accounts | set(known_accounts) | {project_account})
    stranger = fresh_account(accounts)
    seen: set[tuple[str, str]] = set()
    out: list[Candidate] = []

    def add(arn: str, action: str = ASSUME_ROLE) -> None:
        if (arn, action) in seen:
            return
        seen.add((arn, action))
        with contextlib.suppress(ValueError):  # not a caller: an instantiated pattern that names no principal
            out.append(Candidate(_caller(arn, action), action))

    for account in [stranger, *accounts]:
        add(f"arn:aws:iam::{account}:user/any")
        add(f"arn:aws:iam::{account}:role/any")
    wide = False
    for statement in trust.statements:
        for block in (statement.principal, statement.not_principal):
            if block is None:
                continue
            wide = wide or statement.not_principal is block
            for principal in block.principals:
                if principal.form is PrincipalForm.ANY:
                    wide = True
                elif principal.form in (PrincipalForm.USER, PrincipalForm.ROLE, PrincipalForm.SESSION):
                    add(principal.canonical)
                elif principal.kind is PrincipalKind.SERVICE:
                    add(principal.value)
                elif principal.kind is PrincipalKind.FEDERATED:
                    for action in _federation_actions(principal.value):
                        add(principal.value, action)
    for condition in constants.conditions:
        if condition.key_lower == "aws:principalarn":
            for value in condition.values:
                for arn in _instantiate_arns(value, [stranger, *accounts]):
                    add(arn)
    for arn in known_principals:
        add(arn)
    if wide:
        add("xtrust-any.amazonaws.com")
        add(f"arn:aws:iam::{stranger}:saml-provider/any", ASSUME_ROLE_WITH_SAML)
        add("any.example.com", ASSUME_ROLE_WITH_WEB_IDENTITY)
    return out


def _instantiate_arns(pattern: str, accounts: Sequence[str]) -> list[str]:
    """Concrete ARNs a wildcard ARN pattern matches: the account part instantiated with every account it
    matches (a stranger's included), the rest with a fresh name, ``?`` with a letter or a digit."""
    # A variable may stand for anything here (${aws:PrincipalAccount}: each caller's own account); the
    # evaluator resolves it for each caller.
    pattern = _VARIABLE.sub(lambda found: _LITERALS.get(found.group(1), "*"), pattern)
    parts = ARN_PARTS.match(pattern)
    if not parts:
        return [instantiate(pattern, star, single) for star, single in (("any", "z"), ("", "0"))]
    partition, service, region, account, resource = parts.groups()
    owners = [a for a in accounts if glob_match(account, a)] or sorted(instantiate_accounts([account]))
    out = []
    for owner in owners:
        for star, single in (("any", "z"), ("", "0")):
            fixed = [instantiate(part, "aws" if part == partition else star, single)
                     for part in (partition, service, region)]
            if not fixed[0].startswith("aws"):
                fixed[0] = "aws"
            out.append(f"arn:{fixed[0]}:{fixed[1]}:{fixed[2]}:{owner}:{instantiate(resource, star, single)}")
    return out


def _federation_actions(provider: str) -> tuple[str, ...]:
    if ":saml-provider/" in provider:
        return (ASSUME_ROLE_WITH_SAML,)
    return (ASSUME_ROLE_WITH_WEB_IDENTITY,)


def allowed_principal(caller: Caller, entries: Iterable[str], services: Sequence[str],
                      federated: Sequence[str]) -> bool:
    """Whether a rule's allow list covers this caller (an account or root ARN covers all its principals)."""
    if caller.kind is CallerKind.SERVICE:
        return any(s == "*" or s.lower() == caller.name.lower() for s in services)
    if caller.kind is CallerKind.FEDERATED:
        return any(f == "*" or f.lower() == caller.name.lower() for f in federated)
    for entry in entries:
        account = whole_account(entry)
        if account is not None:
            if account == caller.account:
                return True
        elif ":assumed-role/" in entry:
            if glob_match(entry, caller.session_arn or caller.arn):
                return True
        elif ":role/" in entry and caller.kind is CallerKind.ROLE_SESSION:
            name = entry.rsplit("/", 1)[1]
            if entry.split(":")[4] == caller.account and (glob_match(name, caller.name) or
                                                           glob_match(entry, caller.principal_arn)):
                return True
        elif ":user/" in entry and caller.kind is CallerKind.USER and glob_match(entry, caller.principal_arn):
            return True
    return False
