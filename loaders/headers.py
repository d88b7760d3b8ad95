"""Find the header row of a sheet and map its cells to the fields of a duty item.

A header cell maps to a field by the synonym table (``data/header_synonyms.csv`` plus
any file the user passes), else by what it contains (any header with 事项 and 名称 is
the name, 依据 the basis, 时限 the time limit …). The header row is the row, among
the first rows of the sheet, that maps the most cells and at least 事项名称 (or
村（社区）名称 for the village register); a group row above or a sub-header row
below it is joined to it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from graphmodel.errors import LoadError
from graphmodel.normalize import compact

from .problems import Problem, column_letter

__all__ = [
    "FIELDS",
    "MULTI_FIELDS",
    "Column",
    "Header",
    "SynonymTable",
    "find_header",
    "header_key",
    "load_synonyms",
]

#: Every field a column can map to; see docs/import-rules.md.
FIELDS: tuple[str, ...] = (
    "name", "code", "sub_item", "power_type", "part", "category", "content", "procedure",
    "time_limit", "lead", "cooperate", "upper_dept", "upper_duty", "township_office",
    "township_duty", "receiving_dept", "work_mode", "villages", "village_text", "basis",
    "next_items", "responsibility", "accountability", "note", "seq",
    "village_name", "village_kind", "filled",
)
#: Fields whose second column is joined to the first instead of kept apart.
MULTI_FIELDS = frozenset({"lead", "cooperate", "upper_dept", "township_office", "receiving_dept", "villages", "basis"})

HEADER_SEARCH_ROWS = 15
_PART_NAMES = frozenset({"基本履职事项", "配合履职事项", "上级部门收回事项", "未分类"})
_MAX_HEADER_LEN = 24  # longer cells are data or notes, never a header
_DROP = re.compile(r"[\s*＊※:：★☆△▲]")

# (field, groups): the text must contain one word of every group. Order matters.
_CONTAINS: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = (
    ("villages", (("涉及", "所涉"), ("村", "社区"))),
    ("village_text", (("村", "社区"), ("职责", "任务", "责任"))),
    ("village_name", (("村", "社区"), ("名称",))),
    ("sub_item", (("子项",),)),
    ("name", (("事项", "职责", "权力", "职权"), ("名称",))),
    ("name", (("具体事项", "履职事项", "职责事项"),)),
    ("code", (("编码",),)),
    ("township_duty", (("镇", "乡", "街道"), ("职责",))),
    ("upper_duty", (("上级", "县"), ("职责",))),
    ("township_office", (("镇", "乡", "街道"), ("配合", "协办"), ("科室", "部门", "单位"))),
    ("upper_dept", (("上级", "县级"), ("部门", "单位"))),
    ("receiving_dept", (("承接",),)),
    ("work_mode", (("方式",),)),
    ("cooperate", (("配合", "协办", "协同", "协助"), ("部门", "单位", "科室", "主体", "股室", "机构", "机关"))),
    ("lead", (("责任", "牵头", "主办", "实施", "承办", "办理", "主责", "主管", "执法", "行使", "负责", "经办", "归口"),
              ("科室", "部门", "单位", "主体", "股室", "机构", "机关"))),
    ("basis", (("依据",),)),
    ("time_limit", (("时限", "期限"),)),
    ("procedure", (("程序", "流程"),)),
    ("part", (("清单",), ("类别", "类型"))),
    ("power_type", (("类型",),)),
    ("category", (("类别", "分类", "领域"),)),
    ("content", (("内容",),)),
    ("accountability", (("追责", "问责"),)),
    ("responsibility", (("责任事项",),)),
    ("next_items", (("后续", "下一"),)),
    ("note", (("备注",),)),
    ("seq", (("序号",),)),
)


def header_key(text: object) -> str:
    """The form header texts are compared in: compacted, full-width folded, marks dropped.

    >>> header_key(" 事项名称* ")
    '事项名称'
    >>> header_key("村（社区）\\n名称")
    '村(社区)名称'
    """
    return _DROP.sub("", compact(text))


#: id(table) -> (the table, {header text: (field, rule)}); the table is held so its id stays its own
_EXPLAINED: dict[int, tuple["SynonymTable", dict[str, tuple[str | None, str]]]] = {}


@dataclass(frozen=True, slots=True)
class SynonymTable:
    """Header text (in :func:`header_key` form) -> field."""

    exact: dict[str, str]

    def match(self, text: object) -> str | None:
        return self.explain(text)[0]

    def explain(self, text: object) -> tuple[str | None, str]:
        """``(field, rule)``: the field a header names and the rule that said so.

        >>> t = load_synonyms()
        >>> t.explain("承办机构"), t.explain("行政职权事项名称"), t.explain("备用列")
        (('lead', '同义词 synonym「承办机构」'), ('name', '含词 contains 事项+名称'), (None, ''))
        """
        if type(text) is str:  # memoised per table: the first rows of every sheet are matched cell by cell
            slot = _EXPLAINED.get(id(self))
            if slot is None or slot[0] is not self:
                if len(_EXPLAINED) >= 8:
                    _EXPLAINED.clear()
                slot = _EXPLAINED[id(self)] = (self, {})
            found = slot[1].get(text)
            if found is None:
                if len(slot[1]) >= 100_000:
                    slot[1].clear()
                found = slot[1][text] = self._explain(text)
            return found
        return self._explain(text)

    def _explain(self, text: object) -> tuple[str | None, str]:
        key = header_key(text)
        if not key or len(key) > _MAX_HEADER_LEN:
            return None, ""
        if key in self.exact:
            return self.exact[key], f"同义词 synonym「{key}」"
        bare = re.sub(r"\(.*?\)", "", key)
        if bare and bare in self.exact:
            return self.exact[bare], f"同义词 synonym「{bare}」"
        if "清单" in key and not any(w in key for w in ("类别", "类型")):
            return None, ""  # a title such as "XX镇履行职责事项清单", never a column
        if key in _PART_NAMES:
            return None, ""  # a section row naming a list part
        for field, groups in _CONTAINS:
            hit = [next(w for w in group if w in key) for group in groups if any(w in key for w in group)]
            if len(hit) == len(groups):
                return field, "含词 contains " + "+".join(hit)
        return None, ""


def _read_synonym_rows(path: Path | None, text: str | None = None) -> list[tuple[str, str]]:
    try:
        content = text if text is not None else Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        problem = Problem(code="unreadable", file=Path(path).name if path else "", value=str(e))
        raise LoadError(f"cannot read the synonym table {path}: {e}", [problem]) from e
    rows = list(csv.DictReader(content.splitlines()))
    out = []
    for n, row in enumerate(rows, start=2):
        field = (row.get("field") or "").strip()
        header = row.get("header") or ""
        if field not in FIELDS:
            problem = Problem(code="bad_type", file=Path(path).name if path else "header_synonyms.csv", row=n,
                              column="field", column_letter="A", value=field,
                              message=f"未知字段 unknown field {field!r}; use one of {', '.join(FIELDS)}")
            raise LoadError(str(problem), [problem])
        if header_key(header):
            out.append((header_key(header), field))
    return out


def load_synonyms(extra: str | Path | None = None) -> SynonymTable:
    """The bundled synonym table, with the rows of ``extra`` (CSV ``field,header``) taking precedence."""
    bundled = resources.files("loaders").joinpath("data/header_synonyms.csv").read_text(encoding="utf-8")
    exact = dict(_read_synonym_rows(None, bundled))
    if extra is not None:
        exact.update(_read_synonym_rows(Path(extra)))
    return SynonymTable(exact)


@dataclass(frozen=True, slots=True)
class Column:
    index: int  # 0-based
    letter: str
    header: str  # the header text as shown (two-row headers joined with " / ")
    field: str | None
    rule: str = ""  # why the column maps to its field (synonym, contains, values, option)


@dataclass(frozen=True, slots=True)
class Header:
    rows: tuple[int, ...]  # 0-based indices of the header rows
    columns: tuple[Column, ...]
    duplicates: tuple[Column, ...] = ()  # columns whose field an earlier column already took

    @property
    def data_start(self) -> int:
        return self.rows[-1] + 1

    @property
    def is_register(self) -> bool:
        return any(c.field == "village_name" for c in self.columns)

    def column(self, field: str) -> Column | None:
        return next((c for c in self.columns if c.field == field), None)

    def fields(self) -> set[str]:
        return {c.field for c in self.columns if c.field}


def _text(row: Sequence[object], j: int) -> str:
    return compact(row[j]) if j < len(row) and row[j] is not None else ""


def _map_cells(texts: Sequence[str], table: SynonymTable) -> list[str | None]:
    return [table.match(t) if t else None for t in texts]


def _score(fields: Sequence[str | None]) -> int:
    return len({f for f in fields if f and f != "seq"})


def _has_key_field(fields: Sequence[str | None]) -> bool:
    return "name" in fields or "village_name" in fields


def _join(upper: str, lower: str) -> str:
    if not upper or upper == lower:
        return lower
    if not lower:
        return upper
    return f"{upper} / {lower}"


def _build(grid: list[list[str]], rows: tuple[int, ...], width: int, table: SynonymTable) -> Header:
    columns: list[Column] = []
    duplicates: list[Column] = []
    taken: set[str] = set()
    if len(rows) == 2:
        upper = list(grid[rows[0]]) + [""] * (width - len(grid[rows[0]]))
        lower = list(grid[rows[1]]) + [""] * (width - len(grid[rows[1]]))
        # a group cell not merged (CSV): carry it right over the sub-headers it stands above
        for j in range(1, width):
            if not upper[j] and lower[j] and lower[j - 1] and upper[j - 1] and upper[j - 1] != lower[j - 1]:
                upper[j] = upper[j - 1]
    for j in range(width):
        if len(rows) == 2:
            up, low = upper[j], lower[j]
            text = _join(up, low)
            field, rule = (table.explain(low) if low else (None, ""))
            if not field:
                field, rule = table.explain(up + low if up != low else low)
            if not field and up:
                field, rule = table.explain(up)
        else:
            text = grid[rows[0]][j] if j < len(grid[rows[0]]) else ""
            field, rule = table.explain(text) if text else (None, "")
        if not text:
            continue
        col = Column(j, column_letter(j), text, field, rule)
        if field and field in taken and field not in MULTI_FIELDS:
            duplicates.append(col)
            col = Column(j, col.letter, text, None)
        if field:
            taken.add(field)
        columns.append(col)
    register = any(c.field == "village_name" for c in columns)
    fixed = []
    for c in columns:
        f = c.field
        if register and f in ("power_type", "category"):
            f = "village_kind"
        elif not register and f == "village_kind":
            f = "power_type" if "power_type" not in taken else None
        fixed.append(Column(c.index, c.letter, c.header, f, c.rule if f == c.field else f"{c.rule}→{f}"))
    return Header(rows, tuple(fixed), tuple(duplicates))


def find_header(grid: list[list[str]], table: SynonymTable, search_rows: int = HEADER_SEARCH_ROWS) -> Header | None:
    """The header of a sheet whose cells are already texts with merged ranges filled.

    >>> t = load_synonyms()
    >>> grid = [["XX镇履行职责事项清单", "", ""], ["序号", "事项名称", "法律依据"], ["1", "甲", "《乙法》"]]
    >>> h = find_header(grid, t)
    >>> h.rows, [c.field for c in h.columns], h.data_start
    ((1,), ['seq', 'name', 'basis'], 2)
    """
    width = max((len(r) for r in grid), default=0)
    best: tuple[int, int, Header] | None = None
    for i in range(min(search_rows, len(grid))):
        fields = _map_cells(grid[i], table)
        if not _has_key_field(fields):
            continue
        header = _build(grid, (i,), width, table)
        score = _score([c.field for c in header.columns])
        if i + 1 < len(grid) and _is_sub_header(grid, i, fields, table):
            # the row below would otherwise be a data row without a name
            header = _build(grid, (i, i + 1), width, table)
            score = _score([c.field for c in header.columns])
        elif i > 0 and _is_group_row(grid[i - 1], grid[i]):
            joined = _build(grid, (i - 1, i), width, table)
            joined_score = _score([c.field for c in joined.columns])
            if joined_score > score or (joined_score == score and _has_repeats(grid[i - 1])):
                header, score = joined, joined_score
        if best is None or score > best[0]:
            best = (score, len(header.rows), header)
    return best[2] if best else None


def _is_sub_header(grid: list[list[str]], i: int, fields: Sequence[str | None], table: SynonymTable) -> bool:
    """Row ``i + 1`` is a sub-header: new header words, and under the name column nothing new
    or a header word itself (职责事项 over 一级事项 | 二级事项)."""
    upper, lower = grid[i], grid[i + 1]
    name_col = next(j for j, f in enumerate(fields) if f in ("name", "village_name"))
    under_name = _text(lower, name_col)
    if under_name and under_name != _text(upper, name_col) and not table.match(under_name):
        return False
    new = [j for j in range(len(lower)) if _text(lower, j) and _text(lower, j) != _text(upper, j)]
    return any(table.match(_text(lower, j)) for j in new)


def _is_group_row(above: Sequence[str], row: Sequence[str]) -> bool:
    """A row of group labels over some columns (two or more distinct texts, not a title)."""
    texts = {t for t in (compact(x) for x in above) if t}
    if len(texts) < 2:
        return False
    # a group row stands above header cells; it never carries more texts than the header row
    return sum(1 for x in above if compact(x)) <= sum(1 for x in row if compact(x))


def _has_repeats(row: Sequence[str]) -> bool:
    """Two neighbouring cells with the same text: a merged group cell, filled across."""
    texts = [compact(x) for x in row]
    return any(a and a == b for a, b in zip(texts, texts[1:]))
