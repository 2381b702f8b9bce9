"""The catalogue of IAM actions (from policyuniverse), to point out action names that match nothing.

IAM accepts any ``service:action`` text in a policy. A misspelt action in a Deny (``sts:AssumeRol``) denies
nothing, and one in an Allow grants nothing: both are worth saying out loud. The catalogue is loaded only
when asked for, and may lag behind AWS: an unknown name is a typo or an action newer than the catalogue.
"""

from __future__ import annotations

from functools import lru_cache

from ._glob import glob_matcher, has_wildcard
from .model import Policy

__all__ = ["known_actions", "unknown_actions"]


@lru_cache(maxsize=1)
def known_actions() -> frozenset[str]:
    """Every action the catalogue knows, lower-cased (``sts:assumerole``)."""
    from policyuniverse import all_permissions

    return frozenset(p.lower() for p in all_permissions)


@lru_cache(maxsize=4096)
def _matches_something(pattern: str) -> bool:
    pattern = pattern.lower()
    catalogue = known_actions()
    if not has_wildcard(pattern):
        return pattern in catalogue
    service = pattern.split(":", 1)[0]
    match = glob_matcher(pattern)
    pool = catalogue if has_wildcard(service) else (a for a in catalogue if a.startswith(service + ":"))
    return any(match(action) for action in pool)


def unknown_actions(policy: Policy) -> tuple[tuple[str, str], ...]:
    """``(json pointer, action)`` for each Action or NotAction value that matches no known action."""
    found = []
    for statement in policy.statements:
        for key, items in (("Action", statement.action), ("NotAction", statement.not_action)):
            if items is None:
                continue
            for i, action in enumerate(items.values):
                if action != "*" and not _matches_something(action):
                    where = f"{statement.pointer}/{key}" + ("" if items.scalar else f"/{i}")
                    found.append((where, action))
    return tuple(found)
