"""Planning fixes: for each finding, the smallest document change that removes the excess access, proven.

Pure: works on snapshots as well as live reads, and never talks to AWS. For each finding xtrust builds
candidate documents, smallest change first, and offers the first that :mod:`xtrust.verify` accepts; when
none is accepted the finding is listed as manual, with the reason.

| module | holds |
|---|---|
| :mod:`.values` | ``Operation``, ``Fix``, ``Manual``, ``Plan`` |
| :mod:`.trust` | trust-policy fixes (a role in a project account) |
| :mod:`.identity` | identity-policy fixes (a group or user in the login account) |
| :mod:`.plan` | ``plan_account``, ``plan_fixes``, ``plan_for``: findings to a plan; ``AccountsKept`` |
| :mod:`.diffs` | ``pretty``, ``diff``, ``format_plan``: the plan for people |

(IAM: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html,
https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html.)
"""

from __future__ import annotations

from ..verify import Quotas
from .diffs import diff, format_plan, pretty
from .plan import AccountsKept, plan_account, plan_fixes, plan_for
from .values import GUARD_POLICY_NAME, Fix, Manual, Operation, Plan

__all__ = [
    "GUARD_POLICY_NAME",
    "AccountsKept",
    "Fix",
    "Manual",
    "Operation",
    "Plan",
    "Quotas",
    "diff",
    "format_plan",
    "plan_account",
    "plan_fixes",
    "plan_for",
    "pretty",
]
