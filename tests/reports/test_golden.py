"""The golden reports in reports/ match what the code renders today, in every format."""

from __future__ import annotations

from types import ModuleType

import pytest

from xtrust.report import FORMATS, report_filename

from .conftest import ROOT


def test_there_is_a_golden_report_for_every_format(regen: ModuleType) -> None:
    assert set(regen.golden_reports()) == {report_filename(name, regen.STEM) for name in FORMATS}


@pytest.mark.parametrize("fmt", list(FORMATS), ids=list(FORMATS))
def test_golden_report_is_current(regen: ModuleType, fmt: str) -> None:
    name = report_filename(fmt, regen.STEM)
    path = ROOT / "reports" / name
    assert path.exists(), f"reports/{name} is missing: run python3 tools/regen_reports.py"
    expected = regen.golden_reports()[name]
    assert path.read_text(encoding="utf-8") == expected, (
        f"reports/{name} is out of date: if the change is intended, run python3 tools/regen_reports.py")


def test_the_check_mode_of_the_regeneration_command_agrees(regen: ModuleType,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert regen.main(["--check"]) == 0
    assert "all golden reports are current" in capsys.readouterr().out


def test_golden_reports_show_suppressed_and_expired(regen: ModuleType) -> None:
    """The example world's suppression file has one active and one expired entry: every format shows both."""
    for name, text in regen.golden_reports().items():
        assert "suppress" in text.lower(), name
        assert "suppression-expired" in text, name
