"""Discovering the organization's active accounts through moto's AWS Organizations."""

from __future__ import annotations

import pytest

from xtrust.collect import LiveOptions, discover_organization_accounts
from xtrust.errors import ScanError

from .conftest import MotoServer, free_port

pytestmark = pytest.mark.aws

MANAGEMENT = "100000000001"  # an account of its own, so no other test shares its organization


def test_active_accounts_sorted_and_suspended_skipped(moto_server: MotoServer) -> None:
    session = moto_server.session_in(MANAGEMENT)
    org = session.client("organizations")
    org.create_organization(FeatureSet="ALL")
    created = [
        org.create_account(AccountName=name, Email=f"{name}@example.com")["CreateAccountStatus"]["AccountId"]
        for name in ("dev", "prod", "sandbox")
    ]
    org.close_account(AccountId=created[2])
    statuses = {a["Id"]: a["Status"] for a in org.list_accounts()["Accounts"]}
    assert statuses[created[2]] == "SUSPENDED"  # moto's closed account, as AWS shows it while closing
    assert discover_organization_accounts(session) == sorted([MANAGEMENT, created[0], created[1]])


def test_an_unreachable_organizations_endpoint_is_one_scan_error(
    moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = moto_server.session_in(MANAGEMENT)
    closed = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("AWS_ENDPOINT_URL_ORGANIZATIONS", closed)
    with pytest.raises(ScanError) as raised:
        discover_organization_accounts(session, LiveOptions(max_attempts=1))
    assert raised.value.account == "organization"
    assert raised.value.message == f'Could not connect to the endpoint URL: "{closed}/"'

