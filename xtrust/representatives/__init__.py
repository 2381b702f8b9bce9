"""Representative requests: a finite set of requests that decides a question about a policy exactly.

A policy mentions finitely many constants: account IDs, principal ARNs, resource patterns, condition
values. Requests that differ only in values no constant can tell apart get the same decision, so one
request per class decides for all of them (design notes, "Representatives, concretely"). This package
builds those classes: candidate callers for a trust policy (:mod:`.principals`), candidate role ARNs for
identity policies (:mod:`.roles`), and, for each, the request contexts a caller could choose
(:mod:`.contexts`), from what the policies mention (:mod:`._constants`).

Condition keys fall into three kinds
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html):

- keys that name the principal (aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalType, aws:username,
  aws:PrincipalIsAWSService, aws:PrincipalServiceName…): fixed by the candidate caller; and
  aws:ResourceAccount, fixed by the role (the evaluator takes it from the role's ARN);
- keys present only in service-to-service calls (aws:SourceAccount, aws:SourceArn, aws:SourceOrgID…):
  absent for users, role sessions and federated users, chosen freely for service callers;
- everything else — aws:userid (a unique ID names no account), aws:SourceIp, MFA, sts:ExternalId,
  session names, request and principal tags, and aws:PrincipalOrgID/OrgPaths (an organisation holds many
  accounts, the login account proves nothing) — chosen freely: the policy's own constants, nearby
  values, a fresh value, or absent.

Time only moves forward: aws:CurrentTime and aws:EpochTime are one clock, which shows the scan's second or each
later second a constant marks, to the last second ISO 8601 can write (9999-12-31T23:59:59Z); a request carries
both keys, always, at the same second.
"""

from __future__ import annotations

from ._constants import Candidate, Constants, collect_constants, fresh_account
from .contexts import (
    MAX_CONTEXTS,
    PRINCIPAL_KEYS,
    SERVICE_CALL_KEYS,
    TIME_KEYS,
    caller_sets,
    clock_readings,
    context_count,
    contexts,
)
from .principals import allowed_principal, member_candidates, trust_candidates
from .roles import (
    RoleMentions,
    resource_role_names,
    role_arn_prefix,
    role_arns,
    role_candidate_parts,
    role_candidates,
    role_candidates_of,
    role_mentions,
)

__all__ = [
    "MAX_CONTEXTS",
    "PRINCIPAL_KEYS",
    "SERVICE_CALL_KEYS",
    "TIME_KEYS",
    "Candidate",
    "Constants",
    "RoleMentions",
    "allowed_principal",
    "caller_sets",
    "clock_readings",
    "collect_constants",
    "context_count",
    "contexts",
    "fresh_account",
    "member_candidates",
    "resource_role_names",
    "role_arn_prefix",
    "role_arns",
    "role_candidate_parts",
    "role_candidates",
    "role_candidates_of",
    "role_mentions",
    "trust_candidates",
]
