"""A bug in a query shows one sentence on the page (the traceback goes to the log), never a traceback."""

from __future__ import annotations

import logging

from dashboard_support import open_page

import dashboard.state as state


def test_unexpected_error_is_one_sentence_and_logged(app, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("索引损坏")

    monkeypatch.setattr(state, "run_audit", broken)  # the overview reaches the audit through state
    state.clear_results()
    with caplog.at_level(logging.ERROR, logger="dutygraph.dashboard"):
        at = open_page(app, "overview")
    assert not at.exception, at.exception
    messages = [e.value.replace("\\", "") for e in at.error]  # escaped for Markdown
    assert any("RuntimeError: 索引损坏" in m and "日志" in m for m in messages), messages
    logged = [r for r in caplog.records if r.name == "dutygraph.dashboard"]
    assert logged and logged[0].exc_info and "索引损坏" in str(logged[0].exc_info[1])
