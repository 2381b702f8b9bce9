"""The public API: load rules, check one trust or identity policy document, check snapshots."""

from __future__ import annotations

import json

import pytest

import xtrust
from xtrust import (
    InputError,
    Report,
    check_identity_policy,
    check_snapshots,
    check_trust_policy,
    load_rules,
    rules_from_text,
)

from .conftest import ROOT, RULES, WORLD

RULESET = load_rules(RULES)
LOGIN_ROOT = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::987654321098:root"}, "Action": "sts:AssumeRole"}]}
ANYONE = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
ADMIN = "arn:aws:iam::123456789012:role/Admin"


@pytest.mark.parametrize(("document", "count"), [
    (LOGIN_ROOT, 0), (ANYONE, 1), (json.dumps(ANYONE), 1),
    ((ROOT / "examples" / "seed" / "admin-trust.json").read_text(), 0)],
    ids=["login-root", "anyone", "json-text", "seed-file"])
def test_check_trust_policy(document: object, count: int) -> None:
    findings = check_trust_policy(document, ADMIN, RULESET)  # type: ignore[arg-type]
    assert len(findings) == count
    for finding in findings:
        assert finding.rule == "trust-only-login-account"
        assert finding.resource == ADMIN
        assert xtrust.can_assume(finding.counterexample.principal, ADMIN, trust_policy=document,  # type: ignore[arg-type]
                                 identity_policies=[{"Version": "2012-10-17", "Statement": [
                                     {"Effect": "Allow", "Action": "*", "Resource": "*"}]}],
                                 context={k: list(v) for k, v in finding.counterexample.context.items()})
        assert finding.statements == ("trust policy /Statement/0",)


@pytest.mark.parametrize(("resource", "count"), [
    ("arn:aws:iam::123456789012:role/Admin", 0), ("arn:aws:iam::123456789012:role/*", 1), ("*", 1)],
    ids=["listed", "wildcard", "star"])
@pytest.mark.parametrize("holder", ["group/CloudOps", "user/people/alice"])
def test_check_identity_policy(resource: str, count: int, holder: str) -> None:
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                         "Resource": resource}]}
    findings = check_identity_policy(document, f"arn:aws:iam::987654321098:{holder}", RULESET)
    assert len(findings) == count
    assert all(f.statements[0].endswith("inline policy document /Statement/0") for f in findings)


@pytest.mark.parametrize(("call", "arn", "message"), [
    (check_trust_policy, "arn:aws:iam::987654321098:role/Admin", "not the login account"),
    (check_trust_policy, "not-an-arn", "is not an IAM role ARN"),
    (check_trust_policy, "arn:aws:iam::123456789012:user/x", "is not an IAM role ARN"),
    (check_identity_policy, "arn:aws:iam::123456789012:group/x", "login account 987654321098"),
    (check_identity_policy, "arn:aws:iam::987654321098:role/x", "group or user ARN"),
], ids=["trust-in-login", "not-arn", "user-as-role", "identity-elsewhere", "role-as-holder"])
def test_bad_arns(call: object, arn: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        call(LOGIN_ROOT, arn, RULESET)  # type: ignore[operator]


def test_malformed_document_is_a_policy_error() -> None:
    with pytest.raises(xtrust.PolicyError):
        check_trust_policy({"Statement": [{"Effect": "Maybe"}]}, ADMIN, RULESET)


def test_rule_scope_and_exemptions_apply() -> None:
    rules = rules_from_text(RULES.read_text().replace(
        "    # scope:", "    scope: {exclude: [Admin]}\n    # scope:", 1))
    assert check_trust_policy(ANYONE, ADMIN, rules) == ()
    assert len(check_trust_policy(ANYONE, "arn:aws:iam::123456789012:role/Other", rules)) == 1


def test_check_snapshots() -> None:
    report = check_snapshots(RULESET, WORLD)
    assert isinstance(report, Report) and len(report.findings) == 6 and report.complete
    partial = check_snapshots(RULESET, [p for p in WORLD if "login" in p.name])
    assert partial.complete  # accounts without a snapshot are not errors here...
    assert not check_snapshots(RULESET, [p for p in WORLD if "login" in p.name], require_all=True).complete


def test_exports_keep_the_old_names_and_add_the_new() -> None:
    for name in ("can_assume", "explain", "parse_policy", "load_rules", "check_trust_policy",
                 "check_identity_policy", "check_snapshots", "Finding", "Report"):
        assert name in xtrust.__all__ and hasattr(xtrust, name)


def test_package_is_typed() -> None:
    assert (ROOT / "xtrust" / "py.typed").exists()
