"""The text report: findings grouped by account and rule, each with its proof, for a terminal."""

from __future__ import annotations

from itertools import groupby

from .._printable import printable
from ..findings import Report
from ._common import headline, statements_label, status_note, summary_line

__all__ = ["format_text"]


def _lines(text: str, indent: str) -> str:
    """``text`` indented, each line of it, so that a message of several lines stays in its place; nothing else
    in it changes."""
    return indent + text.replace("\n", "\n" + indent)


def format_text(report: Report) -> str:
    checked = ", ".join(f"{rule}: {n}" for rule, n in sorted(report.checked.items()))
    lines = [
        f"xtrust scan of {len(report.accounts)} account(s) ({checked or 'nothing checked'})",
        summary_line(report),
    ]
    ordered = sorted(report.findings, key=lambda f: (f.account, f.rule, -f.severity.rank, f.resource))
    for account, in_account in groupby(ordered, key=lambda f: f.account):
        lines += ["", f"Account {account or '(none)'}"]
        for rule, in_rule in groupby(in_account, key=lambda f: f.rule):
            items = list(in_rule)
            lines.append(f"  {rule} ({len(items)})")
            for finding in items:
                tag = ("EXEMPT" if finding.exempt else "SUPPRESSED" if finding.suppressed
                       else finding.severity.value.upper())
                lines.append(f"    [{tag}] {finding.resource}  (id {finding.id})")
                lines.append(_lines(headline(finding), "      "))
                if finding.counterexample.principal:
                    lines.append(f"      proof: {finding.counterexample.in_words()}")
                for other in finding.others[:3]:
                    lines.append(f"      also:  {other.in_words()}")
                if len(finding.others) > 3:
                    lines.append(f"      … and {len(finding.others) - 3} more request(s) (see the JSON report)")
                if len(finding.subjects) > 1 or (finding.subjects and finding.subjects[0] != finding.resource):
                    lines.append(f"      affects: {', '.join(finding.subjects)}")
                if finding.statements:
                    lines.append(f"      {statements_label(finding)}: {'; '.join(finding.statements)}")
                if finding.accepted:
                    lines.append(_lines(status_note(finding), "      "))
    if report.errors:
        lines += ["", "Incomplete: these could not be checked"]
        lines += [f"  {e.account}: {e.message}" for e in report.errors]
    if not report.findings and not report.errors:
        lines += ["", "No findings: every checked role and identity keeps to the rules."]
    return printable("\n".join(lines)) + "\n"  # a value from the input moves no cursor
