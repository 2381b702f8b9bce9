"""Snapshot input: get-account-authorization-details documents, good and bad."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_model import assert_as_constructed
from xtrust.errors import InputError, PolicyError
from xtrust.snapshot import _fingerprint, load_snapshot, parse_snapshot

WORLD = Path(__file__).resolve().parents[2] / "examples" / "world"
TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::987654321098:root"}, "Action": "sts:AssumeRole"}]}


def role(name: str = "Admin", trust: Any = TRUST, account: str = "123456789012", **extra: Any) -> dict[str, Any]:
    return {"Path": "/", "RoleName": name, "Arn": f"arn:aws:iam::{account}:role/{name}",
            "AssumeRolePolicyDocument": trust, "RolePolicyList": [], "AttachedManagedPolicies": [], **extra}


def test_example_world_loads() -> None:
    login = load_snapshot(WORLD / "login-987654321098.json")
    dev = load_snapshot(WORLD / "dev-123456789012.json")
    assert login.id == "987654321098" and dev.id == "123456789012"
    assert {g.name for g in login.groups} == {"CloudOps", "Admins", "Developers", "Auditors"}
    assert [u.groups for u in login.users if u.name == "michael.ludvig"] == [("CloudOps",)]
    admins = login.group("Admins")
    assert admins is not None
    grants, missing = login.grants(admins)
    assert missing == [] and grants[0].aws_managed and grants[0].policy_arn.endswith("AdministratorAccess")


def test_read_values_are_what_their_constructors_make() -> None:
    for path in sorted(WORLD.glob("*.json")):
        account = load_snapshot(path)
        assert_as_constructed((account.roles, account.groups, account.users, account.policies))
    inline = [{"PolicyName": "p", "PolicyDocument": quote(json.dumps({"Statement": {
        "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}}))}]
    account = parse_snapshot({
        "RoleDetailList": [role(RolePolicyList=inline)],
        "GroupDetailList": [{"GroupName": "g", "Arn": "arn:aws:iam::123456789012:group/g", "GroupPolicyList": inline,
                             "AttachedManagedPolicies": [{"PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]}],
        "UserDetailList": [{"UserName": "u", "Arn": "arn:aws:iam::123456789012:user/u", "UserPolicyList": inline,
                            "GroupList": ["g"]}],
    })
    assert_as_constructed((account.roles, account.groups, account.users))


def test_url_encoded_and_object_documents_are_the_same_policy() -> None:
    encoded = parse_snapshot({"RoleDetailList": [role(trust=quote(json.dumps(TRUST)))]})
    plain = parse_snapshot({"RoleDetailList": [role()]})
    assert encoded.roles[0].trust == plain.roles[0].trust


def test_identical_documents_are_parsed_once() -> None:
    account = parse_snapshot({"RoleDetailList": [role("A"), role("B")]})
    assert account.roles[0].trust is account.roles[1].trust


def test_user_inherits_group_policies_and_reports_missing_ones() -> None:
    data = {
        "GroupDetailList": [{"GroupName": "Ops", "Path": "/", "Arn": "arn:aws:iam::987654321098:group/Ops",
                             "GroupPolicyList": [], "AttachedManagedPolicies": [
                                 {"PolicyName": "Gone", "PolicyArn": "arn:aws:iam::987654321098:policy/Gone"}]}],
        "UserDetailList": [{"UserName": "bob", "Path": "/", "Arn": "arn:aws:iam::987654321098:user/bob",
                            "GroupList": ["Ops", "Ghosts"], "UserPolicyList": [
                                {"PolicyName": "own", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                                    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}}]}],
    }
    account = parse_snapshot(data, "login.json")
    grants, missing = account.grants(account.users[0])
    assert [g.inline_name for g in grants] == ["own"]
    assert missing == ["group Ghosts", "arn:aws:iam::987654321098:policy/Gone"]


def test_account_from_file_name_when_empty(tmp_path: Path) -> None:
    path = tmp_path / "prod-210987654321.json"
    path.write_text(json.dumps({"RoleDetailList": [], "UserDetailList": [], "GroupDetailList": [], "Policies": []}))
    assert load_snapshot(path).id == "210987654321"


BAD: list[tuple[str, Any, str]] = [
    ("not-an-object", [], "s.json: (top level): expected a JSON object"),
    ("no-known-keys", {"Roles": []}, "s.json: (top level): not a get-account-authorization-details document"),
    ("list-not-list", {"RoleDetailList": {}}, "s.json: /RoleDetailList: expected a list"),
    ("role-not-object", {"RoleDetailList": ["Admin"]}, "s.json: /RoleDetailList/0: expected a JSON object"),
    ("missing-arn", {"RoleDetailList": [{"RoleName": "A", "AssumeRolePolicyDocument": TRUST}]},
     "s.json: /RoleDetailList/0/Arn: missing"),
    ("missing-trust", {"RoleDetailList": [role(trust=None)]},
     "s.json: /RoleDetailList/0/AssumeRolePolicyDocument: missing policy document"),
    ("bad-effect", {"RoleDetailList": [role(trust={"Statement": [{"Effect": "allow", "Principal": "*", "Action": "sts:AssumeRole"}]})]},
     "s.json: /RoleDetailList/0/AssumeRolePolicyDocument/Statement/0/Effect: Effect must be 'Allow' or 'Deny'"),
    ("bad-encoded-json", {"RoleDetailList": [role(trust="%7B%22Statement%22")]},
     "s.json: /RoleDetailList/0/AssumeRolePolicyDocument: not valid JSON"),
    ("two-accounts", {"RoleDetailList": [role("A"), role("B", account="444455556666")]},
     "s.json: /RoleDetailList/1/Arn: holds account 444455556666 as well as 123456789012"),
    ("no-account", {"RoleDetailList": []}, "s.json: (top level): no ARN tells which account this is"),
    ("bad-arn-after-good-ones", {"RoleDetailList": [role("A"), role("B"), {**role("C"), "Arn": "role/C"}]},
     "s.json: /RoleDetailList/2/Arn: not an IAM ARN with an account ID: 'role/C'"),
    ("account-in-other-digits", {"RoleDetailList": [{**role("A"), "Arn": "arn:aws:iam::" + "\u0661" * 12 + ":role/A"}]},
     "s.json: /RoleDetailList/0/Arn: not an IAM ARN with an account ID"),
    ("name-not-string", {"RoleDetailList": [{**role("A"), "RoleName": 7}]},
     "s.json: /RoleDetailList/0/RoleName: expected a string"),
    ("encoded-json-nested-too-deep", {"RoleDetailList": [role(trust="[" * 100_000 + "]" * 100_000)]},
     "s.json: /RoleDetailList/0/AssumeRolePolicyDocument: not JSON xtrust can read: arrays or objects nested too deep"),
    ("encoded-json-nan", {"RoleDetailList": [role(trust='{"Version": NaN}')]},
     "s.json: /RoleDetailList/0/AssumeRolePolicyDocument: not JSON xtrust can read: NaN, which JSON does not have"),
    ("encoded-json-number-too-long", {"RoleDetailList": [role(trust='{"Version": ' + "9" * 5000 + "}")]},
     "s.json: /RoleDetailList/0/AssumeRolePolicyDocument: not JSON xtrust can read: a number of over 4,300 digits"),
    ("path-not-string", {"RoleDetailList": [{**role("A"), "Path": None}]},
     "s.json: /RoleDetailList/0/Path: missing"),
    ("attached-arn-not-string", {"RoleDetailList": [{**role("A"), "AttachedManagedPolicies": [
        {"PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}, {"PolicyArn": 3}]}]},
     "s.json: /RoleDetailList/0/AttachedManagedPolicies/1/PolicyArn: expected a string"),
    ("attached-not-object", {"RoleDetailList": [{**role("A"), "AttachedManagedPolicies": ["arn:aws:iam::aws:policy/X"]}]},
     "s.json: /RoleDetailList/0/AttachedManagedPolicies/0: expected a JSON object"),
    ("bad-group-list", {"UserDetailList": [{"UserName": "b", "Arn": "arn:aws:iam::1:user/b", "GroupList": [1]}]},
     "s.json: /UserDetailList/0/GroupList: expected a list of group names"),
    ("user-not-object", {"UserDetailList": [None]}, "s.json: /UserDetailList/0: expected a JSON object"),
    ("group-list-not-list", {"UserDetailList": [{"UserName": "b", "Arn": "arn:aws:iam::1:user/b", "GroupList": "g"}]},
     "s.json: /UserDetailList/0/GroupList: expected a list"),
    ("user-name-missing", {"UserDetailList": [{"Arn": "arn:aws:iam::987654321098:user/b", "GroupList": ["g"]}]},
     "s.json: /UserDetailList/0/UserName: missing"),
    ("inline-list-not-list", {"RoleDetailList": [{**role("A"), "RolePolicyList": {"PolicyName": "p"}}]},
     "s.json: /RoleDetailList/0/RolePolicyList: expected a list"),
    ("inline-empty-not-list", {"RoleDetailList": [{**role("A"), "RolePolicyList": ""}]},
     "s.json: /RoleDetailList/0/RolePolicyList: expected a list"),
    ("inline-not-object", {"RoleDetailList": [{**role("A"), "RolePolicyList": ["p"]}]},
     "s.json: /RoleDetailList/0/RolePolicyList/0: expected a JSON object"),
    ("inline-name-missing", {"RoleDetailList": [{**role("A"), "RolePolicyList": [{"PolicyDocument": TRUST}]}]},
     "s.json: /RoleDetailList/0/RolePolicyList/0/PolicyName: missing"),
    ("inline-document-missing", {"RoleDetailList": [{**role("A"), "RolePolicyList": [
        {"PolicyName": "a", "PolicyDocument": {"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}},
        {"PolicyName": "b"}]}]},
     "s.json: /RoleDetailList/0/RolePolicyList/1/PolicyDocument: missing policy document"),
    ("user-inline-bad-action", {"UserDetailList": [{"UserName": "b", "Arn": "arn:aws:iam::987654321098:user/b",
                                                    "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": {
                                                        "Statement": {"Effect": "Allow", "Action": ["s3:*", 4],
                                                                      "Resource": "*"}}}]}]},
     "s.json: /UserDetailList/0/UserPolicyList/0/PolicyDocument/Statement/Action/1: Action values must be strings"),
    ("managed-version-bad", {"Policies": [{"Arn": "arn:aws:iam::987654321098:policy/p", "PolicyName": "p",
                                           "AttachmentCount": 1, "DefaultVersionId": "v1", "PolicyVersionList": [
                                               {"VersionId": "v1", "IsDefaultVersion": True,
                                                "Document": {"Statement": [{"Effect": "Allow", "Resource": "*"}]}}]}]},
     "s.json: /Policies/0/PolicyVersionList/0/Document/Statement/0: missing required element 'Action'"),
    ("attachment-count-text", {"Policies": [{"Arn": "arn:aws:iam::987654321098:policy/p", "AttachmentCount": "2"}]},
     "s.json: /Policies/0/AttachmentCount: expected a whole number"),
    ("attachment-count-true", {"Policies": [{"Arn": "arn:aws:iam::aws:policy/ReadOnlyAccess", "AttachmentCount": True}]},
     "s.json: /Policies/0/AttachmentCount: expected a whole number"),
    ("attachment-count-list", {"Policies": [{"Arn": "arn:aws:iam::aws:policy/ReadOnlyAccess", "AttachmentCount": []}]},
     "s.json: /Policies/0/AttachmentCount: expected a whole number"),
    ("default-version-text", {"Policies": [{"Arn": "arn:aws:iam::987654321098:policy/p", "AttachmentCount": 1,
                                            "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": "false"}]}]},
     "s.json: /Policies/0/PolicyVersionList/0/IsDefaultVersion: expected true or false"),
    ("bad-inline", {"GroupDetailList": [{"GroupName": "g", "Arn": "arn:aws:iam::987654321098:group/g",
                                         "GroupPolicyList": [{"PolicyName": "p", "PolicyDocument": {"Statement": [
                                             {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Principal": "*"}]}}]}]},
     "s.json: /GroupDetailList/0/GroupPolicyList/0/PolicyDocument/Statement/0/Principal: an identity policy may not have"),
]


@pytest.mark.parametrize(("data", "expected"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_snapshot_names_file_and_pointer(data: Any, expected: str) -> None:
    with pytest.raises((InputError, PolicyError)) as caught:
        parse_snapshot(data, "s.json")
    assert str(caught.value).startswith(expected), str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(("content", "expected"), [
    (b"{not json", "not valid JSON: Expecting property name enclosed in double quotes at line 1 column 2"),
    (b"{\"a\": \"\x80\"}", "not UTF-8 text"),
    (b"[" * 100_000 + b"]" * 100_000, "not JSON xtrust can read: arrays or objects nested too deep"),
    (b'{"a": ' + b"1" * 5000 + b"}", "not JSON xtrust can read: a number of over 4,300 digits"),
    (b'{"RoleDetailList": [], "x": -Infinity}', "not JSON xtrust can read: -Infinity, which JSON does not have"),
], ids=["invalid-json", "not-utf8", "nested-too-deep", "number-too-long", "infinity"])
def test_bad_snapshot_files(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(content)
    with pytest.raises(InputError, match=expected):
        load_snapshot(path)


def test_missing_snapshot_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read: No such file or directory"):
        load_snapshot(tmp_path / "absent.json")


def _aws_managed(name: str, document: Any, attached: int) -> dict[str, Any]:
    return {"PolicyName": name, "Arn": f"arn:aws:iam::aws:policy/{name}", "Path": "/", "DefaultVersionId": "v1",
            "AttachmentCount": attached,
            "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": True, "Document": document}]}


def test_unattached_aws_managed_policies_are_parsed_when_looked_up() -> None:
    good = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}
    broken = {"Statement": [{"Effect": "Permit", "Action": "s3:*", "Resource": "*"}]}
    data = {"RoleDetailList": [role()], "Policies": [_aws_managed("ReadSome", good, 0), _aws_managed("Odd", broken, 0)]}
    account = parse_snapshot(data, "s.json")  # nothing attaches them: no check reads them
    assert list(account.policies) == ["arn:aws:iam::aws:policy/ReadSome", "arn:aws:iam::aws:policy/Odd"]
    assert account.policies["arn:aws:iam::aws:policy/ReadSome"].document == parse_snapshot(
        {"RoleDetailList": [role()], "Policies": [_aws_managed("ReadSome", good, 1)]}).policies[
        "arn:aws:iam::aws:policy/ReadSome"].document
    with pytest.raises(PolicyError) as caught:
        account.policies["arn:aws:iam::aws:policy/Odd"]
    assert str(caught.value).startswith("s.json: /Policies/1/PolicyVersionList/0/Document/Statement/0/Effect:")


def test_attached_managed_policies_are_checked_when_read() -> None:
    broken = {"Statement": [{"Effect": "Permit", "Action": "s3:*", "Resource": "*"}]}
    with pytest.raises(PolicyError, match="/Policies/0/PolicyVersionList/0/Document/Statement/0/Effect"):
        parse_snapshot({"RoleDetailList": [role()], "Policies": [_aws_managed("Odd", broken, 1)]}, "s.json")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(json_values, json_values)
def test_documents_share_a_parse_only_when_they_are_the_same_json(a: Any, b: Any) -> None:
    """The key a document is parsed once under: equal keys mean the same JSON, types included (true is not
    1, 1 is not 1.0); and the same JSON, loaded twice, gets the same key."""
    if _fingerprint(a) == _fingerprint(b):
        assert json.dumps(a) == json.dumps(b)
    assert _fingerprint(json.loads(json.dumps(a))) == _fingerprint(json.loads(json.dumps(a)))
    assert _fingerprint(True) != _fingerprint(1) and _fingerprint(1) != _fingerprint(1.0)
