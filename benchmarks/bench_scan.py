"""Benchmark: ``xtrust scan`` of a large synthetic organisation against a process that only reads the JSON.

The world is one ``get-account-authorization-details`` file per account, as the API returns it: 10,000 roles
over 5 project accounts and 1,000 groups with 2,000 users in the login account (sizes adjustable). Most roles
share a handful of trust documents (the login account, the login account with MFA, service principals) and
some drift (a vendor account, ``*`` "restricted" by source IP or organisation); some trust documents are
unique to their role (named principals). Groups hold inline and managed policies listing role ARNs, role
wildcards, a few AdministratorAccess and Deny + NotResource guards; users belong to 1-3 groups and some have
their own inline policies. Some documents are URL-encoded, as the raw IAM API returns them.

Each measurement runs in a fresh interpreter, best of ``--repeat``, in rounds that take one of each in turn:

- floor: ``json.load`` of every snapshot file, nothing else;
- scan in one process: ``python -m xtrust scan --rules … --snapshot … --format json --output FILE --jobs 1``;
- scan: the same as ``xtrust scan`` runs it by default (one process per CPU for inputs of several MB).

It prints wall seconds, the ratio to the floor, the peak resident memory (of the largest process: the scan's
own or a helper it forked and waited for) and the number of findings.
The target is a scan within 2x of the floor. Timings are printed, never asserted.

    python3 benchmarks/bench_scan.py                       # generate into a temporary folder, measure
    python3 benchmarks/bench_scan.py --out /tmp/world      # keep the world (and the report) there
    python3 benchmarks/bench_scan.py --out /tmp/world --no-generate   # measure an existing world again
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent

LOGIN = "987654321098"
PROJECTS = ("123456789012", "234567890123", "345678901234", "456789012345", "567890123456")
VENDOR = "444455556666"
PARTNER = "777788889999"
ORG_ID = "o-a1b2c3d4e5"
VERSION = "2012-10-17"
URL_ENCODED_PROJECT = PROJECTS[-1]  # this account's documents come URL-encoded, as from the raw API

FLOOR = "import json, sys\nfor path in sys.argv[1:]:\n    with open(path, 'rb') as f:\n        json.load(f)\n"

FUNCTIONS = ("deployer", "readonly", "operator", "lambda-exec", "batch", "etl", "ci", "support", "analyst")
SERVICES = ("ec2.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "glue.amazonaws.com",
            "states.amazonaws.com", "events.amazonaws.com")
READ_ONLY_ACTIONS = [f"{svc}:{verb}*" for svc in (
    "acm", "apigateway", "autoscaling", "cloudformation", "cloudfront", "cloudtrail", "cloudwatch", "codebuild",
    "codecommit", "codedeploy", "codepipeline", "config", "dynamodb", "ec2", "ecr", "ecs", "eks", "elasticache",
    "elasticloadbalancing", "es", "events", "firehose", "glue", "iam", "kinesis", "kms", "lambda", "logs", "rds",
    "redshift", "route53", "s3", "sns", "sqs", "ssm", "states", "sts", "tag", "waf", "xray")
    for verb in ("Describe", "Get", "List")]


# --- documents -----------------------------------------------------------------------------------


def _doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": VERSION, "Statement": list(statements)}


def _trust(principal: Any, condition: dict[str, Any] | None = None, sid: str | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {}
    if sid:
        statement["Sid"] = sid
    statement.update({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"})
    if condition:
        statement["Condition"] = condition
    return _doc(statement)


def _allow_assume(resources: list[str] | str, sid: str | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {"Sid": sid} if sid else {}
    statement.update({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": resources})
    return statement


def _encode(document: dict[str, Any]) -> str:
    """The raw IAM API form: compact JSON, URL-encoded (RFC 3986)."""
    return quote(json.dumps(document, separators=(",", ":")), safe="")


def _shared_trusts(project: str) -> list[tuple[float, dict[str, Any]]]:
    """(weight, document): the trust documents many roles of one account share, drift included."""
    login_root = f"arn:aws:iam::{LOGIN}:root"
    return [
        (40.0, _trust({"AWS": login_root})),
        (12.0, _trust({"AWS": login_root}, {"Bool": {"aws:MultiFactorAuthPresent": "true"}})),
        (4.0, _trust({"AWS": LOGIN})),  # a bare account ID, as the console sometimes writes it
        (3.0, _trust({"AWS": login_root}, {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}, "RecentMFA")),
        (6.0, _trust({"Service": "ec2.amazonaws.com"})),
        (6.0, _trust({"Service": "lambda.amazonaws.com"})),
        (3.0, _trust({"Service": "ecs-tasks.amazonaws.com"})),
        (1.0, _trust({"Service": ["lambda.amazonaws.com", "edgelambda.amazonaws.com"]})),
        (1.0, _trust({"Service": "states.amazonaws.com"}, {"StringEquals": {"aws:SourceAccount": project}})),
        # drift
        (0.6, _trust({"AWS": [login_root, VENDOR]})),
        (0.5, _trust({"AWS": f"arn:aws:iam::{VENDOR}:root"}, {"StringEquals": {"sts:ExternalId": "vendor-7731"}})),
        (0.4, _trust("*", {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.0/24"]}}, "OfficeOnly")),
        (0.4, _trust({"AWS": "*"}, {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}})),
        (0.3, _trust({"AWS": "*"}, {"StringEquals": {"aws:PrincipalAccount": LOGIN}})),  # compliant
        (0.3, _trust({"AWS": [login_root, f"arn:aws:iam::{project}:root"]})),
        (0.2, _trust({"Federated": f"arn:aws:iam::{project}:saml-provider/Okta"},
                     {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}})),
        (0.2, _doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"},
                    "Action": ["sts:AssumeRole", "sts:TagSession"]},
                   {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
                    "Condition": {"StringNotEquals": {"aws:PrincipalAccount": LOGIN}}})),  # the Deny makes it safe
    ]


def _named_trust(rng: random.Random, project: str, role: str, users: list[str]) -> dict[str, Any]:
    """A trust document of its own: the people and pipelines allowed to use this one role."""
    named = [f"arn:aws:iam::{LOGIN}:role/ci/{role}-pipeline"]
    named += [f"arn:aws:iam::{LOGIN}:user/{rng.choice(users)}" for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.08:  # drift: a principal of another project account
        other = rng.choice([p for p in PROJECTS if p != project])
        named.append(f"arn:aws:iam::{other}:role/{role}")
    condition = {"Bool": {"aws:MultiFactorAuthPresent": "true"}} if rng.random() < 0.3 else None
    return _trust({"AWS": sorted(set(named))}, condition)


# --- accounts ------------------------------------------------------------------------------------


def _stamp(rng: random.Random) -> str:
    return f"20{rng.randint(18, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:" \
           f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z"


def _unique_id(rng: random.Random, prefix: str) -> str:
    return prefix + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(17))


def _aws_policy(name: str, document: dict[str, Any], rng: random.Random, encode: bool) -> dict[str, Any]:
    return {
        "PolicyName": name, "PolicyId": _unique_id(rng, "ANPA"), "Arn": f"arn:aws:iam::aws:policy/{name}",
        "Path": "/", "DefaultVersionId": "v3", "AttachmentCount": rng.randint(1, 40),
        "PermissionsBoundaryUsageCount": 0, "IsAttachable": True, "CreateDate": _stamp(rng),
        "UpdateDate": _stamp(rng),
        "PolicyVersionList": [{"Document": _encode(document) if encode else document, "VersionId": "v3",
                               "IsDefaultVersion": True, "CreateDate": _stamp(rng)}],
    }


def _managed(arn: str, name: str, versions: list[dict[str, Any]], rng: random.Random,
             encode: bool) -> dict[str, Any]:
    listed = []
    for i, document in enumerate(versions, 1):
        listed.append({"Document": _encode(document) if encode else document, "VersionId": f"v{i}",
                       "IsDefaultVersion": i == len(versions), "CreateDate": _stamp(rng)})
    return {
        "PolicyName": name, "PolicyId": _unique_id(rng, "ANPA"), "Arn": arn, "Path": "/",
        "DefaultVersionId": f"v{len(versions)}", "AttachmentCount": rng.randint(1, 200),
        "PermissionsBoundaryUsageCount": 0, "IsAttachable": True, "CreateDate": _stamp(rng),
        "UpdateDate": _stamp(rng), "PolicyVersionList": list(reversed(listed)),
    }


ADMIN = _doc({"Effect": "Allow", "Action": "*", "Resource": "*"})
READ_ONLY = _doc({"Effect": "Allow", "Action": READ_ONLY_ACTIONS, "Resource": "*"})


def project_account(project: str, roles: int, users: list[str], seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    encode = project == URL_ENCODED_PROJECT
    shared = _shared_trusts(project)
    weights = [w for w, _ in shared]
    role_list = []
    bucket_inline = _doc({"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                          "Resource": f"arn:aws:s3:::data-{project}/*"})
    for i in range(roles):
        if i < 3:
            name, path = ("Admin", "ReadOnly", "Deployer")[i], "/"
            trust = _trust({"AWS": f"arn:aws:iam::{LOGIN}:root"}, {"Bool": {"aws:MultiFactorAuthPresent": "true"}})
        elif rng.random() < 0.02:
            service = rng.choice(SERVICES)
            name, path = f"AWSServiceRoleFor{service.split('.')[0].title()}{i}", f"/aws-service-role/{service}/"
            trust = _trust({"Service": service})
        else:
            name = f"team-{rng.randrange(1000):04d}-{rng.choice(FUNCTIONS)}-{i}"
            path = rng.choice(("/", "/", "/", "/teams/", "/apps/"))
            trust = _named_trust(rng, project, name, users) if rng.random() < 0.15 else \
                rng.choices(shared, weights)[0][1]
        inline = []
        if rng.random() < 0.25:
            inline.append({"PolicyName": "data-access", "PolicyDocument": _encode(bucket_inline) if encode else
                           bucket_inline})
        attached = [{"PolicyName": n, "PolicyArn": f"arn:aws:iam::aws:policy/{n}"}
                    for n in rng.sample(("ReadOnlyAccess", "AdministratorAccess", "AmazonS3ReadOnlyAccess"),
                                        rng.randint(0, 2))]
        role_list.append({
            "Path": path, "RoleName": name, "RoleId": _unique_id(rng, "AROA"),
            "Arn": f"arn:aws:iam::{project}:role{path}{name}", "CreateDate": _stamp(rng),
            "AssumeRolePolicyDocument": _encode(trust) if encode else trust,
            "Description": f"{name} ({rng.choice(FUNCTIONS)})", "MaxSessionDuration": rng.choice((3600, 43200)),
            "InstanceProfileList": [], "RolePolicyList": inline, "AttachedManagedPolicies": attached,
            "Tags": [{"Key": "team", "Value": name[:9]}, {"Key": "cost-center", "Value": str(rng.randint(100, 999))}],
            "RoleLastUsed": {"LastUsedDate": _stamp(rng), "Region": rng.choice(("eu-west-1", "us-east-1"))},
        })
    policies = [
        _aws_policy("AdministratorAccess", ADMIN, rng, encode),
        _aws_policy("ReadOnlyAccess", READ_ONLY, rng, encode),
        _aws_policy("AmazonS3ReadOnlyAccess", _doc({"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"],
                                                    "Resource": "*"}), rng, encode),
    ]
    return {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": role_list, "Policies": policies,
            "IsTruncated": False}


def login_account(groups: int, users: int, seed: int) -> tuple[dict[str, Any], list[str]]:
    rng = random.Random(seed)
    names = [f"{rng.choice(('ana', 'ben', 'chen', 'dara', 'eli', 'fay', 'gus', 'hana', 'ivo', 'jo'))}."
             f"{rng.choice(('smith', 'ng', 'rossi', 'khan', 'meyer', 'silva', 'kim', 'okafor'))}{i}"
             for i in range(users)]
    policy_arn = f"arn:aws:iam::{LOGIN}:policy"
    managed = []
    for project in PROJECTS:  # one customer-managed policy per project and function, some with older versions
        for function in ("Admin", "ReadOnly", "Deployer"):
            arn = f"{policy_arn}/Assume-{project}-{function}"
            current = _doc(_allow_assume(f"arn:aws:iam::{project}:role/{function}"))
            older = [_doc(_allow_assume(f"arn:aws:iam::{project}:role/*"))] if function == "Admin" else []
            managed.append(_managed(arn, f"Assume-{project}-{function}", [*older, current], rng, False))
        managed.append(_managed(f"{policy_arn}/Assume-{project}-teams", f"Assume-{project}-teams",
                                [_doc(_allow_assume(f"arn:aws:iam::{project}:role/teams/*"))], rng, False))
    guard = _doc(_allow_assume("*"), {
        "Sid": "OnlyProjectRoles", "Effect": "Deny", "Action": "sts:AssumeRole",
        "NotResource": [f"arn:aws:iam::{p}:role/team-*" for p in PROJECTS]})
    managed.append(_managed(f"{policy_arn}/AssumeTeamRolesOnly", "AssumeTeamRolesOnly", [guard], rng, False))
    managed.append(_managed(f"{policy_arn}/SelfService", "SelfService", [_doc(
        {"Effect": "Allow", "Action": ["iam:ChangePassword", "iam:GetUser", "iam:*AccessKey*", "iam:*MFADevice*"],
         "Resource": "arn:aws:iam::*:user/${aws:username}"})], rng, False))
    managed.append(_aws_policy("AdministratorAccess", ADMIN, rng, False))
    managed.append(_aws_policy("ReadOnlyAccess", READ_ONLY, rng, False))
    project_arns = [m["Arn"] for m in managed if "/Assume-" in m["Arn"]]

    group_list = []
    for g in range(groups):
        team = f"team-{g:04d}"
        project = rng.choice(PROJECTS)
        r = rng.random()
        if r < 0.004:
            statement = _allow_assume("*")
        elif r < 0.03:
            statement = _allow_assume(f"arn:aws:iam::{project}:role/*")
        elif r < 0.05:
            statement = _allow_assume(f"arn:aws:iam::{rng.choice(PROJECTS)}:role/{team}-*-?")
        else:
            functions = rng.sample(FUNCTIONS, rng.randint(1, 4))
            statement = _allow_assume([f"arn:aws:iam::{project}:role/{team}-{f}-*" for f in functions], "TeamRoles")
        document = _doc(statement)
        inline = [{"PolicyName": f"{team}-assume",
                   "PolicyDocument": _encode(document) if rng.random() < 0.35 else document}]
        attached_arns = rng.sample(project_arns, rng.randint(0, 2))
        if rng.random() < 0.3:
            attached_arns.append(f"{policy_arn}/SelfService")
        if rng.random() < 0.1:
            attached_arns.append(f"{policy_arn}/AssumeTeamRolesOnly")
        if rng.random() < 0.005:
            attached_arns.append("arn:aws:iam::aws:policy/AdministratorAccess")
        if rng.random() < 0.05:
            attached_arns.append("arn:aws:iam::aws:policy/ReadOnlyAccess")
        group_list.append({
            "Path": rng.choice(("/", "/teams/")), "GroupName": team, "GroupId": _unique_id(rng, "AGPA"),
            "Arn": f"arn:aws:iam::{LOGIN}:group/{team}", "CreateDate": _stamp(rng), "GroupPolicyList": inline,
            "AttachedManagedPolicies": [{"PolicyName": a.rsplit("/", 1)[1], "PolicyArn": a} for a in attached_arns],
        })
    user_list = []
    for name in names:
        inline = []
        if rng.random() < 0.1:
            project = rng.choice(PROJECTS)
            document = _doc(_allow_assume(f"arn:aws:iam::{project}:role/user-${{aws:username}}")) \
                if rng.random() < 0.5 else _doc(_allow_assume(f"arn:aws:iam::{project}:role/ReadOnly"))
            inline.append({"PolicyName": "personal",
                           "PolicyDocument": _encode(document) if rng.random() < 0.5 else document})
        attached = [f"{policy_arn}/SelfService"] if rng.random() < 0.2 else []
        user_list.append({
            "Path": "/", "UserName": name, "UserId": _unique_id(rng, "AIDA"),
            "Arn": f"arn:aws:iam::{LOGIN}:user/{name}", "CreateDate": _stamp(rng), "UserPolicyList": inline,
            "GroupList": [f"team-{rng.randrange(groups):04d}" for _ in range(rng.randint(1, 3))],
            "AttachedManagedPolicies": [{"PolicyName": a.rsplit("/", 1)[1], "PolicyArn": a} for a in attached],
            "Tags": [{"Key": "email", "Value": f"{name}@example.com"}],
        })
    return {"UserDetailList": user_list, "GroupDetailList": group_list, "RoleDetailList": [],
            "Policies": managed, "IsTruncated": False}, names


def rules_text() -> str:
    roles = [f"arn:aws:iam::{p}:role/{name}" for p in PROJECTS for name in ("Admin", "ReadOnly", "Deployer", "team-*")]
    lines = ["# Rules for the synthetic world of benchmarks/bench_scan.py.", "version: 1", "accounts:",
             f'  login: "{LOGIN}"', f"  projects: [{', '.join(json.dumps(p) for p in PROJECTS)}]", "rules:",
             "  - id: trust-only-login-account", "    check: role-trust", "    severity: high", "    allow:",
             f'      principals: ["arn:aws:iam::{LOGIN}:root"]', '      services: ["*"]',
             "  - id: assume-only-listed-roles", "    check: identity-assume", "    severity: high", "    allow:",
             "      roles:"]
    lines += [f'        - "{arn}"' for arn in roles]
    return "\n".join(lines) + "\n"


def generate(out: Path, roles: int, groups: int, users: int, seed: int) -> list[Path]:
    """Write the world (one file per account) and its rules into ``out``; return the snapshot paths."""
    out.mkdir(parents=True, exist_ok=True)
    login, names = login_account(groups, users, seed)
    paths = [out / f"login-{LOGIN}.json"]
    _write(paths[0], login)
    per_project = [roles // len(PROJECTS) + (1 if i < roles % len(PROJECTS) else 0) for i in range(len(PROJECTS))]
    for i, (project, count) in enumerate(zip(PROJECTS, per_project, strict=True)):
        path = out / f"project-{project}.json"
        _write(path, project_account(project, count, names, seed + i + 1))
        paths.append(path)
    (out / "rules.yaml").write_text(rules_text(), encoding="utf-8")
    return paths


def _write(path: Path, data: dict[str, Any]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=4, default=str)  # the AWS CLI's layout


# --- measuring -----------------------------------------------------------------------------------


def run(command: list[str], expect: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """Run one fresh process; return (wall seconds, peak resident MB of that process)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # import from cached bytecode, as an installed package does
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    error = child.stderr.read().decode(errors="replace") if child.stderr else ""
    if child.stderr:
        child.stderr.close()
    if child.returncode not in expect:
        raise SystemExit(f"{' '.join(command[:4])} … exited {child.returncode}:\n{error}")
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB elsewhere
    return wall, usage.ru_maxrss * scale / 1e6


def measure(out: Path, paths: list[Path], repeat: int) -> Iterator[tuple[str, float, float, float, str]]:
    """Each measurement ``repeat`` times, in rounds that take one of each in turn: the speed of a shared
    machine drifts from minute to minute, and the floor and the scans should see the same drift. For each:
    the best wall time, the peak memory, and the median over the rounds of its time over the floor's in the
    same round (steadier than a ratio of two bests, which may come from minutes apart)."""
    files = [str(p) for p in paths]
    report = out / "report.json"
    scan = [sys.executable, "-m", "xtrust", "scan", "--rules", str(out / "rules.yaml"), "--snapshot", *files,
            "--format", "json", "--output", str(report)]
    commands = {
        "json.load (floor)": ([sys.executable, "-c", FLOOR, *files], (0,)),
        "xtrust scan --jobs 1": ([*scan, "--jobs", "1"], (0, 1)),
        "xtrust scan": (scan, (0, 1)),
    }
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, (command, expect) in commands.items():
            results[name].append(run(command, expect))
    data = json.loads(report.read_text(encoding="utf-8"))
    found = f"{len(data['findings'])} ({len(data['errors'])} errors)"
    floors = [r[0] for r in results["json.load (floor)"]]
    for name, runs in results.items():
        ratio = statistics.median(r[0] / floor for r, floor in zip(runs, floors, strict=True))
        yield (name, min(r[0] for r in runs), max(r[1] for r in runs), ratio,
               "-" if name.startswith("json") else found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="folder for the world (default: a temporary folder)")
    parser.add_argument("--no-generate", action="store_true", help="measure the world already in --out")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the best counts (3)")
    parser.add_argument("--roles", type=int, default=10_000, help="roles over the 5 project accounts (10000)")
    parser.add_argument("--groups", type=int, default=1_000, help="groups in the login account (1000)")
    parser.add_argument("--users", type=int, default=2_000, help="users in the login account (2000)")
    parser.add_argument("--seed", type=int, default=20240301, help="random seed of the world")
    args = parser.parse_args(argv)
    if args.no_generate and not args.out:
        parser.error("--no-generate needs --out")
    with tempfile.TemporaryDirectory(prefix="xtrust-bench-") as scratch:
        out = args.out or Path(scratch)
        if args.no_generate:
            paths = sorted(out.glob("login-*.json")) + sorted(out.glob("project-*.json"))
        else:
            paths = generate(out, args.roles, args.groups, args.users, args.seed)
        size = sum(p.stat().st_size for p in paths) / 1e6
        print(f"world: {args.roles} roles over {len(PROJECTS)} project accounts, {args.groups} groups and "
              f"{args.users} users in the login account; {len(paths)} files, {size:.1f} MB (best of {args.repeat})")
        rows = list(measure(out, paths, args.repeat))
        floor = rows[0][1]
        print(f"{'':<20} {'wall s':>8} {'x floor':>8} {'x round':>8} {'peak MB':>8}  findings")
        for name, wall, mb, ratio, found in rows:
            print(f"{name:<20} {wall:>8.3f} {wall / floor:>8.2f} {ratio:>8.2f} {mb:>8.1f}  {found}")
        best_ratio, round_ratio = rows[-1][1] / floor, rows[-1][3]
        print(f"target: scan within 2x of the floor -> {'met' if max(best_ratio, round_ratio) <= 2 else 'not met'} "
              f"({best_ratio:.2f}x best over best, {round_ratio:.2f}x median round)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
