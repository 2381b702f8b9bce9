"""Benchmark: live reading of accounts against one moto server on loopback, in one run.

The world: Dev (123456789012) holds ``--roles`` roles with varied trust policies (the login account, the
login account with MFA, service principals, a vendor account, ``*`` narrowed by organisation, a named
user); the login account (987654321098) holds ``--groups`` groups whose inline policies allow
``sts:AssumeRole`` on a few Dev roles. Both hold ``xtrust-audit``, the role xtrust assumes.

Measured, each against the same server, IAM calls counted on the server (every HTTP request, retries
included):

- floor: one paginated GetAccountAuthorizationDetails per account, clients made beforehand;
- xtrust read: ``read_accounts`` of both accounts via assume-role (AssumeRole, GetCallerIdentity, GAAD);
- xtrust scan: the same read, then both rules checked (``xtrust.scan``), as a live ``xtrust scan`` does;
- Cloud Custodian: ``custodian run`` of an ``iam-role`` policy with the ``cross-account`` filter,
  ``--cache-period 0``, in Dev only (the one account and rule it has an equivalent for).

Custodian is not a dependency of xtrust: it runs from its own virtual environment, by default
``benchmarks/.venv`` (``--setup-c7n`` creates it with ``pip install c7n``; or give ``--custodian PATH``).
Timings are printed, never asserted.

    python3 benchmarks/bench_live.py --setup-c7n                # first time: make benchmarks/.venv with c7n
    python3 benchmarks/bench_live.py [--roles 2000 --groups 200] [--repeat 3]
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import boto3  # noqa: E402

from xtrust.collect import LiveOptions, read_accounts  # noqa: E402

LOGIN, DEV, VENDOR = "987654321098", "123456789012", "444455556666"
AUDIT_ROLE = "xtrust-audit"
REGION = "us-east-1"
VENV = ROOT / "benchmarks" / ".venv"
RULES = f"""
version: 1
accounts:
  login: "{LOGIN}"
  projects: ["{DEV}"]
rules:
  - id: trust-only-login-account
    check: role-trust
    severity: high
    allow:
      principals: ["arn:aws:iam::{LOGIN}:root"]
      services: ["*"]
  - id: assume-only-listed-roles
    check: identity-assume
    severity: high
    allow:
      roles: ["arn:aws:iam::{DEV}:role/Admin"]
"""
CUSTODIAN_POLICY = {
    "policies": [
        {"name": "iam-role-cross-account", "resource": "iam-role",
         "filters": [{"type": "cross-account", "whitelist": [LOGIN]}]}
    ]
}


# --- the server: moto's WSGI application behind a counter of requests per (service, action) ---------------


class CountingApp:
    """WSGI middleware counting requests by the service in the SigV4 scope and the query-protocol Action."""

    SCOPE = re.compile(r"Credential=[^/]+/\d+/[^/]+/([^/]+)/")

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app
        self.calls: Counter[tuple[str, str]] = Counter()
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("PATH_INFO") == "/__bench/calls":  # the benchmark process asks for the counts
            if environ.get("REQUEST_METHOD") == "POST":
                self.reset()
            with self.lock:
                body = json.dumps([[service, action, n] for (service, action), n in self.calls.items()]).encode()
            start_response("200 OK", [("Content-Type", "application/json")])
            return [body]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        scope = self.SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
        action = re.search(rb"(?:^|&)Action=([A-Za-z]+)", body)
        key = (scope.group(1) if scope else "?", action.group(1).decode() if action else "?")
        with self.lock:
            self.calls[key] += 1
        return self.app(environ, start_response)

    def iam_calls(self) -> int:
        with self.lock:
            return sum(count for (service, _), count in self.calls.items() if service == "iam")

    def breakdown(self, service: str) -> dict[str, int]:
        with self.lock:
            return {action: n for (svc, action), n in sorted(self.calls.items()) if svc == service}

    def reset(self) -> None:
        with self.lock:
            self.calls.clear()


class RemoteCounts:
    """The counts of a CountingApp serving in another process, read over its own loopback endpoint."""

    def __init__(self, endpoint: str) -> None:
        self.url = f"{endpoint}/__bench/calls"

    def _calls(self, method: str) -> Counter[tuple[str, str]]:
        request = urllib.request.Request(self.url, data=b"" if method == "POST" else None, method=method)
        with urllib.request.urlopen(request, timeout=30) as response:  # loopback only
            return Counter({(service, action): n for service, action, n in json.load(response)})

    def iam_calls(self) -> int:
        return sum(n for (service, _), n in self._calls("GET").items() if service == "iam")

    def breakdown(self, service: str) -> dict[str, int]:
        return {action: n for (svc, action), n in sorted(self._calls("GET").items()) if svc == service}

    def reset(self) -> None:
        self._calls("POST")


def _serve(port_out: Any) -> None:
    """The server process: moto's application, counted, on a free loopback port."""
    from moto.server import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, CountingApp(DomainDispatcherApplication(create_backend_app)), threaded=True)
    port_out.send(server.server_address[1])
    server.serve_forever()


@contextmanager
def moto_server() -> Iterator[tuple[str, RemoteCounts]]:
    """moto's server application on a free loopback port, counted, in a process of its own: as AWS is to a
    real scan, the server does not share the scanner's interpreter (nor its lock on running Python code)."""
    receive, send = multiprocessing.Pipe(duplex=False)
    process = multiprocessing.get_context("spawn").Process(target=_serve, args=(send,), daemon=True)
    process.start()
    try:
        if not receive.poll(60):
            raise SystemExit("the moto server did not start")
        endpoint = f"http://127.0.0.1:{receive.recv()}"
        yield endpoint, RemoteCounts(endpoint)
    finally:
        process.terminate()
        process.join(10)


# --- the world ----------------------------------------------------------------------------------------


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def assume(principal: dict[str, Any], condition: dict[str, Any] | None = None, action: str = "sts:AssumeRole") -> str:
    statement = {"Effect": "Allow", "Principal": principal, "Action": action}
    return document({**statement, "Condition": condition} if condition else statement)


TRUSTS = (
    assume({"AWS": f"arn:aws:iam::{LOGIN}:root"}),
    assume({"AWS": f"arn:aws:iam::{LOGIN}:root"}, {"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
    assume({"AWS": LOGIN}),
    assume({"Service": "ec2.amazonaws.com"}),
    assume({"Service": ["lambda.amazonaws.com", "states.amazonaws.com"]}),
    assume({"AWS": f"arn:aws:iam::{VENDOR}:root"}, {"StringEquals": {"sts:ExternalId": "vendor-1"}}),
    assume({"AWS": "*"}, {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}),
    assume({"AWS": [f"arn:aws:iam::{LOGIN}:user/michael.ludvig", f"arn:aws:iam::{LOGIN}:root"]}),
)


def session_in(account: str) -> boto3.session.Session:
    """A session acting in ``account``: a role there assumed through moto's STS."""
    sts = boto3.session.Session(region_name=REGION).client("sts")
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/setup", RoleSessionName="bench")["Credentials"]
    return boto3.session.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                                 aws_session_token=creds["SessionToken"], region_name=REGION)


def in_account(account: str, jobs: list[Callable[[Any], Any]]) -> None:
    """Run each job with an IAM client acting in ``account``, one after another (moto's IAM is not
    safe for concurrent writes)."""
    iam = session_in(account).client("iam")
    for job in jobs:
        job(iam)


def audit_role(iam: Any) -> None:
    iam.create_role(RoleName=AUDIT_ROLE, AssumeRolePolicyDocument=assume({"AWS": f"arn:aws:iam::{DEV}:root"}))


def seed(roles: int, groups: int) -> None:
    rng = random.Random(20240501)
    role_names = ["Admin"] + [f"team-{i % 40:02d}/svc-{i:05d}" for i in range(1, roles)]

    def create_role(name: str, iam: Any) -> None:
        path, _, leaf = name.rpartition("/")
        trust = TRUSTS[0] if leaf == "Admin" else rng.choice(TRUSTS)
        iam.create_role(RoleName=leaf, Path=f"/{path}/" if path else "/", AssumeRolePolicyDocument=trust)

    def create_group(index: int, iam: Any) -> None:
        name = f"team-{index:03d}"
        targets = [f"arn:aws:iam::{DEV}:role/{n}" for n in rng.sample(role_names, 3)]
        iam.create_group(GroupName=name)
        policy = document({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": targets})
        iam.put_group_policy(GroupName=name, PolicyName="assume", PolicyDocument=policy)

    in_account(DEV, [partial(create_role, name) for name in role_names] + [audit_role])
    in_account(LOGIN, [partial(create_group, i) for i in range(groups)] + [audit_role])


# --- the measurements -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    name: str
    seconds: float
    iam_calls: int
    note: str


def timed(app: RemoteCounts, repeat: int, run: Callable[[], str]) -> tuple[float, int, str]:
    """Best wall time over ``repeat`` runs, the IAM calls of one run, and the note of the last."""
    best, calls, note = float("inf"), 0, ""
    for _ in range(repeat):
        app.reset()
        started = time.perf_counter()
        note = run()
        best = min(best, time.perf_counter() - started)
        calls = app.iam_calls()
    return best, calls, note


def floor(clients: dict[str, Any]) -> str:
    sizes = []
    for account, iam in clients.items():
        pages = iam.get_paginator("get_account_authorization_details").paginate(PaginationConfig={"PageSize": 1000})
        entities = sum(len(page.get(key, [])) for page in pages
                       for key in ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"))
        sizes.append(f"{account}: {entities} entities")
    return "; ".join(sizes)


def xtrust_read() -> str:
    reads = read_accounts([DEV, LOGIN], LiveOptions(assume_role=AUDIT_ROLE))
    failed = [str(read.error) for read in reads if read.error]
    if failed:
        raise SystemExit(f"xtrust read failed: {failed}")
    return "per account: " + ", ".join(f"{read.account} {read.iam_calls} call(s)" for read in reads)


def xtrust_scan() -> str:
    """What ``xtrust scan --assume-role`` does: each account checked as soon as it has been read."""
    from xtrust.cli_live import live_sources
    from xtrust.rules import parse_rules
    from xtrust.scan import scan

    rules = parse_rules(RULES, "bench-rules.yaml")
    report = scan(rules, live_sources(rules.accounts, LiveOptions(assume_role=AUDIT_ROLE)))
    by_rule = Counter(finding.rule for finding in report.findings)
    return f"{len(report.findings)} findings ({', '.join(f'{r} {n}' for r, n in sorted(by_rule.items()))})" + (
        f", {len(report.errors)} errors" if report.errors else "")


def custodian(executable: Path, endpoint: str, workdir: Path) -> str:
    policy = workdir / "policy.json"
    policy.write_text(json.dumps(CUSTODIAN_POLICY))
    output = workdir / "out"
    shutil.rmtree(output, ignore_errors=True)
    env = {**os.environ, "AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION}
    command = [str(executable), "run", "--cache-period", "0", "-r", REGION, "-s", str(output), str(policy)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"custodian exited {done.returncode}: {done.stderr.strip().splitlines()[-1:]}")
    matched = json.loads((output / "iam-role-cross-account" / "resources.json").read_text())
    return f"{len(matched)} roles matched, Dev only, role trust only"


def setup_custodian() -> Path:
    if not (VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(VENV / "bin" / "pip"), "install", "--quiet", "c7n"], check=True)
    return VENV / "bin" / "custodian"


def print_table(rows: list[Row], floor_seconds: float) -> None:
    print(f"{'measurement':<22} {'wall s':>8} {'x floor':>8} {'IAM calls':>10}  note")
    for row in rows:
        print(f"{row.name:<22} {row.seconds:>8.2f} {row.seconds / floor_seconds:>8.2f} {row.iam_calls:>10}  {row.note}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--roles", type=int, default=2000, help="roles in Dev (default 2000)")
    parser.add_argument("--groups", type=int, default=200, help="groups in the login account (default 200)")
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs for each measurement")
    parser.add_argument("--custodian", type=Path, default=VENV / "bin" / "custodian", help="custodian executable")
    parser.add_argument("--setup-c7n", action="store_true", help=f"create {VENV} with c7n first")
    parser.add_argument("--skip-c7n", action="store_true", help="do not run Cloud Custodian")
    args = parser.parse_args()

    executable = setup_custodian() if args.setup_c7n else args.custodian
    workdir = Path(tempfile.mkdtemp(prefix="xtrust-bench-live-"))
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION=REGION,
                      AWS_CONFIG_FILE=str(workdir / "none"), AWS_SHARED_CREDENTIALS_FILE=str(workdir / "none"))
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)
    try:
        with moto_server() as (endpoint, app):
            os.environ["AWS_ENDPOINT_URL"] = endpoint
            started = time.perf_counter()
            seed(args.roles, args.groups)
            print(f"seeded {args.roles} roles in Dev, {args.groups} groups in login in "
                  f"{time.perf_counter() - started:.1f}s (moto server {endpoint})\n")
            clients = {account: session_in(account).client("iam") for account in (DEV, LOGIN)}
            rows = [Row("floor (GAAD x2)", *timed(app, args.repeat, partial(floor, clients)))]
            rows.append(Row("xtrust read_accounts", *timed(app, args.repeat, xtrust_read)))
            rows.append(Row("xtrust read + scan", *timed(app, args.repeat, xtrust_scan)))
            if args.skip_c7n:
                print("Cloud Custodian: skipped (--skip-c7n)")
            elif not executable.exists():
                print(f"Cloud Custodian: not run: {executable} does not exist (run with --setup-c7n)")
            else:
                rows.append(Row("custodian iam-role", *timed(app, args.repeat,
                                                              partial(custodian, executable, endpoint, workdir))))
                iam_ops = app.breakdown("iam")
            print_table(rows, rows[0].seconds)
            if not args.skip_c7n and executable.exists():
                print(f"\ncustodian IAM calls by operation: {iam_ops}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
