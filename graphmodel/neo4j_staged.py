"""A township list larger than one Neo4j transaction: written in batches, shown all at once.

One transaction per import (``Neo4jStore.replace_township``) holds the whole list in the
server's transaction memory: a list of 10,000 items and 50,000 relations overran the test
server's 256 MB at commit (measured: the items and their township links alone fit, the
other 40,000 relations did not). Such a list goes through a stage instead:

1. **Stage** (many small transactions): every node the township owns (items, its own
   departments, villages, its Township node) is created with the single label ``Staged``
   and a ``stage`` id, and every relation between two of them with its real type. Nothing of
   it is visible: every read names the real labels, the relation scans that start from no
   label skip ``Staged`` ends (cypher.RELATIONS_ALL …), and no relation touches a node
   other townships share (legal bases, county departments) yet.
2. **Swap** (one transaction, under the township's review lock like any import): the
   township's current nodes lose their labels (they become ``Staged`` too, without a stage id: retired)
   and their links to shared nodes are deleted; the staged nodes get their real labels;
   the links to shared nodes are created (shared nodes merged as the normal import does);
   shared nodes nobody uses any more are removed; the import's audit entry and round are
   written by the same review code as every import (the round's snapshot of the list, 12 MB
   for 10,000 items, was staged too and only gets its label here). This transaction changes
   labels and creates only the links to shared nodes, so it stays small.
3. **Clean up** (small transactions): the retired nodes are deleted with their relations.

A delete of such a list (``delete_township``) is staged the same way, without a new list: one
transaction retires the township's nodes (their links to shared nodes deleted, shared nodes
nobody uses any more removed), then the retired nodes are deleted in small transactions
(:func:`staged_delete`).

All or nothing: a failure while staging deletes the staged nodes and the old list stays as
it was; the swap is one transaction. A write to the township between stage and swap (the
review lock's version moved) aborts the swap: nothing of the new list remains. Leftovers of
a process killed mid-way are ``Staged`` nodes nobody reads; :meth:`Neo4jStore.wipe` removes
them. ``tests/graphmodel/test_neo4j_staged.py`` checks the result equals the one-transaction
import's, that nothing shows before the swap, and that a failure leaves the old list.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from . import cypher
from .env_number import env_number
from .errors import StoreUnavailable
from .model import TownshipList, is_shared, merge_shared
from .store import ImportResult
from .vocab import NODE_TYPES

__all__ = ["STAGE_BATCH_ROWS", "STAGE_ROWS", "drop_retired", "needs_stage", "needs_staged_delete", "stage_rows",
           "staged_delete"]

#: Nodes + relations above which an import is staged (``$DUTYGRAPH_NEO4J_STAGE_ROWS``): a
#: 300-item township has ~1,800; the 256 MB test server failed at 60,000 in one transaction.
STAGE_ROWS = 20_000
#: Rows per staging transaction.
STAGE_BATCH_ROWS = 5_000


def stage_rows() -> int:
    return env_number("DUTYGRAPH_NEO4J_STAGE_ROWS", STAGE_ROWS, 1)


def needs_stage(tlist: TownshipList) -> bool:
    return len(tlist.nodes()) + len(tlist.relations) > stage_rows()


def _batches(rows: list[Any], size: int) -> list[list[Any]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def stage(store: Any, tlist: TownshipList) -> tuple[str, Any, str, tuple[str, str] | None]:
    """Write the township's own nodes, the relations among them and the round's snapshot of the
    list as ``Staged``; return (stage id, the review lock's version when staging began, snapshot,
    the latest round's (id, snapshot) read at that version or None)."""
    from .neo4j_store import _to_props
    from .review import list_to_json

    name = tlist.township.name
    stage_id = uuid.uuid4().hex
    version = store._run(False, lambda tx: tx.run(cypher.STAGE_LOCK_VERSION, township=name).single()["version"])
    # The new round is compared with the latest one (review_contract._new_round). Its snapshot, read
    # inside the swap, took 31 MB of a 10,000-item swap's transaction memory (measured with SHOW
    # TRANSACTIONS): it is read here instead. Any write to the township after the version read above
    # moves the version, and the swap then aborts, so this is the snapshot the swap would have read.
    last_round = store._run(False, _latest_round, name)
    owned = {n.key for n in tlist.nodes() if not is_shared(n)}
    nodes = [{**_to_props(n), "stage": stage_id, "stage_label": n.node_type}
             for n in sorted(tlist.nodes(), key=lambda n: n.key) if n.key in owned]
    rels: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in sorted(tlist.relations):
        if r.src in owned and r.dst in owned:
            rels[r.type].append({"src": r.src, "dst": r.dst, "text": r.text})
    size = STAGE_BATCH_ROWS
    snapshot = list_to_json(tlist)  # what the import's new round holds (review_contract._new_round)
    try:
        store._run(True, lambda tx: tx.run(cypher.STAGE_ROUND, stage=stage_id, blob=snapshot).consume())
        for batch in _batches(nodes, size):
            store._run(True, lambda tx, b=batch: tx.run(cypher.STAGE_NODES, rows=b).consume())
        for rel_type, rows in sorted(rels.items()):
            for batch in _batches(rows, size):
                store._run(True, lambda tx, t=rel_type, b=batch: tx.run(cypher.STAGE_RELATIONS[t], rows=b,
                                                                         stage=stage_id).consume())
    except BaseException:
        drop_stage(store, stage_id)
        raise
    return stage_id, version, snapshot, last_round


def _latest_round(tx: Any, township: str) -> tuple[str, str] | None:
    rows = [json.loads(r["data"]) for r in tx.run(cypher.REVIEW_RECORDS["Round"], township=township)]
    if not rows:
        return None
    rid = max(rows, key=lambda r: r["number"])["id"]
    row = tx.run(cypher.REVIEW_BLOB["Round"], key=f"{township}/{rid}").single()
    return (rid, row["blob"]) if row and row["blob"] is not None else None


def drop_stage(store: Any, stage_id: str) -> None:
    """Delete the nodes of a stage (staged or retired) and their relations, in small transactions."""
    for statement in (cypher.STAGE_DROP_RELATIONS_BATCH, cypher.STAGE_DROP_BATCH):
        store._delete_in_batches(statement, stage=stage_id, batch=STAGE_BATCH_ROWS)


def drop_retired(store: Any, township: str) -> None:
    """Delete the township's retired nodes and their relations, in small transactions."""
    for statement in (cypher.STAGE_DROP_RETIRED_RELATIONS_BATCH, cypher.STAGE_DROP_RETIRED_BATCH):
        store._delete_in_batches(statement, township=township, batch=STAGE_BATCH_ROWS)


def swap_work(tx: Any, tlist: TownshipList, stage_id: str, version: Any) -> ImportResult:
    """The swap, inside the import's review transaction (the township's lock is already held).

    The counts are the one-transaction import's: the same diff of the stored list against the
    new one (node and relation identity, not element ids).
    """
    from .neo4j_store import _read_township_diff, _to_props, write_stats
    from .township_evidence import write_evidence

    name = tlist.township.name
    row = tx.run(cypher.STAGE_LOCK_VERSION, township=name).single()
    expected = (version or 0) + 1  # the review lock this transaction took counted once
    if row["version"] != expected:
        raise StoreUnavailable(f"{name} was changed by another writer while its large list was being staged: "
                               "nothing of the new list was kept; import it again")
    d = _read_township_diff(tx, tlist, delete=False)  # the county and base locks as the import takes them
    upsert, new_nodes, new_rels, old_keys = d.upsert, d.new_nodes, d.new_rels, d.old_keys

    # 1. the old list leaves: its links to shared nodes are deleted, its own nodes retired
    shared_old = sorted(i for r, i in d.old_rels.items() if r.src not in old_keys or r.dst not in old_keys)
    for batch in _batches(shared_old, 1000):
        tx.run(cypher.DELETE_RELATIONS_BY_ID, ids=batch).consume()
    for batch in _batches(sorted(d.ids[k] for k in d.orphans), 1000):
        tx.run(cypher.DELETE_NODES_BY_ID, ids=batch).consume()
    for label in NODE_TYPES:
        if label != "LegalBasis":
            tx.run(cypher.STAGE_RETIRE[label], township=name).consume()
    # 2. the staged list appears; shared nodes merged; its links to them created
    for label in NODE_TYPES:
        tx.run(cypher.STAGE_PROMOTE[label], stage=stage_id).consume()
    shared_rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for key in sorted(upsert):
        if is_shared(upsert[key]):
            shared_rows[upsert[key].node_type].append(_to_props(upsert[key]))
    for label, rows in sorted(shared_rows.items()):
        for batch in _batches(rows, 1000):
            tx.run(cypher.MERGE_NODES[label], rows=batch).consume()
    owned = {k for k, n in new_nodes.items() if not is_shared(n)}
    links: dict[tuple[str, str, str], list[dict[str, str]]] = defaultdict(list)
    for r in sorted(new_rels):
        if not (r.src in owned and r.dst in owned):
            links[(r.type, new_nodes[r.src].node_type, new_nodes[r.dst].node_type)].append(
                {"src": r.src, "dst": r.dst, "text": r.text})
    for key, rows in sorted(links.items()):
        # both ends are never shared in a list of ours; if they were, the link may exist: MERGE
        table = cypher.CREATE_RELATIONS_BY_KEY if not (is_shared(new_nodes[rows[0]["src"]])
                                                       and is_shared(new_nodes[rows[0]["dst"]])) \
            else cypher.MERGE_RELATIONS_BY_KEY
        for batch in _batches(rows, 1000):
            tx.run(table[key], rows=batch).consume()

    write_stats(tx, tlist, False)
    # the old list's evidence goes; the new list's is not written here: its rows (~7 MB for 10,000
    # items) overran the swap's 256 MB transaction (tests/graphmodel/test_neo4j_staged.py), so a
    # staged township is read through the graph (queries.slim_cards) until an import that fits one
    # transaction writes them (graphmodel.township_evidence)
    write_evidence(tx, tlist, True)
    added, removed, changed = d.counts(upsert)
    return ImportResult(name, added, removed, changed, tlist.counts())


def staged_import(store: Any, tlist: TownshipList, editor: str,
                  import_round: Callable[[TownshipList, str], Callable[[Any], ImportResult]]) -> ImportResult:
    """Stage, swap, clean up (see the module docstring). A list equal to the stored one is not staged."""
    name = tlist.township.name
    unchanged = store._review_transaction(name, lambda rtx: rtx.current_list(), write=False)
    if _same_list(unchanged, tlist):
        return ImportResult(name, 0, 0, 0, tlist.counts())
    staged = stage(store, tlist)
    stage_id = staged[0]
    try:
        result = store._review_transaction(name, import_round(tlist, editor), stage=staged)
    except BaseException:
        drop_stage(store, stage_id)
        raise
    drop_retired(store, name)  # the old list
    return result


def needs_staged_delete(store: Any, township: str) -> bool:
    """The stored township is larger than one transaction should delete (cypher.STAGE_TOWNSHIP_ROWS)."""
    rows = store._run(False, lambda tx: tx.run(cypher.STAGE_TOWNSHIP_ROWS, township=township).single()["rows"])
    return (rows or 0) > stage_rows()


def _retire_work(tx: Any, township: str) -> ImportResult:
    """The delete's one transaction: the township's links to shared nodes and its orphaned shared
    nodes deleted, its own nodes retired (hidden from every read at commit)."""
    from .neo4j_store import _read_township_diff

    d = _read_township_diff(tx, TownshipList.empty(township), delete=True)  # the county and base locks
    shared_old = sorted(i for r, i in d.old_rels.items() if r.src not in d.old_keys or r.dst not in d.old_keys)
    for batch in _batches(shared_old, 1000):
        tx.run(cypher.DELETE_RELATIONS_BY_ID, ids=batch).consume()
    for batch in _batches(sorted(d.ids[k] for k in d.orphans), 1000):
        tx.run(cypher.DELETE_NODES_BY_ID, ids=batch).consume()
    for label in NODE_TYPES:
        if label != "LegalBasis":
            tx.run(cypher.STAGE_RETIRE[label], township=township).consume()
    added, removed, changed = d.counts({})
    return ImportResult(township, added, removed, changed, {})


def staged_delete(store: Any, township: str) -> ImportResult:
    """Delete a township too large for one transaction: retire it in one, then delete the retired
    nodes in small ones. The same ImportResult as the one-transaction delete."""
    result = store._run(True, _retire_work, township)  # on failure nothing was retired: rolled back
    drop_retired(store, township)
    return result


def _same_list(stored: TownshipList, new: TownshipList) -> bool:
    """The stored list already is ``new`` (shared nodes compared as the import merges them)."""
    if stored.township != new.township or set(stored.relations) != set(new.relations):
        return False
    have = {n.key: n for n in stored.nodes()}
    for node in new.nodes():
        old = have.pop(node.key, None)
        if old is None or (merge_shared(node, old) if is_shared(node) else node) != old:
            return False
    return not have
