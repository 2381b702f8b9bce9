"""Scan-to-scan differences: which findings are new, resolved or unchanged between two JSON reports.

Findings are matched by their stable id (a hash of rule, account and resource), so a finding whose proof or
message changes between runs is still the same finding. A new finding that is exempt or suppressed in the
newer report is listed as new but does not make the difference fail.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ._files import read_text
from ._frozen import frozen
from .errors import InputError
from .findings import REPORT_VERSION
from .model import JSON, json_limit

__all__ = [
    "DIFF_FORMATS",
    "DiffInputError",
    "ReportDiff",
    "diff_reports",
    "format_diff_json",
    "format_diff_markdown",
    "format_diff_text",
    "load_report_json",
    "render_diff",
]


class DiffInputError(InputError):
    """A file given to ``xtrust diff`` that is not a JSON report of a known version."""


@frozen
class ReportDiff:
    """Two JSON reports compared by finding id: the findings only the newer has, those only the older
    had, and those in both."""

    new: tuple[Mapping[str, Any], ...]
    resolved: tuple[Mapping[str, Any], ...]
    unchanged: tuple[Mapping[str, Any], ...]

    @property
    def failing(self) -> tuple[Mapping[str, Any], ...]:
        """New findings that count: neither exempt nor suppressed in the newer report."""
        return tuple(f for f in self.new if not f.get("exempt") and not f.get("suppressed"))

    def to_json(self) -> dict[str, Any]:
        return {"new": list(self.new), "resolved": list(self.resolved), "unchanged": list(self.unchanged)}


def load_report_json(path: str | Path) -> dict[str, Any]:
    """Read a JSON report written by ``xtrust scan --format json``; raise DiffInputError when it is not one."""
    text = read_text(path, DiffInputError)
    try:
        data = JSON.decode(text)
    except json.JSONDecodeError as exc:
        raise DiffInputError(f"{path}:{exc.lineno}: not JSON: {exc.msg}") from None
    except (ValueError, RecursionError) as exc:
        raise DiffInputError(f"{path}: not JSON xtrust can read: {json_limit(exc)}") from None
    if not isinstance(data, dict) or "findings" not in data:
        raise DiffInputError(f"{path}: not an xtrust JSON report (no 'findings'; write one with --format json)")
    if data.get("version") != REPORT_VERSION:
        raise DiffInputError(f"{path}: report version {data.get('version')!r} is not {REPORT_VERSION}")
    findings = data["findings"]
    if not isinstance(findings, list):
        raise DiffInputError(f"{path}: findings: expected a list")
    for i, finding in enumerate(findings):
        if not isinstance(finding, dict) or not isinstance(finding.get("id"), str) or not finding["id"]:
            raise DiffInputError(f"{path}: findings/{i}: expected an object with a string 'id'")
    return data


def _key(finding: Mapping[str, Any]) -> tuple[str, str, str, str]:
    return (str(finding.get("severity", "")), str(finding.get("rule", "")), str(finding.get("resource", "")),
            str(finding["id"]))


def diff_reports(old: Mapping[str, Any], new: Mapping[str, Any]) -> ReportDiff:
    """New (only in ``new``), resolved (only in ``old``) and unchanged (in both; shown as in ``new``)."""
    before = {f["id"]: f for f in old["findings"]}
    after = {f["id"]: f for f in new["findings"]}
    return ReportDiff(
        new=tuple(sorted((f for i, f in after.items() if i not in before), key=_key)),
        resolved=tuple(sorted((f for i, f in before.items() if i not in after), key=_key)),
        unchanged=tuple(sorted((f for i, f in after.items() if i in before), key=_key)),
    )


def _lines(title: str, findings: Sequence[Mapping[str, Any]], mark: str) -> list[str]:
    lines = [f"{title} ({len(findings)})"]
    for f in findings:
        accepted = " [suppressed]" if f.get("suppressed") else " [exempt]" if f.get("exempt") else ""
        lines.append(f"  {mark} [{f.get('severity', '?')}] {f.get('rule', '?')}  {f.get('resource', '?')}  "
                     f"(id {f['id']}){accepted}")
    return lines


def format_diff_text(diff: ReportDiff) -> str:
    lines = [f"{len(diff.new)} new, {len(diff.resolved)} resolved, {len(diff.unchanged)} unchanged", ""]
    lines += [*_lines("New", diff.new, "+"), ""]
    lines += [*_lines("Resolved", diff.resolved, "-"), ""]
    lines += _lines("Unchanged", diff.unchanged, " ")
    return "\n".join(lines) + "\n"


def format_diff_json(diff: ReportDiff) -> str:
    return json.dumps(diff.to_json(), indent=2) + "\n"


def format_diff_markdown(diff: ReportDiff) -> str:
    lines = [f"## xtrust: {len(diff.new)} new, {len(diff.resolved)} resolved, {len(diff.unchanged)} unchanged", ""]
    for title, findings in (("New", diff.new), ("Resolved", diff.resolved), ("Unchanged", diff.unchanged)):
        lines += [f"### {title} ({len(findings)})", ""]
        if findings:
            lines += ["| Severity | Rule | Resource | ID |", "|---|---|---|---|"]
            lines += [f"| {f.get('severity', '?')} | {f.get('rule', '?')} | `{f.get('resource', '?')}` | `{f['id']}` |"
                      for f in findings]
            lines.append("")
    return "\n".join(lines)


DIFF_FORMATS = {"text": format_diff_text, "json": format_diff_json, "markdown": format_diff_markdown}


def render_diff(diff: ReportDiff, fmt: str) -> str:
    return DIFF_FORMATS[fmt](diff)
