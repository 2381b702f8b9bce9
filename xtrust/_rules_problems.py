"""What is wrong with a rules file: the JSON Schema's errors in the user's terms, and what the schema cannot
state (a rule id or a project account given twice, a date the calendar does not have, the login account
listed as a project), each placed at its line, rule and key path (:func:`report`)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from ._frozen import frozen
from ._schema import verdict as schema_verdict

if TYPE_CHECKING:
    import jsonschema
    import yaml

__all__ = ["dates_as_text", "problems", "report", "rules_schema"]


@lru_cache(maxsize=1)
def rules_schema() -> dict[str, Any]:
    """The JSON Schema of the rules file (shipped as ``xtrust/schemas/rules.schema.json``)."""
    from importlib import resources  # only where rules are read

    text = resources.files("xtrust").joinpath("schemas/rules.schema.json").read_text(encoding="utf-8")
    return dict(json.loads(text))



def problems(data: Any) -> list[_Problem]:
    """Every problem of the rules document ``data``: the schema's, and those it cannot state, found together
    on every part well-formed enough to check."""
    return [*_schema_problems(data), *_semantic_problems(data)]


def report(found: Sequence[_Problem], data: Any, source: str, text: str) -> list[str]:
    """The problems as lines naming the file, the line, the rule and the key path; in the order of the file,
    each line once."""
    return _report(found, data, source, _LineIndex(text))


_KeyPath = tuple[Any, ...]  # a key path inside the document: keys and list indexes


@frozen
class _Problem:
    """What is wrong at ``path``; ``at``, when given, is the path whose line the report shows."""

    path: _KeyPath
    message: str
    at: _KeyPath | None = None


def dates_as_text(data: Any) -> Any:
    """The document with every exemption's ``expires`` that YAML read as a date (unquoted ``2027-03-31``) given
    as the text of that date, as suppression files accept it; a date and time is left for the schema to refuse."""
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        return data
    return {**data, "rules": [_rule_dates_as_text(rule) for rule in data["rules"]]}


def _rule_dates_as_text(rule: Any) -> Any:
    if not isinstance(rule, dict) or not isinstance(rule.get("exemptions"), list):
        return rule
    return {**rule, "exemptions": [
        {**item, "expires": item["expires"].isoformat()} if isinstance(item, dict) and _is_day(item.get("expires"))
        else item
        for item in rule["exemptions"]
    ]}


def _is_day(value: Any) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def _schema_problems(data: Any) -> list[_Problem]:
    schema = rules_schema()
    # jsonschema, the validator of record, costs more to import than a large account costs to read: a document
    # the quick reading of the schema finds valid (nearly every rules file) is spared it (xtrust._schema).
    if schema_verdict(data, schema) is True:
        return []
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    return [problem for error in validator.iter_errors(data) for problem in _explain(error)]


def _explain(error: jsonschema.ValidationError) -> list[_Problem]:
    """The problems a schema error stands for, in the user's terms where jsonschema's would puzzle."""
    path = tuple(error.absolute_path)
    explain = _EXPLAIN.get(error.validator)
    found = explain(error, path) if explain is not None else None
    return [_Problem(path, error.message)] if found is None else found


def _is_def(schema: Any, name: str) -> bool:
    return bool(schema == rules_schema()["$defs"][name])


def _unknown_keys(error: jsonschema.ValidationError, path: _KeyPath) -> list[_Problem] | None:
    if error.validator_value is not False:
        return None
    extra = sorted(set(error.instance) - set(error.schema.get("properties", {})), key=str)
    message = f"unknown key{'s' if len(extra) > 1 else ''} {', '.join(map(repr, extra))}"
    return [_Problem(path, message, at=(*path, extra[0]) if extra else None)]


def _mismatch(error: jsonschema.ValidationError, path: _KeyPath) -> list[_Problem] | None:
    if _is_def(error.schema, "account"):
        return [_Problem(path, f"{error.instance!r} is not a 12-digit account ID")]
    if error.schema.get("format") == "date":
        return [_Problem(path, f"{error.instance!r} is not a calendar date (YYYY-MM-DD)")]
    return None


def _wrong_type(error: jsonschema.ValidationError, path: _KeyPath) -> list[_Problem] | None:
    instance = error.instance
    if instance is None and not path:
        return [_Problem(path, "the file is empty: it needs version, accounts and rules")]
    if error.validator_value != "string":
        return None
    if error.schema.get("format") == "date":
        if isinstance(instance, datetime):
            return [_Problem(path, f"{instance} is a date and time: give the day alone (YYYY-MM-DD)")]
        return [_Problem(path, f"{instance!r} is not a calendar date (YYYY-MM-DD)")]
    if isinstance(instance, bool):
        return None
    if isinstance(instance, int):
        if not _is_def(error.schema, "account"):
            return [_Problem(path, f'{instance} must be a string (quote it: "{instance}")')]
        if len(str(instance)) != 12:  # YAML reads 001234567012 as an octal number: a quoted ID keeps its digits
            return [_Problem(path, f"{instance} is not a 12-digit account ID (write account IDs in quotes)")]
        return [_Problem(path, f'{instance} must be a string (quote account IDs: "{instance}")')]
    if isinstance(instance, datetime):
        return [_Problem(path, f"{instance} must be a string (YAML reads it as a date and time: quote it)")]
    if isinstance(instance, date):
        return [_Problem(path, f"{instance} must be a string (YAML reads it as a date: quote it)")]
    return None


def _not_one_of(error: jsonschema.ValidationError, path: _KeyPath) -> list[_Problem] | None:
    """``projects``: a list's own problems, item by item; anything else is neither form."""
    if path != ("accounts", "projects"):
        return None
    if isinstance(error.instance, list):
        as_list = [sub for sub in error.context if sub.relative_schema_path[0] == 0]
        if as_list:
            return [problem for sub in as_list for problem in _explain(sub)]
    return [_Problem(path, f"{error.instance!r} is neither 'organization' nor a list of 12-digit account IDs (quoted)")]


def _repeated(error: jsonschema.ValidationError, path: _KeyPath) -> list[_Problem] | None:
    # Each repeated project account is named, at its place, by _semantic_problems (or, not being an account
    # ID, by its own type or pattern error).
    return [] if path == ("accounts", "projects") else None


_AT_LEAST_ONE = {
    ("accounts", "projects"): "list at least one project account (or write 'organization')",
    ("rules",): "list at least one rule",
}


def _too_few(error: jsonschema.ValidationError, path: _KeyPath) -> list[_Problem] | None:
    message = _AT_LEAST_ONE.get(path)
    return None if message is None else [_Problem(path, message)]


# Schema keyword -> its explanation; None from one keeps jsonschema's own message.
_EXPLAIN: dict[str, Callable[[Any, _KeyPath], list[_Problem] | None]] = {
    "additionalProperties": _unknown_keys,
    "pattern": _mismatch,
    "type": _wrong_type,
    "oneOf": _not_one_of,
    "uniqueItems": _repeated,
    "minItems": _too_few,
}


_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _semantic_problems(data: Any) -> list[_Problem]:
    """What the schema cannot say, checked on every part well-formed enough to check (never raising on a part
    the schema refuses: that part has its own error)."""
    if not isinstance(data, Mapping):
        return []
    rules = data.get("rules")
    rules = [rule if isinstance(rule, Mapping) else {} for rule in rules] if isinstance(rules, list) else []
    return [*_repeated_ids(rules), *_impossible_days(rules), *_project_problems(data.get("accounts"))]


def _repeated_ids(rules: Sequence[Mapping[str, Any]]) -> list[_Problem]:
    first: dict[str, int] = {}
    problems = []
    for i, rule in enumerate(rules):
        rule_id = rule.get("id")
        if not isinstance(rule_id, str):
            continue
        if rule_id in first:
            message = f"this id is used by an earlier rule (rules/{first[rule_id]})"
            problems.append(_Problem(("rules", i, "id"), message))
        first.setdefault(rule_id, i)
    return problems


def _impossible_days(rules: Sequence[Mapping[str, Any]]) -> list[_Problem]:
    """Exemption expiries written YYYY-MM-DD (any other form is the schema's to refuse) that name no day."""
    problems = []
    for i, rule in enumerate(rules):
        exemptions = rule.get("exemptions")
        for j, exemption in enumerate(exemptions if isinstance(exemptions, list) else ()):
            expires = exemption.get("expires") if isinstance(exemption, Mapping) else None
            if not isinstance(expires, str) or not _DAY.fullmatch(expires):
                continue
            try:
                date.fromisoformat(expires)
            except ValueError:
                problems.append(_Problem(("rules", i, "exemptions", j, "expires"),
                                         f"{expires!r} is not a calendar date (YYYY-MM-DD)"))
    return problems


def _project_problems(accounts: Any) -> list[_Problem]:
    """The login account among the projects, and a project account listed more than once, each at its place."""
    projects = accounts.get("projects") if isinstance(accounts, Mapping) else None
    if not isinstance(projects, list):
        return []
    login = accounts.get("login")
    first: dict[str, int] = {}
    problems = []
    for k, account in enumerate(projects):
        if not isinstance(account, str):
            continue
        path = ("accounts", "projects", k)
        if account == login:
            problems.append(_Problem(path, "the login account cannot also be a project account"))
        elif account in first:
            times = projects.count(account)
            problems.append(_Problem(path, f"{account!r} is listed {'twice' if times == 2 else f'{times} times'} "
                                           f"(first at accounts/projects/{first[account]})"))
        first.setdefault(account, k)
    return problems


def _report(problems: Sequence[_Problem], data: Any, source: str, lines: _LineIndex) -> list[str]:
    """One line a problem, naming the file, the line, the rule and the key path; in the order of the file, each
    line once."""
    placed = []
    for problem in problems:
        line = lines.line(problem.path if problem.at is None else problem.at)
        where = f"{source}:{line}" if line else source
        key = "/".join(map(str, problem.path)) or "(top level)"
        text = f"{where}: {_rule_label(data, problem.path)}{key}: {problem.message}"
        placed.append(((line or 0, _in_order(problem.path), text), text))
    return list(dict.fromkeys(text for _, text in sorted(placed)))


def _in_order(path: _KeyPath) -> tuple[tuple[int, int, str], ...]:
    """A sort key for key paths: list indexes by number, keys by name (never comparing one with the other)."""
    return tuple((0, step, "") if isinstance(step, int) else (1, 0, str(step)) for step in path)


class _LineIndex:
    """Maps a key path inside the YAML document to its line, for error messages. The document's node tree is
    built when a line is first asked for: a valid rules file never needs it."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def root(self) -> yaml.Node | None:
        import yaml

        # libyaml read the file; composing it again, node by node, needs the same parser where PyYAML has it
        # (the pure-Python one refuses some text libyaml takes, a tab after a colon)
        try:
            return yaml.compose(self.text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except (yaml.YAMLError, RecursionError, ValueError):
            return None  # no lines to show: the problems are still named by their key paths

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
        if isinstance(rules, list) and path[1] < len(rules):
            rule_id = rules[path[1]].get("id") if isinstance(rules[path[1]], Mapping) else None
            return f"rule {rule_id!r}: " if isinstance(rule_id, str) and rule_id else f"rule #{path[1] + 1}: "
    return ""
