"""Regenerate the golden reports of the example world in ``reports/``, one file per format.

    python3 tools/regen_reports.py            # rewrite reports/example-world.* (and the screenshot)
    python3 tools/regen_reports.py --check    # exit 1 if any golden report is out of date

The scan is the one the README shows (``rules/seed.yaml`` over ``examples/world/*.json``) with the
suppressions of ``examples/world/suppressions.yaml``, at a fixed date so the files do not change by
themselves. ``tests/reports/test_golden.py`` fails when they are out of date. When Chromium is installed
the HTML report is also photographed into ``reports/example-world.png`` for the README (never compared).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from xtrust.report import FORMATS, report_filename, write_atomically  # noqa: E402
from xtrust.rules import load_rules  # noqa: E402
from xtrust.scan import scan_snapshots  # noqa: E402
from xtrust.suppress import apply_suppressions, load_suppressions  # noqa: E402

REPORTS = ROOT / "reports"
STEM = "example-world"
SCREENSHOT = REPORTS / f"{STEM}.png"
MOMENT = datetime(2026, 6, 1, tzinfo=timezone.utc)
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars")


def example_report():  # type: ignore[no-untyped-def]
    """The example world's report, with relative paths so the files read the same on every machine."""
    rules = load_rules("rules/seed.yaml")
    snapshots = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "examples" / "world").glob("*.json"))
    report = scan_snapshots(rules, snapshots, now=MOMENT)
    return apply_suppressions(report, load_suppressions("examples/world/suppressions.yaml"), date(2026, 6, 1))


def golden_reports() -> dict[str, str]:
    """File name in ``reports/`` → its expected content, for every format."""
    import os

    previous = Path.cwd()
    os.chdir(ROOT)
    try:
        report = example_report()
    finally:
        os.chdir(previous)
    return {report_filename(name, STEM): fmt(report) for name, fmt in FORMATS.items()}


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_command(browser: str, profile: str, *extra: str) -> list[str]:
    return [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra]


def screenshot(html: Path, target: Path) -> bool:
    browser = find_chromium()
    if browser is None:
        return False
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(chromium_command(browser, profile, f"--screenshot={target}", "--window-size=1280,1000",
                                        f"{html.resolve().as_uri()}#open=first"),
                       check=True, capture_output=True, timeout=120)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report which golden files are out of date")
    args = parser.parse_args(argv)
    stale = []
    for name, text in golden_reports().items():
        path = REPORTS / name
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(name)
        if not args.check:
            write_atomically(path, text)
    if args.check:
        print("\n".join(f"out of date: reports/{n}" for n in stale) or "all golden reports are current")
        return 1 if stale else 0
    shot = screenshot(REPORTS / report_filename("html", STEM), SCREENSHOT)
    print(f"wrote {len(stale)} report(s) in reports/" + ("" if shot else "; no Chromium, screenshot not taken"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
