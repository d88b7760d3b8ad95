"""A list larger than one transaction on Neo4j (graphmodel.neo4j_staged): batches, shown at once.

The threshold is lowered so that small generated lists take the staged path; the same lists
go through the one-transaction import into the embedded store and into Neo4j, and the stored
nodes, relations, counts, import results, audit trail and rounds must agree (a first import,
the same list again, a changed list, a county department shared with another township).
While a list is staged nothing of it shows; a failed swap or a write in between leaves the
old list. The last test imports a 10,000-item list (50,000 relations) into the test server,
whose 256 MB transaction memory one transaction overruns, replaces it by another and deletes it.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from graphgen import generate

from graphmodel import StoreUnavailable, open_store
from graphmodel import cypher, neo4j_staged
from graphmodel.model import share_county_departments
from graphmodel.vocab import NODE_TYPES
from queries.registry import QUERIES

pytestmark = pytest.mark.neo4j


@pytest.fixture
def neo(neo4j_server, monkeypatch):
    uri, user, password, database = neo4j_server
    store = open_store("neo4j", uri=uri, user=user, password=password, database=database)
    store.wipe()
    monkeypatch.setenv("DUTYGRAPH_NEO4J_STAGE_ROWS", "60")  # every list below but the tiny one is staged
    monkeypatch.setattr(neo4j_staged, "STAGE_BATCH_ROWS", 37)  # several batches of each statement
    yield store
    store.wipe()
    store.close()


def _county(seed: int, size: int, township: str):
    tlist = replace(generate(seed, size, township=township))
    tlist.township = replace(tlist.township, county="东河县")
    return share_county_departments(tlist)


def _history(store, township):
    trail = [replace(e, at="") for e in store.audit_trail(township)]
    rounds = [replace(r, created_at="") for r in store.rounds(township)]
    return trail, rounds, [store.round_list(township, r.number) for r in rounds]


def _graph(store):
    return ([store.nodes(t) for t in NODE_TYPES], store.relations(), store.counts(),
            [store.counts(t.name) for t in store.townships()])


def test_staged_imports_store_what_one_transaction_stores(neo):
    memory = open_store("memory", data_dir=None)
    steps = [_county(1, 40, "甲镇"), _county(2, 30, "乙镇"), _county(1, 40, "甲镇"),  # the same list again
             _county(3, 45, "甲镇"), generate(4, 3, township="丙镇")]  # changed; a tiny one (not staged)
    assert [neo4j_staged.needs_stage(t) for t in steps] == [True, True, True, True, False]
    for tlist in steps:
        assert neo.replace_township(tlist, editor="装载员") == memory.replace_township(tlist, editor="装载员")
        assert _graph(neo) == _graph(memory)
    for t in ("甲镇", "乙镇", "丙镇"):
        assert _history(neo, t) == _history(memory, t)
    assert len(neo.rounds("甲镇")) == 2  # the re-import made no round
    for name in ("audit", "department_load", "most_cited", "chains"):
        assert QUERIES[name].func(neo) == QUERIES[name].func(memory), name
    assert neo._read("MATCH (n:Staged) RETURN count(n) AS n")[0]["n"] == 0


def test_nothing_staged_shows_before_the_swap(neo):
    neo.replace_township(_county(1, 40, "甲镇"))
    before = (_graph(neo), neo.item_cards(), QUERIES["audit"].func(neo), neo.townships())
    stage_id, *_ = neo4j_staged.stage(neo, _county(3, 45, "甲镇"))
    neo4j_staged.stage(neo, _county(2, 30, "乙镇"))  # a township not stored yet
    assert neo._read("MATCH (n:Staged) RETURN count(n) AS n")[0]["n"] > 0
    assert (_graph(neo), neo.item_cards(), QUERIES["audit"].func(neo), neo.townships()) == before
    neo4j_staged.drop_stage(neo, stage_id)


def test_a_failed_swap_keeps_the_old_list(neo, monkeypatch):
    neo.replace_township(_county(1, 40, "甲镇"))
    before = (_graph(neo), _history(neo, "甲镇"))
    broken = {label: "MATCH (n:Staged {stage: $stage}) RETURN 1 / 0" for label in cypher.STAGE_PROMOTE}
    monkeypatch.setattr(cypher, "STAGE_PROMOTE", broken)
    with pytest.raises(Exception, match="ArithmeticError|divide"):
        neo.replace_township(_county(3, 45, "甲镇"))
    assert (_graph(neo), _history(neo, "甲镇")) == before
    assert neo._read("MATCH (n:Staged) RETURN count(n) AS n")[0]["n"] == 0


def test_a_write_between_stage_and_swap_aborts_the_swap(neo, monkeypatch):
    neo.replace_township(_county(1, 40, "甲镇"))
    stage = neo4j_staged.stage

    def stage_then_someone_writes(store, tlist):
        staged = stage(store, tlist)
        store.create_round("甲镇", editor="另一位")  # any review write takes the township's lock (this
        # one writes nothing: the list is its latest round's)
        return staged

    monkeypatch.setattr(neo4j_staged, "stage", stage_then_someone_writes)
    before = (_graph(neo), _history(neo, "甲镇"))
    with pytest.raises(StoreUnavailable, match="changed by another writer"):
        neo.replace_township(_county(3, 45, "甲镇"))
    assert (_graph(neo), _history(neo, "甲镇")) == before
    assert neo._read("MATCH (n:Staged) RETURN count(n) AS n")[0]["n"] == 0


def test_a_list_larger_than_one_transaction(neo4j_server, monkeypatch):
    """10,000 items and 50,103 relations: one transaction overran the 256 MB test server; then a
    different list of the same size in its place, then the township deleted."""
    uri, user, password, database = neo4j_server
    store = open_store("neo4j", uri=uri, user=user, password=password, database=database)
    try:
        store.wipe()
        big = generate(1, 10_000)
        assert neo4j_staged.needs_stage(big)
        result = store.replace_township(big)
        assert (result.added, result.removed, result.changed) == (len(big.nodes()) + len(big.relations), 0, 0)
        assert store.counts("随机1镇").nodes["DutyItem"] == 10_000
        assert sum(store.counts().relations.values()) == len(big.relations)
        assert store.replace_township(big).unchanged  # the same list again writes nothing
        assert [r.number for r in store.rounds("随机1镇")] == [1]
        # a different 10,000-item list in its place: the swap retires one list and promotes the other
        # in one transaction (it overran 256 MB while it also read the last round's 12 MB snapshot)
        other = generate(2, 10_000, township="随机1镇")
        memory = open_store("memory", data_dir=None)
        memory.replace_township(big)
        assert store.replace_township(other) == memory.replace_township(other)
        assert store.counts() == memory.counts()
        assert [r.number for r in store.rounds("随机1镇")] == [1, 2]
        assert store.round_list("随机1镇", 2) == memory.round_list("随机1镇", 2)
        # and deleted: retired in one transaction, removed in small ones
        assert store.delete_township("随机1镇") == memory.delete_township("随机1镇")
        assert store.counts() == memory.counts()
        assert store._read("MATCH (n:Staged) RETURN count(n) AS n")[0]["n"] == 0
    finally:
        store.wipe()
        store.close()


def test_a_staged_delete_removes_what_the_one_transaction_delete_removes(neo):
    memory = open_store("memory", data_dir=None)
    for tlist in (_county(1, 40, "甲镇"), _county(2, 30, "乙镇")):  # share county departments and laws
        neo.replace_township(tlist, editor="装载员")
        memory.replace_township(tlist, editor="装载员")
    assert neo4j_staged.needs_staged_delete(neo, "甲镇")
    assert neo.delete_township("甲镇") == memory.delete_township("甲镇")
    assert _graph(neo) == _graph(memory)
    assert neo._read("MATCH (n:Staged) RETURN count(n) AS n")[0]["n"] == 0
    for name in ("audit", "department_load", "most_cited"):
        assert QUERIES[name].func(neo) == QUERIES[name].func(memory), name
    assert neo.delete_township("乙镇") == memory.delete_township("乙镇")  # the last user of the shared nodes
    assert _graph(neo) == _graph(memory)
    assert neo.nodes("LegalBasis") == () and neo.nodes("Department") == ()


def test_a_failed_staged_delete_keeps_the_list(neo, monkeypatch):
    neo.replace_township(_county(1, 40, "甲镇"))
    before = (_graph(neo), _history(neo, "甲镇"))
    broken = {label: "MATCH (n:DutyItem {township: $township}) RETURN 1 / 0"
              for label in cypher.STAGE_RETIRE}
    monkeypatch.setattr(cypher, "STAGE_RETIRE", broken)
    with pytest.raises(Exception, match="ArithmeticError|divide"):
        neo.delete_township("甲镇")
    assert (_graph(neo), _history(neo, "甲镇")) == before
    assert neo._read("MATCH (n:Staged) RETURN count(n) AS n")[0]["n"] == 0
