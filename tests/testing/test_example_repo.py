"""The example repository of policy documents (examples/policy-repo) passes its own tests, run as a user
would run them: pytest in a fresh process, the xtrust plugin providing the rules fixture."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

EXAMPLE = ROOT / "examples" / "policy-repo"


def run_example(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, where: Path) -> pytest.RunResult:
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    return pytester.runpytest_subprocess("-p", "xtrust.testing", "-p", "no:cacheprovider", "-v", str(where))


def test_the_example_repository_passes(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_example(pytester, monkeypatch, EXAMPLE)
    result.assert_outcomes(passed=5)
    result.stdout.fnmatch_lines(["*test_role_trusts_only_the_login_account?ReadOnly? PASSED*",
                                 "*test_group_assumes_only_listed_roles?CloudOps? PASSED*"])


def test_a_bad_document_in_the_example_repository_fails(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    copy = tmp_path / "policy-repo"
    shutil.copytree(EXAMPLE, copy)
    (copy / "policies" / "trust" / "Vendor.json").write_text(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "444455556666"},'
        ' "Action": "sts:AssumeRole"}]}')
    result = run_example(pytester, monkeypatch, copy)
    result.assert_outcomes(passed=5, failed=1)
    result.stdout.fnmatch_lines(["*counterexample: arn:aws:iam::444455556666:user/any could call sts:AssumeRole*"])
