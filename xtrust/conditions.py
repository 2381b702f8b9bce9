"""Condition operators as a table, and how one condition entry decides against a request context.

Semantics (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html):

- several values for one key are ORed; several keys or operators are ANDed (the caller does that);
- a key missing from the request makes a positive operator false and a negated one (``StringNotEquals``,
  ``NotIpAddress``, ``ArnNotLike``…) true; ``…IfExists`` makes a missing key true; ``Null`` tests presence;
- ``ForAllValues:`` is true when the key is missing or empty, ``ForAnyValue:`` false;
- a negated operator is the negation of its positive twin over the same values: ``StringNotEquals`` is
  true when the request value equals none of the policy's values;
- ``*``/``?`` are wildcards only in ``…Like`` and ``Arn…`` operators; String values are case-sensitive
  unless ``IgnoreCase``; ``Arn…`` compares each of the six colon-separated parts on its own.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from enum import Enum
from functools import lru_cache
from typing import TYPE_CHECKING

from ._frozen import frozen
from ._glob import glob_match

if TYPE_CHECKING:
    from decimal import Decimal

__all__ = ["BASE_OPERATORS", "BaseOperator", "Operator", "Qualifier", "evaluate_condition", "parse_operator"]


class Qualifier(str, Enum):
    FOR_ANY_VALUE = "ForAnyValue"
    FOR_ALL_VALUES = "ForAllValues"


Matcher = Callable[[str, str], bool]  # (request value, policy value) -> match
Validator = Callable[[str], bool]


@frozen
class BaseOperator:
    """A condition operator without its ``ForAnyValue:``/``ForAllValues:`` qualifier or ``IfExists``
    suffix: how it compares (``match``), which values it accepts (``valid``), and whether it reads wildcards."""

    name: str
    family: str
    negated: bool
    match: Matcher
    valid: Validator
    wildcards: bool = False


def _number(text: str) -> Decimal | None:
    from decimal import Decimal, InvalidOperation  # here: few policies compare numbers, and the module is large

    try:
        value = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _date(text: str) -> float | None:
    """ISO 8601 (date, or date and time with an optional zone; UTC when none) or epoch seconds."""
    text = text.strip()
    number = _number(text)
    if number is not None:
        return float(number)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def _compare(parse: Callable[[str], object | None], test: Callable[[object, object], bool]) -> Matcher:
    def match(request: str, policy: str) -> bool:
        left, right = parse(request), parse(policy)
        return left is not None and right is not None and test(left, right)

    return match


def _ip_in(request: str, policy: str) -> bool:
    address, network = _ip(request), _network(policy)
    return address is not None and network is not None and address.version == network.version and address in network


def _arn_match(request: str, policy: str) -> bool:
    have, want = request.split(":", 5), policy.split(":", 5)
    return len(have) == 6 and len(want) == 6 and all(glob_match(w, h) for w, h in zip(want, have, strict=True))


def _bool_match(request: str, policy: str) -> bool:
    return request.strip().lower() == policy.strip().lower()


def _is_bool(text: str) -> bool:
    return text.lower() in ("true", "false")


def _always(_: str) -> bool:
    return True


_NUMERIC_TESTS: dict[str, Callable[[object, object], bool]] = {
    "Equals": lambda a, b: a == b,
    "NotEquals": lambda a, b: a == b,  # negated below
    "LessThan": lambda a, b: a < b,  # type: ignore[operator]
    "LessThanEquals": lambda a, b: a <= b,  # type: ignore[operator]
    "GreaterThan": lambda a, b: a > b,  # type: ignore[operator]
    "GreaterThanEquals": lambda a, b: a >= b,  # type: ignore[operator]
}


def _build_table() -> dict[str, BaseOperator]:
    table: list[BaseOperator] = [
        BaseOperator("StringEquals", "String", False, lambda r, p: r == p, _always),
        BaseOperator("StringNotEquals", "String", True, lambda r, p: r == p, _always),
        BaseOperator("StringEqualsIgnoreCase", "String", False, lambda r, p: r.lower() == p.lower(), _always),
        BaseOperator("StringNotEqualsIgnoreCase", "String", True, lambda r, p: r.lower() == p.lower(), _always),
        BaseOperator("StringLike", "String", False, lambda r, p: glob_match(p, r), _always, wildcards=True),
        BaseOperator("StringNotLike", "String", True, lambda r, p: glob_match(p, r), _always, wildcards=True),
        BaseOperator("ArnEquals", "Arn", False, _arn_match, _always, wildcards=True),
        BaseOperator("ArnLike", "Arn", False, _arn_match, _always, wildcards=True),
        BaseOperator("ArnNotEquals", "Arn", True, _arn_match, _always, wildcards=True),
        BaseOperator("ArnNotLike", "Arn", True, _arn_match, _always, wildcards=True),
        BaseOperator("Bool", "Bool", False, _bool_match, _is_bool),
        BaseOperator("BinaryEquals", "Binary", False, lambda r, p: r == p, _always),
        BaseOperator("IpAddress", "IpAddress", False, _ip_in, lambda v: _network(v) is not None),
        BaseOperator("NotIpAddress", "IpAddress", True, _ip_in, lambda v: _network(v) is not None),
        BaseOperator("Null", "Null", False, _bool_match, _is_bool),
    ]
    for suffix, test in _NUMERIC_TESTS.items():
        negated = suffix == "NotEquals"
        table.append(BaseOperator(f"Numeric{suffix}", "Numeric", negated, _compare(_number, test),
                                  lambda v: _number(v) is not None))
        table.append(BaseOperator(f"Date{suffix}", "Date", negated, _compare(_date, test),
                                  lambda v: _date(v) is not None))
    return {op.name.lower(): op for op in table}


BASE_OPERATORS: dict[str, BaseOperator] = _build_table()


@frozen
class Operator:
    """A parsed condition operator: ``[ForAnyValue:|ForAllValues:]Base[IfExists]``."""

    name: str  # as written
    base: BaseOperator
    qualifier: Qualifier | None = None
    if_exists: bool = False

    @property
    def negated(self) -> bool:
        return self.base.negated

    def validate(self, values: Sequence[str]) -> None:
        """Raise ValueError for a policy value this operator cannot take (policy variables pass)."""
        for value in values:
            if "${" not in value and not self.base.valid(value):
                raise ValueError(f"{value!r} is not a valid value for {self.base.name}")


@lru_cache(maxsize=1024)
def parse_operator(name: str) -> Operator:
    """Parse a condition operator name; raise ValueError naming it when IAM has no such operator."""
    rest, qualifier = name, None
    if ":" in rest:
        prefix, rest = rest.split(":", 1)
        try:
            qualifier = next(q for q in Qualifier if q.value.lower() == prefix.lower())
        except StopIteration:
            raise ValueError(
                f"unknown condition set operator {prefix!r} (expected ForAnyValue or ForAllValues)"
            ) from None
    if_exists = False
    base = BASE_OPERATORS.get(rest.lower())
    if base is None and rest.lower().endswith("ifexists"):
        base = BASE_OPERATORS.get(rest[: -len("IfExists")].lower())
        if_exists = base is not None
    if base is None or (if_exists and base.name == "Null"):
        raise ValueError(f"unknown condition operator {name!r}")
    return Operator(name, base, qualifier, if_exists)


def evaluate_condition(operator: Operator, policy_values: Sequence[str], request_values: Sequence[str] | None) -> bool:
    """Decide one ``operator: {key: policy_values}`` entry against the request's values for that key.

    ``request_values`` is None (or empty) when the key is not in the request context.
    """
    base = operator.base
    present = bool(request_values)
    if base.name == "Null":
        # "Null": {"k": "true"} is true when k is absent; "false" when it is present.
        return any((value.strip().lower() == "true") != present for value in policy_values)
    if not present:
        if operator.if_exists:
            return True
        if operator.qualifier is Qualifier.FOR_ALL_VALUES:
            return True
        if operator.qualifier is Qualifier.FOR_ANY_VALUE:
            return False
        return base.negated
    assert request_values is not None

    def matches_any(request: str) -> bool:
        return any(base.match(request, policy) for policy in policy_values)

    if operator.qualifier is None:
        positive = any(matches_any(request) for request in request_values)
        return not positive if base.negated else positive
    single = (lambda r: not matches_any(r)) if base.negated else matches_any
    if operator.qualifier is Qualifier.FOR_ANY_VALUE:
        return any(single(request) for request in request_values)
    return all(single(request) for request in request_values)

