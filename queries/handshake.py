"""Handshake of 配合 items: both halves written, and counterparts in a county department's own list.

A 配合 item is a pair: the county department's part and the township's part.

``handshake.missing_county_part``
    neither 上级部门职责 (``upper_duty``) nor the text of a county-side lead is written;
``handshake.missing_township_part``
    neither 镇街配合职责 (``township_duty``) nor the text of a cooperating office is written.

Both run only where the 配合 sheet has the column (``queries.applicability``); a sheet
without it gets one ``coverage.column_absent`` finding, not one per item.

**County lists.** A county department's own list can be loaded as a "township" too (load it
with ``--township 县农业农村局``). It is recognised (:func:`is_county_list`) by its name: the
name ends like a department (``局``, ``委``, ``委员会``, ``大队``, ``支队``, ``中心``) and not
like a township (镇/乡/街道), or it is the name of a county-level department (县级部门 /
县派驻机构) of another loaded list. (A township whose few departments all happen to be
county-level is *not* taken for a county list.) Such a list *covers* a department name when
that is its own name or the name of one of its county-level departments. Then:

``handshake.no_counterpart``
    a 配合 item of a township, led by a covered county department, with no item in that
    county list of the same code, the same name, or a name similarity ≥ ``COUNTERPART_THRESHOLD``;
``handshake.county_item_unmatched``
    a 配合 item of a county list with no such 配合 counterpart in any township led by a
    department it covers.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from graphmodel import DutyStore, ItemCard, ItemFilter
from graphmodel.normalize import compact

from ._common import (
    COUNTY_SIDE,
    kept,
    COOPERATE,
    Finding,
    cards_of,
    evidence,
    finding,
    level_side,
    scope_townships,
    sorted_findings,
)
from ._common import en_quote
from .slim_cards import slim_cards
from .applicability import layouts, recorded_townships
from .overlaps import name_similarity

__all__ = [
    "COUNTERPART_THRESHOLD",
    "CountyList",
    "counterparts",
    "county_lists",
    "handshake",
    "is_county_list",
    "missing_parts",
]

COUNTERPART_THRESHOLD = 0.8
_DEPT_ENDINGS = ("局", "委", "委员会", "大队", "支队", "中心")
_TOWN_ENDINGS = ("镇", "乡", "街道")


def is_county_list(name: str, county_departments: Collection[str] = ()) -> bool:
    """True when a loaded "township" is really a county department's own list.

    ``county_departments`` are the names of county-level departments met in other lists.

    >>> is_county_list("县农业农村局"), is_county_list("XX镇"), is_county_list("县林业站", {"县林业站"})
    (True, False, True)
    """
    n = compact(name)
    if n.endswith(_TOWN_ENDINGS):
        return False
    return n.endswith(_DEPT_ENDINGS) or n in county_departments


@dataclass(frozen=True, slots=True)
class CountyList:
    """A county department's list found in the store and the department names it covers."""

    township: str
    covers: tuple[str, ...]


def county_lists(store: DutyStore) -> tuple[CountyList, ...]:
    """The county lists in the store (see :func:`is_county_list`), sorted by name.

    >>> from queries._examples import example_store
    >>> county_lists(example_store())
    ()
    """
    towns = store.townships()
    if all(compact(t.name).endswith(_TOWN_ENDINGS + _DEPT_ENDINGS) for t in towns):
        # every name decides by its ending alone: the county departments' names are not needed
        # (on Neo4j they are a scan of every department, 0.05–0.7 s per call at 300 townships)
        county_names: set[str] = set()
    else:
        asked = store.ask("county_lists", county_side=sorted(COUNTY_SIDE))  # the names, not every department
        county_names = set(asked[0]["names"]) if asked is not None else {
            d.name for d in store.nodes("Department") if level_side(d.level) == "county"}
    out = []
    for t in towns:
        if is_county_list(t.name, county_names):
            depts = store.nodes("Department", t.name)
            covers = {t.name} | {d.name for d in depts if level_side(d.level) == "county"}
            out.append(CountyList(t.name, tuple(sorted(covers))))
    return tuple(sorted(out, key=lambda c: c.township))


def _county_part(card: ItemCard) -> str:
    if card.item.upper_duty.strip():
        return card.item.upper_duty.strip()
    return "；".join(p.text for p in card.leads if level_side(p.level) == "county" and p.text.strip())


def _township_part(card: ItemCard) -> str:
    if card.item.township_duty.strip():
        return card.item.township_duty.strip()
    return "；".join(p.text for p in card.cooperators if p.text.strip())


@kept()
def missing_parts(store: DutyStore, township: str | None = None, *,
                  cards: Sequence[ItemCard] | None = None) -> tuple[Finding, ...]:
    """配合 items lacking the county's part or the township's part.

    Items of county lists are skipped (they are written from the county's side).

    >>> from queries._examples import ListBuilder
    >>> from graphmodel import open_store
    >>> b = ListBuilder("样例镇")
    >>> _ = b.item("动物防疫", part="配合履职事项", leads=["县农业农村局"], upper_duty="组织免疫")
    >>> s = open_store("memory", data_dir=None); _ = s.replace_township(b.build())
    >>> [f.kind for f in missing_parts(s)]  # no 配合 item has a township part: the column is absent
    []
    >>> _ = b.item("农机安全", part="配合履职事项", leads=["县农业农村局"], upper_duty="检查", township_duty="宣传")
    >>> _ = s.replace_township(b.build())
    >>> [(f.kind, f.subject) for f in missing_parts(s)]
    [('handshake.missing_township_part', '动物防疫')]
    """
    county = {c.township for c in county_lists(store)}
    out = []
    if cards is None and recorded_townships(store, township) is not None:
        # the store half: 配合 items lacking either part as written (the layouts are recorded, so
        # reading only these cards does not change which columns a sheet had)
        keys = store.ask("missing_parts", townships=scope_townships(store, township), part=COOPERATE,
                         county_side=sorted(COUNTY_SIDE))
        if keys is not None:  # the candidates' two parts, parties and evidence (slim cards), not whole cards
            found = keys[0]["keys"] if keys else []
            if township is not None and found:  # one township: its kept rows, not a statement of four subqueries
                wanted = set(found)
                cards = tuple(c for c in slim_cards(store, township, ("upper_duty", "township_duty"),
                                                    parts=(COOPERATE,)) if c.key in wanted)
            else:
                cards = slim_cards(store, None, ("upper_duty", "township_duty"), keys=found)
    cards = cards_of(store, township, cards, parts=(COOPERATE,))
    lay = layouts(store, cards)
    for c in cards:
        if c.item.township in county:
            continue
        if not _county_part(c) and lay.assessed("county_part", c):
            out.append(finding("handshake.missing_county_part", c.item.township, c.item.label,
                               f"配合事项「{c.item.label}」未写上级部门职责", [evidence(c)],
                               message_en=f"Cooperation item {en_quote(c.item.label)} does not state the county "
                               "department's part",
                               township_part=_township_part(c)))
        if not _township_part(c) and lay.assessed("township_part", c):
            out.append(finding("handshake.missing_township_part", c.item.township, c.item.label,
                               f"配合事项「{c.item.label}」未写镇街配合职责", [evidence(c)],
                               message_en=f"Cooperation item {en_quote(c.item.label)} does not state the township's "
                               "cooperation part",
                               county_part=_county_part(c)))
    return sorted_findings(out)


def _match(a: ItemCard, b: ItemCard) -> bool:
    if compact(a.item.code) and compact(a.item.code) == compact(b.item.code):
        return True
    if compact(a.item.label) == compact(b.item.label):
        return True
    return name_similarity(a.item.label, b.item.label) >= COUNTERPART_THRESHOLD


def counterparts(store: DutyStore, township: str | None = None) -> tuple[Finding, ...]:
    """``handshake.no_counterpart`` and ``handshake.county_item_unmatched`` (needs a county list loaded).

    >>> from queries._examples import ListBuilder
    >>> from graphmodel import open_store
    >>> s = open_store("memory", data_dir=None)
    >>> t = ListBuilder("样例镇")
    >>> _ = t.item("动物防疫", part="配合履职事项", leads=["县农业农村局"])
    >>> _ = t.item("农机安全检查", part="配合履职事项", leads=["县农业农村局"])
    >>> c = ListBuilder("县农业农村局")
    >>> _ = c.item("动物防疫", part="配合履职事项", leads=["县农业农村局"])
    >>> _ = c.item("农药经营许可", part="配合履职事项", leads=["县农业农村局"])
    >>> _ = s.replace_township(t.build()); _ = s.replace_township(c.build())
    >>> [(f.kind, f.township, f.subject) for f in counterparts(s)]
    [('handshake.county_item_unmatched', '县农业农村局', '农药经营许可'), ('handshake.no_counterpart', '样例镇', '农机安全检查')]
    """
    lists = county_lists(store)
    if not lists:
        return ()
    county_names = {c.township for c in lists}
    county_cards = {c.township: store.item_cards(ItemFilter(township=c.township, parts=(COOPERATE,))) for c in lists}
    town_cards = [c for c in store.item_cards(ItemFilter(parts=(COOPERATE,), min_leads=1))
                  if c.item.township not in county_names]
    matched: set[str] = set()
    out = []
    for c in town_cards:
        for cl in lists:
            if not any(p.name in cl.covers and level_side(p.level) == "county" for p in c.leads):
                continue
            hits = [x for x in county_cards[cl.township] if _match(c, x)]
            matched.update(x.key for x in hits)
            if not hits and (township is None or township == c.item.township):
                out.append(finding("handshake.no_counterpart", c.item.township, c.item.label,
                                   f"配合事项「{c.item.label}」在{cl.township}的清单中没有对应事项",
                                   [evidence(c)], message_en=f"Cooperation item {en_quote(c.item.label)} has no "
                                   f"matching item in the list of {cl.township}", county_list=cl.township))
    for cl in lists:
        if township is not None and township != cl.township:
            continue
        for x in county_cards[cl.township]:
            if x.key not in matched:
                out.append(finding("handshake.county_item_unmatched", cl.township, x.item.label,
                                   f"{cl.township}的配合事项「{x.item.label}」在已导入的乡镇清单中没有对应配合事项",
                                   [evidence(x)], message_en=f"Cooperation item {en_quote(x.item.label)} of "
                                   f"{cl.township} has no matching cooperation item in the imported township lists",
                                   county_list=cl.township))
    return sorted_findings(out)


@kept()
def handshake(store: DutyStore, township: str | None = None, *,
              cards: Sequence[ItemCard] | None = None) -> tuple[Finding, ...]:
    """Every ``handshake.*`` finding.

    >>> from queries._examples import example_store
    >>> handshake(example_store())
    ()
    """
    if store.keeps_derived:
        return sorted_findings((*missing_parts(store, township, cards=cards), *counterparts(store, township)))
    with store.one_view():  # a server store: both halves look for county lists; the townships are read once
        return sorted_findings((*missing_parts(store, township, cards=cards), *counterparts(store, township)))
