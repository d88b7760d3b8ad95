"""The embedded store: a networkx MultiDiGraph in memory, saved as a head file and one file per township.

Indexes kept at write time (nodes by type, nodes by township, every item's card) plus
networkx's own adjacency (an item's in-edges are its leads, cooperators and villages)
let every read touch only the nodes it returns.

It is meant for a county (tens of townships). Past ``MAX_ITEMS`` items (default 100,000,
``$DUTYGRAPH_MEMORY_MAX_ITEMS``) an import is refused before anything changes, with a
message pointing to Neo4j: bench/README.md has the measurements behind the limit.

The files (:mod:`graphmodel.store_files`): ``dutygraph.json`` is the head, naming the file of
each township in ``dutygraph.parts/``; a save rewrites only the parts that changed since the
files were read or written (found by comparing the node and relation objects by identity:
records are frozen, every write puts new objects in) and then the head, by an atomic rename.
A store of schema 3 or older (everything in ``dutygraph.json``) is read as before and written
in the new layout by its first save or ``dutygraph upgrade``.

Several processes may share one store (the CLI while the dashboard runs, parallel imports).
Every write holds an OS lock on ``dutygraph.json.lock`` (:mod:`graphmodel.file_lock`) for the
whole read-modify-write and first re-reads the store if another process saved it since, so no
write is lost and review ids stay unique. Readers call :meth:`MemoryStore.refresh` to see
other processes' saves; it reads again only the township files whose generation changed.
Temp files of a save killed midway are removed at the next open, its part files by the next save.
"""

from __future__ import annotations

import json
import operator
import os
import pickle
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import networkx as nx

from . import store_files
from .atomic_file import atomic_write
from .county_upgrade import migrate_review, shared_key
from .errors import SchemaVersionError, StoreUnavailable
from .file_lock import FileLock, StoreBusy
from .gc_pause import gc_paused, settle
from .memory_reads import ReadIndex
from .model import (
    Department,
    LegalBasis,
    Node,
    Relation,
    TownshipList,
    county_dept_key,
    is_shared,
    merge_shared,
    node_from_dict,
    node_to_dict,
)
from .normalize import township_key
from .review import ListSnapshot, blob_text
from .review_contract import ReviewTx
from .store import DutyStore, ImportResult, ItemCard, ItemFilter, Party, default_data_dir
from .vocab import DeptLevel, NodeType, RelType

__all__ = ["FILE_NAME", "MAX_ITEMS", "SCHEMA_VERSION", "MemoryStore", "StoreBusy", "StoreTooLarge", "upgrade_nodes",
           "write_single_file"]

T = TypeVar("T")
_MISSING = object()
_TOO_BIG = object()  # an answer whose file says it is too large to keep (``_remember``'s limit)

#: 2 added "review" (meetings, decisions, rounds, requests, audit trail); files of 1 are read
#: as having no review yet and are written back as 2.
#: 3 shares county departments: one node per county (see ``model.share_county_departments``);
#: files of 1 and 2 are upgraded on reading (:func:`upgrade_nodes`) and written back as 3.
#: 4 splits the file: a head naming one file per township (:mod:`graphmodel.store_files`); the
#: content is schema 3's. Files of 1-3 are read and written back as 4.
SCHEMA_VERSION = store_files.SCHEMA_VERSION
_READS = (1, 2, 3, 4)
FILE_NAME = store_files.HEAD_FILE
_FORMAT = store_files.FORMAT
#: Times a reader starts again when a save removed a part file between its reading the head and the part.
_READ_ATTEMPTS = 5
#: Items the embedded store accepts (bench/README.md: at 90,000 items the whole-store audit
#: already takes seconds and the process holds GBs; a province belongs in Neo4j).
MAX_ITEMS = 100_000


class StoreTooLarge(StoreUnavailable):
    """An import would take the embedded store past its item limit."""


@dataclass
class _Diff:
    """A change to the graph, and (by :meth:`inverse`) the change that undoes it."""

    upsert: dict[str, Node] = field(default_factory=dict)
    remove: set[str] = field(default_factory=set)
    add_rels: Collection[Relation] = field(default_factory=set)  # a set, or a new township's list of relations
    drop_rels: Collection[Relation] = field(default_factory=set)


class _Part:
    """What one township's file holds (or the shared part's), as the objects in memory.

    Holding the objects keeps their ids unique, so that "is this part still what the file
    holds" is a comparison of id sets (records are frozen: a change is a new object).
    """

    __slots__ = ("file", "nodes", "rels", "review", "_node_ids", "_rel_ids", "_counts")

    def __init__(self, file: str, nodes: Sequence[Node], rels: Sequence[Relation], review: dict | None) -> None:
        self.file = file
        self.nodes = tuple(nodes)
        self.rels = tuple(rels)
        self.review = review
        self._node_ids = frozenset(map(id, self.nodes))
        self._rel_ids = frozenset(map(id, self.rels))
        self._counts: tuple[Counter, Counter, Counter, Counter, list[Node]] | None = None

    def counts(self) -> tuple[Counter, Counter, Counter, Counter, list[Node]]:
        """This part's share of ``MemoryStore._counts(None)`` (nodes, relations, parts, power types)
        and its Township node: the head's summary is their sum, without a pass over the graph."""
        if self._counts is None:
            items = [n for n in self.nodes if n.node_type == NodeType.ITEM]
            self._counts = (Counter(n.node_type for n in self.nodes), Counter(r.type for r in self.rels),
                            Counter(i.part for i in items), Counter(i.power_type or "(空)" for i in items),
                            [n for n in self.nodes if n.node_type == NodeType.TOWNSHIP])
        return self._counts

    def holds(self, nodes: Sequence[Node], rels: Sequence[Relation], review: dict | None) -> bool:
        return (review is self.review and len(nodes) == len(self.nodes) and len(rels) == len(self.rels)
                and frozenset(map(id, nodes)) == self._node_ids and frozenset(map(id, rels)) == self._rel_ids)


def _written_blobs(review: dict | None) -> dict | None:
    """``review`` (a township's records) with every round snapshot as text, written in place: the
    file format holds text, and the dict stays the one the township's part compares by identity."""
    for recs in (review or {}).values():
        for rec in recs.values():
            if isinstance(rec.get("blob"), ListSnapshot):
                rec["blob"] = rec["blob"].text()
    return review


def _rel_dict(r: Relation) -> dict[str, str]:
    return {"src": r.src, "type": r.type, "dst": r.dst, "text": r.text}


def write_single_file(path: Path, store: MemoryStore) -> None:
    """Write ``store`` as one file of schema 3, the layout before 4 (tests of the upgrade, bench/save_bench.py)."""
    nodes = [node_to_dict(store.graph.nodes[k]["obj"]) for k in sorted(store.graph.nodes)]
    rels = [_rel_dict(r) for r in sorted(d for _, _, d in store.graph.edges(data="obj"))]
    doc = {"format": _FORMAT, "schema_version": 3, "summary": store._info_summary(), "nodes": nodes,
           "relations": rels, "review": {t: _written_blobs(r) for t, r in store.review.items()}}
    data = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    atomic_write(Path(path), lambda fh: fh.write(data))


def _owner(node: Node) -> str:
    """The township a node belongs to ('' for legal bases and county departments, which are shared)."""
    return node.township


def upgrade_nodes(nodes: list[Node], relations: set[Relation]) -> tuple[list[Node], set[Relation]]:
    """Schema 2 -> 3: the county departments of townships with a county become one shared node
    per county, with every alias any township read them under; relations follow the new keys.

    Nothing is lost: every item, village, basis and relation stays (relations re-pointed), and
    a township without a county keeps its own departments.
    """
    county = {n.name: n.county for n in nodes if n.node_type == "Township" and n.county}
    renamed: dict[str, str] = {}
    shared: dict[str, Department] = {}
    kept: list[Node] = []
    for n in nodes:
        if isinstance(n, Department) and n.level == DeptLevel.COUNTY and county.get(n.township):
            key = county_dept_key(county[n.township], n.name)
            renamed[n.key] = key
            new = Department(key, "", n.name, n.level, n.aliases, county[n.township])
            shared[key] = merge_shared(new, shared.get(key))
        else:
            kept.append(n)
    if not renamed:
        return nodes, relations
    rels = {Relation(renamed.get(r.src, r.src), r.type, renamed.get(r.dst, r.dst), r.text) for r in relations}
    return kept + list(shared.values()), rels


def upgrade_review(nodes: list[Node], review: dict[str, dict[str, dict[str, dict[str, Any]]]]) -> dict:
    """Schema 2 -> 3 for the review records: decisions' slices and rounds' snapshots re-keyed
    like the departments (``county_upgrade.migrate_review``), before ``upgrade_nodes`` runs."""
    county_of = {n.name: n.county for n in nodes if n.node_type == "Township" and n.county}
    if not county_of:
        return review
    known = {n.key: k for n in nodes if isinstance(n, Department)
             and (k := shared_key(node_to_dict(n), county_of)) is not None}
    out: dict[str, dict[str, dict[str, dict[str, Any]]]] = {}
    for town, kinds in review.items():
        out[town] = {}
        for kind, records in kinds.items():
            out[town][kind] = {}
            for rid, rec in records.items():
                data, blob, _ = migrate_review(kind, rec.get("data") or {}, rec.get("blob"), county_of, known)
                out[town][kind][rid] = {**rec, "data": data, "blob": blob}
    return out


class MemoryStore(DutyStore):
    """networkx store; ``data_dir=None`` keeps it in memory only (tests, previews)."""

    name = "memory"

    def __init__(self, data_dir: str | Path | None = "default", **_: object) -> None:
        if data_dir == "default":
            data_dir = default_data_dir()
        self.path: Path | None = Path(data_dir) / FILE_NAME if data_dir is not None else None
        self.graph = nx.MultiDiGraph()
        self._by_type: dict[str, set[str]] = defaultdict(set)
        self._by_township: dict[str, set[str]] = defaultdict(set)
        self._cards: dict[str, ItemCard] = {}  # item key -> its card, dropped at write time, built on read
        self._kept_towns: dict[str, dict[tuple, Any]] = {}  # township -> its kept data (see derived)
        self._version = 0  # counts writes (see _card)
        # township -> kind -> id -> {"data": dict, "blob": str | None}; read through ``review``
        self._review: dict[str, dict[str, dict[str, dict[str, Any]]]] = {}
        self._unwritten: set[str] = set()  # townships whose records may hold a ListSnapshot blob
        self._lock = threading.RLock()
        self._defer_save = False
        self._dirty = False
        self._seen: tuple[int, int, int] | None = None  # (inode, size, mtime_ns) of the file we hold
        # township ('' = shared) -> what its file holds; with the generation and id of the head naming them
        self._parts: dict[str, _Part] = {}
        self._generation = 0
        self._store_id = ""
        # (graph, ``_version``) when the parts were last read or written: unchanged, no graph write since
        self._parts_version: tuple[nx.MultiDiGraph, int] | None = None
        # township -> the digest of its part file (the key of its kept answers, store_files)
        self._digests: dict[str, str] = {}
        # kept answers' file name -> its answers (None: none usable, store_files.KeptAnswers); answers computed here
        # and not yet written, by file name: (key, name -> pickled answer)
        self._answers: dict[str, dict | None] = {}
        self._answers_new: dict[str, tuple[tuple, dict]] = {}
        # the disk the kept answers may take (0: none kept, none read)
        self.answers_budget = store_files.kept_answers_budget()
        self.file_lock = FileLock(self.path.with_name(self.path.name + ".lock")) if self.path is not None else None
        if self.path is not None:
            self._clean_stale_temps()
            if self.path.exists():
                self._load(self.path)

    @property
    def review(self) -> dict[str, dict[str, dict[str, dict[str, Any]]]]:
        """township -> kind -> id -> ``{"data": dict, "blob": str | None}``, every blob as text.

        An import's round snapshot is held as a :class:`graphmodel.review.ListSnapshot` (its text
        is a tenth of a county's load) and written here, on the first read of the records, or by
        the save; the import path itself reads ``_review``."""
        if self._unwritten:
            for town in tuple(self._unwritten):
                _written_blobs(self._review.get(town))
            self._unwritten.clear()
        return self._review

    @review.setter
    def review(self, value: dict[str, dict[str, dict[str, dict[str, Any]]]]) -> None:
        self._review = value
        self._unwritten.clear()

    def _signature(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)  # type: ignore[arg-type]
        except FileNotFoundError:
            return None
        except OSError as e:
            raise StoreUnavailable(f"cannot read the store file {self.path}: {e}") from e
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def refresh(self) -> bool:
        """Re-read the store if another process saved it since this one read it; True when it did.

        Every save replaces the head by a rename, so its inode changes with every write. Only the
        township files the new head names under another generation are read (``_load_parts``);
        the graph is built anew, so that another thread reading the old one is not disturbed.
        The kept data of the townships whose files did not change is carried over
        (:meth:`_carry_kept`): after the CLI imported one township, the dashboard recomputes that
        township's answers only.
        """
        if self.path is None:
            return False
        with self._lock:
            if self._signature() == self._seen:
                return False
            held = (self._parts, self._store_id, self._kept_towns, self._cards,
                    self._parts_version is not None and self._parts_version == self._graph_version())
            self._reset()
            if self.path.exists():
                self._load(self.path)
                self._carry_kept(*held)
            return True

    def _carry_kept(self, parts: dict[str, _Part], store_id: str, kept: dict[str, dict[tuple, Any]],
                    cards: dict[str, ItemCard], clean: bool) -> None:
        """Keep what was kept for a township whose file the new head names unchanged.

        Sound only when memory held exactly the files read (``clean``: no write since), the
        store is the same and the shared file (laws, county departments, which every card may
        name) is unchanged; the carried data was built from the very node objects now in the
        graph (``_load_parts`` reuses the parts it holds). Anything else starts cold.
        """
        if not clean or not store_id or store_id != self._store_id:
            return
        shared = store_files.SHARED
        if parts.get(shared) is not self._parts.get(shared):
            return
        for town, part in self._parts.items():
            if town == shared or parts.get(town) is not part:
                continue
            if town in kept:
                self._kept_towns[town] = kept[town]
            for node in part.nodes:
                card = cards.get(node.key)
                if card is not None:
                    self._cards[node.key] = card

    @contextmanager
    def _writing(self, reread: bool = True) -> Iterator[None]:
        """Hold the cross-process write lock and (``reread``) work on the file as it is now."""
        with self._lock:
            if self.file_lock is None:
                yield
                return
            outer = not self.file_lock.held
            with self.file_lock():
                if outer and reread:
                    self.refresh()
                yield

    def _reset(self) -> None:
        # new objects, not cleared ones: another thread (a dashboard session) may be iterating the old
        self.graph = nx.MultiDiGraph()
        self._by_type = defaultdict(set)
        self._by_township = defaultdict(set)
        self._cards = {}
        self._reads = None
        self._kept_towns = {}
        self.review = {}
        self._seen = None

    def _clean_stale_temps(self) -> None:
        """Remove temp files of saves that were killed before their rename (only when no save runs)."""
        assert self.path is not None and self.file_lock is not None
        if not self.path.parent.is_dir() or not self.file_lock.try_acquire():
            return
        try:
            for tmp in self.path.parent.glob(f".{self.path.name}.*.tmp"):
                try:
                    tmp.unlink()
                except OSError:
                    pass
        finally:
            self.file_lock.release()

    def describe(self) -> str:
        return f"memory ({self.path})" if self.path else "memory (not saved)"

    # ---- persistence -----------------------------------------------------------------
    def _load(self, path: Path) -> None:
        # a read allocates millions of long-lived objects and frees none: the cyclic collector
        # found nothing and took 0.13 of a county's 0.57 s open, 4.0 of 8.8 s at 300 (CPU time)
        with gc_paused():
            self._load_unpaused(path)
        settle()  # what was read is long-lived: not walked again by the next young collections

    def _load_unpaused(self, path: Path) -> None:
        for attempt in range(_READ_ATTEMPTS):
            try:
                seen = self._signature()
                data = store_files.read_json(path)
            except (OSError, ValueError) as e:
                raise StoreUnavailable(f"cannot read the store file {path}: {e}") from e
            if not isinstance(data, dict) or data.get("format") != _FORMAT:
                raise StoreUnavailable(f"{path} is not a dutygraph store file")
            if data.get("schema_version") not in _READS:
                raise SchemaVersionError(
                    f"{path} has schema version {data.get('schema_version')}, this dutygraph reads "
                    f"{', '.join(map(str, _READS))}; export it with the version that wrote it, or move it away"
                )
            if data["schema_version"] < 4:
                self._load_single(path, data, seen)
                return
            try:
                self._load_parts(path, data, seen)
                return
            except FileNotFoundError as e:  # a save replaced the head after we read it: read the new one
                if attempt == _READ_ATTEMPTS - 1:
                    raise StoreUnavailable(f"cannot read the store {path}: a file it names is missing: {e}") from e

    def _load_single(self, path: Path, data: dict, seen) -> None:
        """A store of schema 1-3: everything in the one file (its first save writes the parts)."""
        try:
            nodes = [node_from_dict(n) for n in data["nodes"]]
            rels = {Relation(**r) for r in data["relations"]}
        except (KeyError, TypeError, ValueError) as e:
            raise StoreUnavailable(f"the store file {path} is damaged: {e!r}") from e
        self.review = data.get("review") or {}
        self.read_schema = data["schema_version"]  # what the file was written in (`dutygraph upgrade` saves a newer)
        if data["schema_version"] < 3:
            self.review = upgrade_review(nodes, self.review)  # the history names the old keys too
            nodes, rels = upgrade_nodes(nodes, rels)
        diff = _Diff(upsert={n.key: n for n in nodes}, add_rels=rels)
        self._apply(diff)
        self._parts, self._generation, self._store_id, self._parts_version = {}, 0, "", None
        self._digests = {}
        self._seen = seen

    def _load_parts(self, path: Path, head: dict, seen) -> None:
        """A store of schema 4: the head and the files it names; files this process holds already
        (same store, same generation: never rewritten) are not read again (refresh, bulk failure)."""
        folder = path.parent / store_files.PARTS_DIR
        same_store = head.get("store_id") == self._store_id
        loaded: dict[str, _Part] = {}
        digests: dict[str, str] = {}
        named = head.get("digests") if isinstance(head.get("digests"), dict) else {}
        parts = head.get("parts")
        if not isinstance(parts, dict):
            raise StoreUnavailable(f"the store file {path} is damaged: it names no parts")
        for town, name in parts.items():
            held = self._parts.get(town)
            if same_store and held is not None and held.file == name:
                loaded[town] = held
                if town in self._digests:
                    digests[town] = self._digests[town]
                continue
            if not isinstance(name, str) or "/" in name or "\\" in name or name.startswith("."):
                raise StoreUnavailable(f"the store file {path} is damaged: bad part name {name!r}")
            file = folder / name
            try:
                digest = named.get(town)
                if isinstance(digest, str) and digest:
                    doc = store_files.read_json(file)
                    digests[town] = digest
                else:  # a head written before digests (schema 4 of the fifth session): the bytes read hashed
                    doc, digests[town] = store_files.read_json_digest(file)
            except FileNotFoundError:
                raise
            except (OSError, ValueError) as e:
                raise StoreUnavailable(f"cannot read the store file {file}: {e}") from e
            if not isinstance(doc, dict) or doc.get("format") != store_files.PART_FORMAT or doc.get("township") != town:
                raise StoreUnavailable(f"{file} is not the file of {town or '(shared)'} that {path} names")
            try:
                nodes = store_files.nodes_from_dicts(doc["nodes"])
                rels = [Relation(**r) for r in doc["relations"]]
                review = doc.get("review") or None
                if review is not None and not all(isinstance(v, dict) for v in review.values()):
                    raise TypeError("review records are not kind -> id -> record")
            except (KeyError, TypeError, ValueError, AttributeError) as e:
                raise StoreUnavailable(f"the store file {file} is damaged: {e!r}") from e
            loaded[town] = _Part(name, nodes, rels, review)
        self.review = {t: p.review for t, p in loaded.items() if p.review}
        self.read_schema = head["schema_version"]
        self._fill(loaded.values())
        self._parts, self._generation = loaded, int(head.get("generation") or 0)
        self._digests = digests
        self._store_id = str(head.get("store_id") or "")
        self._parts_version = self._graph_version()
        self._seen = seen

    def _fill(self, parts: Iterable[_Part]) -> None:
        """Put the parts' nodes and relations into the empty graph (``_reset`` or a new store), as
        ``_apply`` of one diff holding them all would, without the diff: its set of every relation
        and its per-write bookkeeping were 0.45 of a county's 1.25 s open."""
        assert not self.graph and not self._cards and not self._kept_towns
        parts = tuple(parts)  # read twice: nodes first, then relations
        # a key in two parts (a hand edit): the last one read, as upsert has it
        self._put(((n.key, n) for part in parts for n in part.nodes), (r for part in parts for r in part.rels))
        self._version = getattr(self, "_version", 0) + 1

    def _graph_version(self) -> tuple[nx.MultiDiGraph, int] | None:
        """Changes when the graph does: ``_apply`` counts its writes, ``_reset`` puts a new graph in."""
        version = getattr(self, "_version", None)
        return None if version is None else (self.graph, version)

    def _info_summary(self, parts: Iterable[_Part] | None = None) -> dict:
        """What `dutygraph info` shows, kept at the head (graphmodel.store_summary): ``counts()`` and
        ``townships()``, summed from the ``parts`` that together hold the whole graph when given."""
        if parts is None:
            counts = self.counts()
            return {"nodes": counts.nodes, "relations": counts.relations, "parts": counts.parts,
                    "power_types": counts.power_types, "townships": [t.name for t in self.townships()]}
        nodes, rels, kinds, power, towns = Counter(), Counter(), Counter(), Counter(), []
        for part in parts:
            n, r, k, p, t = part.counts()
            nodes.update(n)
            rels.update(r)
            kinds.update(k)
            power.update(p)
            towns += t
        by_type = {t.value: nodes.get(t.value, 0) for t in NodeType}

        def ordered(d: dict) -> dict:  # as StoreCounts gives them
            return {k: d[k] for k in sorted(d)}

        return {"nodes": ordered(by_type), "relations": ordered(dict(rels)), "parts": ordered(dict(kinds)),
                "power_types": ordered(dict(power)), "townships": [t.name for t in sorted(towns, key=lambda t: t.key)]}

    def _current_parts(self) -> dict[str, tuple[list[Node], list[Relation]]]:
        """The graph cut into parts: a node goes with its township, a relation with its source's
        township, else its target's (a shared node's relation to a township's item), else shared."""
        owner: dict[str, str] = {}
        out: dict[str, tuple[list[Node], list[Relation]]] = {}
        for key, node in self.graph.nodes(data="obj"):
            town = owner[key] = _owner(node)
            part = out.get(town)
            if part is None:
                part = out[town] = ([], [])
            part[0].append(node)
        for src, dst, rel in self.graph.edges(data="obj"):
            town = owner[src] or owner[dst]
            part = out.get(town)
            if part is None:
                part = out[town] = ([], [])
            part[1].append(rel)
        return out

    def save(self) -> None:
        """Write the parts that changed and then the head (see :mod:`graphmodel.store_files`)."""
        if getattr(self, "_bulk", False):  # inside bulk(): one save at its end
            self._bulk_dirty = True
            return
        if self._defer_save:  # inside a review transaction: one save at its end
            self._dirty = True
            return
        if self.path is None:
            return
        with self._writing(reread=False):  # the caller's changes are what is saved
            try:
                self._save_parts()
            except OSError as e:
                raise StoreUnavailable(f"cannot save the store to {self.path}: {e}") from e
            self._seen = self._signature()

    def _save_parts(self) -> None:
        assert self.path is not None
        folder = self.path.parent / store_files.PARTS_DIR
        try:  # the head as it is on disk: it decides the next generation and what may be kept
            disk = store_files.read_json(self.path)
        except (OSError, ValueError):
            disk = None
        split = store_files.is_part_layout(disk)
        disk_parts: dict[str, str] = dict(disk["parts"]) if split else {}
        disk_gen = int(disk.get("generation") or 0) if split else 0
        in_sync = (split and disk_gen == self._generation and disk.get("store_id") == self._store_id
                   and disk_parts == {t: p.file for t, p in self._parts.items()})
        # another process saved since we read (a caller outside the write lock): write every part
        known = self._parts if in_sync else {}
        store_id = (disk.get("store_id") if split else None) or self._store_id or os.urandom(8).hex()
        generation = max(disk_gen, self._generation) + 1
        if in_sync and self._parts_version is not None and self._parts_version == self._graph_version():
            # no graph write since (a meeting, a request …): only review records can have changed
            current = {t: (p.nodes, p.rels) for t, p in known.items()}
        else:
            current = self._current_parts()
        towns = set(current) | {t for t, r in self.review.items() if r} | {store_files.SHARED}
        parts: dict[str, _Part] = {}
        digests: dict[str, str] = {}
        written: list[str] = []
        try:
            for town in sorted(towns):
                nodes, rels = current.get(town, ([], []))
                review = self.review.get(town) or None
                held = known.get(town)
                if held is not None and held.holds(nodes, rels, review):
                    parts[town] = held
                    if town in self._digests:
                        digests[town] = self._digests[town]
                    continue
                if not written:
                    folder.mkdir(parents=True, exist_ok=True)
                name = store_files.part_file(town, generation)
                nodes = sorted(nodes, key=lambda n: n.key)
                rels = sorted(rels)
                doc = {"format": store_files.PART_FORMAT, "schema_version": SCHEMA_VERSION, "township": town,
                       "nodes": [node_to_dict(n) for n in nodes], "relations": [_rel_dict(r) for r in rels],
                       "review": _written_blobs(review) or {}}
                written.append(name)
                digests[town] = store_files.write_part(folder, name, doc)
                parts[town] = _Part(name, nodes, rels, review)
            if in_sync and not written and parts.keys() == known.keys():
                return  # nothing changed since the files were written
            if written:
                store_files.fsync_dir(folder)
            head = {"format": _FORMAT, "schema_version": SCHEMA_VERSION, "summary": self._info_summary(parts.values()),
                    "generation": generation, "store_id": store_id,
                    "parts": {t: parts[t].file for t in sorted(parts)},
                    "digests": {t: digests[t] for t in sorted(digests)}}
            data = store_files.dumps(head)
            atomic_write(self.path, lambda fh: fh.write(data))  # the new state exists from here on
        except BaseException:
            try:  # the rename may have happened (a failed fsync of the folder after it): keep what the head names
                now = store_files.read_json(self.path)
                named = set(now["parts"].values()) if store_files.is_part_layout(now) else set()
            except (OSError, ValueError):
                named = set()
            for name in written:  # named by no head: tidy now (a killed save's are removed by the next save)
                if name not in named:
                    try:
                        os.unlink(folder / name)
                    except OSError:
                        pass
            raise
        old_digests = set(disk.get("digests", {}).values()) if split and isinstance(disk.get("digests"), dict) else set()
        self._parts, self._generation, self._store_id = parts, generation, store_id
        self._digests = digests
        self._parts_version = self._graph_version()
        self.read_schema = SCHEMA_VERSION
        # the files of the head just replaced stay one more save (a reader may be reading them)
        store_files.remove_unnamed(folder, {p.file for p in parts.values()} | set(disk_parts.values()))
        whole = self._whole_digest()
        store_files.remove_stale_answers(folder, set(digests.values()) | old_digests | ({whole} if whole else set()))

    @contextmanager
    def bulk(self) -> Iterator[MemoryStore]:
        """Imports inside the block are saved once, at its end (measured: a county loaded file by
        file rewrote the whole file 30 times, 13 s of a 15 s load). If the block raises, nothing
        is saved and memory is put back to what the file holds."""
        if getattr(self, "_bulk", False):
            yield self
            return
        # the write lock is held for the whole block (and the file re-read at its start): between two
        # imports of the block another process must not save, or the block's one save would undo it
        with self._lock, self._writing():
            self._bulk, self._bulk_dirty = True, False
            try:
                yield self
            except BaseException:
                self._bulk = False
                self._reset()
                if self.path is not None and self.path.exists():
                    self._load(self.path)
                raise
            self._bulk = False
            if self._bulk_dirty:
                self.save()

    # ---- writing -----------------------------------------------------------------------
    def _apply(self, diff: _Diff) -> None:
        g = self.graph
        # Profiled (bench/README.md): building ItemCards from the adjacency was ~90% of every
        # whole-store query (0.4 s of 0.45 s for a 9,000-item county). Cards are therefore kept
        # between writes: the cards of every item this diff touches (its own nodes, both ends of
        # changed relations, the neighbours of changed departments, villages and bases) are
        # dropped here, built again on their first read, and reads hand out the stored frozen cards.
        # With nothing kept (a load before any read) there is nothing to drop: the walk is skipped.
        touched: set[str] = set()
        if self._cards or self._kept_towns:
            touched = {k for rel in (*diff.drop_rels, *diff.add_rels) for k in (rel.src, rel.dst)}
            for key in (*diff.remove, *diff.upsert):
                touched.add(key)
                if key in g:
                    touched.update(g.predecessors(key))
                    touched.update(g.successors(key))
        towns = self._owners_of(touched, diff.upsert)  # whose per-township kept data this write drops
        for rel in diff.drop_rels:
            if g.has_edge(rel.src, rel.dst, key=rel.type):
                g.remove_edge(rel.src, rel.dst, key=rel.type)
        for key in diff.remove:
            if key in g:
                node = g.nodes[key]["obj"]
                self._by_type[node.node_type].discard(key)
                self._by_township[_owner(node)].discard(key)
                g.remove_node(key)
        self._put(diff.upsert.items(), diff.add_rels)
        # dropped here and built on first read (``_card``): an import no longer pays for cards
        # nobody reads before the next import (0.36 s of a county's 0.85 s of graph writes)
        for key in touched:
            self._cards.pop(key, None)
        self._forget_townships(towns)  # the read indexes (ReadIndex) are rebuilt on the next read
        self._version = getattr(self, "_version", 0) + 1  # last: a card built during this write is not kept

    def _put(self, nodes: Iterable[tuple[str, Node]], rels: Iterable[Relation]) -> None:
        """Upsert ``nodes`` (key, node) and add ``rels``, keeping the type and township indexes.

        Nodes and edges go straight into networkx's adjacency dicts, as add_node / add_edge
        write them (a county's 45,000 add_edge calls were half of its graph writes); an edge
        whose end is not a node yet takes networkx's own path.
        """
        g = self.graph
        succ, pred, node_attrs = g._succ, g._pred, g._node
        by_type, by_township = self._by_type, self._by_township
        for key, node in nodes:
            attrs = node_attrs.get(key)
            if attrs is not None:
                by_township[_owner(attrs["obj"])].discard(key)
                attrs["obj"] = node
            else:
                succ[key], pred[key], node_attrs[key] = {}, {}, {"obj": node}
            by_type[node.node_type].add(key)
            by_township[_owner(node)].add(key)
        for rel in rels:
            out = succ.get(rel.src)
            if out is None or rel.dst not in succ:
                g.add_edge(rel.src, rel.dst, key=rel.type, obj=rel)
                continue
            keys = out.get(rel.dst)
            if keys is None:
                keys = out[rel.dst] = pred[rel.dst][rel.src] = {}
            keys[rel.type] = {"obj": rel}
        cache = getattr(g, "__networkx_cache__", None)  # what add_node/add_edge clear (networkx >= 3.3)
        if cache:
            cache.clear()

    def _township_rels(self, keys: Iterable[str]) -> set[Relation]:
        g = self.graph
        rels: set[Relation] = set()
        for k in keys:
            rels.update(d for _, _, d in g.out_edges(k, data="obj"))
            rels.update(d for _, _, d in g.in_edges(k, data="obj"))
        return rels

    def _replace_township(self, tlist: TownshipList, delete: bool = False) -> ImportResult:
        with self._writing():
            return self._replace_township_locked(tlist, delete)

    def _replace_township_locked(self, tlist: TownshipList, delete: bool) -> ImportResult:
        g = self.graph
        held = g._node  # networkx's node dict: key -> {"obj": node} (``k in g`` and ``g.nodes[k]`` cost a call each)
        name = tlist.township.name
        old_keys = set(self._by_township.get(name, ()))
        self._check_capacity(name, 0 if delete else len(tlist.items))
        old_rels = self._township_rels(old_keys)
        new_nodes = {} if delete else {n.key: n for n in tlist.nodes()}
        # a township new to the store: its relations as listed (check() made them unique; no set to hash)
        new_rels: Collection[Relation] = (set() if delete else set(tlist.relations) if old_rels
                                          else list(tlist.relations))
        for k, n in new_nodes.items():  # a shared county department keeps the other townships' spellings
            if is_shared(n) and k in held:
                new_nodes[k] = merge_shared(n, held[k]["obj"])

        # Bases and county departments are shared: one nobody else uses once this list is in goes too.
        old_shared = {k for r in old_rels for k in (r.src, r.dst) if k not in old_keys}
        orphans = set()
        if old_shared:  # a township new to the store has none (and no relation to compare)
            still_used = {k for r in new_rels for k in (r.src, r.dst)}
            for b in old_shared - still_used:
                if b not in held or not is_shared(held[b]["obj"]):
                    continue
                users = set(g.predecessors(b)) | set(g.successors(b))
                if users <= old_keys:
                    orphans.add(b)

        upsert: dict[str, Node] = {}
        fresh: set[str] = set()  # upserted keys the graph does not hold yet
        for k, n in new_nodes.items():
            attrs = held.get(k)
            if attrs is None:
                upsert[k] = n
                fresh.add(k)
            elif attrs["obj"] != n:
                upsert[k] = n
        diff = _Diff(
            upsert=upsert,
            remove=(old_keys - new_nodes.keys()) | orphans,
            add_rels=new_rels - old_rels if old_rels else new_rels,  # type: ignore[operator]
            drop_rels=old_rels - new_rels if old_rels else set(),  # type: ignore[operator]
        )
        added = len(fresh) + len(diff.add_rels)
        changed = len(upsert) - len(fresh)
        removed = len(diff.remove) + len(diff.drop_rels)
        if added or changed or removed:
            undo = _Diff(
                upsert={k: held[k]["obj"] for k in (diff.remove | (upsert.keys() - fresh)) if k in held},
                remove=fresh,
                add_rels=diff.drop_rels | {r for r in old_rels if r.src in diff.remove or r.dst in diff.remove},
                drop_rels=diff.add_rels,
            )
            self._apply(diff)
            try:
                self.save()
            except BaseException:
                self._apply(undo)  # all or nothing: memory goes back to what the file holds
                raise
        counts = tlist.counts() if not delete else {}
        return ImportResult(name, added, removed, changed, counts)

    def check_capacity(self, township: str, new_items: int) -> None:
        """Raise :class:`StoreTooLarge` if importing ``new_items`` items as ``township`` would pass the limit."""
        self.refresh()
        self._check_capacity(township, new_items)

    def _check_capacity(self, township: str, new_items: int) -> None:
        """Refuse, before anything changes, an import that takes the store past the item limit."""
        limit = int(os.environ.get("DUTYGRAPH_MEMORY_MAX_ITEMS") or MAX_ITEMS)
        items = self._by_type.get(NodeType.ITEM, set())
        kept = len(items) - len(items & self._by_township.get(township, set()))
        if kept + new_items > limit:
            raise StoreTooLarge(
                f"内嵌存储最多容纳 {limit} 个事项，导入 {township} 后将有 {kept + new_items} 个；"
                f"全省规模请使用 Neo4j (--store neo4j) (the embedded store holds at most {limit} items, "
                f"this import would make {kept + new_items}; for a province use Neo4j: --store neo4j, "
                f"see docs/neo4j.md; or raise DUTYGRAPH_MEMORY_MAX_ITEMS)"
            )

    def _wipe(self) -> None:
        with self._writing():
            self._reset()
            self.save()

    # ---- review records ------------------------------------------------------------------
    def _township_list(self, township: str) -> TownshipList:
        """The township's list as the graph holds it now."""
        owned = self._by_township.get(township, set())
        nodes = [self._obj(k) for k in owned]
        rels = self._township_rels(owned)
        bases = {r.dst for r in rels if r.type == RelType.BASED_ON}
        nodes += [self._obj(k) for k in self._shared_departments(owned)]
        tkey = township_key(township)
        tlist = TownshipList.empty(township)
        if tkey in self.graph:
            tlist.township = self._obj(tkey)
        tlist.items = sorted((n for n in nodes if n.node_type == NodeType.ITEM), key=lambda n: n.key)
        tlist.departments = sorted((n for n in nodes if n.node_type == NodeType.DEPARTMENT), key=lambda n: n.key)
        tlist.villages = sorted((n for n in nodes if n.node_type == NodeType.VILLAGE), key=lambda n: n.key)
        tlist.bases = sorted((self._obj(b) for b in bases), key=lambda n: n.key)
        tlist.relations = sorted(rels)
        return tlist

    def _review_transaction(self, township: str, work: Callable[[ReviewTx], T], write: bool = True) -> T:
        if not write:
            with self._lock:
                return work(_MemoryReviewTx(self, township))
        # one writer at a time across processes, on the file as it is now; saved once at the end
        # an import's burst of records, kept by the store (gc_pause: a quarter of a county load)
        with self._writing(), gc_paused(kept=True):
            tx = _MemoryReviewTx(self, township)
            old_review = self._review.get(township)
            self._defer_save, self._dirty = True, False
            try:
                result = work(tx)
                if tx.staged is not None:
                    self._review[township] = tx.staged
                    self._unwritten.add(township)  # its new round's snapshot, if any, is written on read
                    self._dirty = True
                    self._forget_townships({township})  # kept answers may read review records (赋权 delegations)
                self._defer_save = False
                if self._dirty:
                    self.save()
                return result
            except BaseException:
                self._defer_save = True
                if tx.original is not None:
                    self._replace_township(tx.original, delete=not tx.existed)
                if old_review is None:
                    self._review.pop(township, None)
                else:
                    self._review[township] = old_review
                self._forget_townships({township})
                raise
            finally:
                self._defer_save = False

    def _review_records(self, township: str, kind: str) -> list[dict]:
        with self._lock:
            return [json.loads(json.dumps(r["data"])) for r in self.review.get(township, {}).get(kind, {}).values()]

    def _review_blob(self, township: str, kind: str, rid: str) -> str | None:
        with self._lock:
            rec = self.review.get(township, {}).get(kind, {}).get(rid)
            return blob_text(rec.get("blob")) if rec else None

    # ---- reading -----------------------------------------------------------------------
    def _obj(self, key: str) -> Node:
        return self.graph._node[key]["obj"]  # networkx's node dict: ``graph.nodes[key]`` builds a view per call

    def _get_nodes(self, keys: Sequence[str]) -> list[Node]:
        return [self._obj(k) for k in keys if k in self.graph]

    def _keys(self, node_type: str, township: str | None) -> set[str]:
        keys = self._by_type.get(node_type, set())
        if township is None:
            return keys
        if node_type == NodeType.BASIS:
            return {
                b
                for i in self._by_type.get(NodeType.ITEM, set()) & self._by_township.get(township, set())
                for _, b, k in self.graph.out_edges(i, keys=True)
                if k == RelType.BASED_ON
            }
        owned = keys & self._by_township.get(township, set())
        if node_type == NodeType.DEPARTMENT:  # and the shared county departments it points at
            owned |= self._shared_departments(self._by_township.get(township, set()))
        return owned

    def _shared_departments(self, owned: Iterable[str]) -> set[str]:
        depts = self._by_type.get(NodeType.DEPARTMENT, set())
        return {s for k in owned for s in self.graph.predecessors(k) if s in depts and not _owner(self._obj(s))}

    def nodes(self, node_type: str, township: str | None = None) -> tuple[Node, ...]:
        # kept like the cards: one township's with it (its shared county departments are named by
        # a write that changes them, see _forget_townships), the whole store's until the next write
        if township is None:
            return self._read_index()._get(("nodes", node_type), lambda: super(MemoryStore, self).nodes(node_type))
        memo = self._town_memo(township)
        found = memo.get(("nodes", node_type))
        if found is None:
            found = super().nodes(node_type, township)
            if self._kept_towns.get(township) is memo:
                memo[("nodes", node_type)] = found
        return found

    def relations(self, rel_type: str | None = None, township: str | None = None) -> tuple[Relation, ...]:
        # the whole store's relations of one type, sorted once per store version (the networkx halves
        # of most_cited and others read them instead of every card); sorted on their fields in
        # order, as Relation's own order compares them, without its __lt__ per comparison
        if rel_type is None or rel_type not in _REL_TYPES:
            return super().relations(rel_type, township)
        if township is not None:  # kept with the township: only its import writes what touches its nodes
            memo = self._town_memo(township)
            found = memo.get(("relations", rel_type))
            if found is None:
                found = tuple(sorted(self._typed_relations(rel_type, township), key=_relation_order))
                if self._kept_towns.get(township) is memo:
                    memo[("relations", rel_type)] = found
            return found
        index = self._read_index()
        return index._get(("sorted_relations", rel_type), lambda: tuple(
            sorted(index.relations(rel_type), key=_relation_order)))

    def _typed_relations(self, rel_type: str, township: str) -> list[Relation]:
        """The relations of ``rel_type`` touching ``township``'s nodes (as ``_relations`` finds them),
        from the adjacency dicts: no set of every relation of the township hashed and filtered."""
        owned = self._by_township.get(township, set())
        succ, pred = self.graph._succ, self.graph._pred
        out = []
        for k in owned:
            for by_type in succ[k].values():
                data = by_type.get(rel_type)
                if data is not None:
                    out.append(data["obj"])
            for src, by_type in pred[k].items():
                if src not in owned:
                    data = by_type.get(rel_type)
                    if data is not None:
                        out.append(data["obj"])
        return out

    def _nodes(self, node_type: str, township: str | None) -> Iterable[Node]:
        return [self._obj(k) for k in self._keys(node_type, township)]

    def _relations(self, rel_type: str | None, township: str | None) -> Iterable[Relation]:
        if township is None and rel_type is not None:
            return self._read_index().relations(rel_type)
        if township is None:
            edges = self.graph.edges(keys=True, data="obj")
            return [d for _, _, k, d in edges if rel_type is None or k == rel_type]
        rels = self._township_rels(self._by_township.get(township, set()))
        return [r for r in rels if rel_type is None or r.type == rel_type]

    def _neighbourhood(self, key: str, depth: int, rel_types: tuple[str, ...]) -> tuple[list[Node], list[Relation]]:
        g = self.graph
        allowed = set(rel_types)
        seen = {key}
        frontier = [key]
        for _ in range(depth):
            nxt = []
            for k in frontier:
                for _, other, t in g.out_edges(k, keys=True):
                    if t in allowed and other not in seen:
                        seen.add(other)
                        nxt.append(other)
                for other, _, t in g.in_edges(k, keys=True):
                    if t in allowed and other not in seen:
                        seen.add(other)
                        nxt.append(other)
            frontier = nxt
        rels = [
            d for k in seen for _, other, t, d in g.out_edges(k, keys=True, data="obj") if t in allowed and other in seen
        ]
        return [self._obj(k) for k in seen], rels

    def _card(self, key: str) -> ItemCard:
        card = self._cards.get(key)
        if card is None:
            version = getattr(self, "_version", 0)
            card = self._build_card(key)
            with self._lock:  # kept only if no write ran meanwhile (writes hold the lock)
                if getattr(self, "_version", 0) == version and key in self._by_type.get(NodeType.ITEM, ()):
                    self._cards[key] = card
        return card

    def _cards_of(self, keys: Iterable[str]) -> list[ItemCard]:
        """The cards of ``keys`` (items of this store), in their order: the kept ones, the others
        built in one pass and kept if no write ran meanwhile (as ``_card`` does one by one).

        A township's cards are built together: a party (department or village, with the text of
        its part) met on several items is one object (a county's 26,600 parties are 7,500
        distinct), and the lock is taken once, not per card. Measured on a county just opened:
        0.13 s CPU for the 9,000 cards one by one.
        """
        kept = self._cards
        version = getattr(self, "_version", 0)
        g = self.graph
        node, pred_of, succ_of = g._node, g._pred, g._succ
        parties: dict[tuple[str, str, str], Party] = {}
        out: list[ItemCard] = []
        new: list[ItemCard] = []

        def party(src: str, t: str, text: str) -> Party:
            found = parties.get((src, t, text))
            if found is None:
                other = node[src]["obj"]
                found = parties[(src, t, text)] = Party(other.key, other.name,
                                                         other.kind if t == _ASSISTS else other.level, text)
            return found

        for key in keys:
            card = kept.get(key)
            if card is not None:
                out.append(card)
                continue
            leads, coops, villages, prev = [], [], [], []
            for src, by_type in pred_of[key].items():
                for t, data in by_type.items():
                    if t == _FOLLOWED_BY:
                        prev.append(src)
                    elif t == _LEADS:
                        leads.append(party(src, t, data["obj"].text))
                    elif t == _COOPERATES_ON:
                        coops.append(party(src, t, data["obj"].text))
                    elif t == _ASSISTS:
                        villages.append(party(src, t, data["obj"].text))
            bases: list[tuple[LegalBasis, str]] = []
            nxt = []
            for dst, by_type in succ_of[key].items():
                for t, data in by_type.items():
                    if t == _BASED_ON:
                        bases.append((node[dst]["obj"], data["obj"].text))
                    elif t == _FOLLOWED_BY:
                        nxt.append(dst)
            if len(bases) > 1:
                bases.sort(key=lambda bc: bc[0].key)
                laws, cited = tuple(b for b, _ in bases), tuple(c for _, c in bases)
            elif bases:
                laws, cited = (bases[0][0],), (bases[0][1],)
            else:
                laws = cited = ()
            card = ItemCard(
                node[key]["obj"],
                tuple(leads) if len(leads) < 2 else tuple(sorted(leads, key=_party_order)),
                tuple(coops) if len(coops) < 2 else tuple(sorted(coops, key=_party_order)),
                tuple(villages) if len(villages) < 2 else tuple(sorted(villages, key=_party_order)),
                laws,
                cited,
                tuple(nxt) if len(nxt) < 2 else tuple(sorted(nxt)),
                tuple(prev) if len(prev) < 2 else tuple(sorted(prev)),
            )
            out.append(card)
            new.append(card)
        if new:
            with self._lock:  # kept only if no write ran meanwhile (writes hold the lock)
                if getattr(self, "_version", 0) == version:
                    items = self._by_type.get(NodeType.ITEM, ())
                    for card in new:
                        if card.item.key in items:
                            kept[card.item.key] = card
        return out

    def _build_card(self, key: str) -> ItemCard:
        # networkx's own dicts ({neighbour: {relation type: {"obj": Relation}}}) rather than its edge
        # views: the first read of a county's 9,000 cards (a store just opened) took 3× as long
        g = self.graph
        node = g._node
        leads, coops, villages, prev = [], [], [], []
        for src, by_type in g._pred[key].items():
            for t, data in by_type.items():
                if t == _FOLLOWED_BY:
                    prev.append(src)
                    continue
                other = node[src]["obj"]
                if t == _LEADS:
                    leads.append(Party(other.key, other.name, other.level, data["obj"].text))
                elif t == _COOPERATES_ON:
                    coops.append(Party(other.key, other.name, other.level, data["obj"].text))
                elif t == _ASSISTS:
                    villages.append(Party(other.key, other.name, other.kind, data["obj"].text))
        bases: list[tuple[LegalBasis, str]] = []
        nxt = []
        for dst, by_type in g._succ[key].items():
            for t, data in by_type.items():
                if t == _BASED_ON:
                    bases.append((node[dst]["obj"], data["obj"].text))
                elif t == _FOLLOWED_BY:
                    nxt.append(dst)
        if len(bases) > 1:
            bases.sort(key=lambda bc: bc[0].key)
        return ItemCard(
            item=node[key]["obj"],
            leads=tuple(sorted(leads)),
            cooperators=tuple(sorted(coops)),
            villages=tuple(sorted(villages)),
            bases=tuple(b for b, _ in bases),
            citations=tuple(c for _, c in bases),
            next_items=tuple(sorted(nxt)),
            prev_items=tuple(sorted(prev)),
        )

    def _lead_count(self, key: str) -> int:
        return len(self._card(key).leads)

    def _candidates(self, flt: ItemFilter) -> Iterable[str]:
        items = self._by_type.get(NodeType.ITEM, set())
        g = self.graph
        if flt.keys:
            return [k for k in flt.keys if k in items]
        if flt.department:
            if flt.department not in g:
                return []
            return {i for _, i, t in g.out_edges(flt.department, keys=True) if t in (RelType.LEADS, RelType.COOPERATES_ON)}
        if flt.village:
            if flt.village not in g:
                return []
            return {i for _, i, t in g.out_edges(flt.village, keys=True) if t == RelType.ASSISTS}
        return self._keys(NodeType.ITEM, flt.township)

    def _item_cards(self, flt: ItemFilter) -> Iterable[ItemCard]:
        out = []
        for key in self._candidates(flt):
            if flt.min_leads is not None or flt.max_leads is not None:
                n = self._lead_count(key)  # cheap test before building the whole card
                if (flt.min_leads is not None and n < flt.min_leads) or (flt.max_leads is not None and n > flt.max_leads):
                    continue
            card = self._card(key)
            if flt.admits(card):
                out.append(card)
        return out

    def item_cards(self, flt: ItemFilter | None = None) -> tuple[ItemCard, ...]:
        # A whole-store or whole-township read (most queries) is the cached sorted tuple.
        if flt is None or flt == ItemFilter(township=flt.township):
            return self._read_index().cards(None if flt is None else flt.township)
        if not (flt.keys or flt.department or flt.village):
            # a column filter (parts, power types, lead counts): the sorted cards of the scope,
            # narrowed once per store version (at 300 townships no_lead took 1.9 s through
            # _item_cards and a sort of 90,000 cards)
            index = self._read_index()
            return index._get(("filtered", flt), lambda: index.filtered(flt))
        if flt.keys and not (flt.department or flt.village):
            # the cards of the items a query found (a column question's findings): built together
            # (``_cards_of``), not one by one with a lock each, then narrowed by the other fields
            items = self._by_type.get(NodeType.ITEM, set())
            with gc_paused():
                found = self._cards_of(sorted(k for k in flt.keys if k in items))
            return tuple(c for c in found if flt.admits(c))
        return super().item_cards(flt)

    def chain_links(self, township: str | None = None) -> tuple[tuple[str, str], ...]:
        # from the items' adjacency (ReadIndex.chain_links), kept until a write: not a scan of
        # every relation, nor every card built for their chain ends
        return self._read_index().chain_links(township)

    def _read_index(self) -> ReadIndex:
        index = getattr(self, "_reads", None)
        if index is None or index.graph is not self.graph:
            with self._lock:
                index = self._reads = ReadIndex(self)
        return index

    keeps_derived = True

    def forget_derived(self, cards: bool = False) -> None:
        """Drop the read indexes and every kept answer (for measurements); ``cards`` too: the
        store as just opened. A write drops only what it touched (:meth:`_forget_townships`)."""
        self._reads = None
        self._kept_towns = {}
        if cards:
            self._cards = {}

    def _owners_of(self, keys: Iterable[str], upsert: dict[str, Node]) -> set[str]:
        """The townships owning ``keys`` before and after a write ('' for shared nodes)."""
        g = self.graph
        towns = {_owner(g.nodes[k]["obj"]) for k in keys if k in g}
        towns.update(_owner(upsert[k]) for k in keys if k in upsert)
        return towns

    def _forget_townships(self, towns: Iterable[str]) -> None:
        """A write changed ``towns``: drop their kept data and every whole-store answer; the
        other townships keep theirs (their cards, and nothing they depend on, changed: a write
        to a shared basis or county department names the townships citing it)."""
        kept = self._kept_towns
        for t in towns:
            kept.pop(t, None)
        self._reads = None

    def _town_memo(self, township: str) -> dict[tuple, Any]:
        memo = self._kept_towns.get(township)
        if memo is None:
            memo = self._kept_towns[township] = {}
        return memo

    def derived(self, name: tuple, cards: Sequence[ItemCard], build: Callable[[], T], *,
                township_only: bool = False, durable: tuple | None = None) -> T:
        # kept in the read index, which every write drops (``_apply``): never stale; data of one
        # township that depends on nothing else (``township_only``) is kept with the township and
        # dropped only by a write that touches it
        index = self._read_index()
        town = index.owner_of(cards)
        if town is False:
            return build()
        if town is not None and township_only:
            return self._kept_with_township(town, name, build, durable)
        return index._get(("derived", town, *name), self._from_disk(("derived", town, *name), build, durable))

    def derived_in(self, township: str | None, name: tuple, build: Callable[[], T], *,
                   township_only: bool = False, durable: tuple | None = None) -> T:
        # as ``derived`` with the scope's own cards, without building them (a store just opened)
        index = self._read_index()
        if township is None:
            return index._get(("derived", None, *name), self._from_disk(("derived", None, *name), build, durable))
        if not index.has_items(township):  # as derived(): an empty scope keeps nothing
            return build()
        if township_only:
            return self._kept_with_township(township, name, build, durable)
        return index._get(("derived", township, *name),
                          self._from_disk(("derived", township, *name), build, durable))

    def _from_disk(self, name: tuple, build: Callable[[], T], durable: tuple | None) -> Callable[[], T]:
        """``build`` of an answer that depends on the whole store, kept on disk under every part's
        digest (any save makes it stale: a new file name, the old file removed by the save)."""
        if durable is None:
            return build

        def get() -> T:
            where = self._answers_where(None, durable)
            if where is None:
                return build()
            found = self._kept_answer(where, name, durable[1])
            if found is _TOO_BIG:
                return build()
            if found is not _MISSING:
                return found
            version = self._graph_version()
            value = build()
            if version == self._graph_version():
                self._remember(where, name, value, durable[2] if len(durable) > 2 else None)
            return value
        return get

    def _remember(self, where: tuple[tuple[str, str], tuple], name: tuple, value: Any, limit: int | None = None) -> None:
        """Hold ``value`` to be written by :meth:`write_answers` (an answer that does not pickle, or
        pickles to more than ``limit`` bytes, is not kept)."""
        try:
            data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError, ValueError, RecursionError):
            return
        if limit is not None and len(data) > limit:
            data = b""  # kept as "too large", so that the next process does not pickle it again
        self._answers_new.setdefault(self._answers_file(where, name), (where[1], {}))[1][name] = data

    def _kept_with_township(self, township: str, name: tuple, build: Callable[[], T],
                            durable: tuple | None = None) -> T:
        memo = self._town_memo(township)  # taken before the build: a write meanwhile orphans it
        try:
            return memo[name]
        except KeyError:
            pass
        where = self._answers_where(township, durable) if durable is not None else None
        if where is not None:
            found = self._kept_answer(where, name, durable[1])
            if found is not _MISSING and found is not _TOO_BIG:
                memo[name] = found
                return found
        value = memo[name] = build()
        if where is not None and self._kept_towns.get(township) is memo:  # no write meanwhile
            self._remember(where, name, value)
        return value

    # ---- kept answers on disk (store_files: a cache under the township's digest) ----------------
    @property
    def keeps_answers(self) -> bool:
        """True when answers may be kept on disk (a saved store whose budget is not 0):
        ``derived(…, durable=…)``."""
        return self.path is not None and self.answers_budget > 0

    def _answers_where(self, township: str | None, durable: tuple) -> tuple[tuple[str, str], tuple] | None:
        """The kept file of ``township``'s answers (None: the whole store's) and its key, when memory
        holds exactly what the files hold (no write since they were read or saved), else None."""
        if self.path is None or self._parts_version is None or self._parts_version != self._graph_version():
            return None
        if township is None:
            whole = self._whole_digest()
            return None if whole is None else ((whole, "0" * 16), (durable[0], whole))
        part = self._parts.get(township)
        own, shared = self._digests.get(township), self._digests.get(store_files.SHARED)
        if part is None or own is None or shared is None or (self._review.get(township) or None) is not part.review:
            return None
        key = (durable[0], own, shared)
        rest = store_files.digest(repr((durable[0], shared)).encode("utf-8"))
        return (own, rest), key

    def _whole_digest(self) -> str | None:
        """A digest of every part's digest: the key of the whole store's kept answers (None when a
        part has none, or memory's review records are not the files')."""
        digests = self._digests
        held = getattr(self, "_whole", None)
        if held is not None and held[0] is digests:
            whole = held[1]
        else:
            ok = self._parts.keys() == digests.keys() and store_files.SHARED in digests
            whole = store_files.digest(repr(sorted(digests.items())).encode("utf-8")) if ok else None
            self._whole = (digests, whole)
        if whole is None or any((self._review.get(t) or None) is not p.review for t, p in self._parts.items()):
            return None
        return whole

    @staticmethod
    def _answers_file(where: tuple[tuple[str, str], tuple], name: tuple) -> str:
        """The kept file of answer ``name`` (its group: the module that asks, see ``answers_file``)."""
        group = name[2] if name and name[0] == "derived" and len(name) > 2 else (name[0] if name else "")
        return store_files.answers_file(*where[0], store_files.digest(repr(group).encode("utf-8")))

    def _kept_answer(self, where: tuple[tuple[str, str], tuple], name: tuple, allowed: frozenset) -> Any:
        file, key = self._answers_file(where, name), where[1]
        try:
            answers = self._answers[file]
        except KeyError:
            assert self.path is not None
            answers = self._answers[file] = store_files.read_answers(
                self.path.parent / store_files.PARTS_DIR / file, key)
        data = answers.get(name) if answers else None
        if not data:
            return _MISSING if data is None else _TOO_BIG
        try:
            with gc_paused():
                found = store_files.unpickle(data, allowed)
        except Exception:  # noqa: BLE001 - a damaged or foreign answer is a miss: computed as before
            return _MISSING
        settle()  # long-lived: not walked by the next young collections
        return found

    def write_answers(self) -> int:
        """Write the answers computed since the last call beside the part files they were computed
        from (each township's file: what it held and the new ones); the files written. A store
        that cannot be written keeps them in memory only."""
        pending, self._answers_new = self._answers_new, {}
        if self.path is None or not pending or not self.keeps_answers:
            return 0
        folder = self.path.parent / store_files.PARTS_DIR
        files = {}
        for file, (key, new) in pending.items():
            held = self._answers.get(file)
            if held is None and file not in self._answers:
                held = store_files.read_answers(folder / file, key)
            files[file] = (key, {**(held.blobs() if held else {}), **new})
        adding = sum(len(data) for _, answers in files.values() for data in answers.values())
        if not store_files.trim_answers(folder, self.answers_budget, adding):
            return 0  # more than the whole budget: kept in this process's memory only
        written = 0
        for file, (key, answers) in files.items():
            if store_files.write_answers(folder, file, key, answers):
                written += 1
            self._answers.pop(file, None)  # read again when asked (the new file holds them all)
        return written

    def kept_cards(self, township: str | None) -> tuple[ItemCard, ...] | None:
        return self._read_index().kept_cards(township)

    def _items_without_basis(self, township: str | None) -> Iterable[str]:
        return self._read_index().no_basis(township)

    def _written_columns(self, names: tuple[str, ...], township: str | None):
        index = self._read_index()
        return {(t, part, f) for f in names for (t, part) in index.written(f) if township is None or t == township}

    def _blank_items(self, columns):
        index = self._read_index()
        return [(k, f) for t, part, f in columns for k in index.town_blank(t, f).get(part, ())]

    def _part_power_counts(self, township: str | None) -> dict[tuple[str, str], int]:
        return self._read_index().part_power(township)

    def _department_lead_counts(self, township: str | None, incomplete: frozenset[str]):
        return self._read_index().lead_counts(township, incomplete)

    def _cooperation_counts(self, township: str | None) -> dict[str, int]:
        return self._read_index().cooperation(township)

    def _search_items(self, terms: tuple[str, ...], township: str | None) -> Iterable[ItemCard]:
        out = []
        for town in ([township] if township is not None else list(self._by_township)):
            for key, text in self._search_texts(town):
                if any(t in text for t in terms):
                    out.append(self._card(key))
        return out

    def _search_texts(self, township: str) -> tuple[tuple[str, str], ...]:
        """(item key, the text search_items reads) of one township, kept with the township."""
        memo = self._town_memo(township)
        texts = memo.get(("search_texts",))
        if texts is None:
            items = [self._obj(k) for k in self._keys(NodeType.ITEM, township)]
            texts = tuple((i.key, f"{i.name}\n{i.sub_item}\n{i.content}\n{i.category}") for i in items)
            if self._kept_towns.get(township) is memo:
                memo[("search_texts",)] = texts
        return texts

    def _counts(self, township: str | None):
        nodes = {t.value: len(self._keys(t.value, township)) for t in NodeType}
        rels = Counter(r.type for r in self._relations(None, township))
        items = [self._obj(k) for k in self._keys(NodeType.ITEM, township)]
        parts = Counter(i.part for i in items)
        power = Counter(i.power_type or "(空)" for i in items)
        return nodes, dict(rels), dict(parts), dict(power)


#: Party's own order (its fields in turn, as ``order=True`` compares them) without its ``__lt__``.
_party_order = operator.attrgetter("key", "name", "level", "text")
_relation_order = operator.attrgetter("src", "type", "dst", "text")  # Relation's, likewise
_REL_TYPES = frozenset(t.value for t in RelType)

# relation types as plain strings, for the card builder's comparisons
_LEADS, _COOPERATES_ON, _ASSISTS = RelType.LEADS.value, RelType.COOPERATES_ON.value, RelType.ASSISTS.value
_BASED_ON, _FOLLOWED_BY = RelType.BASED_ON.value, RelType.FOLLOWED_BY.value


class _MemoryReviewTx(ReviewTx):
    """Reads see the staged writes; the store installs them when the work returns."""

    lazy_blobs = True  # a round's snapshot is written as text on save or first read (_written_blobs)

    def __init__(self, store: MemoryStore, township: str) -> None:
        self.store = store
        self.township = township
        self.staged: dict[str, dict[str, dict[str, Any]]] | None = None
        self.original: TownshipList | None = None
        self.existed = True

    def _review(self) -> dict[str, dict[str, dict[str, Any]]]:
        if self.staged is not None:
            return self.staged
        return self.store._review.get(self.township, {})

    def current_list(self) -> TownshipList:
        return self.store._township_list(self.township)

    def _replace(self, tlist: TownshipList) -> ImportResult:
        if self.original is None:
            self.existed = township_key(self.township) in self.store.graph
            self.original = self.store._township_list(self.township)
        return self.store._replace_township(tlist)

    def records(self, kind: str) -> list[dict]:
        return [r["data"] for r in self._review().get(kind, {}).values()]

    def blob(self, kind: str, rid: str) -> str | None:
        rec = self._review().get(kind, {}).get(rid)
        return blob_text(rec.get("blob")) if rec else None

    def put(self, kind: str, rid: str, data: dict, blob: str | None = None, links: Iterable[tuple[str, str]] = ()) -> None:
        if self.staged is None:
            self.staged = {k: dict(v) for k, v in self.store._review.get(self.township, {}).items()}
        old = self.staged.setdefault(kind, {}).get(rid)
        keep = old.get("blob") if old else None
        data = json.loads(json.dumps(data, ensure_ascii=False))  # links: the records name their targets already
        self.staged[kind][rid] = {"data": data, "blob": blob if blob is not None else keep}

    def drop(self, kind: str, rid: str) -> None:
        if self.staged is None:
            self.staged = {k: dict(v) for k, v in self.store._review.get(self.township, {}).items()}
        self.staged.get(kind, {}).pop(rid, None)
