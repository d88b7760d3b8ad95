"""Legal authority: the bundled law table, extra rows, the verdict rules and 赋权 entries by code or name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graphmodel import InvalidArgument
from graphmodel.delegation import Delegation
from graphmodel.normalize import normalise_law_title
from queries._examples import ListBuilder
from queries.authority import EMPOWERS, TABLE_ENV, legal_authority, load_law_table

PLANTED = json.loads((Path(__file__).resolve().parents[2] / "loaders" / "sample_data" / "planted.json")
                     .read_text(encoding="utf-8"))


def test_the_table_covers_every_law_the_sample_cites():
    table = load_law_table()
    laws = {law for law, _ in table}
    assert {normalise_law_title(t) for t in PLANTED["laws"]} <= laws
    assert all(r.empowers in EMPOWERS and r.source for r in table.values())
    assert all(("《" in r.source) for r in table.values())


def _store(store, *items, delegations=()):
    b = ListBuilder("权限镇")
    for name, power_type, lead, bases, code in items:
        b.item(name, power_type=power_type, leads=[lead], bases=bases, code=code)
    store.replace_township(b.build())
    if delegations:
        store.import_delegations("权限镇", delegations, editor="测试")
    return store


def test_verdicts(store):
    _store(store,
           ("宅基地审批", "行政许可", "农业农村办", ["《土地管理法》第六十二条"], "A1"),
           ("擅自取水处罚", "行政处罚", "综合行政执法队", ["《水法》第六十九条"], "A2"),
           ("拆除违建", "行政强制", "综合行政执法队", ["《行政强制法》第四十四条"], "A3"),
           ("某项检查", "行政检查", "综合行政执法队", ["《某省条例》第二条"], "A4"),
           ("县局检查", "行政检查", "县水利局", ["《水法》第六十九条"], "A5"),
           ("公共服务事项", "公共服务", "综合行政执法队", ["《水法》第六十九条"], "A6"),
           ("按编码赋权的处罚", "行政处罚", "综合行政执法队", ["《水法》第六十九条"], "A7"),
           delegations=[Delegation("另一个名字", "X政发〔2024〕1号", code="A7")])
    found = {f.subject: f.kind for f in legal_authority(store)}
    assert found == {"擅自取水处罚": "legal.not_empowered", "拆除违建": "legal.authority_unverified",
                     "某项检查": "legal.authority_unverified"}


def test_extra_rows_take_precedence(store, tmp_path, monkeypatch):
    _store(store, ("擅自取水处罚", "行政处罚", "综合行政执法队", ["《水法》第六十九条"], "A2"))
    extra = tmp_path / "county.csv"
    extra.write_text("law,article,subject,empowers,source,note\n中华人民共和国水法,69,乡镇人民政府,yes,某省水法实施办法,\n",
                     encoding="utf-8")
    assert legal_authority(store, table=str(extra)) == ()
    monkeypatch.setenv(TABLE_ENV, str(extra))
    load_law_table.cache_clear()
    try:
        assert legal_authority(store) == ()
    finally:
        monkeypatch.delenv(TABLE_ENV)
        load_law_table.cache_clear()
    assert [f.kind for f in legal_authority(store)] == ["legal.not_empowered"]


@pytest.mark.parametrize(("row", "words"), [
    ("水法,6a,x,yes,src,", ["row 2", "column article"]),
    ("水法,6,x,maybe,src,", ["row 2", "column empowers"]),
    ("水法,6,x,yes,,", ["row 2", "column source"]),
])
def test_a_bad_table_row_is_named(tmp_path, row, words):
    extra = tmp_path / "t.csv"
    extra.write_text("law,article,subject,empowers,source,note\n" + row + "\n", encoding="utf-8")
    with pytest.raises(InvalidArgument) as e:
        load_law_table(str(extra))
    assert all(w in str(e.value) for w in words)
