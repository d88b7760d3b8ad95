"""Department names: reconciled by the alias table, given a level, placeholders set aside."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from graphmodel.errors import LoadError
from graphmodel.normalize import canonical_department, compact, split_multi
from graphmodel.vocab import DeptLevel

from .problems import Problem
from .values import is_placeholder

__all__ = ["AliasTable", "DeptName", "department_level", "load_aliases", "split_departments"]

_LEVELS = {lv.value for lv in DeptLevel}


@dataclass(frozen=True, slots=True)
class DeptName:
    """A department as reconciled: canonical name, level, and whether the alias table knew it."""

    written: str
    name: str
    level: str
    known: bool


def department_level(name: str) -> str:
    """Level of a department the alias table does not know (rules in docs/import-rules.md).

    >>> [department_level(n) for n in ("县农业农村局", "市场监管分局", "自然资源所", "党政综合办")]
    ['县级部门', '县派驻机构', '县派驻机构', '镇街内设机构']
    """
    if name.startswith(("县", "市", "区")) and not name.startswith(("市场", "区域")):
        return DeptLevel.COUNTY.value
    if name.endswith(("所", "站", "中队", "分局")):
        return DeptLevel.STATION.value
    if name.endswith("局"):
        return DeptLevel.COUNTY.value
    return DeptLevel.TOWNSHIP.value


@dataclass(frozen=True, slots=True)
class AliasTable:
    """Canonical-form alias -> (canonical name, level)."""

    entries: dict[str, tuple[str, str]]

    def resolve(self, written: str, township: str = "") -> DeptName:
        """Reconcile one department name as written in a cell.

        >>> t = load_aliases()
        >>> t.resolve("镇农业农村办", "样例镇").name, t.resolve("农业农村办公室", "样例镇").name
        ('农业农村办', '农业农村办')
        >>> t.resolve("党政办", "样例镇")
        DeptName(written='党政办', name='党政综合办', level='镇街内设机构', known=True)
        >>> t.resolve("县文旅局", "样例镇").level
        '县级部门'
        """
        canon = canonical_department(written, township)
        for key in (compact(written), canon):
            if key in self.entries:
                name, level = self.entries[key]
                return DeptName(compact(written), name, level, True)
        return DeptName(compact(written), canon, department_level(canon), False)


def _load_rows(text: str, source: str) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for n, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        alias, canonical = compact(row.get("alias")), compact(row.get("canonical"))
        level = compact(row.get("level"))
        if not alias or not canonical:
            continue
        canon = canonical_department(canonical)
        level = level or department_level(canon)
        if level not in _LEVELS:
            problem = Problem(code="bad_type", file=source, row=n, column="level", column_letter="C", value=level,
                              message=f"未知层级 unknown level {level!r}; use one of {sorted(_LEVELS)}")
            raise LoadError(str(problem), [problem])
        out[alias] = (canon, level)
        out.setdefault(canonical_department(alias), (canon, level))
        out.setdefault(canon, (canon, level))
    return out


def load_aliases(extra: str | Path | None = None) -> AliasTable:
    """The bundled alias table; rows of ``extra`` (CSV ``alias,canonical,level``) take precedence."""
    bundled = resources.files("loaders").joinpath("data/department_aliases.csv").read_text(encoding="utf-8")
    entries = _load_rows(bundled, "department_aliases.csv")
    if extra is not None:
        path = Path(extra)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            text = path.read_text(encoding="gb18030")
        except OSError as e:
            problem = Problem(code="unreadable", file=path.name, value=str(e))
            raise LoadError(f"cannot read the alias table {path}: {e}", [problem]) from e
        user = _load_rows(text, path.name)
        # a user's alias replaces the bundled entry for the same spelling
        entries = {**entries, **user}
    return AliasTable(entries)


def split_departments(cell: object) -> tuple[list[str], bool]:
    """``(names, placeholder)``: the department names of a cell, and whether it held a placeholder.

    >>> split_departments("党政办、 经发办；\\n县自然资源局")
    (['党政办', '经发办', '县自然资源局'], False)
    >>> split_departments("待定"), split_departments("/"), split_departments("党政办、待定")
    (([], True), ([], True), (['党政办'], True))
    """
    if is_placeholder(cell):
        return [], True
    names = split_multi(cell)
    kept = [n for n in names if not is_placeholder(n)]
    return kept, len(kept) != len(names)
