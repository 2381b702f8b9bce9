"""``xtrust demo``: the whole tool against a moto server on loopback — no AWS account needed.

Builds the seed's two accounts with drift (the login account 987654321098 and the project account Dev
123456789012, as in ``examples/world``), then: scan → planned fixes (diffs) → apply with a journal → scan
again (clean) → roll back → scan (the findings are back, every document as before).
The library never prints: every line goes to the ``emit`` callback.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import IO, Any

import boto3

from .apply import Journal, apply_fixes, iam_client, read_journal, read_live, rollback
from .collect import LiveOptions
from .errors import InputError
from .fix import format_plan, plan_for
from .report import render
from .rules import RuleSet, parse_rules
from .verify import Quotas

__all__ = ["AUDIT_ROLE", "DEV", "LOGIN", "build_world", "demo_rules", "moto_server", "run_demo"]

LOGIN = "987654321098"
DEV = "123456789012"
VENDOR = "444455556666"
AUDIT_ROLE = "xtrust-audit"
REGION = "us-east-1"
_SERVER_START_SECONDS = 60.0

def demo_rules(login_id: str = LOGIN, dev_id: str = DEV) -> str:
    """The rules of the demo world (the seed's rules, the audit role left out of scope)."""
    return f"""\
version: 1
accounts:
  login: "{login_id}"
  projects: ["{dev_id}"]
rules:
  - id: trust-only-login-account
    check: role-trust
    severity: high
    allow:
      principals: ["arn:aws:iam::{login_id}:root"]
      services: ["*"]
    scope:
      exclude: ["{AUDIT_ROLE}"]
  - id: assume-only-listed-roles
    check: identity-assume
    severity: high
    allow:
      roles: ["arn:aws:iam::{dev_id}:role/Admin"]
"""


def _doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _trust(principal: Any, **extra: Any) -> str:
    return _doc({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole", **extra})


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    """A moto server on a free loopback port, with boto3 pointed at it for the duration; yields the endpoint.

    The server runs in a process of its own, so that it renders one account's answer while xtrust parses
    another's: every GetAccountAuthorizationDetails carries the ~1,400 AWS managed policies (as AWS holds
    them for every account, ``MOTO_IAM_LOAD_MANAGED_POLICIES``), and in one process the two would take turns.
    """
    if importlib.util.find_spec("moto.server") is None or importlib.util.find_spec("flask") is None:
        raise InputError("xtrust demo needs moto's server: python3 -m pip install 'moto[server]'")
    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    settings = {
        "AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION, "AWS_EC2_METADATA_DISABLED": "true", "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
        "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    cleared = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION")
    saved = {name: os.environ.get(name) for name in (*settings, *cleared)}
    os.environ.update(settings)
    for name in cleared:
        os.environ.pop(name, None)
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                                  stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        try:
            _wait_until_listening(server, port, log)
            yield endpoint
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def _wait_until_listening(server: subprocess.Popen[bytes], port: int, log: IO[bytes],
                          patience: float = _SERVER_START_SECONDS) -> None:
    """Return once the server accepts connections; a server that exits or never listens is an error."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            last = (log.read().decode(errors="replace").strip().splitlines() or ["no output"])[-1]
            raise InputError(f"the moto server exited with status {server.returncode}: {last}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise InputError(f"the moto server did not listen on 127.0.0.1:{port} within {patience:.0f} s")


def _iam_in(account: str) -> Any:
    sts = boto3.session.Session(region_name=REGION).client("sts")
    credentials = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/setup", RoleSessionName="demo")["Credentials"]
    return boto3.session.Session(
        aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"], region_name=REGION).client("iam")


def build_world(login_id: str = LOGIN, dev_id: str = DEV) -> None:
    """The seed's accounts with the drift of ``examples/world``, in the moto server boto3 points at."""
    audit_trust = _trust({"AWS": f"arn:aws:iam::{dev_id}:root"})
    read_all = _doc({"Effect": "Allow", "Action": "iam:*", "Resource": "*"})
    dev = _iam_in(dev_id)
    dev.create_role(RoleName="Admin", AssumeRolePolicyDocument=_trust({"AWS": f"arn:aws:iam::{login_id}:root"}))
    dev.create_role(RoleName="ReadOnly",
                    AssumeRolePolicyDocument=_trust({"AWS": [f"arn:aws:iam::{login_id}:root", VENDOR]}))
    dev.create_role(RoleName="Deployer", AssumeRolePolicyDocument=_trust(
        "*", Sid="OfficeOnly", Condition={"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}))
    dev.create_role(RoleName="BuildRunner", AssumeRolePolicyDocument=_trust({"Service": "codebuild.amazonaws.com"}))
    login = _iam_in(login_id)
    login.create_group(GroupName="CloudOps")
    login.put_group_policy(GroupName="CloudOps", PolicyName="Dev-Admin-policy", PolicyDocument=_doc(
        {"Effect": "Allow", "Action": ["sts:AssumeRole"], "Resource": [f"arn:aws:iam::{dev_id}:role/Admin"]}))
    login.create_group(GroupName="Admins")
    login.attach_group_policy(GroupName="Admins", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    login.create_group(GroupName="Developers", Path="/teams/")
    created = login.create_policy(PolicyName="AssumeDevRoles", PolicyDocument=_doc(
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{dev_id}:role/*"}))
    login.attach_group_policy(GroupName="Developers", PolicyArn=created["Policy"]["Arn"])
    login.create_user(UserName="michael.ludvig")
    login.add_user_to_group(GroupName="CloudOps", UserName="michael.ludvig")
    login.create_user(UserName="contractor", Path="/contractors/")
    login.put_user_policy(UserName="contractor", PolicyName="any-account-admin", PolicyDocument=_doc(
        {"Effect": "Allow", "Action": "STS:AssumeRole", "Resource": "arn:aws:iam::*:role/Admin"}))
    for iam in (dev, login):
        iam.create_role(RoleName=AUDIT_ROLE, AssumeRolePolicyDocument=audit_trust)
        iam.put_role_policy(RoleName=AUDIT_ROLE, PolicyName="read-and-fix-iam", PolicyDocument=read_all)


def _scan(rules: RuleSet, options: LiveOptions) -> Any:
    accounts, errors, quotas = read_live(rules.accounts, options)
    return plan_for(rules, accounts, errors, quotas), quotas


def run_demo(emit: Callable[[str], None], *, journal_dir: str | None = None) -> int:
    """Run the demo; 0 when the apply left a clean scan and the rollback restored every document."""
    rules = parse_rules(demo_rules(), "demo rules")
    options = LiveOptions(assume_role=AUDIT_ROLE, max_attempts=2)
    with contextlib.ExitStack() as stack:
        endpoint = stack.enter_context(moto_server())
        directory = journal_dir or stack.enter_context(tempfile.TemporaryDirectory(prefix="xtrust-demo-"))
        emit(f"== A moto server on {endpoint} holds the login account {LOGIN} and the project account {DEV}, "
             "with drift")
        build_world()
        (first, plan), quotas = _scan(rules, options)
        emit("== 1. xtrust scan")
        emit(render(first, "text"))
        emit("== 2. xtrust fix (dry run): the planned, verified changes")
        emit(format_plan(plan))

        @cache
        def clients(account: str) -> Any:
            return iam_client(account, options)

        path = Path(directory) / "xtrust-demo-journal.jsonl"
        path.unlink(missing_ok=True)
        with Journal(path) as journal:
            outcomes = apply_fixes(plan.fixes, clients, journal, quotas=lambda a: quotas.get(a, Quotas()))
        emit(f"== 3. xtrust fix --apply --yes --journal {path}")
        emit("\n".join(f"  {o.status:8} {o.label}: {o.detail}" for o in outcomes))
        (after, replan), _ = _scan(rules, options)
        emit("\n== 4. xtrust scan again")
        emit(render(after, "text"))
        emit(f"== 5. xtrust rollback {path}")
        restored = rollback(read_journal(path), clients)
        emit("\n".join(f"  {o.status:8} {o.label}: {o.detail}" for o in restored))
        (back, _), _ = _scan(rules, options)
        same = sorted(f.id for f in back.active) == sorted(f.id for f in first.active)
        emit(f"\n== 6. xtrust scan after the rollback: {len(back.active)} finding(s), "
             f"{'the same as before the fix' if same else 'NOT the same as before the fix'}")
        clean = not after.active and not after.errors and not replan.fixes
        ok = clean and same and all(o.status == "applied" for o in outcomes)
        emit(f"\nDemo {'complete' if ok else 'FAILED'}: {len(first.active)} finding(s), {len(plan.fixes)} fix(es) "
             f"applied, clean scan after the apply: {'yes' if clean else 'no'}, rollback restored: "
             f"{'yes' if same else 'no'}.")
        return 0 if ok else 1
    return 1  # pragma: no cover - the with block returns
