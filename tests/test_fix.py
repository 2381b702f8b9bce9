"""Fix planning: each (document, rule) next to the fixed document xtrust must propose, or the reason it
leaves the finding to a person; and the `xtrust fix` command on the example world."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from xtrust.checks import check_account
from xtrust.fix import GUARD_POLICY_NAME, Operation, Plan, plan_account
from xtrust.inventory import Account, Group, InlinePolicy, ManagedPolicy, PolicyVersion, Role
from xtrust.model import PolicyKind, parse_policy
from xtrust.rules import parse_rules
from xtrust.verify import Quotas, policy_size

LOGIN, DEV, VENDOR = "987654321098", "123456789012", "444455556666"
ROOT = f"arn:aws:iam::{LOGIN}:root"
ADMIN = f"arn:aws:iam::{DEV}:role/Admin"
NOW = datetime(2025, 1, 1, tzinfo=timezone.utc)
REPO = Path(__file__).resolve().parent.parent

RULES = parse_rules(f"""
version: 1
accounts: {{login: "{LOGIN}", projects: ["{DEV}"]}}
rules:
  - id: trust
    check: role-trust
    severity: high
    allow: {{principals: ["{ROOT}"], services: ["*"]}}
  - id: assume
    check: identity-assume
    severity: high
    allow: {{roles: ["{ADMIN}"]}}
""")
NO_SERVICES = parse_rules(f"""
version: 1
accounts: {{login: "{LOGIN}", projects: ["{DEV}"]}}
rules:
  - id: trust
    check: role-trust
    severity: high
    allow: {{principals: ["{ROOT}"]}}
""")


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(principal: Any, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole", **extra}


def plan_trust(document: dict[str, Any], rules: Any = RULES) -> Plan:
    role = Role(f"arn:aws:iam::{DEV}:role/R", "R", "/", parse_policy(document, kind=PolicyKind.TRUST))
    account = Account(DEV, "test", roles=(role,))
    findings, _, _ = check_account(rules, account, now=NOW)
    return plan_account(rules, account, findings, now=NOW)


TRUST_CASES = [
    ("drop-other-account",
     doc(allow({"AWS": [ROOT, VENDOR]})),
     doc(allow({"AWS": [ROOT]}))),
    ("drop-keeps-sid-and-scalar",
     doc({"Sid": "People", **allow({"AWS": ROOT})}, {"Sid": "Vendor", **allow({"AWS": f"arn:aws:iam::{VENDOR}:role/x"})}),
     doc({"Sid": "People", **allow({"AWS": ROOT})})),
    ("drop-role-of-own-account-keep-service",
     doc(allow({"AWS": [f"arn:aws:iam::{DEV}:role/ci", ROOT], "Service": "ec2.amazonaws.com"})),
     doc(allow({"AWS": [ROOT], "Service": "ec2.amazonaws.com"}))),
    ("star-with-source-ip-gets-principal-account",
     doc(allow("*", Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})),
     doc(allow("*", Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"},
                               "StringEqualsIfExists": {"aws:PrincipalAccount": LOGIN}}))),
    ("statement-left-with-no-principal-is-removed",
     doc(allow({"AWS": ROOT}), allow({"AWS": VENDOR}, Sid="Vendor")),
     doc(allow({"AWS": ROOT}))),
    # Two statements let the same outsider in under different conditions (keys the caller controls): each
    # is edited; neither is left open, and no Deny is needed.
    ("two-statements-mfa-or-office-both-narrowed",
     doc(allow({"AWS": [ROOT, VENDOR]}, Sid="Mfa", Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
         allow({"AWS": [ROOT, VENDOR]}, Sid="Office", Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})),
     doc(allow({"AWS": [ROOT]}, Sid="Mfa", Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
         allow({"AWS": [ROOT]}, Sid="Office", Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}))),
    ("two-statements-complementary-conditions-both-narrowed",
     doc(allow({"AWS": [ROOT, VENDOR]}, Condition={"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
         allow({"AWS": [ROOT, VENDOR]}, Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})),
     doc(allow({"AWS": [ROOT]}, Condition={"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
         allow({"AWS": [ROOT]}, Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))),
    ("external-id-star-conditioned-and-mfa-account-dropped",
     doc(allow("*", Condition={"StringEquals": {"sts:ExternalId": "abc"}}),
         allow({"AWS": [ROOT, VENDOR]}, Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}})),
     doc(allow("*", Condition={"StringEquals": {"sts:ExternalId": "abc"},
                               "StringEqualsIfExists": {"aws:PrincipalAccount": LOGIN}}),
         allow({"AWS": [ROOT]}, Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}))),
    ("second-statement-removed-when-its-outsider-needs-another-condition",
     doc(allow({"AWS": [ROOT, VENDOR]}, Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
         allow({"AWS": VENDOR}, Sid="Vendor", Condition={"StringEquals": {"sts:ExternalId": "abc"}})),
     doc(allow({"AWS": [ROOT]}, Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}))),
    ("not-principal-gets-a-deny",
     doc({"Effect": "Allow", "NotPrincipal": {"AWS": VENDOR}, "Action": "sts:AssumeRole"}),
     doc({"Effect": "Allow", "NotPrincipal": {"AWS": VENDOR}, "Action": "sts:AssumeRole"},
         {"Sid": "DenyOutsideAllowList", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
          "Condition": {"StringNotEquals": {"aws:PrincipalAccount": LOGIN},
                        "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}})),
]


@pytest.mark.parametrize(("document", "expected"), [c[1:] for c in TRUST_CASES], ids=[c[0] for c in TRUST_CASES])
def test_trust_fix(document: dict[str, Any], expected: dict[str, Any]) -> None:
    plan = plan_trust(document)
    assert plan.manual == ()
    (fix,) = plan.fixes
    assert fix.operation is Operation.UPDATE_ASSUME_ROLE_POLICY and fix.entity == "R"
    assert fix.after.to_json() == expected
    assert fix.before is not None and fix.before.to_json() == document


SURGICAL = [c for c in TRUST_CASES if c[0].startswith(("two-statements", "external-id", "second-statement"))]


@pytest.mark.parametrize("document", [c[1] for c in SURGICAL], ids=[c[0] for c in SURGICAL])
def test_every_statement_letting_an_outsider_in_is_edited_without_a_deny(document: dict[str, Any]) -> None:
    """Each statement that lets an outsider in under some context is edited: none is left for a Deny to cover."""
    (fix,) = plan_trust(document).fixes
    assert all(s.effect.value == "Allow" for s in fix.after.statements)
    assert "Deny" not in fix.summary


def test_star_is_narrowed_when_no_service_may_assume() -> None:
    (fix,) = plan_trust(doc(allow("*", Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}})), NO_SERVICES).fixes
    assert fix.after.to_json() == doc(allow({"AWS": ROOT}, Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}))


def test_a_compliant_document_needs_no_fix() -> None:
    assert plan_trust(doc(allow({"AWS": ROOT}))) == Plan()


def test_a_fix_over_the_size_quota_is_left_to_a_person() -> None:
    many = [f"arn:aws:iam::{LOGIN}:role/r{i:04d}" for i in range(70)]
    document = doc(allow({"AWS": [*many, VENDOR]}))
    rules = NO_SERVICES
    role = Role(f"arn:aws:iam::{DEV}:role/R", "R", "/", parse_policy(document, kind=PolicyKind.TRUST))
    account = Account(DEV, "test", roles=(role,))
    findings, _, _ = check_account(rules, account, now=NOW)
    plan = plan_account(rules, account, findings, quotas=Quotas(trust=policy_size(document) - 200), now=NOW)
    assert plan.fixes == ()
    (manual,) = plan.manual
    assert "over the quota" in manual.reason


# --- identity policies --------------------------------------------------------------------------


def identity_plan(inline: dict[str, Any] | None = None, managed: dict[str, Any] | None = None,
                  aws_managed: bool = False) -> Plan:
    policies = {}
    attached: tuple[str, ...] = ()
    if managed is not None:
        arn = "arn:aws:iam::aws:policy/Power" if aws_managed else f"arn:aws:iam::{LOGIN}:policy/P"
        document = parse_policy(managed, kind=PolicyKind.IDENTITY)
        policies[arn] = ManagedPolicy(arn, arn.rsplit("/", 1)[1], "/", "v1", (PolicyVersion("v1", True, document),))
        attached = (arn,)
    group = Group(f"arn:aws:iam::{LOGIN}:group/G", "G", "/",
                  inline=(InlinePolicy("p", parse_policy(inline, kind=PolicyKind.IDENTITY)),) if inline else (),
                  attached=attached)
    account = Account(LOGIN, "test", groups=(group,), policies=policies)
    findings, _, _ = check_account(RULES, account, now=NOW)
    return plan_account(RULES, account, findings, now=NOW)


ASSUME = "sts:AssumeRole"
IDENTITY_CASES = [
    ("wildcard-resource-narrowed",
     doc({"Effect": "Allow", "Action": ASSUME, "Resource": f"arn:aws:iam::{DEV}:role/*"}),
     doc({"Effect": "Allow", "Action": ASSUME, "Resource": ADMIN})),
    ("resource-list-keeps-allowed-drops-others",
     doc({"Sid": "Roles", "Effect": "Allow", "Action": [ASSUME], "Resource": [ADMIN, f"arn:aws:iam::{VENDOR}:role/x"]}),
     doc({"Sid": "Roles", "Effect": "Allow", "Action": [ASSUME], "Resource": [ADMIN]})),
    ("other-actions-split-out-and-kept",
     doc({"Effect": "Allow", "Action": [ASSUME, "s3:GetObject"], "Resource": "*"}),
     doc({"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"},
         {"Effect": "Allow", "Action": ASSUME, "Resource": ADMIN})),
    ("star-action-gets-a-deny-and-keeps-everything-else",
     doc({"Effect": "Allow", "Action": "*", "Resource": "*"}),
     doc({"Effect": "Allow", "Action": "*", "Resource": "*"},
         {"Sid": "DenyAssumeRoleOutsideAllowList", "Effect": "Deny", "Action": ASSUME, "NotResource": ADMIN})),
    ("not-resource-gets-a-deny",
     doc({"Effect": "Allow", "Action": "sts:*", "NotResource": "arn:aws:s3:::*"}),
     doc({"Effect": "Allow", "Action": "sts:*", "NotResource": "arn:aws:s3:::*"},
         {"Sid": "DenyAssumeRoleOutsideAllowList", "Effect": "Deny", "Action": ASSUME, "NotResource": ADMIN})),
]


@pytest.mark.parametrize(("document", "expected"), [c[1:] for c in IDENTITY_CASES], ids=[c[0] for c in IDENTITY_CASES])
def test_inline_identity_fix(document: dict[str, Any], expected: dict[str, Any]) -> None:
    plan = identity_plan(inline=document)
    assert plan.manual == ()
    (fix,) = plan.fixes
    assert (fix.operation, fix.entity, fix.policy_name) == (Operation.PUT_GROUP_POLICY, "G", "p")
    assert fix.after.to_json() == expected


def test_customer_managed_policy_gets_a_new_version() -> None:
    (fix,) = identity_plan(managed=IDENTITY_CASES[0][1]).fixes
    assert (fix.operation, fix.policy_arn) == (Operation.CREATE_POLICY_VERSION, f"arn:aws:iam::{LOGIN}:policy/P")
    assert fix.after.to_json() == IDENTITY_CASES[0][2]


def test_aws_managed_policy_gets_an_inline_guard_on_the_group() -> None:
    (fix,) = identity_plan(managed=doc({"Effect": "Allow", "Action": "*", "Resource": "*"}), aws_managed=True).fixes
    assert (fix.operation, fix.entity, fix.policy_name, fix.before) == (Operation.PUT_GROUP_POLICY, "G",
                                                                        GUARD_POLICY_NAME, None)
    assert fix.after.to_json() == doc({"Sid": "DenyAssumeRoleOutsideAllowList", "Effect": "Deny", "Action": ASSUME,
                                       "NotResource": ADMIN})


# --- the command --------------------------------------------------------------------------------


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "xtrust", *args], capture_output=True, text=True, cwd=REPO,
                          check=False)


def test_fix_json_plan_of_the_example_world() -> None:
    world = sorted(str(p) for p in (REPO / "examples" / "world").glob("*.json"))
    result = run("fix", "--rules", "rules/seed.yaml", "--snapshot", *world, "--format", "json")
    assert result.returncode == 1, result.stderr
    plan = json.loads(result.stdout)
    assert sorted(plan) == ["fixes", "manual"] and plan["manual"] == []
    operations = sorted(f["operation"] for f in plan["fixes"])
    assert operations == ["CreatePolicyVersion", "PutGroupPolicy", "PutUserPolicy", "UpdateAssumeRolePolicy",
                          "UpdateAssumeRolePolicy", "UpdateAssumeRolePolicy"]
    for fix in plan["fixes"]:
        assert {"finding", "resource", "operation", "before", "after"} <= set(fix)
        assert ("policy_arn" in fix) == (fix["operation"] == "CreatePolicyVersion")


def test_fix_dry_run_prints_a_unified_diff_per_document() -> None:
    world = sorted(str(p) for p in (REPO / "examples" / "world").glob("*.json"))
    result = run("fix", "--rules", "rules/seed.yaml", "--snapshot", *world)
    assert result.returncode == 1
    assert result.stdout.count("\n+++ b/") == 6
    assert '-          "444455556666"' in result.stdout


@pytest.mark.parametrize("args", [
    ("fix", "--rules", "rules/seed.yaml", "--snapshot", "missing.json"),
    ("fix", "--rules", "rules/seed.yaml", "--snapshot", "examples/world/dev-123456789012.json", "--apply"),
    ("fix", "--rules", "rules/seed.yaml"),
    ("rollback", "missing.jsonl"),
], ids=["missing-snapshot", "apply-needs-live", "no-input", "missing-journal"])
def test_bad_input_is_one_line_and_exit_2(args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_a_journal_with_a_bad_line_is_refused(tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    journal.write_text('{"not": "a journal"}\n{"journal": 1, "kind": "write"}\n')
    result = run("rollback", str(journal))
    assert result.returncode == 2 and "not an xtrust journal entry" in result.stderr


def _sarif_diffs(text: str) -> int:
    results = json.loads(text)["runs"][0]["results"]
    return sum(len(r.get("properties", {}).get("fixes", [])) for r in results)


REPORT_FORMATS = [
    ("html", lambda text: text.count('<pre class="diff">')),
    ("markdown", lambda text: text.count("```diff")),
    ("sarif", _sarif_diffs),
]


@pytest.mark.parametrize(("fmt", "diffs"), REPORT_FORMATS, ids=[f[0] for f in REPORT_FORMATS])
def test_fix_renders_the_report_with_the_planned_fixes_in_any_report_format(fmt: str, diffs: Any) -> None:
    world = sorted(str(p) for p in (REPO / "examples" / "world").glob("*.json"))
    planned = json.loads(run("fix", "--rules", "rules/seed.yaml", "--snapshot", *world, "--format", "json").stdout)
    result = run("fix", "--rules", "rules/seed.yaml", "--snapshot", *world, "--format", fmt)
    assert result.returncode == 1, result.stderr
    assert diffs(result.stdout) == len(planned["fixes"]) == 6
    assert all(fix["finding"] in result.stdout for fix in planned["fixes"])


def test_fix_in_junit_is_the_scan_report() -> None:
    world = sorted(str(p) for p in (REPO / "examples" / "world").glob("*.json"))
    fixed = run("fix", "--rules", "rules/seed.yaml", "--snapshot", *world, "--format", "junit")
    scanned = run("scan", "--rules", "rules/seed.yaml", "--snapshot", *world, "--format", "junit")
    assert fixed.returncode == scanned.returncode == 1
    assert fixed.stdout.count("<failure") == scanned.stdout.count("<failure") > 0
