"""The server store: a Neo4j 5 database reached with the official driver.

Every statement lives in :mod:`graphmodel.cypher`; this module holds the Python
around them: connecting, mapping records to the model, and the replace of a
township as one managed write transaction. Reads run in the database and fetch
only what they return. The results equal the memory store's exactly (the parity
tests in ``tests/graphmodel/test_store_contract.py`` run on both).
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from typing import Any, TypeVar

import neo4j
from neo4j.exceptions import AuthError, ClientError, Neo4jError, ServiceUnavailable, SessionExpired, TransientError

from . import cypher
from .county_upgrade import upgrade_neo4j_if_needed
from .env_number import env_number
from .errors import InvalidArgument, StoreUnavailable
from .model import Node, Relation, Township, TownshipList, is_shared, merge_shared, node_from_dict, node_to_dict
from .review_contract import ReviewTx
from .store import DutyStore, ImportResult, ItemCard, ItemFilter, Party
from .text_similarity import TEXT_PAIRS_VERSION
from .text_topics import TOPICS_VERSION
from .township_evidence import EVIDENCE_VERSION, write_evidence
from .township_stats import list_digest, township_stats
from .vocab import NODE_TYPES, REVIEW_REL_TYPES, NodeType, RelType

# The driver logs its retries ("Unable to retrieve routing information"); Python prints a logger
# without handlers to stderr, which put a second line under our one clear error.
logging.getLogger("neo4j").addHandler(logging.NullHandler())

__all__ = ["BATCH_SIZE", "BULK_ROWS", "DEFAULT_URI", "DEFAULT_USER", "Neo4jStore"]

DEFAULT_URI = "bolt://localhost:7687"
DEFAULT_USER = "neo4j"
#: Seconds to reach the server before giving up with one line (``$DUTYGRAPH_NEO4J_TIMEOUT``). The
#: driver's own connection timeout does not cover a server that accepts and then stays silent
#: (measured: 60 s with a 2 s timeout), so the whole first contact is bounded too.
DEFAULT_CONNECT_TIMEOUT = 10.0


def connect_timeout() -> float:
    return env_number("DUTYGRAPH_NEO4J_TIMEOUT", DEFAULT_CONNECT_TIMEOUT, 0.1)
#: Rows per ``UNWIND $rows`` statement inside the one import transaction.
BATCH_SIZE = 1000
_WIPE_BATCH = 10_000
#: Review records (and township aggregates) per wipe transaction: a round holds its list's snapshot
#: (~0.5 MB for 300 items), and 300 rounds in one delete overran the 256 MB transaction memory.
_WIPE_REVIEW_BATCH = 100
_INDEX_WAIT_SECONDS = 300
_HAN_TERM = re.compile(r"[\u4e00-\u9fff]{2,}")

T = TypeVar("T")


# ---- mapping between model records and node properties ------------------------------------
def _to_props(node: Node) -> dict[str, Any]:
    """The properties of ``node`` as stored: lists for tuples, ``extra`` as two parallel lists."""
    data = node_to_dict(node)
    props: dict[str, Any] = {}
    for name, value in data.items():
        if name == "extra":
            props["extra_keys"] = [k for k, _ in value]
            props["extra_values"] = [v for _, v in value]
        elif isinstance(value, tuple):
            props[name] = list(value)
        else:
            props[name] = value
    if isinstance(node, Township):
        props["township"] = node.name  # so a township's own node is found like its items
    return props


#: node type -> (class, its field names): node_from_dict asks dataclasses.fields() per node, which
#: was half the Python time of reading item cards (profiled: 0.24 of 0.57 s for 3,000 cards)
_NODE_FIELDS: dict[str, tuple[type, tuple[str, ...]]] = {}


def _from_props(props: dict[str, Any]) -> Node:
    data = dict(props)
    if data.get("node_type") == NodeType.ITEM:
        keys, values = data.pop("extra_keys", []) or [], data.pop("extra_values", []) or []
        data["extra"] = tuple(zip(keys, values, strict=True))
    known = _NODE_FIELDS.get(data.get("node_type"))
    if known is None:
        node = node_from_dict(data)  # also raises for an unknown node type
        known = _NODE_FIELDS[data["node_type"]] = (type(node), tuple(f.name for f in fields(node)))
        return node
    cls, names = known
    kwargs = {}
    for name in names:  # as node_from_dict: the fields present, lists back to tuples
        if name in data:
            value = data[name]
            if isinstance(value, list):
                value = tuple(tuple(v) if isinstance(v, list) else v for v in value)
            kwargs[name] = value
    return cls(**kwargs)


def _chunks(rows: list[T], size: int = BATCH_SIZE) -> Iterator[list[T]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _card(record: Any) -> ItemCard:
    def parties(rows: list[list[Any]]) -> tuple[Party, ...]:
        return tuple(sorted(Party(k, n, lv or "", t or "") for k, n, lv, t in rows))

    bases = sorted(((_from_props(b["basis"]), b["text"] or "") for b in record["bases"]), key=lambda bc: bc[0].key)
    return ItemCard(
        item=_from_props(record["item"]),
        leads=parties(record["leads"]),
        cooperators=parties(record["cooperators"]),
        villages=parties(record["villages"]),
        bases=tuple(b for b, _ in bases),
        citations=tuple(c for _, c in bases),
        next_items=tuple(sorted(record["next_items"])),
        prev_items=tuple(sorted(record["prev_items"])),
    )


def _lean_card(record: Any) -> ItemCard:
    """An ItemCard from a row of the lean card statements (cypher._CARD_RETURN_LEAN): the item's
    relations in two lists, split here by type; the same card as :func:`_card` builds."""
    leads, cooperators, villages, bases, next_items, prev_items = [], [], [], [], [], []
    for rel, key, basis, text in record["out"]:
        if rel == "BASED_ON":
            bases.append((_from_props(basis), text or ""))
        else:
            next_items.append(key)
    into = {"LEADS": leads, "COOPERATES_ON": cooperators, "ASSISTS": villages}
    for rel, key, name, level, text in record["inc"]:
        if rel == "FOLLOWED_BY":
            prev_items.append(key)
        else:
            into[rel].append(Party(key, name, level or "", text or ""))
    bases.sort(key=lambda bc: bc[0].key)
    return ItemCard(
        item=_from_props(record["item"]),
        leads=tuple(sorted(leads)),
        cooperators=tuple(sorted(cooperators)),
        villages=tuple(sorted(villages)),
        bases=tuple(b for b, _ in bases),
        citations=tuple(c for _, c in bases),
        next_items=tuple(sorted(next_items)),
        prev_items=tuple(sorted(prev_items)),
    )


def _relation(record: Any) -> Relation:
    return Relation(record["src"], record["type"], record["dst"], record["text"] or "")


# ---- the store ---------------------------------------------------------------------------------
class Neo4jStore(DutyStore):
    """Neo4j store; arguments not given come from NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE."""

    name = "neo4j"

    def __init__(
        self,
        uri: str | None = None,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        **_: object,
    ) -> None:
        self.uri = uri or os.environ.get("NEO4J_URI") or DEFAULT_URI
        self.user = user or os.environ.get("NEO4J_USER") or DEFAULT_USER
        password = password if password is not None else os.environ.get("NEO4J_PASSWORD", "")
        self.database = database or os.environ.get("NEO4J_DATABASE") or None
        timeout = connect_timeout()
        try:
            self._driver = neo4j.GraphDatabase.driver(
                self.uri,
                auth=(self.user, password),                 connection_timeout=timeout,
                connection_acquisition_timeout=30.0,
                # "label/type/property does not exist yet" on an empty database is noise.
                notifications_disabled_classifications=[neo4j.NotificationDisabledClassification.UNRECOGNIZED],
            )
        except (ValueError, Neo4jError, neo4j.exceptions.DriverError) as e:
            raise StoreUnavailable(f"cannot use NEO4J_URI {self.uri!r}: {e}; use e.g. bolt://localhost:7687") from e
        self._group: _WriteGroup | None = None
        try:
            try:
                self._verify_within(timeout)
            except (AuthError, ServiceUnavailable, SessionExpired, ClientError, neo4j.exceptions.DriverError) as e:
                raise self._unavailable(e) from e
            self._setup_schema()
            if self._run(False, lambda tx: tx.run(cypher.ADMIN_IMPORT_PENDING).single()["n"]):
                from .neo4j_import_csv import finish_import  # the first open after a neo4j-admin import

                finish_import(self)
            # an older database's county departments become shared ones (what moved: `dutygraph upgrade`)
            self.upgrade_report = upgrade_neo4j_if_needed(self)
        except BaseException:
            self._driver.close()
            raise

    def _verify_within(self, timeout: float) -> None:
        """``verify_connectivity`` bounded in time: a silent server fails in ``timeout`` s, not minutes."""
        failure: list[BaseException] = []

        def verify() -> None:
            try:
                self._driver.verify_connectivity()
            except BaseException as e:  # noqa: BLE001 - handed to the caller below
                failure.append(e)

        worker = threading.Thread(target=verify, name="neo4j-connect", daemon=True)
        worker.start()
        worker.join(timeout)
        if worker.is_alive():
            raise StoreUnavailable(f"Neo4j at {self.uri} did not answer within {timeout:g} s: check that the server "
                                   f"is running and NEO4J_URI (or raise DUTYGRAPH_NEO4J_TIMEOUT)")
        if failure:
            raise failure[0]

    def describe(self) -> str:
        return f"neo4j ({self.uri}, database {self.database or '(default)'}, user {self.user})"

    def close(self) -> None:
        self._driver.close()

    # ---- sessions, transactions and error translation -----------------------------------
    def _unavailable(self, e: Exception) -> StoreUnavailable:
        where = f"Neo4j at {self.uri}"
        if isinstance(e, AuthError):
            msg = f"{where} refused user {self.user!r}: check NEO4J_USER and NEO4J_PASSWORD"
        elif isinstance(e, ClientError) and e.code and "DatabaseNotFound" in e.code:
            msg = f"{where} has no database {self.database!r}: check NEO4J_DATABASE (community has only 'neo4j')"
        elif isinstance(e, TransientError) and "MemoryPoolOutOfMemoryError" in (e.code or ""):
            msg = (f"{where} ran out of transaction memory: raise dbms.memory.transaction.total.max "
                   "(and the heap) or import a smaller list, see docs/neo4j.md")
        elif isinstance(e, TransientError):
            msg = f"{where} stayed busy or unavailable through every retry ({e.code}): check the server log, try again"
        else:
            msg = f"cannot reach {where}: check that the server is running and NEO4J_URI ({type(e).__name__})"
        return StoreUnavailable(msg)

    @contextmanager
    def _session(self, mode: str = neo4j.WRITE_ACCESS) -> Iterator[neo4j.Session]:
        """A session whose connection and server-side failures come out as :class:`StoreUnavailable`."""
        try:
            with self._driver.session(database=self.database, default_access_mode=mode) as session:
                yield session
        except (AuthError, ServiceUnavailable, SessionExpired, TransientError) as e:
            raise self._unavailable(e) from e
        except ClientError as e:
            if e.code and "DatabaseNotFound" in e.code:
                raise self._unavailable(e) from e
            raise
        except neo4j.exceptions.DriverError as e:  # connection-level failures the driver gave up on
            raise self._unavailable(e) from e

    def _run(self, write: bool, work: Callable[..., T], *args: Any) -> T:
        """Run ``work(tx, *args)`` in a managed transaction (the driver retries transient errors)."""
        with self._session(neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS) as session:
            if write:
                return session.execute_write(work, *args)
            return session.execute_read(work, *args)

    def _run_autocommit(self, statement: str, /, **params: Any) -> None:
        """Run ``statement`` outside a managed transaction: ``CALL … IN TRANSACTIONS`` commits as
        it goes and is refused inside one (so the driver does not retry it either)."""
        with self._session() as session:
            session.run(statement, **params).consume()

    def _read(self, statement: str, /, **params: Any) -> list[Any]:
        def work(tx: neo4j.ManagedTransaction) -> list[Any]:
            return list(tx.run(statement, params))

        return self._run(False, work)

    def _setup_schema(self) -> None:
        """Create the constraints and indexes (idempotent) and wait for each, except the full-text
        index: after a bulk or admin import it took the longest to fill (10 s of 23 s at 300
        townships), and only a whole-store search uses it, reading the items without it until it is
        online (:meth:`_search_items`)."""
        for statement in (*cypher.SCHEMA, *cypher.REVIEW_SCHEMA):
            self._run(True, lambda tx, s=statement: tx.run(s).consume())
        pending = {r["name"]: r["state"] for r in self._read(cypher.INDEXES_NOT_ONLINE)}
        for name in sorted(pending):
            if name != cypher.FULLTEXT_INDEX or pending[name] == "FAILED":  # a failed index raises here
                self._run(False, lambda tx, n=name: tx.run(cypher.AWAIT_INDEX, name=n,
                                                            seconds=_INDEX_WAIT_SECONDS).consume())
        self._fulltext_online = cypher.FULLTEXT_INDEX not in pending

    def _fulltext_ready(self) -> bool:
        """Whether the full-text index answers: it may still be filling after the first open of a loaded store."""
        if not getattr(self, "_fulltext_online", True):
            self._fulltext_online = [r["state"] for r in self._read(cypher.INDEX_STATE, name=cypher.FULLTEXT_INDEX)] \
                == ["ONLINE"]
        return self._fulltext_online

    # ---- writing -----------------------------------------------------------------------
    def _replace_township(self, tlist: TownshipList, delete: bool = False) -> ImportResult:
        if delete:  # a township too large for one transaction is deleted in stages (graphmodel.neo4j_staged)
            from .neo4j_staged import needs_staged_delete, staged_delete

            if needs_staged_delete(self, tlist.township.name):
                if self._group is not None:
                    self._group.commit()  # the townships before it stay committed, as for a staged import
                try:
                    return staged_delete(self, tlist.township.name)
                except (AuthError, ServiceUnavailable, SessionExpired, TransientError) as e:
                    raise self._unavailable(e) from e
        return self._write(_replace_work, tlist, delete)

    def replace_township(self, tlist: TownshipList, *, editor: str = "") -> ImportResult:
        """As :meth:`DutyStore.replace_township`; a list larger than one transaction is staged
        (:mod:`graphmodel.neo4j_staged`: written in batches, shown at once, all or nothing)."""
        from .neo4j_staged import needs_stage, staged_import

        if not isinstance(tlist, TownshipList) or not needs_stage(tlist):
            try:
                return super().replace_township(tlist, editor=editor)
            except ClientError as e:  # a first import's own key taken by another township (_read_township_diff)
                if e.code and "ConstraintValidationFailed" in e.code:
                    raise InvalidArgument(f"{tlist.township.name}: a key of this list belongs to a node of another "
                                          f"township; nothing was imported ({e.message})") from e
                raise
        tlist.check()
        if self._group is not None:
            self._group.commit()  # the townships before it stay committed, as a full group would
        try:
            return staged_import(self, tlist, editor, self._import_round)
        except (AuthError, ServiceUnavailable, SessionExpired, TransientError) as e:
            raise self._unavailable(e) from e

    def _write(self, work: Callable[..., T], *args: Any) -> T:
        """A township's write: its own managed transaction, or the open group of a :meth:`bulk`."""
        if self._group is None:
            return self._run(True, work, *args)
        try:
            return self._group.run(work, *args)
        except (AuthError, ServiceUnavailable, SessionExpired, TransientError) as e:
            raise self._unavailable(e) from e

    @contextmanager
    def bulk(self) -> Iterator["Neo4jStore"]:
        """Several imports in few transactions: each commits once ``bulk_rows`` changed rows are written.

        A commit costs about 0.1 s here (a sync to disk), a township of 300 items about 0.3 s
        to write: grouping about ten townships per commit roughly halves a county's load. The
        rows per transaction are bounded (``$DUTYGRAPH_NEO4J_BULK_ROWS``, default
        :data:`BULK_ROWS`) to stay under the server's transaction memory. If an import fails,
        the open group (the townships since the last commit) is rolled back; groups committed
        before stay. Every township is still written whole or not at all.
        """
        if self._group is not None:
            yield self
            return
        self._group = _WriteGroup(self._driver, self.database, bulk_rows())
        try:
            yield self
        except BaseException:
            self._group.close(commit=False)
            raise
        else:
            try:
                self._group.close(commit=True)
            except (AuthError, ServiceUnavailable, SessionExpired, TransientError) as e:
                raise self._unavailable(e) from e
        finally:
            self._group = None

    def _bulk_load(self, tlists: list[TownshipList], editor: str) -> list[ImportResult]:
        from .neo4j_bulk import bulk_create

        return bulk_create(self, tlists, editor=editor)

    def _wipe(self) -> None:
        for statement, batch in ((cypher.WIPE_RELATIONS_BATCH, _WIPE_BATCH), (cypher.WIPE_BATCH, _WIPE_BATCH),
                                 (cypher.WIPE_STATS_BATCH, _WIPE_REVIEW_BATCH),
                                 (cypher.WIPE_EVIDENCE_BATCH, _WIPE_REVIEW_BATCH),
                                 (cypher.WIPE_REVIEW_BATCH, _WIPE_REVIEW_BATCH)):
            self._delete_in_batches(statement, batch=batch)

    def _delete_in_batches(self, statement: str, **params: Any) -> None:
        """Run ``statement`` (it deletes up to ``$batch`` and returns ``deleted``), each run in a
        transaction of its own, until it deletes nothing."""
        def work(tx: neo4j.ManagedTransaction) -> int:
            return tx.run(statement, **params).single()["deleted"]

        while self._run(True, work):
            pass

    # ---- review records ------------------------------------------------------------------
    def _review_transaction(self, township: str, work: Callable[[ReviewTx], T], write: bool = True,
                            stage: tuple[str, Any, str, Any] | None = None) -> T:
        def run(tx: neo4j.ManagedTransaction) -> T:
            if not write:
                return work(_Neo4jReviewTx(tx, township, stage))
            # the lock and the township's records in one round trip; the records written go in one at the end
            rtx = _Neo4jReviewTx(tx, township, stage, records=tx.run(cypher.REVIEW_LOCK_RECORDS, township=township))
            result = work(rtx)
            rtx.flush()
            return result

        return self._write(run) if write else self._run(False, run)

    def _review_records(self, township: str, kind: str) -> list[dict]:
        return [json.loads(r["data"]) for r in self._read(cypher.REVIEW_RECORDS[kind], township=township)]

    def _review_blob(self, township: str, kind: str, rid: str) -> str | None:
        rows = self._read(cypher.REVIEW_BLOB[kind], key=f"{township}/{rid}")
        return rows[0]["blob"] if rows else None

    # ---- reading -----------------------------------------------------------------------
    def _get_nodes(self, keys: Sequence[str]) -> list[Node]:
        found = {}
        for record in self._read(cypher.FIND_NODES, keys=list(keys)):
            node = _from_props(record["props"])
            found[node.key] = node
        return [found[k] for k in keys if k in found]

    def _nodes(self, node_type: str, township: str | None) -> Iterable[Node]:
        if township is None:
            records = self._read(cypher.NODES_ALL[node_type])
        else:
            records = self._read(cypher.NODES_IN_TOWNSHIP[node_type], township=township)
        return [_from_props(r["props"]) for r in records]

    def _relations(self, rel_type: str | None, township: str | None) -> Iterable[Relation]:
        if township is not None:
            records = self._read(cypher.RELATIONS_IN_TOWNSHIP, township=township, type=rel_type)
        elif rel_type is not None:
            records = self._read(cypher.RELATIONS_OF_TYPE[rel_type])
        else:
            records = self._read(cypher.RELATIONS_ALL)
        return [_relation(r) for r in records]

    def _neighbourhood(self, key: str, depth: int, rel_types: tuple[str, ...]) -> tuple[list[Node], list[Relation]]:
        types = list(rel_types)

        def work(tx: neo4j.ManagedTransaction) -> tuple[list[Node], list[Relation]]:
            start = [r["id"] for r in tx.run(cypher.FIND_NODES, keys=[key]) if r["props"].get("key") == key]
            ids = set(start[:1])
            remaining = depth
            step_max = max(cypher.NEIGHBOURHOOD_EXPAND)
            while remaining > 0 and ids:  # N(d + k) = union of N(k) around every node of N(d)
                step = min(remaining, step_max)
                ids |= {r["id"] for r in tx.run(cypher.NEIGHBOURHOOD_EXPAND[step], ids=list(ids), types=types)}
                remaining -= step
            nodes, rels = [], []
            for record in tx.run(cypher.NEIGHBOURHOOD_GRAPH, ids=list(ids), types=types):
                node = _from_props(record["props"])
                nodes.append(node)
                rels.extend(Relation(node.key, t, dst, text or "") for t, dst, text in record["out"])
            return nodes, rels

        return self._run(False, work)

    def _item_cards(self, flt: ItemFilter) -> Iterable[ItemCard]:
        if flt.keys:
            source = "keys"
        elif flt.department:
            source = "department"
        elif flt.village:
            source = "village"
        elif flt.township is not None:
            source = "township"
        elif flt.parts:
            source = "parts"
        elif flt.power_types:
            source = "power_types"
        else:
            source = "all"
        params = {
            "township": flt.township,
            "parts": list(flt.parts),
            "power_types": list(flt.power_types),
            "department": flt.department or None,
            "village": flt.village or None,
            "min_leads": flt.min_leads,
            "max_leads": flt.max_leads,
            "keys": sorted(flt.keys),
        }
        if source in cypher.TYPED_CARD_SOURCES:  # a lean statement, cheap to plan: the filter applied here
            statement = cypher.ITEM_CARDS[source]
            cards = (_lean_card(r) for r in (
                self._read(statement, keys=params["keys"]) if source == "keys" else
                self._read(statement, township=flt.township, parts=params["parts"], power_types=params["power_types"],
                           min_leads=-1 if flt.min_leads is None else flt.min_leads,
                           max_leads=-1 if flt.max_leads is None else flt.max_leads)))
            return [c for c in cards if flt.admits(c)]
        return [_card(r) for r in self._read(cypher.ITEM_CARDS[source], **params)]

    def _search_items(self, terms: tuple[str, ...], township: str | None) -> Iterable[ItemCard]:
        if township is not None:  # the lean cards (cypher.SEARCH_ITEMS_IN_TOWNSHIP)
            return [_lean_card(r) for r in self._read(cypher.SEARCH_ITEMS_IN_TOWNSHIP, terms=list(terms),
                                                      township=township)]
        if all(_HAN_TERM.fullmatch(t) for t in terms) and self._fulltext_ready():
            query = " OR ".join(f'"{t}"' for t in terms)  # Lucene query text, not Cypher: Han only
            records = self._read(cypher.SEARCH_ITEMS_FULLTEXT, terms=list(terms), query=query)
        else:
            records = self._read(cypher.SEARCH_ITEMS_ALL, terms=list(terms))
        return [_card(r) for r in records]

    def _counts(self, township: str | None):
        if township is None:
            node_rows = self._read(cypher.COUNT_NODES_ALL)
            rel_rows = self._read(cypher.COUNT_RELATIONS_ALL)
            part_rows = self._read(cypher.ITEM_PARTS_ALL)
        else:
            node_rows = self._read(cypher.COUNT_NODES_IN_TOWNSHIP, township=township)
            rel_rows = self._read(cypher.COUNT_RELATIONS_IN_TOWNSHIP, township=township)
            part_rows = self._read(cypher.ITEM_PARTS_IN_TOWNSHIP, township=township)
        nodes = {t: 0 for t in NODE_TYPES} | {r["type"]: r["n"] for r in node_rows}
        rels = {r["type"]: r["n"] for r in rel_rows if r["n"]}
        parts: Counter[str] = Counter()
        power: Counter[str] = Counter()
        for r in part_rows:
            parts[r["part"]] += r["n"]
            power[r["power_type"] or "(空)"] += r["n"]
        return nodes, rels, dict(parts), dict(power)

    # ---- a query's own statement (its Cypher half) ------------------------------------------
    def _ask(self, question: str, params: dict[str, Any]) -> list[dict]:
        statement = cypher.QUESTIONS.get(question)
        if statement is None:
            raise KeyError(f"no Cypher statement for {question!r} in graphmodel.cypher.QUESTIONS")
        # the statements return plain values (no nodes or paths): Record.data()'s deep walk of every
        # nested list only copied them (3.5 M calls for 90,000 narrow cards, most of the read's Python time)
        return [dict(zip(r.keys(), r)) for r in self._read(statement, **params, blank=cypher.BLANK)]

    # ---- column questions: aggregates in the database -------------------------------------
    def _items_without_basis(self, township: str | None) -> Iterable[str]:
        if township is None:
            return [r["key"] for r in self._read(cypher.ITEMS_WITHOUT_BASIS_ALL)]
        return [r["key"] for r in self._read(cypher.ITEMS_WITHOUT_BASIS_IN_TOWNSHIP, township=township)]

    def _written_columns(self, names: tuple[str, ...], township: str | None):
        if township is None:
            rows = self._read(cypher.WRITTEN_COLUMNS_ALL, fields=list(names), blank=cypher.BLANK)
        else:
            rows = self._read(cypher.WRITTEN_COLUMNS_IN_TOWNSHIP, fields=list(names), blank=cypher.BLANK,
                              township=township)
        return {(r["township"], r["part"], r["field"]) for r in rows}

    def _blank_items(self, columns):
        rows = self._read(cypher.BLANK_ITEMS, columns=[list(c) for c in columns], blank=cypher.BLANK)
        return [(r["key"], r["field"]) for r in rows]

    def _department_lead_counts(self, township: str | None, incomplete: frozenset[str]):
        if township is None:
            rows = self._read(cypher.DEPARTMENT_LEAD_COUNTS_ALL)
        else:
            rows = self._read(cypher.DEPARTMENT_LEAD_COUNTS_IN_TOWNSHIP, township=township)
        out: dict[tuple[str, str, str], tuple[int, int]] = {}
        for r in rows:
            k = (r["department"], r["part"], r["power_type"] or "(空)")
            n, d = out.get(k, (0, 0))
            out[k] = (n + r["n"], d + r["complete"])
        if incomplete:  # one lead and a basis, but incomplete for the caller's reason
            for r in self._read(cypher.DEPARTMENT_LEAD_INCOMPLETE, incomplete=sorted(incomplete), township=township):
                k = (r["department"], r["part"], r["power_type"] or "(空)")
                n, d = out[k]
                out[k] = (n, d - r["n"])
        return out

    def _cooperation_counts(self, township: str | None) -> dict[str, int]:
        if township is None:
            rows = self._read(cypher.COOPERATION_COUNTS_ALL)
        else:
            rows = self._read(cypher.COOPERATION_COUNTS_IN_TOWNSHIP, township=township)
        return {r["department"]: r["n"] for r in rows}

    def _part_power_counts(self, township: str | None) -> dict[tuple[str, str], int]:
        if township is None:
            rows = self._read(cypher.ITEM_PARTS_ALL)
        else:
            rows = self._read(cypher.ITEM_PARTS_IN_TOWNSHIP, township=township)
        out: Counter[tuple[str, str]] = Counter()
        for r in rows:
            out[(r["power_type"] or "(空)", r["part"])] += r["n"]
        return dict(out)


# ---- bulk writes: several townships per transaction ---------------------------------------
#: Changed rows (nodes and relations) after which a bulk group commits. A 10,000-item list
#: (62,000 rows) overflowed the test server's 256 MB transaction memory at commit.
BULK_ROWS = 20_000


def bulk_rows() -> int:
    return env_number("DUTYGRAPH_NEO4J_BULK_ROWS", BULK_ROWS, 1)


class _WriteGroup:
    """One explicit write transaction shared by several imports, committed every ``limit`` rows."""

    def __init__(self, driver: neo4j.Driver, database: str | None, limit: int) -> None:
        self._session = driver.session(database=database, default_access_mode=neo4j.WRITE_ACCESS)
        self._tx: neo4j.Transaction | None = None
        self.limit = limit
        self.pending = 0
        self.commits = 0
        self.failed = False

    def run(self, work: Callable[..., T], *args: Any) -> T:
        if self.failed:
            raise StoreUnavailable("an import of this bulk failed and its open group was rolled back: "
                                   "end the bulk and load again")
        if self._tx is None:
            self._tx = self._session.begin_transaction()
        try:
            result = work(self._tx, *args)
        except BaseException:
            self.failed = True
            self._finish(False)
            raise
        if isinstance(result, ImportResult):
            self.pending += result.added + result.changed + result.removed
        if self.pending >= self.limit:
            self._finish(True)
        return result

    def commit(self) -> None:
        """Commit what the group holds now (a staged import runs its own transactions next)."""
        if self.failed:
            raise StoreUnavailable("an import of this bulk failed and its open group was rolled back: "
                                   "end the bulk and load again")
        self._finish(True)

    def _finish(self, commit: bool) -> None:
        tx, self._tx, self.pending = self._tx, None, 0
        if tx is None:
            return
        if commit:
            tx.commit()
            self.commits += 1
        else:
            tx.rollback()

    def close(self, commit: bool) -> None:
        try:
            self._finish(commit)
        finally:
            self._session.close()


# ---- the replace transaction --------------------------------------------------------------
@dataclass
class _TownshipDiff:
    """A township's stored state against a new list, read inside the import's transaction."""

    current: dict[str, Node]  # the stored nodes of the township, and the new list's nodes found outside it
    ids: dict[str, str]  # node key -> element id, valid inside this transaction
    old_keys: set[str]  # the nodes the township owns now
    old_rels: dict[Relation, str]  # the township's relations -> element id
    new_nodes: dict[str, Node]  # the new list's nodes (shared ones merged with the stored spellings)
    new_rels: set[Relation]
    orphans: set[str]  # shared nodes nobody uses once the new list is in

    @property
    def upsert(self) -> dict[str, Node]:
        return {k: n for k, n in self.new_nodes.items() if k not in self.current or self.current[k] != n}

    @property
    def add_rels(self) -> set[Relation]:
        return self.new_rels - self.old_rels.keys()

    @property
    def drop_rels(self) -> set[Relation]:
        return self.old_rels.keys() - self.new_rels

    def counts(self, upsert: dict[str, Node]) -> tuple[int, int, int]:
        """(added, removed, changed) as the embedded store counts them."""
        added = sum(1 for k in upsert if k not in self.current) + len(self.add_rels)
        changed = sum(1 for k in upsert if k in self.current)
        removed = len((self.old_keys - self.new_nodes.keys()) | self.orphans) + len(self.drop_rels)
        return added, removed, changed


def _read_township_diff(tx: neo4j.ManagedTransaction, tlist: TownshipList, delete: bool,
                        stored_county: str | None = None, stored: bool = True) -> _TownshipDiff:
    """Lock what the import shares with others, read the township's current state, diff it
    against ``tlist`` (nothing when ``delete``). Used by the one-transaction import and by the
    staged import's swap (graphmodel.neo4j_staged). ``stored_county``: the stored township's
    county when the caller read it already (None: read here); ``stored`` False: the caller found
    no Township node of this name, so the township owns no node (its first import)."""
    name = tlist.township.name
    # Townships of one county share department nodes: their imports take turns (a county lock,
    # after the township's review lock), so that one never drops a node another is linking to.
    county = tlist.township.county
    if not county and stored_county is not None:
        county = stored_county
    elif not county:
        row = tx.run(cypher.TOWNSHIP_COUNTY, key=tlist.township.key).single()
        county = (row["county"] if row else "") or ""
    if county:
        tx.run(cypher.REVIEW_LOCK, township=f"county:{county}").consume()
    ids: dict[str, str] = {}
    current: dict[str, Node] = {}
    for r in tx.run(cypher.TOWNSHIP_NODES, township=name) if stored else ():
        node = _from_props(r["props"])
        current[node.key] = node
        ids[node.key] = r["id"]
    old_keys = set(current)
    old_rels: dict[Relation, str] = {}
    # (a township with no nodes has no relations: a first import skips the read)
    for r in tx.run(cypher.TOWNSHIP_RELATIONS, township=name) if current else ():
        old_rels[_relation(r)] = r["id"]
        ids[r["src"]], ids[r["dst"]] = r["src_id"], r["dst_id"]

    new_nodes = {} if delete else {n.key: n for n in tlist.nodes()}
    new_rels = set() if delete else set(tlist.relations)

    # Bases this import starts or stops citing are shared with other townships' imports:
    # lock them (cypher.LOCK_BASES) before reading them or their citers.
    old_cited = {r.dst for r in old_rels if r.type == RelType.BASED_ON}
    new_cited = {r.dst for r in new_rels if r.type == RelType.BASED_ON}
    locks = sorted(old_cited ^ new_cited)

    # Nodes of the new list that exist outside this township (shared legal bases, county
    # departments): one seek per key in its own label (a key under another label is not this node).
    # Read after the locks, in the same statement when there are both (one round trip less).
    # A township's first import seeks its shared nodes only: its own keys name the township
    # (normalize.item_key …), so they are nowhere yet; if one were (a hand-made list reusing
    # another township's key), its CREATE fails on the key constraint and the import with it,
    # where the seek of every key had cost a fifth of the import's server time (~700 keys).
    outside: dict[str, list[str]] = defaultdict(list)
    for key in sorted(new_nodes):
        if key not in current and (stored or is_shared(new_nodes[key])):
            outside[new_nodes[key].node_type].append(key)
    by_label = {label: outside.get(label, []) for label in NODE_TYPES}
    found: Iterable[Any] = ()
    if locks and outside:
        found = tx.run(cypher.LOCK_BASES_NODES_BY_LABELLED_KEYS, {"keys": locks, **by_label})
    elif locks:
        tx.run(cypher.LOCK_BASES, keys=locks).consume()
    elif outside:
        found = tx.run(cypher.NODES_BY_LABELLED_KEYS, by_label)
    for r in found:
        node = _from_props(r["props"])
        current[node.key] = node
        ids[node.key] = r["id"]
        if is_shared(node):  # keep the other townships' spellings
            new_nodes[node.key] = merge_shared(new_nodes[node.key], node)

    # Bases and county departments are shared: one nobody else uses once this list is in goes too.
    still_used = {k for r in new_rels for k in (r.src, r.dst)}
    candidates = sorted({k for r in old_rels for k in (r.src, r.dst) if k not in old_keys} - still_used)
    orphans = set()
    if candidates:
        for r in tx.run(cypher.SHARED_NODE_USERS, ids=[ids[b] for b in candidates]):
            if set(r["users"]) <= old_keys:
                orphans.add(r["key"])
    return _TownshipDiff(current, ids, old_keys, old_rels, new_nodes, new_rels, orphans)


def _replace_work(tx: neo4j.ManagedTransaction, tlist: TownshipList, delete: bool) -> ImportResult:
    """Read the township's current state, diff it like the memory store, apply the diff.

    Runs inside one managed write transaction: on any error nothing is changed, and
    on a transient error the driver runs the whole function again.
    """
    stored_county, stored, digest = None, True, None
    if not delete:
        digest = list_digest(tlist)  # once: the unchanged test and the aggregates both name it
        unchanged, stored_county, stored = _unchanged(tx, tlist, digest)
        if unchanged:
            return ImportResult(tlist.township.name, 0, 0, 0, tlist.counts())
    d = _read_township_diff(tx, tlist, delete, stored_county, stored)
    upsert = d.upsert
    added, removed, changed = d.counts(upsert)
    if added or changed or removed:
        for batch in _chunks(sorted(d.old_rels[r] for r in d.drop_rels)):
            tx.run(cypher.DELETE_RELATIONS_BY_ID, ids=batch).consume()
        remove = (d.old_keys - d.new_nodes.keys()) | d.orphans
        for batch in _chunks(sorted(d.ids.pop(k) for k in remove)):
            tx.run(cypher.DELETE_NODES_BY_ID, ids=batch).consume()
        _write_by_key(tx, upsert, d.current, d.old_keys, d.add_rels, d.new_nodes)
    write_stats(tx, tlist, delete, digest)
    write_evidence(tx, tlist, delete)
    counts = tlist.counts() if not delete else {}
    return ImportResult(tlist.township.name, added, removed, changed, counts)


def _unchanged(tx: neo4j.ManagedTransaction, tlist: TownshipList, digest: str | None = None) -> tuple[bool, str, bool]:
    """True when the import of ``tlist`` would change nothing: the township's stored aggregates
    name this very list (``list_digest``: every write of a township's list goes through
    :func:`_replace_work`, the staged swap or the bulk load, which write the digest, and its
    delete drops it), its kept evidence (graphmodel.township_evidence) is of this version, and
    the shared nodes it brings are stored as the import would leave them
    (another township may have rewritten a legal basis since). Then neither the diff's reads nor
    the aggregates' rewrite are needed. A store written before the digest takes the full diff.
    Also returns the stored township's county ("" when none) and whether it is stored at all,
    which the diff needs next."""
    row = tx.run(cypher.TOWNSHIP_STATS_DIGEST, township=tlist.township.name, key=tlist.township.key).single()
    stored_county, stored = row["county"] or "", row["stored"]
    if row["digest"] is None or row["digest"] != (digest or list_digest(tlist)):
        return False, stored_county, stored
    if row["evidence"] != EVIDENCE_VERSION:  # missing (staged swap, a store written before it) or older kept rows: rewrite them
        return False, stored_county, stored
    if row["text_pairs"] != TEXT_PAIRS_VERSION or row["topics"] != TOPICS_VERSION:  # the text pairs and topics
        return False, stored_county, stored  # kept beside them, likewise (slice neowhole)
    county = tlist.township.county  # the stored township's county: the digests are equal
    if county:  # as _read_township_diff: the county's shared departments are read under its lock
        tx.run(cypher.REVIEW_LOCK, township=f"county:{county}").consume()
    shared = {n.key: n for n in tlist.nodes() if is_shared(n)}
    by_label: dict[str, list[str]] = defaultdict(list)
    for key in sorted(shared):
        by_label[shared[key].node_type].append(key)
    found = 0
    if shared:
        for r in tx.run(cypher.NODES_BY_LABELLED_KEYS, {label: by_label.get(label, []) for label in NODE_TYPES}):
            node = _from_props(r["props"])
            new = shared.get(node.key)
            if new is None or new.node_type != node.node_type or merge_shared(new, node) != node:
                return False, stored_county, stored
            found += 1
    return found == len(shared), stored_county, stored


def write_stats(tx: neo4j.ManagedTransaction, tlist: TownshipList, delete: bool, digest: str | None = None) -> None:
    """The township's aggregates (graphmodel.township_stats), replaced in the transaction that
    writes its list, also when the list is unchanged (a store written before them gets them);
    ``digest``: the list's ``list_digest`` when the caller has it."""
    if delete:
        tx.run(cypher.TOWNSHIP_STATS_DROP, township=tlist.township.name).consume()
    else:
        tx.run(cypher.TOWNSHIP_STATS_PUT, township=tlist.township.name,
               props=township_stats(tlist, digest=digest)).consume()



def _write_by_key(tx: neo4j.ManagedTransaction, upsert: dict[str, Node], current: dict[str, Node],
                  owned: set[str], add_rels: set[Relation], new_nodes: dict[str, Node]) -> None:
    """Write the diff's nodes and relations by key (cypher.CREATE_NODES_ALL … MERGE_RELATIONS_BY_KEY).

    Nothing is returned to Python: the element ids the old statements returned cost a record
    per node. New nodes are CREATEd, existing ones SET, shared ones MERGEd (see cypher.py); the
    new nodes of every label go in one statement, the new relations of the model in another.
    """
    rows: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for key in sorted(upsert):
        node = upsert[key]
        old = current.get(key)
        if is_shared(node) or (old is not None and old.node_type != node.node_type):
            how = "merge"  # (a key stored under another label: MERGE makes this label's node, as before)
        else:
            how = "set" if old is not None else "create"
        rows[(how, node.node_type)].append(_to_props(node))
    tables = {"set": cypher.SET_NODES, "merge": cypher.MERGE_NODES}
    for how in ("merge", "set"):
        for (h, label), batch_rows in sorted(rows.items()):
            if h == how:
                for batch in _chunks(batch_rows):
                    tx.run(tables[how][label], rows=batch).consume()
    rels: dict[tuple[bool, str, str, str], list[dict[str, str]]] = defaultdict(list)
    for rel in sorted(add_rels, key=_rel_order):
        # the diff is exact for a relation touching a node this township owns or a node just created
        create = rel.src in owned or rel.dst in owned or rel.src not in current or rel.dst not in current
        key = (create, rel.type, new_nodes[rel.src].node_type, new_nodes[rel.dst].node_type)
        rels[key].append({"src": rel.src, "dst": rel.dst, "text": rel.text})
    model = {(True, *ends) for ends in cypher.MODEL_RELATIONS}
    created = {label: rows.get(("create", label), []) for label in cypher.CREATE_LIST_LABELS}
    if sum(map(len, created.values())) + sum(len(rels.get(k, ())) for k in model) <= LIST_STATEMENT_ROWS:
        _create_list(tx, created, {ends: rels.get((True, *ends), []) for ends in cypher.MODEL_RELATIONS})
    else:  # a list too large for one statement: nodes, then relations by key, in batches
        _run_all(tx, cypher.CREATE_NODES_ALL, {label: rows.get(("create", label), []) for label in NODE_TYPES})
        _run_all(tx, cypher.CREATE_RELATIONS_ALL,
                 {cypher.rows_parameter(*ends): rels.get((True, *ends), []) for ends in cypher.MODEL_RELATIONS})
    for (create, *ends), batch_rows in sorted(rels.items()):
        if (create, *ends) in model:
            continue
        table = cypher.CREATE_RELATIONS_BY_KEY if create else cypher.MERGE_RELATIONS_BY_KEY
        for batch in _chunks(batch_rows):
            tx.run(table[tuple(ends)], rows=batch).consume()


#: New nodes and relations up to which an import writes them in one statement (cypher.CREATE_LIST_ALL;
#: a township of 300 items has ~2,000); a larger list goes in batches of BATCH_SIZE rows.
LIST_STATEMENT_ROWS = 20_000


def _create_list(tx: neo4j.ManagedTransaction, created: dict[str, list[dict[str, Any]]],
                 rels: dict[tuple[str, str, str], list[dict[str, str]]]) -> None:
    """The new nodes and the model's new relations in one statement (cypher.CREATE_LIST_ALL): each
    relation names its ends by their position among the nodes created or found there."""
    position: dict[str, int] = {}
    keys: list[str] = []
    for label in cypher.CREATE_LIST_LABELS:
        for row in created[label]:
            position[row["key"]] = len(keys)
            keys.append(row["key"])
    ends: dict[str, set[str]] = {label: set() for label in cypher.CREATE_LIST_LABELS}
    for (_, a, b), rows in rels.items():
        for row in rows:
            if row["src"] not in position:
                ends[a].add(row["src"])
            if row["dst"] not in position:
                ends[b].add(row["dst"])
    params: dict[str, Any] = dict(created)
    for label in cypher.CREATE_LIST_LABELS:
        params[f"ends_{label}"] = found = sorted(ends[label])
        for key in found:
            position[key] = len(keys)
            keys.append(key)
    params["keys"] = keys
    for ends_of in cypher.MODEL_RELATIONS:
        params[cypher.rows_parameter(*ends_of)] = [{"s": position[r["src"]], "d": position[r["dst"]], "text": r["text"]}
                                                   for r in rels.get(ends_of, ())]
    if tx.run(cypher.CREATE_LIST_ALL, params).single() is None:
        raise RuntimeError("writing the list's nodes and relations found other nodes than it wrote or expected: "
                           "nothing was imported")


def _rel_order(r: Relation) -> tuple[str, str, str, str]:
    return (r.src, r.type, r.dst, r.text)  # Relation's own order, without its dataclass __lt__ (profiled)


def _run_all(tx: neo4j.ManagedTransaction, statement: str, rows: dict[str, list[dict[str, Any]]]) -> None:
    """Run a statement with one rows parameter per CALL: chunk i of every parameter in run i."""
    runs = max((len(r) + BATCH_SIZE - 1) // BATCH_SIZE for r in rows.values())
    for i in range(runs):
        tx.run(statement, {name: r[i * BATCH_SIZE:(i + 1) * BATCH_SIZE] for name, r in rows.items()}).consume()



# ---- review transactions ----------------------------------------------------------------------
class _Neo4jReviewTx(ReviewTx):
    """The township's list and review records, read and written inside one managed transaction."""

    def __init__(self, tx: neo4j.ManagedTransaction, township: str,
                 stage: tuple[str, Any, str, tuple[str, str] | None] | None = None,
                 records: Iterable[Any] | None = None) -> None:
        self.tx = tx
        self.township = township
        # (stage id, lock version, snapshot, latest round's (id, snapshot)): the list was staged
        # (graphmodel.neo4j_staged.stage), the replace swaps it in
        self.stage = stage
        self._cache: dict[str, dict[str, dict]] = {}
        if records is not None:  # read with the lock (cypher.REVIEW_LOCK_RECORDS)
            self._fill(records)
        # records put and not yet written: (kind, key) -> row of cypher.REVIEW_PUT_ALL, written by
        # flush() before any other statement of this transaction and at its end
        self._pending: dict[tuple[str, str], dict[str, Any]] = {}

    def _fill(self, rows: Iterable[Any]) -> None:
        self._cache = {k: {} for k in cypher.REVIEW_KINDS}
        for r in rows:
            d = json.loads(r["data"])
            self._cache[r["kind"]][d["id"]] = d

    def flush(self) -> None:
        """Write the records put since the last flush, in one statement."""
        if not self._pending:
            return
        rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for (kind, _), row in self._pending.items():
            rows[kind].append(row)
        self._pending = {}
        self.tx.run(cypher.review_put(rows), dict(rows)).consume()

    def current_list(self) -> TownshipList:
        self.flush()
        tlist = TownshipList.empty(self.township)
        nodes = [_from_props(r["props"]) for r in self.tx.run(cypher.TOWNSHIP_NODES, township=self.township)]
        rels = sorted({_relation(r) for r in self.tx.run(cypher.TOWNSHIP_RELATIONS, township=self.township)})
        bases = sorted({r.dst for r in rels if r.type == RelType.BASED_ON})
        for n in nodes:
            if n.node_type == NodeType.TOWNSHIP:
                tlist.township = n
        tlist.items = sorted((n for n in nodes if n.node_type == NodeType.ITEM), key=lambda n: n.key)
        tlist.departments = sorted((n for n in nodes if n.node_type == NodeType.DEPARTMENT), key=lambda n: n.key)
        tlist.villages = sorted((n for n in nodes if n.node_type == NodeType.VILLAGE), key=lambda n: n.key)
        found = [_from_props(r["props"]) for r in self.tx.run(cypher.NODES_BY_KEYS["LegalBasis"], keys=bases)]
        tlist.bases = sorted(found, key=lambda n: n.key)
        owned = {n.key for n in nodes}
        outside = sorted({r.src for r in rels if r.src not in owned})  # shared county departments
        shared = [_from_props(r["props"]) for r in self.tx.run(cypher.NODES_BY_KEYS["Department"], keys=outside)]
        tlist.departments = sorted([*tlist.departments, *shared], key=lambda n: n.key)
        tlist.relations = rels
        return tlist

    def _replace(self, tlist: TownshipList) -> ImportResult:
        self.flush()
        if self.stage is not None:
            from .neo4j_staged import swap_work

            return swap_work(self.tx, tlist, self.stage[0], self.stage[1])
        return _replace_work(self.tx, tlist, False)

    def _records(self, kind: str) -> dict[str, dict]:
        if not self._cache:  # every kind in one round trip: an import asks for three
            self.flush()
            self._fill(self.tx.run(cypher.REVIEW_RECORDS_ALL, township=self.township))
        if kind not in self._cache:
            self.flush()
            rows = self.tx.run(cypher.REVIEW_RECORDS[kind], township=self.township)
            self._cache[kind] = {d["id"]: d for d in (json.loads(r["data"]) for r in rows)}
        return self._cache[kind]

    def records(self, kind: str) -> list[dict]:
        return list(self._records(kind).values())

    def blob(self, kind: str, rid: str) -> str | None:
        if kind == "Round" and self.stage is not None and self.stage[3] is not None and self.stage[3][0] == rid:
            return self.stage[3][1]  # read while staging, at the version the swap checked
        self.flush()
        row = self.tx.run(cypher.REVIEW_BLOB[kind], key=f"{self.township}/{rid}").single()
        return row["blob"] if row else None

    def put(self, kind: str, rid: str, data: dict, blob: str | None = None, links=()) -> None:
        text = json.dumps(data, ensure_ascii=False, sort_keys=True)
        key = f"{self.township}/{rid}"
        if kind == "Round" and self.stage is not None and blob is not None and blob == self.stage[2]:
            # the staged list's snapshot was written while staging (a 10,000-item list's is 12 MB)
            self.flush()
            self.tx.run(cypher.STAGE_ROUND_PUT, stage=self.stage[0], key=key, township=self.township, id=rid,
                        data=text).consume()
        else:  # written by flush(), as REVIEW_PUT[kind] would (a null blob keeps the one put or stored before)
            before = self._pending.get((kind, key))
            if blob is None and before is not None:
                blob = before["blob"]
            self._pending[(kind, key)] = {"key": key, "township": self.township, "id": rid, "data": text, "blob": blob}
        self._records(kind)[rid] = json.loads(text)
        by_type: dict[str, list[str]] = defaultdict(list)
        for rel_type, target in links:
            if REVIEW_REL_TYPES[rel_type] == "Meeting":
                target = f"{self.township}/{target}"
            by_type[rel_type].append(target)
        if by_type:
            self.flush()  # the links need the record written
        for rel_type, targets in sorted(by_type.items()):
            self.tx.run(cypher.REVIEW_LINK[(kind, rel_type)], key=key, targets=targets).consume()

    def drop(self, kind: str, rid: str) -> None:
        self.flush()
        self.tx.run(cypher.REVIEW_DROP[kind], key=f"{self.township}/{rid}").consume()
        self._records(kind).pop(rid, None)
