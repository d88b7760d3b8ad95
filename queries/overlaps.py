"""Overlaps: items or laws whose responsibility is claimed by more than one office.

Four kinds (identifiers as in ``run_audit``):

``overlap.multi_lead``
    an item with two or more LEADS;
``overlap.near_duplicate``
    two items of one township whose names (or contents) are nearly the same and whose
    lead sets differ — the hidden overlap left when raw inventories were merged;
``overlap.shared_article``
    one law *article* cited by several items that are led by different offices;
``overlap.cooperate_township_lead``
    a 配合 item (a county department leads) that also has a township office as lead.

Near-duplicates compare compacted names by the Dice coefficient of their character
bigrams (:func:`name_similarity`). Two items of one township are near-duplicates when

* their names score at least ``NAME_THRESHOLD`` = 0.7 (农村生活垃圾治理 / 农村生活垃圾分类治理: 0.75), or
* they score at least ``RELATED_THRESHOLD`` = 0.6, have the same power type and the same
  first ``SHARED_PREFIX`` = 4 characters (农村生活垃圾治理 / 农村生活垃圾清运保洁: 0.625), or
* one name contains the other (the shorter at least 4 characters), or
* their contents (both at least ``MIN_CONTENT_CHARS`` = 10 characters) score at least
  ``CONTENT_THRESHOLD`` = 0.8,

and their lead sets differ (both led). Names such as 消防安全检查 / 校车安全检查 (0.6, no
shared start) or 农业技术推广服务 / 农业技术推广奖励推荐 (0.625, different power types) stay
apart. Candidate pairs come from prefix filtering on rare bigrams (exact, far from O(n²)
on a province's lists) and, for containment, from the shorter name's rarest bigram.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from graphmodel import DutyStore, ItemCard
from graphmodel.text_similarity import (  # the pair rules, shared with the write path (kept pairs)
    CONTENT_THRESHOLD,
    MIN_CONTAINED_CHARS,
    MIN_CONTENT_CHARS,
    NAME_THRESHOLD,
    RELATED_THRESHOLD,
    SHARED_PREFIX,
    name_similarity,
)
from graphmodel.text_similarity import similar_items as _similar_items

from ._common import (
    durable_of,
    COOPERATE,
    Finding,
    agreed_split,
    answers_asks,
    asked_cards,
    cards_of,
    evidence,
    finding,
    kept,
    scope_townships,
    sorted_findings,
)
from ._common import en_list, en_quote
from .text_asks import KEYS_PER_READ, ask_by_slices, evidence_cards, evidence_cards_in, kept_pairs

__all__ = [
    "CONTENT_THRESHOLD",
    "MIN_CONTAINED_CHARS",
    "MIN_CONTENT_CHARS",
    "NAME_THRESHOLD",
    "RELATED_THRESHOLD",
    "SHARED_PREFIX",
    "cooperate_township_lead",
    "multi_lead",
    "name_similarity",
    "near_duplicates",
    "overlaps",
    "shared_articles",
]

#: The item fields the pair test reads beyond the evidence (name, sub-item, power type): slim cards carry them.
_PAIR_FIELDS = ("content",)

#: What a pair matched on (名称, 内容), in English.
_BASIS_EN = {"名称": "names", "内容": "contents"}


@kept(per_township=True)
def multi_lead(store: DutyStore, township: str | None = None, *, cards: Sequence[ItemCard] | None = None) -> tuple[Finding, ...]:
    """Items with two or more lead departments (``overlap.multi_lead``).

    An item whose 备注 records an agreed split of duties (``职责分工：…``, what a meeting's
    "accept as shared" decision writes) is shared on purpose, not an open overlap: it is left
    out here, and its ownership state stays ``shared`` with the split as the reason.

    >>> from queries._examples import example_store
    >>> [(f.subject, f.details) for f in multi_lead(example_store())]
    [('农村宅基地审批管理', (('leads', '农业农村办、自然资源所'),))]
    """
    out = []
    for c in cards_of(store, township, cards, min_leads=2):
        if agreed_split(c.item):
            continue
        names = [p.name for p in c.leads]
        out.append(finding("overlap.multi_lead", c.item.township, c.item.label,
                           f"「{c.item.label}」有{len(names)}个牵头部门：{'、'.join(names)}",
                           [evidence(c)], message_en=f"{en_quote(c.item.label)} has {len(names)} leads: {en_list(names)}",
                           leads=names))
    return sorted_findings(out)


def _lead_set(card: ItemCard) -> frozenset[str]:
    return frozenset(p.key for p in card.leads)


@kept(per_township=True)
def near_duplicates(store: DutyStore, township: str | None = None, *, name_threshold: float = NAME_THRESHOLD,
                    content_threshold: float = CONTENT_THRESHOLD, cards: Sequence[ItemCard] | None = None) -> tuple[Finding, ...]:
    """Pairs of items of one township with nearly the same name or content, led by different offices.

    Both items must have at least one lead and their lead sets must differ
    (``overlap.near_duplicate``; details give the score and what matched: 名称, 名称包含, 内容).

    >>> from queries._examples import example_store
    >>> [(f.subject, dict(f.details)["score"]) for f in near_duplicates(example_store())]
    [('农村生活垃圾治理 / 农村生活垃圾清运保洁', '0.625')]
    """
    if cards is None:
        cards = _near_duplicates_asked(store, township, name_threshold, content_threshold)
    by_township: dict[str, list[ItemCard]] = defaultdict(list)
    for c in cards_of(store, township, cards):
        by_township[c.item.township].append(c)
    out = []
    for town, group in sorted(by_township.items()):
        cmap = {c.key: c for c in group}
        records = tuple((c.key, c.item.label, c.item.power_type, c.item.content) for c in group)
        for (a, b), (score, basis) in _town_similar_items(store, town, group, records, name_threshold,
                                                          content_threshold):
            ca, cb = cmap[a], cmap[b]
            if not ca.leads or not cb.leads or _lead_set(ca) == _lead_set(cb):
                continue
            first, second = sorted((ca, cb), key=lambda c: (c.item.source_row, c.key))
            subject = f"{first.item.label} / {second.item.label}"
            out.append(finding(
                "overlap.near_duplicate", town, subject,
                f"「{first.item.label}」与「{second.item.label}」{basis[:2]}相近（{score:.2f}），"
                f"牵头部门不同：{'、'.join(p.name for p in first.leads)} / {'、'.join(p.name for p in second.leads)}",
                [evidence(ca), evidence(cb)],
                message_en=f"{en_quote(first.item.label)} and {en_quote(second.item.label)} have similar "
                f"{_BASIS_EN.get(basis[:2], en_quote(basis[:2]))} ({score:.2f}) but different leads: "
                f"{en_list(p.name for p in first.leads)} / {en_list(p.name for p in second.leads)}",
                score=f"{score}", matched_on=basis,
            ))
    return sorted_findings(out)


def _near_duplicates_asked(store: DutyStore, township: str | None, name_threshold: float,
                           content_threshold: float) -> tuple[ItemCard, ...] | None:
    """near_duplicates' store half: the slim cards (evidence and the texts compared) of the items
    in a pair. At the default thresholds a township's pairs are those kept with its list
    (``queries.text_asks.kept_pairs``) with the lead keys of their items; the other townships' texts and lead keys are read, a slice
    of townships per statement (``queries.text_asks``), and scored here (bigram similarity is not
    Cypher's), keeping the pairs with two different lead sets. Exact: every test of
    ``_similar_items`` is pairwise, so the query finds the same pairs again among these cards. None when the store does not answer.
    """
    towns = scope_townships(store, township)
    keys: set[str] = set()
    if name_threshold == NAME_THRESHOLD and content_threshold == CONTENT_THRESHOLD:
        got = kept_pairs(store, towns, cross=False)
        if got is None:
            return None
        found, towns = got
        paired = sorted({k for a, b, _, _ in found for k in (a, b)})
        leads: dict[str, frozenset[str]] = {}
        for start in range(0, len(paired), KEYS_PER_READ):
            for row in store.ask("lead_keys", keys=paired[start:start + KEYS_PER_READ]) or ():
                leads[row["key"]] = frozenset(row["leads"])
        for a, b, _, _ in found:
            if leads.get(a) and leads.get(b) and leads[a] != leads[b]:
                keys.update((a, b))
    rows = ask_by_slices(store, "near_duplicates", towns)
    if rows is None:
        return None
    for row in rows:
        items = sorted(row["items"])
        leads = {k: frozenset(ls) for k, _, _, _, _, ls in items}
        records = tuple((k, f"{name}（{sub}）" if sub else name, power, content)  # DutyItem.label
                        for k, name, sub, power, content, _ in items)
        for (a, b), _ in _similar_items(records, name_threshold, content_threshold):
            if leads[a] and leads[b] and leads[a] != leads[b]:
                keys.update((a, b))
    return evidence_cards(store, keys, _PAIR_FIELDS)


def _town_similar_items(store: DutyStore, town: str, group: Sequence[ItemCard], records: tuple,
                        name_threshold: float, content_threshold: float) -> tuple:
    """``_similar_items`` of one township's records; kept with the township (on disk too) when
    they are the store's own items, all of them (what_if's cards with moved leads are: it asks
    again with the same texts, and a store just opened has no pairs in memory)."""
    if store.keeps_derived and getattr(store, "keeps_answers", False):
        items = {n.key: n for n in store.nodes("DutyItem", town)}
        if len(items) == len(group) and all(items.get(c.key) is c.item for c in group):
            return store.derived_in(town, ("similar_items", name_threshold, content_threshold), township_only=True,
                                    build=lambda: _similar_items(records, name_threshold, content_threshold),
                                    **durable_of(store))
    return _similar_items(records, name_threshold, content_threshold)


@kept(per_township=True)
def shared_articles(store: DutyStore, township: str | None = None, *, include_whole_law: bool = False,
                    min_items: int = 2, cards: Sequence[ItemCard] | None = None) -> tuple[Finding, ...]:
    """Law articles cited by ``min_items`` or more items that are led by two or more different offices.

    By default only article-level bases count (a whole law is cited by too much to mean
    anything) and a single item with two leads is left to ``overlap.multi_lead``;
    ``include_whole_law=True, min_items=1`` gives every basis whose items have two or
    more distinct leads.

    >>> from queries._examples import example_store
    >>> [(f.subject, dict(f.details)["offices"]) for f in shared_articles(example_store())]
    [('《土地管理法》第六十二条', '农业农村办、自然资源所')]
    """
    groups: dict[tuple[str, str], list[ItemCard]] = defaultdict(list)
    labels: dict[str, str] = {}
    asked = None
    if cards is None:  # the store half: the database finds the groups, only their items' cards are read
        towns = scope_townships(store, township)
        asked = ask_by_slices(store, "shared_articles", towns, whole_law=include_whole_law, min_items=min_items)
    if asked is not None:
        found = [g for r in asked for g in r["groups"]]
        by_town: dict[str, set[str]] = defaultdict(set)
        for town, _, ks in found:
            by_town[town].update(ks)
        by_key = {c.key: c for c in evidence_cards_in(store, by_town)}  # the evidence (with bases) only
        for town, bkey, ks in found:
            groups[(town, bkey)] = [by_key[k] for k in sorted(ks)]
            labels[bkey] = next(b.label for b in by_key[ks[0]].bases if b.key == bkey)
    else:
        for c in cards_of(store, township, cards, min_leads=1):
            for b in c.bases:
                if b.article or include_whole_law:
                    groups[(c.item.township, b.key)].append(c)
                    labels[b.key] = b.label
    out = []
    for (town, bkey), group in sorted(groups.items()):
        offices = sorted({p.name for c in group for p in c.leads})
        if len(group) < min_items or len(offices) < 2:
            continue
        out.append(finding("overlap.shared_article", town, labels[bkey],
                           f"{labels[bkey]}由{len(offices)}个部门在{len(group)}个事项中执行：{'、'.join(offices)}",
                           [evidence(c) for c in group],
                           message_en=f"{en_quote(labels[bkey])} is enforced by {len(offices)} offices in "
                           f"{len(group)} items: {en_list(offices)}", basis=bkey, offices=offices))
    return sorted_findings(out)


@kept(per_township=True)
def cooperate_township_lead(store: DutyStore, township: str | None = None, *,
                            cards: Sequence[ItemCard] | None = None) -> tuple[Finding, ...]:
    """配合 items that have a township office (镇街内设机构) among their leads.

    >>> from queries._examples import ListBuilder
    >>> from graphmodel import open_store
    >>> b = ListBuilder("样例镇")
    >>> _ = b.item("森林防火", part="配合履职事项", leads=["县林业局", "农业农村办"])
    >>> s = open_store("memory", data_dir=None); _ = s.replace_township(b.build())
    >>> [dict(f.details)["township_leads"] for f in cooperate_township_lead(s)]
    ['农业农村办']
    """
    if cards is None:  # the store half: 配合 items with a township office among their leads
        cards = asked_cards(store, township, "cooperate_township_lead", part=COOPERATE, level="镇街内设机构")
    out = []
    for c in cards_of(store, township, cards, parts=(COOPERATE,), min_leads=1):
        own = [p.name for p in c.leads if p.level == "镇街内设机构"]
        if own:
            out.append(finding("overlap.cooperate_township_lead", c.item.township, c.item.label,
                               f"配合事项「{c.item.label}」由镇街科室牵头：{'、'.join(own)}",
                               [evidence(c)], message_en=f"Cooperation item {en_quote(c.item.label)} is led by a "
                               f"township office: {en_list(own)}", township_leads=own))
    return sorted_findings(out)


@kept(per_township=True)
def overlaps(store: DutyStore, township: str | None = None, *, cards: Sequence[ItemCard] | None = None) -> tuple[Finding, ...]:
    """Every overlap finding, sorted by township, kind and item keys.

    >>> from queries._examples import example_store
    >>> sorted({f.kind for f in overlaps(example_store())})
    ['overlap.multi_lead', 'overlap.near_duplicate', 'overlap.shared_article']
    """
    if cards is None and not answers_asks(store):  # Neo4j: each part asks its own statement
        cards = cards_of(store, township)
    return sorted_findings(
        f
        for fn in (multi_lead, near_duplicates, shared_articles, cooperate_township_lead)
        for f in fn(store, township, cards=cards)
    )
