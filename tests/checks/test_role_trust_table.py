"""role-trust verdicts: each trust policy beside the verdict the rule must give.

Role arn:aws:iam::123456789012:role/Admin in the project account D; the rule allows the login account L
(its root ARN: every principal of L) and any AWS service, as rules/seed.yaml does. A violating row names
the account (or kind) of a caller that must be found among the counterexamples; every counterexample
must be a request that ``can_assume`` allows, given the caller's own account grants it.

Pages: reference_policies_elements_principal, reference_policies_elements_notprincipal,
reference_policies_evaluation-logic, reference_policies_elements_condition_operators,
reference_policies_condition-keys (https://docs.aws.amazon.com/IAM/latest/UserGuide/<page>.html).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from xtrust import can_assume
from xtrust.checks import OUTSIDER_IDENTITY, trust_violations
from xtrust.model import PolicyKind, parse_policy
from xtrust.rules import TrustAllow

L, D, X = "987654321098", "123456789012", "444455556666"
ROLE = f"arn:aws:iam::{D}:role/Admin"
SEED_ALLOW = TrustAllow(principals=(f"arn:aws:iam::{L}:root",), services=("*",))
NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)


def allow(principal: Any, action: Any = "sts:AssumeRole", condition: Any = None, **extra: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": action}
    if condition:
        statement["Condition"] = condition
    statement.update(extra)
    return statement


def deny(principal: Any, action: Any = "sts:AssumeRole", condition: Any = None, **extra: Any) -> dict[str, Any]:
    statement = allow(principal, action, condition, **extra)
    statement["Effect"] = "Deny"
    return statement


def doc(*statements: dict[str, Any], version: str | None = "2012-10-17") -> dict[str, Any]:
    out: dict[str, Any] = {"Statement": list(statements)}
    if version:
        out["Version"] = version
    return out


LOGIN = {"AWS": f"arn:aws:iam::{L}:root"}
STAR = {"AWS": "*"}
FEDERATED_ONLY = TrustAllow(principals=(f"arn:aws:iam::{L}:root",), services=())
# Keys AWS sets from the caller and the role, which no request chooses
AWS_SET = {"aws:principalaccount", "aws:principalarn", "aws:principaltype", "aws:username", "aws:resourceaccount"}
CI_ROLES = TrustAllow(principals=(f"arn:aws:iam::{L}:role/ci/*", f"arn:aws:iam::{L}:role/team/Deployer"), services=())

# (id, document, allow-list override or None, expected: None = compliant, else a needle that must appear in
#  some counterexample principal: an account ID, "amazonaws.com", "saml-provider", …)
CASES: list[tuple[str, dict[str, Any], TrustAllow | None, str | None]] = [
    # --- compliant: the login account and nobody else -----------------------------------------
    ("seed-root-arn", doc(allow(LOGIN)), None, None),
    ("bare-account-id", doc(allow({"AWS": L})), None, None),
    ("login-user-arn", doc(allow({"AWS": f"arn:aws:iam::{L}:user/michael.ludvig"})), None, None),
    ("login-role-with-path", doc(allow({"AWS": f"arn:aws:iam::{L}:role/team/Ops"})), None, None),
    ("login-session-arn", doc(allow({"AWS": f"arn:aws:sts::{L}:assumed-role/Ops/jane"})), None, None),
    ("statement-as-object", {"Version": "2012-10-17", "Statement": allow(LOGIN)}, None, None),
    ("version-2008", doc(allow(LOGIN), version="2008-10-17"), None, None),
    ("no-version", doc(allow(LOGIN), version=None), None, None),
    ("star-with-principal-account", doc(allow("*", condition={"StringEquals": {"aws:PrincipalAccount": L}})), None, None),
    ("star-key-case-insensitive", doc(allow("*", condition={"StringEquals": {"AWS:PRINCIPALACCOUNT": L}})), None, None),
    ("star-with-principal-arn-like", doc(allow(STAR, condition={"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{L}:*"}})), None, None),
    ("star-with-user-arn-pattern", doc(allow(STAR, condition={"StringLike": {"aws:PrincipalArn": f"arn:aws:iam::{L}:user/*"}})), None, None),
    ("star-ignorecase-account", doc(allow(STAR, condition={"StringEqualsIgnoreCase": {"aws:PrincipalAccount": L}})), None, None),
    ("star-deny-other-accounts", doc(allow(STAR), deny(STAR, condition={"StringNotEquals": {"aws:PrincipalAccount": L}})), None, None),
    ("star-deny-notprincipal-login", doc(allow(STAR), {"Effect": "Deny", "NotPrincipal": LOGIN, "Action": "sts:AssumeRole"}), None, None),
    ("service-principal", doc(allow({"Service": "ec2.amazonaws.com"})), None, None),
    ("service-list-and-login", doc(allow({"Service": ["lambda.amazonaws.com", "ecs-tasks.amazonaws.com"], "AWS": L})), None, None),
    ("deleted-principal-unique-id", doc(allow({"AWS": ["AROAOLDDELETEDROLE123", L]})), None, None),
    ("only-deleted-principal", doc(allow({"AWS": "AIDAOLDDELETEDUSER12"})), None, None),
    ("vendor-allowed-then-denied", doc(allow({"AWS": [L, X]}), deny({"AWS": X})), None, None),
    ("vendor-denied-with-star-action", doc(allow({"AWS": [L, X]}), deny({"AWS": X}, action="*")), None, None),
    ("star-tagsession-only", doc(allow(STAR, action="sts:TagSession")), None, None),
    ("vendor-saml-action-only", doc(allow({"AWS": X}, action="sts:AssumeRoleWithSAML")), None, None),
    ("vendor-with-impossible-account", doc(allow({"AWS": X}, condition={"StringEquals": {"aws:PrincipalAccount": L}})), None, None),
    ("star-expired-grant", doc(allow(STAR, condition={"DateLessThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}})), None, None),
    ("star-source-account-only-for-services", doc(allow(STAR, condition={"StringEquals": {"aws:SourceAccount": L}})), None, None),
    # time: a request's time is a whole second, from now to 9999-12-31T23:59:59Z (aws:CurrentTime's ISO 8601)
    ("star-after-the-last-second", doc(allow(STAR, condition={"DateGreaterThan": {"aws:EpochTime": "253402300799"}})), None, None),
    ("star-at-epoch-1e30", doc(allow(STAR, condition={"DateEquals": {"aws:EpochTime": "1e30"}})), None, None),
    ("star-epoch-string-nan", doc(allow(STAR, condition={"StringEquals": {"aws:EpochTime": "NaN"}})), None, None),
    ("star-epoch-string-infinity", doc(allow(STAR, condition={"StringEquals": {"aws:EpochTime": "Infinity"}})), None, None),
    ("star-epoch-string-half-second", doc(allow(STAR, condition={"StringEquals": {"aws:EpochTime": "1900000000.5"}})), None, None),
    ("star-current-time-string-epoch", doc(allow(STAR, condition={"StringEquals": {"aws:CurrentTime": "1900000000"}})), None, None),
    # the clock: aws:CurrentTime and aws:EpochTime are in every request, at the same second
    ("star-clock-keys-disagree", doc(allow(STAR, condition={"DateGreaterThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}, "DateLessThan": {"aws:EpochTime": "1893456000"}})), None, None),
    # keys AWS sets are of one type: every MFA age is a number, and one of these Deny statements applies
    ("star-denied-any-mfa-age", doc(allow(STAR), deny(STAR, condition={"NumericLessThanIfExists": {"aws:MultiFactorAuthAge": "3600"}}), deny(STAR, condition={"NumericGreaterThanEqualsIfExists": {"aws:MultiFactorAuthAge": "3600"}})), None, None),
    ("star-denied-any-source-ip", doc(allow(STAR), deny(STAR, condition={"StringLikeIfExists": {"aws:SourceIp": "*"}}), deny(STAR, condition={"Null": {"aws:SourceIp": "true"}})), None, None),
    ("star-mfa-age-equals-text", doc(allow(STAR, condition={"StringEquals": {"aws:MultiFactorAuthAge": "abc"}})), None, None),
    # AWS writes the token's issue time: a time no four-digit year, no time past 9999, no fraction of a second
    ("star-token-issued-past-9999", doc(allow(STAR, condition={"DateEquals": {"aws:TokenIssueTime": "987654321098"}})), None, None),
    ("star-token-issued-after-the-last-second", doc(allow(STAR, condition={"DateGreaterThan": {"aws:TokenIssueTime": "9999999999999"}})), None, None),
    # text the caller writes is read as any time it can write: past 9999 in epoch seconds, a fraction of a second
    ("star-tag-a-date-past-9999", doc(allow(STAR, condition={"ForAnyValue:DateEquals": {"aws:PrincipalTag/x": "987654321098"}})), None, "555555555555"),
    ("star-external-id-after-the-last-second", doc(allow(STAR, condition={"DateGreaterThan": {"sts:ExternalId": "9999999999999"}})), None, "555555555555"),
    ("star-tag-before-year-one", doc(allow(STAR, condition={"DateLessThan": {"aws:PrincipalTag/x": "-99999999999999"}})), None, "555555555555"),
    ("star-request-tag-half-a-second", doc(allow(STAR, action=["sts:AssumeRole", "sts:TagSession"], condition={"DateEquals": {"aws:RequestTag/x": "2030-01-01T00:00:00.5Z"}})), None, "555555555555"),
    ("star-tag-equals-1e999", doc(allow(STAR, condition={"DateEquals": {"aws:PrincipalTag/x": "1e999"}})), None, "555555555555"),
    # a value no constant names that is no ARN: every user ID is one, and a tag may be
    ("vendor-user-id-not-an-arn", doc(allow({"AWS": X}, condition={"ForAnyValue:ArnNotEquals": {"aws:userid": "arn:aws:iam::*:*"}})), None, X),
    ("star-tag-not-an-arn", doc(allow(STAR, condition={"ForAnyValue:ArnNotLike": {"aws:PrincipalTag/x": "arn:*:*:*:*:*"}})), None, "555555555555"),
    # a number AWS sets, read as a time: the seconds it can be, in epoch seconds (1e30 - 1 is 1e30 as a time)
    ("star-duration-not-1e30-as-a-time", doc(allow(STAR, condition={"ForAnyValue:DateNotEquals": {"sts:DurationSeconds": "1e30"}})), None, "555555555555"),
    ("star-duration-before-1e30-as-a-time", doc(allow(STAR, condition={"DateLessThan": {"sts:DurationSeconds": "1e30"}})), None, "555555555555"),
    # a value AWS sets, matched as text with wildcards: a value of its type that the pattern matches
    ("star-source-ip-like-10", doc(allow(STAR, condition={"ForAnyValue:StringLike": {"aws:SourceIp": "10.*"}})), None, "555555555555"),
    ("star-duration-like-3-00", doc(allow(STAR, condition={"StringLike": {"sts:DurationSeconds": "3?00"}})), None, "555555555555"),
    ("star-token-issued-like-2030", doc(allow(STAR, condition={"StringLike": {"aws:TokenIssueTime": "2030-*"}})), None, "555555555555"),
    ("star-mfa-present-like-t", doc(allow(STAR, condition={"ForAnyValue:StringLike": {"aws:MultiFactorAuthPresent": "t*e"}})), None, "555555555555"),
    ("star-source-ip-in-a-network-like-dot-7", doc(allow(STAR, condition={"IpAddress": {"aws:SourceIp": "192.168.0.0/16"}, "StringLike": {"aws:SourceIp": "*.7"}})), None, "555555555555"),
    ("star-mfa-age-below-100-like-9", doc(allow(STAR, condition={"NumericLessThan": {"aws:MultiFactorAuthAge": "100"}, "StringLike": {"aws:MultiFactorAuthAge": "9*"}})), None, "555555555555"),
    ("star-source-ip-like-no-address", doc(allow(STAR, condition={"StringLike": {"aws:SourceIp": "10.*x"}})), None, None),
    ("star-source-ip-like-an-ipv6-address", doc(allow(STAR, condition={"StringLike": {"aws:SourceIp": "abc*"}})), None, "555555555555"),
    ("star-secure-transport-yes", doc(allow(STAR, condition={"StringEquals": {"aws:SecureTransport": "yes"}})), None, None),
    ("star-external-id-the-time-and-a-past-one", doc(allow(STAR, condition={"StringEquals": {"sts:ExternalId": "${aws:CurrentTime}"}, "StringLike": {"sts:ExternalId": "2020-01-01T00:00:00Z"}})), None, None),
    ("star-forallvalues-principal-account", doc(allow(STAR, condition={"ForAllValues:StringEquals": {"aws:PrincipalAccount": L}, "Null": {"aws:PrincipalAccount": "false"}})), None, None),
    ("star-request-tag-without-tagsession", doc(allow(STAR, condition={"StringEquals": {"aws:RequestTag/team": "ops"}})), None, None),
    ("login-notaction", doc({"Effect": "Allow", "Principal": LOGIN, "NotAction": "iam:*"}), None, None),
    ("star-principal-account-and-mfa", doc(allow(STAR, condition={"StringEquals": {"aws:PrincipalAccount": L}, "Bool": {"aws:MultiFactorAuthPresent": "true"}})), None, None),
    ("deny-all-wins", doc(allow(STAR), deny(STAR, action="sts:*")), None, None),
    ("star-arn-not-like-deny", doc(allow(STAR), deny(STAR, condition={"ArnNotLike": {"aws:PrincipalArn": f"arn:aws:iam::{L}:*"}})), None, None),
    # --- violating: someone else gets in ------------------------------------------------------
    ("principal-star", doc(allow("*")), None, "555555555555"),
    ("aws-star", doc(allow(STAR)), None, "555555555555"),
    ("vendor-account-arn", doc(allow({"AWS": [f"arn:aws:iam::{L}:root", f"arn:aws:iam::{X}:root"]})), None, X),
    ("vendor-bare-id", doc(allow({"AWS": [L, X]})), None, X),
    ("vendor-user", doc(allow({"AWS": f"arn:aws:iam::{X}:user/auditor"})), None, X),
    ("vendor-role-with-path", doc(allow({"AWS": f"arn:aws:iam::{X}:role/partners/Audit"})), None, X),
    ("vendor-session", doc(allow({"AWS": f"arn:aws:sts::{X}:assumed-role/Audit/bot"})), None, X),
    ("project-account-root", doc(allow({"AWS": [L, D]})), None, D),
    ("project-account-user", doc(allow({"AWS": f"arn:aws:iam::{D}:user/local"})), None, D),
    ("star-source-ip", doc(allow(STAR, condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})), None, "555555555555"),
    ("star-mfa", doc(allow(STAR, condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}})), None, "555555555555"),
    ("star-external-id", doc(allow(STAR, condition={"StringEquals": {"sts:ExternalId": "s3cr3t"}})), None, "555555555555"),
    ("star-org-id", doc(allow(STAR, condition={"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}})), None, "555555555555"),
    ("star-org-paths", doc(allow(STAR, condition={"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/*"}})), None, "555555555555"),
    ("star-principal-tag", doc(allow(STAR, condition={"StringEquals": {"aws:PrincipalTag/team": "ops"}})), None, "555555555555"),
    ("star-userid", doc(allow(STAR, condition={"StringLike": {"aws:userid": "AROAEXAMPLE:*"}})), None, "555555555555"),
    ("star-secure-transport", doc(allow(STAR, condition={"Bool": {"aws:SecureTransport": "true"}})), None, "555555555555"),
    ("star-mfa-age", doc(allow(STAR, condition={"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}})), None, "555555555555"),
    ("star-started-grant", doc(allow(STAR, condition={"DateGreaterThan": {"aws:CurrentTime": "2000-01-01T00:00:00Z"}})), None, "555555555555"),
    ("star-still-open-grant", doc(allow(STAR, condition={"DateLessThan": {"aws:CurrentTime": "2999-01-01T00:00:00Z"}})), None, "555555555555"),
    ("star-until-the-last-second", doc(allow(STAR, condition={"DateLessThan": {"aws:CurrentTime": "9999-12-31T23:59:59Z"}})), None, "555555555555"),
    ("star-at-the-last-second", doc(allow(STAR, condition={"DateEquals": {"aws:CurrentTime": "9999-12-31T23:59:59Z"}})), None, "555555555555"),
    ("star-until-epoch-1e30", doc(allow(STAR, condition={"DateLessThan": {"aws:CurrentTime": "1e30"}})), None, "555555555555"),
    ("star-since-before-year-1", doc(allow(STAR, condition={"DateGreaterThan": {"aws:CurrentTime": "-1e20"}})), None, "555555555555"),
    ("star-token-issued-before-1e30", doc(allow(STAR, condition={"DateLessThan": {"aws:TokenIssueTime": "1e30"}})), None, "555555555555"),
    ("star-token-issued-after-minus-1e20", doc(allow(STAR, condition={"DateGreaterThan": {"aws:TokenIssueTime": "-1e20"}})), None, "555555555555"),
    ("star-epoch-time-bomb-iso", doc(allow(STAR, condition={"DateGreaterThan": {"aws:EpochTime": "2030-01-01T00:00:00Z"}})), None, "555555555555"),
    ("star-epoch-string-future-second", doc(allow(STAR, condition={"StringEquals": {"aws:EpochTime": "1900000000"}})), None, "555555555555"),
    # a tag is text of the caller's choosing: no Date or Numeric operator need read it
    ("star-denied-unless-mfa-age-is-no-arn", doc(allow(STAR), deny(STAR, condition={"ArnEqualsIfExists": {"aws:MultiFactorAuthAge": "arn:aws:iam::*:*"}})), None, "555555555555"),
    ("star-tag-neither-before-nor-after", doc(allow(STAR), deny(STAR, condition={"DateLessThanIfExists": {"aws:PrincipalTag/x": "2030-01-01T00:00:00Z"}}), deny(STAR, condition={"DateGreaterThanEqualsIfExists": {"aws:PrincipalTag/x": "2030-01-01T00:00:00Z"}})), None, "555555555555"),
    ("star-tag-neither-below-nor-above", doc(allow(STAR), deny(STAR, condition={"NumericLessThanIfExists": {"aws:PrincipalTag/x": "5"}}), deny(STAR, condition={"NumericGreaterThanEqualsIfExists": {"aws:PrincipalTag/x": "5"}})), None, "555555555555"),
    ("star-numeric-not-equals-no-number", doc(allow(STAR, condition={"NumericNotEquals": {"aws:MultiFactorAuthAge": "${*}"}})), None, "555555555555"),
    ("star-org-id-not-the-epoch", doc(allow(STAR, condition={"ForAnyValue:NumericNotEquals": {"aws:PrincipalOrgID": "${aws:EpochTime}"}})), None, "555555555555"),
    ("star-external-id-the-time", doc(allow(STAR, condition={"StringEquals": {"sts:ExternalId": "${aws:CurrentTime}"}})), None, "555555555555"),
    ("star-external-id-not-the-time", doc(allow(STAR, condition={"StringNotEquals": {"sts:ExternalId": "${aws:CurrentTime}"}})), None, "555555555555"),
    ("star-external-id-a-later-time", doc(allow(STAR, condition={"StringEquals": {"sts:ExternalId": "${aws:CurrentTime}"}, "StringLike": {"sts:ExternalId": "2031-01-01T00:00:00Z"}})), None, "555555555555"),
    ("star-external-id-epoch-after-2030", doc(allow(STAR, condition={"DateGreaterThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}, "StringEquals": {"sts:ExternalId": "${aws:EpochTime}"}})), None, "555555555555"),
    ("star-clock-equals-itself", doc(allow(STAR, condition={"DateEquals": {"aws:CurrentTime": "${aws:EpochTime}"}})), None, "555555555555"),
    # a tag the caller writes, ordered against the clock: a second after it, or before it
    ("star-tag-after-the-time", doc(allow(STAR, condition={"DateGreaterThan": {"aws:PrincipalTag/x": "${aws:CurrentTime}"}})), None, "555555555555"),
    ("star-tag-above-the-epoch", doc(allow(STAR, condition={"NumericGreaterThan": {"aws:PrincipalTag/x": "${aws:EpochTime}"}})), None, "555555555555"),
    ("star-tag-below-the-epoch-from-2030", doc(allow(STAR, condition={"NumericLessThan": {"aws:PrincipalTag/x": "${aws:EpochTime}"}, "NumericGreaterThan": {"aws:PrincipalTag/x": "1893455999"}, "DateGreaterThan": {"aws:CurrentTime": "2030-01-01T00:00:01Z"}})), None, "555555555555"),
    ("star-clock-keys-agree-for-ten-seconds", doc(allow(STAR, condition={"DateGreaterThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}, "DateLessThan": {"aws:EpochTime": "1893456010"}})), None, "555555555555"),
    # numbers the caller sends are compared exactly: 32 digits, or an exponent, leave room above and below
    ("star-mfa-age-above-32-digits", doc(allow(STAR, condition={"NumericGreaterThan": {"aws:MultiFactorAuthAge": "12345678901234567890123456781111"}})), None, "555555555555"),
    ("star-tag-below-32-digits", doc(allow(STAR, condition={"NumericLessThan": {"aws:PrincipalTag/x": "-12345678901234567890123456789999"}})), None, "555555555555"),
    # numbers AWS sets, within the bounds it sets them in: an MFA age is never negative, a duration 900-43200
    ("star-mfa-age-below-zero", doc(allow(STAR, condition={"NumericLessThan": {"aws:MultiFactorAuthAge": "0"}})), None, None),
    ("star-mfa-age-below-one", doc(allow(STAR, condition={"NumericLessThan": {"aws:MultiFactorAuthAge": "1"}})), None, "555555555555"),
    ("star-duration-above-43200", doc(allow(STAR, condition={"NumericGreaterThan": {"sts:DurationSeconds": "43200"}})), None, None),
    ("star-duration-below-900", doc(allow(STAR, condition={"NumericLessThan": {"sts:DurationSeconds": "900"}})), None, None),
    ("star-duration-up-to-an-hour", doc(allow(STAR, condition={"NumericLessThanEquals": {"sts:DurationSeconds": "3600"}})), None, "555555555555"),
    ("star-duration-above-12-hours-as-a-time", doc(allow(STAR, condition={"DateGreaterThan": {"sts:DurationSeconds": "43200"}})), None, None),
    ("star-mfa-age-below-1e999999", doc(allow(STAR, condition={"NumericLessThan": {"aws:MultiFactorAuthAge": "1e999999"}})), None, "555555555555"),
    ("star-mfa-age-above-1e999999", doc(allow(STAR, condition={"NumericGreaterThan": {"aws:MultiFactorAuthAge": "9.9e999999"}})), None, "555555555555"),
    ("star-account-pattern", doc(allow(STAR, condition={"StringLike": {"aws:PrincipalAccount": "98765432109?"}})), None, "987654321090"),
    ("star-any-account-admin", doc(allow(STAR, condition={"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Admin"}})), None, ":role/Admin"),
    ("star-arn-like-everything", doc(allow(STAR, condition={"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:*"}})), None, "555555555555"),
    ("star-not-equals-one-account", doc(allow(STAR, condition={"StringNotEquals": {"aws:PrincipalAccount": X}})), None, "555555555555"),
    ("star-ifexists-org", doc(allow(STAR, condition={"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}})), None, "555555555555"),
    ("star-ifexists-source-account", doc(allow(STAR, condition={"StringEqualsIfExists": {"aws:SourceAccount": L}})), None, "555555555555"),
    ("star-forallvalues-absent-key", doc(allow(STAR, condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}})), None, "555555555555"),
    ("star-not-null-org", doc(allow(STAR, condition={"Null": {"aws:PrincipalOrgID": "false"}})), None, "555555555555"),
    ("star-deny-only-vendor", doc(allow(STAR), deny({"AWS": X})), None, "555555555555"),
    ("star-deny-typo-action", doc(allow(STAR), deny(STAR, action="sts:AssumeRol", condition={"StringNotEquals": {"aws:PrincipalAccount": L}})), None, "555555555555"),
    ("star-deny-by-org", doc(allow(STAR), deny(STAR, condition={"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}})), None, "555555555555"),
    ("star-deny-by-source-ip", doc(allow(STAR), deny(STAR, condition={"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}})), None, "555555555555"),
    ("notprincipal-allow", doc({"Effect": "Allow", "NotPrincipal": LOGIN, "Action": "sts:AssumeRole"}), None, "555555555555"),
    ("vendor-assume-wildcard-action", doc(allow({"AWS": X}, action="sts:Assume*")), None, X),
    ("vendor-uppercase-action", doc(allow({"AWS": X}, action="STS:ASSUMEROLE")), None, X),
    ("vendor-star-action", doc(allow({"AWS": X}, action="*")), None, X),
    ("vendor-notaction", doc({"Effect": "Allow", "Principal": {"AWS": X}, "NotAction": "sts:TagSession"}), None, X),
    ("vendor-statement-object", {"Version": "2012-10-17", "Statement": allow({"AWS": X})}, None, X),
    ("star-request-tag-with-tagsession", doc(allow(STAR, action=["sts:AssumeRole", "sts:TagSession"], condition={"StringEquals": {"aws:RequestTag/team": "ops"}})), None, "555555555555"),
    ("saml-provider", doc(allow({"Federated": f"arn:aws:iam::{L}:saml-provider/Okta"}, action="sts:AssumeRoleWithSAML")), None, "saml-provider"),
    ("oidc-provider", doc(allow({"Federated": "accounts.google.com"}, action="sts:AssumeRoleWithWebIdentity")), None, "accounts.google.com"),
    ("service-not-allowed", doc(allow({"Service": "ec2.amazonaws.com"})), FEDERATED_ONLY, "ec2.amazonaws.com"),
    ("star-principal-account-excludes-services", doc(allow(STAR, condition={"StringEquals": {"aws:PrincipalAccount": L}})), None, None),
    ("login-and-mfa-star", doc(allow(LOGIN), allow(STAR, condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}})), None, "555555555555"),
    # the representatives' fresh name ("any") falls under the condition; other names of the account do not
    ("vendor-names-not-starting-with-a", doc(allow({"AWS": X}, condition={"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:*/a*"}})), None, X),
    ("star-iam-principals-not-named-a", doc(allow(STAR, condition={
        "StringNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:*/a*"},
        "StringEquals": {"aws:PrincipalType": ["User", "AssumedRole"]}})), None, ":user/"),
    ("vendor-with-deny-of-names-starting-with-a", doc(allow({"AWS": X}), {
        "Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole",
        "Condition": {"StringLike": {"aws:PrincipalArn": "*/a*"}}}), None, X),
    ("star-roles-under-a-path-not-named-any", doc(allow(STAR, condition={
        "StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/ops/*"},
        "StringNotLike": {"aws:PrincipalArn": "*/any*"}})), None, ":role/ops/"),
    # A Deny on everyone but the login account whose condition catches the representatives' fresh name
    # ("any") and the login account: a user of another name in any other account gets through.
    ("star-deny-notprincipal-catches-fresh-names", doc(allow(STAR), {
        "Effect": "Deny", "NotPrincipal": LOGIN, "Action": "sts:AssumeRole",
        "Condition": {"ArnLike": {"aws:PrincipalArn": [f"arn:aws:iam::{L}:*", "arn:aws:iam::*:*/a*"]}}}), None, ":user/"),
    ("vendor-deny-notprincipal-catches-fresh-names", doc(allow({"AWS": X}), {
        "Effect": "Deny", "NotPrincipal": LOGIN, "Action": "sts:AssumeRole",
        "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:*/a*"}}}), None, X),
    # An account in a Deny's NotPrincipal exempts the account's root alone, not its users and roles
    # (reference_policies_elements_notprincipal): the vendor's principals are all refused.
    ("vendor-account-in-notprincipal-exempts-only-its-root", doc(
        allow({"AWS": X}, condition={"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:*/a*"}}),
        {"Effect": "Deny", "NotPrincipal": {"AWS": X}, "Action": "sts:AssumeRole"}), None, None),
    # The project account's own principals, all but those named a…: the fresh name ("any") is refused, others
    # get in.
    ("star-own-account-names-not-starting-with-a", doc(allow(STAR, condition={
        "StringEquals": {"aws:PrincipalAccount": D}, "ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:*/a*"}})),
     None, f"{D}:"),
    ("star-vendor-account-like-names-not-starting-with-a", doc(allow(STAR, condition={
        "StringLike": {"aws:PrincipalAccount": "4444555566?6"}, "ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:*/a*"}})),
     None, "arn:aws:iam::4444555566"),
    # --- conditions whose values are policy variables ------------------------------------------------
    # A role of the same name in any account: the variable is each caller's own account.
    ("star-same-role-name-any-account", doc(allow(STAR, condition={
        "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::${aws:PrincipalAccount}:role/deployer"}})), None, "555555555555"),
    # The caller's own tag sets the account the condition asks for: anyone can meet it.
    ("star-account-from-principal-tag", doc(allow(STAR, condition={
        "StringEquals": {"aws:PrincipalAccount": "${aws:PrincipalTag/account}"}})), None, "555555555555"),
    # The ExternalId the caller passes must equal a tag the caller carries: both are the caller's.
    ("star-external-id-from-principal-tag", doc(allow(STAR, condition={
        "StringEquals": {"sts:ExternalId": "${aws:PrincipalTag/external-id}"}})), None, "555555555555"),
    # Only a principal named in the policy, with the variable left to the evaluator: the login account's.
    ("login-with-tag-equals-username", doc(allow(LOGIN, condition={
        "StringEquals": {"aws:PrincipalTag/owner": "${aws:username}"}})), None, None),
    # --- account conditions that also catch the stranger (555555555555) and the project account --------
    ("star-principal-account-not-like-stranger-or-project", doc(allow(STAR, condition={
        "StringNotLike": {"aws:PrincipalAccount": ["5*", "1*"]}})), None, "444444444444"),
    ("star-for-any-value-principal-account-not-like", doc(allow(STAR, condition={
        "ForAnyValue:StringNotLike": {"aws:PrincipalAccount": ["5*", "1*"]}})), None, "444444444444"),
    ("star-denied-accounts-like-stranger-and-project", doc(allow(STAR), deny(STAR, condition={
        "StringLike": {"aws:PrincipalAccount": ["5*", "4*", "1*"]}})), None, "333333333333"),
    ("star-denied-every-fresh-first-digit", doc(allow(STAR), deny(STAR, condition={
        "StringLike": {"aws:PrincipalAccount": [f"{d}*" for d in "1234567890"]}})), None, None),
    ("star-principal-account-at-least-login", doc(allow(STAR, condition={
        "NumericGreaterThanEquals": {"aws:PrincipalAccount": L}})), None, "987654321099"),
    ("star-principal-account-below-a-number", doc(allow(STAR, condition={
        "NumericLessThan": {"aws:PrincipalAccount": "100000000000"}})), None, "099999999999"),
    ("star-principal-account-numerically-login", doc(allow(STAR, condition={
        "NumericEquals": {"aws:PrincipalAccount": L}})), None, None),
    # --- aws:ResourceAccount: AWS sets it to the role's account -------------------------------------
    ("star-resource-account-of-another", doc(allow(STAR, condition={
        "StringEquals": {"aws:ResourceAccount": X}})), None, None),
    ("star-resource-account-of-the-role", doc(allow(STAR, condition={
        "StringEquals": {"aws:ResourceAccount": D}})), None, "555555555555"),
    ("login-denied-outside-the-role-account", doc(allow(LOGIN), deny(STAR, condition={
        "StringNotEquals": {"aws:ResourceAccount": D}})), None, None),
    ("star-same-account-as-the-role", doc(allow(STAR, condition={
        "StringEquals": {"aws:ResourceAccount": "${aws:PrincipalAccount}"}})), None, f"arn:aws:iam::{D}:"),
    ("star-resource-account-from-principal-tag", doc(allow(STAR, condition={
        "StringEquals": {"aws:ResourceAccount": "${aws:PrincipalTag/account}"}})), None, "555555555555"),
    ("star-resource-account-from-a-tag-fixed-elsewhere", doc(allow(STAR, condition={
        "StringEquals": {"aws:ResourceAccount": "${aws:PrincipalTag/account}", "aws:PrincipalTag/account": X}})),
     None, None),
    ("star-tag-equal-to-resource-account", doc(allow(STAR, condition={
        "StringEquals": {"aws:PrincipalTag/account": "${aws:ResourceAccount}"}})), None, "555555555555"),
    # AWS writes the numbers and times it sets one way: 3600, 1000, 2030-01-01T00:00:10Z
    ("star-duration-written-with-a-decimal-point", doc(allow(STAR, condition={
        "StringEquals": {"sts:DurationSeconds": "3600.0"}})), None, None),
    ("star-mfa-age-written-with-an-exponent", doc(allow(STAR, condition={
        "StringEquals": {"aws:MultiFactorAuthAge": "1e3"}})), None, None),
    ("star-mfa-age-equal-as-a-number", doc(allow(STAR, condition={
        "NumericEquals": {"aws:MultiFactorAuthAge": "1e3"}})), None, "555555555555"),
    ("star-token-issue-time-in-epoch-digits", doc(allow(STAR, condition={
        "StringEquals": {"aws:TokenIssueTime": "1893456010"}})), None, None),
    ("star-token-issue-time-as-written", doc(allow(STAR, condition={
        "StringEquals": {"aws:TokenIssueTime": "2030-01-01T00:00:10Z"}})), None, "555555555555"),
    ("star-duration-like", doc(allow(STAR, condition={"StringLike": {"sts:DurationSeconds": "36*"}})),
     None, "555555555555"),
    # an MFA age comes only with MFA: no request has an age without MultiFactorAuthPresent true
    ("star-mfa-age-without-mfa", doc(allow(STAR, condition={
        "Bool": {"aws:MultiFactorAuthPresent": "false"}, "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}})),
     None, None),
    ("star-recent-mfa", doc(allow(STAR, condition={"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}})),
     None, "555555555555"),
    # aws:SourceAccount and aws:SourceArn come with a service's call only: never with a federated user's
    ("web-identity-with-source-account", doc(allow({"Federated": "accounts.google.com"},
                                                   action="sts:AssumeRoleWithWebIdentity",
                                                   condition={"StringEquals": {"aws:SourceAccount": L}})), None, None),
    ("saml-with-source-arn-present", doc(allow({"Federated": f"arn:aws:iam::{L}:saml-provider/Okta"},
                                               action="sts:AssumeRoleWithSAML",
                                               condition={"Null": {"aws:SourceArn": "false"}})), None, None),
    ("web-identity-with-source-account-if-exists", doc(allow({"Federated": "accounts.google.com"},
                                                             action="sts:AssumeRoleWithWebIdentity",
                                                             condition={"StringEqualsIfExists": {"aws:SourceAccount": L}})),
     None, "accounts.google.com"),
    # --- names and accounts the conditions tell apart, whatever the operator reading them ---------------
    ("star-username-bob", doc(allow(STAR, condition={"StringEquals": {"aws:username": "bob"}})), None, ":user/bob"),
    ("star-username-like", doc(allow(STAR, condition={"StringLike": {"aws:username": "A*"}})), None, ":user/A"),
    ("star-arn-with-own-account-variable", doc(allow(STAR, condition={
        "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::${aws:PrincipalAccount}:*/x"}})), None, "555555555555:user/x"),
    ("star-arn-with-tag-variable", doc(allow(STAR, condition={
        "StringLike": {"aws:PrincipalArn": f"arn:aws:iam::{X}:*/ci/${{aws:PrincipalTag/x}}"}})), None, f"{X}:"),
    ("star-account-from-tag-and-names-not-a", doc(allow(STAR, condition={
        "StringEquals": {"aws:PrincipalAccount": "${aws:PrincipalTag/account}"},
        "StringNotLike": {"aws:PrincipalArn": "*/a*"}})), None, "555555555555"),
    ("star-for-any-value-arn-like", doc(allow(STAR, condition={
        "ForAnyValue:ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:*/x"}})), None, "/x"),
    ("star-for-any-value-arn-not-like", doc(allow(STAR, condition={
        "ForAnyValue:StringNotLike": {"aws:PrincipalArn": "*/a*"}})), None, "555555555555"),
    ("star-account-ignorecase-and-name", doc(allow(STAR, condition={
        "StringEqualsIgnoreCase": {"aws:PrincipalAccount": "555555555555"},
        "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:*/x"}})), None, "555555555555:user/x"),
    ("star-account-below-login-and-name", doc(allow(STAR, condition={
        "NumericLessThan": {"aws:PrincipalAccount": L}, "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:*/x"}})),
     None, "/x"),
    ("star-same-account-as-role-and-name", doc(allow(STAR, condition={
        "StringEquals": {"aws:ResourceAccount": "${aws:PrincipalAccount}"},
        "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:*/x"}})), None, f"{D}:user/x"),
    ("notprincipal-login-with-name", doc({"Effect": "Allow", "NotPrincipal": {"AWS": L}, "Action": "sts:AssumeRole",
                                          "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:*/x"}}}),
     None, "/x"),
    ("star-tag-above-resource-account", doc(allow(STAR, condition={
        "NumericGreaterThan": {"aws:PrincipalTag/x": "${aws:ResourceAccount}"}})), None, "555555555555"),
    ("star-external-id-above-tag", doc(allow(STAR, condition={
        "NumericGreaterThan": {"sts:ExternalId": "${aws:PrincipalTag/x}"}})), None, "555555555555"),
    ("star-tag-above-own-account", doc(allow(STAR, condition={
        "NumericGreaterThan": {"aws:PrincipalTag/account": "${aws:PrincipalAccount}"}})), None, "555555555555"),
    ("star-account-after-login-as-a-date", doc(allow(STAR, condition={
        "DateGreaterThan": {"aws:PrincipalAccount": L}})), None, "987654321099"),
    ("star-account-before-as-a-date", doc(allow(STAR, condition={
        "DateLessThan": {"aws:PrincipalAccount": "100000000000"}})), None, "099999999999"),
    ("vendor-arn-not-like-names-with-an-a", doc(allow({"AWS": X}, condition={
        "ForAnyValue:ArnNotLike": {"aws:PrincipalArn": f"arn:aws:iam::{X}:*/*a*"}})), None, X),
    ("own-account-arn-not-like-names-with-an-a", doc(allow({"AWS": D}, condition={
        "ForAllValues:ArnNotLike": {"aws:PrincipalArn": f"arn:aws:iam::{D}:*/*a*"}})), None, D),
    # the caller picks its source address, of either version: one outside every network listed
    ("star-denied-every-ipv4-and-a-v6-network", doc(allow(STAR), deny(STAR, condition={
        "IpAddressIfExists": {"aws:SourceIp": ["0.0.0.0/0", "2001:db8::/32"]}})), None, "555555555555"),
    ("star-outside-every-network", doc(allow(STAR, condition={
        "ForAnyValue:NotIpAddress": {"aws:SourceIp": ["0.0.0.0/0", "2001:db8::/32"]}})), None, "555555555555"),
    ("star-denied-every-address", doc(allow(STAR), deny(STAR, condition={
        "IpAddressIfExists": {"aws:SourceIp": ["0.0.0.0/0", "::/0"]}})), None, None),
    # --- an allow list's role pattern covers the roles its ARN pattern matches, path included ---------
    ("login-role-outside-allowed-path", doc(allow({"AWS": f"arn:aws:iam::{L}:role/Build"})), CI_ROLES, ":role/Build"),
    ("login-role-under-allowed-path", doc(allow({"AWS": f"arn:aws:iam::{L}:role/ci/Build"})), CI_ROLES, None),
    ("star-role-names-like-c", doc(allow(STAR, condition={
        "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{L}:role/c*"}})), CI_ROLES, ":role/c"),
    ("star-roles-under-allowed-path", doc(allow(STAR, condition={
        "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{L}:role/ci/*"}})), CI_ROLES, None),
    ("login-session-of-a-role-the-list-names", doc(allow({"AWS": f"arn:aws:sts::{L}:assumed-role/Deployer/s"})),
     CI_ROLES, None),
]


@pytest.mark.parametrize(("document", "override", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_role_trust_verdict(document: dict[str, Any], override: TrustAllow | None, expected: str | None) -> None:
    trust = parse_policy(document, kind=PolicyKind.TRUST)
    verdict = trust_violations(trust, ROLE, override or SEED_ALLOW, known_accounts=[L], now=NOW)
    principals = [v.request.principal for v in verdict.violations]
    if expected is None:
        assert principals == []
        return
    assert any(expected in p for p in principals), principals
    for violation in verdict.violations:
        request = violation.request
        assert not AWS_SET & {key.lower() for key in request.context}, request  # no caller can send these
        assert can_assume(request.principal, request.resource, trust_policy=trust,
                          identity_policies=[OUTSIDER_IDENTITY], context=dict(request.context),
                          action=request.action), request


@pytest.mark.parametrize(("condition", "chosen"), [
    ({"StringEquals": {"sts:ExternalId": "${aws:CurrentTime}"}},
     {"sts:ExternalId": ("2026-06-01T00:00:00Z",), "aws:CurrentTime": ("2026-06-01T00:00:00Z",)}),
    ({"DateGreaterThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}, "StringEquals": {"sts:ExternalId": "${aws:EpochTime}"}},
     {"aws:CurrentTime": ("2030-01-01T00:00:01Z",), "sts:ExternalId": ("1893456001",), "aws:EpochTime": ("1893456001",)}),
    ({"DateGreaterThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}, "DateLessThan": {"aws:EpochTime": "1893456010"}},
     {"aws:CurrentTime": ("2030-01-01T00:00:01Z",), "aws:EpochTime": ("1893456001",)}),
])
def test_a_counterexample_carries_the_time_it_reads(condition: dict[str, Any], chosen: dict[str, Any]) -> None:
    """A request that reads the clock is proven at a second the clock can show, and says which, so that it is
    allowed when replayed at any other time."""
    trust = parse_policy(doc(allow(STAR, condition=condition)), kind=PolicyKind.TRUST)
    verdict = trust_violations(trust, ROLE, SEED_ALLOW, known_accounts=[L], now=NOW)
    assert verdict.violations
    assert dict(verdict.violations[0].request.context) == chosen


def test_table_is_large_enough() -> None:
    assert sum(1 for c in CASES if c[3] is None) >= 20
    assert sum(1 for c in CASES if c[3] is not None) >= 20
    assert len(CASES) >= 40
