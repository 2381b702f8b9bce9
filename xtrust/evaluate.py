"""Deciding one ``sts:AssumeRole`` request with IAM's policy evaluation logic.

A request is allowed when (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html):

- no statement of the trust policy or of the caller's identity policies that applies is a Deny
  (an explicit Deny wins everywhere);
- a trust policy statement allows it — a role trust policy must always name who may assume the role;
- and, for IAM users and role sessions, an identity policy allows it too, except in the role's own
  account when the trust policy names the caller itself (its user, role or session ARN, or ``*``):
  naming only the account (root ARN or bare ID) delegates to the account's identity policies.

Service principals and federated (SAML/OIDC) callers have no identity policies; the trust policy alone
decides. Passing session tags (``aws:RequestTag/…``, ``aws:TagKeys``) needs ``sts:TagSession`` as well,
and setting a source identity needs ``sts:SetSourceIdentity``
(https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html,
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html).

SCPs, permission boundaries and session policies are out of scope.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import field
from datetime import datetime, timedelta, timezone
from enum import Enum
from functools import lru_cache
from typing import Any

from ._frozen import frozen
from ._glob import glob_matcher, glob_regex, has_wildcard
from .callers import (
    ASSUME_ROLE,
    FEDERATION_ACTIONS,
    SET_SOURCE_IDENTITY,
    TAG_SESSION,
    Caller,
    CallerKind,
    RoleRef,
    parse_caller,
    parse_role,
)
from .conditions import _date, evaluate_condition
from .errors import InputError
from .model import (
    RESOURCE_ACCOUNT,
    Effect,
    Policy,
    PolicyInput,
    PolicyKind,
    Principal,
    PrincipalForm,
    PrincipalKind,
    PrincipalSet,
    Statement,
    parse_policy,
)

__all__ = [
    "Context",
    "Decision",
    "Match",
    "Outcome",
    "Request",
    "SideDecision",
    "StatementRef",
    "build_context",
    "can_assume",
    "covers_action",
    "decide",
    "explain",
    "principal_match",
    "with_resource",
]

Context = Mapping[str, tuple[str, ...]]


class Outcome(str, Enum):
    ALLOWED = "allowed"
    EXPLICIT_DENY = "explicitly denied"
    IMPLICIT_DENY = "implicitly denied"


class Match(int, Enum):
    """How a trust statement's principal covers the caller, weakest first."""

    NONE = 0
    ACCOUNT = 1  # through the caller's account (root ARN or bare account ID)
    DIRECT = 2  # the caller itself: its user, role or session ARN, "*", or everyone-but via NotPrincipal


@frozen
class StatementRef:
    """A statement that took part in a decision, and where it is."""

    policy: str
    index: int
    sid: str | None
    effect: Effect
    pointer: str
    statement: Statement = field(compare=False, repr=False)
    via: Match = field(default=Match.NONE, compare=False)

    def __str__(self) -> str:
        sid = f" (Sid {self.sid})" if self.sid else ""
        return f"{self.policy} {self.pointer}{sid}: {self.effect.value}"


@frozen
class SideDecision:
    """What one side (the role's trust policy, or the caller's identity policies) says."""

    side: str
    allows: tuple[StatementRef, ...] = ()
    denies: tuple[StatementRef, ...] = ()

    @property
    def outcome(self) -> Outcome:
        if self.denies:
            return Outcome.EXPLICIT_DENY
        return Outcome.ALLOWED if self.allows else Outcome.IMPLICIT_DENY

    @property
    def names_caller(self) -> bool:
        return any(ref.via is Match.DIRECT for ref in self.allows)


@frozen
class Request:
    """One request to evaluate: who calls which action on which resource, with the context keys it carries."""

    principal: str
    action: str
    resource: str
    context: Context

    def to_json(self) -> dict[str, Any]:
        return {
            "principal": self.principal,
            "action": self.action,
            "resource": self.resource,
            "context": {k: list(v) if len(v) != 1 else v[0] for k, v in sorted(self.context.items())},
        }


@frozen
class Decision:
    """The evaluator's answer to a :class:`Request`, with the reason and each side's decision (the
    trust policy's and, across accounts, the caller's identity policies')."""

    request: Request
    outcome: Outcome
    reason: str
    trust: SideDecision
    identity: SideDecision | None = None
    also: tuple[Decision, ...] = ()  # sts:TagSession / sts:SetSourceIdentity, when the request needs them

    @property
    def allowed(self) -> bool:
        return self.outcome is Outcome.ALLOWED

    def __bool__(self) -> bool:
        return self.allowed

    @property
    def deciding(self) -> tuple[StatementRef, ...]:
        """The statements that decided: the Denies if any, else the Allows (empty for an implicit deny)."""
        sides = [self.trust] + ([self.identity] if self.identity else [])
        denies = tuple(ref for side in sides for ref in side.denies)
        if denies or not self.allowed:
            return denies
        return tuple(ref for side in sides for ref in side.allows)


# --- the request context ------------------------------------------------------------------------

_TAG_KEYS = ("aws:requesttag/", "aws:tagkeys", "sts:transitivetagkeys")


def _values(value: Any) -> tuple[str, ...]:
    if isinstance(value, bool):
        return ("true" if value else "false",)
    if isinstance(value, (str, int, float)):
        return (str(value),)
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(v for item in value for v in _values(item))
    if value is None:
        return ()
    raise InputError(f"context values must be strings, numbers, booleans or lists of them, not {type(value).__name__}")


# aws:CurrentTime and aws:EpochTime are in every request's context: the time of the request, in ISO 8601 and in
# epoch seconds (reference_policies_condition-keys.html#condition-keys-currenttime, #condition-keys-epochtime).
# xtrust writes them to the second, as date conditions compare (…_condition_operators.html#Conditions_Date),
# from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z, the seconds a four-digit year can write.
CLOCK_KEYS = ("aws:currenttime", "aws:epochtime")
FIRST_SECOND = -62135596800  # 0001-01-01T00:00:00Z
LAST_SECOND = 253402300799  # 9999-12-31T23:59:59Z
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def utc_now() -> datetime:
    """The current time in UTC, to the second: the moment a scan, a check or a fix plan decides at when none
    is given."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def second_of(moment: datetime) -> int:
    """The whole second ``moment`` falls in, in epoch seconds; a naive time is taken as UTC."""
    return math.floor((moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp())


def iso_second(second: int) -> str:
    """A second as aws:CurrentTime writes it: 2026-11-29T23:59:59Z."""
    return (_EPOCH + timedelta(seconds=second)).isoformat().replace("+00:00", "Z")


@lru_cache(maxsize=64)
def clock_values(second: int) -> tuple[tuple[str], tuple[str]]:
    """The values of aws:CurrentTime and aws:EpochTime at ``second``."""
    return (iso_second(second),), (str(second),)


@lru_cache(maxsize=16)
def _clock(now: datetime) -> tuple[tuple[str, tuple[str]], ...]:
    """The clock keys of a request made at ``now``: the scan's moment, asked for by every caller it tries."""
    return tuple(zip(CLOCK_KEYS, clock_values(second_of(now)), strict=True))


def build_context(caller: Caller, supplied: Mapping[str, Any] | None = None, *,
                  now: datetime | None = None, resource: str | None = None) -> dict[str, tuple[str, ...]]:
    """The request context: keys derived from the caller and the clock, overridden by what the caller supplies.

    Derived keys (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html):
    aws:CurrentTime and aws:EpochTime (the second of ``now``, by default the current time), and
    aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalType, aws:username (IAM users only),
    aws:PrincipalIsAWSService and aws:PrincipalServiceName (service principals); aws:ResourceAccount, the
    account of the ``resource`` ARN when it is given (else the evaluator takes it from the request's resource
    when a policy reads it: :func:`_side`). Keys are lower-cased,
    since condition keys match case-insensitively. A key supplied as None is removed. When one of the two
    clock keys is supplied as one time, the other follows it: they are one clock.
    """
    context: dict[str, tuple[str, ...]] = dict(_clock(now or datetime.now(timezone.utc)))
    if caller.kind is CallerKind.SERVICE:
        context["aws:principalisawsservice"] = ("true",)
        context["aws:principalservicename"] = (caller.name,)
    elif caller.kind is not CallerKind.FEDERATED:
        context["aws:principalisawsservice"] = ("false",)
        context["aws:principalaccount"] = (caller.account,)
        context["aws:principalarn"] = (caller.principal_arn,)
        context["aws:principaltype"] = (caller.kind.value,)
        if caller.kind is CallerKind.USER:
            context["aws:username"] = (caller.name,)
    if resource is not None:
        context[RESOURCE_ACCOUNT] = (_resource_account(resource),)
    clock: list[str] = []
    for key, value in (supplied or {}).items():
        if not isinstance(key, str) or not key:
            raise InputError(f"context keys must be non-empty strings, not {key!r}")
        if value is None:
            context.pop(key.lower(), None)
        else:
            context[key.lower()] = _values(value)
            if key.lower() in CLOCK_KEYS:
                clock.append(key.lower())
    if len(clock) == 1:
        _follow(context, clock[0])
    return context


def _follow(context: dict[str, tuple[str, ...]], key: str) -> None:
    """Set the other clock key to the time ``key`` holds, when it holds one time a clock can show."""
    values = context[key]
    stamp = _date(values[0]) if len(values) == 1 else None
    if stamp is None or not FIRST_SECOND <= stamp < LAST_SECOND + 1:
        return
    twin = CLOCK_KEYS[1 - CLOCK_KEYS.index(key)]
    context[twin] = clock_values(math.floor(stamp))[CLOCK_KEYS.index(twin)]


# --- policy variables ---------------------------------------------------------------------------

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_LITERALS = {"*": "*", "?": "?", "$": "$"}
_UNRESOLVED = object()


def _variable_key(name: str) -> str:
    """The key of a policy variable ``${name}`` (``key`` or ``key, 'default'``), as the policy spells it and
    as _resolve reads it."""
    return name.partition(",")[0].strip()


def _resolve(name: str, context: Context) -> Any:
    """One ``${…}`` variable: its value, or _UNRESOLVED when the key is absent and there is no default."""
    key, _, default = name.partition(",")
    key = key.strip()
    if key in _LITERALS:
        return _LITERALS[key]
    values = context.get(key.lower())
    if values and len(values) == 1:
        return values[0]
    default = default.strip()
    if len(default) >= 2 and default[0] == default[-1] == "'":
        return default[1:-1]
    return _UNRESOLVED


def _resource_matches(pattern: str, resource: str, context: Context, substitute: bool) -> bool:
    """Resource matching: case-sensitive, ``*``/``?`` wildcards, policy variables under 2012-10-17.

    A variable whose key is absent from the request (and has no default) makes the pattern match nothing
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).
    """
    if not substitute or "${" not in pattern:
        return glob_matcher(pattern)(resource)
    segments: list[str] = []  # the pattern's own text around the variables, where * and ? are wildcards
    values: list[str] = []  # what the variables resolve to: literal text, whatever characters it holds
    last = 0
    for found in _VARIABLE.finditer(pattern):
        value = _resolve(found.group(1), context)
        if value is _UNRESOLVED:
            return False
        segments.append(pattern[last:found.start()])
        values.append(value)
        last = found.end()
    segments.append(pattern[last:])
    if not any(map(has_wildcard, segments)):  # the usual arn:…:user/${aws:username}: one string
        return resource == "".join(_interleave(segments, values))
    pieces = _interleave([glob_regex(s).pattern for s in segments], [re.escape(v) for v in values])
    return re.fullmatch("".join(pieces), resource, re.DOTALL) is not None


def _interleave(segments: list[str], values: list[str]) -> list[str]:
    """``segments[0], values[0], segments[1], …, segments[-1]`` (one more segment than values)."""
    out = [segments[0]]
    for value, segment in zip(values, segments[1:], strict=True):
        out += (value, segment)
    return out


def _condition_values(values: tuple[str, ...], context: Context, substitute: bool) -> tuple[str, ...] | None:
    """Condition values with policy variables substituted; None when a variable cannot be resolved.

    A variable whose key is not present (and has no default) makes "any attempt to match it fail and
    causes the statement to be invalid" (reference_policies_variables, "Principal key values"): the
    statement does not apply, whether the operator is negated or not.
    """
    if not substitute or not any("${" in v for v in values):
        return values
    out = []
    for value in values:
        text = value
        for found in _VARIABLE.finditer(value):
            resolved = _resolve(found.group(1), context)
            if resolved is _UNRESOLVED:
                return None
            text = text.replace(found.group(0), resolved, 1)
        out.append(text)
    return tuple(out)


# --- statements ---------------------------------------------------------------------------------


def principal_match(principals: PrincipalSet, caller: Caller) -> Match:
    """How a ``Principal`` block covers the caller (reference_policies_elements_principal).

    An account ID or root ARN covers every user and role session of that account (ACCOUNT); a user ARN
    covers that user, a role ARN every session of that role, a session ARN that session, and ``*``
    everyone (DIRECT). Role sessions are matched by account and role name, since their ARN has no path.
    A unique ID (a deleted principal) covers nobody. Service and Federated values name services and
    identity providers, never IAM principals.
    """
    best = Match.NONE
    for principal in principals.principals:
        if principal.form is PrincipalForm.ANY:
            return Match.DIRECT
        if principal.kind is PrincipalKind.SERVICE:
            if caller.kind is CallerKind.SERVICE and principal.value.lower() == caller.name.lower():
                return Match.DIRECT
            continue
        if principal.kind is PrincipalKind.FEDERATED:
            if caller.kind is CallerKind.FEDERATED and principal.value.lower() == caller.name.lower():
                return Match.DIRECT
            continue
        if principal.kind is not PrincipalKind.AWS or principal.account != caller.account or not caller.account:
            continue
        form = principal.form
        if form is PrincipalForm.ACCOUNT and caller.kind in (CallerKind.USER, CallerKind.ROLE_SESSION, CallerKind.ROOT):
            best = max(best, Match.ACCOUNT)
        elif _names_caller(principal, caller):
            return Match.DIRECT
    return best


# Which caller each principal form can name directly.
_NAMED_KIND = {
    PrincipalForm.USER: CallerKind.USER,
    PrincipalForm.ROLE: CallerKind.ROLE_SESSION,
    PrincipalForm.SESSION: CallerKind.ROLE_SESSION,
}


def _names_caller(principal: Principal, caller: Caller) -> bool:
    """A user ARN names that user, a role ARN every session of the role, a session ARN that session."""
    if _NAMED_KIND.get(principal.form) is not caller.kind:
        return False
    if principal.form is PrincipalForm.SESSION:
        return principal.value == caller.session_arn
    return principal.name == caller.name


def _not_principal_exempts(principals: PrincipalSet, caller: Caller, effect: Effect) -> bool:
    """Whether a ``NotPrincipal`` statement leaves the caller out.

    With ``Deny``, AWS checks each identity behind the request on its own — the account, then the user; or
    the account, then the role, then the role session — and the Deny applies to any that is not listed.
    So a caller escapes only when its account (root ARN or bare ID) is listed **and** its user ARN, or its
    role ARN and its session ARN, are: listing ``user/Bob`` and the account root still denies every other
    user of that account, and listing only ``user/Bob`` may deny Bob through his account
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html,
    "NotPrincipal with Deny" and its two examples). *inferred*: the account and role must be listed for
    STS too, since AWS says only that it "might" validate them first.

    With ``Allow`` (no longer accepted by IAM, but found in old data) the statement covers everyone except
    the principals its block names, as ``Principal`` would name them: a listed account leaves out all of
    its principals (*inferred*; docs/iam-reference.md).
    """
    if principals.is_any:
        return True
    if effect is Effect.ALLOW or not caller.is_iam:
        return principal_match(principals, caller) is not Match.NONE
    listed = [p for p in principals.of_kind(PrincipalKind.AWS) if p.account == caller.account]
    if not any(p.form is PrincipalForm.ACCOUNT for p in listed):
        return False
    if caller.kind is CallerKind.USER:
        return any(p.form is PrincipalForm.USER and p.name == caller.name for p in listed)
    role_listed = any(p.form is PrincipalForm.ROLE and p.name == caller.name for p in listed)
    session_listed = any(p.form is PrincipalForm.SESSION and p.value == caller.session_arn for p in listed)
    return role_listed and session_listed


@lru_cache(maxsize=8192)  # the same few Action lists recur in every statement of an account
def _action_matches(patterns: tuple[str, ...], action: str) -> bool:
    return any(glob_matcher(p, True)(action) for p in patterns)


def covers_action(statement: Statement, action: str) -> bool:
    """Whether a statement's Action (or NotAction) element covers ``action``: names matched case-insensitively,
    with ``*`` and ``?`` (reference_policies_elements_action, …_notaction)."""
    if statement.action is not None:
        return _action_matches(statement.action.values, action)
    return statement.not_action is None or not _action_matches(statement.not_action.values, action)


def _statement_applies(
    statement: Statement, caller: Caller, action: str, resource: str, context: Context, substitute: bool, trust: bool
) -> Match:
    """Whether one statement applies to the request; for trust statements, through which principal match."""
    via = Match.DIRECT
    if trust:
        if statement.principal is not None:
            via = principal_match(statement.principal, caller)
            if via is Match.NONE:
                return Match.NONE
        elif statement.not_principal is not None:
            # Everyone except the listed principals (reference_policies_elements_notprincipal).
            if _not_principal_exempts(statement.not_principal, caller, statement.effect):
                return Match.NONE
        else:
            return Match.NONE
    if not covers_action(statement, action):
        return Match.NONE
    if statement.resource is not None:
        if not any(_resource_matches(p, resource, context, substitute) for p in statement.resource.values):
            return Match.NONE
    elif statement.not_resource is not None:
        if any(_resource_matches(p, resource, context, substitute) for p in statement.not_resource.values):
            return Match.NONE
    elif not trust:
        return Match.NONE
    for condition in statement.conditions:
        values = _condition_values(condition.values, context, substitute)
        if values is None or not evaluate_condition(condition.operator, values, context.get(condition.key_lower)):
            return Match.NONE
    return via


def _side(
    name: str, policies: Iterable[Policy], caller: Caller, action: str, resource: str, context: Context, trust: bool
) -> SideDecision:
    allows: list[StatementRef] = []
    denies: list[StatementRef] = []
    for policy in policies:
        substitute = policy.substitutes_variables
        ctx = context
        if policy.reads_resource_account and RESOURCE_ACCOUNT not in context:
            ctx = with_resource(context, resource)
        for statement in policy.statements:
            via = _statement_applies(statement, caller, action, resource, ctx, substitute, trust)
            if via is Match.NONE:
                continue
            ref = StatementRef(policy.source or name, statement.index, statement.sid, statement.effect,
                               statement.pointer, statement, via)
            (denies if statement.effect is Effect.DENY else allows).append(ref)
    return SideDecision(name, tuple(allows), tuple(denies))


def with_resource(context: Context, resource: str) -> dict[str, tuple[str, ...]]:
    """``context`` with aws:ResourceAccount, the account of the ``resource`` ARN, as AWS sets it."""
    return {**context, RESOURCE_ACCOUNT: (_resource_account(resource),)}


def _resource_account(resource: str) -> str:
    """The account part of a resource ARN (aws:ResourceAccount): the role's account; empty for a resource
    that is no ARN."""
    parts = resource.split(":", 5)
    return parts[4] if len(parts) == 6 else ""


# --- deciding -----------------------------------------------------------------------------------


def decide(
    caller: Caller,
    role: RoleRef,
    trust: Policy,
    identity: Sequence[Policy] = (),
    context: Context | None = None,
    action: str = ASSUME_ROLE,
) -> Decision:
    """Decide one request from parsed parts. ``context`` is the full request context (see build_context); by
    default the caller's own at the current time."""
    ctx = context if context is not None else build_context(caller)
    request = Request(caller.arn, action, role.arn, ctx)
    refusal = caller.can_call_sts
    if refusal:
        return Decision(request, Outcome.IMPLICIT_DENY, refusal, SideDecision("trust policy"))
    trust_side = _side("trust policy", (trust,), caller, action, role.arn, ctx, trust=True)
    needs_identity = caller.is_iam and action.lower() not in FEDERATION_ACTIONS
    identity_side = (
        _side("identity policies", identity, caller, action, role.arn, ctx, trust=False) if needs_identity else None
    )
    outcome, reason = _combine(caller, role, trust_side, identity_side)
    also = tuple(
        decide(caller, role, trust, identity, ctx, extra)
        for extra in _companion_actions(action, ctx)
    )
    for sub in also:
        if outcome is Outcome.ALLOWED and not sub.allowed:
            outcome = sub.outcome
            reason = f"{sub.request.action} is needed too and is {sub.outcome.value}: {sub.reason}"
    return Decision(request, outcome, reason, trust_side, identity_side, also)


def _companion_actions(action: str, context: Context) -> tuple[str, ...]:
    if action.lower() not in FEDERATION_ACTIONS and action.lower() != ASSUME_ROLE.lower():
        return ()
    extra = []
    if any(key.startswith(_TAG_KEYS) for key in context):
        extra.append(TAG_SESSION)
    if "sts:sourceidentity" in context:
        extra.append(SET_SOURCE_IDENTITY)
    return tuple(extra)


def _combine(caller: Caller, role: RoleRef, trust: SideDecision, identity: SideDecision | None) -> tuple[Outcome, str]:
    if trust.denies:
        return Outcome.EXPLICIT_DENY, "a Deny statement in the trust policy applies"
    if identity is not None and identity.denies:
        return Outcome.EXPLICIT_DENY, "a Deny statement in the caller's identity policies applies"
    if not trust.allows:
        return Outcome.IMPLICIT_DENY, "no statement of the trust policy allows this caller"
    if identity is None:
        return Outcome.ALLOWED, "the trust policy allows this caller, and no identity policy is involved"
    same_account = caller.account == role.account
    if same_account and trust.names_caller:
        return Outcome.ALLOWED, "the trust policy names the caller in the role's own account; that is enough on its own"
    if identity.allows:
        where = "in the role's own account" if same_account else "across accounts"
        return Outcome.ALLOWED, f"the trust policy and the caller's identity policies both allow it ({where})"
    if same_account:
        return Outcome.IMPLICIT_DENY, (
            "the trust policy names only the caller's account, so an identity policy must allow it too, and none does"
        )
    return Outcome.IMPLICIT_DENY, "across accounts the caller's identity policies must allow it too, and none does"


def explain(
    principal_arn: str,
    role_arn: str,
    *,
    trust_policy: PolicyInput,
    identity_policies: Iterable[PolicyInput] = (),
    context: Mapping[str, Any] | None = None,
    action: str = ASSUME_ROLE,
    now: datetime | None = None,
) -> Decision:
    """Decide whether ``principal_arn`` may call ``action`` (``sts:AssumeRole`` by default) on ``role_arn``.

    ``trust_policy`` is the role's trust policy and ``identity_policies`` every identity policy of the caller
    (for a user: inline, attached managed, and those of its groups) — each a dict, JSON text, URL-encoded
    JSON text, or a parsed :class:`~xtrust.model.Policy`. ``context`` adds or overrides request context keys
    (``{"aws:MultiFactorAuthPresent": "true", "aws:SourceIp": "203.0.113.5"}``); a key given as None is removed.
    The request is made at ``now`` (by default the current time): aws:CurrentTime and aws:EpochTime hold its
    second, unless ``context`` gives one of them, which the other then follows.

    Returns a :class:`Decision` with the outcome, a reason and the statements that decided it on both sides.
    Raises PolicyError for a document that is not valid policy grammar and InputError for a bad ARN.
    """
    caller = parse_caller(principal_arn, action)
    role = parse_role(role_arn)
    trust = parse_policy(trust_policy, kind=PolicyKind.TRUST, source=_name(trust_policy, "trust policy"))
    identity = [
        parse_policy(doc, kind=PolicyKind.IDENTITY, source=_name(doc, f"identity policy {i + 1}"))
        for i, doc in enumerate(identity_policies)
    ]
    return decide(caller, role, trust, identity, build_context(caller, context, now=now), action)


def _name(document: PolicyInput, default: str) -> str:
    return document.source if isinstance(document, Policy) and document.source else default


def can_assume(
    principal_arn: str,
    role_arn: str,
    *,
    trust_policy: PolicyInput,
    identity_policies: Iterable[PolicyInput] = (),
    context: Mapping[str, Any] | None = None,
    action: str = ASSUME_ROLE,
    now: datetime | None = None,
) -> bool:
    """True when AWS would allow the request; see :func:`explain` for the arguments."""
    return explain(
        principal_arn,
        role_arn,
        trust_policy=trust_policy,
        identity_policies=identity_policies,
        context=context,
        action=action,
        now=now,
    ).allowed
