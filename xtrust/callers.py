"""Who makes a request: the caller of ``sts:AssumeRole`` (or one of its federated twins), and the role.

Only IAM users and role sessions can call ``AssumeRole``; an account's root user cannot, and a
``GetFederationToken`` session cannot call STS at all
(https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_request.html,
https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html).
``AssumeRoleWithSAML`` and ``AssumeRoleWithWebIdentity`` are made by a federated identity provider's user,
named by the provider, and involve no identity policy.
"""

from __future__ import annotations

import re
from enum import Enum

from ._frozen import frozen
from .errors import InputError

__all__ = [
    "ASSUME_ROLE",
    "ASSUME_ROLE_WITH_SAML",
    "ASSUME_ROLE_WITH_WEB_IDENTITY",
    "FEDERATION_ACTIONS",
    "IAM_NAME",
    "SET_SOURCE_IDENTITY",
    "TAG_SESSION",
    "Caller",
    "CallerKind",
    "RoleRef",
    "is_account_id",
    "parse_caller",
    "parse_role",
    "whole_account",
]

ASSUME_ROLE = "sts:AssumeRole"
ASSUME_ROLE_WITH_SAML = "sts:AssumeRoleWithSAML"
ASSUME_ROLE_WITH_WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity"
TAG_SESSION = "sts:TagSession"
SET_SOURCE_IDENTITY = "sts:SetSourceIdentity"
FEDERATION_ACTIONS = frozenset({ASSUME_ROLE_WITH_SAML.lower(), ASSUME_ROLE_WITH_WEB_IDENTITY.lower()})

_ARN = re.compile(r"arn:(?P<partition>aws[a-z-]*):(?P<service>iam|sts)::(?P<account>[0-9]{12}):(?P<resource>.+)")
_ACCOUNT = re.compile(r"[0-9]{12}")
# The name of a user or a role: [\w+=,.@-]{1,64} (API_CreateUser, API_CreateRole); a role's Path is / alone or
# /text/ (its text any of ! to ~, slashes included, but not empty)
IAM_NAME = re.compile(r"[A-Za-z0-9+=,.@_-]{1,64}")


def is_account_id(text: str) -> bool:
    """An AWS account ID: twelve ASCII digits and nothing else (not the digits of other scripts, nor a line
    break after them, which IAM refuses too)."""
    return _ACCOUNT.fullmatch(text) is not None


def whole_account(entry: str) -> str | None:
    """The account an allow-list entry covers entire: an account ID, or the account of a root ARN; None for
    any other entry."""
    if is_account_id(entry):
        return entry
    return entry.split(":")[4] if entry.endswith(":root") else None


class CallerKind(str, Enum):
    USER = "User"
    ROLE_SESSION = "AssumedRole"
    ROOT = "Account"
    FEDERATED_USER = "FederatedUser"
    SERVICE = "Service"
    FEDERATED = "WebIdentityOrSAML"


@frozen
class Caller:
    """The principal behind a request.

    ``principal_arn`` is the value of ``aws:PrincipalArn``: the user's ARN, the role's ARN for a role
    session (with its path when the caller was given as a role ARN), the root ARN for the root user.
    ``session_arn`` is the ``assumed-role`` ARN of a role session.
    """

    arn: str
    kind: CallerKind
    account: str = ""
    name: str = ""  # user name, role name, service or provider
    principal_arn: str = ""
    session_arn: str = ""
    partition: str = "aws"

    @property
    def is_iam(self) -> bool:
        """Users and role sessions: their own account's identity policies take part in the decision."""
        return self.kind in (CallerKind.USER, CallerKind.ROLE_SESSION)

    @property
    def can_call_sts(self) -> str:
        """Empty when this caller may call the action at all, else why not."""
        if self.kind is CallerKind.ROOT:
            return "an account's root user cannot call sts:AssumeRole"
        if self.kind is CallerKind.FEDERATED_USER:
            return "a GetFederationToken session cannot call STS"
        return ""


@frozen
class RoleRef:
    """A role ARN taken apart: its account, name, path (``/`` or ``/a/b/``) and partition."""

    arn: str
    account: str
    name: str
    path: str
    partition: str = "aws"


def parse_role(arn: str) -> RoleRef:
    """Parse a role ARN (``arn:aws:iam::123456789012:role/path/Name``); raise InputError otherwise."""
    match = _ARN.fullmatch(arn or "")
    if not match or match["service"] != "iam" or not match["resource"].startswith("role/"):
        raise InputError(f"not a role ARN: {arn!r} (expected arn:aws:iam::<account>:role/<path/>name)")
    resource = match["resource"]
    path, _, name = resource[len("role"):].rpartition("/")
    if not name:
        raise InputError(f"role ARN without a role name: {arn!r}")
    if not IAM_NAME.fullmatch(name) or path == "/":  # role//Admin: no path is empty between its slashes
        raise InputError(f"no role can have this ARN: {arn!r} (a name of letters, digits and +=,.@_-, a path "
                         "of / or /text/)")
    return RoleRef(arn, match["account"], name, path + "/", match["partition"])


def parse_caller(principal: str, action: str = ASSUME_ROLE) -> Caller:
    """Classify the principal of a request; raise InputError for one that cannot make requests."""
    principal = (principal or "").strip()
    if not principal:
        raise InputError("the principal is empty")
    if action.lower() in FEDERATION_ACTIONS:
        match = _ARN.fullmatch(principal)
        return Caller(principal, CallerKind.FEDERATED, match["account"] if match else "", principal)
    if not principal.startswith("arn:"):
        if is_account_id(principal):
            raise InputError(f"{principal} is an account, not a principal: name a user, role or session ARN")
        if "." in principal:
            return Caller(principal, CallerKind.SERVICE, "", principal)
        raise InputError(f"not a principal ARN or service name: {principal!r}")
    match = _ARN.fullmatch(principal)
    if not match:
        raise InputError(f"not an IAM or STS principal ARN: {principal!r}")
    account, resource, partition = match["account"], match["resource"], match["partition"]
    root = f"arn:{partition}:iam::{account}:root"
    if match["service"] == "iam":
        if resource == "root":
            return Caller(principal, CallerKind.ROOT, account, "root", root, partition=partition)
        name = resource.rsplit("/", 1)[1] if "/" in resource else ""
        if resource.startswith("user/") and name:  # a user or role ARN ends with a name, never with "/"
            return Caller(principal, CallerKind.USER, account, name, principal, partition=partition)
        if resource.startswith("role/") and name:
            session = f"arn:{partition}:sts::{account}:assumed-role/{name}/xtrust"
            return Caller(principal, CallerKind.ROLE_SESSION, account, name, principal, session, partition)
    else:
        parts = resource.split("/")
        if parts[0] == "assumed-role" and len(parts) >= 3 and parts[1] and parts[2]:
            role = f"arn:{partition}:iam::{account}:role/{parts[1]}"
            return Caller(principal, CallerKind.ROLE_SESSION, account, parts[1], role, principal, partition)
        if parts[0] == "federated-user" and len(parts) >= 2:
            return Caller(principal, CallerKind.FEDERATED_USER, account, parts[1], principal, partition=partition)
    raise InputError(f"not a principal that can make requests: {principal!r}")
