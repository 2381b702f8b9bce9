"""Faults moto cannot produce: a GetAccountAuthorizationDetails answer in two pages, throttling beyond
botocore's retries and a 5xx (botocore's Stubber); and botocore's own retries against a loopback server
that always throttles, counted on the wire."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import boto3
import pytest
from botocore.stub import Stubber

from xtrust.collect import PAGE_SIZE, IamCallCounter, LiveOptions, fetch_authorization_details, read_accounts

from .conftest import AUDIT_ROLE, DEV, LOGIN, REGION, World

CREATED = datetime(2024, 5, 1, 12, 30, tzinfo=timezone.utc)


def role(name: str) -> dict[str, Any]:
    return {
        "Path": "/",
        "RoleName": name,
        "RoleId": "AROA" + name.upper().ljust(17, "X"),
        "Arn": f"arn:aws:iam::{DEV}:role/{name}",
        "CreateDate": CREATED,
        "AssumeRolePolicyDocument": "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D",
    }


def offline_iam() -> Any:
    """An IAM client that never reaches the network (every call is stubbed)."""
    return boto3.session.Session(
        aws_access_key_id="offline", aws_secret_access_key="offline", region_name=REGION
    ).client("iam", endpoint_url="http://127.0.0.1:9")


def test_pages_are_merged_and_each_page_is_one_call() -> None:
    iam = offline_iam()
    counter = IamCallCounter()
    counter.attach(iam)
    first = {"RoleDetailList": [role("Admin")], "UserDetailList": [], "GroupDetailList": [], "Policies": [],
             "IsTruncated": True, "Marker": "page-2"}
    second = {"RoleDetailList": [role("ReadOnly")], "UserDetailList": [], "GroupDetailList": [], "Policies": [],
              "IsTruncated": False}
    with Stubber(iam) as stub:
        stub.add_response("get_account_authorization_details", first, {"MaxItems": PAGE_SIZE})
        stub.add_response("get_account_authorization_details", second, {"MaxItems": PAGE_SIZE, "Marker": "page-2"})
        data = fetch_authorization_details(iam)
        stub.assert_no_pending_responses()
    assert counter.operations == ["GetAccountAuthorizationDetails"] * 2
    assert set(data) == {"UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"}
    assert [r["RoleName"] for r in data["RoleDetailList"]] == ["Admin", "ReadOnly"]
    assert data["RoleDetailList"][0]["CreateDate"] == "2024-05-01T12:30:00+00:00"


class FaultySession(boto3.session.Session):
    """A session whose IAM client answers every call with the error given."""

    def __init__(self, error: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._error = error

    def client(self, service_name: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        client = super().client(service_name, *args, **kwargs)
        if service_name == "iam":
            stub = Stubber(client)
            stub.add_client_error("get_account_authorization_details", **self._error)
            stub.activate()
        return client


def credentials_of(session: boto3.session.Session) -> dict[str, Any]:
    frozen = session.get_credentials().get_frozen_credentials()
    return {"aws_access_key_id": frozen.access_key, "aws_secret_access_key": frozen.secret_key,
            "aws_session_token": frozen.token, "region_name": REGION}


FAULTS = {
    "throttled beyond retries": (
        {"service_error_code": "Throttling", "service_message": "Rate exceeded", "http_status_code": 400,
         "response_meta": {"RetryAttempts": 7}},
        "GetAccountAuthorizationDetails: Throttling (after 8 attempts): Rate exceeded",
    ),
    "service unavailable": (
        {"service_error_code": "ServiceUnavailable", "service_message": "Service is unavailable",
         "http_status_code": 503, "response_meta": {"RetryAttempts": 7}},
        "GetAccountAuthorizationDetails: ServiceUnavailable (after 8 attempts): Service is unavailable",
    ),
    "internal error": (
        {"service_error_code": "InternalFailure", "service_message": "", "http_status_code": 500},
        "GetAccountAuthorizationDetails: InternalFailure",
    ),
}


@pytest.mark.aws
@pytest.mark.parametrize(("error", "cause"), FAULTS.values(), ids=FAULTS.keys())
def test_a_faulty_account_is_isolated_with_its_cause(world: World, error: dict[str, Any], cause: str) -> None:
    healthy = credentials_of(world.server.session_in(DEV, AUDIT_ROLE))
    faulty = credentials_of(world.server.session_in(LOGIN, AUDIT_ROLE))

    def sessions(profile: str | None, region: str | None) -> boto3.session.Session:
        if profile == "faulty":
            return FaultySession(error, **faulty)
        return boto3.session.Session(**healthy)

    options = LiveOptions(profiles={DEV: "healthy", LOGIN: "faulty"})
    dev, login = read_accounts([DEV, LOGIN], options, session_factory=sessions)
    assert dev.ok and dev.data is not None and dev.data["RoleDetailList"]
    assert login.data is None and login.iam_calls == 1
    assert login.error is not None and login.error.account == LOGIN and login.error.message == cause


class AlwaysThrottled(BaseHTTPRequestHandler):
    """Answers every request as IAM does when throttling (HTTP 400, code Throttling)."""

    requests: ClassVar[list[str]] = []
    BODY = (b'<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>'
            b"<Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>1</RequestId></ErrorResponse>")

    def do_POST(self) -> None:  # http.server's naming
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).requests.append(self.path)
        self.send_response(400)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(self.BODY)))
        self.end_headers()
        self.wfile.write(self.BODY)

    def log_message(self, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def throttling_iam(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[AlwaysThrottled]]:
    """IAM (only IAM, through the service-specific endpoint variable) answered by an always-throttling server."""
    handler = type("Handler", (AlwaysThrottled,), {"requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("AWS_ENDPOINT_URL_IAM", f"http://127.0.0.1:{server.server_address[1]}")
    try:
        yield handler
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.aws
def test_botocore_retries_are_bounded_by_max_attempts(world: World, throttling_iam: type[AlwaysThrottled]) -> None:
    options = LiveOptions(assume_role=AUDIT_ROLE, max_attempts=3)
    (read,) = read_accounts([DEV], options)
    assert len(throttling_iam.requests) == 3  # botocore's attempts on the wire, no loop of ours
    assert read.iam_calls == 1
    assert read.error is not None
    assert read.error.message == "GetAccountAuthorizationDetails: Throttling (after 3 attempts): Rate exceeded"


class RecordedAssume(boto3.session.Session):
    """A session whose AssumeRole is checked against the parameters xtrust must send."""

    def __init__(self, acting_in: str | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._acting_in = acting_in

    def client(self, service_name: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        client = super().client(service_name, *args, **kwargs)
        if service_name == "sts" and "aws_session_token" not in kwargs:  # the base credentials' STS
            stub = Stubber(client)
            expected = {"RoleArn": f"arn:aws:iam::{DEV}:role/{AUDIT_ROLE}", "RoleSessionName": "xtrust",
                        "ExternalId": "audit-2024"}
            response: dict[str, Any] = {"Credentials": {
                "AccessKeyId": "ASIAEXAMPLEEXAMPLE01", "SecretAccessKey": "secret" * 5,
                "SessionToken": "token" * 10, "Expiration": CREATED}}
            if self._acting_in:
                session_arn = f"arn:aws:sts::{self._acting_in}:assumed-role/{AUDIT_ROLE}/xtrust"
                response["AssumedRoleUser"] = {"AssumedRoleId": "AROAEXAMPLEEXAMPLE01:xtrust", "Arn": session_arn}
            stub.add_response("assume_role", response, expected)
            stub.activate()
        return client


ASSUMED = {
    # no session ARN in the answer: GetCallerIdentity asks moto, which puts unknown keys in Dev
    "verified by GetCallerIdentity": (None, None),
    "verified by the session ARN": (DEV, None),
    "session in another account": (LOGIN, f"credentials act in account {LOGIN}"),
}


@pytest.mark.aws
@pytest.mark.parametrize(("acting_in", "error"), ASSUMED.values(), ids=ASSUMED.keys())
def test_assume_role_sends_the_role_arn_session_name_and_external_id(
    world: World, acting_in: str | None, error: str | None
) -> None:
    options = LiveOptions(assume_role=AUDIT_ROLE, external_id="audit-2024")
    base = RecordedAssume(acting_in, region_name=REGION)
    (read,) = read_accounts([DEV], options, session_factory=lambda profile, region: base)
    if error is None:
        assert read.ok and read.iam_calls == 1
    else:
        assert read.error is not None and read.error.message.startswith(error) and read.iam_calls == 0
