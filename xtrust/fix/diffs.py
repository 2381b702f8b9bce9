"""A plan for people: stable, indented JSON per document and a unified diff per fix."""

from __future__ import annotations

import difflib
import json

from ..model import Policy
from .values import Fix, Plan

__all__ = ["diff", "format_plan", "pretty"]


def pretty(document: Policy | None) -> str:
    """A document as stable, indented JSON (its elements in the order they were written)."""
    if document is None:
        return ""
    return json.dumps(document.to_json(), indent=2, ensure_ascii=False) + "\n"


def diff(fix: Fix) -> str:
    """A unified diff of one fix's document."""
    before = pretty(fix.before).splitlines(keepends=True)
    after = pretty(fix.after).splitlines(keepends=True)
    source = f"a/{fix.label}" if fix.before is not None else "/dev/null"
    return "".join(difflib.unified_diff(before, after, fromfile=source, tofile=f"b/{fix.label}"))



def format_plan(plan: Plan) -> str:
    """The plan for people: a unified diff per document, then the findings left to a person."""
    lines: list[str] = []
    for fix in plan.fixes:
        lines.append(f"# finding {fix.finding} ({fix.resource}): {fix.operation.value}")
        lines.append(f"# {fix.summary}")
        lines.append(diff(fix).rstrip("\n"))
        lines.append("")
    if plan.manual:
        lines.append("Manual (no verified fix):")
        lines += [f"  {m.resource} (finding {m.finding}): {m.reason}" for m in plan.manual]
        lines.append("")
    lines.append(f"{len(plan.fixes)} fix(es) planned, {len(plan.manual)} finding(s) left to a person.")
    return "\n".join(lines) + "\n"

