"""JUnit XML, as Jenkins and GitLab read it: one test suite per rule, one test case per resource checked.

A resource that a finding names (as the resource to change or as a subject with the access) fails, with
one ``failure`` element that lists its findings; a compliant resource passes; a resource whose findings
are all exempt or suppressed is ``skipped`` with the reason. Accounts that could not be read are test cases
with an ``error`` in a suite of their own, so an incomplete scan never looks green.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from ..findings import Finding, Report
from ._common import TOOL_NAME, headline, ordered, rule_infos, statements_label, status_note

__all__ = ["format_junit"]

INCOMPLETE_SUITE = "xtrust-incomplete-scan"

# Characters XML 1.0 cannot hold at all, not even as a character reference (https://www.w3.org/TR/xml/#charsets).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_safe(text: str) -> str:
    """``text`` with each character XML cannot hold (a control character in a message, say) written as
    ``\\xNN`` or ``\\uNNNN``, so that the file stays well-formed and the rest of the text is kept."""
    return _NOT_XML.sub(lambda m: ascii(m.group())[1:-1], text)


def _make_safe(root: ET.Element) -> None:
    for element in root.iter():
        if element.text:
            element.text = _xml_safe(element.text)
        for key, value in list(element.attrib.items()):
            element.set(key, _xml_safe(value))


def _details(findings: Sequence[Finding]) -> str:
    blocks = []
    for finding in findings:
        lines = [f"[{finding.severity.value}] {finding.message}", f"finding id: {finding.id}",
                 f"resource: {finding.resource}"]
        if finding.counterexample.principal:
            lines.append(f"counterexample: {finding.counterexample.in_words()}")
        lines += [f"also: {c.in_words()}" for c in finding.others]
        if finding.statements:
            lines.append(f"{statements_label(finding)}: {'; '.join(finding.statements)}")
        if finding.accepted:
            lines.append(status_note(finding))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _cases(rule: str, checked: Sequence[str], findings: Sequence[Finding]) -> list[tuple[str, list[Finding]]]:
    """(resource, findings naming it) for each resource checked, then for each finding naming none of them."""
    names = dict.fromkeys(checked)
    by_name: dict[str, list[Finding]] = {name: [] for name in names}
    for finding in findings:
        named = [n for n in (finding.resource, *finding.subjects) if n in by_name]
        if not named:
            by_name.setdefault(finding.resource, [])
            named = [finding.resource]
        for name in dict.fromkeys(named):
            by_name[name].append(finding)
    return list(by_name.items())


def format_junit(report: Report) -> str:
    root = ET.Element("testsuites", name=TOOL_NAME)
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    all_findings = ordered(report.findings)
    for info in rule_infos(report):
        findings = [f for f in all_findings if f.rule == info.id]
        cases = _cases(info.id, report.checked_resources.get(info.id, ()), findings)
        suite = ET.SubElement(root, "testsuite", name=info.id)
        counts = {"tests": len(cases), "failures": 0, "errors": 0, "skipped": 0}
        for name, named in cases:
            case = ET.SubElement(suite, "testcase", classname=f"{TOOL_NAME}.{info.id}", name=name, time="0")
            active = [f for f in named if not f.accepted]
            if active:
                worst = max(active, key=lambda f: f.severity.rank)
                failure = ET.SubElement(case, "failure", type=worst.severity.value,
                                        message=headline(worst))
                failure.text = _details(named)
                counts["failures"] += 1
            elif named:
                ET.SubElement(case, "skipped", message="; ".join(dict.fromkeys(status_note(f) for f in named)))
                counts["skipped"] += 1
        suite.set("tests", str(counts["tests"]))
        suite.set("failures", str(counts["failures"]))
        suite.set("errors", "0")
        suite.set("skipped", str(counts["skipped"]))
        suite.set("time", "0")
        for key, value in counts.items():
            totals[key] += value
    if report.errors:
        suite = ET.SubElement(root, "testsuite", name=INCOMPLETE_SUITE, tests=str(len(report.errors)),
                              failures="0", errors=str(len(report.errors)), skipped="0", time="0")
        for entry in report.errors:
            case = ET.SubElement(suite, "testcase", classname=f"{TOOL_NAME}.{INCOMPLETE_SUITE}",
                                 name=entry.account or "(unknown account)", time="0")
            error = ET.SubElement(case, "error", type="incomplete", message=entry.message)
            error.text = entry.message + "\n"
        totals["tests"] += len(report.errors)
        totals["errors"] += len(report.errors)
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", "0")
    _make_safe(root)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
