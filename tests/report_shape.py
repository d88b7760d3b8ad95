"""The one check of the report shape that the CLI's JSON and the dashboard share (STYLE 7)."""

from __future__ import annotations

import json

from graphmodel.report import REPORT_KEYS

PROBLEM_KEYS = {"code", "file", "sheet", "row", "column", "column_letter", "value", "message", "severity"}


def assert_report(report: dict, ok: bool | None = None) -> dict:
    """Assert ``report`` has the documented shape (and ``ok`` when given); return it."""
    assert tuple(report) == REPORT_KEYS, f"keys {tuple(report)} != {REPORT_KEYS}"
    assert isinstance(report["ok"], bool)
    assert report["error"] is None or (isinstance(report["error"], str) and report["error"])
    assert isinstance(report["errors"], list) and isinstance(report["counts"], dict)
    for problem in report["errors"]:
        assert PROBLEM_KEYS <= set(problem), f"problem lacks {PROBLEM_KEYS - set(problem)}"
        assert problem["severity"] in ("error", "warning")
    fatal = report["error"] is not None or any(p["severity"] == "error" for p in report["errors"])
    assert report["ok"] is (not fatal), "ok must be false exactly when there is an error"
    if ok is not None:
        assert report["ok"] is ok
    json.dumps(report, ensure_ascii=False)  # JSON-ready all the way down
    return report
