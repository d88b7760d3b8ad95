"""The text questions stay within a bounded transaction memory on Neo4j, whatever the store's size.

A real Neo4j whose transaction memory (``dbms.memory.transaction.total.max``) is scaled down
with the store: the statement as it was before (every township's texts collected in one
aggregation, as at 2,000 townships under 256 MB) is refused, while the text questions, asking
a slice of townships per statement (``queries.text_asks``), answer, and answer as the embedded
store does.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from neo4j.exceptions import TransientError
from gates import NEO4J, load_script, unavailable
from graphgen import generate

from graphmodel import cypher, open_store
from queries.registry import run_query

pytestmark = pytest.mark.neo4j

TOWNSHIPS = 40
ITEMS = 60
# ideographic spaces added to each item's content: ~17 MB of Java strings in the store, one township's
# import still under 10 MB
PADDING = 3500
TX_MEMORY = "10m"  # the server's least
SLICE = 4  # townships per statement here: a tenth of the store

#: near_duplicates' statement before the slices: one aggregation over every township asked.
WHOLE_STORE_STATEMENT = """
UNWIND $townships AS t
MATCH (i:DutyItem {township: t})
RETURN t AS township, collect([i.key, i.name, coalesce(i.sub_item, ''), coalesce(i.power_type, ''),
  coalesce(i.content, ''), COLLECT { MATCH (d)-[:LEADS]->(i) RETURN d.key }]) AS items
"""

TEXT_QUESTIONS = ("near_duplicates", "cross_part_duplicates", "inconsistent_titles", "topic_spread",
                  "shared_articles", "overlaps")


def _padded(item):
    """The item with a long content: large texts, few items to load. Whitespace, which the pair
    tests drop (``compact``), so the scoring costs what it costs on the list as generated."""
    return replace(item, content=item.content + "\u3000" * PADDING)


def _lists():
    for n in range(TOWNSHIPS):
        tlist = generate(3000 + n, ITEMS, township=f"限存{n:02d}镇")
        tlist.items = [_padded(i) for i in tlist.items]
        yield tlist


@pytest.fixture(scope="module")
def small_memory_stores():
    server_mod = load_script("neo4j_test_server")
    ok, reason = server_mod.tools_available()
    if not ok:
        unavailable(f"no Neo4j here: {reason}", NEO4J)
    server = server_mod.Neo4jTestServer(tx_memory_max=TX_MEMORY)
    uri, user, password = server.start()
    try:
        neo4j = open_store("neo4j", uri=uri, user=user, password=password)
        memory = open_store("memory", data_dir=None)
        for tlist in _lists():
            memory.replace_township(tlist)
            neo4j.replace_township(tlist)
        yield memory, neo4j
        neo4j.close()
    finally:
        server.stop()


def test_the_whole_store_statement_is_refused_under_the_scaled_limit(small_memory_stores):
    _, neo4j = small_memory_stores
    towns = sorted(t.name for t in neo4j.townships())
    assert len(towns) == TOWNSHIPS
    # one auto-commit run, not the store's managed read: the driver would retry the refusal for 30 s
    with neo4j._driver.session(database=neo4j.database) as session:
        with pytest.raises(TransientError, match="transaction.total.max"):
            session.run(WHOLE_STORE_STATEMENT, townships=towns).consume()
    assert neo4j._read(WHOLE_STORE_STATEMENT, townships=towns[:SLICE])  # one slice fits


@pytest.mark.parametrize("name", TEXT_QUESTIONS)
def test_text_questions_answer_by_slices_as_the_embedded_store(small_memory_stores, monkeypatch, name):
    memory, neo4j = small_memory_stores
    monkeypatch.setenv("DUTYGRAPH_NEO4J_TEXT_TOWNSHIPS", str(SLICE))
    expected = run_query(memory, name, {})
    assert expected, f"{name} finds nothing in the generated store: the comparison would be empty"
    assert run_query(neo4j, name, {}) == expected
    town = "限存07镇"
    assert run_query(neo4j, name, {"township": town}) == run_query(memory, name, {"township": town})


@pytest.mark.parametrize("name", ("near_duplicates", "cross_part_duplicates"))
def test_without_kept_pairs_the_texts_are_asked_by_slices(small_memory_stores, monkeypatch, name):
    # the pairs kept at write time (queries.text_asks.kept_pairs) hidden: every township's texts are
    # asked, a slice per statement, as from a store written before them
    import queries.text_asks as text_asks

    memory, neo4j = small_memory_stores
    monkeypatch.setenv("DUTYGRAPH_NEO4J_TEXT_TOWNSHIPS", str(SLICE))
    monkeypatch.setattr(text_asks, "TEXT_PAIRS_VERSION", -1)
    asked = []
    real = neo4j.ask
    monkeypatch.setattr(neo4j, "ask", lambda q, **p: (asked.append((q, len(p.get("townships") or ()))), real(q, **p))[1])
    expected = run_query(memory, name, {})
    assert expected and run_query(neo4j, name, {}) == expected
    assert (name, SLICE) in asked and max(n for q, n in asked if q == name) == SLICE


def test_kept_evidence_is_read_a_slice_of_townships_per_statement(small_memory_stores, monkeypatch):
    # every township's kept evidence in one statement (as at 2,000 townships under 256 MB) is refused
    # here; the slim cards read it a slice per statement and answer as the store's own cards
    from queries.slim_cards import slim_cards

    _, neo4j = small_memory_stores
    towns = sorted(t.name for t in neo4j.townships())
    with neo4j._driver.session(database=neo4j.database) as session:
        with pytest.raises(TransientError, match="transaction.total.max"):
            session.run(cypher.QUESTIONS["township_evidence"], townships=towns, fields=["key", "content"],
                        bases=True, villages=True).consume()
    monkeypatch.setenv("DUTYGRAPH_NEO4J_EVIDENCE_TOWNSHIPS", str(SLICE))
    asked = []
    real = neo4j.ask
    monkeypatch.setattr(neo4j, "ask", lambda q, **p: (asked.append((q, len(p.get("townships") or ()))), real(q, **p))[1])
    cards = slim_cards(neo4j, None, ("content",), villages=True)
    assert max(n for q, n in asked if q == "township_evidence") == SLICE
    assert ("slim_cards", TOWNSHIPS) not in asked  # every township answered from its kept rows
    full = {c.key: c for c in neo4j.item_cards()}
    assert len(cards) == len(full) == TOWNSHIPS * ITEMS
    for c in cards:
        f = full[c.key]
        assert (c.item.content, c.leads, c.cooperators, c.bases, c.villages) == \
            (f.item.content, f.leads, f.cooperators, f.bases, f.villages)
