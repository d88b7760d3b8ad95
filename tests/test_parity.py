"""Parity: every registered query gives the same full result on networkx and on a real Neo4j.

Both stores hold the bundled sample township plus two dozen generated townships; each
query in ``queries.registry.QUERIES`` runs on both, over all townships and per township,
and the results must be equal record for record. Any difference is a bug in one store.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from graphgen import generate

import loaders
from graphmodel import DutyGraphError, open_store
from graphmodel.model import share_county_departments
from loaders import read_list
from loaders.delegations import import_delegations
from queries.registry import QUERIES

SAMPLE = Path(loaders.__file__).parent / "sample_data" / "XX镇履行职责事项清单.xlsx"
DELEGATIONS = SAMPLE.parent / "XX县赋权清单.csv"
GENERATED = 24  # "a few dozen townships' worth" of random lists, 20–60 items each

pytestmark = pytest.mark.neo4j


COUNTIES = ("东河县", "西山县")


def _in_county(tlist, county, catalogue_of=""):
    """The list as a township of ``county``: its county departments become the county's shared nodes."""
    tlist.township = replace(tlist.township, county=county, catalogue_of=catalogue_of)
    return share_county_departments(tlist)


def _lists():
    yield read_list(SAMPLE).tlist
    for seed in range(GENERATED):
        yield _in_county(generate(1000 + seed, 20 + (seed * 7) % 41), COUNTIES[seed % 2])
    yield _in_county(generate(999, 60, township="东河县通用目录"), COUNTIES[0], catalogue_of=COUNTIES[0])


@pytest.fixture(scope="module")
def stores(neo4j_server):
    uri, user, password, database = neo4j_server
    memory = open_store("memory", data_dir=None)
    neo4j = open_store("neo4j", uri=uri, user=user, password=password, database=database)
    neo4j.wipe()
    for tlist in _lists():
        a, b = memory.replace_township(tlist), neo4j.replace_township(tlist)
        assert (a.added, a.removed, a.changed) == (b.added, b.removed, b.changed)
    for store in (memory, neo4j):  # the sample's 赋权 list, read by legal_authority and delegations
        import_delegations(store, DELEGATIONS, "XX镇", editor="parity")
    yield memory, neo4j
    neo4j.wipe()
    neo4j.close()


def _params(name: str, memory) -> list[dict]:
    """Arguments that exercise each query; queries with required parameters get real values."""
    sample_item = next(c for c in memory.item_cards() if c.item.name == "农村宅基地审批")
    dept = sample_item.leads[0]
    return {
        "law_impact": [{"law": "土地管理法"}, {"law": "土地管理法", "article": 62}, {"law": "消防法", "township": "XX镇"}],
        "what_if": [{}, {"remove": (dept.key,)}, {"merge": {dept.key: sample_item.leads[1].key}, "township": "XX镇"}],
        "lookup": [{"text": "宅基地审批"}, {"text": "生活垃圾", "township": "XX镇"}, {"text": "巡查"}],
        "catalogue_compare": [{}, {"catalogue": "东河县通用目录", "township": "随机1002镇"}, {"min_score": 0.5}],
        "neighbourhood": [{"key": sample_item.key}, {"key": sample_item.key, "depth": 2}, {"key": dept.key, "depth": 1}],
    }.get(name, [{}, {"township": "XX镇"}, {"township": "随机1003镇"}])


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_gives_the_same_answer_on_both_stores(stores, name):
    memory, neo4j = stores
    for params in _params(name, memory):
        if "township" in params and "township" not in {p.name for p in QUERIES[name].params()}:
            continue
        func = QUERIES[name].func
        assert _outcome(func, neo4j, params) == _outcome(func, memory, params), f"{name}({params}) differs"


def _outcome(func, store, params):
    """The result, or the refusal: a query that refuses must refuse the same way on both."""
    try:
        return func(store, **params)
    except DutyGraphError as e:
        return type(e).__name__, str(e)


def test_the_compared_data_is_not_trivial(stores):
    memory, neo4j = stores
    assert len(memory.townships()) == GENERATED + 2  # the sample, the generated townships, a catalogue
    shared = [d for d in memory.nodes("Department") if d.county]
    assert {d.county for d in shared} == set(COUNTIES) and all(d.township == "" for d in shared)
    assert memory.nodes("Department") == neo4j.nodes("Department")
    assert memory.counts() == neo4j.counts()
    assert memory.counts().nodes["DutyItem"] > 1000
