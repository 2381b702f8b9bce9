"""The pytest plugin ``xtrust.testing``, driven through pytester: assertion helpers whose failure message
shows the counterexample and the offending statement, and the rules fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from xtrust.rules import RuleSet
from xtrust.testing import assert_identity_policy_ok, assert_trust_policy_ok, describe_findings

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules" / "seed.yaml"

PLUGIN = ("-p", "xtrust.testing", "-W", "ignore::pytest.PytestAssertRewriteWarning")

TEST_FILE = '''
import json
from xtrust.testing import assert_trust_policy_ok, assert_identity_policy_ok

ROLE = "arn:aws:iam::123456789012:role/Admin"
GROUP = "arn:aws:iam::987654321098:group/CloudOps"

def test_good_trust(xtrust_rules):
    assert_trust_policy_ok({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::987654321098:root"}, "Action": "sts:AssumeRole"}]}, ROLE, xtrust_rules)

def test_bad_trust(xtrust_rules):
    assert_trust_policy_ok(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "Login", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::987654321098:root"},
         "Action": "sts:AssumeRole"},
        {"Sid": "VendorForADay", "Effect": "Allow", "Principal": {"AWS": "444455556666"},
         "Action": "sts:AssumeRole"}]}),
        ROLE, xtrust_rules)

def test_bad_identity(xtrust_rules):
    assert_identity_policy_ok({"Version": "2012-10-17", "Statement": {"Sid": "Everything", "Effect": "Allow",
        "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::123456789012:role/*"}}, GROUP, xtrust_rules)
'''


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makefile(".yaml", rules=RULES.read_text(encoding="utf-8"))
    pytester.makeini("[pytest]\nxtrust_rules = rules.yaml\n")
    pytester.makepyfile(test_policies=TEST_FILE)
    return pytester


def test_failures_show_the_counterexample_and_the_statement(project: pytest.Pytester) -> None:
    result = project.runpytest(*PLUGIN)
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines([
        "*trust policy of arn:aws:iam::123456789012:role/Admin breaks 1 xtrust rule check(s):*",
        "*- rule trust-only-login-account (high): role Admin can be assumed from outside the allow list "
        "(account 444455556666)*",
        "*counterexample: arn:aws:iam::444455556666:user/any could call sts:AssumeRole on "
        "arn:aws:iam::123456789012:role/Admin*",
        "*offending statement /Statement/1:*",
        '*"Sid": "VendorForADay",*',
    ])
    result.stdout.fnmatch_lines([
        "*identity policy of arn:aws:iam::987654321098:group/CloudOps breaks 1 xtrust rule check(s):*",
        "*counterexample: arn:aws:iam::987654321098:user/any could call sts:AssumeRole on "
        "arn:aws:iam::123456789012:role/any*",
        "*offending statement /Statement:*",
        '*"Sid": "Everything",*',
    ])
    message = [line for line in result.stdout.lines if line.startswith("E ")]
    assert any('"Sid": "VendorForADay"' in line for line in message)
    assert not any('"Sid": "Login"' in line for line in message)  # only the offending statement is shown


def test_the_helpers_hide_their_own_frames(project: pytest.Pytester) -> None:
    result = project.runpytest(*PLUGIN, "-k", "bad_trust")
    assert "def assert_no_findings" not in result.stdout.str()
    assert "def assert_trust_policy_ok" not in result.stdout.str()


def test_rules_from_the_command_line(project: pytest.Pytester) -> None:
    project.makeini("[pytest]\n")
    result = project.runpytest(*PLUGIN, "--xtrust-rules", "rules.yaml", "-k", "good")
    result.assert_outcomes(passed=1)


def test_rules_fixture_without_configuration_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_x(xtrust_rules):\n    pass\n")
    result = pytester.runpytest(*PLUGIN)
    result.stdout.fnmatch_lines(["*set the ini option xtrust_rules*"])
    assert result.ret != 0


def test_rules_from_factory(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", rules=RULES.read_text(encoding="utf-8"))
    pytester.makepyfile(f'''
from xtrust.rules import RuleSet
def test_path(xtrust_rules_from):
    assert isinstance(xtrust_rules_from("rules.yaml"), RuleSet)
def test_text(xtrust_rules_from):
    assert xtrust_rules_from({RULES.read_text(encoding="utf-8")!r}).login == "987654321098"
''')
    pytester.runpytest(*PLUGIN).assert_outcomes(passed=2)


def test_plugin_is_registered_under_the_pytest11_entry_point() -> None:
    import configparser

    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    entries = [line.strip() for line in config["options.entry_points"]["pytest11"].splitlines() if line.strip()]
    assert entries == ["xtrust.testing = xtrust.testing"]


def test_helpers_pass_quietly_and_fail_with_assertion_error() -> None:
    from xtrust import load_rules

    rules: RuleSet = load_rules(RULES)
    good = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Resource": "arn:aws:iam::123456789012:role/Admin"}]}
    assert_identity_policy_ok(good, "arn:aws:iam::987654321098:user/alice", rules)
    with pytest.raises(AssertionError, match="counterexample"):
        assert_trust_policy_ok({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}]},
            "arn:aws:iam::123456789012:role/Admin", rules)
    assert describe_findings([]).startswith("the document breaks 0")
