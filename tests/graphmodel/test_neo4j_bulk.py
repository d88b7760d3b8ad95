"""The province's bulk load (DutyStore.bulk_load, graphmodel.neo4j_bulk) builds what one-by-one imports build.

A small province (two counties sharing county departments, shared laws, a dozen townships)
is imported township by township into the embedded store and bulk-loaded into an empty
Neo4j in small batches (so every kind of statement runs in several transactions): nodes,
relations, counts, import results, audit entries, rounds and every registered query agree.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from graphgen import generate

from graphmodel import InvalidArgument, open_store
from graphmodel import neo4j_bulk
from graphmodel.model import share_county_departments
from graphmodel.vocab import NODE_TYPES
from queries.registry import QUERIES

pytestmark = pytest.mark.neo4j


def _province():
    for n in range(10):
        tlist = generate(3000 + n, 15 + (n * 7) % 25)
        tlist.township = replace(tlist.township, county="东河县" if n % 3 else "西山县")
        tlist = share_county_departments(tlist)
        if n == 4:  # this township reads a county department under one more spelling
            tlist.departments = [replace(d, aliases=(*d.aliases, f"{d.name}（简称）")) if d.county else d
                                 for d in tlist.departments]
        yield tlist


@pytest.fixture(scope="module")
def loaded(neo4j_server):
    uri, user, password, database = neo4j_server
    memory = open_store("memory", data_dir=None)
    one_by_one = [memory.replace_township(t, editor="装载员") for t in _province()]
    neo4j = open_store("neo4j", uri=uri, user=user, password=password, database=database)
    neo4j.wipe()
    small, neo4j_bulk.BATCH_ROWS = neo4j_bulk.BATCH_ROWS, 97  # several batches of every statement
    try:
        bulk = neo4j.bulk_load(list(_province()), editor="装载员")
    finally:
        neo4j_bulk.BATCH_ROWS = small
    yield memory, neo4j, one_by_one, bulk
    neo4j.wipe()
    neo4j.close()


def test_the_graph_is_the_one_imports_build(loaded):
    memory, neo4j, one_by_one, bulk = loaded
    assert bulk == one_by_one  # added / removed / changed and counts, township by township
    assert any(r.changed for r in bulk)  # a county department met again gained a spelling
    for node_type in NODE_TYPES:
        assert neo4j.nodes(node_type) == memory.nodes(node_type), node_type
    assert neo4j.relations() == memory.relations()
    assert neo4j.counts() == memory.counts()
    assert len(neo4j.townships()) == 10


def test_each_township_has_the_same_history(loaded):
    memory, neo4j, _, _ = loaded
    for t in memory.townships():
        a, b = neo4j.rounds(t.name), memory.rounds(t.name)
        assert [replace(r, created_at="") for r in a] == [replace(r, created_at="") for r in b]
        assert neo4j.round_list(t.name, 1) == memory.round_list(t.name, 1)
        trail = lambda s: [replace(e, at="") for e in s.audit_trail(t.name)]  # noqa: E731
        assert trail(neo4j) == trail(memory)


@pytest.mark.parametrize("name", ["audit", "department_load", "most_cited", "ownership_summary", "chains"])
def test_queries_agree(loaded, name):
    memory, neo4j, _, _ = loaded
    assert QUERIES[name].func(neo4j) == QUERIES[name].func(memory)


def test_a_loaded_store_is_refused_and_kept(loaded):
    memory, neo4j, _, _ = loaded
    before = neo4j.counts()
    with pytest.raises(InvalidArgument, match="empty"):
        neo4j.bulk_load(list(_province())[:1])
    with pytest.raises(InvalidArgument, match="empty"):
        memory.bulk_load(list(_province())[:1])
    assert neo4j.counts() == before
