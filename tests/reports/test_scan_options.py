"""`xtrust scan` report options: --format lists, --output-dir, --fail-on thresholds and their exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from xtrust.cli import main
from xtrust.report import FORMATS, report_filename

from .conftest import ROOT, RULES, SUPPRESSIONS, WORLD

SCAN = ["scan", "--rules", str(RULES), "--snapshot", *map(str, WORLD)]


@pytest.mark.parametrize("spelling", [
    ["--format", "json,sarif,junit,markdown,html,text"],
    ["--format", "json,sarif", "--format", "junit", "--format", "markdown,html,text"]],
                         ids=["comma-list", "repeated"])
def test_several_formats_into_a_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          spelling: list[str]) -> None:
    out = tmp_path / "new" / "dir"
    assert main([*SCAN, *spelling, "--output-dir", str(out)]) == 1
    assert capsys.readouterr().out == ""
    assert sorted(p.name for p in out.iterdir()) == sorted(report_filename(n) for n in FORMATS)
    assert json.loads((out / "xtrust-report.json").read_text())["version"] == 1


def test_one_format_to_a_directory(tmp_path: Path) -> None:
    assert main([*SCAN, "--format", "sarif", "--output-dir", str(tmp_path)]) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["xtrust-report.sarif"]


def test_default_is_text_on_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(SCAN) == 1
    assert capsys.readouterr().out.startswith("xtrust scan of 2 account(s)")


def test_reports_are_readable_like_any_new_file(tmp_path: Path) -> None:
    import os

    umask = os.umask(0o022)
    try:
        main([*SCAN, "--format", "json", "--output", str(tmp_path / "r.json")])
    finally:
        os.umask(umask)
    assert (tmp_path / "r.json").stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize(("argv", "message"), [
    (["--format", "json,pdf"], "unknown format pdf"),
    (["--format", ","], "unknown format"),
    (["--format", "json,sarif"], "2 formats need --output-dir"),
    (["--output", "x.json", "--output-dir", "d"], "not both"),
    (["--fail-on", "severe"], "invalid choice: 'severe'"),
], ids=["unknown", "empty", "several-to-stdout", "output-and-dir", "bad-severity"])
def test_bad_options_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch, argv: list[str], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    try:
        code = main([*SCAN, *argv])
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err
    assert list(tmp_path.iterdir()) == []


# The example world has 6 high findings; with its suppression file, 5 high (one suppressed) and 1 medium
# (the expired suppression).
@pytest.mark.parametrize(("fail_on", "suppressed", "code"), [
    (None, False, 1), ("info", False, 1), ("high", False, 1), ("critical", False, 0),
    ("high", True, 1), ("medium", True, 1), ("critical", True, 0),
], ids=["default", "info", "high", "critical", "high-suppressed", "medium-suppressed", "critical-suppressed"])
def test_fail_on_thresholds(capsys: pytest.CaptureFixture[str], fail_on: str | None, suppressed: bool,
                            code: int) -> None:
    argv = [*SCAN] + (["--fail-on", fail_on] if fail_on else []) + (
        ["--suppressions", str(SUPPRESSIONS)] if suppressed else [])
    assert main(argv) == code
    capsys.readouterr()


def test_fail_on_counts_only_what_is_at_or_above(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Suppress every finding but leave one expired entry (medium): fails at medium, passes at high."""
    path = tmp_path / "s.yaml"
    path.write_text('suppressions:\n  - resource: "arn:aws:iam::*"\n    reason: "r"\n    expires: "2099-12-31"\n'
                    '  - id: "0000000000000000"\n    reason: "old"\n    expires: "2000-01-01"\n')
    base = [*SCAN, "--suppressions", str(path)]
    assert main([*base, "--fail-on", "medium"]) == 1
    assert main([*base, "--fail-on", "high"]) == 0
    assert main([*base, "--fail-on", "low"]) == 1
    capsys.readouterr()


def test_incomplete_scan_exits_3_whatever_the_threshold(capsys: pytest.CaptureFixture[str]) -> None:
    only_login = [str(p) for p in WORLD if "login" in p.name]
    assert main(["scan", "--rules", str(RULES), "--snapshot", *only_login, "--fail-on", "critical"]) == 3
    capsys.readouterr()


def test_no_traceback_through_the_real_entry_point(tmp_path: Path) -> None:
    bad = tmp_path / "s.yaml"
    bad.write_text("suppressions: [")
    done = subprocess.run([sys.executable, "-m", "xtrust", *SCAN, "--suppressions", str(bad)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 2
    assert done.stdout == "" and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
