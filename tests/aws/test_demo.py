"""`xtrust demo` as a user runs it: its own moto server, scan, fix, apply, clean scan, rollback, exit 0."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.aws

REPO = Path(__file__).resolve().parents[2]


def test_the_demo_applies_every_fix_scans_clean_and_rolls_back(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "xtrust", "demo", "--journal-dir", str(tmp_path)],
                            capture_output=True, text=True, cwd=REPO, check=False)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    last = result.stdout.strip().splitlines()[-1]
    assert last == ("Demo complete: 5 finding(s), 5 fix(es) applied, clean scan after the apply: yes, "
                    "rollback restored: yes.")
    assert "== 6. xtrust scan after the rollback: 5 finding(s), the same as before the fix" in result.stdout
    journal = tmp_path / "xtrust-demo-journal.jsonl"
    assert len(journal.read_text().splitlines()) == 5  # one old document per fix, no version deleted
