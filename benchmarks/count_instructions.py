"""Instructions (callgrind) one account's checks cost: a figure that, unlike seconds, a busy machine does not move.

    python3 benchmarks/count_instructions.py --world /tmp/w2 --account login
    python3 benchmarks/count_instructions.py --world /tmp/w2 --account project-123456789012
    python3 benchmarks/count_instructions.py --world /tmp/w2 --tree /tmp/older   # another checkout's xtrust

``--world`` is a folder written by ``bench_scan.py --out`` (the README's figure uses
``bench_scan.py --out /tmp/w2 --roles 3000 --groups 400 --users 900 --seed 7``). After compiling the
package's bytecode, the script runs ``valgrind --tool=callgrind`` twice on a fresh interpreter: once reading
the rules and the account's snapshot, once doing the same and then checking the account, and prints the
difference in millions of instructions. It needs valgrind (``apt-get install valgrind``); about a minute.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

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


def collected(script: str) -> int:
    with tempfile.TemporaryDirectory(prefix="xtrust-callgrind-") as scratch:
        command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={scratch}/out",
                   sys.executable, "-c", script]
        env = dict(os.environ)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # cached bytecode, as an installed package has
        env["PYTHONHASHSEED"] = "0"  # the same string hashes, so the same work, from run to run
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or not found:
        raise SystemExit(f"callgrind failed:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--world", type=Path, required=True, help="a folder written by bench_scan.py --out")
    parser.add_argument("--account", default="login", help="login, or project-<account id> (default login)")
    parser.add_argument("--tree", type=Path, default=ROOT, help="the checkout whose xtrust is measured (this one)")
    args = parser.parse_args(argv)
    snapshots = sorted(args.world.glob(f"{args.account}*.json"))
    if len(snapshots) != 1:
        parser.error(f"{args.world}: expected one {args.account}*.json, found {len(snapshots)}")
    settings = {"root": str(args.tree.resolve()), "rules": str(args.world / "rules.yaml"),
                "snapshot": str(snapshots[0])}
    # Bytecode first: a module compiled while the check runs (a lazy import) would count as the check's.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(args.tree.resolve() / "xtrust")], check=True)
    base = collected(CHILD.format(**settings, check=False))
    total = collected(CHILD.format(**settings, check=True))
    print(f"{snapshots[0].name}: checks cost {(total - base) / 1e6:,.0f} M instructions "
          f"(reading it: {base / 1e6:,.0f} M, interpreter start and imports included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
