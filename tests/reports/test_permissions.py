"""The README's least-privilege IAM policies, ``xtrust.permissions`` and the boto3 calls in the code agree.

Every ``<!-- permissions: COMMAND -->`` marker in the README precedes a JSON policy; the actions those
policies grant, per command, must be exactly ``REQUIRED_ACTIONS[COMMAND]``; and every AWS call the
command's modules make (a boto3 client method or paginator of IAM, STS or Organizations) must be in it.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore import xform_name

from xtrust.permissions import CALLING_MODULES, NO_PERMISSION_NEEDED, REQUIRED_ACTIONS

from .conftest import ROOT

MARKED = re.compile(r"<!-- permissions: (?P<command>[^>]+?) -->\s*```json\n(?P<body>.*?)```", re.S)
SERVICES = ("iam", "sts", "organizations")


def readme_policies() -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for match in MARKED.finditer((ROOT / "README.md").read_text(encoding="utf-8")):
        found.setdefault(match["command"], []).append(json.loads(match["body"]))
    return found


def granted(policies: list[dict[str, Any]]) -> set[str]:
    actions: set[str] = set()
    for policy in policies:
        for statement in policy["Statement"]:
            assert statement["Effect"] == "Allow"
            assert "NotAction" not in statement and "NotResource" not in statement
            value = statement["Action"]
            actions.update([value] if isinstance(value, str) else value)
    return actions


def operations() -> dict[str, set[str]]:
    """boto3 method name (and paginator name) → the IAM actions of that name, from botocore's models."""
    session = botocore.session.get_session()
    table: dict[str, set[str]] = {}
    for service in SERVICES:
        model = session.get_service_model(service)
        prefix = model.metadata.get("signingName", service)
        for name in model.operation_names:
            table.setdefault(xform_name(name), set()).add(f"{prefix}:{name}")
    return table


def calls_in(module: str, table: dict[str, set[str]]) -> Iterator[str]:
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None, module
    for node in ast.walk(ast.parse(Path(spec.origin).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if name == "get_paginator" and node.args and isinstance(node.args[0], ast.Constant):
                name = str(node.args[0].value)
            yield from table.get(name, ())


def test_readme_has_policies_for_every_command() -> None:
    assert set(readme_policies()) == set(REQUIRED_ACTIONS)


@pytest.mark.parametrize("command", list(REQUIRED_ACTIONS))
def test_readme_grants_exactly_the_required_actions(command: str) -> None:
    assert granted(readme_policies()[command]) == set(REQUIRED_ACTIONS[command])


@pytest.mark.parametrize("command", list(REQUIRED_ACTIONS))
def test_required_actions_are_real_iam_actions(command: str) -> None:
    known = {action for actions in operations().values() for action in actions}
    assert set(REQUIRED_ACTIONS[command]) <= known


@pytest.mark.parametrize("command", list(CALLING_MODULES))
def test_every_call_the_code_makes_is_listed(command: str) -> None:
    table = operations()
    made = {action for module in CALLING_MODULES[command] for action in calls_in(module, table)}
    assert made, f"no AWS calls found in {CALLING_MODULES[command]}: is the module list current?"
    missing = made - set(REQUIRED_ACTIONS[command]) - set(NO_PERMISSION_NEEDED)
    assert not missing, (f"{command} calls {sorted(missing)}: add them to xtrust/permissions.py and to the "
                         "README's policies")


def test_scan_reads_and_never_writes() -> None:
    read_only = re.compile(r":(Get|List|Describe|AssumeRole$)")
    assert all(read_only.search(action) for action in REQUIRED_ACTIONS["scan"])
