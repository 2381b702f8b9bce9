"""A scan: each account read (from a snapshot file or live), checked on its own, and the results merged.

Accounts are independent (role-trust needs only a project account's roles, identity-assume only the login
account's identities), so a scan holds one account at a time.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import partial
from pathlib import Path

from .checks import check_account
from .errors import InputError, ScanError
from .findings import ErrorEntry, Finding, Report
from .inventory import Account
from .rules import RuleSet
from .snapshot import load_snapshot

__all__ = ["AccountSource", "scan", "scan_snapshots", "snapshot_sources"]


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
    moment = now or datetime.now(timezone.utc).replace(microsecond=0)
    findings: list[Finding] = []
    errors: list[ErrorEntry] = []
    seen: dict[str, str] = {}
    checked: dict[str, int] = {}
    checked_resources: dict[str, tuple[str, ...]] = {}
    for source in sources:
        with _collector_paused():
            try:
                account_id, (got, notes, arns) = _check_source(rules, source, seen, moment, today)
            except ScanError as exc:
                errors.append(ErrorEntry(exc.account, exc.message))
                continue
        findings += got
        errors += [ErrorEntry(account_id, note) for note in notes]
        for rule_id, resources in arns.items():
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


def _check_source(rules: RuleSet, source: AccountSource, seen: dict[str, str], moment: datetime,
                  today: date | None) -> tuple[str, tuple[list[Finding], list[str], dict[str, tuple[str, ...]]]]:
    """Read one account and check it; the account is let go on return (one account at a time in memory)."""
    account = source.load()
    if account.id in seen:
        raise InputError(f"{source.label}: account {account.id} is also in {seen[account.id]}")
    if account.id not in rules.accounts and not rules.organization:
        raise InputError(f"{source.label}: account {account.id} is neither the login account nor a project "
                         "account of the rules")
    seen[account.id] = source.label
    return account.id, check_account(rules, account, now=moment, today=today)


def scan_snapshots(rules: RuleSet, paths: Iterable[str | Path], **kwargs: object) -> Report:
    return scan(rules, snapshot_sources(paths), **kwargs)  # type: ignore[arg-type]
