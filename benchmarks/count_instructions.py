"""Instructions (callgrind) one account's checks cost: a figure that, unlike seconds, a busy machine does not move.

    python3 benchmarks/count_instructions.py --world /tmp/w2 --account login
    python3 benchmarks/count_instructions.py --world /tmp/w2 --account project-123456789012
    python3 benchmarks/count_instructions.py --world /tmp/w2 --tree /tmp/older   # another checkout's xtrust
    python3 benchmarks/count_instructions.py --world /tmp/w2 --whole   # the whole scan against the floor

``--world`` is a folder written by ``bench_scan.py --out`` (the README's figure uses
``bench_scan.py --out /tmp/w2 --roles 3000 --groups 400 --users 900 --seed 7``). After compiling the
package's bytecode, the script runs ``valgrind --tool=callgrind`` twice on a fresh interpreter: once reading
the rules and the account's snapshot, once doing the same and then checking the account, and prints the
difference in millions of instructions. With ``--whole`` it counts, instead, the floor of bench_scan.py
(``json.load`` of every snapshot file) and the whole ``xtrust scan --jobs 1`` of the world, and prints both
and their ratio: the work a scan does, start to exit, against the work of reading its input. It needs
valgrind (``apt-get install valgrind``); about a minute.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_scan import FLOOR  # the floor bench_scan.py times, counted here (this folder is on sys.path)

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import gc, sys
sys.path.insert(0, {root!r})
from xtrust.checks import check_account
from xtrust.rules import load_rules
from xtrust.snapshot import load_snapshot
rules = load_rules({rules!r})
gc.disable()
account = load_snapshot({snapshot!r})
if {check!r}:
    check_account(rules, account)
"""


def collected(script: str, *args: str, root: Path | None = None) -> int:
    """Instructions of ``python -c script args…``; with ``root``, of ``python -m xtrust args…`` from that tree."""
    with tempfile.TemporaryDirectory(prefix="xtrust-callgrind-") as scratch:
        program = ["-m", "xtrust"] if root else ["-c", script]
        command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={scratch}/out",
                   sys.executable, *program, *args]
        env = dict(os.environ)
        if root:
            env["PYTHONPATH"] = str(root)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # cached bytecode, as an installed package has
        env["PYTHONHASHSEED"] = "0"  # the same string hashes, so the same work, from run to run
        # python -m puts the working directory first on sys.path: run in the tree measured
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False, cwd=root)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode not in ((0, 1) if root else (0,)) or not found:  # a scan with findings exits 1
        raise SystemExit(f"callgrind failed:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--world", type=Path, required=True, help="a folder written by bench_scan.py --out")
    parser.add_argument("--account", default="login", help="login, or project-<account id> (default login)")
    parser.add_argument("--tree", type=Path, default=ROOT, help="the checkout whose xtrust is measured (this one)")
    parser.add_argument("--whole", action="store_true", help="the whole scan in one process against the floor")
    args = parser.parse_args(argv)
    # Bytecode first: a module compiled while the check runs (a lazy import) would count as the check's.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(args.tree.resolve() / "xtrust")], check=True)
    if args.whole:
        files = [str(p) for p in sorted(args.world.glob("*.json")) if p.name != "report.json"]
        floor = collected(FLOOR, *files)
        with tempfile.TemporaryDirectory(prefix="xtrust-report-") as scratch:
            scan = collected("", "scan", "--rules", str(args.world / "rules.yaml"), "--snapshot", *files,
                             "--format", "json", "--output", f"{scratch}/report.json", "--jobs", "1",
                             root=args.tree.resolve())
        print(f"floor {floor / 1e6:,.0f} M instructions, xtrust scan --jobs 1 {scan / 1e6:,.0f} M: "
              f"{scan / floor:.2f}x")
        return 0
    snapshots = sorted(args.world.glob(f"{args.account}*.json"))
    if len(snapshots) != 1:
        parser.error(f"{args.world}: expected one {args.account}*.json, found {len(snapshots)}")
    settings = {"root": str(args.tree.resolve()), "rules": str(args.world / "rules.yaml"),
                "snapshot": str(snapshots[0])}
    base = collected(CHILD.format(**settings, check=False))
    total = collected(CHILD.format(**settings, check=True))
    print(f"{snapshots[0].name}: checks cost {(total - base) / 1e6:,.0f} M instructions "
          f"(reading it: {base / 1e6:,.0f} M, interpreter start and imports included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
