"""Decisions per second of the evaluator on realistic trust and identity policies.

Not a test: run it by hand (``python benchmarks/bench_evaluate.py``) and compare figures on one machine.
Each row decides one ``sts:AssumeRole`` request over and over for about ``--seconds`` and reports two rates:

- ``parsed``: ``decide()`` on documents parsed once (how the rule checks use the evaluator);
- ``raw``: ``can_assume()`` on the documents as dicts, parsing included (a one-off library call).

Pure standard library timing (``time.perf_counter``); the best of ``--repeat`` rounds is shown.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xtrust import can_assume
from xtrust.callers import parse_caller, parse_role
from xtrust.evaluate import build_context, decide
from xtrust.model import PolicyKind, parse_policy

L, D, X = "987654321098", "123456789012", "555555555555"
ROLE = f"arn:aws:iam::{D}:role/Admin"
ALICE = f"arn:aws:iam::{L}:user/michael.ludvig"
SESSION = f"arn:aws:sts::{L}:assumed-role/CI/build-42"
V = "2012-10-17"

SEED_TRUST = {"Version": V, "Statement": [
    {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{L}:root"}}]}
SEED_GROUP = {"Version": V, "Statement": [
    {"Effect": "Allow", "Action": ["sts:AssumeRole"], "Resource": [ROLE]}]}

CONDITIONS_TRUST = {"Version": V, "Statement": [
    {"Sid": "People", "Effect": "Allow",
     "Principal": {"AWS": [f"arn:aws:iam::{L}:root", f"arn:aws:iam::{L}:role/ops/Deployer", X]},
     "Action": ["sts:AssumeRole", "sts:TagSession"],
     "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"},
                   "NumericLessThan": {"aws:MultiFactorAuthAge": 3600},
                   "StringEquals": {"aws:PrincipalOrgID": "o-abc123"},
                   "IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]},
                   "ForAllValues:StringEquals": {"aws:TagKeys": ["team", "cost-center"]}}},
    {"Sid": "Vendor", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{X}:role/vendor/Audit"},
     "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "f00d-cafe"}}},
    {"Sid": "Compute", "Effect": "Allow", "Principal": {"Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]},
     "Action": "sts:AssumeRole"},
]}
CONDITIONS_CONTEXT = {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "120",
                      "aws:PrincipalOrgID": "o-abc123", "aws:SourceIp": "203.0.113.7",
                      "aws:RequestTag/team": "blue", "aws:TagKeys": ["team"]}

DENY_NOTPRINCIPAL_TRUST = {"Version": V, "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole",
     "Condition": {"StringEquals": {"aws:PrincipalAccount": [L, D]}}},
    {"Effect": "Deny",
     "NotPrincipal": {"AWS": [f"arn:aws:iam::{L}:root", f"arn:aws:iam::{L}:user/michael.ludvig",
                              f"arn:aws:iam::{L}:role/CI", SESSION]},
     "Action": "sts:AssumeRole"},
    {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sts:*",
     "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}},
]}

ROLE_LIST_IDENTITY = {"Version": V, "Statement": [
    {"Sid": "Projects", "Effect": "Allow", "Action": "sts:AssumeRole",
     "Resource": [f"arn:aws:iam::{1000_0000_0000 + i}:role/{name}" for i in range(25)
                  for name in ("ReadOnly", "Deployer")] + [ROLE]},
]}
WILDCARD_IDENTITY = {"Version": V, "Statement": [
    {"Effect": "Allow", "Action": ["sts:Assume*", "sts:TagSession"],
     "Resource": ["arn:aws:iam::*:role/team/*", f"arn:aws:iam::{D}:role/Adm?n", "arn:aws:iam::*:role/*-ReadOnly"]},
    {"Effect": "Deny", "Action": "sts:*", "NotResource": f"arn:aws:iam::{D}:role/*"},
    {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*",
     "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}},
]}
VARIABLE_IDENTITY = {"Version": V, "Statement": [
    {"Effect": "Allow", "Action": "sts:AssumeRole",
     "Resource": [f"arn:aws:iam::{D}:role/${{aws:username}}", "arn:aws:iam::*:role/${aws:PrincipalTag/team}-*",
                  f"arn:aws:iam::{D}:role/Admin"]},
]}


@dataclass(frozen=True)
class Bench:
    name: str
    principal: str
    trust: dict[str, Any]
    identity: tuple[dict[str, Any], ...] = ()
    context: dict[str, Any] | None = None


BENCHES = (
    Bench("seed trust + seed group policy", ALICE, SEED_TRUST, (SEED_GROUP,)),
    Bench("conditions, several principals, tags", ALICE, CONDITIONS_TRUST, (WILDCARD_IDENTITY,), CONDITIONS_CONTEXT),
    Bench("Deny + NotPrincipal (session)", SESSION, DENY_NOTPRINCIPAL_TRUST, (SEED_GROUP,),
          {"aws:MultiFactorAuthPresent": "true"}),
    Bench("identity: 51 role ARNs", ALICE, SEED_TRUST, (ROLE_LIST_IDENTITY,)),
    Bench("identity: wildcards + NotResource", ALICE, SEED_TRUST, (WILDCARD_IDENTITY,)),
    Bench("identity: policy variables", ALICE, SEED_TRUST, (VARIABLE_IDENTITY,), {"aws:PrincipalTag/team": "blue"}),
    Bench("all identity policies at once", ALICE, CONDITIONS_TRUST,
          (SEED_GROUP, ROLE_LIST_IDENTITY, WILDCARD_IDENTITY, VARIABLE_IDENTITY), CONDITIONS_CONTEXT),
)


def rate(run: Callable[[], object], seconds: float, repeat: int) -> float:
    """Best calls per second over ``repeat`` rounds of about ``seconds`` each."""
    best = 0.0
    for _ in range(repeat):
        calls, start = 0, time.perf_counter()
        deadline = start + seconds
        while True:
            for _ in range(100):
                run()
            calls += 100
            now = time.perf_counter()
            if now >= deadline:
                break
        best = max(best, calls / (now - start))
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.5, help="time per round (default 0.5)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per row; the best is shown (default 3)")
    args = parser.parse_args(argv)

    print(f"{'request':<40} {'decision':<10} {'parsed/s':>11} {'raw/s':>10}")
    print("-" * 74)
    for bench in BENCHES:
        caller, role = parse_caller(bench.principal), parse_role(ROLE)
        trust = parse_policy(bench.trust, kind=PolicyKind.TRUST)
        identity = [parse_policy(doc, kind=PolicyKind.IDENTITY) for doc in bench.identity]
        context = build_context(caller, bench.context)
        outcome = decide(caller, role, trust, identity, context)

        def parsed(caller=caller, role=role, trust=trust, identity=identity, context=context) -> object:
            return decide(caller, role, trust, identity, context)

        def raw(bench: Bench = bench) -> object:
            return can_assume(bench.principal, ROLE, trust_policy=bench.trust, identity_policies=bench.identity,
                              context=bench.context)

        verdict = "allowed" if outcome.allowed else "denied"
        print(f"{bench.name:<40} {verdict:<10} {rate(parsed, args.seconds, args.repeat):>11,.0f} "
              f"{rate(raw, args.seconds, args.repeat):>10,.0f}")
    print(f"\nPython {sys.version.split()[0]}; best of {args.repeat} rounds of {args.seconds}s each.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
