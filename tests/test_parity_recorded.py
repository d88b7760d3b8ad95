"""Parity where every sheet's layout is recorded: the queries' Cypher halves against their networkx halves.

A query with a store half (``DutyStore.ask``: Neo4j answers it in Cypher, the embedded store
from the cards) takes it only when every township in scope has its layout recorded, as a
list read from a file has. ``tests/test_parity.py`` mixes in generated lists without a
layout, so there the whole-store questions take the cards path on both stores; here every
township has a layout, some lacking columns (so items are not assessed and checks blocked),
one list is a reference catalogue, and every registered query without required parameters must give the same answer on both.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from graphgen import generate

from graphmodel import DutyGraphError, ListPart, open_store
from graphmodel.model import share_county_departments
from queries.registry import QUERIES

pytestmark = pytest.mark.neo4j

FIELDS = ("name", "basis", "time_limit", "procedure", "code", "upper_duty", "township_duty", "lead")
#: Per township (by index), the sheet columns its lists lacked: none, or one check's column or several.
ABSENT = (
    (),
    ("配合履职事项:time_limit",),
    ("基本履职事项:procedure", "上级部门收回事项:code"),
    ("基本履职事项:basis", "配合履职事项:township_duty"),
)
TOWNSHIPS = 12


def _lists():
    for n in range(TOWNSHIPS):
        tlist = generate(2000 + n, 25 + (n * 11) % 30)
        layout = tuple(f"{p.value}:{f}" for p in ListPart for f in FIELDS
                       if f"{p.value}:{f}" not in ABSENT[n % len(ABSENT)])
        tlist.township = replace(tlist.township, layout=layout, county="东河县" if n % 2 else "西山县",
                                 # the last list is the county's reference catalogue: no township of
                                 # the whole store's questions, on either store
                                 catalogue_of="东河县" if n == TOWNSHIPS - 1 else "")
        yield share_county_departments(tlist)


@pytest.fixture(scope="module")
def stores(neo4j_server):
    uri, user, password, database = neo4j_server
    memory = open_store("memory", data_dir=None)
    neo4j = open_store("neo4j", uri=uri, user=user, password=password, database=database)
    neo4j.wipe()
    for tlist in _lists():
        memory.replace_township(tlist)
        neo4j.replace_township(tlist)
    yield memory, neo4j
    neo4j.wipe()
    neo4j.close()


def _simple(name: str) -> bool:
    return all(p.default is not p.empty for p in QUERIES[name].params() if p.name != "store")


@pytest.mark.parametrize("name", sorted(n for n in QUERIES if _simple(n)))
def test_query_gives_the_same_answer_on_both_stores(stores, name):
    memory, neo4j = stores
    func = QUERIES[name].func
    scopes = [{}]
    if "township" in {p.name for p in QUERIES[name].params()}:
        scopes += [{"township": t.name} for t in memory.townships()[:4]]
    for params in scopes:
        assert _outcome(func, neo4j, params) == _outcome(func, memory, params), f"{name}({params}) differs"


def _outcome(func, store, params):
    """The result, or the refusal: a query that refuses must refuse the same way on both."""
    try:
        return func(store, **params)
    except DutyGraphError as e:
        return type(e).__name__, str(e)


@pytest.mark.parametrize(("name", "params"), [
    ("most_cited", {"by_law": True, "limit": None}),
    ("most_cited", {"limit": None}),
    ("shared_articles", {"include_whole_law": True, "min_items": 1}),
])
def test_options_give_the_same_answer_on_both_stores(stores, name, params):
    memory, neo4j = stores
    func = QUERIES[name].func
    for scope in ({}, {"township": memory.townships()[1].name}):
        assert func(neo4j, **params, **scope) == func(memory, **params, **scope), f"{name}({params}, {scope})"


def test_every_township_has_a_layout_and_some_lack_columns(stores):
    memory, neo4j = stores
    towns = neo4j.townships()
    assert len(towns) == TOWNSHIPS and all(t.layout for t in towns)
    assert {t.columns("基本履职事项") >= {"basis", "procedure"} for t in towns} == {True, False}
    # the Cypher halves are the ones compared here: the store answers them
    assert neo4j.ask("ownership_summary", townships=[t.name for t in towns], withdrawn="上级部门收回事项",
                     county_side=["县级部门"]) is not None
    assert memory.ask("ownership_summary", townships=[]) is None
