"""Applying fixes to live accounts in moto: dry run, apply → clean scan → rollback, a SIGKILL in the
middle of an apply, a document changed between plan and apply, and the five-version limit.

Each test builds the demo world (the seed's accounts with drift) in its own pair of fresh accounts, so
tests never see each other's writes nor the session's seed world.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from xtrust.apply import Journal, apply_fixes, iam_client, normalise, read_journal, read_live, rollback
from xtrust.collect import LiveOptions
from xtrust.demo import AUDIT_ROLE, build_world, demo_rules
from xtrust.fix import Operation, plan_for
from xtrust.rules import RuleSet, parse_rules

from .conftest import MotoServer

pytestmark = pytest.mark.aws

OPTIONS = LiveOptions(assume_role=AUDIT_ROLE, max_attempts=2)
REPO = Path(__file__).resolve().parents[2]
_numbers = itertools.count(1)


@dataclass(frozen=True)
class Drift:
    login: str
    dev: str
    rules: RuleSet
    rules_file: Path


@pytest.fixture
def drift(moto_server: MotoServer, tmp_path: Path) -> Drift:
    number = next(_numbers)
    login, dev = f"7100000000{number:02d}", f"7200000000{number:02d}"
    build_world(login, dev)
    text = demo_rules(login, dev)
    path = tmp_path / "rules.yaml"
    path.write_text(text)
    return Drift(login, dev, parse_rules(text, str(path)), path)


def clients(account: str) -> Any:
    return iam_client(account, OPTIONS)


def documents(drift: Drift) -> dict[str, Any]:
    """Every document the rules look at, normalised: trust policies, inline policies, customer-managed
    policies (default version), keyed by where they live."""
    out: dict[str, Any] = {}
    for account in (drift.login, drift.dev):
        iam = clients(account)
        details = iam.get_account_authorization_details()
        for role in details["RoleDetailList"]:
            out[role["Arn"]] = normalise(role["AssumeRolePolicyDocument"])
        for kind, key in (("GroupDetailList", "GroupPolicyList"), ("UserDetailList", "UserPolicyList")):
            for entity in details[kind]:
                for inline in entity.get(key, []):
                    out[f"{entity['Arn']} {inline['PolicyName']}"] = normalise(inline["PolicyDocument"])
        for policy in iam.list_policies(Scope="Local")["Policies"]:
            version = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])
            out[policy["Arn"]] = normalise(version["PolicyVersion"]["Document"])
    return out


def plan(drift: Drift) -> Any:
    accounts, errors, quotas = read_live(drift.rules.accounts, OPTIONS)
    assert errors == []
    return plan_for(drift.rules, accounts, errors, quotas), quotas


def cli_env() -> dict[str, str]:
    """The environment for ``python -m xtrust`` in a subprocess: the moto endpoint, and this checkout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_dry_run_changes_nothing(drift: Drift, tmp_path: Path) -> None:
    before = documents(drift)
    result = subprocess.run([sys.executable, "-m", "xtrust", "fix", "--rules", str(drift.rules_file),
                             "--assume-role", AUDIT_ROLE, "--format", "json"],
                            capture_output=True, text=True, cwd=tmp_path, env=cli_env(), check=False)
    assert result.returncode == 1, result.stderr
    assert len(json.loads(result.stdout)["fixes"]) == 5
    assert documents(drift) == before
    assert not (tmp_path / "reports").exists()


def test_apply_then_scan_is_clean_and_rollback_restores_every_document(drift: Drift, tmp_path: Path) -> None:
    before = documents(drift)
    (report, fixes), quotas = plan(drift)
    assert len(report.active) == len(fixes.fixes) == 5 and fixes.manual == ()
    journal_path = tmp_path / "journal.jsonl"
    with Journal(journal_path) as journal:
        outcomes = apply_fixes(fixes.fixes, clients, journal, quotas=quotas.__getitem__)
    assert [o.status for o in outcomes] == ["applied"] * 5
    assert documents(drift) != before
    (after, again), _ = plan(drift)
    assert after.active == () and again.fixes == () and again.manual == ()
    entries = read_journal(journal_path)
    assert [e["kind"] for e in entries] == ["write"] * 5
    first = rollback(entries, clients)
    assert {o.status for o in first} == {"restored"}
    assert documents(drift) == before
    second = rollback(entries, clients)
    assert {o.status for o in second} == {"unchanged"}
    assert documents(drift) == before


def test_a_document_changed_between_plan_and_apply_is_skipped(drift: Drift, tmp_path: Path) -> None:
    (_, fixes), quotas = plan(drift)
    colleague = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{drift.login}:role/Ops"}, "Action": "sts:AssumeRole"}]})
    clients(drift.dev).update_assume_role_policy(RoleName="ReadOnly", PolicyDocument=colleague)
    with Journal(tmp_path / "journal.jsonl") as journal:
        outcomes = apply_fixes(fixes.fixes, clients, journal, quotas=quotas.__getitem__)
    by_label = {o.label: o.status for o in outcomes}
    readonly = f"arn:aws:iam::{drift.dev}:role/ReadOnly trust policy"
    assert by_label.pop(readonly) == "skipped"
    assert set(by_label.values()) == {"applied"}
    live = clients(drift.dev).get_role(RoleName="ReadOnly")["Role"]["AssumeRolePolicyDocument"]
    assert normalise(live) == normalise(colleague)
    assert all(e["resource"] != f"arn:aws:iam::{drift.dev}:role/ReadOnly" for e in read_journal(tmp_path / "journal.jsonl"))


def test_the_oldest_non_default_version_makes_room_and_comes_back_on_rollback(drift: Drift, tmp_path: Path) -> None:
    iam = clients(drift.login)
    arn = f"arn:aws:iam::{drift.login}:policy/AssumeDevRoles"
    for n in range(4):  # four older, non-default versions: five in all, the limit
        text = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Sid": f"Old{n}", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]})
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=text, SetAsDefault=False)
    versions_before = {v["VersionId"]: normalise(iam.get_policy_version(PolicyArn=arn, VersionId=v["VersionId"])
                                                 ["PolicyVersion"]["Document"])
                       for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]}
    before = documents(drift)
    (_, fixes), quotas = plan(drift)
    managed = [f for f in fixes.fixes if f.operation is Operation.CREATE_POLICY_VERSION]
    journal_path = tmp_path / "journal.jsonl"
    with Journal(journal_path) as journal:
        (outcome,) = apply_fixes(managed, clients, journal, quotas=quotas.__getitem__)
    assert outcome.status == "applied"
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert len(versions) == 5
    entries = read_journal(journal_path)
    assert [e["kind"] for e in entries] == ["delete-version", "write"]
    deleted = entries[0]["version_id"]
    assert deleted not in {v["VersionId"] for v in versions}
    rollback(entries, clients)
    assert documents(drift) == before
    restored = [normalise(iam.get_policy_version(PolicyArn=arn, VersionId=v["VersionId"])["PolicyVersion"]["Document"])
                for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]]
    assert sorted(map(json.dumps, restored)) == sorted(map(json.dumps, versions_before.values()))


@pytest.fixture
def apply_env(moto_server: MotoServer) -> Iterator[dict[str, str]]:
    env = cli_env()
    env["XTRUST_APPLY_PAUSE_AFTER_JOURNAL"] = "2"
    yield env


def test_sigkill_in_the_middle_of_an_apply_leaves_a_journal_rollback_can_use(
    drift: Drift, tmp_path: Path, apply_env: dict[str, str]
) -> None:
    before = documents(drift)
    journal_path = tmp_path / "journal.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "xtrust", "fix", "--rules", str(drift.rules_file), "--assume-role", AUDIT_ROLE,
         "--apply", "--yes", "--journal", str(journal_path)],
        env=apply_env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # the second entry is journalled only after the first write: kill while it waits to write again
        for _ in range(600):
            if journal_path.exists() and len(journal_path.read_text().splitlines()) >= 2:
                break
            if process.poll() is not None:
                pytest.fail("the apply ended before it could be interrupted")
            time.sleep(0.2)
        else:
            pytest.fail("the apply never journalled two entries")
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL
    entries = read_journal(journal_path)
    assert len(entries) >= 2
    assert documents(drift) != before  # the first fix was written
    outcomes = rollback(entries, clients)
    assert "failed" not in {o.status for o in outcomes}
    assert documents(drift) == before
