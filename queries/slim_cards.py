"""Slim cards: item cards holding only the fields a query reads, for a store that answers statements.

A whole-store question on Neo4j used to read every item card: every text of every item, its
villages, bases and chain links (90,000 cards took 11–35 s at 300 townships). Most questions
read a few fields of a card: its evidence (``queries._common.evidence``: key, township, name,
sub-item, code, part, power type, source, leads, cooperators, bases) and the one or two texts
they judge. :func:`slim_cards` reads just those (``graphmodel.cypher.QUESTIONS["slim_cards"]``)
and returns :class:`~graphmodel.ItemCard` records whose other fields keep their defaults, so a
query's own code runs on them unchanged.

The contract: a query passes every ``DutyItem`` field it (and the helpers it calls) reads, in
a tuple named beside the query; the slim cards are internal to that call and never returned
(their evidence is, and it is complete). ``tests/test_parity.py`` is the judge: a field left
out shows as a difference from the embedded store, which reads whole cards. The embedded store
answers None here and the query reads its own cards as before.

A township imported since ``graphmodel.township_evidence`` keeps these rows in one JSON text
(written with its list): the townships that have it are read from it — one text each, and what
the rows' departments, bases and villages are now (``QUESTIONS["evidence_nodes"]``) — and only
the others through the statement. Measured at 300 townships: see bench/README.md (slice neoevid).
"""

from __future__ import annotations

from collections.abc import Iterable

import orjson

from graphmodel import DutyItem, DutyStore, ItemCard, LegalBasis, Party
from graphmodel.env_number import env_number
from graphmodel.gc_pause import gc_paused
from graphmodel.township_evidence import EVIDENCE_VERSION, KEPT_FIELDS

from ._common import answers_asks, scope_townships

#: Townships whose kept evidence one statement reads (``$DUTYGRAPH_NEO4J_EVIDENCE_TOWNSHIPS``): the
#: statement collects their rows into one value in the server's transaction memory, ~0.2-0.4 MB a
#: township; every township of 2,000 at once was refused under the common 256 MB limit.
EVIDENCE_TOWNSHIPS_PER_ASK = 25

__all__ = ["EVIDENCE_FIELDS", "slim_cards"]

#: The item fields ``queries._common.evidence`` reads (label = name + sub-item; source = file, sheet, row).
EVIDENCE_FIELDS = ("key", "township", "name", "sub_item", "code", "part", "power_type",
                   "source_file", "source_sheet", "source_row")
#: Fields a slim card may carry: the item's single values (the tuple fields are not read this way).
_SCALAR = frozenset(n for n, t in DutyItem.__annotations__.items() if t in ("str", "int"))


def _cards(names: tuple[str, ...], row: dict) -> list[ItemCard]:
    """One township's (or the keys') cards from the statement's rows, joined on the item's id."""
    leads: dict[str, list[Party]] = {}
    cooperators: dict[str, list[Party]] = {}
    for i, lead, k, n, lv, t in row["parties"]:
        (leads if lead else cooperators).setdefault(i, []).append(Party(k, n, lv or "", t or ""))
    bases: dict[str, list[tuple[LegalBasis, str]]] = {}
    for i, k, law, article, cited in row["bases"]:
        bases.setdefault(i, []).append((LegalBasis(k, law, article or 0), cited or ""))
    villages: dict[str, list[Party]] = {}
    for i, k, n, kind, t in row["villages"]:
        villages.setdefault(i, []).append(Party(k, n, kind or "", t or ""))
    out = []
    for i, values in row["items"]:
        cited = sorted(bases.get(i, ()), key=lambda bc: bc[0].key)
        out.append(ItemCard(
            item=DutyItem(**{n: v for n, v in zip(names, values) if v is not None}),
            leads=tuple(sorted(leads.get(i, ()))),
            cooperators=tuple(sorted(cooperators.get(i, ()))),
            villages=tuple(sorted(villages.get(i, ()))),
            bases=tuple(b for b, _ in cited),
            citations=tuple(c for _, c in cited),
        ))
    return out


def _kept_cards(store: DutyStore, towns: list[str], names: tuple[str, ...], parts: tuple[str, ...],
                power_types: tuple[str, ...], bases: bool, villages: bool) -> tuple[list[ItemCard], list[str]]:
    """The cards of the ``towns`` that keep their evidence (graphmodel.township_evidence), and the
    towns that do not (read through the statement). The kept rows name the other ends by key;
    their names, levels and titles are read now, as the statement reads them."""
    step = env_number("DUTYGRAPH_NEO4J_EVIDENCE_TOWNSHIPS", EVIDENCE_TOWNSHIPS_PER_ASK, 1)
    kept: list = []
    for start in range(0, len(towns), step):  # a slice of townships per statement: bounded memory
        got = store.ask("township_evidence", townships=towns[start:start + step], fields=list(names),
                        bases=bases, villages=villages) or []
        kept += got[0]["kept"] if got else []
    with gc_paused():  # a burst of ~10 objects per card kept by the caller: collections would find nothing
        return _built(store, towns, kept, names, parts, power_types, bases, villages)


def _built(store: DutyStore, towns: list[str], rows: list, names: tuple[str, ...], parts: tuple[str, ...],
           power_types: tuple[str, ...], bases: bool, villages: bool) -> tuple[list[ItemCard], list[str]]:
    kept, others = [], []
    for town, version, columns, parties, cited, assisting in rows:  # one per township asked
        if version == EVIDENCE_VERSION and None not in columns:
            kept.append(([orjson.loads(c) for c in columns], orjson.loads(parties),
                         orjson.loads(cited) if bases else (), orjson.loads(assisting) if villages else ()))
        else:
            others.append(town)
    if not kept:
        return [], others
    if parts or power_types:  # the admitted items only, from here on (and only their ends asked)
        kept = [_narrowed(k, names, parts, power_types) for k in kept]
    dkeys = sorted({p[2] for k in kept for p in k[1]})
    bkeys = sorted({b[1] for k in kept for b in k[2]})
    vkeys = sorted({v[1] for k in kept for v in k[3]})
    found = store.ask("evidence_nodes", departments=dkeys, bases=bkeys, villages=vkeys)[0]
    depts = {k: (n, lv or "") for k, n, lv in found["departments"]}
    laws = {k: LegalBasis(k, law, article or 0) for k, law, article in found["bases"]}
    places = {k: (n, kind or "") for k, n, kind in found["villages"]}
    if len(depts) < len(dkeys) or len(laws) < len(bkeys) or len(places) < len(vkeys):
        return [], towns  # an end the rows name is gone (not written by an import): ask the graph
    # one Party per (department or village, text): most relations repeat one of a few texts
    made: dict[tuple[str, str], Party] = {}

    def grouped(rows: list, named: dict[str, tuple[str, str]]) -> dict[int, list]:
        by_item: dict[int, list] = {}
        for i, key, text in rows:
            p = made.get((key, text))
            if p is None:
                p = made[(key, text)] = Party(key, *named[key], text or "")
            by_item.setdefault(i, []).append(p)
        return by_item

    out: list[ItemCard] = []
    for columns, parties, cited, assisting in kept:
        leads = grouped([(i, k, t) for i, lead, k, t in parties if lead], depts)
        cooperators = grouped([(i, k, t) for i, lead, k, t in parties if not lead], depts)
        helping = grouped(assisting, places)
        based: dict[int, list[tuple[LegalBasis, str]]] = {}
        for i, key, text in cited:
            based.setdefault(i, []).append((laws[key], text or ""))
        for i, v in enumerate(zip(*columns)):
            b = sorted(based[i], key=lambda bc: bc[0].key) if i in based else ()
            out.append(ItemCard(
                DutyItem(**dict(zip(names, v))),  # the kept values are the item's own: never null
                tuple(sorted(leads[i])) if i in leads else (),
                tuple(sorted(cooperators[i])) if i in cooperators else (),
                tuple(sorted(helping[i])) if i in helping else (),
                tuple(x for x, _ in b),
                tuple(c for _, c in b),
            ))
    return out, others


def _narrowed(kept: tuple, names: tuple[str, ...], parts: tuple[str, ...], power_types: tuple[str, ...]) -> tuple:
    """One township's kept rows narrowed to the items of ``parts`` and ``power_types``, renumbered."""
    columns, parties, cited, assisting = kept
    keep = [i for i, (p, t) in enumerate(zip(columns[names.index("part")], columns[names.index("power_type")]))
            if not (parts and p not in parts) and not (power_types and t not in power_types)]
    new = {i: n for n, i in enumerate(keep)}
    return ([[col[i] for i in keep] for col in columns], [[new[r[0]], *r[1:]] for r in parties if r[0] in new],
            [[new[r[0]], *r[1:]] for r in cited if r[0] in new], [[new[r[0]], *r[1:]] for r in assisting if r[0] in new])


def slim_cards(store: DutyStore, township: str | None, fields: Iterable[str] = (), *,
               parts: Iterable[str] = (), power_types: Iterable[str] = (), min_leads: int = 0,
               keys: Iterable[str] | None = None, bases: bool = True, villages: bool = False,
               catalogues: bool = False, townships: Iterable[str] | None = None) -> tuple[ItemCard, ...] | None:
    """Cards of the items of ``township`` (None: every township proper, and the reference catalogues
    too with ``catalogues``, as ``store.item_cards()`` reads them), of ``townships``, or of ``keys``,
    narrowed like ``ItemFilter`` (``parts``, ``power_types``, ``min_leads``), sorted by key, holding
    ``EVIDENCE_FIELDS`` and ``fields`` of the item, its leads and cooperators, its bases (``bases``)
    and villages (``villages``); None when the store does not answer statements (read the cards).
    """
    if not answers_asks(store):
        return None
    parts, power_types = tuple(parts), tuple(power_types)
    names = tuple(dict.fromkeys((*EVIDENCE_FIELDS, *fields)))
    unknown = [n for n in names if n not in _SCALAR]
    if unknown:
        raise ValueError(f"slim cards carry single-valued DutyItem fields only, not {', '.join(unknown)}")
    common = {"fields": list(names), "bases": bases, "villages": villages}
    cards: list[ItemCard] = []
    if keys is not None:
        wanted = sorted(set(keys))
        if not wanted:
            return ()
        rows = store.ask("slim_cards_by_key", keys=wanted, **common) or []
    else:
        if townships is not None:
            towns = sorted(set(townships))
        elif catalogues and township is None:
            towns = sorted(t.name for t in store.townships())
        else:
            towns = scope_townships(store, township)
        if set(names) <= set(KEPT_FIELDS):  # the rows kept at write time, where a township has them
            cards, towns = _kept_cards(store, towns, names, parts, power_types, bases, villages)
        rows = (store.ask("slim_cards", townships=towns, parts=list(parts), power_types=list(power_types),
                          **common) or []) if towns else []
    cards += [c for r in rows for c in _cards(names, r)]
    if keys is not None:  # the township statement narrows by part and power type itself
        cards = [c for c in cards if not (parts and c.item.part not in parts)
                 and not (power_types and c.item.power_type not in power_types)]
    return tuple(sorted((c for c in cards if len(c.leads) >= min_leads), key=lambda c: c.key))
