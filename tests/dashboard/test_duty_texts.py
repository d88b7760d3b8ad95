"""Duty texts on the dashboard: matched spans highlighted (list text escaped), the village × action matrix."""

from __future__ import annotations

import json
from pathlib import Path

import loaders

from dashboard_support import open_page

from dashboard.duty_texts import highlight_html
from graphmodel import ItemFilter, open_store
from queries.texts import read_text


def test_hostile_text_stays_text():
    text = '<img src=x onerror="alert(1)">负责[链接](javascript:x) **组织** `代码`'
    out = highlight_html(text, read_text(text).hits)
    assert "<img" not in out and "](" not in out and "**" not in out and "`" not in out
    assert out.count("<mark") == 2 and "负责</mark>" in out and "组织</mark>" in out
    assert "&lt;img" in out


def test_board_shows_the_texts_with_highlights(app, data_dir):
    open_page(app, "board")
    with open_store("memory", data_dir=data_dir) as s:
        key = next(c.key for c in s.item_cards(ItemFilter(township="XX镇")) if c.item.name == "农村宅基地审批")
    app.selectbox(key="board_item").set_value(key).run()
    assert not app.exception
    marked = [m.value for m in app.markdown if "<mark" in m.value]
    assert any("组织</mark>" in m and "公示</mark>" in m for m in marked)
    assert any("词表「组织」" in c.value for c in app.caption)  # the rule behind each highlighted word


def test_village_page_shows_the_action_matrix(app):
    open_page(app, "village")
    assert not app.exception
    frames = [d.value for d in app.dataframe]
    matrix = next(f for f in frames if "收费★" in f.columns)
    assert matrix.loc["东坡村", "收费★"] == 2 and matrix.loc["东坡村", "检查★"] >= 1
    label = app.selectbox(key="village").format_func(app.selectbox(key="village").value)
    name = label.split("（")[0]
    planted = json.loads((Path(loaders.__file__).parent / "sample_data" / "planted.json").read_text(encoding="utf-8"))
    burden = planted["village_burden"]
    metrics = {m.label: int(m.value) for m in app.metric if m.label != "参与事项"}
    assert metrics["非协助性职责"] == sum(name in p["villages"] for p in burden.values())
    assert metrics["含行政权力"] == sum(name in p["villages"] for p in burden.values()
                                                    if p["severity"] == "high")
