"""Work the identity-assume checks of one account share (:class:`AssumeMemo`): what each document is to a
verdict under an allow list, and which of its statements can apply to a role ARN. It changes no result.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cached_property, lru_cache, partial

from .._frozen import frozen
from .._glob import glob_any, glob_matcher, has_wildcard, star_prefix
from ..callers import ASSUME_ROLE, SET_SOURCE_IDENTITY, TAG_SESSION, Caller, RoleRef, parse_role
from ..errors import InputError
from ..evaluate import _VARIABLE, Match, StatementRef, _side, _variable_key, covers_action
from ..inventory import Account, Grant, Group, User
from ..model import Effect, Policy, Statement
from ..representatives import (
    PRINCIPAL_KEYS,
    TIME_KEYS,
    RoleMentions,
    caller_sets,
    role_candidate_parts,
    role_candidates_of,
    role_mentions,
)
from ._verdicts import entry_accounts

__all__ = ["BEARS", "ESCAPES", "SHUTS", "AssumeMemo", "Shape", "contained", "relabel"]


_ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::[0-9]{12}:role/.+")


def _statement_targets(statement: Statement) -> tuple[str, ...] | None:
    """The role ARNs an Allow statement can let sts:AssumeRole reach when it lists them literally; None when
    it uses wildcards, NotResource or policy variables (then representatives are needed)."""
    if statement.resource is None or any(has_wildcard(v) or "${" in v for v in statement.resource.values):
        return None
    return tuple(v for v in statement.resource.values if _ROLE_ARN.fullmatch(v))


def _document_targets(policy: Policy) -> tuple[str, ...] | None:
    """The role ARNs the Allow statements of one document that can apply to sts:AssumeRole list literally,
    in order; None when one of them does not list them literally."""
    targets: list[str] = []
    for statement in policy.statements:
        if statement.effect is not Effect.ALLOW or not covers_action(statement, ASSUME_ROLE):
            continue
        listed = _statement_targets(statement)
        if listed is None:
            return None
        targets.extend(listed)
    return tuple(targets)


def _literal_targets(policies: Sequence[Policy]) -> list[str] | None:
    """Without conditions, when every Allow statement that can apply to sts:AssumeRole names its role ARNs
    literally, those ARNs are the only requests that can get through: a request on any other ARN matches no
    Allow. Exact, and much smaller than the representatives (lists of role ARNs are the common case)."""
    targets: list[str] = []
    for policy in policies:
        listed = _document_targets(policy)
        if listed is None:
            return None
        targets.extend(listed)
    return list(dict.fromkeys(targets))


# What AssumeMemo.weigh says of a document under an allow list: it bears on the verdict (bears_on); an Allow
# statement of it reaches outside the list (escaping_reach is not ()); a Deny of it shuts out every role
# outside the list (shuts_out).
BEARS, ESCAPES, SHUTS = 1, 2, 4

class AssumeMemo:
    """Work shared by the identity-assume checks of one account; it changes no result.

    - whether a role ARN is outside an allow list, once per (allow list, ARN), and the parsed role ARN;
    - of each document: what it contributes to the role candidates, the role ARNs it lists literally,
      and whether its verdict depends on who the caller is; under each allow list, whether it bears on a
      verdict, reaches outside the list or shuts it out (:meth:`flags`);
    - under each allow list, the grants of each group and user that bear on its verdict (:meth:`grants`);
    - whether one identity policy allows or denies ``sts:AssumeRole`` on an ARN, and through which
      statements, once per (document, ARN, the request-context values the document reads): the groups
      and users of an account hold the same few documents, and a request can only get through if some
      policy allows it and none denies it, so the full decision is made only for requests that pass that
      test.

    Of a document, only the statements whose Action can match sts:AssumeRole can apply. When each of those
    names its resources without policy variables, an ARN that none of the patterns matches is one no
    statement applies to. The context values a document reads are those of its condition keys and of the
    policy variables in its resources and condition values. Documents are keyed by the identity of their
    statements, which the account keeps alive (labelled copies made with ``Policy.named`` share them):
    a memo must not outlive its account.
    """

    def __init__(self) -> None:
        self._outside: dict[tuple[str, ...], _AllowList] = {}
        self._roles: dict[str, RoleRef] = {}
        self._shapes: dict[int, Shape] = {}
        self._sides: dict[tuple[object, ...], dict[str, _SideFlags]] = {}
        self._entries: dict[tuple[str, ...], list[str]] = {}

    def outside(self, allow_roles: Sequence[str]) -> Callable[[str], bool]:
        """Whether a role ARN is outside the allow list (glob patterns). A candidate that no role can have
        (not a role ARN) is not: no request on it can get through."""
        return self._allow_list(allow_roles).outside

    def outside_of(self, allow_roles: Sequence[str], arns: Iterable[str]) -> list[str]:
        """The ARNs outside the allow list, in order."""
        return self._allow_list(allow_roles).filter(arns)

    def _allow_list(self, allow_roles: Sequence[str]) -> _AllowList:
        patterns = tuple(allow_roles)
        listed = self._outside.get(patterns)
        if listed is None:
            listed = self._outside[patterns] = _AllowList(patterns, parse_role)
        return listed

    def escaping_reach(self, shape: Shape, allow_roles: Sequence[str]) -> tuple[str, ...] | None:
        """What a role ARN must begin with for an Allow statement of the document to let sts:AssumeRole
        through on it while it is outside the allow list: the Allow statements' ``_reach``, less the Resource patterns
        the allow list contains whole (whatever such a pattern matches is inside). None: any ARN (NotResource).
        Exact: a role ARN outside the list that an Allow matches is matched by a pattern not contained."""
        listed = self._allow_list(allow_roles)
        found = listed.escaping.get(shape.key, _UNSET)
        if found is _UNSET:
            found = listed.escaping[shape.key] = _reach(shape.policy, allows_only=True, inside=listed.contains)
        return found  # type: ignore[return-value]

    def weigh(self, grants: Sequence[Grant], allow_roles: Sequence[str]) -> list[int]:
        """The flags of each grant's document under the allow list (:meth:`flags`)."""
        listed = self._allow_list(allow_roles)
        return [self.flags(listed, allow_roles, grant.document) for grant in grants]

    def flags(self, listed: _AllowList, allow_roles: Sequence[str], document: Policy) -> int:
        """What a document is to an identity-assume verdict under the allow list ``listed`` (of
        ``allow_roles``): 0 when it does not bear on it (:meth:`bears_on`), else :data:`BEARS` with
        :data:`ESCAPES` and :data:`SHUTS` when they hold. Worked out once per (document, allow list)."""
        key = id(document.statements)
        found = listed.flags.get(key)
        if found is None:
            shape = self.shape(document)
            found = listed.flags[key] = 0 if not self.bears_on(shape, allow_roles) else (
                BEARS | (ESCAPES if self.escaping_reach(shape, allow_roles) != () else 0)
                | (SHUTS if self.shuts_out(shape, allow_roles) else 0))
        return found

    def bears_on(self, shape: Shape, allow_roles: Sequence[str]) -> bool:
        """Whether the document can change an identity-assume verdict: an Allow statement of it reaches
        outside the allow list (:meth:`escaping_reach`), a Deny statement can apply to sts:AssumeRole, or a
        statement to what a request with session tags or a source identity needs besides
        (sts:TagSession, sts:SetSourceIdentity: evaluate.decide asks the same policies for them)."""
        return shape.denies or shape.companion or self.escaping_reach(shape, allow_roles) != ()

    def shuts_out(self, shape: Shape, allow_roles: Sequence[str]) -> bool:
        """Whether the document has a Deny statement without conditions that applies to sts:AssumeRole on
        every role ARN outside the allow list: what its NotResource names, the list holds whole
        (:func:`contained`, sound)."""
        listed = self._allow_list(allow_roles)
        found = listed.shuts.get(shape.key)
        if found is None:
            found = listed.shuts[shape.key] = any(
                s.effect is Effect.DENY and not s.conditions and s.not_resource is not None
                and covers_action(s, ASSUME_ROLE) and all(map(listed.contains, s.not_resource.values))
                for s in shape.policy.statements)
        return found

    def role(self, arn: str) -> RoleRef:
        role = self._roles.get(arn)
        if role is None:
            role = self._roles[arn] = parse_role(arn)
        return role

    def grants(self, account: Account, principal: Group | User,
               allow_roles: Sequence[str]) -> tuple[list[Grant], list[str]]:
        """``account.grants(principal)`` less the grants that bear on no verdict under the allow list
        (:meth:`weigh`), once per (principal, allow list); a group's own are part of each member's."""
        listed = self._allow_list(allow_roles)
        got = listed.grants.get(id(principal))
        if got is None:
            got = listed.grants[id(principal)] = account.grants(
                principal, partial(self._own_grants, account, listed, allow_roles))
        return got

    def _own_grants(self, account: Account, listed: _AllowList, allow_roles: Sequence[str],
                    owner: Group | User) -> tuple[list[Grant], list[str]]:
        got = listed.own.get(id(owner))
        if got is None:
            got = listed.own[id(owner)] = account.own_grants(owner, partial(self.flags, listed, allow_roles))
        return got

    def stands_for_members(self, account: Account, group: Group, allow_roles: Sequence[str]) -> bool:
        """Whether a group's check under its allow list stands for any member's (_covered_by_groups): all its
        policies are in the account data, and none of those that bear on the verdict (:meth:`grants`)
        depends on who the caller is, nor has a statement on sts:TagSession or sts:SetSourceIdentity (which
        could complete another group's grant). A member's list holds the group's, so what bears on no verdict under
        the group's list bears on no member's either. Asked once per group: _covered_by_groups keeps the
        answer."""
        grants, missing = self.grants(account, group, allow_roles)
        # A group's sts:TagSession (or SetSourceIdentity) statements complete another group's grants
        return not missing and not any(self.names_the_caller(g.document) or self.shape(g.document).companion
                                       for g in grants)

    def shapes(self, policies: Sequence[Policy]) -> list[Shape]:
        return [self.shape(p) for p in policies]

    def names_the_caller(self, policy: Policy) -> bool:
        return self.shape(policy).names_the_caller

    def literal_targets(self, shapes: Sequence[Shape]) -> list[str] | None:
        """:func:`_literal_targets` of the shapes' documents."""
        targets: list[str] = []
        for shape in shapes:
            if shape.targets is None:
                return None
            targets.extend(shape.targets)
        return list(dict.fromkeys(targets))

    def candidates(self, shapes: Sequence[Shape], known_accounts: Iterable[str], known_roles: Sequence[str],
                   username: str) -> list[str]:
        """:func:`role_candidates` of the shapes' documents."""
        return role_candidates_of([s.mentions for s in shapes], known_accounts, known_roles, username)

    def candidate_parts(self, shapes: Sequence[Shape], known_accounts: Iterable[str], known_roles: Sequence[str],
                        username: str) -> tuple[list[str], list[str]]:
        """:func:`role_candidate_parts` of the shapes' documents."""
        return role_candidate_parts([s.mentions for s in shapes], known_accounts, known_roles, username)

    def entry_accounts(self, entries: Sequence[str]) -> list[str]:
        """:func:`entry_accounts`, once per allow list."""
        key = tuple(entries)
        found = self._entries.get(key)
        if found is None:
            found = self._entries[key] = entry_accounts(key)
        return found

    def shape(self, policy: Policy) -> Shape:
        """What the checks need to know of a document, worked out once per document (labelled copies share it)."""
        key = id(policy.statements)
        shape = self._shapes.get(key)
        if shape is None:
            shape = self._shapes[key] = Shape(policy, key)
        return shape

    def identity_allows(self, shapes: Sequence[Shape], caller: Caller, arn: str,
                        context: Mapping[str, tuple[str, ...]]) -> bool:
        """Whether some statement of the policies allows sts:AssumeRole on ``arn`` in ``context`` and none
        denies it (the identity side of the decision, from the evaluator, one document at a time)."""
        allowed = False
        for shape in shapes:
            known = self.sides(shape, context)
            side = known.get(arn)
            if side is None:
                side = known[arn] = self.side(shape, caller, arn, context)
            if side[1]:
                return False
            allowed = allowed or bool(side[0])
        return allowed

    def sides(self, shape: Shape, context: Mapping[str, tuple[str, ...]]) -> dict[str, _SideFlags]:
        """What one document says, by role ARN, in contexts that agree with ``context`` on what it reads."""
        key = (shape.key, *(context.get(k) for k in shape.reads))
        known = self._sides.get(key)
        if known is None:
            known = self._sides[key] = {}
        return known

    @staticmethod
    def side(shape: Shape, caller: Caller, arn: str, context: Mapping[str, tuple[str, ...]]) -> _SideFlags:
        """The statements of one document that allow sts:AssumeRole on ``arn``, and whether one denies it."""
        if shape.plain is not None:
            return _plain_side(shape.plain, arn)
        if shape.matchers is not None and not any(match(arn) for match in shape.matchers):
            return _NOTHING  # no statement of this policy applies to the request
        side = _side("identity policies", (shape.policy,), caller, ASSUME_ROLE, arn, context, trust=False)
        return side.allows, bool(side.denies)


_SideFlags = tuple[tuple[StatementRef, ...], bool]


class _AllowList:
    """One allow list of role ARN patterns, what it says of each ARN asked about, and what the
    identity-assume checks of an account work out under it."""

    def __init__(self, patterns: tuple[str, ...], check_role: Callable[[str], object]) -> None:
        self._listed = glob_any(patterns)  # glob_match, all patterns at once, without a regular expression
        self._check_role = check_role
        self._seen: dict[str, bool] = {}
        self._prefixes = _star_prefixes(patterns)
        self._contains: dict[str, bool] = {}
        # What AssumeMemo works out under this list: flags by document (the identity of its statements);
        # grants by principal and by owner, by their identity
        self.flags: dict[int, int] = {}
        self.grants: dict[int, tuple[list[Grant], list[str]]] = {}
        self.own: dict[int, tuple[list[Grant], list[str]]] = {}
        self.escaping: dict[int, tuple[str, ...] | None] = {}  # AssumeMemo.escaping_reach, by document
        self.shuts: dict[int, bool] = {}  # AssumeMemo.shuts_out, by document

    def outside(self, arn: str) -> bool:
        answer = self._seen.get(arn)
        if answer is None:
            answer = self._seen[arn] = self._judge(arn)
        return answer

    def contains(self, pattern: str) -> bool:
        """Whether the list holds whole what a Resource pattern matches (:func:`contained`)."""
        found = self._contains.get(pattern)
        if found is None:
            found = self._contains[pattern] = _held(pattern, self._listed, self._prefixes)
        return found

    def filter(self, arns: Iterable[str]) -> list[str]:
        seen = self._seen
        arns = list(arns)
        for arn in [a for a in arns if a not in seen]:
            seen[arn] = self._judge(arn)
        return [a for a in arns if seen[a]]

    def _judge(self, arn: str) -> bool:
        if self._listed(arn):
            return False
        if not _PLAIN_ROLE_ARN.fullmatch(arn):
            try:
                self._check_role(arn)  # parse_role, which fails for what is not a role ARN
            except InputError:
                return False  # no role has this ARN (role//, a newline…): no request on it gets through
        return True


# What parse_role accepts for sure: an ARN of this form needs no parsing to be known good.
_PLAIN_ROLE_ARN = re.compile(r"arn:aws:iam::[0-9]{12}:role/(?:[!-~]+/)?[A-Za-z0-9+=,.@_-]{1,64}")
_NOTHING: _SideFlags = ((), False)
_UNSET = object()


@frozen
class _PlainStatement:
    """A statement that can apply to sts:AssumeRole and reads nothing from the request context: it applies to
    a role ARN when its Resource matches it, or its NotResource does not (evaluate._statement_applies)."""

    ref: StatementRef
    deny: bool
    resource: Callable[[str], object] | None
    not_resource: Callable[[str], object] | None


def _plain_statements(policy: Policy) -> tuple[_PlainStatement, ...] | None:
    """The statements of a document that can apply to sts:AssumeRole, when none of them has a condition or a
    policy variable to substitute; None otherwise (the evaluator decides then)."""
    out = []
    label = policy.source or "identity policies"
    for s in policy.statements:
        if not covers_action(s, ASSUME_ROLE):
            continue
        if s.resource is None and s.not_resource is None:
            continue  # an identity statement without Resource or NotResource applies to nothing
        values = (s.resource or s.not_resource).values  # type: ignore[union-attr]
        if s.conditions or (policy.substitutes_variables and any("${" in v for v in values)):
            return None
        ref = StatementRef(label, s.index, s.sid, s.effect, s.pointer, s, Match.DIRECT)
        matcher = glob_any(values)
        out.append(_PlainStatement(ref, s.effect is Effect.DENY, matcher if s.resource is not None else None,
                                   matcher if s.resource is None else None))
    return tuple(out)


def _plain_side(statements: Sequence[_PlainStatement], arn: str) -> _SideFlags:
    allows: list[StatementRef] = []
    denied = False
    for s in statements:
        if s.resource(arn) if s.resource is not None else not s.not_resource(arn):  # type: ignore[misc]
            if s.deny:
                denied = True
            else:
                allows.append(s.ref)
    return (tuple(allows), denied) if allows or denied else _NOTHING


def relabel(ref: StatementRef, label: str) -> StatementRef:
    return StatementRef(label, ref.index, ref.sid, ref.effect, ref.pointer, ref.statement, ref.via)


def _keys_read(texts: Iterable[str]) -> tuple[str, ...]:
    """The request-context keys the policy variables in ``texts`` read, lower-cased, each once."""
    return tuple(dict.fromkeys(_variable_key(name).lower() for text in texts for name in _VARIABLE.findall(text)))


class Shape:
    """What the identity-assume checks need to know of one document, each part worked out when first asked
    for: many groups and users are settled by a few of them (AssumeMemo.escaping_reach)."""

    def __init__(self, policy: Policy, key: int) -> None:
        self.policy = policy
        self.key = key

    @cached_property
    def reads_time(self) -> bool:
        """Whether the Resource or NotResource of a statement that can apply to sts:AssumeRole reads the clock."""
        return self.policy.substitutes_variables and not TIME_KEYS.isdisjoint(self._resource_reads)

    @cached_property
    def _resource_reads(self) -> tuple[str, ...]:
        """The request-context keys the policy variables in the Resource and NotResource of its statements that
        can apply to sts:AssumeRole read."""
        return _keys_read(v for s in self.policy.statements if covers_action(s, ASSUME_ROLE)
                          for items in (s.resource, s.not_resource) if items for v in items.values)

    @cached_property
    def reads(self) -> tuple[str, ...]:
        """The request-context keys its statements that can apply to sts:AssumeRole read: condition keys and
        policy variables."""
        conditions = [c for s in self.policy.statements if covers_action(s, ASSUME_ROLE) for c in s.conditions]
        return tuple(dict.fromkeys([*self._resource_reads, *(c.key_lower for c in conditions),
                                    *_keys_read(v for c in conditions for v in c.values)]))

    @cached_property
    def matchers(self) -> tuple[Callable[[str], object], ...] | None:
        """A matcher of each Resource pattern of the statements that can apply to sts:AssumeRole, when each has
        one without policy variables; for documents the evaluator decides (plain statements match on their
        own). None: some statement may apply to any ARN, or the statements are plain."""
        if self.plain is not None:
            return None
        patterns: list[str] = []
        for s in self.policy.statements:
            if not covers_action(s, ASSUME_ROLE):
                continue
            if s.resource is None or any("${" in v for v in s.resource.values):
                return None
            patterns += s.resource.values
        return tuple(glob_matcher(v) for v in dict.fromkeys(patterns))

    @cached_property
    def variables(self) -> tuple[str, ...]:
        """The patterns with a variable the caller sets (caller_sets) of the statements that can apply to
        sts:AssumeRole, where its value can let a role in: the Resource of an Allow, the NotResource of a
        Deny."""
        if not self.policy.substitutes_variables:
            return ()
        out: list[str] = []
        for s in self.policy.statements:
            if covers_action(s, ASSUME_ROLE):
                items = s.resource if s.effect is Effect.ALLOW else s.not_resource
                out += [v for v in (items.values if items else ()) if "${" in v
                        and any(map(caller_sets, _VARIABLE.findall(v)))]
        return tuple(out)

    @cached_property
    def companion(self) -> bool:
        """Whether a statement of it can apply to sts:TagSession or sts:SetSourceIdentity."""
        return any(covers_action(s, action) for s in self.policy.statements for action in (TAG_SESSION,
                                                                                            SET_SOURCE_IDENTITY))

    @cached_property
    def denies(self) -> bool:
        """Whether a Deny statement of it can apply to sts:AssumeRole."""
        return any(s.effect is Effect.DENY and covers_action(s, ASSUME_ROLE) for s in self.policy.statements)

    @cached_property
    def mentions(self) -> RoleMentions:
        return role_mentions(self.policy)

    @cached_property
    def targets(self) -> tuple[str, ...] | None:
        return _document_targets(self.policy)

    @cached_property
    def names_the_caller(self) -> bool:
        return _names_the_caller(self.policy)

    @cached_property
    def plain(self) -> tuple[_PlainStatement, ...] | None:
        return _plain_statements(self.policy)

    @cached_property
    def reach(self) -> tuple[str, ...] | None:
        return _reach(self.policy)


def _reach(policy: Policy, *, allows_only: bool = False,
           inside: Callable[[str], bool] | None = None) -> tuple[str, ...] | None:
    """What every role ARN a statement of the document can apply to (for sts:AssumeRole) starts with: the
    literal beginning of each Resource pattern, up to its first wildcard or policy variable (resources match
    case-sensitively). None when a statement can apply to any ARN (NotResource); () when none can apply.
    With ``allows_only``, of the Allow statements alone; patterns ``inside`` says an allow list contains
    whole (:meth:`_AllowList.contains`) are left out."""
    starts: list[str] = []
    for s in policy.statements:
        if (allows_only and s.effect is not Effect.ALLOW) or not covers_action(s, ASSUME_ROLE):
            continue
        if s.not_resource is not None:
            return None
        for pattern in s.resource.values if s.resource is not None else ():
            if inside is None or not inside(pattern):
                starts.append(_literal_head(pattern))
    return tuple(dict.fromkeys(starts))


def _literal_head(pattern: str) -> str:
    """What every value a Resource pattern matches begins with: the pattern up to its first wildcard or
    policy variable (whatever that resolves to)."""
    return _UNTIL_WILDCARD.match(pattern)[0]  # type: ignore[index]


_UNTIL_WILDCARD = re.compile(r"[^*?$]*")


@lru_cache(maxsize=65536)
def contained(pattern: str, patterns: tuple[str, ...]) -> bool:
    """Whether every value ``pattern`` matches is matched by one of ``patterns`` (IAM wildcards, matched
    case-sensitively, as resources are). Sound, not complete: True for a literal value that one of them
    matches, and for a pattern whose literal beginning (up to a wildcard or a policy variable, whatever that
    resolves to) begins with the beginning of a "prefix*" pattern."""
    return _held(pattern, glob_any(patterns), _star_prefixes(patterns))


def _held(pattern: str, listed: Callable[[str], object], prefixes: tuple[str, ...]) -> bool:
    """:func:`contained`, given a matcher of the patterns and their "prefix*" beginnings."""
    if not has_wildcard(pattern) and "$" not in pattern:
        return bool(listed(pattern))
    return _literal_head(pattern).startswith(prefixes)


@lru_cache(maxsize=256)
def _star_prefixes(patterns: tuple[str, ...]) -> tuple[str, ...]:
    """The beginnings of the "prefix*" patterns among ``patterns``."""
    return tuple(prefix for prefix in map(star_prefix, patterns) if prefix is not None)


def _names_the_caller(policy: Policy) -> bool:
    """Whether a document's verdict depends on who the caller is: a statement that can apply to
    sts:AssumeRole with a condition on a key that names the principal (aws:username, aws:PrincipalArn…) or
    a policy variable. Then a verdict for one member of a
    group does not stand for another, and a user's verdict is not its groups'."""
    for statement in policy.statements:
        if not covers_action(statement, ASSUME_ROLE):
            continue  # a statement that cannot apply to sts:AssumeRole changes no verdict
        for condition in statement.conditions:
            if condition.key_lower in PRINCIPAL_KEYS or any("${" in v for v in condition.values):
                return True
        for items in (statement.resource, statement.not_resource):
            if items and any("${" in v for v in items.values):
                return True
    return False
