"""Legal bases (no basis, most cited, inconsistent titles, law impact) and the village matrix."""

from __future__ import annotations

import pytest

from graphmodel import InvalidArgument
from queries import legal, villages


def test_no_basis_and_most_cited(example):
    assert [f.subject for f in legal.no_basis(example)] == ["农村集体资产监督"]
    top = legal.most_cited(example, by_law=True, limit=None)
    assert top[0].label == "《土地管理法》" and top[0].items == 3
    assert [u.items for u in top] == sorted((u.items for u in top), reverse=True)


def test_inconsistent_titles_group_the_items_by_title(build, load):
    build.item("甲", leads=["党政综合办"], bases=["《中华人民共和国消防法》第十条"])
    build.item("乙", leads=["党政综合办"], bases=["《消防法》第十一条"])
    build.item("丙", leads=["党政综合办"], bases=["《档案法》"])
    found = legal.inconsistent_titles(load(build))
    assert [(f.subject, dict(f.details)["titles"]) for f in found] == [("消防法", "中华人民共和国消防法、消防法")]
    assert sorted(i.name for i in found[0].items) == ["乙", "甲"]


def test_law_impact(example):
    imp = legal.law_impact(example, "土地管理法", 62)
    assert sorted(i.name for i in imp.items) == sorted(["宅基地使用权确认", "农村宅基地审批管理"])
    assert {n: k for n, _, k in imp.departments} == {"自然资源所": 2, "农业农村办": 1}
    assert imp.chains == ()
    whole = legal.law_impact(example, "《中华人民共和国土地管理法》")
    assert len(whole.items) == 3
    assert legal.law_impact(example, "不存在法").items == ()
    with pytest.raises(InvalidArgument):
        legal.law_impact(example, "  ")


def test_village_matrix_and_missing(build, load):
    build.item("控辍保学", leads=["社会事务办"], villages=[("东村", "劝返")], village_text="各村（社区）劝返")
    build.item("多数村", leads=["社会事务办"], villages=["东村", "西村"])  # 2 of 3: most
    build.item("一个村", leads=["社会事务办"], villages=["东村"])
    build.item("全部村", leads=["社会事务办"], villages=["东村", "西村", "南社区"], village_text="各村")
    store = load(build)
    m = villages.village_matrix(store)
    assert m.villages == ("东村", "南社区", "西村")
    rows = {r.item.name: r for r in m.rows}
    assert rows["控辍保学"].roles == ("劝返", "", "") and rows["控辍保学"].every_village
    found = {f.subject: dict(f.details)["missing"] for f in villages.missing_villages(store)}
    assert found == {"控辍保学": "南社区、西村", "多数村": "南社区"}


def test_village_matrix_needs_a_township_when_several(build, load):
    from queries._examples import ListBuilder

    store = load(build, ListBuilder("别的镇"))
    with pytest.raises(InvalidArgument):
        villages.village_matrix(store)
