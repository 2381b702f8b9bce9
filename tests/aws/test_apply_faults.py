"""Faults during an apply that moto cannot produce, with botocore's Stubber: throttling beyond botocore's
retries and a 5xx on a write, and a failure between deleting a managed policy's oldest version and creating
the new one. Each time the fix fails with a one-line cause, the journal holds what was there before, and a
rollback puts back what the apply had changed before the fault — with the calls IAM would receive checked
one by one.

Offline: every IAM call is answered by the Stubber (no moto server, no network).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

import boto3
import pytest
from botocore.stub import ANY, Stubber

from xtrust.apply import Journal, apply_fixes, read_journal, rollback
from xtrust.fix import Fix, Operation
from xtrust.model import Policy, PolicyKind, parse_policy
from xtrust.verify import Quotas

LOGIN, DEV, VENDOR = "987654321098", "123456789012", "444455556666"
CREATED = datetime(2024, 5, 1, 12, 30, tzinfo=timezone.utc)
POLICY_ARN = f"arn:aws:iam::{LOGIN}:policy/AssumeDevRoles"


def trust(*principals: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": list(principals)}, "Action": "sts:AssumeRole"}]}


def assume(*resources: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": list(resources)}]}


ROOT = f"arn:aws:iam::{LOGIN}:root"
TRUST_BEFORE, TRUST_AFTER = trust(ROOT, VENDOR), trust(ROOT)
ADMIN = f"arn:aws:iam::{DEV}:role/Admin"
ASSUME_BEFORE, ASSUME_AFTER = assume(f"arn:aws:iam::{DEV}:role/*"), assume(ADMIN)
OLDEST = assume(f"arn:aws:iam::{DEV}:role/Old*")  # the oldest non-default version, deleted to make room


def policy(document: dict[str, Any], kind: PolicyKind = PolicyKind.TRUST) -> Policy:
    return parse_policy(document, kind=kind)


def trust_fix(role: str) -> Fix:
    return Fix(f"finding-{role}", DEV, f"arn:aws:iam::{DEV}:role/{role}", Operation.UPDATE_ASSUME_ROLE_POLICY, role,
               policy(TRUST_BEFORE), policy(TRUST_AFTER), f"/Statement/0: dropped {VENDOR}")


def version_fix() -> Fix:
    return Fix("finding-policy", LOGIN, POLICY_ARN, Operation.CREATE_POLICY_VERSION, "",
               policy(ASSUME_BEFORE, PolicyKind.IDENTITY), policy(ASSUME_AFTER, PolicyKind.IDENTITY),
               "/Statement/0: narrowed Resource", policy_arn=POLICY_ARN)


def encoded(document: dict[str, Any]) -> str:
    """A document as IAM returns it: URL-encoded JSON (boto3 decodes it)."""
    return quote(json.dumps(document))


def get_role(role: str, document: dict[str, Any]) -> dict[str, Any]:
    return {"Role": {"Path": "/", "RoleName": role, "RoleId": "AROA" + role.upper().ljust(17, "X"),
                     "Arn": f"arn:aws:iam::{DEV}:role/{role}", "CreateDate": CREATED,
                     "AssumeRolePolicyDocument": encoded(document)}}


def policy_version(version: str, document: dict[str, Any], default: bool) -> dict[str, Any]:
    return {"PolicyVersion": {"Document": encoded(document), "VersionId": version, "IsDefaultVersion": default,
                              "CreateDate": CREATED}}


def version_list(*versions: str, default: str) -> dict[str, Any]:
    return {"Versions": [{"VersionId": v, "IsDefaultVersion": v == default,
                          "CreateDate": CREATED.replace(day=int(v[1:]))} for v in versions]}


def get_policy(default: str) -> dict[str, Any]:
    return {"Policy": {"PolicyName": "AssumeDevRoles", "Arn": POLICY_ARN, "DefaultVersionId": default}}


class StubbedIam:
    """An offline IAM client whose every call is answered, in order, by a Stubber; the documents sent with
    each write are recorded (decoded) so that a test can say what IAM was asked to store."""

    def __init__(self) -> None:
        self.client = boto3.session.Session(
            aws_access_key_id="offline", aws_secret_access_key="offline", region_name="us-east-1"
        ).client("iam", endpoint_url="http://127.0.0.1:9")
        self.stub = Stubber(self.client)
        self.written: list[tuple[str, dict[str, Any]]] = []
        self.client.meta.events.register("provide-client-params.iam.*", self._record)

    def _record(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        if "PolicyDocument" in params:
            self.written.append((model.name, json.loads(params["PolicyDocument"])))

    def ok(self, operation: str, response: dict[str, Any], params: dict[str, Any] | None = None) -> None:
        self.stub.add_response(operation, response, params)

    def fail(self, operation: str, code: str, message: str, status: int, attempts: int = 0) -> None:
        self.stub.add_client_error(operation, service_error_code=code, service_message=message,
                                   http_status_code=status, response_meta={"RetryAttempts": attempts})

    @property
    def done(self) -> bool:
        try:
            self.stub.assert_no_pending_responses()
        except AssertionError:
            return False
        return True


@pytest.fixture
def iam() -> Iterator[StubbedIam]:
    stubbed = StubbedIam()
    with stubbed.stub:
        yield stubbed


def apply(fixes: list[Fix], iam: StubbedIam, path: Path) -> list[Any]:
    with Journal(path) as journal:
        return apply_fixes(fixes, lambda account: iam.client, journal, quotas=lambda account: Quotas())


WRITE_FAULTS = {
    "throttled beyond retries": (("Throttling", "Rate exceeded", 400, 7),
                                 "UpdateAssumeRolePolicy: Throttling (after 8 attempts): Rate exceeded"),
    "service unavailable": (("ServiceUnavailable", "Service is unavailable", 503, 7),
                            "UpdateAssumeRolePolicy: ServiceUnavailable (after 8 attempts): Service is unavailable"),
    "internal error": (("InternalFailure", "", 500, 0), "UpdateAssumeRolePolicy: InternalFailure"),
}


@pytest.mark.parametrize(("fault", "cause"), WRITE_FAULTS.values(), ids=WRITE_FAULTS.keys())
def test_a_failed_write_is_reported_journalled_and_rolled_back(
        iam: StubbedIam, tmp_path: Path, fault: tuple[str, str, int, int], cause: str) -> None:
    # Admin is fixed; the write to Vendor fails; a third fix still goes ahead.
    iam.ok("get_role", get_role("Admin", TRUST_BEFORE), {"RoleName": "Admin"})
    iam.ok("update_assume_role_policy", {}, {"RoleName": "Admin", "PolicyDocument": ANY})
    iam.ok("get_role", get_role("Admin", TRUST_AFTER), {"RoleName": "Admin"})
    iam.ok("get_role", get_role("Vendor", TRUST_BEFORE), {"RoleName": "Vendor"})
    iam.fail("update_assume_role_policy", *fault)
    iam.ok("get_role", get_role("ReadOnly", TRUST_BEFORE), {"RoleName": "ReadOnly"})
    iam.ok("update_assume_role_policy", {}, {"RoleName": "ReadOnly", "PolicyDocument": ANY})
    iam.ok("get_role", get_role("ReadOnly", TRUST_AFTER), {"RoleName": "ReadOnly"})
    path = tmp_path / "journal.jsonl"
    outcomes = apply([trust_fix("Admin"), trust_fix("Vendor"), trust_fix("ReadOnly")], iam, path)
    assert iam.done
    assert [o.status for o in outcomes] == ["applied", "failed", "applied"]
    assert outcomes[1].detail == cause and "\n" not in outcomes[1].detail

    entries = read_journal(path)
    assert [(e["kind"], e["entity"]) for e in entries] == [("write", "Admin"), ("write", "Vendor"),
                                                           ("write", "ReadOnly")]
    assert all(e["before"] == TRUST_BEFORE for e in entries)  # the old documents, the failed one's included

    # Rollback, newest first: ReadOnly and Admin changed and are put back; Vendor never changed.
    iam.written.clear()
    iam.ok("get_role", get_role("ReadOnly", TRUST_AFTER), {"RoleName": "ReadOnly"})
    iam.ok("update_assume_role_policy", {}, {"RoleName": "ReadOnly", "PolicyDocument": ANY})
    iam.ok("get_role", get_role("Vendor", TRUST_BEFORE), {"RoleName": "Vendor"})
    iam.ok("get_role", get_role("Admin", TRUST_AFTER), {"RoleName": "Admin"})
    iam.ok("update_assume_role_policy", {}, {"RoleName": "Admin", "PolicyDocument": ANY})
    restored = rollback(entries, lambda account: iam.client)
    assert iam.done
    assert [(o.label, o.status) for o in restored] == [("role ReadOnly trust policy", "restored"),
                                                        ("role Vendor trust policy", "unchanged"),
                                                        ("role Admin trust policy", "restored")]
    assert iam.written == [("UpdateAssumeRolePolicy", TRUST_BEFORE)] * 2


def test_a_5xx_on_a_write_that_landed_is_rolled_back_too(iam: StubbedIam, tmp_path: Path) -> None:
    """A 5xx does not say whether IAM stored the document: rollback reads it and puts the old one back."""
    iam.ok("get_role", get_role("Vendor", TRUST_BEFORE), {"RoleName": "Vendor"})
    iam.fail("update_assume_role_policy", "ServiceFailure", "Internal error", 500, 7)
    path = tmp_path / "journal.jsonl"
    (outcome,) = apply([trust_fix("Vendor")], iam, path)
    assert outcome.status == "failed"
    assert outcome.detail == "UpdateAssumeRolePolicy: ServiceFailure (after 8 attempts): Internal error"

    iam.written.clear()
    iam.ok("get_role", get_role("Vendor", TRUST_AFTER), {"RoleName": "Vendor"})  # it had landed after all
    iam.ok("update_assume_role_policy", {}, {"RoleName": "Vendor", "PolicyDocument": ANY})
    (restored,) = rollback(read_journal(path), lambda account: iam.client)
    assert iam.done and restored.status == "restored"
    assert iam.written == [("UpdateAssumeRolePolicy", TRUST_BEFORE)]


FIVE = ("v1", "v2", "v3", "v4", "v5")


def stub_make_room_then_fail(iam: StubbedIam) -> None:
    """The apply of the version fix: read the default, list five versions, delete the oldest, then fail."""
    iam.ok("get_policy", get_policy("v5"), {"PolicyArn": POLICY_ARN})
    iam.ok("get_policy_version", policy_version("v5", ASSUME_BEFORE, True), {"PolicyArn": POLICY_ARN, "VersionId": "v5"})
    iam.ok("list_policy_versions", version_list(*FIVE, default="v5"), {"PolicyArn": POLICY_ARN})
    iam.ok("get_policy_version", policy_version("v1", OLDEST, False), {"PolicyArn": POLICY_ARN, "VersionId": "v1"})
    iam.ok("delete_policy_version", {}, {"PolicyArn": POLICY_ARN, "VersionId": "v1"})
    iam.fail("create_policy_version", "ServiceFailure", "Internal error", 500)


def test_a_failure_after_deleting_the_oldest_version_is_undone_by_recreating_it(
        iam: StubbedIam, tmp_path: Path) -> None:
    stub_make_room_then_fail(iam)
    path = tmp_path / "journal.jsonl"
    (outcome,) = apply([version_fix()], iam, path)
    assert iam.done
    assert (outcome.status, outcome.detail) == ("failed", "CreatePolicyVersion: ServiceFailure: Internal error")

    deleted, write = read_journal(path)
    # what a rollback needs to re-create the deleted version: the policy, the version and its document,
    # journalled before the deletion
    assert (deleted["kind"], deleted["account"], deleted["policy_arn"], deleted["version_id"]) == (
        "delete-version", LOGIN, POLICY_ARN, "v1")
    assert deleted["document"] == OLDEST
    assert (write["kind"], write["before"], write["versions"], write["default_version"]) == (
        "write", ASSUME_BEFORE, list(FIVE), "v5")

    # Rollback, newest first: the write changed nothing (v5 is still the default, no version of ours), and
    # the deleted version is re-created beside the others, not as the default.
    iam.written.clear()
    remaining = version_list("v2", "v3", "v4", "v5", default="v5")
    iam.ok("list_policy_versions", remaining, {"PolicyArn": POLICY_ARN})
    iam.ok("list_policy_versions", remaining, {"PolicyArn": POLICY_ARN})
    iam.ok("get_policy_version", policy_version("v5", ASSUME_BEFORE, True), {"PolicyArn": POLICY_ARN, "VersionId": "v5"})
    iam.ok("list_policy_versions", remaining, {"PolicyArn": POLICY_ARN})
    for version in ("v2", "v3", "v4"):
        iam.ok("get_policy_version", policy_version(version, assume(f"arn:aws:iam::{DEV}:role/{version}"), False),
               {"PolicyArn": POLICY_ARN, "VersionId": version})
    iam.ok("get_policy_version", policy_version("v5", ASSUME_BEFORE, True), {"PolicyArn": POLICY_ARN, "VersionId": "v5"})
    iam.ok("create_policy_version", {"PolicyVersion": {"VersionId": "v6", "IsDefaultVersion": False}},
           {"PolicyArn": POLICY_ARN, "PolicyDocument": ANY, "SetAsDefault": False})
    outcomes = rollback([deleted, write], lambda account: iam.client)
    assert iam.done
    assert [(o.status, o.detail) for o in outcomes] == [
        ("unchanged", "already as before"),
        ("restored", "re-created the deleted version as v6"),
    ]
    assert iam.written == [("CreatePolicyVersion", OLDEST)]


def test_a_new_version_that_landed_despite_the_5xx_is_undone_and_the_deleted_one_recreated(
        iam: StubbedIam, tmp_path: Path) -> None:
    stub_make_room_then_fail(iam)
    path = tmp_path / "journal.jsonl"
    (outcome,) = apply([version_fix()], iam, path)
    assert iam.done and outcome.status == "failed"

    # IAM had stored the new version as v6, the default, after all.
    iam.written.clear()
    landed = version_list("v2", "v3", "v4", "v5", "v6", default="v6")
    iam.ok("list_policy_versions", landed, {"PolicyArn": POLICY_ARN})
    iam.ok("list_policy_versions", landed, {"PolicyArn": POLICY_ARN})
    iam.ok("get_policy_version", policy_version("v6", ASSUME_AFTER, True), {"PolicyArn": POLICY_ARN, "VersionId": "v6"})
    iam.ok("get_policy_version", policy_version("v5", ASSUME_BEFORE, False), {"PolicyArn": POLICY_ARN, "VersionId": "v5"})
    iam.ok("set_default_policy_version", {}, {"PolicyArn": POLICY_ARN, "VersionId": "v5"})
    iam.ok("get_policy_version", policy_version("v6", ASSUME_AFTER, False), {"PolicyArn": POLICY_ARN, "VersionId": "v6"})
    iam.ok("delete_policy_version", {}, {"PolicyArn": POLICY_ARN, "VersionId": "v6"})
    remaining = version_list("v2", "v3", "v4", "v5", default="v5")
    iam.ok("list_policy_versions", remaining, {"PolicyArn": POLICY_ARN})
    for version in ("v2", "v3", "v4"):
        iam.ok("get_policy_version", policy_version(version, assume(f"arn:aws:iam::{DEV}:role/{version}"), False),
               {"PolicyArn": POLICY_ARN, "VersionId": version})
    iam.ok("get_policy_version", policy_version("v5", ASSUME_BEFORE, True), {"PolicyArn": POLICY_ARN, "VersionId": "v5"})
    iam.ok("create_policy_version", {"PolicyVersion": {"VersionId": "v7", "IsDefaultVersion": False}},
           {"PolicyArn": POLICY_ARN, "PolicyDocument": ANY, "SetAsDefault": False})
    outcomes = rollback(read_journal(path), lambda account: iam.client)
    assert iam.done
    assert [(o.status, o.detail) for o in outcomes] == [
        ("restored", "made v5 the default again; deleted version v6 the fix created"),
        ("restored", "re-created the deleted version as v7"),
    ]
    assert iam.written == [("CreatePolicyVersion", OLDEST)]
