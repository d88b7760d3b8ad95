"""The 导入 page shows how the uploaded list was read, before anything is imported."""

from __future__ import annotations

from dashboard_support import open_page


def test_upload_shows_the_reading_report_with_an_unmapped_column_and_its_proposal(app):
    open_page(app, "importer")
    rows = ("事项名称,主抓单位,法律依据,办理时限\n"
            "秸秆禁烧巡查,综合行政执法队,《大气污染防治法》第七十七条,即时\n"
            "耕地保护巡查,自然资源办,《土地管理法》第三十条,即时\n").encode()
    app.get("file_uploader")[0].set_value(("YY乡履行职责事项清单.csv", rows, "text/csv"))
    app.run()
    assert not app.exception
    [code] = [c.value for c in app.code if "How the file was read" in c.value or "Township" in c.value]
    assert "乡镇 Township: YY乡" in code
    assert "B「主抓单位」→ 未识别 unmapped" in code and "--map-column 'B=lead'" in code


ROWS = ("事项名称,主抓单位,法律依据,办理时限\n"
        "秸秆禁烧巡查,综合行政执法队,《大气污染防治法》第七十七条,即时\n"
        "耕地保护巡查,自然资源办,《土地管理法》第三十条,即时\n").encode()


def test_reading_settings_read_the_upload_again(app):
    """The command line's --map-column, --part and --township on the page: the report after re-reading with them."""
    open_page(app, "importer")
    app.get("file_uploader")[0].set_value(("YY乡履行职责事项清单.csv", ROWS, "text/csv"))
    app.run()
    assert any("B「主抓单位」→ 未识别 unmapped" in c.value for c in app.code)
    app.text_area(key="import_map").set_value("B=责任主体")  # a header word, as a person writes it (or B=lead)
    app.selectbox(key="import_part").set_value("配合")
    app.text_input(key="import_township").set_value("ZZ镇")
    app.run()
    assert not app.exception
    [code] = [c.value for c in app.code if "ZZ镇" in c.value]
    line = next(x for x in code.splitlines() if "B「主抓单位」" in x)
    assert "未识别" not in line and "lead" in line, line
    assert any("已按读表设置重新读取" in c.value for c in app.caption)
    assert any("2 个事项" in s.value for s in app.success), [s.value for s in app.success]
    assert "配合履职事项" in code


def test_a_bad_column_setting_says_how_to_write_it(app):
    open_page(app, "importer")
    app.get("file_uploader")[0].set_value(("YY乡履行职责事项清单.csv", ROWS, "text/csv"))
    app.text_area(key="import_map").set_value("B lead")
    app.run()
    assert not app.exception
    assert any("应写成“列=表头”" in e.value.replace("\\", "") for e in app.error), [e.value for e in app.error]
