"""What-if: remove or merge departments and see which items lose their lead, which chains break, which overlaps go.

Departments are named by key or by name (a name matches that department in every
township in scope). Merging ``{"A": "B"}`` moves A's leads and cooperations to B (its
text kept); removing drops them. Nothing is written to the store. Removing and merging
nothing changes nothing (:attr:`WhatIf.unchanged`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from graphmodel import Department, DutyStore, ItemCard, NotFound, Party

from ._common import Finding, ItemEvidence, cards_of, evidence
from .chains import chains, chains_from_cards
from .overlaps import multi_lead, near_duplicates
from .slim_cards import slim_cards
from .text_asks import paired_cards

#: The item fields what_if's checks read besides the evidence: multi_lead's agreed split (备注),
#: near_duplicates' content (queries.slim_cards; a server store reads these, not whole cards).
_FIELDS = ("note", "content")

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
    before = slim_cards(store, township, _FIELDS)
    if before is None:
        before = cards_of(store, township)
    # only the cards of a removed or merged department change; the others stay the same objects
    moved = gone | into.keys()

    def apply(c: ItemCard) -> ItemCard:
        return _apply(c, gone, into) if any(p.key in moved for p in (*c.leads, *c.cooperators)) else c

    after = tuple(apply(c) for c in before)

    changes, lost = [], []
    for b, a in zip(before, after):
        if a is not b and b.leads != a.leads:
            changes.append(LeadChange(evidence(a), tuple(p.name for p in b.leads), tuple(p.name for p in a.leads)))
            if b.leads and not a.leads:
                lost.append(evidence(a))

    links = store.chain_links(township)
    cb = {c.key: c for c in before}
    ca = {c.key: c for c in after}
    keys = {k for link in links for k in link}
    missing = keys - cb.keys()
    if missing:  # a chain step outside the township filter: read it and transform it too
        extra = slim_cards(store, None, _FIELDS, keys=missing)
        if extra is None:
            extra = cards_of(store, None, None, keys=tuple(sorted(missing)))
        cb.update({c.key: c for c in extra})
        ca.update({c.key: apply(c) for c in extra})
    # chains before are the store's chains; after, only the chains with a changed step are rebuilt
    chains_b = {ch.id: ch for ch in chains(store, township)} if links else {}
    changed = {k for k, c in ca.items() if c is not cb[k]}
    redo = [link for ch in chains_b.values() if not changed.isdisjoint(ch.keys) for link in ch.links]
    chains_a = {**chains_b, **{ch.id: ch for ch in chains_from_cards(redo, ca)}} if redo else dict(chains_b)
    broken = []
    for cid, ch in sorted(chains_a.items()):
        newly = [s.item.name for s in ch.steps if s.broken and s.item.key not in chains_b[cid].broken_steps]
        if newly:
            broken.append((cid, tuple(newly)))
    hand_b = {(h.src, h.dst) for ch in chains_b.values() for h in ch.handoffs}
    hand_a = {(h.src, h.dst) for ch in chains_a.values() for h in ch.handoffs}

    # a server store keeps each township's text pairs: near_duplicates is asked of the paired cards only
    paired = paired_cards(store, before, cross=False)
    ov_b = {_ident(f): f for f in (*multi_lead(store, township, cards=before), *near_duplicates(store, township, cards=paired))}
    # both checks compare items of one township: only the townships with a changed card are asked again
    towns = {a.item.township for b, a in zip(before, after) if a is not b}
    redone = tuple(c for c in after if c.item.township in towns)
    ov_a = {k: f for k, f in ov_b.items() if f.township not in towns}
    if redone:
        in_pairs = {c.key for c in paired} if paired is not before else None
        ov_a.update((_ident(f), f) for f in (*multi_lead(store, township, cards=redone), *near_duplicates(
            store, township, cards=redone if in_pairs is None else tuple(c for c in redone if c.key in in_pairs))))
    return WhatIf(
        tuple(sorted(gone)), tuple(sorted((k, v.key) for k, v in into.items())),
        tuple(changes), tuple(lost), tuple(broken),
        tuple(ov_b[k] for k in sorted(ov_b.keys() - ov_a.keys())),
        tuple(ov_a[k] for k in sorted(ov_a.keys() - ov_b.keys())),
        tuple(sorted(hand_b - hand_a)), tuple(sorted(hand_a - hand_b)),
    )
