"""The rules file: YAML, validated against the JSON Schema shipped in the package, loaded once into frozen values.

Every problem is reported at once (:mod:`xtrust._rules_problems`), each naming the file, the line, the rule id and
the key path::

    rules.yaml:14: rule 'assume-only-listed-roles': rules/1/allow/roles/0: 'arn:aws:iam::12:role/x' does not match …
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import field
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

from ._files import load_yaml, read_text
from ._frozen import frozen
from ._glob import glob_match
from ._rules_problems import dates_as_text, problems, report, rules_schema
from .errors import RulesError

__all__ = [
    "AssumeAllow",
    "Check",
    "Exemption",
    "Rule",
    "RuleSet",
    "Scope",
    "Severity",
    "TrustAllow",
    "load_rules",
    "parse_rules",
    "rules_schema",
]


class Severity(str, Enum):
    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class Check(str, Enum):
    ROLE_TRUST = "role-trust"
    IDENTITY_ASSUME = "identity-assume"


@frozen
class Exemption:
    """An accepted exception: findings on a matching resource are exempt until ``expires`` (inclusive), written
    YYYY-MM-DD, quoted or not (YAML reads an unquoted one as the date it is, as in suppression files)."""

    resource: str  # an ARN, wildcards allowed
    reason: str
    expires: date

    def covers(self, resource_arn: str) -> bool:
        return glob_match(self.resource, resource_arn)

    def active(self, today: date) -> bool:
        return today <= self.expires


@frozen
class Scope:
    """Which roles (role-trust) or groups and users (identity-assume) a rule covers; by default all.

    ``names`` and ``exclude`` are wildcard patterns on the name, ``paths`` on the IAM path; service-linked
    roles (path ``/aws-service-role/``) are left out unless ``include_service_linked``.
    """

    names: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    include_service_linked: bool = False

    def covers(self, account: str, name: str, path: str) -> bool:
        if self.accounts and account not in self.accounts:
            return False
        if not self.include_service_linked and path.startswith("/aws-service-role/"):
            return False
        if self.names and not any(glob_match(p, name) for p in self.names):
            return False
        if self.paths and not any(glob_match(p, path) for p in self.paths):
            return False
        return not self.exclude or not any(glob_match(p, name) for p in self.exclude)


@frozen
class TrustAllow:
    """Who a project role may trust: principals (ARNs or account IDs; an account or root ARN means every
    principal of that account), AWS services (``"*"`` = any), federated providers, and per-role additions."""

    principals: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    federated: tuple[str, ...] = ()
    per_role: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def principals_for(self, role_name: str) -> tuple[str, ...]:
        return self.principals + tuple(self.per_role.get(role_name, ()))


@frozen
class AssumeAllow:
    """Which role ARNs (wildcards allowed) login groups and users may assume, with per-principal additions."""

    roles: tuple[str, ...] = ()
    per_principal: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def roles_for(self, name: str) -> tuple[str, ...]:
        return self.roles + tuple(self.per_principal.get(name, ()))


@frozen
class Rule:
    """One rule of a rules file: the check it runs, its severity, its allow list, scope and exemptions."""

    id: str
    check: Check
    severity: Severity
    allow: TrustAllow | AssumeAllow
    description: str = ""
    scope: Scope = Scope()
    exemptions: tuple[Exemption, ...] = ()


@frozen
class RuleSet:
    """A validated rules file: the login account, the project accounts and the rules."""

    login: str
    projects: tuple[str, ...]
    rules: tuple[Rule, ...]
    organization: bool = False  # projects are discovered through AWS Organizations
    source: str = ""

    @property
    def accounts(self) -> tuple[str, ...]:
        return (self.login, *self.projects)

    def of_check(self, check: Check) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if rule.check is check)

    def with_projects(self, projects: Sequence[str]) -> RuleSet:
        """The same rules over the project accounts found at scan time (``projects: organization``)."""
        found = tuple(sorted(a for a in set(projects) if a != self.login))
        return RuleSet(self.login, found, self.rules, self.organization, self.source)


def load_rules(path: str | Path) -> RuleSet:
    """Read and validate a rules file; raise RulesError listing every problem."""
    source = str(path)
    return parse_rules(read_text(path, lambda message: RulesError(source, [message])), source)


def parse_rules(text: str, source: str = "<rules>") -> RuleSet:
    """The rules file ``text`` as a RuleSet, or RulesError listing every problem, once each and in the order of
    the file: those of the schema and those it cannot state (a rule id or a project account given twice, a date
    the calendar does not have, the login account listed as a project), found together on every part that is
    well-formed enough to check."""
    data = dates_as_text(_load(text, source))
    found = problems(data)
    if found:
        raise RulesError(source, report(found, data, source, text))
    return _build(data, source)


def _load(text: str, source: str) -> Any:
    return load_yaml(text, source, lambda message: RulesError(source, [message]))


def _build(data: Mapping[str, Any], source: str) -> RuleSet:
    projects = data["accounts"]["projects"]
    organization = projects == "organization"
    rules = []
    for raw in data["rules"]:
        check = Check(raw["check"])
        allow_raw = raw.get("allow", {})
        allow: TrustAllow | AssumeAllow
        if check is Check.ROLE_TRUST:
            allow = TrustAllow(
                principals=tuple(allow_raw.get("principals", ())),
                services=tuple(allow_raw.get("services", ())),
                federated=tuple(allow_raw.get("federated", ())),
                per_role={k: tuple(v) for k, v in allow_raw.get("roles", {}).items()},
            )
        else:
            allow = AssumeAllow(
                roles=tuple(allow_raw.get("roles", ())),
                per_principal={k: tuple(v) for k, v in allow_raw.get("principals", {}).items()},
            )
        scope_raw = raw.get("scope", {})
        rules.append(Rule(
            id=raw["id"],
            check=check,
            severity=Severity(raw["severity"]),
            allow=allow,
            description=raw.get("description", ""),
            scope=Scope(
                names=tuple(scope_raw.get("names", ())),
                paths=tuple(scope_raw.get("paths", ())),
                exclude=tuple(scope_raw.get("exclude", ())),
                accounts=tuple(scope_raw.get("accounts", ())),
                include_service_linked=bool(scope_raw.get("include_service_linked", False)),
            ),
            exemptions=tuple(
                Exemption(e["resource"], e["reason"], date.fromisoformat(e["expires"]))
                for e in raw.get("exemptions", ())
            ),
        ))
    return RuleSet(
        login=data["accounts"]["login"],
        projects=() if organization else tuple(projects),
        rules=tuple(rules),
        organization=organization,
        source=source,
    )
