"""Representative requests: a finite set of requests that decides a question about a policy exactly.

A policy mentions finitely many constants: account IDs, principal ARNs, resource patterns, condition
values. Requests that differ only in values no constant can tell apart get the same decision, so one
request per class decides for all of them (design notes, "Representatives, concretely"). This module
builds those classes: candidate callers for a trust policy, candidate role ARNs for identity policies,
and, for each, the request contexts a caller could choose.

Condition keys fall into three kinds
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html):

- keys that name the principal (aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalType, aws:username,
  aws:userid, aws:PrincipalIsAWSService, aws:PrincipalServiceName…): fixed by the candidate caller;
- keys present only in service-to-service calls (aws:SourceAccount, aws:SourceArn, aws:SourceOrgID…):
  absent for IAM callers, chosen freely for service callers;
- everything else — aws:userid (a unique ID names no account), aws:SourceIp, MFA, sts:ExternalId,
  session names, request and principal tags, and aws:PrincipalOrgID/OrgPaths (an organisation holds many
  accounts, the login account proves nothing) — chosen freely: the policy's own constants, nearby
  values, a fresh value, or absent.

Time only moves forward: aws:CurrentTime and aws:EpochTime are one clock, which shows the scan's second or each
later second a constant marks, to the last second ISO 8601 can write (9999-12-31T23:59:59Z); a request carries
both keys, always, at the same second.
"""

from __future__ import annotations

import contextlib
import ipaddress
import itertools
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from ._frozen import frozen
from ._glob import glob_match, has_wildcard
from .callers import (
    ASSUME_ROLE,
    ASSUME_ROLE_WITH_SAML,
    ASSUME_ROLE_WITH_WEB_IDENTITY,
    Caller,
    CallerKind,
    is_account_id,
    parse_caller,
    whole_account,
)
from .conditions import _date, _ip, _number
from .evaluate import (
    _LITERALS,
    _VARIABLE,
    CLOCK_KEYS,
    FIRST_SECOND,
    LAST_SECOND,
    _variable_key,
    build_context,
    clock_values,
    iso_second,
    second_of,
)
from .model import Condition, Policy, PrincipalForm, PrincipalKind

if TYPE_CHECKING:
    from decimal import Decimal

__all__ = [
    "MAX_CONTEXTS",
    "PRINCIPAL_KEYS",
    "SERVICE_CALL_KEYS",
    "TIME_KEYS",
    "Candidate",
    "Constants",
    "RoleMentions",
    "allowed_principal",
    "caller_sets",
    "clock_readings",
    "collect_constants",
    "context_count",
    "contexts",
    "fresh_account",
    "resource_role_names",
    "role_arn_prefix",
    "role_arns",
    "role_candidate_parts",
    "role_candidates",
    "role_candidates_of",
    "role_mentions",
    "trust_candidates",
]

# aws:userid is not here: a unique ID does not say which account it belongs to, so a condition on it
# cannot prove the caller is in the login account (inferred; fail closed).
PRINCIPAL_KEYS = frozenset({
    "aws:principalaccount", "aws:principalarn", "aws:principaltype", "aws:username",
    "aws:principalisawsservice", "aws:principalservicename", "aws:principalservicenamelist",
})
SERVICE_CALL_KEYS = frozenset({"aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths",
                               "aws:sourceowner"})
TIME_KEYS = frozenset(CLOCK_KEYS)
# Keys AWS sets, always as one type: a number, a time, an address or a boolean (reference_policies_condition-keys,
# reference_policies_iam-condition-keys). Such a key only ever holds a value of its type, whichever operator reads
# it: an MFA age is a number, which no ArnEquals matches. A caller sends other keys as text of its choosing, which
# Numeric, Date, IpAddress and Bool operators may not read.
KEY_TYPES = {
    "aws:multifactorauthage": "Numeric", "aws:multifactorauthpresent": "Bool", "aws:securetransport": "Bool",
    "aws:sourceip": "IpAddress", "aws:tokenissuetime": "Date", "aws:viaawsservice": "Bool",
    "sts:durationseconds": "Numeric",
}
_OF_TYPE = {"Numeric": lambda v: _number(v) is not None, "Date": lambda v: _date(v) is not None,
            "IpAddress": lambda v: _ip(v) is not None, "Bool": lambda v: v in ("true", "false")}
MAX_CONTEXTS = 4096
FRESH = "xtrust-fresh"
_ARN_PARTS = re.compile(r"^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)$", re.DOTALL)


@frozen
class Candidate:
    """A caller and an action to try against a trust policy."""

    caller: Caller
    action: str


@dataclass
class Constants:
    """Everything a set of policies mentions that can tell requests apart."""

    accounts: set[str]
    conditions: list[Condition]
    resources: list[str]

    def keys(self) -> list[str]:
        return sorted({c.key_lower for c in self.conditions})


def collect_constants(policies: Iterable[Policy]) -> Constants:
    accounts: set[str] = set()
    conditions: list[Condition] = []
    resources: list[str] = []
    for policy in policies:
        for statement in policy.statements:
            for block in (statement.principal, statement.not_principal):
                for principal in block.principals if block else ():
                    if principal.account:
                        accounts.add(principal.account)
            for items in (statement.resource, statement.not_resource):
                resources.extend(items.values if items else ())
            conditions.extend(statement.conditions)
    for condition in conditions:
        if condition.key_lower in ("aws:principalaccount", "aws:sourceaccount"):
            accounts.update(_instantiate_accounts(condition.values))
        elif condition.key_lower in ("aws:principalarn", "aws:sourcearn"):
            for value in condition.values:
                parts = _ARN_PARTS.match(value)
                if parts:
                    accounts.update(_instantiate_accounts([parts.group(4)]))
    for resource in resources:
        parts = _ARN_PARTS.match(resource)
        if parts:
            accounts.update(_instantiate_accounts([parts.group(4)]))
    return Constants(accounts, conditions, resources)


def fresh_account(used: Iterable[str]) -> str:
    """An account ID that appears nowhere in the policies or rules: a stranger."""
    taken = set(used)
    number = 555555555555
    while str(number) in taken:
        number += 1
    return str(number)


def _instantiate_accounts(patterns: Iterable[str]) -> set[str]:
    out = set()
    for pattern in patterns:
        if is_account_id(pattern):
            out.add(pattern)
        elif has_wildcard(pattern) and "${" not in pattern:
            for filler, single in (("", "0"), ("9", "9")):
                text = pattern.replace("?", single)
                if "*" in text:
                    need = 12 - len(text.replace("*", ""))
                    text = text.replace("*", filler * max(need, 0), 1).replace("*", "")
                if is_account_id(text):
                    out.add(text)
    return out


def _instantiate(pattern: str, star: str, single: str) -> str:
    return pattern.replace("*", star).replace("?", single)


# --- trust policies: who could be the caller ---------------------------------------------------


def trust_candidates(
    trust: Policy, project_account: str, known_accounts: Iterable[str], known_principals: Iterable[str] = ()
) -> list[Candidate]:
    """Callers whose decisions cover every caller (design notes): each principal the policy names, a user
    and a role session of every account it or the rules mention (the project account's own included), a
    stranger for ``*`` and ``NotPrincipal``, the services and identity providers named, and the ARNs that
    ``aws:PrincipalArn`` conditions name (patterns instantiated)."""
    constants = collect_constants([trust])
    accounts = sorted(constants.accounts | set(known_accounts) | {project_account})
    stranger = fresh_account(accounts)
    seen: set[tuple[str, str]] = set()
    out: list[Candidate] = []

    def add(arn: str, action: str = ASSUME_ROLE) -> None:
        if (arn, action) in seen:
            return
        seen.add((arn, action))
        with contextlib.suppress(ValueError):  # not a caller: an instantiated pattern that names no principal
            out.append(Candidate(_caller(arn, action), action))

    for account in [stranger, *accounts]:
        add(f"arn:aws:iam::{account}:user/any")
        add(f"arn:aws:iam::{account}:role/any")
    wide = False
    for statement in trust.statements:
        for block in (statement.principal, statement.not_principal):
            if block is None:
                continue
            wide = wide or statement.not_principal is block
            for principal in block.principals:
                if principal.form is PrincipalForm.ANY:
                    wide = True
                elif principal.form in (PrincipalForm.USER, PrincipalForm.ROLE, PrincipalForm.SESSION):
                    add(principal.canonical)
                elif principal.kind is PrincipalKind.SERVICE:
                    add(principal.value)
                elif principal.kind is PrincipalKind.FEDERATED:
                    for action in _federation_actions(principal.value):
                        add(principal.value, action)
    for condition in constants.conditions:
        if condition.key_lower == "aws:principalarn":
            for value in condition.values:
                for arn in _instantiate_arns(value, [stranger, *accounts]):
                    add(arn)
    for arn in known_principals:
        add(arn)
    if wide:
        add("xtrust-any.amazonaws.com")
        add(f"arn:aws:iam::{stranger}:saml-provider/any", ASSUME_ROLE_WITH_SAML)
        add("any.example.com", ASSUME_ROLE_WITH_WEB_IDENTITY)
    return out


# Callers are frozen values: the same few (a stranger, each account's user and role) recur in every trust policy.
_caller = lru_cache(maxsize=65536)(parse_caller)


def _instantiate_arns(pattern: str, accounts: Sequence[str]) -> list[str]:
    """Concrete ARNs a wildcard ARN pattern matches: the account part instantiated with every account it
    matches (a stranger's included), the rest with a fresh name, ``?`` with a letter or a digit."""
    # A variable may stand for anything here (${aws:PrincipalAccount}: each caller's own account); the
    # evaluator resolves it for each caller.
    pattern = _VARIABLE.sub(lambda found: _LITERALS.get(found.group(1), "*"), pattern)
    parts = _ARN_PARTS.match(pattern)
    if not parts:
        return [_instantiate(pattern, star, single) for star, single in (("any", "z"), ("", "0"))]
    partition, service, region, account, resource = parts.groups()
    owners = [a for a in accounts if glob_match(account, a)] or sorted(_instantiate_accounts([account]))
    out = []
    for owner in owners:
        for star, single in (("any", "z"), ("", "0")):
            fixed = [_instantiate(part, "aws" if part == partition else star, single)
                     for part in (partition, service, region)]
            if not fixed[0].startswith("aws"):
                fixed[0] = "aws"
            out.append(f"arn:{fixed[0]}:{fixed[1]}:{fixed[2]}:{owner}:{_instantiate(resource, star, single)}")
    return out


def _federation_actions(provider: str) -> tuple[str, ...]:
    if ":saml-provider/" in provider:
        return (ASSUME_ROLE_WITH_SAML,)
    return (ASSUME_ROLE_WITH_WEB_IDENTITY,)


# --- identity policies: which role could be the target -----------------------------------------


def role_candidates(
    policies: Sequence[Policy], known_accounts: Iterable[str], known_roles: Iterable[str], username: str
) -> list[str]:
    """Role ARNs whose decisions cover every role ARN: each role ARN and pattern the policies name (patterns
    instantiated with a fresh name for ``*`` and ``?``, with and without a path, variables resolved for
    this caller), each known role, and a fresh role in every account mentioned and in a stranger's."""
    return role_candidates_of([role_mentions(p) for p in policies], known_accounts, known_roles, username)


@frozen
class RoleMentions:
    """What one document contributes to the role candidates: the accounts and the resources it names.
    Candidates of several documents are built from the union of their accounts and the concatenation
    of their resources, so a document's mentions can be collected once and shared."""

    accounts: frozenset[str]
    resources: tuple[str, ...]
    # the role names of the resources, when none depends on the caller (${aws:username}); else None
    names: tuple[str, ...] | None = None


def role_mentions(policy: Policy) -> RoleMentions:
    constants = collect_constants([policy])
    resources = tuple(constants.resources)
    names = None if any("${aws:username}" in r for r in resources) else tuple(
        name for resource in resources for name in resource_role_names(resource, ""))
    return RoleMentions(frozenset(constants.accounts), resources, names)


def role_candidates_of(
    mentions: Sequence[RoleMentions], known_accounts: Iterable[str], known_roles: Iterable[str], username: str
) -> list[str]:
    """:func:`role_candidates` from the documents' mentions (:func:`role_mentions`), in the same order."""
    accounts, names = role_candidate_parts(mentions, known_accounts, known_roles, username)
    return list(dict.fromkeys(role_arns(accounts, names)))


def role_candidate_parts(
    mentions: Sequence[RoleMentions], known_accounts: Iterable[str], known_roles: Iterable[str], username: str
) -> tuple[list[str], list[str]]:
    """The accounts (a stranger's last) and the role names (path included) whose every combination makes
    the candidates of :func:`role_candidates_of`, account by account."""
    accounts = sorted(set(known_accounts).union(*(m.accounts for m in mentions)))
    stranger = fresh_account(accounts)
    names: list[str] = ["any", "any-path/any", *_known_role_names(tuple(known_roles))]
    for mention in mentions:
        if mention.names is not None:
            names += mention.names
            continue
        for resource in mention.resources:
            # Only ${aws:username} depends on the caller: other resources share one instantiation.
            names += resource_role_names(resource, username if "${aws:username}" in resource else "")
    kept = [name for name in dict.fromkeys(names) if name and not name.endswith("/")]
    return [*accounts, stranger], kept


def role_arns(accounts: Iterable[str], names: Sequence[str]) -> list[str]:
    """``arn:aws:iam::<account>:role/<name>`` for each account, then each name."""
    return [prefix + name for prefix in map(role_arn_prefix, accounts) for name in names]


def role_arn_prefix(account: str) -> str:
    return f"arn:aws:iam::{account}:role/"


@lru_cache(maxsize=1024)
def _known_role_names(known_roles: tuple[str, ...]) -> tuple[str, ...]:
    """The role names (path included) of the role ARNs a rule names."""
    names = []
    for arn in known_roles:
        parts = _ARN_PARTS.match(arn)
        if parts and parts.group(5).startswith("role/"):
            names.append(parts.group(5)[len("role/"):])
    return tuple(names)


@lru_cache(maxsize=65536)
def resource_role_names(resource: str, username: str) -> tuple[str, ...]:
    """The role names (path included) one resource pattern stands for: ``*`` and ``?`` instantiated with a
    fresh name, with and without a path; policy variables resolved for this caller, or fresh."""
    resolved = resource.replace("${aws:username}", username).replace("${aws:PrincipalAccount}", "")
    resolved = re.sub(r"\$\{[^}]*\}", FRESH, resolved)
    parts = _ARN_PARTS.match(resolved)
    tail = parts.group(5) if parts else resolved
    names = []
    for star, single in (("any", "z"), ("", "x"), ("any-path/any", "q")):
        text = _instantiate(tail, star, single)
        if text.startswith("role/") and len(text) > 5:
            names.append(text[len("role/"):])
        elif "role/" in text:
            names.append(text.split("role/", 1)[1] or "any")
        elif tail.startswith("*"):  # the * takes in "arn:…:role/" and any name or path before the rest
            names.append(_instantiate(star + tail[1:], star, single) or "any")
        elif tail.startswith("?"):
            names.append(_instantiate(tail[1:], star, single) or "any")
    return tuple(names)


# --- request contexts --------------------------------------------------------------------------


def _numbers(values: Iterable[str]) -> list[str]:
    """Each of ``values`` that the Numeric operators read as a number (conditions._number: finite), with a
    number just below and one just above it (:func:`_around`)."""
    out: list[str] = []
    for value in values:
        number = _number(value)
        if number is not None:
            out += map(str, _around(number))
    return out


def _around(number: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """The number, one below it and one above it: the number minus and plus 1, exactly. The decimal module's
    default context keeps 28 digits, and rounding 12345678901234567890123456781111 + 1 to them gives a
    number below it, so that no value tried would be greater. For a number whose neighbours at a distance of 1
    take more than 60 digits to write (1e999999), the nearest numbers with one digit more than it has."""
    from decimal import MAX_EMAX, MIN_EMIN, Context, Inexact  # here: few policies compare numbers (a large module)

    exact = Context(prec=60, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[Inexact])
    try:
        return number, exact.subtract(number, 1), exact.add(number, 1)
    except Inexact:
        near = Context(prec=len(number.as_tuple().digits) + 1, Emax=MAX_EMAX, Emin=MIN_EMIN)
        return number, near.next_minus(number), near.next_plus(number)


def _seconds(values: Iterable[str], first: int = FIRST_SECOND) -> list[int]:
    """The seconds, from ``first`` to LAST_SECOND, around each of ``values`` that the Date operators read as a
    time (conditions._date: ISO 8601 or epoch seconds): the second it falls in, the one before and the one
    after; for a time past LAST_SECOND (1e30), LAST_SECOND, and for one before ``first``, ``first``. A request
    is never made after LAST_SECOND, nor sends a date its four-digit years cannot write (evaluate.CLOCK_KEYS)."""
    out = []
    for value in values:
        stamp = _date(value)
        if stamp is None:
            continue
        if stamp > LAST_SECOND:  # also inf, from a number like 1e999
            out.append(LAST_SECOND)
        elif stamp < first:
            out.append(first)
        else:
            second = math.floor(stamp)
            out += [s for s in (second, second - 1, second + 1) if first <= s <= LAST_SECOND]
    return out


def _addresses(values: Iterable[str]) -> list[str]:
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            continue
    out = []
    for network in networks:
        out += [str(network.network_address), str(network.broadcast_address)]
    for outsider in ("203.0.113.77", "198.51.100.7", "192.0.2.99", "2001:db8::77"):
        address = ipaddress.ip_address(outsider)
        if not any(address.version == n.version and address in n for n in networks):
            out.append(outsider)
            break
    return out


def _strings(conditions: Sequence[Condition]) -> list[str]:
    out = []
    for condition in conditions:
        for value in condition.values:
            if condition.operator.base.wildcards and has_wildcard(value):
                out += [_instantiate(value, "", "x"), _instantiate(value, FRESH, "q")]
            else:
                out.append(value)
    return out


def _key_values(key: str, conditions: Sequence[Condition], now: datetime) -> list[tuple[str, ...] | None]:
    """The values a caller could choose for one free key: each meaningful single value, every string
    constant at once (for set operators), and absent (None)."""
    typed = KEY_TYPES.get(key)
    families = {c.operator.base.family for c in conditions} | ({typed} if typed else set())
    values: list[str] = []
    if key in TIME_KEYS:
        # Never absent: each later second a constant marks, up to LAST_SECOND, and the scan's own second last,
        # where other keys have absent: contexts() tries the last value first.
        now_second = second_of(now)
        later = [s for s in _seconds((v for c in conditions for v in c.values), now_second) if s != now_second]
        write = CLOCK_KEYS.index(key)  # epoch seconds are whole: 1795999999, never 1.8E+9
        return [clock_values(second)[write] for second in dict.fromkeys([*later, now_second])]
    # A number and a time even when no constant reads as one (NumericNotEquals "${*}" holds for every number)
    if families & {"Numeric"}:
        values += _numbers(v for c in conditions for v in c.values) or ["0"]
    if families & {"Date"}:
        values += map(iso_second, _seconds(v for c in conditions for v in c.values) or [0])
    if families & {"IpAddress"}:
        values += _addresses(v for c in conditions for v in c.values)
    if families & {"Bool"}:
        values += ["true", "false"]
    if families & {"String", "Arn", "Binary", "Null"}:
        values += _strings(conditions)
        values.append(FRESH if "Arn" not in families else f"arn:aws:iam::{fresh_account([])}:role/{FRESH}")
    elif typed is None:  # a tag or an external ID can be any text, which no number, time or address reads as
        values.append(FRESH)
    if typed is not None and families != {typed}:  # other operators' values: keep those of the key's type
        values = [v for v in values if _OF_TYPE[typed](v)]
    singles: list[tuple[str, ...] | None] = [(v,) for v in dict.fromkeys(values)]
    if typed is None and any(c.operator.qualifier is not None for c in conditions):  # a typed key holds one value
        plain = tuple(dict.fromkeys(v for c in conditions for v in c.values if not has_wildcard(v)))
        if len(plain) > 1:
            singles.append(plain)
            singles.append((*plain, FRESH))
    singles.append(None)
    return singles


def contexts(
    conditions: Sequence[Condition], caller: Caller, base: dict[str, tuple[str, ...]], now: datetime
) -> Iterator[tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]]:
    """Every request context worth trying for this caller: ``(full context, the keys the caller chose)``.

    The first one chooses nothing (every free key absent, the clock at ``now``). Stops after MAX_CONTEXTS;
    callers that need to know whether the space was cut short compare the count. The keys chosen include the
    clock keys the conditions read, so that a request replayed later is made at the same time.
    """
    if not conditions:  # one request, the caller's own: as below, without working out the choices
        yield dict(base), {}
        return
    spelling, dimensions = _dimensions(conditions, caller, now)
    for combo in itertools.islice(itertools.product(*dimensions), MAX_CONTEXTS):
        full = dict(base)
        chosen = {}
        for pick in combo:
            for key, value in pick:
                if value is None:
                    full.pop(key, None)
                else:
                    full[key] = value
                    if key in spelling:
                        chosen[spelling[key]] = value
        yield full, chosen


def context_count(conditions: Sequence[Condition], caller: Caller, now: datetime) -> int:
    """How many request contexts :func:`contexts` yields for this caller (at most MAX_CONTEXTS)."""
    count = 1
    for dimension in _dimensions(conditions, caller, now)[1]:
        count *= len(dimension)
        if count >= MAX_CONTEXTS:
            return MAX_CONTEXTS
    return count


def clock_readings(conditions: Sequence[Condition], caller: Caller, now: datetime) -> list[dict[str, tuple[str, ...]]]:
    """The clock keys at each second :func:`contexts` tries requests at, the scan's first."""
    for dimension in _dimensions(conditions, caller, now)[1]:
        if dimension and dimension[0][0][0] in TIME_KEYS:
            return [{key: value for key, value in pick if value is not None} for pick in dimension]
    return [dict(zip(CLOCK_KEYS, clock_values(second_of(now)), strict=True))]


_Pick = tuple[tuple[str, "tuple[str, ...] | None"], ...]


def _dimensions(conditions: Sequence[Condition], caller: Caller,
                now: datetime) -> tuple[dict[str, str], list[list[_Pick]]]:
    """The free keys' spellings, and the choices to combine: one list per free key, of the values it can take,
    absent first; and one for the clock, in the place of the first clock key, of the seconds it can show, the
    scan's first, each setting both clock keys (they are one clock: the same second, always)."""
    keys, spelling, choices = _choices(conditions, caller, now)
    dimensions: list[list[_Pick]] = []
    clock: int | None = None
    first = 0  # the scan's second, once a clock key is met
    seconds: list[int] = []
    for key, choice in zip(keys, choices, strict=True):
        if key not in TIME_KEYS:
            dimensions.append([((key, value),) for value in [choice[-1], *choice[:-1]]])  # absent first
            continue
        if clock is None:
            clock, first = len(dimensions), second_of(now)
            dimensions.append([])  # the clock's place, filled below
        seconds += _shown(choice, first)
    if clock is not None:
        shown = [first, *(s for s in dict.fromkeys(seconds) if s != first)]
        dimensions[clock] = [tuple(zip(CLOCK_KEYS, clock_values(second), strict=True)) for second in shown]
    return spelling, dimensions


def _shown(choice: Sequence[tuple[str, ...] | None], first: int) -> list[int]:
    """The seconds from ``first`` to LAST_SECOND among a clock key's values (any a linked key lent it too)."""
    out = []
    for value in choice:
        stamp = _date(value[0]) if value is not None and len(value) == 1 else None
        if stamp is not None and first <= stamp < LAST_SECOND + 1:
            out.append(math.floor(stamp))
    return out


def caller_sets(variable: str) -> bool:
    """Whether the caller chooses the value of the policy variable ``${variable}`` (``key`` or ``key,
    'default'``), which can then take any value: tags, request keys and the other keys a caller sets, which
    never narrow who (docs/iam-reference.md); not a character escape, nor a key the request context takes
    from the caller (aws:username, aws:PrincipalArn…), the clock or a calling service."""
    key = _variable_key(variable)
    if key in _LITERALS:  # ${*}, ${?} and ${$}: the character itself
        return False
    key = key.lower()
    return key not in PRINCIPAL_KEYS and key not in TIME_KEYS and key not in SERVICE_CALL_KEYS


def _choices(conditions: Sequence[Condition], caller: Caller,
             now: datetime) -> tuple[list[str], dict[str, str], list[list[tuple[str, ...] | None]]]:
    """The free keys the conditions read (sorted), each as the policy spells it, and the values a caller
    could choose for each (absent last; a clock key is never absent)."""
    by_key: dict[str, list[Condition]] = {}
    for condition in conditions:
        key = condition.key_lower
        if key in PRINCIPAL_KEYS:
            continue
        if key in SERVICE_CALL_KEYS and caller.is_iam:
            continue  # present only when a service calls on someone's behalf
        by_key.setdefault(key, []).append(condition)
    keys = sorted(by_key)
    spelling = {key: by_key[key][0].key for key in keys}  # as the policy writes it, for counterexamples
    clock = [c for key in CLOCK_KEYS for c in by_key.get(key, ())]  # one clock: every time condition marks it
    choices = [_key_values(key, clock if key in TIME_KEYS else by_key[key], now) for key in keys]
    links = [(condition.key_lower, variable) for condition in conditions for value in condition.values
             for variable in _VARIABLE.findall(value)
             if not (condition.key_lower in SERVICE_CALL_KEYS and caller.is_iam)]
    if not links:
        return keys, spelling, choices
    return _linked(dict(zip(keys, choices, strict=True)), spelling, links, caller, clock, now)


def _linked(values: dict[str, list[tuple[str, ...] | None]], spelling: dict[str, str],
            links: Sequence[tuple[str, str]], caller: Caller, clock: Sequence[Condition], now: datetime
            ) -> tuple[list[str], dict[str, str], list[list[tuple[str, ...] | None]]]:
    """:func:`_choices` where a condition's value is a policy variable (``aws:ResourceTag/team`` equal to
    ``${aws:PrincipalTag/team}``): the two keys must be able to take the same value. A variable the caller
    sets becomes a free key of its own, and each key may take the other's values, or, when the condition's
    key is one the request context takes from the caller (``aws:PrincipalAccount``), the caller's value of
    it, its account or its name. A clock variable (``${aws:CurrentTime}``) makes the clock a key of the
    request, and the two keys lend each other their values too; the clock shows those that are its seconds
    (:func:`_dimensions`). A variable the request context takes from the caller (``${aws:username}``)
    offers the condition's key the caller's own value."""
    own = build_context(caller, now=now)
    for key, variable in links:
        name = _variable_key(variable)
        other = name.lower()
        if other in TIME_KEYS:
            if key not in values:  # the caller's own key (aws:PrincipalArn…): no time is its value
                continue
            if other not in values:
                values[other], spelling[other] = _key_values(other, clock, now), name
        elif not caller_sets(variable):  # the caller's own value, if any, is one the condition's key may take
            for value in own.get(other, ()) if key in values else ():
                if (value,) not in values[key]:
                    values[key].insert(-1, (value,))  # before absent, which stays last
            continue
        else:
            if other not in values:
                values[other], spelling[other] = [None], name
            if key not in values:  # the caller's own key (aws:PrincipalAccount…), not one it chooses
                for value in (*own.get(key, ()), caller.account, caller.name):
                    if value and (value,) not in values[other]:
                        values[other].insert(-1, (value,))
                continue
        for into, source in ((key, other), (other, key)):
            typed = _OF_TYPE[KEY_TYPES[into]] if into in KEY_TYPES else None
            for choice in list(values[source]):
                if choice is not None and len(choice) == 1 and "${" not in choice[0] and choice not in values[into] \
                        and (typed is None or typed(choice[0])):
                    values[into].insert(-1, choice)
    keys = sorted(values)
    return keys, spelling, [values[key] for key in keys]


def allowed_principal(caller: Caller, entries: Iterable[str], services: Sequence[str],
                      federated: Sequence[str]) -> bool:
    """Whether a rule's allow list covers this caller (an account or root ARN covers all its principals)."""
    if caller.kind is CallerKind.SERVICE:
        return any(s == "*" or s.lower() == caller.name.lower() for s in services)
    if caller.kind is CallerKind.FEDERATED:
        return any(f == "*" or f.lower() == caller.name.lower() for f in federated)
    for entry in entries:
        account = whole_account(entry)
        if account is not None:
            if account == caller.account:
                return True
        elif ":assumed-role/" in entry:
            if glob_match(entry, caller.session_arn or caller.arn):
                return True
        elif ":role/" in entry and caller.kind is CallerKind.ROLE_SESSION:
            name = entry.rsplit("/", 1)[1]
            if entry.split(":")[4] == caller.account and (glob_match(name, caller.name) or
                                                           glob_match(entry, caller.principal_arn)):
                return True
        elif ":user/" in entry and caller.kind is CallerKind.USER and glob_match(entry, caller.principal_arn):
            return True
    return False

