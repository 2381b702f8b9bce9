"""What the checks find: violations and verdicts, the policies that complete a counterexample, and the
findings of one account gathered from them (:class:`Collector`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from .._frozen import frozen
from ..callers import Caller
from ..evaluate import StatementRef
from ..findings import Counterexample, Finding
from ..model import Policy, PolicyKind, parse_policy
from ..representatives import MAX_CONTEXTS
from ..rules import Rule

__all__ = [
    "LOGIN_TRUST",
    "OUTSIDER_IDENTITY",
    "AssumeVerdict",
    "Collector",
    "TrustVerdict",
    "Violation",
    "entry_accounts",
]


# What an outsider's own account grants itself, and a role trusting the login account: the other half of
# each counterexample, so that ``can_assume`` reproduces it.
OUTSIDER_IDENTITY = parse_policy(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
    kind=PolicyKind.IDENTITY, source="the caller's own identity policy (assumed)")


@lru_cache(maxsize=64)
def LOGIN_TRUST(login: str) -> Policy:
    """A role that trusts the login account, session tags and source identity included: the role side of
    an identity-assume counterexample, which is about what the identity policies let through."""
    return parse_policy(
        {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{login}:root"},
             "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]}]},
        kind=PolicyKind.TRUST, source="a role trusting the login account")


@frozen
class Violation:
    """One request that gets through and should not, with the statements that let it."""

    request: Counterexample
    allows: tuple[StatementRef, ...]
    caller: Caller


@frozen
class TrustVerdict:
    """What role-trust found in one trust policy: each class of caller outside the allow list that gets
    in, with its request; ``truncated`` when the conditions had more combinations than were tried."""

    violations: tuple[Violation, ...] = ()
    truncated: bool = False


@frozen
class AssumeVerdict:
    """What identity-assume found for one group or user: each role outside its allow list it may
    assume, with the request; ``truncated`` as for :class:`TrustVerdict`."""

    violations: tuple[Violation, ...] = ()
    truncated: bool = False


def entry_accounts(entries: Iterable[str]) -> list[str]:
    out = []
    for entry in entries:
        if entry.isdigit():
            out.append(entry)
        elif entry.startswith("arn:") and entry.count(":") >= 5:
            out.append(entry.split(":")[4])
    return out


@dataclass
class Collector:
    """Gathers findings of one account, merging those that point at the same resource."""

    rule: Rule
    account: str
    today: date
    by_resource: dict[str, Finding] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def truncated(self, arn: str, policies: str) -> None:
        """A note that the verdict on ``arn`` may be incomplete: its ``policies``' conditions have more
        combinations than the representatives try."""
        self.notes.append(f"{arn}: {policies} conditions have more combinations than xtrust tries "
                          f"({MAX_CONTEXTS}); the verdict may miss a way in")

    def add(self, resource: str, subject: str, violations: Sequence[Violation], describe: str,
            statements: Iterable[str]) -> None:
        first, *others = violations
        existing = self.by_resource.get(resource)
        if existing is not None:
            if subject not in existing.subjects:
                self.by_resource[resource] = Finding(
                    existing.rule, existing.severity, existing.account, existing.resource, existing.message,
                    existing.counterexample, existing.check, (*existing.subjects, subject), existing.statements,
                    existing.others, existing.exempt)
            return
        exempt = ""
        for exemption in self.rule.exemptions:
            if exemption.covers(resource) or exemption.covers(subject):
                if exemption.active(self.today):
                    exempt = f"{exemption.reason} (until {exemption.expires.isoformat()})"
                    break
                describe += f" (an exemption expired on {exemption.expires.isoformat()}: {exemption.reason})"
        self.by_resource[resource] = Finding(
            rule=self.rule.id,
            severity=self.rule.severity,
            account=self.account,
            resource=resource,
            message=f"{describe}: {first.request.in_words()}",
            counterexample=first.request,
            check=self.rule.check.value,
            subjects=(subject,),
            statements=tuple(dict.fromkeys(statements)),
            others=tuple(v.request for v in others[:9]),
            exempt=exempt,
        )
