"""Markdown for a pull request or a ticket: a summary, a table of findings, and each proof folded away."""

from __future__ import annotations

from ..findings import Finding, Report
from ._common import fix_diffs, headline, ordered, statements_label, status, status_note, summary_line

__all__ = ["format_markdown"]


def _cell(text: str) -> str:
    """Text safe inside a table cell: pipes escaped, no line breaks."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


# What Markdown (CommonMark and GitHub's tables) would take for markup and not show as written: code spans,
# links, HTML tags and entities, strikethrough, cell borders. A backslash before any ASCII punctuation shows
# it as itself (CommonMark, "Backslash escapes").
_MARKUP = str.maketrans({mark: "\\" + mark for mark in "\\`[]<&~|"})


def _words(text: str) -> str:
    """Free text (a finding's message, a reason) as Markdown that shows exactly that text, on one line (a
    line break becomes a space, as it would in a paragraph). ``*`` and ``_`` are escaped only when there
    are two or more: a lone one emphasises nothing and reads as itself."""
    shown = text.translate(_MARKUP)
    for mark in "*_":
        if text.count(mark) > 1:
            shown = shown.replace(mark, "\\" + mark)
    return shown.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


def _code(text: str) -> str:
    return f"`{text}`" if "`" not in text else f"`` {text} ``"


def _details(finding: Finding) -> list[str]:
    lines = ["<details>", f"<summary>{_cell(finding.rule)} · {_cell(finding.resource)} ({finding.id})</summary>", ""]
    lines.append(f"- **{status(finding)}**, severity **{finding.severity.value}**, account "
                 f"{_code(finding.account or '-')}: {_words(headline(finding))}")
    if finding.accepted:
        lines.append(f"- {_words(status_note(finding))}")
    if finding.counterexample.principal:
        lines.append(f"- counterexample: {_code(finding.counterexample.in_words())}")
    lines += [f"- also: {_code(c.in_words())}" for c in finding.others]
    if finding.subjects and list(finding.subjects) != [finding.resource]:
        lines.append(f"- affects: {', '.join(_code(s) for s in finding.subjects)}")
    lines += [f"- {statements_label(finding)}: {_code(s)}" for s in finding.statements]
    for summary, diff in fix_diffs(finding.fix):
        lines += ["", f"Planned fix: {summary}", "", "```diff", diff.rstrip("\n"), "```"]
    lines += ["", "</details>", ""]
    return lines


def format_markdown(report: Report) -> str:
    findings = ordered(report.findings)
    title = "xtrust scan: " + ("incomplete, " if report.errors else "") + summary_line(report)
    checked = ", ".join(f"{_code(rule)} {n}" for rule, n in sorted(report.checked.items())) or "nothing"
    lines = [f"## {title}", "",
             f"Accounts: {', '.join(_code(a) for a in report.accounts) or 'none'} · resources checked: {checked}", ""]
    if report.errors:
        lines += ["> [!WARNING]", "> The scan is incomplete; these could not be checked:"]
        lines += [f"> - {_code(e.account)}: {_cell(e.message)}" for e in report.errors]
        lines.append("")
    if not findings:
        lines += ["No findings: every checked role and identity keeps to the rules.", ""]
        return "\n".join(lines)
    lines += ["| Severity | Status | Rule | Resource | Finding | ID |", "|---|---|---|---|---|---|"]
    for f in findings:
        shown = f.severity.value if not f.accepted else f"~~{f.severity.value}~~"
        lines.append(f"| {shown} | {status(f)} | {_cell(f.rule)} | {_code(_cell(f.resource))} "
                     f"| {_words(headline(f))} | {_code(f.id)} |")
    lines += ["", "### Details", ""]
    for finding in findings:
        lines += _details(finding)
    return "\n".join(lines)
