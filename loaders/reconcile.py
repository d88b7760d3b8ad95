"""One body, several names: fold county prefixes and abbreviations, suggest institutional-reform renames.

A list names the same county body as 县自然资源和规划局, 自然资源和规划局 and 县资规局. Names
that differ only by a bare county prefix (县/区/市/旗) or by a common abbreviation
(``data/department_abbreviations.csv``) are merged automatically: that is unambiguous.
Names linked only by a rename of the 2018–2024 institutional reforms
(``data/department_renames.csv``: 国土资源局 → 自然资源局 …) are suggested, with the
rename as evidence, for the user's alias file: two names may stand for two bodies.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from graphmodel.vocab import DeptLevel

__all__ = ["MergePlan", "Rename", "core_name", "plan_merges", "renames"]

_BARE_PREFIX = re.compile(r"^(县|区|市|旗)(?!场|域|容|民)")
_NAMED_PREFIX = re.compile(r"^([一-龥]{1,6}?(自治县|自治旗|县|旗|(?<![社小景园片辖校])区|(?<!城)市))(?!场|域|容|民)")


@dataclass(frozen=True, slots=True)
class Rename:
    old: str
    new: str
    year: str
    note: str


@dataclass(frozen=True, slots=True)
class MergePlan:
    """``mapping`` folds a canonical name into another; ``applied`` / ``suggested`` are the report's evidence."""

    mapping: dict[str, str]
    applied: tuple[tuple[tuple[str, ...], str, str], ...]  # (names, into, rule)
    suggested: tuple[tuple[tuple[str, ...], str, str], ...]


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("loaders").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def _abbreviations() -> tuple[tuple[str, str], ...]:
    pairs = [(r["full"], r["short"]) for r in _rows("department_abbreviations.csv") if r.get("full")]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


@cache
def renames() -> tuple[Rename, ...]:
    """The bundled table of institutional-reform renames (old name → new name, year, note)."""
    return tuple(Rename(r["old"], r["new"], r.get("year", ""), r.get("note", "")) for r in _rows("department_renames.csv")
                 if r.get("old") and r.get("new"))


@lru_cache(maxsize=1 << 14)  # a pure function of the name and the bundled table; asked per name per list
def fold(name: str) -> str:
    """A name with long forms replaced by their abbreviations, for comparison only.

    >>> fold("自然资源和规划局"), fold("资规局"), fold("卫生健康委员会")
    ('资规局', '资规局', '卫健委')
    """
    for full, short in _abbreviations():
        name = name.replace(full, short)
    return name


@lru_cache(maxsize=1 << 14)  # plan_merges asks it twice per county name of every list
def core_name(name: str) -> tuple[str, str]:
    """``(named prefix, folded core)``: a bare 县/区/市/旗 prefix dropped, a named one (XX县) kept apart.

    >>> core_name("县自然资源和规划局"), core_name("自然资源和规划局"), core_name("县资规局")
    (('', '资规局'), ('', '资规局'), ('', '资规局'))
    >>> core_name("青山区城市管理局"), core_name("市场监管所")
    (('青山区', '城管局'), ('', '市监所'))
    """
    m = _BARE_PREFIX.match(name)
    if m and len(name) > 3:
        return "", fold(name[1:])
    m = _NAMED_PREFIX.match(name)
    if m and len(name) - len(m.group(1)) >= 2:
        return m.group(1), fold(name[len(m.group(1)):])
    return "", fold(name)


def _target(names: list[str], known: set[str]) -> str:
    """The name a group folds into: the alias table's, else a full (unabbreviated) name, 县-prefixed first."""
    listed = [n for n in names if n in known]
    pool = listed or names
    def abbreviated(n: str) -> bool:  # 县资规局 beside 自然资源和规划局
        return fold(n) == n and any(fold(m) != m for m in pool)

    return sorted(pool, key=lambda n: (abbreviated(n), not _BARE_PREFIX.match(n), -len(n), n))[0]


def plan_merges(names: Iterable[str], levels: dict[str, str], known: Iterable[str] = (),
                shorts: dict[str, str] | None = None) -> MergePlan:
    """Which canonical department names of one list are one body (applied) or probably one (suggested).

    Only county bodies and stations are folded; the township's own offices are reconciled by
    the alias table alone. ``shorts`` maps a short name the list wrote in brackets after a full
    name (青山区人民政府应急管理办公室（区应急办）) to that full name: the short name met alone is
    the same body.

    >>> lv = {n: "县级部门" for n in ("县自然资源和规划局", "自然资源和规划局", "县资规局", "县国土资源局")}
    >>> plan = plan_merges(lv, lv)
    >>> sorted(plan.mapping.items())
    [('县资规局', '县自然资源和规划局'), ('自然资源和规划局', '县自然资源和规划局')]
    >>> plan_merges(["县资规局", "自然资源和规划局"], {"县资规局": "县级部门", "自然资源和规划局": "县级部门"}).mapping
    {'县资规局': '自然资源和规划局'}
    >>> [(names, into) for names, into, _ in plan.suggested]
    [(('县国土资源局', '县自然资源和规划局'), '县自然资源和规划局')]
    """
    known = set(known)
    names = sorted(set(names))
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for n in names:
        if levels.get(n) in (DeptLevel.COUNTY.value, DeptLevel.STATION.value):
            groups[core_name(n)].append(n)
    mapping: dict[str, str] = {}
    applied, suggested = [], []
    for short, full in sorted((shorts or {}).items()):
        if short in names and short != full and full in names:
            mapping[short] = full
            applied.append(((full, short), full, "括号内简称 short name written in brackets"))
    for (prefix, core), members in sorted(groups.items()):
        members = [m for m in members if m not in mapping]
        if len(members) > 1 and len({levels[m] for m in members}) == 1:
            into = _target(members, known)
            for m in members:
                if m != into:
                    mapping[m] = into
            applied.append((tuple(members), into, f"县级前缀或简称 county prefix / abbreviation: {core}"))
        elif len(members) > 1:
            suggested.append((tuple(members), _target(members, known), "名称相同、层级不同 same name, different levels"))
        # the same core under a named county prefix (XX县…) and without: probably, not surely, one body
        if prefix:
            bare = groups.get(("", core))
            if bare:
                suggested.append((tuple(sorted({*members, *bare})), _target(bare, known),
                                  f"县名前缀 named county prefix {prefix}"))
    final = {n: mapping.get(n, n) for n in names}
    applied = [a for a in applied if len(a[0]) > 1]
    by_core: dict[str, set[str]] = defaultdict(set)
    for n in names:
        if levels.get(n) in (DeptLevel.COUNTY.value, DeptLevel.STATION.value):
            by_core[core_name(n)[1]].add(final[n])
    seen: set[tuple[str, ...]] = set()
    for r in renames():
        old, new = by_core.get(fold(r.old), set()), by_core.get(fold(r.new), set())
        if old and new and old != new:
            pair = tuple(sorted(old | new))
            if pair in seen:
                continue
            seen.add(pair)
            suggested.append((pair, sorted(new)[0], f"机构改革更名 reform rename {r.year}: {r.old} → {r.new}（{r.note}）"))
    return MergePlan(mapping, tuple(applied), tuple(suggested))
