"""``identity-assume``: a group or user in the login account violates its rule when its effective identity
policies allow ``sts:AssumeRole`` on a role ARN outside the rule's allow list.

The effective policies are the principal's inline policies and the default version of each managed policy
attached to it, and for a user those of its groups too; a Deny in any of them overrides every Allow
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html). The role ARNs
tried are those the policies' Resource and NotResource patterns name, match or leave out, with policy
variables resolved as the request would resolve them; each is put to the evaluator with the
request-context values the conditions tell apart. Each violation is one such request that gets through.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from itertools import combinations

from .._glob import glob_regex, has_wildcard
from .._witness import role_witness
from ..callers import ASSUME_ROLE, Caller, is_account_id, parse_caller
from ..evaluate import (
    _UNRESOLVED,
    _VARIABLE,
    StatementRef,
    _resolve,
    _variable_key,
    build_context,
    covers_action,
    decide,
    utc_now,
    with_resource,
)
from ..findings import Counterexample, Finding
from ..inventory import Account, Grant, Group, User
from ..model import Condition, Effect, Policy
from ..representatives import (
    MAX_CONTEXTS,
    TIME_KEYS,
    caller_sets,
    clock_readings,
    context_count,
    contexts,
    member_candidates,
    resource_role_names,
    role_arn_prefix,
    role_arns,
)
from ..rules import AssumeAllow, Rule, RuleSet
from ._memo import ESCAPES, SHUTS, AssumeMemo, Shape, contained, relabel
from ._verdicts import LOGIN_TRUST, AssumeVerdict, Collector, Violation

__all__ = ["assume_violations", "check_principal", "run_identity_assume"]


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
    moment = now or utc_now()
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
    reads_resource = any(p.reads_resource_account for p in policies)  # aws:ResourceAccount: the role's account
    found = []
    truncated = False

    def try_role(arn: str) -> None:
        nonlocal truncated
        role = memo.role(arn)
        for binding in _bindings(binders, arn):
            tried = 0
            bound = {key.lower(): value for key, value in binding.items()}
            for context, chosen in contexts(conditions, caller, with_resource(base, arn) if reads_resource else base,
                                            moment):
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
                shapes: Sequence[Shape]) -> dict[str, tuple[str, ...]]:
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
    if any(all(contained(v, inside) for v in group) for group in hard[0]):
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
        if positive and all(contained(v, inside) for v in values):
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


def _variable_patterns(shapes: Sequence[Shape]) -> tuple[str, ...]:
    """The patterns of the documents in which a variable the caller sets can let a role in
    (:attr:`Shape.variables`)."""
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


def _unconditional_violations(policies: Sequence[Policy], shapes: Sequence[Shape], caller: Caller,
                              outside: Sequence[str], memo: AssumeMemo,
                              context: Mapping[str, tuple[str, ...]]) -> tuple[Violation, ...]:
    """Without conditions there is one request context, ``context``: the caller's own at the scan's moment.
    The role trusts the caller's account (LOGIN_TRUST): the trust side allows, no session tags are passed, and
    the caller (a user or a role session) may call STS, so the decision is the identity side's — some statement
    allows and none denies — and its allowing statements are the identity policies' own, in order.

    ``outside`` are the candidate role ARNs outside the allow list, in order. A document is asked only
    about the ARNs it can reach (``Shape.reach``)."""
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
            allows += [ref if ref.policy == label else relabel(ref, label) for ref in side[0]]
        else:
            if allows:
                found.append(Violation(Counterexample(caller.arn, ASSUME_ROLE, arn, _with_clock({}, context, shapes)),
                                       tuple(allows), caller))
    return tuple(found)


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


def _covered_by_groups(account: Account, user: User, allow: AssumeAllow, checked_groups: set[str], memo: AssumeMemo,
                       standing: dict[str, bool]) -> bool:
    """A user with no policies of its own, whose groups are all checked and whose documents that bear on the
    verdict do not depend on who the caller is (AssumeMemo.stands_for_members), can reach nothing its
    groups' own checks have not found: a group's check stands for any member, and the other groups of the
    user can only add Deny statements to it (a group with a statement on sts:TagSession, which could complete
    another group's grant, does not stand for its members). ``standing`` keeps the answer for each group name once every
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
                     collector: Collector, now: datetime) -> bool:
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
    if not any(f & SHUTS for f in flags):
        for grant, found in zip(grants, flags, strict=True):
            if not found & ESCAPES:
                continue
            if not isinstance(principal, User) or grant.resource not in collector.by_resource:
                return False
    conditions = [c for g in grants for s in g.document.statements for c in s.conditions]
    return not conditions or context_count(conditions, parse_caller(caller_arn), now) < MAX_CONTEXTS


def check_principal(rule: Rule, account: Account, principal: Group | User, collector: Collector,
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
        what = "is not in the account data" if account.policies.get(arn) is None else \
            "has no default version in the account data"
        collector.notes.append(f"{principal.arn}: attached {arn} {what}; it cannot be checked")
    if not grants:
        return
    caller_arn = principal.arn if isinstance(principal, User) else f"arn:aws:iam::{account.id}:user/any"
    if _reports_nothing(principal, grants, memo.weigh(grants, allow_roles), caller_arn, collector, now):
        return
    specific = any(memo.names_the_caller(g.document) for g in grants)
    # A user's counterexamples name the user; a group's name a fresh member, the same for every group, or,
    # when who the caller is matters, each member the documents' conditions name, made a member or not.
    members = [caller_arn]
    if specific and isinstance(principal, Group):
        members = member_candidates([g.document for g in grants], account.id)
    truncated = False
    verdict = AssumeVerdict()
    documents = tuple(id(g.document) for g in grants)
    labelled: list[Policy] = []  # the documents named by their place in grants, once a verdict is worked out
    for member in members:
        key = (documents, allow_roles, member if specific or isinstance(principal, User) else "")
        known_verdict = cache.get(key)
        if known_verdict is None:
            labelled = labelled or [g.document.named(f"#{i}") for i, g in enumerate(grants)]
            known_verdict = cache[key] = assume_violations(labelled, member, allow_roles, known_accounts=known,
                                                           now=now, memo=memo)
        verdict = known_verdict
        truncated = truncated or verdict.truncated
        if verdict.violations:
            break
    if truncated:
        collector.truncated(principal.arn, "identity policy")
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


def run_identity_assume(rule: Rule, account: Account, rules: RuleSet, now: datetime,
                        today: date) -> tuple[list[Finding], list[str], tuple[str, ...]]:
    """identity-assume over every group and user of the login account the rule covers, groups first: its
    findings, notes and the groups and users checked."""
    assert isinstance(rule.allow, AssumeAllow)
    collector = Collector(rule, account.id, today)
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
