"""IAM policy documents, parsed once into frozen values.

Every quirk of the policy grammar is absorbed here and nowhere else: a document given as a dict, as
JSON text or as URL-encoded JSON text (the raw IAM API form); ``Statement`` as one object or a list;
element values as a string or a list; ``"Principal": "*"`` vs ``{"AWS": "*"}``; bare account IDs vs
root ARNs; action case; ``Version`` absent or ``2008-10-17``. What is not valid grammar raises one
:class:`~xtrust.errors.PolicyError` whose ``pointer`` is the JSON pointer of the offending place.

References: IAM JSON policy element reference and grammar
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import field
from enum import Enum
from functools import cached_property, lru_cache
from itertools import repeat
from typing import Any, TypeGuard, TypeVar
from urllib.parse import unquote

from ._frozen import frozen
from .callers import is_account_id
from .conditions import Operator, parse_operator
from .errors import PolicyError

__all__ = [
    "RESOURCE_ACCOUNT",
    "VERSION_2008",
    "VERSION_2012",
    "Condition",
    "Effect",
    "Items",
    "Policy",
    "PolicyKind",
    "Principal",
    "PrincipalKind",
    "PrincipalSet",
    "Statement",
    "load_document",
    "parse_policy",
]

VERSION_2012 = "2012-10-17"
VERSION_2008 = "2008-10-17"
# The account that owns the resource: for sts:AssumeRole, the role's. AWS sets it in the request context
# (reference_policies_condition-keys, aws:ResourceAccount); the evaluator takes it from the role's ARN.
RESOURCE_ACCOUNT = "aws:resourceaccount"
_VERSIONS = (VERSION_2012, VERSION_2008)

_POLICY_KEYS = ("Version", "Id", "Statement")
_STATEMENT_KEYS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)

# Unique IDs IAM shows in place of a deleted principal (AIDA… users, AROA… roles, and the other
# prefixes of https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids).
_UNIQUE_ID = re.compile(r"A(?:IDA|ROA|GPA|NPA|NVA|IPA|KIA|SIA|CCA|3T)[A-Z0-9]{12,}")
_ARN = re.compile(r"arn:(?P<partition>[a-z0-9-]+):(?P<service>[a-z0-9-]*):(?P<region>[a-z0-9-]*):"
                  r"(?P<account>[0-9]*|aws):(?P<resource>.+)")


class Effect(str, Enum):
    ALLOW = "Allow"
    DENY = "Deny"


class PrincipalKind(str, Enum):
    """The keys of a ``Principal`` block; they are kept apart, never mixed into one set of strings."""

    AWS = "AWS"
    SERVICE = "Service"
    FEDERATED = "Federated"
    CANONICAL_USER = "CanonicalUser"


class PrincipalForm(str, Enum):
    """What one AWS principal value names (reference_policies_elements_principal)."""

    ANY = "any"  # "*": every principal
    ACCOUNT = "account"  # a bare account ID or arn:…:root: every principal of the account
    USER = "user"  # arn:…:iam::A:user/path/name
    ROLE = "role"  # arn:…:iam::A:role/path/name: every session of the role
    SESSION = "session"  # arn:…:sts::A:assumed-role/name/session
    FEDERATED_USER = "federated-user"  # arn:…:sts::A:federated-user/name
    UNIQUE_ID = "unique-id"  # a deleted principal, shown as its unique ID: matches nobody
    OTHER = "other"  # Service, Federated and CanonicalUser values, matched literally


@frozen
class Principal:
    """One principal value of one kind, as written, with what it names."""

    kind: PrincipalKind
    value: str
    form: PrincipalForm = field(default=PrincipalForm.OTHER, compare=False)
    account: str = field(default="", compare=False)
    name: str = field(default="", compare=False)  # user/role name (no path), session role name

    @property
    def canonical(self) -> str:
        """The value as IAM stores it: a bare account ID becomes the root ARN."""
        if self.form is PrincipalForm.ACCOUNT and is_account_id(self.value):
            return f"arn:aws:iam::{self.value}:root"
        return self.value


@frozen
class PrincipalSet:
    """The value of a ``Principal`` or ``NotPrincipal`` element.

    ``star`` records the bare ``"*"`` form; it means the same as ``{"AWS": "*"}``.
    ``scalars`` records which kinds were written as a single string, so the document serialises back
    as it was written.
    """

    principals: tuple[Principal, ...]
    star: bool = False
    scalars: frozenset[PrincipalKind] = frozenset()

    def of_kind(self, kind: PrincipalKind) -> tuple[Principal, ...]:
        return tuple(p for p in self.principals if p.kind is kind)

    @property
    def is_any(self) -> bool:
        return any(p.form is PrincipalForm.ANY for p in self.principals)

    def to_json(self) -> Any:
        """The element as written: kinds in the order they first appear, so parse → to_json → parse is equal."""
        if self.star:
            return "*"
        block: dict[str, Any] = {}
        for kind in dict.fromkeys(p.kind for p in self.principals):
            values = [p.value for p in self.principals if p.kind is kind]
            block[kind.value] = values[0] if kind in self.scalars and len(values) == 1 else values
        return block


@frozen
class Items:
    """The values of ``Action``/``NotAction``/``Resource``/``NotResource``; ``scalar`` if one string."""

    values: tuple[str, ...]
    scalar: bool = False

    def to_json(self) -> Any:
        return self.values[0] if self.scalar and len(self.values) == 1 else list(self.values)


@frozen
class Condition:
    """One ``operator: {key: values}`` entry of a ``Condition`` block."""

    operator: Operator
    key: str  # as written; condition keys match case-insensitively, so use ``key_lower``
    values: tuple[str, ...]
    scalar: bool = False
    raw_values: tuple[Any, ...] = field(default=(), compare=False)

    @property
    def key_lower(self) -> str:
        return self.key.lower()


@frozen
class Statement:
    """One parsed statement; ``index`` and ``pointer`` say where it was in its document."""

    index: int
    effect: Effect
    sid: str | None = None
    principal: PrincipalSet | None = None
    not_principal: PrincipalSet | None = None
    action: Items | None = None
    not_action: Items | None = None
    resource: Items | None = None
    not_resource: Items | None = None
    conditions: tuple[Condition, ...] = ()
    pointer: str = field(default="", compare=False)
    written: tuple[str, ...] = field(default=(), compare=False, repr=False)  # element names in written order

    def to_json(self) -> dict[str, Any]:
        """The statement as written: scalar vs list, Sid, and the order of its elements."""
        out = self._elements()
        order = [name for name in self.written if name in out]
        return {name: out[name] for name in order + [name for name in out if name not in order]}

    def _elements(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.sid is not None:
            out["Sid"] = self.sid
        out["Effect"] = self.effect.value
        for name, value in (
            ("Principal", self.principal),
            ("NotPrincipal", self.not_principal),
            ("Action", self.action),
            ("NotAction", self.not_action),
            ("Resource", self.resource),
            ("NotResource", self.not_resource),
        ):
            if value is not None:
                out[name] = value.to_json()
        if self.conditions:
            block: dict[str, dict[str, Any]] = {}
            for cond in self.conditions:
                raw = list(cond.raw_values) if cond.raw_values else list(cond.values)
                block.setdefault(cond.operator.name, {})[cond.key] = (
                    raw[0] if cond.scalar and len(raw) == 1 else raw
                )
            out["Condition"] = block
        return out


class PolicyKind(str, Enum):
    """Which grammar a document must follow: a role trust policy or an identity policy."""

    ANY = "any"
    TRUST = "trust"
    IDENTITY = "identity"


@frozen
class Policy:
    """A parsed policy document: its statements, Version and Id, and where it came from."""

    statements: tuple[Statement, ...]
    version: str | None = None
    id: str | None = None
    statement_is_object: bool = False
    source: str = field(default="", compare=False)

    @property
    def substitutes_variables(self) -> bool:
        """Policy variables are substituted only under Version 2012-10-17 (reference_policies_variables)."""
        return self.version == VERSION_2012

    @cached_property
    def names_resources(self) -> bool:
        """Whether a statement has a Resource or NotResource element: in a trust policy, the verdict then
        depends on which role it is attached to."""
        return any(s.resource is not None or s.not_resource is not None for s in self.statements)

    @cached_property
    def reads_resource_account(self) -> bool:
        """Whether a condition reads aws:ResourceAccount, as its key or through a policy variable, or a Resource
        or NotResource names it as a variable: the evaluator then takes it from the resource's ARN."""
        for statement in self.statements:
            texts = [v for items in (statement.resource, statement.not_resource) if items for v in items.values]
            for condition in statement.conditions:
                if condition.key_lower == RESOURCE_ACCOUNT:
                    return True
                texts += condition.values
            if any(RESOURCE_ACCOUNT in text.lower() for text in texts if "${" in text):
                return True
        return False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.version is not None:
            out["Version"] = self.version
        if self.id is not None:
            out["Id"] = self.id
        statements = [s.to_json() for s in self.statements]
        out["Statement"] = statements[0] if self.statement_is_object and len(statements) == 1 else statements
        return out

    def to_text(self, indent: int | None = None) -> str:
        return json.dumps(self.to_json(), indent=indent, sort_keys=False)

    def named(self, source: str) -> Policy:
        """The same document, labelled with where it came from (used in explanations and errors)."""
        return _made(Policy, statements=self.statements, version=self.version, id=self.id,
                     statement_is_object=self.statement_is_object, source=source)


PolicyInput = Policy | Mapping[str, Any] | str | bytes


def load_document(document: Any, source: str = "") -> Any:
    """Turn JSON text or URL-encoded JSON text into a Python value; pass anything else through."""
    if isinstance(document, bytes):
        try:
            document = document.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PolicyError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", "", source) from None
    if not isinstance(document, str):
        return document
    text = document.strip()
    if not text.startswith(("{", "[")) and "%" in text:
        text = _percent_decoded(text).strip()  # IAM returns documents URL-encoded (RFC 3986)
    try:
        return JSON.decode(text)
    except json.JSONDecodeError as exc:
        raise PolicyError(f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", "", source) from None
    except (ValueError, RecursionError) as exc:  # a number of over 4,300 digits; arrays or objects nested too deep
        raise PolicyError(f"not JSON xtrust can read: {json_limit(exc)}", "", source) from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name}, which JSON does not have")


# json.loads, less the NaN, Infinity and -Infinity it takes beyond JSON (RFC 8259 has no such numbers; IAM
# never writes them, and a condition would read them as the text "nan" or "inf")
JSON = json.JSONDecoder(parse_constant=_no_constant)


def json_limit(exc: ValueError | RecursionError) -> str:
    """What a JSON document that json.loads parses no further holds too much of, in a few words."""
    if isinstance(exc, RecursionError):
        return "arrays or objects nested too deep"
    return "a number of over 4,300 digits" if "digits" in str(exc) else str(exc).splitlines()[0]


def _percent_decoded(text: str) -> str:
    """``urllib.parse.unquote(text)``, done by the codecs: each %XX becomes the escape \\xXX, read as one byte.
    A tenth of the time for a URL-encoded policy document, where most characters are escaped; what is not
    well-formed UTF-8 once decoded (or a % that is not followed by two hex digits) is left to ``unquote``."""
    try:
        escaped = text.replace("\\", "\\\\").replace("%", "\\x").encode("utf-8")
        return escaped.decode("unicode_escape").encode("latin-1").decode("utf-8")
    except UnicodeError:
        return unquote(text)


def parse_policy(document: PolicyInput, *, kind: PolicyKind = PolicyKind.ANY, source: str = "") -> Policy:
    """Parse one policy document into a :class:`Policy`, validating its grammar.

    ``kind`` adds the rules of one policy type: a trust policy needs a principal in every statement;
    an identity policy may name none and needs a resource.
    """
    if isinstance(document, Policy):
        return document if not source else document.named(source)
    return _Parser(kind, source).policy(load_document(document, source))


_Value = TypeVar("_Value")
_new = object.__new__
_set = object.__setattr__


def _made(cls: type[_Value], /, **fields: Any) -> _Value:
    """``cls(**fields)`` for a :func:`~xtrust._frozen.frozen` class ``cls``, given every one of its fields in
    order, made without its ``__init__``, which matches the arguments with the fields first: the parsers make
    tens of thousands of values per account, and a role costs less than half as much this way. The value is
    the same in every respect: tests/test_model.py and tests/scan/test_snapshot.py compare what the parsers
    make with what the constructors make."""
    value = _new(cls)
    _set(value, "__dict__", fields)
    return value


def _is_object(value: Any) -> TypeGuard[Mapping[str, Any]]:
    """A JSON object: a dict, as JSON gives, asked first (a Mapping check is many times slower)."""
    return type(value) is dict or isinstance(value, Mapping)


_STATEMENT_KEY_SET = frozenset(_STATEMENT_KEYS)
_EXCLUSIVE = (("Principal", "NotPrincipal"), ("Action", "NotAction"), ("Resource", "NotResource"))
_EFFECTS = {effect.value: effect for effect in Effect}
_PRINCIPAL_KINDS = {kind.value: kind for kind in PrincipalKind}


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


class _Parser:
    def __init__(self, kind: PolicyKind, source: str) -> None:
        self.kind = kind
        self.source = source

    def fail(self, message: str, pointer: str) -> PolicyError:
        return PolicyError(message, pointer, self.source)

    def policy(self, doc: Any) -> Policy:
        if not _is_object(doc):
            raise self.fail(f"a policy must be a JSON object, not {_type_name(doc)}", "")
        for key in doc:
            if key not in _POLICY_KEYS:
                raise self.fail(f"unknown policy element {key!r} (expected one of {', '.join(_POLICY_KEYS)})",
                                f"/{_escape(str(key))}")
        version = doc.get("Version")
        if version is not None and version not in _VERSIONS:
            raise self.fail(f"Version must be {VERSION_2012!r} or {VERSION_2008!r}, not {version!r}", "/Version")
        policy_id = doc.get("Id")
        if policy_id is not None and not isinstance(policy_id, str):
            raise self.fail("Id must be a string", "/Id")
        if "Statement" not in doc:
            raise self.fail("missing required element 'Statement'", "")
        raw = doc["Statement"]
        if type(raw) is not list and _is_object(raw):  # a list, the usual, is not asked of the Mapping ABC
            statements = (self.statement(raw, 0, "/Statement"),)
            return _made(Policy, statements=statements, version=version, id=policy_id, statement_is_object=True,
                         source=self.source)
        if not isinstance(raw, list):
            raise self.fail(f"Statement must be an object or a list of objects, not {_type_name(raw)}", "/Statement")
        return _made(
            Policy,
            statements=tuple(self.statement(item, i, f"/Statement/{i}") for i, item in enumerate(raw)),
            version=version,
            id=policy_id,
            statement_is_object=False,
            source=self.source,
        )

    def statement(self, raw: Any, index: int, pointer: str) -> Statement:
        if not _is_object(raw):
            raise self.fail(f"a statement must be a JSON object, not {_type_name(raw)}", pointer)
        if not _STATEMENT_KEY_SET.issuperset(raw):
            key = next(key for key in raw if key not in _STATEMENT_KEY_SET)
            raise self.fail(f"unknown statement element {key!r}", f"{pointer}/{_escape(str(key))}")
        sid = raw.get("Sid")
        if sid is not None and not isinstance(sid, str):
            raise self.fail("Sid must be a string", f"{pointer}/Sid")
        if "Effect" not in raw:
            raise self.fail("missing required element 'Effect'", pointer)
        effect = _EFFECTS.get(raw["Effect"]) if type(raw["Effect"]) is str else None
        if effect is None:
            raise self.fail(f"Effect must be 'Allow' or 'Deny', not {raw['Effect']!r}", f"{pointer}/Effect")
        for a, b in _EXCLUSIVE:
            if a in raw and b in raw:
                raise self.fail(f"a statement may not have both '{a}' and '{b}'", f"{pointer}/{b}")
        if "Action" not in raw and "NotAction" not in raw:
            raise self.fail("missing required element 'Action' or 'NotAction'", pointer)
        has_principal = "Principal" in raw or "NotPrincipal" in raw
        if self.kind is PolicyKind.TRUST and not has_principal:
            raise self.fail("a trust policy statement needs 'Principal'", pointer)
        if self.kind is PolicyKind.IDENTITY:
            if has_principal:
                key = "Principal" if "Principal" in raw else "NotPrincipal"
                raise self.fail(f"an identity policy may not have '{key}'", f"{pointer}/{key}")
            if "Resource" not in raw and "NotResource" not in raw:
                raise self.fail("missing required element 'Resource' or 'NotResource'", pointer)
        # each element is read only when present (a statement has two or three of the six)
        return _made(
            Statement,
            index=index,
            effect=effect,
            sid=sid,
            principal=self.principals(raw, "Principal", pointer) if "Principal" in raw else None,
            not_principal=self.principals(raw, "NotPrincipal", pointer) if "NotPrincipal" in raw else None,
            action=self.actions(raw, "Action", pointer) if "Action" in raw else None,
            not_action=self.actions(raw, "NotAction", pointer) if "NotAction" in raw else None,
            resource=self.items(raw, "Resource", pointer) if "Resource" in raw else None,
            not_resource=self.items(raw, "NotResource", pointer) if "NotResource" in raw else None,
            conditions=self.conditions(raw["Condition"], f"{pointer}/Condition") if "Condition" in raw else (),
            pointer=pointer,
            written=tuple(raw),
        )

    def strings(self, value: Any, pointer: str, what: str) -> tuple[tuple[str, ...], bool]:
        if isinstance(value, str):
            return (value,), True
        if isinstance(value, list):
            if value and all(map(isinstance, value, repeat(str))):  # the usual, checked at once
                return tuple(value), False
            for i, item in enumerate(value):
                if not isinstance(item, str):
                    raise self.fail(f"{what} values must be strings, not {_type_name(item)}", f"{pointer}/{i}")
            if not value:
                raise self.fail(f"{what} must not be an empty list", pointer)
            return tuple(value), False
        raise self.fail(f"{what} must be a string or a list of strings, not {_type_name(value)}", pointer)

    def items(self, raw: Mapping[str, Any], key: str, pointer: str) -> Items | None:
        if key not in raw:
            return None
        value = raw[key]
        if type(value) is str:
            return _made(Items, values=(value,), scalar=True)
        values, scalar = self.strings(value, f"{pointer}/{key}", key)
        return _made(Items, values=values, scalar=scalar)

    def actions(self, raw: Mapping[str, Any], key: str, pointer: str) -> Items | None:
        items = self.items(raw, key, pointer)
        if items is None:
            return None
        for i, action in enumerate(items.values):
            if action != "*" and ":" not in action:
                where = f"{pointer}/{key}" if items.scalar else f"{pointer}/{key}/{i}"
                raise self.fail(f"action {action!r} is not of the form 'service:action'", where)
        return items

    def principals(self, raw: Mapping[str, Any], key: str, pointer: str) -> PrincipalSet | None:
        if key not in raw:
            return None
        value = raw[key]
        if value == "*":
            return _made(PrincipalSet, principals=(_principal(PrincipalKind.AWS, "*"),), star=True, scalars=frozenset())
        if not _is_object(value) or not value:
            raise self.fail(f"{key} must be \"*\" or a non-empty object of principal types", f"{pointer}/{key}")
        found: list[Principal] = []
        scalars: set[PrincipalKind] = set()
        for type_name, values in value.items():
            kind = _PRINCIPAL_KINDS.get(type_name) if type(type_name) is str else None
            if kind is None:
                raise self.fail(
                    f"unknown principal type {type_name!r} (expected AWS, Service, Federated or CanonicalUser)",
                    f"{pointer}/{key}/{_escape(str(type_name))}",
                )
            strings: tuple[str, ...]
            if type(values) is str:
                strings, scalar = (values,), True
            else:
                strings, scalar = self.strings(values, f"{pointer}/{key}/{type_name}", f"{key} {type_name}")
            if scalar:
                scalars.add(kind)
            for i, text in enumerate(strings):
                try:
                    found.append(_principal(kind, text))
                except ValueError as exc:
                    here = f"{pointer}/{key}/{type_name}"
                    raise self.fail(str(exc), here if scalar else f"{here}/{i}") from None
        return _made(PrincipalSet, principals=tuple(found), star=False, scalars=frozenset(scalars))

    def conditions(self, block: Any, pointer: str) -> tuple[Condition, ...]:
        if not _is_object(block):
            raise self.fail(f"Condition must be an object, not {_type_name(block)}", pointer)
        out: list[Condition] = []
        for op_name, entries in block.items():
            here = f"{pointer}/{_escape(str(op_name))}"
            try:
                operator = parse_operator(str(op_name))
            except ValueError as exc:
                raise self.fail(str(exc), here) from None
            if not _is_object(entries) or not entries:
                raise self.fail(f"condition operator {op_name} needs an object of condition keys", here)
            for key, raw_values in entries.items():
                scalar = not isinstance(raw_values, list)
                items = [raw_values] if scalar else list(raw_values)
                values = []
                for i, item in enumerate(items):
                    if isinstance(item, bool):
                        values.append("true" if item else "false")
                    elif isinstance(item, (str, int, float)):
                        values.append(str(item))
                    else:
                        where = f"{here}/{_escape(str(key))}"
                        at = where if scalar else f"{where}/{i}"
                        raise self.fail(
                            f"condition values must be strings, numbers or booleans, not {_type_name(item)}", at
                        )
                try:
                    operator.validate(values)
                except ValueError as exc:
                    raise self.fail(str(exc), f"{here}/{_escape(str(key))}") from None
                out.append(_made(Condition, operator=operator, key=str(key), values=tuple(values), scalar=scalar,
                                 raw_values=tuple(items)))
        return tuple(out)


@lru_cache(maxsize=65536)
def _principal(kind: PrincipalKind, value: str) -> Principal:
    """Classify one principal value; raise ValueError for a value IAM would refuse. A frozen value, made once
    per (kind, value): the same principals recur across an account's trust policies."""
    form, account, name = _classified(kind, value)
    return _made(Principal, kind=kind, value=value, form=form, account=account, name=name)


def _classified(kind: PrincipalKind, value: str) -> tuple[PrincipalForm, str, str]:
    """What one principal value names: its form, its account and its user or role name (or ``""``)."""
    if kind is not PrincipalKind.AWS:
        if kind is PrincipalKind.SERVICE and value == "*":
            raise ValueError("a Service principal cannot be \"*\"; use {\"AWS\": \"*\"} or name the service")
        return PrincipalForm.OTHER, "", ""
    if value == "*":
        return PrincipalForm.ANY, "", ""
    if "*" in value or "?" in value:
        raise ValueError(f"partial wildcards are not allowed in a principal: {value!r}")
    if len(value) == 12 and is_account_id(value):
        return PrincipalForm.ACCOUNT, value, ""
    if value[:1] == "A" and _UNIQUE_ID.fullmatch(value):
        return PrincipalForm.UNIQUE_ID, "", ""
    match = _ARN.fullmatch(value)
    if not match:
        raise ValueError(f"not an account ID, ARN or \"*\": {value!r}")
    account, service, resource = match.group("account", "service", "resource")
    if len(account) != 12:  # the pattern's account is digits or "aws": twelve digits, or not an account ID
        raise ValueError(f"principal ARN without a 12-digit account ID: {value!r}")
    if service == "iam" and resource == "root":
        return PrincipalForm.ACCOUNT, account, ""
    if service == "iam" and resource.startswith("user/"):
        return PrincipalForm.USER, account, resource.rsplit("/", 1)[1]
    if service == "iam" and resource.startswith("role/"):
        return PrincipalForm.ROLE, account, resource.rsplit("/", 1)[1]
    if service == "sts" and resource.startswith("assumed-role/") and resource.count("/") >= 2:
        return PrincipalForm.SESSION, account, resource.split("/")[1]
    if service == "sts" and resource.startswith("federated-user/"):
        return PrincipalForm.FEDERATED_USER, account, resource.split("/", 1)[1]
    raise ValueError(f"not a principal IAM accepts in a policy: {value!r}")


def _type_name(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)

