"""The rules file: schema validation with every problem reported at once (file, line, rule id, key path)."""

from __future__ import annotations

from pathlib import Path

import pytest

from xtrust.errors import RulesError
from xtrust.rules import AssumeAllow, Check, Severity, TrustAllow, load_rules, parse_rules

SEED = Path(__file__).resolve().parents[1] / "rules" / "seed.yaml"

GOOD = """\
version: 1
accounts:
  login: "987654321098"
  projects: ["123456789012"]
rules:
  - id: trust-only-login-account
    check: role-trust
    severity: high
    allow:
      principals: ["arn:aws:iam::987654321098:root"]
      services: ["*"]
  - id: assume-only-listed-roles
    check: identity-assume
    severity: high
    allow:
      roles: ["arn:aws:iam::123456789012:role/Admin"]
"""


def test_seed_rules_load() -> None:
    rules = load_rules(SEED)
    assert rules.login == "987654321098"
    assert rules.projects == ("123456789012",)
    trust, assume = rules.rules
    assert trust.check is Check.ROLE_TRUST and trust.severity is Severity.HIGH
    assert isinstance(trust.allow, TrustAllow) and trust.allow.services == ("*",)
    assert isinstance(assume.allow, AssumeAllow)
    assert assume.allow.roles == ("arn:aws:iam::123456789012:role/Admin",)


def test_design_contract_example_loads() -> None:
    rules = parse_rules(GOOD, "good.yaml")
    assert [r.id for r in rules.rules] == ["trust-only-login-account", "assume-only-listed-roles"]


def test_extensions_load() -> None:
    text = GOOD.replace('      services: ["*"]\n', '''      services: ["*"]
      roles:
        Deployer: ["arn:aws:iam::111122223333:role/ci"]
    scope:
      exclude: ["OrganizationAccountAccessRole"]
    exemptions:
      - resource: "arn:aws:iam::123456789012:role/VendorAudit"
        reason: "vendor audit, SEC-123"
        expires: "2027-03-31"
''').replace('projects: ["123456789012"]', "projects: organization")
    rules = parse_rules(text, "ext.yaml")
    trust = rules.rules[0]
    assert rules.organization and rules.projects == ()
    assert isinstance(trust.allow, TrustAllow)
    assert trust.allow.principals_for("Deployer")[-1] == "arn:aws:iam::111122223333:role/ci"
    assert not trust.scope.covers("123456789012", "OrganizationAccountAccessRole", "/")
    assert not trust.scope.covers("123456789012", "AWSServiceRoleForSupport", "/aws-service-role/support.amazonaws.com/")
    assert trust.exemptions[0].expires.isoformat() == "2027-03-31"


BAD = [
    ("unquoted-account", ('login: "987654321098"', "login: 987654321098"),
     "good.yaml:3: accounts/login: 987654321098 must be a string"),
    ("short-account", ('login: "987654321098"', 'login: "98765"'),
     "good.yaml:3: accounts/login: '98765' is not a 12-digit account ID"),
    ("account-and-newline", ('login: "987654321098"', 'login: "987654321098\\n"'),
     "good.yaml:3: accounts/login: '987654321098\\n' is not a 12-digit account ID"),
    ("bad-project", ('projects: ["123456789012"]', 'projects: ["12345678901x"]'),
     "accounts/projects: projects must be a list of 12-digit account IDs"),
    ("bad-severity", ("severity: high\n    allow:\n      principals", "severity: urgent\n    allow:\n      principals"),
     "good.yaml:8: rule 'trust-only-login-account': rules/0/severity: 'urgent' is not one of"),
    ("bad-check", ("check: role-trust", "check: role-trusts"),
     "rule 'trust-only-login-account': rules/0/check: 'role-trusts' is not one of"),
    ("unknown-rule-key", ("    severity: high\n    allow:\n      roles", "    severity: high\n    colour: red\n    allow:\n      roles"),
     "good.yaml:15: rule 'assume-only-listed-roles': rules/1: unknown key 'colour'"),
    ("roles-on-trust-rule", ('services: ["*"]', 'services: ["*"]\n      roles: ["x"]'),
     "rule 'trust-only-login-account': rules/0/allow/roles: ['x'] is not of type 'object'"),
    ("bad-role-arn", ('roles: ["arn:aws:iam::123456789012:role/Admin"]', 'roles: ["arn:aws:iam::123:role/Admin"]'),
     "rule 'assume-only-listed-roles': rules/1/allow/roles/0:"),
    ("missing-allow-roles", ('    allow:\n      roles: ["arn:aws:iam::123456789012:role/Admin"]\n', ""),
     "rule 'assume-only-listed-roles': rules/1: 'allow' is a required property"),
    ("bad-version", ("version: 1", "version: 2"), "good.yaml:1: version: 1 was expected"),
    ("bad-principal", ('principals: ["arn:aws:iam::987654321098:root"]', 'principals: ["login"]'),
     "rules/0/allow/principals/0: 'login' does not match"),
]


@pytest.mark.parametrize(("change", "expected"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_rules_name_file_line_rule_and_path(change: tuple[str, str], expected: str) -> None:
    old, new = change
    assert old in GOOD
    with pytest.raises(RulesError) as caught:
        parse_rules(GOOD.replace(old, new, 1), "good.yaml")
    assert any(expected in problem for problem in caught.value.problems), caught.value.problems


def test_every_problem_is_reported_at_once() -> None:
    text = GOOD.replace("severity: high", "severity: hi").replace('"987654321098"', "987654321098", 1)
    with pytest.raises(RulesError) as caught:
        parse_rules(text, "r.yaml")
    assert len(caught.value.problems) == 3
    assert all(p.startswith("r.yaml:") for p in caught.value.problems)


def test_duplicate_ids_and_login_as_project() -> None:
    text = GOOD.replace("assume-only-listed-roles", "trust-only-login-account").replace(
        'projects: ["123456789012"]', 'projects: ["123456789012", "987654321098"]')
    with pytest.raises(RulesError) as caught:
        parse_rules(text, "r.yaml")
    problems = "\n".join(caught.value.problems)
    assert "this id is used by an earlier rule" in problems
    assert "the login account cannot also be a project account" in problems


@pytest.mark.parametrize("text", ["version: [1", "- just\n- a list\n", "", "version: 1\n"],
                         ids=["bad-yaml", "not-a-mapping", "empty", "missing-keys"])
def test_malformed_rules(text: str) -> None:
    with pytest.raises(RulesError) as caught:
        parse_rules(text, "m.yaml")
    assert all(p.startswith("m.yaml") for p in caught.value.problems)


def test_missing_rules_file(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="cannot read"):
        load_rules(tmp_path / "nope.yaml")


def test_bad_expiry_date() -> None:
    text = GOOD.replace('      services: ["*"]\n', '''      services: ["*"]
    exemptions:
      - {resource: "arn:aws:iam::123456789012:role/X", reason: r, expires: "2027-02-30"}
''')
    with pytest.raises(RulesError) as caught:
        parse_rules(text, "d.yaml")
    assert any("rules/0/exemptions/0/expires" in p for p in caught.value.problems)
