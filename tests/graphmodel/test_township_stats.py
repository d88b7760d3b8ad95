"""A township's aggregates kept at write time on Neo4j (graphmodel.township_stats, TownshipStats).

The county questions read them instead of every item of the county: their answers must stay
the embedded store's after imports, re-imports of changed lists, deletes and the bulk load,
and a store written before them (no TownshipStats) must still answer right.
"""

from __future__ import annotations

from dataclasses import replace

import neo4j as driver_module
import pytest
from graphgen import generate

from graphmodel import DeptLevel, ListPart, open_store
from graphmodel.model import share_county_departments
from graphmodel.township_stats import township_stats
from queries._common import kept_stats
from queries._examples import ListBuilder
from queries.county import county_department_load, lead_spread, township_ranking
from queries.coverage import completeness, department_load

FIELDS = ("name", "basis", "time_limit", "procedure", "code", "upper_duty", "township_duty", "lead")
QUESTIONS = (lead_spread, county_department_load, township_ranking, completeness, department_load)


def _list(n: int, county: str = "东河县", size: int | None = None):
    tlist = generate(3000 + n, size or 20 + (n * 7) % 25)
    absent = ("配合履职事项:time_limit",) if n % 2 else ()
    layout = tuple(f"{p.value}:{f}" for p in ListPart for f in FIELDS if f"{p.value}:{f}" not in absent)
    tlist.township = replace(tlist.township, layout=layout, county=county)
    return share_county_departments(tlist)


def test_stats_count_what_the_list_holds():
    b = ListBuilder("甲镇", county="东河县")
    b.item("宅基地审批", leads=["农业农村办", "自然资源所"], time_limit="5日")
    b.item("违法占地查处", part=ListPart.WITHDRAWN.value, leads=["县自然资源局"])
    b.item("集体资产监督", lead_text="暂无")
    b.item("垃圾清运", leads=["农业农村办"], coops=["县城管局"], time_limit=" \u3000")
    tl = share_county_departments(b.build())
    s = township_stats(tl)
    assert (s["items"], s["no_lead"], s["multi_lead"]) == (4, 1, 1)
    assert s["offices"] == sum(1 for d in tl.departments if d.level == DeptLevel.TOWNSHIP.value) >= 1
    import json

    duties = json.loads(s["duties"])
    assert sorted(d[0] for d in duties) == sorted(["宅基地审批", "违法占地查处", "集体资产监督", "垃圾清运"])
    assert ["集体资产监督", ""] in [d[:2] for d in duties]  # no lead: an empty join
    roles = json.loads(s["roles"])
    assert sorted((r[1], r[2]) for r in roles) == [("cooperates", "县城管局"), ("leads", "县自然资源局")]
    basic = json.loads(s["parts"])[ListPart.BASIC.value]
    assert basic["items"] == 3 and basic["multi"] == 1
    assert basic["blank"]["time_limit"] == 2  # not written, and written as spaces only (cypher.BLANK)
    assert [k[3] for k in basic["no_lead"]] == ["暂无"]  # [key, name, sub-item, lead_text …]
    assert [n for _, n, _ in basic["multi_first"]] == ["宅基地审批"]
    assert [n for _, n, _ in basic["blank_first"]["time_limit"]] == ["垃圾清运", "集体资产监督"] or \
        sorted(n for _, n, _ in basic["blank_first"]["time_limit"]) == ["垃圾清运", "集体资产监督"]


@pytest.fixture
def stores(neo4j_server):
    uri, user, password, database = neo4j_server
    memory = open_store("memory", data_dir=None)
    neo = open_store("neo4j", uri=uri, user=user, password=password, database=database)
    neo.wipe()
    yield memory, neo
    neo.wipe()
    neo.close()


def _same(memory, neo, towns):
    for q in QUESTIONS:
        assert q(neo) == q(memory), q.__name__
        for t in towns:
            assert q(neo, t) == q(memory, t), (q.__name__, t)


def _drop_stats(neo4j_server):
    uri, user, password, database = neo4j_server
    with driver_module.GraphDatabase.driver(uri, auth=(user, password)) as d, d.session(database=database) as s:
        s.run("MATCH (n:TownshipStats) DELETE n").consume()  # a store written before the aggregates


@pytest.mark.neo4j
def test_county_answers_follow_imports_reimports_and_deletes(stores):
    memory, neo = stores
    lists = [_list(n, "东河县" if n < 4 else "西山县") for n in range(6)]
    for tl in lists:
        memory.replace_township(tl)
        neo.replace_township(tl)
    towns = [tl.township.name for tl in lists]
    assert kept_stats(neo, towns, ("duties",)) is not None
    assert lead_spread(neo) and county_department_load(neo)  # the compared answers are not empty
    _same(memory, neo, towns[:2])
    # a changed list: another lead for one duty, one item fewer
    changed = _list(1, size=30)
    for s in (memory, neo):
        s.replace_township(changed)
    _same(memory, neo, [towns[1], towns[4]])
    for s in (memory, neo):
        s.delete_township(towns[0])
    assert kept_stats(neo, [towns[0]]) is None
    _same(memory, neo, towns[1:3])


@pytest.mark.neo4j
def test_a_store_written_before_the_aggregates_answers_right(stores, neo4j_server):
    memory, neo = stores
    lists = [_list(n) for n in range(4)]
    for tl in lists:
        memory.replace_township(tl)
        neo.replace_township(tl)
    towns = [tl.township.name for tl in lists]
    _drop_stats(neo4j_server)
    assert kept_stats(neo, towns) is None  # asked of the items, as before
    _same(memory, neo, towns[:1])
    assert neo.replace_township(lists[0]).unchanged  # an unchanged re-import writes them back
    assert kept_stats(neo, towns[:1]) is not None and kept_stats(neo, towns) is None
    for tl in lists[1:]:
        neo.replace_township(tl)
    assert kept_stats(neo, towns) is not None
    _same(memory, neo, towns[:1])


@pytest.mark.neo4j
def test_the_bulk_load_writes_the_aggregates(stores):
    memory, neo = stores
    lists = [_list(n) for n in range(3)]
    neo.bulk_load(lists)
    for tl in lists:
        memory.replace_township(tl)
    towns = [tl.township.name for tl in lists]
    assert kept_stats(neo, towns, ("duties", "roles", "parts")) is not None
    _same(memory, neo, towns[:1])


def _count_stats(neo4j_server) -> int:
    uri, user, password, database = neo4j_server
    with driver_module.GraphDatabase.driver(uri, auth=(user, password)) as d, d.session(database=database) as s:
        return s.run("MATCH (n:TownshipStats) RETURN count(n) AS n").single()["n"]


@pytest.mark.neo4j
def test_wipe_deletes_the_aggregates_batch_by_batch(stores, neo4j_server, monkeypatch):
    # each aggregate holds its list's rows (~0.1 MB): 2,000 in one wipe batch overran 256 MB, so
    # they go in their own small batches; with a batch of one, every one must still go
    from graphmodel import neo4j_store

    _, neo = stores
    for n in range(3):
        neo.replace_township(_list(n))
    assert _count_stats(neo4j_server) == 3
    monkeypatch.setattr(neo4j_store, "_WIPE_REVIEW_BATCH", 1)
    neo.wipe()
    assert _count_stats(neo4j_server) == 0 and not neo.townships()


def _raw(neo4j_server, statement: str, **params):
    uri, user, password, database = neo4j_server
    with driver_module.GraphDatabase.driver(uri, auth=(user, password)) as d, d.session(database=database) as s:
        return [r.data() for r in s.run(statement, params)]


@pytest.mark.neo4j
def test_an_unchanged_reimport_rewrites_nothing(stores, neo4j_server):
    # the stored digest names the list: the same list again is answered without the diff and
    # without rewriting the aggregates (a rewrite, SET n = $props, would drop the probe)
    memory, neo = stores
    lists = [_list(n) for n in range(2)]
    for tl in lists:
        assert memory.replace_township(tl) == neo.replace_township(tl)
    _raw(neo4j_server, "MATCH (n:TownshipStats) SET n.probe = 1")
    for tl in lists:
        again = neo.replace_township(tl)
        assert again.unchanged and again == memory.replace_township(tl)
    assert [r["p"] for r in _raw(neo4j_server, "MATCH (n:TownshipStats) RETURN n.probe AS p")] == [1, 1]
    assert len(neo.rounds(lists[0].township.name)) == 1  # no new round either
    _same(memory, neo, [lists[0].township.name])


@pytest.mark.neo4j
def test_a_changed_list_and_changed_shared_nodes_take_the_full_import(stores, neo4j_server):
    memory, neo = stores
    first, other = _list(0), _list(1)
    for s in (memory, neo):
        s.replace_township(first)
        s.replace_township(other)
    # a list changed and changed back: each import is a real change, counted as the embedded store counts it
    last = first.items[-1].key
    changed = replace(first, items=first.items[:-1], relations=[r for r in first.relations if last not in (r.src, r.dst)])
    for tl in (changed, first):
        result = neo.replace_township(tl)
        assert result == memory.replace_township(tl) and not result.unchanged
    # a shared basis rewritten by another township's list (same key): the unchanged list writes its own back
    basis = next(b for b in first.bases if b.key in {x.key for x in other.bases})
    other2 = replace(other, bases=[replace(b, law=b.law + "（修订）") if b.key == basis.key else b for b in other.bases])
    for s in (memory, neo):
        s.replace_township(other2)
    back = neo.replace_township(first)
    assert back == memory.replace_township(first) and back.changed == 1
    _same(memory, neo, [first.township.name])
    # a store written before the digest: the full diff, which writes the digest
    _raw(neo4j_server, "MATCH (n:TownshipStats) REMOVE n.digest SET n.probe = 1")
    assert neo.replace_township(first).unchanged
    assert _raw(neo4j_server, "MATCH (n:TownshipStats {township: $t}) RETURN n.probe AS p, n.digest AS d",
                t=first.township.name) == [{"p": None, "d": township_stats(first)["digest"]}]
