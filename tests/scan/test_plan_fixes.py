"""`xtrust scan --plan-fixes`: each active finding carries its planned fix in the report's `fix` field (the
JSON report contract), the same fix `xtrust fix` plans; HTML and Markdown show the diffs; nothing is written."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from xtrust.cli import main
from xtrust.findings import Counterexample, Finding, Report
from xtrust.fix import Fix, Operation, Plan
from xtrust.model import PolicyKind, parse_policy
from xtrust.report import format_markdown, with_plan
from xtrust.rules import Severity

ROOT = Path(__file__).resolve().parents[2]
RULES = str(ROOT / "rules" / "seed.yaml")
WORLD = sorted(str(p) for p in (ROOT / "examples" / "world").glob("*.json"))
SUPPRESSIONS = str(ROOT / "examples" / "world" / "suppressions.yaml")
NAME_FIELD = {"UpdateAssumeRolePolicy": None, "PutGroupPolicy": "policy_name", "PutUserPolicy": "policy_name",
              "CreatePolicyVersion": "policy_arn"}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, _ = capsys.readouterr()
    return code, out


def scan_json(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict[str, Any]]:
    code, out = run(capsys, "scan", "--rules", RULES, "--snapshot", *WORLD, "--format", "json", *extra)
    return code, json.loads(out)


def test_every_active_finding_carries_the_fix_xtrust_fix_plans(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = scan_json(capsys, "--plan-fixes")
    assert code == 1, "planning fixes changes no exit code: the findings are still there"
    _, plan = run(capsys, "fix", "--rules", RULES, "--snapshot", *WORLD, "--format", "json")
    planned = {fix["finding"]: fix for fix in json.loads(plan)["fixes"]}
    assert report["findings"] and {f["id"] for f in report["findings"]} == set(planned)
    for finding in report["findings"]:
        fix = finding["fix"]
        assert fix == planned[finding["id"]]
        assert {"operation", "before", "after"} <= set(fix) and fix["resource"] == finding["resource"]
        name = NAME_FIELD[fix["operation"]]
        assert name is None or fix[name], f"{fix['operation']} names its policy in {name}"


def test_without_the_option_no_finding_has_a_fix(capsys: pytest.CaptureFixture[str]) -> None:
    _, report = scan_json(capsys)
    assert all("fix" not in f for f in report["findings"])


def test_a_suppressed_finding_gets_no_fix(capsys: pytest.CaptureFixture[str]) -> None:
    _, report = scan_json(capsys, "--plan-fixes", "--suppressions", SUPPRESSIONS)
    suppressed = [f for f in report["findings"] if f.get("suppressed")]
    assert suppressed and all("fix" not in f for f in suppressed)
    rules = {"trust-only-login-account", "assume-only-listed-roles"}  # not the finding of an expired suppression
    assert all("fix" in f for f in report["findings"] if f["rule"] in rules and not f.get("suppressed"))


@pytest.mark.parametrize(("fmt", "marker", "removed"), [
    ("markdown", "```diff", '\n-          "444455556666"'),
    ("html", '<pre class="diff">', '<span class="del">-          &quot;444455556666&quot;'),
], ids=["markdown", "html"])
def test_html_and_markdown_show_one_diff_per_fix(capsys: pytest.CaptureFixture[str], fmt: str, marker: str,
                                                 removed: str) -> None:
    _, report = scan_json(capsys, "--plan-fixes")
    code, text = run(capsys, "scan", "--rules", RULES, "--snapshot", *WORLD, "--format", fmt, "--plan-fixes")
    assert code == 1
    assert text.count(marker) == len(report["findings"])
    assert removed in text  # the vendor account a trust fix drops, on a removed line


def test_planning_writes_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    def digests() -> dict[str, str]:
        return {p: hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in WORLD}

    before = digests()
    code, _ = run(capsys, "scan", "--rules", RULES, "--snapshot", *WORLD, "--plan-fixes", "--output-dir",
                  str(tmp_path), "--format", "json,html")
    assert code == 1 and digests() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["xtrust-report.html", "xtrust-report.json"]


def _fix(finding: str, name: str) -> Fix:
    after = parse_policy({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Action": "sts:AssumeRole", "NotResource": "arn:aws:iam::123456789012:role/Admin"}]},
        kind=PolicyKind.IDENTITY)
    return Fix(finding, "987654321098", "arn:aws:iam::987654321098:group/G", Operation.PUT_GROUP_POLICY, "G",
               None, after, f"added {name}", policy_name=name)


def _finding(resource: str) -> Finding:
    return Finding("assume-only-listed-roles", Severity.HIGH, "987654321098", resource, "m",
                   Counterexample("arn:aws:iam::987654321098:user/any", "sts:AssumeRole",
                                  "arn:aws:iam::444455556666:role/any"), check="identity-assume")


def test_a_finding_fixed_by_several_writes_carries_the_first_and_all() -> None:
    first, second = _finding("arn:aws:iam::987654321098:group/G"), _finding("arn:aws:iam::987654321098:user/U")
    report = Report(findings=(first, second))
    planned = with_plan(report, Plan((_fix(first.id, "a"), _fix(first.id, "b"), _fix(second.id, "c"))))
    several, single = (f.to_json()["fix"] for f in planned.findings)
    assert single == _fix(second.id, "c").to_json()
    assert {k: v for k, v in several.items() if k != "fixes"} == _fix(first.id, "a").to_json()
    assert several["fixes"] == [_fix(first.id, "a").to_json(), _fix(first.id, "b").to_json()]
    assert format_markdown(planned).count("```diff") == 3
