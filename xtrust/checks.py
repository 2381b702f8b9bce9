"""The rule checks: each role, group or user against a rule, decided on representative requests.

``role-trust`` (a role in a project account): a violation is a caller outside the rule's allow list whom
the trust policy lets assume the role — the caller's own account is assumed to grant it, as an outsider
controls its own identity policies. ``identity-assume`` (a group or user in the login account): a violation
is a role ARN outside the allow list on which the effective identity policies allow ``sts:AssumeRole``,
Deny statements taken into account. Every finding carries the request that proves it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import cached_property, lru_cache, partial
from itertools import combinations

from ._frozen import frozen
from ._glob import glob_any, glob_matcher, glob_regex, has_wildcard, star_prefix
from ._witness import arn_part_pattern, role_witness
from .callers import (
    ASSUME_ROLE,
    Caller,
    CallerKind,
    RoleRef,
    is_account_id,
    parse_caller,
    parse_role,
    whole_account,
)
from .errors import InputError
from .evaluate import (
    _UNRESOLVED,
    _VARIABLE,
    Match,
    StatementRef,
    _not_principal_exempts,
    _resolve,
    _side,
    _variable_key,
    build_context,
    covers_action,
    decide,
    principal_match,
)
from .findings import Counterexample, Finding
from .inventory import Account, Grant, Group, Role, User
from .model import Condition, Effect, Policy, PolicyKind, PrincipalForm, PrincipalKind, Statement, parse_policy
from .representatives import (
    MAX_CONTEXTS,
    PRINCIPAL_KEYS,
    TIME_KEYS,
    Candidate,
    RoleMentions,
    allowed_principal,
    caller_sets,
    clock_readings,
    context_count,
    contexts,
    resource_role_names,
    role_arn_prefix,
    role_arns,
    role_candidate_parts,
    role_candidates_of,
    role_mentions,
    trust_candidates,
)
from .rules import AssumeAllow, Check, Rule, RuleSet, TrustAllow

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

# What an outsider's own account grants itself, and a role trusting the login account: the other half of
# each counterexample, so that ``can_assume`` reproduces it.
OUTSIDER_IDENTITY = parse_policy(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
    kind=PolicyKind.IDENTITY, source="the caller's own identity policy (assumed)")


@lru_cache(maxsize=64)
def LOGIN_TRUST(login: str) -> Policy:
    """A role that trusts the login account, session tags and source identity included: the role side of
    an identity-assume counterexample, which is about what the identity policies let through."""
    return parse_policy(
        {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{login}:root"},
             "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]}]},
        kind=PolicyKind.TRUST, source="a role trusting the login account")


@frozen
class Violation:
    """One request that gets through and should not, with the statements that let it."""

    request: Counterexample
    allows: tuple[StatementRef, ...]
    caller: Caller


@frozen
class TrustVerdict:
    """What role-trust found in one trust policy: each class of caller outside the allow list that gets
    in, with its request; ``truncated`` when the conditions had more combinations than were tried."""

    violations: tuple[Violation, ...] = ()
    truncated: bool = False


@frozen
class AssumeVerdict:
    """What identity-assume found for one group or user: each role outside its allow list it may
    assume, with the request; ``truncated`` as for :class:`TrustVerdict`."""

    violations: tuple[Violation, ...] = ()
    truncated: bool = False


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


# --- role-trust ---------------------------------------------------------------------------------


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
    moment = now or _now()
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
    known = [*known_accounts, *_entry_accounts(entries)]
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
        for context, chosen in contexts(conditions, caller, build_context(caller, now=moment), moment):
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
    aws:PrincipalArn (``ArnNotLike arn:aws:iam::*:*/a*``) when other names do not; without one, they serve."""
    if not any(c.key_lower == "aws:principalarn" for s in trust.statements for c in s.conditions):
        return []  # nothing tells names apart: the representatives' fresh names serve
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


def _entry_accounts(entries: Iterable[str]) -> list[str]:
    out = []
    for entry in entries:
        if entry.isdigit():
            out.append(entry)
        elif entry.startswith("arn:") and entry.count(":") >= 5:
            out.append(entry.split(":")[4])
    return out


# --- identity-assume ----------------------------------------------------------------------------


def assume_violations(
    policies: Sequence[Policy],
    caller_arn: str,
    allow_roles: Sequence[str],
    *,
    known_accounts: Iterable[str] = (),
    now: datetime | None = None,
    memo: AssumeMemo | None = None,
) -> AssumeVerdict:
    """Every class of role ARN outside ``allow_roles`` (wildcards allowed) on which ``policies`` let the
    caller call sts:AssumeRole, with the first request context that gets it through.

    ``memo`` (one per account) shares work between the groups and users of an account; it changes no result.
    """
    caller = parse_caller(caller_arn)
    trust = LOGIN_TRUST(caller.account)
    moment = now or _now()
    memo = AssumeMemo() if memo is None else memo
    known = [*known_accounts, *memo.entry_accounts(allow_roles), caller.account]
    conditions = [c for p in policies for s in p.statements for c in s.conditions]
    shapes = memo.shapes(policies)
    literal = None if conditions else memo.literal_targets(shapes)
    variables = _variable_patterns(shapes)
    base = build_context(caller, now=moment)
    if not conditions and not variables and caller.is_iam:
        if literal is not None:  # every request that can get through is on one of these
            return AssumeVerdict(_unconditional_violations(policies, shapes, caller,
                                                           memo.outside_of(allow_roles, literal), memo, base))
        reach = [memo.escaping_reach(shape, allow_roles) for shape in shapes]
        if not any(reach) and None not in reach:
            return AssumeVerdict()  # every Allow stays inside the allow list
        candidates = _reachable_candidates(memo.candidate_parts(shapes, known, allow_roles, caller.name), reach)
        found = list(_unconditional_violations(policies, shapes, caller, memo.outside_of(allow_roles, candidates),
                                               memo, base))
        tried = set(candidates)
        missed = [arn for arn in _missed_roles(policies, base, allow_roles, found)[0] if arn not in tried]
        if missed:
            found += _unconditional_violations(policies, shapes, caller, memo.outside_of(allow_roles, missed), memo,
                                               base)
        return AssumeVerdict(tuple(found))
    candidates = literal if literal is not None else memo.candidates(shapes, known, allow_roles, caller.name)
    binders = [b for b in (_binder(p, base) for p in variables) if b is not None]
    if variables:
        accounts = memo.candidate_parts(shapes, known, allow_roles, caller.name)[0]
        fixed = role_arns(accounts, _names_fixed_by_conditions(variables, conditions, caller.name))
        candidates = list(dict.fromkeys([*candidates, *fixed]))
    outside = memo.outside(allow_roles)
    found = []
    truncated = False

    def try_role(arn: str) -> None:
        nonlocal truncated
        role = memo.role(arn)
        for binding in _bindings(binders, arn):
            tried = 0
            bound = {key.lower(): value for key, value in binding.items()}
            for context, chosen in contexts(conditions, caller, base, moment):
                tried += 1
                if binding:  # the variables' values, whatever the conditions chose for the same keys
                    context = {**context, **bound}
                    chosen = {**{k: v for k, v in chosen.items() if k.lower() not in bound}, **binding}
                if not memo.identity_allows(shapes, caller, arn, context):
                    continue  # the identity policies do not let this request through: no need to decide it
                decision = decide(caller, role, trust, policies, context, ASSUME_ROLE)
                if decision.allowed and decision.identity is not None:
                    found.append(Violation(Counterexample(caller.arn, ASSUME_ROLE, arn,
                                                          _with_clock(chosen, context, shapes)),
                                           decision.identity.allows, caller))
                    return
            truncated = truncated or tried >= MAX_CONTEXTS

    for arn in candidates:
        if outside(arn):
            try_role(arn)
    if literal is None:
        tried = set(candidates)
        # A Resource that reads the clock (role/${aws:EpochTime}) names other roles at other times: look for
        # missed roles at each second the requests tried can be made at.
        times = clock_readings(conditions, caller, moment) if any(s.reads_time for s in shapes) else [{}]
        for time in times:
            missed, whole = _missed_roles(policies, {**base, **time}, allow_roles, found)
            truncated = truncated or not whole
            for arn in missed:
                if arn not in tried and outside(arn):
                    tried.add(arn)
                    try_role(arn)
    return AssumeVerdict(tuple(found), truncated)


_CLOCK_SPELLING = {"aws:currenttime": "aws:CurrentTime", "aws:epochtime": "aws:EpochTime"}


def _with_clock(chosen: dict[str, tuple[str, ...]], context: Mapping[str, tuple[str, ...]],
                shapes: Sequence[_Shape]) -> dict[str, tuple[str, ...]]:
    """The keys a counterexample's caller chose, with the clock keys the documents read (``role/${aws:EpochTime}``)
    at the time of ``context``: a request that depends on the time says which, and is allowed when replayed."""
    read = [key for shape in shapes for key in shape.reads if key in TIME_KEYS and key in context]
    if not read:
        return chosen
    have = {key.lower() for key in chosen}
    return {**chosen, **{_CLOCK_SPELLING[key]: context[key] for key in dict.fromkeys(read) if key not in have}}


def _missed_roles(policies: Sequence[Policy], base: Mapping[str, tuple[str, ...]], allow_roles: Sequence[str],
                  found: Sequence[Violation]) -> tuple[list[str], bool]:
    """Role ARNs the representatives may have missed: for each Allow statement that can apply to
    sts:AssumeRole and lets none of the violations found through, role ARNs it matches that the allow list
    leaves out and no Deny denies (_witness.role_witness), when there are any. Deciding them as well makes
    the verdict exact whatever the fresh names of the representatives happen to collide with. Also returns
    whether the search was whole (see below).

    A Deny with conditions may or may not apply: a request gets through in a context where some of them
    apply, on a role ARN that steps around those and the Deny statements without conditions. So the search
    is made for each set of the Deny statements with conditions, the largest first (up to
    ``MAX_SOFT_DENIES`` of them; past that, only for all of them and for none, and the search is not whole).
    Deny statements with the same conditions apply together, and count as one.
    A variable the caller sets (:func:`caller_sets`) can take any value: in a pattern a role must match
    (an Allow's Resource, a Deny's NotResource) it stands for ``*``; a pattern a role must avoid (a Deny's
    Resource, an Allow's NotResource) matches nothing while the key is absent, and is left out. A statement
    with another variable that cannot be resolved here is left to the evaluator."""
    granted = {(ref.policy, ref.index) for violation in found for ref in violation.allows}
    # (patterns to match one of, patterns to avoid): of the Deny statements without conditions, and of each
    # Deny statement with conditions
    hard: tuple[list[tuple[str, ...]], list[str]] = ([], list(allow_roles))
    # Deny statements with the same conditions apply to the same requests: they make one set of patterns
    soft: dict[tuple[Condition, ...], tuple[list[tuple[str, ...]], list[str]]] = {}
    allows: list[tuple[tuple[str, ...], bool]] = []  # patterns, and whether they are a Resource
    for policy in policies:
        label = policy.source or "identity policies"
        for statement in policy.statements:
            if not covers_action(statement, ASSUME_ROLE):
                continue
            items = statement.resource or statement.not_resource
            if items is None:
                continue  # an identity statement without Resource or NotResource applies to nothing
            must_match = (statement.effect is Effect.ALLOW) == (statement.resource is not None)
            values = _resolved(policy, items.values, base, must_match)
            if values is None or (not values and statement.effect is Effect.DENY):
                continue  # unresolvable, or a Deny that spares everything while the caller leaves its key out
            if statement.effect is Effect.DENY:
                any_of, none_of = soft.setdefault(statement.conditions, ([], [])) if statement.conditions else hard
                if statement.resource is not None:
                    none_of += values
                else:
                    any_of.append(values)  # the Deny does not apply only to what its NotResource names
            elif (label, statement.index) not in granted:
                allows.append((values, statement.resource is not None))
    inside = tuple(allow_roles)
    if any(all(_contained(v, inside) for v in group) for group in hard[0]):
        return [], True  # the Deny spares only roles the allow list holds
    if not allows:
        return [], True  # no Allow statement to search: nothing was missed
    sets = list(soft.values())
    whole = len(sets) <= MAX_SOFT_DENIES
    sizes = range(len(sets), -1, -1) if whole else (len(sets), 0)
    chosen = [c for size in sizes for c in combinations(sets, size)]
    avoided = [(tuple(hard[0] + [g for any_of, _ in c for g in any_of]),
                tuple(hard[1] + [p for _, none_of in c for p in none_of])) for c in chosen]
    out: list[str] = []
    for values, positive in allows:
        if positive and all(_contained(v, inside) for v in values):
            continue  # whatever it matches is allowed
        for must, avoid in avoided:
            witness = role_witness(must + ((values,) if positive else ()), avoid + (() if positive else values))
            if witness is not None and witness not in out:
                out.append(witness)
    return out, whole


# Of the Deny statements with conditions in one group's or user's documents, how many _missed_roles steps
# around in every combination (2 ** n searches for each Allow statement).
MAX_SOFT_DENIES = 6


def _resolved(policy: Policy, values: tuple[str, ...], base: Mapping[str, tuple[str, ...]],
              must_match: bool) -> tuple[str, ...] | None:
    """Resource patterns with the variables the request context ``base`` gives (the caller's aws:username, the
    clock…) in place, and the variables the caller sets as ``*`` in patterns a role must match, or those
    patterns left out where a role must avoid them (:func:`_missed_roles`). A pattern where a variable resolves
    to a ``*`` or ``?`` that is text, not a wildcard (``${*}``), matches no role ARN and is left out too. None
    when a variable cannot be resolved here."""
    if not policy.substitutes_variables or not any("${" in v for v in values):
        return values
    out = []
    for value in values:
        variables = _VARIABLE.findall(value)
        if not must_match and any(map(caller_sets, variables)):
            continue
        for variable in variables:
            if caller_sets(variable):
                resolved = "*"  # any value
            else:
                resolved = _resolve(variable, base)
                if resolved is _UNRESOLVED:
                    return None  # unknown here: the evaluator decides
                if has_wildcard(resolved):
                    break  # a * or ? that is text (${*}): no role ARN holds one, so the pattern matches none
            value = value.replace(f"${{{variable}}}", resolved)
        else:
            out.append(value)
    return tuple(out)


# --- policy variables the caller sets -------------------------------------------------------------------
# arn:aws:iam::D:role/${aws:PrincipalTag/team} is whichever role the caller's tag names: such a variable
# (caller_sets) can take any value, so a pattern with one reaches every role ARN it matches for some value.
# Each role ARN is then tried with the values that make such a pattern match it (_bindings), and the roles
# that the values conditions require for those keys name are candidates too (_names_fixed_by_conditions).


def _variable_patterns(shapes: Sequence[_Shape]) -> tuple[str, ...]:
    """The patterns of the documents in which a variable the caller sets can let a role in
    (:attr:`_Shape.variables`)."""
    if not any(shape.variables for shape in shapes):
        return ()
    return tuple(dict.fromkeys(pattern for shape in shapes for pattern in shape.variables))


def _binder(pattern: str, base: Mapping[str, tuple[str, ...]]) -> tuple[re.Pattern[str], tuple[str, ...]] | None:
    """A regular expression that matches the ARNs ``pattern`` matches for some values of the variables the
    caller sets, one group each (``v0``, ``v1``…), with the key of each group as the policy spells it; the
    caller's own variables and the character escapes in place, as the evaluator resolves them
    (evaluate._resolve). None when another variable cannot be resolved (the pattern matches nothing)."""
    pieces: list[str] = []
    keys: list[str] = []
    groups: dict[str, str] = {}
    last = 0
    for found in _VARIABLE.finditer(pattern):
        pieces.append(glob_regex(pattern[last:found.start()]).pattern)
        last = found.end()
        if not caller_sets(found.group(1)):
            value = _resolve(found.group(1), base)
            if value is _UNRESOLVED:
                return None
            pieces.append(re.escape(value))
            continue
        key = _variable_key(found.group(1))
        group = groups.get(key.lower())
        if group is None:
            group = groups[key.lower()] = f"v{len(keys)}"
            keys.append(key)
            pieces.append(f"(?P<{group}>.*?)")
        else:
            pieces.append(f"(?P={group})")  # the same key again: the same value
    pieces.append(glob_regex(pattern[last:]).pattern)
    return re.compile("".join(pieces), re.DOTALL), tuple(keys)


_NO_BINDING: dict[str, tuple[str, ...]] = {}
MAX_BINDINGS = 6  # patterns that match one role ARN, whose unions _bindings tries: 2 ** n of them at most


def _bindings(binders: Sequence[tuple[re.Pattern[str], tuple[str, ...]]],
              arn: str) -> list[dict[str, tuple[str, ...]]]:
    """The values of the caller's variables to try on ``arn``: none first (every such key left out), then,
    for each pattern that matches ``arn`` for some values, those values, then each union of them that agrees
    on every key, the smaller first (past MAX_BINDINGS patterns, only the union of the first that agree).
    Keys as the policies spell them."""
    found: list[dict[str, tuple[str, ...]]] = []
    for regex, keys in binders:
        match = regex.fullmatch(arn)
        if match is not None:
            binding: dict[str, tuple[str, ...]] = {key: (str(match.group(f"v{i}")),) for i, key in enumerate(keys)}
            if binding not in found:
                found.append(binding)
    out = [_NO_BINDING, *found]
    groups: Iterable[Sequence[dict[str, tuple[str, ...]]]]
    if len(found) <= MAX_BINDINGS:
        groups = (group for size in range(2, len(found) + 1) for group in combinations(found, size))
    else:
        agreeing: list[dict[str, tuple[str, ...]]] = []
        for binding in found:
            if _union([*agreeing, binding]) is not None:
                agreeing.append(binding)
        groups = [agreeing]
    for group in groups:
        merged = _union(group)
        if merged is not None and merged not in out:
            out.append(merged)
    return out


def _union(bindings: Iterable[dict[str, tuple[str, ...]]]) -> dict[str, tuple[str, ...]] | None:
    """The values of ``bindings`` together, each key as the first to give it spells it; None when two give a key
    (in any case) different values."""
    merged: dict[str, tuple[str, ...]] = {}
    lowered: dict[str, tuple[str, ...]] = {}
    for binding in bindings:
        for key, value in binding.items():
            known = lowered.get(key.lower())
            if known is None:
                merged[key] = lowered[key.lower()] = value
            elif known != value:
                return None
    return merged


def _names_fixed_by_conditions(patterns: Sequence[str], conditions: Sequence[Condition],
                               username: str) -> list[str]:
    """The role names the patterns take in when a variable of theirs has a value that a condition on its key
    names (``StringEquals aws:PrincipalTag/team: ops`` with ``role/${aws:PrincipalTag/team}``: role/ops)."""
    by_key: dict[str, list[str]] = {}
    for condition in conditions:
        by_key.setdefault(condition.key_lower, []).extend(condition.values)
    names: list[str] = []
    for pattern in patterns:
        for variable in dict.fromkeys(_VARIABLE.findall(pattern)):
            for value in by_key.get(_variable_key(variable).lower(), ()):
                names += resource_role_names(pattern.replace(f"${{{variable}}}", value), username)
    return list(dict.fromkeys(names))


def _reachable_candidates(parts: tuple[list[str], list[str]],
                          reach: Sequence[tuple[str, ...] | None]) -> list[str]:
    """The role candidates (``role_candidate_parts``) less those that begin with none of the documents'
    ``reach`` (AssumeMemo.escaping_reach): only those can be let through by an Allow and be outside the allow
    list. The table of starts by account below reads an account ID at a fixed place, so all are kept when an
    account is not 12 digits (a wildcard of an allow list's ARN)."""
    accounts, names = parts
    if not all(map(is_account_id, accounts)):
        return role_arns(accounts, names)
    if None in reach:
        return role_arns(accounts, names)
    # The starts as long as a role ARN prefix or shorter: every name of an account whose prefix begins with
    # one may be reached. A longer one reaches, in its own account, the names that begin with its tail.
    wide: list[str] = []
    tails: dict[str, list[str]] = {}
    for start in (start for each in reach for start in each or ()):
        if len(start) <= _PREFIX_LENGTH:
            wide.append(start)
        elif start.startswith(role_arn_prefix(owner := start[_ACCOUNT_AT:_ACCOUNT_AT + 12])):
            tails.setdefault(owner, []).append(start[_PREFIX_LENGTH:])  # else it begins no role ARN
    starts = tuple(wide)
    out: list[str] = []
    for account in accounts:  # role_arns(accounts, names), less the ARNs that start with no start
        prefix = role_arn_prefix(account)
        if starts and prefix.startswith(starts):
            out += [prefix + name for name in names]
        elif account in tails:
            begins = tuple(tails[account])
            out += [prefix + name for name in names if name.startswith(begins)]
    return out


_ACCOUNT_AT = len("arn:aws:iam::")
_PREFIX_LENGTH = len(role_arn_prefix("123456789012"))


def _unconditional_violations(policies: Sequence[Policy], shapes: Sequence[_Shape], caller: Caller,
                              outside: Sequence[str], memo: AssumeMemo,
                              context: Mapping[str, tuple[str, ...]]) -> tuple[Violation, ...]:
    """Without conditions there is one request context, ``context``: the caller's own at the scan's moment.
    The role trusts the caller's account (LOGIN_TRUST): the trust side allows, no session tags are passed, and
    the caller (a user or a role session) may call STS, so the decision is the identity side's — some statement
    allows and none denies — and its allowing statements are the identity policies' own, in order.

    ``outside`` are the candidate role ARNs outside the allow list, in order. A document is asked only
    about the ARNs it can reach (``_Shape.reach``)."""
    asked = [(shape, shape.reach, memo.sides(shape, context), policy.source or "identity policies")
             for shape, policy in zip(shapes, policies, strict=True)
             if shape.reach != ()]  # a document none of whose statements can apply to sts:AssumeRole says nothing
    found = []
    for arn in outside:
        allows: list[StatementRef] = []
        for shape, reach, known, label in asked:
            if reach is not None and not arn.startswith(reach):
                continue
            side = known.get(arn)
            if side is None:
                side = known[arn] = memo.side(shape, caller, arn, context)
            if side[1]:
                break  # denied
            allows += [ref if ref.policy == label else _relabel(ref, label) for ref in side[0]]
        else:
            if allows:
                found.append(Violation(Counterexample(caller.arn, ASSUME_ROLE, arn, _with_clock({}, context, shapes)),
                                       tuple(allows), caller))
    return tuple(found)


_ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::[0-9]{12}:role/.+")


def _statement_targets(statement: Statement) -> tuple[str, ...] | None:
    """The role ARNs an Allow statement can let sts:AssumeRole reach when it lists them literally; None when
    it uses wildcards, NotResource or policy variables (then representatives are needed)."""
    if statement.resource is None or any(has_wildcard(v) or "${" in v for v in statement.resource.values):
        return None
    return tuple(v for v in statement.resource.values if _ROLE_ARN.fullmatch(v))


def _document_targets(policy: Policy) -> tuple[str, ...] | None:
    """The role ARNs the Allow statements of one document that can apply to sts:AssumeRole list literally,
    in order; None when one of them does not list them literally."""
    targets: list[str] = []
    for statement in policy.statements:
        if statement.effect is not Effect.ALLOW or not covers_action(statement, ASSUME_ROLE):
            continue
        listed = _statement_targets(statement)
        if listed is None:
            return None
        targets.extend(listed)
    return tuple(targets)


def _literal_targets(policies: Sequence[Policy]) -> list[str] | None:
    """Without conditions, when every Allow statement that can apply to sts:AssumeRole names its role ARNs
    literally, those ARNs are the only requests that can get through: a request on any other ARN matches no
    Allow. Exact, and much smaller than the representatives (lists of role ARNs are the common case)."""
    targets: list[str] = []
    for policy in policies:
        listed = _document_targets(policy)
        if listed is None:
            return None
        targets.extend(listed)
    return list(dict.fromkeys(targets))


class AssumeMemo:
    """Work shared by the identity-assume checks of one account; it changes no result.

    - whether a role ARN is outside an allow list, once per (allow list, ARN), and the parsed role ARN;
    - of each document: what it contributes to the role candidates, the role ARNs it lists literally,
      and whether its verdict depends on who the caller is; under each allow list, whether it bears on a
      verdict, reaches outside the list or shuts it out (:meth:`flags`);
    - under each allow list, the grants of each group and user that bear on its verdict (:meth:`grants`);
    - whether one identity policy allows or denies ``sts:AssumeRole`` on an ARN, and through which
      statements, once per (document, ARN, the request-context values the document reads): the groups
      and users of an account hold the same few documents, and a request can only get through if some
      policy allows it and none denies it, so the full decision is made only for requests that pass that
      test.

    Of a document, only the statements whose Action can match sts:AssumeRole can apply. When each of those
    names its resources without policy variables, an ARN that none of the patterns matches is one no
    statement applies to. The context values a document reads are those of its condition keys and of the
    policy variables in its resources and condition values. Documents are keyed by the identity of their
    statements, which the account keeps alive (labelled copies made with ``Policy.named`` share them):
    a memo must not outlive its account.
    """

    def __init__(self) -> None:
        self._outside: dict[tuple[str, ...], _AllowList] = {}
        self._roles: dict[str, RoleRef] = {}
        self._shapes: dict[int, _Shape] = {}
        self._sides: dict[tuple[object, ...], dict[str, _SideFlags]] = {}
        self._entries: dict[tuple[str, ...], list[str]] = {}

    def outside(self, allow_roles: Sequence[str]) -> Callable[[str], bool]:
        """Whether a role ARN is outside the allow list (glob patterns). A candidate that no role can have
        (not a role ARN) is not: no request on it can get through."""
        return self._allow_list(allow_roles).outside

    def outside_of(self, allow_roles: Sequence[str], arns: Iterable[str]) -> list[str]:
        """The ARNs outside the allow list, in order."""
        return self._allow_list(allow_roles).filter(arns)

    def _allow_list(self, allow_roles: Sequence[str]) -> _AllowList:
        patterns = tuple(allow_roles)
        listed = self._outside.get(patterns)
        if listed is None:
            listed = self._outside[patterns] = _AllowList(patterns, parse_role)
        return listed

    def escaping_reach(self, shape: _Shape, allow_roles: Sequence[str]) -> tuple[str, ...] | None:
        """What a role ARN must begin with for an Allow statement of the document to let sts:AssumeRole
        through on it while it is outside the allow list: the Allow statements' ``_reach``, less the Resource patterns
        the allow list contains whole (whatever such a pattern matches is inside). None: any ARN (NotResource).
        Exact: a role ARN outside the list that an Allow matches is matched by a pattern not contained."""
        listed = self._allow_list(allow_roles)
        found = listed.escaping.get(shape.key, _UNSET)
        if found is _UNSET:
            found = listed.escaping[shape.key] = _reach(shape.policy, allows_only=True, inside=listed.contains)
        return found  # type: ignore[return-value]

    def weigh(self, grants: Sequence[Grant], allow_roles: Sequence[str]) -> list[int]:
        """The flags of each grant's document under the allow list (:meth:`flags`)."""
        listed = self._allow_list(allow_roles)
        return [self.flags(listed, allow_roles, grant.document) for grant in grants]

    def flags(self, listed: _AllowList, allow_roles: Sequence[str], document: Policy) -> int:
        """What a document is to an identity-assume verdict under the allow list ``listed`` (of
        ``allow_roles``): 0 when it does not bear on it (:meth:`bears_on`), else :data:`_BEARS` with
        :data:`_ESCAPES` and :data:`_SHUTS` when they hold. Worked out once per (document, allow list)."""
        key = id(document.statements)
        found = listed.flags.get(key)
        if found is None:
            shape = self.shape(document)
            found = listed.flags[key] = 0 if not self.bears_on(shape, allow_roles) else (
                _BEARS | (_ESCAPES if self.escaping_reach(shape, allow_roles) != () else 0)
                | (_SHUTS if self.shuts_out(shape, allow_roles) else 0))
        return found

    def bears_on(self, shape: _Shape, allow_roles: Sequence[str]) -> bool:
        """Whether the document can change an identity-assume verdict: an Allow statement of it reaches
        outside the allow list (:meth:`escaping_reach`), or a Deny statement can apply to sts:AssumeRole."""
        return shape.denies or self.escaping_reach(shape, allow_roles) != ()

    def shuts_out(self, shape: _Shape, allow_roles: Sequence[str]) -> bool:
        """Whether the document has a Deny statement without conditions that applies to sts:AssumeRole on
        every role ARN outside the allow list: what its NotResource names, the list holds whole
        (:func:`_contained`, sound)."""
        listed = self._allow_list(allow_roles)
        found = listed.shuts.get(shape.key)
        if found is None:
            found = listed.shuts[shape.key] = any(
                s.effect is Effect.DENY and not s.conditions and s.not_resource is not None
                and covers_action(s, ASSUME_ROLE) and all(map(listed.contains, s.not_resource.values))
                for s in shape.policy.statements)
        return found

    def role(self, arn: str) -> RoleRef:
        role = self._roles.get(arn)
        if role is None:
            role = self._roles[arn] = parse_role(arn)
        return role

    def grants(self, account: Account, principal: Group | User,
               allow_roles: Sequence[str]) -> tuple[list[Grant], list[str]]:
        """``account.grants(principal)`` less the grants that bear on no verdict under the allow list
        (:meth:`weigh`), once per (principal, allow list); a group's own are part of each member's."""
        listed = self._allow_list(allow_roles)
        got = listed.grants.get(id(principal))
        if got is None:
            got = listed.grants[id(principal)] = account.grants(
                principal, partial(self._own_grants, account, listed, allow_roles))
        return got

    def _own_grants(self, account: Account, listed: _AllowList, allow_roles: Sequence[str],
                    owner: Group | User) -> tuple[list[Grant], list[str]]:
        got = listed.own.get(id(owner))
        if got is None:
            got = listed.own[id(owner)] = account.own_grants(owner, partial(self.flags, listed, allow_roles))
        return got

    def stands_for_members(self, account: Account, group: Group, allow_roles: Sequence[str]) -> bool:
        """Whether a group's check under its allow list stands for any member's (_covered_by_groups): all its
        policies are in the account data, and none of those that bear on the verdict (:meth:`grants`)
        depends on who the caller is. A member's list holds the group's, so what bears on no verdict under
        the group's list bears on no member's either. Asked once per group: _covered_by_groups keeps the
        answer."""
        grants, missing = self.grants(account, group, allow_roles)
        return not missing and not any(self.names_the_caller(g.document) for g in grants)

    def shapes(self, policies: Sequence[Policy]) -> list[_Shape]:
        return [self.shape(p) for p in policies]

    def names_the_caller(self, policy: Policy) -> bool:
        return self.shape(policy).names_the_caller

    def literal_targets(self, shapes: Sequence[_Shape]) -> list[str] | None:
        """:func:`_literal_targets` of the shapes' documents."""
        targets: list[str] = []
        for shape in shapes:
            if shape.targets is None:
                return None
            targets.extend(shape.targets)
        return list(dict.fromkeys(targets))

    def candidates(self, shapes: Sequence[_Shape], known_accounts: Iterable[str], known_roles: Sequence[str],
                   username: str) -> list[str]:
        """:func:`role_candidates` of the shapes' documents."""
        return role_candidates_of([s.mentions for s in shapes], known_accounts, known_roles, username)

    def candidate_parts(self, shapes: Sequence[_Shape], known_accounts: Iterable[str], known_roles: Sequence[str],
                        username: str) -> tuple[list[str], list[str]]:
        """:func:`role_candidate_parts` of the shapes' documents."""
        return role_candidate_parts([s.mentions for s in shapes], known_accounts, known_roles, username)

    def entry_accounts(self, entries: Sequence[str]) -> list[str]:
        """:func:`_entry_accounts`, once per allow list."""
        key = tuple(entries)
        found = self._entries.get(key)
        if found is None:
            found = self._entries[key] = _entry_accounts(key)
        return found

    def shape(self, policy: Policy) -> _Shape:
        """What the checks need to know of a document, worked out once per document (labelled copies share it)."""
        key = id(policy.statements)
        shape = self._shapes.get(key)
        if shape is None:
            shape = self._shapes[key] = _Shape(policy, key)
        return shape

    def identity_allows(self, shapes: Sequence[_Shape], caller: Caller, arn: str,
                        context: Mapping[str, tuple[str, ...]]) -> bool:
        """Whether some statement of the policies allows sts:AssumeRole on ``arn`` in ``context`` and none
        denies it (the identity side of the decision, from the evaluator, one document at a time)."""
        allowed = False
        for shape in shapes:
            known = self.sides(shape, context)
            side = known.get(arn)
            if side is None:
                side = known[arn] = self.side(shape, caller, arn, context)
            if side[1]:
                return False
            allowed = allowed or bool(side[0])
        return allowed

    def sides(self, shape: _Shape, context: Mapping[str, tuple[str, ...]]) -> dict[str, _SideFlags]:
        """What one document says, by role ARN, in contexts that agree with ``context`` on what it reads."""
        key = (shape.key, *(context.get(k) for k in shape.reads))
        known = self._sides.get(key)
        if known is None:
            known = self._sides[key] = {}
        return known

    @staticmethod
    def side(shape: _Shape, caller: Caller, arn: str, context: Mapping[str, tuple[str, ...]]) -> _SideFlags:
        """The statements of one document that allow sts:AssumeRole on ``arn``, and whether one denies it."""
        if shape.plain is not None:
            return _plain_side(shape.plain, arn)
        if shape.matchers is not None and not any(match(arn) for match in shape.matchers):
            return _NOTHING  # no statement of this policy applies to the request
        side = _side("identity policies", (shape.policy,), caller, ASSUME_ROLE, arn, context, trust=False)
        return side.allows, bool(side.denies)


_SideFlags = tuple[tuple[StatementRef, ...], bool]


class _AllowList:
    """One allow list of role ARN patterns, what it says of each ARN asked about, and what the
    identity-assume checks of an account work out under it."""

    def __init__(self, patterns: tuple[str, ...], check_role: Callable[[str], object]) -> None:
        self._listed = glob_any(patterns)  # glob_match, all patterns at once, without a regular expression
        self._check_role = check_role
        self._seen: dict[str, bool] = {}
        self._prefixes = _star_prefixes(patterns)
        self._contains: dict[str, bool] = {}
        # What AssumeMemo works out under this list: flags by document (the identity of its statements);
        # grants by principal and by owner, by their identity
        self.flags: dict[int, int] = {}
        self.grants: dict[int, tuple[list[Grant], list[str]]] = {}
        self.own: dict[int, tuple[list[Grant], list[str]]] = {}
        self.escaping: dict[int, tuple[str, ...] | None] = {}  # AssumeMemo.escaping_reach, by document
        self.shuts: dict[int, bool] = {}  # AssumeMemo.shuts_out, by document

    def outside(self, arn: str) -> bool:
        answer = self._seen.get(arn)
        if answer is None:
            answer = self._seen[arn] = self._judge(arn)
        return answer

    def contains(self, pattern: str) -> bool:
        """Whether the list holds whole what a Resource pattern matches (:func:`_contained`)."""
        found = self._contains.get(pattern)
        if found is None:
            found = self._contains[pattern] = _held(pattern, self._listed, self._prefixes)
        return found

    def filter(self, arns: Iterable[str]) -> list[str]:
        seen = self._seen
        arns = list(arns)
        for arn in [a for a in arns if a not in seen]:
            seen[arn] = self._judge(arn)
        return [a for a in arns if seen[a]]

    def _judge(self, arn: str) -> bool:
        if self._listed(arn):
            return False
        if not _PLAIN_ROLE_ARN.fullmatch(arn):
            try:
                self._check_role(arn)  # parse_role, which fails for what is not a role ARN
            except InputError:
                return False  # no role has this ARN (role//, a newline…): no request on it gets through
        return True


# What parse_role accepts for sure: an ARN of this form needs no parsing to be known good.
_PLAIN_ROLE_ARN = re.compile(r"arn:aws:iam::[0-9]{12}:role/[^\n]*[^/\n]")
_NOTHING: _SideFlags = ((), False)
_UNSET = object()
# What AssumeMemo.weigh says of a document under an allow list: it bears on the verdict (bears_on); an Allow
# statement of it reaches outside the list (escaping_reach is not ()); a Deny of it shuts out every role
# outside the list (shuts_out).
_BEARS, _ESCAPES, _SHUTS = 1, 2, 4


@frozen
class _PlainStatement:
    """A statement that can apply to sts:AssumeRole and reads nothing from the request context: it applies to
    a role ARN when its Resource matches it, or its NotResource does not (evaluate._statement_applies)."""

    ref: StatementRef
    deny: bool
    resource: Callable[[str], object] | None
    not_resource: Callable[[str], object] | None


def _plain_statements(policy: Policy) -> tuple[_PlainStatement, ...] | None:
    """The statements of a document that can apply to sts:AssumeRole, when none of them has a condition or a
    policy variable to substitute; None otherwise (the evaluator decides then)."""
    out = []
    label = policy.source or "identity policies"
    for s in policy.statements:
        if not covers_action(s, ASSUME_ROLE):
            continue
        if s.resource is None and s.not_resource is None:
            continue  # an identity statement without Resource or NotResource applies to nothing
        values = (s.resource or s.not_resource).values  # type: ignore[union-attr]
        if s.conditions or (policy.substitutes_variables and any("${" in v for v in values)):
            return None
        ref = StatementRef(label, s.index, s.sid, s.effect, s.pointer, s, Match.DIRECT)
        matcher = glob_any(values)
        out.append(_PlainStatement(ref, s.effect is Effect.DENY, matcher if s.resource is not None else None,
                                   matcher if s.resource is None else None))
    return tuple(out)


def _plain_side(statements: Sequence[_PlainStatement], arn: str) -> _SideFlags:
    allows: list[StatementRef] = []
    denied = False
    for s in statements:
        if s.resource(arn) if s.resource is not None else not s.not_resource(arn):  # type: ignore[misc]
            if s.deny:
                denied = True
            else:
                allows.append(s.ref)
    return (tuple(allows), denied) if allows or denied else _NOTHING


def _relabel(ref: StatementRef, label: str) -> StatementRef:
    return StatementRef(label, ref.index, ref.sid, ref.effect, ref.pointer, ref.statement, ref.via)


def _keys_read(texts: Iterable[str]) -> tuple[str, ...]:
    """The request-context keys the policy variables in ``texts`` read, lower-cased, each once."""
    return tuple(dict.fromkeys(_variable_key(name).lower() for text in texts for name in _VARIABLE.findall(text)))


class _Shape:
    """What the identity-assume checks need to know of one document, each part worked out when first asked
    for: many groups and users are settled by a few of them (AssumeMemo.escaping_reach)."""

    def __init__(self, policy: Policy, key: int) -> None:
        self.policy = policy
        self.key = key

    @cached_property
    def reads_time(self) -> bool:
        """Whether the Resource or NotResource of a statement that can apply to sts:AssumeRole reads the clock."""
        return self.policy.substitutes_variables and not TIME_KEYS.isdisjoint(self._resource_reads)

    @cached_property
    def _resource_reads(self) -> tuple[str, ...]:
        """The request-context keys the policy variables in the Resource and NotResource of its statements that
        can apply to sts:AssumeRole read."""
        return _keys_read(v for s in self.policy.statements if covers_action(s, ASSUME_ROLE)
                          for items in (s.resource, s.not_resource) if items for v in items.values)

    @cached_property
    def reads(self) -> tuple[str, ...]:
        """The request-context keys its statements that can apply to sts:AssumeRole read: condition keys and
        policy variables."""
        conditions = [c for s in self.policy.statements if covers_action(s, ASSUME_ROLE) for c in s.conditions]
        return tuple(dict.fromkeys([*self._resource_reads, *(c.key_lower for c in conditions),
                                    *_keys_read(v for c in conditions for v in c.values)]))

    @cached_property
    def matchers(self) -> tuple[Callable[[str], object], ...] | None:
        """A matcher of each Resource pattern of the statements that can apply to sts:AssumeRole, when each has
        one without policy variables; for documents the evaluator decides (plain statements match on their
        own). None: some statement may apply to any ARN, or the statements are plain."""
        if self.plain is not None:
            return None
        patterns: list[str] = []
        for s in self.policy.statements:
            if not covers_action(s, ASSUME_ROLE):
                continue
            if s.resource is None or any("${" in v for v in s.resource.values):
                return None
            patterns += s.resource.values
        return tuple(glob_matcher(v) for v in dict.fromkeys(patterns))

    @cached_property
    def variables(self) -> tuple[str, ...]:
        """The patterns with a variable the caller sets (caller_sets) of the statements that can apply to
        sts:AssumeRole, where its value can let a role in: the Resource of an Allow, the NotResource of a
        Deny."""
        if not self.policy.substitutes_variables:
            return ()
        out: list[str] = []
        for s in self.policy.statements:
            if covers_action(s, ASSUME_ROLE):
                items = s.resource if s.effect is Effect.ALLOW else s.not_resource
                out += [v for v in (items.values if items else ()) if "${" in v
                        and any(map(caller_sets, _VARIABLE.findall(v)))]
        return tuple(out)

    @cached_property
    def denies(self) -> bool:
        """Whether a Deny statement of it can apply to sts:AssumeRole."""
        return any(s.effect is Effect.DENY and covers_action(s, ASSUME_ROLE) for s in self.policy.statements)

    @cached_property
    def mentions(self) -> RoleMentions:
        return role_mentions(self.policy)

    @cached_property
    def targets(self) -> tuple[str, ...] | None:
        return _document_targets(self.policy)

    @cached_property
    def names_the_caller(self) -> bool:
        return _names_the_caller(self.policy)

    @cached_property
    def plain(self) -> tuple[_PlainStatement, ...] | None:
        return _plain_statements(self.policy)

    @cached_property
    def reach(self) -> tuple[str, ...] | None:
        return _reach(self.policy)


def _reach(policy: Policy, *, allows_only: bool = False,
           inside: Callable[[str], bool] | None = None) -> tuple[str, ...] | None:
    """What every role ARN a statement of the document can apply to (for sts:AssumeRole) starts with: the
    literal beginning of each Resource pattern, up to its first wildcard or policy variable (resources match
    case-sensitively). None when a statement can apply to any ARN (NotResource); () when none can apply.
    With ``allows_only``, of the Allow statements alone; patterns ``inside`` says an allow list contains
    whole (:meth:`_AllowList.contains`) are left out."""
    starts: list[str] = []
    for s in policy.statements:
        if (allows_only and s.effect is not Effect.ALLOW) or not covers_action(s, ASSUME_ROLE):
            continue
        if s.not_resource is not None:
            return None
        for pattern in s.resource.values if s.resource is not None else ():
            if inside is None or not inside(pattern):
                starts.append(_literal_head(pattern))
    return tuple(dict.fromkeys(starts))


def _literal_head(pattern: str) -> str:
    """What every value a Resource pattern matches begins with: the pattern up to its first wildcard or
    policy variable (whatever that resolves to)."""
    return _UNTIL_WILDCARD.match(pattern)[0]  # type: ignore[index]


_UNTIL_WILDCARD = re.compile(r"[^*?$]*")


@lru_cache(maxsize=65536)
def _contained(pattern: str, patterns: tuple[str, ...]) -> bool:
    """Whether every value ``pattern`` matches is matched by one of ``patterns`` (IAM wildcards, matched
    case-sensitively, as resources are). Sound, not complete: True for a literal value that one of them
    matches, and for a pattern whose literal beginning (up to a wildcard or a policy variable, whatever that
    resolves to) begins with the beginning of a "prefix*" pattern."""
    return _held(pattern, glob_any(patterns), _star_prefixes(patterns))


def _held(pattern: str, listed: Callable[[str], object], prefixes: tuple[str, ...]) -> bool:
    """:func:`_contained`, given a matcher of the patterns and their "prefix*" beginnings."""
    if not has_wildcard(pattern) and "$" not in pattern:
        return bool(listed(pattern))
    return _literal_head(pattern).startswith(prefixes)


@lru_cache(maxsize=256)
def _star_prefixes(patterns: tuple[str, ...]) -> tuple[str, ...]:
    """The beginnings of the "prefix*" patterns among ``patterns``."""
    return tuple(prefix for prefix in map(star_prefix, patterns) if prefix is not None)


# --- turning verdicts into findings -------------------------------------------------------------


@dataclass
class _Collector:
    """Gathers findings of one account, merging those that point at the same resource."""

    rule: Rule
    account: str
    today: date
    by_resource: dict[str, Finding] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, resource: str, subject: str, violations: Sequence[Violation], describe: str,
            statements: Iterable[str]) -> None:
        first, *others = violations
        existing = self.by_resource.get(resource)
        if existing is not None:
            if subject not in existing.subjects:
                self.by_resource[resource] = Finding(
                    existing.rule, existing.severity, existing.account, existing.resource, existing.message,
                    existing.counterexample, existing.check, (*existing.subjects, subject), existing.statements,
                    existing.others, existing.exempt)
            return
        exempt = ""
        for exemption in self.rule.exemptions:
            if exemption.covers(resource) or exemption.covers(subject):
                if exemption.active(self.today):
                    exempt = f"{exemption.reason} (until {exemption.expires.isoformat()})"
                    break
                describe += f" (an exemption expired on {exemption.expires.isoformat()}: {exemption.reason})"
        self.by_resource[resource] = Finding(
            rule=self.rule.id,
            severity=self.rule.severity,
            account=self.account,
            resource=resource,
            message=f"{describe}: {first.request.in_words()}",
            counterexample=first.request,
            check=self.rule.check.value,
            subjects=(subject,),
            statements=tuple(dict.fromkeys(statements)),
            others=tuple(v.request for v in others[:9]),
            exempt=exempt,
        )


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


def check_role(rule: Rule, role: Role, collector: _Collector, login: str, known: Sequence[str],
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
        collector.notes.append(f"{role.arn}: trust policy conditions have more combinations than xtrust tries "
                               f"({MAX_CONTEXTS}); the verdict may miss a way in")
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


def _allowed_roles(allow: AssumeAllow, principal: Group | User) -> tuple[str, ...]:
    """The roles a group or user may assume: the rule's list, its own additions, and for a user those of
    its groups too (a group's additions are what its members may assume)."""
    extra = allow.per_principal
    if not extra or extra.keys().isdisjoint(
            (principal.name, *principal.groups) if isinstance(principal, User) else (principal.name,)):
        return _unique(allow.roles)  # the rule's list alone, the same tuple for every such principal
    roles = allow.roles_for(principal.name)
    if isinstance(principal, User):
        roles += tuple(r for g in principal.groups for r in extra.get(g, ()))
    return _unique(roles)


@lru_cache(maxsize=64)
def _unique(roles: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(roles))


def _names_the_caller(policy: Policy) -> bool:
    """Whether a document's verdict depends on who the caller is: a statement that can apply to
    sts:AssumeRole with a condition on a key that names the principal (aws:username, aws:PrincipalArn…) or
    a policy variable. Then a verdict for one member of a
    group does not stand for another, and a user's verdict is not its groups'."""
    for statement in policy.statements:
        if not covers_action(statement, ASSUME_ROLE):
            continue  # a statement that cannot apply to sts:AssumeRole changes no verdict
        for condition in statement.conditions:
            if condition.key_lower in PRINCIPAL_KEYS or any("${" in v for v in condition.values):
                return True
        for items in (statement.resource, statement.not_resource):
            if items and any("${" in v for v in items.values):
                return True
    return False


def _covered_by_groups(account: Account, user: User, allow: AssumeAllow, checked_groups: set[str], memo: AssumeMemo,
                       standing: dict[str, bool]) -> bool:
    """A user with no policies of its own, whose groups are all checked and whose documents that bear on the
    verdict do not depend on who the caller is (AssumeMemo.stands_for_members), can reach nothing its
    groups' own checks have not found: a group's check stands for any member, and the other groups of the
    user can only add Deny statements to it. ``standing`` keeps the answer for each group name once every
    group is checked."""
    if user.inline or user.attached or not user.groups:
        return False
    for name in user.groups:
        stands = standing.get(name)
        if stands is None:
            group = account.group(name)
            stands = standing[name] = (group is not None and group.arn in checked_groups
                                       and memo.stands_for_members(account, group, _allowed_roles(allow, group)))
        if not stands:
            return False
    return True


def _reports_nothing(principal: Group | User, grants: Sequence[Grant], flags: Sequence[int], caller_arn: str,
                     collector: _Collector, now: datetime) -> bool:
    """Whether checking a group or user over ``grants``, those that bear on its verdict, with their flags
    (AssumeMemo.weigh), is known to report nothing, without deciding any request:

    - a grant shuts out every role ARN outside the allow list (AssumeMemo.shuts_out): there is no violation;
    - no grant could allow a violation: none of its Allow statements reaches outside the allow list
      (AssumeMemo.escaping_reach, exact);
    - or, for a user, every grant that could names a resource already reported: a user's violation is
      reported only on the grant of its first allowing statement, and adds nothing to a finding on that
      resource (check_principal).

    Nor could the check add a note: its conditions have too few combinations to be cut short (the notes on
    missing policies come before)."""
    if not any(f & _SHUTS for f in flags):
        for grant, found in zip(grants, flags, strict=True):
            if not found & _ESCAPES:
                continue
            if not isinstance(principal, User) or grant.resource not in collector.by_resource:
                return False
    conditions = [c for g in grants for s in g.document.statements for c in s.conditions]
    return not conditions or context_count(conditions, parse_caller(caller_arn), now) < MAX_CONTEXTS


def check_principal(rule: Rule, account: Account, principal: Group | User, collector: _Collector,
                    known: Sequence[str], cache: dict[object, AssumeVerdict], now: datetime,
                    memo: AssumeMemo | None = None) -> None:
    assert isinstance(rule.allow, AssumeAllow)
    memo = AssumeMemo() if memo is None else memo
    allow_roles = _allowed_roles(rule.allow, principal)
    # Only documents that can allow a role outside the list or deny one can change the verdict; deciding the
    # others' too would only multiply candidates and contexts (their violations would be none, whatever the
    # rest say). So groups that share what matters share one verdict.
    grants, missing = memo.grants(account, principal, allow_roles)
    for arn in missing:
        collector.notes.append(f"{principal.arn}: attached {arn} is not in the account data; it cannot be checked")
    if not grants:
        return
    caller_arn = principal.arn if isinstance(principal, User) else f"arn:aws:iam::{account.id}:user/any"
    if _reports_nothing(principal, grants, memo.weigh(grants, allow_roles), caller_arn, collector, now):
        return
    specific = any(memo.names_the_caller(g.document) for g in grants)
    # A user's counterexamples name the user; a group's name a fresh member, the same for every group.
    key = (tuple(id(g.document) for g in grants), allow_roles,
           caller_arn if specific or isinstance(principal, User) else "")
    verdict = cache.get(key)
    if verdict is None:
        labelled = [g.document.named(f"#{i}") for i, g in enumerate(grants)]
        verdict = assume_violations(labelled, caller_arn, allow_roles, known_accounts=known, now=now, memo=memo)
        cache[key] = verdict
    if verdict.truncated:
        collector.notes.append(f"{principal.arn}: identity policy conditions have more combinations than xtrust "
                               f"tries ({MAX_CONTEXTS}); the verdict may miss a way in")
    if not verdict.violations:
        return
    kind = "group" if isinstance(principal, Group) else "user"
    by_grantor: dict[str, list[Violation]] = {}
    statements: dict[str, list[str]] = {}
    for violation in verdict.violations:
        resource = grants[int(violation.allows[0].policy[1:])].resource
        by_grantor.setdefault(resource, []).append(violation)
        statements.setdefault(resource, []).extend(
            f"{grants[int(ref.policy[1:])].label} {ref.pointer}" for ref in violation.allows)
    for resource, violations in by_grantor.items():
        if isinstance(principal, User) and resource != principal.arn and resource in collector.by_resource:
            continue  # already reported on the group or managed policy that grants it
        describe = f"{kind} {principal.name} may assume roles outside the allow list"
        if resource != principal.arn:
            describe += f" through {resource}"
        collector.add(resource, principal.arn, violations, describe, statements[resource])


CheckFn = Callable[[Rule, Account, RuleSet, datetime, date], tuple[list[Finding], list[str], tuple[str, ...]]]


def _run_role_trust(rule: Rule, account: Account, rules: RuleSet, now: datetime,
                    today: date) -> tuple[list[Finding], list[str], tuple[str, ...]]:
    collector = _Collector(rule, account.id, today)
    cache: dict[object, TrustVerdict] = {}
    known = (rules.login,)
    checked: list[str] = []
    for role in account.roles:
        if rule.scope.covers(account.id, role.name, role.path):
            checked.append(role.arn)
            check_role(rule, role, collector, rules.login, known, cache, now)
    return list(collector.by_resource.values()), collector.notes, tuple(checked)


def _run_identity_assume(rule: Rule, account: Account, rules: RuleSet, now: datetime,
                         today: date) -> tuple[list[Finding], list[str], tuple[str, ...]]:
    assert isinstance(rule.allow, AssumeAllow)
    collector = _Collector(rule, account.id, today)
    cache: dict[object, AssumeVerdict] = {}
    memo = AssumeMemo()
    known = (rules.login, *rules.projects)
    checked: list[str] = []
    principals: list[Group | User] = [*account.groups, *account.users]
    groups_checked: set[str] = set()
    standing: dict[str, bool] = {}
    for principal in principals:  # groups first: users' grants from groups are reported there
        if not rule.scope.covers(account.id, principal.name, principal.path):
            continue
        checked.append(principal.arn)
        if isinstance(principal, Group):
            groups_checked.add(principal.arn)
        elif _covered_by_groups(account, principal, rule.allow, groups_checked, memo, standing):
            continue
        check_principal(rule, account, principal, collector, known, cache, now, memo)
    return list(collector.by_resource.values()), collector.notes, tuple(checked)


CHECKS: Mapping[Check, CheckFn] = {
    Check.ROLE_TRUST: _run_role_trust,
    Check.IDENTITY_ASSUME: _run_identity_assume,
}


def check_account(rules: RuleSet, account: Account, *, now: datetime | None = None,
                  today: date | None = None) -> tuple[list[Finding], list[str], dict[str, tuple[str, ...]]]:
    """Run every rule that applies to this account: role-trust on project accounts, identity-assume on the
    login account. Returns the findings, notes on what could not be checked, and the ARNs of the roles,
    groups and users each rule checked (compliant ones included)."""
    moment = now or _now()
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

