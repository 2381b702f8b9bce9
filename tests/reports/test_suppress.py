"""Suppression files: format, matching by id or resource pattern, expiry (inclusive), expired entries as
findings of their own, and malformed files as one-line bad input."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from xtrust.cli import main
from xtrust.findings import Counterexample, Finding, Report
from xtrust.rules import Severity
from xtrust.suppress import EXPIRED_RULE, SuppressionError, apply_suppressions, parse_suppressions

from .conftest import RULES, WORLD


def finding(resource: str, rule: str = "trust-only-login-account") -> Finding:
    return Finding(rule=rule, severity=Severity.HIGH, account="123456789012", resource=resource,
                   message="m: proof", counterexample=Counterexample("p", "sts:AssumeRole", resource))


VENDOR = finding("arn:aws:iam::123456789012:role/VendorA")
OTHER = finding("arn:aws:iam::123456789012:role/Admin")
REPORT = Report(findings=(VENDOR, OTHER))


def suppress(text: str, today: date = date(2026, 6, 1)) -> Report:
    return apply_suppressions(REPORT, parse_suppressions(text, "s.yaml"), today)


@pytest.mark.parametrize(("entry", "suppressed"), [
    (f'id: "{VENDOR.id}"', [VENDOR.resource]),
    ('resource: "arn:aws:iam::123456789012:role/Vendor*"', [VENDOR.resource]),
    ('resource: "arn:aws:iam::123456789012:role/*"', [VENDOR.resource, OTHER.resource]),
    ('resource: "arn:aws:iam::123456789012:role/Vendor?"', [VENDOR.resource]),
    ('resource: "arn:aws:iam::123456789012:role/Vendor*"\n    rule: trust-only-login-account', [VENDOR.resource]),
    ('resource: "arn:aws:iam::123456789012:role/Vendor*"\n    rule: another-rule', []),
    ('id: "0000000000000000"', []),
], ids=["by-id", "by-pattern", "pattern-covers-both", "question-mark", "pattern-and-rule", "other-rule",
        "unknown-id"])
def test_what_a_suppression_covers(entry: str, suppressed: list[str]) -> None:
    text = f"version: 1\nsuppressions:\n  - {entry}\n    reason: ticket SEC-1\n    expires: '2026-12-31'\n"
    report = suppress(text)
    assert [f.resource for f in report.findings if f.suppressed] == suppressed
    assert all(f.suppressed == "ticket SEC-1 (until 2026-12-31)" for f in report.findings if f.suppressed)
    assert len(report.active) == 2 - len(suppressed)


@pytest.mark.parametrize(("today", "active"), [
    (date(2026, 12, 30), True), (date(2026, 12, 31), True), (date(2027, 1, 1), False)],
    ids=["before", "on-the-day", "after"])
def test_expiry_is_inclusive(today: date, active: bool) -> None:
    text = f'suppressions:\n  - id: "{VENDOR.id}"\n    reason: r\n    expires: 2026-12-31\n'
    report = suppress(text, today)
    vendor = next(f for f in report.findings if f.resource == VENDOR.resource)
    assert bool(vendor.suppressed) is active
    expired = [f for f in report.findings if f.rule == EXPIRED_RULE]
    assert len(expired) == (0 if active else 1)


def test_an_expired_suppression_is_a_finding_of_its_own() -> None:
    text = 'suppressions:\n  - resource: "arn:aws:iam::123456789012:role/Vendor*"\n    reason: "migration, OPS-42"\n' \
           '    expires: "2025-01-31"\n'
    report = suppress(text)
    [expired] = [f for f in report.findings if f.rule == EXPIRED_RULE]
    assert expired.severity is Severity.MEDIUM
    assert "expired on 2025-01-31" in expired.message and "OPS-42" in expired.message
    assert VENDOR.id in expired.message
    assert expired.subjects == (VENDOR.resource,)
    assert expired.statements == ("s.yaml /suppressions/0",)
    assert VENDOR in report.active and expired in report.active  # the covered finding counts again


def test_exempt_findings_stay_exempt() -> None:
    exempt = replace(VENDOR, exempt="from the rules")
    report = apply_suppressions(Report(findings=(exempt,)), parse_suppressions(
        f'suppressions:\n  - id: "{VENDOR.id}"\n    reason: r\n    expires: 2099-01-01\n'), date(2026, 1, 1))
    assert report.findings[0].exempt and not report.findings[0].suppressed


def test_input_report_is_left_alone() -> None:
    suppress(f'suppressions:\n  - id: "{VENDOR.id}"\n    reason: r\n    expires: 2099-01-01\n')
    assert not any(f.suppressed for f in REPORT.findings)


BAD = [
    ("not: [valid", "not valid YAML"),
    ("- just a list", "expected a mapping with a 'suppressions' list"),
    ("suppressions: {}", "expected a mapping with a 'suppressions' list"),
    ("version: 2\nsuppressions: []", "only version 1"),
    ("suppressions: []\nextra: 1", "unknown key(s) 'extra'"),
    ("suppressions:\n  - 42", "suppressions/0: expected a mapping"),
    ("suppressions:\n  - {reason: r, expires: 2026-01-01}", "exactly one of 'id'"),
    ("suppressions:\n  - {id: a, resource: b, reason: r, expires: 2026-01-01}", "exactly one of 'id'"),
    ("suppressions:\n  - {id: a, expires: 2026-01-01}", "'reason' is required"),
    ("suppressions:\n  - {id: a, reason: '', expires: 2026-01-01}", "suppressions/0/reason: must be a non-empty"),
    ("suppressions:\n  - {id: a, reason: r}", "suppressions/0/expires: required"),
    ("suppressions:\n  - {id: a, reason: r, expires: 'next week'}", "'next week' is not a calendar date"),
    ("suppressions:\n  - {id: a, reason: r, expires: '2026-02-30'}", "is not a calendar date"),
    ("suppressions:\n  - {id: a, rule: x, reason: r, expires: 2026-01-01}", "suppressions/0/rule: only with"),
    ("suppressions:\n  - {id: a, reason: r, expires: 2026-01-01, until: 2027-01-01}", "unknown key(s) 'until'"),
    ("version: 1\nsuppressions: []\n1: x\nab: y\n", "unknown key(s) 1, 'ab'"),
    ("version: true\nsuppressions: []\n", "version: only version 1 is known"),
    # unquoted, which YAML reads as a date: one the calendar does not have, and a date and time
    ("suppressions:\n  - {id: a, reason: r, expires: 2027-02-29}", "'2027-02-29' is not a calendar date"),
    ("suppressions:\n  - {id: a, reason: r, expires: 2027-01-01 10:00:00}", "is a date and time: give the day alone"),
]


@pytest.mark.parametrize(("text", "message"), BAD, ids=[m for _, m in BAD])
def test_malformed_files_are_rejected_with_the_place(text: str, message: str) -> None:
    with pytest.raises(SuppressionError) as caught:
        parse_suppressions(text, "s.yaml")
    assert message in str(caught.value)
    assert str(caught.value).startswith("s.yaml")


@pytest.mark.parametrize(("text", "message"), [BAD[0], BAD[11], BAD[-2], BAD[-1], ("\xff\xfe", "not UTF-8")],
                         ids=["yaml", "date", "impossible-date", "date-and-time", "encoding"])
def test_cli_malformed_suppression_file_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                             text: str, message: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(text.encode("latin-1"))
    code = main(["scan", "--rules", str(RULES), "--snapshot", *map(str, WORLD), "--suppressions", str(path)])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_cli_missing_suppression_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["scan", "--rules", str(RULES), "--snapshot", *map(str, WORLD),
                 "--suppressions", str(tmp_path / "absent.yaml")])
    err = capsys.readouterr().err
    assert code == 2 and "absent.yaml: cannot read" in err and err.count("\n") == 1


def test_cli_suppressing_everything_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.yaml"
    path.write_text('suppressions:\n  - resource: "arn:aws:iam::*"\n    reason: "accepted for the test"\n'
                    '    expires: "2099-12-31"\n')
    code = main(["scan", "--rules", str(RULES), "--snapshot", *map(str, WORLD), "--suppressions", str(path)])
    out = capsys.readouterr().out
    assert code == 0
    assert "0 finding(s), 6 suppressed" in out
