"""Snapshot input: one ``aws iam get-account-authorization-details`` document per account.

Exactly what the API returns (``UserDetailList``, ``GroupDetailList``, ``RoleDetailList``, ``Policies``),
with policy documents as JSON objects or URL-encoded JSON strings. The account ID comes from the ARNs
inside (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html).
Anything malformed raises InputError (or PolicyError) naming the file and the JSON pointer.
"""

from __future__ import annotations

import json
import marshal
import re
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from itertools import repeat
from pathlib import Path
from typing import Any, TypeVar

from .errors import InputError, PolicyError
from .inventory import Account, Group, InlinePolicy, ManagedPolicy, PolicyVersion, Role, User, is_aws_managed
from .model import JSON, Policy, PolicyKind, _is_object, _made, json_limit, parse_policy

__all__ = ["SNAPSHOT_KEYS", "load_snapshot", "parse_snapshot", "read_json_file"]

_Scalar = TypeVar("_Scalar", int, bool)

SNAPSHOT_KEYS = ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")
_ARN_ACCOUNT = re.compile(r"arn:aws[a-z-]*:iam::([0-9]{12}):")
_FILE_ACCOUNT = re.compile(r"(?<![0-9])([0-9]{12})(?![0-9])")


def read_json_file(path: str | Path) -> Any:
    source = str(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise InputError(f"{source}: cannot read: {exc.strerror or exc}") from None
    try:
        return json.loads(raw, parse_constant=JSON.parse_constant)  # no NaN nor Infinity (model.JSON)
    except UnicodeDecodeError:
        raise InputError(f"{source}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{source}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except (ValueError, RecursionError) as exc:  # a number of over 4,300 digits; arrays or objects nested too deep
        raise InputError(f"{source}: not JSON xtrust can read: {json_limit(exc)}") from None


def load_snapshot(path: str | Path) -> Account:
    """Read one snapshot file into an :class:`Account`."""
    return parse_snapshot(read_json_file(path), str(path))


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.cache: dict[Any, Policy] = {}

    def fail(self, pointer: str, message: str) -> InputError:
        return InputError(f"{self.source}: {pointer or '(top level)'}: {message}")

    def obj(self, value: Any, pointer: str) -> Mapping[str, Any]:
        if not _is_object(value):
            raise self.fail(pointer, "expected a JSON object")
        return value

    def text(self, entry: Mapping[str, Any], key: str, pointer: str, default: str | None = None) -> str:
        value = entry.get(key, default)
        if type(value) is not str and not isinstance(value, str):
            raise self.fail(f"{pointer}/{key}", "missing" if value is None else "expected a string")
        return value

    def scalar(self, entry: Mapping[str, Any], key: str, pointer: str, kind: type[_Scalar], default: _Scalar,
               expected: str) -> _Scalar:
        """The value under ``key``, of exactly the type ``kind`` (true is no number, "false" no boolean), or
        ``default`` when it is absent or null."""
        value = entry.get(key)
        if value is None:
            return default
        if type(value) is not kind:
            raise self.fail(f"{pointer}/{key}", f"expected {expected}")
        return value

    def array(self, entry: Mapping[str, Any], key: str, pointer: str) -> list[Any]:
        value = entry.get(key, [])
        if not isinstance(value, list):
            raise self.fail(f"{pointer}/{key}", "expected a list")
        return value

    def policy(self, value: Any, kind: PolicyKind, prefix: str, index: int | str = "", suffix: str = "") -> Policy:
        """The parsed document ``value``, at the JSON pointer ``prefix + str(index) + suffix`` (put together
        only to name it in an error: most documents are read without one)."""
        # The same document repeats across roles and groups: parse it once, keyed by its text. A string is
        # its own key; an object is keyed by its marshal serialisation, which loads back to an equal value
        # (so two documents that share a key are equal), and costs half of repr (format 2: no back-references,
        # whose use would depend on reference counts). The type tag keeps a string from sharing a key.
        key = (kind, True, value) if isinstance(value, str) else (kind, False, _fingerprint(value))
        cached = self.cache.get(key)
        if cached is None:
            if value is None:
                raise self.fail(f"{prefix}{index}{suffix}", "missing policy document")
            try:
                cached = parse_policy(value, kind=kind)
            except PolicyError as exc:
                raise exc.within(self.source, f"{prefix}{index}{suffix}") from None
            self.cache[key] = cached
        return cached

    def inline(self, entry: Mapping[str, Any], key: str, listed: str, index: int) -> tuple[InlinePolicy, ...]:
        """The inline policies under ``key`` of entry ``index`` of the list ``listed``."""
        items = entry.get(key)
        if not items or not isinstance(items, list):  # absent or empty: nothing to read; else a mistake
            if key in entry and not isinstance(items, list):
                raise self.fail(f"/{listed}/{index}/{key}", "expected a list")
            return ()
        prefix = f"/{listed}/{index}/{key}/"
        out = []
        for i, item in enumerate(items):
            name = item.get("PolicyName") if type(item) is dict else None
            if type(name) is not str:  # not the usual: the slow way, which says what is wrong
                here = f"{prefix}{i}"
                item = self.obj(item, here)
                name = self.text(item, "PolicyName", here)
            document = self.policy(item.get("PolicyDocument"), PolicyKind.IDENTITY, prefix, i, "/PolicyDocument")
            out.append(_made(InlinePolicy, name=name, document=document))
        return tuple(out)

    def attached(self, entry: Mapping[str, Any], listed_in: str, index: int) -> tuple[str, ...]:
        """The ARNs of the managed policies attached to entry ``index`` of the list ``listed_in``."""
        listed = entry.get("AttachedManagedPolicies")
        if not listed:
            if "AttachedManagedPolicies" in entry and not isinstance(listed, list):
                raise self.fail(f"/{listed_in}/{index}/AttachedManagedPolicies", "expected a list")
            return ()
        if type(listed) is list:  # the usual: objects with a string PolicyArn
            arns: list[Any] = [item.get("PolicyArn") for item in listed if type(item) is dict]
            if len(arns) == len(listed) and all(map(isinstance, arns, repeat(str))):
                return tuple(arns)
        pointer = f"/{listed_in}/{index}"
        out = []
        for i, item in enumerate(self.array(entry, "AttachedManagedPolicies", pointer)):
            arn = item.get("PolicyArn") if type(item) is dict else None
            if type(arn) is not str:  # anything but an object with a string PolicyArn: say what is wrong
                here = f"{pointer}/AttachedManagedPolicies/{i}"
                arn = self.text(self.obj(item, here), "PolicyArn", here)
            out.append(arn)
        return tuple(out)

    def entry(self, raw: Any, listed: str, index: int, name_key: str) -> tuple[Mapping[str, Any], str, str, str]:
        """Entry ``index`` of the list ``listed`` (an object), and its Arn, its name (under ``name_key``) and
        its Path (``/`` when absent)."""
        if type(raw) is dict:
            arn, name, path = raw.get("Arn"), raw.get(name_key), raw.get("Path", "/")
            if type(arn) is str and type(name) is str and type(path) is str:
                return raw, arn, name, path
        here = f"/{listed}/{index}"  # something is unusual: the slow way, which says what is wrong
        entry = self.obj(raw, here)
        return (entry, self.text(entry, "Arn", here), self.text(entry, name_key, here),
                self.text(entry, "Path", here, "/"))


def _fingerprint(document: Any) -> bytes | str:
    try:
        return marshal.dumps(document, 2)
    except ValueError:  # not plain JSON values (a Mapping of another type, say): its repr
        return repr(document)


def parse_snapshot(data: Any, source: str = "<snapshot>") -> Account:
    """Turn one get-account-authorization-details document into an :class:`Account`."""
    reader = _Reader(source)
    top = reader.obj(data, "")
    if not any(key in top for key in SNAPSHOT_KEYS):
        raise reader.fail("", f"not a get-account-authorization-details document (none of {', '.join(SNAPSHOT_KEYS)})")
    roles, groups, users = [], [], []
    for i, raw in enumerate(reader.array(top, "RoleDetailList", "")):
        entry, arn, name, path = reader.entry(raw, "RoleDetailList", i, "RoleName")
        roles.append(_made(
            Role, arn=arn, name=name, path=path,
            trust=reader.policy(entry.get("AssumeRolePolicyDocument"), PolicyKind.TRUST, "/RoleDetailList/", i,
                                "/AssumeRolePolicyDocument"),
            inline=reader.inline(entry, "RolePolicyList", "RoleDetailList", i),
            attached=reader.attached(entry, "RoleDetailList", i),
        ))
    for i, raw in enumerate(reader.array(top, "GroupDetailList", "")):
        entry, arn, name, path = reader.entry(raw, "GroupDetailList", i, "GroupName")
        groups.append(_made(Group, arn=arn, name=name, path=path,
                            inline=reader.inline(entry, "GroupPolicyList", "GroupDetailList", i),
                            attached=reader.attached(entry, "GroupDetailList", i)))
    for i, raw in enumerate(reader.array(top, "UserDetailList", "")):
        member_of = raw.get("GroupList", []) if type(raw) is dict else None
        if type(member_of) is not list or not all(map(isinstance, member_of, repeat(str))):
            here = f"/UserDetailList/{i}"  # not the usual list of names: the slow way, which says what is wrong
            member_of = reader.array(reader.obj(raw, here), "GroupList", here)
            if not all(isinstance(name, str) for name in member_of):
                raise reader.fail(f"{here}/GroupList", "expected a list of group names")
        entry, arn, name, path = reader.entry(raw, "UserDetailList", i, "UserName")
        users.append(_made(User, arn=arn, name=name, path=path,
                           inline=reader.inline(entry, "UserPolicyList", "UserDetailList", i),
                           attached=reader.attached(entry, "UserDetailList", i), groups=tuple(member_of)))
    policies = _Policies()
    for i, raw in enumerate(reader.array(top, "Policies", "")):
        here = f"/Policies/{i}"
        entry = reader.obj(raw, here)
        arn = reader.text(entry, "Arn", here)
        attachments = reader.scalar(entry, "AttachmentCount", here, int, 0, "a whole number")
        if is_aws_managed(arn) and not attachments:
            # An AWS-managed policy attached to nothing decides nothing; AWS lists hundreds of them.
            policies.defer(arn, partial(_managed_policy, reader, entry, here, arn, attachments))
        else:
            policies[arn] = _managed_policy(reader, entry, here, arn, attachments)
    account = _account_id(reader, roles, groups, users, policies)
    return Account(account, source, tuple(roles), tuple(groups), tuple(users), policies)


def _managed_policy(reader: _Reader, entry: Mapping[str, Any], here: str, arn: str, attachments: int) -> ManagedPolicy:
    versions = []
    for j, version in enumerate(reader.array(entry, "PolicyVersionList", here)):
        there = f"{here}/PolicyVersionList/{j}"
        version = reader.obj(version, there)
        document = version.get("Document")
        versions.append(PolicyVersion(
            version_id=reader.text(version, "VersionId", there),
            is_default=reader.scalar(version, "IsDefaultVersion", there, bool, False, "true or false"),
            document=None if document is None else reader.policy(document, PolicyKind.IDENTITY, there,
                                                                 suffix="/Document"),
            created=str(version.get("CreateDate", "")),
        ))
    return ManagedPolicy(
        arn=arn,
        # the name is the ARN's last part; moto 5.2 leaves PolicyName out of the Policies list
        name=reader.text(entry, "PolicyName", here, arn.rsplit("/", 1)[-1]),
        path=reader.text(entry, "Path", here, "/"),
        default_version_id=reader.text(entry, "DefaultVersionId", here, ""),
        versions=tuple(versions),
        attachment_count=attachments,
    )


class _Policies(Mapping[str, ManagedPolicy]):
    """The account's managed policies by ARN; some are parsed only when first looked up."""

    def __init__(self) -> None:
        self._ready: dict[str, ManagedPolicy] = {}
        self._later: dict[str, Callable[[], ManagedPolicy]] = {}
        self._order: list[str] = []

    def __setitem__(self, arn: str, policy: ManagedPolicy) -> None:
        if arn not in self._ready and arn not in self._later:
            self._order.append(arn)
        self._later.pop(arn, None)
        self._ready[arn] = policy

    def defer(self, arn: str, load: Callable[[], ManagedPolicy]) -> None:
        if arn not in self._ready and arn not in self._later:
            self._order.append(arn)
        self._later[arn] = load

    def __getitem__(self, arn: str) -> ManagedPolicy:
        policy = self._ready.get(arn)
        if policy is None:
            load = self._later.pop(arn)  # KeyError for an ARN the snapshot does not hold
            policy = self._ready[arn] = load()
        return policy

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)


def _account_id(reader: _Reader, roles: list[Role], groups: list[Group], users: list[User],
                policies: Mapping[str, ManagedPolicy]) -> str:
    found: dict[str, str] = {}
    listed: tuple[tuple[str, list[str]], ...] = (
        ("RoleDetailList", [r.arn for r in roles]),
        ("GroupDetailList", [g.arn for g in groups]),
        ("UserDetailList", [u.arn for u in users]),
    )
    last = None  # what the last ARN matched ("arn:aws:iam::<account>:"): most share it, and need no regex then
    for kind, arns in listed:
        for i, arn in enumerate(arns):
            if last is not None and arn.startswith(last):
                continue
            match = _ARN_ACCOUNT.match(arn)
            if not match:
                raise reader.fail(f"/{kind}/{i}/Arn", f"not an IAM ARN with an account ID: {arn!r}")
            found.setdefault(match[1], f"/{kind}/{i}/Arn")
            last = match[0]
    for i, arn in enumerate(policies):
        match = _ARN_ACCOUNT.match(arn)
        if match:
            found.setdefault(match[1], f"/Policies/{i}/Arn")
    if len(found) > 1:
        (first, _), (second, where) = list(found.items())[:2]
        raise reader.fail(where, f"holds account {second} as well as {first}: one snapshot file per account")
    if found:
        return next(iter(found))
    named = _FILE_ACCOUNT.findall(Path(reader.source).name)
    if len(named) == 1:
        return str(named[0])
    raise reader.fail("", "no ARN tells which account this is (name the file <account-id>.json)")
