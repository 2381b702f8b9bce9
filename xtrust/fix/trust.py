"""Fixing a role's trust policy: the smallest change that lets only the allowed principals assume it.

The statements edited are every one that lets a caller outside the allow list in under *some* request
context, not only those behind the first context the check found. Candidates, smallest change first; the
first that :func:`xtrust.verify.verify_trust` accepts is offered:

1. drop the principals outside the allow list and keep the allowed ones; narrow ``*`` (and a whole account
   of which only some principals are allowed) to the allowed principals; remove a statement left with no
   principal;
2. keep ``*`` and add a condition on ``aws:PrincipalAccount`` (``StringEqualsIfExists`` when AWS services
   may assume the role: a service call carries no principal account), the other statements edited as in 1.;
3. add a Deny statement for every principal outside the allowed accounts (``NotPrincipal`` and conditions
   that cannot be edited surgically), exempting the AWS services the rule allows.

Sids, statement order and untouched statements are kept as written.
(IAM: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalaccount.)
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from .._frozen import frozen
from ..callers import ASSUME_ROLE, parse_caller, parse_role
from ..checks import OUTSIDER_IDENTITY, TrustVerdict, trust_violations
from ..errors import PolicyError
from ..evaluate import build_context, decide
from ..findings import Finding
from ..inventory import Role
from ..model import Effect, Policy, PolicyKind, PrincipalForm, PrincipalKind, Statement
from ..representatives import allowed_principal, contexts
from ..rules import Rule, RuleSet, TrustAllow
from ..verify import Quotas, verify_trust
from ._documents import canonical_entry, entry_account, is_account_entry, one_or_list, rebuild
from .values import Fix, Manual, Operation

__all__ = ["TRUST_DENY_SID", "plan_trust"]

TRUST_DENY_SID = "DenyOutsideAllowList"


@frozen
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

    def narrowed_at(index: int) -> tuple[Mapping[str, Any] | None, str] | None:
        """Statement ``index`` with its disallowed principals dropped (None: removed), and the note."""
        statement = trust.statements[index]
        narrowed = _narrow_principal_block(statement, ctx) if statement.effect is Effect.ALLOW else None
        if narrowed is None:
            return None
        block, changes = narrowed
        label = f"/Statement/{index}" + (f" ({statement.sid})" if statement.sid else "")
        if block is None:
            return None, f"removed {label}, left with no principal"
        return {**originals[index], "Principal": block}, f"{label}: {'; '.join(changes)}"

    # 1. drop / narrow principals; remove statements left with none
    edited: list[Mapping[str, Any] | None] = list(originals)
    notes: list[str] = []
    for index in sorted(offending):
        narrowed = narrowed_at(index)
        if narrowed is None:
            break
        edited[index], note = narrowed
        notes.append(note)
    else:
        build(edited, "; ".join(notes))

    # 2. "*" kept, with a condition on aws:PrincipalAccount (the other statements narrowed as in 1.)
    if all(is_account_entry(e) for e in ctx.entries) and ctx.entries:
        accounts = list(dict.fromkeys(entry_account(e) for e in ctx.entries))
        for operator in ("StringEquals", "StringEqualsIfExists"):
            conditioned: list[Mapping[str, Any] | None] = list(originals)
            starred: list[int] = []
            narrowings: list[str] = []
            for index in sorted(offending):
                statement = trust.statements[index]
                principal = statement.principal
                if statement.effect is Effect.ALLOW and principal is not None and principal.is_any:
                    changed = _with_condition(originals[index], operator, "aws:PrincipalAccount", accounts)
                    if changed is None:
                        break
                    conditioned[index] = changed
                    starred.append(index)
                    continue
                narrowed = narrowed_at(index)
                if narrowed is None:
                    break
                conditioned[index], note = narrowed
                narrowings.append(note)
            else:
                if starred:
                    build(conditioned, "; ".join([f"added {operator} aws:PrincipalAccount {', '.join(accounts)} to "
                                                  + ", ".join(f"/Statement/{i}" for i in starred), *narrowings]))

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


def _letting_through(trust: Policy, role_arn: str, verdict: TrustVerdict, now: datetime) -> set[int]:
    """The positions of every statement that lets a violating caller through under *some* request context.

    A violation carries the statements behind the first context that gets its caller through; another
    statement may let the same caller in under another condition (``aws:MultiFactorAuthPresent`` here,
    ``aws:SourceIp`` there: keys the caller controls). Each of them must be edited, or the edit of the first
    leaves the others open. Every context is tried, as the check tries them
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html: any Allow
    that applies, with no Deny, lets the request through).
    """
    role = parse_role(role_arn)
    conditions = [c for s in trust.statements for c in s.conditions]
    found = {ref.index for violation in verdict.violations for ref in violation.allows}
    seen: set[tuple[str, str]] = set()
    for violation in verdict.violations:
        caller, action = violation.caller, violation.request.action
        if (caller.arn, action) in seen:
            continue
        seen.add((caller.arn, action))
        base = build_context(caller, now=now, resource=role.arn if trust.reads_resource_account else None)
        for context, _ in contexts(conditions, caller, base, now):
            decision = decide(caller, role, trust, (OUTSIDER_IDENTITY,), context, action)
            if decision.allowed:
                found.update(ref.index for ref in decision.trust.allows)
    return found


def plan_trust(finding: Finding, role: Role, rule: Rule, rules: RuleSet, quotas: Quotas,
                now: datetime) -> Fix | Manual:
    assert isinstance(rule.allow, TrustAllow)
    known = (rules.login, *rules.projects)
    ctx = _TrustContext(role, rule.allow, rule.allow.principals_for(role.name))
    if role.service_linked:
        return Manual(finding.id, finding.account, finding.resource,
                      "a service-linked role's trust policy cannot be edited")
    verdict = trust_violations(role.trust, role.arn, rule.allow, known_accounts=known, now=now)
    offending = _letting_through(role.trust, role.arn, verdict, now)
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

