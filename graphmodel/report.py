"""The one report shape shared by the CLI's JSON output and the dashboard.

``{"ok": bool, "error": str | None, "errors": [problem dicts], "counts": {...}, "results": ...}``
"""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from typing import Any

__all__ = ["REPORT_KEYS", "error_report", "make_report", "to_plain"]

REPORT_KEYS = ("ok", "error", "errors", "counts", "results")


def to_plain(value: Any) -> Any:
    """Dataclasses, tuples and sets to JSON-ready dicts and lists (sets sorted)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {k: to_plain(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(to_plain(v) for v in value)
    return value


def make_report(results: Any = None, counts: dict | None = None, errors: list | tuple = (), error: str | None = None) -> dict:
    """A report; ``ok`` is False when there is an ``error`` or any problem of severity error."""
    plain_errors = [to_plain(e) for e in errors]
    fatal = error is not None or any(e.get("severity", "error") == "error" for e in plain_errors)
    return {
        "ok": not fatal,
        "error": error,
        "errors": plain_errors,
        "counts": to_plain(counts or {}),
        "results": to_plain(results),
    }


def error_report(message: str, errors: list | tuple = ()) -> dict:
    return make_report(error=message, errors=errors)
