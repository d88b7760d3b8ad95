"""Folding: findings that restate another finding about the same item and cause become one.

A gap that also breaks a chain step is one problem, not two: ``chain.broken_step`` on an
item that has ``gap.no_lead`` is folded into it, and the kept finding lists the folded
kind in ``related``. The table ``RESTATES`` says which kind restates which; anchors say
on what the two must agree:

==============================  ============================================  ===========================
kind (folded)                   restates (kept)                               when
==============================  ============================================  ===========================
chain.broken_step               gap.no_lead, ownership.unconfirmed            same item
gap.cooperate_no_county_lead    gap.no_lead, ownership.unconfirmed,           same item
                                overlap.cooperate_township_lead,
                                gap.unknown_department
chain.handoff                   gap.no_lead, ownership.unconfirmed,           the link's unowned step
                                chain.broken_step
chain.level_crossing            chain.handoff                                 same link (item pair)
handshake.missing_county_part   gap.cooperate_no_county_lead                  same item
==============================  ============================================  ===========================

Of a group of findings folded together the most severe is kept (then the first in
``KINDS`` order), so folding never lowers what the board shows.
"""

from __future__ import annotations

from collections.abc import Iterable

from ._common import KINDS, SEVERITY_RANK, Finding, sorted_findings
from ._common import KIND_TITLES_EN

__all__ = ["RESTATES", "fold_findings"]

#: kind -> the kinds it restates when they are on the same anchor (see the module docstring).
RESTATES: dict[str, tuple[str, ...]] = {
    "chain.broken_step": ("gap.no_lead", "ownership.unconfirmed"),
    "gap.cooperate_no_county_lead": ("gap.no_lead", "ownership.unconfirmed", "overlap.cooperate_township_lead",
                                     "gap.unknown_department"),
    "chain.handoff": ("gap.no_lead", "ownership.unconfirmed", "chain.broken_step"),
    "chain.level_crossing": ("chain.handoff",),
    "handshake.missing_county_part": ("gap.cooperate_no_county_lead",),  # no county lead, so no county part
}
_ORDER = {k: i for i, k in enumerate(KINDS)}


def _anchors(f: Finding) -> set[tuple[str, ...]]:
    """The item-key tuples a restating finding must share with the finding it restates."""
    if f.kind == "chain.handoff":  # the step without an owner is what the hand-off restates
        return {(i.key,) for i in f.items if not any(d.role == "牵头" for d in i.departments)}
    return {f.item_keys} if f.items else set()


def _rank(f: Finding) -> tuple:
    return (SEVERITY_RANK[f.severity], _ORDER.get(f.kind, len(_ORDER)), f.sort_key())


def fold_findings(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """One finding per item and cause; the kept one lists the others' kinds in ``related``.

    >>> from queries._examples import example_store
    >>> from queries import run_audit
    >>> a = run_audit(example_store(), fold=False)
    >>> folded = fold_findings(a.findings)
    >>> len(a.findings) - len(folded)
    3
    >>> [(f.kind, f.related) for f in folded if f.related]
    [('chain.level_crossing', ('chain.handoff',)), ('ownership.unconfirmed', ('chain.broken_step', 'chain.handoff'))]
    """
    found = sorted_findings(findings)
    parent = list(range(len(found)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_anchor: dict[tuple[str, str, tuple[str, ...]], list[int]] = {}
    for i, f in enumerate(found):
        by_anchor.setdefault((f.township, f.kind, f.item_keys), []).append(i)
    for i, f in enumerate(found):
        for target in RESTATES.get(f.kind, ()):
            for anchor in _anchors(f):
                for j in by_anchor.get((f.township, target, anchor), ()):
                    parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(found)):
        groups.setdefault(root(i), []).append(i)
    out = []
    for members in groups.values():
        fs = sorted((found[i] for i in members), key=_rank)
        keep, rest = fs[0], fs[1:]
        if not rest:
            out.append(keep)
            continue
        related = tuple(sorted({f.kind for f in rest if f.kind != keep.kind} | set(keep.related), key=_ORDER.get))
        also = "；".join(dict.fromkeys(KINDS[k].title for k in related))
        also_en = "; ".join(dict.fromkeys(KIND_TITLES_EN[k] for k in related))
        out.append(Finding(keep.kind, keep.severity, keep.township, keep.subject,
                           f"{keep.message}（同时：{also}）" if also else keep.message,
                           keep.items, keep.details, related,
                           f"{keep.message_en} (also: {also_en})" if also_en and keep.message_en else keep.message_en))
    return sorted_findings(out)
