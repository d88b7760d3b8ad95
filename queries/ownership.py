"""Ownership: the one state every item is in — owned, shared, handed over, unconfirmed or a gap.

The states partition the items (every item has exactly one), decided in this order:

``shared``
    two or more LEADS (also reported as ``overlap.multi_lead``);
``handed_over``
    handed elsewhere on purpose: a 收回 item whose one lead is a county department or
    station (the receiving department), or an item with no lead whose lead, receiving
    department, work-mode, note or village text leaves it to village self-governance
    (contains 自治); ``where`` says to whom;
``owned``
    exactly one lead otherwise (a 收回 item still led by a township office is owned, and
    reported as ``gap.withdrawn_township_lead``);
``unconfirmed``
    no lead and the lead (or receiving-department) text is a placeholder such as 待定,
    待明确, 暂无 (see ``queries._common.PLACEHOLDERS``);
``gap``
    no lead and nothing above: a true gap (``gap.no_lead``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from graphmodel import DutyStore, ItemCard, ItemFilter

from ._common import (
    durable_of,
    COUNTY_SIDE,
    WITHDRAWN,
    ItemEvidence,
    agreed_split,
    cards_of,
    evidence,
    is_placeholder,
    is_self_governance,
    kept,
    level_side,
    scope_townships,
)
from .slim_cards import slim_cards

__all__ = ["OWNERSHIP_FIELDS", "STATES", "Ownership", "ownership", "ownership_of", "ownership_summary", "reason_parts"]

#: The ownership states, in the order they are decided.
STATES = ("shared", "handed_over", "owned", "unconfirmed", "gap")
#: The item fields :func:`ownership_of` reads besides the evidence (queries.slim_cards).
OWNERSHIP_FIELDS = ("part", "lead_text", "receiving_dept", "work_mode", "note", "village_text")
STATE_LABELS = {"shared": "多头牵头", "handed_over": "已移交", "owned": "已明确", "unconfirmed": "待确认", "gap": "空白"}


@dataclass(frozen=True, slots=True)
class Ownership:
    """The ownership state of one item; ``where`` names the owner(s) or receiver, ``reason`` why."""

    state: str
    where: str
    reason: str
    item: ItemEvidence

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


def ownership_of(card: ItemCard) -> tuple[str, str, str]:
    """``(state, where, reason)`` of one item card.

    >>> from queries._examples import example_store
    >>> cards = {c.item.name: c for c in example_store().item_cards()}
    >>> ownership_of(cards["未批先建住宅的处罚"])
    ('handed_over', '县农业农村局', '收回事项，由承接部门县农业农村局负责（发现报告）')
    >>> ownership_of(cards["违法建设巡查"])
    ('unconfirmed', '', '责任主体写为“待定”')
    """
    item = card.item
    leads = card.leads
    if len(leads) >= 2:
        names = "、".join(p.name for p in leads)
        split = agreed_split(item)
        return "shared", names, f"{len(leads)}个牵头部门，已明确分工：{split}" if split else f"{len(leads)}个牵头部门"
    if len(leads) == 1:
        lead = leads[0]
        if item.part == WITHDRAWN and level_side(lead.level) == "county":
            mode = f"（{item.work_mode}）" if item.work_mode else ""
            return "handed_over", lead.name, f"收回事项，由承接部门{lead.name}负责{mode}"
        return "owned", lead.name, f"由{lead.name}牵头"
    for text in (item.lead_text, item.receiving_dept):
        if is_placeholder(text):
            return "unconfirmed", "", f"责任主体写为“{text.strip()}”"
    for text in (item.lead_text, item.receiving_dept, item.work_mode, item.note, item.village_text):
        if is_self_governance(text):
            where = "、".join(v.name for v in card.villages) or "村（社区）"
            return "handed_over", f"村（社区）自治：{where}", f"交由村（社区）自治：{text.strip()}"
    return "gap", "", "无牵头部门" + (f"（写为“{item.lead_text}”但未对应部门）" if item.lead_text.strip() else "")


def reason_parts(card: ItemCard) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The reason of :func:`ownership_of` as a code and its fields, for a reader in any language.

    Codes: ``shared`` (n), ``shared_split`` (n, split), ``handed_over`` (dept, mode),
    ``owned`` (dept), ``unconfirmed`` (text), ``self_governance`` (text), ``gap``,
    ``gap_unlinked`` (text). Field values are list text (data), never our prose.

    >>> from queries._examples import example_store
    >>> cards = {c.item.name: c for c in example_store().item_cards()}
    >>> reason_parts(cards["违法建设巡查"])
    ('unconfirmed', (('text', '待定'),))
    """
    item, leads = card.item, card.leads
    if len(leads) >= 2:
        split = agreed_split(item)
        return ("shared_split", (("n", str(len(leads))), ("split", split))) if split else ("shared", (("n", str(len(leads))),))
    if len(leads) == 1:
        lead = leads[0]
        if item.part == WITHDRAWN and level_side(lead.level) == "county":
            return "handed_over", (("dept", lead.name), ("mode", item.work_mode or ""))
        return "owned", (("dept", lead.name),)
    for text in (item.lead_text, item.receiving_dept):
        if is_placeholder(text):
            return "unconfirmed", (("text", text.strip()),)
    for text in (item.lead_text, item.receiving_dept, item.work_mode, item.note, item.village_text):
        if is_self_governance(text):
            return "self_governance", (("text", text.strip()),)
    return ("gap_unlinked", (("text", item.lead_text),)) if item.lead_text.strip() else ("gap", ())


@kept(per_township=True)
def ownership(store: DutyStore, township: str | None = None, *, states: Sequence[str] = (),
              cards: Sequence[ItemCard] | None = None) -> tuple[Ownership, ...]:
    """The ownership state of every item (optionally only some ``states``), sorted by item key.

    >>> from queries._examples import example_store
    >>> [(o.item.name, o.state) for o in ownership(example_store(), states=("gap", "unconfirmed"))]
    [('违法建设巡查', 'unconfirmed'), ('农村集体资产监督', 'gap')]
    """
    if cards is None:  # a server store: read only what ownership_of and the evidence read
        cards = slim_cards(store, township, OWNERSHIP_FIELDS, villages=True)
    out = []
    for c in cards_of(store, township, cards):
        state, where, reason = ownership_of(c)
        if not states or state in states:
            out.append(Ownership(state, where, reason, evidence(c)))
    return tuple(sorted(out, key=lambda o: o.item.key))


@kept()
def ownership_summary(store: DutyStore, township: str | None = None, *,
                      cards: Sequence[ItemCard] | None = None) -> tuple[tuple[str, int], ...]:
    """Item counts per state, in ``STATES`` order (zero counts included).

    >>> from queries._examples import example_store
    >>> ownership_summary(example_store())
    (('shared', 1), ('handed_over', 1), ('owned', 6), ('unconfirmed', 1), ('gap', 1))
    """
    if cards is None:
        towns = scope_townships(store, township)
        rows = store.ask("ownership_summary", townships=towns, withdrawn=WITHDRAWN, county_side=sorted(COUNTY_SIDE))
        if rows is not None:  # the store half: states decided by the leads are counted there;
            # an item without a lead is decided by its texts (placeholder, 自治), read here for those items only
            counts = Counter({r["state"]: r["n"] for r in rows if r["state"]})
            keys = [k for r in rows if not r["state"] for k in r["keys"]]
            counts.update(ownership_of(c)[0] for c in (store.item_cards(ItemFilter(keys=keys)) if keys else ()))
            return tuple((s, counts.get(s, 0)) for s in STATES)
    if cards is None and store.keeps_derived:  # the networkx half: states decided by the leads counted
        # from the LEADS relations; only the items without a lead are read as cards (their texts decide)
        counts: Counter[str] = Counter()
        for town in scope_townships(store, township):  # each township's counts kept with it
            counts.update(store.derived_in(town, ("ownership_states",), lambda t=town: _town_states(store, t),
                                           township_only=True, **durable_of(store)))
        return tuple((s, counts.get(s, 0)) for s in STATES)
    counts = Counter(o.state for o in ownership(store, township, cards=cards))
    return tuple((s, counts.get(s, 0)) for s in STATES)


def _town_states(store: DutyStore, town: str) -> Counter[str]:
    """One township's items per state: those with a lead counted from the LEADS relations and the
    departments' levels as ``ownership_of`` decides them; only the items without a lead are read
    as cards (their texts decide)."""
    parts = {i.key: i.part for i in store.nodes("DutyItem", town)}
    levels = {d.key: d.level for d in store.nodes("Department", town)}
    leads: dict[str, list[str]] = defaultdict(list)
    for r in store.relations("LEADS", town):
        if r.dst in parts:
            leads[r.dst].append(r.src)
    counts: Counter[str] = Counter()
    for key, depts in leads.items():
        if len(depts) >= 2:
            counts["shared"] += 1
            continue
        level = levels[depts[0]] if depts[0] in levels else store.node(depts[0]).level
        counts["handed_over" if parts[key] == WITHDRAWN and level_side(level) == "county" else "owned"] += 1
    counts.update(ownership_of(c)[0] for c in cards_of(store, town, max_leads=0))
    return counts
