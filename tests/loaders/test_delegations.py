"""The 赋权 import: headers, bad rows named, all or nothing, xlsx as well as CSV, stored on both stores."""

from __future__ import annotations

import openpyxl
import pytest

from graphmodel import LoadError, TownshipList
from graphmodel.delegation import Delegation
from loaders.delegations import import_delegations, read_delegations


def _csv(tmp_path, text, name="赋权.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8-sig")
    return p


def test_reads_entries_for_the_township(tmp_path):
    p = _csv(tmp_path, "说明：县政府赋权决定\n赋权事项,事项编码,文号,印发日期,乡镇\n"
                       "占道经营行为处罚,C-1,X政发〔2024〕3号,2024-05-01,\n"
                       "河道巡查,,X政发〔2024〕3号,2024-05-01,XX镇\n"
                       ",,,,\n"
                       "随意倾倒垃圾处罚,,X政发〔2024〕3号,2024-05-01,YY镇\n")
    r = read_delegations(p, "XX镇")
    assert [(e.item, e.code, e.source) for e in r.entries] == [
        ("占道经营行为处罚", "C-1", "赋权.csv 第3行"), ("河道巡查", "", "赋权.csv 第4行")]
    assert r.skipped_other_townships == 1


def test_every_bad_row_is_named_and_nothing_is_read(tmp_path):
    p = _csv(tmp_path, "事项名称,文件,日期\n占道经营行为处罚,,2024-05-01\n,X政发〔2024〕3号,2024-05-01\n河道巡查,X政发,2024\n")
    with pytest.raises(LoadError) as e:
        read_delegations(p, "XX镇")
    where = sorted((q.row, q.column_letter, q.column) for q in e.value.problems)
    assert where == [(2, "B", "文件"), (3, "A", "事项名称")]
    assert "nothing imported" in str(e.value)


def test_no_header_says_what_is_needed(tmp_path):
    p = _csv(tmp_path, "名称,备注\n占道经营行为处罚,x\n")
    with pytest.raises(LoadError) as e:
        read_delegations(p, "XX镇")
    assert "赋权" in str(e.value) and e.value.problems[0].code == "no_header"


def test_reads_xlsx_with_date_cells(tmp_path):
    import datetime

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["赋权事项", "赋权文号", "发文日期"])
    ws.append(["秸秆禁烧巡查", "X政发〔2024〕12号", datetime.datetime(2024, 6, 28)])
    path = tmp_path / "赋权.xlsx"
    wb.save(path)
    assert [(e.item, e.date) for e in read_delegations(path, "XX镇").entries] == [("秸秆禁烧巡查", "2024-06-28")]


def test_stored_on_the_store_once(store, tmp_path):
    store.replace_township(TownshipList.empty("XX镇"))
    p = _csv(tmp_path, "赋权事项,文号,印发日期\n占道经营行为处罚,X政发〔2024〕3号,2024-05-01\n")
    read, changed = import_delegations(store, p, "XX镇", editor="张三")
    assert changed and store.delegations("XX镇") == read.entries
    assert store.delegation_list("XX镇").imported_by == "张三"
    assert import_delegations(store, p, "XX镇", editor="李四")[1] is False
    store.import_delegations("XX镇", [], editor="张三")
    assert store.delegations("XX镇") == ()
    assert store.delegations("没有镇") == ()
    with pytest.raises(Exception):
        store.import_delegations("XX镇", [Delegation("a", "b")], editor="")
