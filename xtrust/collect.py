"""Live reading of AWS accounts: one paginated GetAccountAuthorizationDetails per account.

A live read of an account returns exactly what a snapshot file holds — the merged pages of
``iam.get_account_authorization_details()`` as one JSON-serialisable dict with ``UserDetailList``,
``GroupDetailList``, ``RoleDetailList`` and ``Policies`` — so the scan treats live and file input the
same way and ``json.dump`` of a read is a valid snapshot file.

Cost per account: one ``sts:AssumeRole`` (with ``assume_role``; its answer proves which account
the session acts in) or else one ``sts:GetCallerIdentity`` for that proof, and ⌈entities/1000⌉ IAM
calls — no per-role, per-group or per-policy calls. Retries come from botocore's adaptive retry mode
with bounded attempts, never from a loop of our own. The endpoint follows boto3's own configuration
(``AWS_ENDPOINT_URL``, profiles).

References:
GetAccountAuthorizationDetails (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html),
AssumeRole (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html),
GetCallerIdentity (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html),
ListAccounts (https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html),
retry behaviour (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html),
service-specific endpoints (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
"""

from __future__ import annotations

import functools
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import field
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

import boto3
import botocore.loaders
import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from ._files import write_atomically
from ._frozen import frozen
from .callers import is_account_id
from .errors import InputError, ScanError
from .progress import NullProgress, Progress

__all__ = [
    "PAGE_SIZE",
    "SESSION_NAME",
    "SNAPSHOT_KEYS",
    "AccountRead",
    "IamCallCounter",
    "LiveOptions",
    "SessionFactory",
    "client_in",
    "describe_failure",
    "discover_organization_accounts",
    "fetch_authorization_details",
    "iter_account_reads",
    "read_account",
    "read_accounts",
    "write_snapshots",
]

SNAPSHOT_KEYS = ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")
PAGE_SIZE = 1000  # the API's maximum MaxItems
SESSION_NAME = "xtrust"
_DEFAULT_REGION = "us-east-1"  # IAM is global; STS and Organizations need some region to sign for

SessionFactory = Callable[[str | None, str | None], boto3.session.Session]
"""Builds a fresh boto3 session from a profile name (``None``: the default chain) and a region."""


@frozen
class LiveOptions:
    """How to reach each account.

    ``profiles`` maps an account ID to the boto3 profile whose credentials act in it; other accounts use
    the default credential chain. With ``assume_role`` (a role *name*), xtrust assumes
    ``arn:<partition>:iam::<account>:role/<assume_role>`` from those credentials in every account,
    with session name ``xtrust`` and ``external_id`` when given. ``max_attempts`` bounds botocore's
    adaptive retries per call: the attempts in all, the first included (botocore's ``total_max_attempts``,
    the SDKs' ``max_attempts`` setting).
    """

    assume_role: str | None = None
    external_id: str | None = None
    profiles: Mapping[str, str] = field(default_factory=dict)
    region: str | None = None
    max_workers: int = 4
    max_attempts: int = 8
    connect_timeout: float = 10.0
    read_timeout: float = 60.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "profiles", MappingProxyType(dict(self.profiles)))
        if self.max_workers < 1:
            raise InputError(f"max workers must be at least 1, not {self.max_workers}")
        if self.max_attempts < 1:
            raise InputError(f"max attempts must be at least 1, not {self.max_attempts}")
        if self.assume_role is not None and not self.assume_role.strip("/"):
            raise InputError("the role to assume needs a name")
        for account in self.profiles:
            _check_account_id(account)

    def client_config(self) -> Config:
        """botocore configuration for every client: adaptive retries with bounded attempts, timeouts.

        https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
        """
        return Config(
            retries={"mode": "adaptive", "total_max_attempts": self.max_attempts},
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
        )


@frozen
class AccountRead:
    """The outcome of reading one account: its snapshot ``data``, or the ``error`` that prevented it."""

    account: str
    data: dict[str, Any] | None
    error: ScanError | None
    iam_calls: int
    seconds: float

    @property
    def ok(self) -> bool:
        """Whether the account was read."""
        return self.error is None


class IamCallCounter:
    """Counts IAM API calls made through the clients it is attached to (retries not included).

    Hooks botocore's ``before-parameter-build.iam.*`` event, emitted once per API operation invocation
    to every handler, before any retry (https://boto3.amazonaws.com/v1/documentation/api/latest/guide/events.html).
    """

    def __init__(self) -> None:
        self.operations: list[str] = []

    @property
    def count(self) -> int:
        """How many IAM calls were made."""
        return len(self.operations)

    def attach(self, client: Any) -> Any:
        """Count the IAM calls of ``client`` from now on; returns the client."""
        client.meta.events.register("before-parameter-build.iam.*", self._on_call)
        return client

    def _on_call(self, model: Any = None, **_: Any) -> None:
        self.operations.append(getattr(model, "name", "?"))


def _check_account_id(account: str) -> str:
    if not isinstance(account, str) or not is_account_id(account):
        raise InputError(f"{account!r} is not a 12-digit AWS account ID")
    return account


@functools.lru_cache(maxsize=1)
def _shared_loader() -> botocore.loaders.Loader:
    """One loader of botocore's service models for every session: each thread needs a session of its own,
    but parsing the STS and IAM models again for each account costs more than the account's own read."""
    return botocore.loaders.create_loader()


def _new_session(profile: str | None, region: str | None) -> boto3.session.Session:
    core = botocore.session.get_session()
    core.register_component("data_loader", _shared_loader())
    return boto3.session.Session(botocore_session=core, profile_name=profile, region_name=region)


def describe_failure(exc: BaseException) -> str:
    """One line naming the cause of a failed AWS call: the operation, the error code and AWS's message."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = error.get("Code") or "Error"
        message = error.get("Message") or ""
        attempts = exc.response.get("ResponseMetadata", {}).get("RetryAttempts", 0)
        retried = f" (after {attempts + 1} attempts)" if attempts else ""
        text = f"{exc.operation_name}: {code}{retried}" + (f": {message}" if message else "")
    elif isinstance(exc, ScanError):
        text = exc.message
    else:
        text = str(exc) or type(exc).__name__
    return " ".join(text.split())


def _jsonable(value: Any) -> Any:
    """The value with datetimes as ISO 8601 strings, so that ``json.dump`` writes it unchanged."""
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def fetch_authorization_details(iam: Any) -> dict[str, Any]:
    """All pages of GetAccountAuthorizationDetails (page size 1000) merged into one snapshot dict.

    The four lists are concatenated over pages; ``IsTruncated``, ``Marker`` and ``ResponseMetadata``
    are dropped; datetimes become ISO 8601 strings. Policy documents stay as boto3 decodes them.
    """
    merged: dict[str, list[Any]] = {key: [] for key in SNAPSHOT_KEYS}
    paginator = iam.get_paginator("get_account_authorization_details")
    for page in paginator.paginate(PaginationConfig={"PageSize": PAGE_SIZE}):
        for key in SNAPSHOT_KEYS:
            merged[key].extend(page.get(key, []))
    return _jsonable(merged)  # type: ignore[no-any-return]


def _partition(session: boto3.session.Session, region: str) -> str:
    try:
        return str(session.get_partition_for_region(region))
    except BotoCoreError:  # an unknown region: botocore has no partition for it
        return "aws"


@frozen
class _Access:
    """How to act in one account: a session, the region, and the assumed credentials (if any) with their ARN."""

    session: boto3.session.Session
    region: str
    options: LiveOptions
    credentials: Mapping[str, str] = field(default_factory=dict)
    assumed_arn: str | None = None

    def client(self, service: str) -> Any:
        """A client of ``service`` acting in the account (the session's cached models, the assumed keys)."""
        return self.session.client(
            service, region_name=self.region, config=self.options.client_config(), **self.credentials
        )


def _assume(access: _Access, account: str, session_name: str = SESSION_NAME) -> _Access:
    """The access of ``options.assume_role`` in ``account``, assumed with the credentials of ``access``.

    AssumeRole: https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html — the response
    names the assumed-role session (``AssumedRoleUser.Arn``), whose account proves where it acts.
    """
    role_name = (access.options.assume_role or "").strip("/")
    arn = f"arn:{_partition(access.session, access.region)}:iam::{account}:role/{role_name}"
    params: dict[str, Any] = {"RoleArn": arn, "RoleSessionName": session_name}
    if access.options.external_id:
        params["ExternalId"] = access.options.external_id
    response = access.client("sts").assume_role(**params)
    credentials = response["Credentials"]
    keys = {
        "aws_access_key_id": credentials["AccessKeyId"],
        "aws_secret_access_key": credentials["SecretAccessKey"],
        "aws_session_token": credentials["SessionToken"],
    }
    assumed = response.get("AssumedRoleUser", {}).get("Arn")  # absent: GetCallerIdentity will tell
    return _Access(access.session, access.region, access.options, MappingProxyType(keys), assumed)


def _arn_account(arn: str) -> str:
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 else ""


def _verify_account(access: _Access, account: str) -> None:
    """Raise :class:`ScanError` unless ``access`` acts in ``account``.

    An assumed role's session ARN says where it acts; other credentials are asked with GetCallerIdentity
    (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
    """
    arn = access.assumed_arn or access.client("sts").get_caller_identity().get("Arn", "")
    actual = _arn_account(arn)
    if actual != account:
        raise ScanError(account, f"credentials act in account {actual or '?'} ({arn or 'no ARN'}), not {account}")


def _account_access(
    account: str, options: LiveOptions, base_session: boto3.session.Session | None, new_session: SessionFactory,
    session_name: str = SESSION_NAME,
) -> _Access:
    profile = options.profiles.get(account)
    session = new_session(profile, options.region) if profile or base_session is None else base_session
    access = _Access(session, options.region or session.region_name or _DEFAULT_REGION, options)
    return _assume(access, account, session_name) if options.assume_role else access


def client_in(account: str, service: str, options: LiveOptions, *, session_name: str = SESSION_NAME,
              session_factory: SessionFactory = _new_session) -> Any:
    """A client of ``service`` acting in ``account``, reached as a scan reaches it (the account's profile,
    else the default chain; then ``options.assume_role``), after proving where it acts. Raises ScanError."""
    _check_account_id(account)
    try:
        access = _account_access(account, options, None, session_factory, session_name)
        _verify_account(access, account)
        return access.client(service)
    except (BotoCoreError, ClientError) as exc:
        raise ScanError(account, describe_failure(exc)) from exc


def read_account(
    account_id: str,
    options: LiveOptions,
    base_session: boto3.session.Session | None = None,
    *,
    counter: IamCallCounter | None = None,
    session_factory: SessionFactory = _new_session,
) -> dict[str, Any]:
    """Read one account into a snapshot dict, after proving the credentials act in it.

    Credentials come from the account's profile in ``options.profiles``, else ``base_session``, else the
    default chain; with ``options.assume_role`` the role of that name in the account is assumed from them.
    IAM calls are counted on ``counter`` when given. Any AWS failure raises :class:`ScanError` with a
    one-line cause. A boto3 session is not thread-safe: give each thread its own ``base_session``.
    """
    _check_account_id(account_id)
    try:
        access = _account_access(account_id, options, base_session, session_factory)
        _verify_account(access, account_id)
        iam = (counter or IamCallCounter()).attach(access.client("iam"))
        return fetch_authorization_details(iam)
    except (BotoCoreError, ClientError) as exc:
        raise ScanError(account_id, describe_failure(exc)) from exc


def _timed_read(account: str, options: LiveOptions, progress: Progress, session_factory: SessionFactory) -> AccountRead:
    progress.account_started(account)
    counter = IamCallCounter()
    started = time.perf_counter()
    data: dict[str, Any] | None = None
    error: ScanError | None = None
    try:
        data = read_account(account, options, counter=counter, session_factory=session_factory)
    except ScanError as exc:
        error = exc
    read = AccountRead(account, data, error, counter.count, time.perf_counter() - started)
    progress.account_done(account, read.ok)
    return read


def _unique_accounts(account_ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(_check_account_id(account) for account in account_ids))


def iter_account_reads(
    account_ids: Iterable[str],
    options: LiveOptions,
    progress: Progress | None = None,
    *,
    session_factory: SessionFactory = _new_session,
) -> Iterator[AccountRead]:
    """Read accounts in a pool of ``options.max_workers`` threads, yielding each read as it completes.

    At most ``max_workers`` accounts are in flight and finished reads are handed over one by one, so a
    caller that checks and drops each account holds only a few accounts in memory. A failing account
    yields an :class:`AccountRead` with its error; the others are still read. Each read builds its
    own boto3 sessions (from ``session_factory``), as sessions are not shared across threads.
    """
    accounts = _unique_accounts(account_ids)
    reporter = progress or NullProgress()
    reporter.start(len(accounts))
    pending: set[Future[AccountRead]] = set()
    queue = iter(accounts)
    try:
        with ThreadPoolExecutor(max_workers=options.max_workers, thread_name_prefix="xtrust-read") as pool:
            for account in queue:
                pending.add(pool.submit(_timed_read, account, options, reporter, session_factory))
                if len(pending) >= options.max_workers:
                    break
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
                    next_account = next(queue, None)
                    if next_account is not None:
                        pending.add(pool.submit(_timed_read, next_account, options, reporter, session_factory))
    finally:
        for future in pending:
            future.cancel()
        reporter.finish()


def read_accounts(
    account_ids: Iterable[str],
    options: LiveOptions,
    progress: Progress | None = None,
    *,
    session_factory: SessionFactory = _new_session,
) -> list[AccountRead]:
    """Read every account (see :func:`iter_account_reads`); the reads come back in the order given."""
    accounts = _unique_accounts(account_ids)
    reads = iter_account_reads(accounts, options, progress, session_factory=session_factory)
    by_account = {read.account: read for read in reads}
    return [by_account[account] for account in accounts]


def discover_organization_accounts(session: boto3.session.Session, options: LiveOptions | None = None) -> list[str]:
    """The IDs of the organization's active accounts, sorted; suspended or closing accounts are skipped.

    Uses the ListAccounts paginator; it must run with credentials of the management account or a
    delegated administrator. Newer responses carry ``State`` besides the older ``Status``; either must
    be ``ACTIVE``. Failures raise :class:`ScanError` for the account ``organization``.
    """
    config = (options or LiveOptions()).client_config()
    region = (options.region if options else None) or session.region_name or _DEFAULT_REGION
    try:
        client = session.client("organizations", region_name=region, config=config)
        pages = client.get_paginator("list_accounts").paginate()
        accounts = [account for page in pages for account in page.get("Accounts", [])]
    except (BotoCoreError, ClientError) as exc:
        raise ScanError("organization", describe_failure(exc)) from exc
    return sorted(account["Id"] for account in accounts if (account.get("State") or account.get("Status")) == "ACTIVE")


def write_snapshots(reads: Iterable[AccountRead], out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write ``<account>.json`` in ``out_dir`` for every account read, each file replaced atomically.

    Accounts that could not be read are skipped (their errors belong in the report). A file is either
    the previous version or the complete new one, never half-written. Raises :class:`InputError` when
    the directory cannot be written.
    """
    directory = Path(out_dir)
    written: list[Path] = []
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for read in reads:
            if read.data is None:
                continue
            path = directory / f"{_check_account_id(read.account)}.json"
            write_atomically(path, json.dumps(read.data, indent=1, sort_keys=True) + "\n", private=True)
            written.append(path)
    except OSError as exc:
        raise InputError(f"{directory}: cannot write snapshot: {exc.strerror or exc}") from None
    return written
