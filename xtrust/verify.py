"""Proving a planned fix before it is offered.

A fix to a document is accepted only when (design notes, "Representatives"; issue "xtrust fix"):

1. the new document passes the rule: no request outside the allow list gets through because of it;
2. it widens nothing: on the representative requests of *both* documents, every request the new document
   allows, the old one allowed too;
3. it locks nobody out: every representative request the rule allows and the old document allowed, the new
   document still allows;
4. it fits IAM's size quotas, counted in non-whitespace characters
   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).

Each check returns an empty string when it holds, else one line saying why not.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from ._frozen import frozen
from ._glob import glob_match
from .callers import ASSUME_ROLE, parse_caller, parse_role
from .checks import OUTSIDER_IDENTITY, assume_violations, trust_violations
from .evaluate import _side, build_context, decide, with_resource
from .model import Policy
from .representatives import MAX_CONTEXTS, allowed_principal, contexts, role_candidates, trust_candidates
from .rules import TrustAllow

__all__ = ["IdentityCase", "Quotas", "policy_size", "verify_identity", "verify_trust"]


@frozen
class Quotas:
    """IAM size quotas in non-whitespace characters, and versions per managed policy (AWS defaults).

    ``from_summary`` takes the ``SummaryMap`` of GetAccountSummary, which holds the account's own values
    (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountSummary.html).
    """

    trust: int = 2048
    group_inline: int = 5120
    user_inline: int = 2048
    managed: int = 6144
    versions: int = 5

    @classmethod
    def from_summary(cls, summary: Mapping[str, Any]) -> Quotas:
        default = cls()

        def pick(key: str, fallback: int) -> int:
            value = summary.get(key)
            return int(value) if isinstance(value, int) and value > 0 else fallback

        return cls(
            trust=pick("AssumeRolePolicySizeQuota", default.trust),
            group_inline=pick("GroupPolicySizeQuota", default.group_inline),
            user_inline=pick("UserPolicySizeQuota", default.user_inline),
            managed=pick("PolicySizeQuota", default.managed),
            versions=pick("VersionsPerPolicyQuota", default.versions),
        )


def policy_size(document: Policy | Mapping[str, Any]) -> int:
    """Characters IAM counts against a size quota: the JSON text without whitespace between tokens."""
    value = document.to_json() if isinstance(document, Policy) else document
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False))


# --- trust policies -----------------------------------------------------------------------------


def verify_trust(
    old: Policy, new: Policy, role_arn: str, allow: TrustAllow, *, known_accounts: Iterable[str], now: datetime,
    quota: int,
) -> str:
    """Why ``new`` may not replace the trust policy ``old`` of ``role_arn``; empty when it may."""
    size = policy_size(new)
    if size > quota:
        return f"the fixed trust policy has {size} characters, over the quota of {quota}"
    known = list(known_accounts)
    verdict = trust_violations(new, role_arn, allow, known_accounts=known, now=now)
    if verdict.violations:
        return f"the fixed document still lets {verdict.violations[0].request.in_words()}"
    if verdict.truncated:
        return "the document's conditions have more combinations than xtrust can verify"
    role = parse_role(role_arn)
    entries = allow.principals_for(role.name)
    conditions = [c for policy in (old, new) for s in policy.statements for c in s.conditions]
    seen: set[tuple[str, str]] = set()
    for candidate in [*trust_candidates(old, role.account, known), *trust_candidates(new, role.account, known)]:
        caller = candidate.caller
        if (caller.arn, candidate.action) in seen:
            continue
        seen.add((caller.arn, candidate.action))
        wanted = allowed_principal(caller, entries, allow.services, allow.federated)
        tried = 0
        reads = old.reads_resource_account or new.reads_resource_account
        base = build_context(caller, now=now, resource=role_arn if reads else None)
        for context, chosen in contexts(conditions, caller, base, now):
            tried += 1
            before = decide(caller, role, old, (OUTSIDER_IDENTITY,), context, candidate.action).allowed
            after = decide(caller, role, new, (OUTSIDER_IDENTITY,), context, candidate.action).allowed
            if after and not before:
                return f"the fixed document would let {_words(caller.arn, candidate.action, role_arn, chosen)}, " \
                       "which the old one did not"
            if before and not after and wanted:
                return f"the fixed document would lock out {_words(caller.arn, candidate.action, role_arn, chosen)}, " \
                       "which the rule allows"
        if tried >= MAX_CONTEXTS:
            return "the document's conditions have more combinations than xtrust can verify"
    return ""


def _words(principal: str, action: str, resource: str, chosen: Mapping[str, tuple[str, ...]]) -> str:
    text = f"{principal} call {action} on {resource}"
    if chosen:
        text += " with " + ", ".join(f"{k}={'|'.join(v)}" for k, v in sorted(chosen.items()))
    return text


# --- identity policies --------------------------------------------------------------------------


@frozen
class IdentityCase:
    """One group or user a changed document applies to: its identity policies before and after the change.

    ``changed`` holds the positions in ``after`` of the documents the fix changed or added; a violation
    that only other documents grant is not this fix's to remove.
    """

    caller_arn: str
    allow_roles: tuple[str, ...]
    before: tuple[Policy, ...]
    after: tuple[Policy, ...]
    changed: frozenset[int]


def verify_identity(cases: Sequence[IdentityCase], *, known_accounts: Iterable[str], now: datetime,
                    sizes: Sequence[tuple[str, int, int]] = ()) -> str:
    """Why the change described by ``cases`` may not be made; empty when it may.

    ``sizes`` lists ``(what, characters, quota)`` for every document or inline-policy total the change affects.
    """
    for what, size, quota in sizes:
        if size > quota:
            return f"{what} would have {size} characters, over the quota of {quota}"
    known = list(known_accounts)
    for case in cases:
        caller = parse_caller(case.caller_arn)
        after = [p.named(f"#{i}") for i, p in enumerate(case.after)]
        verdict = assume_violations(after, case.caller_arn, case.allow_roles, known_accounts=known, now=now)
        for violation in verdict.violations:
            if any(int(ref.policy[1:]) in case.changed for ref in violation.allows):
                return f"the fixed document still lets {violation.request.in_words()}"
        if verdict.truncated:
            return "the documents' conditions have more combinations than xtrust can verify"
        every = [*case.before, *case.after]
        conditions = [c for p in every for s in p.statements for c in s.conditions]
        arns = role_candidates(every, [*known, caller.account], case.allow_roles, caller.name)
        base = build_context(caller, now=now)
        reads = any(p.reads_resource_account for p in every)
        for arn in arns:
            wanted = any(glob_match(pattern, arn) for pattern in case.allow_roles)
            tried = 0
            for context, chosen in contexts(conditions, caller, with_resource(base, arn) if reads else base, now):
                tried += 1
                old = _allows(case.before, caller, arn, context)
                new = _allows(case.after, caller, arn, context)
                if new and not old:
                    return f"the fixed documents would let {_words(case.caller_arn, ASSUME_ROLE, arn, chosen)}, " \
                           "which the old ones did not"
                if old and not new and wanted:
                    return f"the fixed documents would lock out {_words(case.caller_arn, ASSUME_ROLE, arn, chosen)}, " \
                           "which the rule allows"
            if tried >= MAX_CONTEXTS:
                return "the documents' conditions have more combinations than xtrust can verify"
    return ""


def _allows(policies: Sequence[Policy], caller: Any, arn: str, context: Mapping[str, tuple[str, ...]]) -> bool:
    side = _side("identity policies", policies, caller, ASSUME_ROLE, arn, context, trust=False)
    return bool(side.allows) and not side.denies
