"""A township's item evidence kept at write time on Neo4j (graphmodel.township_evidence, TownshipEvidence).

``queries.slim_cards`` builds the cards of a township that keeps its evidence from the kept rows
and asks the graph for the others. The judge: the kept cards equal the cards the graph's own
statement reads (the kept rows hidden), after one-by-one imports, a re-import of a changed list,
a delete and the bulk load; a staged swap (a list too large for one transaction) drops them and
the township answers from the graph, as a store written before them does; and what the rows' other ends are (a shared department's name) is read when asked, never
kept. The questions built on slim cards are compared with the embedded store too.
"""

from __future__ import annotations

from dataclasses import replace

import neo4j as driver_module
import orjson
import pytest
from graphgen import generate

from graphmodel import ListPart, open_store
from graphmodel.model import share_county_departments
from graphmodel.township_evidence import EVIDENCE_VERSION, KEPT_FIELDS, township_evidence
from queries import slim_cards as slim_module
from queries.audit import AUDIT_FIELDS, run_audit
from queries.authority import POWER_TYPES
from queries.coverage import item_coverage
from queries.ownership import OWNERSHIP_FIELDS, ownership, ownership_summary
from queries.slim_cards import slim_cards
from queries.whatif import what_if

#: The ways the questions ask for slim cards (fields, filters, villages, catalogues).
ASKS = (
    dict(fields=AUDIT_FIELDS, villages=True),
    dict(fields=OWNERSHIP_FIELDS, villages=True),
    dict(fields=("note", "content")),
    dict(fields=("work_mode", "receiving_dept"), parts=(ListPart.WITHDRAWN.value,)),
    dict(power_types=POWER_TYPES, min_leads=1),
    dict(power_types=("行政检查", "行政处罚"), min_leads=1, catalogues=True),
    dict(fields=("township_duty",), parts=(ListPart.COOPERATE.value,), bases=False),
)


def _list(n: int, county: str = "东河县", size: int | None = None):
    tlist = generate(4000 + n, size or 15 + (n * 7) % 20)
    tlist.township = replace(tlist.township, county=county)
    return share_county_departments(tlist)


def test_every_field_the_evidence_questions_read_is_kept():
    # a question asking a field that is not kept reads the graph: the audit and ownership must not
    assert set(AUDIT_FIELDS) | set(OWNERSHIP_FIELDS) | set(slim_module.EVIDENCE_FIELDS) <= set(KEPT_FIELDS)


def test_rows_hold_the_lists_items_and_relations_by_key():
    tl = _list(1)
    props = township_evidence(tl)
    assert props["version"] == EVIDENCE_VERSION and props["township"] == tl.township.name
    column = {f: orjson.loads(props[f"field_{f}"]) for f in KEPT_FIELDS}
    items = sorted(tl.items, key=lambda i: i.key)
    assert column["key"] == [i.key for i in items] and column["content"] == [i.content for i in items]
    parties = orjson.loads(props["parties"])
    leads = {(items[i].key, d) for i, lead, d, _ in parties if lead}
    assert leads == {(r.dst, r.src) for r in tl.relations if r.type == "LEADS"}
    assert len(orjson.loads(props["bases"])) == sum(r.type == "BASED_ON" for r in tl.relations) > 0


@pytest.fixture
def stores(neo4j_server):
    uri, user, password, database = neo4j_server
    memory = open_store("memory", data_dir=None)
    neo = open_store("neo4j", uri=uri, user=user, password=password, database=database)
    neo.wipe()
    yield memory, neo, neo4j_server
    neo.wipe()
    neo.close()


def _kept_count(neo) -> int:
    return neo._read("MATCH (e:TownshipEvidence) RETURN count(e) AS n")[0]["n"]


def _same_as_graph(neo, monkeypatch, towns) -> None:
    """Kept cards equal the graph statement's, for every way of asking, whole store and per township."""
    for ask in ASKS:
        for town in (None, *towns):
            if ask.get("catalogues") and town is not None:
                continue
            kept = slim_cards(neo, town, **ask)
            with monkeypatch.context() as m:
                m.setattr(slim_module, "KEPT_FIELDS", ())  # the rows hidden: the graph's own statement
                asked = slim_cards(neo, town, **ask)
            assert kept == asked, (ask, town)
    assert slim_cards(neo, None, AUDIT_FIELDS, villages=True)  # the compared cards are not empty


def _same_as_memory(memory, neo, towns) -> None:
    for q in (ownership, ownership_summary, item_coverage):
        assert q(neo) == q(memory), q.__name__
        for t in towns:
            assert q(neo, t) == q(memory, t), (q.__name__, t)
    assert what_if(neo, remove=["综合行政执法队"]) == what_if(memory, remove=["综合行政执法队"])
    assert run_audit(neo) == run_audit(memory)


@pytest.mark.neo4j
def test_kept_cards_follow_imports_reimports_and_deletes(stores, monkeypatch):
    memory, neo, _ = stores
    lists = [_list(n, "东河县" if n < 3 else "西山县") for n in range(5)]
    for tl in lists:
        memory.replace_township(tl)
        neo.replace_township(tl)
    towns = [tl.township.name for tl in lists]
    assert _kept_count(neo) == len(lists)
    _same_as_graph(neo, monkeypatch, towns[:2])
    _same_as_memory(memory, neo, towns[:1])
    changed = _list(1, size=28)  # another list for the same township: items, leads and bases change
    for s in (memory, neo):
        s.replace_township(changed)
        s.delete_township(towns[0])
    assert _kept_count(neo) == len(lists) - 1
    _same_as_graph(neo, monkeypatch, towns[1:3])
    _same_as_memory(memory, neo, towns[1:2])


@pytest.mark.neo4j
def test_bulk_load_keeps_the_rows_and_a_staged_swap_drops_them(stores, monkeypatch):
    _, neo, _ = stores
    lists = [_list(n, "东河县" if n % 2 else "西山县") for n in range(4)]
    neo.bulk_load(lists)
    kept = neo._read("MATCH (e:TownshipEvidence) RETURN properties(e) AS props ORDER BY e.township")
    assert [r["props"] for r in kept] == sorted((township_evidence(tl) for tl in lists), key=lambda p: p["township"])
    _same_as_graph(neo, monkeypatch, [lists[0].township.name])
    neo.wipe()
    assert _kept_count(neo) == 0
    for tl in lists[:2]:
        neo.replace_township(tl)
    assert _kept_count(neo) == 2
    # a staged swap drops the old rows and keeps none (a large list's rows overran its transaction):
    # those townships are read through the graph, never from rows of the list before
    monkeypatch.setenv("DUTYGRAPH_NEO4J_STAGE_ROWS", "1")  # every list staged
    changed = _list(0, "西山县", size=30)  # township 0's list changed: swapped in
    assert changed.township.name == lists[0].township.name
    for tl in (changed, lists[2], lists[3]):
        assert not neo.replace_township(tl).unchanged
    monkeypatch.delenv("DUTYGRAPH_NEO4J_STAGE_ROWS")
    assert neo._read("MATCH (e:TownshipEvidence) RETURN e.township AS t")[0]["t"] == lists[1].township.name
    assert _kept_count(neo) == 1
    _same_as_graph(neo, monkeypatch, [lists[0].township.name, lists[1].township.name])


@pytest.mark.neo4j
def test_a_store_written_before_the_rows_answers_from_the_graph(stores, monkeypatch):
    memory, neo, server = stores
    lists = [_list(n) for n in range(3)]
    for tl in lists:
        memory.replace_township(tl)
        neo.replace_township(tl)
    uri, user, password, database = server
    with driver_module.GraphDatabase.driver(uri, auth=(user, password)) as d, d.session(database=database) as s:
        s.run("MATCH (e:TownshipEvidence {township: $t}) DELETE e", t=lists[0].township.name).consume()
    asked = []
    real = neo.ask
    monkeypatch.setattr(neo, "ask", lambda q, **p: (asked.append((q, p.get("townships"))), real(q, **p))[1])
    assert ownership(neo) == ownership(memory)  # one township from the graph, the others kept
    assert ("slim_cards", [lists[0].township.name]) in asked
    monkeypatch.undo()
    assert neo.replace_township(lists[0]).unchanged  # an unchanged re-import writes them back
    assert _kept_count(neo) == 3


@pytest.mark.neo4j
def test_what_the_rows_name_is_read_when_asked(stores, monkeypatch):
    # a shared county department's name is not kept: changed in the graph, every kept card shows it
    _, neo, server = stores
    lists = [_list(n) for n in range(2)]
    for tl in lists:
        neo.replace_township(tl)
    shared = next(d for d in lists[0].departments if d.county and any(d.key == r.src for r in lists[1].relations))
    uri, user, password, database = server
    with driver_module.GraphDatabase.driver(uri, auth=(user, password)) as d, d.session(database=database) as s:
        s.run("MATCH (d:Department {key: $k}) SET d.name = $n", k=shared.key, n="县改名局").consume()
    named = {p.name for c in slim_cards(neo, None) for p in (*c.leads, *c.cooperators) if p.key == shared.key}
    assert named == {"县改名局"}
    _same_as_graph(neo, monkeypatch, [])
