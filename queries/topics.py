"""Topic spread: items on one topic scattered over three or more township offices, one finding per topic.

The topics come from the list's own words, not from a fixed list. Within one township,
over its 基本 and 配合 items (the work its offices do):

1. every character bigram of the compacted item names is a candidate keyword, unless it
   holds a function character (的, 对, 和 …), is a generic word of duty lists
   (``GENERIC``: 管理, 监督, 检查, 处罚 …; extend with ``ignore``), straddles two of them
   (督检 in 监督检查), touches a generic action phrase of ``graphmodel/data/topic_generic_words.csv``
   (宣传教育, 备案登记, 先进表彰, 日常巡查 …: work done on every subject, not a subject a
   meeting discusses; ``ignore`` words of two or more characters count too), or occurs in more than
   ``max_share`` of the names (too common to be a topic) or in fewer than ``min_items``;
2. a keyword's group is the items whose name contains it; groups whose item sets overlap
   by ``MERGE_OVERLAP`` (of the smaller) are one topic (生活垃圾 gives 生活, 活垃, 垃圾);
3. a topic whose items involve ``min_offices`` or more township offices (leading or
   cooperating) gives ``topic.spread`` (low), named by the substring (2–6 characters)
   shared by most of its names, the longer on a tie.

``topic.spread`` is ``low``: no item has two leads or none (those are the overlap and gap
kinds); a subject worked on by several offices is a question of how the list is organised,
worth a look in the boundary meeting, not a defect of any one item.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

import orjson

from graphmodel import DeptLevel, DutyItem, DutyStore, InvalidArgument, ItemCard, Party
from graphmodel.text_topics import GENERIC, MERGE_OVERLAP, TOPICS_VERSION, generic_phrases, topic_groups

from ._common import (
    BASIC,
    COOPERATE,
    Finding,
    answers_asks,
    cards_of,
    en_list,
    en_quote,
    evidence,
    finding,
    kept,
    level_side,
    scope_townships,
    sorted_findings,
)
from .text_asks import KEPT_TOWNSHIPS_PER_ASK, KEYS_PER_READ, ask_by_slices, evidence_cards_in

__all__ = ["GENERIC", "MERGE_OVERLAP", "generic_phrases", "topic_spread", "topics"]

#: topic_spread's cutting defaults: the topics kept at write time are cut with these
#: (``graphmodel.text_topics.township_topics``); asked with others, the names are cut here.
_KEPT_CUT = (3, 0.08, ())


def _offices(card: ItemCard) -> set[str]:
    return {p.name for p in (*card.leads, *card.cooperators) if level_side(p.level) == "township"}


def topics(cards: Sequence[ItemCard], *, min_items: int = 3, max_share: float = 0.08,
           ignore: Sequence[str] = ()) -> list[tuple[str, tuple[ItemCard, ...], tuple[str, ...]]]:
    """(topic name, its cards, its keywords) for the cards of one township, largest topics first.

    >>> from queries._examples import text_store
    >>> [(name, len(cs)) for name, cs, _ in topics(text_store().item_cards(), max_share=0.5)][:1]
    [('垃圾', 3)]
    """
    cmap = {c.key: c for c in cards}
    return [(name, tuple(cmap[k] for k in keys), words) for name, keys, words in
            topic_groups({c.key: c.item.label for c in cards}, min_items=min_items, max_share=max_share, ignore=ignore)]


@kept(per_township=True)
def topic_spread(store: DutyStore, township: str | None = None, *, min_offices: int = 3, min_items: int = 3,
                 max_share: float = 0.08, ignore: Sequence[str] = (),
                 cards: Sequence[ItemCard] | None = None) -> tuple[Finding, ...]:
    """``topic.spread``: one finding per topic whose items involve ``min_offices`` or more township offices.

    >>> from queries._examples import text_store
    >>> [(f.subject, dict(f.details)["offices"]) for f in topic_spread(text_store(), max_share=0.5)]
    [('垃圾', '环卫所、经济发展办、综合行政执法队')]
    """
    if min_offices < 2:
        raise InvalidArgument("min_offices must be >= 2")
    precut: dict[str, list] = {}  # the topics kept at write time, by township (server store)
    by_town = None
    if cards is None:
        by_town = _topic_texts_asked(store, township, precut if (min_items, max_share, tuple(ignore)) == _KEPT_CUT
                                     else None)
    asked = by_town is not None  # stand-in cards from the store half
    if by_town is None:
        by_town = defaultdict(list)
        for c in cards_of(store, township, cards, parts=(BASIC, COOPERATE)):
            by_town[c.item.township].append(c)
        if (min_items, max_share, tuple(ignore)) == _KEPT_CUT and answers_asks(store):
            # the cards handed in (the audit's) on a server store: a township's kept topics are cut
            # from all its 基本/配合 items, so they stand for these cards when the cards are all of them
            for town, (count, found) in _kept_topics(store, sorted(by_town)).items():
                cmap = {c.key: c for c in by_town[town]}
                if len(cmap) == count and all(k in cmap for _, ks, _ in found for k in ks):
                    precut[town] = [(name, tuple(cmap[k] for k in ks), tuple(words)) for name, ks, words in found]
    spread = []
    for town, group in sorted(by_town.items()):
        cut = precut[town] if town in precut else topics(group, min_items=min_items, max_share=max_share, ignore=ignore)
        for name, cs, words in cut:
            offices: Counter[str] = Counter()
            for c in cs:
                offices.update(_offices(c))
            if len(offices) >= min_offices:
                spread.append((town, name, cs, words, sorted(offices, key=lambda o: (-offices[o], o))))
    if asked and spread:  # the findings show the real cards of the topics' items
        by_town: dict[str, set[str]] = defaultdict(set)
        for town, _, cs, _, _ in spread:
            by_town[town].update(c.key for c in cs)
        full = {c.key: c for c in evidence_cards_in(store, by_town)}
        spread = [(town, name, tuple(full[c.key] for c in cs), words, ranked) for town, name, cs, words, ranked in spread]
    out = []
    for town, name, cs, words, ranked in spread:
        out.append(finding(
            "topic.spread", town, name,
            f"「{name}」相关的{len(cs)}项事项分散在{len(ranked)}个科室：{'、'.join(ranked)}，宜统一研究",
            [evidence(c) for c in cs],
            message_en=f"{len(cs)} items about {en_quote(name)} are spread over {len(ranked)} offices: "
            f"{en_list(ranked)}; worth settling together",
            offices=ranked, keywords=words, item_names=[c.item.label for c in cs]))
    return sorted_findings(out)


def _kept_topics(store: DutyStore, towns: Sequence[str]) -> dict[str, tuple[int, list]]:
    """Per township of ``towns`` that keeps its topics (``graphmodel.text_topics.township_topics``, of
    this version): (the number of items cut, [[name, [keys], [keywords]], ...])."""
    kept: dict[str, tuple[int, list]] = {}
    for start in range(0, len(towns), KEPT_TOWNSHIPS_PER_ASK):
        for row in store.ask("kept_topics", townships=list(towns[start:start + KEPT_TOWNSHIPS_PER_ASK])) or ():
            if row["version"] == TOPICS_VERSION and row["topics"] is not None and row["items"] is not None:
                kept[row["township"]] = (row["items"], orjson.loads(row["topics"]))
    return kept


def _topic_texts_asked(store: DutyStore, township: str | None, precut: dict[str, list] | None = None
                       ) -> dict[str, list[ItemCard]] | None:
    """topic_spread's store half: per township, the name, sub-item and township offices of every
    基本 and 配合 item, a slice of townships per statement (``queries.text_asks``; topics are cut
    from the names of the whole township, which Cypher does not do), as stand-in cards holding only
    those (the offices as township-level leads: all ``_offices`` reads); the findings then read the
    slim cards (evidence) of the topics' items. None when the store does not answer.

    With ``precut`` (the question's default cut), a township that keeps its topics
    (``graphmodel.text_topics.township_topics``, of this version) is not asked for its names: its
    kept topics go into ``precut`` as (name, stand-in cards, keywords), and only the offices of
    their items are read (``QUESTIONS["topic_offices"]``)."""
    towns = scope_townships(store, township)
    out: dict[str, list[ItemCard]] = {}
    if precut is not None and answers_asks(store):
        kept = {town: found for town, (_, found) in _kept_topics(store, towns).items()}
        keys = sorted({k for found in kept.values() for _, ks, _ in found for k in ks})
        offices: dict[str, list[str]] = {}
        for start in range(0, len(keys), KEYS_PER_READ):
            for row in store.ask("topic_offices", keys=keys[start:start + KEYS_PER_READ],
                                 township_level=DeptLevel.TOWNSHIP.value) or ():
                offices[row["key"]] = row["offices"]
        for town, found in kept.items():
            stand_in = {k: ItemCard(DutyItem(k, town, ""), leads=tuple(Party("", o, DeptLevel.TOWNSHIP.value)
                                                                        for o in offices.get(k, ())))
                        for _, ks, _ in found for k in ks}
            out[town] = list(stand_in.values())
            precut[town] = [(name, tuple(stand_in[k] for k in ks), tuple(words)) for name, ks, words in found]
        towns = [t for t in towns if t not in kept]
    rows = ask_by_slices(store, "topic_spread", towns, parts=[BASIC, COOPERATE],
                         township_level=DeptLevel.TOWNSHIP.value)
    if rows is None:
        return None
    for row in rows:
        out[row["township"]] = [
            ItemCard(DutyItem(k, row["township"], name, sub_item=sub, part=part),
                      leads=tuple(Party("", o, DeptLevel.TOWNSHIP.value) for o in offices))
            for k, name, sub, part, offices in sorted(row["items"])]
    return out
