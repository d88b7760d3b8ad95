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

A field check (time limit, procedure, code) applies to the items of one list part of one
township only when *some* item of that part has the field written — i.e. when that
part's sheet has the column at all (the 收回 sheet usually has no 办理时限; a 配合 sheet
may have no 实施程序). An absent column is a template choice, not an item's gap.

The township score is ``Σ weight × passed / applicable`` (0–100, a check that applies
to no item counts as passed); an empty township scores 0.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from graphmodel import POWER_TYPES, DutyStore, ItemCard, ItemFilter, ListPart

from ._common import Finding, ItemEvidence, cards_of, evidence, finding, sorted_findings
from .ownership import ownership_of

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
_FIELDS = tuple(c.field for c in ITEM_CHECKS if c.field)  # the column checks' fields

Columns = frozenset[tuple[str, str, str]]  # (township, part, field) with at least one value


def _columns(cards: Sequence[ItemCard]) -> Columns:
    return frozenset((c.item.township, c.item.part, chk.field)
                     for c in cards for chk in ITEM_CHECKS if chk.field and chk.passes(c))


def _applies(chk: Check, card: ItemCard, cols: Columns) -> bool:
    return not chk.field or (card.item.township, card.item.part, chk.field) in cols


@dataclass(frozen=True, slots=True)
class ItemCoverage:
    """What one item lacks: ``missing`` from code, basis, time_limit, procedure, lead (no lead at all)."""

    item: ItemEvidence
    missing: tuple[str, ...]
    complete: bool

    @property
    def missing_labels(self) -> tuple[str, ...]:
        return tuple(_LABELS[m] for m in self.missing)


def _missing(card: ItemCard, cols: Columns) -> tuple[str, ...]:
    out = [c.name for c in ITEM_CHECKS if c.name != "single_lead" and _applies(c, card, cols) and not c.passes(card)]
    if ownership_of(card)[0] in ("gap", "unconfirmed"):
        out.append("lead")
    return tuple(out)


def _complete(card: ItemCard, cols: Columns) -> bool:
    return all(c.passes(card) for c in ITEM_CHECKS if _applies(c, card, cols))


def item_coverage(store: DutyStore, township: str | None = None, *, only_incomplete: bool = False,
                  cards: Sequence[ItemCard] | None = None) -> tuple[ItemCoverage, ...]:
    """Per item, which of code, basis, time limit, procedure and lead are missing.

    ``complete`` is True when every applicable check of ``ITEM_CHECKS`` passes (so an
    item with two leads is not complete though nothing is missing).

    >>> from queries._examples import example_store
    >>> [(c.item.name, c.missing) for c in item_coverage(example_store(), only_incomplete=True)][-2:]
    [('农村集体资产监督', ('basis', 'time_limit', 'procedure', 'lead')), ('农村生活垃圾清运保洁', ('code',))]
    """
    cards = cards_of(store, township, cards)
    cols = _columns(cards)
    out = []
    for c in cards:
        cov = ItemCoverage(evidence(c), _missing(c, cols), _complete(c, cols))
        if not only_incomplete or not cov.complete:
            out.append(cov)
    return tuple(sorted(out, key=lambda x: x.item.key))


def missing_fields(store: DutyStore, township: str | None = None, *,
                   cards: Sequence[ItemCard] | None = None) -> tuple[Finding, ...]:
    """``coverage.missing_fields``: items lacking a code, time limit or procedure.

    (No lead and no basis have findings of their own: ``gap.no_lead``, ``legal.no_basis``.)

    >>> from queries._examples import example_store
    >>> [(f.subject, dict(f.details)["missing"]) for f in missing_fields(example_store())]
    [('农村集体资产监督', '办理时限、实施程序'), ('农村生活垃圾清运保洁', '事项编码')]
    """
    if cards is None:  # the store finds the written columns and the items blank in them
        cols = store.written_columns(_FIELDS, township)
        keys = {k for k, _ in store.blank_items(cols)}
        cards = store.item_cards(ItemFilter(keys=keys)) if keys else ()
    else:
        cards = cards_of(store, township, cards)
        cols = _columns(cards)
    out = []
    for c in cards:
        miss = [m for m in _missing(c, cols) if m in ("code", "time_limit", "procedure")]
        if miss:
            labels = [_LABELS[m] for m in miss]
            out.append(finding("coverage.missing_fields", c.item.township, c.item.label,
                               f"「{c.item.label}」缺少{'、'.join(labels)}", [evidence(c)], missing=labels))
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


def department_load(store: DutyStore, township: str | None = None, *,
                    cards: Sequence[ItemCard] | None = None) -> tuple[DepartmentLoad, ...]:
    """Every department's load (idle departments included), sorted by township and name.

    >>> from queries._examples import example_store
    >>> d = {x.name: x for x in department_load(example_store())}["综合行政执法队"]
    >>> d.leads, d.cooperates, d.by_power_type, d.complete, d.share_complete
    (3, 1, (('公共服务', 1), ('行政强制', 1), ('行政检查', 1)), 2, 0.6667)
    """
    if cards is None:  # counted by the store: (department, part, power type) -> (led, complete)
        cols = store.written_columns(_FIELDS, township)
        counts = store.department_lead_counts(township, incomplete={k for k, _ in store.blank_items(cols)})
        coop = Counter(store.cooperation_counts(township))
    else:
        counts, coop = _lead_counts(cards_of(store, township, cards))
    by_dept: dict[str, dict[tuple[str, str], tuple[int, int]]] = defaultdict(dict)
    for (dept, part, power_type), n_done in counts.items():
        by_dept[dept][(part, power_type)] = n_done
    out = []
    for d in store.nodes("Department", township):
        rows = by_dept.get(d.key, {})
        led, done = sum(n for n, _ in rows.values()), sum(k for _, k in rows.values())
        parts: Counter[str] = Counter()
        powers: Counter[str] = Counter()
        for (part, power_type), (n, _) in rows.items():
            parts[part] += n
            powers[power_type] += n
        out.append(DepartmentLoad(
            d.key, d.township, d.name, d.level, led, coop.get(d.key, 0),
            tuple(sorted(parts.items())), tuple(sorted(powers.items())),
            done, round(done / led, 4) if led else 0.0,
        ))
    return tuple(sorted(out, key=lambda x: (x.township, x.name, x.key)))


def _lead_counts(cards: Sequence[ItemCard]) -> tuple[dict[tuple[str, str, str], tuple[int, int]], Counter[str]]:
    """department_load's counts from the cards themselves (the audit passes its cards)."""
    cols = _columns(cards)
    counts: dict[tuple[str, str, str], tuple[int, int]] = {}
    coop: Counter[str] = Counter()
    for c in cards:
        done = _complete(c, cols)
        for p in c.leads:
            k = (p.key, c.item.part, c.item.power_type or "(空)")
            n, d = counts.get(k, (0, 0))
            counts[k] = (n + 1, d + done)
        for p in c.cooperators:
            coop[p.key] += 1
    return counts, coop


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


def village_roles(store: DutyStore, township: str | None = None, *,
                  cards: Sequence[ItemCard] | None = None) -> tuple[VillageRole, ...]:
    """Per village (idle ones included), the items it assists and its role in each.

    >>> from queries._examples import example_store
    >>> [(v.name, v.count) for v in village_roles(example_store())]
    [('东村', 2), ('南社区', 0), ('西村', 2)]
    """
    roles: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
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
    """One check's part of a township score; ``failing`` are the first item names that fail it."""

    check: str
    label: str
    weight: int
    applicable: int
    passed: int
    points: float
    lost: float
    failing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TownshipScore:
    """A township's completeness (0–100) and how it was reached; ``explanation`` is one sentence."""

    township: str
    score: float
    items: int
    checks: tuple[ScoreCheck, ...]
    explanation: str


def completeness(store: DutyStore, township: str | None = None, *, show_failing: int = 5,
                 cards: Sequence[ItemCard] | None = None) -> tuple[TownshipScore, ...]:
    """A completeness score per township with its explanation (see the module docstring).

    >>> from queries._examples import example_store
    >>> s = completeness(example_store())[0]
    >>> s.township, s.score, [(c.check, c.passed, c.applicable, c.lost) for c in s.checks][:2]
    ('示例镇', 83.7, [('single_lead', 7, 10, 9.0), ('basis', 9, 10, 2.5)])
    >>> s.explanation
    '示例镇 83.7 分（10 个事项）。扣分最多：唯一责任主体 -9.0（3/10 未通过）；法律依据 -2.5（1/10 未通过）；实施程序 -1.7（1/9 未通过）。'
    """
    grouped: dict[str, list[ItemCard]] = defaultdict(list)
    cards = cards_of(store, township, cards)
    cols = _columns(cards)
    for c in cards:
        grouped[c.item.township].append(c)
    towns = [township] if township is not None else sorted(t.name for t in store.townships())
    out = []
    for town in towns:
        group = grouped.get(town, [])
        checks = []
        for chk in ITEM_CHECKS:
            applicable = [c for c in group if _applies(chk, c, cols)]
            failing = [c for c in applicable if not chk.passes(c)]
            share = 1 - len(failing) / len(applicable) if applicable else 1.0
            points = round(chk.weight * share, 2) if group else 0.0
            checks.append(ScoreCheck(chk.name, chk.label, chk.weight, len(applicable), len(applicable) - len(failing),
                                     points, round(chk.weight - points, 2),
                                     tuple(c.item.label for c in sorted(failing, key=lambda c: c.key)[:show_failing])))
        score = round(sum(c.points for c in checks), 1)
        if not group:
            why = f"{town} 没有事项，得 0 分。"
        else:
            drags = sorted((c for c in checks if c.lost > 0), key=lambda c: (-c.lost, c.check))[:3]
            why = f"{town} {score} 分（{len(group)} 个事项）。" + (
                "扣分最多：" + "；".join(
                    f"{c.label} -{c.lost:.1f}（{c.applicable - c.passed}/{c.applicable} 未通过）" for c in drags) + "。"
                if drags else "各项检查全部通过。")
        out.append(TownshipScore(town, score, len(group), tuple(checks), why))
    return tuple(out)
