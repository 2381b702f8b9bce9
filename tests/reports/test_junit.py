"""JUnit XML: one test case per (rule, resource) checked, a failure where a finding names the resource,
skipped where only suppressed or exempt findings do, a pass otherwise; read back with xml.etree."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

from xtrust.findings import ErrorEntry, Report
from xtrust.report import format_junit


def cases(report: Report) -> dict[tuple[str, str], ET.Element]:
    root = ET.fromstring(format_junit(report))
    return {(suite.get("name", ""), case.get("name", "")): case
            for suite in root.iter("testsuite") for case in suite.iter("testcase")}


def outcome(case: ET.Element) -> str:
    for kind in ("failure", "error", "skipped"):
        if case.find(kind) is not None:
            return kind
    return "pass"


def test_every_checked_resource_is_a_test_case(world_report: Report) -> None:
    got = cases(world_report)
    for rule, resources in world_report.checked_resources.items():
        for resource in resources:
            assert (rule, resource) in got
    assert sum(len(r) for r in world_report.checked_resources.values()) == 14


def test_outcomes_per_resource(world_report: Report) -> None:
    got = {key: outcome(case) for key, case in cases(world_report).items()}
    trust, assume = "trust-only-login-account", "assume-only-listed-roles"
    expected = {
        (trust, "arn:aws:iam::123456789012:role/Admin"): "pass",
        (trust, "arn:aws:iam::123456789012:role/Deployer"): "failure",
        (trust, "arn:aws:iam::123456789012:role/OrgReader"): "failure",
        (trust, "arn:aws:iam::123456789012:role/ReadOnly"): "skipped",  # suppressed until 2099
        (assume, "arn:aws:iam::987654321098:group/Admins"): "failure",
        (assume, "arn:aws:iam::987654321098:group/teams/Developers"): "failure",  # through AssumeDevRoles
        (assume, "arn:aws:iam::987654321098:user/contractors/contractor"): "failure",
    }
    for key, want in expected.items():
        assert got[key] == want, key
    expired = [key for key in got if key[0] == "suppression-expired"]
    assert len(expired) == 1 and got[expired[0]] == "failure"


def test_failure_text_has_the_proof(world_report: Report) -> None:
    case = cases(world_report)[("trust-only-login-account", "arn:aws:iam::123456789012:role/Deployer")]
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("type") == "high"
    assert "counterexample: arn:aws:iam::555555555555:user/any could call sts:AssumeRole" in (failure.text or "")
    assert "trust policy /Statement/0" in (failure.text or "")


def test_totals_add_up(world_report: Report) -> None:
    root = ET.fromstring(format_junit(world_report))
    suites = root.findall("testsuite")
    for attr in ("tests", "failures", "errors", "skipped"):
        assert int(root.get(attr, "-1")) == sum(int(s.get(attr, "0")) for s in suites), attr
    for suite in suites:
        found = suite.findall("testcase")
        assert int(suite.get("tests", "-1")) == len(found)
        assert int(suite.get("failures", "-1")) == sum(1 for c in found if outcome(c) == "failure")
        assert int(suite.get("skipped", "-1")) == sum(1 for c in found if outcome(c) == "skipped")


def test_unreadable_accounts_are_errors(world_report: Report) -> None:
    denied = ErrorEntry("111122223333", "AccessDenied on GetAccountAuthorizationDetails")
    report = replace(world_report, errors=(denied,))
    root = ET.fromstring(format_junit(report))
    assert root.get("errors") == "1"
    case = cases(report)[("xtrust-incomplete-scan", "111122223333")]
    assert outcome(case) == "error"


def test_a_clean_scan_is_all_passes() -> None:
    report = Report(checked={"r": 2}, checked_resources={"r": ("arn:aws:iam::1:role/a", "arn:aws:iam::1:role/b")})
    root = ET.fromstring(format_junit(report))
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("2", "0", "0")
