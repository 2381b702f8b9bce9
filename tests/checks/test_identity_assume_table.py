"""identity-assume verdicts: each identity policy beside the verdict the rule must give.

A member of a login-account group (or a user) L may call sts:AssumeRole only on the allowed role
arn:aws:iam::123456789012:role/Admin (rules/seed.yaml). A violating row gives a role ARN, or a fragment
of one, that must be among the counterexamples; every counterexample must be allowed by ``can_assume``
against a role that trusts the login account.

Pages: reference_policies_elements_action, reference_policies_elements_notaction,
reference_policies_elements_resource, reference_policies_elements_notresource, reference_policies_variables,
reference_policies_evaluation-logic, reference_policies_elements_condition_operators
(https://docs.aws.amazon.com/IAM/latest/UserGuide/<page>.html).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from xtrust import can_assume
from xtrust.checks import LOGIN_TRUST, AssumeVerdict, assume_violations
from xtrust.checks.identity_assume import MAX_SOFT_DENIES, _binder, _bindings
from xtrust.model import PolicyKind, parse_policy

L, D, X = "987654321098", "123456789012", "444455556666"
ADMIN = f"arn:aws:iam::{D}:role/Admin"
READONLY = f"arn:aws:iam::{D}:role/ReadOnly"
MEMBER = f"arn:aws:iam::{L}:user/any"
NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)


def allow(resource: Any = None, action: Any = "sts:AssumeRole", condition: Any = None, **extra: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow"}
    if action is not None:
        statement["Action"] = action
    if resource is not None:
        statement["Resource"] = resource
    if condition:
        statement["Condition"] = condition
    statement.update(extra)
    return statement


def deny(resource: Any = None, action: Any = "sts:AssumeRole", condition: Any = None, **extra: Any) -> dict[str, Any]:
    statement = allow(resource, action, condition, **extra)
    statement["Effect"] = "Deny"
    return statement


def doc(*statements: dict[str, Any], version: str | None = "2012-10-17") -> dict[str, Any]:
    out: dict[str, Any] = {"Statement": list(statements)}
    if version:
        out["Version"] = version
    return out


MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
# Keys AWS sets from the caller and the role, which no request chooses
AWS_SET = {"aws:principalaccount", "aws:principalarn", "aws:principaltype", "aws:username", "aws:resourceaccount"}

# (id, documents, expected: None = compliant, else a fragment of a role ARN that must be found)
CASES: list[tuple[str, list[dict[str, Any]], str | None]] = [
    # --- compliant ----------------------------------------------------------------------------
    ("seed-policy", [doc(allow([ADMIN], action=["sts:AssumeRole"]))], None),
    ("scalar-resource", [doc(allow(ADMIN))], None),
    ("statement-as-object", [{"Version": "2012-10-17", "Statement": allow(ADMIN)}], None),
    ("with-mfa-condition", [doc(allow(ADMIN, condition=MFA))], None),
    ("star-action-on-admin", [doc(allow(ADMIN, action="*"))], None),
    ("sts-star-on-admin", [doc(allow(ADMIN, action="sts:*"))], None),
    ("notaction-on-admin", [doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": ADMIN})], None),
    ("star-then-deny-notresource", [doc(allow("*"), deny(action="sts:AssumeRole", NotResource=ADMIN))], None),
    ("admin-access-then-guard", [doc(allow("*", action="*"), deny(action="sts:AssumeRole", NotResource=[ADMIN]))], None),
    ("other-services-on-star", [doc(allow(ADMIN), allow("*", action=["s3:*", "ec2:Describe*"]))], None),
    ("tagsession-only", [doc(allow("*", action="sts:TagSession"))], None),
    ("getcalleridentity-only", [doc(allow("*", action="sts:GetCallerIdentity"))], None),
    ("passrole-is-not-assume", [doc(allow("*", action="iam:PassRole"))], None),
    ("typo-action", [doc(allow("*", action="sts:AssumeRol"))], None),
    ("version-2008", [doc(allow(ADMIN), version="2008-10-17")], None),
    ("deny-everything", [doc(allow("*"), deny("*", action="*"))], None),
    ("notaction-excludes-assume", [doc({"Effect": "Allow", "NotAction": "sts:AssumeRole", "Resource": "*"})], None),
    ("variable-literal-under-2008", [doc(allow(f"arn:aws:iam::{D}:role/${{aws:username}}"), version="2008-10-17")], None),
    ("impossible-principal-account", [doc(allow("*", condition={"StringEquals": {"aws:PrincipalAccount": X}}))], None),
    ("expired-grant", [doc(allow("*", condition={"DateLessThan": {"aws:CurrentTime": "2001-01-01T00:00:00Z"}}))], None),
    ("grant-after-the-last-second", [doc(allow("*", condition={"DateGreaterThan": {"aws:EpochTime": "253402300799"}}))], None),
    ("grant-at-epoch-infinity-string", [doc(allow("*", condition={"StringEquals": {"aws:EpochTime": "Infinity"}}))], None),
    ("grant-while-the-clock-keys-disagree", [doc(allow("*", condition={"DateGreaterThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}, "DateLessThan": {"aws:EpochTime": "1893456000"}}))], None),
    ("role-named-a-time-no-role-can-have", [doc(allow(f"arn:aws:iam::{D}:role/t${{aws:CurrentTime}}"))], None),  # ':' in a role name
    ("role-named-a-literal-star", [doc(allow(f"arn:aws:iam::{D}:role/${{*}}"))], None),  # ${*} is the character, no name
    ("session-named-a-past-time", [doc(allow("*", condition={"StringEquals": {"sts:RoleSessionName": "${aws:EpochTime}"}, "StringLike": {"sts:RoleSessionName": "1500000000"}}))], None),
    ("deny-notaction-s3", [doc(allow("*"), deny("*", action=None, NotAction=["s3:*"]))], None),
    ("two-policies-grant-and-guard", [doc(allow("*")), doc(deny(action="sts:*", NotResource=ADMIN))], None),
    ("deny-with-null-guard", [doc(allow("*"), deny(action="sts:AssumeRole", NotResource=ADMIN, condition={"Null": {"aws:PrincipalArn": "false"}}))], None),
    ("principal-type-user-only", [doc(allow(ADMIN, condition={"StringEquals": {"aws:PrincipalType": "User"}}))], None),
    # --- violating ----------------------------------------------------------------------------
    ("resource-star", [doc(allow("*"))], ":role/"),
    ("account-wildcard-roles", [doc(allow(f"arn:aws:iam::{D}:role/*"))], f"{D}:role/any"),
    ("any-account-admin", [doc(allow("arn:aws:iam::*:role/Admin"))], ":role/Admin"),
    ("single-char-wildcard", [doc(allow(f"arn:aws:iam::{D}:role/Adm?n"))], f"{D}:role/Admzn"),
    ("notresource-admin", [doc({"Effect": "Allow", "Action": "sts:AssumeRole", "NotResource": ADMIN})], ":role/any"),
    # the fresh names of the representatives ("any", "any-path/any") fall under these Denies: other names do not
    ("deny-prefix-of-the-fresh-name", [doc(allow(f"arn:aws:iam::{D}:role/*"), deny(f"arn:aws:iam::{D}:role/a*"))],
     f"{D}:role/"),
    ("deny-suffix-of-the-fresh-name", [doc(allow(f"arn:aws:iam::{D}:role/*"), deny(f"arn:aws:iam::{D}:role/*y"))],
     f"{D}:role/"),
    # a Deny with a condition that always holds for a user (its type): the search steps around it too
    ("deny-by-principal-type-too", [doc(allow(f"arn:aws:iam::{D}:role/*"), deny(f"arn:aws:iam::{D}:role/a*"),
                                        deny(f"arn:aws:iam::{D}:role/z*",
                                             condition={"StringEquals": {"aws:PrincipalType": "User"}}))],
     f"{D}:role/"),
    ("denies-cover-every-fresh-name", [doc(allow("*"), deny("*y"), deny("*n"), deny(f"arn:aws:iam::{L}:*"))],
     ":role/"),
    # a Deny of everything not ending in Admin leaves other roles whose name or path ends in Admin
    ("deny-notresource-leading-star", [doc(allow(f"arn:aws:iam::{D}:role/*"),
                                           deny(action="sts:AssumeRole", NotResource="*Admin"))], "Admin"),
    ("deny-notresource-leading-star-path", [doc(allow(f"arn:aws:iam::{D}:role/team/*"),
                                                deny(action="sts:AssumeRole", NotResource="*/Admin"))],
     ":role/team/"),
    ("notaction-iam", [doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})], ":role/"),
    ("administrator-access", [doc(allow("*", action="*"))], ":role/"),
    ("sts-star", [doc(allow("*", action="sts:*"))], ":role/"),
    ("sts-assume-star", [doc(allow("*", action="sts:Assume*"))], ":role/"),
    ("uppercase-action", [doc(allow("*", action="STS:ASSUMEROLE"))], ":role/"),
    ("action-single-char", [doc(allow("*", action="sts:AssumeRol?"))], ":role/"),
    ("object-statement-star", [{"Version": "2012-10-17", "Statement": allow("*")}], ":role/"),
    ("username-variable", [doc(allow(f"arn:aws:iam::{D}:role/${{aws:username}}"))], f"{D}:role/any"),
    ("extra-listed-role", [doc(allow([ADMIN, READONLY]))], READONLY),
    ("role-path-wildcard", [doc(allow(f"arn:aws:iam::{D}:role/team/*"))], f"{D}:role/team/"),
    ("same-name-other-path", [doc(allow(f"arn:aws:iam::{D}:role/team/Admin"))], f"{D}:role/team/Admin"),
    ("case-differs", [doc(allow(f"arn:aws:iam::{D}:role/admin"))], f"{D}:role/admin"),
    ("deny-only-admin", [doc(allow("*"), deny(ADMIN))], ":role/any"),
    ("star-with-mfa", [doc(allow("*", condition=MFA))], ":role/"),
    ("star-with-source-ip", [doc(allow("*", condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))], ":role/"),
    ("deny-without-mfa-only", [doc(allow("*"), deny("*", condition={"Bool": {"aws:MultiFactorAuthPresent": "false"}}))], ":role/"),
    ("guard-too-wide", [doc(allow("*"), deny(action="sts:AssumeRole", NotResource=[ADMIN, READONLY]))], READONLY),
    ("other-account-admin", [doc(allow([ADMIN, f"arn:aws:iam::{X}:role/Admin"]))], f"{X}:role/Admin"),
    ("account-star-resource", [doc(allow(f"arn:aws:iam::{D}:*"))], f"{D}:role/"),
    ("suffix-wildcard", [doc(allow("*Admin"))], ":role/"),
    ("forallvalues-absent-key", [doc(allow("*", condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}))], ":role/"),
    ("ifexists-principal-tag", [doc(allow("*", condition={"StringLikeIfExists": {"aws:PrincipalTag/team": "ops*"}}))], ":role/"),
    ("notresource-any-account-admin", [doc({"Effect": "Allow", "Action": "sts:AssumeRole", "NotResource": "arn:aws:iam::*:role/Admin"})], ":role/any"),
    ("login-account-roles", [doc(allow(f"arn:aws:iam::{L}:role/*"))], f"{L}:role/"),
    ("notaction-saml", [doc({"Effect": "Allow", "NotAction": "sts:AssumeRoleWithSAML", "Resource": "*"})], ":role/"),
    ("account-single-char", [doc(allow("arn:aws:iam::12345678901?:role/Admin"))], ":role/Admin"),
    ("own-account-condition", [doc(allow("*", condition={"StringEquals": {"aws:PrincipalAccount": L}}))], ":role/"),
    ("principal-arn-condition", [doc(allow("*", condition={"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{L}:user/*"}}))], ":role/"),
    ("future-grant", [doc(allow("*", condition={"DateGreaterThan": {"aws:CurrentTime": "2999-01-01T00:00:00Z"}}))], ":role/"),
    # an external ID is text the caller writes: past 9999 in epoch seconds, or a fraction of a second
    ("grant-for-an-external-id-past-9999", [doc(allow("*", condition={"DateGreaterThan": {"sts:ExternalId": "9999999999999"}}))], ":role/"),
    ("grant-for-an-external-id-half-a-second", [doc(allow("*", condition={"DateEquals": {"sts:ExternalId": "2030-01-01T00:00:00.5Z"}}))], ":role/"),
    ("grant-for-a-duration-not-1e30-as-a-time", [doc(allow("*", condition={"ForAnyValue:DateNotEquals": {"sts:DurationSeconds": "1e30"}}))], ":role/"),
    ("grant-for-a-user-id-not-an-arn", [doc(allow("*", condition={"ForAnyValue:ArnNotEquals": {"aws:userid": "arn:aws:iam::*:*"}}))], ":role/"),
    ("grant-until-the-last-second", [doc(allow("*", condition={"DateLessThan": {"aws:CurrentTime": "9999-12-31T23:59:59Z"}}))], ":role/"),
    ("future-grant-epoch-iso", [doc(allow("*", condition={"DateGreaterThan": {"aws:EpochTime": "2999-01-01T00:00:00Z"}}))], ":role/"),
    ("role-named-the-epoch", [doc(allow(f"arn:aws:iam::{D}:role/${{aws:EpochTime}}"))], f"{D}:role/1780272000"),
    ("role-named-the-epoch-case", [doc(allow(f"arn:aws:iam::{D}:role/Admin${{AWS:EPOCHTIME}}"))], f"{D}:role/Admin1780272000"),
    ("role-named-the-epoch-from-2030", [doc(allow(f"arn:aws:iam::{D}:role/${{aws:EpochTime}}", condition={"DateGreaterThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}))], f"{D}:role/1893456001"),
    ("role-named-user-and-epoch", [doc(allow("arn:aws:iam::*:role/${aws:username}-${aws:EpochTime}*"))], ":role/any-1780272000"),
    ("denied-but-the-epoch-allowed-but-a-star", [doc(deny(None, action="sts:Assume*", NotResource=f"arn:aws:iam::{D}:role/${{aws:EpochTime}}"), allow(None, action="*", NotResource=f"arn:aws:iam::{D}:role/${{*}}"))], f"{D}:role/1780272000"),
    ("session-named-the-time", [doc(allow("*", condition={"StringEquals": {"sts:RoleSessionName": "${aws:EpochTime}"}}))], ":role/"),
    ("session-named-a-later-time", [doc(allow("*", condition={"StringEquals": {"sts:RoleSessionName": "${aws:EpochTime}"}, "StringLike": {"sts:RoleSessionName": "1900000000"}}))], ":role/"),
    ("admin-prefix-wildcard", [doc(allow([ADMIN, f"{ADMIN}*"]))], f"{D}:role/Adminany"),
    ("grant-split-over-policies", [doc(allow(ADMIN)), doc(allow(READONLY))], READONLY),
    ("deny-in-wrong-policy-typo", [doc(allow("*")), doc(deny(action="sts:AssumeRol", NotResource=ADMIN))], ":role/"),
    # A user always meets the first Deny's condition and can step around the second's (no MFA): only role/a,
    # which the first Deny's NotResource spares, gets through. Stepping around both Deny statements, or
    # around none, finds no such role.
    ("some-conditional-denies-apply", [doc(allow(f"arn:aws:iam::{D}:role/?"),
                                           deny(NotResource="*?a", condition={"StringEquals": {"aws:PrincipalType": "User"}}),
                                           deny(f"arn:aws:iam::{D}:role/?", condition=MFA))], f"{D}:role/a"),
    # Variables whose value the caller's tags or request set (reference_policies_variables): the role a
    # statement names is whatever the tag says, so any role of that account is in reach.
    ("principal-tag-variable", [doc(allow(f"arn:aws:iam::{D}:role/${{aws:PrincipalTag/team}}"))], f"{D}:role/"),
    ("principal-tag-variable-with-path", [doc(allow(f"arn:aws:iam::{D}:role/teams/${{aws:PrincipalTag/team}}-ops"))],
     f"{D}:role/teams/"),
    ("principal-tag-variable-notaction", [doc({"Effect": "Allow", "NotAction": "s3:*",
                                               "Resource": f"arn:aws:iam::{D}:role/${{aws:PrincipalTag/team}}"})],
     f"{D}:role/"),
    # Absent, the request tag leaves the default, the allowed role. Passing it takes sts:TagSession, which only
    # the second document allows: there, the tag names any role.
    ("request-tag-variable-without-tagsession",
     [doc(allow(f"arn:aws:iam::{D}:role/${{aws:RequestTag/project, 'Admin'}}"))], None),
    ("request-tag-variable-with-tagsession",
     [doc(allow(f"arn:aws:iam::{D}:role/${{aws:RequestTag/project, 'Admin'}}", action=["sts:AssumeRole", "sts:TagSession"]))],
     f"{D}:role/"),
    # The condition fixes the tag, and so the one role the statement reaches: role/ops.
    ("principal-tag-variable-fixed-by-condition",
     [doc(allow(f"arn:aws:iam::{D}:role/${{aws:PrincipalTag/team}}",
                condition={"StringEquals": {"aws:PrincipalTag/team": "ops"}}))], f"{D}:role/ops"),
    # A Deny whose NotResource follows the tag spares whichever role the tag names.
    ("deny-notresource-follows-tag", [doc(allow(f"arn:aws:iam::{D}:role/*"),
                                          deny(NotResource=[ADMIN, f"arn:aws:iam::{D}:role/${{aws:PrincipalTag/team}}"]))],
     f"{D}:role/"),
    # The same tag in the Allow and the Deny: whatever role the tag names is denied.
    ("tag-variable-denied-alike", [doc(allow(f"arn:aws:iam::{D}:role/${{aws:PrincipalTag/team}}"),
                                       deny(f"arn:aws:iam::{D}:role/${{aws:PrincipalTag/team}}"))], None),
    # Attribute-based access: the role's tag must equal the caller's. Both are tags someone sets, so any role of
    # the account tagged alike is in reach.
    ("resource-tag-equals-principal-tag",
     [doc(allow(f"arn:aws:iam::{D}:role/*", condition={"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}))],
     f"{D}:role/"),
    ("resource-tag-equals-principal-tag-fixed",
     [doc(allow(f"arn:aws:iam::{D}:role/*", condition={"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}",
                                                                        "aws:PrincipalTag/team": "ops"}}))],
     f"{D}:role/"),
    ("resource-tag-equals-username",
     [doc(allow(f"arn:aws:iam::{D}:role/*", condition={"StringEquals": {"iam:ResourceTag/owner": "${aws:username}"}}))],
     f"{D}:role/"),
    # A tag may take the allowed role's name, and no other name reaches a role.
    ("tag-variable-inside-allow-list", [doc(allow(f"arn:aws:iam::{D}:role/${{aws:PrincipalTag/team}}",
                                                  condition={"StringEquals": {"aws:PrincipalTag/team": "Admin"}}))], None),
    # a fresh tag value no pattern catches: xtrust-fresh has a dash and an e, ops neither
    ("tag-without-a-dash", [doc(allow(f"arn:aws:iam::{D}:role/*", condition={
        "ForAnyValue:StringNotLike": {"aws:PrincipalTag/x": "*-*"}}))], f"{D}:role/"),
    ("tag-without-an-e", [doc(allow(f"arn:aws:iam::{D}:role/*", condition={
        "StringNotLike": {"aws:PrincipalTag/team": "*e*"}, "Null": {"aws:PrincipalTag/team": "false"}}))],
     f"{D}:role/"),
    # no role has an empty path segment (role//Admin): the Deny leaves no role reachable
    ("only-impossible-arns-left", [doc(allow(f"arn:aws:iam::{D}:role/*/Admin"),
                                       deny(action="sts:AssumeRole", NotResource=f"arn:aws:iam::{D}:role//*"))], None),
    # a variable's default names a role when the key is not sent (reference_policies_variables)
    ("request-tag-default-names-a-role", [doc(allow(f"arn:aws:iam::{D}:role/${{aws:RequestTag/project, 'ReadOnly'}}"))],
     READONLY),
    ("default-left-open-by-a-guard", [doc(allow("*"), deny(action="sts:AssumeRole", NotResource=[
        ADMIN, f"arn:aws:iam::{D}:role/${{aws:RequestTag/project, 'ReadOnly'}}"]))], READONLY),
    ("principal-tag-default-and-the-tag-denied", [doc(
        allow(f"arn:aws:iam::{D}:role/${{aws:PrincipalTag/team, 'ReadOnly'}}"),
        deny("*", condition={"Null": {"aws:PrincipalTag/team": "false"}}))], READONLY),
    ("default-inside-the-list", [doc(allow(f"arn:aws:iam::{D}:role/${{aws:PrincipalTag/team, 'Admin'}}",
                                           condition={"Null": {"aws:PrincipalTag/team": "true"}}))], None),
    # aws:ResourceAccount is the role's account, which AWS sets: a guard on it holds
    ("guard-outside-resource-account", [doc(allow("arn:aws:iam::*:role/Admin"),
                                            deny("*", condition={"StringNotEquals": {"aws:ResourceAccount": D}}))], None),
    ("resource-account-never-the-roles", [doc(allow(f"arn:aws:iam::{D}:role/*",
                                                    condition={"StringEquals": {"aws:ResourceAccount": X}}))], None),
    ("resource-account-of-another", [doc(allow("arn:aws:iam::*:role/*",
                                               condition={"StringEquals": {"aws:ResourceAccount": X}}))], f"{X}:role/"),
    ("resource-account-like-project", [doc(allow("*", condition={"StringLike": {"aws:ResourceAccount": "1234*"}}))],
     f"{D}:role/"),
    ("resource-account-from-a-tag", [doc(allow("*", condition={
        "StringEquals": {"aws:ResourceAccount": "${aws:PrincipalTag/account}"}}))], f"{D}:role/"),
    ("resource-account-from-a-tag-fixed-elsewhere", [doc(allow(f"arn:aws:iam::{D}:role/*", condition={
        "StringEquals": {"aws:ResourceAccount": "${aws:PrincipalTag/account}", "aws:PrincipalTag/account": X}}))],
     None),
    ("resource-account-the-callers", [doc(allow("*", condition={
        "StringEquals": {"aws:ResourceAccount": "${aws:PrincipalAccount}"}}))], f"{L}:role/"),
]


def _documents(raw: list[dict[str, Any]]) -> list[Any]:
    return [parse_policy(document, kind=PolicyKind.IDENTITY) for document in raw]


@pytest.mark.parametrize(("documents", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_identity_assume_verdict(documents: list[dict[str, Any]], expected: str | None) -> None:
    policies = _documents(documents)
    verdict = assume_violations(policies, MEMBER, [ADMIN], known_accounts=[L, D], now=NOW)
    roles = [v.request.resource for v in verdict.violations]
    if expected is None:
        assert roles == []
        return
    assert any(expected in r for r in roles), roles
    assert ADMIN not in roles
    for violation in verdict.violations:
        request = violation.request
        assert not AWS_SET & {key.lower() for key in request.context}, request  # no caller can send these
        assert can_assume(request.principal, request.resource, trust_policy=LOGIN_TRUST(L),
                          identity_policies=policies, context=dict(request.context)), request


def test_table_is_large_enough() -> None:
    assert sum(1 for c in CASES if c[2] is None) >= 20
    assert sum(1 for c in CASES if c[2] is not None) >= 20
    assert len(CASES) >= 40


def _recent_mfa(n: int) -> dict[str, Any]:
    return {"NumericLessThan": {"aws:MultiFactorAuthAge": str(60 * (n + 1))}}


def test_more_conditional_denies_than_are_combined_make_the_verdict_truncated() -> None:
    # Each Deny spares only the roles ending in its digit, under a condition of its own that every user meets:
    # no role gets through. Seven of them are more than MAX_SOFT_DENIES, so the search for missed roles does
    # not try every combination, and says so.
    denies = [deny(NotResource=f"*{n}", condition={"StringLike": {"aws:PrincipalArn": f"arn:aws:iam::{L}:user/{'*' * (n + 1)}"}})
              for n in range(MAX_SOFT_DENIES + 1)]
    policies = _documents([doc(allow(f"arn:aws:iam::{D}:role/team-*"), *denies)])
    verdict = assume_violations(policies, MEMBER, [ADMIN], known_accounts=[L, D], now=NOW)
    assert verdict.truncated and not verdict.violations
    fewer = _documents([doc(allow(f"arn:aws:iam::{D}:role/team-*"), *denies[:MAX_SOFT_DENIES])])
    assert assume_violations(fewer, MEMBER, [ADMIN], known_accounts=[L, D], now=NOW) == AssumeVerdict()


def test_conditional_denies_alike_count_once_and_nothing_to_search_truncates_nothing() -> None:
    # Deny statements under the same condition apply to the same requests (the same managed policy attached
    # through several groups, say): they are one set, however many there are.
    denies = [deny(NotResource=f"*{n}", condition=MFA) for n in range(MAX_SOFT_DENIES + 1)]
    policies = _documents([doc(allow(f"arn:aws:iam::{D}:role/team-*"), *denies)])
    verdict = assume_violations(policies, MEMBER, [ADMIN], known_accounts=[L, D], now=NOW)
    assert not verdict.truncated and verdict.violations
    # Without an Allow statement there is no role to miss, however many conditional Deny statements
    mine = _documents([doc(*(deny(NotResource=ADMIN, condition=_recent_mfa(n)) for n in range(MAX_SOFT_DENIES + 1)))])
    assert assume_violations(mine, MEMBER, [ADMIN], known_accounts=[L, D], now=NOW) == AssumeVerdict()


def test_each_union_of_variable_values_that_agree_is_tried() -> None:
    """Three patterns match role/ops for some values of the caller's tags: a="" (the lazy prefix), a="ops" and
    b="ops". A Deny with NotResource role/${b} spares the role only with b="ops", the Allow role/${a} lets it
    through only with a="ops": the union of the last two must be tried, though the first disagrees with it."""
    patterns = [f"arn:aws:iam::{D}:role/${{aws:PrincipalTag/a}}*", f"arn:aws:iam::{D}:role/${{aws:PrincipalTag/a}}",
                f"arn:aws:iam::{D}:role/${{aws:PrincipalTag/b}}"]
    binders = [b for b in (_binder(p, {}) for p in patterns) if b is not None]
    a, b = "aws:PrincipalTag/a", "aws:PrincipalTag/b"
    assert _bindings(binders, f"arn:aws:iam::{D}:role/ops") == [
        {}, {a: ("",)}, {a: ("ops",)}, {b: ("ops",)}, {a: ("",), b: ("ops",)}, {a: ("ops",), b: ("ops",)}]
    assert _bindings(binders, f"arn:aws:iam::{X}:role/ops") == [{}]
