"""A pytest plugin for checking policy documents kept in a repository against xtrust rules.

Installed with xtrust under the ``pytest11`` entry point, so it is active in every test session; in a
checkout without the installed package, enable it with ``-p xtrust.testing``. It gives:

- ``assert_trust_policy_ok(document, role_arn, rules)`` and ``assert_identity_policy_ok(document,
  principal_arn, rules)``: fail the test with a message showing, for each finding, the counterexample
  request and the offending statement (its JSON pointer and its text);
- ``xtrust_rules``: the rules file named by ``--xtrust-rules FILE`` or the ini option ``xtrust_rules``
  (relative to the ini file), loaded once per session;
- ``xtrust_rules_from``: a function turning a path or YAML text into rules, for tests that bring their own.

Example (see ``examples/policy-repo/``)::

    def test_admin_trust(xtrust_rules):
        assert_trust_policy_ok(Path("trust/Admin.json").read_text(), ADMIN_ARN, xtrust_rules)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from .api import check_identity_policy, check_trust_policy, load_rules, rules_from_text
from .findings import Finding
from .model import Policy, PolicyInput, load_document
from .report._common import headline, statement_location
from .rules import RuleSet

__all__ = [
    "assert_identity_policy_ok",
    "assert_no_findings",
    "assert_trust_policy_ok",
    "describe_findings",
    "xtrust_rules",
    "xtrust_rules_from",
]


def _raw(document: PolicyInput) -> Any:
    if isinstance(document, Policy):
        return document.to_json()
    try:
        return load_document(document)
    except Exception:  # the check itself reports a malformed document
        return None


def _resolve(document: Any, pointer: str) -> Any:
    """The value at a JSON pointer (RFC 6901), or None; ``/Statement/0`` also finds a lone Statement object."""
    node = document
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        elif isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, dict) and token == "0":
            continue  # Statement written as one object
        else:
            return None
    return node


def describe_findings(findings: Iterable[Finding], document: PolicyInput | None = None, what: str = "") -> str:
    """A readable account of findings: rule, severity, message, the proving request and the statement."""
    findings = list(findings)
    raw = _raw(document) if document is not None else None
    lines = [f"{what or 'the document'} breaks {len(findings)} xtrust rule check(s):"]
    for finding in findings:
        lines.append(f"- rule {finding.rule} ({finding.severity.value}): {headline(finding)}")
        lines.append(f"  counterexample: {finding.counterexample.in_words()}")
        for other in finding.others[:3]:
            lines.append(f"  also:           {other.in_words()}")
        for statement in finding.statements:
            _, label, pointer = statement_location(finding, statement)
            lines.append(f"  offending statement {pointer or label}:")
            shown = _resolve(raw, pointer) if raw is not None and pointer else None
            if shown is not None:
                lines += ["    " + line for line in json.dumps(shown, indent=2).splitlines()]
    return "\n".join(lines)


def assert_no_findings(findings: Iterable[Finding], document: PolicyInput | None = None, what: str = "") -> None:
    __tracebackhide__ = True
    findings = tuple(f for f in findings if not f.accepted)
    if findings:
        raise AssertionError(describe_findings(findings, document, what))


def assert_trust_policy_ok(document: PolicyInput, role_arn: str, rules: RuleSet) -> None:
    """Fail unless the trust policy keeps to every role-trust rule covering ``role_arn``."""
    __tracebackhide__ = True
    assert_no_findings(check_trust_policy(document, role_arn, rules), document, f"trust policy of {role_arn}")


def assert_identity_policy_ok(document: PolicyInput, principal_arn: str, rules: RuleSet) -> None:
    """Fail unless the identity policy, on ``principal_arn`` (a login-account group or user), keeps to every
    identity-assume rule covering it."""
    __tracebackhide__ = True
    assert_no_findings(check_identity_policy(document, principal_arn, rules), document,
                       f"identity policy of {principal_arn}")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("xtrust", "xtrust policy checks")
    group.addoption("--xtrust-rules", metavar="FILE", default=None,
                    help="the xtrust rules file for the xtrust_rules fixture")
    parser.addini("xtrust_rules", "the xtrust rules file for the xtrust_rules fixture (relative to the ini file)",
                  default="")


@pytest.fixture(scope="session")
def xtrust_rules_from() -> Callable[[str | Path], RuleSet]:
    """Rules from a path, or from YAML text when the argument holds a line break."""
    def load(source: str | Path) -> RuleSet:
        if isinstance(source, str) and "\n" in source:
            return rules_from_text(source)
        return load_rules(source)
    return load


@pytest.fixture(scope="session")
def xtrust_rules(pytestconfig: pytest.Config) -> RuleSet:
    """The rules named by ``--xtrust-rules`` or the ``xtrust_rules`` ini option."""
    given = pytestconfig.getoption("xtrust_rules")
    if given:
        return load_rules(given)
    configured = str(pytestconfig.getini("xtrust_rules") or "")
    if not configured:
        raise pytest.UsageError("xtrust_rules: set the ini option xtrust_rules = <file> or pass --xtrust-rules FILE")
    base = pytestconfig.inipath.parent if pytestconfig.inipath else pytestconfig.rootpath
    return load_rules(base / configured)
