"""Properties of the two checks over random policies.

- every counterexample is a request ``can_assume`` allows and the rule forbids;
- a compliant verdict means no request gets through: random concrete requests, drawn independently of
  the representatives (other accounts, names, paths, context values), are all refused for callers or
  roles outside the allow list.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xtrust import can_assume
from xtrust._glob import glob_match
from xtrust.callers import parse_caller, parse_role
from xtrust.checks import (
    LOGIN_TRUST,
    OUTSIDER_IDENTITY,
    assume_violations,
    check_account,
    identity_assume,
    trust_violations,
)
from xtrust.checks._memo import AssumeMemo
from xtrust.checks.role_trust import _enumerated_trust_violations, _names_only_allowed
from xtrust.model import PolicyKind, parse_policy
from xtrust.representatives import allowed_principal
from xtrust.rules import RuleSet, TrustAllow, parse_rules
from xtrust.snapshot import parse_snapshot

L, D, X, Y = "987654321098", "123456789012", "444455556666", "210987654321"
ROLE = f"arn:aws:iam::{D}:role/Admin"
ALLOW = TrustAllow(principals=(f"arn:aws:iam::{L}:root",), services=("*",))
ALLOWED_ROLES = (ROLE, f"arn:aws:iam::{D}:role/ops/ReadOnly")
NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ACCOUNTS = (L, D, X, Y)
NAMES = ("Admin", "bob", "ReadOnly", "ops/ReadOnly", "team/Admin", "Admzn", "x")
KEYS_AND_VALUES = {
    "aws:PrincipalAccount": (L, D, X, "98765432109?", "*", "${aws:PrincipalTag/account}"),
    "aws:PrincipalArn": (f"arn:aws:iam::{L}:*", f"arn:aws:iam::{X}:role/Admin", "arn:aws:iam::*:role/Admin",
                         f"arn:aws:iam::{L}:user/bob", "arn:aws:iam::*:*/a*", "*/any*", "arn:aws:iam::*:role/*",
                         "arn:aws:iam::${aws:PrincipalAccount}:role/Admin"),
    "aws:PrincipalOrgID": ("o-abc", "o-*"),
    "aws:SourceIp": ("203.0.113.0/24", "10.0.0.0/8"),
    "aws:MultiFactorAuthPresent": ("true", "false"),
    "sts:ExternalId": ("s3cr3t", "x*", "${aws:PrincipalTag/team}", "${aws:CurrentTime}", "2031-01-01T00:00:00Z",
                       "${aws:EpochTime}"),
    "aws:PrincipalTag/team": ("ops", "dev", "${aws:username}"),
    "aws:TagKeys": ("team", "env"),
    # the clock, one for both keys: seconds before NOW never come
    "aws:CurrentTime": ("2030-01-01T00:00:00Z", "2026-05-01T00:00:00Z", "${aws:EpochTime}"),
    "aws:EpochTime": ("1893456010", "1924992000", "1780000000"),
}
OPERATORS = {
    "aws:PrincipalAccount": ("StringEquals", "StringNotEquals", "StringLike", "StringEqualsIfExists",
                             "ForAnyValue:StringEquals", "ForAllValues:StringEquals"),
    "aws:PrincipalArn": ("ArnLike", "ArnNotLike", "StringLike", "ArnEquals", "StringNotLike"),
    "aws:PrincipalOrgID": ("StringEquals", "StringLike", "StringNotEquals"),
    "aws:SourceIp": ("IpAddress", "NotIpAddress"),
    "aws:MultiFactorAuthPresent": ("Bool", "BoolIfExists"),
    "sts:ExternalId": ("StringEquals", "StringLike", "StringNotLike"),
    "aws:PrincipalTag/team": ("StringEquals", "StringEqualsIfExists"),
    "aws:TagKeys": ("ForAllValues:StringEquals", "ForAnyValue:StringEquals"),
    "aws:CurrentTime": ("DateGreaterThan", "DateLessThan", "DateEquals", "StringEquals"),
    "aws:EpochTime": ("DateLessThan", "NumericGreaterThan", "StringEquals"),
}
keys = st.sampled_from(sorted(KEYS_AND_VALUES))


@st.composite
def conditions(draw: st.DrawFn) -> dict[str, Any]:
    block: dict[str, Any] = {}
    for key in draw(st.lists(keys, max_size=2, unique=True)):
        operator = draw(st.sampled_from(OPERATORS[key]))
        values = draw(st.lists(st.sampled_from(KEYS_AND_VALUES[key]), min_size=1, max_size=2, unique=True))
        block.setdefault(operator, {})[key] = values if len(values) > 1 else values[0]
    return block


trust_principals = st.one_of(
    st.just("*"),
    st.sampled_from(ACCOUNTS),
    st.sampled_from(ACCOUNTS).map(lambda a: {"AWS": f"arn:aws:iam::{a}:root"}),
    st.builds(lambda a, n: {"AWS": f"arn:aws:iam::{a}:user/{n}"}, st.sampled_from(ACCOUNTS), st.sampled_from(("bob", "x"))),
    st.builds(lambda a, n: {"AWS": f"arn:aws:iam::{a}:role/{n}"}, st.sampled_from(ACCOUNTS), st.sampled_from(NAMES)),
    st.just({"Service": "ec2.amazonaws.com"}),
).map(lambda p: {"AWS": p} if isinstance(p, str) and p != "*" else p)
actions = st.sampled_from(("sts:AssumeRole", "sts:*", "*", "STS:assumerole", "sts:TagSession", "sts:Assume*",
                           ["sts:AssumeRole", "sts:TagSession"]))


@st.composite
def trust_statements(draw: st.DrawFn) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": draw(st.sampled_from(("Allow", "Allow", "Deny")))}
    if draw(st.booleans()) and statement["Effect"] == "Deny":
        statement["NotPrincipal"] = {"AWS": f"arn:aws:iam::{L}:root"}
    else:
        statement["Principal"] = draw(trust_principals)
    statement["Action"] = draw(actions)
    condition = draw(conditions())
    if condition:
        statement["Condition"] = condition
    return statement


trust_documents = st.lists(trust_statements(), min_size=1, max_size=3).map(
    lambda s: {"Version": "2012-10-17", "Statement": s})


@st.composite
def concrete_callers(draw: st.DrawFn) -> str:
    account = draw(st.sampled_from((*ACCOUNTS, "555555555555", "987654321090", "111111111111")))
    kind = draw(st.sampled_from(("user", "role")))
    name = draw(st.sampled_from(NAMES))
    return f"arn:aws:iam::{account}:{kind}/{name}"


@st.composite
def concrete_contexts(draw: st.DrawFn) -> dict[str, Any]:
    pool = {
        "aws:PrincipalOrgID": ("o-abc", "o-zzz"),
        "aws:SourceIp": ("203.0.113.9", "10.1.2.3", "192.0.2.1"),
        "aws:MultiFactorAuthPresent": ("true", "false"),
        "sts:ExternalId": ("s3cr3t", "xyz", "nope", "2031-01-01T00:00:00Z", "1893456005", "2026-06-01T00:00:00Z"),
        "aws:PrincipalTag/team": ("ops", "dev", "qa"),
        "aws:PrincipalTag/account": (*ACCOUNTS, "555555555555"),
        "aws:TagKeys": (["team"], ["env"], ["team", "env"], ["other"]),
    }
    chosen = draw(st.lists(st.sampled_from(sorted(pool)), max_size=4, unique=True))
    context = {key: draw(st.sampled_from(pool[key])) for key in chosen}
    if draw(st.booleans()):  # a time from NOW on, as either clock key or both (the other follows either)
        second = draw(st.sampled_from((1780272000, 1893456001, 1893456005, 1893456010, 1924992000)))
        iso = datetime.fromtimestamp(second, timezone.utc).isoformat().replace("+00:00", "Z")
        for key in draw(st.sampled_from((("aws:CurrentTime",), ("aws:EpochTime",), ("aws:CurrentTime", "aws:EpochTime")))):
            context[key] = iso if key == "aws:CurrentTime" else str(second)
    return context


def assert_one_time(context: Mapping[str, Any]) -> None:
    """A counterexample is a request that can be made: at one second, from NOW on, whichever clock keys it shows."""
    seconds = {int(datetime.fromisoformat(v[0].replace("Z", "+00:00")).timestamp()) if k.lower() == "aws:currenttime"
               else int(v[0]) for k, v in context.items() if k.lower() in ("aws:currenttime", "aws:epochtime")}
    assert len(seconds) <= 1, context
    assert all(second >= NOW.timestamp() for second in seconds), context


@SETTINGS
@given(trust_documents)
def test_every_trust_counterexample_gets_through_and_breaks_the_rule(document: dict[str, Any]) -> None:
    trust = parse_policy(document, kind=PolicyKind.TRUST)
    verdict = trust_violations(trust, ROLE, ALLOW, known_accounts=[L], now=NOW)
    for violation in verdict.violations:
        request = violation.request
        assert can_assume(request.principal, request.resource, trust_policy=trust,
                          identity_policies=[OUTSIDER_IDENTITY], context=dict(request.context),
                          action=request.action)
        assert_one_time(request.context)
        caller = parse_caller(request.principal, request.action)
        assert not allowed_principal(caller, ALLOW.principals, ALLOW.services, ALLOW.federated)


@SETTINGS
@given(trust_documents, st.lists(st.tuples(concrete_callers(), concrete_contexts()), min_size=1, max_size=8))
def test_a_compliant_trust_lets_no_outsider_in(document: dict[str, Any], requests: list[tuple[str, dict[str, Any]]]) -> None:
    trust = parse_policy(document, kind=PolicyKind.TRUST)
    verdict = trust_violations(trust, ROLE, ALLOW, known_accounts=[L], now=NOW)
    if verdict.violations:
        return
    for principal, context in requests:
        if parse_caller(principal).account == L:
            continue
        assert not can_assume(principal, ROLE, trust_policy=trust, identity_policies=[OUTSIDER_IDENTITY],
                              context=context), (principal, context)


ALLOW_LISTS = (
    ALLOW,
    TrustAllow(principals=(L,), services=("ec2.amazonaws.com",)),
    TrustAllow(principals=(f"arn:aws:iam::{L}:root", D)),
    TrustAllow(principals=(f"arn:aws:iam::{L}:user/bob", f"arn:aws:iam::{X}:root"), services=("*",)),
)


@SETTINGS
@given(trust_documents, st.sampled_from(ALLOW_LISTS))
def test_the_shortcut_for_trusts_naming_only_allowed_principals_changes_no_verdict(
        document: dict[str, Any], allow: TrustAllow) -> None:
    """trust_violations skips the representatives when every principal an Allow names is covered whole by the
    allow list; the verdict, truncation included, is the one deciding every representative gives."""
    trust = parse_policy(document, kind=PolicyKind.TRUST)
    conditions = [c for s in trust.statements for c in s.conditions]
    entries = allow.principals_for("Admin")
    full = _enumerated_trust_violations(trust, parse_role(ROLE), entries, allow, [L], conditions, NOW)
    assert trust_violations(trust, ROLE, allow, known_accounts=[L], now=NOW) == full
    if _names_only_allowed(trust, entries, allow):
        assert not full.violations


@pytest.mark.parametrize(("principal", "allow", "only_allowed"), [
    ({"AWS": f"arn:aws:iam::{L}:root"}, ALLOW, True),
    ({"AWS": [f"arn:aws:iam::{L}:user/bob", f"arn:aws:iam::{L}:role/ci/pipeline"]}, ALLOW, True),
    ({"AWS": L}, ALLOW, True),
    ({"AWS": "AROAEXAMPLEUNIQUEID1"}, ALLOW, True),  # a deleted principal names nobody
    ({"Service": "lambda.amazonaws.com"}, ALLOW, True),
    ({"Service": "lambda.amazonaws.com"}, ALLOW_LISTS[1], False),
    ({"Service": "EC2.amazonaws.com"}, ALLOW_LISTS[1], True),
    ({"Federated": "cognito-identity.amazonaws.com"}, ALLOW, False),
    ({"AWS": f"arn:aws:iam::{D}:root"}, ALLOW, False),
    ({"AWS": f"arn:aws:iam::{D}:role/Admin"}, ALLOW_LISTS[2], True),
    ({"AWS": f"arn:aws:iam::{L}:user/alice"}, ALLOW_LISTS[3], False),  # a listed user covers only itself
    ({"AWS": f"arn:aws:iam::{X}:user/x"}, ALLOW_LISTS[3], True),
    ("*", ALLOW, False),
    ({"AWS": "*"}, ALLOW, False),
])
def test_which_trusts_name_only_allowed_principals(principal: Any, allow: TrustAllow, only_allowed: bool) -> None:
    trust = parse_policy({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"},
        {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole",
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}, kind=PolicyKind.TRUST)
    assert _names_only_allowed(trust, allow.principals_for("Admin"), allow) is only_allowed
    not_principal = parse_policy({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "NotPrincipal": principal if principal != "*" else {"AWS": L},
         "Action": "sts:AssumeRole"}]}, kind=PolicyKind.TRUST)
    assert not _names_only_allowed(not_principal, allow.principals_for("Admin"), allow)


# --- identity-assume ---------------------------------------------------------------------------

resource_patterns = st.sampled_from((
    ROLE, "*", f"arn:aws:iam::{D}:role/*", "arn:aws:iam::*:role/Admin", f"arn:aws:iam::{D}:role/Adm?n",
    f"arn:aws:iam::{D}:role/ops/*", f"arn:aws:iam::{D}:role/${{aws:username}}", f"arn:aws:iam::{X}:role/Admin",
    f"arn:aws:iam::{D}:role/ops/ReadOnly", f"arn:aws:iam::{L}:role/*", "*Admin", f"arn:aws:iam::{D}:*",
    # patterns that the fresh names of the representatives fall under, or that meet others only on a name
    # neither suggests
    f"arn:aws:iam::{D}:role/a*", f"arn:aws:iam::{D}:role/*y", "*/Admin", f"arn:aws:iam::{D}:role/team/*",
    f"arn:aws:iam::{D}:role/b*", "*x",
    # a role named by the clock: another role each second
    f"arn:aws:iam::{D}:role/${{aws:EpochTime}}", "arn:aws:iam::*:role/${aws:EpochTime}*",
))
identity_actions = st.sampled_from(("sts:AssumeRole", "sts:*", "*", "sts:Assume*", "STS:ASSUMEROLE", "s3:*",
                                    "sts:TagSession"))


@st.composite
def identity_statements(draw: st.DrawFn) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": draw(st.sampled_from(("Allow", "Allow", "Deny")))}
    if draw(st.integers(0, 4)) == 0:
        statement["NotAction"] = draw(identity_actions)
    else:
        statement["Action"] = draw(identity_actions)
    resources = draw(st.lists(resource_patterns, min_size=1, max_size=2, unique=True))
    statement["NotResource" if draw(st.integers(0, 4)) == 0 else "Resource"] = resources
    condition = draw(conditions())
    if condition:
        statement["Condition"] = condition
    return statement


identity_documents = st.lists(identity_statements(), min_size=1, max_size=3).map(
    lambda s: {"Version": "2012-10-17", "Statement": s})


@st.composite
def concrete_roles(draw: st.DrawFn) -> str:
    account = draw(st.sampled_from((*ACCOUNTS, "555555555555", "123456789010", "111111111111")))
    name = draw(st.sampled_from((*NAMES, "bob", "Adm1n", "ops/x", "any/Admin", "Adminx", "b", "zz", "any",
                                 "team/y", "team/b/Admin", "ay", "1780272000", "1893456001", "1924992000")))
    return f"arn:aws:iam::{account}:role/{name}"


USER = f"arn:aws:iam::{L}:user/bob"


@SETTINGS
@given(st.lists(identity_documents, min_size=1, max_size=2))
def test_every_identity_counterexample_gets_through_and_breaks_the_rule(documents: list[dict[str, Any]]) -> None:
    policies = [parse_policy(d, kind=PolicyKind.IDENTITY) for d in documents]
    verdict = assume_violations(policies, USER, ALLOWED_ROLES, known_accounts=[L, D], now=NOW)
    for violation in verdict.violations:
        request = violation.request
        assert not any(glob_match(a, request.resource) for a in ALLOWED_ROLES)
        assert can_assume(request.principal, request.resource, trust_policy=LOGIN_TRUST(L),
                          identity_policies=policies, context=dict(request.context))
        assert_one_time(request.context)


@SETTINGS
@given(st.lists(identity_documents, min_size=1, max_size=2),
       st.lists(st.tuples(concrete_roles(), concrete_contexts()), min_size=1, max_size=8))
def test_a_compliant_identity_reaches_no_unlisted_role(documents: list[dict[str, Any]],
                                                       requests: list[tuple[str, dict[str, Any]]]) -> None:
    policies = [parse_policy(d, kind=PolicyKind.IDENTITY) for d in documents]
    verdict = assume_violations(policies, USER, ALLOWED_ROLES, known_accounts=[L, D], now=NOW)
    if verdict.violations:
        return
    for role, context in requests:
        if role in ALLOWED_ROLES:
            continue
        assert not can_assume(USER, role, trust_policy=LOGIN_TRUST(L), identity_policies=policies,
                              context=context), (role, context)


# --- exactness over a small universe -----------------------------------------------------------------
# Patterns and role names over a few characters, so that every role ARN that could tell two verdicts apart
# is in the universe: a compliant verdict must then refuse every one of them outside the allow list.

SMALL_NAMES = ["".join(p) for n in (1, 2, 3) for p in __import__("itertools").product("abz", repeat=n)]
SMALL_ROLES = [f"arn:aws:iam::{D}:role/{path}{name}" for path in ("", "a/", "b/z/") for name in SMALL_NAMES]
small_patterns = st.text(alphabet="abz/*?", min_size=1, max_size=4).flatmap(
    lambda p: st.sampled_from((f"arn:aws:iam::{D}:role/{p}", f"*{p}")))


@st.composite
def small_identity_documents(draw: st.DrawFn) -> dict[str, Any]:
    statements: list[dict[str, Any]] = []
    for effect in ["Allow", *(["Allow", "Deny", "Deny"][:draw(st.integers(0, 3))])]:
        statement = {"Effect": effect, "Action": draw(st.sampled_from(("sts:AssumeRole", "sts:*", "*"))),
                     draw(st.sampled_from(("Resource", "Resource", "NotResource"))):
                         draw(st.lists(small_patterns, min_size=1, max_size=2))}
        # a condition that always holds for the user, one that never holds without MFA, or none
        condition = draw(st.sampled_from((None, {"StringEquals": {"aws:PrincipalType": "User"}},
                                          {"Bool": {"aws:MultiFactorAuthPresent": "true"}})))
        if condition and effect == "Deny":
            statement["Condition"] = condition
        statements.append(statement)
    return {"Version": "2012-10-17", "Statement": statements}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(small_identity_documents(), min_size=1, max_size=2), st.lists(small_patterns, max_size=2))
def test_identity_verdicts_are_exact_over_a_small_universe(documents: list[dict[str, Any]],
                                                           extra: list[str]) -> None:
    allowed = (ROLE, *extra)
    policies = [parse_policy(document, kind=PolicyKind.IDENTITY) for document in documents]
    verdict = assume_violations(policies, USER, allowed, known_accounts=[L, D], now=NOW)
    if verdict.violations:
        return
    for role in SMALL_ROLES:
        if any(glob_match(a, role) for a in allowed):
            continue
        assert not can_assume(USER, role, trust_policy=LOGIN_TRUST(L), identity_policies=policies), role


# The same with the conditions of the other tests on any statement, NotAction, and variables the caller's
# tags set: every role of the universe (and those the variables can name) in every context of a grid of the
# keys those conditions read, one or two keys at a time.
_TAG_VARIABLES = (f"arn:aws:iam::{D}:role/${{aws:PrincipalTag/team}}", f"arn:aws:iam::{D}:role/a/${{aws:PrincipalTag/team}}*",
                  f"arn:aws:iam::{D}:role/${{aws:username}}")
_VARIABLE_ROLES = SMALL_ROLES + [f"arn:aws:iam::{D}:role/{name}" for name in ("bob", "a/bob", "ops", "dev", "a/opsz")]
_GRID_VALUES = {"aws:MultiFactorAuthPresent": ("true", "false"), "aws:SourceIp": ("203.0.113.9", "10.1.2.3"),
                "aws:PrincipalTag/team": ("ops", "dev"), "aws:PrincipalOrgID": ("o-abc",),
                "sts:ExternalId": ("s3cr3t", "xyz"), "aws:TagKeys": (["team"], ["env"]),
                "aws:ResourceTag/team": ("ops", "dev"), "iam:ResourceTag/owner": ("bob", "ann")}
# attribute-based access: the role's tag must equal the caller's tag, or name the caller
_TAG_CONDITIONS = ({"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
                   {"StringEquals": {"iam:ResourceTag/owner": "${aws:username}"}})
_GRID = [{}, *({key: value} for key in _GRID_VALUES for value in _GRID_VALUES[key]),
         *({k1: v1, k2: v2} for k1, k2 in __import__("itertools").combinations(sorted(_GRID_VALUES), 2)
           for v1 in _GRID_VALUES[k1] for v2 in _GRID_VALUES[k2])]


@st.composite
def conditional_identity_documents(draw: st.DrawFn) -> dict[str, Any]:
    statements: list[dict[str, Any]] = []
    for i in range(draw(st.integers(1, 3))):
        statement: dict[str, Any] = {"Effect": "Allow" if i == 0 else draw(st.sampled_from(("Allow", "Deny", "Deny")))}
        if draw(st.integers(0, 4)) == 0:
            statement["NotAction"] = draw(st.sampled_from(("s3:*", "sts:AssumeRoleWithSAML", "sts:TagSession")))
        else:
            statement["Action"] = draw(st.sampled_from(("sts:AssumeRole", "sts:*", "*", "sts:Assume*")))
        patterns = st.one_of(small_patterns, st.sampled_from(_TAG_VARIABLES))
        statement[draw(st.sampled_from(("Resource", "Resource", "NotResource")))] = draw(
            st.lists(patterns, min_size=1, max_size=2))
        condition = draw(st.one_of(conditions(), st.sampled_from(_TAG_CONDITIONS)))
        if condition:
            statement["Condition"] = condition
        statements.append(statement)
    return {"Version": "2012-10-17", "Statement": statements}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(conditional_identity_documents(), min_size=1, max_size=2))
def test_identity_verdicts_with_conditions_and_variables_are_exact_over_a_small_universe(
        documents: list[dict[str, Any]]) -> None:
    policies = [parse_policy(document, kind=PolicyKind.IDENTITY) for document in documents]
    verdict = assume_violations(policies, USER, (ROLE,), known_accounts=[L, D], now=NOW)
    for violation in verdict.violations:
        request = violation.request
        assert request.resource != ROLE
        assert can_assume(USER, request.resource, trust_policy=LOGIN_TRUST(L), identity_policies=policies,
                          context=dict(request.context)), request
    if verdict.violations or verdict.truncated:
        return
    for role in _VARIABLE_ROLES:
        for context in _GRID if role != ROLE else ():
            assert not can_assume(USER, role, trust_policy=LOGIN_TRUST(L), identity_policies=policies,
                                  context=context), (role, context)


small_name_patterns = st.text(alphabet="abz/*?", min_size=1, max_size=4)
SMALL_CALLERS = [f"arn:aws:iam::{X}:{kind}/{path}{name}" for kind in ("user", "role")
                 for path in ("", "a/") for name in SMALL_NAMES]


arn_limits = st.lists(st.tuples(st.sampled_from(("ArnLike", "ArnNotLike", "StringLike", "StringNotLike")),
                                small_name_patterns.flatmap(lambda p: st.sampled_from(
                                    (f"arn:aws:iam::*:*/{p}", f"arn:aws:iam::{X}:user/{p}", f"*{p}")))),
                      min_size=1, max_size=2)


def _principal_arn_condition(limits: list[tuple[str, str]]) -> dict[str, Any]:
    condition: dict[str, Any] = {}
    for operator, value in limits:
        condition.setdefault(operator, {}).setdefault("aws:PrincipalArn", []).append(value)
    return condition


# a Deny on everyone, or on everyone but the login account (which the small universe's callers are not in)
_DENIED = st.sampled_from(({"Principal": {"AWS": "*"}}, {"NotPrincipal": {"AWS": f"arn:aws:iam::{L}:root"}}))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(({"AWS": "*"}, {"AWS": X}, "*")), st.none() | arn_limits,
       st.lists(st.tuples(arn_limits.map(lambda limits: limits[:1]), _DENIED), max_size=2))
def test_trust_verdicts_are_exact_over_a_small_universe(principal: Any, limits: list[tuple[str, str]] | None,
                                                        denies: list[tuple[list[tuple[str, str]], dict[str, Any]]]
                                                        ) -> None:
    allow: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if limits:
        allow["Condition"] = _principal_arn_condition(limits)
    deny = [{"Effect": "Deny", **denied, "Action": "sts:AssumeRole", "Condition": _principal_arn_condition(d)}
            for d, denied in denies]
    trust = parse_policy({"Version": "2012-10-17", "Statement": [allow, *deny]}, kind=PolicyKind.TRUST)
    verdict = trust_violations(trust, ROLE, ALLOW, known_accounts=[L], now=NOW)
    if verdict.violations:
        return
    for caller in SMALL_CALLERS:
        assert not can_assume(caller, ROLE, trust_policy=trust, identity_policies=[OUTSIDER_IDENTITY]), caller


# --- accounts: what is settled without deciding is what deciding would report ---------------------------

_DOCUMENT_PALETTE = (
    {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"},
    {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": ROLE},
    {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{D}:role/ops/*"},
    {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{D}:role/${{aws:username}}"},
    {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}},
    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
    {"Effect": "Deny", "Action": "sts:*", "NotResource": list(ALLOWED_ROLES)},
    {"Effect": "Deny", "Action": "sts:AssumeRole", "NotResource": ROLE,
     "Condition": {"StringNotEquals": {"aws:username": "bob"}}},
    {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{D}:role/ops/*"},
)
_palette_documents = st.lists(st.sampled_from(_DOCUMENT_PALETTE), min_size=1, max_size=2).map(
    lambda s: {"Version": "2012-10-17", "Statement": s})
_MANAGED = (f"arn:aws:iam::{L}:policy/A", f"arn:aws:iam::{L}:policy/B", "arn:aws:iam::aws:policy/C")


@st.composite
def login_accounts(draw: st.DrawFn) -> dict[str, Any]:
    policies = [{"Arn": arn, "PolicyName": arn.rsplit("/", 1)[1], "DefaultVersionId": "v1", "AttachmentCount": 1,
                 "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": True,
                                        "Document": draw(_palette_documents)}]} for arn in _MANAGED]

    def owned(kind: str, name: str) -> dict[str, Any]:
        inline = [{"PolicyName": f"p{i}", "PolicyDocument": d}
                  for i, d in enumerate(draw(st.lists(_palette_documents, max_size=2)))]
        attached = [{"PolicyArn": a} for a in draw(st.lists(st.sampled_from(_MANAGED), max_size=2, unique=True))]
        key = "Group" if kind == "group" else "User"
        return {f"{key}Name": name, "Path": "/", "Arn": f"arn:aws:iam::{L}:{kind}/{name}",
                f"{key}PolicyList": inline, "AttachedManagedPolicies": attached}

    groups = [owned("group", g) for g in ("g1", "g2", "g3")[:draw(st.integers(1, 3))]]
    users = []
    for name in ("bob", "ann", "cy")[:draw(st.integers(1, 3))]:
        entry = owned("user", name)
        entry["GroupList"] = draw(st.lists(st.sampled_from([g["GroupName"] for g in groups]), max_size=3, unique=True))
        users.append(entry)
    return {"GroupDetailList": groups, "UserDetailList": users, "Policies": policies}


def _assume_rules(additions: dict[str, list[str]]) -> RuleSet:
    allow = {"roles": list(ALLOWED_ROLES), **({"principals": additions} if additions else {})}
    return parse_rules(f"""version: 1
accounts: {{login: "{L}", projects: ["{D}"]}}
rules:
  - {{id: assume, check: identity-assume, severity: high, allow: {json.dumps(allow)}}}
""")


# The rule's list alone, or with additions for some groups and users (a member's list holds its groups').
assume_rules = st.dictionaries(
    st.sampled_from(("g1", "g2", "g3", "bob", "ann", "cy")),
    st.lists(st.sampled_from((f"arn:aws:iam::{D}:role/ops/*", f"arn:aws:iam::{D}:role/bob", "arn:aws:iam::*:role/*")),
             min_size=1, max_size=2, unique=True),
    max_size=3).map(_assume_rules)


@SETTINGS
@given(login_accounts(), assume_rules)
def test_principals_settled_without_deciding_report_what_deciding_would(data: dict[str, Any], rules: RuleSet) -> None:
    account = parse_snapshot(data, "login.json")
    settled = check_account(rules, account, now=NOW)
    with pytest.MonkeyPatch.context() as patch:  # every group and user decided, none left to its groups
        patch.setattr(identity_assume, "_reports_nothing", lambda *args: False)
        patch.setattr(identity_assume, "_covered_by_groups", lambda *args: False)
        decided = check_account(rules, account, now=NOW)
    assert settled == decided


@SETTINGS
@given(login_accounts(), assume_rules)
def test_documents_that_cannot_change_a_verdict_are_left_out_without_changing_one(data: dict[str, Any],
                                                                                   rules: RuleSet) -> None:
    account = parse_snapshot(data, "login.json")
    found, _, _ = check_account(rules, account, now=NOW)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(AssumeMemo, "bears_on", lambda *args: True)
        every, _, _ = check_account(rules, account, now=NOW)
    assert {f.resource: f.subjects for f in found} == {f.resource: f.subjects for f in every}
