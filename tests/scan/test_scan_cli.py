"""`xtrust scan` on snapshot files: report contract, exit codes, bad input as one line."""

from __future__ import annotations

import gc
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from xtrust.cli import main

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules" / "seed.yaml"
LOGIN = ROOT / "examples" / "world" / "login-987654321098.json"
DEV = ROOT / "examples" / "world" / "dev-123456789012.json"
TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::987654321098:root"}, "Action": "sts:AssumeRole"}]}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def clean_world(tmp: Path) -> list[str]:
    dev = {"RoleDetailList": [{"Path": "/", "RoleName": "Admin", "Arn": "arn:aws:iam::123456789012:role/Admin",
                               "AssumeRolePolicyDocument": TRUST}]}
    login = {"GroupDetailList": [{"Path": "/", "GroupName": "CloudOps", "Arn": "arn:aws:iam::987654321098:group/CloudOps",
                                  "GroupPolicyList": [{"PolicyName": "p", "PolicyDocument": {
                                      "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                                              "Resource": "arn:aws:iam::123456789012:role/Admin"}]}}]}]}
    (tmp / "dev.json").write_text(json.dumps(dev))
    (tmp / "login.json").write_text(json.dumps(login))
    return [str(tmp / "dev.json"), str(tmp / "login.json")]


def test_example_world_has_findings_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "scan", "--rules", str(RULES), "--snapshot", str(LOGIN), str(DEV))
    assert code == 1 and err == ""
    assert "Account 123456789012" in out and "Account 987654321098" in out
    assert "proof: arn:aws:iam::444455556666:user/any could call sts:AssumeRole" in out


def test_json_report_follows_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "scan", "--rules", str(RULES), "--snapshot", str(LOGIN), str(DEV), "--format", "json")
    report = json.loads(out)
    assert code == 1 and report["version"] == 1 and report["errors"] == []
    resources = {f["resource"] for f in report["findings"]}
    assert resources == {
        "arn:aws:iam::123456789012:role/ReadOnly", "arn:aws:iam::123456789012:role/Deployer",
        "arn:aws:iam::123456789012:role/OrgReader", "arn:aws:iam::987654321098:group/Admins",
        "arn:aws:iam::987654321098:policy/AssumeDevRoles", "arn:aws:iam::987654321098:user/contractors/contractor",
    }
    for finding in report["findings"]:
        assert set(finding) >= {"id", "rule", "severity", "account", "resource", "message", "counterexample"}
        assert set(finding["counterexample"]) == {"principal", "action", "resource", "context"}
        assert len(finding["id"]) == 16


def test_finding_ids_are_stable(capsys: pytest.CaptureFixture[str]) -> None:
    ids = []
    for order in ((LOGIN, DEV), (DEV, LOGIN)):
        run(capsys, "scan", "--rules", str(RULES), "--snapshot", *map(str, order), "--format", "json")
    for order in ((LOGIN, DEV), (DEV, LOGIN)):
        _, out, _ = run(capsys, "scan", "--rules", str(RULES), "--snapshot", *map(str, order), "--format", "json")
        ids.append(sorted(f["id"] for f in json.loads(out)["findings"]))
    assert ids[0] == ids[1]


def test_clean_world_exit_0(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "scan", "--rules", str(RULES), "--snapshot", *clean_world(tmp_path))
    assert code == 0
    assert "0 finding(s)" in out


def test_output_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    code, out, _ = run(capsys, "scan", "--rules", str(RULES), "--snapshot", str(LOGIN), str(DEV),
                       "--format", "json", "--output", str(target))
    assert code == 1 and out == ""
    assert json.loads(target.read_text())["version"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_missing_account_is_incomplete_exit_3(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "scan", "--rules", str(RULES), "--snapshot", str(DEV), "--format", "json")
    report = json.loads(out)
    assert code == 3
    assert report["errors"] == [{"account": "987654321098",
                                 "message": "no data for this account (no snapshot given, or not read)"}]
    assert report["findings"]  # the Dev account was still checked


@pytest.mark.parametrize(("setup", "expected"), [
    ("missing-snapshot", "absent.json: cannot read: No such file or directory"),
    ("bad-json", "bad.json: not valid JSON"),
    ("bad-policy", "/RoleDetailList/0/AssumeRolePolicyDocument/Statement/0/Effect: Effect must be"),
    ("foreign-account", "account 444455556666 is neither the login account nor a project account"),
    ("same-account-twice", "account 123456789012 is also in"),
    ("bad-rules", "rules.yaml:4: version: 1 was expected"),
    ("missing-rules", "nope.yaml: cannot read"),
], ids=lambda v: v if isinstance(v, str) and " " not in v else "")
def test_bad_input_is_one_line_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path, setup: str,
                                      expected: str) -> None:
    rules, snapshots = str(RULES), [str(DEV), str(LOGIN)]
    if setup == "missing-snapshot":
        snapshots.append(str(tmp_path / "absent.json"))
    elif setup == "bad-json":
        (tmp_path / "bad.json").write_text("{")
        snapshots.append(str(tmp_path / "bad.json"))
    elif setup == "bad-policy":
        (tmp_path / "p.json").write_text(json.dumps({"RoleDetailList": [{
            "RoleName": "A", "Path": "/", "Arn": "arn:aws:iam::123456789012:role/A",
            "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allowed", "Principal": "*", "Action": "sts:AssumeRole"}]}}]}))
        snapshots = [str(tmp_path / "p.json")]
    elif setup == "foreign-account":
        (tmp_path / "f.json").write_text(json.dumps({"RoleDetailList": [{
            "RoleName": "A", "Path": "/", "Arn": "arn:aws:iam::444455556666:role/A", "AssumeRolePolicyDocument": TRUST}]}))
        snapshots.append(str(tmp_path / "f.json"))
    elif setup == "same-account-twice":
        shutil.copy(DEV, tmp_path / "copy.json")
        snapshots.append(str(tmp_path / "copy.json"))
    elif setup == "bad-rules":
        (tmp_path / "rules.yaml").write_text(RULES.read_text().replace("version: 1", "version: 7"))
        rules = str(tmp_path / "rules.yaml")
    elif setup == "missing-rules":
        rules = str(tmp_path / "nope.yaml")
    code, out, err = run(capsys, "scan", "--rules", rules, "--snapshot", *snapshots, "--output", str(tmp_path / "r.txt"))
    assert code == 2
    assert out == ""
    assert expected in err
    assert err.count("\n") == 1 and err.startswith("xtrust: error: ")
    assert "Traceback" not in err
    assert not (tmp_path / "r.txt").exists()


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["scan", "--snapshot", str(DEV)])
    err = capsys.readouterr().err
    assert caught.value.code == 2 and "--rules" in err and "Traceback" not in err
    assert err.count("\n") == 1


@pytest.mark.parametrize("ending", [False, True])
def test_a_snapshot_scan_leaves_the_collector_paused_only_when_the_process_ends(
        capsys: pytest.CaptureFixture[str], ending: bool) -> None:
    """``main`` as a library call gives the process back as it found it; the ``xtrust`` command (``run``),
    which exits right after, does not resume the collector for a pass that would free nothing."""
    try:
        code = main(["scan", "--rules", str(RULES), "--snapshot", str(LOGIN), str(DEV)], ending=ending)
        assert code == 1
        assert gc.isenabled() is not ending
    finally:
        gc.enable()
    capsys.readouterr()


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_reader_that_goes_away_gets_one_line_and_exit_2(fmt: str) -> None:
    """``xtrust scan … | head -1``: the process ends with one line on standard error, no traceback."""
    world = sorted(str(p) for p in (ROOT / "examples" / "world").glob("*.json"))
    process = subprocess.Popen([sys.executable, "-m", "xtrust", "scan", "--rules", str(ROOT / "rules" / "seed.yaml"),
                                "--snapshot", *world, "--format", fmt], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # before the report is written: the scan takes far longer than this
    error = process.stderr.read()
    assert process.wait(timeout=120) == 2
    assert error.startswith("xtrust: error: standard output") and error.count("\n") == 1, error


def test_the_command_loads_only_what_every_command_needs() -> None:
    """Starting ``xtrust`` leaves out what only some commands or inputs use: PyYAML and jsonschema (rules),
    boto3 (live reads), decimal (numeric conditions), hashlib and OpenSSL (finding ids, for reports), and
    the fix planner. Each is imported where it is used; a scan is shared between processes only after the
    start, so what the start loads is paid once, by one process, while the other core waits."""
    script = ("import sys\nbefore = set(sys.modules)\nimport xtrust.cli\n"
              "print(' '.join(sorted(set(sys.modules) - before)))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          check=True)
    loaded = set(done.stdout.split())
    assert loaded and "xtrust.scan" in loaded
    heavy = {"yaml", "jsonschema", "boto3", "botocore", "decimal", "_decimal", "hashlib", "_hashlib", "xtrust.fix",
             "xtrust.collect", "xtrust.apply", "multiprocessing"}
    assert not loaded & heavy, sorted(loaded & heavy)


@pytest.mark.parametrize("arn", ["arn:aws:iam::123456789012:role/a:b", "arn:aws:iam::123456789012:role//Admin"])
def test_a_role_arn_no_role_can_have_is_bad_input(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                  arn: str) -> None:
    """IAM names roles with letters, digits and +=,.@_- under a path of / or /text/ (API_CreateRole)."""
    (tmp_path / "dev.json").write_text(json.dumps({"RoleDetailList": [{
        "RoleName": arn.rsplit("/", 1)[1], "Path": "/", "Arn": arn, "AssumeRolePolicyDocument": TRUST}]}))
    code, out, err = run(capsys, "scan", "--rules", str(RULES), "--snapshot", str(tmp_path / "dev.json"), str(LOGIN))
    assert code == 2 and out == ""
    assert err == f"xtrust: error: {tmp_path / 'dev.json'}: no role can have this ARN: {arn!r} (a name of letters, " \
                  "digits and +=,.@_-, a path of / or /text/)\n"
