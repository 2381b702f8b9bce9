"""The rule checks: each role, group or user against a rule, decided on representative requests.

``role-trust`` (a role in a project account): a violation is a caller outside the rule's allow list whom
the trust policy lets assume the role — the caller's own account is assumed to grant it, as an outsider
controls its own identity policies. ``identity-assume`` (a group or user in the login account): a violation
is a role ARN outside the allow list on which the effective identity policies allow ``sts:AssumeRole``,
Deny statements taken into account. Every finding carries the request that proves it.

One module per check (:mod:`.role_trust`, :mod:`.identity_assume`), registered by name in :data:`CHECKS`;
:mod:`._memo` holds what the identity-assume checks of one account share, and :mod:`._verdicts` the
violations, verdicts and findings they produce.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime

from ..evaluate import utc_now
from ..findings import Finding
from ..inventory import Account
from ..rules import Check, Rule, RuleSet
from ._verdicts import LOGIN_TRUST, OUTSIDER_IDENTITY, AssumeVerdict, TrustVerdict, Violation
from .identity_assume import assume_violations, check_principal, run_identity_assume
from .role_trust import check_role, run_role_trust, trust_violations

__all__ = [
    "CHECKS",
    "LOGIN_TRUST",
    "OUTSIDER_IDENTITY",
    "AssumeVerdict",
    "TrustVerdict",
    "Violation",
    "assume_violations",
    "check_account",
    "check_principal",
    "check_role",
    "trust_violations",
]

CheckFn = Callable[[Rule, Account, RuleSet, datetime, date], tuple[list[Finding], list[str], tuple[str, ...]]]


CHECKS: Mapping[Check, CheckFn] = {
    Check.ROLE_TRUST: run_role_trust,
    Check.IDENTITY_ASSUME: run_identity_assume,
}


def check_account(rules: RuleSet, account: Account, *, now: datetime | None = None,
                  today: date | None = None) -> tuple[list[Finding], list[str], dict[str, tuple[str, ...]]]:
    """Run every rule that applies to this account: role-trust on project accounts, identity-assume on the
    login account. Returns the findings, notes on what could not be checked, and the ARNs of the roles,
    groups and users each rule checked (compliant ones included)."""
    moment = now or utc_now()
    day = today or moment.date()
    findings: list[Finding] = []
    notes: list[str] = []
    checked: dict[str, tuple[str, ...]] = {}
    for rule in rules.rules:
        if rule.check is Check.ROLE_TRUST and account.id == rules.login:
            continue
        if rule.check is Check.IDENTITY_ASSUME and account.id != rules.login:
            continue
        got, more, arns = CHECKS[rule.check](rule, account, rules, moment, day)
        findings += got
        notes += more
        checked[rule.id] = checked.get(rule.id, ()) + arns
    return findings, notes, checked
