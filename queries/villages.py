"""Villages: the items × villages matrix and the villages missing from "every village" items.

An item is carried out in *every* village when its 村（社区）职责 text says so
(``ALL_VILLAGES_PATTERN``: 各村, 各社区, 各村居, 所有村, 全部村, 全体村, 全镇各, 全乡各,
so 各村（社区） and 全镇各村 included) or when it is linked to more than half
(``MOST_SHARE``) of the township's villages. Such an item linked to some but not all
villages gives ``village.missing_villages`` naming those missing. (Linked to none, it is
``gap.village_text_unlinked`` instead.)
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from graphmodel import DutyStore, InvalidArgument, ItemCard, ItemFilter, Village

from ._common import (
    Finding,
    ItemEvidence,
    cards_of,
    en_list,
    en_quote,
    evidence,
    finding,
    kept,
    scope_townships,
    sorted_findings,
)

__all__ = ["ALL_VILLAGES_PATTERN", "MOST_SHARE", "MatrixRow", "VillageMatrix", "missing_villages", "says_every_village",
           "village_matrix"]

ALL_VILLAGES_PATTERN = re.compile(r"各村|各社区|各村居|所有村|全部村|全体村|全镇各|全乡各")
MOST_SHARE = 0.5


def says_every_village(text: str) -> bool:
    """True when a village-role text says every village takes part.

    >>> says_every_village("各村（社区）负责日常巡查"), says_every_village("全镇各村配合"), says_every_village("东村配合")
    (True, True, False)
    """
    return bool(ALL_VILLAGES_PATTERN.search(text or ""))


@dataclass(frozen=True, slots=True)
class MatrixRow:
    """One item's row: ``roles`` aligned with the matrix's villages ('' where it does not assist)."""

    item: ItemEvidence
    village_text: str
    roles: tuple[str, ...]
    every_village: bool
    missing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class VillageMatrix:
    township: str
    villages: tuple[str, ...]  # village names, sorted
    rows: tuple[MatrixRow, ...]  # items with a village link or a village text, by item key


def _every(card: ItemCard, register: Sequence[Village]) -> bool:
    if says_every_village(card.item.village_text):
        return True
    return bool(register) and len(card.villages) > MOST_SHARE * len(register)


def _row(card: ItemCard, register: Sequence[Village]) -> MatrixRow:
    linked = {v.key: v.text or "✓" for v in card.villages}
    every = _every(card, register)
    missing = tuple(v.name for v in register if v.key not in linked) if every and linked else ()
    return MatrixRow(evidence(card), card.item.village_text, tuple(linked.get(v.key, "") for v in register), every, missing)


def _register(store: DutyStore, township: str) -> list[Village]:
    return sorted(store.nodes("Village", township), key=lambda v: (v.name, v.key))


def village_matrix(store: DutyStore, township: str | None = None, *,
                   cards: Sequence[ItemCard] | None = None) -> VillageMatrix:
    """Items × villages of one township (``township`` may be omitted when the store holds one).

    >>> from queries._examples import example_store
    >>> m = village_matrix(example_store())
    >>> m.villages
    ('东村', '南社区', '西村')
    >>> [(r.item.name, r.roles, r.missing) for r in m.rows]
    [('农村宅基地审批管理', ('初审公示', '', '初审公示'), ('南社区',)), ('农村生活垃圾治理', ('日常保洁', '', '日常保洁'), ('南社区',))]
    """
    if township is None:
        towns = store.townships()
        if len(towns) != 1:
            raise InvalidArgument(f"name a township; the store holds {len(towns)}: "
                                  + "、".join(t.name for t in towns[:10]))
        township = towns[0].name
    register = _register(store, township)
    rows = [_row(c, register) for c in cards_of(store, township, cards) if c.villages or c.item.village_text.strip()]
    return VillageMatrix(township, tuple(v.name for v in register), tuple(sorted(rows, key=lambda r: r.item.key)))


@kept(per_township=True)
def missing_villages(store: DutyStore, township: str | None = None, *,
                     cards: Sequence[ItemCard] | None = None) -> tuple[Finding, ...]:
    """``village.missing_villages``: every-village items that some villages do not assist.

    >>> from queries._examples import example_store
    >>> [(f.subject, dict(f.details)["missing"]) for f in missing_villages(example_store())]
    [('农村宅基地审批管理', '南社区'), ('农村生活垃圾治理', '南社区')]
    """
    grouped: dict[str, list[ItemCard]] = defaultdict(list)
    rows = None
    if cards is None:  # the store half: the database finds the candidates, only their cards are read
        towns = scope_townships(store, township)
        rows = store.ask("missing_villages", townships=towns, most=MOST_SHARE,
                         every=f"(?s).*(?:{ALL_VILLAGES_PATTERN.pattern}).*")
    if rows is not None:
        keys = [k for r in rows for k in r["keys"]]
        cards = store.item_cards(ItemFilter(keys=keys)) if keys else ()
    for c in cards_of(store, township, cards):
        if c.villages:
            grouped[c.item.township].append(c)
    out = []
    for town, group in sorted(grouped.items()):
        register = _register(store, town)
        for c in group:
            row = _row(c, register)
            if row.missing:
                why = "村（社区）职责写明各村" if says_every_village(c.item.village_text) else \
                    f"已关联{len(c.villages)}/{len(register)}个村（社区）"
                why_en = "the village part says every village" if says_every_village(c.item.village_text) else \
                    f"{len(c.villages)} of {len(register)} villages linked"
                out.append(finding("village.missing_villages", town, c.item.label,
                                   f"「{c.item.label}」应由各村（社区）承担（{why}），缺少：{'、'.join(row.missing)}",
                                   [evidence(c)], message_en=f"{en_quote(c.item.label)} falls to every village "
                                   f"({why_en}); missing: {en_list(row.missing)}",
                                   missing=row.missing, linked=[v.name for v in c.villages], reason=why))
    return sorted_findings(out)
