"""The embedded store's read indexes: answers to the column questions, kept between writes.

:class:`ReadIndex` is built from the item cards on the first read after a write and dropped by
the next write (``MemoryStore._apply``); a township's cards and counts are kept with the
township (``MemoryStore._town_memo``), so a write to another township keeps them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from .gc_pause import gc_paused
from .model import Relation
from .store import ItemCard, is_written
from .vocab import NodeType

if TYPE_CHECKING:
    from .memory_store import MemoryStore

__all__ = ["ReadIndex"]

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
                return tuple(store._cards_of(sorted(store._keys(NodeType.ITEM, township))))

        def joined() -> tuple[ItemCard, ...]:
            # the townships' kept tuples one after the other: after a write to one township only its
            # cards are looked up again; item keys start with their township, so the joined tuple
            # is sorted, which is checked (else sorted here); one pause of the collector for all
            # of them (a pause per township let it run in between: 0.7 of 2.2 s CPU at 300 townships)
            with gc_paused():
                parts = [p for p in (self.cards(t) for t in sorted(store._by_township)) if p]
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

    def no_basis(self, township: str | None) -> list[str]:
        return self._get(("no_basis", township), lambda: [c.key for c in self.cards(township) if not c.bases])

    def written(self, field_name: str) -> set[tuple[str, str]]:
        return self._get(("written", field_name), lambda: {
            (c.item.township, c.item.part) for c in self.cards(None) if is_written(getattr(c.item, field_name))})

    def blank(self, field_name: str) -> dict[tuple[str, str], list[str]]:
        def build() -> dict[tuple[str, str], list[str]]:
            out: dict[tuple[str, str], list[str]] = defaultdict(list)
            for c in self.cards(None):
                if not is_written(getattr(c.item, field_name)):
                    out[(c.item.township, c.item.part)].append(c.key)
            return out

        return self._get(("blank", field_name), build)

    def lead_counts(self, township: str | None, incomplete: frozenset[str]) -> dict[tuple[str, str, str], tuple[int, int]]:
        # (department, part, power) -> [(item key, one lead with a basis)]; ``incomplete`` varies per call
        def build() -> dict[tuple[str, str, str], list[tuple[str, bool]]]:
            out: dict[tuple[str, str, str], list[tuple[str, bool]]] = defaultdict(list)
            for c in self.cards(township):
                for p in c.leads:
                    out[(p.key, c.item.part, c.item.power_type or "(空)")].append(
                        (c.key, len(c.leads) == 1 and bool(c.bases)))
            return out

        led = self._get(("lead_counts", township), build)
        return {k: (len(v), sum(1 for key, ok in v if ok and key not in incomplete)) for k, v in led.items()}

    def cooperation(self, township: str | None) -> dict[str, int]:
        return self._get(("cooperation", township), lambda: dict(
            Counter(p.key for c in self.cards(township) for p in c.cooperators)))

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
            found = dict(Counter((c.item.power_type or "(空)", c.item.part) for c in self.cards(township)))
            if self.store._kept_towns.get(township) is memo:
                memo[("part_power",)] = found
        return found
