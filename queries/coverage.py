"""Coverage: what each item lacks, each office's load, each village's part and a score per township.

Item checks (``ITEM_CHECKS``):

=============  =====================  ======  =====================================
check          label                  weight  passes when
=============  =====================  ======  =====================================
single_lead    唯一责任主体            30      ownership state owned or handed_over
basis          法律依据                25      at least one BASED_ON
time_limit     办理时限                15      办理时限 written
procedure      实施程序                15      实施程序 written
code           事项编码                15      事项编码 written
=============  =====================  ======  =====================================

Where a check applies and which column it reads is the table of ``queries.applicability``
(legal basis and time limit on 基本 and 配合 items, procedure on 基本 items, code on
every item; the lead on every item). An item of a part the check does not apply to is
left out of it. An item whose part's sheet lacked the column is *not assessed*: it is
not a pass — it counts as failing in the score — and the audit reports the absent column
once per list (``coverage.column_absent``) instead of once per item.

The township score (0–100)::

    score = Σ over checks  weight × passed / applicable

``applicable``: the township's items of the parts the check applies to; ``passed``: those
assessed (their sheet has the column) and passing. A check that applies to no item gives
its full weight. ``coverage`` says how many checks could be assessed on every item they
apply to: "评估 3/5 项". An empty township scores 0. Worked example in
docs/audit-output.md.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from graphmodel import POWER_TYPES, DutyItem, DutyStore, ItemCard, ItemFilter, ListPart, Township
from graphmodel.store import is_written
from graphmodel.township_stats import FIRST_KEPT

from ._common import (
    durable_of,
    Finding,
    ItemEvidence,
    cards_of,
    cards_mostly_unbuilt,
    catalogue_townships,
    en_quote,
    evidence,
    finding,
    kept,
    kept_stats,
    list_townships,
    scope_townships,
    sorted_findings,
    township_parts,
)
from .applicability import APPLICABILITY, Layouts, layouts, recorded_townships, sheet_checks
from .ownership import OWNERSHIP_FIELDS, ownership_of
from .slim_cards import slim_cards

__all__ = [
    "ITEM_CHECKS",
    "Check",
    "DepartmentLoad",
    "ItemCoverage",
    "PowerTypeCount",
    "ScoreCheck",
    "TownshipScore",
    "VillageRole",
    "completeness",
    "department_load",
    "item_coverage",
    "missing_fields",
    "power_type_counts",
    "township_ranking",
    "village_roles",
]


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    label: str
    weight: int
    field: str  # the DutyItem field a column check looks at ('' for graph checks)
    passes: Callable[[ItemCard], bool]


def _written(field: str) -> Callable[[ItemCard], bool]:
    return lambda c: bool(str(getattr(c.item, field)).strip())


ITEM_CHECKS: tuple[Check, ...] = (
    Check("single_lead", "唯一责任主体", 30, "", lambda c: ownership_of(c)[0] in ("owned", "handed_over")),
    Check("basis", "法律依据", 25, "", lambda c: bool(c.bases)),
    Check("time_limit", "办理时限", 15, "time_limit", _written("time_limit")),
    Check("procedure", "实施程序", 15, "procedure", _written("procedure")),
    Check("code", "事项编码", 15, "code", _written("code")),
)
_LABELS = {c.name: c.label for c in ITEM_CHECKS} | {"lead": "责任主体"}
_LABELS_EN = {"code": "an item code", "time_limit": "a time limit", "procedure": "a procedure"}

def _applies(chk: Check, card: ItemCard, lay: Layouts) -> bool:
    return chk.name == "single_lead" or lay.applies(chk.name, card)


def _assessed(chk: Check, card: ItemCard, lay: Layouts) -> bool:
    return chk.name == "single_lead" or lay.assessed(chk.name, card)


@dataclass(frozen=True, slots=True)
class ItemCoverage:
    """What one item lacks: ``missing`` from code, basis, time_limit, procedure, lead (no lead at all)."""

    item: ItemEvidence
    missing: tuple[str, ...]
    complete: bool
    not_assessed: tuple[str, ...] = ()  # checks that apply but whose column the sheet lacked

    @property
    def missing_labels(self) -> tuple[str, ...]:
        return tuple(_LABELS[m] for m in self.missing)


@dataclass(frozen=True, slots=True)
class _SheetChecks:
    """The checks of one sheet (a township's part): which are run, which apply but its columns lacked."""

    run: tuple[Check, ...]  # applicable and assessed (single_lead always), in ITEM_CHECKS' order
    not_assessed: tuple[str, ...]


def _sheet_checks(card: ItemCard, lay: Layouts, memo: dict[tuple[str, str], _SheetChecks]) -> _SheetChecks:
    """What applies and is assessed depends on the card's township and part only: worked out once
    a sheet, not for each check of each card (3 × 5 tests a card, 1.2 of item_coverage's 4 s at
    300 townships)."""
    key = (card.item.township, card.item.part)
    found = memo.get(key)
    if found is None:
        applicable = [c for c in ITEM_CHECKS if _applies(c, card, lay)]
        found = memo[key] = _SheetChecks(tuple(c for c in applicable if _assessed(c, card, lay)),
                                         tuple(c.name for c in applicable if not _assessed(c, card, lay)))
    return found


def _missing(card: ItemCard, lay: Layouts, memo: dict | None = None) -> tuple[str, ...]:
    sheet = _sheet_checks(card, lay, {} if memo is None else memo)
    out = [c.name for c in sheet.run if c.name != "single_lead" and not c.passes(card)]
    if ownership_of(card)[0] in ("gap", "unconfirmed"):
        out.append("lead")
    return tuple(out)


def _not_assessed(card: ItemCard, lay: Layouts, memo: dict | None = None) -> tuple[str, ...]:
    return _sheet_checks(card, lay, {} if memo is None else memo).not_assessed


def _complete(card: ItemCard, lay: Layouts, memo: dict | None = None) -> bool:
    """Every applicable check assessed and passing (not assessed is not a pass)."""
    sheet = _sheet_checks(card, lay, {} if memo is None else memo)
    return not sheet.not_assessed and all(c.passes(card) for c in sheet.run)


@kept(per_township=True)
def item_coverage(store: DutyStore, township: str | None = None, *, only_incomplete: bool = False,
                  cards: Sequence[ItemCard] | None = None) -> tuple[ItemCoverage, ...]:
    """Per item, which of code, basis, time limit, procedure and lead are missing.

    ``complete`` is True when every applicable check of ``ITEM_CHECKS`` passes (so an
    item with two leads is not complete though nothing is missing).

    >>> from queries._examples import example_store
    >>> [(c.item.name, c.missing) for c in item_coverage(example_store(), only_incomplete=True)][-2:]
    [('农村集体资产监督', ('basis', 'time_limit', 'procedure', 'lead')), ('农村生活垃圾清运保洁', ('code',))]
    """
    if cards is None and recorded_townships(store, township) is not None:
        # a server store: the fields the checks and the evidence read (the sheets' columns are
        # recorded, so the layouts do not depend on the cards' texts)
        cards = slim_cards(store, township, (*OWNERSHIP_FIELDS, *_FIELD_CHECKS), villages=True)
    cards = cards_of(store, township, cards)
    lay = layouts(store, cards)
    out = []
    memo: dict[tuple[str, str], _SheetChecks] = {}
    for c in cards:
        cov = ItemCoverage(evidence(c), _missing(c, lay, memo), _complete(c, lay, memo), _not_assessed(c, lay, memo))
        if not only_incomplete or not cov.complete:
            out.append(cov)
    return tuple(sorted(out, key=lambda x: x.item.key))


@kept(per_township=True)
def missing_fields(store: DutyStore, township: str | None = None, *,
                   cards: Sequence[ItemCard] | None = None) -> tuple[Finding, ...]:
    """``coverage.missing_fields``: items lacking a code, time limit or procedure.

    (No lead and no basis have findings of their own: ``gap.no_lead``, ``legal.no_basis``.)

    >>> from queries._examples import example_store
    >>> [(f.subject, dict(f.details)["missing"]) for f in missing_fields(example_store())]
    [('农村集体资产监督', '办理时限、实施程序'), ('农村生活垃圾清运保洁', '事项编码')]
    """
    if cards is None:
        found = _missing_fields_asked(store, township)
        if found is not None:
            return found
    cards = cards_of(store, township, cards)
    lay = layouts(store, cards)
    out = []
    memo: dict[tuple[str, str], _SheetChecks] = {}
    for c in cards:
        miss = [m for m in _missing(c, lay, memo) if m in _FIELD_CHECKS]
        if miss:
            out.append(_missing_fields_finding(c, miss))
    return sorted_findings(out)


_FIELD_CHECKS = tuple(c.name for c in ITEM_CHECKS if c.field)  # time_limit, procedure, code


def _missing_fields_finding(c: ItemCard, miss: Sequence[str]) -> Finding:
    """The finding of an item lacking the fields of the checks ``miss`` (both halves build it here)."""
    labels = [_LABELS[m] for m in miss]
    return finding("coverage.missing_fields", c.item.township, c.item.label,
                   f"「{c.item.label}」缺少{'、'.join(labels)}", [evidence(c)],
                   message_en=f"{en_quote(c.item.label)} lacks {', '.join(_LABELS_EN[m] for m in miss)}",
                   missing=labels)


def _missing_fields_asked(store: DutyStore, township: str | None) -> tuple[Finding, ...] | None:
    """missing_fields' store half: the store finds the items lacking an assessed field; only their cards are read
    (the embedded store from its index of blank fields, ``blank_items``).

    None when a sheet's layout is not recorded.
    """
    towns = recorded_townships(store, township)
    if towns is None:
        return None
    columns = []
    for t in towns:
        for part in (p.value for p in ListPart):
            assessed, _ = sheet_checks(t, part, _FIELD_CHECKS)
            if assessed:
                columns.append({"township": t.name, "part": part,
                                "fields": [APPLICABILITY[c].item_field for c in assessed]})
    rows = store.ask("missing_fields", columns=columns) if columns else []
    if rows is None:  # the embedded store: its index of blank fields per sheet, then only their cards
        found: dict[str, list[str]] = defaultdict(list)
        for key, f in store.blank_items((c["township"], c["part"], f) for c in columns for f in c["fields"]):
            found[key].append(f)
        rows = [{"found": list(found.items())}]
    check_of = {APPLICABILITY[c].item_field: c for c in _FIELD_CHECKS}
    missing = {key: {check_of[f] for f in fields} for r in rows for key, fields in r["found"]}
    out = []
    for c in store.item_cards(ItemFilter(keys=missing)) if missing else ():
        out.append(_missing_fields_finding(c, [m for m in _FIELD_CHECKS if m in missing[c.key]]))
    return sorted_findings(out)


@dataclass(frozen=True, slots=True)
class DepartmentLoad:
    """One department's load: items it leads by part and power type, items it cooperates on."""

    key: str
    township: str
    name: str
    level: str
    leads: int
    cooperates: int
    by_part: tuple[tuple[str, int], ...]
    by_power_type: tuple[tuple[str, int], ...]
    complete: int  # led items passing every applicable check
    share_complete: float  # complete / leads (0 when it leads nothing)


@kept()
def department_load(store: DutyStore, township: str | None = None, *,
                    cards: Sequence[ItemCard] | None = None) -> tuple[DepartmentLoad, ...]:
    """Every department's load (idle departments included), sorted by township and name.

    >>> from queries._examples import example_store
    >>> d = {x.name: x for x in department_load(example_store())}["综合行政执法队"]
    >>> d.leads, d.cooperates, d.by_power_type, d.complete, d.share_complete
    (3, 1, (('公共服务', 1), ('行政强制', 1), ('行政检查', 1)), 2, 0.6667)
    """
    parts = None
    towns = recorded_townships(store, township) if cards is None and store.keeps_derived else None
    if towns is not None and cards_mostly_unbuilt(store, township):
        # the networkx half while the cards are not built (a store just opened): each township's
        # counts from its relations, kept with it
        parts = [store.derived_in(t.name, ("department_counts_from_relations",), township_only=True, **durable_of(store),
                                  build=functools.partial(_town_department_counts, store, t)) for t in towns]
    elif cards is None:
        found = _department_load_asked(store, township)
        if found is not None:
            return found
    if parts is None:
        cards = cards_of(store, township, cards)
        # per department: items led, complete, by part, by power type; and items cooperated on.
        # Counted per township (kept with it) and added up: after a write to one township only its
        # counts are made again (two Counters per department over the whole store's cards took
        # 0.26 s at 300 townships, 2.1× pandas)
        parts = township_parts(store, cards, ("department_counts",),
                               lambda own: _department_counts(own, _complete_keys(store, own, kept_as_part=True)),
                               durable=True)
    if parts is None:
        led, coop = _department_counts(cards, _complete_keys(store, cards))
    else:
        led, coop = {}, Counter()
        for town_led, town_coop in parts:
            for key, (n, done, by_part, by_power) in town_led.items():
                counts = led.get(key)
                if counts is None:
                    led[key] = [n, done, dict(by_part), dict(by_power)]
                    continue
                counts[0] += n
                counts[1] += done
                for k, v in by_part.items():
                    counts[2][k] = counts[2].get(k, 0) + v
                for k, v in by_power.items():
                    counts[3][k] = counts[3].get(k, 0) + v
            coop.update(town_coop)
    out = []
    idle = (0, 0, {}, {})
    for d in store.nodes("Department", township):
        n, done, by_part, by_power = led.get(d.key, idle)
        out.append(DepartmentLoad(
            d.key, d.township, d.name, d.level, n, coop.get(d.key, 0),
            tuple(sorted(by_part.items())), tuple(sorted(by_power.items())),
            done, round(done / n, 4) if n else 0.0,
        ))
    return tuple(sorted(out, key=lambda x: (x.township, x.name, x.key)))


def _department_counts(cards: Sequence[ItemCard], complete: frozenset[str]) -> tuple[dict[str, list], Counter[str]]:
    """department key -> [items led, of them complete, {part: n}, {power type: n}], and items
    cooperated on per department key, in one pass over ``cards``."""
    led: dict[str, list] = {}
    coop: Counter[str] = Counter()
    for c in cards:
        if c.leads:
            part, power, done = c.item.part, c.item.power_type or "(空)", c.item.key in complete
            for p in c.leads:
                counts = led.get(p.key)
                if counts is None:
                    counts = led[p.key] = [0, 0, {}, {}]
                counts[0] += 1
                counts[1] += done
                counts[2][part] = counts[2].get(part, 0) + 1
                counts[3][power] = counts[3].get(power, 0) + 1
        for p in c.cooperators:
            coop[p.key] += 1
    return led, coop


def _complete_keys(store: DutyStore, cards: Sequence[ItemCard], kept_as_part: bool = False) -> frozenset[str]:
    """Keys of the complete items of ``cards`` (:func:`_complete`); of the whole store joined from
    the townships' sets, each kept with its township (``kept_as_part``: ``cards`` are one
    township's own, the set is the one kept for it)."""
    def build(own: Sequence[ItemCard]) -> frozenset[str]:
        lay = layouts(store, own)
        memo: dict[tuple[str, str], _SheetChecks] = {}
        return frozenset(c.key for c in own if _complete(c, lay, memo))

    if kept_as_part:
        return store.derived(("complete_keys",), cards, lambda: build(cards), township_only=True, **durable_of(store))
    parts = township_parts(store, cards, ("complete_keys",), build, durable=True)
    return frozenset().union(*parts) if parts is not None else build(cards)


def _department_load_asked(store: DutyStore, township: str | None) -> tuple[DepartmentLoad, ...] | None:
    """department_load's store half: counts per (department, part, power type) from the store, no cards.

    Each sheet says what makes a led item complete (``_complete``): one lead, every applicable
    check's column present (else ``blocked``), a basis where that check applies, the fields written.
    """
    towns = recorded_townships(store, township)
    if towns is None:
        return None
    checks = [c.name for c in ITEM_CHECKS if c.name != "single_lead"]
    sheets = []
    for t in towns:
        for part in (p.value for p in ListPart):
            assessed, absent = sheet_checks(t, part, checks)
            sheets.append({"township": t.name, "part": part, "blocked": bool(absent), "basis": "basis" in assessed,
                           "fields": [APPLICABILITY[c].item_field for c in assessed if c != "basis"]})
    by_part: dict[str, Counter[str]] = defaultdict(Counter)
    by_power: dict[str, Counter[str]] = defaultdict(Counter)
    done: Counter[str] = Counter()
    kept_rows = kept_stats(store, [t.name for t in towns], ("leads", "cooperates"))
    if kept_rows is not None:  # each township's leads counted at write time, judged by its sheets here
        rule = {(s["township"], s["part"]): s for s in sheets}
        coop: Counter[str] = Counter()
        for town, k in kept_rows.items():
            coop.update(k["cooperates"])
            for dept, part, power_type, single, based, blanks, n in k["leads"]:
                s = rule.get((town, part))
                blank = set(blanks.split(",")) if blanks else set()
                by_part[dept][part] += n
                by_power[dept][power_type or "(空)"] += n
                if s is not None and single and not s["blocked"] and (based or not s["basis"]) \
                        and not blank.intersection(s["fields"]):
                    done[dept] += n
    else:
        rows = store.ask("department_load", sheets=sheets)
        if rows is None:
            return None
        for r in rows:
            dept = r["department"]
            for part, power_type, n, complete in r["counts"]:
                by_part[dept][part] += n
                by_power[dept][power_type or "(空)"] += n
                done[dept] += complete
        coop = Counter(store.cooperation_counts(township))
        if township is None:  # the whole store's counts leave the reference catalogues' items out
            for name in catalogue_townships(store):
                coop.subtract(store.cooperation_counts(name))
    out = []
    for d in store.nodes("Department", township):
        leads = sum(by_part[d.key].values()) if d.key in by_part else 0
        out.append(DepartmentLoad(
            d.key, d.township, d.name, d.level, leads, coop.get(d.key, 0),
            tuple(sorted(by_part[d.key].items())) if leads else (),
            tuple(sorted(by_power[d.key].items())) if leads else (),
            done[d.key], round(done[d.key] / leads, 4) if leads else 0.0,
        ))
    return tuple(sorted(out, key=lambda x: (x.township, x.name, x.key)))


def _town_department_counts(store: DutyStore, town: Township) -> tuple[dict[str, list], Counter[str]]:
    """``_department_counts`` of one township whose sheets' layout is recorded, from its LEADS,
    COOPERATES_ON and BASED_ON relations and its items' fields: no card (a store just opened).

    A led item is complete (``_complete``) when it has one lead, every check applying to its part
    had its column (else none is complete), it cites a basis where that check applies, and the
    applying fields are written.
    """
    checks = [c.name for c in ITEM_CHECKS if c.name != "single_lead"]
    rule = {}
    for part in (p.value for p in ListPart):
        assessed, absent = sheet_checks(town, part, checks)
        rule[part] = (bool(absent), "basis" in assessed, [APPLICABILITY[c].item_field for c in assessed if c != "basis"])
    items = {i.key: i for i in store.nodes("DutyItem", town.name)}
    leads: dict[str, list[str]] = defaultdict(list)
    for r in store.relations("LEADS", town.name):
        if r.dst in items:
            leads[r.dst].append(r.src)
    unbased = set(store.items_without_basis(town.name))
    led: dict[str, list] = {}
    for key, depts in leads.items():
        item = items[key]
        blocked, basis, fields = rule.get(item.part, (False, False, ()))
        done = (len(depts) == 1 and not blocked and (key not in unbased or not basis)
                and all(is_written(getattr(item, f)) for f in fields))
        part, power = item.part, item.power_type or "(空)"
        for dept in depts:
            counts = led.get(dept)
            if counts is None:
                counts = led[dept] = [0, 0, {}, {}]
            counts[0] += 1
            counts[1] += done
            counts[2][part] = counts[2].get(part, 0) + 1
            counts[3][power] = counts[3].get(power, 0) + 1
    coop = Counter(r.src for r in store.relations("COOPERATES_ON", town.name) if r.dst in items)
    return led, coop


@dataclass(frozen=True, slots=True)
class VillageRole:
    """What one village assists: (item key, item name, its role text) per item."""

    key: str
    township: str
    name: str
    kind: str
    items: tuple[tuple[str, str, str], ...]

    @property
    def count(self) -> int:
        return len(self.items)


@kept(per_township=True)
def village_roles(store: DutyStore, township: str | None = None, *,
                  cards: Sequence[ItemCard] | None = None) -> tuple[VillageRole, ...]:
    """Per village (idle ones included), the items it assists and its role in each.

    >>> from queries._examples import example_store
    >>> [(v.name, v.count) for v in village_roles(example_store())]
    [('东村', 2), ('南社区', 0), ('西村', 2)]
    """
    roles: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    towns = scope_townships(store, township) if cards is None else []
    rows = store.ask("village_roles", townships=towns) if cards is None else None
    if rows is not None:  # the store half: only the ASSISTS rows and the two fields a label needs
        for r in rows:
            roles[r["village"]] = [(key, f"{name}（{sub}）" if sub else name, text or "")  # as DutyItem.label
                                   for key, name, sub, text in r["roles"]]
    elif cards is None and store.keeps_derived:  # the networkx half: the ASSISTS relations and the items' labels
        skipped = catalogue_townships(store) if township is None else frozenset()
        items = {i.key: i for i in store.nodes("DutyItem", township) if i.township not in skipped}
        labels: dict[str, str] = {}
        for r in store.relations("ASSISTS", township):
            item = items.get(r.dst)
            if item is not None:
                label = labels.get(r.dst)
                if label is None:
                    label = labels[r.dst] = item.label
                roles[r.src].append((r.dst, label, r.text))
    else:
        for c in cards_of(store, township, cards):
            for v in c.villages:
                roles[v.key].append((c.key, c.item.label, v.text))
    out = [VillageRole(v.key, v.township, v.name, v.kind, tuple(sorted(roles.get(v.key, ()))))
           for v in store.nodes("Village", township)]
    return tuple(sorted(out, key=lambda x: (x.township, x.name, x.key)))


@dataclass(frozen=True, slots=True)
class PowerTypeCount:
    """Items of one power type by list part; ``standard`` is False for a type outside the ten."""

    power_type: str
    standard: bool
    total: int
    by_part: tuple[tuple[str, int], ...]


@kept()
def power_type_counts(store: DutyStore, township: str | None = None, *,
                      cards: Sequence[ItemCard] | None = None) -> tuple[PowerTypeCount, ...]:
    """Counts per power type: the ten standard types in the guidance's order (zeros included), then others.

    >>> from queries._examples import example_store
    >>> [(p.power_type, p.total) for p in power_type_counts(example_store()) if p.total]
    [('行政许可', 1), ('行政处罚', 2), ('行政强制', 1), ('行政检查', 2), ('行政确认', 1), ('其他行政权力', 1), ('公共服务', 2)]
    """
    by: dict[str, Counter[str]] = defaultdict(Counter)
    if cards is None:  # counted by the store (Neo4j: one aggregate statement)
        for (power_type, part), n in store.part_power_counts(township).items():
            by[power_type][part] += n
    else:
        for c in cards_of(store, township, cards):
            by[c.item.power_type or "(空)"][c.item.part] += 1
    types = list(POWER_TYPES) + sorted(t for t in by if t not in POWER_TYPES)
    parts = [p.value for p in ListPart]
    return tuple(
        PowerTypeCount(t, t in POWER_TYPES, sum(by[t].values()),
                       tuple((p, by[t][p]) for p in parts if by[t][p]))
        for t in types
    )


@dataclass(frozen=True, slots=True)
class ScoreCheck:
    """One check's part of a township score; ``failing`` are the first item names that fail it.

    ``applicable`` items of the parts it applies to, ``assessed`` those whose sheet had the
    column, ``passed`` those assessed and passing (so not assessed counts as failing).
    """

    check: str
    label: str
    weight: int
    applicable: int
    passed: int
    points: float
    lost: float
    failing: tuple[str, ...]
    assessed: int = 0


@dataclass(frozen=True, slots=True)
class TownshipScore:
    """A township's completeness (0–100) and how it was reached; ``explanation`` is one sentence.

    ``coverage`` is "评估 k/n 项": of the n checks applying to some item, k could be
    assessed on every item they apply to (the others' columns were absent).
    """

    township: str
    score: float
    items: int
    checks: tuple[ScoreCheck, ...]
    explanation: str
    assessed_checks: int = 0
    applicable_checks: int = 0

    @property
    def coverage(self) -> str:
        return f"评估 {self.assessed_checks}/{self.applicable_checks} 项"

    @property
    def drags(self) -> tuple[ScoreCheck, ...]:
        """The (at most three) checks losing the most points, as ``explanation`` names them."""
        return tuple(sorted((c for c in self.checks if c.lost > 0), key=lambda c: (-c.lost, c.check))[:3])

    @property
    def unassessed(self) -> tuple[str, ...]:
        """Checks applying to some item that could not be assessed on all of them (their column was absent)."""
        return tuple(c.check for c in self.checks if c.applicable and c.assessed < c.applicable)


@kept(per_township=True)
def completeness(store: DutyStore, township: str | None = None, *, show_failing: int = 5,
                 cards: Sequence[ItemCard] | None = None) -> tuple[TownshipScore, ...]:
    """A completeness score per township with its explanation (see the module docstring).

    >>> from queries._examples import example_store
    >>> s = completeness(example_store())[0]
    >>> s.township, s.score, s.coverage, [(c.check, c.passed, c.applicable, c.lost) for c in s.checks][:2]
    ('示例镇', 83.2, '评估 5/5 项', [('single_lead', 7, 10, 9.0), ('basis', 8, 9, 2.78)])
    >>> s.explanation
    '示例镇 83.2 分（10 个事项，评估 5/5 项）。扣分最多：唯一责任主体 -9.0（3/10 未通过）；法律依据 -2.8（1/9 未通过）；实施程序 -1.9（1/8 未通过）。'
    """
    if cards is None:
        asked = _completeness_asked(store, township, show_failing)
        if asked is not None:
            return asked
    grouped: dict[str, list[ItemCard]] = defaultdict(list)
    cards = cards_of(store, township, cards)
    lay = layouts(store, cards)
    for c in cards:
        grouped[c.item.township].append(c)
    # the whole store's scores are the townships' (a reference catalogue is not scored with them)
    towns = [township] if township is not None else list(list_townships(store))
    out = []
    for town in towns:
        group = grouped.get(town, [])
        checks = []
        for chk in ITEM_CHECKS:
            applicable = [c for c in group if _applies(chk, c, lay)]
            # one pass (a list-membership test here was quadratic: 24 s of a county audit)
            assessed = [_assessed(chk, c, lay) for c in applicable]
            failing = [c for c, seen in zip(applicable, assessed) if not seen or not chk.passes(c)]
            checks.append(_score_check(chk, len(group), len(applicable), sum(assessed), len(failing),
                                       [c.item.label for c in sorted(failing, key=lambda c: c.key)[:show_failing]]))
        out.append(_township_score(town, len(group), checks))
    return tuple(out)


def _score_check(chk: Check, items: int, applicable: int, assessed: int, failing: int, labels) -> ScoreCheck:
    share = 1 - failing / applicable if applicable else 1.0
    points = round(chk.weight * share, 2) if items else 0.0
    return ScoreCheck(chk.name, chk.label, chk.weight, applicable, applicable - failing, points,
                      round(chk.weight - points, 2), tuple(labels), assessed)


def _completeness_asked(store: DutyStore, township: str | None, show_failing: int,
                        among: Sequence[str] | None = None, kept_rows: dict[str, dict] | None = None,
                        among_nodes: Sequence[Township] | None = None,
                        ) -> tuple[TownshipScore, ...] | None:
    """completeness' store half: per township and check the counts and failing items from the store.

    An item without a lead passes ``single_lead`` only when handed to village self-governance,
    which its texts say: those items' cards are read (``ownership_of``). ``among`` (with no
    ``township``) narrows the whole store to those townships (a county's, queries.county).
    Where the store keeps each township's aggregates (``_common.kept_stats``, or ``kept_rows``
    given) and ``show_failing`` is at most ``FIRST_KEPT``, they are counted here instead of
    asking every item. ``among_nodes``: the Township nodes of ``among`` when the caller read them
    (a county's, queries.county), so that the store's every Township node is not read to find them.
    """
    if among_nodes is not None and township is None:
        towns = list(among_nodes) if all(t.layout for t in among_nodes) else None
    else:
        towns = recorded_townships(store, township)
    if towns is None:
        return None
    if among is not None and township is None:
        wanted = set(among)
        towns = [t for t in towns if t.name in wanted]
    sheets = []
    for t in towns:
        for part in (p.value for p in ListPart):
            assessed, absent = sheet_checks(t, part, [c.name for c in ITEM_CHECKS if c.name != "single_lead"])
            checks = [{"name": "single_lead", "assessed": True, "field": None}]
            checks += [{"name": c, "assessed": c in assessed, "field": APPLICABILITY[c].item_field}
                       for c in (*assessed, *absent)]
            sheets.append({"township": t.name, "part": part, "checks": checks})
    handed: set[str] | None = None
    if kept_rows is None and show_failing <= FIRST_KEPT:  # the aggregates kept at write time, where kept
        kept_rows = kept_stats(store, [t.name for t in towns], ("parts",))
    if kept_rows is not None and show_failing <= FIRST_KEPT:
        tally, handed = _completeness_kept(sheets, kept_rows)
    elif show_failing == 0:  # the scores only (county_ranking): counts, and the keys of items without a lead
        rows = store.ask("completeness_counts", sheets=sheets)
        if rows is None:
            return None
        tally = {(r["township"], name): (n, assessed, [("", "", "", "fail")] * fails + [(k, "", "", "ask") for k in asks])
                 for r in rows for name, n, assessed, fails, asks in r["checks"]}
    else:
        rows = store.ask("completeness", sheets=sheets)
        if rows is None:
            return None
        tally = {(r["township"], name): (n, assessed, failing) for r in rows for name, n, assessed, failing in r["checks"]}
    if handed is None:
        ask = sorted({f[0] for n, a, failing in tally.values() for f in failing if f[3] == "ask"})
        handed = {c.key for c in (store.item_cards(ItemFilter(keys=ask)) if ask else ())
                  if ownership_of(c)[0] in ("owned", "handed_over")}
    out = []
    for town in [township] if township is not None else [t.name for t in towns]:
        items = tally.get((town, "single_lead"), (0, 0, []))[0]
        checks = []
        for chk in ITEM_CHECKS:
            # (a kept tally names only the first failing items of each sheet and counts the rest)
            n, assessed, failing, *unnamed = tally.get((town, chk.name), (0, 0, []))
            failing = sorted((f for f in failing if not (f[3] == "ask" and f[0] in handed)), key=lambda f: f[0])
            labels = [f"{name}（{sub}）" if sub else name for _, name, sub, _ in failing[:show_failing]]  # DutyItem.label
            checks.append(_score_check(chk, items, n, assessed, len(failing) + sum(unnamed), labels))
        out.append(_township_score(town, items, checks))
    return tuple(out)


#: The texts an item without a lead is judged by (ownership_of), as graphmodel.township_stats keeps them.
_NO_LEAD_TEXTS = ("lead_text", "receiving_dept", "work_mode", "note", "village_text")


def _completeness_kept(sheets: list[dict], kept_rows: dict[str, dict]) -> tuple[dict, set[str]]:
    """The completeness statement's tally counted from each township's aggregates per part, as the
    Cypher statement counts the items (single_lead: one lead passes, none asks, more fail; a check
    whose column the sheet lacked fails; basis: a cited basis; a field: written): per (township,
    check) (applicable, assessed, the first failing items of each sheet, how many more fail), and
    the items without a lead that are handed over, judged from their kept texts as
    ``ownership_of`` judges their cards."""
    tally: dict[tuple[str, str], tuple[int, int, list, int]] = {}
    handed: set[str] = set()
    for s in sheets:
        part = kept_rows[s["township"]]["parts"].get(s["part"])
        if part is None:
            continue
        n = part["items"]
        for c in s["checks"]:
            asks = []
            if c["name"] == "single_lead":
                fails, named = part["multi"], part["multi_first"]
                asks = [(k, name, sub, "ask") for k, name, sub, *_ in part["no_lead"]]
            elif not c["assessed"]:
                fails, named = n, part["first"]
            elif c["name"] == "basis":
                fails, named = part["no_basis"], part["no_basis_first"]
            else:
                fails, named = part["blank"][c["field"]], part["blank_first"].get(c["field"], [])
            old_n, old_assessed, failing, unnamed = tally.get((s["township"], c["name"]), (0, 0, [], 0))
            failing = failing + [(k, name, sub, "fail") for k, name, sub in named] + asks
            tally[(s["township"], c["name"])] = (old_n + n, old_assessed + (n if c["assessed"] else 0), failing,
                                                 unnamed + fails - len(named))
        for key, _, _, *texts in part["no_lead"]:
            item = DutyItem(key, s["township"], "", **dict(zip(_NO_LEAD_TEXTS, texts, strict=True)))
            if ownership_of(ItemCard(item))[0] in ("owned", "handed_over"):
                handed.add(key)
    return tally, handed


def _township_score(town: str, items: int, checks: list[ScoreCheck]) -> TownshipScore:
    score = round(sum(c.points for c in checks), 1)
    applying = [c for c in checks if c.applicable]
    full = sum(1 for c in applying if c.assessed == c.applicable)
    if not items:
        why = f"{town} 没有事项，得 0 分。"
    else:
        drags = sorted((c for c in checks if c.lost > 0), key=lambda c: (-c.lost, c.check))[:3]
        unassessed = [c.label for c in applying if c.assessed < c.applicable]
        why = f"{town} {score} 分（{items} 个事项，评估 {full}/{len(applying)} 项）。" + (
            "扣分最多：" + "；".join(
                f"{c.label} -{c.lost:.1f}（{c.applicable - c.passed}/{c.applicable} 未通过）" for c in drags) + "。"
            if drags else "各项检查全部通过。") + (
            f"清单缺少{'、'.join(unassessed)}列的事项未评估，按未通过计。" if unassessed else "")
    return TownshipScore(town, score, items, tuple(checks), why, full, len(applying))


def township_ranking(store: DutyStore, *, cards: Sequence[ItemCard] | None = None) -> tuple[TownshipScore, ...]:
    """The store's townships by completeness, best first (ties by name), each with its coverage.

    >>> from queries._examples import example_store
    >>> [(s.township, s.score, s.coverage) for s in township_ranking(example_store())]
    [('示例镇', 83.2, '评估 5/5 项')]
    """
    return tuple(sorted(completeness(store, cards=cards), key=lambda s: (-s.score, s.township)))
