"""Report formats, as a table keyed by name: each turns a Report into text."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Mapping
from itertools import groupby
from pathlib import Path

from .findings import Report

__all__ = ["FORMATS", "render", "write_atomically", "format_text", "format_json"]


def format_json(report: Report) -> str:
    return json.dumps(report.to_json(), indent=2) + "\n"


def format_text(report: Report) -> str:
    active = report.active
    by_severity: dict[str, int] = {}
    for finding in active:
        by_severity[finding.severity.value] = by_severity.get(finding.severity.value, 0) + 1
    counts = ", ".join(f"{n} {s}" for s, n in sorted(by_severity.items(), key=lambda kv: kv[0]))
    checked = ", ".join(f"{rule}: {n}" for rule, n in sorted(report.checked.items()))
    lines = [
        f"xtrust scan of {len(report.accounts)} account(s) ({checked or 'nothing checked'})",
        f"{len(active)} finding(s){f' ({counts})' if counts else ''}"
        + (f", {len(report.findings) - len(active)} exempt" if len(report.findings) != len(active) else ""),
    ]
    ordered = sorted(report.findings, key=lambda f: (f.account, f.rule, -f.severity.rank, f.resource))
    for account, in_account in groupby(ordered, key=lambda f: f.account):
        lines += ["", f"Account {account}"]
        for rule, in_rule in groupby(in_account, key=lambda f: f.rule):
            items = list(in_rule)
            lines.append(f"  {rule} ({len(items)})")
            for finding in items:
                tag = "EXEMPT" if finding.exempt else finding.severity.value.upper()
                lines.append(f"    [{tag}] {finding.resource}  (id {finding.id})")
                lines.append(f"      {finding.message.split(': ', 1)[0]}")
                lines.append(f"      proof: {finding.counterexample.in_words()}")
                for other in finding.others[:3]:
                    lines.append(f"      also:  {other.in_words()}")
                if len(finding.others) > 3:
                    lines.append(f"      … and {len(finding.others) - 3} more request(s) (see the JSON report)")
                if len(finding.subjects) > 1 or (finding.subjects and finding.subjects[0] != finding.resource):
                    lines.append(f"      affects: {', '.join(finding.subjects)}")
                if finding.statements:
                    lines.append(f"      granted by: {'; '.join(finding.statements)}")
                if finding.exempt:
                    lines.append(f"      exempt: {finding.exempt}")
    if report.errors:
        lines += ["", "Incomplete: these could not be checked"]
        lines += [f"  {e.account}: {e.message}" for e in report.errors]
    if not report.findings and not report.errors:
        lines += ["", "No findings: every checked role and identity keeps to the rules."]
    return "\n".join(lines) + "\n"


FORMATS: Mapping[str, Callable[[Report], str]] = {
    "text": format_text,
    "json": format_json,
}


def render(report: Report, fmt: str) -> str:
    return FORMATS[fmt](report)


def write_atomically(path: str | Path, text: str) -> None:
    """Write a whole file or nothing: a temporary file beside it, fsynced, then renamed over it."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
