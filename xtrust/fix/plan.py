"""Planning fixes for the findings of a scan: each finding to the trust or identity planner, one plan.

Pure: works on snapshots as well as live reads, and never talks to AWS. Exempt and suppressed findings are
left alone; a finding no verified fix is found for is listed as manual, with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from functools import partial

from ..evaluate import utc_now
from ..findings import ErrorEntry, Finding, Report
from ..inventory import Account
from ..rules import Check, RuleSet
from ..scan import AccountSource, scan
from ..verify import Quotas
from .identity import IdentityPlanner
from .trust import plan_trust
from .values import Fix, Manual, Plan

__all__ = ["AccountsKept", "plan_account", "plan_fixes", "plan_for"]


def plan_account(rules: RuleSet, account: Account, findings: Iterable[Finding], *, quotas: Quotas | None = None,
                 now: datetime | None = None) -> Plan:
    """Plan a verified fix for every finding on ``account`` (exempt or suppressed findings are left alone)."""
    moment = now or utc_now()
    limits = quotas or Quotas()
    by_id = {rule.id: rule for rule in rules.rules}
    fixes: list[Fix] = []
    manual: list[Manual] = []
    identity: dict[str, IdentityPlanner] = {}
    for finding in findings:
        if finding.account != account.id or finding.accepted:
            continue
        rule = by_id.get(finding.rule)
        if rule is None:
            manual.append(Manual(finding.id, finding.account, finding.resource, f"unknown rule {finding.rule!r}"))
            continue
        results: list[Fix | Manual]
        if rule.check is Check.ROLE_TRUST:
            role = next((r for r in account.roles if r.arn == finding.resource), None)
            results = [Manual(finding.id, finding.account, finding.resource, "the role is not in the account data")
                       if role is None else plan_trust(finding, role, rule, rules, limits, moment)]
        else:
            planner = identity.setdefault(rule.id, IdentityPlanner(account, rule, rules, limits, moment))
            results = planner.plan(finding)
        for result in results:
            (fixes if isinstance(result, Fix) else manual).append(result)  # type: ignore[arg-type]
    return Plan(tuple(fixes), tuple(manual))


def plan_fixes(rules: RuleSet, accounts: Iterable[Account], findings: Sequence[Finding], *,
               quotas: Mapping[str, Quotas] | None = None, now: datetime | None = None) -> Plan:
    """Plan fixes for the findings of several accounts; ``quotas`` maps an account ID to its own quotas."""
    plan = Plan()
    for account in accounts:
        plan = plan + plan_account(rules, account, findings, quotas=(quotas or {}).get(account.id), now=now)
    return plan


def _same_account(account: Account) -> Account:
    return account


def plan_for(rules: RuleSet, accounts: Sequence[Account], errors: Sequence[ErrorEntry] = (),
             quotas: Mapping[str, Quotas] | None = None, *, now: datetime | None = None) -> tuple[Report, Plan]:
    """Scan the accounts and plan a fix for every active finding; ``errors`` are accounts that could not
    be read (they make the report incomplete)."""
    report = scan(rules, [AccountSource(a.source, partial(_same_account, a)) for a in accounts], now=now)
    if errors:
        failed = {e.account for e in errors}
        kept = tuple(e for e in report.errors if e.account not in failed)
        report = replace(report, errors=(*errors, *kept))
    return report, plan_fixes(rules, accounts, report.active, quotas=quotas, now=now)


class AccountsKept:
    """Keeps each account a scan loads, so that its findings can be planned without reading the accounts a
    second time (live, that is a second GetAccountAuthorizationDetails per account). It holds every account
    of the scan at once, where a scan alone holds one at a time: use it only when fixes are wanted."""

    def __init__(self) -> None:
        self._accounts: list[Account] = []

    @property
    def accounts(self) -> tuple[Account, ...]:
        return tuple(self._accounts)

    def sources(self, sources: Iterable[AccountSource]) -> Iterator[AccountSource]:
        """The same sources, each remembering the account it loads."""
        for source in sources:
            yield AccountSource(source.label, partial(self._load, source))

    def _load(self, source: AccountSource) -> Account:
        account = source.load()
        self._accounts.append(account)
        return account
