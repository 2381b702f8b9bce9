"""Plain-text rendering of decisions, for people reading a terminal."""

from __future__ import annotations

import json

from ._printable import printable
from .evaluate import Decision, Match, SideDecision, StatementRef

__all__ = ["format_decision", "format_statement"]

_VIA = {Match.ACCOUNT: "through the caller's account", Match.DIRECT: "naming the caller"}


def format_statement(ref: StatementRef, indent: str = "    ") -> str:
    via = f" — matches {_VIA[ref.via]}" if ref.statement.principal or ref.statement.not_principal else ""
    body = json.dumps(ref.statement.to_json(), sort_keys=False)
    return f"{indent}{ref}{via}\n{indent}  {body}"


def _side(side: SideDecision | None, label: str) -> list[str]:
    if side is None:
        return [f"  {label}: not involved"]
    lines = [f"  {label}: {side.outcome.value}"]
    for ref in side.denies + side.allows:
        lines.append(format_statement(ref))
    if not side.denies and not side.allows:
        lines.append("    no statement applies")
    return lines


def format_decision(decision: Decision) -> str:
    request = decision.request
    verdict = "ALLOWED" if decision.allowed else "DENIED"
    lines = [
        f"{verdict}: {request.principal} -> {request.action} on {request.resource}",
        f"  {decision.outcome.value}: {decision.reason}",
    ]
    lines += _side(decision.trust, "trust policy")
    lines += _side(decision.identity, "identity policies")
    for sub in decision.also:
        lines.append(f"  also needed: {sub.request.action}: {sub.outcome.value} ({sub.reason})")
    if request.context:
        lines.append("  request context:")
        for key, values in sorted(request.context.items()):
            lines.append(f"    {key} = {', '.join(values) if values else '(empty)'}")
    return printable("\n".join(lines))  # a value from the input moves no cursor
