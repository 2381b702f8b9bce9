"""The only writer: applies a plan of verified fixes to live accounts, with a journal, and rolls back.

For each fix, in order (https://docs.aws.amazon.com/IAM/latest/APIReference/ for each operation):

1. re-read the live document; when it is no longer the document the plan was made from, skip the fix
   ("changed since scan") rather than overwrite a colleague's change. Documents are compared normalised:
   a bare account ID equals its root ARN, a string equals a one-element list, order of values and
   URL-encoding do not matter (IAM returns documents URL-encoded and may store an account ID as its root ARN);
2. append the old document to the journal (JSON lines), flushed and fsynced, *before* writing;
3. write: UpdateAssumeRolePolicy, PutGroupPolicy, PutUserPolicy, or CreatePolicyVersion as the new
   default — deleting the oldest non-default version first when the policy holds the maximum of five
   (access_policies_managed-versioning), that deletion journalled as well;
4. re-read and compare with what was written (IAM is eventually consistent: a few short retries).

:func:`rollback` restores every journalled document — re-creating, re-defaulting or deleting as needed —
and is idempotent: a second rollback finds nothing to do.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ._frozen import frozen
from .collect import LiveOptions, client_in, describe_failure, read_accounts
from .errors import ApplyError, InputError, PolicyError, ScanError
from .findings import ErrorEntry
from .fix import Fix, Operation
from .inventory import Account
from .model import JSON, Policy, PolicyKind, load_document, parse_policy
from .snapshot import parse_snapshot
from .verify import Quotas

__all__ = [
    "JOURNAL_VERSION",
    "PAUSE_ENV",
    "Journal",
    "Outcome",
    "account_quotas",
    "apply_fixes",
    "default_journal_path",
    "iam_client",
    "normalise",
    "read_journal",
    "read_live",
    "rollback",
]

JOURNAL_VERSION = 1
# Seconds to pause after each journal entry reaches the disk and before the write it precedes; lets tests
# interrupt an apply at the most delicate moment. Unset in normal use.
PAUSE_ENV = "XTRUST_APPLY_PAUSE_AFTER_JOURNAL"
_REREAD_ATTEMPTS = 5


@frozen
class Outcome:
    """What happened to one fix (or, in a rollback, one journalled document)."""

    label: str
    status: str  # applied | skipped | failed | restored | unchanged
    detail: str = ""
    finding: str = ""

    def to_json(self) -> dict[str, str]:
        return {"label": self.label, "status": self.status, "detail": self.detail, "finding": self.finding}


# --- comparing documents ------------------------------------------------------------------------


def _canonical_principal(value: str) -> str:
    return f"arn:aws:iam::{value}:root" if value.isdigit() and len(value) == 12 else value


def normalise(document: Any) -> Any:
    """A form of a policy document in which every way of writing the same policy looks the same."""
    if document is None:
        return None
    raw = load_document(document)
    try:
        policy = parse_policy(raw, kind=PolicyKind.ANY)
    except PolicyError:
        return raw
    statements = []
    for s in policy.statements:
        entry: dict[str, Any] = {"Sid": s.sid or "", "Effect": s.effect.value}
        for name, block in (("Principal", s.principal), ("NotPrincipal", s.not_principal)):
            if block is not None:
                entry[name] = sorted((p.kind.value, _canonical_principal(p.value)) for p in block.principals)
        for name, items, fold in (("Action", s.action, True), ("NotAction", s.not_action, True),
                                  ("Resource", s.resource, False), ("NotResource", s.not_resource, False)):
            if items is not None:
                entry[name] = sorted({v.lower() if fold else v for v in items.values})
        entry["Condition"] = sorted((c.operator.name.lower(), c.key_lower, tuple(sorted(c.values)))
                                    for c in s.conditions)
        statements.append(entry)
    return {"Version": policy.version or "", "Statement": statements}


def _same(a: Any, b: Any) -> bool:
    return bool(normalise(a) == normalise(b))


# --- the journal --------------------------------------------------------------------------------


def default_journal_path(directory: str | Path = "reports") -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    return Path(directory) / f"xtrust-fix-{stamp}-{os.getpid()}.jsonl"


class Journal:
    """An append-only JSON-lines file; every entry is on disk (flushed and fsynced) when ``add`` returns."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - kept open while applying
        except OSError as exc:
            raise InputError(f"{self.path}: cannot write the journal: {exc.strerror or exc}") from None
        self.entries = 0

    def add(self, entry: Mapping[str, Any]) -> None:
        self._handle.write(json.dumps({"journal": JOURNAL_VERSION, **entry}, sort_keys=True) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self.entries += 1
        pause = os.environ.get(PAUSE_ENV)
        if pause:
            time.sleep(float(pause))

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def read_journal(path: str | Path) -> list[dict[str, Any]]:
    """The entries of a journal; a last line cut short by a crash is ignored, any other bad line is an error."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the journal: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    entries = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            entry = JSON.decode(line)
        except (ValueError, RecursionError):  # not JSON, or JSON no journal holds
            if number == len(lines):
                break  # the write of this line was interrupted: its AWS write never started
            raise InputError(f"{path}:{number}: not a journal entry (invalid JSON)") from None
        if not isinstance(entry, dict) or entry.get("journal") != JOURNAL_VERSION or "kind" not in entry:
            raise InputError(f"{path}:{number}: not an xtrust journal entry")
        entries.append(entry)
    return entries


# --- AWS access ---------------------------------------------------------------------------------


def iam_client(account: str, options: LiveOptions) -> Any:
    """An IAM client acting in ``account``, reached as a scan reaches it, with the session name
    ``xtrust-apply`` so that writes stand out in CloudTrail."""
    return client_in(account, "iam", options, session_name="xtrust-apply")


def account_quotas(iam: Any) -> Quotas:
    """The account's own size quotas (GetAccountSummary); the AWS defaults where it says nothing."""
    try:
        return Quotas.from_summary(iam.get_account_summary().get("SummaryMap", {}))
    except (BotoCoreError, ClientError):
        return Quotas()


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _text(document: Policy | Mapping[str, Any]) -> str:
    return json.dumps(document.to_json() if isinstance(document, Policy) else document)


class _Target:
    """Reads and writes the one document a fix or journal entry is about."""

    def __init__(self, iam: Any, operation: Operation, entity: str, policy_name: str, policy_arn: str) -> None:
        self.iam = iam
        self.operation = operation
        self.entity = entity
        self.policy_name = policy_name
        self.policy_arn = policy_arn

    def read(self) -> Any:
        """The live document (None when the inline policy does not exist)."""
        try:
            if self.operation is Operation.UPDATE_ASSUME_ROLE_POLICY:
                return self.iam.get_role(RoleName=self.entity)["Role"]["AssumeRolePolicyDocument"]
            if self.operation is Operation.PUT_GROUP_POLICY:
                return self.iam.get_group_policy(GroupName=self.entity, PolicyName=self.policy_name)["PolicyDocument"]
            if self.operation is Operation.PUT_USER_POLICY:
                return self.iam.get_user_policy(UserName=self.entity, PolicyName=self.policy_name)["PolicyDocument"]
            default = self.iam.get_policy(PolicyArn=self.policy_arn)["Policy"]["DefaultVersionId"]
            return self.version(default)["Document"]
        except ClientError as exc:
            if _code(exc) == "NoSuchEntity" and self.operation in (Operation.PUT_GROUP_POLICY,
                                                                  Operation.PUT_USER_POLICY):
                return None
            raise

    def version(self, version_id: str) -> dict[str, Any]:
        return dict(self.iam.get_policy_version(PolicyArn=self.policy_arn, VersionId=version_id)["PolicyVersion"])

    def versions(self) -> list[dict[str, Any]]:
        return list(self.iam.list_policy_versions(PolicyArn=self.policy_arn)["Versions"])

    def put(self, document: Any) -> str:
        """Write ``document``; for a managed policy, as a new default version (its ID is returned)."""
        text = json.dumps(document.to_json() if isinstance(document, Policy) else load_document(document))
        if self.operation is Operation.UPDATE_ASSUME_ROLE_POLICY:
            self.iam.update_assume_role_policy(RoleName=self.entity, PolicyDocument=text)
        elif self.operation is Operation.PUT_GROUP_POLICY:
            self.iam.put_group_policy(GroupName=self.entity, PolicyName=self.policy_name, PolicyDocument=text)
        elif self.operation is Operation.PUT_USER_POLICY:
            self.iam.put_user_policy(UserName=self.entity, PolicyName=self.policy_name, PolicyDocument=text)
        else:
            created = self.iam.create_policy_version(PolicyArn=self.policy_arn, PolicyDocument=text, SetAsDefault=True)
            return str(created["PolicyVersion"]["VersionId"])
        return ""

    def delete_inline(self) -> None:
        if self.operation is Operation.PUT_GROUP_POLICY:
            self.iam.delete_group_policy(GroupName=self.entity, PolicyName=self.policy_name)
        else:
            self.iam.delete_user_policy(UserName=self.entity, PolicyName=self.policy_name)

    def settled(self, expected: Any) -> bool:
        """Whether a re-read shows ``expected``, retried briefly (IAM is eventually consistent)."""
        for attempt in range(_REREAD_ATTEMPTS):
            if _same(self.read(), expected):
                return True
            time.sleep(0.2 * (attempt + 1))
        return False


def _target(iam: Any, entry: Mapping[str, Any]) -> _Target:
    return _Target(iam, Operation(entry["operation"]), entry.get("entity", ""), entry.get("policy_name", ""),
                   entry.get("policy_arn", ""))


# --- applying -----------------------------------------------------------------------------------


def _entry(fix: Fix) -> dict[str, Any]:
    return {
        "account": fix.account,
        "finding": fix.finding,
        "resource": fix.resource,
        "operation": fix.operation.value,
        "entity": fix.entity,
        "policy_name": fix.policy_name,
        "policy_arn": fix.policy_arn,
        "before": fix.before.to_json() if fix.before is not None else None,
        "after": fix.after.to_json(),
    }


def _oldest_non_default(versions: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    others = [v for v in versions if not v.get("IsDefaultVersion")]
    return min(others, key=lambda v: (str(v.get("CreateDate", "")), _version_number(v))) if others else None


def _version_number(version: Mapping[str, Any]) -> int:
    digits = "".join(ch for ch in str(version.get("VersionId", "")) if ch.isdigit())
    return int(digits) if digits else 0


def _apply_one(fix: Fix, iam: Any, journal: Journal, quotas: Quotas) -> Outcome:
    target = _Target(iam, fix.operation, fix.entity, fix.policy_name, fix.policy_arn)
    live = target.read()
    if (fix.before is None and live is not None) or (fix.before is not None and not _same(live, fix.before)):
        return Outcome(fix.label, "skipped", "changed since scan: the live document differs from the planned one",
                       fix.finding)
    entry = _entry(fix)
    if fix.operation is Operation.CREATE_POLICY_VERSION:
        versions = target.versions()
        entry["versions"] = [v["VersionId"] for v in versions]
        entry["default_version"] = next((v["VersionId"] for v in versions if v.get("IsDefaultVersion")), "")
        if len(versions) >= quotas.versions:
            oldest = _oldest_non_default(versions)
            if oldest is None:
                return Outcome(fix.label, "failed", "the policy holds the maximum of versions, none deletable",
                               fix.finding)
            document = target.version(oldest["VersionId"])["Document"]
            journal.add({"kind": "delete-version", "account": fix.account, "policy_arn": fix.policy_arn,
                         "operation": fix.operation.value, "version_id": oldest["VersionId"],
                         "document": load_document(document)})
            iam.delete_policy_version(PolicyArn=fix.policy_arn, VersionId=oldest["VersionId"])
    journal.add({"kind": "write", **entry})
    created = target.put(fix.after)
    if not target.settled(fix.after):
        return Outcome(fix.label, "failed", "written, but a re-read shows a different document", fix.finding)
    detail = fix.summary + (f" (new default version {created})" if created else "")
    return Outcome(fix.label, "applied", detail, fix.finding)


def apply_fixes(
    fixes: Iterable[Fix],
    clients: Callable[[str], Any],
    journal: Journal,
    *,
    quotas: Callable[[str], Quotas] | None = None,
) -> list[Outcome]:
    """Apply each fix with the IAM client ``clients(account)`` returns, journalling before every write.

    A fix whose document changed since the scan is skipped; a failing write is reported and the others go
    on. Returns one outcome per fix, in order.
    """
    outcomes = []
    for fix in fixes:
        try:
            iam = clients(fix.account)
            limits = quotas(fix.account) if quotas else Quotas()
            outcomes.append(_apply_one(fix, iam, journal, limits))
        except (BotoCoreError, ClientError) as exc:
            outcomes.append(Outcome(fix.label, "failed", describe_failure(exc), fix.finding))
        except ScanError as exc:
            outcomes.append(Outcome(fix.label, "failed", exc.message, fix.finding))
    return outcomes


# --- rolling back -------------------------------------------------------------------------------


def _label(entry: Mapping[str, Any]) -> str:
    if entry.get("policy_arn"):
        return str(entry["policy_arn"])
    if entry.get("operation") == Operation.UPDATE_ASSUME_ROLE_POLICY.value:
        return f"role {entry.get('entity')} trust policy"
    kind = "group" if entry.get("operation") == Operation.PUT_GROUP_POLICY.value else "user"
    return f"{kind} {entry.get('entity')} inline policy {entry.get('policy_name')}"


def _restore_write(entry: Mapping[str, Any], iam: Any) -> Outcome:
    label = _label(entry)
    target = _target(iam, entry)
    before = entry.get("before")
    operation = target.operation
    if operation is Operation.CREATE_POLICY_VERSION:
        return _restore_version(entry, target, label)
    live = target.read()
    if before is None:
        if live is None:
            return Outcome(label, "unchanged", "already absent")
        target.delete_inline()
        return Outcome(label, "restored", "deleted the inline policy the fix added")
    if live is not None and _same(live, before):
        return Outcome(label, "unchanged", "already as before")
    target.put(before)
    return Outcome(label, "restored", "put back the journalled document")


def _restore_version(entry: Mapping[str, Any], target: _Target, label: str) -> Outcome:
    before, after = entry.get("before"), entry.get("after")
    ours = [v for v in target.versions() if v["VersionId"] not in set(entry.get("versions", ()))]
    versions = target.versions()
    default = next((v for v in versions if v.get("IsDefaultVersion")), None)
    done = []
    if default is None or not _same(target.version(default["VersionId"])["Document"], before):
        previous = entry.get("default_version")
        if previous and any(v["VersionId"] == previous for v in versions) and \
                _same(target.version(previous)["Document"], before):
            target.iam.set_default_policy_version(PolicyArn=target.policy_arn, VersionId=previous)
            done.append(f"made {previous} the default again")
        else:
            target.put(before)
            done.append("re-created the journalled document as the default version")
    for version in ours:
        current = target.version(version["VersionId"])
        if not current.get("IsDefaultVersion") and _same(current["Document"], after):
            target.iam.delete_policy_version(PolicyArn=target.policy_arn, VersionId=version["VersionId"])
            done.append(f"deleted version {version['VersionId']} the fix created")
    if not done:
        return Outcome(label, "unchanged", "already as before")
    return Outcome(label, "restored", "; ".join(done))


def _restore_deleted_version(entry: Mapping[str, Any], iam: Any) -> Outcome:
    target = _Target(iam, Operation.CREATE_POLICY_VERSION, "", "", entry["policy_arn"])
    label = f"{entry['policy_arn']} version {entry.get('version_id')}"
    for version in target.versions():
        if _same(target.version(version["VersionId"])["Document"], entry["document"]):
            return Outcome(label, "unchanged", "a version with this document exists")
    created = iam.create_policy_version(PolicyArn=entry["policy_arn"], PolicyDocument=_text(entry["document"]),
                                        SetAsDefault=False)
    return Outcome(label, "restored", f"re-created the deleted version as {created['PolicyVersion']['VersionId']}")


def _reverse(entries: Sequence[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    yield from reversed(entries)


def rollback(entries: Sequence[dict[str, Any]], clients: Callable[[str], Any]) -> list[Outcome]:
    """Restore every journalled document, newest first; entries already restored are left as they are."""
    outcomes = []
    for entry in _reverse(entries):
        label = _label(entry)
        try:
            iam = clients(str(entry["account"]))
            if entry["kind"] == "write":
                outcomes.append(_restore_write(entry, iam))
            elif entry["kind"] == "delete-version":
                outcomes.append(_restore_deleted_version(entry, iam))
        except (BotoCoreError, ClientError) as exc:
            outcomes.append(Outcome(label, "failed", describe_failure(exc)))
        except ScanError as exc:
            outcomes.append(Outcome(label, "failed", exc.message))
        except (KeyError, ValueError) as exc:
            raise ApplyError(f"a journal entry for {label} is incomplete ({exc})") from None
    return outcomes


# --- reading the accounts to fix ----------------------------------------------------------------


def read_live(account_ids: Iterable[str], options: LiveOptions) -> tuple[list[Account], list[ErrorEntry],
                                                                         dict[str, Quotas]]:
    """Read each account as a scan does; also its size quotas. Unreadable accounts become error entries."""
    accounts: list[Account] = []
    errors: list[ErrorEntry] = []
    quotas: dict[str, Quotas] = {}
    for read in read_accounts(list(account_ids), options):
        if read.error is not None or read.data is None:
            errors.append(ErrorEntry(read.account, read.error.message if read.error else "not read"))
            continue
        accounts.append(parse_snapshot(read.data, f"account {read.account}"))
        try:
            quotas[read.account] = account_quotas(iam_client(read.account, options))
        except ScanError:
            quotas[read.account] = Quotas()
    return accounts, errors, quotas
