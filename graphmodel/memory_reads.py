"""The embedded store's read indexes: answers to the column questions, kept between writes.

:class:`ReadIndex` is built from the item cards on the first read after a write and dropped by
the next write (``MemoryStore._apply``); a township's cards and counts are kept with the
township (``MemoryStore._town_memo``), so a write to another township keeps them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from .gc_pause import gc_paused, settle
from .model import Relation
from .store import ItemCard, ItemFilter, is_written
from .vocab import NodeType, RelType

if TYPE_CHECKING:
    from .memory_store import MemoryStore

__all__ = ["ReadIndex"]

_LEADS, _COOPERATES_ON, _BASED_ON = RelType.LEADS.value, RelType.COOPERATES_ON.value, RelType.BASED_ON.value
_FOLLOWED_BY = RelType.FOLLOWED_BY.value

T = TypeVar("T")


class ReadIndex:
    """Answers to the column questions, built once from the item cards after a write.

    Measured at 300 townships (bench/README.md): re-sorting every card per read cost
    ``no_basis`` 24 ms of its 29 ms, and finding FOLLOWED_BY by scanning every edge 445 ms
    against 4.9 ms from a per-type list. Each part is built on first use and dropped by the
    next write (``MemoryStore._apply``), so a store that is only written pays nothing.
    """

    def __init__(self, store: MemoryStore) -> None:
        self.store = store
        self.graph = store.graph  # the graph these answers are for (a reload replaces it)
        self._memo: dict[tuple, Any] = {}

    def _get(self, key: tuple, build: Callable[[], T]) -> T:
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = build()
            return value

    def cards(self, township: str | None) -> tuple[ItemCard, ...]:
        store = self.store

        def build() -> tuple[ItemCard, ...]:
            # tens of thousands of small acyclic records: the cyclic GC, set off by the allocations
            # and scanning the whole graph each time, took ~40% of a county's first card build
            with gc_paused():
                cards = tuple(store._cards_of(sorted(store._keys(NodeType.ITEM, township))))
            settle()  # kept until the next write: not walked again by young collections (gc_pause)
            return cards

        def joined() -> tuple[ItemCard, ...]:
            # the townships' kept tuples one after the other: after a write to one township only its
            # cards are looked up again; item keys start with their township, so the joined tuple
            # is sorted, which is checked (else sorted here); one pause of the collector for all
            # of them (a pause per township let it run in between: 0.7 of 2.2 s CPU at 300 townships)
            with gc_paused():
                parts = [p for p in (self.cards(t) for t in sorted(store._by_township)) if p]
            settle()
            cards = tuple(c for p in parts for c in p)
            # each township's tuple is sorted (built from its sorted keys): the joined one is sorted
            # when each starts after the one before ends (the check card by card was 27 ms at 300)
            if any(a[-1].item.key >= b[0].item.key for a, b in zip(parts, parts[1:])):
                cards = tuple(sorted(cards, key=lambda c: c.key))
            return cards

        if township is None:
            return self._get(("cards", None), joined)
        # one township's cards are kept with it: a write to another township keeps them
        memo = store._town_memo(township)
        cards = memo.get(("cards",))
        if cards is None or self.graph is not store.graph:
            cards = build()
            if self.graph is store.graph:
                memo[("cards",)] = cards
        return cards

    def kept_cards(self, township: str | None) -> tuple[ItemCard, ...] | None:
        """The scope's cards if built already (``cards`` would return this tuple), else None."""
        if township is None:
            return self._memo.get(("cards", None))
        if self.graph is not self.store.graph:
            return None
        return self.store._kept_towns.get(township, {}).get(("cards",))

    def has_items(self, township: str) -> bool:
        """The township holds at least one item (``cards(township)`` is not empty)."""
        owned = self.store._by_township.get(township)
        return bool(owned) and not owned.isdisjoint(self.store._by_type.get(NodeType.ITEM, ()))

    def _item_keys(self, township: str | None) -> list[str]:
        return sorted(self.store._keys(NodeType.ITEM, township))

    def chain_links(self, township: str | None) -> tuple[tuple[str, str], ...]:
        """The FOLLOWED_BY links from or to ``township``'s items (every link: None), sorted, from
        the items' adjacency: no card is built (what_if on a store just opened built every card
        for them: 150 of its 200 ms on a county)."""
        succ, pred = self.graph._succ, self.graph._pred

        def build() -> tuple[tuple[str, str], ...]:
            keys = self._item_keys(township)
            found = {(k, n) for k in keys for n, by_type in succ[k].items() if _FOLLOWED_BY in by_type}
            if township is not None:  # a link into the township from another's item
                found.update((p, k) for k in keys for p, by_type in pred[k].items() if _FOLLOWED_BY in by_type)
            return tuple(sorted(found))

        return self._get(("chain_links", township), build)

    def lead_keys(self, key: str) -> list[str]:
        """The departments leading item ``key``, from the graph's adjacency (no card)."""
        return [src for src, by_type in self.graph._pred[key].items() if _LEADS in by_type]

    def filtered(self, flt: ItemFilter) -> tuple[ItemCard, ...]:
        """The scope's cards ``flt`` admits (a filter of item fields and lead counts), sorted by key.

        When the scope's cards are not built yet (a store just opened), the items are tested on
        their nodes and lead counts and only the admitted ones get a card: ``no_lead`` read a
        county's 9,000 cards for its few hundred findings (0.1 s, 27× pandas).
        """
        built = self.kept_cards(flt.township)
        if built is not None:
            return tuple(c for c in built if flt.admits(c))
        if flt.township is None:
            # township by township: after a re-import one township's cards are gone and the others'
            # kept tuples are narrowed as they are (at 300 townships, CPU: handshake after a
            # re-import 251 ms scanning every item's node, 180 ms so)
            parts = [p for p in (self._filtered_in(flt, t) for t in sorted(self.store._by_township)) if p]
            if any(a[-1].item.key >= b[0].item.key for a, b in zip(parts, parts[1:])):
                return tuple(sorted((c for p in parts for c in p), key=lambda c: c.key))
            return tuple(c for p in parts for c in p)
        return self._filtered_in(flt, flt.township)

    def _filtered_in(self, flt: ItemFilter, township: str) -> tuple[ItemCard, ...]:
        built = self.kept_cards(township)
        if built is not None:
            return tuple(c for c in built if flt.admits(c))
        node, pred = self.graph._node, self.graph._pred
        bounds = flt.min_leads is not None or flt.max_leads is not None
        lo = flt.min_leads if flt.min_leads is not None else 0
        hi = flt.max_leads
        keys = []
        for key in self._item_keys(township):
            item = node[key]["obj"]
            if flt.parts and item.part not in flt.parts:
                continue
            if flt.power_types and item.power_type not in flt.power_types:
                continue
            if bounds:
                n = 0
                for by_type in pred[key].values():
                    if _LEADS in by_type:
                        n += 1
                if n < lo or (hi is not None and n > hi):
                    continue
            keys.append(key)
        with gc_paused():
            return tuple(self.store._cards_of(keys))

    def owner_of(self, cards: Sequence[ItemCard]) -> str | None | bool:
        """The township (None: the whole store) whose kept cards ``cards`` are, else False."""
        if cards is self._memo.get(("cards", None)):
            return None
        if cards and isinstance(cards, tuple):
            town = cards[0].item.township
            if self.store._kept_towns.get(town, {}).get(("cards",)) is cards:
                return town
        return False

    def relations(self, rel_type: str) -> list[Relation]:
        def build() -> dict[str, list[Relation]]:
            # networkx's adjacency dicts, not its edge view (3× as fast; rebuilt after every write)
            by_type: dict[str, list[Relation]] = defaultdict(list)
            for nbrs in self.graph._succ.values():
                for by_key in nbrs.values():
                    for k, d in by_key.items():
                        by_type[k].append(d["obj"])
            return by_type

        return list(self._get(("relations",), build).get(rel_type, ()))

    # The column answers below read the item nodes and the graph's adjacency, not the cards: on a
    # store just opened they are asked before any card exists (no_basis, missing_fields …).
    def no_basis(self, township: str | None) -> list[str]:
        succ = self.graph._succ
        return self._get(("no_basis", township), lambda: [
            k for k in self._item_keys(township) if not any(_BASED_ON in bt for bt in succ[k].values())])

    def _items(self) -> list:
        node = self.graph._node
        return self._get(("items",), lambda: [node[k]["obj"] for k in self._item_keys(None)])

    def written(self, field_name: str) -> set[tuple[str, str]]:
        return self._get(("written", field_name), lambda: {
            (i.township, i.part) for i in self._items() if is_written(getattr(i, field_name))})

    def blank(self, field_name: str) -> dict[tuple[str, str], list[str]]:
        def build() -> dict[tuple[str, str], list[str]]:
            out: dict[tuple[str, str], list[str]] = defaultdict(list)
            for i in self._items():
                if not is_written(getattr(i, field_name)):
                    out[(i.township, i.part)].append(i.key)
            return out

        return self._get(("blank", field_name), build)

    def town_blank(self, township: str, field_name: str) -> dict[str, list[str]]:
        """part -> keys of ``township``'s items leaving ``field_name`` blank, kept with the township
        (a write to another township keeps it: missing_fields after a re-import reads one township)."""
        memo = self.store._town_memo(township)
        found = memo.get(("blank", field_name))
        if found is None:
            node = self.graph._node
            out: dict[str, list[str]] = defaultdict(list)
            for key in self._item_keys(township):
                item = node[key]["obj"]
                if not is_written(getattr(item, field_name)):
                    out[item.part].append(key)
            found = dict(out)
            if self.store._kept_towns.get(township) is memo and self.graph is self.store.graph:
                memo[("blank", field_name)] = found
        return found

    def lead_counts(self, township: str | None, incomplete: frozenset[str]) -> dict[tuple[str, str, str], tuple[int, int]]:
        # (department, part, power) -> [(item key, one lead with a basis)]; ``incomplete`` varies per call
        def build() -> dict[tuple[str, str, str], list[tuple[str, bool]]]:
            node, succ = self.graph._node, self.graph._succ
            out: dict[tuple[str, str, str], list[tuple[str, bool]]] = defaultdict(list)
            for key in self._item_keys(township):
                leads = self.lead_keys(key)
                if not leads:
                    continue
                item = node[key]["obj"]
                ok = len(leads) == 1 and any(_BASED_ON in bt for bt in succ[key].values())
                for d in leads:
                    out[(d, item.part, item.power_type or "(空)")].append((key, ok))
            return out

        led = self._get(("lead_counts", township), build)
        return {k: (len(v), sum(1 for key, ok in v if ok and key not in incomplete)) for k, v in led.items()}

    def cooperation(self, township: str | None) -> dict[str, int]:
        pred = self.graph._pred
        return self._get(("cooperation", township), lambda: dict(Counter(
            src for k in self._item_keys(township) for src, bt in pred[k].items() if _COOPERATES_ON in bt)))

    def part_power(self, township: str | None) -> dict[tuple[str, str], int]:
        if township is None:  # the townships' counts added up: after a write only its township counts again
            def build() -> dict[tuple[str, str], int]:
                total: Counter[tuple[str, str]] = Counter()
                for town in list(self.store._by_township):
                    total.update(self.part_power(town))
                return dict(total)

            return self._get(("part_power", None), build)
        memo = self.store._town_memo(township)
        found = memo.get(("part_power",))
        if found is None:
            node = self.graph._node
            found = dict(Counter((i.power_type or "(空)", i.part)
                                 for i in (node[k]["obj"] for k in self.store._keys(NodeType.ITEM, township))))
            if self.store._kept_towns.get(township) is memo:
                memo[("part_power",)] = found
        return found
