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
