"""A moto server on loopback holding the seed world, reached through real boto3 clients over HTTP.

Accounts (see ``/seed``): the login account 987654321098 holds the group CloudOps (inline policy allowing
``sts:AssumeRole`` on Dev's Admin role) and the user michael.ludvig in it; the project account Dev
123456789012 holds the role Admin (trusting the login account, AdministratorAccess attached). Each holds
``xtrust-audit``, the role the scanner assumes, allowed to call GetAccountAuthorizationDetails.

The scanner's own credentials are moto's default user in 123456789012. Moto serves any account: a role
``arn:aws:iam::<account>:role/<name>`` assumed through its STS yields credentials acting in that account,
the same path xtrust takes in production.
"""

from __future__ import annotations

import contextlib
import json
import socket
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

LOGIN = "987654321098"
DEV = "123456789012"
AUDIT_ROLE = "xtrust-audit"
SCANNER_ACCOUNT = DEV  # moto's default account: where the dummy credentials act
NOT_ALLOWED = "333333333333"  # the scanner may not assume a role here (its identity policy omits it)
NO_PERMISSION = "555555555555"  # xtrust-audit exists here but may not read anything
REGION = "us-east-1"


def document(*statements: dict[str, Any]) -> str:
    """A policy document as the JSON text IAM takes."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def trust(principal: str) -> str:
    """A trust policy letting ``principal`` assume the role."""
    return document({"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"})


AUDIT_POLICY = document({"Effect": "Allow", "Action": "iam:GetAccountAuthorizationDetails", "Resource": "*"})
SCANNER_POLICY = document(
    {
        "Effect": "Allow",
        "Action": "sts:AssumeRole",
        "Resource": [f"arn:aws:iam::{account}:role/{AUDIT_ROLE}" for account in (DEV, LOGIN, NO_PERMISSION)],
    }
)


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class MotoServer:
    """The running server: its endpoint and a way to act in any account."""

    endpoint: str

    def session_in(self, account: str, role: str = "setup") -> boto3.session.Session:
        """A session acting in ``account``, through moto's STS as in production."""
        sts = boto3.session.Session(region_name=REGION).client("sts")
        credentials = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{role}", RoleSessionName="fixture")[
            "Credentials"
        ]
        return boto3.session.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            region_name=REGION,
        )

    @contextlib.contextmanager
    def iam_authorization(self) -> Iterator[None]:
        """Make the server check every request against IAM policies (moto's ``reset-auth`` API)."""
        previous = self._reset_auth("0")
        try:
            yield
        finally:
            self._reset_auth(str(previous))

    def _reset_auth(self, count: str) -> Any:
        request = urllib.request.Request(f"{self.endpoint}/moto-api/reset-auth", data=count.encode(), method="POST")
        request.add_header("Content-Type", "text/plain")  # a form body would be parsed away before moto reads it
        with urllib.request.urlopen(request, timeout=10) as response:  # loopback only
            return json.load(response)["PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT"]


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    """A ThreadedMotoServer on a free loopback port, with the environment pointing boto3 at it."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    empty = tmp_path_factory.mktemp("aws-config") / "none"
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    with pytest.MonkeyPatch.context() as env:
        for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION"):
            env.delenv(name, raising=False)
        env.setenv("AWS_ENDPOINT_URL", endpoint)
        env.setenv("AWS_ACCESS_KEY_ID", "testing")
        env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        env.setenv("AWS_DEFAULT_REGION", REGION)
        env.setenv("AWS_CONFIG_FILE", str(empty))
        env.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty))
        env.setenv("AWS_EC2_METADATA_DISABLED", "true")
        env.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
        server.start()
        try:
            yield MotoServer(endpoint)
        finally:
            server.stop()


def _create_audit_role(iam: Any, may_read: bool = True) -> None:
    # moto compares trust principals literally, so the scanner user is named beside its account
    scanner = [f"arn:aws:iam::{SCANNER_ACCOUNT}:root", f"arn:aws:iam::{SCANNER_ACCOUNT}:user/scanner"]
    policy = document({"Effect": "Allow", "Principal": {"AWS": scanner}, "Action": "sts:AssumeRole"})
    iam.create_role(RoleName=AUDIT_ROLE, AssumeRolePolicyDocument=policy)
    if may_read:
        iam.put_role_policy(RoleName=AUDIT_ROLE, PolicyName="read-authorization-details", PolicyDocument=AUDIT_POLICY)


def _seed_login(iam: Any) -> None:
    iam.create_group(GroupName="CloudOps")
    assume_admin = document(
        {"Effect": "Allow", "Action": ["sts:AssumeRole"], "Resource": [f"arn:aws:iam::{DEV}:role/Admin"]}
    )
    iam.put_group_policy(GroupName="CloudOps", PolicyName="AssumeAdmin", PolicyDocument=assume_admin)
    iam.create_user(UserName="michael.ludvig")
    iam.add_user_to_group(GroupName="CloudOps", UserName="michael.ludvig")
    _create_audit_role(iam)


def _seed_dev(iam: Any) -> None:
    iam.create_role(RoleName="Admin", AssumeRolePolicyDocument=trust(f"arn:aws:iam::{LOGIN}:root"))
    iam.attach_role_policy(RoleName="Admin", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    _create_audit_role(iam)
    # the scanner's own identity (moto's default user) may assume the audit role anywhere
    iam.create_user(UserName="scanner")
    iam.put_user_policy(UserName="scanner", PolicyName="assume-audit", PolicyDocument=SCANNER_POLICY)


@dataclass(frozen=True)
class World:
    """The seeded accounts and the scanner's own access key (a real IAM user in the scanner account)."""

    server: MotoServer
    scanner_key: tuple[str, str]


@pytest.fixture(scope="session")
def world(moto_server: MotoServer) -> World:
    """The seed world, created once in the session's moto server."""
    _seed_login(moto_server.session_in(LOGIN).client("iam"))
    dev_iam = moto_server.session_in(DEV).client("iam")
    _seed_dev(dev_iam)
    key = dev_iam.create_access_key(UserName="scanner")["AccessKey"]
    _create_audit_role(moto_server.session_in(NO_PERMISSION).client("iam"), may_read=False)
    return World(moto_server, (key["AccessKeyId"], key["SecretAccessKey"]))


@pytest.fixture
def aws_config(moto_server: MotoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty AWS config file for this test (profiles are appended by the test)."""
    path = tmp_path / "config"
    path.write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(path))
    return path


def write_profile(config: Path, name: str, credentials: Any = None, **settings: str) -> None:
    """Append ``[profile name]`` with static credentials taken from a boto3 session, and other settings."""
    lines = [f"[profile {name}]", f"region = {REGION}"]
    if credentials is not None:
        frozen = credentials.get_credentials().get_frozen_credentials()
        lines += [f"aws_access_key_id = {frozen.access_key}", f"aws_secret_access_key = {frozen.secret_key}"]
        if frozen.token:
            lines.append(f"aws_session_token = {frozen.token}")
    lines += [f"{key} = {value}" for key, value in settings.items()]
    with config.open("a") as handle:
        handle.write("\n".join(lines) + "\n\n")
