"""What a plan holds: the IAM operation of a fix, a verified fix, a finding left to a person, and the plan.

A fix names the one IAM write that makes it (UpdateAssumeRolePolicy, PutGroupPolicy, PutUserPolicy or
CreatePolicyVersion: https://docs.aws.amazon.com/IAM/latest/APIReference/API_Operations.html) and carries
the document before and after, so that a dry run can show it and :mod:`xtrust.apply` can check that the
live document is still the one the plan was made from.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from .._frozen import frozen
from ..model import Policy

__all__ = ["GUARD_POLICY_NAME", "Fix", "Manual", "Operation", "Plan"]

GUARD_POLICY_NAME = "xtrust-assume-guard"


class Operation(str, Enum):
    """The IAM API call that makes a fix."""

    UPDATE_ASSUME_ROLE_POLICY = "UpdateAssumeRolePolicy"
    PUT_GROUP_POLICY = "PutGroupPolicy"
    PUT_USER_POLICY = "PutUserPolicy"
    CREATE_POLICY_VERSION = "CreatePolicyVersion"


@frozen
class Fix:
    """One verified change to one document.

    ``entity`` is the role, group or user name the call takes (empty for a managed policy); ``before`` is
    None when the fix adds a new inline policy.
    """

    finding: str
    account: str
    resource: str
    operation: Operation
    entity: str
    before: Policy | None
    after: Policy
    summary: str
    policy_name: str = ""
    policy_arn: str = ""

    @property
    def label(self) -> str:
        if self.policy_arn:
            return self.policy_arn
        if self.operation is Operation.UPDATE_ASSUME_ROLE_POLICY:
            return f"{self.resource} trust policy"
        kind = "group" if self.operation is Operation.PUT_GROUP_POLICY else "user"
        return f"{kind} {self.entity} inline policy {self.policy_name}"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "finding": self.finding,
            "resource": self.resource,
            "operation": self.operation.value,
        }
        if self.policy_arn:
            out["policy_arn"] = self.policy_arn
        if self.policy_name:
            out["policy_name"] = self.policy_name
        out["before"] = self.before.to_json() if self.before is not None else None
        out["after"] = self.after.to_json()
        out["account"] = self.account
        out["entity"] = self.entity
        out["summary"] = self.summary
        return out


@frozen
class Manual:
    """A finding no verified fix was found for, and why."""

    finding: str
    account: str
    resource: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"finding": self.finding, "resource": self.resource, "reason": self.reason, "account": self.account}


@frozen
class Plan:
    fixes: tuple[Fix, ...] = ()
    manual: tuple[Manual, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"fixes": [f.to_json() for f in self.fixes], "manual": [m.to_json() for m in self.manual]}

    def __add__(self, other: Plan) -> Plan:
        return Plan(self.fixes + other.fixes, self.manual + other.manual)

