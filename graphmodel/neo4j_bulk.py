"""A province's first load into an empty Neo4j database: CREATE in large batches, no reads.

The normal import (``Neo4jStore.replace_township``) reads the township's current state,
diffs it and writes the difference in one transaction per township: right for a list that
changes, slow for 2,000 townships arriving at once. Here the database must be empty, so
every node and relation is new: they are written with ``UNWIND … CREATE`` in batches of
:data:`BATCH_ROWS` rows, relations found by their ends' keys. The graph is the one the
normal import builds township by township (same nodes, the shared nodes merged the same way,
same relations), and each township gets the same first audit entries and round (the import
code of :class:`graphmodel.review_contract.ReviewContract` runs against a recording
transaction, so the records are built by the same code); ``tests/graphmodel/test_neo4j_bulk.py``
compares the two.

All or nothing: the load commits batch by batch (a province does not fit in one
transaction); if any batch fails, everything written so far is deleted again (the database
was empty before), so the database ends either loaded or empty.

The offline alternative, ``neo4j-admin database import`` into a stopped database, writes the
same rows as CSV (:mod:`graphmodel.neo4j_import_csv`, sharing :func:`plan_graph` and
:func:`review_rows`); bench/neo4j_bench.py measures both. Parallel writers were not built:
two shared cores, and relations of one batch lock their end nodes.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from . import cypher
from .errors import InvalidArgument
from .model import Node, TownshipList, is_shared, merge_shared
from .review_contract import ReviewTx
from .store import ImportResult
from .township_evidence import township_evidence
from .township_stats import township_stats

__all__ = ["BATCH_ROWS", "bulk_create", "plan_graph", "review_rows"]

#: Rows per transaction (nodes, relations or records): well under the server's transaction memory.
BATCH_ROWS = 10_000
#: Characters of text per transaction (the rounds' snapshots are large).
BATCH_CHARS = 20_000_000


class _RecordingTx(ReviewTx):
    """A review transaction of a township with no records yet: puts are collected, nothing is read."""

    def __init__(self, township: str, result: ImportResult) -> None:
        self.township = township
        self.result = result
        self.puts: dict[str, dict[str, tuple[dict, str | None]]] = defaultdict(dict)

    def current_list(self) -> TownshipList:  # never asked: the import passes its list
        raise InvalidArgument("the bulk load has no current list")

    def _replace(self, tlist: TownshipList) -> ImportResult:
        return self.result

    def records(self, kind: str) -> list[dict]:
        return [json.loads(json.dumps(d, ensure_ascii=False)) for d, _ in self.puts[kind].values()]

    def blob(self, kind: str, rid: str) -> str | None:
        return self.puts[kind].get(rid, ({}, None))[1]

    def put(self, kind: str, rid: str, data: dict, blob: str | None = None, links=()) -> None:
        if links:
            raise InvalidArgument("the bulk load writes no linked records")
        self.puts[kind][rid] = (data, blob)

    def drop(self, kind: str, rid: str) -> None:
        self.puts[kind].pop(rid, None)


def plan_graph(tlists: Sequence[TownshipList]) -> tuple[list[ImportResult], dict[str, list[dict[str, Any]]],
                                                       dict[tuple[str, str, str], set[tuple[str, str, str]]]]:
    """What importing ``tlists`` one by one into an empty store writes: each list's ImportResult,
    the node properties by label, the relations (src, dst, text) by (type, start label, end label).
    Shared nodes are merged as the normal import merges them. Used by the bulk load and the
    admin import's CSV (graphmodel.neo4j_import_csv)."""
    from .neo4j_store import _to_props  # the same properties the normal import writes

    nodes: dict[str, Node] = {}
    counted: list[ImportResult] = []
    for tlist in tlists:
        added = changed = 0
        for node in tlist.nodes():
            old = nodes.get(node.key)
            if old is None:
                nodes[node.key] = node
                added += 1
            elif is_shared(node):  # as the normal import: keep the other townships' spellings
                merged = merge_shared(node, old)
                if merged != old:
                    nodes[node.key] = merged
                    changed += 1
        added += len(set(tlist.relations))
        counted.append(ImportResult(tlist.township.name, added, 0, changed, tlist.counts()))

    by_label: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for key in sorted(nodes):
        by_label[nodes[key].node_type].append(_to_props(nodes[key]))
    label_of = {k: n.node_type for k, n in nodes.items()}
    by_rel: dict[tuple[str, str, str], set[tuple[str, str, str]]] = defaultdict(set)
    for tlist in tlists:
        for r in tlist.relations:
            by_rel[(r.type, label_of[r.src], label_of[r.dst])].add((r.src, r.dst, r.text))
    return counted, by_label, by_rel


def review_rows(import_round: Callable[[TownshipList, str], Callable[[Any], ImportResult]],
                tlists: Sequence[TownshipList], counted: Sequence[ImportResult], editor: str,
                records: dict[str, list[dict[str, Any]]]) -> list[ImportResult]:
    """Each township's first audit entries and round, built by the import's own review code
    (``import_round``: ReviewContract._import_round) against a recording transaction; the
    records' node properties are appended to ``records`` by kind (as REVIEW_PUT writes them)."""
    results = []
    for tlist, result in zip(tlists, counted, strict=True):
        rtx = _RecordingTx(tlist.township.name, result)
        results.append(import_round(tlist, editor)(rtx))
        for kind, puts in rtx.puts.items():
            for rid, (data, blob) in puts.items():
                text = json.dumps(data, ensure_ascii=False, sort_keys=True)
                row = {"key": f"{rtx.township}/{rid}", "township": rtx.township, "id": rid, "data": text}
                if blob is not None:
                    row["blob"] = blob
                records[kind].append(row)
    return results


def bulk_create(store: Any, tlists: Sequence[TownshipList], *, editor: str = "",
                progress: Callable[[str], None] | None = None) -> list[ImportResult]:
    """Write ``tlists`` into ``store``'s empty database; one ImportResult per list, as the normal import gives.

    ``store`` is a :class:`graphmodel.neo4j_store.Neo4jStore`. Raises InvalidArgument when
    the database is not empty or two lists name the same township.
    """
    names = [t.township.name for t in tlists]
    if len(set(names)) != len(names):
        raise InvalidArgument("two lists name the same township: " + "、".join(sorted({n for n in names if names.count(n) > 1})))
    for tlist in tlists:
        tlist.check()
    if not store._run(False, lambda tx: tx.run(cypher.BULK_IS_EMPTY).single()["empty"]):
        raise InvalidArgument("the bulk load needs an empty database; use `dutygraph load` to add to a loaded one "
                              "(or wipe it first)")

    counted, by_label, by_rel = plan_graph(tlists)
    graph: list[tuple[str, list[dict[str, Any]]]] = []
    for label, rows in by_label.items():
        graph.extend((cypher.BULK_CREATE_NODES[label], batch) for batch in _batches(rows))
    for key, rels in by_rel.items():
        rows = [{"src": s, "dst": d, "text": t} for s, d, t in sorted(rels)]
        graph.extend((cypher.BULK_CREATE_RELATIONS[key], batch) for batch in _batches(rows))
    # each township's aggregates (graphmodel.township_stats), as the normal import writes them
    stats = [township_stats(t) for t in tlists]
    graph.extend((cypher.BULK_CREATE_STATS, batch) for batch in _batches(stats))
    # and their item evidence (graphmodel.township_evidence), likewise
    graph.extend((cypher.BULK_CREATE_EVIDENCE, batch) for batch in _batches([township_evidence(t) for t in tlists]))

    # The graph is written by a second thread while this one builds the review records (the
    # rounds' snapshots are Python work): the two overlap. Indexes other than the keys are
    # dropped before and built once after (store._setup_schema, which waits for them but the
    # full-text one: a whole-store search reads the items until it is online).
    for statement in cypher.BULK_DROP_INDEXES:
        store._run(True, lambda tx, s=statement: tx.run(s).consume())
    try:
        return _load(store, tlists, editor, counted, graph, progress)
    finally:
        store._setup_schema()


def _load(store: Any, tlists: Sequence[TownshipList], editor: str, counted: list[ImportResult],
          graph: list[tuple[str, list[dict[str, Any]]]], progress: Callable[[str], None] | None) -> list[ImportResult]:
    failure: list[BaseException] = []
    writer = threading.Thread(target=_write_all, args=(store, graph, failure, progress), name="neo4j-bulk")
    writer.start()
    results: list[ImportResult] = []
    records: dict[str, list[dict[str, Any]]] = defaultdict(list)
    try:
        results.extend(review_rows(store._import_round, tlists, counted, editor, records))
    except BaseException as e:
        failure.append(e)
    writer.join()
    if not failure:
        work = [(cypher.BULK_CREATE_RECORDS[kind], batch) for kind, rows in records.items() for batch in _batches(rows)]
        _write_all(store, work, failure, None)
    if failure:
        store.wipe()  # the database was empty: leave it so, not half loaded
        raise failure[0]
    return results


def _write_all(store: Any, work: list[tuple[str, list[dict[str, Any]]]], failure: list[BaseException],
               progress: Callable[[str], None] | None) -> None:
    """Each batch in its own transaction; stops at the first failure (or one the other thread had)."""
    try:
        for n, (statement, batch) in enumerate(work, 1):
            if failure:
                return
            store._run(True, lambda tx, s=statement, b=batch: tx.run(s, rows=b).consume())
            if progress and n % 20 == 0:
                progress(f"{n}/{len(work)} batches written")
    except BaseException as e:  # noqa: BLE001 - handed to the caller, which wipes and raises it
        failure.append(e)


def _batches(rows: list[dict[str, Any]]) -> Iterable[list[dict[str, Any]]]:
    """Up to BATCH_ROWS rows, and up to BATCH_CHARS characters of text (a round's snapshot is ~0.5 MB:
    300 of them in one batch overran the 256 MB transaction memory)."""
    batch: list[dict[str, Any]] = []
    chars = 0
    for row in rows:
        size = sum(len(v) for v in row.values() if isinstance(v, str))
        if batch and (len(batch) >= BATCH_ROWS or chars + size > BATCH_CHARS):
            yield batch
            batch, chars = [], 0
        batch.append(row)
        chars += size
    if batch:
        yield batch
