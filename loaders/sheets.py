"""One sheet's cells -> item rows (or village register rows) with their Excel positions.

Handles what hand-made sheets do: title rows above the header, merged cells, list
parts per sheet or per column (or per section row), fill-down of 事项类别 / 事项类型,
blank rows, pre-numbered empty rows, section rows ("一、党的建设") and footnotes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from graphmodel.normalize import compact
from graphmodel.vocab import ListPart

from .headers import HEADER_SEARCH_ROWS, MULTI_FIELDS, Column, Header, SynonymTable, find_header
from .problems import Problem
from .readers import RawSheet
from .values import part_of, township_from_title, village_kind

__all__ = ["FILL_DOWN", "ItemRow", "ParsedSheet", "VillageRow", "cell_text", "parse_sheet"]

#: Columns whose empty cells take the value of the row above (merged over several rows).
FILL_DOWN = ("category", "power_type", "part")
_FOOTNOTE = re.compile(r"^(填表说明|填报说明|注[:.、\d①②③]|备注[:]|说明[:]|制表|填表人|填报人|审核人|联系人|联系电话|附注)")
_SECTION = re.compile(r"^([一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|第[一二三四五六七八九十]+[部类章])")


def cell_text(value: object) -> str:
    """A cell as text, kept as written: whole floats without ``.0``, dates as ISO dates, trimmed.

    Full-width punctuation stays (names are shown as the list wrote them); comparisons
    and keys fold it through :func:`graphmodel.normalize.compact`.

    >>> cell_text(1001.0), cell_text(dt.datetime(2024, 5, 1)), cell_text(" 村（社区）职责 "), cell_text(None)
    ('1001', '2024-05-01', '村（社区）职责', '')
    """
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


@dataclass(slots=True)
class ItemRow:
    """One item row: field -> text, where each field came from, unmapped columns verbatim."""

    file: str
    sheet: str
    row: int  # 1-based, as Excel shows it
    part: str
    values: dict[str, str]
    columns: dict[str, Column]
    raw: dict[str, object]
    extra: list[tuple[str, str]] = field(default_factory=list)

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    def problem(self, code: str, field_name: str = "", value: str = "", message: str = "") -> Problem:
        col = self.columns.get(field_name)
        return Problem(code=code, file=self.file, sheet=self.sheet, row=self.row,
                       column=col.header if col else "", column_letter=col.letter if col else "",
                       value=value, message=message)


@dataclass(frozen=True, slots=True)
class VillageRow:
    name: str
    kind: str
    file: str
    sheet: str
    row: int


@dataclass(slots=True)
class ParsedSheet:
    file: str
    name: str
    header: Header | None
    part: str | None = None  # part named by the sheet name or title
    township: str | None = None  # township named by a title row
    items: list[ItemRow] = field(default_factory=list)
    villages: list[VillageRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def is_register(self) -> bool:
        return self.header is not None and self.header.is_register


def _grid(sheet: RawSheet, header_zone: bool) -> list[list[str]]:
    """Cell texts with merged ranges filled: vertical ranges always, one-row ranges only near the top."""
    width = sheet.width
    grid = [[cell_text(v) for v in row] + [""] * (width - len(row)) for row in sheet.rows]
    for r1, c1, r2, c2 in sheet.merged:
        if r1 >= len(grid):
            continue
        if r2 == r1 and not (header_zone and r1 < HEADER_SEARCH_ROWS):
            continue
        value = grid[r1][c1] if c1 < width else ""
        for r in range(r1, min(r2, len(grid) - 1) + 1):
            for c in range(c1, min(c2, width - 1) + 1):
                grid[r][c] = value
    return grid


def _merged_width(sheet: RawSheet, r: int, c: int) -> int:
    for r1, c1, r2, c2 in sheet.merged:
        if r1 <= r <= r2 and c1 <= c <= c2:
            return c2 - c1 + 1
    return 1


def parse_sheet(sheet: RawSheet, table: SynonymTable) -> ParsedSheet:
    """Find the header and read every row below it. Problems are collected, never raised."""
    top = _grid(sheet, header_zone=True)
    header = find_header(top, table)
    parsed = ParsedSheet(sheet.file, sheet.name, header)
    if header is None:
        return parsed
    titles = [next((t for t in row if t), "") for row in top[: header.rows[0]]]
    parsed.part = part_of(sheet.name) or next((p for p in map(part_of, titles) if p), None)
    parsed.township = next((t for t in map(township_from_title, titles) if t), None)
    for col in header.duplicates:
        parsed.problems.append(Problem(code="duplicate_column", file=sheet.file, sheet=sheet.name,
                                       row=header.rows[-1] + 1, column=col.header, column_letter=col.letter,
                                       value=col.field or ""))
    grid = _grid(sheet, header_zone=False)
    for i in header.rows:  # header rows keep their one-row merges filled
        grid[i] = top[i]
    if header.is_register:
        _read_register(sheet, grid, header, parsed)
    else:
        _read_items(sheet, grid, header, parsed)
    return parsed


def _raw_texts(sheet: RawSheet, i: int) -> list[str]:
    return [cell_text(v) for v in sheet.rows[i]]


def _row_values(grid_row: list[str], header: Header) -> tuple[dict[str, str], dict[str, Column], list[tuple[str, str]]]:
    values: dict[str, str] = {}
    columns: dict[str, Column] = {}
    extra: list[tuple[str, str]] = []
    for col in header.columns:
        text = grid_row[col.index] if col.index < len(grid_row) else ""
        if col.field is None:
            if text:
                extra.append((col.header, text))
            continue
        if col.field == "seq":
            continue
        columns.setdefault(col.field, col)
        if not text:
            continue
        if col.field in values and col.field in MULTI_FIELDS:
            values[col.field] = f"{values[col.field]}、{text}"
        else:
            values.setdefault(col.field, text)
    return values, columns, extra


def _key_column(header: Header, key_field: str) -> Column:
    col = header.column(key_field)
    assert col is not None  # find_header only returns headers with a key column
    return col


def _content_kind(sheet: RawSheet, i: int, header: Header, key_col: Column, after_footnote: bool) -> str:
    """'blank', 'footnote', 'section', or 'row' for row ``i`` (judged on its own cells, not merges)."""
    raw = _raw_texts(sheet, i)
    filled = [(j, t) for j, t in enumerate(raw) if t]
    seq_cols = {c.index for c in header.columns if c.field == "seq"}
    if not filled or all(j in seq_cols and t.replace(".", "").isdigit() for j, t in filled):
        return "blank"  # empty, or a pre-numbered empty row
    has_key = key_col.index < len(raw) and bool(raw[key_col.index])
    if has_key:
        return "row"
    first = compact(filled[0][1])
    if after_footnote or _FOOTNOTE.match(first):
        return "footnote"
    if len(filled) == 1 and not first.isdigit():
        j = filled[0][0]
        if _merged_width(sheet, i, j) >= 2 or _SECTION.match(first) or j in seq_cols:
            return "section"
    return "row"  # with the name from a merged cell above, or without a name (an error)


def _read_items(sheet: RawSheet, grid: list[list[str]], header: Header, parsed: ParsedSheet) -> None:
    name_col = _key_column(header, "name")
    part_col = header.column("part")
    previous: dict[str, str] = {}
    section_part: str | None = None
    section_category = ""
    after_footnote = False
    for i in range(header.data_start, len(sheet.rows)):
        kind = _content_kind(sheet, i, header, name_col, after_footnote)
        if kind == "blank":
            continue
        if kind == "footnote":
            after_footnote = True
            continue
        if kind == "section":
            text = next(t for t in _raw_texts(sheet, i) if t)
            section_part = part_of(text) or section_part
            section_category = "" if part_of(text) else _SECTION.sub("", compact(text))
            previous = {}
            continue
        after_footnote = False
        values, columns, extra = _row_values(grid[i], header)
        for f in FILL_DOWN:
            if f in columns and not values.get(f) and previous.get(f):
                values[f] = previous[f]
        previous = {f: values[f] for f in FILL_DOWN if values.get(f)}
        if section_category and not values.get("category"):
            values["category"] = section_category
        raw = {c.field: sheet.rows[i][c.index] for c in header.columns
               if c.field and c.index < len(sheet.rows[i])}
        row = ItemRow(sheet.file, sheet.name, i + 1, "", values, columns, raw, extra)
        if part_col is not None:
            part = part_of(values.get("part", ""))
            if part is None:
                parsed.problems.append(row.problem("unknown_part", "part", values.get("part", "")))
                part = ListPart.UNKNOWN.value
        else:
            part = section_part or parsed.part or ListPart.UNKNOWN.value
        row.part = part
        if not values.get("name"):
            parsed.problems.append(row.problem("missing_name", "name"))
            continue
        parsed.items.append(row)


def _read_register(sheet: RawSheet, grid: list[list[str]], header: Header, parsed: ParsedSheet) -> None:
    name_col = _key_column(header, "village_name")
    kind_col = header.column("village_kind")
    after_footnote = False
    for i in range(header.data_start, len(sheet.rows)):
        kind = _content_kind(sheet, i, header, name_col, after_footnote)
        if kind in ("blank", "section"):
            continue
        if kind == "footnote":
            after_footnote = True
            continue
        name = re.sub(r"\s+", "", grid[i][name_col.index])
        if not name:
            parsed.problems.append(Problem(code="missing_name", file=sheet.file, sheet=sheet.name, row=i + 1,
                                           column=name_col.header, column_letter=name_col.letter,
                                           message="有内容但缺少村（社区）名称 (row has content but no village name)"))
            continue
        written = grid[i][kind_col.index] if kind_col is not None else ""
        parsed.villages.append(VillageRow(name, village_kind(name, written), sheet.file, sheet.name, i + 1))
