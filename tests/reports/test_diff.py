"""`xtrust diff OLD.json NEW.json`: findings matched by id into new, resolved and unchanged; exit 1 only for
new findings that count; bad input as one line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xtrust.cli import build_parser, main
from xtrust.diff import DIFF_FORMATS, DiffInputError, diff_reports, load_report_json


def f(fid: str, **extra: Any) -> dict[str, Any]:
    return {"id": fid, "rule": "r", "severity": "high", "resource": f"arn:aws:iam::123456789012:role/{fid}", **extra}


def report(*findings: dict[str, Any]) -> dict[str, Any]:
    return {"version": 1, "findings": list(findings), "errors": []}


@pytest.mark.parametrize(("old", "new", "expected"), [
    ([], [], ([], [], [])),
    ([], ["a"], (["a"], [], [])),
    (["a"], [], ([], ["a"], [])),
    (["a"], ["a"], ([], [], ["a"])),
    (["a", "b"], ["b", "c"], (["c"], ["a"], ["b"])),
    (["a", "b", "c"], ["c", "b", "a"], ([], [], ["a", "b", "c"])),
], ids=["both-empty", "one-new", "one-resolved", "one-unchanged", "mixed", "order-does-not-matter"])
def test_new_resolved_unchanged(old: list[str], new: list[str], expected: tuple[list[str], ...]) -> None:
    diff = diff_reports(report(*map(f, old)), report(*map(f, new)))
    got = ([x["id"] for x in diff.new], [x["id"] for x in diff.resolved], [x["id"] for x in diff.unchanged])
    assert got == expected


def test_unchanged_findings_are_shown_as_in_the_newer_report() -> None:
    diff = diff_reports(report(f("a", message="old words")), report(f("a", message="new words")))
    assert diff.unchanged[0]["message"] == "new words"


@pytest.mark.parametrize(("extra", "failing"), [({}, 1), ({"suppressed": "r"}, 0), ({"exempt": "r"}, 0)],
                         ids=["open", "suppressed", "exempt"])
def test_only_new_findings_that_count_fail(extra: dict[str, str], failing: int) -> None:
    diff = diff_reports(report(), report(f("a", **extra)))
    assert len(diff.new) == 1 and len(diff.failing) == failing


def write(tmp: Path, name: str, data: Any) -> str:
    path = tmp / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


def test_cli_json_shape_and_exit_1_on_new(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = write(tmp_path, "old.json", report(f("a"), f("b")))
    new = write(tmp_path, "new.json", report(f("b"), f("c")))
    code = main(["diff", old, new, "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert list(data) == ["new", "resolved", "unchanged"]
    assert [x["id"] for x in data["new"]] == ["c"]
    assert [x["id"] for x in data["resolved"]] == ["a"]
    assert [x["id"] for x in data["unchanged"]] == ["b"]


def test_cli_exit_0_when_nothing_new(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = write(tmp_path, "old.json", report(f("a"), f("b")))
    new = write(tmp_path, "new.json", report(f("b")))
    assert main(["diff", old, new]) == 0
    out = capsys.readouterr().out
    assert out.startswith("0 new, 1 resolved, 1 unchanged")


def test_cli_markdown_and_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = write(tmp_path, "old.json", report())
    new = write(tmp_path, "new.json", report(f("a")))
    assert main(["diff", old, new, "--format", "markdown", "--output", str(tmp_path / "d.md")]) == 1
    assert capsys.readouterr().out == ""
    assert "### New (1)" in (tmp_path / "d.md").read_text()


def test_cli_on_real_scans(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two scans of the example world, the second with one finding suppressed: nothing new, nothing resolved."""
    from .conftest import RULES, SUPPRESSIONS, WORLD

    base = ["scan", "--rules", str(RULES), "--snapshot", *map(str, WORLD), "--format", "json", "--output"]
    assert main([*base, str(tmp_path / "a.json")]) == 1
    assert main([*base, str(tmp_path / "b.json"), "--suppressions", str(SUPPRESSIONS)]) == 1
    capsys.readouterr()
    assert main(["diff", str(tmp_path / "a.json"), str(tmp_path / "b.json"), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [x["rule"] for x in data["new"]] == ["suppression-expired"]  # the expired entry is a finding
    assert data["resolved"] == [] and len(data["unchanged"]) == 6


BAD = [
    ("not json", "not JSON"),
    ('{"version": 1}', "not an xtrust JSON report"),
    ('[1, 2]', "not an xtrust JSON report"),
    ('{"version": 2, "findings": []}', "report version 2 is not 1"),
    ('{"version": 1, "findings": {}}', "findings: expected a list"),
    ('{"version": 1, "findings": [{"rule": "r"}]}', "findings/0: expected an object with a string 'id'"),
    ('{"version": 1, "findings": [7]}', "findings/0: expected an object"),
]


@pytest.mark.parametrize(("text", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_input_is_rejected(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(DiffInputError) as caught:
        load_report_json(write(tmp_path, "x.json", text))
    assert message in str(caught.value)


@pytest.mark.parametrize("which", ["old", "new"])
@pytest.mark.parametrize(("text", "message"), [BAD[0], BAD[1], BAD[3]], ids=["not-json", "not-report", "version"])
def test_cli_bad_input_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], which: str,
                                       text: str, message: str) -> None:
    good = write(tmp_path, "good.json", report())
    bad = write(tmp_path, "bad.json", text)
    code = main(["diff", bad, good] if which == "old" else ["diff", good, bad])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err and "bad.json" in err and "Traceback" not in err


def test_cli_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["diff", str(tmp_path / "nope.json"), str(tmp_path / "nope.json")])
    err = capsys.readouterr().err
    assert code == 2 and "nope.json: cannot read" in err and err.count("\n") == 1


@given(st.sets(st.sampled_from("abcdefgh")), st.sets(st.sampled_from("abcdefgh")))
def test_diff_partitions_the_two_reports(old: set[str], new: set[str]) -> None:
    diff = diff_reports(report(*map(f, sorted(old))), report(*map(f, sorted(new))))
    ids = {name: {x["id"] for x in getattr(diff, name)} for name in ("new", "resolved", "unchanged")}
    assert ids["new"] | ids["unchanged"] == new
    assert ids["resolved"] | ids["unchanged"] == old
    assert not ids["new"] & ids["unchanged"] and not ids["resolved"] & ids["unchanged"]
    assert not ids["new"] & ids["resolved"]


def test_the_command_offers_every_diff_format() -> None:
    """The command line names the formats without importing the diff module; they must not drift apart."""
    diff = next(action for action in build_parser()._subparsers._group_actions[0].choices["diff"]._actions
                if "--format" in action.option_strings)
    assert diff.choices == list(DIFF_FORMATS)
