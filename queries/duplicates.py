"""Duplicates across the list's parts: one duty listed as the township's own and as withdrawn or cooperation.

``overlap.cross_part_duplicate`` (high)
    a 基本 item and a 收回 item (a withdrawn duty still listed as the township's own), or a
    基本 item and a 配合 item, of one township with the same or nearly the same duty:
    compacted names with Dice ≥ ``overlaps.NAME_THRESHOLD`` on character bigrams, or one
    name containing the other (the shorter at least ``overlaps.MIN_CONTAINED_CHARS``
    characters), or contents (both at least ``overlaps.MIN_CONTENT_CHARS`` characters) with
    Dice ≥ ``overlaps.CONTENT_THRESHOLD``. Unlike ``overlap.near_duplicate`` the leads do not
    have to differ: the same office leading both halves is the same double listing.

The audit reports such a pair once, here, and leaves it out of ``overlap.near_duplicate``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from graphmodel import DutyItem, DutyStore, ItemCard
from graphmodel.text_similarity import CROSS_PARTS, cross_part_scores

from ._common import (
    kept,
    WITHDRAWN,
    Finding,
    cards_of,
    scope_townships,
    evidence,
    finding,
    sorted_findings,
)
from ._common import PART_EN, en_list, en_quote
from .text_asks import ask_by_slices, evidence_cards, kept_pairs
from .overlaps import _BASIS_EN, NAME_THRESHOLD

__all__ = ["CROSS_PARTS", "cross_part_duplicates", "cross_part_pairs"]


def _part_en(part: str) -> str:
    return PART_EN.get(part, en_quote(part))


def cross_part_pairs(cards: Sequence[ItemCard], name_threshold: float = NAME_THRESHOLD
                     ) -> list[tuple[ItemCard, ItemCard, float, str]]:
    """(基本 card, other card, score, matched on) for every duplicate pair among ``cards`` of one
    township (the rule: ``graphmodel.text_similarity.cross_part_scores``)."""
    cmap = {c.key: c for c in cards}
    return [(cmap[a], cmap[b], score, basis) for a, b, score, basis in cross_part_scores(
        ((c.key, c.item.label, c.item.part, c.item.content) for c in cards), name_threshold)]


@kept(per_township=True)
def cross_part_duplicates(store: DutyStore, township: str | None = None, *, name_threshold: float = NAME_THRESHOLD,
                          cards: Sequence[ItemCard] | None = None) -> tuple[Finding, ...]:
    """``overlap.cross_part_duplicate``: the same duty in 基本 and in 收回 or 配合.

    >>> from queries._examples import text_store
    >>> [(f.subject, dict(f.details)["parts"]) for f in cross_part_duplicates(text_store())]
    [('农村宅基地审批 / 农村宅基地审批管理', '基本履职事项 / 上级部门收回事项')]
    """
    if cards is None:
        cards = _cross_part_asked(store, township, name_threshold)
    by_town: dict[str, list[ItemCard]] = defaultdict(list)
    for c in cards_of(store, township, cards):
        by_town[c.item.township].append(c)
    out = []
    for town, group in sorted(by_town.items()):
        for a, b, score, basis in cross_part_pairs(group, name_threshold):
            what = "已收回的职责仍列为本级基本履职事项" if b.item.part == WITHDRAWN else "同一职责既列为基本履职又列为配合履职"
            leads = ["、".join(p.name for p in c.leads) or "（无）" for c in (a, b)]
            leads_en = [en_list(p.name for p in c.leads) or "no lead" for c in (a, b)]
            what_en = ("a withdrawn duty is still listed as this level's basic duty" if b.item.part == WITHDRAWN
                       else "one duty is listed both as a basic and as a cooperation duty")
            out.append(finding(
                "overlap.cross_part_duplicate", town, f"{a.item.label} / {b.item.label}",
                f"「{a.item.label}」（{a.item.part}，{leads[0]}）与「{b.item.label}」（{b.item.part}，{leads[1]}）"
                f"{basis[:2]}相近（{score:.2f}）：{what}",
                [evidence(a), evidence(b)],
                message_en=f"{en_quote(a.item.label)} ({_part_en(a.item.part)}, {leads_en[0]}) and "
                f"{en_quote(b.item.label)} ({_part_en(b.item.part)}, {leads_en[1]}) have similar "
                f"{_BASIS_EN.get(basis[:2], en_quote(basis[:2]))} ({score:.2f}): {what_en}",
                parts=f"{a.item.part} / {b.item.part}", score=f"{score}", matched_on=basis))
    return sorted_findings(out)


def _cross_part_asked(store: DutyStore, township: str | None, name_threshold: float) -> tuple[ItemCard, ...] | None:
    """cross_part_duplicates' store half: the slim cards (evidence and the texts compared) of the
    paired items. At the default threshold a township's pairs are those kept with its list
    (``queries.text_asks.kept_pairs``); the other townships' name, part and content of every item
    are read, a slice of townships per statement (``queries.text_asks``), and paired here on
    stand-in cards holding only those. Exact: every test of ``cross_part_pairs`` is pairwise, so
    the query finds the same pairs again among these cards. None when the store does not answer.
    """
    towns = scope_townships(store, township)
    keys: set[str] = set()
    if name_threshold == NAME_THRESHOLD:
        got = kept_pairs(store, towns, cross=True)
        if got is None:
            return None
        found, towns = got
        keys.update(k for a, b, _, _ in found for k in (a, b))
    rows = ask_by_slices(store, "cross_part_duplicates", towns)
    if rows is None:
        return None
    for row in rows:
        texts = [ItemCard(DutyItem(k, row["township"], name, sub_item=sub, part=part, content=content))
                 for k, name, sub, part, content in sorted(row["items"])]
        for a, b, _, _ in cross_part_pairs(texts, name_threshold):
            keys.update((a.key, b.key))
    return evidence_cards(store, keys, ("content",))  # the evidence and the texts compared
