"""Candidate callers for a trust policy: one of each class of principal the policy could let in, and
whether a rule's allow list admits a caller."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from functools import lru_cache

from .._glob import glob_match, has_wildcard
from ..callers import (
    ASSUME_ROLE,
    ASSUME_ROLE_WITH_SAML,
    ASSUME_ROLE_WITH_WEB_IDENTITY,
    IAM_NAME,
    Caller,
    CallerKind,
    parse_caller,
    whole_account,
)
from ..evaluate import _LITERALS, _VARIABLE
from ..model import Condition, Policy, PrincipalForm, PrincipalKind
from ._constants import (
    ARN_PARTS,
    Candidate,
    collect_constants,
    fresh_account,
    fresh_name,
    instantiate,
    instantiate_accounts,
)

__all__ = [
    "allowed_principal",
    "member_candidates",
    "trust_candidates",
]


# Callers are frozen values: the same few (a stranger, each account's user and role) recur in every trust policy.
_caller = lru_cache(maxsize=65536)(parse_caller)


def trust_candidates(
    trust: Policy, project_account: str, known_accounts: Iterable[str], known_principals: Iterable[str] = ()
) -> list[Candidate]:
    """Callers whose decisions cover every caller (design notes): each principal the policy names, a user
    and a role session of every account it or the rules mention (the project account's own included), a
    stranger for ``*`` and ``NotPrincipal``, the services and identity providers named, and the ARNs that
    ``aws:PrincipalArn`` conditions name (patterns instantiated)."""
    constants = collect_constants([trust])
    accounts = sorted(constants.accounts | set(known_accounts) | {project_account})
    stranger = fresh_account(accounts, constants.patterns)
    seen: set[tuple[str, str]] = set()
    out: list[Candidate] = []

    def add(arn: str, action: str = ASSUME_ROLE) -> None:
        if (arn, action) in seen:
            return
        seen.add((arn, action))
        with contextlib.suppress(ValueError):  # not a caller: an instantiated pattern that names no principal
            out.append(Candidate(_caller(arn, action), action))

    resources = _caller_resources(constants.conditions, [stranger, *accounts])
    for account in [stranger, *accounts]:
        for resource in resources:
            add(f"arn:aws:iam::{account}:{resource}")
    wide = False
    for statement in trust.statements:
        for block in (statement.principal, statement.not_principal):
            if block is None:
                continue
            wide = wide or statement.not_principal is block
            for principal in block.principals:
                if principal.form is PrincipalForm.ANY:
                    wide = True
                elif principal.form in (PrincipalForm.USER, PrincipalForm.ROLE, PrincipalForm.SESSION):
                    add(principal.canonical)
                elif principal.kind is PrincipalKind.SERVICE:
                    add(principal.value)
                elif principal.kind is PrincipalKind.FEDERATED:
                    for action in _federation_actions(principal.value):
                        add(principal.value, action)
    for condition in constants.conditions:
        if condition.key_lower == "aws:principalarn":
            for value in condition.values:
                for arn in _instantiate_arns(value, [stranger, *accounts]):
                    add(arn)
    for arn in known_principals:
        add(arn)
    if wide:
        add("xtrust-any.amazonaws.com")
        add(f"arn:aws:iam::{stranger}:saml-provider/any", ASSUME_ROLE_WITH_SAML)
        add("any.example.com", ASSUME_ROLE_WITH_WEB_IDENTITY)
    return out


def _caller_resources(conditions: Sequence[Condition], accounts: Sequence[str]) -> list[str]:
    """The resource parts (``user/any``, ``role/ci/any``) of the callers to try in every account: a fresh user
    and role ("any"); the names and paths the conditions on aws:username and aws:PrincipalArn give, whatever
    their operator (patterns instantiated, a policy variable read as ``*``); and, when some pattern catches
    "any", a fresh name none of them matches in any of the ``accounts``. Names are compared in every account
    alike, so a name the policy suggests is tried in the stranger's account too (``aws:username`` "bob" is
    any account's bob)."""
    resources = ["user/any", "role/any"]
    names: list[tuple[str, bool]] = []  # aws:username values, and whether their operator reads wildcards
    arns: list[str] = []  # aws:PrincipalArn values: patterns of an ARN
    for condition in conditions:
        if condition.key_lower not in ("aws:username", "aws:principalarn"):
            continue
        values = [_VARIABLE.sub("*", v) for v in condition.values]
        if condition.key_lower == "aws:username":
            names += [(v, _reads_wildcards(condition)) for v in values]
            resources += [f"user/{instantiate(v, star, single)}" for v in values for star, single in _FILLS]
        elif condition.key_lower == "aws:principalarn":
            arns += values
            resources += [r for v in values for r in _resources(_resource_part(v))]
    if names or arns:
        fresh = fresh_name(lambda name: _named(names, name) or any(
            glob_match(p, f"arn:aws:iam::{account}:{kind}/{name}")
            for p in arns for account in accounts for kind in ("user", "role")))
        if fresh is not None:
            resources += [f"user/{fresh}", f"role/{fresh}"]
    return list(dict.fromkeys(resources))


_FILLS = (("any", "z"), ("", "0"))  # what a * and a ? stand for: a fresh name, and nothing or a digit


def _reads_wildcards(condition: Condition) -> bool:
    """Whether the operator reads * and ? as wildcards: the Like operators only (StringEquals "*" is a star)."""
    return condition.operator.base.name.endswith("Like")


def _named(names: Sequence[tuple[str, bool]], name: str) -> bool:
    """Whether one of the aws:username values (each with whether its operator reads wildcards) is ``name``."""
    return any(glob_match(value, name) if like else value == name for value, like in names)


def _resource_part(pattern: str) -> str:
    """The part of an ARN pattern after the account (``user/team/*``); for one that is not an ARN (``*/x``,
    ``*:user/team/*``), what follows its last ':' before the first '/', or the pattern itself."""
    parts = ARN_PARTS.match(pattern)
    if parts:
        return parts.group(5)
    head, slash, tail = pattern.partition("/")
    return head.rsplit(":", 1)[-1] + slash + tail if ":" in head else pattern


def _resources(pattern: str) -> list[str]:
    """A user's and a role's resource parts that a resource pattern matches, wildcards instantiated: the
    pattern itself when it names its kind (``role/ci/*``), else its kind put in place of a leading ``*``
    (``*/x`` matches ``user/x``)."""
    out = []
    for kind in ("user", "role"):
        if pattern.startswith(f"{kind}/"):
            text = pattern
        elif pattern.startswith("*"):
            rest = pattern[1:]
            text = kind + (rest if rest.startswith("/") else f"/{rest}")
        else:
            continue
        out += [instantiate(text, star, single) for star, single in _FILLS]
    return out


def member_candidates(policies: Iterable[Policy], account: str) -> list[str]:
    """Users of ``account`` whose decisions cover every member a group can have, for documents whose verdict
    depends on who the caller is (a condition on aws:username or aws:PrincipalArn): a fresh member
    ("any"), each user the conditions name (patterns instantiated, paths kept, a policy variable read as
    ``*``), a member with a path where a condition reads the ARN, and a member none of their patterns
    matches ("any" itself, unless a pattern does). A group's grant to "bob" alone is a grant to whoever is
    made a member under that name, member today or not."""
    prefix = f"arn:aws:iam::{account}:user/"
    arns = [prefix + "any"]
    names: list[tuple[str, bool]] = []  # aws:username values, and whether their operator reads wildcards
    patterns: list[str] = []  # aws:PrincipalArn values
    for policy in policies:
        for statement in policy.statements:
            for condition in statement.conditions:
                if condition.key_lower == "aws:username":
                    values = [v for v in condition.values if "${" not in v]
                    names += [(v, _reads_wildcards(condition)) for v in values]
                    arns += [prefix + instantiate(value, star, single) for value in values for star, single in _FILLS]
                elif condition.key_lower == "aws:principalarn":
                    values = [_VARIABLE.sub("*", v) for v in condition.values]  # a variable may be anything
                    patterns += values
                    arns += [f"arn:aws:iam::{account}:{r}" for v in values for r in _resources(_resource_part(v))
                             if r.startswith("user/")]
                    arns.append(prefix + "xtrust-path/any")  # a member with a path: its ARN differs in more
    if names or patterns:
        fresh = fresh_name(lambda name: _named(names, name) or any(glob_match(p, prefix + name) for p in patterns))
        if fresh is not None:
            arns.append(prefix + fresh)
    return [arn for arn in dict.fromkeys(arns)
            if arn.startswith(prefix) and IAM_NAME.fullmatch(arn.rsplit("/", 1)[1])]


def _instantiate_arns(pattern: str, accounts: Sequence[str]) -> list[str]:
    """Concrete ARNs a wildcard ARN pattern matches: the account part instantiated with every account it
    matches (a stranger's included), the rest with a fresh name, ``?`` with a letter or a digit."""
    # A variable may stand for anything here (${aws:PrincipalAccount}: each caller's own account); the
    # evaluator resolves it for each caller.
    pattern = _VARIABLE.sub(lambda found: _LITERALS.get(found.group(1), "*"), pattern)
    parts = ARN_PARTS.match(pattern)
    if not parts:
        return [instantiate(pattern, star, single) for star, single in _FILLS]
    partition, service, region, account, resource = parts.groups()
    owners = [a for a in accounts if glob_match(account, a)] or sorted(instantiate_accounts([account]))
    out = []
    for owner in owners:
        for star, single in _FILLS:
            fixed = [instantiate(part, "aws" if part == partition else star, single)
                     for part in (partition, service, region)]
            if not fixed[0].startswith("aws"):
                fixed[0] = "aws"
            out.append(f"arn:{fixed[0]}:{fixed[1]}:{fixed[2]}:{owner}:{instantiate(resource, star, single)}")
    return out


def _federation_actions(provider: str) -> tuple[str, ...]:
    if ":saml-provider/" in provider:
        return (ASSUME_ROLE_WITH_SAML,)
    return (ASSUME_ROLE_WITH_WEB_IDENTITY,)


def allowed_principal(caller: Caller, entries: Iterable[str], services: Sequence[str],
                      federated: Sequence[str]) -> bool:
    """Whether a rule's allow list covers this caller (an account or root ARN covers all its principals)."""
    if caller.kind is CallerKind.SERVICE:
        return any(s == "*" or s.lower() == caller.name.lower() for s in services)
    if caller.kind is CallerKind.FEDERATED:
        return any(f == "*" or f.lower() == caller.name.lower() for f in federated)
    for entry in entries:
        account = whole_account(entry)
        if account is not None:
            if account == caller.account:
                return True
        elif ":assumed-role/" in entry:
            if glob_match(entry, caller.session_arn or caller.arn):
                return True
        elif ":role/" in entry and caller.kind is CallerKind.ROLE_SESSION:
            if entry.split(":")[4] == caller.account and _covers_role(entry, caller):
                return True
        elif ":user/" in entry and caller.kind is CallerKind.USER and glob_match(entry, caller.principal_arn):
            return True
    return False


def _covers_role(entry: str, caller: Caller) -> bool:
    """Whether a role entry of an allow list covers a session of the caller's role (of the entry's account).
    An entry without wildcards names one role, and a role's name is unique in its account whatever its path
    (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html), so the name decides: a session's
    ARN does not show the path. A pattern (``role/ci/*``) covers the roles whose ARN, path included, it
    matches: a role named elsewhere in the account (``role/Build``) is not under ``/ci/``."""
    if not has_wildcard(entry):
        return entry.rsplit("/", 1)[1] == caller.name
    return glob_match(entry, caller.principal_arn)
