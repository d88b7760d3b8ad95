"""The store contract that every caller uses, and the registry that opens a store by name.

Public methods check their inputs and normalise outputs (sorted tuples of frozen
records); each backend supplies only the raw steps (``_replace_township``,
``_item_cards`` …). Queries are written against these few reads so that the
memory and Neo4j stores answer them identically.
"""

from __future__ import annotations

import importlib
import os
import threading
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TypeVar

from .errors import InvalidArgument, NotFound
from .model import DutyItem, LegalBasis, Node, Relation, Subgraph, Township, TownshipList
from .review_contract import ReviewContract
from .vocab import NODE_TYPES, REL_TYPES, ListPart

__all__ = [
    "TEXT_FIELDS",
    "STORES",
    "DutyStore",
    "ImportResult",
    "ItemCard",
    "ItemFilter",
    "Party",
    "StoreCounts",
    "default_data_dir",
    "open_store",
]

T = TypeVar("T")


@dataclass(frozen=True, slots=True, order=True)
class Party:
    """A department or village on an item: its key, name, level (or 村/社区) and its part."""

    key: str
    name: str
    level: str
    text: str = ""


@dataclass(frozen=True, slots=True)
class ItemCard:
    """An item with everything attached to it; the unit most queries reason about."""

    item: DutyItem
    leads: tuple[Party, ...] = ()
    cooperators: tuple[Party, ...] = ()
    villages: tuple[Party, ...] = ()
    bases: tuple[LegalBasis, ...] = ()
    citations: tuple[str, ...] = ()  # the basis texts as cited, aligned with ``bases``
    next_items: tuple[str, ...] = ()  # FOLLOWED_BY targets
    prev_items: tuple[str, ...] = ()  # FOLLOWED_BY sources

    @property
    def key(self) -> str:
        return self.item.key


@dataclass(frozen=True, slots=True)
class ItemFilter:
    """Which items a read returns. Every field narrows; ``None``/empty means any.

    ``department`` matches an item it leads or cooperates on; ``min_leads`` and
    ``max_leads`` bound the number of LEADS relations (0..0 = items with no lead).
    ``keys`` may be given as any iterable of keys; it is held as a frozenset (a tuple made
    ``admits`` a linear scan: 818 ms vs 44 ms for ``item_cards(keys=…)`` at 300 townships).
    """

    township: str | None = None
    parts: tuple[str, ...] = ()
    power_types: tuple[str, ...] = ()
    department: str | None = None  # department key
    village: str | None = None  # village key
    min_leads: int | None = None
    max_leads: int | None = None
    keys: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if isinstance(self.keys, str):
            raise InvalidArgument("ItemFilter.keys takes a collection of item keys, not one string")
        if not isinstance(self.keys, frozenset):
            object.__setattr__(self, "keys", frozenset(self.keys))
        for part in self.parts:
            if part not in {p.value for p in ListPart}:
                raise InvalidArgument(f"unknown list part {part!r}; use one of {[p.value for p in ListPart]}")
        if self.min_leads is not None and self.min_leads < 0:
            raise InvalidArgument("min_leads must be >= 0")
        if self.max_leads is not None and self.max_leads < 0:
            raise InvalidArgument("max_leads must be >= 0")

    def admits(self, card: ItemCard) -> bool:
        """The reference semantics of the filter, which every backend must match."""
        item = card.item
        if self.township is not None and item.township != self.township:
            return False
        if self.parts and item.part not in self.parts:
            return False
        if self.power_types and item.power_type not in self.power_types:
            return False
        if self.keys and item.key not in self.keys:
            return False
        if self.department and not any(p.key == self.department for p in (*card.leads, *card.cooperators)):
            return False
        if self.village and not any(v.key == self.village for v in card.villages):
            return False
        if self.min_leads is not None and len(card.leads) < self.min_leads:
            return False
        if self.max_leads is not None and len(card.leads) > self.max_leads:
            return False
        return True


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What a replace changed: node and relation keys added, removed, changed."""

    township: str
    added: int
    removed: int
    changed: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass(frozen=True, slots=True)
class StoreCounts:
    """Counts for ``dutygraph info``: nodes by type, items by part and by power type."""

    nodes: dict[str, int]
    relations: dict[str, int]
    parts: dict[str, int]
    power_types: dict[str, int]


def _sorted_dict(d: dict[str, int]) -> dict[str, int]:
    return {k: d[k] for k in sorted(d)}


#: The DutyItem fields a column question may test for being written (plain text fields).
TEXT_FIELDS: frozenset[str] = frozenset(
    f.name for f in fields(DutyItem) if f.type in ("str", str) and f.name not in ("key", "township", "part")
)

Column = tuple[str, str, str]  # (township, list part, DutyItem field)


def is_written(value: object) -> bool:
    """A cell counts as written when it holds more than whitespace (Python's ``str.strip``)."""
    return bool(str(value).strip())


def _check_fields(names: Iterable[str]) -> tuple[str, ...]:
    names = tuple(sorted(set(names)))
    for name in names:
        if name not in TEXT_FIELDS:
            raise InvalidArgument(f"unknown item text field {name!r}; use one of {sorted(TEXT_FIELDS)}")
    return names


def _grouped(nodes: tuple[Node, ...]) -> dict[str, tuple[Node, ...]]:
    out: dict[str, list[Node]] = {}
    for n in nodes:  # sorted by key, and so each township's
        out.setdefault(n.township, []).append(n)
    return {t: tuple(ns) for t, ns in out.items()}


#: Per thread, the stores inside DutyStore.one_view and what each has read there.
_VIEWS = threading.local()


class DutyStore(ReviewContract, ABC):
    """The one interface to a duty graph, whatever holds it.

    The review methods (meetings, decisions, rounds, change requests, audit trail)
    come from :class:`graphmodel.review_contract.ReviewContract`.
    """

    #: Registry name of the backend ("memory", "neo4j").
    name: str = ""

    # ---- writing -----------------------------------------------------------------
    def replace_township(self, tlist: TownshipList, *, editor: str = "") -> ImportResult:
        """Replace everything of ``tlist.township`` by ``tlist`` in one transaction.

        Legal bases are shared between townships: they are merged, and removed only
        when no item cites them any more. Re-importing the same list changes nothing.
        An import that changes the list makes a new round (a snapshot, see
        :meth:`rounds`) and an audit-trail entry in the same transaction.
        """
        if not isinstance(tlist, TownshipList):
            raise InvalidArgument("replace_township expects a TownshipList")
        tlist.check()  # before any transaction; the import's replace does not check it again
        return self._review_transaction(tlist.township.name, self._import_round(tlist, editor, checked=True))

    @contextmanager
    def bulk(self) -> Iterator["DutyStore"]:
        """Several imports written as one batch where the backend can (a county in one command).

        The embedded store saves its file once at the end, and not at all when the block
        raises (the file keeps what it held before). Neo4j commits each township's
        transaction as it goes: there the block only groups the calls.
        """
        yield self

    def bulk_load(self, tlists: Sequence[TownshipList], *, editor: str = "") -> list[ImportResult]:
        """A province's first load: ``tlists`` into an EMPTY store, by the backend's fastest path.

        The result is the store that importing the lists one by one (in this order) gives;
        each list gets the same ImportResult, audit entries and first round. Raises
        InvalidArgument when the store already holds a township. The embedded store imports
        them in one :meth:`bulk`; Neo4j creates everything in large batches
        (:mod:`graphmodel.neo4j_bulk`).
        """
        for tlist in tlists:
            if not isinstance(tlist, TownshipList):
                raise InvalidArgument("bulk_load expects TownshipLists")
        if self.townships():
            raise InvalidArgument("the bulk load needs an empty store; use `dutygraph load` to add to a loaded one")
        return self._bulk_load(list(tlists), editor)

    def _bulk_load(self, tlists: list[TownshipList], editor: str) -> list[ImportResult]:
        with self.bulk():
            return [self.replace_township(t, editor=editor) for t in tlists]

    def delete_township(self, township: str) -> ImportResult:
        if township not in {t.name for t in self.townships()}:
            raise NotFound(f"township {township!r} is not in the store")
        return self._replace_township(TownshipList.empty(township), delete=True)

    def wipe(self) -> None:
        """Delete every node and relation of every township (tests, a fresh start)."""
        self._wipe()

    # ---- reading -----------------------------------------------------------------
    def townships(self) -> tuple[Township, ...]:
        return self._viewed(("townships",), lambda: tuple(sorted(self._nodes("Township", None), key=lambda t: t.key)))

    def node(self, key: str) -> Node:
        found = self._get_nodes([key])
        if not found:
            raise NotFound(f"no node with key {key!r}")
        return found[0]

    def get_node(self, key: str) -> Node | None:
        found = self._get_nodes([key])
        return found[0] if found else None

    def nodes(self, node_type: str, township: str | None = None) -> tuple[Node, ...]:
        """All nodes of one type (optionally of one township), sorted by key."""
        if node_type not in NODE_TYPES:
            raise InvalidArgument(f"unknown node type {node_type!r}; use one of {list(NODE_TYPES)}")
        if township is not None and node_type == "Village" and self._viewing():
            # one read of every register, not one per township (a village is its township's own)
            registers = self._viewed(("registers",), lambda: _grouped(self.nodes("Village")))
            return registers.get(township, ())
        return self._viewed(("nodes", node_type, township),
                            lambda: tuple(sorted(self._nodes(node_type, township), key=lambda n: n.key)))

    @contextmanager
    def one_view(self) -> Iterator[None]:
        """Within the block (in this thread) ``townships()`` and ``nodes()`` are read once and
        :meth:`derived` keeps what it builds for the same cards object: one audit's checks ask the
        same townships, village registers and layouts again and again (on Neo4j: 600 round trips
        for the registers of 300 townships, five builds of the layouts; slice neoevid). What is
        read is what the first read saw, as the audit's one read of the cards is.
        """
        views = getattr(_VIEWS, "stores", None)
        if views is None:
            views = _VIEWS.stores = {}
        if id(self) in views:  # nested: the outer view goes on
            yield
            return
        views[id(self)] = {}
        try:
            yield
        finally:
            del views[id(self)]

    def _viewing(self) -> bool:
        return id(self) in getattr(_VIEWS, "stores", {})

    def _viewed(self, key: tuple, read: Callable[[], T]) -> T:
        memo = getattr(_VIEWS, "stores", {}).get(id(self))
        if memo is None:
            return read()
        if key not in memo:
            memo[key] = read()
        return memo[key]

    def relations(self, rel_type: str | None = None, township: str | None = None) -> tuple[Relation, ...]:
        """Relations of one type (or all), optionally those touching one township's nodes."""
        if rel_type is not None and rel_type not in REL_TYPES:
            raise InvalidArgument(f"unknown relation type {rel_type!r}; use one of {list(REL_TYPES)}")
        return tuple(sorted(self._relations(rel_type, township)))

    def neighbourhood(self, key: str, depth: int = 1, rel_types: Sequence[str] = ()) -> Subgraph:
        """Nodes within ``depth`` hops of ``key`` (either direction) and the relations among them.

        IN_TOWNSHIP is never followed unless asked for: every node of a township
        would otherwise be two hops from every other.
        """
        if depth < 0:
            raise InvalidArgument("depth must be >= 0")
        for t in rel_types:
            if t not in REL_TYPES:
                raise InvalidArgument(f"unknown relation type {t!r}")
        self.node(key)  # NotFound early
        types = tuple(rel_types) or tuple(t for t in REL_TYPES if t != "IN_TOWNSHIP")
        nodes, rels = self._neighbourhood(key, depth, types)
        return Subgraph(tuple(sorted(nodes, key=lambda n: n.key)), tuple(sorted(set(rels))))

    def item_cards(self, flt: ItemFilter | None = None) -> tuple[ItemCard, ...]:
        """Items matching ``flt`` with their parties, bases and chain links, sorted by key."""
        flt = flt or ItemFilter()
        return tuple(sorted(self._item_cards(flt), key=lambda c: c.key))

    def search_items(self, terms: Iterable[str], township: str | None = None) -> tuple[ItemCard, ...]:
        """Items whose name, content or category contains any of ``terms`` (substring match)."""
        terms = tuple(sorted({t for t in terms if t}))
        if not terms:
            return ()
        return tuple(sorted(self._search_items(terms, township), key=lambda c: c.key))

    def chain_links(self, township: str | None = None) -> tuple[tuple[str, str], ...]:
        """FOLLOWED_BY pairs (src item key, dst item key), sorted."""
        return tuple(sorted((r.src, r.dst) for r in self._relations("FOLLOWED_BY", township)))

    def township_list(self, township: str) -> TownshipList:
        """Everything of one township as an import unit (for copying between stores).

        ``other.replace_township(store.township_list(t))`` makes ``other`` hold exactly
        what ``store`` holds for ``t``.
        """
        found = [t for t in self.townships() if t.name == township]
        if not found:
            raise NotFound(f"township {township!r} is not in the store")
        return TownshipList(
            township=found[0],
            items=list(self.nodes("DutyItem", township)),
            departments=list(self.nodes("Department", township)),
            villages=list(self.nodes("Village", township)),
            bases=list(self.nodes("LegalBasis", township)),
            relations=list(self.relations(None, township)),
        )

    #: True when :meth:`derived` keeps what it builds (callers then hand it the store's own cards)
    keeps_derived = False

    def derived(self, name: tuple, cards: Sequence[ItemCard], build: Callable[[], T], *,
                township_only: bool = False) -> T:
        """``build()``: data a query derives from ``cards`` alone (pairs, chains, layouts …).

        A store may keep it until its next write when ``cards`` are its own whole-store or
        whole-township cards (``name`` names the data and every parameter it depends on);
        this default keeps nothing (inside :meth:`one_view`: until the view ends, per cards
        object). The answer must not depend on whether it was kept.
        ``township_only``: the data depends on that one township's list (its cards, nodes and
        review records) and nothing else, so a write to another township may keep it.
        """
        kept = self._viewed(("derived", name, id(cards)), lambda: (cards, build()))
        return kept[1] if kept[0] is cards else build()

    def derived_in(self, township: str | None, name: tuple, build: Callable[[], T], *,
                   township_only: bool = False) -> T:
        """:meth:`derived` for the whole scope of ``township`` (None: every township) without its
        cards: the store knows its scope, so keeping an answer does not build every card first
        (on a store just opened that build was most of a column question's time)."""
        return build()

    def kept_cards(self, township: str | None) -> tuple[ItemCard, ...] | None:
        """The scope's card tuple when the store holds it already (the one ``item_cards`` returns
        for the scope), else None; never builds it. This default keeps nothing."""
        return None

    def counts(self, township: str | None = None) -> StoreCounts:
        raw = self._counts(township)
        return StoreCounts(*(_sorted_dict(d) for d in raw))

    # ---- column questions, answered where the data lives --------------------------------
    # Each returns keys or aggregates only, so a query reads the cards of its findings
    # instead of every card (Neo4j: one aggregate statement; memory: indexes over the cards).
    # The reference semantics are the ``_*`` defaults below, computed from the cards.
    def items_without_basis(self, township: str | None = None) -> tuple[str, ...]:
        """Keys of the items with no BASED_ON relation, sorted."""
        return tuple(sorted(self._items_without_basis(township)))

    def written_columns(self, field_names: Iterable[str], township: str | None = None) -> frozenset[Column]:
        """(township, part, field) for which at least one item has ``field`` written (see :func:`is_written`)."""
        names = _check_fields(field_names)
        return frozenset(self._written_columns(names, township)) if names else frozenset()

    def blank_items(self, columns: Iterable[Column]) -> tuple[tuple[str, str], ...]:
        """(item key, field) for every item of a column's township and part whose field is not written."""
        cols = sorted(set(columns))
        _check_fields(f for _, _, f in cols)
        return tuple(sorted(set(self._blank_items(cols)))) if cols else ()

    def part_power_counts(self, township: str | None = None) -> dict[tuple[str, str], int]:
        """Items per (power type or "(空)", list part), sorted by key."""
        return dict(sorted(self._part_power_counts(township).items()))

    def department_lead_counts(self, township: str | None = None, *, incomplete: Iterable[str] = ()
                               ) -> dict[tuple[str, str, str], tuple[int, int]]:
        """(department key, part, power type or "(空)") -> (items it leads, of which complete).

        Complete: exactly one lead, at least one basis, and the key not in ``incomplete``
        (the caller's further reasons, e.g. a missing field). Items of ``township`` only.
        """
        return dict(sorted(self._department_lead_counts(township, frozenset(incomplete)).items()))

    def cooperation_counts(self, township: str | None = None) -> dict[str, int]:
        """Department key -> items (of ``township``) it cooperates on."""
        return dict(sorted(self._cooperation_counts(township).items()))

    def ask(self, question: str, **params: object) -> list[dict] | None:
        """Rows answering ``question`` where the data lives, or None: then the caller reads the cards.

        A server store answers a query's own statement (Neo4j: ``graphmodel.cypher.QUESTIONS``,
        keyed by the query's name) and returns only findings or aggregates; the embedded store
        returns None and the query computes the same answer from the cards (its networkx half).
        The query module holds both halves; ``tests/test_parity.py`` checks they agree.
        """
        return self._ask(question, params)

    def _ask(self, question: str, params: dict[str, object]) -> list[dict] | None:
        return None

    def _department_lead_counts(self, township: str | None, incomplete: frozenset[str]
                                ) -> dict[tuple[str, str, str], tuple[int, int]]:
        out: dict[tuple[str, str, str], tuple[int, int]] = {}
        for c in self.item_cards(ItemFilter(township=township)):
            done = len(c.leads) == 1 and bool(c.bases) and c.key not in incomplete
            for p in c.leads:
                k = (p.key, c.item.part, c.item.power_type or "(空)")
                n, d = out.get(k, (0, 0))
                out[k] = (n + 1, d + done)
        return out

    def _cooperation_counts(self, township: str | None) -> dict[str, int]:
        return dict(Counter(p.key for c in self.item_cards(ItemFilter(township=township)) for p in c.cooperators))

    def _items_without_basis(self, township: str | None) -> Iterable[str]:
        return [c.key for c in self.item_cards(ItemFilter(township=township)) if not c.bases]

    def _written_columns(self, names: tuple[str, ...], township: str | None) -> Iterable[Column]:
        return {(c.item.township, c.item.part, f) for c in self.item_cards(ItemFilter(township=township))
                for f in names if is_written(getattr(c.item, f))}

    def _blank_items(self, columns: list[Column]) -> Iterable[tuple[str, str]]:
        wanted: dict[tuple[str, str], list[str]] = {}
        for t, part, f in columns:
            wanted.setdefault((t, part), []).append(f)
        out = []
        for t in sorted({t for t, _, _ in columns}):
            for c in self.item_cards(ItemFilter(township=t)):
                out.extend((c.key, f) for f in wanted.get((t, c.item.part), ()) if not is_written(getattr(c.item, f)))
        return out

    def _part_power_counts(self, township: str | None) -> dict[tuple[str, str], int]:
        return dict(Counter((c.item.power_type or "(空)", c.item.part)
                            for c in self.item_cards(ItemFilter(township=township))))

    def describe(self) -> str:
        """One line saying which store this is and where its data lives."""
        return self.name

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections or files."""

    def __enter__(self) -> "DutyStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- raw steps each backend supplies -------------------------------------------
    @abstractmethod
    def _replace_township(self, tlist: TownshipList, delete: bool = False) -> ImportResult: ...

    @abstractmethod
    def _wipe(self) -> None: ...

    @abstractmethod
    def _get_nodes(self, keys: Sequence[str]) -> list[Node]: ...

    @abstractmethod
    def _nodes(self, node_type: str, township: str | None) -> Iterable[Node]: ...

    @abstractmethod
    def _relations(self, rel_type: str | None, township: str | None) -> Iterable[Relation]: ...

    @abstractmethod
    def _neighbourhood(self, key: str, depth: int, rel_types: tuple[str, ...]) -> tuple[list[Node], list[Relation]]: ...

    @abstractmethod
    def _item_cards(self, flt: ItemFilter) -> Iterable[ItemCard]: ...

    @abstractmethod
    def _search_items(self, terms: tuple[str, ...], township: str | None) -> Iterable[ItemCard]: ...

    @abstractmethod
    def _counts(self, township: str | None) -> tuple[dict[str, int], dict[str, int], dict[str, int], dict[str, int]]: ...


# ---- registry --------------------------------------------------------------------
# name -> "module:Class"; imported only when asked for, so `neo4j` loads only when used.
STORES: dict[str, str] = {
    "memory": "graphmodel.memory_store:MemoryStore",
    "neo4j": "graphmodel.neo4j_store:Neo4jStore",
}


def default_data_dir() -> Path:
    """``$DUTYGRAPH_DATA_DIR``, else ``$XDG_DATA_HOME/dutygraph``, else ``~/.local/share/dutygraph``."""
    if os.environ.get("DUTYGRAPH_DATA_DIR"):
        return Path(os.environ["DUTYGRAPH_DATA_DIR"]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base).expanduser() / "dutygraph"


def open_store(name: str | None = None, **options: object) -> DutyStore:
    """Open a store by registry name (default ``$DUTYGRAPH_STORE`` or ``memory``).

    Options go to the backend: ``data_dir`` for memory; ``uri``, ``user``,
    ``password``, ``database`` for neo4j.
    """
    name = name or os.environ.get("DUTYGRAPH_STORE") or "memory"
    if name not in STORES:
        raise InvalidArgument(f"unknown store {name!r}; valid names: {', '.join(sorted(STORES))}")
    module_name, cls_name = STORES[name].split(":")
    cls = getattr(importlib.import_module(module_name), cls_name)
    return cls(**options)
