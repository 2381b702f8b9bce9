"""`xtrust scan --jobs N`: snapshot files read and checked in forked processes give the report one process
gives, byte for byte, and the same one-line error for bad input. Each run is a fresh ``python -m xtrust``,
so that the fork happens as it does for a user (no test-runner threads in the process)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from xtrust.scan import _INDEX, _queue, default_jobs

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules" / "seed.yaml"
WORLD = sorted(str(p) for p in (ROOT / "examples" / "world").glob("*.json"))
NOW = "2026-01-01T00:00:00+00:00"


def _xtrust(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "xtrust", *argv], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=300)


def _generated_world(tmp: Path) -> tuple[Path, list[Path]]:
    """A small organisation from the scan benchmark's generator: 5 project accounts and a login account."""
    spec = importlib.util.spec_from_file_location("bench_scan", ROOT / "benchmarks" / "bench_scan.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    paths: list[Path] = bench.generate(tmp, roles=600, groups=60, users=120, seed=11)
    return tmp / "rules.yaml", paths


def test_generated_world_same_report_in_one_and_in_two_processes(tmp_path: Path) -> None:
    rules, paths = _generated_world(tmp_path)
    reports = {}
    for jobs in ("1", "2", "3"):
        out = tmp_path / f"report-{jobs}.json"
        done = _xtrust("scan", "--rules", str(rules), "--snapshot", *map(str, paths), "--format", "json",
                       "--output", str(out), "--jobs", jobs)
        assert done.returncode == 1, done.stderr
        assert done.stderr == ""
        reports[jobs] = out.read_bytes()
    assert reports["1"] == reports["2"] == reports["3"]
    report = json.loads(reports["1"])
    assert report["findings"] and report["errors"] == []
    assert len(report["summary"]["accounts"]) == 6


def test_example_world_text_report_the_same(tmp_path: Path) -> None:
    one = _xtrust("scan", "--rules", str(RULES), "--snapshot", *WORLD, "--jobs", "1")
    two = _xtrust("scan", "--rules", str(RULES), "--snapshot", *WORLD, "--jobs", "2")
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout and "proof:" in one.stdout


def test_the_files_are_shared_between_processes(tmp_path: Path) -> None:
    """The parallel path is taken: this process and a forked one each check some of the files."""
    rules, paths = _generated_world(tmp_path)
    marks = tmp_path / "pids"
    marks.mkdir()
    script = f"""
import os
import xtrust.scan as scan
from xtrust.rules import load_rules
checked = scan._checked
def traced(*args):
    with open(os.path.join({str(marks)!r}, str(os.getpid())), "a") as out:
        out.write(args[2] + "\\n")
    return checked(*args)
scan._checked = traced
report = scan.scan_snapshots(lambda: load_rules({str(rules)!r}), {list(map(str, paths))!r}, jobs=2)
print(os.getpid(), len(report.findings))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    parent, found = done.stdout.split()
    by_process = {mark.name: mark.read_text().split() for mark in marks.iterdir()}
    assert len(by_process) == 2 and parent in by_process  # the parent works too
    assert sorted(f for files in by_process.values() for f in files) == sorted(map(str, paths))
    assert int(found) > 0


@pytest.mark.parametrize("jobs", [1, 2])
def test_every_finding_is_prepared_once_as_the_results_come_in(tmp_path: Path, jobs: int) -> None:
    """``prepare`` runs in this process on each finding once, this process's own and the helper's (sent
    file by file), and what it keeps in them (the JSON report's text) stays with them in the report; in one
    process too."""
    rules, paths = _generated_world(tmp_path)
    script = f"""
import collections, os
import xtrust.scan as scan
from xtrust.rules import load_rules
rules = load_rules({str(rules)!r})
calls = collections.Counter()
def prepare(finding):
    calls[finding.account, finding.resource, os.getpid()] += 1
    finding.json_text
report = scan.scan_snapshots(rules, {list(map(str, paths))!r}, jobs={jobs}, prepare=prepare)
kept = sum("json_text" in vars(f) for f in report.findings)
mine = {{pid for *_, pid in calls}} == {{os.getpid()}}
print(len(report.findings), kept, len(calls), max(calls.values()), mine)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    found, kept, prepared, most, mine = done.stdout.split()
    assert int(found) > 0 and kept == prepared == found and most == "1" and mine == "True"


def _bad_world(tmp: Path) -> dict[str, str]:
    good = [Path(p) for p in WORLD]
    files = {
        "login": str(good[1] if "login" in good[1].name else good[0]),
        "dev": str(good[0] if "dev" in good[0].name else good[1]),
        "not_json": str(tmp / "broken.json"),
        "bad_policy": str(tmp / "bad-policy.json"),
        "copy_of_dev": str(tmp / "copy-of-dev.json"),
        "stranger": str(tmp / "stranger.json"),
        "missing": str(tmp / "missing.json"),
        "too_deep": str(tmp / "too-deep.json"),
    }
    Path(files["too_deep"]).write_text(json.dumps({"RoleDetailList": [{
        "Path": "/", "RoleName": "X", "Arn": "arn:aws:iam::123456789012:role/X",
        "AssumeRolePolicyDocument": "[" * 100_000 + "]" * 100_000}]}))
    Path(files["not_json"]).write_text('{"RoleDetailList": [')
    Path(files["bad_policy"]).write_text(json.dumps({"RoleDetailList": [{
        "Path": "/", "RoleName": "X", "Arn": "arn:aws:iam::123456789012:role/X",
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Maybe"}]}}]}))
    Path(files["copy_of_dev"]).write_bytes(Path(files["dev"]).read_bytes())
    Path(files["stranger"]).write_text(json.dumps({"RoleDetailList": [{
        "Path": "/", "RoleName": "X", "Arn": "arn:aws:iam::111122223333:role/X",
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}}]}))
    return files


@pytest.mark.parametrize("order", [
    ["login", "not_json", "dev"],
    ["login", "dev", "bad_policy", "not_json"],
    ["not_json", "bad_policy", "login"],
    ["dev", "login", "copy_of_dev"],
    ["login", "stranger", "dev", "not_json"],
    ["login", "dev", "missing", "bad_policy"],
    ["bad_policy", "too_deep"],
    ["too_deep", "bad_policy", "login"],
])
def test_bad_input_gives_the_error_one_process_gives(tmp_path: Path, order: list[str]) -> None:
    """The first bad file in the order given is the one reported, with the same line and exit code 2."""
    files = _bad_world(tmp_path)
    argv = ["scan", "--rules", str(RULES), "--snapshot", *(files[name] for name in order), "--format", "json"]
    one = _xtrust(*argv, "--jobs", "1")
    many = _xtrust(*argv, "--jobs", "3")
    assert one.returncode == many.returncode == 2
    assert one.stdout == many.stdout == ""
    assert one.stderr == many.stderr
    assert one.stderr.startswith("xtrust: error: ") and one.stderr.count("\n") == 1
    assert "Traceback" not in many.stderr


def test_jobs_must_be_a_positive_whole_number() -> None:
    for value in ("0", "-1", "two"):
        done = _xtrust("scan", "--rules", str(RULES), "--snapshot", *WORLD, "--jobs", value)
        assert done.returncode == 2 and "--jobs" in done.stderr and done.stderr.count("\n") == 1


def test_default_jobs_one_for_small_inputs_else_one_per_cpu_and_file(tmp_path: Path) -> None:
    assert default_jobs(WORLD) == 1  # a few kB: a second process would cost more than it saves
    big = []
    for i in range(3):
        path = tmp_path / f"big-{i}.json"
        with open(path, "wb") as handle:
            handle.truncate(3 << 20)  # sparse: the size is what counts
        big.append(path)
    cpus = len(os.sched_getaffinity(0))
    assert default_jobs(big) == max(1, min(cpus, 3))
    assert default_jobs(big[:1]) == 1
    assert default_jobs([*big, tmp_path / "absent.json"]) == 1  # the one process reports the missing file


def test_bad_rules_stop_the_helpers_and_say_so_in_one_line(tmp_path: Path) -> None:
    _, paths = _generated_world(tmp_path)
    rules = tmp_path / "bad.yaml"
    rules.write_text("version: 1\naccounts:\n  login: 987654321098\nrules: []\n")
    one = _xtrust("scan", "--rules", str(rules), "--snapshot", *map(str, paths), "--jobs", "1")
    two = _xtrust("scan", "--rules", str(rules), "--snapshot", *map(str, paths), "--jobs", "2")
    assert one.returncode == two.returncode == 2
    assert one.stderr == two.stderr
    assert f"xtrust: error: {rules}:3: accounts/login: 987654321098 must be a string" in two.stderr
    assert "Traceback" not in two.stderr and two.stdout == ""


def test_a_helper_that_dies_is_reported_not_waited_for(tmp_path: Path) -> None:
    """A helper killed mid-scan (say, by the out-of-memory killer) leaves no results: the scan says so in one
    line, exit code 2, instead of reporting the files it never checked."""
    _, paths = _generated_world(tmp_path)
    script = f"""
import os, sys
import xtrust.scan as scan
from xtrust.cli import main
parent = os.getpid()
load = scan.load_snapshot
def dying(path):
    if os.getpid() != parent:
        os._exit(9)
    return load(path)
scan.load_snapshot = dying
sys.exit(main(["scan", "--rules", {str(tmp_path / "rules.yaml")!r}, "--snapshot", *{list(map(str, paths))!r},
               "--jobs", "2", "--format", "json"]))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == ("xtrust: error: a worker process of the scan ended without its results (exit code 9); "
                           "run with --jobs 1 to scan in one process\n")


def test_bad_suppressions_give_the_error_one_process_gives(tmp_path: Path) -> None:
    bad = tmp_path / "suppressions.yaml"
    bad.write_text("suppressions:\n  - id: [not, a, string]\n")
    argv = ["scan", "--rules", str(RULES), "--snapshot", *WORLD, "--suppressions", str(bad)]
    one = _xtrust(*argv, "--jobs", "1")
    two = _xtrust(*argv, "--jobs", "2")
    assert one.returncode == two.returncode == 2
    assert one.stderr == two.stderr and str(bad) in two.stderr and two.stdout == ""


def test_snapshots_from_pipes_are_read_once(tmp_path: Path) -> None:
    """Choosing which file to take first peeks only at regular files: a pipe's data is for its reader."""
    script = f"""
import os, subprocess, sys
from xtrust.cli import main
paths = []
for name in {WORLD!r}:
    read, write = os.pipe()
    if os.fork() == 0:
        os.close(read)
        with open(name, "rb") as source, os.fdopen(write, "wb") as sink:
            sink.write(source.read())
        os._exit(0)
    os.close(write)
    paths.append(f"/dev/fd/{{read}}")
sys.exit(main(["scan", "--rules", {str(RULES)!r}, "--snapshot", *paths, "--jobs", "2", "--format", "json"]))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert len(json.loads(done.stdout)["findings"]) == 6


@pytest.mark.parametrize("files", [1, 5, 16_384, 40_000])  # 16,384 indices fill a pipe's default 64 KiB
def test_the_queue_gives_every_index_once_in_order(files: int) -> None:
    order = list(range(files))[::-1]
    queue = _queue(order)
    assert queue is not None
    try:
        taken = []
        while chunk := os.read(queue, _INDEX):
            taken.append(int.from_bytes(chunk, "little"))
    finally:
        os.close(queue)
    assert taken == order


def test_a_bug_in_a_helper_is_shown_with_its_traceback(tmp_path: Path) -> None:
    _, paths = _generated_world(tmp_path)
    script = f"""
import os, sys
import xtrust.scan as scan
from xtrust.rules import load_rules
parent = os.getpid()
checked = scan._checked
def buggy(*args):
    if os.getpid() != parent:
        raise ZeroDivisionError("in the helper")
    return checked(*args)
scan._checked = buggy
scan.scan_snapshots(lambda: load_rules({str(tmp_path / "rules.yaml")!r}), {list(map(str, paths))!r}, jobs=2)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 1
    assert "RuntimeError: a worker process of the scan failed:" in done.stderr
    assert "ZeroDivisionError: in the helper" in done.stderr
