"""Gaps: items nobody (or the wrong level) is responsible for, and village parts left dangling.

``gap.no_lead``
    no LEADS and the item is neither unconfirmed (placeholder lead text, reported as
    ``ownership.unconfirmed``) nor left to village self-governance (see ``queries.ownership``);
``gap.unknown_department``
    a lead whose department level is 未知 (not in the department register / alias table);
``gap.withdrawn_township_lead``
    a 收回 item still led by a township office (镇街内设机构);
``gap.cooperate_no_county_lead``
    a 配合 item none of whose leads is a county department or county station;
``gap.village_text_unlinked``
    the item's 村（社区）职责 text is written but no village ASSISTS it.
"""

from __future__ import annotations

from collections.abc import Sequence

from graphmodel import DeptLevel, DutyStore, ItemCard, ItemFilter

from ._common import (
    kept,
    COOPERATE,
    COUNTY_SIDE,
    WITHDRAWN,
    Finding,
    answers_asks,
    asked_cards,
    cards_of,
    catalogue_townships,
    evidence,
    finding,
    level_side,
    sorted_findings,
)
from ._common import en_list, en_quote
from .ownership import ownership_of, reason_parts

__all__ = [
    "cooperate_no_county_lead",
    "gaps",
    "no_lead",
    "unconfirmed",
    "unknown_department",
    "village_text_unlinked",
    "withdrawn_township_lead",
]


def _reason_en(card: ItemCard) -> str:
    """Why an item without a lead is a gap or unconfirmed, in English (ownership.reason_parts)."""
    code, fields = reason_parts(card)
    f = dict(fields)
    if code == "unconfirmed":
        return f"has its lead written as {en_quote(f['text'])}"
    if code == "gap_unlinked":
        return f"has no lead (written as {en_quote(f['text'])} but matching no department)"
    return "has no lead"


def _cards_in_scope(store: DutyStore, township: str | None, cards: Sequence[ItemCard]) -> tuple[ItemCard, ...]:
    """``cards`` of ``township``'s items, or of the townships proper (no reference catalogue) for the
    whole store, as ``cards_of(store, township)`` would hold them: unique, sorted by key."""
    skipped = catalogue_townships(store) if township is None else frozenset()
    found = {c.key: c for c in cards if c.item.township not in skipped and township in (None, c.item.township)}
    return tuple(found[k] for k in sorted(found))


@kept(per_township=True)
def no_lead(store: DutyStore, township: str | None = None, *, cards: Sequence[ItemCard] | None = None) -> tuple[Finding, ...]:
    """Items in ownership state ``gap``: no lead, no placeholder, not self-governed.

    >>> from queries._examples import example_store
    >>> [f.subject for f in no_lead(example_store())]
    ['农村集体资产监督']
    """
    out = []
    for c in cards_of(store, township, cards, max_leads=0):
        state, _, reason = ownership_of(c)
        if state == "gap":
            out.append(finding("gap.no_lead", c.item.township, c.item.label, f"「{c.item.label}」{reason}",
                               [evidence(c)], message_en=f"{en_quote(c.item.label)} {_reason_en(c)}",
                               lead_text=c.item.lead_text))
    return sorted_findings(out)


@kept(per_township=True)
def unconfirmed(store: DutyStore, township: str | None = None, *, cards: Sequence[ItemCard] | None = None) -> tuple[Finding, ...]:
    """Items whose lead is written as a placeholder (待定, 待明确, 暂无 …): ``ownership.unconfirmed``.

    >>> from queries._examples import example_store
    >>> [(f.subject, dict(f.details)["lead_text"]) for f in unconfirmed(example_store())]
    [('违法建设巡查', '待定')]
    """
    out = []
    for c in cards_of(store, township, cards, max_leads=0):
        state, _, reason = ownership_of(c)
        if state == "unconfirmed":
            out.append(finding("ownership.unconfirmed", c.item.township, c.item.label, f"「{c.item.label}」{reason}",
                               [evidence(c)], message_en=f"{en_quote(c.item.label)} {_reason_en(c)}",
                               lead_text=c.item.lead_text or c.item.receiving_dept))
    return sorted_findings(out)


@kept(per_township=True)
def unknown_department(store: DutyStore, township: str | None = None, *,
                       cards: Sequence[ItemCard] | None = None) -> tuple[Finding, ...]:
    """Items led by a department of level 未知 (not a known department).

    >>> from queries._examples import ListBuilder
    >>> from graphmodel import open_store
    >>> b = ListBuilder("样例镇"); _ = b.dept("老干部活动站点", level="未知")
    >>> _ = b.item("老年活动组织", leads=["老干部活动站点"])
    >>> s = open_store("memory", data_dir=None); _ = s.replace_township(b.build())
    >>> [dict(f.details)["departments"] for f in unknown_department(s)]
    ['老干部活动站点']
    """
    if cards is None:  # the store half: items with a lead of level 未知
        cards = asked_cards(store, township, "unknown_department", level=DeptLevel.UNKNOWN.value)
    if cards is None:  # the networkx half: the items of the departments of level 未知, not every card
        unknown = [d.key for d in store.nodes("Department", township) if d.level == DeptLevel.UNKNOWN.value]
        cards = _cards_in_scope(store, township, [c for k in unknown
                                                  for c in store.item_cards(ItemFilter(township=township, department=k))])
    out = []
    for c in cards_of(store, township, cards, min_leads=1):
        unknown = [p.name for p in c.leads if p.level == DeptLevel.UNKNOWN.value]
        if unknown:
            out.append(finding("gap.unknown_department", c.item.township, c.item.label,
                               f"「{c.item.label}」的牵头部门不在部门名录：{'、'.join(unknown)}",
                               [evidence(c)], message_en=f"The lead of {en_quote(c.item.label)} is not in the "
                               f"department register: {en_list(unknown)}", departments=unknown))
    return sorted_findings(out)


@kept(per_township=True)
def withdrawn_township_lead(store: DutyStore, township: str | None = None, *,
                            cards: Sequence[ItemCard] | None = None) -> tuple[Finding, ...]:
    """收回 items that a township office still leads.

    >>> from queries._examples import ListBuilder
    >>> from graphmodel import open_store
    >>> b = ListBuilder("样例镇")
    >>> _ = b.item("犬只登记", part="上级部门收回事项", leads=["社会事务办"])
    >>> s = open_store("memory", data_dir=None); _ = s.replace_township(b.build())
    >>> [f.message for f in withdrawn_township_lead(s)]
    ['收回事项「犬只登记」仍由镇街科室牵头：社会事务办']
    """
    if cards is None:  # the store half: 收回 items with a township office among their leads
        cards = asked_cards(store, township, "withdrawn_township_lead", part=WITHDRAWN,
                            level=DeptLevel.TOWNSHIP.value)
    out = []
    for c in cards_of(store, township, cards, parts=(WITHDRAWN,), min_leads=1):
        own = [p.name for p in c.leads if p.level == DeptLevel.TOWNSHIP.value]
        if own:
            out.append(finding("gap.withdrawn_township_lead", c.item.township, c.item.label,
                               f"收回事项「{c.item.label}」仍由镇街科室牵头：{'、'.join(own)}",
                               [evidence(c)], message_en=f"Withdrawn item {en_quote(c.item.label)} is still led by "
                               f"a township office: {en_list(own)}",
                               township_leads=own, receiving_dept=c.item.receiving_dept))
    return sorted_findings(out)


@kept(per_township=True)
def cooperate_no_county_lead(store: DutyStore, township: str | None = None, *,
                             cards: Sequence[ItemCard] | None = None) -> tuple[Finding, ...]:
    """配合 items with no county department (县级部门 or 县派驻机构) among their leads.

    A 配合 item with no lead at all is included (the county side is missing too).

    >>> from queries._examples import ListBuilder
    >>> from graphmodel import open_store
    >>> b = ListBuilder("样例镇")
    >>> _ = b.item("地质灾害巡查", part="配合履职事项", leads=["经济发展办"])
    >>> s = open_store("memory", data_dir=None); _ = s.replace_township(b.build())
    >>> [f.subject for f in cooperate_no_county_lead(s)]
    ['地质灾害巡查']
    """
    if cards is None:  # the store half: 配合 items with no county-side lead
        cards = asked_cards(store, township, "cooperate_no_county_lead", part=COOPERATE,
                            county_side=sorted(COUNTY_SIDE))
    out = []
    for c in cards_of(store, township, cards, parts=(COOPERATE,)):
        if not any(level_side(p.level) == "county" for p in c.leads):
            leads = [p.name for p in c.leads]
            out.append(finding("gap.cooperate_no_county_lead", c.item.township, c.item.label,
                               f"配合事项「{c.item.label}」没有县级牵头部门"
                               + (f"（牵头：{'、'.join(leads)}）" if leads else ""),
                               [evidence(c)], message_en=f"Cooperation item {en_quote(c.item.label)} has no county lead"
                               + (f" (lead: {en_list(leads)})" if leads else ""), leads=leads))
    return sorted_findings(out)


@kept(per_township=True)
def village_text_unlinked(store: DutyStore, township: str | None = None, *,
                          cards: Sequence[ItemCard] | None = None) -> tuple[Finding, ...]:
    """Items whose 村（社区）职责 text is written but that no village assists.

    >>> from queries._examples import ListBuilder
    >>> from graphmodel import open_store
    >>> b = ListBuilder("样例镇", villages=["东村"])
    >>> _ = b.item("秸秆禁烧", leads=["农业农村办"], village_text="各村巡查")
    >>> s = open_store("memory", data_dir=None); _ = s.replace_township(b.build())
    >>> [dict(f.details)["village_text"] for f in village_text_unlinked(s)]
    ['各村巡查']
    """
    if cards is None:  # the store half: a written village text and no ASSISTS
        cards = asked_cards(store, township, "village_text_unlinked")
    if cards is None:  # the networkx half: the cards of the items with a village text only
        keys = [i.key for i in store.nodes("DutyItem", township) if i.village_text.strip()]
        cards = _cards_in_scope(store, township, store.item_cards(ItemFilter(keys=keys)) if keys else ())
    out = []
    for c in cards_of(store, township, cards):
        if c.item.village_text.strip() and not c.villages:
            out.append(finding("gap.village_text_unlinked", c.item.township, c.item.label,
                               f"「{c.item.label}」写了村（社区）职责但未关联任何村（社区）",
                               [evidence(c)], message_en=f"{en_quote(c.item.label)} has a village part written "
                               "but no village linked", village_text=c.item.village_text.strip()))
    return sorted_findings(out)


@kept(per_township=True)
def gaps(store: DutyStore, township: str | None = None, *, cards: Sequence[ItemCard] | None = None) -> tuple[Finding, ...]:
    """Every gap finding (the five ``gap.*`` kinds), sorted.

    >>> from queries._examples import example_store
    >>> sorted({f.kind for f in gaps(example_store())})
    ['gap.no_lead']
    """
    if cards is None and not answers_asks(store):  # Neo4j: each part asks its own statement
        cards = cards_of(store, township)
    return sorted_findings(
        f
        for fn in (no_lead, unknown_department, withdrawn_township_lead, cooperate_no_county_lead, village_text_unlinked)
        for f in fn(store, township, cards=cards)
    )
