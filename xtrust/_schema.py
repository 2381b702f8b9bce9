"""A quick reading of the rules schema that settles the usual case: a valid rules file.

jsonschema is the validator of record: it reports every problem, with its place. But importing it costs more
than reading a large account, and nearly every rules file a scan reads is valid. So the rules loader first
asks :func:`verdict`, which evaluates the keywords the shipped schema uses, as jsonschema does (Draft 2020-12,
no format assertion), and answers True (valid), False (invalid) or None (not settled here: a keyword it does
not know, a value whose comparison it leaves to jsonschema). Only True spares jsonschema; anything else is
validated by it. Tests hold every True and False to jsonschema's answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["verdict"]

Verdict = bool | None
_Check = Callable[[Any, Any, Mapping[str, Any], Mapping[str, Any]], Verdict]


def verdict(instance: Any, schema: Mapping[str, Any]) -> Verdict:
    """Whether ``instance`` is valid under ``schema`` (its own root, local ``$ref`` only); None: not settled."""
    return _check(instance, schema, schema)


def _check(instance: Any, schema: Any, root: Mapping[str, Any]) -> Verdict:
    if schema is True or schema is False:
        return schema
    if type(schema) is not dict:
        return None
    unsettled = False
    for keyword, value in schema.items():
        check = _KEYWORDS.get(keyword)
        if check is None:
            return None  # a keyword this reading does not know: jsonschema's to apply
        got = check(instance, value, schema, root)
        if got is False:
            return False
        unsettled = unsettled or got is None
    return None if unsettled else True


def _all(verdicts: Any) -> Verdict:
    unsettled = False
    for got in verdicts:
        if got is False:
            return False
        unsettled = unsettled or got is None
    return None if unsettled else True


def _annotation(instance: Any, value: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> Verdict:
    return True  # $schema, $id, title, description, $defs, format (not asserted without a format checker)…


def _ref(instance: Any, value: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> Verdict:
    if type(value) is not str or not value.startswith("#/"):
        return None
    target: Any = root
    for part in value[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if type(target) is not dict or part not in target:
            return None
        target = target[part]
    return _check(instance, target, root)


# JSON types by Python type, as jsonschema's type checker reads them; a float is an integer when it has no
# fraction, which is left to jsonschema.
_TYPES: dict[type, frozenset[str]] = {
    dict: frozenset({"object"}), list: frozenset({"array"}), str: frozenset({"string"}),
    bool: frozenset({"boolean"}), int: frozenset({"integer", "number"}), type(None): frozenset({"null"}),
}


def _type(instance: Any, value: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> Verdict:
    names = (value,) if type(value) is str else value
    kinds = _TYPES.get(type(instance))
    if kinds is None or type(names) not in (tuple, list):
        return None
    return any(name in kinds for name in names)


def _properties(instance: Any, value: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> Verdict:
    if type(instance) is not dict:
        return True
    return _all(_check(instance[key], sub, root) for key, sub in value.items() if key in instance)


def _additional(instance: Any, value: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> Verdict:
    if type(instance) is not dict:
        return True
    if "patternProperties" in schema:
        return None
    named = schema.get("properties", {})
    return _all(_check(item, value, root) for key, item in instance.items() if key not in named)


def _required(instance: Any, value: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> Verdict:
    return type(instance) is not dict or all(key in instance for key in value)


def _items(instance: Any, value: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> Verdict:
    if type(instance) is not list:
        return True
    if "prefixItems" in schema:
        return None
    return _all(_check(item, value, root) for item in instance)


def _min_items(instance: Any, value: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> Verdict:
    return type(instance) is not list or len(instance) >= value


def _min_length(instance: Any, value: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> Verdict:
    return type(instance) is not str or len(instance) >= value


def _pattern(instance: Any, value: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> Verdict:
    return type(instance) is not str or re.search(value, instance) is not None


def _unique(instance: Any, value: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> Verdict:
    if type(instance) is not list or value is not True:
        return True
    if not all(type(item) is str for item in instance):
        return None  # jsonschema's equality of other values (1 and True differ, 1 and 1.0 do not) is its own
    return len(set(instance)) == len(instance)


def _equal(instance: Any, expected: Any) -> Verdict:
    """jsonschema's equality, where this reading is sure of it: strings, integers, booleans and null, each
    equal only to a value of its own type (True is not 1); containers are equal to none of those."""
    plain = (str, int, bool, type(None))
    if type(expected) not in plain:
        return None
    if type(instance) in plain:
        return type(instance) is type(expected) and instance == expected
    return False if type(instance) in (dict, list) else None


def _enum(instance: Any, value: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> Verdict:
    found = [_equal(instance, option) for option in value]
    return True if True in found else None if None in found else False


def _const(instance: Any, value: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> Verdict:
    return _equal(instance, value)


def _all_of(instance: Any, value: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> Verdict:
    return _all(_check(instance, sub, root) for sub in value)


def _one_of(instance: Any, value: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> Verdict:
    found = [_check(instance, sub, root) for sub in value]
    return None if None in found else found.count(True) == 1


def _if(instance: Any, value: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> Verdict:
    condition = _check(instance, value, root)
    if condition is None:
        return None
    return _check(instance, schema.get("then" if condition else "else", True), root)


_KEYWORDS: dict[str, _Check] = {
    **dict.fromkeys(("$schema", "$id", "$defs", "$comment", "title", "description", "format", "default",
                     "examples", "then", "else"), _annotation),  # "then" and "else" are read by "if"
    "$ref": _ref,
    "type": _type,
    "properties": _properties,
    "additionalProperties": _additional,
    "required": _required,
    "items": _items,
    "minItems": _min_items,
    "minLength": _min_length,
    "pattern": _pattern,
    "uniqueItems": _unique,
    "enum": _enum,
    "const": _const,
    "allOf": _all_of,
    "oneOf": _one_of,
    "if": _if,
}
