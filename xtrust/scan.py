"""A scan: each account read (from a snapshot file or live), checked on its own, and the results merged.

Accounts are independent (role-trust needs only a project account's roles, identity-assume only the login
account's identities), so a scan holds one account at a time.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import re
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import partial
from pathlib import Path

from .checks import check_account
from .errors import InputError, PolicyError, ScanError, XtrustError
from .findings import ErrorEntry, Finding, Report
from .inventory import Account
from .rules import RuleSet
from .snapshot import load_snapshot

__all__ = ["AccountSource", "default_jobs", "scan", "scan_snapshots", "snapshot_sources"]


@dataclass(frozen=True)
class AccountSource:
    """Where one account's data comes from; ``load`` returns it or raises ScanError / InputError."""

    label: str
    load: Callable[[], Account]


def snapshot_sources(paths: Iterable[str | Path]) -> list[AccountSource]:
    return [AccountSource(str(p), partial(load_snapshot, p)) for p in paths]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Reading and checking an account builds hundreds of thousands of objects that hold no reference cycles,
    and CPython's cyclic garbage collector would traverse them all, again and again, while they are built
    (a fifth of the scan's time in benchmarks/bench_scan.py). It is paused for one account and restored
    after; nothing is lost, since reference counting frees all of it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _severity_order(finding: Finding) -> tuple[object, ...]:
    return (-finding.severity.rank, finding.account, finding.rule, finding.resource)


@dataclass(frozen=True)
class _Outcome:
    """What checking one account gave: small enough to send back from a worker process."""

    label: str
    account: str
    findings: list[Finding]
    notes: list[str]
    checked: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class _Failure:
    """An account that could not be checked: ``scan`` set (ScanError: the scan goes on) or bad input."""

    message: str
    account: str = ""
    kind: str = "input"  # "scan", "policy" or "input": which error it was

    def raise_it(self) -> None:
        if self.kind == "scan":
            raise ScanError(self.account, self.message)
        raise (PolicyError if self.kind == "policy" else InputError)(self.message)


def scan(
    rules: RuleSet,
    sources: Iterable[AccountSource],
    *,
    now: datetime | None = None,
    today: date | None = None,
    require_all: bool = True,
) -> Report:
    """Check every account the sources yield against the rules.

    A source that fails with ScanError becomes an error entry (the scan is then incomplete); InputError
    (a malformed file) propagates. With ``require_all``, each account the rules name but no source
    provided is an error entry too.
    """
    moment = now or _now()
    seen: dict[str, str] = {}

    def outcomes() -> Iterator[_Outcome | ScanError]:
        for source in sources:
            with _collector_paused():
                try:
                    account = source.load()
                    _claim(rules, account.id, source.label, seen)  # before checking: a duplicate fails early
                    yield _checked(rules, account, source.label, moment, today)
                except ScanError as exc:
                    yield exc

    return _merge(rules, outcomes(), require_all, seen)


def scan_snapshots(rules: RuleSet, paths: Iterable[str | Path], *, jobs: int = 1, **kwargs: object) -> Report:
    """``scan`` of snapshot files. With ``jobs`` above 1 the files are read and checked in that many worker
    processes at once (forked, where the platform allows it and no other thread is running; otherwise one
    after the other). The report is the same either way."""
    paths = [str(p) for p in paths]
    jobs = min(jobs, len(paths))
    if jobs <= 1 or not _can_fork():
        return scan(rules, snapshot_sources(paths), **kwargs)  # type: ignore[arg-type]
    now = kwargs.pop("now", None)
    today = kwargs.pop("today", None)
    require_all = kwargs.pop("require_all", True)
    if kwargs:
        raise TypeError(f"scan_snapshots() got unexpected keyword arguments: {', '.join(kwargs)}")
    moment = now or _now()
    results = _in_processes(rules, paths, moment, today, jobs)  # type: ignore[arg-type]
    seen: dict[str, str] = {}

    def outcomes() -> Iterator[_Outcome | ScanError]:
        for result in results:  # in the order of the paths, as one process would have met them
            if isinstance(result, _Failure):
                result.raise_it()
            else:
                _claim(rules, result.account, result.label, seen)
                yield result

    return _merge(rules, outcomes(), bool(require_all), seen)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def _claim(rules: RuleSet, account_id: str, label: str, seen: dict[str, str]) -> None:
    if account_id in seen:
        raise InputError(f"{label}: account {account_id} is also in {seen[account_id]}")
    if account_id not in rules.accounts and not rules.organization:
        raise InputError(f"{label}: account {account_id} is neither the login account nor a project "
                         "account of the rules")
    seen[account_id] = label


def _checked(rules: RuleSet, account: Account, label: str, moment: datetime, today: date | None) -> _Outcome:
    findings, notes, checked = check_account(rules, account, now=moment, today=today)
    return _Outcome(label, account.id, findings, notes, checked)


def _merge(rules: RuleSet, outcomes: Iterable[_Outcome | ScanError], require_all: bool,
           seen: dict[str, str]) -> Report:
    findings: list[Finding] = []
    errors: list[ErrorEntry] = []
    checked: dict[str, int] = {}
    checked_resources: dict[str, tuple[str, ...]] = {}
    for outcome in outcomes:
        if isinstance(outcome, ScanError):
            errors.append(ErrorEntry(outcome.account, outcome.message))
            continue
        findings += outcome.findings
        errors += [ErrorEntry(outcome.account, note) for note in outcome.notes]
        for rule_id, resources in outcome.checked.items():
            checked[rule_id] = checked.get(rule_id, 0) + len(resources)
            checked_resources[rule_id] = checked_resources.get(rule_id, ()) + resources
    if require_all:
        for account_id in rules.accounts:
            if account_id not in seen and not any(e.account == account_id for e in errors):
                errors.append(ErrorEntry(account_id, "no data for this account (no snapshot given, or not read)"))
    return Report(
        findings=tuple(sorted(findings, key=_severity_order)),
        errors=tuple(errors),
        accounts=tuple(sorted(seen)),
        checked=checked,
        checked_resources=checked_resources,
        rules=rules.rules,
    )


# --- several processes ------------------------------------------------------------------------------


def _can_fork() -> bool:
    """Forking is safe here: a platform where fork is the usual start method, and no other thread running
    (a forked child has only the forking thread; a lock another thread held would stay locked)."""
    return (sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1)


def default_jobs(paths: Sequence[str | Path]) -> int:
    """How many processes ``xtrust scan`` uses for these snapshot files: one per CPU available to it, at most
    one per file, and one for small inputs, where starting a process costs more than it saves."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    try:
        size = sum(os.path.getsize(p) for p in paths)
    except OSError:
        return 1  # a file that cannot be read: one process reports it, as ever
    return max(1, min(cpus, len(paths))) if size >= _PARALLEL_BYTES else 1


_PARALLEL_BYTES = 4 << 20  # below this much JSON a scan takes a few tenths of a second in one process

_WORK: tuple[RuleSet, datetime, date | None] | None = None  # what a worker process checks against


def _init_worker(rules: RuleSet, moment: datetime, today: date | None) -> None:
    global _WORK
    _WORK = (rules, moment, today)


def _check_file(path: str) -> _Outcome | _Failure:
    """In a worker: read one snapshot and check it; bad input comes back as a value, never as a traceback."""
    assert _WORK is not None
    rules, moment, today = _WORK
    with _collector_paused():
        try:
            account = load_snapshot(path)
            if account.id not in rules.accounts and not rules.organization:
                _claim(rules, account.id, path, {})  # fails at once, as one process would
            return _checked(rules, account, path, moment, today)
        except ScanError as exc:
            return _Failure(exc.message, exc.account, "scan")
        except XtrustError as exc:
            return _Failure(str(exc), kind="policy" if isinstance(exc, PolicyError) else "input")


def _in_processes(rules: RuleSet, paths: list[str], moment: datetime, today: date | None,
                  jobs: int) -> list[_Outcome | _Failure]:
    """Every file checked in ``jobs`` forked processes, the results in the order of ``paths``.

    The heaviest files go first so that no process is left with a long one at the end: the login
    account (its groups and users are checked against many role ARNs each), then by size."""
    order = sorted(range(len(paths)), key=lambda i: (_account_hint(paths[i]) != rules.login,
                                                    -_size(paths[i]), i))
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs, initializer=_init_worker, initargs=(rules, moment, today)) as pool:
        done = pool.map(_check_file, [paths[i] for i in order], chunksize=1)
    results: list[_Outcome | _Failure] = [_Failure("")] * len(paths)
    for i, result in zip(order, done, strict=True):
        results[i] = result
    return results


_FIRST_ARN = re.compile(rb'"Arn"\s*:\s*"arn:aws[a-z-]*:iam::(\d{12}):')
_NAMED_ACCOUNT = re.compile(r"(?<!\d)(\d{12})(?!\d)")


def _account_hint(path: str) -> str:
    """The account a snapshot file most likely holds, from its name or its first ARN; "" when unsure. Only
    the order of work depends on it."""
    named = _NAMED_ACCOUNT.findall(Path(path).name)
    if len(named) == 1:
        return str(named[0])
    try:
        with open(path, "rb") as handle:
            head = handle.read(1 << 16)
    except OSError:
        return ""
    match = _FIRST_ARN.search(head)
    return match[1].decode() if match else ""


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
