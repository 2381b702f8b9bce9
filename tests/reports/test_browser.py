"""The HTML report in a real browser: headless Chromium loads the page from disk (no network), runs its
script, and the findings table renders — sorted, when asked in the address, by the script itself."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

from xtrust.findings import Report
from xtrust.report import format_html


@pytest.fixture(scope="module")
def browser(regen: ModuleType) -> str:
    found = regen.find_chromium()
    if found is None:
        pytest.skip("Chromium is not installed (apt-get install chromium; .ci/run does)")
    return str(found)


def dump_dom(regen: ModuleType, browser: str, page: Path, fragment: str, profile: Path) -> str:
    done = subprocess.run(
        regen.chromium_command(browser, str(profile), "--dump-dom", f"{page.resolve().as_uri()}{fragment}"),
        capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def rows(dom: str) -> list[str]:
    body = dom[dom.index("<tbody>"):dom.index("</tbody>")]
    return re.findall(r'<tr[^>]*data-resource="([^"]+)"', body)


def test_the_findings_table_renders(regen: ModuleType, browser: str, world_report: Report, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(format_html(world_report), encoding="utf-8")
    dom = dump_dom(regen, browser, page, "", tmp_path / "profile")
    assert f'data-rendered="{len(world_report.findings)}"' in dom  # set by the page's script once it ran
    assert len(rows(dom)) == len(world_report.findings)
    assert "arn:aws:iam::123456789012:role/Deployer" in dom


def test_the_script_sorts_the_table(regen: ModuleType, browser: str, world_report: Report, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(format_html(world_report), encoding="utf-8")
    dom = dump_dom(regen, browser, page, "#sort=resource:desc", tmp_path / "profile")
    assert 'data-sorted="resource:desc"' in dom
    shown = rows(dom)
    assert shown == sorted(shown, key=str.lower, reverse=True)
    assert 'aria-sort="descending"' in dom


def test_screenshot_is_taken(regen: ModuleType, browser: str, tmp_path: Path) -> None:
    from .conftest import ROOT

    shot = tmp_path / "shot.png"
    assert regen.screenshot(ROOT / "reports" / "example-world.html", shot)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (ROOT / "reports" / "example-world.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
