"""What-if: remove or merge departments and see which items lose their lead, which chains break, which overlaps go.

Departments are named by key or by name (a name matches that department in every
township in scope). Merging ``{"A": "B"}`` moves A's leads and cooperations to B (its
text kept); removing drops them. Nothing is written to the store. Removing and merging
nothing changes nothing (:attr:`WhatIf.unchanged`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from graphmodel import Department, DutyItem, DutyStore, ItemCard, NotFound, Party
from graphmodel.vocab import RelType

from ._common import Finding, ItemEvidence, catalogue_townships, evidence
from .chains import chains_from_cards, links_through
from .overlaps import multi_lead, near_duplicates
from .text_asks import evidence_cards, kept_pairs

#: The item fields what_if's checks read besides the evidence: multi_lead's agreed split (备注),
#: near_duplicates' content (queries.slim_cards; a server store reads these, not whole cards).
_FIELDS = ("note", "content")
_PARTY_RELATIONS = (RelType.LEADS.value, RelType.COOPERATES_ON.value)

__all__ = ["LeadChange", "WhatIf", "what_if"]


@dataclass(frozen=True, slots=True)
class LeadChange:
    """An item whose leads change: names before and after."""

    item: ItemEvidence
    before: tuple[str, ...]
    after: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WhatIf:
    removed: tuple[str, ...]  # department keys
    merged: tuple[tuple[str, str], ...]  # (from key, into key)
    lead_changes: tuple[LeadChange, ...]
    lost_lead: tuple[ItemEvidence, ...]  # had a lead, has none after
    broken_chains: tuple[tuple[str, tuple[str, ...]], ...]  # (chain id, step names newly without owner)
    resolved_overlaps: tuple[Finding, ...]  # overlap findings that disappear
    new_overlaps: tuple[Finding, ...]  # overlap findings that appear
    removed_handoffs: tuple[tuple[str, str], ...]  # chain links no longer changing hands
    new_handoffs: tuple[tuple[str, str], ...]

    @property
    def unchanged(self) -> bool:
        return not (self.lead_changes or self.lost_lead or self.broken_chains or self.resolved_overlaps
                    or self.new_overlaps or self.removed_handoffs or self.new_handoffs)


def _resolve(token: str, depts: Sequence[Department], township: str | None = None) -> list[Department]:
    hits = [d for d in depts if (d.key == token or d.name == token) and (township is None or d.township == township)]
    if not hits:
        raise NotFound(f"no department {token!r}" + (f" in {township}" if township else ""))
    return hits


def _apply(card: ItemCard, gone: set[str], into: dict[str, Department]) -> ItemCard:
    def move(parties: tuple[Party, ...]) -> tuple[Party, ...]:
        out: dict[str, Party] = {}
        for p in parties:
            if p.key in gone:
                continue
            if p.key in into:
                d = into[p.key]
                p = Party(d.key, d.name, d.level, p.text)
            out.setdefault(p.key, p)
        return tuple(sorted(out.values()))

    return replace(card, leads=move(card.leads), cooperators=move(card.cooperators))


def _moved_items(store: DutyStore, moved: set[str]) -> set[str]:
    """The keys of the items the departments ``moved`` lead or cooperate on."""
    if not moved:
        return set()
    rows = store.ask("department_items", keys=sorted(moved))
    if rows is not None:
        return {r["key"] for r in rows}
    keys: set[str] = set()
    for d in moved:
        keys.update(n.key for n in store.neighbourhood(d, 1, _PARTY_RELATIONS).nodes if isinstance(n, DutyItem))
    return keys


def _read(store: DutyStore, keys: set[str]) -> tuple[ItemCard, ...]:
    """The cards of ``keys`` holding what the checks read (slim on a server store)."""
    return evidence_cards(store, keys, _FIELDS) if keys else ()


def _near_duplicates_of(store: DutyStore, township: str | None, moving: set[str],
                        cards: Mapping[str, ItemCard]) -> tuple[list[Finding], dict[str, ItemCard]]:
    """The near-duplicate findings with an item in ``moving`` (whose ``cards`` are at hand). A
    server store that keeps its townships' text pairs is asked the pairs of those items only and
    the cards of their partners; else the store's answer, narrowed. With the partners' cards it read."""
    towns = sorted({cards[k].item.township for k in moving})
    got = kept_pairs(store, towns, cross=False)
    if got is None or got[1]:  # the store's own answer (kept on the embedded store)
        return [f for f in near_duplicates(store, township) if not moving.isdisjoint(f.item_keys)], {}
    keys = {k for a, b, _, _ in got[0] if a in moving or b in moving for k in (a, b)}
    read = {c.key: c for c in _read(store, keys - cards.keys())}
    group = {**read, **{k: cards[k] for k in keys & cards.keys()}}
    found = near_duplicates(store, township, cards=tuple(group[k] for k in sorted(group)))
    return [f for f in found if not moving.isdisjoint(f.item_keys)], read


def _lead_keys(card: ItemCard) -> frozenset[str]:
    return frozenset(p.key for p in card.leads)


def _ident(f: Finding) -> tuple:
    return (f.kind, f.township, f.item_keys)


def what_if(store: DutyStore, remove: Sequence[str] = (), merge: Mapping[str, str] | None = None,
            township: str | None = None) -> WhatIf:
    """What changes if departments in ``remove`` disappear and those in ``merge`` are folded into others.

    >>> from queries._examples import example_store
    >>> s = example_store()
    >>> w = what_if(s, remove=["综合行政执法队"])
    >>> [i.name for i in w.lost_lead], w.broken_chains
    (['消防安全检查', '责令停止违法建设', '农村生活垃圾清运保洁'], (('chain:item:示例镇:code:SL-005', ('消防安全检查',)), ('chain:item:示例镇:code:SL-008', ('责令停止违法建设',))))
    >>> w = what_if(s, merge={"自然资源所": "农业农村办"})
    >>> [(f.kind, f.subject) for f in w.resolved_overlaps]
    [('overlap.multi_lead', '农村宅基地审批管理')]
    >>> what_if(s).unchanged
    True
    """
    merge = dict(merge or {})
    depts = store.nodes("Department", township)
    gone = {d.key for t in remove for d in _resolve(t, depts)}
    into: dict[str, Department] = {}
    for src, dst in merge.items():
        for d in _resolve(src, depts):
            into[d.key] = _resolve(dst, depts, d.township)[0]
    into = {k: v for k, v in into.items() if k != v.key}
    moved = gone | into.keys()
    # Only the cards of the items a removed or merged department leads or cooperates on change:
    # they are read by key (on any township: a county office's items, a chain's steps elsewhere),
    # not every card of the scope (at 300 townships 90,000 cards for a few hundred that move).
    cb = {c.key: c for c in _read(store, _moved_items(store, moved))}
    ca = {k: _apply(c, gone, into) for k, c in cb.items()}
    skipped = frozenset() if township is not None else catalogue_townships(store)
    in_scope = [k for k in sorted(cb) if (cb[k].item.township == township if township is not None
                                         else cb[k].item.township not in skipped)]
    changes, lost = [], []
    for k in in_scope:  # sorted by key, as the scope's cards are
        b, a = cb[k], ca[k]
        if b.leads != a.leads:
            changes.append(LeadChange(evidence(a), tuple(p.name for p in b.leads), tuple(p.name for p in a.leads)))
            if b.leads and not a.leads:
                lost.append(evidence(a))

    # Only the chains with a changed step can break or change hands: those are built, before and
    # after, from their links and their steps' cards (the others are the same on both sides).
    touched: list[tuple[str, str]] = []
    if ca:  # a server store is asked the links of those chains only (the whole store: every chain's links)
        rows = store.ask("chain_links_through", keys=sorted(ca)) if township is None else None
        links = sorted(map(tuple, rows[0]["links"])) if rows else store.chain_links(township)
        touched = links_through(links, ca.keys())
    if touched:
        steps = {k for link in touched for k in link} - cb.keys()
        cards_b = {**{c.key: c for c in _read(store, steps)}, **cb}
        chains_b = {ch.id: ch for ch in chains_from_cards(touched, cards_b)}
        chains_a = {ch.id: ch for ch in chains_from_cards(touched, {**cards_b, **ca})}
    else:
        chains_b, chains_a = {}, {}
    broken = []
    for cid, ch in sorted(chains_a.items()):
        newly = [s.item.name for s in ch.steps if s.broken and s.item.key not in chains_b[cid].broken_steps]
        if newly:
            broken.append((cid, tuple(newly)))
    hand_b = {(h.src, h.dst) for ch in chains_b.values() for h in ch.handoffs}
    hand_a = {(h.src, h.dst) for ch in chains_a.values() for h in ch.handoffs}

    # Overlaps: an item's leads after are a function of its leads before (each key dropped or
    # mapped), so an unchanged item keeps its multi_lead finding, and a near-duplicate pair whose
    # lead sets were equal (or one empty) stays so: only the findings of the changed items can go
    # or come, and a near-duplicate pair can only go. multi_lead is asked of the changed cards
    # before and after; the near-duplicate findings before (the store's answer) of a changed item
    # are checked again with its cards after.
    ov_b = {_ident(f): f for f in multi_lead(store, township, cards=tuple(cb[k] for k in in_scope))}
    ov_a = {_ident(f): f for f in multi_lead(store, township, cards=tuple(ca[k] for k in in_scope))}
    moving = set(in_scope)
    pairs, read = _near_duplicates_of(store, township, moving, cb) if moving else ([], {})
    partners = {k for f in pairs for k in f.item_keys} - cb.keys() - read.keys()
    leads_of = {**{c.key: _lead_keys(c) for c in (*read.values(), *_read(store, partners))},
                **{k: _lead_keys(c) for k, c in ca.items()}}
    for f in pairs:
        ov_b[_ident(f)] = f
        first, second = (leads_of[k] for k in f.item_keys)
        if first and second and first != second:
            ov_a[_ident(f)] = f  # still a near-duplicate pair with different leads
    return WhatIf(
        tuple(sorted(gone)), tuple(sorted((k, v.key) for k, v in into.items())),
        tuple(changes), tuple(lost), tuple(broken),
        tuple(ov_b[k] for k in sorted(ov_b.keys() - ov_a.keys())),
        tuple(ov_a[k] for k in sorted(ov_a.keys() - ov_b.keys())),
        tuple(sorted(hand_b - hand_a)), tuple(sorted(hand_a - hand_b)),
    )
