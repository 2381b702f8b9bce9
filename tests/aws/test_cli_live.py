"""`xtrust scan` and `xtrust snapshot` reading accounts live from the moto server, as in production."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from xtrust.cli import main

from .conftest import AUDIT_ROLE, DEV, LOGIN, NOT_ALLOWED, World

pytestmark = pytest.mark.aws


def rules_file(tmp_path: Path, *projects: str) -> str:
    path = tmp_path / "rules.yaml"
    listed = ", ".join(f'"{p}"' for p in projects)
    path.write_text(f"""version: 1
accounts:
  login: "{LOGIN}"
  projects: [{listed}]
rules:
  - id: trust-only-login-account
    check: role-trust
    severity: high
    allow:
      principals: ["arn:aws:iam::{LOGIN}:root"]
      services: ["*"]
  - id: assume-only-listed-roles
    check: identity-assume
    severity: high
    allow:
      roles: ["arn:aws:iam::{DEV}:role/Admin"]
""")
    return str(path)


def findings(report: dict[str, object]) -> list[tuple[str, str, str]]:
    return sorted((f["rule"], f["resource"], f["id"]) for f in report["findings"])  # type: ignore[index, union-attr]


def test_live_scan_equals_scan_of_written_snapshots(world: World, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    rules = rules_file(tmp_path, DEV)
    code = main(["scan", "--rules", rules, "--assume-role", AUDIT_ROLE, "--format", "json", "--quiet"])
    live = json.loads(capsys.readouterr().out)
    assert code in (0, 1) and live["errors"] == []
    assert code == (1 if live["findings"] else 0)

    out_dir = tmp_path / "snapshots"
    assert main(["snapshot", "--rules", rules, "--output", str(out_dir), "--assume-role", AUDIT_ROLE]) == 0
    written = capsys.readouterr().out.split()
    assert sorted(Path(p).name for p in written) == sorted([f"{DEV}.json", f"{LOGIN}.json"])

    main(["scan", "--rules", rules, "--snapshot", *written, "--format", "json"])
    offline = json.loads(capsys.readouterr().out)
    assert findings(live) == findings(offline)


def as_scanner(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Act as the scanner's own IAM user, whose identity policy omits NOT_ALLOWED's audit role."""
    access_key, secret_key = world.scanner_key
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret_key)


def test_an_unreachable_account_gives_exit_3_and_a_full_report_for_the_others(
        world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    rules = rules_file(tmp_path, DEV, NOT_ALLOWED)
    as_scanner(world, monkeypatch)
    with world.server.iam_authorization():
        code = main(["scan", "--rules", rules, "--assume-role", AUDIT_ROLE, "--format", "json", "--quiet"])
    report = json.loads(capsys.readouterr().out)
    assert code == 3
    assert [e["account"] for e in report["errors"]] == [NOT_ALLOWED]
    assert "\n" not in report["errors"][0]["message"]
    assert report["summary"]["accounts"] == sorted([DEV, LOGIN])


def test_snapshot_command_reports_a_failed_account_and_writes_the_rest(
        world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    rules = rules_file(tmp_path, DEV, NOT_ALLOWED)
    out_dir = tmp_path / "out"
    as_scanner(world, monkeypatch)
    with world.server.iam_authorization():
        code = main(["snapshot", "--rules", rules, "--output", str(out_dir), "--assume-role", AUDIT_ROLE])
    captured = capsys.readouterr()
    assert code == 3
    assert sorted(p.name for p in out_dir.iterdir()) == sorted([f"{DEV}.json", f"{LOGIN}.json"])
    assert captured.err.count("\n") == 1 and NOT_ALLOWED in captured.err


def test_snapshot_and_live_options_do_not_mix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = rules_file(tmp_path, DEV)
    code = main(["scan", "--rules", rules, "--snapshot", "x.json", "--assume-role", AUDIT_ROLE])
    assert code == 2 and "not both" in capsys.readouterr().err


def test_live_scan_plans_the_fixes_a_snapshot_scan_plans_and_writes_nothing(
        world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = rules_file(tmp_path, DEV)
    before, after = tmp_path / "before", tmp_path / "after"
    assert main(["snapshot", "--rules", rules, "--output", str(before), "--assume-role", AUDIT_ROLE]) == 0
    written = capsys.readouterr().out.split()

    code = main(["scan", "--rules", rules, "--assume-role", AUDIT_ROLE, "--format", "json", "--quiet", "--plan-fixes"])
    live = json.loads(capsys.readouterr().out)
    assert code == 1 and any("fix" in f for f in live["findings"])
    main(["scan", "--rules", rules, "--snapshot", *written, "--format", "json", "--plan-fixes"])
    offline = json.loads(capsys.readouterr().out)
    assert {f["id"]: f.get("fix") for f in live["findings"]} == {f["id"]: f.get("fix") for f in offline["findings"]}

    assert main(["snapshot", "--rules", rules, "--output", str(after), "--assume-role", AUDIT_ROLE]) == 0
    capsys.readouterr()
    for name in (f"{DEV}.json", f"{LOGIN}.json"):  # as before, but for when the audit role was last used
        assert unused(json.loads((after / name).read_text())) == unused(json.loads((before / name).read_text()))


def unused(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A snapshot without RoleLastUsed, which IAM updates each time a scan assumes the audit role."""
    roles = [{k: v for k, v in role.items() if k != "RoleLastUsed"} for role in snapshot.get("RoleDetailList", [])]
    return {**snapshot, "RoleDetailList": roles}
