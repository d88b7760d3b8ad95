"""Catalogue: each township's list against the reference catalogue (通用目录 / 指导目录) it came from.

A catalogue is loaded like a list (``dutygraph load --catalogue-of 东河县 …``): its Township
node carries ``catalogue_of``. Items are matched by code, then by name (with sub-item), then
by similarity of the names (difflib ratio, at least ``min_score``), each match at most once.

Differences, one row each:

``missing``
    a catalogue item the township does not list (with the catalogue's part);
``added``
    a township item the catalogue does not have;
``part_differs``
    matched, but the parts differ (the catalogue says 收回, the township still lists 基本);
``lead_differs``
    matched, but the lead names differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from collections import Counter

from graphmodel import NODE_TYPES, DutyStore, ItemCard, ItemFilter, ListPart, NodeType, NotFound, StoreCounts
from graphmodel.normalize import compact

from ._common import catalogue_townships, list_townships

__all__ = ["KINDS", "CatalogueDiff", "catalogues", "compare", "match_items", "township_counts"]

KINDS = ("missing", "added", "part_differs", "lead_differs")
KIND_LABELS = {"missing": "目录事项缺失", "added": "乡镇新增事项", "part_differs": "清单类别不同", "lead_differs": "牵头部门不同"}


@dataclass(frozen=True, slots=True, order=True)
class CatalogueDiff:
    """One difference between a township's list and the catalogue.

    ``match`` is how the two items were paired (code, name, similar) and ``score`` the name
    similarity (1.0 for code and name matches); both empty for missing and added items.
    """

    township: str
    kind: str
    name: str  # the catalogue item's name, or the township's for an added item
    catalogue_key: str = ""
    township_key: str = ""
    catalogue_part: str = ""
    township_part: str = ""
    catalogue_leads: str = ""
    township_leads: str = ""
    match: str = ""
    score: float = 0.0
    catalogue: str = ""  # the catalogue compared with

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


def catalogues(store: DutyStore) -> tuple[tuple[str, str], ...]:
    """(catalogue name, county or province it is the catalogue of), sorted.

    >>> from queries._examples import ListBuilder
    >>> from graphmodel import open_store
    >>> s = open_store("memory", data_dir=None)
    >>> s.replace_township(catalogue_example()[0]).added > 0
    True
    >>> catalogues(s)
    (('东河县通用目录', '东河县'),)
    """
    rows = store.ask("catalogues")  # the catalogues only, not every township of the store (2,000 at 2,000)
    if rows is not None:
        return tuple(sorted((name, of) for name, of in rows[0]["found"])) if rows else ()
    return tuple(sorted((t.name, t.catalogue_of) for t in store.townships() if t.catalogue_of))


def township_counts(store: DutyStore, township: str | None = None) -> StoreCounts:
    """``store.counts`` of the townships: for the whole store the reference catalogues are left
    out (their items, offices, villages, and the legal bases and county departments only they name).

    >>> from graphmodel import open_store
    >>> s = open_store("memory", data_dir=None)
    >>> for tl in catalogue_example():
    ...     _ = s.replace_township(tl)
    >>> c = township_counts(s)
    >>> c.nodes["Township"], c.nodes["DutyItem"], c.parts, s.counts().nodes["DutyItem"]
    (1, 3, {'基本履职事项': 3}, 6)
    """
    skipped = catalogue_townships(store)
    if township is not None or not skipped:
        return store.counts(township)
    towns = list_townships(store)
    nodes = {}
    for node_type in NODE_TYPES:
        if node_type == NodeType.TOWNSHIP.value:
            nodes[node_type] = len(towns)
        else:
            nodes[node_type] = len({n.key for t in towns for n in store.nodes(node_type, t)})
    rels: Counter[str] = Counter()
    parts: Counter[str] = Counter()
    power: Counter[str] = Counter()
    for t in towns:
        c = store.counts(t)
        rels.update(c.relations)
        parts.update(c.parts)
        power.update(c.power_types)
    return StoreCounts(*({k: d[k] for k in sorted(d)} for d in (nodes, dict(rels), dict(parts), dict(power))))


def _label(card: ItemCard) -> str:
    return compact(card.item.name + card.item.sub_item)


def _leads(card: ItemCard) -> str:
    return "、".join(sorted({p.name for p in card.leads}))


def match_items(reference: tuple[ItemCard, ...], listed: tuple[ItemCard, ...],
                min_score: float = 0.8) -> list[tuple[ItemCard, ItemCard, str, float]]:
    """Pairs (catalogue card, township card, how, score): by code, then name, then similarity.

    Greedy and deterministic: the best-scoring similar pair first, ties by keys.
    """
    pairs: list[tuple[ItemCard, ItemCard, str, float]] = []
    left = {c.key: c for c in reference}
    right = {c.key: c for c in listed}
    labels = {c.key: _label(c) for c in (*reference, *listed)}  # compacted once, not per comparison
    for how, field_of in (("code", lambda c: compact(c.item.code) + "/" + compact(c.item.sub_item)
                           if compact(c.item.code) else ""), ("name", lambda c: labels[c.key])):
        index: dict[str, str] = {}
        for k in sorted(right):
            v = field_of(right[k])
            if v:
                index.setdefault(v, k)
        for k in sorted(left):
            v = field_of(left[k])
            if v and v in index and index[v] in right:
                pairs.append((left.pop(k), right.pop(index[v]), how, 1.0))
    scored = []
    for lk, lc in left.items():
        for rk, rc in right.items():
            score = SequenceMatcher(None, labels[lk], labels[rk]).ratio()
            if score >= min_score:
                scored.append((-round(score, 4), lk, rk))
    for neg, lk, rk in sorted(scored):
        if lk in left and rk in right:
            pairs.append((left.pop(lk), right.pop(rk), "similar", -neg))
    return pairs


def compare(store: DutyStore, catalogue: str = "", township: str | None = None,
            min_score: float = 0.8) -> tuple[CatalogueDiff, ...]:
    """Every difference between the catalogue and each township of its scope (or one township).

    The scope of a county's catalogue is the townships of that county; of any other
    catalogue (a province's), every township that is not itself a catalogue. Without
    ``catalogue`` every catalogue is compared with its scope.

    >>> from graphmodel import open_store
    >>> s = open_store("memory", data_dir=None)
    >>> for tl in catalogue_example():
    ...     _ = s.replace_township(tl)
    >>> for d in compare(s, "东河县通用目录"):
    ...     print(d.township, d.kind, d.name, d.catalogue_part or "-", d.township_part or "-", d.match or "-", d.score)
    甲镇 added 养犬登记 - 基本履职事项 - 0.0
    甲镇 missing 地质灾害巡查 配合履职事项 - - 0.0
    甲镇 lead_differs 宅基地审批 基本履职事项 基本履职事项 code 1.0
    甲镇 part_differs 违法占地查处 上级部门收回事项 基本履职事项 similar 0.8333
    """
    found = catalogues(store)
    if not found and not catalogue:
        return ()  # nothing to compare with (the command line says how to load a catalogue)
    if not found:
        raise NotFound("存储中没有目录 no catalogue in the store: load one with `dutygraph load --catalogue-of 县名 …`")
    if not catalogue:
        if township is not None:  # the catalogues whose scope holds it
            found = tuple(f for f in found if township in _scope(store, f[1]))
        if not found:
            raise NotFound(f"township {township!r} is in the scope of no catalogue")
        return tuple(sorted((d for name, _ in found for d in compare(store, name, township, min_score)),
                            key=_order))
    scope = dict(found).get(catalogue)
    if scope is None:
        raise NotFound(f"no catalogue {catalogue!r}; the store holds {[n for n, _ in found]}")
    towns = [t for t in store.townships() if t.name in _scope(store, scope)]
    if township is not None:
        towns = [t for t in towns if t.name == township]
        if not towns:
            raise NotFound(f"township {township!r} is not in the scope of {catalogue} ({scope})")
    reference = store.item_cards(ItemFilter(township=catalogue))
    out: list[CatalogueDiff] = []
    for t in towns:
        listed = store.item_cards(ItemFilter(township=t.name))
        pairs = match_items(reference, listed, min_score)
        paired_ref = {c.key for c, _, _, _ in pairs}
        paired_own = {c.key for _, c, _, _ in pairs}
        for c in reference:
            if c.key not in paired_ref:
                out.append(CatalogueDiff(t.name, "missing", c.item.label, catalogue_key=c.key,
                                         catalogue_part=c.item.part, catalogue_leads=_leads(c), catalogue=catalogue))
        for c in listed:
            if c.key not in paired_own:
                out.append(CatalogueDiff(t.name, "added", c.item.label, township_key=c.key,
                                         township_part=c.item.part, township_leads=_leads(c), catalogue=catalogue))
        for ref, own, how, score in pairs:
            row = dict(township=t.name, name=ref.item.label, catalogue_key=ref.key, township_key=own.key,
                       catalogue_part=ref.item.part, township_part=own.item.part,
                       catalogue_leads=_leads(ref), township_leads=_leads(own), match=how, score=round(score, 4),
                       catalogue=catalogue)
            if ref.item.part != own.item.part:
                out.append(CatalogueDiff(kind="part_differs", **row))
            if _leads(ref) and _leads(ref) != _leads(own):
                out.append(CatalogueDiff(kind="lead_differs", **row))
    return tuple(sorted(out, key=_order))


def _order(d: CatalogueDiff) -> tuple:
    return d.township, d.name, KINDS.index(d.kind), d.catalogue, d.catalogue_key, d.township_key


def _scope(store: DutyStore, scope: str) -> set[str]:
    """The townships a catalogue of ``scope`` covers: the county's, else (a province) every one."""
    towns = [t for t in store.townships() if not t.catalogue_of]
    in_county = {t.name for t in towns if t.county == scope}
    return in_county or {t.name for t in towns}


def catalogue_example():
    """A county catalogue and one township with one difference of each kind (doctests, tests)."""
    from ._examples import ListBuilder  # noqa: PLC0415 - examples only

    cat = ListBuilder("东河县通用目录", county="东河县")
    cat.item("宅基地审批", code="DH-001", leads=["农业农村办"])
    cat.item("违法占地查处", part=ListPart.WITHDRAWN.value, leads=["县自然资源局"])
    cat.item("地质灾害巡查", part=ListPart.COOPERATE.value, leads=["县自然资源局"])
    town = ListBuilder("甲镇", county="东河县")
    town.item("宅基地审批", code="DH-001", leads=["自然资源所"])
    town.item("违法用地查处", leads=["县自然资源局"])
    town.item("养犬登记", leads=["派出所"])
    ref = cat.build()
    ref.township = type(ref.township)(ref.township.key, ref.township.name, "东河县", catalogue_of="东河县")
    return ref, town.build()
