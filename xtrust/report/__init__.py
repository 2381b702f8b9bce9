"""Report formats, as a table keyed by name: each turns a Report into the text of one file.

| name       | for                                           | module                   |
|------------|-----------------------------------------------|--------------------------|
| `text`     | a terminal                                    | :mod:`xtrust.report.text`     |
| `json`     | the JSON report contract (and `xtrust diff`)  | :mod:`xtrust.report.json`     |
| `sarif`    | GitHub code scanning and other SARIF 2.1.0 readers | :mod:`xtrust.report.sarif` |
| `junit`    | CI servers (Jenkins, GitLab): one test case per rule and resource checked | :mod:`xtrust.report.junit` |
| `markdown` | a pull request or a ticket                    | :mod:`xtrust.report.markdown` |
| `html`     | people: one self-contained page, no network   | :mod:`xtrust.report.html`     |
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

from .._files import write_all, write_atomically
from .._frozen import frozen
from ..findings import Report

if TYPE_CHECKING:
    from .html import format_html
    from .json import format_json
    from .junit import format_junit
    from .markdown import format_markdown
    from .sarif import format_sarif
    from .text import format_text

__all__ = [
    "FORMATS",
    "Format",
    "format_html",
    "format_json",
    "format_junit",
    "format_markdown",
    "format_sarif",
    "format_text",
    "render",
    "report_filename",
    "with_plan",
    "write_all",
    "write_atomically",
]


@frozen
class Format:
    """One output format: its name, the module that renders it (imported on first use: a scan loads only
    the formats it writes), the file extension it is saved with."""

    name: str
    module: str
    extension: str
    description: str

    @property
    def render(self) -> Callable[[Report], str]:
        renderer: Callable[[Report], str] = getattr(importlib.import_module(f"{__name__}.{self.module}"),
                                                    f"format_{self.name}")
        return renderer

    def __call__(self, report: Report) -> str:
        return self.render(report)


FORMATS: Mapping[str, Format] = {
    f.name: f
    for f in (
        Format("text", "text", "txt", "plain text for a terminal"),
        Format("json", "json", "json", "the JSON report (version 1)"),
        Format("sarif", "sarif", "sarif", "SARIF 2.1.0 for code scanning"),
        Format("junit", "junit", "xml", "JUnit XML for CI servers"),
        Format("markdown", "markdown", "md", "Markdown for a pull request or ticket"),
        Format("html", "html", "html", "a self-contained HTML page"),
    )
}


def __getattr__(name: str) -> Any:  # format_text and the others, from their modules on first use
    fmt = FORMATS.get(name.removeprefix("format_")) if name.startswith("format_") else None
    if fmt is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return fmt.render


def render(report: Report, fmt: str) -> str:
    return FORMATS[fmt](report)


class _PlannedFix(Protocol):
    @property
    def finding(self) -> str: ...

    def to_json(self) -> dict[str, Any]: ...


class _Plan(Protocol):
    @property
    def fixes(self) -> tuple[_PlannedFix, ...] | list[_PlannedFix]: ...


def with_plan(report: Report, plan: _Plan) -> Report:
    """The report with each finding carrying its planned fix in the JSON report's ``fix`` field, as ``xtrust
    fix`` plans it: ``operation``, ``policy_name`` or ``policy_arn``, ``before``, ``after``, ``summary``…
    A finding that takes several writes (an identity finding granted by more than one document) carries the
    first of them, and every one under ``fixes``. The formats show them: diffs in HTML and Markdown,
    ``properties.fixes`` in SARIF."""
    by_finding: dict[str, list[dict[str, Any]]] = {}
    for fix in plan.fixes:
        by_finding.setdefault(fix.finding, []).append(fix.to_json())

    def field(fixes: list[dict[str, Any]]) -> dict[str, Any]:
        return fixes[0] if len(fixes) == 1 else {**fixes[0], "fixes": fixes}

    findings = tuple(f.with_fix(field(by_finding[f.id])) if f.id in by_finding else f for f in report.findings)
    return replace(report, findings=findings)


def report_filename(fmt: str, stem: str = "xtrust-report") -> str:
    """The file name a format is saved under in an output directory: ``xtrust-report.sarif`` and so on."""
    return f"{stem}.{FORMATS[fmt].extension}"


