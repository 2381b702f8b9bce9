"""Planning fixes: for each finding, the smallest document change that removes the excess access, proven.

Pure: works on snapshots as well as live reads, and never talks to AWS. For each finding xtrust builds
candidate documents, smallest change first, and offers the first that :mod:`xtrust.verify` accepts; when
none is accepted the finding is listed as manual, with the reason.

Trust policies (a role in a project account), smallest first:

1. drop the principals outside the allow list and keep the allowed ones; narrow ``*`` (and a whole account
   of which only some principals are allowed) to the allowed principals; remove a statement left with no
   principal;
2. keep ``*`` and add a condition on ``aws:PrincipalAccount`` (``StringEqualsIfExists`` when AWS services
   may assume the role: a service call carries no principal account);
3. add a Deny statement for every principal outside the allowed accounts (``NotPrincipal`` and conditions
   that cannot be edited surgically), exempting the AWS services the rule allows.

Identity policies (a group or user in the login account):

1. narrow the ``Resource`` of an ``sts:AssumeRole`` statement to the listed ARNs it covers (splitting the
   action out of a statement that grants other actions too); remove a statement left with no resource;
2. where the grant is broad (``*`` or ``sts:*`` actions, ``NotAction``, ``NotResource``), add a Deny of
   ``sts:AssumeRole`` with ``NotResource`` = the allow list — to the policy itself, or, for an AWS-managed
   policy (which cannot be edited), as the inline policy ``xtrust-assume-guard`` of the group or user.

Sids, statement order and untouched statements are kept as written; other permissions are never changed.
A customer-managed policy is fixed with a new default version.
(IAM: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html,
https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html.)
"""

from __future__ import annotations

import contextlib
import difflib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from enum import Enum
from functools import partial
from typing import Any

from ._glob import glob_match, has_wildcard
from .callers import ASSUME_ROLE, parse_caller
from .checks import assume_violations, trust_violations
from .errors import PolicyError
from .findings import ErrorEntry, Finding, Report
from .inventory import Account, Group, InlinePolicy, PolicyVersion, Role, User
from .model import Effect, Policy, PolicyKind, PrincipalForm, PrincipalKind, Statement, parse_policy
from .representatives import allowed_principal
from .rules import AssumeAllow, Check, Rule, RuleSet, TrustAllow
from .scan import AccountSource, scan
from .verify import IdentityCase, Quotas, policy_size, verify_identity, verify_trust

__all__ = [
    "GUARD_POLICY_NAME",
    "Fix",
    "Manual",
    "Operation",
    "Plan",
    "Quotas",
    "diff",
    "format_plan",
    "plan_account",
    "plan_fixes",
    "plan_for",
    "pretty",
]

GUARD_POLICY_NAME = "xtrust-assume-guard"
TRUST_DENY_SID = "DenyOutsideAllowList"
ASSUME_DENY_SID = "DenyAssumeRoleOutsideAllowList"
_ACCOUNT = re.compile(r"^\d{12}$")


class Operation(str, Enum):
    """The IAM API call that makes a fix."""

    UPDATE_ASSUME_ROLE_POLICY = "UpdateAssumeRolePolicy"
    PUT_GROUP_POLICY = "PutGroupPolicy"
    PUT_USER_POLICY = "PutUserPolicy"
    CREATE_POLICY_VERSION = "CreatePolicyVersion"


@dataclass(frozen=True)
class Fix:
    """One verified change to one document.

    ``entity`` is the role, group or user name the call takes (empty for a managed policy); ``before`` is
    None when the fix adds a new inline policy.
    """

    finding: str
    account: str
    resource: str
    operation: Operation
    entity: str
    before: Policy | None
    after: Policy
    summary: str
    policy_name: str = ""
    policy_arn: str = ""

    @property
    def label(self) -> str:
        if self.policy_arn:
            return self.policy_arn
        if self.operation is Operation.UPDATE_ASSUME_ROLE_POLICY:
            return f"{self.resource} trust policy"
        kind = "group" if self.operation is Operation.PUT_GROUP_POLICY else "user"
        return f"{kind} {self.entity} inline policy {self.policy_name}"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "finding": self.finding,
            "resource": self.resource,
            "operation": self.operation.value,
        }
        if self.policy_arn:
            out["policy_arn"] = self.policy_arn
        if self.policy_name:
            out["policy_name"] = self.policy_name
        out["before"] = self.before.to_json() if self.before is not None else None
        out["after"] = self.after.to_json()
        out["account"] = self.account
        out["entity"] = self.entity
        out["summary"] = self.summary
        return out


@dataclass(frozen=True)
class Manual:
    """A finding no verified fix was found for, and why."""

    finding: str
    account: str
    resource: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"finding": self.finding, "resource": self.resource, "reason": self.reason, "account": self.account}


@dataclass(frozen=True)
class Plan:
    fixes: tuple[Fix, ...] = ()
    manual: tuple[Manual, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"fixes": [f.to_json() for f in self.fixes], "manual": [m.to_json() for m in self.manual]}

    def __add__(self, other: Plan) -> Plan:
        return Plan(self.fixes + other.fixes, self.manual + other.manual)


def pretty(document: Policy | None) -> str:
    """A document as stable, indented JSON (its elements in the order they were written)."""
    if document is None:
        return ""
    return json.dumps(document.to_json(), indent=2, ensure_ascii=False) + "\n"


def diff(fix: Fix) -> str:
    """A unified diff of one fix's document."""
    before = pretty(fix.before).splitlines(keepends=True)
    after = pretty(fix.after).splitlines(keepends=True)
    source = f"a/{fix.label}" if fix.before is not None else "/dev/null"
    return "".join(difflib.unified_diff(before, after, fromfile=source, tofile=f"b/{fix.label}"))


# --- documents as JSON, edited and re-parsed --------------------------------------------------------


def _rebuild(policy: Policy, statements: Sequence[Mapping[str, Any]], kind: PolicyKind) -> Policy:
    """A new document from edited statements, re-parsed (which validates it), keeping Version and Id."""
    doc: dict[str, Any] = {}
    if policy.version is not None:
        doc["Version"] = policy.version
    if policy.id is not None:
        doc["Id"] = policy.id
    items = [dict(s) for s in statements]
    doc["Statement"] = items[0] if policy.statement_is_object and len(items) == 1 else items
    return parse_policy(doc, kind=kind, source=policy.source)


def _one_or_list(values: Sequence[str], was_scalar: bool) -> Any:
    return values[0] if was_scalar and len(values) == 1 else list(values)


def _canonical_entry(entry: str) -> str:
    return f"arn:aws:iam::{entry}:root" if _ACCOUNT.match(entry) else entry


def _entry_account(entry: str) -> str:
    if _ACCOUNT.match(entry):
        return entry
    parts = entry.split(":")
    return parts[4] if len(parts) > 5 else ""


def _is_account_entry(entry: str) -> bool:
    return bool(_ACCOUNT.match(entry)) or entry.endswith(":root")


# --- trust policies -----------------------------------------------------------------------------


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
            narrowed = [_canonical_entry(e) for e in ctx.entries]
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
            inside = [e for e in ctx.entries if _entry_account(e) == principal.account and not _is_account_entry(e)]
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
    out = {k: _one_or_list(list(dict.fromkeys(v)), scalar.get(k, True)) for k, v in kinds.items() if v}
    return (out or None), changes


def _with_condition(
    statement: Mapping[str, Any], operator: str, key: str, values: Sequence[str]
) -> dict[str, Any] | None:
    """The statement with ``operator: {key: values}`` added; None when the key is already conditioned."""
    out = dict(statement)
    block = {op: dict(entries) for op, entries in (out.get("Condition") or {}).items()}
    if any(k.lower() == key.lower() for entries in block.values() for k in entries):
        return None
    block.setdefault(operator, {})[key] = _one_or_list(list(values), True)
    out["Condition"] = block
    return out


def _trust_deny(ctx: _TrustContext, actions: Sequence[str]) -> dict[str, Any]:
    """Deny every principal outside the allowed accounts/principals, exempting the allowed AWS services."""
    condition: dict[str, Any] = {}
    if all(_is_account_entry(e) for e in ctx.entries):
        accounts = list(dict.fromkeys(_entry_account(e) for e in ctx.entries))
        condition["StringNotEquals"] = {"aws:PrincipalAccount": _one_or_list(accounts, True)}
    else:
        patterns = [f"arn:aws:iam::{_entry_account(e)}:*" if _is_account_entry(e) else e for e in ctx.entries]
        condition["ArnNotLike"] = {"aws:PrincipalArn": _one_or_list(list(dict.fromkeys(patterns)), True)}
    if "*" in ctx.allow.services:
        condition["BoolIfExists"] = {"aws:PrincipalIsAWSService": "false"}
    elif ctx.allow.services:
        services = _one_or_list(list(ctx.allow.services), True)
        condition["StringNotEqualsIfExists"] = {"aws:PrincipalServiceName": services}
    return {"Sid": TRUST_DENY_SID, "Effect": "Deny", "Principal": {"AWS": "*"},
            "Action": _one_or_list(list(actions), True), "Condition": condition}


def _trust_candidates(trust: Policy, offending: set[int], ctx: _TrustContext) -> list[tuple[str, Policy]]:
    """Candidate trust documents, smallest change first: ``(what changed, document)``."""
    originals = [s.to_json() for s in trust.statements]
    out: list[tuple[str, Policy]] = []

    def build(statements: Sequence[Mapping[str, Any] | None], summary: str) -> None:
        kept = [s for s in statements if s is not None]
        if not kept:
            return  # a trust policy needs a statement; this is no fix
        with contextlib.suppress(PolicyError):  # not a document IAM would take: no candidate
            out.append((summary, _rebuild(trust, kept, PolicyKind.TRUST)))

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
    if all(_is_account_entry(e) for e in ctx.entries) and ctx.entries:
        accounts = list(dict.fromkeys(_entry_account(e) for e in ctx.entries))
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


def _plan_trust(finding: Finding, role: Role, rule: Rule, rules: RuleSet, quotas: Quotas,
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


# --- identity policies --------------------------------------------------------------------------


def _assume_only(pattern: str) -> bool:
    return pattern.lower() == ASSUME_ROLE.lower()


def _covers_assume(pattern: str) -> bool:
    return glob_match(pattern, ASSUME_ROLE, ignore_case=True)


def _narrow_resources(resources: Sequence[str], allow_roles: Sequence[str]) -> list[str]:
    """Each resource pattern kept when the allow list covers it, else replaced by the listed ARNs it covers."""
    out: list[str] = []
    for pattern in resources:
        if any(glob_match(allowed, pattern) for allowed in allow_roles) and "${" not in pattern:
            out.append(pattern)
            continue
        out.extend(a for a in allow_roles if glob_match(pattern, a) or (has_wildcard(pattern) and pattern == a))
    return list(dict.fromkeys(out))


def _narrow_statement(statement: Statement, allow_roles: Sequence[str]) -> tuple[list[dict[str, Any]], str] | None:
    """The statement with its sts:AssumeRole resources narrowed to the allow list: the statements that
    replace it (none, one, or two when other actions are split off) and what changed; None when the grant
    is too broad to narrow."""
    if statement.effect is not Effect.ALLOW or statement.action is None or statement.resource is None:
        return None
    assume = [a for a in statement.action.values if _covers_assume(a)]
    if not assume or not all(_assume_only(a) for a in assume):
        return None
    others = [a for a in statement.action.values if not _covers_assume(a)]
    original = statement.to_json()
    narrowed = _narrow_resources(statement.resource.values, allow_roles)
    label = f"/Statement/{statement.index}" + (f" ({statement.sid})" if statement.sid else "")
    if not others:
        if not narrowed:
            return [], f"removed {label}, left with no resource"
        return ([{**original, "Resource": _one_or_list(narrowed, statement.resource.scalar)}],
                f"{label}: narrowed Resource to {', '.join(narrowed)}")
    kept = {**original, "Action": _one_or_list(others, statement.action.scalar)}
    if not narrowed:
        return [kept], f"{label}: removed {', '.join(assume)}"
    split = {k: v for k, v in original.items() if k != "Sid"}
    split["Action"] = _one_or_list(assume, True)
    split["Resource"] = _one_or_list(narrowed, statement.resource.scalar)
    return [kept, split], f"{label}: split {', '.join(assume)} out with Resource narrowed to {', '.join(narrowed)}"


def _may_allow(statement: Statement, role_arn: str) -> bool:
    """Whether an Allow statement grants sts:AssumeRole on ``role_arn`` under some request context."""
    if statement.effect is not Effect.ALLOW:
        return False
    if statement.action is not None and not any(_covers_assume(a) for a in statement.action.values):
        return False
    if statement.not_action is not None and any(_covers_assume(a) for a in statement.not_action.values):
        return False
    if statement.resource is not None:
        return any(glob_match(p, role_arn) or "${" in p for p in statement.resource.values)
    if statement.not_resource is not None:
        return not any(glob_match(p, role_arn) for p in statement.not_resource.values)
    return False


def _same_principal(account: Account, principal: Group | User) -> Group | User:
    """The group or user of that ARN as ``account`` holds it."""
    return next((p for p in account.iter_principals() if p.arn == principal.arn), principal)


def _assume_deny(allow_roles: Sequence[str]) -> dict[str, Any]:
    return {"Sid": ASSUME_DENY_SID, "Effect": "Deny", "Action": ASSUME_ROLE,
            "NotResource": _one_or_list(list(allow_roles), True)}


def _identity_candidates(document: Policy, offending: set[int], allow_roles: Sequence[str],
                         editable: bool) -> list[tuple[str, Policy]]:
    out: list[tuple[str, Policy]] = []
    if editable:
        statements: list[dict[str, Any]] = []
        notes: list[str] = []
        surgical = True
        for statement in document.statements:
            if statement.index not in offending:
                statements.append(statement.to_json())
                continue
            narrowed = _narrow_statement(statement, allow_roles)
            if narrowed is None:
                surgical = False
                break
            statements.extend(narrowed[0])
            notes.append(narrowed[1])
        if surgical and statements:
            with contextlib.suppress(PolicyError):
                out.append(("; ".join(notes), _rebuild(document, statements, PolicyKind.IDENTITY)))
        if allow_roles:
            deny = _assume_deny(allow_roles)
            if not any(s.sid == ASSUME_DENY_SID for s in document.statements):
                with contextlib.suppress(PolicyError):
                    out.append((f"added Deny statement {ASSUME_DENY_SID}: sts:AssumeRole outside the allow list",
                                _rebuild(document, [*(s.to_json() for s in document.statements), deny],
                                         PolicyKind.IDENTITY)))
    return out


def _guard_policy(allow_roles: Sequence[str]) -> Policy:
    return parse_policy({"Version": "2012-10-17", "Statement": [_assume_deny(allow_roles)]},
                        kind=PolicyKind.IDENTITY)


class _Identity:
    """Plans identity fixes over one login account, keeping the account as already fixed so that each
    later fix is verified against the documents the earlier ones leave."""

    def __init__(self, account: Account, rule: Rule, rules: RuleSet, quotas: Quotas, now: datetime) -> None:
        assert isinstance(rule.allow, AssumeAllow)
        self.account = account
        self.rule = rule
        self.allow: AssumeAllow = rule.allow
        self.rules = rules
        self.quotas = quotas
        self.now = now
        self.known = (rules.login, *rules.projects)

    # who a document applies to
    def principals(self) -> list[Group | User]:
        return [p for p in self.account.iter_principals()
                if self.rule.scope.covers(self.account.id, p.name, p.path)]

    def caller_arn(self, principal: Group | User) -> str:
        return principal.arn if isinstance(principal, User) else f"arn:aws:iam::{self.account.id}:user/any"

    def allow_roles(self, principal: Group | User) -> tuple[str, ...]:
        return self.allow.roles_for(principal.name)

    def offending(self, resource: str) -> dict[tuple[str, str, str], set[int]]:
        """The documents owned by ``resource`` that grant a violation, keyed by (owner, inline name, policy
        ARN), with the statement positions that grant it."""
        found: dict[tuple[str, str, str], set[int]] = {}
        for principal in self.principals():
            grants, _ = self.account.grants(principal)
            if not grants:
                continue
            labelled = [g.document.named(f"#{i}") for i, g in enumerate(grants)]
            verdict = assume_violations(labelled, self.caller_arn(principal), self.allow_roles(principal),
                                        known_accounts=self.known, now=self.now)
            for violation in verdict.violations:
                for ref in violation.allows:
                    grant = grants[int(ref.policy[1:])]
                    owner = grant.policy_arn if grant.policy_arn and not grant.aws_managed else grant.owner
                    if owner != resource:
                        continue
                    key = (grant.owner if not grant.policy_arn or grant.aws_managed else "", grant.inline_name,
                           grant.policy_arn)
                    # every Allow of the document that reaches the role under some condition, not only the
                    # one that let this request through
                    found.setdefault(key, set()).update(
                        s.index for s in grant.document.statements if _may_allow(s, violation.request.resource))
        return found

    def plan(self, finding: Finding) -> list[Fix | Manual]:
        offending = self.offending(finding.resource)
        if not offending:
            return [Manual(finding.id, finding.account, finding.resource, "the finding no longer holds on this data")]
        out: list[Fix | Manual] = []
        for (owner, inline_name, policy_arn), indexes in sorted(offending.items()):
            out.append(self.plan_document(finding, owner, inline_name, policy_arn, indexes))
        return out

    def affected(self, owner: str, policy_arn: str) -> list[Group | User]:
        """The groups and users a document applies to (a group's members included)."""
        out = []
        for principal in self.principals():
            grants, _ = self.account.grants(principal)
            if any((g.policy_arn == policy_arn) if policy_arn and not owner else (g.owner == owner) for g in grants):
                out.append(principal)
        return out

    def plan_document(self, finding: Finding, owner: str, inline_name: str, policy_arn: str,
                      indexes: set[int]) -> Fix | Manual:
        affected = self.affected(owner, policy_arn)
        # a document shared by several groups and users may grant only what the rule allows all of them
        lists = [self.allow_roles(p) for p in affected] or [self.allow.roles]
        allow_roles = tuple(r for r in lists[0] if all(r in other for other in lists[1:]))
        aws_managed = bool(policy_arn) and bool(owner)
        managed = self.account.policies.get(policy_arn) if policy_arn else None
        document: Policy | None
        document = self._inline(owner, inline_name) if inline_name else managed.document if managed else None
        if document is None:
            return Manual(finding.id, finding.account, finding.resource, "the document is not in the account data")
        candidates: list[tuple[str, Policy, str]] = []  # (summary, document, inline policy name)
        if aws_managed:
            if self._inline(owner, GUARD_POLICY_NAME) is not None:
                return Manual(finding.id, finding.account, finding.resource,
                              f"{policy_arn} is AWS managed and {owner} already has an inline policy "
                              f"{GUARD_POLICY_NAME}")
            candidates.append((f"added inline policy {GUARD_POLICY_NAME} denying sts:AssumeRole outside the allow "
                               f"list ({policy_arn} is AWS managed and cannot be edited)",
                               _guard_policy(allow_roles), GUARD_POLICY_NAME))
        else:
            for summary, candidate in _identity_candidates(document, indexes, allow_roles, editable=True):
                candidates.append((summary, candidate, inline_name))
        reasons = []
        for summary, candidate, name in candidates:
            updated = self._with(owner, name, policy_arn if not aws_managed else "", candidate)
            cases = []
            for principal in affected:
                before, _ = self.account.grants(principal)
                after, _ = updated.grants(_same_principal(updated, principal))
                changed = frozenset(i for i, g in enumerate(after) if g.document is candidate)
                cases.append(IdentityCase(self.caller_arn(principal), self.allow_roles(principal),
                                          tuple(g.document for g in before), tuple(g.document for g in after), changed))
            problem = verify_identity(cases, known_accounts=self.known, now=self.now,
                                      sizes=self._sizes(updated, owner, name, policy_arn, aws_managed, candidate))
            if not problem:
                self.account = updated
                return self._fix(finding, owner, name, policy_arn, aws_managed, document, candidate, summary)
            reasons.append(f"{summary}: {problem}")
        if not candidates:
            reasons.append("no candidate change keeps the document valid")
        return Manual(finding.id, finding.account, finding.resource, f"no verified fix ({reasons[-1]})")

    def _fix(self, finding: Finding, owner: str, name: str, policy_arn: str, aws_managed: bool,
             document: Policy, candidate: Policy, summary: str) -> Fix:
        if policy_arn and not aws_managed:
            return Fix(finding.id, finding.account, finding.resource, Operation.CREATE_POLICY_VERSION, "",
                       document, candidate, summary, policy_arn=policy_arn)
        entity = self._entity(owner)
        operation = Operation.PUT_GROUP_POLICY if isinstance(entity, Group) else Operation.PUT_USER_POLICY
        before = None if aws_managed else document
        return Fix(finding.id, finding.account, finding.resource, operation, entity.name if entity else "",
                   before, candidate, summary, policy_name=name)

    def _entity(self, arn: str) -> Group | User | None:
        return next((p for p in self.account.iter_principals() if p.arn == arn), None)

    def _inline(self, owner: str, name: str) -> Policy | None:
        entity = self._entity(owner)
        if entity is None:
            return None
        return next((p.document for p in entity.inline if p.name == name), None)

    def _with(self, owner: str, name: str, policy_arn: str, document: Policy) -> Account:
        """The account with one document replaced (or an inline policy added)."""
        if policy_arn:
            policy = self.account.policies[policy_arn]
            versions = tuple(replace(v, is_default=False) for v in policy.versions)
            new_id = f"v{len(versions) + 1}-planned"
            updated = replace(policy, default_version_id=new_id,
                              versions=(*versions, PolicyVersion(new_id, True, document)))
            return replace(self.account, policies={**self.account.policies, policy_arn: updated})

        def swap(entity: Group | User) -> Any:
            if entity.arn != owner:
                return entity
            inline = [p if p.name != name else InlinePolicy(name, document) for p in entity.inline]
            if not any(p.name == name for p in entity.inline):
                inline.append(InlinePolicy(name, document))
            return replace(entity, inline=tuple(inline))

        return replace(self.account, groups=tuple(swap(g) for g in self.account.groups),
                       users=tuple(swap(u) for u in self.account.users))

    def _sizes(self, updated: Account, owner: str, name: str, policy_arn: str, aws_managed: bool,
               document: Policy) -> list[tuple[str, int, int]]:
        if policy_arn and not aws_managed:
            return [(f"{policy_arn}", policy_size(document), self.quotas.managed)]
        entity = next((p for p in updated.iter_principals() if p.arn == owner), None)
        if entity is None:
            return []
        total = sum(policy_size(p.document) for p in entity.inline)
        quota = self.quotas.group_inline if isinstance(entity, Group) else self.quotas.user_inline
        return [(f"the inline policies of {owner} together", total, quota)]


# --- the plan -----------------------------------------------------------------------------------


def plan_account(rules: RuleSet, account: Account, findings: Iterable[Finding], *, quotas: Quotas | None = None,
                 now: datetime | None = None) -> Plan:
    """Plan a verified fix for every finding on ``account`` (exempt or suppressed findings are left alone)."""
    moment = now or datetime.now(timezone.utc).replace(microsecond=0)
    limits = quotas or Quotas()
    by_id = {rule.id: rule for rule in rules.rules}
    fixes: list[Fix] = []
    manual: list[Manual] = []
    identity: dict[str, _Identity] = {}
    for finding in findings:
        if finding.account != account.id or finding.accepted:
            continue
        rule = by_id.get(finding.rule)
        if rule is None:
            manual.append(Manual(finding.id, finding.account, finding.resource, f"unknown rule {finding.rule!r}"))
            continue
        results: list[Fix | Manual]
        if rule.check is Check.ROLE_TRUST:
            role = next((r for r in account.roles if r.arn == finding.resource), None)
            results = [Manual(finding.id, finding.account, finding.resource, "the role is not in the account data")
                       if role is None else _plan_trust(finding, role, rule, rules, limits, moment)]
        else:
            planner = identity.setdefault(rule.id, _Identity(account, rule, rules, limits, moment))
            results = planner.plan(finding)
        for result in results:
            (fixes if isinstance(result, Fix) else manual).append(result)  # type: ignore[arg-type]
    return Plan(tuple(fixes), tuple(manual))


def plan_fixes(rules: RuleSet, accounts: Iterable[Account], findings: Sequence[Finding], *,
               quotas: Mapping[str, Quotas] | None = None, now: datetime | None = None) -> Plan:
    """Plan fixes for the findings of several accounts; ``quotas`` maps an account ID to its own quotas."""
    plan = Plan()
    for account in accounts:
        plan = plan + plan_account(rules, account, findings, quotas=(quotas or {}).get(account.id), now=now)
    return plan


def format_plan(plan: Plan) -> str:
    """The plan for people: a unified diff per document, then the findings left to a person."""
    lines: list[str] = []
    for fix in plan.fixes:
        lines.append(f"# finding {fix.finding} ({fix.resource}): {fix.operation.value}")
        lines.append(f"# {fix.summary}")
        lines.append(diff(fix).rstrip("\n"))
        lines.append("")
    if plan.manual:
        lines.append("Manual (no verified fix):")
        lines += [f"  {m.resource} (finding {m.finding}): {m.reason}" for m in plan.manual]
        lines.append("")
    lines.append(f"{len(plan.fixes)} fix(es) planned, {len(plan.manual)} finding(s) left to a person.")
    return "\n".join(lines) + "\n"


def _same_account(account: Account) -> Account:
    return account


def plan_for(rules: RuleSet, accounts: Sequence[Account], errors: Sequence[ErrorEntry] = (),
             quotas: Mapping[str, Quotas] | None = None, *, now: datetime | None = None) -> tuple[Report, Plan]:
    """Scan the accounts and plan a fix for every active finding; ``errors`` are accounts that could not
    be read (they make the report incomplete)."""
    report = scan(rules, [AccountSource(a.source, partial(_same_account, a)) for a in accounts], now=now)
    if errors:
        failed = {e.account for e in errors}
        kept = tuple(e for e in report.errors if e.account not in failed)
        report = replace(report, errors=(*errors, *kept))
    return report, plan_fixes(rules, accounts, report.active, quotas=quotas, now=now)
