"""The quick reading of the rules schema (xtrust._schema) never contradicts jsonschema, the validator of record:
when it says valid, jsonschema finds no error; when it says invalid, jsonschema finds one. It settles the
rules files a user writes, so that their scan need not import jsonschema."""

from __future__ import annotations

import copy
import datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from xtrust._schema import verdict
from xtrust.errors import RulesError
from xtrust.rules import parse_rules, rules_schema

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = rules_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)

FULL = {
    "version": 1,
    "accounts": {"login": "987654321098", "projects": ["123456789012", "234567890123"]},
    "rules": [
        {"id": "trust-only-login-account", "check": "role-trust", "severity": "high", "description": "d",
         "allow": {"principals": ["arn:aws:iam::987654321098:root", "987654321098"], "services": ["*"],
                   "federated": ["arn:aws:iam::123456789012:saml-provider/okta"],
                   "roles": {"Deployer": ["arn:aws:iam::111122223333:role/ci"]}},
         "scope": {"names": ["*"], "paths": ["/"], "exclude": ["OrganizationAccountAccessRole"],
                   "accounts": ["123456789012"], "include_service_linked": False},
         "exemptions": [{"resource": "arn:aws:iam::123456789012:role/Vendor", "reason": "SEC-1",
                         "expires": "2027-03-31"}]},
        {"id": "assume-only-listed-roles", "check": "identity-assume", "severity": "medium",
         "allow": {"roles": ["arn:aws:iam::123456789012:role/Admin", "arn:aws:iam::*:role/team-*"],
                   "principals": {"CloudOps": ["arn:aws:iam::234567890123:role/Admin"]}}},
    ],
}


def _jsonschema_valid(document: Any) -> bool:
    return next(VALIDATOR.iter_errors(document), None) is None


def _agrees(document: Any) -> Any:
    said = verdict(document, SCHEMA)
    if said is not None:
        assert said is _jsonschema_valid(document), document
    return said


@pytest.mark.parametrize("path", [ROOT / "rules" / "seed.yaml", ROOT / "examples" / "policy-repo" / "xtrust.yaml",
                                  ROOT / "benchmarks" / "bench_scan.py"], ids=lambda p: p.name)
def test_the_rules_files_shipped_are_settled_valid(path: Path) -> None:
    if path.suffix == ".py":  # the benchmark writes its rules from a function
        import importlib.util

        spec = importlib.util.spec_from_file_location("bench_scan", path)
        assert spec is not None and spec.loader is not None
        bench = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(bench)
        document = yaml.safe_load(bench.rules_text())
    else:
        document = yaml.safe_load(path.read_text())
    assert verdict(document, SCHEMA) is True
    assert _jsonschema_valid(document)


def test_every_extension_of_the_format_is_settled_valid() -> None:
    assert _agrees(FULL) is True
    organization = copy.deepcopy(FULL)
    organization["accounts"]["projects"] = "organization"
    assert _agrees(organization) is True


# Values of every JSON type and of the types YAML adds (dates), to put in place of a part of a rules file.
_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(-2, 2) | st.dates()
    | st.sampled_from(["", "x", "*", "high", "role-trust", "identity-assume", "organization", "987654321098",
                       "98765432109", "arn:aws:iam::123456789012:role/Admin", "arn:aws:iam::12:role/x", "2027-01-01",
                       "2027-1-1", "a\n", "987654321098\n"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["id", "check", "severity", "allow", "roles", "principals", "services", "login", "projects",
                         "version", "rules", "accounts", "scope", "names", "colour", "expires", "reason",
                         "resource", "exemptions", "federated", "include_service_linked"]), inner, max_size=3),
    max_leaves=8)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


@st.composite
def _mutated(draw: st.DrawFn) -> Any:
    """The full rules file with a few parts replaced, removed or added."""
    document = copy.deepcopy(FULL)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(document)))
        if not path:
            return draw(_values)
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "remove", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(_values)
        elif action == "remove":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(["colour", "id", "allow", "roles", "scope"]))] = draw(_values)
        else:
            parent.append(draw(_values))
    return document


@settings(max_examples=600)
@given(_mutated())
def test_a_changed_rules_file_is_judged_as_jsonschema_judges_it(document: Any) -> None:
    _agrees(document)


@settings(max_examples=300)
@given(_mutated())
def test_a_changed_rules_file_is_loaded_or_refused_one_line_a_problem(document: Any) -> None:
    # The checks the schema cannot state run beside it, on parts it may refuse: they must never raise.
    try:
        parse_rules(yaml.safe_dump(document), "m.yaml")
    except RulesError as refused:
        assert refused.problems and len(set(refused.problems)) == len(refused.problems)
        assert all(p.startswith("m.yaml") and "\n" not in p for p in refused.problems), refused.problems


@settings(max_examples=300)
@given(_values)
def test_any_value_is_judged_as_jsonschema_judges_it(document: Any) -> None:
    _agrees(document)


@pytest.mark.parametrize(("document", "expected"), [
    pytest.param({**FULL, "version": True}, False, id="true-is-not-1"),
    pytest.param({**FULL, "version": 1.0}, None, id="a-float-one-is-left-to-jsonschema"),
    pytest.param({**FULL, "accounts": {**FULL["accounts"], "projects": ["123456789012"] * 2}}, False,
                 id="projects-twice"),
    pytest.param({**FULL, "accounts": {**FULL["accounts"], "login": "987654321098\n"}}, False,
                 id="a-final-newline-is-not-part-of-an-account-id"),
    pytest.param({**FULL, "rules": [{**FULL["rules"][0], "exemptions": [{**FULL["rules"][0]["exemptions"][0],
                                                                          "expires": datetime.date(2027, 3, 31)}]}]},
                 None, id="a-yaml-date-is-left-to-jsonschema"),
    pytest.param({**FULL, "rules": []}, False, id="no-rules"),
    pytest.param({**FULL, "extra": 1}, False, id="unknown-top-level-key"),
])
def test_chosen_cases(document: Any, expected: Any) -> None:
    assert _agrees(document) is expected


def test_what_the_reading_does_not_know_is_left_to_jsonschema() -> None:
    assert verdict("x", {"type": "string", "maxLength": 3}) is None  # a keyword it does not read
    assert verdict("x", {"$ref": "https://example.com/schema"}) is None  # a reference it cannot follow
    assert verdict({"a": 1}, {"patternProperties": {"a": True}, "additionalProperties": False}) is None
