"""What every format shares: the format table, suppressed and exempt findings shown as such, escaping,
planned fixes rendered as diffs, and the HTML page needing no network."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xtrust.findings import Counterexample, Finding, Report
from xtrust.report import FORMATS, format_html, format_markdown, format_text, render, report_filename
from xtrust.report.json import indented
from xtrust.rules import Severity


def finding(**changes: object) -> Finding:
    base = Finding(
        rule="trust-only-login-account", severity=Severity.HIGH, account="123456789012",
        resource="arn:aws:iam::123456789012:role/Vendor", message="role Vendor can be assumed: proof",
        counterexample=Counterexample("arn:aws:iam::555555555555:user/any", "sts:AssumeRole",
                                      "arn:aws:iam::123456789012:role/Vendor"),
        check="role-trust", subjects=("arn:aws:iam::123456789012:role/Vendor",),
        statements=("trust policy /Statement/0",))
    return replace(base, **changes)  # type: ignore[arg-type]


FIX = {"finding": "x", "resource": "arn:aws:iam::123456789012:role/Vendor", "operation": "UpdateAssumeRolePolicy",
       "summary": "narrow the principal to the login account",
       "before": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"},
                                                          "Action": "sts:AssumeRole"}]},
       "after": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                                                         "Principal": {"AWS": "arn:aws:iam::987654321098:root"},
                                                         "Action": "sts:AssumeRole"}]}}


def test_format_table() -> None:
    assert list(FORMATS) == ["text", "json", "sarif", "junit", "markdown", "html"]
    assert {report_filename(n) for n in FORMATS} == {
        "xtrust-report.txt", "xtrust-report.json", "xtrust-report.sarif", "xtrust-report.xml",
        "xtrust-report.md", "xtrust-report.html"}
    report = Report(findings=(finding(),))
    for name, fmt in FORMATS.items():
        assert render(report, name) == fmt(report) == fmt.render(report)


@pytest.mark.parametrize("fmt", list(FORMATS), ids=list(FORMATS))
@pytest.mark.parametrize(("field", "word"), [("suppressed", "suppressed"), ("exempt", "exempt")],
                         ids=["suppressed", "exempt"])
def test_accepted_findings_are_shown_as_such(fmt: str, field: str, word: str) -> None:
    report = Report(findings=(finding(**{field: "ticket SEC-9 (until 2099-01-01)"}),))
    text = render(report, fmt)
    assert word in text.lower()
    assert "SEC-9" in text
    assert not report.active


@pytest.mark.parametrize("fmt", ["markdown", "html", "sarif"])
def test_planned_fixes_are_diffs(fmt: str) -> None:
    text = render(Report(findings=(finding(fix=FIX),)), fmt)
    assert "narrow the principal to the login account" in text
    assert "arn:aws:iam::987654321098:root" in text
    if fmt == "html":
        assert '<pre class="diff">' in text and '<span class="add">' in text and '<span class="del">' in text
    elif fmt == "markdown":
        assert "```diff" in text
    else:
        assert "+" in json.loads(text)["runs"][0]["results"][0]["properties"]["fixes"][0]["diff"]


def test_a_diff_given_as_text_is_used_as_is() -> None:
    text = format_markdown(Report(findings=(finding(fix={"summary": "s", "diff": "--- a\n+++ b\n-old\n+new\n"}),)))
    assert "-old\n+new" in text


def test_html_is_self_contained_and_escaped() -> None:
    hostile = finding(resource='arn:aws:iam::123456789012:role/<script>alert("x")</script>',
                      message='<img src=x onerror=alert(1)>: proof')
    page = format_html(Report(findings=(hostile,)))
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # nothing fetched from the network
    assert "@import" not in page
    assert page.count("<script>") == 1  # the inline sorting script only
    assert "default-src 'none'" in page


def test_html_table_has_a_row_per_finding_with_sort_keys(world_report: Report) -> None:
    page = format_html(world_report)
    rows = re.findall(r"<tr[^>]* data-order=", page)
    assert len(rows) == len(world_report.findings)
    for column in ("severity", "status", "rule", "account", "resource", "finding", "id"):
        assert f'data-key="{column}"' in page


def test_markdown_escapes_table_cells() -> None:
    text = format_markdown(Report(findings=(finding(message="a | b: proof"),)))
    assert "a \\| b" in text


def test_text_summary_counts(world_report: Report) -> None:
    text = format_text(world_report)
    assert "6 finding(s) (5 high, 1 medium), 1 suppressed" in text
    assert "[SUPPRESSED] arn:aws:iam::123456789012:role/ReadOnly" in text


def test_clean_report_in_every_format() -> None:
    report = Report(accounts=("123456789012",), checked={"r": 1}, checked_resources={"r": ("arn:aws:iam::1:role/a",)})
    for name in FORMATS:
        assert render(report, name)
    assert "No findings" in format_text(report) and "No findings" in format_markdown(report)


def test_planned_fixes_of_the_example_world_show_as_diffs(world_report: Report) -> None:
    """Fixes planned by xtrust.fix, attached with with_plan, appear as diffs in the HTML and Markdown."""
    from xtrust.fix import plan_fixes
    from xtrust.report import with_plan
    from xtrust.rules import load_rules
    from xtrust.snapshot import load_snapshot

    from .conftest import RULES, WORLD

    plan = plan_fixes(load_rules(RULES), [load_snapshot(p) for p in WORLD], world_report.active)
    assert plan.fixes, "the example world has fixable findings"
    report = with_plan(world_report, plan)
    fixed = [f for f in report.findings if f.fix]
    assert {f.id for f in fixed} == {fix.finding for fix in plan.fixes}
    page = format_html(report)
    assert page.count('<pre class="diff">') == len(plan.fixes)
    assert "```diff" in format_markdown(report)


# JSON values of every kind, nested, with strings that need escaping and keys that are not strings.
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
    | st.dictionaries(st.text() | st.integers() | st.booleans(), inner, max_size=4),
    max_leaves=30)


@given(_json_values)
def test_the_json_layout_is_json_dumps_with_an_indent_of_two(value: object) -> None:
    assert indented(value) == json.dumps(value, indent=2)


@given(_json_values, st.sampled_from(["  ", "    "]))
def test_a_value_written_to_go_inside_another_is_indented_as_json_dumps_would(value: object, indent: str) -> None:
    assert indented(value, indent) == json.dumps(value, indent=2).replace("\n", "\n" + indent)


def test_the_json_report_is_json_dumps_of_to_json_whatever_it_holds() -> None:
    """The report is put together from each finding's json_text; a report json.dumps would write its own way
    (a key that is not a string, given by a library caller) is still exactly json.dumps of its values."""
    shown = Report(findings=(finding(), finding(resource="arn:aws:iam::123456789012:role/Other")))
    assert render(shown, "json") == json.dumps(shown.to_json(), indent=2) + "\n"
    odd = replace(shown, checked={1: 2})  # type: ignore[dict-item]
    assert render(odd, "json") == json.dumps(odd.to_json(), indent=2) + "\n"
