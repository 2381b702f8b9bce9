"""Check the IAM policy documents kept in this repository against the xtrust rules in ``xtrust.yaml``.

Layout: ``policies/trust/<RoleName>.json`` is the trust policy of that role in the project account, and
``policies/groups/<GroupName>.json`` an identity policy of that group in the login account. Run with
``pytest`` in this folder; the xtrust plugin (installed with xtrust) provides the ``xtrust_rules`` fixture.
A failure shows the request that would get through and the offending statement.
"""

from pathlib import Path

import pytest

from xtrust.testing import assert_identity_policy_ok, assert_trust_policy_ok

HERE = Path(__file__).parent
PROJECT_ACCOUNT = "123456789012"
LOGIN_ACCOUNT = "987654321098"

TRUST = sorted((HERE / "policies" / "trust").glob("*.json"))
GROUPS = sorted((HERE / "policies" / "groups").glob("*.json"))


@pytest.mark.parametrize("path", TRUST, ids=[p.stem for p in TRUST])
def test_role_trusts_only_the_login_account(path, xtrust_rules):
    role = f"arn:aws:iam::{PROJECT_ACCOUNT}:role/{path.stem}"
    assert_trust_policy_ok(path.read_text(), role, xtrust_rules)


@pytest.mark.parametrize("path", GROUPS, ids=[p.stem for p in GROUPS])
def test_group_assumes_only_listed_roles(path, xtrust_rules):
    group = f"arn:aws:iam::{LOGIN_ACCOUNT}:group/{path.stem}"
    assert_identity_policy_ok(path.read_text(), group, xtrust_rules)
