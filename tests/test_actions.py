"""Action names that match nothing IAM knows: a misspelt Deny protects nothing, and xtrust says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xtrust.actions import unknown_actions
from xtrust.cli import main
from xtrust.model import parse_policy


@pytest.mark.parametrize(("action", "known"), [
    ("sts:AssumeRole", True), ("STS:ASSUMEROLE", True), ("sts:Assume*", True), ("sts:AssumeRol?", True),
    ("*", True), ("s3:Get*", True), ("*:GetObject", True),
    ("sts:AssumeRol", False), ("sts:Asume*", False), ("stss:AssumeRole", False), ("sts:AssumeRoleX?", False),
], ids=lambda v: str(v))
def test_known_and_unknown_actions(action: str, known: bool) -> None:
    policy = parse_policy({"Statement": [{"Effect": "Deny", "Action": [action], "Resource": "*"}]})
    assert unknown_actions(policy) == (() if known else (("/Statement/0/Action/0", action),))


def test_explain_points_out_a_misspelt_deny(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    trust = tmp_path / "trust.json"
    trust.write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"},
        {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRol"}]}))
    code = main(["explain", "--principal", "arn:aws:iam::555555555555:user/any", "--role",
                 "arn:aws:iam::123456789012:role/Admin", "--trust", str(trust)])
    out = capsys.readouterr().out
    assert code == 1  # no identity policy of the caller: implicitly denied, yet the Deny would not have helped
    assert f"note: {trust} /Statement/1/Action: 'sts:AssumeRol' matches no known IAM action" in out
