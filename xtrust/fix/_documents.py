"""Documents as JSON, edited and re-parsed: the helpers the trust and identity planners share.

A bare account ID in a Principal or an allow list means the account's root ARN, the whole account
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..callers import is_account_id
from ..model import Policy, PolicyKind, parse_policy

__all__ = ["canonical_entry", "entry_account", "is_account_entry", "one_or_list", "rebuild"]



def rebuild(policy: Policy, statements: Sequence[Mapping[str, Any]], kind: PolicyKind) -> Policy:
    """A new document from edited statements, re-parsed (which validates it), keeping Version and Id."""
    doc: dict[str, Any] = {}
    if policy.version is not None:
        doc["Version"] = policy.version
    if policy.id is not None:
        doc["Id"] = policy.id
    items = [dict(s) for s in statements]
    doc["Statement"] = items[0] if policy.statement_is_object and len(items) == 1 else items
    return parse_policy(doc, kind=kind, source=policy.source)


def one_or_list(values: Sequence[str], was_scalar: bool) -> Any:
    return values[0] if was_scalar and len(values) == 1 else list(values)


def canonical_entry(entry: str) -> str:
    return f"arn:aws:iam::{entry}:root" if is_account_id(entry) else entry


def entry_account(entry: str) -> str:
    if is_account_id(entry):
        return entry
    parts = entry.split(":")
    return parts[4] if len(parts) > 5 else ""


def is_account_entry(entry: str) -> bool:
    return is_account_id(entry) or entry.endswith(":root")

