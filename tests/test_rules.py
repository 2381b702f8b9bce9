"""The rules file: schema validation with every problem reported at once (file, line, rule id, key path)."""

from __future__ import annotations

from datetime import date
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
     "good.yaml:4: accounts/projects/0: '12345678901x' is not a 12-digit account ID"),
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


LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 10)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True))


@pytest.mark.parametrize(("text", "expected"), [
    # a tab after a colon, which libyaml takes and pure-Python PyYAML refuses: the problems still have their places
    ('version:\t1\naccounts: {login: "987654321098", projects: ["123456789012"]}\nrules: []\n',
     ["m.yaml:3: rules: list at least one rule"]),
    ("version: 1\naccounts: " + "[" * 600 + "]" * 600 + "\n",
     ["m.yaml: not YAML xtrust can read: nested deeper than 64 levels"]),
    ("version: 1\naccounts: &a [*a]\n", ["m.yaml: not YAML xtrust can read: nested deeper than 64 levels"]),
    (LAUGHS, ["m.yaml: not YAML xtrust can read: more than 100,000 values, aliases expanded"]),
], ids=["tab", "nested", "holds-itself", "aliases"])
def test_yaml_xtrust_reads_only_within_bounds(text: str, expected: list[str]) -> None:
    with pytest.raises(RulesError) as caught:
        parse_rules(text, "m.yaml")
    assert list(caught.value.problems) == expected


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


# Each bad file beside every line its error lists, in order: schema errors and the checks the schema cannot state
# (repeated ids and accounts, impossible dates, the login account as a project) together, each once.
HEAD = 'version: 1\naccounts:\n  login: "987654321098"\n'
TRUST = '  - {id: trust, check: role-trust, severity: high, allow: {principals: ["987654321098"]}}\n'
REPORTS = [
    ("schema-and-semantic-problems-together", HEAD + """\
  projects: ["123456789012"]
rules:
  - id: a
    check: role-trust
    allow: {principals: ["arn:aws:iam::987654321098:root"]}
  - id: a
    check: identity-assume
    severity: high
    allow: {roles: ["arn:aws:iam::123456789012:role/Admin"]}
    exemptions:
      - {resource: "arn:aws:iam::123456789012:role/X", reason: r, expires: "2027-13-45"}
""", [
        "f.yaml:6: rule 'a': rules/0: 'severity' is a required property",
        "f.yaml:9: rule 'a': rules/1/id: this id is used by an earlier rule (rules/0)",
        "f.yaml:14: rule 'a': rules/1/exemptions/0/expires: '2027-13-45' is not a calendar date (YYYY-MM-DD)",
    ]),
    ("project-listed-twice", HEAD + '  projects: ["123456789012", "123456789012"]\nrules:\n' + TRUST, [
        "f.yaml:4: accounts/projects/1: '123456789012' is listed twice (first at accounts/projects/0)",
    ]),
    ("project-listed-twice-on-its-own-line", HEAD + '  projects:\n    - "123456789012"\n    - "123456789012"\nrules:\n' + TRUST, [
        "f.yaml:6: accounts/projects/1: '123456789012' is listed twice (first at accounts/projects/0)",
    ]),
    ("project-three-times-and-the-login-account", HEAD + """\
  projects: ["987654321098", "123456789012", "123456789012", "123456789012"]
rules:
""" + TRUST, [
        "f.yaml:4: accounts/projects/0: the login account cannot also be a project account",
        "f.yaml:4: accounts/projects/2: '123456789012' is listed 3 times (first at accounts/projects/1)",
        "f.yaml:4: accounts/projects/3: '123456789012' is listed 3 times (first at accounts/projects/1)",
    ]),
    ("project-not-a-string", HEAD + '  projects: ["123456789012", 1234]\nrules:\n' + TRUST, [
        "f.yaml:4: accounts/projects/1: 1234 is not a 12-digit account ID (write account IDs in quotes)",
    ]),
    ("project-unquoted-and-short", HEAD + '  projects: [123456789012, "12345"]\nrules:\n' + TRUST, [
        'f.yaml:4: accounts/projects/0: 123456789012 must be a string (quote account IDs: "123456789012")',
        "f.yaml:4: accounts/projects/1: '12345' is not a 12-digit account ID",
    ]),
    ("octal-account", HEAD.replace('"987654321098"', "001234567012") + '  projects: ["123456789012"]\nrules:\n' + TRUST, [
        "f.yaml:3: accounts/login: 175304202 is not a 12-digit account ID (write account IDs in quotes)",
    ]),
    ("no-projects", HEAD + "  projects: []\nrules:\n" + TRUST, [
        "f.yaml:4: accounts/projects: list at least one project account (or write 'organization')",
    ]),
    ("projects-misspelt", HEAD + "  projects: organisation\nrules:\n" + TRUST, [
        "f.yaml:4: accounts/projects: 'organisation' is neither 'organization' nor a list of 12-digit account IDs (quoted)",
    ]),
    ("login-as-project-beside-a-schema-error", HEAD + """\
  projects: ["123456789012", "987654321098"]
rules:
  - {id: trust, check: role-trust, severity: urgent, allow: {principals: ["987654321098"]}}
""", [
        "f.yaml:4: accounts/projects/1: the login account cannot also be a project account",
        "f.yaml:6: rule 'trust': rules/0/severity: 'urgent' is not one of ['info', 'low', 'medium', 'high', 'critical']",
    ]),
    ("trust-rule-without-allow", HEAD + '  projects: ["123456789012"]\nrules:\n  - {id: trust, check: role-trust, severity: high}\n', [
        "f.yaml:6: rule 'trust': rules/0: 'allow' is a required property",
    ]),
    ("allow-not-a-mapping-said-once", HEAD + '  projects: ["123456789012"]\nrules:\n  - {id: trust, check: role-trust, severity: high, allow: [x]}\n', [
        "f.yaml:6: rule 'trust': rules/0/allow: ['x'] is not of type 'object'",
    ]),
    ("no-rules", HEAD + '  projects: ["123456789012"]\nrules: []\n', [
        "f.yaml:5: rules: list at least one rule",
    ]),
    ("expiry-forms", HEAD + """\
  projects: ["123456789012"]
rules:
  - id: trust
    check: role-trust
    severity: high
    allow: {principals: ["987654321098"]}
    exemptions:
      - {resource: "arn:aws:iam::123456789012:role/A", reason: r, expires: "2027-1-1"}
      - {resource: "arn:aws:iam::123456789012:role/B", reason: r, expires: 2027-02-29}
      - {resource: "arn:aws:iam::123456789012:role/C", reason: r, expires: 2027-03-31 12:00:00}
      - {resource: "arn:aws:iam::123456789012:role/D", reason: r, expires: 20270331}
      - {resource: "arn:aws:iam::123456789012:role/E", reason: 2027-03-31, expires: "2027-03-31"}
""", [
        "f.yaml:11: rule 'trust': rules/0/exemptions/0/expires: '2027-1-1' is not a calendar date (YYYY-MM-DD)",
        "f.yaml:12: rule 'trust': rules/0/exemptions/1/expires: '2027-02-29' is not a calendar date (YYYY-MM-DD)",
        "f.yaml:13: rule 'trust': rules/0/exemptions/2/expires: 2027-03-31 12:00:00 is a date and time: give the day alone (YYYY-MM-DD)",
        "f.yaml:14: rule 'trust': rules/0/exemptions/3/expires: 20270331 is not a calendar date (YYYY-MM-DD)",
        "f.yaml:15: rule 'trust': rules/0/exemptions/4/reason: 2027-03-31 must be a string (YAML reads it as a date: quote it)",
    ]),
    ("malformed-parts-are-reported-not-checked", """\
version: 1
accounts: ["987654321098"]
rules: [1, {id: [x], exemptions: 3}, {id: b, check: role-trust, severity: high, allow: {}, exemptions: [1, {expires: "2027-02-30"}]}, {id: b, exemptions: [{expires: 5}]}]
""", [
        "f.yaml:2: accounts: ['987654321098'] is not of type 'object'",
        "f.yaml:3: rule #1: rules/0: 1 is not of type 'object'",
        "f.yaml:3: rule #2: rules/1: 'check' is a required property",
        "f.yaml:3: rule #2: rules/1: 'severity' is a required property",
        "f.yaml:3: rule #2: rules/1/exemptions: 3 is not of type 'array'",
        "f.yaml:3: rule #2: rules/1/id: ['x'] is not of type 'string'",
        "f.yaml:3: rule 'b': rules/2/exemptions/0: 1 is not of type 'object'",
        "f.yaml:3: rule 'b': rules/2/exemptions/1: 'reason' is a required property",
        "f.yaml:3: rule 'b': rules/2/exemptions/1: 'resource' is a required property",
        "f.yaml:3: rule 'b': rules/2/exemptions/1/expires: '2027-02-30' is not a calendar date (YYYY-MM-DD)",
        "f.yaml:3: rule 'b': rules/3: 'check' is a required property",
        "f.yaml:3: rule 'b': rules/3: 'severity' is a required property",
        "f.yaml:3: rule 'b': rules/3/exemptions/0: 'reason' is a required property",
        "f.yaml:3: rule 'b': rules/3/exemptions/0: 'resource' is a required property",
        "f.yaml:3: rule 'b': rules/3/exemptions/0/expires: 5 is not a calendar date (YYYY-MM-DD)",
        "f.yaml:3: rule 'b': rules/3/id: this id is used by an earlier rule (rules/2)",
    ]),
    ("unknown-keys-of-any-type", HEAD + '  projects: ["123456789012"]\nrules:\n  - {id: trust, check: role-trust, severity: high, allow: {}, 5: x, colour: red}\n', [
        "f.yaml:6: rule 'trust': rules/0: unknown keys 5, 'colour'",
    ]),
    ("empty-file", "", ["f.yaml: (top level): the file is empty: it needs version, accounts and rules"]),
]


@pytest.mark.parametrize(("text", "expected"), [r[1:] for r in REPORTS], ids=[r[0] for r in REPORTS])
def test_every_problem_once_in_file_order(text: str, expected: list[str]) -> None:
    with pytest.raises(RulesError) as caught:
        parse_rules(text, "f.yaml")
    assert list(caught.value.problems) == expected


def test_an_unquoted_expiry_is_the_date_yaml_reads() -> None:
    text = GOOD.replace('      services: ["*"]\n', '''      services: ["*"]
    exemptions:
      - {resource: "arn:aws:iam::123456789012:role/X", reason: r, expires: 2027-03-31}
''')
    assert parse_rules(text, "d.yaml").rules[0].exemptions[0].expires == date(2027, 3, 31)


def test_an_empty_allow_list_written_out_allows_nobody() -> None:
    # A deliberate "trust no one" (say, for roles in scope that must not be assumable): written, not omitted.
    rules = parse_rules(HEAD + '  projects: ["123456789012"]\nrules:\n  - {id: t, check: role-trust, severity: high, allow: {}}\n')
    assert rules.rules[0].allow == TrustAllow()
