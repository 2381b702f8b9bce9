"""What reaches a file or a terminal from input xtrust does not control: every report is valid UTF-8 whatever
the snapshot holds, a value moves no cursor, an error stays on one line of bounded length, a set of reports
is written whole or not at all, and a link, a pipe or a device given as the output stays what it is."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from xtrust._files import write_all
from xtrust._printable import one_line, printable
from xtrust.cli import main

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules" / "seed.yaml"
LOGIN = ROOT / "examples" / "world" / "login-987654321098.json"
DEV = ROOT / "examples" / "world" / "dev-123456789012.json"
FORMATS = ("text", "json", "sarif", "junit", "markdown", "html")


def _dev_with(text: str, tmp: Path) -> str:
    """The example Dev account with a role whose trust policy asks for the external ID ``text`` (written as a
    JSON escape), which its proof then shows."""
    data: dict[str, Any] = json.loads(DEV.read_text())
    role = next(r for r in data["RoleDetailList"] if r["RoleName"] == "Deployer")
    role["AssumeRolePolicyDocument"]["Statement"][0]["Condition"] = {"StringEquals": {"sts:ExternalId": text}}
    path = tmp / "dev-123456789012.json"
    path.write_text(json.dumps(data))  # ensure_ascii: a lone surrogate is the escape \udc80
    return str(path)


@pytest.mark.parametrize("name", ["Deplo\udc80yer", "Deplo\ud800yer"], ids=["low-surrogate", "high-surrogate"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_lone_surrogate_in_the_input_gives_valid_utf8_reports(tmp_path: Path, name: str, fmt: str) -> None:
    dev = _dev_with(name, tmp_path)
    out = tmp_path / f"report.{fmt}"
    assert main(["scan", "--rules", str(RULES), "--snapshot", dev, str(LOGIN), "--format", fmt, "--output",
                 str(out)]) == 1
    text = out.read_bytes().decode("utf-8")  # raises if not UTF-8
    assert "\\ud" in text  # the lone surrogate as its escape
    if fmt in ("json", "sarif"):
        json.loads(text)


@pytest.mark.parametrize("locale", ["C.UTF-8", "C"])
def test_a_lone_surrogate_on_standard_output_is_escaped(tmp_path: Path, locale: str) -> None:
    """Under the C locale Python writes a lone surrogate as the byte it stands for (surrogateescape), which is
    no UTF-8; the command escapes it instead, on any locale."""
    dev = _dev_with("Deplo\udc80yer", tmp_path)
    for fmt in ("text", "sarif"):
        done = subprocess.run([sys.executable, "-m", "xtrust", "scan", "--rules", str(RULES), "--snapshot", dev,
                               str(LOGIN), "--format", fmt], capture_output=True, timeout=120,
                              env={**os.environ, "PYTHONPATH": str(ROOT), "LC_ALL": locale, "PYTHONIOENCODING": ""})
        assert done.returncode == 1, done.stderr
        assert "\\udc80" in done.stdout.decode("utf-8")


def test_control_characters_from_the_input_are_shown_as_escapes(capsys: pytest.CaptureFixture[str],
                                                                tmp_path: Path) -> None:
    dev = json.loads(DEV.read_text())
    role = next(r for r in dev["RoleDetailList"] if r["RoleName"] == "Deployer")
    role["AssumeRolePolicyDocument"]["Statement"][0]["Condition"] = {
        "StringEquals": {"sts:ExternalId": "\x1b[2J\rall good\u2028"}}
    (tmp_path / "dev.json").write_text(json.dumps(dev))
    assert main(["scan", "--rules", str(RULES), "--snapshot", str(tmp_path / "dev.json"), str(LOGIN)]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\r" not in out and "\u2028" not in out
    assert "\\x1b[2J\\rall good\\u2028" in out


@pytest.mark.parametrize(("text", "expected"), [
    ("plain", "plain"),
    ("a\nb", "a\\nb"),
    ("a\rb", "a\\rb"),
    ("\x1b[31mred", "\\x1b[31mred"),
    ("line\u2028separator\x85next", "line\\u2028separator\\x85next"),
    ("tab\there", "tab\\there"),
    ("ünïcödé", "ünïcödé"),
])
def test_one_line(text: str, expected: str) -> None:
    assert one_line(text) == expected
    assert printable(text) == (expected.replace("\\n", "\n"))


def test_one_line_is_bounded() -> None:
    assert one_line("x" * 5000) == "x" * 1000 + "… (4,000 more characters)"


def test_an_error_about_a_key_with_a_line_break_stays_on_one_line(capsys: pytest.CaptureFixture[str],
                                                                  tmp_path: Path) -> None:
    rules = RULES.read_text().replace("    check: role-trust\n", '    check: role-trust\n    "x\\nxtrust: all good": 1\n', 1)
    (tmp_path / "rules.yaml").write_text(rules)
    assert main(["scan", "--rules", str(tmp_path / "rules.yaml"), "--snapshot", str(DEV), str(LOGIN)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'x\\nxtrust: all good'" in err


def test_a_set_of_reports_is_written_whole_or_not_at_all(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "reports"
    (out / "xtrust-report.html").mkdir(parents=True)  # in the way of the second report
    (out / "xtrust-report.json").write_text("the last scan's")
    code = main(["scan", "--rules", str(RULES), "--snapshot", str(DEV), str(LOGIN), "--format", "json,html",
                 "--output-dir", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "xtrust-report.html: cannot write" in err
    assert (out / "xtrust-report.json").read_text() == "the last scan's"
    assert sorted(p.name for p in out.iterdir()) == ["xtrust-report.html", "xtrust-report.json"]  # no temporary


def test_a_link_is_written_through(tmp_path: Path) -> None:
    target, link = tmp_path / "target.txt", tmp_path / "link.txt"
    target.write_text("old")
    link.symlink_to(target)
    write_all([(link, "new")])
    assert link.is_symlink() and target.read_text() == "new"


def test_a_pipe_is_written_to_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen([sys.executable, "-c", f"print(open({str(fifo)!r}).read(), end='')"],
                              stdout=subprocess.PIPE, text=True)
    write_all([(fifo, "through the pipe")])
    assert reader.communicate(timeout=30)[0] == "through the pipe"
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_the_null_device_stays_a_device() -> None:
    write_all([(os.devnull, "nothing")])
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
