"""The county read from a title row ("东河县甲镇履行职责事项清单" → 东河县, 甲镇), xlsx and CSV."""

from __future__ import annotations

import openpyxl
import pytest

from loaders import read_list

HEADER = ["序号", "事项名称", "清单类别", "事项类型", "责任科室"]
ROWS = [[1, "农村宅基地审批", "基本履职事项", "行政许可", "农业农村办"],
        [2, "违法占地查处", "上级部门收回事项", "行政处罚", "县自然资源局"]]


def _xlsx(path, title):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "基本履职事项"
    ws.append([title])
    ws.append(HEADER)
    for r in ROWS:
        ws.append(r)
    wb.save(path)
    return path


def _csv(path, title):
    lines = [title, ",".join(HEADER), *(",".join(map(str, r)) for r in ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(params=["xlsx", "csv"])
def titled(request, tmp_path):
    def make(title):
        if request.param == "xlsx":
            return _xlsx(tmp_path / "清单.xlsx", title)
        return _csv(tmp_path / "清单.csv", title)
    return make


def test_county_and_township_from_the_title_marked_as_read_there(titled):
    title = "东河县甲镇履行职责事项清单"
    r = read_list(titled(title))
    assert (r.tlist.township.name, r.tlist.township.county) == ("甲镇", "东河县")
    assert (r.reading.county, r.reading.county_source, r.reading.county_detail) == ("东河县", "title", title)
    assert "县 County: 东河县（来自 from 标题行 title row「东河县甲镇履行职责事项清单」）" in r.reading.to_text()
    assert r.reading.to_dict()["county_source"] == "title"
    # its county departments are the county's shared nodes
    assert "dept:county:东河县:县自然资源局" in {d.key for d in r.tlist.departments}
    assert not [p for p in r.problems if p.code == "county_mismatch"]


def test_a_title_without_a_county_invents_none(titled):
    r = read_list(titled("桃源镇履行职责事项清单"))
    assert (r.tlist.township.name, r.tlist.township.county, r.reading.county, r.reading.county_source) == ("桃源镇", "", "", "")
    assert "县 County" not in r.reading.to_text()


def test_county_option_wins_and_a_different_title_is_a_located_warning(titled):
    path = titled("东河县甲镇履行职责事项清单")
    r = read_list(path, county="西山县")
    assert (r.tlist.township.name, r.tlist.township.county, r.reading.county_source) == ("甲镇", "西山县", "option")
    [p] = [p for p in r.problems if p.code == "county_mismatch"]
    assert (p.severity, p.file, p.row, p.value) == ("warning", path.name, 1, "东河县甲镇履行职责事项清单")
    assert p.sheet and "东河县" in p.message and "西山县" in p.message
    same = read_list(path, county="东河县")  # the same county twice: nothing to say
    assert not [p for p in same.problems if p.code == "county_mismatch"] and same.reading.county_source == "option"


def test_township_option_keeps_the_title_county(titled):
    r = read_list(titled("东河县甲镇履行职责事项清单（基本履职事项）"), township="甲镇")
    assert (r.tlist.township.name, r.tlist.township.county, r.reading.county_source) == ("甲镇", "东河县", "title")
