"""identity-assume across groups and their members: what a user reaches through its groups is reported on
the group; a grant that only some members can use (a condition on aws:username) is found on the group,
whoever its members are today, with a member its conditions name; a group's own allow-list additions apply
to its members."""

from __future__ import annotations

from typing import Any

import pytest

from xtrust import can_assume
from xtrust.checks import LOGIN_TRUST, check_account
from xtrust.rules import parse_rules
from xtrust.snapshot import parse_snapshot

L, D = "987654321098", "123456789012"
RULES = f"""version: 1
accounts: {{login: "{L}", projects: ["{D}"]}}
rules:
  - id: assume
    check: identity-assume
    severity: high
    allow:
      roles: ["arn:aws:iam::{D}:role/Admin"]
      principals:
        Developers: ["arn:aws:iam::{D}:role/dev-*"]
"""


def group(name: str, *statements: dict[str, Any]) -> dict[str, Any]:
    return {"GroupName": name, "Path": "/", "Arn": f"arn:aws:iam::{L}:group/{name}", "GroupPolicyList": [
        {"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": list(statements)}}]}


def user(name: str, groups: list[str], *statements: dict[str, Any]) -> dict[str, Any]:
    policies = [{"PolicyName": "own", "PolicyDocument": {"Version": "2012-10-17", "Statement": list(statements)}}]
    return {"UserName": name, "Path": "/", "Arn": f"arn:aws:iam::{L}:user/{name}", "GroupList": groups,
            "UserPolicyList": policies if statements else []}


def findings(data: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    found, notes, _ = check_account(parse_rules(RULES), parse_snapshot(data, "login.json"))
    assert notes == []
    return {f.resource.rsplit(":", 1)[1]: f.subjects for f in found}


def test_grants_through_groups_are_reported_on_the_group_once() -> None:
    wide = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}
    data = {"GroupDetailList": [group("Ops", wide)],
            "UserDetailList": [user("ann", ["Ops"]), user("bob", ["Ops"], {"Effect": "Allow", "Action": "s3:*", "Resource": "*"})]}
    assert findings(data) == {"group/Ops": (f"arn:aws:iam::{L}:group/Ops",)}


def test_a_grant_only_one_member_can_use_is_found_on_the_group_with_that_member() -> None:
    only_bob = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*",
                "Condition": {"StringEquals": {"aws:username": "bob"}}}
    for members in (["ann", "bob"], ["ann"], []):  # bob a member, not yet, or nobody: the grant is the group's
        data = {"GroupDetailList": [group("Ops", only_bob)],
                "UserDetailList": [user(name, ["Ops"]) for name in members]}
        found, _, _ = check_account(parse_rules(RULES), parse_snapshot(data, "login.json"))
        assert [(f.resource, f.subjects, f.counterexample.principal) for f in found] == [
            (f"arn:aws:iam::{L}:group/Ops", (f"arn:aws:iam::{L}:group/Ops",), f"arn:aws:iam::{L}:user/bob")]


def test_a_groups_allow_list_additions_hold_for_its_members() -> None:
    dev_roles = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{D}:role/dev-*"}
    data = {"GroupDetailList": [group("Developers", dev_roles)],
            "UserDetailList": [user("ann", ["Developers"], {"Effect": "Allow", "Action": "s3:*", "Resource": "*"})]}
    assert findings(data) == {}


def test_a_deny_in_another_group_does_not_hide_the_grant_from_the_group() -> None:
    wide = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}
    guard = {"Effect": "Deny", "Action": "sts:AssumeRole", "NotResource": f"arn:aws:iam::{D}:role/Admin"}
    data = {"GroupDetailList": [group("Ops", wide), group("Guarded", guard)],
            "UserDetailList": [user("ann", ["Ops", "Guarded"])]}
    assert findings(data) == {"group/Ops": (f"arn:aws:iam::{L}:group/Ops",)}


def test_a_user_is_still_checked_for_its_own_grants_when_its_group_is_reported() -> None:
    wide = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}
    own = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{D}:role/user-*"}
    data = {"GroupDetailList": [group("Ops", wide)], "UserDetailList": [user("ann", ["Ops"], own)]}
    assert findings(data) == {"group/Ops": (f"arn:aws:iam::{L}:group/Ops",),
                              "user/ann": (f"arn:aws:iam::{L}:user/ann",)}


def test_a_guard_that_denies_every_role_outside_the_list_settles_a_group() -> None:
    wide = {"Effect": "Allow", "Action": "*", "Resource": "*"}
    guard = {"Effect": "Deny", "Action": "sts:Assume*", "NotResource": [f"arn:aws:iam::{D}:role/Admin",
                                                                        f"arn:aws:iam::{D}:role/dev-*"]}
    data = {"GroupDetailList": [group("Developers", wide, guard), group("Ops", wide, guard)]}
    assert findings(data) == {"group/Ops": (f"arn:aws:iam::{L}:group/Ops",)}  # dev-* is not Ops's to assume


def test_a_guard_does_not_hide_that_conditions_were_cut_short() -> None:
    wide = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{D}:role/Admin",
            "Condition": {"StringEquals": {f"aws:RequestTag/k{i}": ["a", "b", "c"] for i in range(8)}}}
    guard = {"Effect": "Deny", "Action": "sts:AssumeRole", "NotResource": f"arn:aws:iam::{D}:role/Admin"}
    data = {"GroupDetailList": [group("Ops", wide, guard)]}
    found, notes, _ = check_account(parse_rules(RULES), parse_snapshot(data, "login.json"))
    assert found == []
    assert len(notes) == 1 and "more combinations than xtrust tries" in notes[0]


def test_conditions_of_a_document_that_stays_inside_the_list_do_not_cut_the_verdict_short() -> None:
    inside = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{D}:role/Admin",
              "Condition": {"StringEquals": {f"aws:RequestTag/k{i}": ["a", "b", "c"] for i in range(8)}}}
    other = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{D}:role/Other"}
    ops = group("Ops", inside)
    ops["GroupPolicyList"].append({"PolicyName": "q", "PolicyDocument": {"Version": "2012-10-17",
                                                                         "Statement": [other]}})
    found, notes, _ = check_account(parse_rules(RULES), parse_snapshot({"GroupDetailList": [ops]}, "login.json"))
    assert notes == []
    assert [(f.resource, f.counterexample.resource) for f in found] == [
        (f"arn:aws:iam::{L}:group/Ops", f"arn:aws:iam::{D}:role/Other")]


def test_a_deny_that_spares_one_member_is_found_on_the_group() -> None:
    wide = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}
    guard_but_bob = {"Effect": "Deny", "Action": "sts:AssumeRole", "NotResource": f"arn:aws:iam::{D}:role/Admin",
                     "Condition": {"StringNotEquals": {"aws:username": "bob"}}}
    data = {"GroupDetailList": [group("Ops", wide, guard_but_bob)],
            "UserDetailList": [user("ann", ["Ops"]), user("bob", ["Ops"])]}
    assert findings(data) == {"group/Ops": (f"arn:aws:iam::{L}:group/Ops",)}


@pytest.mark.parametrize(("condition", "member"), [
    ({"StringEquals": {"aws:username": "any"}}, "user/any"),
    ({"StringEquals": {"aws:username": "bob"}}, "user/bob"),
    ({"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{L}:user/b*"}}, "user/b"),
    ({"ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{L}:user/team/bob"}}, "user/team/bob"),
    ({"StringNotLike": {"aws:username": ["a*", "x*", "q*", "Z*", "m*"]}}, "user/"),
    ({"StringEquals": {"aws:username": "b*"}}, None),  # no user is named "b*"
    ({"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111111111111:user/bob"}}, None),  # not a member's account
    ({"StringLike": {"aws:username": "*"}, "StringNotLike": {"aws:username": "*"}}, None),
    ({"StringNotEquals": {"aws:username": ["any", "*"]}}, "user/"),  # a star, not a wildcard, in StringNotEquals
])
def test_a_groups_verdict_does_not_depend_on_whether_its_conditions_name_the_fresh_member(
        condition: dict[str, Any], member: str | None) -> None:
    """A group stands for whoever is made a member: each member its conditions name, or a fresh one they
    leave out, whatever name the fresh member happens to have."""
    grant = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*", "Condition": condition}
    found, _, _ = check_account(parse_rules(RULES), parse_snapshot({"GroupDetailList": [group("Ops", grant)]}, "login.json"))
    if member is None:
        assert found == []
        return
    assert [f.resource for f in found] == [f"arn:aws:iam::{L}:group/Ops"]
    principal = found[0].counterexample.principal
    assert principal.startswith(f"arn:aws:iam::{L}:{member}"), principal
    assert can_assume(principal, found[0].counterexample.resource, trust_policy=LOGIN_TRUST(L),
                      identity_policies=[{"Version": "2012-10-17", "Statement": [grant]}],
                      context=dict(found[0].counterexample.context))


def test_an_attached_policy_the_data_cannot_check_is_a_note_saying_why() -> None:
    """A policy missing from the account data, and one whose versions are missing, leave the group unchecked:
    each says so, and which."""
    missing, empty = f"arn:aws:iam::{L}:policy/Gone", f"arn:aws:iam::{L}:policy/NoVersions"
    ops = {"GroupName": "Ops", "Path": "/", "Arn": f"arn:aws:iam::{L}:group/Ops",
           "AttachedManagedPolicies": [{"PolicyName": "Gone", "PolicyArn": missing},
                                       {"PolicyName": "NoVersions", "PolicyArn": empty}]}
    data = {"GroupDetailList": [ops], "Policies": [
        {"PolicyName": "NoVersions", "Arn": empty, "DefaultVersionId": "v1", "AttachmentCount": 1,
         "PolicyVersionList": []}]}
    found, notes, _ = check_account(parse_rules(RULES), parse_snapshot(data, "login.json"))
    assert found == []
    assert notes == [f"arn:aws:iam::{L}:group/Ops: attached {missing} is not in the account data; it cannot be checked",
                     f"arn:aws:iam::{L}:group/Ops: attached {empty} has no default version in the account data; "
                     "it cannot be checked"]


TAGGED = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*",
          "Condition": {"Null": {"aws:RequestTag/ticket": "false"}}}  # only with a session tag
TAG = {"Effect": "Allow", "Action": "sts:TagSession", "Resource": "*"}


def _policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def test_a_grant_that_needs_sts_tagsession_from_another_document_is_found() -> None:
    """A request with session tags needs sts:TagSession too (evaluate.decide): a document that allows only
    that completes another's grant, and one that denies it takes the grant back."""
    ops = group("Ops", TAGGED)
    ops["GroupPolicyList"].append({"PolicyName": "tags", "PolicyDocument": _policy(TAG)})
    assert findings({"GroupDetailList": [ops]}) == {"group/Ops": (f"arn:aws:iam::{L}:group/Ops",)}
    ops["GroupPolicyList"][0]["PolicyDocument"]["Statement"] = [{**TAGGED, "Action": ["sts:AssumeRole", "sts:TagSession"]}]
    ops["GroupPolicyList"][1]["PolicyDocument"] = _policy({**TAG, "Effect": "Deny"})
    assert findings({"GroupDetailList": [ops]}) == {}


def test_a_grant_that_needs_sts_tagsession_from_another_group_is_found_through_the_member() -> None:
    data = {"GroupDetailList": [group("Ops", TAGGED), group("Taggers", TAG)],
            "UserDetailList": [user("ann", ["Ops", "Taggers"])]}
    assert findings(data) == {"group/Ops": (f"arn:aws:iam::{L}:user/ann",)}


@pytest.mark.parametrize("condition", [
    {"StringLike": {"aws:PrincipalArn": "*:user/team/*"}},  # only members with a path
    {"ArnNotEquals": {"aws:PrincipalArn": f"arn:aws:iam::{L}:user/${{aws:username}}"}},  # only those with one
])
def test_members_with_a_path_are_tried(condition: dict[str, Any]) -> None:
    grant = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*", "Condition": condition}
    assert findings({"GroupDetailList": [group("Ops", grant)]}) == {"group/Ops": (f"arn:aws:iam::{L}:group/Ops",)}
