"""Legal bases: items without one, the most cited, titles cited inconsistently, the impact of a law change.

``legal.no_basis``
    an item with no BASED_ON, among the items the basis check applies to (基本 and 配合, not
    收回) on sheets that have a 法律依据 column (``queries.applicability``; an absent
    column is one ``coverage.column_absent`` finding);
``legal.inconsistent_title``
    one law (normalised title, see ``graphmodel.normalize.normalise_law_title``) cited
    under two or more titles within one township, e.g. with and without 中华人民共和国.
    The title as cited comes from the BASED_ON text (``ItemCard.citations``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import lru_cache
from collections.abc import Sequence
from dataclasses import dataclass


from graphmodel import DutyStore, InvalidArgument, ItemCard, ItemFilter
from graphmodel.normalize import compact, normalise_law_title, parse_citations

from ._common import (
    durable_of,
    Finding,
    answers_asks,
    ItemEvidence,
    cards_mostly_unbuilt,
    cards_of,
    en_quote,
    evidence,
    finding,
    kept,
    scope_townships,
    sorted_findings,
)
from .applicability import APPLICABILITY, layouts, recorded_townships
from .chains import chains, chains_from_cards, links_through
from .text_asks import ask_by_slices, evidence_cards

__all__ = [
    "BasisUse",
    "LawImpact",
    "cited_title",
    "inconsistent_titles",
    "law_impact",
    "most_cited",
    "no_basis",
]


@lru_cache(maxsize=65536)  # a pure function of the text; a county cites the same texts again and again
def cited_title(citation: str) -> str:
    """The law title as written in a citation text, without book marks or article.

    >>> cited_title("《中华人民共和国土地管理法》第六十二条"), cited_title("土地管理法第62条")
    ('中华人民共和国土地管理法', '土地管理法')
    """
    parsed = parse_citations(citation)
    return parsed[0][0] if parsed else compact(citation)


@kept(per_township=True)
def no_basis(store: DutyStore, township: str | None = None, *, cards: Sequence[ItemCard] | None = None) -> tuple[Finding, ...]:
    """Items with no legal basis (``legal.no_basis``); ``basis_text`` shows what the cell said.

    >>> from queries._examples import example_store
    >>> [f.subject for f in no_basis(example_store())]
    ['农村集体资产监督']
    """
    recorded = all(t.layout for t in (store.townships() if township is None else store.nodes("Township", township))
                   if township in (None, t.name))
    if cards is None and recorded:  # the store answers which items lack a basis; only their cards are read
        # (a store imported before layouts were recorded guesses each sheet's columns from all its cards)
        keys = _no_basis_asked(store, township)
        if keys is None:
            keys = store.items_without_basis(township)
        cards = store.item_cards(ItemFilter(keys=keys)) if keys else ()
    out = []
    cards = cards_of(store, township, cards)
    lay = layouts(store, cards)
    for c in cards:
        if not c.bases and lay.assessed("basis", c):
            out.append(finding("legal.no_basis", c.item.township, c.item.label, f"「{c.item.label}」没有法律依据",
                               [evidence(c)], message_en=f"{en_quote(c.item.label)} has no legal basis",
                               basis_text=c.item.basis_text))
    return sorted_findings(out)


def _no_basis_asked(store: DutyStore, township: str | None) -> list[str] | None:
    """no_basis' store half: the items without a basis on the sheets where the basis check is
    assessed (its part, and the sheet had the column), not every item without one (收回 items,
    which seldom cite one, were most of the 30,000 cards read at 300 townships). The embedded
    store narrows its index of items without a basis the same way. None when a layout is not
    recorded."""
    towns = recorded_townships(store, township)
    if towns is None:
        return None
    basis = APPLICABILITY["basis"]
    sheets = [{"township": t.name, "part": part} for t in towns for part in basis.parts
              if basis.field in (t.columns(part) or ())]
    rows = store.ask("no_basis", sheets=sheets)
    if rows is None:  # the embedded store: its items without a basis, on the assessed sheets only
        wanted = {(s["township"], s["part"]) for s in sheets}
        found = set(store.items_without_basis(township))
        return sorted(i.key for i in store.nodes("DutyItem", township)
                      if i.key in found and (i.township, i.part) in wanted)
    return sorted(rows[0]["keys"]) if rows else []


def _most_cited_from_relations(store: DutyStore, township: str | None, limit: int | None,
                               by_law: bool) -> tuple[BasisUse, ...]:
    """most_cited from the BASED_ON and LEADS relations: what the cards say of each basis, without
    building 9,000 cards on a store just opened; each township's part kept with it (after a write
    to one township only its part is counted again)."""
    bases = {b.key: b for b in store.nodes("LegalBasis")}
    names = {d.key: d.name for d in store.nodes("Department")}
    items: dict[str, set[str]] = defaultdict(set)
    depts: dict[str, set[str]] = defaultdict(set)
    cited_in: dict[str, set[str]] = defaultdict(set)
    meta: dict[str, tuple[str, str, int]] = {}
    for town in scope_townships(store, township):
        part = store.derived_in(town, ("basis_uses", by_law), township_only=True, **durable_of(store),
                                build=lambda t=town: _town_basis_uses(store, t, by_law, bases, names))
        for key, (m, keys, leads) in part.items():
            if key not in meta:
                meta[key] = m
            items[key].update(keys)
            depts[key].update(leads)
            cited_in[key].add(town)
    uses = [BasisUse(k, *meta[k], len(items[k]), tuple(sorted(depts[k])), tuple(sorted(cited_in[k]))) for k in items]
    uses.sort(key=lambda u: (-u.items, u.key))
    return tuple(uses[:limit] if limit is not None else uses)


def _town_basis_uses(store: DutyStore, town: str, by_law: bool, bases: dict, names: dict) -> dict[str, tuple]:
    """basis key -> ((label, law, article), the citing items' keys, their leads' names): one township's
    (``bases`` and ``names``: the store's legal bases and department names by key)."""
    own = {i.key for i in store.nodes("DutyItem", town)}
    leads: dict[str, list[str]] = defaultdict(list)
    for r in store.relations("LEADS", town):
        if r.dst in own:
            leads[r.dst].append(names[r.src])
    out: dict[str, tuple] = {}
    for r in store.relations("BASED_ON", town):
        if r.src not in own:
            continue
        b = bases[r.dst]
        key = f"basis:{b.law}" if by_law else b.key
        found = out.get(key)
        if found is None:  # a label is built per call (the article in Chinese numerals)
            found = out[key] = ((f"《{b.law}》", b.law, 0) if by_law else (b.label, b.law, b.article), set(), set())
        found[1].add(r.src)
        found[2].update(leads.get(r.src, ()))
    return out


@dataclass(frozen=True, slots=True)
class BasisUse:
    """How often a legal basis is cited: items, departments leading them, townships."""

    key: str
    label: str
    law: str
    article: int
    items: int
    departments: tuple[str, ...]
    townships: tuple[str, ...]


@kept()
def most_cited(store: DutyStore, township: str | None = None, *, limit: int | None = 20, by_law: bool = False,
               cards: Sequence[ItemCard] | None = None) -> tuple[BasisUse, ...]:
    """Bases by number of citing items (most first, then key); ``by_law`` folds articles into their law.

    >>> from queries._examples import example_store
    >>> [(u.label, u.items) for u in most_cited(example_store(), limit=3)]
    [('《土地管理法》第六十二条', 2), ('《城乡规划法》第六十五条', 2), ('《村庄和集镇规划建设管理条例》', 2)]
    >>> [(u.label, u.items) for u in most_cited(example_store(), limit=1, by_law=True)]
    [('《土地管理法》', 3)]
    """
    if cards is None:  # the store half: counts per basis from the store, no cards
        towns_in = scope_townships(store, township)
        rows = store.ask("most_cited", townships=towns_in, by_law=by_law)
        if rows is not None:
            bases = {} if by_law else {b.key: b for b in store.nodes("LegalBasis", township)}
            uses = [BasisUse(key, *((f"《{law}》", law, 0) if by_law else
                                    (bases[key].label, law, bases[key].article)),
                             n, tuple(sorted(depts)), tuple(sorted(towns)))
                    for r in rows for key, law, n, towns, depts in r["uses"]]
            uses.sort(key=lambda u: (-u.items, u.key))
            return tuple(uses[:limit] if limit is not None else uses)
        if store.keeps_derived and cards_mostly_unbuilt(store, township):
            # the networkx half while the cards are not built (a store just opened): relations, no card
            return _most_cited_from_relations(store, township, limit, by_law)
    items: dict[str, set[str]] = defaultdict(set)
    depts: dict[str, set[str]] = defaultdict(set)
    towns: dict[str, set[str]] = defaultdict(set)
    meta: dict[str, tuple[str, str, int]] = {}
    for c in cards_of(store, township, cards):
        for b in c.bases:
            key = f"basis:{b.law}" if by_law else b.key
            meta[key] = (f"《{b.law}》", b.law, 0) if by_law else (b.label, b.law, b.article)
            items[key].add(c.key)
            depts[key].update(p.name for p in c.leads)
            towns[key].add(c.item.township)
    uses = [BasisUse(k, *meta[k], len(items[k]), tuple(sorted(depts[k])), tuple(sorted(towns[k]))) for k in items]
    uses.sort(key=lambda u: (-u.items, u.key))
    return tuple(uses[:limit] if limit is not None else uses)


@kept(per_township=True)
def inconsistent_titles(store: DutyStore, township: str | None = None, *,
                        cards: Sequence[ItemCard] | None = None) -> tuple[Finding, ...]:
    """Laws cited under more than one title in one township (``legal.inconsistent_title``).

    >>> from queries._examples import example_store
    >>> [(f.subject, dict(f.details)["titles"]) for f in inconsistent_titles(example_store())]
    [('土地管理法', '中华人民共和国土地管理法、土地管理法'), ('消防法', '中华人民共和国消防法、消防法'), ('城乡规划法', '中华人民共和国城乡规划法、城乡规划法')]
    """
    if cards is None:
        cards = _inconsistent_titles_asked(store, township)
    seen: dict[tuple[str, str], dict[str, list[ItemCard]]] = defaultdict(lambda: defaultdict(list))
    for c in cards_of(store, township, cards):
        for b, cited in zip(c.bases, c.citations):
            title = cited_title(cited) if cited else b.law
            group = seen[(c.item.township, b.law)][title]
            if not group or group[-1].key != c.key:  # cards arrive one at a time: no repeats but the last
                group.append(c)
    out = []
    for (town, law), titles in sorted(seen.items()):
        if len(titles) < 2:
            continue
        names = sorted(titles)
        usage = "；".join(f"《{t}》：{'、'.join(c.item.label for c in titles[t])}" for t in names)
        out.append(finding("legal.inconsistent_title", town, law, f"《{law}》有{len(names)}种写法：{usage}",
                           [evidence(c) for c in {c.key: c for t in names for c in titles[t]}.values()],
                           message_en=f"《{law}》 is written in {len(names)} ways: " + "; ".join(
                               f"《{t}》: {', '.join(en_quote(c.item.label) for c in titles[t])}" for t in names),
                           titles=names, law=law))
    return sorted_findings(out)


def _inconsistent_titles_asked(store: DutyStore, township: str | None) -> tuple[ItemCard, ...] | None:
    """inconsistent_titles' store half: (township, law, citation) with the citing items' keys from
    the store, a slice of townships per statement (``queries.text_asks``), titles read here
    (``cited_title`` is not Cypher's), then the slim cards (evidence, citations) of every item
    citing a law written two ways in its township: each such law's whole group, so the query
    finds the same findings among them. None when the store does not answer.
    """
    rows = ask_by_slices(store, "inconsistent_titles", scope_townships(store, township))
    if rows is None:
        return None
    titles: dict[tuple[str, str], set[str]] = defaultdict(set)
    citing: dict[tuple[str, str], set[str]] = defaultdict(set)
    for town, law, cited, keys in (use for row in rows for use in row["uses"]):
        titles[(town, law)].add(cited_title(cited) if cited else law)
        citing[(town, law)].update(keys)
    return evidence_cards(store, {k for tl, ts in titles.items() if len(ts) >= 2 for k in citing[tl]})


def _citing(store: DutyStore, bases: list[str], township: str | None) -> tuple[str, ...]:
    """The keys of the items citing ``bases``: asked of the store where it answers (one statement
    on Neo4j), else from each basis's neighbourhood (reading every BASED_ON relation of the
    embedded store was most of a first run after a write: 107 of 110 ms on a county)."""
    if not bases:
        return ()
    rows = store.ask("law_items", bases=sorted(bases), township=township)
    if rows is not None:
        return tuple(sorted(rows[0]["keys"])) if rows else ()
    return tuple(sorted({n.key for b in bases for n in store.neighbourhood(b, 1, ("BASED_ON",)).nodes
                         if n.node_type == "DutyItem" and township in (None, n.township)}))


def _chains_through(store: DutyStore, township: str | None, keys: set[str], cards: Sequence[ItemCard]) -> tuple:
    """The chains (as ``chains(store, township)`` builds them) that hold one of ``keys``: the
    FOLLOWED_BY links of those chains are read (for the whole store, asked of the store), and
    only their cards (every chain of 300 townships took 2 s of the law's 2.4 s on Neo4j)."""
    rows = store.ask("chain_links_through", keys=sorted(keys)) if township is None else None
    links = tuple(sorted(map(tuple, rows[0]["links"]))) if rows else store.chain_links(township)
    touched = keys & {k for link in links for k in link}
    if not touched:
        return ()
    mine = tuple(links_through(links, touched))
    wanted = {k for link in mine for k in link}
    known = {c.key: c for c in cards}
    missing = sorted(wanted - known.keys())
    if missing:
        known.update((c.key, c) for c in store.item_cards(ItemFilter(keys=missing)))
    return chains_from_cards(mine, known)


@dataclass(frozen=True, slots=True)
class LawImpact:
    """What rests on a law (or one article): items, departments (with item counts), chains."""

    law: str
    article: int | None
    bases: tuple[str, ...]  # labels of the matching bases
    items: tuple[ItemEvidence, ...]
    departments: tuple[tuple[str, str, int], ...]  # (department name, level, items it leads or cooperates on)
    chains: tuple[tuple[str, tuple[str, ...]], ...]  # (chain id, step names)


def law_impact(store: DutyStore, law: str, article: int | None = None, township: str | None = None) -> LawImpact:
    """The items, departments and chains resting on ``law`` (any spelling) or one of its articles.

    ``article=None`` takes every article and the law as a whole; ``article=0`` only the whole-law citations.

    >>> from queries._examples import example_store
    >>> imp = law_impact(example_store(), "中华人民共和国城乡规划法", 65)
    >>> [i.name for i in imp.items], imp.departments, imp.chains
    (['违法建设巡查', '责令停止违法建设'], (('综合行政执法队', '镇街内设机构', 1),), (('chain:item:示例镇:code:SL-008', ('违法建设巡查', '责令停止违法建设')),))
    """
    key_title = normalise_law_title(law)
    if not key_title:
        raise InvalidArgument("name a law, e.g. 土地管理法")
    if article is not None and article < 0:
        raise InvalidArgument("article must be >= 0")
    bases = [b for b in store.nodes("LegalBasis", township)
             if b.law == key_title and (article is None or b.article == article)]
    item_keys = _citing(store, [b.key for b in bases], township)
    cards = store.item_cards(ItemFilter(township=township, keys=item_keys)) if item_keys else ()
    depts: Counter[tuple[str, str]] = Counter()
    for c in cards:
        for p in {(p.name, p.level) for p in (*c.leads, *c.cooperators)}:
            depts[p] += 1
    keyset = set(item_keys)
    found = _chains_through(store, township, keyset, cards) if answers_asks(store) else chains(store, township)
    affected = tuple((ch.id, tuple(s.item.name for s in ch.steps)) for ch in found if keyset & set(ch.keys))
    return LawImpact(
        key_title, article, tuple(b.label for b in bases), tuple(evidence(c) for c in cards),
        tuple(sorted(((n, lv, k) for (n, lv), k in depts.items()), key=lambda x: (-x[2], x[0]))), affected,
    )
