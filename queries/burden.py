"""属地 burden on villages: roles that are not assistance, per-village counts, the village × action matrix.

Villages are self-governing and *assist* the township's work (村民委员会组织法 第五条). The
village texts of an item (村（社区）职责 and each village's ASSISTS text) are read with
:mod:`queries.texts` as owned by the village.

``village.burden``
    an item whose village text gives villages a substantive action of a category in
    ``BURDEN_ACTIONS`` (负责, inspection, enforcement, fee collection, statistics, targets)
    with a ``strong`` term. High when one of them is an administrative power (the
    lexicon's ``power`` column: 检查, 处罚, 强制, 收费 …), medium otherwise.
``village.overloaded``
    a village assisting more items than ``ceiling`` (default ``CEILING``) or more than
    ``median_factor`` (default 1.5) times the township's median. Medium.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from graphmodel import DutyStore, InvalidArgument, ItemCard, ItemFilter, Village

from ._common import Finding, cards_of, en_quote, finding, kept, scope_townships, sorted_findings
from .text_checks import text_finding
from .texts import ActionHit, load_lexicon, read_text

__all__ = ["BURDEN_ACTIONS", "CEILING", "MEDIAN_FACTOR", "VillageActions", "VillageLoad", "village_actions",
           "village_burden", "village_loads", "village_overloaded"]

#: Action categories that are not a village's own when a role text gives them to it.
BURDEN_ACTIONS = ("负责", "检查", "处罚", "强制", "收费", "统计", "考核")
#: Items a village may assist before it is flagged (a county sets its own: ``ceiling=``).
CEILING = 60
MEDIAN_FACTOR = 1.5


def _village_texts(card: ItemCard) -> list[tuple[str, str, tuple[str, ...]]]:
    """(field, text, villages it concerns): the item's 村（社区）职责, then distinct per-village texts."""
    out: list[tuple[str, str, tuple[str, ...]]] = []
    all_names = tuple(sorted(v.name for v in card.villages))
    if card.item.village_text.strip():
        out.append(("村（社区）职责", card.item.village_text, all_names))
    by_text: dict[str, list[str]] = defaultdict(list)
    for v in card.villages:
        if v.text.strip() and v.text != card.item.village_text:
            by_text[v.text].append(v.name)
    out += [("村（社区）承担", t, tuple(sorted(n))) for t, n in sorted(by_text.items())]
    return out


def _burden_hits(text: str, lexicon, actions: Sequence[str]) -> tuple[ActionHit, ...]:
    wanted = set(actions)
    return tuple(h for h in read_text(text, "village", lexicon).substantive()
                 if h.action in wanted and h.strength == "strong")


@kept(per_township=True)
def village_burden(store: DutyStore, township: str | None = None, *, actions: Sequence[str] = BURDEN_ACTIONS,
                   lexicon: str = "", cards: Sequence[ItemCard] | None = None) -> tuple[Finding, ...]:
    """``village.burden``: items whose village text gives villages work that is not assistance.

    >>> from queries._examples import text_store
    >>> [(f.subject, f.severity, dict(f.details)["evidence"]) for f in village_burden(text_store())]
    [('城乡居民医疗保险费征缴', 'high', '各村（社区）[负责][代收代缴]城乡居民医保费')]
    """
    lex = load_lexicon(lexicon or None)
    if cards is None:
        cards = _village_burden_asked(store, township, lex, actions)
    out = []
    for c in cards_of(store, township, cards):
        for field, text, names in _village_texts(c):
            hits = _burden_hits(text, lex, actions)
            if hits:
                powers = sorted({h.span for h in hits if h.power})
                out.append(text_finding(
                    "village.burden", c, field, text, hits,
                    f"「{c.item.label}」交给村（社区）的不是协助" + (f"，含行政权力（{'、'.join(powers)}）" if powers else ""),
                    "high" if powers else "medium",
                    message_en=f"{en_quote(c.item.label)} gives the villages work that is not assistance"
                    + (f", including administrative powers ({', '.join(en_quote(p) for p in powers)})" if powers else ""),
                    villages=names or ("（未关联村）",), powers=powers))
                break
    return sorted_findings(out)


def _village_burden_asked(store: DutyStore, township: str | None, lex, actions: Sequence[str]
                          ) -> tuple[ItemCard, ...] | None:
    """village_burden's store half: the village text and the role texts of every item with
    either, read here (the lexicon is not Cypher's); then the cards of the items some text of
    which gives a burden, checked as every card is. None when the store does not answer."""
    rows = store.ask("village_burden", townships=scope_townships(store, township))
    if rows is None:
        return None
    memo: dict[str, bool] = {}

    def burdens(text: str) -> bool:
        if text not in memo:
            memo[text] = bool(text.strip()) and bool(_burden_hits(text, lex, actions))
        return memo[text]

    keys = sorted(k for k, village_text, roles in rows[0]["items"] if any(map(burdens, (village_text, *roles))))
    return store.item_cards(ItemFilter(keys=keys)) if keys else ()


@dataclass(frozen=True, slots=True)
class VillageLoad:
    """One village's part: items it assists, those with burden, those giving it a power."""

    township: str
    village: str
    kind: str
    items: int
    burden_items: int
    power_items: int
    over_ceiling: bool
    over_median: bool


def _register(store: DutyStore, township: str) -> list[Village]:
    return sorted(store.nodes("Village", township), key=lambda v: (v.name, v.key))


def _towns(store: DutyStore, township: str | None) -> list[str]:
    return [township] if township is not None else sorted(t.name for t in store.townships())


@kept(per_township=True)
def village_loads(store: DutyStore, township: str | None = None, *, ceiling: int = CEILING,
                  median_factor: float = MEDIAN_FACTOR, lexicon: str = "",
                  cards: Sequence[ItemCard] | None = None) -> tuple[VillageLoad, ...]:
    """Per-village item counts against ``ceiling`` and ``median_factor`` × the township's median.

    >>> from queries._examples import text_store
    >>> [(v.village, v.items, v.burden_items, v.power_items) for v in village_loads(text_store())]
    [('东村', 3, 1, 1), ('西村', 2, 1, 1)]
    """
    if ceiling < 0 or median_factor <= 0:
        raise InvalidArgument("ceiling must be >= 0 and median_factor > 0")
    lex = load_lexicon(lexicon or None)
    out = []
    memo: dict[str, tuple[ActionHit, ...]] = {}  # one reading per distinct text, not per village

    def hits_of(text: str) -> tuple[ActionHit, ...]:
        if text not in memo:
            memo[text] = _burden_hits(text, lex, BURDEN_ACTIONS)
        return memo[text]

    asked = _village_loads_asked(store, township, hits_of) if cards is None else None
    counted, registers = asked if asked is not None else (None, {})
    all_cards = cards_of(store, township, cards) if counted is None else ()

    by_town: dict[str, list[ItemCard]] = defaultdict(list)  # once: a scan per township was quadratic
    for c in all_cards:
        by_town[c.item.township].append(c)
    for town in _towns(store, township):
        if counted is not None:
            items, burden, power = counted[town]
            out += _loads(town, registers[town], items, burden, power, ceiling, median_factor)
            continue
        items: Counter[str] = Counter()
        burden: Counter[str] = Counter()
        power: Counter[str] = Counter()
        for c in by_town.get(town, ()):
            texts = {v.key: [t for t in (c.item.village_text, v.text) if t.strip()] for v in c.villages}
            for v in c.villages:
                items[v.key] += 1
                hits = [h for t in dict.fromkeys(texts[v.key]) for h in hits_of(t)]
                burden[v.key] += bool(hits)
                power[v.key] += any(h.power for h in hits)
        register = _register(store, town)
        median = statistics.median([items[v.key] for v in register]) if register else 0
        out += [VillageLoad(town, v.name, v.kind, items[v.key], burden[v.key], power[v.key], items[v.key] > ceiling,
                            bool(median) and items[v.key] > median_factor * median) for v in register]
    return tuple(out)


def _loads(town: str, register: list, items: Counter, burden: Counter, power: Counter, ceiling: int,
           median_factor: float) -> list[VillageLoad]:
    median = statistics.median([items[v[0]] for v in register]) if register else 0
    return [VillageLoad(town, name, kind, items[key], burden[key], power[key], items[key] > ceiling,
                        bool(median) and items[key] > median_factor * median) for key, name, kind in register]


def _village_loads_asked(store: DutyStore, township: str | None, hits_of: Callable[[str], tuple]
                         ) -> tuple[dict[str, tuple[Counter, Counter, Counter]], dict[str, list]] | None:
    """village_loads' store half: every village register and the ASSISTS of the townships'
    items as (village, the item's village text, the role text, how many) from the store; the texts
    read here (the lexicon is not Cypher's). None when the store does not answer."""
    towns = _towns(store, township)
    rows = store.ask("village_loads", registers=towns, townships=scope_townships(store, township))
    if rows is None:
        return None
    registers: dict[str, list] = {t: [] for t in towns}
    for t, key, name, kind in rows[0]["register"]:
        registers[t].append((key, name, kind))
    for t in registers:
        registers[t].sort(key=lambda v: (v[1], v[0]))  # as _register: by name, then key
    counted = {t: (Counter(), Counter(), Counter()) for t in towns}
    for t, key, village_text, role, n in rows[0]["roles"]:
        hits = [h for x in dict.fromkeys(x for x in (village_text, role) if x.strip()) for h in hits_of(x)]
        items, burden, power = counted[t]
        items[key] += n
        burden[key] += n * bool(hits)
        power[key] += n * any(h.power for h in hits)
    return counted, registers


@kept(per_township=True)
def village_overloaded(store: DutyStore, township: str | None = None, *, ceiling: int = CEILING,
                       median_factor: float = MEDIAN_FACTOR, cards: Sequence[ItemCard] | None = None
                       ) -> tuple[Finding, ...]:
    """``village.overloaded``: villages over the ceiling or well over the township's median.

    >>> from queries._examples import text_store
    >>> [(f.subject, f.message) for f in village_overloaded(text_store(), ceiling=2)]
    [('东村', '东村承担3项，超过上限2项')]
    """
    loads = village_loads(store, township, ceiling=ceiling, median_factor=median_factor, cards=cards)
    out = []
    grouped: dict[str, list[VillageLoad]] = defaultdict(list)
    for v in loads:
        grouped[v.township].append(v)
    for town, mine in sorted(grouped.items()):
        median = statistics.median([v.items for v in mine])
        for v in mine:
            why = ([f"超过上限{ceiling}项"] if v.over_ceiling else []) + (
                [f"超过全镇中位数{median:g}项的{median_factor:g}倍"] if v.over_median else [])
            if why:
                why_en = ([f"over the ceiling of {ceiling}"] if v.over_ceiling else []) + (
                    [f"over {median_factor:g} times the township's median of {median:g}"] if v.over_median else [])
                out.append(finding("village.overloaded", town, v.village, f"{v.village}承担{v.items}项，{'，'.join(why)}",
                                   message_en=f"{v.village} carries {v.items} items, {', '.join(why_en)}",
                                   count=v.items, ceiling=ceiling, median=f"{median:g}",
                                   burden_items=v.burden_items, power_items=v.power_items))
    return sorted_findings(out)


@dataclass(frozen=True, slots=True)
class VillageActions:
    """Village × action: for each village, how many items give it each action category."""

    township: str
    actions: tuple[str, ...]  # substantive categories first (lexicon order), then supporting ones
    villages: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]  # aligned with villages × actions
    powers: tuple[str, ...]  # the categories holding an administrative power


def village_actions(store: DutyStore, township: str | None = None, *, lexicon: str = "",
                    cards: Sequence[ItemCard] | None = None) -> VillageActions:
    """The village × action matrix of one township (``township`` may be omitted when the store holds one).

    An item counts once per village and category; substantive categories count only what the
    text gives the village (not negated, not in the scope of 协助), supporting ones what it
    asks it to assist with.

    >>> from queries._examples import text_store
    >>> m = village_actions(text_store())
    >>> m.villages, [(a, n) for a, n in zip(m.actions, m.counts[0]) if n]
    (('东村', '西村'), [('负责', 1), ('收费', 1), ('协助', 1), ('宣传', 2)])
    """
    if township is None:
        towns = store.townships()
        if len(towns) != 1:
            raise InvalidArgument(f"name a township; the store holds {len(towns)}: " + "、".join(t.name for t in towns[:10]))
        township = towns[0].name
    lex = load_lexicon(lexicon or None)
    order = list(dict.fromkeys(t.action for t in lex.of("substantive"))) + \
        list(dict.fromkeys(t.action for t in lex.of("supporting")))
    powers = tuple(dict.fromkeys(t.action for t in lex.of("substantive") if t.power))
    register = _register(store, township)
    cells: dict[str, Counter[str]] = {v.key: Counter() for v in register}
    memo: dict[str, set[str]] = {}
    for c in cards_of(store, township, cards):
        for v in c.villages:
            seen: set[str] = set()
            for t in dict.fromkeys(x for x in (c.item.village_text, v.text) if x.strip()):
                if t not in memo:
                    r = read_text(t, "village", lex)
                    memo[t] = {h.action for h in r.substantive()} | \
                        {h.action for h in r.supporting() if h.rule.startswith("lexicon:")}
                seen |= memo[t]
            cells[v.key].update(seen)
    used = [a for a in order if any(cells[v.key][a] for v in register)]
    return VillageActions(township, tuple(used), tuple(v.name for v in register),
                          tuple(tuple(cells[v.key][a] for a in used) for v in register),
                          tuple(a for a in powers if a in used))

