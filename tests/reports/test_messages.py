"""A finding's message is shown whole in every format, whatever it holds.

The checks write a message as ``"<what is wrong>: <the counterexample in words>"``, and the formats that show
the counterexample on a line of its own show only the part before it. That part may itself hold ``": "``
(the note of an expired exemption, ``(an exemption expired on 2020-01-01: migrating, OPS-1)``, and any
reason), line breaks, Markdown or HTML markup, characters XML cannot hold: none of it may be lost.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from xtrust._printable import printable
from xtrust.api import check_trust_policy, rules_from_text
from xtrust.cli import main
from xtrust.findings import Counterexample, Finding, Report
from xtrust.report import render
from xtrust.rules import Severity
from xtrust.scan import scan_snapshots
from xtrust.testing import assert_trust_policy_ok, describe_findings

from .conftest import RULES, WORLD

ROLE = "arn:aws:iam::123456789012:role/Vendor"
RULE = "trust-only-login-account"
PROOF = Counterexample("arn:aws:iam::555555555555:user/any", "sts:AssumeRole", ROLE,
                       {"aws:SourceIp": ("203.0.113.0",)})
EXPIRED_NOTE = "(an exemption expired on 2020-01-01: migrating, OPS-1)"

# What a finding is about, as the text before ": <counterexample in words>" in its message.
HEADLINES = [
    ("expired-exemption", f"role Vendor can be assumed from outside the allow list (account 555555555555) "
                          f"{EXPIRED_NOTE}"),
    ("several-colons", "role Vendor: trusted by: account 555555555555: see SEC-1"),
    ("ends-with-a-colon", "note:"),
    ("starts-with-colon-space", ": leading"),
    ("url", "see https://wiki.example/SEC-1: the runbook"),
    ("proof-words-inside", f"quoted {PROOF.in_words()}: again"),
    ("two-lines", "first line: a\nsecond line: b"),
    ("markup", "a | b <i>c</i> &amp; [d](e) `f` *g* _h_ ~~i~~ \\ j: k"),
    ("lone-star", "role/Deploy* (rule): x"),
    ("unicode", "café: naïve — ✓ 𝔘"),
    ("control-character", "bell\x07: ring"),
]
IDS = [name for name, _ in HEADLINES]
TEXTS = [text for _, text in HEADLINES]


def finding(message: str) -> Finding:
    return Finding(rule=RULE, severity=Severity.HIGH, account="123456789012", resource=ROLE, message=message,
                   counterexample=PROOF, check="role-trust", subjects=(ROLE,), statements=("trust policy /Statement/0",))


def as_written(headline: str) -> Finding:
    """A finding whose message is written the way the checks write it: headline, ": ", the proof in words."""
    return finding(f"{headline}: {PROOF.in_words()}")


# --- how each format shows a finding's headline, read back from the output -----------------------------------

def text_shows(out: str, headline: str) -> bool:
    """The whole headline in the text report, its line breaks indented and its other control characters
    escaped (they would move the terminal's cursor)."""
    indent = "\n      "
    return f"{indent}{printable(headline).replace(chr(10), indent)}{indent}proof: {PROOF.in_words()}\n" in out


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")  # CommonMark: a backslash before ASCII punctuation


def markdown_cells(out: str, f: Finding) -> tuple[str, str]:
    """(the Finding cell of the table, the end of the first line of the details), as Markdown source."""
    row = next(line for line in out.split("\n") if line.endswith(f"| `{f.id}` |") and line.startswith("| "))
    cell = row.split(f"| `{f.resource}` | ", 1)[1].removesuffix(f" | `{f.id}` |")
    detail = next(line for line in out.split("\n") if line.startswith("- **open**, severity"))
    return cell, detail.split("`: ", 1)[1]


def markdown_reads(source: str) -> str:
    """What a Markdown reader shows for ``source``, if it holds no live markup (asserted)."""
    live = _ESCAPED.sub("", source)
    assert not set(live) & set("\\`[]<&~|"), source
    assert live.count("*") <= 1 and live.count("_") <= 1, source
    return _ESCAPED.sub(r"\1", source)


def one_line(text: str) -> str:
    return text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")  # XML 1.0, "Characters"


def in_xml(text: str) -> str:
    """``text`` as the JUnit report keeps it: a character XML cannot hold written as its Python escape."""
    return _NOT_XML.sub(lambda m: ascii(m.group())[1:-1], text)


def junit_failure(out: str) -> ET.Element:
    failure = ET.fromstring(out).find(f"testsuite[@name='{RULE}']/testcase[@name='{ROLE}']/failure")
    assert failure is not None
    return failure


def html_row_finding(out: str) -> str:
    found = re.search(r'<tr[^>]* data-finding="([^"]*)"', out)
    assert found is not None
    return html.unescape(found.group(1))


# --- a table of messages ------------------------------------------------------------------------------------

@pytest.mark.parametrize("headline", TEXTS, ids=IDS)
def test_text_shows_the_whole_headline(headline: str) -> None:
    assert text_shows(render(Report(findings=(as_written(headline),)), "text"), headline)


@pytest.mark.parametrize("headline", TEXTS, ids=IDS)
def test_markdown_shows_the_whole_headline(headline: str) -> None:
    f = as_written(headline)
    cell, detail = markdown_cells(render(Report(findings=(f,)), "markdown"), f)
    assert markdown_reads(cell) == one_line(headline)
    assert markdown_reads(detail) == one_line(headline)


@pytest.mark.parametrize("headline", TEXTS, ids=IDS)
def test_junit_shows_the_whole_headline_and_the_whole_message(headline: str) -> None:
    f = as_written(headline)
    failure = junit_failure(render(Report(findings=(f,)), "junit"))
    assert failure.get("message") == in_xml(headline)
    assert f"[high] {in_xml(f.message)}\n" in (failure.text or "")


@pytest.mark.parametrize("headline", TEXTS, ids=IDS)
def test_html_shows_the_whole_headline(headline: str) -> None:
    page = render(Report(findings=(as_written(headline),)), "html")
    assert html_row_finding(page) == headline
    assert f'<td class="resource">{html.escape(ROLE)}</td><td>{html.escape(headline)}<details>' in page


@pytest.mark.parametrize("headline", TEXTS, ids=IDS)
def test_sarif_and_json_carry_the_whole_message(headline: str) -> None:
    f = as_written(headline)
    report = Report(findings=(f,))
    assert json.loads(render(report, "json"))["findings"][0]["message"] == f.message
    assert json.loads(render(report, "sarif"))["runs"][0]["results"][0]["message"]["text"] == f.message + "."


@pytest.mark.parametrize("headline", TEXTS, ids=IDS)
def test_the_pytest_plugin_shows_the_whole_headline(headline: str) -> None:
    described = describe_findings([as_written(headline)])
    assert f"- rule {RULE} (high): {headline}\n  counterexample: {PROOF.in_words()}" in described


@pytest.mark.parametrize("headline", TEXTS, ids=IDS)
def test_a_message_not_ending_with_its_proof_is_shown_whole(headline: str) -> None:
    """Nothing is taken off a message that does not end with its counterexample's words (an expired
    suppression's, one made by hand): the formats show it all."""
    f = finding(headline)
    assert html_row_finding(render(Report(findings=(f,)), "html")) == headline
    assert junit_failure(render(Report(findings=(f,)), "junit")).get("message") == in_xml(headline)
    assert markdown_reads(markdown_cells(render(Report(findings=(f,)), "markdown"), f)[0]) == one_line(headline)
    assert f"\n      {printable(headline).replace(chr(10), chr(10) + '      ')}\n      proof: " in render(
        Report(findings=(f,)), "text")
    assert f"(high): {headline}\n" in describe_findings([f])


def test_a_counterexample_without_a_principal_keeps_the_message_whole() -> None:
    """The formats show no proof for it, so its words stay in the message they end."""
    nobody = Counterexample("", "", "")
    f = replace(finding(f"the suppression of x expired: a reason: {nobody.in_words()}"), counterexample=nobody)
    out = render(Report(findings=(f,)), "text")
    assert f"      {f.message}\n" in out and "proof:" not in out
    assert html_row_finding(render(Report(findings=(f,)), "html")) == f.message


@pytest.mark.parametrize("fmt", ["text", "markdown", "junit", "html"])
def test_an_exemption_reason_with_colons_is_shown_whole(fmt: str) -> None:
    reason = "vendor: audit: SEC-9 (until 2099-01-01)"
    out = render(Report(findings=(replace(as_written("role Vendor"), exempt=reason),)), fmt)
    assert {"text": f"      exempt: {reason}\n", "markdown": f"- exempt: {reason}\n",
            "junit": f'message="exempt: {reason}"', "html": f"<dt>exempt</dt><dd>{reason}</dd>"}[fmt] in out


# --- any text at all ----------------------------------------------------------------------------------------

@given(st.text(min_size=1))
def test_every_format_shows_any_headline_whole(headline: str) -> None:
    f = as_written(headline)
    report = Report(findings=(f,))
    assert text_shows(render(report, "text"), headline)
    cell, detail = markdown_cells(render(report, "markdown"), f)
    assert markdown_reads(cell) == markdown_reads(detail) == one_line(headline)
    assert junit_failure(render(report, "junit")).get("message") == in_xml(headline)
    assert html_row_finding(render(report, "html")) == headline
    assert f"(high): {headline}\n  counterexample: " in describe_findings([f])


# --- an expired exemption, through the real scan ------------------------------------------------------------

MOMENT = datetime(2026, 6, 1, tzinfo=timezone.utc)
DEPLOYER = "arn:aws:iam::123456789012:role/Deployer"


def rules_with_expired_exemption() -> str:
    rules = yaml.safe_load(RULES.read_text())
    trust = next(r for r in rules["rules"] if r["check"] == "role-trust")
    trust["exemptions"] = [{"resource": DEPLOYER, "reason": "migrating, OPS-1", "expires": "2020-01-01"}]
    text: str = yaml.safe_dump(rules, sort_keys=False)
    return text


@pytest.fixture(scope="module")
def expired_report() -> Report:
    return scan_snapshots(rules_from_text(rules_with_expired_exemption()), WORLD, now=MOMENT)


@pytest.fixture(scope="module")
def deployer(expired_report: Report) -> Finding:
    found = next(f for f in expired_report.findings if f.resource == DEPLOYER)
    assert not found.exempt
    assert f"{EXPIRED_NOTE}: {found.counterexample.in_words()}" in found.message  # how the checks write it
    return found


def test_the_scan_notes_the_expired_exemption_in_the_message(deployer: Finding) -> None:
    assert deployer.message.endswith(f"{EXPIRED_NOTE}: {deployer.counterexample.in_words()}")


@pytest.mark.parametrize("fmt", ["text", "markdown", "junit", "html", "sarif", "json"])
def test_every_format_shows_the_expired_exemption_whole(expired_report: Report, deployer: Finding,
                                                        fmt: str) -> None:
    out = render(expired_report, fmt)
    headline = deployer.message.removesuffix(f": {deployer.counterexample.in_words()}")
    assert headline.endswith(EXPIRED_NOTE)
    if fmt == "text":
        assert f"\n      {headline}\n      proof: {deployer.counterexample.in_words()}\n" in out
    elif fmt == "markdown":
        cell, _ = markdown_cells(out, deployer)
        assert markdown_reads(cell) == headline
        assert f"account `123456789012`: {headline}\n" in out
    elif fmt == "junit":
        failure = ET.fromstring(out).find(f"testsuite[@name='{RULE}']/testcase[@name='{DEPLOYER}']/failure")
        assert failure is not None and failure.get("message") == headline
        assert deployer.message in (failure.text or "")
    elif fmt == "html":
        assert f'data-finding="{html.escape(headline)}"' in out
        assert f"<td>{html.escape(headline)}<details>" in out
    elif fmt == "sarif":
        texts = [r["message"]["text"] for r in json.loads(out)["runs"][0]["results"]]
        assert deployer.message + "." in texts
    else:
        assert deployer.message in [f["message"] for f in json.loads(out)["findings"]]


def test_the_cli_text_report_shows_the_expired_exemption_whole(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(rules_with_expired_exemption())
    assert main(["scan", "--rules", str(rules), "--snapshot", *map(str, WORLD)]) == 1
    out = capsys.readouterr().out
    assert f"{EXPIRED_NOTE}\n      proof: arn:aws:iam::555555555555:user/any could call sts:AssumeRole on {DEPLOYER}" in out


def test_the_pytest_plugin_shows_the_expired_exemption_whole() -> None:
    rules = rules_from_text(rules_with_expired_exemption())
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "555555555555"},
                                                     "Action": "sts:AssumeRole"}]}
    findings = check_trust_policy(trust, DEPLOYER, rules, now=MOMENT)
    assert findings and EXPIRED_NOTE in findings[0].message
    with pytest.raises(AssertionError) as failed:
        assert_trust_policy_ok(trust, DEPLOYER, rules)
    assert "(high): role Deployer can be assumed from outside the allow list " in str(failed.value)
    assert f" {EXPIRED_NOTE}\n  counterexample: " in str(failed.value)
