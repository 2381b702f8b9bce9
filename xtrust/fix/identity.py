"""Fixing the identity policies of a group or user in the login account: sts:AssumeRole only on the allow list.

Candidates, smallest change first; the first that :func:`xtrust.verify.verify_identity` accepts is offered:

1. narrow the ``Resource`` of an ``sts:AssumeRole`` statement to the listed ARNs it covers (splitting the
   action out of a statement that grants other actions too); remove a statement left with no resource;
2. where the grant is broad (``*`` or ``sts:*`` actions, ``NotAction``, ``NotResource``), add a Deny of
   ``sts:AssumeRole`` with ``NotResource`` = the allow list — to the policy itself, or, for an AWS-managed
   policy (which cannot be edited), as the inline policy ``xtrust-assume-guard`` of the group or user.

Sids, statement order and untouched statements are kept as written; other permissions are never changed.
A customer-managed policy is fixed with a new default version.
(IAM: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html,
https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html.)
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from .._glob import glob_match, has_wildcard
from ..callers import ASSUME_ROLE
from ..checks import assume_violations
from ..errors import PolicyError
from ..findings import Finding
from ..inventory import Account, Group, InlinePolicy, PolicyVersion, User
from ..model import Effect, Policy, PolicyKind, Statement, parse_policy
from ..rules import AssumeAllow, Rule, RuleSet
from ..verify import IdentityCase, Quotas, policy_size, verify_identity
from ._documents import one_or_list, rebuild
from .values import GUARD_POLICY_NAME, Fix, Manual, Operation

__all__ = ["ASSUME_DENY_SID", "IdentityPlanner"]

ASSUME_DENY_SID = "DenyAssumeRoleOutsideAllowList"


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
        return ([{**original, "Resource": one_or_list(narrowed, statement.resource.scalar)}],
                f"{label}: narrowed Resource to {', '.join(narrowed)}")
    kept = {**original, "Action": one_or_list(others, statement.action.scalar)}
    if not narrowed:
        return [kept], f"{label}: removed {', '.join(assume)}"
    split = {k: v for k, v in original.items() if k != "Sid"}
    split["Action"] = one_or_list(assume, True)
    split["Resource"] = one_or_list(narrowed, statement.resource.scalar)
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
            "NotResource": one_or_list(list(allow_roles), True)}


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
                out.append(("; ".join(notes), rebuild(document, statements, PolicyKind.IDENTITY)))
        if allow_roles:
            deny = _assume_deny(allow_roles)
            if not any(s.sid == ASSUME_DENY_SID for s in document.statements):
                with contextlib.suppress(PolicyError):
                    out.append((f"added Deny statement {ASSUME_DENY_SID}: sts:AssumeRole outside the allow list",
                                rebuild(document, [*(s.to_json() for s in document.statements), deny],
                                         PolicyKind.IDENTITY)))
    return out


def _guard_policy(allow_roles: Sequence[str]) -> Policy:
    return parse_policy({"Version": "2012-10-17", "Statement": [_assume_deny(allow_roles)]},
                        kind=PolicyKind.IDENTITY)


class IdentityPlanner:
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
                    if grant.resource != resource:
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

