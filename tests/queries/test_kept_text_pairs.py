"""Text pairs and topics kept at write time on Neo4j (graphmodel.text_similarity, graphmodel.text_topics,
on the TownshipEvidence node).

near_duplicates and cross_part_duplicates read a township's kept pairs instead of its texts
(``queries.text_asks.kept_pairs``), topic_spread its kept topics instead of its names. The judge is the embedded store, which scores the cards: the
answers agree after one-by-one imports, a re-import of a changed list, a delete and the bulk load;
a township without kept pairs (a store written before them, a staged swap) or with pairs of
another version has its texts asked and scored, and answers the same; an unchanged re-import
writes missing pairs back. Asked with other thresholds, the questions score the texts.
"""

from __future__ import annotations

from dataclasses import replace

import orjson
import pytest
from graphgen import generate

from graphmodel import ItemCard, open_store
from graphmodel.model import share_county_departments
from graphmodel.text_similarity import TEXT_PAIRS_VERSION, cross_part_scores, similar_items, township_text_pairs
from graphmodel.township_evidence import township_evidence
from queries.duplicates import cross_part_duplicates, cross_part_pairs
from graphmodel.text_topics import TOPICS_VERSION, township_topics
from queries.audit import run_audit
from queries.overlaps import near_duplicates, overlaps
from queries.topics import topic_spread, topics
from queries.whatif import what_if

QUESTIONS = (near_duplicates, cross_part_duplicates, topic_spread, overlaps)


def _list(n: int, size: int | None = None):
    tlist = generate(5000 + n, size or 40 + (n * 7) % 20)
    tlist.township = replace(tlist.township, county="东河县")
    return share_county_departments(tlist)


def test_kept_pairs_are_the_questions_own_pairs():
    for n in range(4):
        tl = _list(n)
        kept = township_text_pairs(tl.items)
        assert kept["text_pairs_version"] == TEXT_PAIRS_VERSION
        items = sorted(tl.items, key=lambda i: i.key)
        near = similar_items(tuple((i.key, i.label, i.power_type, i.content) for i in items))
        assert orjson.loads(kept["near_pairs"]) == [[a, b, s, m] for (a, b), (s, m) in near]
        cards = [ItemCard(i) for i in items]
        cross = [[a.key, b.key, s, m] for a, b, s, m in cross_part_pairs(cards)]
        assert orjson.loads(kept["cross_pairs"]) == cross
        assert township_evidence(tl)["near_pairs"] == kept["near_pairs"]
    # the generated lists plant both kinds: the comparison above is not of empty lists
    assert any(orjson.loads(township_text_pairs(_list(n).items)["cross_pairs"]) for n in range(4))
    assert any(orjson.loads(township_text_pairs(_list(n).items)["near_pairs"]) for n in range(4))
    assert cross_part_scores([]) == []


def test_kept_topics_are_the_questions_own_topics():
    seen = 0
    for n in range(4):
        tl = _list(n)
        kept = township_topics(tl.items)
        assert kept["topics_version"] == TOPICS_VERSION
        cards = [ItemCard(i) for i in sorted(tl.items, key=lambda i: i.key) if i.part in ("基本履职事项", "配合履职事项")]
        want = [[name, [c.key for c in cs], list(words)] for name, cs, words in topics(cards)]
        assert orjson.loads(kept["topics"]) == want
        seen += len(want)
    assert seen  # the generated lists have topics: the comparison is not of empty lists


@pytest.fixture
def stores(neo4j_server):
    uri, user, password, database = neo4j_server
    memory = open_store("memory", data_dir=None)
    neo = open_store("neo4j", uri=uri, user=user, password=password, database=database)
    neo.wipe()
    yield memory, neo
    neo.wipe()
    neo.close()


def _asked(neo, monkeypatch) -> list:
    log: list = []
    real = neo.ask
    monkeypatch.setattr(neo, "ask", lambda q, **p: (log.append((q, p.get("townships"))), real(q, **p))[1])
    return log


def _same(memory, neo, towns) -> None:
    for q in QUESTIONS:
        expected = q(memory)
        assert q(neo) == expected, q.__name__
        for t in towns:
            assert q(neo, t) == q(memory, t), (q.__name__, t)
    assert any(q(memory) for q in QUESTIONS[:2])


@pytest.mark.neo4j
def test_questions_read_kept_pairs_through_imports_and_deletes(stores, monkeypatch):
    memory, neo = stores
    lists = [_list(n) for n in range(4)]
    for tl in lists:
        memory.replace_township(tl)
        neo.replace_township(tl)
    towns = [tl.township.name for tl in lists]
    log = _asked(neo, monkeypatch)
    _same(memory, neo, towns[:2])
    asked = {q for q, _ in log}
    assert {"kept_text_pairs", "kept_topics"} <= asked
    assert not asked & {"near_duplicates", "cross_part_duplicates", "topic_spread"}
    log = _asked(neo, monkeypatch)
    assert run_audit(neo) == run_audit(memory)
    asked = {q for q, _ in log}  # the audit's own cards, with the kept pairs and topics
    assert {"kept_text_pairs", "kept_topics"} <= asked and not asked & {"topic_spread", "topic_offices"}
    monkeypatch.undo()
    # what_if asks near_duplicates of the paired cards only: removing a paired item's lead changes pairs
    paired = near_duplicates(memory)[0]
    lead = next(c for c in memory.item_cards() if c.key == paired.item_keys[0]).leads[0].name
    changed = what_if(memory, remove=[lead])
    assert changed.resolved_overlaps or changed.new_overlaps
    assert what_if(neo, remove=[lead]) == changed
    monkeypatch.undo()
    changed = _list(1, size=55)  # another list for township 1: items, names and leads change
    assert changed.township.name == towns[1]
    for s in (memory, neo):
        s.replace_township(changed)
        s.delete_township(towns[0])
    _same(memory, neo, towns[1:3])
    # other thresholds: the texts are scored, not the kept pairs read
    log = _asked(neo, monkeypatch)
    assert near_duplicates(neo, name_threshold=0.8) == near_duplicates(memory, name_threshold=0.8)
    assert cross_part_duplicates(neo, name_threshold=0.9) == cross_part_duplicates(memory, name_threshold=0.9)
    assert topic_spread(neo, max_share=0.2) == topic_spread(memory, max_share=0.2)
    assert {q for q, _ in log} >= {"near_duplicates", "cross_part_duplicates", "topic_spread"}
    assert not {q for q, _ in log} & {"kept_text_pairs", "kept_topics"}


@pytest.mark.neo4j
def test_bulk_load_keeps_the_pairs(stores):
    memory, neo = stores
    lists = [_list(n) for n in range(4)]
    neo.bulk_load(lists)
    for tl in lists:
        memory.replace_township(tl)
    kept = neo._read("MATCH (e:TownshipEvidence) RETURN e.township AS t, e.near_pairs AS near, "
                     "e.cross_pairs AS cross, e.text_pairs_version AS v, e.topics AS topics ORDER BY t")
    want = sorted((tl.township.name, township_text_pairs(tl.items), township_topics(tl.items)["topics"])
                  for tl in lists)
    assert [(r["t"], r["near"], r["cross"], r["v"], r["topics"]) for r in kept] == [
        (t, p["near_pairs"], p["cross_pairs"], p["text_pairs_version"], topics) for t, p, topics in want]
    _same(memory, neo, [lists[0].township.name])


@pytest.mark.neo4j
@pytest.mark.parametrize("how", ["missing", "old version", "no node"])
def test_a_township_without_kept_pairs_is_scored_from_its_texts(stores, monkeypatch, how):
    memory, neo = stores
    lists = [_list(n) for n in range(3)]
    for tl in lists:
        memory.replace_township(tl)
        neo.replace_township(tl)
    town = lists[0].township.name
    statement = {
        "missing": "MATCH (e:TownshipEvidence {township: $t}) "
                   "REMOVE e.near_pairs, e.cross_pairs, e.text_pairs_version, e.topics, e.topics_version",
        "old version": "MATCH (e:TownshipEvidence {township: $t}) SET e.text_pairs_version = 0, "
                       "e.near_pairs = '[]', e.cross_pairs = '[]', e.topics_version = 0, e.topics = '[]'",
        "no node": "MATCH (e:TownshipEvidence {township: $t}) DELETE e",
    }[how]
    with neo._driver.session(database=neo.database) as s:
        s.run(statement, t=town).consume()
    log = _asked(neo, monkeypatch)
    _same(memory, neo, [town])
    assert ("near_duplicates", [town]) in log and ("cross_part_duplicates", [town]) in log
    assert ("topic_spread", [town]) in log
    others = [t for q, ts in log if q in ("near_duplicates", "cross_part_duplicates", "topic_spread") for t in ts]
    assert set(others) == {town}  # the others read their kept pairs
    monkeypatch.undo()
    assert neo.replace_township(lists[0]).unchanged  # an unchanged list: its pairs are written back
    got = neo._read("MATCH (e:TownshipEvidence {township: $t}) RETURN e.text_pairs_version AS v, e.near_pairs AS p",
                    t=town)
    assert [dict(r) for r in got] == [{"v": TEXT_PAIRS_VERSION, "p": township_text_pairs(lists[0].items)["near_pairs"]}]
    got = neo._read("MATCH (e:TownshipEvidence {township: $t}) RETURN e.topics_version AS v, e.topics AS p", t=town)
    assert [dict(r) for r in got] == [{"v": TOPICS_VERSION, "p": township_topics(lists[0].items)["topics"]}]


@pytest.mark.neo4j
def test_evidence_of_a_large_share_of_a_township_is_read_from_its_kept_rows(stores, monkeypatch):
    """evidence_cards_in reads a township whose wanted items are a large share of its items whole
    from its kept rows, another by key; both give the cards a read by key gives, and the questions
    that read so (shared_articles, topic_spread) answer as the embedded store does."""
    from queries import text_asks
    from queries.overlaps import shared_articles

    memory, neo = stores
    lists = [_list(n) for n in range(3)]
    for tlist in lists:
        memory.replace_township(tlist)
        neo.replace_township(tlist)
    first, second = (t.township.name for t in lists[:2])
    by_town = {first: {i.key for i in lists[0].items}, second: {lists[1].items[0].key}}
    keys = set().union(*by_town.values())
    by_key = text_asks.evidence_cards(neo, keys)
    log = _asked(neo, monkeypatch)
    got = text_asks.evidence_cards_in(neo, by_town)
    assert got == by_key and [c.key for c in got] == sorted(keys)
    assert [t for q, t in log if q == "township_evidence"] == [[first]]  # the whole township, the other by key
    for share in (0.0, 2.0):  # every township whole, none
        monkeypatch.setattr(text_asks, "WHOLE_TOWNSHIP_SHARE", share)
        assert text_asks.evidence_cards_in(neo, by_town) == by_key
        assert shared_articles(neo) == shared_articles(memory) and shared_articles(memory)
        assert topic_spread(neo) == topic_spread(memory)
