"""What every report format shares: finding order, status words, statement locations, rule descriptions."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .._frozen import frozen
from ..findings import Finding, Report
from ..rules import Check, Rule, Severity, TrustAllow
from ..suppress import EXPIRED_RULE

__all__ = [
    "RuleInfo",
    "fix_diffs",
    "headline",
    "ordered",
    "rule_infos",
    "severity_counts",
    "statement_location",
    "statements_label",
    "status",
    "status_note",
    "status_reason",
    "summary_line",
]

TOOL_NAME = "xtrust"


@frozen
class RuleInfo:
    """A rule as the reports describe it: id, severity, one-line and full descriptions, help."""

    id: str
    severity: Severity
    short: str
    full: str
    help: str
    check: str = ""


_CHECK_WORDS: Mapping[str, str] = {
    Check.ROLE_TRUST.value: "Roles in project accounts may be assumed only by the principals the rule allows.",
    Check.IDENTITY_ASSUME.value: "Groups and users in the login account may call sts:AssumeRole only on the role "
                                 "ARNs the rule allows.",
}

_CHECK_HELP: Mapping[str, str] = {
    Check.ROLE_TRUST.value: (
        "A role's trust policy lets a principal outside the allow list call sts:AssumeRole. The finding names "
        "the role, a request that would succeed (the counterexample) and the trust policy statements that let "
        "it through. Narrow the Principal of those statements to the allowed principals, add a condition on "
        "aws:PrincipalAccount or aws:PrincipalArn, or run `xtrust fix` to plan the smallest verified change."),
    Check.IDENTITY_ASSUME.value: (
        "A group's or user's identity policies (inline, attached, and its groups') allow sts:AssumeRole on a "
        "role ARN outside the allow list. The finding names the policy holder to change, a role the caller "
        "could assume (the counterexample) and the statements that allow it. Narrow their Resource to the "
        "allowed role ARNs, add a Deny, or run `xtrust fix` to plan the smallest verified change."),
}

EXPIRED_INFO = RuleInfo(
    id=EXPIRED_RULE,
    severity=Severity.MEDIUM,
    short="A suppression has expired.",
    full="An entry of the suppression file is past its expiry date; the findings it covered count again.",
    help=("Each suppression carries a reason and an expiry date so that accepted exceptions are reviewed. "
          "Once the date has passed, the findings it covered are reported again and this finding reminds you "
          "to either fix them or renew the suppression with a new date and reason."),
)


def _allow_words(rule: Rule) -> str:
    allow = rule.allow
    if isinstance(allow, TrustAllow):
        parts = [f"principals {', '.join(allow.principals) or '(none)'}"]
        if allow.services:
            parts.append(f"services {', '.join(allow.services)}")
        if allow.federated:
            parts.append(f"federated {', '.join(allow.federated)}")
        return "Allowed: " + "; ".join(parts) + "."
    return f"Allowed roles: {', '.join(allow.roles) or '(none)'}."


def _info_of(rule: Rule) -> RuleInfo:
    check = rule.check.value
    short = rule.description or _CHECK_WORDS.get(check, f"xtrust rule {rule.id}")
    return RuleInfo(
        id=rule.id,
        severity=rule.severity,
        short=short,
        full=f"{short} ({check} check, severity {rule.severity.value}) {_allow_words(rule)}",
        help=_CHECK_HELP.get(check, short),
        check=check,
    )


def rule_infos(report: Report) -> list[RuleInfo]:
    """One description per rule: the rules the scan ran, then any other rule a finding names."""
    infos = {rule.id: _info_of(rule) for rule in report.rules}
    for finding in report.findings:
        if finding.rule in infos:
            continue
        if finding.rule == EXPIRED_RULE:
            infos[finding.rule] = EXPIRED_INFO
        else:
            words = _CHECK_WORDS.get(finding.check, f"xtrust rule {finding.rule}")
            infos[finding.rule] = RuleInfo(finding.rule, finding.severity, words, words,
                                           _CHECK_HELP.get(finding.check, words), finding.check)
    for rule_id in report.checked:
        infos.setdefault(rule_id, RuleInfo(rule_id, Severity.INFO, f"xtrust rule {rule_id}",
                                           f"xtrust rule {rule_id}", f"xtrust rule {rule_id}"))
    return list(infos.values())


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Active before accepted, most severe first, then by account, rule and resource."""
    return sorted(findings, key=lambda f: (f.accepted, -f.severity.rank, f.account, f.rule, f.resource))


def headline(finding: Finding) -> str:
    """What a finding is about, for a format that shows its counterexample on a line of its own: the message
    without the ``": <counterexample in words>"`` that the checks end it with, or the whole message when it
    does not end so (an expired suppression, a finding made by hand, a counterexample without a principal,
    which the formats do not show). Only that exact ending is taken off: the message is never cut at a
    ``": "``, since the text before the proof may hold one anywhere (the note of an expired exemption,
    ``(an exemption expired on 2020-01-01: migrating, OPS-1)``, and its free-text reason)."""
    message = finding.message
    if finding.counterexample.principal:
        proof = ": " + finding.counterexample.in_words()
        if message.endswith(proof) and len(message) > len(proof):
            return message[:-len(proof)]
    return message


def statements_label(finding: Finding) -> str:
    """What a finding's ``statements`` are: the statements that grant the access, or, for an expired
    suppression, where the entry is written."""
    return "written at" if finding.rule == EXPIRED_RULE else "granted by"


def status(finding: Finding) -> str:
    """``open``, ``exempt`` (an exemption in the rules) or ``suppressed`` (a suppression file entry)."""
    if finding.exempt:
        return "exempt"
    if finding.suppressed:
        return "suppressed"
    return "open"


def status_reason(finding: Finding) -> str:
    """Why an accepted finding is accepted: the reason of its exemption, else of its suppression."""
    return finding.exempt or finding.suppressed


def status_note(finding: Finding) -> str:
    if finding.exempt:
        return f"exempt: {finding.exempt}"
    if finding.suppressed:
        return f"suppressed: {finding.suppressed}"
    return ""


def statement_location(finding: Finding, statement: str) -> tuple[str, str, str]:
    """Split ``"<policy label> /Statement/0"`` into (the ARN of what holds the policy, a description of the
    policy, the statement's JSON pointer). ``trust policy`` means the trust policy of the finding's role."""
    label, _, pointer = statement.rpartition(" /")
    if not _:
        return finding.resource, statement, ""
    pointer = "/" + pointer
    if label == "trust policy":
        return finding.resource, f"{finding.resource} trust policy", pointer
    holder = label.split(" ", 1)[0]
    return (holder if holder.startswith("arn:") else finding.resource), label, pointer


def _pretty(document: Any) -> list[str]:
    if document is None:
        return []
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").splitlines(keepends=True)


def fix_diffs(fix: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """The planned fixes of a finding as (summary, unified diff) pairs: a ``diff`` given as text is used as
    is; ``before``/``after`` documents are diffed; anything else is shown as JSON."""
    if not fix:
        return []
    items: Sequence[Any] = fix["fixes"] if isinstance(fix.get("fixes"), list) else [fix]
    out = []
    for item in items:
        if not isinstance(item, Mapping):
            continue
        summary = str(item.get("summary") or item.get("operation") or "planned fix")
        if isinstance(item.get("diff"), str):
            out.append((summary, item["diff"]))
        elif "after" in item:
            label = str(item.get("policy_arn") or item.get("resource") or "policy")
            source = f"a/{label}" if item.get("before") is not None else "/dev/null"
            text = "".join(difflib.unified_diff(_pretty(item.get("before")), _pretty(item["after"]),
                                                fromfile=source, tofile=f"b/{label}"))
            out.append((summary, text))
        else:
            out.append((summary, json.dumps(dict(item), indent=2, sort_keys=True, default=str)))
    return out


def severity_counts(findings: Iterable[Finding]) -> list[tuple[Severity, int]]:
    counts: dict[Severity, int] = {}
    for finding in findings:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
    return sorted(counts.items(), key=lambda kv: -kv[0].rank)


def summary_line(report: Report) -> str:
    active = report.active
    counts = ", ".join(f"{n} {s.value}" for s, n in severity_counts(active))
    line = f"{len(active)} finding(s)" + (f" ({counts})" if counts else "")
    exempt = sum(1 for f in report.findings if f.exempt)
    suppressed = sum(1 for f in report.findings if f.suppressed and not f.exempt)
    if suppressed:
        line += f", {suppressed} suppressed"
    if exempt:
        line += f", {exempt} exempt"
    return line
