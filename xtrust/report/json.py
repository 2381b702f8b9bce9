"""The JSON report (contract, version 1): ``Report.to_json`` written with a stable layout."""

from __future__ import annotations

import json

from ..findings import Report

__all__ = ["format_json"]


def format_json(report: Report) -> str:
    return json.dumps(report.to_json(), indent=2) + "\n"
