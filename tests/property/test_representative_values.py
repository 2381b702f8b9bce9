"""The values tried for numbers and times in request contexts (xtrust.representatives).

- a number the policy names is tried with a number just below it and one just above it, compared exactly
  as the Numeric operators compare (conditions._number): no rounding may land back on the number;
- a request's time is a whole second from the scan's on, to 9999-12-31T23:59:59Z, the last second
  aws:CurrentTime can write in ISO 8601; aws:EpochTime is written as whole seconds. Whatever a policy names
  (a date past that, 1e999999, NaN, a string), the values stay in those bounds and nothing raises.

Pages: reference_policies_elements_condition_operators (#Conditions_Numeric, #Conditions_Date),
reference_policies_condition-keys (aws:CurrentTime, aws:EpochTime)
(https://docs.aws.amazon.com/IAM/latest/UserGuide/<page>.html).
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xtrust.conditions import _date, _number
from xtrust.model import Condition, PolicyKind, parse_policy
from xtrust.representatives.contexts import _around, _key_values, _numbers

NOW = datetime(2026, 6, 1, 12, 30, 15, tzinfo=timezone.utc)
NOW_EPOCH = 1780317015
LAST_SECOND = 253402300799  # 9999-12-31T23:59:59Z
FAST = settings(max_examples=300, deadline=None)


def condition(operator: str, key: str, values: Any) -> Condition:
    statement = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*",
                 "Condition": {operator: {key: values}}}
    return parse_policy({"Version": "2012-10-17", "Statement": [statement]}, kind=PolicyKind.IDENTITY
                        ).statements[0].conditions[0]


def tried(key: str, *conditions: Condition) -> list[str]:
    """The single values tried for ``key``, in the order contexts() tries them (the last one first)."""
    values = _key_values(key.lower(), list(conditions), NOW)
    assert all(v is None or len(v) == 1 for v in values)
    return [v[0] for v in values if v is not None]


NUMBERS = [
    # (policy value, the three values tried: the number, one below, one above)
    ("3600", ["3600", "3599", "3601"]),
    ("1.5", ["1.5", "0.5", "2.5"]),
    (" 7 ", ["7", "6", "8"]),  # the operators strip blanks
    ("12345678901234567890123456781111",  # 32 digits: 28-digit rounding would put "one above" below it
     ["12345678901234567890123456781111", "12345678901234567890123456781110", "12345678901234567890123456781112"]),
    ("-12345678901234567890123456789999",
     ["-12345678901234567890123456789999", "-12345678901234567890123456790000", "-12345678901234567890123456789998"]),
    ("1e999999", ["1E+999999", "9.9E+999998", "1.1E+999999"]),  # ∓ 1 would take a million digits
    ("NaN", []),  # the Numeric operators read no NaN or Infinity: nothing to try
    ("Infinity", []),
    ("ops", []),
]


@pytest.mark.parametrize(("value", "expected"), NUMBERS, ids=[n for n, _ in NUMBERS])
def test_numbers_tried(value: str, expected: list[str]) -> None:
    assert _numbers([value]) == expected


finite_decimals = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False),
    st.builds(lambda digits, exponent, sign: Decimal((sign, tuple(digits), exponent)),
              st.lists(st.integers(0, 9), min_size=1, max_size=80), st.integers(-10**6, 10**6), st.integers(0, 1)),
)


@FAST
@given(finite_decimals)
def test_around_brackets_the_number_exactly(number: Decimal) -> None:
    same, below, above = _around(number)
    assert same == number
    assert below < number < above
    # what is sent is what is compared: each value, written out, reads back as itself
    for value in (same, below, above):
        assert _number(str(value)) == value


TIMES = [
    # (key, operator, policy value, the values tried, in order; the scan's second is last: it is tried first)
    ("aws:CurrentTime", "DateGreaterThan", "2030-01-01T00:00:00Z",
     ["2030-01-01T00:00:00Z", "2029-12-31T23:59:59Z", "2030-01-01T00:00:01Z", "2026-06-01T12:30:15Z"]),
    ("aws:CurrentTime", "DateLessThan", "9999-12-31T23:59:59Z",
     ["9999-12-31T23:59:59Z", "9999-12-31T23:59:58Z", "2026-06-01T12:30:15Z"]),
    ("aws:CurrentTime", "DateLessThan", "1e30", ["9999-12-31T23:59:59Z", "2026-06-01T12:30:15Z"]),
    ("aws:CurrentTime", "DateGreaterThan", "-1e20", ["2026-06-01T12:30:15Z"]),
    ("aws:CurrentTime", "DateLessThan", "2020-01-01T00:00:00Z", ["2026-06-01T12:30:15Z"]),  # the past: now only
    ("aws:CurrentTime", "StringEquals", "NaN", ["2026-06-01T12:30:15Z"]),
    ("aws:EpochTime", "DateGreaterThan", "2030-01-01T00:00:00Z",  # a date, for the epoch key too
     ["1893456000", "1893455999", "1893456001", str(NOW_EPOCH)]),
    ("aws:EpochTime", "StringEquals", "1900000000.5", ["1900000000", "1899999999", "1900000001", str(NOW_EPOCH)]),
    ("aws:EpochTime", "DateGreaterThan", "253402300799", ["253402300799", "253402300798", str(NOW_EPOCH)]),
    ("aws:EpochTime", "DateEquals", "1e30", [str(LAST_SECOND), str(NOW_EPOCH)]),
    ("aws:EpochTime", "StringEquals", "Infinity", [str(NOW_EPOCH)]),
    ("aws:EpochTime", "StringEquals", "NaN", [str(NOW_EPOCH)]),
    # a time AWS sets (the token's issue time): ISO 8601 seconds, the nearest to what the ISO years cannot
    # write; a fraction of a second is not tried (inferred: AWS writes whole seconds)
    ("aws:TokenIssueTime", "DateLessThan", "2020-01-01T00:00:00Z",
     ["2020-01-01T00:00:00Z", "2019-12-31T23:59:59Z", "2020-01-01T00:00:01Z"]),
    ("aws:TokenIssueTime", "DateLessThan", "1e30", ["9999-12-31T23:59:59Z"]),
    ("aws:TokenIssueTime", "DateGreaterThan", "-1e20", ["0001-01-01T00:00:00Z"]),
]


KINDS = [
    # (key, operator, policy value, the values tried, in order)
    # a key AWS sets holds only values of its type, whatever reads it
    ("aws:MultiFactorAuthAge", "StringEquals", "abc", ["0"]),
    ("aws:MultiFactorAuthAge", "ArnEqualsIfExists", "arn:aws:iam::*:*", ["0"]),
    ("aws:MultiFactorAuthAge", "NumericLessThan", "3600", ["3600", "3599", "3601", "0"]),  # never below 0
    ("aws:SourceIp", "StringLike", "abc*", ["203.0.113.77", "2001:db8::77", "abc1:db8::77"]),  # an IPv6 address begins with abc
    ("aws:SourceIp", "StringLike", "10.*x", ["203.0.113.77", "2001:db8::77"]),  # no address ends with x
    # ... and, where text with wildcards is matched, a value of the type the pattern matches, if there is one
    ("aws:SourceIp", "StringLike", "10.*", ["203.0.113.77", "2001:db8::77", "10.203.0.113"]),
    ("sts:DurationSeconds", "StringLike", "3?00", ["3000", "3600", "900", "43200"]),
    ("aws:TokenIssueTime", "StringLike", "2030-*", ["1970-01-01T00:00:00Z", "2030-01-01T00:00:00Z"]),
    ("aws:SecureTransport", "StringEquals", "yes", ["true", "false"]),
    ("aws:TokenIssueTime", "StringEquals", "x", ["1970-01-01T00:00:00Z"]),
    ("sts:DurationSeconds", "NumericNotEquals", "${*}", ["900", "43200"]),  # from 900 to 43200 (AssumeRole)
    ("sts:DurationSeconds", "NumericGreaterThan", "40000", ["40000", "39999", "40001", "900", "43200"]),
    ("sts:DurationSeconds", "NumericGreaterThan", "50000", ["900", "43200"]),
    # ... and a number read as a time is tried at the seconds a time is tried at, as numbers
    ("sts:DurationSeconds", "DateNotEquals", "1e30", ["900", "43200"]),
    # a key the caller fills holds any text: free text beside the numbers and times
    ("aws:PrincipalTag/x", "DateLessThanIfExists", "2030-01-01T00:00:00Z",
     ["2030-01-01T00:00:00Z", "2029-12-31T23:59:59Z", "2030-01-01T00:00:01Z", "xtrust-fresh"]),
    ("aws:PrincipalTag/x", "NumericGreaterThan", "5", ["5", "4", "6", "xtrust-fresh"]),
    ("sts:ExternalId", "NumericNotEquals", "${*}", ["0", "xtrust-fresh"]),
    ("aws:PrincipalTag/x", "DateEquals", "${*}", ["1970-01-01T00:00:00Z", "xtrust-fresh"]),
    # ... text that is no ARN beside an ARN no constant names, where ARN operators read it (a user ID is none)
    ("aws:userid", "ArnNotEquals", "arn:aws:iam::*:*",
     ["arn:aws:iam:::", "arn:aws:iam::xtrust-fresh:xtrust-fresh", "xtrust-fresh", "arn:aws:iam::555555555555:role/xtrust-fresh"]),
    # ... and any time it can write, as written, where no whole second from year 1 to 9999 is that time
    ("aws:PrincipalTag/x", "DateEquals", "987654321098", ["9999-12-31T23:59:59Z", "987654321098", "1e999", "xtrust-fresh"]),
    ("sts:ExternalId", "DateLessThan", "-99999999999999",
     ["0001-01-01T00:00:00Z", "-99999999999999", "-1e999", "xtrust-fresh"]),
    ("aws:RequestTag/x", "DateEquals", "2030-01-01T00:00:00.5Z",
     ["2030-01-01T00:00:00Z", "2029-12-31T23:59:59Z", "2030-01-01T00:00:01Z", "2030-01-01T00:00:00.5Z", "xtrust-fresh"]),
    ("aws:PrincipalTag/x", "DateGreaterThan", "1e999", ["9999-12-31T23:59:59Z", "1e999", "xtrust-fresh"]),
    ("aws:TokenIssueTime", "DateEquals", "2030-01-01T00:00:00.5Z",
     ["2030-01-01T00:00:00Z", "2029-12-31T23:59:59Z", "2030-01-01T00:00:01Z"]),
]


@pytest.mark.parametrize(("key", "operator", "value", "expected"), KINDS,
                         ids=[f"{k}-{o}-{v}" for k, o, v, _ in KINDS])
def test_values_tried_by_kind_of_key(key: str, operator: str, value: str, expected: list[str]) -> None:
    assert tried(key, condition(operator, key, value)) == expected


@pytest.mark.parametrize(("key", "operator", "value", "expected"), TIMES,
                         ids=[f"{k}-{o}-{v}" for k, o, v, _ in TIMES])
def test_times_tried(key: str, operator: str, value: str, expected: list[str]) -> None:
    assert tried(key, condition(operator, key, value)) == expected


time_values = st.one_of(
    st.text(max_size=30),
    st.integers(-10**40, 10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.datetimes(timezones=st.just(timezone.utc)).map(lambda d: d.isoformat().replace("+00:00", "Z")),
    st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999999", "9999-12-31T23:59:59Z", "253402300800"]),
)


@FAST
@given(st.lists(time_values, min_size=1, max_size=4))
def test_time_values_are_seconds_a_request_can_have(values: list[str]) -> None:
    conditions = [condition("StringEquals", "aws:EpochTime", values), condition("StringEquals", "aws:CurrentTime", values)]
    epochs = tried("aws:EpochTime", conditions[0])
    assert epochs[-1] == str(NOW_EPOCH)
    assert all(v.isdigit() and NOW_EPOCH <= int(v) <= LAST_SECOND for v in epochs)
    times = tried("aws:CurrentTime", conditions[1])
    assert times[-1] == "2026-06-01T12:30:15Z"
    for value in times:
        stamp = _date(value)
        assert value.endswith("Z") and stamp is not None and stamp == int(stamp)
        assert NOW_EPOCH <= stamp <= LAST_SECOND
