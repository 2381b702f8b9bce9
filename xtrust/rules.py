"""The rules file: YAML, validated against the JSON Schema shipped in the package, loaded once into frozen values.

Every problem is reported at once, each naming the file, the line, the rule id and the key path::

    rules.yaml:14: rule 'assume-only-listed-roles': rules/1/allow/roles/0: 'arn:aws:iam::12:role/x' does not match …
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import field
from datetime import date
from enum import Enum
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._files import load_yaml, read_text
from ._frozen import frozen
from ._glob import glob_match
from ._schema import verdict as schema_verdict
from .errors import RulesError

if TYPE_CHECKING:
    import jsonschema
    import yaml

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
    """An accepted exception: findings on a matching resource are exempt until ``expires`` (inclusive)."""

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


@lru_cache(maxsize=1)
def rules_schema() -> dict[str, Any]:
    """The JSON Schema of the rules file (shipped as ``xtrust/schemas/rules.schema.json``)."""
    from importlib import resources  # only where rules are read

    text = resources.files("xtrust").joinpath("schemas/rules.schema.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


def load_rules(path: str | Path) -> RuleSet:
    """Read and validate a rules file; raise RulesError listing every problem."""
    source = str(path)
    return parse_rules(read_text(path, lambda message: RulesError(source, [message])), source)


def parse_rules(text: str, source: str = "<rules>") -> RuleSet:
    data = load_yaml(text, source, lambda message: RulesError(source, [message]))
    lines = _LineIndex(text)
    schema = rules_schema()
    problems = []
    # jsonschema, the validator of record, costs more to import than a large account costs to read: a document
    # the quick reading of the schema finds valid (nearly every rules file) is spared it (xtrust._schema).
    if schema_verdict(data, schema) is not True:
        import jsonschema

        validator = jsonschema.Draft202012Validator(schema)
        for error in sorted(validator.iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.message)):
            problems.append(_describe(error, data, source, lines))
    if not problems:
        problems = _semantic_problems(data, source, lines)
    if problems:
        raise RulesError(source, _dedupe(problems))
    return _build(data, source)


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


class _LineIndex:
    """Maps a key path inside the YAML document to its line, for error messages. The document's node tree is
    built when a line is first asked for: a valid rules file never needs it."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def root(self) -> yaml.Node | None:
        import yaml

        return yaml.compose(self.text, Loader=yaml.SafeLoader)

    def line(self, path: Sequence[Any]) -> int | None:
        from yaml import MappingNode, SequenceNode

        node = self.root
        found = node.start_mark.line + 1 if node is not None else None
        for step in path:
            if isinstance(node, MappingNode):
                match = next((v for k, v in node.value if getattr(k, "value", None) == str(step)), None)
            elif isinstance(node, SequenceNode) and isinstance(step, int) and step < len(node.value):
                match = node.value[step]
            else:
                match = None
            if match is None:
                break
            node, found = match, match.start_mark.line + 1
        return found


def _rule_label(data: Any, path: Sequence[Any]) -> str:
    if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int) and isinstance(data, Mapping):
        rules = data.get("rules")
        if isinstance(rules, list) and path[1] < len(rules) and isinstance(rules[path[1]], Mapping):
            rule_id = rules[path[1]].get("id")
            return f"rule {rule_id!r}: " if rule_id else f"rule #{path[1] + 1}: "
    return ""


def _describe(error: jsonschema.ValidationError, data: Any, source: str, lines: _LineIndex) -> str:
    path = list(error.absolute_path)
    message = error.message
    line: int | None = None
    if error.validator == "additionalProperties" and error.validator_value is False:
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        message = f"unknown key{'s' if len(extra) > 1 else ''} {', '.join(map(repr, extra))}"
        line = lines.line([*path, extra[0]]) if extra else None
    elif error.validator == "pattern" and error.schema.get("pattern", "").startswith("^[0-9]{12}("):
        message = f"{error.instance!r} is not a 12-digit account ID"
    elif error.validator == "type" and isinstance(error.instance, int) and error.validator_value == "string":
        message = f"{error.instance!r} must be a string (quote account IDs: \"{error.instance:012d}\")"
    elif error.validator == "oneOf" and path == ["accounts", "projects"]:
        message = "projects must be a list of 12-digit account IDs (quoted) or 'organization'"
    line = line if error.validator == "additionalProperties" and line else lines.line(path)
    where = f"{source}:{line}" if line else source
    key = "/".join(map(str, path)) or "(top level)"
    return f"{where}: {_rule_label(data, path)}{key}: {message}"


def _semantic_problems(data: Mapping[str, Any], source: str, lines: _LineIndex) -> list[str]:
    problems = []
    seen: set[str] = set()
    for i, rule in enumerate(data["rules"]):
        if rule["id"] in seen:
            problems.append(f"{source}:{lines.line(['rules', i, 'id'])}: rule {rule['id']!r}: rules/{i}/id: "
                            "this id is used by an earlier rule")
        seen.add(rule["id"])
        for j, exemption in enumerate(rule.get("exemptions", ())):
            try:
                date.fromisoformat(exemption["expires"])
            except ValueError:
                path = ["rules", i, "exemptions", j, "expires"]
                problems.append(f"{source}:{lines.line(path)}: rule {rule['id']!r}: {'/'.join(map(str, path))}: "
                                f"{exemption['expires']!r} is not a calendar date")
    projects = data["accounts"]["projects"]
    if isinstance(projects, list) and data["accounts"]["login"] in projects:
        problems.append(f"{source}:{lines.line(['accounts', 'projects'])}: accounts/projects: "
                        "the login account cannot also be a project account")
    return problems


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
