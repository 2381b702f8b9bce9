"""The public API for checks in your own code and tests: load rules, check one policy document, check snapshots.

Nothing here talks to AWS or needs credentials; every function returns values (findings, a report) and
raises :class:`~xtrust.errors.XtrustError` subclasses on bad input::

    from xtrust import load_rules, check_trust_policy, check_identity_policy, check_snapshots

    rules = load_rules("rules/xtrust.yaml")
    findings = check_trust_policy(document, "arn:aws:iam::123456789012:role/Admin", rules)
    for finding in findings:
        print(finding.rule, finding.counterexample.in_words())

A document is a dict, JSON text (URL-encoded as IAM returns it is fine) or a parsed
:class:`~xtrust.model.Policy`. Each finding carries the request that proves it (``counterexample``) and the
JSON pointers of the statements that let it through (``statements``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from .checks import check_account
from .errors import InputError
from .findings import Finding, Report
from .inventory import Account, Group, InlinePolicy, Role, User
from .model import PolicyInput, PolicyKind, parse_policy
from .rules import RuleSet, load_rules, parse_rules
from .scan import scan_snapshots

__all__ = [
    "INLINE_NAME",
    "check_identity_policy",
    "check_snapshots",
    "check_trust_policy",
    "load_rules",
    "rules_from_text",
]

INLINE_NAME = "document"  # the inline policy name a checked identity document is given


def rules_from_text(text: str, source: str = "<rules>") -> RuleSet:
    """Rules from YAML text (the rules-file format), validated as :func:`load_rules` does."""
    return parse_rules(text, source)


def _split_arn(arn: str, kinds: tuple[str, ...]) -> tuple[str, str, str, str]:
    """(account, kind, path, name) of an IAM ARN such as ``arn:aws:iam::123456789012:role/path/Name``."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "iam" or not parts[4].isdigit() or "/" not in parts[5]:
        raise InputError(f"{arn!r} is not an IAM {' or '.join(kinds)} ARN (arn:aws:iam::<account>:<kind>/<name>)")
    kind, rest = parts[5].split("/", 1)
    if kind not in kinds or not rest or rest.endswith("/"):
        raise InputError(f"{arn!r} is not an IAM {' or '.join(kinds)} ARN")
    path, _, name = rest.rpartition("/")
    return parts[4], kind, f"/{path}/" if path else "/", name


def check_trust_policy(document: PolicyInput, role_arn: str, rules: RuleSet, *,
                       now: datetime | None = None) -> tuple[Finding, ...]:
    """Check one role's trust policy against every ``role-trust`` rule that covers the role (its scope,
    exemptions and per-role allow lists apply as in a scan). Returns the findings; none means compliant."""
    account, _, path, name = _split_arn(role_arn, ("role",))
    if account == rules.login:
        raise InputError(f"{role_arn}: role-trust rules check roles in project accounts, not the login account")
    trust = parse_policy(document, kind=PolicyKind.TRUST, source=f"{role_arn} trust policy")
    role = Role(arn=role_arn, name=name, path=path, trust=trust)
    findings, _, _ = check_account(rules, Account(id=account, source=role_arn, roles=(role,)), now=now)
    return tuple(findings)


def check_identity_policy(document: PolicyInput, principal_arn: str, rules: RuleSet, *,
                          now: datetime | None = None) -> tuple[Finding, ...]:
    """Check one identity policy, as if it were the only policy of a group or user in the login account,
    against every ``identity-assume`` rule that covers that principal. Returns the findings."""
    account, kind, path, name = _split_arn(principal_arn, ("group", "user"))
    if account != rules.login:
        raise InputError(f"{principal_arn}: identity-assume rules check groups and users of the login account "
                         f"{rules.login}")
    policy = parse_policy(document, kind=PolicyKind.IDENTITY, source=f"{principal_arn} {INLINE_NAME}")
    inline = (InlinePolicy(INLINE_NAME, policy),)
    holder: Group | User
    if kind == "group":
        holder = Group(arn=principal_arn, name=name, path=path, inline=inline)
        data = Account(id=account, source=principal_arn, groups=(holder,))
    else:
        holder = User(arn=principal_arn, name=name, path=path, inline=inline)
        data = Account(id=account, source=principal_arn, users=(holder,))
    findings, _, _ = check_account(rules, data, now=now)
    return tuple(findings)


def check_snapshots(rules: RuleSet, paths: Iterable[str | Path], *, now: datetime | None = None,
                    require_all: bool = False, jobs: int = 1) -> Report:
    """Scan snapshot files (one ``get-account-authorization-details`` JSON per account). Unlike
    ``xtrust scan``, accounts of the rules left without a snapshot are not errors unless ``require_all``.
    ``jobs`` above 1 checks that many files at once in forked processes (see ``scan_snapshots``)."""
    return scan_snapshots(rules, paths, now=now, require_all=require_all, jobs=jobs)
