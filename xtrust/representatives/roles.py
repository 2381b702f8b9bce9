"""Candidate role ARNs for identity policies: one of each class of role ARN their Resource and NotResource
patterns tell apart, policy variables resolved as a request would resolve them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from .._frozen import frozen
from ..model import Policy
from ._constants import ARN_PARTS, FRESH, collect_constants, fresh_account, instantiate

__all__ = [
    "RoleMentions",
    "resource_role_names",
    "role_arn_prefix",
    "role_arns",
    "role_candidate_parts",
    "role_candidates",
    "role_candidates_of",
    "role_mentions",
]


def role_candidates(
    policies: Sequence[Policy], known_accounts: Iterable[str], known_roles: Iterable[str], username: str
) -> list[str]:
    """Role ARNs whose decisions cover every role ARN: each role ARN and pattern the policies name (patterns
    instantiated with a fresh name for ``*`` and ``?``, with and without a path, variables resolved for
    this caller), each known role, and a fresh role in every account mentioned and in a stranger's."""
    return role_candidates_of([role_mentions(p) for p in policies], known_accounts, known_roles, username)


@frozen
class RoleMentions:
    """What one document contributes to the role candidates: the accounts and the resources it names.
    Candidates of several documents are built from the union of their accounts and the concatenation
    of their resources, so a document's mentions can be collected once and shared."""

    accounts: frozenset[str]
    resources: tuple[str, ...]
    # the role names of the resources, when none depends on the caller (${aws:username}); else None
    names: tuple[str, ...] | None = None


def role_mentions(policy: Policy) -> RoleMentions:
    constants = collect_constants([policy])
    resources = tuple(constants.resources)
    names = None if any("${aws:username}" in r for r in resources) else tuple(
        name for resource in resources for name in resource_role_names(resource, ""))
    return RoleMentions(frozenset(constants.accounts), resources, names)


def role_candidates_of(
    mentions: Sequence[RoleMentions], known_accounts: Iterable[str], known_roles: Iterable[str], username: str
) -> list[str]:
    """:func:`role_candidates` from the documents' mentions (:func:`role_mentions`), in the same order."""
    accounts, names = role_candidate_parts(mentions, known_accounts, known_roles, username)
    return list(dict.fromkeys(role_arns(accounts, names)))


def role_candidate_parts(
    mentions: Sequence[RoleMentions], known_accounts: Iterable[str], known_roles: Iterable[str], username: str
) -> tuple[list[str], list[str]]:
    """The accounts (a stranger's last) and the role names (path included) whose every combination makes
    the candidates of :func:`role_candidates_of`, account by account."""
    accounts = sorted(set(known_accounts).union(*(m.accounts for m in mentions)))
    stranger = fresh_account(accounts)
    names: list[str] = ["any", "any-path/any", *_known_role_names(tuple(known_roles))]
    for mention in mentions:
        if mention.names is not None:
            names += mention.names
            continue
        for resource in mention.resources:
            # Only ${aws:username} depends on the caller: other resources share one instantiation.
            names += resource_role_names(resource, username if "${aws:username}" in resource else "")
    kept = [name for name in dict.fromkeys(names) if name and not name.endswith("/")]
    return [*accounts, stranger], kept


def role_arns(accounts: Iterable[str], names: Sequence[str]) -> list[str]:
    """``arn:aws:iam::<account>:role/<name>`` for each account, then each name."""
    return [prefix + name for prefix in map(role_arn_prefix, accounts) for name in names]


def role_arn_prefix(account: str) -> str:
    return f"arn:aws:iam::{account}:role/"


@lru_cache(maxsize=1024)
def _known_role_names(known_roles: tuple[str, ...]) -> tuple[str, ...]:
    """The role names (path included) of the role ARNs a rule names."""
    names = []
    for arn in known_roles:
        parts = ARN_PARTS.match(arn)
        if parts and parts.group(5).startswith("role/"):
            names.append(parts.group(5)[len("role/"):])
    return tuple(names)


@lru_cache(maxsize=65536)
def resource_role_names(resource: str, username: str) -> tuple[str, ...]:
    """The role names (path included) one resource pattern stands for: ``*`` and ``?`` instantiated with a
    fresh name, with and without a path; policy variables resolved for this caller, or fresh, or to their
    defaults (``${aws:RequestTag/project, 'ReadOnly'}`` names role/ReadOnly when the tag is not sent)."""
    resolved = resource.replace("${aws:username}", username).replace("${aws:PrincipalAccount}", "")
    names = _role_names(re.sub(r"\$\{[^}]*\}", FRESH, resolved))
    if re.search(r"\$\{[^},]*,[^}]*\}", resolved):  # ${key, 'default'}: the default, when the key is absent
        names += _role_names(re.sub(r"\$\{([^}]*)\}", _default_or_fresh, resolved))
    return tuple(names)


def _default_or_fresh(found: re.Match[str]) -> str:
    _, comma, default = found.group(1).partition(",")
    default = default.strip()
    return default[1:-1] if comma and len(default) >= 2 and default[0] == default[-1] == "'" else FRESH


def _role_names(resolved: str) -> list[str]:
    parts = ARN_PARTS.match(resolved)
    tail = parts.group(5) if parts else resolved
    names = []
    for star, single in (("any", "z"), ("", "x"), ("any-path/any", "q")):
        text = instantiate(tail, star, single)
        if text.startswith("role/") and len(text) > 5:
            names.append(text[len("role/"):])
        elif "role/" in text:
            names.append(text.split("role/", 1)[1] or "any")
        elif tail.startswith("*"):  # the * takes in "arn:…:role/" and any name or path before the rest
            names.append(instantiate(star + tail[1:], star, single) or "any")
        elif tail.startswith("?"):
            names.append(instantiate(tail[1:], star, single) or "any")
    return names
