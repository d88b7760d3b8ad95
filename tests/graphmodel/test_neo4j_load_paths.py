"""Every Neo4j load path writes the same database: one-by-one imports, the bulk load, the staged
import of lists larger than one transaction, and neo4j-admin's offline import of the CSV files.

The same small province (two counties sharing county departments, shared laws) goes through each
path into an empty database; the raw contents are compared: every node of the list (labels and
all properties), every relation (type, ends, properties) and every review record (its JSON data
without the time it was written, and a round's snapshot). Lock nodes (ReviewLock, BasisLock)
are the transactions' own and not compared. The admin import runs the harness's neo4j-admin and
starts a second test server on the imported files.
"""

from __future__ import annotations

import json

import pytest
from gates import NEO4J, load_script, unavailable
from test_neo4j_bulk import _province

from graphmodel import open_store
from graphmodel.neo4j_import_csv import results, write_import_csv
from graphmodel.vocab import NODE_TYPES, REL_TYPES

pytestmark = pytest.mark.neo4j

_TIMES = ("at", "created_at")


def _dump(store) -> dict:
    nodes = store._read("MATCH (n) WHERE any(l IN labels(n) WHERE l IN $labels) "
                        "RETURN labels(n) AS labels, properties(n) AS props", labels=list(NODE_TYPES))
    rels = store._read("MATCH (a)-[r]->(b) WHERE type(r) IN $types "
                       "RETURN a.key AS a, type(r) AS t, b.key AS b, properties(r) AS props", types=list(REL_TYPES))
    records = store._read("MATCH (n:Round|AuditEntry) RETURN labels(n) AS labels, properties(n) AS props")

    def record(r):
        props = dict(r["props"])
        props["data"] = {k: v for k, v in json.loads(props["data"]).items() if k not in _TIMES}
        return json.dumps([r["labels"], props], ensure_ascii=False, sort_keys=True)

    return {
        "nodes": sorted(json.dumps([r["labels"], r["props"]], ensure_ascii=False, sort_keys=True) for r in nodes),
        "relations": sorted(json.dumps([r["a"], r["t"], r["b"], r["props"]], ensure_ascii=False, sort_keys=True)
                            for r in rels),
        "records": sorted(record(r) for r in records),
    }


@pytest.fixture(scope="module")
def one_by_one(neo4j_server):
    uri, user, password, database = neo4j_server
    store = open_store("neo4j", uri=uri, user=user, password=password, database=database)
    store.wipe()
    imported = [store.replace_township(t, editor="装载员") for t in _province()]
    yield store, imported, _dump(store)
    store.wipe()
    store.close()


def test_bulk_load_writes_what_imports_write(one_by_one):
    store, imported, expected = one_by_one
    store.wipe()
    try:
        assert store.bulk_load(list(_province()), editor="装载员") == imported
        assert _dump(store) == expected
    finally:
        store.wipe()
        for t in _province():
            store.replace_township(t, editor="装载员")


def test_staged_imports_write_what_imports_write(one_by_one, monkeypatch):
    store, imported, expected = one_by_one
    monkeypatch.setenv("DUTYGRAPH_NEO4J_STAGE_ROWS", "1")  # every list staged
    store.wipe()
    try:
        assert [store.replace_township(t, editor="装载员") for t in _province()] == imported
        assert _dump(store) == expected
    finally:
        monkeypatch.delenv("DUTYGRAPH_NEO4J_STAGE_ROWS")
        store.wipe()
        for t in _province():
            store.replace_township(t, editor="装载员")


def _aggregates(store) -> list[str]:
    """Each township's kept aggregates and evidence (graphmodel.township_stats, township_evidence)."""
    rows = store._read("MATCH (n:TownshipStats|TownshipEvidence) RETURN labels(n) AS labels, properties(n) AS props")
    return sorted(json.dumps([r["labels"], r["props"]], ensure_ascii=False, sort_keys=True) for r in rows)


def test_admin_import_writes_what_imports_write(one_by_one, tmp_path):
    one_store, imported, expected = one_by_one
    kept = _aggregates(one_store)
    assert len(kept) == 2 * len(list(_province()))
    server_mod = load_script("neo4j_test_server")
    ok, reason = server_mod.tools_available()
    if not ok:
        unavailable(f"no neo4j-admin here: {reason}", NEO4J)
    plan = write_import_csv(list(_province()), tmp_path / "csv", editor="装载员")
    assert results(plan) == imported
    server_mod.admin_import(tmp_path / "csv", tmp_path / "home", heap="512m")
    server = server_mod.Neo4jTestServer(copy_from=tmp_path / "home")
    uri, user, password = server.start()
    try:
        store = open_store("neo4j", uri=uri, user=user, password=password)  # finishes the import on open
        try:
            assert _dump(store) == expected
            assert _aggregates(store) == kept  # the admin import writes them too
            assert not store._read("MATCH (m:AdminImport) RETURN m")
        finally:
            store.close()
    finally:
        server.stop()
