"""Department names: reconciled by the alias table, given a level, placeholders set aside."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from graphmodel.errors import LoadError
from graphmodel.normalize import canonical_department, compact, split_multi
from graphmodel.vocab import DeptLevel

from .problems import Problem
from .values import is_placeholder

__all__ = ["AliasTable", "DeptName", "department_level", "level_rules", "load_aliases", "split_departments",
           "split_parties", "split_short_name"]

_LEVELS = {lv.value for lv in DeptLevel}


@dataclass(frozen=True, slots=True)
class DeptName:
    """A department as reconciled: canonical name, level, and whether the alias table knew it."""

    written: str
    name: str
    level: str
    known: bool


@cache
def level_rules() -> tuple[tuple[re.Pattern, str, str], ...]:
    """The ordered level rules ``(pattern, level, note)`` of ``data/department_levels.csv``; first match wins."""
    text = resources.files("loaders").joinpath("data/department_levels.csv").read_text(encoding="utf-8")
    rules = []
    for row in csv.DictReader(text.splitlines()):
        level = compact(row.get("level"))
        if level not in _LEVELS:
            raise ValueError(f"department_levels.csv: unknown level {level!r}")
        rules.append((re.compile(row.get("pattern") or ""), level, row.get("note") or ""))
    return tuple(rules)


def department_level(name: str) -> str:
    """Level of a department the alias table does not know: the first rule of the level table that matches.

    >>> [department_level(n) for n in ("县农业农村局", "市场监管分局", "自然资源所", "党政综合办",
    ...                                "县公安局青山派出所", "青山区人民政府应急管理办", "退役军人服务站")]
    ['县级部门', '县派驻机构', '县派驻机构', '镇街内设机构', '县派驻机构', '县级部门', '镇街内设机构']
    """
    for pattern, level, _ in level_rules():
        if pattern.search(name):
            return level
    return DeptLevel.TOWNSHIP.value


_SHORT_NAME = re.compile(r"^(?P<main>.{3,}?(?:办|办公室|局|委|委员会|中心|队|所|站|室|部|会))\((?P<short>[^()]{2,12})\)$")


def split_short_name(written: object) -> tuple[str, str]:
    """``(name, short name)`` of a name written with its short form in brackets, else ``(name, "")``.

    >>> split_short_name("青山区人民政府应急管理办公室（区应急办）"), split_short_name("县资规局")
    (('青山区人民政府应急管理办公室', '区应急办'), ('县资规局', ''))
    """
    text = compact(written)
    m = _SHORT_NAME.match(text)
    return (m.group("main"), m.group("short")) if m else (text, "")


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
        written = split_short_name(written)[0]
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


#: Role words written inside a department cell: 牵头：A；配合：B, or A（牵头）、B（配合）.
_ROLE_WORDS = {"牵头": "lead", "牵头单位": "lead", "牵头部门": "lead", "牵头科室": "lead", "主办": "lead",
               "主办单位": "lead", "主责": "lead", "主责单位": "lead", "责任单位": "lead", "配合": "cooperate",
               "配合单位": "cooperate", "配合部门": "cooperate", "配合科室": "cooperate", "协办": "cooperate",
               "协办单位": "cooperate", "协助": "cooperate", "协助单位": "cooperate", "协同": "cooperate",
               "协同单位": "cooperate"}
_ROLE_PREFIX = re.compile("^(" + "|".join(sorted(_ROLE_WORDS, key=len, reverse=True)) + ")[:：]")
_ROLE_SUFFIX = re.compile(r"^(.+?)[(（](牵头|主办|主责|配合|协办|协助|协同)[)）]$")


def split_parties(cell: object) -> tuple[list[tuple[str, str]], bool]:
    """``([(name, role)], placeholder)``: like :func:`split_departments`, with the role the cell
    writes for each name ("lead", "cooperate"), or "" where it writes none. A prefix
    (牵头：, 配合单位：) holds for the names after it up to the next prefix; a suffix （牵头） for its name.

    >>> split_parties("牵头：农业农村办；配合：自然资源所、规划建设办")[0]
    [('农业农村办', 'lead'), ('自然资源所', 'cooperate'), ('规划建设办', 'cooperate')]
    >>> split_parties("应急办（牵头）、综合执法队（配合）、党政办")[0]
    [('应急办', 'lead'), ('综合执法队', 'cooperate'), ('党政办', '')]
    """
    if type(cell) is str:  # memoised on the text: a list names the same offices in row after row
        found = _SPLIT_CELLS.get(cell)
        if found is None:
            if len(_SPLIT_CELLS) >= 100_000:
                _SPLIT_CELLS.clear()
            found = _SPLIT_CELLS[cell] = _split_parties(cell)
        return list(found[0]), found[1]
    return _split_parties(cell)


_SPLIT_CELLS: dict[str, tuple[tuple[tuple[str, str], ...], bool]] = {}


def _split_parties(cell: object) -> tuple[tuple[tuple[str, str], ...], bool]:
    if is_placeholder(cell):
        return (), True
    parties: list[tuple[str, str]] = []
    placeholder, scope = False, ""
    for name in split_multi(cell):
        prefix = _ROLE_PREFIX.match(name)
        if prefix:
            scope, name = _ROLE_WORDS[prefix.group(1)], name[prefix.end():]
        role = scope
        suffix = _ROLE_SUFFIX.match(name)
        if suffix:
            name, role = suffix.group(1), _ROLE_WORDS[suffix.group(2)]
        if not name:
            continue
        if is_placeholder(name):
            placeholder = True
        elif all(n != name for n, _ in parties):
            parties.append((name, role))
    return tuple(parties), placeholder
