"""Findings, their counterexamples, and the report of a scan (the JSON report contract, version 1)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import field, replace
from functools import cached_property
from typing import Any

from ._frozen import frozen
from .rules import Rule, Severity

__all__ = ["REPORT_VERSION", "Counterexample", "ErrorEntry", "Finding", "Report", "finding_id"]

REPORT_VERSION = 1


@frozen
class Counterexample:
    """A concrete request that the evaluator allows and the rule forbids."""

    principal: str
    action: str
    resource: str
    context: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "principal": self.principal,
            "action": self.action,
            "resource": self.resource,
            "context": {k: (list(v) if len(v) != 1 else v[0]) for k, v in sorted(self.context.items())},
        }

    def in_words(self) -> str:
        words = f"{self.principal} could call {self.action} on {self.resource}"
        if self.context:
            shown = ", ".join(f"{k}={'|'.join(v) if v else '(empty)'}" for k, v in sorted(self.context.items()))
            words += f" with {shown}"
        return words


def finding_id(rule: str, account: str, resource: str) -> str:
    """A stable identity: the same rule on the same resource gives the same id, run after run."""
    import hashlib  # here: loading it (OpenSSL) costs a scan's start 12 M instructions, and only reports ask

    # surrogatepass: a lone surrogate in a name (an escape in the input) has bytes of its own too
    digest = hashlib.sha256(f"{rule}\x00{account}\x00{resource}".encode("utf-8", "surrogatepass")).hexdigest()
    return digest[:16]


@frozen
class Finding:
    """One violation of a rule: where it is, what a person would change, and the request that proves it."""

    rule: str
    severity: Severity
    account: str
    resource: str  # what a person would change: the role, the group or user, or the customer-managed policy
    message: str
    counterexample: Counterexample
    check: str = ""
    subjects: tuple[str, ...] = ()  # the roles, groups or users found to have the excess access
    statements: tuple[str, ...] = ()  # "<policy> <json pointer>" of the statements that grant it
    others: tuple[Counterexample, ...] = ()  # further distinct requests that get through
    exempt: str = ""  # the reason, when an exemption in the rules covers it
    fix: Mapping[str, Any] | None = None
    suppressed: str = ""  # the reason, when an entry of a suppression file covers it

    @property
    def accepted(self) -> bool:
        """Exempt (by the rules) or suppressed (by a suppression file): reported, but not counted."""
        return bool(self.exempt or self.suppressed)

    @property
    def id(self) -> str:
        return finding_id(self.rule, self.account, self.resource)

    def with_fix(self, fix: Mapping[str, Any] | None) -> Finding:
        return replace(self, fix=fix)

    @cached_property
    def json_text(self) -> str:
        """:meth:`to_json` as the JSON report writes it, in its place in the list of findings. Worked out once;
        in a parallel scan by the process that found it (``scan_snapshots(prepare=…)``), the text travelling
        back with it, so that the report is not written all by one process at the end."""
        from .report.json import FINDING_INDENT, indented

        return indented(self.to_json(), FINDING_INDENT)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "rule": self.rule,
            "severity": self.severity.value,
            "account": self.account,
            "resource": self.resource,
            "message": self.message,
            "counterexample": self.counterexample.to_json(),
            "check": self.check,
            "subjects": list(self.subjects),
            "statements": list(self.statements),
            "other_counterexamples": [c.to_json() for c in self.others],
        }
        if self.exempt:
            out["exempt"] = self.exempt
        if self.suppressed:
            out["suppressed"] = self.suppressed
        if self.fix is not None:
            out["fix"] = dict(self.fix)
        return out


@frozen
class ErrorEntry:
    """An account that could not be checked (or checked only in part), and why."""

    account: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"account": self.account, "message": self.message}


@frozen
class Report:
    """The result of a scan: its findings (most severe first), the errors, and what was checked."""

    findings: tuple[Finding, ...] = ()
    errors: tuple[ErrorEntry, ...] = ()
    accounts: tuple[str, ...] = ()  # the accounts that were read
    checked: Mapping[str, int] = field(default_factory=dict)  # rule id -> resources checked
    checked_resources: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # rule id -> their ARNs
    rules: tuple[Rule, ...] = ()  # the rules the scan ran, for formats that describe them

    @property
    def active(self) -> tuple[Finding, ...]:
        """Findings no exemption or suppression covers."""
        return tuple(f for f in self.findings if not f.accepted)

    @property
    def complete(self) -> bool:
        return not self.errors

    def to_json(self, *, finding: Callable[[Finding], Any] = Finding.to_json) -> dict[str, Any]:
        """The report as JSON values; ``finding`` gives each finding's (the JSON report passes text it has
        already written)."""
        return {
            "version": REPORT_VERSION,
            "findings": [finding(f) for f in self.findings],
            "errors": [e.to_json() for e in self.errors],
            "summary": {
                "accounts": list(self.accounts),
                "checked": dict(sorted(self.checked.items())),
                "findings": len(self.active),
                "exempt": sum(1 for f in self.findings if f.exempt),
                "suppressed": sum(1 for f in self.findings if f.suppressed and not f.exempt),
            },
        }
