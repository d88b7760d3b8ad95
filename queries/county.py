"""County: the townships of one county side by side — lead consistency, county departments, ranking.

Townships are grouped by their county (``Township.county``; townships without one form one
group ""); reference catalogues (``Township.catalogue_of``) are left out. ``township``
narrows every query to the county of that township.

``lead_spread``
    the same duty (same name and sub-item) led by different offices in different townships:
    one finding per duty with the distribution (which leads, in how many townships, which);
``county_department_load``
    a shared county department across its county's townships: the items it leads and
    cooperates on, the townships that lean on it, and the duties where some townships name
    it and others (listing the same duty) do not;
``township_ranking``
    the townships of a county side by side: completeness score, items, items with no lead,
    items with several leads, and items per own office.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from graphmodel import DeptLevel, DutyStore, ItemCard, ItemFilter, Township
from graphmodel.model import node_from_dict
from graphmodel.normalize import compact

from ._common import durable_of, kept, kept_stats
from .coverage import _completeness_asked, completeness

__all__ = ["DepartmentRole", "DepartmentSpread", "LeadSpread", "TownshipRank", "county_department_items",
           "county_department_load", "lead_spread", "township_ranking"]

NO_LEAD = "（无牵头）"


@dataclass(frozen=True, slots=True, order=True)
class LeadSpread:
    """One duty led differently across a county's townships.

    ``distribution`` holds (leads, number of townships, the townships), most townships first.
    """

    county: str
    duty: str
    townships: int
    distribution: tuple[tuple[str, int, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True, order=True)
class DepartmentSpread:
    """A county department's load across the townships of its county."""

    county: str
    department: str
    key: str
    leads: int  # items it leads, all townships together
    cooperates: int
    townships: tuple[str, ...]  # the townships that name it on any item
    uneven: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]  # (duty, townships naming it, listing without)


@dataclass(frozen=True, slots=True, order=True)
class DepartmentRole:
    """One item a county department leads or cooperates on, in one township of its county."""

    county: str
    department: str
    duty: str  # the item's name (and sub-item)
    township: str
    role: str  # "leads" | "cooperates"
    part: str  # the item's list part
    text: str  # the department's part, as the list words it
    item: str  # the item's key (for links; never shown)


@dataclass(frozen=True, slots=True, order=True)
class TownshipRank:
    county: str
    rank: int
    township: str
    score: float
    items: int
    no_lead: int
    multi_lead: int
    offices: int
    items_per_office: float


def _county_townships(store: DutyStore, township: str) -> list[Township] | None:
    """The Township nodes of ``township``'s county (catalogues left out; none when ``township`` is not
    stored or is a catalogue), asked of the store where it answers; None where it does not."""
    rows = store.ask("county_townships", township=township)
    if rows is None:
        return None
    return sorted((node_from_dict(p) for p in rows[0]["townships"]), key=lambda t: t.name) if rows else []


def _counties(store: DutyStore, township: str | None,
              county_towns: list[Township] | None = None) -> dict[str, list[str]]:
    """county -> its townships (catalogues left out), narrowed to the county of ``township``
    (``county_towns``: its county's Township nodes, when read already)."""
    if township is not None:  # one county: its townships, not every township of the store
        towns = county_towns if county_towns is not None else _county_townships(store, township)
        if towns is not None:
            return {towns[0].county: [t.name for t in towns]} if towns else {}
    groups: dict[str, list[str]] = defaultdict(list)
    county_of = {}
    for t in store.townships():
        if not t.catalogue_of:
            groups[t.county].append(t.name)
            county_of[t.name] = t.county
    if township is not None:
        c = county_of.get(township)
        return {c: sorted(groups[c])} if c is not None else {}
    return {c: sorted(ts) for c, ts in groups.items()}


def _duty(card: ItemCard) -> str:
    return compact(card.item.label)


def _cards_by_township(store: DutyStore, towns: list[str]) -> dict[str, tuple[ItemCard, ...]]:
    return {t: store.item_cards(ItemFilter(township=t)) for t in towns}


# Each township's rows below depend on its own cards only: kept with the township, so that after a
# write to one township the county's answers are joined from the kept rows of the others.
def _duty_leads(store: DutyStore, cards: tuple[ItemCard, ...]) -> tuple[tuple[str, str, str], ...]:
    """(duty, its leads joined, item label) of each card of one township."""
    return store.derived(("county.duty_leads",), cards, lambda: tuple(
        (_duty(c), "、".join(sorted({p.name for p in c.leads})) or NO_LEAD, c.item.label) for c in cards),
        township_only=True, **durable_of(store))


def _county_roles(store: DutyStore, cards: tuple[ItemCard, ...]
                  ) -> tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...]:
    """(duty, its county-level parties as (role, name, key)) of each card of one township."""
    return store.derived(("county.roles",), cards, lambda: tuple(
        (_duty(c), tuple((role, p.name, p.key) for role, parties in (("leads", c.leads), ("cooperates", c.cooperators))
                         for p in parties if p.level == DeptLevel.COUNTY.value)) for c in cards),
        township_only=True, **durable_of(store))


@kept()
def lead_spread(store: DutyStore, township: str | None = None) -> tuple[LeadSpread, ...]:
    """Duties listed in two or more townships of a county whose leads differ between them.

    >>> from queries._examples import ListBuilder
    >>> from graphmodel import open_store
    >>> s = open_store("memory", data_dir=None)
    >>> for t, lead in (("甲镇", "农业农村办"), ("乙镇", "农业农村办"), ("丙镇", "自然资源所")):
    ...     b = ListBuilder(t, county="东河县"); _ = b.item("宅基地审批", leads=[lead])
    ...     _ = s.replace_township(b.build())
    >>> lead_spread(s)[0].distribution
    (('农业农村办', 2, ('乙镇', '甲镇')), ('自然资源所', 1, ('丙镇',)))
    """
    out = []
    for county, towns in sorted(_counties(store, township).items()):
        kept_rows = kept_stats(store, towns, ("duties",))  # the store half: each township's rows kept at write time
        if kept_rows is not None:
            out.extend(_lead_spread_from(county, ((t, kept_rows[t]["duties"]) for t in towns)))
            continue
        asked = store.ask("lead_spread", townships=towns)
        if asked is not None:
            out.extend(_lead_spread_asked(county, asked[0]["groups"]))
            continue
        out.extend(_lead_spread_from(county, ((town, _duty_leads(store, cards))
                                              for town, cards in _cards_by_township(store, towns).items())))
    return tuple(sorted(out))


def _lead_spread_from(county: str, rows) -> list[LeadSpread]:
    """The county's spreads from each township's (duty, leads joined or "", label) rows, in card order."""
    seen: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))  # duty -> leads -> towns
    names: dict[str, str] = {}
    for town, duties in rows:
        for duty, leads, label in duties:
            seen[duty][leads or NO_LEAD].add(town)
            names.setdefault(duty, label)
    return [_spread(county, names[duty], by_lead) for duty, by_lead in seen.items() if len(by_lead) >= 2]


def _label(name: str, sub: str) -> str:
    return f"{name}（{sub}）" if sub else name  # DutyItem.label


def _lead_spread_asked(county: str, groups: list) -> list[LeadSpread]:
    """lead_spread's store half: the (name, sub-item, leads) groups folded by duty as the cards are."""
    seen: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    first: dict[str, tuple[tuple[str, str], str]] = {}  # duty -> ((township, key), label) of its first card
    for name, sub, leads, towns, (town, key) in groups:
        label = _label(name, sub)
        duty = compact(label)
        seen[duty]["、".join(sorted(set(leads))) or NO_LEAD].update(towns)
        if duty not in first or (town, key) < first[duty][0]:
            first[duty] = ((town, key), label)
    return [_spread(county, first[duty][1], by_lead) for duty, by_lead in seen.items() if len(by_lead) >= 2]


def _spread(county: str, label: str, by_lead: dict[str, set[str]]) -> LeadSpread:
    dist = tuple(sorted(((lead, len(ts), tuple(sorted(ts))) for lead, ts in by_lead.items()),
                        key=lambda d: (-d[1], d[0])))
    return LeadSpread(county, label, len(set().union(*by_lead.values())), dist)


@kept()
def county_department_load(store: DutyStore, township: str | None = None) -> tuple[DepartmentSpread, ...]:
    """Every county-level department of a county, across its townships (shared nodes and, for
    townships without a county, departments matched by name)."""
    out = []
    for county, towns in sorted(_counties(store, township).items()):
        kept_rows = kept_stats(store, towns, ("duties", "roles"))  # the store half: rows kept at write time
        if kept_rows is not None:
            out.extend(_department_load_from(county, ((t, _kept_roles(kept_rows[t])) for t in towns)))
            continue
        asked = store.ask("county_department_load", townships=towns, county_level=DeptLevel.COUNTY.value)
        if asked is not None:
            out.extend(_department_load_asked(county, asked[0]))
            continue
        out.extend(_department_load_from(county, ((town, _county_roles(store, group))
                                                  for town, group in _cards_by_township(store, towns).items())))
    return tuple(sorted(out))


def _kept_roles(kept_rows: dict) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """(duty, its county-level parties as (role, name, key)) per item, from a township's kept rows."""
    rows: list[tuple[str, list[tuple[str, str, str]]]] = [(duty, []) for duty, _, _ in kept_rows["duties"]]
    for index, role, name, key in kept_rows["roles"]:
        rows[index][1].append((role, name, key))
    return rows


def _department_load_from(county: str, rows) -> list[DepartmentSpread]:
    """The county's departments from each township's (duty, county-level parties) rows."""
    per: dict[str, dict] = {}
    listing: dict[str, set[str]] = defaultdict(set)  # duty -> townships listing it
    for town, roles in rows:
        for duty, parties in roles:
            listing[duty].add(town)
            for role, name, key in parties:
                d = per.setdefault(name, {"keys": set(), "leads": 0, "cooperates": 0,
                                          "towns": set(), "duties": defaultdict(set)})
                d["keys"].add(key)
                d[role] += 1
                d["towns"].add(town)
                d["duties"][duty].add(town)
    return [_department_spread(county, name, d, listing) for name, d in per.items()]


def _department_load_asked(county: str, row: dict) -> list[DepartmentSpread]:
    """county_department_load's store half: the listing and the department relations, grouped
    by (name, sub-item) in the database, folded by duty here as the cards are."""
    listing: dict[str, set[str]] = defaultdict(set)
    for name, sub, towns in row["listing"]:
        listing[compact(_label(name, sub))].update(towns)
    per: dict[str, dict] = {}
    for dept, role, name, sub, town, n, keys in row["roles"]:
        d = per.setdefault(dept, {"keys": set(), "leads": 0, "cooperates": 0, "towns": set(),
                                  "duties": defaultdict(set)})
        d["keys"].update(keys)
        d["leads" if role == "LEADS" else "cooperates"] += n
        d["towns"].add(town)
        d["duties"][compact(_label(name, sub))].add(town)
    return [_department_spread(county, name, d, listing) for name, d in per.items()]


def _department_spread(county: str, name: str, d: dict, listing: dict[str, set[str]]) -> DepartmentSpread:
    uneven = tuple(sorted(
        (duty, tuple(sorted(ts)), tuple(sorted(listing[duty] - ts)))
        for duty, ts in d["duties"].items() if listing[duty] - ts
    ))
    return DepartmentSpread(county, name, "、".join(sorted(d["keys"])), d["leads"], d["cooperates"],
                            tuple(sorted(d["towns"])), uneven)


def county_department_items(store: DutyStore, department: str, county: str = "") -> tuple[DepartmentRole, ...]:
    """Every item the county department named ``department`` leads or cooperates on, in every
    township of ``county`` ("" = the townships without a county), sorted by duty and township.

    >>> from queries._examples import ListBuilder
    >>> from graphmodel import open_store
    >>> from graphmodel.model import share_county_departments
    >>> s = open_store("memory", data_dir=None)
    >>> for t in ("甲镇", "乙镇"):
    ...     b = ListBuilder(t, county="东河县"); _ = b.item("地质灾害巡查", leads=["县自然资源局"], coops=[("党政办", "巡查")])
    ...     _ = s.replace_township(share_county_departments(b.build()))
    >>> [(r.duty, r.township, r.role) for r in county_department_items(s, "县自然资源局", "东河县")]
    [('地质灾害巡查', '乙镇', 'leads'), ('地质灾害巡查', '甲镇', 'leads')]
    """
    towns = _counties(store, None).get(county, [])
    out = []
    for town, cards in _cards_by_township(store, towns).items():
        for c in cards:
            for role, parties in (("leads", c.leads), ("cooperates", c.cooperators)):
                for p in parties:
                    if p.name == department and p.level == DeptLevel.COUNTY.value:
                        out.append(DepartmentRole(county, department, c.item.label, town, role, c.item.part, p.text,
                                                  c.key))
    return tuple(sorted(out))


@kept()
def township_ranking(store: DutyStore, township: str | None = None) -> tuple[TownshipRank, ...]:
    """The townships of each county ranked by completeness score (ties by name)."""
    out = []
    county_towns = _county_townships(store, township) if township is not None else None
    groups = _counties(store, township, county_towns)
    asked = _ranking_asked(store, groups, county_towns)
    if asked is not None:
        return asked
    cards = _cards_by_township(store, [t for towns in groups.values() for t in towns])
    everything = [c for group in cards.values() for c in group]
    # one completeness pass over every township's cards (per township it re-read the layouts 30 times),
    # except where each township's scores are kept with it (the embedded store: after a write to one
    # township only its scores are computed again)
    scores = {s.township: s.score for s in completeness(store, None, cards=everything)} if (
        township is None and not store.keeps_derived) else {
        s.township: s.score for t in cards for s in completeness(store, t, cards=cards[t])}
    for county, towns in sorted(groups.items()):
        rows = []
        for town in towns:
            group = cards[town]
            score = scores[town]
            offices = sum(1 for d in store.nodes("Department", town) if d.level == DeptLevel.TOWNSHIP.value)
            rows.append((-score, town, score, len(group), sum(1 for c in group if not c.leads),
                         sum(1 for c in group if len(c.leads) > 1), offices,
                         round(len(group) / offices, 2) if offices else 0.0))
        for rank, (_, town, *rest) in enumerate(sorted(rows), start=1):
            out.append(TownshipRank(county, rank, town, *rest))
    return tuple(out)


def _ranking_asked(store: DutyStore, groups: dict[str, list[str]], county_towns: list[Township] | None = None
                   ) -> tuple[TownshipRank, ...] | None:
    """township_ranking's store half: counts per township from one aggregate, the scores from
    completeness' store half over the same townships (``county_towns``: their Township nodes, when
    read already); None when either cannot answer."""
    towns = [t for ts in groups.values() for t in ts]
    kept_rows = kept_stats(store, towns, ("parts",))  # counts and scores from the aggregates kept at write time
    if kept_rows is not None:
        counts = {t: (k["items"], k["no_lead"], k["multi_lead"], k["offices"]) for t, k in kept_rows.items()}
        scored = _completeness_asked(store, None, 0, among=towns, kept_rows=kept_rows,
                                     among_nodes=county_towns) if towns else ()
    else:
        rows = store.ask("county_ranking", townships=towns, office_level=DeptLevel.TOWNSHIP.value)
        if rows is None:
            return None
        scored = _completeness_asked(store, None, 0, among=towns) if towns else ()  # scores only
        counts = {t: rest for t, *rest in rows[0]["towns"]}
    if scored is None:
        return None
    scores = {s.township: s.score for s in scored}
    out = []
    for county, ts in sorted(groups.items()):
        ranked = []
        for town in ts:
            items, no_lead, multi_lead, offices = counts.get(town, (0, 0, 0, 0))
            ranked.append((-scores[town], town, scores[town], items, no_lead, multi_lead, offices,
                           round(items / offices, 2) if offices else 0.0))
        for rank, (_, town, *rest) in enumerate(sorted(ranked), start=1):
            out.append(TownshipRank(county, rank, town, *rest))
    return tuple(out)
