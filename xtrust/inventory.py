"""What one account holds that xtrust checks: roles, groups, users and managed policies, as frozen values.

Policies are parsed documents (:class:`~xtrust.model.Policy`); a policy document that appears many
times in an account is parsed once and shared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import field
from functools import cached_property

from ._frozen import frozen
from .model import Policy

__all__ = ["Account", "Grant", "Group", "InlinePolicy", "ManagedPolicy", "PolicyVersion", "Role", "User"]


def is_aws_managed(policy_arn: str) -> bool:
    """Whether a managed policy's ARN is AWS's (``arn:aws:iam::aws:policy/…``), not the account's."""
    return policy_arn.split(":")[4:5] == ["aws"]


@frozen
class InlinePolicy:
    """A policy embedded in one role, group or user."""

    name: str
    document: Policy


@frozen
class PolicyVersion:
    """One version of a managed policy."""

    version_id: str
    is_default: bool
    document: Policy | None  # None when the snapshot left the document out
    created: str = ""


@frozen
class ManagedPolicy:
    """A managed policy of the account or of AWS, with its versions."""

    arn: str
    name: str
    path: str
    default_version_id: str
    versions: tuple[PolicyVersion, ...] = ()
    attachment_count: int = 0

    @cached_property
    def aws_managed(self) -> bool:
        """AWS-managed policies (``arn:aws:iam::aws:policy/…``) cannot be edited."""
        return is_aws_managed(self.arn)

    @cached_property
    def document(self) -> Policy | None:
        """The default version's document: the one IAM enforces."""
        for version in self.versions:
            if version.is_default or version.version_id == self.default_version_id:
                return version.document
        return None


@frozen
class Role:
    """An IAM role: its trust policy and the permission policies inline in it or attached to it."""

    arn: str
    name: str
    path: str
    trust: Policy
    inline: tuple[InlinePolicy, ...] = ()
    attached: tuple[str, ...] = ()

    @property
    def service_linked(self) -> bool:
        return self.path.startswith("/aws-service-role/")


@frozen
class Group:
    """An IAM group and the identity policies inline in it or attached to it."""

    arn: str
    name: str
    path: str
    inline: tuple[InlinePolicy, ...] = ()
    attached: tuple[str, ...] = ()


@frozen
class User:
    """An IAM user, its identity policies and the names of its groups."""

    arn: str
    name: str
    path: str
    inline: tuple[InlinePolicy, ...] = ()
    attached: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()  # group names


@frozen
class Grant:
    """One identity policy in force on a group or user, and where it lives (what a person would edit).

    ``owner`` is the ARN of the group or user the policy is inline in or attached to; ``policy_arn`` is set
    for managed policies; ``inline_name`` for inline ones.
    """

    document: Policy
    owner: str
    owner_kind: str  # "group" | "user"
    inline_name: str = ""
    policy_arn: str = ""
    aws_managed: bool = False

    @property
    def resource(self) -> str:
        """What a finding through this grant names: a customer-managed policy, else the group or user (an
        AWS-managed policy cannot be edited, an inline one is part of its owner)."""
        return self.policy_arn if self.policy_arn and not self.aws_managed else self.owner

    @property
    def label(self) -> str:
        if self.policy_arn:
            return self.policy_arn
        return f"{self.owner} inline policy {self.inline_name}"


_Granted = tuple[list[Grant], list[str]]  # grants, and the attached policy ARNs the account data does not hold


@frozen
class Account:
    """One account's roles, groups, users and managed policies, as read from a snapshot or live."""

    id: str
    source: str
    roles: tuple[Role, ...] = ()
    groups: tuple[Group, ...] = ()
    users: tuple[User, ...] = ()
    policies: Mapping[str, ManagedPolicy] = field(default_factory=dict)

    def group(self, name: str) -> Group | None:
        return self._groups_by_name.get(name)

    @cached_property
    def _groups_by_name(self) -> dict[str, Group]:
        by_name: dict[str, Group] = {}
        for group in self.groups:
            by_name.setdefault(group.name, group)  # the first of a name, as a scan in order would find
        return by_name

    def grants(self, principal: Group | User, own: Callable[[Group | User], _Granted] | None = None) -> _Granted:
        """Every identity policy in force on a group or user (a user's include its groups'),
        and the attached policy ARNs the account data does not hold (they cannot be checked).
        ``own`` stands in for :meth:`own_grants` (a cache of it, say)."""
        own = own or self.own_grants
        grants: list[Grant] = []
        missing: list[str] = []
        owners: list[Group | User] = [principal]
        if isinstance(principal, User):
            for name in principal.groups:
                group = self.group(name)
                if group is None:
                    missing.append(f"group {name}")
                else:
                    owners.append(group)
        for owner in owners:
            granted, absent = own(owner)
            grants += granted
            missing += absent
        return grants, missing

    def own_grants(self, owner: Group | User, keep: Callable[[Policy], object] | None = None) -> _Granted:
        """The identity policies inline in or attached to the group or user itself, and the attached policy
        ARNs the account data does not hold. With ``keep``, only the policies whose documents it accepts
        (every missing one is still listed)."""
        kind = "user" if isinstance(owner, User) else "group"
        grants = [Grant(inline.document, owner.arn, kind, inline_name=inline.name) for inline in owner.inline
                  if keep is None or keep(inline.document)]
        missing: list[str] = []
        for arn in owner.attached:
            policy = self.policies.get(arn)
            document = policy.document if policy else None
            if policy is None or document is None:
                missing.append(arn)
            elif keep is None or keep(document):
                grants.append(Grant(document, owner.arn, kind, policy_arn=arn, aws_managed=policy.aws_managed))
        return grants, missing

    def iter_principals(self) -> Iterator[Group | User]:
        yield from self.groups
        yield from self.users
