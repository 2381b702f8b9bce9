"""Fixing a role's trust policy: the smallest change that lets only the allowed principals assume it.

Candidates, smallest change first; the first that :func:`xtrust.verify.verify_trust` accepts is offered:

1. drop the principals outside the allow list and keep the allowed ones; narrow ``*`` (and a whole account
   of which only some principals are allowed) to the allowed principals; remove a statement left with no
   principal;
2. keep ``*`` and add a condition on ``aws:PrincipalAccount`` (``StringEqualsIfExists`` when AWS services
   may assume the role: a service call carries no principal account);
3. add a Deny statement for every principal outside the allowed accounts (``NotPrincipal`` and conditions
   that cannot be edited surgically), exempting the AWS services the rule allows.

Sids, statement order and untouched statements are kept as written.
(IAM: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalaccount.)
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..callers import ASSUME_ROLE, parse_caller
from ..checks import trust_violations
from ..errors import PolicyError
from ..findings import Finding
from ..inventory import Role
from ..model import Effect, Policy, PolicyKind, PrincipalForm, PrincipalKind, Statement
from ..representatives import allowed_principal
from ..rules import Rule, RuleSet, TrustAllow
from ..verify import Quotas, verify_trust
from ._documents import canonical_entry, entry_account, is_account_entry, one_or_list, rebuild
from .values import Fix, Manual, Operation

__all__ = ["TRUST_DENY_SID", "plan_trust"]

TRUST_DENY_SID = "DenyOutsideAllowList"


@dataclass(frozen=True)
class _TrustContext:
    role: Role
    allow: TrustAllow
    entries: tuple[str, ...]

    def allowed_caller(self, arn: str) -> bool:
        try:
            caller = parse_caller(arn)
        except ValueError:
            return False
        return allowed_principal(caller, self.entries, self.allow.services, self.allow.federated)


def _narrow_principal_block(statement: Statement, ctx: _TrustContext) -> tuple[Any, list[str]] | None:
    """The statement's ``Principal`` with disallowed principals dropped (``*`` and partly allowed accounts
    narrowed to the allowed principals): ``(new value or None when nothing is left, what changed)``.
    None when the statement cannot be edited this way."""
    block = statement.principal
    if block is None:
        return None
    written = block.to_json()
    kinds: dict[str, list[str]] = {}
    scalar: dict[str, bool] = {}
    if written == "*":
        scalar["AWS"] = True
    else:
        for kind, values in written.items():
            kinds[kind] = []
            scalar[kind] = isinstance(values, str)
    changes: list[str] = []
    wanted_services = [s for s in ctx.allow.services if s != "*"]
    for principal in block.principals:
        kind = principal.kind.value
        kinds.setdefault(kind, [])
        if principal.form is PrincipalForm.ANY:
            narrowed = [canonical_entry(e) for e in ctx.entries]
            kinds["AWS"].extend(narrowed)
            if wanted_services:
                kinds.setdefault("Service", []).extend(wanted_services)
                scalar.setdefault("Service", True)
            changes.append(f"narrowed \"*\" to {', '.join(narrowed + wanted_services) or 'nobody'}")
        elif principal.kind is PrincipalKind.AWS and principal.form is PrincipalForm.ACCOUNT:
            probes = [f"arn:aws:iam::{principal.account}:user/any", f"arn:aws:iam::{principal.account}:role/any"]
            if all(ctx.allowed_caller(p) for p in probes):
                kinds[kind].append(principal.value)
                continue
            inside = [e for e in ctx.entries if entry_account(e) == principal.account and not is_account_entry(e)]
            kinds[kind].extend(inside)
            changes.append(f"narrowed account {principal.value} to {', '.join(inside)}" if inside
                           else f"dropped {principal.value}")
        elif principal.kind is PrincipalKind.AWS and principal.form is PrincipalForm.UNIQUE_ID:
            kinds[kind].append(principal.value)  # a deleted principal matches nobody: not this fix's business
        elif principal.kind is PrincipalKind.AWS:
            if ctx.allowed_caller(principal.canonical):
                kinds[kind].append(principal.value)
            else:
                changes.append(f"dropped {principal.value}")
        elif principal.kind is PrincipalKind.SERVICE:
            if any(s == "*" or s.lower() == principal.value.lower() for s in ctx.allow.services):
                kinds[kind].append(principal.value)
            else:
                changes.append(f"dropped service {principal.value}")
        elif principal.kind is PrincipalKind.FEDERATED:
            if any(f == "*" or f.lower() == principal.value.lower() for f in ctx.allow.federated):
                kinds[kind].append(principal.value)
            else:
                changes.append(f"dropped federated provider {principal.value}")
        else:
            kinds[kind].append(principal.value)
    if not changes:
        return None
    out = {k: one_or_list(list(dict.fromkeys(v)), scalar.get(k, True)) for k, v in kinds.items() if v}
    return (out or None), changes


def _with_condition(
    statement: Mapping[str, Any], operator: str, key: str, values: Sequence[str]
) -> dict[str, Any] | None:
    """The statement with ``operator: {key: values}`` added; None when the key is already conditioned."""
    out = dict(statement)
    block = {op: dict(entries) for op, entries in (out.get("Condition") or {}).items()}
    if any(k.lower() == key.lower() for entries in block.values() for k in entries):
        return None
    block.setdefault(operator, {})[key] = one_or_list(list(values), True)
    out["Condition"] = block
    return out


def _trust_deny(ctx: _TrustContext, actions: Sequence[str]) -> dict[str, Any]:
    """Deny every principal outside the allowed accounts/principals, exempting the allowed AWS services."""
    condition: dict[str, Any] = {}
    if all(is_account_entry(e) for e in ctx.entries):
        accounts = list(dict.fromkeys(entry_account(e) for e in ctx.entries))
        condition["StringNotEquals"] = {"aws:PrincipalAccount": one_or_list(accounts, True)}
    else:
        patterns = [f"arn:aws:iam::{entry_account(e)}:*" if is_account_entry(e) else e for e in ctx.entries]
        condition["ArnNotLike"] = {"aws:PrincipalArn": one_or_list(list(dict.fromkeys(patterns)), True)}
    if "*" in ctx.allow.services:
        condition["BoolIfExists"] = {"aws:PrincipalIsAWSService": "false"}
    elif ctx.allow.services:
        services = one_or_list(list(ctx.allow.services), True)
        condition["StringNotEqualsIfExists"] = {"aws:PrincipalServiceName": services}
    return {"Sid": TRUST_DENY_SID, "Effect": "Deny", "Principal": {"AWS": "*"},
            "Action": one_or_list(list(actions), True), "Condition": condition}


def _trust_candidates(trust: Policy, offending: set[int], ctx: _TrustContext) -> list[tuple[str, Policy]]:
    """Candidate trust documents, smallest change first: ``(what changed, document)``."""
    originals = [s.to_json() for s in trust.statements]
    out: list[tuple[str, Policy]] = []

    def build(statements: Sequence[Mapping[str, Any] | None], summary: str) -> None:
        kept = [s for s in statements if s is not None]
        if not kept:
            return  # a trust policy needs a statement; this is no fix
        with contextlib.suppress(PolicyError):  # not a document IAM would take: no candidate
            out.append((summary, rebuild(trust, kept, PolicyKind.TRUST)))

    # 1. drop / narrow principals; remove statements left with none
    edited: list[Mapping[str, Any] | None] = list(originals)
    notes: list[str] = []
    surgical = True
    for index in sorted(offending):
        statement = trust.statements[index]
        narrowed = _narrow_principal_block(statement, ctx) if statement.effect is Effect.ALLOW else None
        if narrowed is None:
            surgical = False
            break
        block, changes = narrowed
        label = f"/Statement/{index}" + (f" ({statement.sid})" if statement.sid else "")
        if block is None:
            edited[index] = None
            notes.append(f"removed {label}, left with no principal")
        else:
            edited[index] = {**originals[index], "Principal": block}
            notes.append(f"{label}: {'; '.join(changes)}")
    if surgical:
        build(edited, "; ".join(notes))

    # 2. "*" kept, with a condition on aws:PrincipalAccount
    if all(is_account_entry(e) for e in ctx.entries) and ctx.entries:
        accounts = list(dict.fromkeys(entry_account(e) for e in ctx.entries))
        for operator in ("StringEquals", "StringEqualsIfExists"):
            conditioned: list[Mapping[str, Any] | None] = list(originals)
            ok = True
            for index in sorted(offending):
                statement = trust.statements[index]
                principal = statement.principal
                if statement.effect is not Effect.ALLOW or principal is None or not principal.is_any:
                    ok = False
                    break
                changed = _with_condition(originals[index], operator, "aws:PrincipalAccount", accounts)
                if changed is None:
                    ok = False
                    break
                conditioned[index] = changed
            if ok:
                build(conditioned, f"added {operator} aws:PrincipalAccount {', '.join(accounts)} to "
                                   + ", ".join(f"/Statement/{i}" for i in sorted(offending)))

    # 3. a Deny statement for everyone outside the allow list
    actions: list[str] = []
    for index in sorted(offending):
        statement = trust.statements[index]
        if statement.action is not None:
            actions.extend(statement.action.values)
        else:
            actions.append("sts:*")
    if ctx.entries:
        deny = _trust_deny(ctx, list(dict.fromkeys(actions)) or [ASSUME_ROLE])
        build([*originals, deny], f"added Deny statement {TRUST_DENY_SID} for principals outside the allow list")
    return out


def plan_trust(finding: Finding, role: Role, rule: Rule, rules: RuleSet, quotas: Quotas,
                now: datetime) -> Fix | Manual:
    assert isinstance(rule.allow, TrustAllow)
    known = (rules.login, *rules.projects)
    ctx = _TrustContext(role, rule.allow, rule.allow.principals_for(role.name))
    if role.service_linked:
        return Manual(finding.id, finding.account, finding.resource,
                      "a service-linked role's trust policy cannot be edited")
    verdict = trust_violations(role.trust, role.arn, rule.allow, known_accounts=known, now=now)
    offending = {ref.index for v in verdict.violations for ref in v.allows}
    if not offending:
        return Manual(finding.id, finding.account, finding.resource, "the finding no longer holds on this data")
    reasons: list[str] = []
    for summary, candidate in _trust_candidates(role.trust, offending, ctx):
        problem = verify_trust(role.trust, candidate, role.arn, rule.allow, known_accounts=known, now=now,
                               quota=quotas.trust)
        if not problem:
            return Fix(finding.id, finding.account, finding.resource, Operation.UPDATE_ASSUME_ROLE_POLICY,
                       role.name, role.trust, candidate, summary)
        reasons.append(f"{summary}: {problem}")
    reason = reasons[-1] if reasons else "no candidate change keeps the document valid"
    return Manual(finding.id, finding.account, finding.resource, f"no verified fix ({reason})")

