"""``role-trust``: a role in a project account violates its rule when a caller outside the rule's allow list
could assume it.

The caller's own account is assumed to grant the request, since an outsider controls its own identity
policies (for a cross-account request both sides must allow it:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html),
so the trust policy decides. It is put to the evaluator on representative requests
(:mod:`xtrust.representatives`): a caller of each kind the policy could let in (another account, the
role's own account, ``*``, a federated provider, a service) with each combination of the request-context
values its conditions tell apart, Deny statements, ``NotPrincipal``, ``NotAction`` and action wildcards
taken into account. Each violation is one such request that gets through.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime

from .._glob import has_wildcard
from .._witness import arn_part_pattern, role_witness
from ..callers import ASSUME_ROLE, Caller, CallerKind, RoleRef, parse_caller, parse_role, whole_account
from ..errors import InputError
from ..evaluate import Match, _not_principal_exempts, build_context, covers_action, decide, principal_match, utc_now
from ..findings import Counterexample, Finding
from ..inventory import Account, Role
from ..model import Condition, Effect, Policy, PrincipalForm, PrincipalKind
from ..representatives import MAX_CONTEXTS, Candidate, allowed_principal, context_count, contexts, trust_candidates
from ..rules import Rule, RuleSet, TrustAllow
from ._verdicts import OUTSIDER_IDENTITY, Collector, TrustVerdict, Violation, entry_accounts

__all__ = ["check_role", "run_role_trust", "trust_violations"]


def trust_violations(
    trust: Policy,
    role_arn: str,
    allow: TrustAllow,
    *,
    known_accounts: Iterable[str] = (),
    now: datetime | None = None,
) -> TrustVerdict:
    """Every class of caller outside ``allow`` that the trust policy lets assume ``role_arn``, with the
    first request context (in a fixed order: simplest first) that gets it through."""
    role = parse_role(role_arn)
    moment = now or utc_now()
    entries = allow.principals_for(role.name)
    conditions = [c for s in trust.statements for c in s.conditions]
    if _names_only_allowed(trust, entries, allow) and (
            not conditions or context_count(conditions, _SERVICE_CALLER, moment) < MAX_CONTEXTS):
        return TrustVerdict()
    return _enumerated_trust_violations(trust, role, entries, allow, known_accounts, conditions, moment)


def _enumerated_trust_violations(trust: Policy, role: RoleRef, entries: Sequence[str], allow: TrustAllow,
                                 known_accounts: Iterable[str], conditions: Sequence[Condition],
                                 moment: datetime) -> TrustVerdict:
    """:func:`trust_violations`, every representative caller decided."""
    known = [*known_accounts, *entry_accounts(entries)]
    found: list[Violation] = []
    truncated = False

    def try_caller(candidate: Candidate) -> None:
        nonlocal truncated
        caller = candidate.caller
        if allowed_principal(caller, entries, allow.services, allow.federated):
            return
        if not _may_let_in(trust, caller):
            # No context gets this caller through: every one would be tried and refused.
            truncated = truncated or context_count(conditions, caller, moment) >= MAX_CONTEXTS
            return
        tried = 0
        base = build_context(caller, now=moment, resource=role.arn if trust.reads_resource_account else None)
        for context, chosen in contexts(conditions, caller, base, moment):
            tried += 1
            decision = decide(caller, role, trust, (OUTSIDER_IDENTITY,), context, candidate.action)
            if decision.allowed:
                found.append(Violation(Counterexample(caller.arn, candidate.action, role.arn, chosen),
                                       decision.trust.allows, caller))
                break
        truncated = truncated or tried >= MAX_CONTEXTS

    candidates = trust_candidates(trust, role.account, known)
    for candidate in candidates:
        try_caller(candidate)
    tried_arns = {c.caller.arn for c in candidates}
    for arn in _missed_callers(trust, entries, found):
        if arn not in tried_arns:
            try_caller(Candidate(parse_caller(arn), ASSUME_ROLE))
    return TrustVerdict(tuple(found), truncated)


def _missed_callers(trust: Policy, entries: Sequence[str], found: Sequence[Violation]) -> list[str]:
    """Callers the representatives may have missed: for each Allow statement that names every principal of
    some account (an account or ``*``) and that lets none of the violations found through, a user and a role
    ARN (_witness.role_witness) of such an account that its conditions on aws:PrincipalArn and
    aws:PrincipalAccount admit, that the Deny statements on everyone spare (_deny_limits) and that the allow
    list leaves out. The fresh names of the representatives ("any") can fall under conditions on
    aws:PrincipalArn (``ArnNotLike arn:aws:iam::*:*/a*``) when other names do not, and their accounts under
    conditions on aws:PrincipalAccount (``StringNotLike aws:PrincipalAccount ["5*", "1*"]``, which leaves out
    the stranger 555555555555 and the project account) when other accounts do not; without such conditions,
    they serve."""
    if not any(_tells_callers_apart(c) for s in trust.statements for c in s.conditions):
        return []  # the representatives' fresh names and accounts serve
    granted = {ref.index for violation in found for ref in violation.allows}
    denied = _deny_limits(trust)
    if denied is None:
        return []  # a Deny without conditions refuses everyone
    avoid = [*(f"arn:aws:iam::{account}:*" for account in _whole_accounts(entries)),
             *(entry for entry in entries if entry.startswith("arn:") and ":assumed-role/" not in entry)]
    out: list[str] = []
    for statement in trust.statements:
        if statement.effect is not Effect.ALLOW or statement.principal is None or statement.index in granted:
            continue
        whole = tuple(
            "*" if p.form is PrincipalForm.ANY else f"arn:aws:iam::{p.account}:*"
            for p in statement.principal.principals
            if p.form is PrincipalForm.ANY or (p.kind is PrincipalKind.AWS and p.form is PrincipalForm.ACCOUNT))
        limits = _principal_arn_limits(statement.conditions)
        if not whole or limits is None:
            continue
        any_of, none_of = limits[0] + denied[0], limits[1] + denied[1]
        if not any_of and not none_of:
            continue  # nothing tells names apart: the representatives' fresh names serve
        for kind in ("user", "role"):
            witness = role_witness((whole, *any_of), (*none_of, *avoid), kind)
            if witness is not None and witness not in out:
                out.append(witness)
    return out


def _tells_callers_apart(condition: Condition) -> bool:
    """Whether a condition can tell apart callers the representatives do not: one on aws:PrincipalArn (names,
    paths), or a pattern on aws:PrincipalAccount. Account IDs written out each have their own callers among
    the representatives, and the stranger's account is none of them."""
    if condition.key_lower == "aws:principalarn":
        return True
    return condition.key_lower == "aws:principalaccount" and any(map(has_wildcard, condition.values))


_Limits = tuple[tuple[tuple[str, ...], ...], tuple[str, ...]]


def _principal_arn_limits(conditions: Sequence[Condition]) -> _Limits | None:
    """What a statement's conditions on aws:PrincipalArn and aws:PrincipalAccount ask of the caller's ARN:
    groups of patterns it must match one of (ArnLike, ArnEquals, StringLike, StringEquals, and their IfExists
    forms: the keys are always there for an IAM principal; an account ``A`` as ``arn:aws:iam::A:*``) and
    patterns it must match none of (their Not forms), as _witness patterns. None when another operator or a
    set operator reads the keys (the evaluator alone decides then), or when no ARN can meet the conditions."""
    any_of: list[tuple[str, ...]] = []
    none_of: list[str] = []
    for condition in conditions:
        if condition.key_lower not in ("aws:principalarn", "aws:principalaccount"):
            continue
        base = condition.operator.base
        family = base.name.replace("Not", "")
        account = condition.key_lower == "aws:principalaccount"
        if condition.operator.qualifier is not None or family not in (_ACCOUNT_LIMITS if account else _ARN_LIMITS):
            return None
        if account:
            patterns = tuple(f"arn:aws:iam::{p}:*" for p in map(_ACCOUNT_LIMITS[family], condition.values)
                             if p is not None)
        else:
            patterns = tuple(p for p in map(_ARN_LIMITS[family], condition.values) if p is not None)
        if base.negated:
            none_of += patterns
        elif not patterns:
            return None  # no value can match
        else:
            any_of.append(patterns)
    return tuple(any_of), tuple(none_of)


def _deny_limits(trust: Policy) -> _Limits | None:
    """What the trust's Deny statements that name everyone (``*``, or a NotPrincipal) and read only
    aws:PrincipalArn or aws:PrincipalAccount (_principal_arn_limits) ask of a caller's ARN for them not to
    apply: each StringLike-like condition's patterns to avoid, each Not-form's patterns to match one of. None
    when such a Deny has no condition: it refuses everyone (but the principals a NotPrincipal names, which are
    among the representatives). Other Deny statements are left to the evaluator."""
    any_of: list[tuple[str, ...]] = []
    none_of: list[str] = []
    for statement in trust.statements:
        if statement.effect is not Effect.DENY or not covers_action(statement, ASSUME_ROLE):
            continue
        if statement.principal is not None:
            everyone = any(p.form is PrincipalForm.ANY for p in statement.principal.principals)
        else:  # a NotPrincipal of "*" leaves nobody to deny
            everyone = statement.not_principal is not None and not any(
                p.form is PrincipalForm.ANY for p in statement.not_principal.principals)
        if not everyone:
            continue
        if not statement.conditions:
            return None
        if len(statement.conditions) != 1:
            continue  # it applies when all hold: avoiding it is a choice among them
        limits = _principal_arn_limits(statement.conditions)
        if limits is None or not (limits[0] or limits[1]):
            continue
        (applies_when, *_), applies_unless = limits[0] or ((),), limits[1]
        none_of += applies_when  # it applies to an ARN that matches one of these: match none
        if applies_unless:
            any_of.append(applies_unless)  # it applies to an ARN that matches none of these: match one
    return tuple(any_of), tuple(none_of)


def _literal(value: str) -> str | None:
    """A StringEquals value as a pattern: itself; None when it has a wildcard character, which no principal
    ARN has (IAM names allow neither * nor ?), so it matches none."""
    return None if has_wildcard(value) else value


_ARN_LIMITS: Mapping[str, Callable[[str], str | None]] = {
    "ArnLike": arn_part_pattern, "ArnEquals": arn_part_pattern, "StringLike": str, "StringEquals": _literal}


def _account_part(value: str) -> str | None:
    """An aws:PrincipalAccount value as the account part of an ARN pattern; None for one with a ':' or a '/',
    which matches no account (and would not stay in the account part)."""
    return None if ":" in value or "/" in value else value


# aws:PrincipalAccount values: an account ID, or a pattern of one under StringLike
_ACCOUNT_LIMITS: Mapping[str, Callable[[str], str | None]] = {
    "StringLike": _account_part,
    "StringEquals": lambda value: None if has_wildcard(value) else _account_part(value)}


def _names_only_allowed(trust: Policy, entries: Sequence[str], allow: TrustAllow) -> bool:
    """Whether every principal an Allow statement names is one the allow list covers whole: an AWS principal
    of an account the list allows entire (an account ID or root ARN), an allowed service or identity
    provider, or a value that names nobody. Then no caller outside the list is named by an Allow
    (evaluate.principal_match matches an AWS principal only to callers of its own account), so none gets
    through (:func:`_may_let_in`), in any context. ``*`` and NotPrincipal name callers of every account."""
    accounts = set(_whole_accounts(entries))
    for statement in trust.statements:
        if statement.effect is not Effect.ALLOW:
            continue
        if statement.principal is None:
            return False  # NotPrincipal
        for principal in statement.principal.principals:
            if principal.form is PrincipalForm.ANY:
                return False
            if principal.kind is PrincipalKind.SERVICE:
                if not any(s == "*" or s.lower() == principal.value.lower() for s in allow.services):
                    return False
            elif principal.kind is PrincipalKind.FEDERATED:
                if not any(f == "*" or f.lower() == principal.value.lower() for f in allow.federated):
                    return False
            elif principal.kind is PrincipalKind.AWS and principal.account and principal.account not in accounts:
                return False
    return True


def _whole_accounts(entries: Iterable[str]) -> Iterator[str]:
    """The accounts an allow list covers entire, as representatives.allowed_principal reads them."""
    for entry in entries:
        account = whole_account(entry)
        if account is not None:
            yield account


# Any caller that is not an IAM principal: its request contexts are the most numerous (context_count).
_SERVICE_CALLER = parse_caller("xtrust-any.amazonaws.com")


def _may_let_in(trust: Policy, caller: Caller) -> bool:
    """Whether some Allow statement of the trust policy names the caller — through its Principal, or a
    NotPrincipal that does not leave it out. Without one, the trust side allows nothing, in any request
    context (evaluate._statement_applies), and the request is refused."""
    for statement in trust.statements:
        if statement.effect is not Effect.ALLOW:
            continue
        if statement.principal is not None:
            named = principal_match(statement.principal, caller) is not Match.NONE
        else:
            named = statement.not_principal is not None and not _not_principal_exempts(
                statement.not_principal, caller, statement.effect)
        if named:
            return True
    return False


def _who(caller: Caller, role_account: str, login: str) -> str:
    if caller.kind is CallerKind.SERVICE:
        return "an AWS service not in the allow list"
    if caller.kind is CallerKind.FEDERATED:
        return "a federated identity provider not in the allow list"
    if caller.account == role_account:
        return "a principal of the role's own account"
    if caller.account == login:
        return "a login-account principal not in the allow list"
    return f"account {caller.account}"


def check_role(rule: Rule, role: Role, collector: Collector, login: str, known: Sequence[str],
               cache: dict[object, TrustVerdict], now: datetime) -> None:
    assert isinstance(rule.allow, TrustAllow)
    # The verdict depends on the role's name only through a per-role allow list or a Resource element.
    by_name = role.name in rule.allow.per_role or role.trust.names_resources
    key = (id(role.trust), role.name if by_name else "", collector.account)
    verdict = cache.get(key)
    if verdict is None:
        verdict = trust_violations(role.trust, role.arn, rule.allow, known_accounts=known, now=now)
        cache[key] = verdict
    if verdict.truncated:
        collector.truncated(role.arn, "trust policy")
    if not verdict.violations:
        return
    violations = [_retarget(v, role.arn) for v in verdict.violations]
    who = sorted({_who(v.caller, collector.account, login) for v in violations})
    describe = f"role {role.name} can be assumed from outside the allow list ({'; '.join(who)})"
    statements = [f"trust policy {ref.pointer}" for v in violations for ref in v.allows]
    collector.add(role.arn, role.arn, violations, describe, statements)


def _retarget(violation: Violation, role_arn: str) -> Violation:
    request = violation.request
    if request.resource == role_arn:
        return violation
    return Violation(Counterexample(request.principal, request.action, role_arn, request.context),
                     violation.allows, violation.caller)


def run_role_trust(rule: Rule, account: Account, rules: RuleSet, now: datetime,
                   today: date) -> tuple[list[Finding], list[str], tuple[str, ...]]:
    """role-trust over every role of a project account the rule covers: its findings, notes and the roles checked."""
    collector = Collector(rule, account.id, today)
    cache: dict[object, TrustVerdict] = {}
    known = (rules.login,)
    checked: list[str] = []
    for role in account.roles:
        if rule.scope.covers(account.id, role.name, role.path):
            checked.append(role.arn)
            try:
                check_role(rule, role, collector, rules.login, known, cache, now)
            except InputError as exc:  # an ARN no role can have (role//x, a name with a colon)
                raise InputError(f"{account.source}: {exc}") from None
    return list(collector.by_resource.values()), collector.notes, tuple(checked)
