"""Every dashboard page under AppTest on the bundled sample: renders, filters, selection, import, language."""

from __future__ import annotations

import time

import pytest
from dashboard_support import APP, PAGES, open_page

from graphmodel import ItemFilter, open_store
from queries import KINDS

TIMINGS: dict[str, float] = {}


def _texts(at) -> str:
    parts = [e.value for e in (*at.title, *at.subheader, *at.markdown, *at.caption, *at.info, *at.warning,
                                *at.success, *at.error)]
    parts += [m.label for m in at.metric]
    return "\n".join(str(p) for p in parts)


def _no_errors(at) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_the_sample(app, page):
    # render times are printed for reading, not asserted: speed targets live in bench/ (pages too)
    open_page(app, "overview")  # warm: the first run imports everything once
    start = time.perf_counter()
    open_page(app, page)
    TIMINGS[page] = time.perf_counter() - start
    _no_errors(app)
    assert app.title, "every page has a title"


def test_first_render_has_no_errors(data_dir):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    _no_errors(at)
    assert at.title


def test_overview_shows_counts_findings_and_score(app):
    _no_errors(app)
    labels = [m.label for m in app.metric]
    assert labels[:5] == ["职责交叉", "职责空白", "高严重度问题", "完整度", "自上一轮：解决 / 新增"]
    assert labels[5:9] == ["事项", "部门", "村（社区）", "法律依据"]
    assert int(app.metric[0].value) > 0 and int(app.metric[5].value) > 0
    assert any("高严重度问题待研讨" in c.value for c in app.caption)  # a high score does not read as "all fine"
    text = _texts(app)
    assert "发现的问题（按类型）" in text and "完整度" in text
    assert "多个牵头部门" in app.dataframe[0].value["问题类型"].tolist()


def test_the_headline_opens_the_board_filtered(app):
    overlaps = int(app.metric[0].value)
    app.button(key="ov_go_overlaps").click().run()
    _no_errors(app)
    assert app.title[0].value == "边界研讨"
    kinds = app.multiselect(key="board_kinds").value
    assert kinds and all(k.startswith("overlap.") for k in kinds)
    work = app.dataframe[0].value
    overlap_titles = {k.title for name, k in KINDS.items() if name.startswith("overlap.")}
    assert len(work) >= overlaps and set(work["问题类型"]) <= overlap_titles


def test_board_filters_change_the_worklist(app, data_dir):
    open_page(app, "board")
    total = len(app.dataframe[0].value)
    assert total > 0
    app.selectbox(key="board_power").set_value("行政许可").run()
    narrowed = app.dataframe[0].value
    permits = {n.label for n in _store(data_dir).nodes("DutyItem") if n.power_type == "行政许可"}
    assert 0 < len(narrowed) < total and set(narrowed["事项名称"]) <= permits  # 事项类型 is in the download only
    app.selectbox(key="board_power").set_value(None).run()
    app.multiselect(key="board_kinds").set_value(["overlap.multi_lead"]).run()
    only = app.dataframe[0].value
    assert set(only["问题类型"]) == {"多个牵头部门"} and len(only) < total
    lead = only.iloc[0]["牵头部门"].split("、")[0]
    dept = next(d.key for d in _store(data_dir).nodes("Department") if d.name == lead)
    app.selectbox(key="board_dept").set_value(dept).run()
    rows = app.dataframe[0].value
    assert len(rows) >= 1 and all(lead in row["牵头部门"] + "、" + row["配合部门"] for _, row in rows.iterrows())


def _store(data_dir):
    return open_store("memory", data_dir=data_dir)


def _overlap_keys(data_dir) -> list[str]:
    from queries.overlaps import multi_lead

    return [k for f in multi_lead(_store(data_dir)) for k in f.item_keys]


def test_board_selection_shows_the_items_neighbourhood(app, data_dir):
    open_page(app, "board")
    keys = _overlap_keys(data_dir)
    assert keys, "the sample plants items with two leads"
    for key in keys[:2]:
        app.selectbox(key="board_item").set_value(key).run()
        _no_errors(app)
        card = _store(data_dir).item_cards(ItemFilter(keys=(key,)))[0]
        subheads = [s.value for s in app.subheader]
        assert f"事项关系图：{card.item.label}" in subheads
        # the exact tables of what the graph draws: the item, its leads marked as the overlap
        nodes, edges = app.dataframe[1].value, app.dataframe[2].value
        assert "键" not in nodes.columns  # names, not keys
        assert card.item.label in nodes["节点"].tolist()
        assert {p.name for p in card.leads} <= set(nodes["节点"])
        overlap = edges[(edges["关系"] == "牵头") & (edges["标记"] == "多头牵头")]
        assert len(overlap) == len(card.leads) >= 2
        assert {"各方职责对照", "引用的法条", "来源行"} <= set(subheads)
    app.radio(key="board_depth").set_value(2).run()
    _no_errors(app)
    assert len(app.dataframe[1].value) >= len(nodes)


def test_coverage_filters_change_the_missing_fields_table(app):
    open_page(app, "coverage")
    _no_errors(app)
    downloads = app.get("download_button")
    assert len(downloads) >= 5, "every coverage table is downloadable"
    before = len(app.dataframe[2].value)
    app.toggle(key="cv_only").set_value(False).run()
    everything = len(app.dataframe[2].value)
    assert everything > before
    app.selectbox(key="cv_part").set_value("上级部门收回事项").run()
    assert 0 < len(app.dataframe[2].value) < everything


def test_chains_page_lists_steps(app):
    open_page(app, "chains")
    _no_errors(app)
    steps = app.dataframe[-2].value if len(app.dataframe) > 3 else app.dataframe[0].value
    assert "链条环节" in [s.value for s in app.subheader]
    assert len(app.selectbox(key="chain").options) >= 1
    assert len(steps) > 0


def test_whatif_shows_the_effect(app):
    open_page(app, "whatif")
    assert app.info, "asks what to change first"
    options = app.multiselect(key="wi_remove").options
    app.multiselect(key="wi_remove").set_value([app.multiselect(key="wi_remove").options[0]]).run()
    _no_errors(app)
    assert options
    assert [m.label for m in app.metric][0] == "失去牵头部门"


def test_department_and_village_pictures(app):
    open_page(app, "department")
    _no_errors(app)
    assert [m.label for m in app.metric][:2] == ["牵头事项", "配合事项"]
    open_page(app, "village")
    _no_errors(app)
    assert app.selectbox(key="village").options


def test_lookup_answers_in_one_card(app):
    open_page(app, "lookup")
    app.text_input(key="lookup_text").input("宅基地").run()
    _no_errors(app)
    text = _texts(app)
    assert "宅基地" in text and "牵头（负责）" in text


def test_lookup_says_when_it_is_not_sure(app):
    open_page(app, "lookup")
    app.text_input(key="lookup_text").input("工作证明").run()
    _no_errors(app)
    assert app.warning and app.warning[0].value.startswith("没有把握")


def _counts(data_dir):
    with open_store("memory", data_dir=data_dir) as s:
        return s.counts()


def test_bad_upload_shows_every_error_and_writes_nothing(app, data_dir):
    before = _counts(data_dir)
    open_page(app, "importer")
    bad = "说明,备注\n没有事项名称这一列,随便写写\n".encode()
    app.get("file_uploader")[0].set_value(("坏清单.csv", bad, "text/csv"))
    app.run()
    assert not app.exception
    assert app.error and "不能导入" in app.error[0].value
    assert not [b for b in app.button if b.key == "import_go"], "no import button while there are errors"
    assert _counts(data_dir) == before


def test_row_errors_carry_row_and_column(app, data_dir):
    before = _counts(data_dir)
    open_page(app, "importer")
    rows = "事项名称,事项类型,责任主体\n合法事项,行政许可,党政综合办\n,行政处罚,综合行政执法队\n".encode()
    app.get("file_uploader")[0].set_value(("YY乡履行职责事项清单.csv", rows, "text/csv"))
    app.run()
    report = app.dataframe[0].value
    err = report[report["严重程度"] == "错误"].iloc[0]
    assert err["行"] == 3 and err["列"].startswith("A")
    assert _counts(data_dir) == before


def test_good_upload_validates_first_then_imports(app, data_dir, monkeypatch):
    import json

    from graphmodel.editors import hash_password

    monkeypatch.setenv("DUTYGRAPH_EDITORS", json.dumps({"王五": hash_password("pw")}))
    open_page(app, "importer")
    rows = "事项名称,事项类型,责任主体,法律依据,办理时限\n秸秆禁烧巡查,行政检查,农业农村办,《大气污染防治法》第七十七条,即时\n".encode()
    app.get("file_uploader")[0].set_value(("YY乡履行职责事项清单.csv", rows, "text/csv"))
    app.run()
    assert app.success and "校验通过" in app.success[0].value
    with open_store("memory", data_dir=data_dir) as s:
        assert [t.name for t in s.townships()] == ["XX镇"], "nothing written before the button"
    # anyone may validate; only a signed-in editor imports
    assert not [b for b in app.button if b.key == "import_go"]
    assert any("登录" in i.value for i in app.info)
    app.sidebar.text_input(key="signin_name").set_value("王五")
    app.sidebar.text_input(key="signin_password").set_value("pw")
    app.sidebar.button(key="signin_button").click().run()
    app.button(key="import_go").click().run()
    assert any("已导入 YY乡" in s.value for s in app.success)
    # the sidebar's township list shows the new township at once
    assert "YY乡" in app.sidebar.selectbox(key="township").options
    with open_store("memory", data_dir=data_dir) as s:
        assert sorted(t.name for t in s.townships()) == ["XX镇", "YY乡"]
        assert [(e.who, e.action) for e in s.audit_trail("YY乡")][0] == ("王五", "import")


def test_language_switch_changes_labels(app):
    assert app.title[0].value == "总览"
    app.segmented_control(key="lang").set_value("en").run()
    _no_errors(app)
    assert app.title[0].value == "Overview"
    assert [m.label for m in app.metric][5:7] == ["Items", "Departments"]
    open_page(app, "board")
    assert app.title[0].value == "Boundary board"
    assert "Finding" in app.dataframe[0].value.columns


def test_store_error_is_one_sentence(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "dutygraph.json").write_text("{not json", encoding="utf-8")
    monkeypatch.setenv("DUTYGRAPH_DATA_DIR", str(bad))
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    assert not at.exception
    assert any("无法打开数据存储" in e.value or "出错了" in e.value for e in at.error)


def test_report_timings(capsys):
    """Print the page timings measured above (shown with -s; recorded in docs/dashboard.md)."""
    with capsys.disabled():
        print("\nAppTest render times (s): " + ", ".join(f"{p} {t:.3f}" for p, t in TIMINGS.items()))


def test_unreadable_upload_lists_the_problem_and_writes_nothing(app, data_dir):
    before = _counts(data_dir)
    open_page(app, "importer")
    app.get("file_uploader")[0].set_value(("清单.xlsx", b"this is not a workbook", "application/octet-stream"))
    app.run()
    assert not app.exception
    assert app.error and "不能导入" in app.error[0].value
    report = app.dataframe[0].value
    assert {"文件", "行", "列", "说明"} <= set(report.columns) and (report["严重程度"] == "错误").any()
    assert "清单.xlsx" in report["文件"].tolist()
    assert not [b for b in app.button if b.key == "import_go"]
    assert _counts(data_dir) == before


def test_the_picture_folds_villages_and_caps_depth_two(app, data_dir):
    """Ten villages of one role are one group node; depth 2 draws at most OUTER_PER_KIND per kind and says what it left out."""
    from dashboard.graphview import OUTER_PER_KIND, neighbourhood_spec
    from queries.neighbourhood import neighbourhood

    key = "item:XX镇:code:XXZ-JB-049"
    with open_store("memory", data_dir=data_dir) as s:
        spec = neighbourhood_spec(neighbourhood(s, key, 1, limit=80), key)
        villages = [n for n in spec.nodes if n.kind == "village"]
        assert len(villages) == 1 and villages[0].label == "10 个村（社区）协助"
        assert villages[0].note.count("、") == 9  # the names, beside the picture
        assert sum(e.highlight == "overlap" for e in spec.edges) == 2 and "多头牵头" in spec.legend
        deep = neighbourhood_spec(neighbourhood(s, key, 2, limit=400), key)
    counts: dict[str, int] = {}
    for n in deep.nodes:
        if n.key != key:
            counts[n.kind] = counts.get(n.kind, 0) + 1
    assert max(counts.values()) <= OUTER_PER_KIND + 10  # the ring per kind, plus the first ring
    assert len(deep.nodes) <= 60
    if deep.extra.get("listed"):
        assert "未画出" in deep.legend


def test_clicking_a_worklist_row_opens_that_item(app):
    """A selected row (what a click on the grid sends) opens that item below: its heading and leads."""
    open_page(app, "board")
    work = app.dataframe[0].value
    assert list(work.columns) == ["问题类型", "严重程度", "事项名称", "牵头部门", "配合部门", "说明"]  # no sideways scroll
    first = [m.value for m in app.markdown if m.value.startswith("### ")][0]
    row = next(i for i in range(1, len(work)) if f"### {work.iloc[i]['事项名称']}" != first)
    app.session_state["board_rows"] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    app.run()
    assert not app.exception
    headings = [m.value for m in app.markdown if m.value.startswith("### ")]
    assert headings[0] == f"### {work.iloc[row]['事项名称']}"
    leads = work.iloc[row]["牵头部门"]
    assert any(m.value.startswith(f"**牵头部门**：{leads}") for m in app.markdown), leads
    # the picker stays free: choosing another item afterwards is not overridden by the old click
    app.selectbox(key="board_item").set_value("item:XX镇:code:XXZ-JB-070").run()
    assert [m.value for m in app.markdown if m.value.startswith("### ")][0] == "### 环境卫生整治"
