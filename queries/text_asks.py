"""The text questions' store halves on a server store: a bounded slice of townships per statement.

The text questions (near_duplicates, cross_part_duplicates, inconsistent_titles, topic_spread,
shared_articles) compare an item's texts with the other items of its township, in Python
(bigram similarity, title parsing and topic cutting are not Cypher's). Their statements
(``graphmodel.cypher.QUESTIONS``) return one row per township. Asked of every township in one
statement, the server held the whole store's texts at once: at 2,000 townships (600,000 items)
the statement overran the server's transaction memory (``dbms.memory.transaction.total.max``,
256 MB on the test server) and was refused. :func:`ask_by_slices` asks
:func:`townships_per_ask` townships per statement, each in its own read transaction, so a
transaction holds one slice's texts whatever the store's size.

The findings' evidence is read for the found items only, as slim cards
(:func:`queries.slim_cards.slim_cards`: the evidence fields and the texts the question judges,
not every text of the item), :data:`KEYS_PER_READ` items per statement.

A township's near-duplicate and cross-part pairs depend on its list alone: the write path keeps
them (``graphmodel.text_similarity.township_text_pairs``, on its ``TownshipEvidence`` node) and
:func:`kept_pairs` reads them, one short JSON text per township, instead of every item's texts;
a township without them (a store written before, a staged swap, an admin import) or with pairs of
another version is asked for its texts as above.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

import orjson

from graphmodel import DutyStore, ItemCard, ItemFilter
from graphmodel.env_number import env_number
from graphmodel.text_similarity import TEXT_PAIRS_VERSION

from ._common import answers_asks
from .slim_cards import slim_cards

__all__ = ["KEPT_TOWNSHIPS_PER_ASK", "KEYS_PER_READ", "TOWNSHIPS_PER_ASK", "WHOLE_TOWNSHIP_SHARE", "ask_by_slices",
           "evidence_cards", "evidence_cards_in", "kept_pairs", "paired_cards", "townships_per_ask"]

#: Townships per statement. A township of 300 items is ~0.3 MB of texts in the server's
#: transaction memory; 25 keep a slice under ~10 MB (override: $DUTYGRAPH_NEO4J_TEXT_TOWNSHIPS).
TOWNSHIPS_PER_ASK = 25
#: Items per evidence read (slim cards by key).
KEYS_PER_READ = 2000
#: The share of a township's items wanted from which its kept rows are read whole (see
#: :func:`evidence_cards_in`: a card by key costs about seven of a kept row).
WHOLE_TOWNSHIP_SHARE = 0.15
#: Townships per read of kept pairs (a few hundred bytes each; the rows are streamed, not collected).
KEPT_TOWNSHIPS_PER_ASK = 500


def townships_per_ask() -> int:
    """Townships asked per statement: ``$DUTYGRAPH_NEO4J_TEXT_TOWNSHIPS``, else :data:`TOWNSHIPS_PER_ASK`.

    >>> import os; os.environ["DUTYGRAPH_NEO4J_TEXT_TOWNSHIPS"] = "3"
    >>> townships_per_ask()
    3
    >>> del os.environ["DUTYGRAPH_NEO4J_TEXT_TOWNSHIPS"]; townships_per_ask() == TOWNSHIPS_PER_ASK
    True
    """
    return env_number("DUTYGRAPH_NEO4J_TEXT_TOWNSHIPS", TOWNSHIPS_PER_ASK, 1)


def ask_by_slices(store: DutyStore, question: str, towns: Sequence[str], **params: object) -> list[dict] | None:
    """The rows of ``store.ask(question, townships=slice, **params)`` over ``towns``, a slice of
    :func:`townships_per_ask` townships per statement; None when the store does not answer
    statements (the embedded store: the query reads its cards).

    >>> from queries._examples import example_store
    >>> ask_by_slices(example_store(), "near_duplicates", ["示例镇"]) is None
    True
    """
    if not answers_asks(store):
        return None
    size = townships_per_ask()
    rows: list[dict] = []
    for start in range(0, len(towns), size):
        got = store.ask(question, townships=list(towns[start:start + size]), **params)
        if got is None:
            return None
        rows.extend(got)
    return rows


def evidence_cards(store: DutyStore, keys: Iterable[str], fields: Sequence[str] = ()) -> tuple[ItemCard, ...]:
    """Slim cards of the items ``keys`` (sorted by key) holding the evidence fields and ``fields``,
    with leads, cooperators and bases; read :data:`KEYS_PER_READ` at a time. A store that does
    not answer statements gives its full cards.

    >>> from queries._examples import example_store
    >>> s = example_store(); k = s.item_cards()[0].key
    >>> [c.key for c in evidence_cards(s, [k])] == [k]
    True
    """
    wanted = sorted(set(keys))
    if not wanted:
        return ()
    if not answers_asks(store):
        return store.item_cards(ItemFilter(keys=wanted))
    out: list[ItemCard] = []
    for start in range(0, len(wanted), KEYS_PER_READ):
        out.extend(slim_cards(store, None, fields, keys=wanted[start:start + KEYS_PER_READ]) or ())
    return tuple(out)


def evidence_cards_in(store: DutyStore, by_town: Mapping[str, Collection[str]],
                      fields: Sequence[str] = ()) -> tuple[ItemCard, ...]:
    """:func:`evidence_cards` of the keys ``by_town`` names for each township. A township whose
    wanted items are :data:`WHOLE_TOWNSHIP_SHARE` or more of its items is read whole from the rows
    kept with its evidence and narrowed here: at 300 townships the kept rows gave 90,000 cards in
    1.3 s, a read by key 45,000 in 4.7 s (about 15 and 105 us a card)."""
    wanted = {k for ks in by_town.values() for k in ks}
    if not answers_asks(store) or not wanted:
        return evidence_cards(store, wanted, fields)
    towns = sorted(t for t, ks in by_town.items() if ks)
    sizes: dict[str, int] = {}
    for start in range(0, len(towns), KEPT_TOWNSHIPS_PER_ASK):
        for row in store.ask("township_stats", townships=towns[start:start + KEPT_TOWNSHIPS_PER_ASK], fields=[]) or ():
            sizes.update((t, items) for t, _, items, *_ in row["stats"] if items)
    whole = [t for t in towns if t in sizes and len(by_town[t]) >= WHOLE_TOWNSHIP_SHARE * sizes[t]]
    out = [c for c in slim_cards(store, None, fields, townships=whole) or () if c.key in wanted] if whole else []
    done = {c.key for c in out}
    out += evidence_cards(store, wanted - done, fields)
    return tuple(sorted(out, key=lambda c: c.key))


def kept_pairs(store: DutyStore, towns: Sequence[str], *, cross: bool) -> tuple[list[list], list[str]] | None:
    """The pairs kept at write time for ``towns`` (near-duplicate pairs [key a, key b, score,
    matched on], or with ``cross`` cross-part pairs [基本 key, other key, score, matched on]) and
    the towns that keep none of :data:`~graphmodel.text_similarity.TEXT_PAIRS_VERSION` (their
    texts are to be asked); None when the store does not answer statements.

    >>> from queries._examples import example_store
    >>> kept_pairs(example_store(), ["示例镇"], cross=False) is None
    True
    """
    if not answers_asks(store):
        return None
    pairs: list[list] = []
    others: list[str] = []
    for start in range(0, len(towns), KEPT_TOWNSHIPS_PER_ASK):
        for row in store.ask("kept_text_pairs", townships=list(towns[start:start + KEPT_TOWNSHIPS_PER_ASK]),
                             cross=cross) or ():
            if row["version"] == TEXT_PAIRS_VERSION and row["pairs"] is not None:
                pairs.extend(orjson.loads(row["pairs"]))
            else:
                others.append(row["township"])
    return pairs, others


def paired_cards(store: DutyStore, cards: Sequence[ItemCard], *, cross: bool) -> Sequence[ItemCard]:
    """Of ``cards`` (the audit's, read once), those in a pair kept for their township (see
    :func:`kept_pairs`) and every card of a township that keeps none; ``cards`` itself when the
    store does not answer statements. The pair tests are pairwise, so a text question asked of
    these cards finds the pairs it finds on all of them, without scoring every item's texts.

    >>> from queries._examples import example_store
    >>> s = example_store(); cs = s.item_cards()
    >>> paired_cards(s, cs, cross=False) is cs
    True
    """
    towns = sorted({c.item.township for c in cards})
    got = kept_pairs(store, towns, cross=cross) if towns else None
    if got is None:
        return cards
    found, others = got
    keys = {k for a, b, _, _ in found for k in (a, b)}
    scored = set(others)
    return tuple(c for c in cards if c.key in keys or c.item.township in scored)
