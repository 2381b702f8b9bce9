"""Suppression files: accepted exceptions kept beside a scheduled scan, each with a reason and an expiry date.

A suppression names either one finding (its stable ``id``, as shown in every report) or a ``resource``
pattern (``*`` and ``?`` wildcards, optionally limited to one ``rule``). Until its expiry date (inclusive)
the findings it covers are still reported, marked as suppressed, and no longer count towards the exit
code. Once expired, the findings count again and the suppression itself is reported as a finding of rule
``suppression-expired``, so that nobody forgets to review it::

    version: 1
    suppressions:
      - id: "4b28f3c79978a7df"
        reason: "vendor audit, ticket SEC-123"
        expires: "2027-03-31"
      - resource: "arn:aws:iam::123456789012:role/Vendor*"
        rule: trust-only-login-account
        reason: "vendor roles are reviewed quarterly"
        expires: "2027-01-31"
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ._files import load_yaml, read_text
from ._frozen import frozen
from ._glob import glob_match
from .errors import InputError
from .findings import Counterexample, Finding, Report
from .rules import Severity

__all__ = [
    "EXPIRED_RULE",
    "EXPIRED_SEVERITY",
    "Suppression",
    "SuppressionError",
    "apply_suppressions",
    "load_suppressions",
    "parse_suppressions",
]

EXPIRED_RULE = "suppression-expired"
EXPIRED_SEVERITY = Severity.MEDIUM
_KEYS = {"id", "resource", "rule", "reason", "expires"}


class SuppressionError(InputError):
    """A suppression file that cannot be read or does not follow the format."""


@frozen
class Suppression:
    """One accepted exception: a finding id or a resource pattern, why, and until when (inclusive)."""

    reason: str
    expires: date
    finding_id: str = ""
    resource: str = ""  # a wildcard pattern on the finding's resource
    rule: str = ""  # with ``resource``: only this rule's findings
    source: str = ""  # "<file> /suppressions/<n>": where the entry is written

    @property
    def target(self) -> str:
        if self.finding_id:
            return f"finding {self.finding_id}"
        return f"{self.resource}" + (f" ({self.rule})" if self.rule else "")

    def covers(self, finding: Finding) -> bool:
        if self.finding_id:
            return finding.id == self.finding_id
        if self.rule and finding.rule != self.rule:
            return False
        return glob_match(self.resource, finding.resource)

    def active(self, today: date) -> bool:
        return today <= self.expires


def load_suppressions(path: str | Path) -> tuple[Suppression, ...]:
    """Read a suppression file (YAML, or JSON, which is YAML too); raise SuppressionError on any problem."""
    return parse_suppressions(read_text(path, SuppressionError), str(path))


def parse_suppressions(text: str, source: str = "<suppressions>") -> tuple[Suppression, ...]:
    data = load_yaml(text, source, SuppressionError)
    if not isinstance(data, Mapping) or not isinstance(data.get("suppressions"), list):
        raise SuppressionError(f"{source}: expected a mapping with a 'suppressions' list")
    version = data.get("version", 1)
    if type(version) is not int or version != 1:  # true is no version, though True == 1
        raise SuppressionError(f"{source}: version: only version 1 is known")
    extra = sorted(set(data) - {"version", "suppressions"}, key=str)  # keys of any type: 1 beside ab
    if extra:
        raise SuppressionError(f"{source}: unknown key(s) {', '.join(map(repr, extra))}")
    return tuple(_entry(raw, f"{source}", i) for i, raw in enumerate(data["suppressions"]))


def _entry(raw: Any, source: str, index: int) -> Suppression:
    where = f"{source}: suppressions/{index}"
    if not isinstance(raw, Mapping):
        raise SuppressionError(f"{where}: expected a mapping with id or resource, reason and expires")
    extra = sorted(set(map(str, raw)) - _KEYS)
    if extra:
        raise SuppressionError(f"{where}: unknown key(s) {', '.join(map(repr, extra))}")
    for key in ("id", "resource", "rule", "reason"):
        if key in raw and (not isinstance(raw[key], str) or not raw[key].strip()):
            raise SuppressionError(f"{where}/{key}: must be a non-empty string")
    if ("id" in raw) == ("resource" in raw):
        raise SuppressionError(f"{where}: give exactly one of 'id' (a finding id) or 'resource' (a pattern)")
    if "rule" in raw and "id" in raw:
        raise SuppressionError(f"{where}/rule: only with 'resource' (an id names one finding already)")
    if "reason" not in raw:
        raise SuppressionError(f"{where}: 'reason' is required: say why the finding is accepted")
    expires = raw.get("expires")
    if isinstance(expires, datetime):
        raise SuppressionError(f"{where}/expires: {expires} is a date and time: give the day alone (YYYY-MM-DD)")
    if isinstance(expires, date):
        day = expires
    elif isinstance(expires, str):
        try:
            day = date.fromisoformat(expires)
        except ValueError:
            raise SuppressionError(f"{where}/expires: {expires!r} is not a calendar date (YYYY-MM-DD)") from None
    else:
        raise SuppressionError(f"{where}/expires: required, a calendar date (YYYY-MM-DD)")
    return Suppression(reason=raw["reason"].strip(), expires=day, finding_id=raw.get("id", ""),
                       resource=raw.get("resource", ""), rule=raw.get("rule", ""),
                       source=f"{source} /suppressions/{index}")


def _expired(entry: Suppression, covered: Sequence[Finding]) -> Finding:
    names = ", ".join(f.id for f in covered) or "no finding of this scan"
    proof = covered[0].counterexample if covered else Counterexample("", "", "")
    return Finding(
        rule=EXPIRED_RULE,
        severity=EXPIRED_SEVERITY,
        account=covered[0].account if covered else "",
        resource=f"suppression of {entry.target}",
        message=(f"the suppression of {entry.target} expired on {entry.expires.isoformat()} ({entry.reason}); "
                 f"it covered {names}"),
        counterexample=proof,
        check="suppression",
        subjects=tuple(dict.fromkeys(f.resource for f in covered)),
        statements=(entry.source,),
    )


def apply_suppressions(report: Report, suppressions: Sequence[Suppression], today: date) -> Report:
    """A new report in which findings covered by an active suppression are marked suppressed, and each
    expired suppression is a finding of its own. Findings already exempt by the rules stay as they are."""
    findings = []
    for finding in report.findings:
        if not finding.accepted:
            entry = next((s for s in suppressions if s.active(today) and s.covers(finding)), None)
            if entry is not None:
                finding = replace(finding, suppressed=f"{entry.reason} (until {entry.expires.isoformat()})")
        findings.append(finding)
    expired = [_expired(s, [f for f in report.findings if s.covers(f)])
               for s in suppressions if not s.active(today)]
    return replace(report, findings=(*findings, *expired))
