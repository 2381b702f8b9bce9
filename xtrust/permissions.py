"""The AWS API calls each command makes, as IAM actions: the least privilege to grant for it.

The README's IAM policies for scheduled scans and for ``xtrust fix --apply`` are built from this table, and
``tests/reports/test_permissions.py`` keeps the three in step: every boto3 call in the modules named here
must be listed, and the README's policies must grant exactly these actions.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["CALLING_MODULES", "NO_PERMISSION_NEEDED", "REQUIRED_ACTIONS"]

REQUIRED_ACTIONS: Mapping[str, tuple[str, ...]] = {
    # Scan: the scanner's own identity lists the organisation's accounts and assumes the audit role in each;
    # the audit role reads the account's IAM data in one paginated call, and its quotas.
    "scan": (
        "sts:AssumeRole",
        "organizations:ListAccounts",
        "iam:GetAccountAuthorizationDetails",
        "iam:GetAccountSummary",
    ),
    # fix --apply (and rollback): re-read each document before writing it, write it, keep managed policies
    # within their five versions, and remove an inline policy the fix added when rolling back.
    "fix --apply": (
        "sts:AssumeRole",
        "iam:GetAccountSummary",
        "iam:GetRole",
        "iam:GetGroupPolicy",
        "iam:GetUserPolicy",
        "iam:GetPolicy",
        "iam:GetPolicyVersion",
        "iam:ListPolicyVersions",
        "iam:UpdateAssumeRolePolicy",
        "iam:PutGroupPolicy",
        "iam:PutUserPolicy",
        "iam:DeleteGroupPolicy",
        "iam:DeleteUserPolicy",
        "iam:CreatePolicyVersion",
        "iam:DeletePolicyVersion",
        "iam:SetDefaultPolicyVersion",
    ),
}

# Where each command's AWS calls live.
CALLING_MODULES: Mapping[str, tuple[str, ...]] = {
    "scan": ("xtrust.collect",),
    "fix --apply": ("xtrust.apply",),
}

# Calls that IAM does not authorise (any credentials may make them).
NO_PERMISSION_NEEDED = ("sts:GetCallerIdentity",)
