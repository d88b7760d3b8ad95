"""Bad lists: every problem located (file, sheet, Excel row, column), and the store untouched."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from graph_snapshot import graph_of
from sheetmaker import write_csv, write_xlsx

from graphmodel.errors import LoadError
from loaders import read_list


def _errors(excinfo) -> list[tuple]:
    return [(p.code, p.file, p.sheet, p.row, p.column_letter, p.column)
            for p in excinfo.value.problems if p.is_error]


@pytest.fixture
def loaded(mem_store, messy_xlsx):
    """A store holding the messy list, and a snapshot to compare against."""
    mem_store.replace_township(read_list(messy_xlsx).tlist)
    return mem_store, (graph_of(mem_store), mem_store.counts(), mem_store.path.read_bytes())


def _unchanged(store, snapshot) -> bool:
    return (graph_of(store), store.counts(), store.path.read_bytes()) == snapshot


def _load_into(store, *args, **kwargs):
    store.replace_township(read_list(*args, **kwargs).tlist)


def test_missing_header_stops_before_rows(tmp_path, loaded):
    store, snapshot = loaded
    path = write_xlsx(tmp_path / "样例镇.xlsx", {"基本履职事项": [["样例镇履行职责事项清单"], ["名目", "科室"], ["甲", "党政办"]]})
    with pytest.raises(LoadError) as e:
        _load_into(store, path)
    assert _errors(e) == [("no_header", "样例镇.xlsx", "", 0, "", "")]
    assert "「基本履职事项」" in e.value.problems[0].message
    assert _unchanged(store, snapshot)


@pytest.mark.parametrize("rows", [
    [["事项名称", "责任科室"]],  # a header and nothing under it
    [["说明", "备注"], ["没有事项名称这一列", "随便写写"]],  # read as a two-row header, no rows left
])
def test_list_without_items_is_refused_so_it_cannot_empty_a_township(tmp_path, loaded, rows):
    store, snapshot = loaded
    path = write_csv(tmp_path / "样例镇.csv", rows)
    with pytest.raises(LoadError) as e:
        _load_into(store, path, township=store.townships()[0].name)
    assert [c[0] for c in _errors(e)] == ["no_items"]
    assert _unchanged(store, snapshot)


@pytest.mark.parametrize("content, code", [
    (b"", "empty_file"),
    (os.urandom(2048).replace(b"PK", b"pk").replace(b"\xd0\xcf", b"dc"), "not_spreadsheet"),
    (b"PK\x03\x04" + b"\x00" * 200, "not_spreadsheet"),  # a zip header and nothing of a workbook
])
def test_unreadable_files(tmp_path, loaded, content, code):
    store, snapshot = loaded
    path = tmp_path / "清单.xlsx"
    path.write_bytes(content)
    with pytest.raises(LoadError) as e:
        _load_into(store, path)
    assert _errors(e) == [(code, "清单.xlsx", "", 0, "", "")]
    assert _unchanged(store, snapshot)


def test_binary_file_named_csv_and_workbook_of_empty_sheets(tmp_path):
    binary = tmp_path / "a.csv"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    empty = write_xlsx(tmp_path / "b.xlsx", {"Sheet1": [], "Sheet2": []})
    missing = tmp_path / "c.xlsx"
    with pytest.raises(LoadError) as e:
        read_list([binary, empty, missing])
    assert [(p.code, p.file) for p in e.value.problems] == [
        ("not_spreadsheet", "a.csv"), ("empty_file", "b.xlsx"), ("file_not_found", "c.xlsx")]


def test_row_errors_are_all_reported_with_their_cells(tmp_path, loaded):
    store, snapshot = loaded
    rows = [
        ["样例镇履行职责事项清单（基本履职事项）"],
        ["序号", "事项编码", "事项名称", "责任科室", "法律依据", "办理时限"],
        [1, "A-1", "甲", "党政办", "《乙法》", "3日"],
        [2, "A-2", None, "党政办", "《乙法》", "3日"],  # no name
        [3, "A-1", "丙", "经发办", "《乙法》", "3日"],  # code of row 3 again
        [4, 330102000000000000, "丁", "经发办", "《乙法》", "3日"],  # code stored as a number: digits lost
        [5, "A-5", 12345, "经发办", "《乙法》", "3日"],  # a number for a name
        [6, dt.datetime(2024, 1, 2), "戊", "经发办", "《乙法》", "3日"],  # a date for a code
        [],
        ["注：以上事项经专班联审。"],
    ]
    path = write_xlsx(tmp_path / "样例镇.xlsx", {"基本履职事项": rows})
    with pytest.raises(LoadError) as e:
        _load_into(store, path)
    where = ("样例镇.xlsx", "基本履职事项")
    assert _errors(e) == [
        ("missing_name", *where, 4, "C", "事项名称"),
        ("duplicate_code", *where, 5, "B", "事项编码"),
        ("bad_type", *where, 6, "B", "事项编码"),
        ("bad_type", *where, 7, "C", "事项名称"),
        ("bad_type", *where, 8, "B", "事项编码"),
    ]
    dup = next(p for p in e.value.problems if p.code == "duplicate_code")
    assert "第3行「甲」" in dup.message and "第5行「丙」" in dup.message
    assert str(e.value.problems[0]) == (
        "样例镇.xlsx / 基本履职事项 第4行 C列「事项名称」: 有内容但缺少事项名称 (row has content but no item name)")
    assert _unchanged(store, snapshot)


def test_same_name_twice_with_different_content_is_an_error(tmp_path):
    path = write_csv(tmp_path / "东湖镇.csv", [["事项名称", "责任科室"], ["甲", "党政办"], ["乙", "党政办"], ["甲", "经发办"]])
    with pytest.raises(LoadError) as e:
        read_list(path)
    assert _errors(e) == [("duplicate_name", "东湖镇.csv", "东湖镇", 4, "A", "事项名称")]
    assert "第2行" in e.value.problems[0].message


def test_errors_across_several_files_come_together(tmp_path):
    a = write_csv(tmp_path / "东湖镇_基本.csv", [["事项名称", "事项编码"], ["甲", "X1"], ["", "X2"]])
    b = write_csv(tmp_path / "东湖镇_配合.csv", [["事项名称", "事项编码"], ["乙", "X1"]])
    with pytest.raises(LoadError) as e:
        read_list([a, b])
    assert _errors(e) == [("missing_name", "东湖镇_基本.csv", "东湖镇_基本", 3, "A", "事项名称"),
                          ("duplicate_code", "东湖镇_配合.csv", "东湖镇_配合", 2, "B", "事项编码")]


def test_files_naming_two_townships_need_the_option(tmp_path):
    a = write_csv(tmp_path / "东湖镇.csv", [["事项名称"], ["甲"]])
    b = write_csv(tmp_path / "西湖乡.csv", [["事项名称"], ["乙"]])
    with pytest.raises(LoadError) as e:
        read_list([a, b])
    assert [p.code for p in e.value.problems] == ["township_mismatch"]
    assert read_list([a, b], township="东湖镇").tlist.township.name == "东湖镇"


def test_unknown_next_item_and_village_are_warnings(tmp_path):
    path = write_xlsx(tmp_path / "东湖镇.xlsx", {
        "基本": [["事项名称", "后续事项", "涉及村（社区）", "责任科室"], ["甲", "不存在的事项", "李家村", "党政办"]],
        "名册": [["村（社区）名称"], ["王庄村"]],
    })
    result = read_list(path)
    got = {(p.code, p.row, p.column_letter, p.value) for p in result.problems}
    assert ("unknown_next_item", 2, "B", "不存在的事项") in got
    assert ("unknown_village", 2, "C", "李家村") in got
    assert result.ok
