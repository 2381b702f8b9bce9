"""Request contexts: for a candidate caller, every combination of the values of the condition keys a caller
can set that the conditions tell apart, the clock included."""

from __future__ import annotations

import ipaddress
import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from .._glob import glob_match, has_wildcard
from ..callers import Caller, CallerKind
from ..conditions import _date, _ip, _number
from ..evaluate import (
    _LITERALS,
    _VARIABLE,
    CLOCK_KEYS,
    FIRST_SECOND,
    LAST_SECOND,
    _clock,
    _variable_key,
    build_context,
    clock_values,
    iso_second,
    second_of,
)
from ..model import RESOURCE_ACCOUNT, Condition
from ._constants import FRESH, fresh_account, fresh_name, instantiate

if TYPE_CHECKING:
    from decimal import Decimal


__all__ = [
    "KEY_RANGES",
    "KEY_TYPES",
    "MAX_CONTEXTS",
    "PRINCIPAL_KEYS",
    "SERVICE_CALL_KEYS",
    "TIME_KEYS",
    "caller_sets",
    "clock_readings",
    "context_count",
    "contexts",
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
# The bounds AWS sets a number key within, None where it sets none: an MFA age counts the seconds since the
# sign-in, and AssumeRole takes DurationSeconds from 900 to 43200
# (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).
KEY_RANGES = {"aws:multifactorauthage": (0, None), "sts:durationseconds": (900, 43200)}
# Values of each type, to fill a pattern's wildcards from (_filled)
_EXAMPLES = {"Numeric": ("0", "3600"), "Date": ("1970-01-01T00:00:00Z",), "IpAddress": ("203.0.113.77", "2001:db8::77"),
             "Bool": ("true", "false")}
MAX_CONTEXTS = 4096


def _fresh_texts(conditions: Sequence[Condition]) -> list[str]:
    """Text no constant names: FRESH, and when a Like pattern of the conditions matches it (``*-*``), the
    first fresh_name that none matches."""
    patterns = [v for c in conditions if c.operator.base.name.endswith("Like") for v in c.values if "${" not in v]
    if not any(glob_match(p, FRESH) for p in patterns):
        return [FRESH]
    other = fresh_name(lambda text: any(glob_match(p, text) for p in patterns))
    return [FRESH] if other is None else [FRESH, other]


def _whole_numbers(value: str) -> list[str]:
    """A number as AWS writes a count of seconds: the whole numbers at and around it, in digits."""
    number = _number(value)
    if number is None:
        return []
    if number.adjusted() > 60:  # digits past any count of seconds: kept as they are, not written out
        return [value]
    return [str(n) for n in dict.fromkeys((math.floor(number), math.ceil(number)))]


def _iso_seconds(value: str) -> list[str]:
    """A time as AWS writes one (2026-06-01T12:00:00Z): the whole seconds at and around it that ISO 8601
    can write."""
    stamp = _date(value)
    if stamp is None or not FIRST_SECOND <= stamp < LAST_SECOND + 1:
        return []
    return [iso_second(s) for s in dict.fromkeys((math.floor(stamp), math.ceil(stamp))) if s <= LAST_SECOND]


# How AWS writes the value of each key it sets as a number or a time (a String operator reads the text)
_WRITTEN_AS = {"aws:multifactorauthage": _whole_numbers, "sts:durationseconds": _whole_numbers,
               "aws:tokenissuetime": _iso_seconds}


def _fits(key: str, value: str) -> bool:
    """Whether a key AWS sets can hold ``value``: of its type (KEY_TYPES) and within its bounds (KEY_RANGES)."""
    if not _OF_TYPE[KEY_TYPES[key]](value):
        return False
    if key not in KEY_RANGES:
        return True
    low, high = KEY_RANGES[key]  # a number key's: the value is a number
    number = _number(value)
    return number is not None and (low is None or number >= low) and (high is None or number <= high)


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


def _written_times(values: Iterable[str]) -> list[str]:
    """For a key whose value the caller writes (a tag, an external ID), the times :func:`_seconds` leaves out:
    each of ``values`` the Date operators read as a time that is no whole second from the first to the last
    (a fraction of a second, a year past 9999 or before 1 in epoch seconds), as written, and ``1e999`` or
    ``-1e999`` (read as infinite) beyond the greatest and the least of them."""
    out: list[str] = []
    for value in values:
        stamp = _date(value)
        if stamp is None or (FIRST_SECOND <= stamp <= LAST_SECOND and stamp == math.floor(stamp)):
            continue
        out.append(value)
        if stamp > LAST_SECOND:
            out.append("1e999")
        elif stamp < FIRST_SECOND:
            out.append("-1e999")
    return out


def _addresses(values: Iterable[str]) -> list[str]:
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            continue
    out = []
    for network in networks:  # its edges, and the addresses just outside them
        kind = ipaddress.IPv4Address if network.version == 4 else ipaddress.IPv6Address
        first, last = int(network.network_address), int(network.broadcast_address)
        out += [str(kind(n)) for n in (first, last, first - 1, last + 1) if 0 <= n < 2 ** network.max_prefixlen]
    for outsiders in (("203.0.113.77", "198.51.100.7", "192.0.2.99"), ("2001:db8::77", "2001:db9::1")):
        # an address of each version in none of the networks, where one of those is (the caller picks the version)
        for outsider in outsiders:
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
                out += [instantiate(value, "", "x"), instantiate(value, FRESH, "q")]
            else:
                out.append(value)
    return out


def _filled(conditions: Sequence[Condition], typed: str, examples: Sequence[str]) -> list[str]:
    """For a key AWS sets, of the type ``typed``, matched as text with wildcards (``StringLike aws:SourceIp
    10.*``): for each pattern and each of ``examples`` (values of the type, those other operators' constants
    give among them), the first value of the type that the pattern matches among the pattern's wildcards
    filled from the example (:func:`_fills`), if there is one. One per example: with ``IpAddress
    192.168.0.0/16`` beside ``StringLike *.7``, 192.168.0.7 comes from 192.168.0.0."""
    out: list[str] = []
    for condition in conditions:
        if not condition.operator.base.wildcards:
            continue
        for pattern in condition.values:
            if not has_wildcard(pattern) or "${" in pattern:
                continue
            for example in examples:
                out += itertools.islice((value for value in _fills(pattern, example)
                                         if _OF_TYPE[typed](value) and glob_match(pattern, value)), 1)
    return out


def _fills(pattern: str, example: str) -> Iterator[str]:
    """``pattern`` with each ``*`` an end or a beginning of ``example``, longest first, and each ``?`` the
    character of ``example`` at its place, or ``0``: ``10.*`` and 203.0.113.77 give 10.203.0.113 first,
    ``*.7`` and 192.168.0.0 give 192.168.0.7, ``3?00`` and 3600 give 3600, ``2030-*`` and
    1970-01-01T00:00:00Z give 2030-01-01T00:00:00Z."""
    for aligned in (True, False):
        for length in range(len(example), -1, -1):
            for part in (example[len(example) - length:], example[:length]):
                yield "".join(part if char == "*" else char if char != "?" else
                              example[i] if aligned and i < len(example) else "0" for i, char in enumerate(pattern))


def _key_values(key: str, conditions: Sequence[Condition], now: datetime) -> list[tuple[str, ...] | None]:
    """The values a caller could choose for one free key: each meaningful single value, every string
    constant at once (for set operators), and absent (None)."""
    typed = KEY_TYPES.get(key)
    families = {c.operator.base.family for c in conditions} | ({typed} if typed else set())
    constants = [v for c in conditions for v in c.values]
    values: list[str] = []
    if key in TIME_KEYS:
        # Never absent: each later second a constant marks, up to LAST_SECOND, and the scan's own second last,
        # where other keys have absent: contexts() tries the last value first.
        now_second = second_of(now)
        later = [s for s in _seconds(constants, now_second) if s != now_second]
        write = CLOCK_KEYS.index(key)  # epoch seconds are whole: 1795999999, never 1.8E+9
        return [clock_values(second)[write] for second in dict.fromkeys([*later, now_second])]
    # A number and a time even when no constant reads as one (NumericNotEquals "${*}" holds for every number)
    if families & {"Numeric"}:
        values += _numbers(constants) or ["0"]
    if families & {"Date"}:
        seconds = _seconds(constants) or [0]
        values += map(iso_second, seconds)
        if typed == "Numeric":  # a number AWS sets, read as a time: those seconds as the number it can be
            values += map(str, seconds)
        elif typed is None:  # text the caller writes, not a time AWS sets: whatever it can write
            values += _written_times(constants)
    if families & {"IpAddress"}:
        values += _addresses(constants)
    if families & {"Bool"}:
        values += ["true", "false"]
    if families & {"String", "Arn", "Binary", "Null"}:
        values += _strings(conditions)
        values += _fresh_texts(conditions)  # text no constant names, and no ARN: a user ID, or a tag, is one
        if "Arn" in families:  # an ARN no constant names
            values.append(f"arn:aws:iam::{fresh_account([])}:role/{FRESH}")
    elif typed is None:  # a tag or an external ID can be any text, which no number, time or address reads as
        values.append(FRESH)
    if typed is not None and families != {typed}:  # other operators' values: keep those of the key's type
        values = [v for v in values if _OF_TYPE[typed](v)]
        values += _filled(conditions, typed, [*values, *_EXAMPLES[typed]])
    if key in KEY_RANGES:  # a number AWS sets within bounds: those it can hold, and the bounds
        values = [v for v in values if _fits(key, v)] + [str(b) for b in KEY_RANGES[key] if b is not None]
    if key in _WRITTEN_AS:  # as AWS writes it: 3600, never 3600.0 or 3.6E+3, which a String operator tells apart
        values = [written for v in values for written in _WRITTEN_AS[key](v)]
    singles: list[tuple[str, ...] | None] = [(v,) for v in dict.fromkeys(values)]
    if typed is None and any(c.operator.qualifier is not None for c in conditions):  # a typed key holds one value
        plain = tuple(dict.fromkeys(v for v in constants if not has_wildcard(v)))
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
    resource = base.get(RESOURCE_ACCOUNT)
    spelling, dimensions = _dimensions(conditions, caller, now, resource[0] if resource else None)
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
        if _MFA_AGE in full and full.setdefault(_MFA_PRESENT, ("true",)) != ("true",):
            continue  # AWS sets an MFA age only for credentials made with MFA, which it says are
        yield full, chosen


# An MFA age comes only with MultiFactorAuthPresent true (reference_policies_condition-keys, aws:MultiFactorAuthAge)
_MFA_AGE, _MFA_PRESENT = "aws:multifactorauthage", "aws:multifactorauthpresent"


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
    return [dict(_clock(now))]  # the clock of every request: the scan's second


_Pick = tuple[tuple[str, "tuple[str, ...] | None"], ...]


def _dimensions(conditions: Sequence[Condition], caller: Caller, now: datetime,
                resource: str | None = None) -> tuple[dict[str, str], list[list[_Pick]]]:
    """The free keys' spellings, and the choices to combine: one list per free key, of the values it can take,
    absent first; and one for the clock, in the place of the first clock key, of the seconds it can show, the
    scan's first, each setting both clock keys (they are one clock: the same second, always)."""
    keys, spelling, choices = _choices(conditions, caller, now, resource)
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


def _choices(conditions: Sequence[Condition], caller: Caller, now: datetime, resource: str | None = None
             ) -> tuple[list[str], dict[str, str], list[list[tuple[str, ...] | None]]]:
    """The free keys the conditions read (sorted), each as the policy spells it, and the values a caller
    could choose for each (absent last; a clock key is never absent). ``resource`` is the role's account
    (aws:ResourceAccount) when the requests are for one role: keys compared with it can then take it."""
    by_key: dict[str, list[Condition]] = {}
    # aws:ResourceAccount is taken from the role's ARN, but for a key the caller sets compared with it while
    # the role is not known here (_resource_account_free)
    fixed = RESOURCE_ACCOUNT if resource is not None or not _resource_account_free(conditions) else ""
    for condition in conditions:
        key = condition.key_lower
        if key in PRINCIPAL_KEYS or key == fixed:
            continue
        if key in SERVICE_CALL_KEYS and caller.kind is not CallerKind.SERVICE:
            continue  # present only when a service calls on someone's behalf: never for a user or a federated one
        by_key.setdefault(key, []).append(condition)
    keys = sorted(by_key)
    spelling = {key: by_key[key][0].key for key in keys}  # as the policy writes it, for counterexamples
    clock = [c for key in CLOCK_KEYS for c in by_key.get(key, ())]  # one clock: every time condition marks it
    choices = [_key_values(key, clock if key in TIME_KEYS else by_key[key], now) for key in keys]
    links = [(condition.key_lower, variable, condition.operator.base.name.startswith(("Numeric", "Date")))
             for condition in conditions for value in condition.values for variable in _VARIABLE.findall(value)
             if not (condition.key_lower in SERVICE_CALL_KEYS and caller.kind is not CallerKind.SERVICE)
             and (resource is not None or fixed not in (condition.key_lower, _variable_key(variable).lower()))]
    if not links:
        return keys, spelling, choices
    return _linked(dict(zip(keys, choices, strict=True)), spelling, links, caller, clock, now, resource)


def _resource_account_free(conditions: Sequence[Condition]) -> bool:
    """Whether aws:ResourceAccount is compared with a key the caller sets (``${aws:PrincipalTag/account}``, or a
    tag equal to ``${aws:ResourceAccount}``). The evaluator takes it from the role's ARN, and compares it
    exactly with the keys AWS sets (``${aws:PrincipalAccount}``); but a key the caller sets must be able to take
    its value, which the representatives cannot lend it without the role: then it is let take any value, as a
    key the caller sets (:func:`_linked`), a verdict that may flag, never one that misses."""
    for condition in conditions:
        for value in condition.values:
            if "${" not in value:
                continue
            for variable in _VARIABLE.findall(value):
                read = _variable_key(variable).lower()
                if condition.key_lower == RESOURCE_ACCOUNT and read != RESOURCE_ACCOUNT and caller_sets(variable):
                    return True
                if read == RESOURCE_ACCOUNT and condition.key_lower != RESOURCE_ACCOUNT and caller_sets(
                        condition.key_lower):
                    return True
    return False


def _itself(values: Iterable[str]) -> list[str]:
    return list(values)


def _nearby(values: Iterable[str]) -> list[str]:
    """Each value, and for one the Numeric operators read as a number, the numbers just below and above it
    (:func:`_around`), as a number ordered against another key may need to be."""
    out = []
    for value in values:
        out.append(value)
        number = _number(value) if value else None
        if number is not None:
            out += [str(n) for n in _around(number)[1:]]
    return out


def _beside(clock_key: str, value: str) -> list[str]:
    """A value of the clock key, and the seconds just before and after it (:func:`_seconds`), written as that
    key writes them."""
    write = CLOCK_KEYS.index(clock_key)
    return [clock_values(second)[write][0] for second in _seconds([value])] or [value]


def _linked(values: dict[str, list[tuple[str, ...] | None]], spelling: dict[str, str],
            links: Sequence[tuple[str, str, bool]], caller: Caller, clock: Sequence[Condition], now: datetime,
            resource: str | None = None) -> tuple[list[str], dict[str, str], list[list[tuple[str, ...] | None]]]:
    """:func:`_choices` where a condition's value is a policy variable (``aws:ResourceTag/team`` equal to
    ``${aws:PrincipalTag/team}``): the two keys must be able to take the same value. A variable the caller
    sets becomes a free key of its own, and each key may take the other's values, or, when the condition's
    key is one the request context takes from the caller (``aws:PrincipalAccount``), the caller's value of
    it, its account or its name. A clock variable (``${aws:CurrentTime}``) makes the clock a key of the
    request, and the two keys lend each other their values too; the clock shows those that are its seconds
    (:func:`_dimensions`). A variable the request context takes from the caller (``${aws:username}``)
    offers the condition's key the caller's own value; so does ``${aws:ResourceAccount}``, the role's account,
    when ``resource`` gives it. Where an operator orders the two (NumericGreaterThan), each number lent comes
    with the numbers just below and above it, and two keys the caller sets are given numbers to order."""
    own = build_context(caller, now=now)
    if resource is not None:
        own[RESOURCE_ACCOUNT] = (resource,)
    for key, variable, ordered in links:
        name = _variable_key(variable)
        other = name.lower()
        near = _nearby if ordered else _itself
        if other in TIME_KEYS:
            if key not in values:  # the caller's own key (aws:PrincipalArn…): no time is its value
                continue
            if other not in values:
                values[other], spelling[other] = _key_values(other, clock, now), name
        elif not caller_sets(variable) or (other == RESOURCE_ACCOUNT and resource is not None):
            # the caller's own value (or the role's account), if any, is one the condition's key may take
            for value in near(own.get(other, ())) if key in values else ():
                _offer(values[key], value)
            continue
        else:
            if other not in values:
                values[other], spelling[other] = [None], name
            if key not in values:  # the caller's own key (aws:PrincipalAccount…), not one it chooses
                for value in near((*own.get(key, ()), caller.account, caller.name)):
                    if value:
                        _offer(values[other], value)
                continue
            if ordered:  # two keys the caller sets, ordered: each may hold a number
                for into in (key, other):
                    _offer(values[into], "0")
                    _offer(values[into], "1")
        for into, source in ((key, other), (other, key)):
            typed = partial(_fits, into) if into in KEY_TYPES else None
            lent = list(values[source])
            if source in TIME_KEYS:  # ordered against the clock (DateGreaterThan): a second before and after too
                lent = [(value,) for choice in lent if choice is not None for value in _beside(source, choice[0])]
            elif ordered:
                lent = [(value,) for choice in lent if choice is not None and len(choice) == 1
                        for value in near(choice)]
            for choice in lent:
                if choice is not None and len(choice) == 1 and "${" not in choice[0] \
                        and (typed is None or typed(choice[0])):
                    _offer(values[into], choice[0])
    keys = sorted(values)
    return keys, spelling, [values[key] for key in keys]


def _offer(choices: list[tuple[str, ...] | None], value: str) -> None:
    """Add ``value`` to a key's choices, once, before absent (None), which stays last."""
    if (value,) not in choices:
        choices.insert(-1, (value,))
