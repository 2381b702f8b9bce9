"""SARIF 2.1.0: structure, rules with help text, fingerprints from finding ids, locations; and, when it is
installed, Microsoft's SARIF Multitool (``validate``) accepts the report with no errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from xtrust.findings import Report
from xtrust.report import format_sarif
from xtrust.report.sarif import FINGERPRINT_KEY

from .conftest import ROOT


def sarif(report: Report) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(format_sarif(report))
    return data


def test_top_level_shape(world_report: Report) -> None:
    log = sarif(world_report)
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    [run] = log["runs"]
    assert run["tool"]["driver"]["name"] == "xtrust"
    assert run["invocations"][0]["executionSuccessful"] is True


def test_one_rule_per_xtrust_rule_with_help(world_report: Report) -> None:
    rules = sarif(world_report)["runs"][0]["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids[:2] == [rule.id for rule in world_report.rules]
    assert "suppression-expired" in ids  # the expired suppression has a rule of its own
    assert len(ids) == len(set(ids))
    for rule in rules:
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}
        assert 0.0 <= float(rule["properties"]["security-severity"]) <= 10.0


def test_results_point_at_their_rules_and_carry_stable_fingerprints(world_report: Report) -> None:
    run = sarif(world_report)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    by_id = {f.id: f for f in world_report.findings}
    assert len(run["results"]) == len(world_report.findings)
    for result in run["results"]:
        finding = by_id[result["partialFingerprints"][FINGERPRINT_KEY]]
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding.rule


def test_locations_are_the_resource_arn_and_the_statement_pointer(world_report: Report) -> None:
    run = sarif(world_report)["runs"][0]
    result = next(r for r in run["results"] if r["partialFingerprints"][FINGERPRINT_KEY] == "e7bda400ffd1e381")
    resource, statement = result["locations"]
    assert resource["physicalLocation"]["artifactLocation"]["uri"] == "arn:aws:iam::987654321098:policy/AssumeDevRoles"
    assert resource["logicalLocations"][0]["kind"] == "resource"
    assert statement["physicalLocation"]["artifactLocation"]["uri"] == "arn:aws:iam::987654321098:policy/AssumeDevRoles"
    assert statement["logicalLocations"][0]["name"] == "/Statement/0"
    assert statement["logicalLocations"][0]["fullyQualifiedName"].endswith("#/Statement/0")
    trust = next(r for r in run["results"] if r["partialFingerprints"][FINGERPRINT_KEY] == "6a74bac786459748")
    assert trust["locations"][1]["physicalLocation"]["artifactLocation"]["uri"] == (
        "arn:aws:iam::123456789012:role/OrgReader")


def test_suppressed_findings_carry_a_sarif_suppression(world_report: Report) -> None:
    run = sarif(world_report)["runs"][0]
    suppressed = [r for r in run["results"] if r.get("suppressions")]
    assert [r["partialFingerprints"][FINGERPRINT_KEY] for r in suppressed] == ["4b28f3c79978a7df"]
    assert suppressed[0]["suppressions"][0]["status"] == "accepted"
    assert "SEC-123" in suppressed[0]["suppressions"][0]["justification"]


def test_an_incomplete_scan_is_not_a_successful_execution(world_report: Report) -> None:
    from dataclasses import replace

    from xtrust.findings import ErrorEntry

    run = sarif(replace(world_report, errors=(ErrorEntry("111122223333", "AccessDenied"),)))["runs"][0]
    assert run["invocations"][0]["executionSuccessful"] is False
    assert "AccessDenied" in run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]


# --- Microsoft's SARIF Multitool ------------------------------------------------------------------------


def multitool() -> Path | None:
    """The ``sarif-multitool`` launcher: $XTRUST_SARIF_MULTITOOL, the one .ci/run installs, or on PATH."""
    candidates = [os.environ.get("XTRUST_SARIF_MULTITOOL", ""),
                  str(Path.home() / ".cache" / "xtrust-ci" / "node_modules" / ".bin" / "sarif-multitool"),
                  shutil.which("sarif-multitool") or ""]
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


needs_multitool = pytest.mark.skipif(multitool() is None, reason="SARIF Multitool not installed "
                                     "(npm install @microsoft/sarif-multitool; .ci/run does)")


def shipped_schema(tool: Path) -> Path:
    """The SARIF 2.1.0 JSON schema shipped inside the multitool's npm package."""
    modules = next((p for p in (tool.absolute(), *tool.absolute().parents) if p.name == "node_modules"), None)
    found = sorted(modules.glob("@microsoft/*/sarif-2.1.0.json")) if modules else []
    assert found, f"no sarif-2.1.0.json in the npm package of {tool}"
    return found[0]


@needs_multitool
def test_the_report_validates_against_the_sarif_schema(world_report: Report) -> None:
    tool = multitool()
    assert tool is not None
    schema = json.loads(shipped_schema(tool).read_text(encoding="utf-8"))
    errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(sarif(world_report))]
    assert errors == []


@needs_multitool
def test_multitool_validate_reports_no_errors(tmp_path: Path) -> None:
    """The multitool exits 0 even when it finds errors, so its own SARIF output is read for error results."""
    tool = multitool()
    assert tool is not None
    report = ROOT / "reports" / "example-world.sarif"
    out = tmp_path / "validation.sarif"
    done = subprocess.run([str(tool), "validate", str(report), "--output", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    log = json.loads(out.read_text(encoding="utf-8-sig"))
    results = log["runs"][0].get("results", [])
    errors = [f"{r['ruleId']}: {r['message'].get('text', r['message'])}" for r in results if r.get("level") == "error"]
    assert errors == []
    notifications = [n for inv in log["runs"][0].get("invocations", [])
                     for n in inv.get("toolExecutionNotifications", []) if n.get("level") == "error"]
    assert notifications == []
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is True


@needs_multitool
def test_multitool_does_find_errors_in_a_broken_report(tmp_path: Path) -> None:
    """The check above can fail: a result pointing at a rule that does not exist is an error (SARIF1009)."""
    tool = multitool()
    assert tool is not None
    broken = json.loads((ROOT / "reports" / "example-world.sarif").read_text(encoding="utf-8"))
    broken["runs"][0]["results"][0]["ruleIndex"] = 99
    path = tmp_path / "broken.sarif"
    path.write_text(json.dumps(broken, indent=2), encoding="utf-8")
    out = tmp_path / "validation.sarif"
    subprocess.run([str(tool), "validate", str(path), "--output", str(out)],
                   capture_output=True, text=True, timeout=300, check=True)
    log = json.loads(out.read_text(encoding="utf-8-sig"))
    assert "SARIF1009" in {r["ruleId"] for r in log["runs"][0]["results"] if r.get("level") == "error"}
