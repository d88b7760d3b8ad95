"""County queries and the catalogue comparison, on both stores, against hand-built lists."""

from __future__ import annotations

from dataclasses import replace

import pytest

from graphmodel import NotFound
from graphmodel.model import share_county_departments
from queries._examples import ListBuilder
from queries.catalogue import catalogue_example, compare
from queries.county import county_department_load, lead_spread, township_ranking

NR = "县自然资源局"


def _town(name, county, homestead_lead, nr_on_patrol=True):
    b = ListBuilder(name, county=county)
    b.dept("党政办", "镇街内设机构")
    b.item("宅基地审批", leads=[homestead_lead])
    b.item("地质灾害巡查", part="配合履职事项", leads=[NR] if nr_on_patrol else ["党政办"])
    b.item("违法占地查处", part="上级部门收回事项", leads=[NR])
    return share_county_departments(b.build())


@pytest.fixture
def county_store(store):
    for name, lead, patrol in (("甲镇", "农业农村办", True), ("乙镇", "农业农村办", True),
                               ("丙镇", "自然资源所", False), ("丁镇", "农业农村办、自然资源所", True)):
        tl = _town(name, "东河县", lead, patrol)
        if "、" in lead:  # 丁镇: two leads
            b = ListBuilder(name, county="东河县")
            b.dept("党政办", "镇街内设机构")
            b.item("宅基地审批", leads=["农业农村办", "自然资源所"])
            b.item("地质灾害巡查", part="配合履职事项", leads=[NR])
            b.item("违法占地查处", part="上级部门收回事项", leads=[NR])
            tl = share_county_departments(b.build())
        store.replace_township(tl)
    store.replace_township(_town("戊镇", "西山县", "自然资源所"))  # another county: never mixed in
    return store


def test_lead_spread_one_finding_per_duty_with_distribution(county_store):
    got = [(s.county, s.duty, s.townships, s.distribution) for s in lead_spread(county_store)]
    assert got == [
        ("东河县", "地质灾害巡查", 4, (("县自然资源局", 3, ("丁镇", "乙镇", "甲镇")), ("党政办", 1, ("丙镇",)))),
        ("东河县", "宅基地审批", 4, (("农业农村办", 2, ("乙镇", "甲镇")), ("农业农村办、自然资源所", 1, ("丁镇",)),
                                  ("自然资源所", 1, ("丙镇",)))),
    ]
    assert lead_spread(county_store, "戊镇") == ()  # alone in its county


def test_county_department_load_across_townships(county_store):
    rows = {(r.county, r.department): r for r in county_department_load(county_store)}
    east = rows[("东河县", NR)]
    assert east.key == "dept:county:东河县:县自然资源局"  # one shared node for the whole county
    assert (east.leads, east.cooperates) == (7, 0)
    assert east.townships == ("丁镇", "丙镇", "乙镇", "甲镇")
    assert east.uneven == (("地质灾害巡查", ("丁镇", "乙镇", "甲镇"), ("丙镇",)),)
    assert rows[("西山县", NR)].key == "dept:county:西山县:县自然资源局"


def test_township_ranking_side_by_side(county_store):
    ranks = [r for r in township_ranking(county_store) if r.county == "东河县"]
    assert [r.rank for r in ranks] == [1, 2, 3, 4]
    assert sorted(r.township for r in ranks) == ["丁镇", "丙镇", "乙镇", "甲镇"]
    assert [r.score for r in ranks] == sorted((r.score for r in ranks), reverse=True)
    ding = next(r for r in ranks if r.township == "丁镇")
    assert (ding.items, ding.no_lead, ding.multi_lead) == (3, 0, 1)
    assert ding.offices == 2 and ding.items_per_office == 1.5  # 党政办 and 农业农村办 (自然资源所 is a station)


def test_catalogue_compare_kinds_on_both_stores(store):
    ref, town = catalogue_example()
    store.replace_township(ref)
    store.replace_township(town)
    got = [(d.township, d.kind, d.name, d.match, d.score) for d in compare(store)]
    assert got == [
        ("甲镇", "added", "养犬登记", "", 0.0),
        ("甲镇", "missing", "地质灾害巡查", "", 0.0),
        ("甲镇", "lead_differs", "宅基地审批", "code", 1.0),
        ("甲镇", "part_differs", "违法占地查处", "similar", 0.8333),
    ]
    assert compare(store, min_score=0.9)[-1].kind != "part_differs"  # below the threshold: missing + added
    with pytest.raises(NotFound, match="东河县通用目录"):
        compare(store, "省目录")
    with pytest.raises(NotFound, match="乙镇"):
        compare(store, township="乙镇")


def test_compare_without_catalogue_says_how_to_load_one(store):
    store.replace_township(catalogue_example()[1])
    assert compare(store) == ()
    with pytest.raises(NotFound, match="--catalogue-of"):
        compare(store, "东河县通用目录")


def test_catalogue_of_another_county_ignores_its_townships(store):
    ref, town = catalogue_example()
    store.replace_township(ref)
    store.replace_township(town)
    other = ListBuilder("乙镇", county="西山县")
    other.item("养犬登记", leads=["派出所"])
    store.replace_township(other.build())
    assert {d.township for d in compare(store)} == {"甲镇"}
    assert replace(ref.township, catalogue_of="") != ref.township  # the mark is part of the node


def test_without_a_name_every_catalogue_is_compared_with_its_county(store):
    ref, town = catalogue_example()
    store.replace_township(ref)
    store.replace_township(town)
    west = ListBuilder("西山县通用目录", county="西山县")
    west.item("养犬登记", leads=["派出所"])
    wtl = west.build()
    wtl.township = replace(wtl.township, catalogue_of="西山县")
    store.replace_township(wtl)
    other = ListBuilder("乙镇", county="西山县")
    other.item("养犬登记", leads=["派出所"])
    other.item("秸秆禁烧巡查", leads=["农业农村办"])
    store.replace_township(other.build())
    got = {(d.catalogue, d.township, d.kind, d.name) for d in compare(store)}
    assert ("西山县通用目录", "乙镇", "added", "秸秆禁烧巡查") in got
    assert {c for c, *_ in got} == {"东河县通用目录", "西山县通用目录"}
    assert {t for _, t, *_ in got} == {"甲镇", "乙镇"}
    assert compare(store, township="乙镇") == compare(store, "西山县通用目录")


def test_a_catalogue_is_no_township_in_the_audit_counts_and_scores(store):
    """The whole store's audit, scores and counts are the townships'; the catalogue still audits alone."""
    from queries.audit import run_audit
    from queries.catalogue import township_counts
    from queries.coverage import completeness

    ref, town = catalogue_example()
    store.replace_township(town)
    before = run_audit(store)
    counts_before = store.counts()
    store.replace_township(ref)
    after = run_audit(store)
    assert after.townships == ("甲镇",) and after.items == before.items == 3
    assert [f.to_dict() for f in after.findings] == [f.to_dict() for f in before.findings]
    assert [s.township for s in after.scores] == [s.township for s in completeness(store)] == ["甲镇"]
    assert township_counts(store) == counts_before  # as if the catalogue were not loaded
    assert store.counts().nodes["DutyItem"] == 6  # the store itself still holds it
    alone = run_audit(store, "东河县通用目录")  # asked by name, a catalogue is audited like a list
    assert alone.items == 3 and {f.township for f in alone.findings} <= {"东河县通用目录"}
    assert township_counts(store, "东河县通用目录") == store.counts("东河县通用目录")


def test_county_department_items_and_roles_across_townships(county_store):
    from queries.county import county_department_items

    rows = county_department_items(county_store, NR, "东河县")
    assert list(rows) == sorted(rows)
    assert {(r.duty, r.township, r.role, r.part) for r in rows} == {
        ("地质灾害巡查", t, "leads", "配合履职事项") for t in ("甲镇", "乙镇", "丁镇")} | {
        ("违法占地查处", t, "leads", "上级部门收回事项") for t in ("甲镇", "乙镇", "丙镇", "丁镇")}
    assert {r.item.split(":")[1] for r in rows} == {"甲镇", "乙镇", "丙镇", "丁镇"}  # keys for links, of each township
    assert county_department_items(county_store, NR, "西山县")[0].township == "戊镇"  # its own county only
    assert county_department_items(county_store, "党政办", "东河县") == ()  # a township office is no county department


def test_whole_store_queries_and_lookup_leave_the_catalogue_out(store):
    from queries._common import cards_of
    from queries.lookup import lookup

    ref, town = catalogue_example()
    for tl in (ref, town):
        store.replace_township(tl)
    assert {c.item.township for c in cards_of(store)} == {"甲镇"}
    assert {c.item.township for c in cards_of(store, "东河县通用目录")} == {"东河县通用目录"}  # by name, it is there
    hits = lookup(store, "宅基地审批")
    assert hits and {h.item.township for h in hits} == {"甲镇"}
    assert {h.item.township for h in lookup(store, "宅基地审批", "东河县通用目录")} == {"东河县通用目录"}


def test_county_questions_about_one_township_are_its_countys_share(county_store):
    # one township's county is asked of the store (Neo4j: the county's Township nodes only)
    county_of = {"甲镇": "东河县", "乙镇": "东河县", "丙镇": "东河县", "丁镇": "东河县", "戊镇": "西山县"}
    for query in (lead_spread, county_department_load, township_ranking):
        whole = query(county_store)
        assert {r.county for r in whole} == {"东河县", "西山县"} or query is lead_spread
        for town, county in county_of.items():
            assert query(county_store, town) == tuple(r for r in whole if r.county == county), (query, town)
        assert query(county_store, "无此镇") == ()
    assert [r.township for r in township_ranking(county_store, "戊镇")] == ["戊镇"]
