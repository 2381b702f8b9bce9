"""SARIF 2.1.0 (OASIS), as GitHub code scanning and other SARIF readers take it.

One ``reportingDescriptor`` per xtrust rule (with help text), one ``result`` per finding. Each result's
``partialFingerprints`` carry the stable finding id, so a reader tracks the same finding from run to run.
Its locations are the resource ARN (what a person would change) and, for each statement that grants the
access, the ARN of what holds the policy with the statement's JSON pointer as a logical location.
Findings covered by an exemption or a suppression carry a SARIF ``suppressions`` entry.
See https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..findings import Finding, Report
from ..rules import Severity
from ..suppress import EXPIRED_RULE
from ._common import TOOL_NAME, RuleInfo, fix_diffs, ordered, rule_infos, statement_location

__all__ = ["FINGERPRINT_KEY", "SARIF_SCHEMA", "SARIF_VERSION", "format_sarif", "sarif_log"]

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "xtrustFindingId/v1"

_LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning",
          Severity.LOW: "note", Severity.INFO: "note"}
# GitHub code scanning reads "security-severity" (0.0-10.0) to rank security results.
_SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5",
                      Severity.LOW: "3.0", Severity.INFO: "1.0"}


def _pascal(rule_id: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", rule_id) if part)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _descriptor(info: RuleInfo) -> dict[str, Any]:
    tags = ["security", "iam"] + ([info.check] if info.check else [])
    return {
        "id": info.id,
        "name": _pascal(info.id),
        "shortDescription": {"text": _sentence(info.short)},
        "fullDescription": {"text": _sentence(info.full)},
        "help": {"text": _sentence(info.help), "markdown": _sentence(info.help)},
        "defaultConfiguration": {"level": _LEVEL[info.severity]},
        "properties": {"tags": tags, "precision": "very-high",
                       "security-severity": _SECURITY_SEVERITY[info.severity]},
    }


def _location(uri: str, name: str, qualified: str, kind: str, text: str) -> dict[str, Any]:
    return {
        "physicalLocation": {"artifactLocation": {"uri": uri}},
        "logicalLocations": [{"name": name, "fullyQualifiedName": qualified, "kind": kind}],
        "message": {"text": _sentence(text)},
    }


def _locations(finding: Finding) -> list[dict[str, Any]]:
    out = []
    if finding.rule != EXPIRED_RULE:
        out.append(_location(finding.resource, finding.resource.rsplit("/", 1)[-1], finding.resource, "resource",
                             f"The {finding.check or 'checked'} resource to change: {finding.resource}"))
    for statement in finding.statements:
        holder, label, pointer = statement_location(finding, statement)
        if finding.rule == EXPIRED_RULE:
            holder = label
        out.append(_location(holder, pointer or label, f"{label}#{pointer}" if pointer else label,
                             "object", f"Statement {pointer} of {label}"))
    return out


def _result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "findingId": finding.id,
        "account": finding.account,
        "severity": finding.severity.value,
        "subjects": list(finding.subjects),
        "statements": list(finding.statements),
        "counterexample": finding.counterexample.to_json(),
    }
    if finding.others:
        properties["otherCounterexamples"] = [c.to_json() for c in finding.others]
    if finding.fix:
        properties["fixes"] = [{"summary": s, "diff": d} for s, d in fix_diffs(finding.fix)]
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index[finding.rule],
        "kind": "fail",
        "level": _LEVEL[finding.severity],
        "message": {"text": _sentence(finding.message)},
        "locations": _locations(finding),
        "partialFingerprints": {FINGERPRINT_KEY: finding.id},
        "properties": properties,
    }
    if finding.accepted:
        result["suppressions"] = [{
            "kind": "external",
            "status": "accepted",
            "justification": (f"exempt by the rules: {finding.exempt}" if finding.exempt
                              else f"suppressed: {finding.suppressed}"),
        }]
    return result


def sarif_log(report: Report) -> dict[str, Any]:
    from .. import __version__
    infos = rule_infos(report)
    index = {info.id: i for i, info in enumerate(infos)}
    notifications = [{"level": "error", "message": {"text": _sentence(f"{e.account}: {e.message}")},
                      "descriptor": {"id": "incomplete-scan"}} for e in report.errors]
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": {
                "name": TOOL_NAME,
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_descriptor(info) for info in infos],
            }},
            "invocations": [{"executionSuccessful": report.complete,
                             "toolExecutionNotifications": notifications}],
            "results": [_result(f, index) for f in ordered(report.findings)],
            "properties": {"accounts": list(report.accounts),
                           "checked": dict(sorted(report.checked.items()))},
        }],
    }


def format_sarif(report: Report) -> str:
    return json.dumps(sarif_log(report), indent=2, ensure_ascii=False) + "\n"
