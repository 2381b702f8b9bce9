"""Hypothesis: for random documents, a planned fix never widens access and its result passes the rule.

"Never widens" is checked on random requests drawn independently of the planner's own representatives:
whatever the fixed document allows, the old one allowed too.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xtrust import can_assume
from xtrust.checks import OUTSIDER_IDENTITY, assume_violations, check_account, trust_violations
from xtrust.errors import PolicyError
from xtrust.fix import plan_account
from xtrust.inventory import Account, Group, InlinePolicy, Role
from xtrust.model import PolicyKind, parse_policy
from xtrust.rules import parse_rules

from .strategies import D, L, callers, contexts, identity_policies, role_arns, trust_policies

NOW = datetime(2025, 1, 1, tzinfo=timezone.utc)
ROLE = f"arn:aws:iam::{D}:role/Target"
ALLOWED_ROLE = f"arn:aws:iam::{D}:role/Admin"
RULES = parse_rules(f"""
version: 1
accounts: {{login: "{L}", projects: ["{D}"]}}
rules:
  - id: trust
    check: role-trust
    severity: high
    allow: {{principals: ["arn:aws:iam::{L}:root"], services: ["*"]}}
  - id: assume
    check: identity-assume
    severity: high
    allow: {{roles: ["{ALLOWED_ROLE}"]}}
""")
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def parsed(document: dict[str, Any], kind: PolicyKind) -> Any:
    try:
        return parse_policy(document, kind=kind)
    except PolicyError:
        return None


@SETTINGS
@given(document=trust_policies(), requests=st.lists(st.tuples(callers, contexts()), min_size=1, max_size=8))
def test_a_trust_fix_passes_the_rule_and_widens_nothing(document: dict[str, Any], requests: list[Any]) -> None:
    trust = parsed(document, PolicyKind.TRUST)
    if trust is None:
        return
    account = Account(D, "random", roles=(Role(ROLE, "Target", "/", trust),))
    findings, _, _ = check_account(RULES, account, now=NOW)
    plan = plan_account(RULES, account, findings, now=NOW)
    for fix in plan.fixes:
        assert not trust_violations(fix.after, ROLE, RULES.rules[0].allow, known_accounts=(L,), now=NOW).violations
        for caller, context in requests:
            if can_assume(caller, ROLE, trust_policy=fix.after, identity_policies=[OUTSIDER_IDENTITY], context=context):
                assert can_assume(caller, ROLE, trust_policy=trust, identity_policies=[OUTSIDER_IDENTITY],
                                  context=context)


@SETTINGS
@given(document=identity_policies(), targets=st.lists(role_arns(), min_size=1, max_size=6), context=contexts())
def test_an_identity_fix_passes_the_rule_and_widens_nothing(document: dict[str, Any], targets: list[str],
                                                            context: dict[str, Any]) -> None:
    policy = parsed(document, PolicyKind.IDENTITY)
    if policy is None:
        return
    group = Group(f"arn:aws:iam::{L}:group/G", "G", "/", inline=(InlinePolicy("p", policy),))
    account = Account(L, "random", groups=(group,))
    findings, _, _ = check_account(RULES, account, now=NOW)
    plan = plan_account(RULES, account, findings, now=NOW)
    caller = f"arn:aws:iam::{L}:user/any"
    open_trust = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{L}:root"},
                                 "Action": "sts:AssumeRole"}]}
    for fix in plan.fixes:
        assert not assume_violations([fix.after], caller, (ALLOWED_ROLE,), known_accounts=(L, D), now=NOW).violations
        for target in [*targets, ALLOWED_ROLE]:
            if can_assume(caller, target, trust_policy=open_trust, identity_policies=[fix.after], context=context):
                assert can_assume(caller, target, trust_policy=open_trust, identity_policies=[policy], context=context)
