"""Stand-ins for query modules that have not landed yet (coverage, chains, what-if, frames).

Each function names the ``queries/`` module that replaces it; ``dashboard/state.py``
calls the real module when it exists and this one only otherwise. Delete a function
here as soon as its module lands.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

import pandas as pd

from graphmodel import POWER_TYPES, DutyStore, ItemCard, ItemFilter

__all__ = ["CHECKS", "Chain", "chains", "completeness", "findings_frame", "missing_fields", "whatif_cards"]

# field checks of the supervisors' review (DOMAIN.md): name -> test on a card
CHECKS: dict[str, object] = {
    "唯一牵头部门": lambda c: len(c.leads) == 1,
    "法律依据": lambda c: bool(c.bases),
    "办理时限": lambda c: bool(c.item.time_limit.strip()),
    "实施程序": lambda c: bool(c.item.procedure.strip()),
    "事项编码": lambda c: bool(c.item.code.strip()),
    "事项类型": lambda c: c.item.power_type in POWER_TYPES,
}


def missing_fields(cards: Sequence[ItemCard]) -> pd.DataFrame:
    """One row per item: which checks it fails (queries/coverage.py replaces this)."""
    rows = []
    for c in cards:
        failed = [name for name, test in CHECKS.items() if not test(c)]
        rows.append({
            "乡镇": c.item.township, "事项名称": c.item.label, "事项编码": c.item.code, "清单类别": c.item.part,
            "事项类型": c.item.power_type, "牵头部门": "、".join(p.name for p in c.leads),
            "缺失要素": "、".join(failed), "完整度": round(1 - len(failed) / len(CHECKS), 3),
            "来源": c.item.source, "键": c.key,
        })
    return pd.DataFrame(rows, columns=["乡镇", "事项名称", "事项编码", "清单类别", "事项类型", "牵头部门", "缺失要素",
                                       "完整度", "来源", "键"])


def completeness(cards: Sequence[ItemCard]) -> tuple[float, pd.DataFrame]:
    """Mean share of checks passed, and per check the number of items failing it."""
    if not cards:
        return 1.0, pd.DataFrame(columns=["检查项", "未通过"])
    fails = Counter(name for c in cards for name, test in CHECKS.items() if not test(c))
    score = 1 - sum(fails.values()) / (len(cards) * len(CHECKS))
    drag = pd.DataFrame([(n, fails.get(n, 0)) for n in CHECKS], columns=["检查项", "未通过"])
    return round(score, 3), drag.sort_values("未通过", ascending=False, kind="stable").reset_index(drop=True)


def dept_power_matrix(cards: Sequence[ItemCard]) -> pd.DataFrame:
    """Items led, department × power type (queries/coverage.py replaces this)."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for c in cards:
        for p in c.leads:
            counts[p.name][c.item.power_type or "(空)"] += 1
    types = [p for p in POWER_TYPES if any(p in v for v in counts.values())]
    types += sorted({k for v in counts.values() for k in v} - set(types))
    return pd.DataFrame({t: [counts[d][t] for d in sorted(counts)] for t in types}, index=sorted(counts))


def village_matrix(store: DutyStore, township: str | None, cards: Sequence[ItemCard]) -> pd.DataFrame:
    """Items each village assists, by power type (queries/villages.py replaces this)."""
    villages = sorted(store.nodes("Village", township), key=lambda v: (v.township, v.name))
    counts: dict[str, Counter] = {v.key: Counter() for v in villages}
    for c in cards:
        for v in c.villages:
            counts.setdefault(v.key, Counter())[c.item.power_type or "(空)"] += 1
    types = sorted({k for v in counts.values() for k in v}, key=lambda p: (p not in POWER_TYPES, p))
    rows = [{"乡镇": v.township, "村（社区）": v.name, "类型": v.kind, **{p: counts[v.key][p] for p in types},
             "事项数": sum(counts[v.key].values())} for v in villages]
    return pd.DataFrame(rows, columns=["乡镇", "村（社区）", "类型", *types, "事项数"])


def power_by_township(store: DutyStore) -> pd.DataFrame:
    rows = {t.name: store.counts(t.name).power_types for t in store.townships()}
    return pd.DataFrame(rows).fillna(0).astype(int)


@dataclass(frozen=True, slots=True)
class Step:
    key: str
    name: str
    power_type: str
    owners: tuple[tuple[str, str, str], ...]
    handoff: bool
    level_crossing: bool
    broken: bool


@dataclass(frozen=True, slots=True)
class Chain:
    name: str
    township: str
    steps: tuple[Step, ...]

    @property
    def problems(self) -> int:
        return sum(s.broken or s.handoff for s in self.steps)


def chains(cards: Sequence[ItemCard]) -> tuple[Chain, ...]:
    """Chains of FOLLOWED_BY items, each step with owners, hand-offs and broken steps (queries/chains.py)."""
    by_key = {c.key: c for c in cards}
    starts = [c for c in cards if c.next_items and not any(p in by_key for p in c.prev_items)]
    out = []
    for start in starts:
        path, seen, cur = [], set(), start
        while cur is not None and cur.key not in seen:
            seen.add(cur.key)
            path.append(cur)
            cur = next((by_key[k] for k in cur.next_items if k in by_key), None)
        steps, prev = [], None
        for c in path:
            owners = tuple((p.key, p.name, p.level) for p in c.leads)
            keys = {o[0] for o in owners}
            handoff = prev is not None and bool(keys) and keys != {o[0] for o in prev}
            sides = lambda os: {("county" if lv in ("县级部门", "县派驻机构") else "township") for _, _, lv in os}  # noqa: E731
            crossing = prev is not None and bool(owners) and bool(prev) and sides(owners) != sides(prev)
            steps.append(Step(c.key, c.item.label, c.item.power_type, owners, handoff, crossing, not owners))
            prev = owners
        out.append(Chain(" → ".join(s.name for s in steps), start.item.township, tuple(steps)))
    return tuple(sorted(out, key=lambda ch: (ch.township, ch.name)))


def candidate_chains(cards: Sequence[ItemCard]) -> pd.DataFrame:
    """Inspection items with no next step beside penalty/compulsion items sharing a law."""
    rows = []
    by_law: dict[str, list[ItemCard]] = defaultdict(list)
    for c in cards:
        for b in c.bases:
            by_law[b.law].append(c)
    for c in cards:
        if c.item.power_type != "行政检查" or c.next_items:
            continue
        for b in {b.law for b in c.bases}:
            for o in by_law[b]:
                if o.item.power_type in ("行政处罚", "行政强制") and o.key != c.key:
                    rows.append((c.item.township, c.item.label, o.item.label, b))
    return pd.DataFrame(sorted(set(rows)), columns=["乡镇", "起点", "终点", "法律"])


def whatif_cards(cards: Sequence[ItemCard], remove: Sequence[str] = (), merge: Sequence[str] = (),
                 into: str | None = None, into_name: str = "", into_level: str = "") -> tuple[ItemCard, ...]:
    """Cards as they would be with departments removed, or merged into one (queries/whatif.py)."""
    from graphmodel import Party

    def fix(parties: tuple[Party, ...]) -> tuple[Party, ...]:
        out: dict[str, Party] = {}
        for p in parties:
            if p.key in remove:
                continue
            if into and p.key in merge:
                p = Party(into, into_name, into_level, p.text)
            out.setdefault(p.key, p)
        return tuple(sorted(out.values()))

    changed = []
    for c in cards:
        leads = fix(c.leads)
        coops = tuple(p for p in fix(c.cooperators) if p.key not in {q.key for q in leads})
        changed.append(replace(c, leads=leads, cooperators=coops))
    return tuple(changed)


def cards(store: DutyStore, township: str | None) -> tuple[ItemCard, ...]:
    return store.item_cards(ItemFilter(township=township))
