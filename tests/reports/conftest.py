"""Shared values for the report tests: the example world's report (as the golden files hold it) and paths."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from xtrust.findings import Report

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules" / "seed.yaml"
WORLD = sorted((ROOT / "examples" / "world").glob("*.json"))
SUPPRESSIONS = ROOT / "examples" / "world" / "suppressions.yaml"


def _load_regen() -> ModuleType:
    name = "xtrust_regen_reports"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / "regen_reports.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def regen() -> ModuleType:
    """``tools/regen_reports.py``, the one command that writes the golden reports."""
    return _load_regen()


@pytest.fixture(scope="session")
def world_report(regen: ModuleType) -> Report:
    """The example world scanned at the golden files' fixed date, suppressions applied."""
    import os

    previous = Path.cwd()
    os.chdir(ROOT)
    try:
        report: Report = regen.example_report()
    finally:
        os.chdir(previous)
    return report
