"""Reading accounts live from a moto server on loopback, exactly as in production: assume a role per
account, one paginated GetAccountAuthorizationDetails, failures isolated per account."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from xtrust.collect import (
    SNAPSHOT_KEYS,
    AccountRead,
    IamCallCounter,
    LiveOptions,
    read_account,
    read_accounts,
    write_snapshots,
)
from xtrust.errors import ScanError
from xtrust.rules import parse_rules
from xtrust.scan import AccountSource, scan, scan_snapshots
from xtrust.snapshot import parse_snapshot

from .conftest import AUDIT_ROLE, DEV, LOGIN, NO_PERMISSION, NOT_ALLOWED, World, free_port, write_profile

pytestmark = pytest.mark.aws

AUDIT = LiveOptions(assume_role=AUDIT_ROLE, max_attempts=2)


def names(data: dict[str, Any], key: str, field: str) -> set[str]:
    return {entry[field] for entry in data[key]}


def arn_accounts(data: dict[str, Any]) -> set[str]:
    """Accounts named by the ARNs of the account's own users, groups and roles."""
    entries = data["UserDetailList"] + data["GroupDetailList"] + data["RoleDetailList"]
    return {entry["Arn"].split(":")[4] for entry in entries}


@pytest.fixture(scope="module")
def both(world: World) -> dict[str, AccountRead]:
    """Dev and the login account, read through the assumed audit role."""
    return {read.account: read for read in read_accounts([DEV, LOGIN], AUDIT)}


def test_both_accounts_are_read_through_the_assumed_role(both: dict[str, AccountRead]) -> None:
    assert [read.error for read in both.values()] == [None, None]
    dev, login = both[DEV].data, both[LOGIN].data
    assert dev is not None and login is not None
    assert set(dev) == set(SNAPSHOT_KEYS) == set(login)
    assert arn_accounts(dev) == {DEV} and arn_accounts(login) == {LOGIN}
    assert {"Admin", AUDIT_ROLE} <= names(dev, "RoleDetailList", "RoleName")
    assert names(login, "GroupDetailList", "GroupName") == {"CloudOps"}
    assert names(login, "UserDetailList", "UserName") == {"michael.ludvig"}


def test_the_seed_policies_arrive_as_documents(both: dict[str, AccountRead]) -> None:
    dev, login = both[DEV].data, both[LOGIN].data
    assert dev is not None and login is not None
    admin = next(role for role in dev["RoleDetailList"] if role["RoleName"] == "Admin")
    assert admin["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{LOGIN}:root"}
    assert [p["PolicyName"] for p in admin["AttachedManagedPolicies"]] == ["AdministratorAccess"]
    (group,) = login["GroupDetailList"]
    (inline,) = group["GroupPolicyList"]
    statement = inline["PolicyDocument"]["Statement"][0]
    assert (inline["PolicyName"], statement["Resource"]) == ("AssumeAdmin", [f"arn:aws:iam::{DEV}:role/Admin"])
    (user,) = login["UserDetailList"]
    assert user["GroupList"] == ["CloudOps"]


def test_a_read_is_json_as_it_stands(both: dict[str, AccountRead]) -> None:
    for read in both.values():
        assert json.loads(json.dumps(read.data)) == read.data  # no datetimes, no tuples
        assert isinstance(read.data and read.data["RoleDetailList"][0]["CreateDate"], str)


def test_written_snapshots_read_back_equal_to_the_live_read(both: dict[str, AccountRead], tmp_path: Path) -> None:
    paths = write_snapshots(both.values(), tmp_path / "snapshots")
    assert sorted(path.name for path in paths) == sorted([f"{DEV}.json", f"{LOGIN}.json"])
    for path in paths:
        assert json.loads(path.read_text()) == both[path.stem].data
    assert sorted(p.name for p in (tmp_path / "snapshots").iterdir()) == sorted(p.name for p in paths)


SEED_RULES = f"""
version: 1
accounts: {{login: "{LOGIN}", projects: ["{DEV}"]}}
rules:
  - {{id: trust-only-login-account, check: role-trust, severity: high,
     allow: {{principals: ["arn:aws:iam::{LOGIN}:root"]}}}}
  - {{id: assume-only-listed-roles, check: identity-assume, severity: high,
     allow: {{roles: ["arn:aws:iam::{DEV}:role/Admin"]}}}}
"""


def test_a_live_scan_finds_what_a_scan_of_the_written_snapshots_finds(
    both: dict[str, AccountRead], tmp_path: Path
) -> None:
    rules, now = parse_rules(SEED_RULES), datetime(2024, 5, 1, tzinfo=timezone.utc)
    live = [AccountSource(read.account, partial(parse_snapshot, read.data, read.account)) for read in both.values()]
    from_live = scan(rules, live, now=now)
    from_files = scan_snapshots(rules, write_snapshots(both.values(), tmp_path), now=now)
    assert from_live.errors == from_files.errors == ()
    assert from_live.findings == from_files.findings
    # the audit role trusts the scanner's account, not the login account: the one drift in the seed world
    assert {(f.rule, f.resource) for f in from_live.findings} == {
        ("trust-only-login-account", f"arn:aws:iam::{DEV}:role/{AUDIT_ROLE}")
    }


def test_one_iam_call_per_page_and_nothing_else(world: World) -> None:
    counter = IamCallCounter()
    data = read_account(DEV, AUDIT, counter=counter)
    # moto answers GetAccountAuthorizationDetails in one page; a two-page answer is in test_faults.py
    assert counter.operations == ["GetAccountAuthorizationDetails"]
    assert data["RoleDetailList"]


def test_read_accounts_reports_the_iam_calls_per_account(both: dict[str, AccountRead]) -> None:
    assert {read.account: read.iam_calls for read in both.values()} == {DEV: 1, LOGIN: 1}


def test_read_order_follows_the_request_and_duplicates_are_read_once(world: World) -> None:
    reads = read_accounts([LOGIN, DEV, LOGIN], AUDIT)
    assert [read.account for read in reads] == [LOGIN, DEV]


def test_a_missing_profile_fails_only_its_account(world: World, aws_config: Path) -> None:
    third = "444455556666"
    options = LiveOptions(assume_role=AUDIT_ROLE, profiles={third: "no-such-profile"}, max_attempts=2)
    reads = {read.account: read for read in read_accounts([DEV, third, LOGIN], options)}
    assert reads[DEV].ok and reads[LOGIN].ok
    error = reads[third].error
    assert isinstance(error, ScanError) and error.account == third
    assert "no-such-profile" in error.message and "\n" not in str(error)
    assert reads[third].data is None and reads[third].iam_calls == 0


def test_profiles_instead_of_assume_role(world: World, aws_config: Path) -> None:
    write_profile(aws_config, "dev", world.server.session_in(DEV, AUDIT_ROLE))
    write_profile(aws_config, "login", world.server.session_in(LOGIN, AUDIT_ROLE))
    reads = read_accounts([DEV, LOGIN], LiveOptions(profiles={DEV: "dev", LOGIN: "login"}))
    assert [(read.account, read.ok) for read in reads] == [(DEV, True), (LOGIN, True)]
    assert reads[1].data is not None and arn_accounts(reads[1].data) == {LOGIN}


def test_credentials_acting_in_another_account_are_refused(world: World, aws_config: Path) -> None:
    write_profile(aws_config, "dev", world.server.session_in(DEV, AUDIT_ROLE))
    reads = read_accounts([LOGIN], LiveOptions(profiles={LOGIN: "dev"}))
    (read,) = reads
    assert read.data is None and read.iam_calls == 0
    assert read.error is not None and f"act in account {DEV}" in read.error.message


def test_an_unreachable_endpoint_fails_only_its_account(
    world: World, aws_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dev, login = world.server.session_in(DEV, AUDIT_ROLE), world.server.session_in(LOGIN, AUDIT_ROLE)
    closed = f"http://127.0.0.1:{free_port()}"
    write_profile(aws_config, "dev", dev, endpoint_url=world.server.endpoint)
    write_profile(aws_config, "login", login, endpoint_url=closed)
    # the endpoint comes from each profile's configuration here, not from the environment
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    options = LiveOptions(profiles={DEV: "dev", LOGIN: "login"}, max_attempts=2, connect_timeout=2)
    reads = {read.account: read for read in read_accounts([DEV, LOGIN], options)}
    assert reads[DEV].ok
    error = reads[LOGIN].error
    assert error is not None and "Could not connect to the endpoint URL" in error.message
    assert closed in error.message and "\n" not in error.message


def test_denied_assume_role_and_denied_read_are_isolated(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """With moto checking IAM policies: the scanner may not assume a role in NOT_ALLOWED, and the
    audit role in NO_PERMISSION may not call GetAccountAuthorizationDetails."""
    access_key, secret_key = world.scanner_key
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret_key)
    with world.server.iam_authorization():
        reads = {read.account: read for read in read_accounts([DEV, NOT_ALLOWED, LOGIN, NO_PERMISSION], AUDIT)}
    assert reads[DEV].ok and reads[LOGIN].ok
    denied, unreadable = reads[NOT_ALLOWED].error, reads[NO_PERMISSION].error
    assert denied is not None and denied.message.startswith("AssumeRole: AccessDenied")
    assert unreadable is not None and unreadable.message.startswith("GetAccountAuthorizationDetails: AccessDenied")
    assert (reads[NOT_ALLOWED].iam_calls, reads[NO_PERMISSION].iam_calls) == (0, 1)
    assert all("\n" not in str(read.error) for read in reads.values())
