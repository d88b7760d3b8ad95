"""One sheet's cells -> item rows (or village register rows) with their Excel positions.

Handles what hand-made sheets do: title rows above the header, merged cells, list
parts per sheet or per column (or per section row), fill-down of 事项类别 / 事项类型,
blank rows, pre-numbered empty rows, section rows ("一、党的建设") and footnotes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

from graphmodel.normalize import compact
from graphmodel.vocab import ListPart

from .headers import HEADER_SEARCH_ROWS, MULTI_FIELDS, Column, Header, SynonymTable, find_header, header_key
from .problems import Problem
from .readers import RawSheet
from .values import ditto_fields, part_cell, part_of, township_from_title, village_kind

__all__ = ["FILL_DOWN", "ItemRow", "ParsedSheet", "ReadOptions", "VillageRow", "cell_text", "parse_sheet"]

#: Columns whose empty cells (not merged) take the value of the row above, inside one section
#: and one part only; every other column is filled only inside a merged range the workbook records.
FILL_DOWN = ("category", "power_type", "part")
#: Fields a stage row of an item (立案 / 调查 / 决定 …) carries; they are joined, never items of their own.
STAGE_FIELDS = frozenset({"responsibility", "accountability"})
_SAMPLES = 3
#: the fields whose cell as read (number, date …) ItemRow.raw keeps: build checks their types
_RAW_FIELDS = frozenset({"name", "code"})


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """Reading choices a user overrides: a column's field (header text or letter → field), the part."""

    column_map: dict[str, str] = field(default_factory=dict)
    part: str | None = None
_FOOTNOTE = re.compile(r"^(填表说明|填报说明|注[:.、\d①②③]|备注[:]|说明[:]|制表|填表人|填报人|审核人|联系人|联系电话|附注)")
_SECTION = re.compile(r"^([一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|第[一二三四五六七八九十]+[部类章])")


def cell_text(value: object) -> str:
    """A cell as text, kept as written: whole floats without ``.0``, dates as ISO dates, trimmed.

    Full-width punctuation stays (names are shown as the list wrote them); comparisons
    and keys fold it through :func:`graphmodel.normalize.compact`.

    >>> cell_text(1001.0), cell_text(dt.datetime(2024, 5, 1)), cell_text(" 村（社区）职责 "), cell_text(None)
    ('1001', '2024-05-01', '村（社区）职责', '')
    """
    if type(value) is str:  # most cells (0.4 s of a county read went through the checks below)
        return value.strip()
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
    filled: list[str] = field(default_factory=list)  # fields whose value came from a cell above
    part_source: str = ""  # 'column' | 'section' | 'sheet_name' | 'title' | 'option' | ''
    stages: int = 1  # rows read into this item (one per stage of its 责任事项)

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
    part_source: str = ""  # where ``part`` came from: 'sheet_name' | 'title' | 'option'
    township: str | None = None  # township named by a title row
    title: str = ""  # the title row that named the township
    title_row: int = 0  # its row as Excel shows it
    items: list[ItemRow] = field(default_factory=list)
    villages: list[VillageRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    samples: dict[int, list[str]] = field(default_factory=dict)  # column index -> distinct values (first few)
    values: dict[int, list[str]] = field(default_factory=dict)  # column index -> up to 50 values, for proposals
    filled_cells: int = 0  # cells filled from a merged range or by fill-down
    ditto_resolved: int = 0  # 同上 / 同前 / 〃 cells replaced by the cell above
    stage_rows: int = 0  # rows read as a further stage of the item above

    @property
    def is_register(self) -> bool:
        return self.header is not None and self.header.is_register


def _texts(sheet: RawSheet) -> list[list[str]]:
    """Every cell as text, each row padded to the sheet's width (read once per sheet)."""
    width = sheet.width
    # cell_text's first test inlined: nearly every cell is text (a county's 114,000 cells)
    return [[v.strip() if type(v) is str else cell_text(v) for v in row] + [""] * (width - len(row))
            for row in sheet.rows]


def _grid(sheet: RawSheet, header_zone: bool, texts: list[list[str]] | None = None) -> list[list[str]]:
    """Cell texts with merged ranges filled: vertical ranges always, one-row ranges only near the top."""
    width = sheet.width
    # the rows of ``texts`` shared, each copied before a merged range writes into it (a CSV has none:
    # copying every row of every sheet twice was ~5 % of parse_sheet)
    grid = list(texts) if texts is not None else _texts(sheet)
    copied: set[int] | None = set() if texts is not None else None
    for r1, c1, r2, c2 in sheet.merged:
        if r1 >= len(grid):
            continue
        if r2 == r1 and not (header_zone and r1 < HEADER_SEARCH_ROWS):
            continue
        value = grid[r1][c1] if c1 < width else ""
        for r in range(r1, min(r2, len(grid) - 1) + 1):
            if copied is not None and r not in copied:
                grid[r] = list(grid[r])
                copied.add(r)
            for c in range(c1, min(c2, width - 1) + 1):
                grid[r][c] = value
    return grid


def _merged_width(sheet: RawSheet, r: int, c: int) -> int:
    for r1, c1, r2, c2 in sheet.merged:
        if r1 <= r <= r2 and c1 <= c <= c2:
            return c2 - c1 + 1
    return 1


def _covered(sheet: RawSheet) -> dict[tuple[int, int], tuple[int, int]]:
    """Cells inside a vertical merged range, other than its first row -> the range's first cell."""
    out: dict[tuple[int, int], tuple[int, int]] = {}
    for r1, c1, r2, c2 in sheet.merged:
        for r in range(r1 + 1, r2 + 1):
            for c in range(c1, c2 + 1):
                out[(r, c)] = (r1, c1)
    return out


def _apply_options(header: Header, options: ReadOptions) -> Header:
    """Columns mapped by the user (``--map-column 'COL=field'``; field ``-`` unmaps a column)."""
    if not options.column_map:
        return header
    wanted = {header_key(k) if not k.isascii() or not k.isalpha() else k.upper(): v for k, v in options.column_map.items()}
    chosen = {c.index: wanted.get(c.letter, wanted.get(header_key(c.header))) for c in header.columns}
    taken = {f for f in chosen.values() if f and f not in MULTI_FIELDS}
    columns = []
    for c in header.columns:
        f = chosen[c.index]
        if f:
            field_name = None if f in ("-", "none", "extra") else f
            columns.append(Column(c.index, c.letter, c.header, field_name, "选项 option --map-column"))
        elif c.field in taken:
            columns.append(Column(c.index, c.letter, c.header, None, f"选项 option: {c.field} 改由另一列 mapped elsewhere"))
        else:
            columns.append(c)
    return Header(header.rows, tuple(columns), header.duplicates)


# asked of every category and type cell of a sheet without a part column (a pure function of the text)
_part_cell = lru_cache(maxsize=1 << 14)(part_cell)


def _part_by_values(sheet: RawSheet, header: Header, cells: list[list[str]] | None = None) -> Header:
    """A part column headed by another word (类别, 类型 …): recognised by its values (基本 / 配合 / 收回).
    ``cells``: the sheet's cells as text (:func:`_texts`), when the caller has them."""
    if header.column("part") is not None or header.is_register:
        return header
    for col in header.columns:
        if col.field not in (None, "category", "power_type"):
            continue
        j = col.index
        if cells is None:
            texts = [cell_text(r[j]) for r in sheet.rows[header.data_start:] if j < len(r)]
        else:
            texts = [r[j] for r in cells[header.data_start:] if j < len(r)]
        texts = [t for t in texts if t]
        limit = 0.8 * len(texts)
        parts: list[str | None] = []
        misses = 0
        for t in texts:  # read until too many cells name no part for it to be a part column
            p = _part_cell(t)
            parts.append(p)
            if not p:
                misses += 1
                if len(texts) - misses < limit:
                    break
        else:
            if not (len(texts) >= 2 and sum(1 for p in parts if p) >= limit and len(set(parts) - {None}) >= 1):
                continue
            kinds = "/".join(sorted({compact(t) for t, p in zip(texts, parts) if p})[:3])
            new = Column(col.index, col.letter, col.header, "part", f"按值 by values: {kinds}")
            return Header(header.rows, tuple(new if c.index == col.index else c for c in header.columns),
                          header.duplicates)
    return header


def parse_sheet(sheet: RawSheet, table: SynonymTable, options: ReadOptions | None = None) -> ParsedSheet:
    """Find the header and read every row below it. Problems are collected, never raised."""
    options = options or ReadOptions()
    cells = _texts(sheet)  # the cells as text once: the header search, the grid and each row's own cells
    top = _grid(sheet, header_zone=True, texts=cells)
    header = find_header(top, table)
    parsed = ParsedSheet(sheet.file, sheet.name, header)
    if header is None:
        return parsed
    header = _part_by_values(sheet, _apply_options(header, options), cells)
    parsed.header = header
    titles = [next((t for t in row if t), "") for row in top[: header.rows[0]]]
    if options.part:
        parsed.part, parsed.part_source = options.part, "option"
    elif part_of(sheet.name):
        parsed.part, parsed.part_source = part_of(sheet.name), "sheet_name"
    else:
        parsed.part = next((p for p in map(part_of, titles) if p), None)
        parsed.part_source = "title" if parsed.part else ""
    for i, t in enumerate(titles):
        if township_from_title(t):
            parsed.township, parsed.title, parsed.title_row = township_from_title(t), t, i + 1
            break
    for col in header.duplicates:
        parsed.problems.append(Problem(code="duplicate_column", file=sheet.file, sheet=sheet.name,
                                       row=header.rows[-1] + 1, column=col.header, column_letter=col.letter,
                                       value=col.field or ""))
    grid = _grid(sheet, header_zone=False, texts=cells)
    for i in header.rows:  # header rows keep their one-row merges filled
        grid[i] = top[i]
    for col in header.columns:  # the first distinct texts and the first 50 of each column: read no further
        j, texts, samples = col.index, [], {}
        for i in range(header.data_start, len(grid)):
            t = grid[i][j]
            if not t:
                continue
            if len(texts) < 50:
                texts.append(t)
            if len(samples) < _SAMPLES:
                samples[t] = None
            elif len(texts) >= 50:
                break
        parsed.samples[j] = list(samples)
        parsed.values[j] = texts
    if header.is_register:
        _read_register(sheet, grid, header, parsed, cells)
    else:
        _read_items(sheet, grid, header, parsed, options, cells)
    return parsed


def _raw_texts(sheet: RawSheet, i: int) -> list[str]:
    return [cell_text(v) for v in sheet.rows[i]]


def _row_plan(header: Header) -> tuple[list[tuple[int, str | None, object]], dict[str, Column]]:
    """How every row of a sheet is read, worked out once: ``(index, field or None, header text of an
    unmapped column / whether the field joins several columns)`` in column order (``seq`` left out),
    and the first column of each field (the same for every row)."""
    plan: list[tuple[int, str | None, object]] = []
    columns: dict[str, Column] = {}
    for col in header.columns:
        if col.field is None:
            plan.append((col.index, None, col.header))
        elif col.field != "seq":
            columns.setdefault(col.field, col)
            plan.append((col.index, col.field, col.field in MULTI_FIELDS))
    return plan, columns


def _row_values(grid_row: list[str], header: Header,
                plan: tuple[list[tuple[int, str | None, object]], dict[str, Column]] | None = None,
                ) -> tuple[dict[str, str], dict[str, Column], list[tuple[str, str]]]:
    """A row's values by field (the first column of a field wins, several columns of a multi-value
    field are joined with 、), its columns by field, and its unmapped cells (header, text)."""
    steps, columns = plan if plan is not None else _row_plan(header)
    values: dict[str, str] = {}
    extra: list[tuple[str, str]] = []
    width = len(grid_row)
    for j, f, how in steps:
        text = grid_row[j] if j < width else ""
        if not text:
            continue
        if f is None:
            extra.append((how, text))  # type: ignore[arg-type]
        elif f not in values:
            values[f] = text
        elif how:
            values[f] = f"{values[f]}、{text}"
    return values, dict(columns), extra


def _key_column(header: Header, key_field: str) -> Column:
    col = header.column(key_field)
    assert col is not None  # find_header only returns headers with a key column
    return col


def _content_kind(sheet: RawSheet, i: int, header: Header, key_col: Column, after_footnote: bool,
                  raw: list[str] | None = None, seq_cols: set[int] | None = None) -> str:
    """'blank', 'footnote', 'section', or 'row' for row ``i`` (judged on its own cells, not merges);
    ``raw``: the row's own cell texts, when the caller has them; ``seq_cols``: the 序号 columns."""
    raw = _raw_texts(sheet, i) if raw is None else raw
    if seq_cols is None:
        seq_cols = {c.index for c in header.columns if c.field == "seq"}
    has_key = key_col.index < len(raw) and bool(raw[key_col.index])
    if has_key and key_col.index not in seq_cols:
        return "row"  # a filled cell outside the 序号 columns (not blank), and the key: a row
    filled = [(j, t) for j, t in enumerate(raw) if t]
    if not filled or all(j in seq_cols and t.replace(".", "").isdigit() for j, t in filled):
        return "blank"  # empty, or a pre-numbered empty row
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


def _part_text(text: str) -> str | None:
    return (part_cell(text) or part_of(text)) if text else None


def _stage_only(raw: list[str], header: Header) -> bool:
    """A nameless row holding only stage cells (责任事项, 追责情形, unmapped columns such as 责任岗位)."""
    stage_cols = {c.index for c in header.columns if c.field in STAGE_FIELDS or c.field is None}
    filled = {j for j, t in enumerate(raw) if t}
    has_stage_field = any(c.field in STAGE_FIELDS for c in header.columns)
    return has_stage_field and bool(filled) and filled <= stage_cols


def _add_stage(item: ItemRow, values: dict[str, str], extra: list[tuple[str, str]]) -> None:
    """Row of a further stage: its stage texts joined to the item's, one line per stage."""
    for f in STAGE_FIELDS:
        text = values.get(f, "")
        if text:
            item.values[f] = f"{item.values[f]}\n{text}" if item.values.get(f) else text
    extras = dict(item.extra)
    for h, t in extra:
        if t and h in extras:
            extras[h] = f"{extras[h]}\n{t}"
        elif t:
            extras[h] = t
    item.extra = list(extras.items())
    item.stages += 1


def _read_items(sheet: RawSheet, grid: list[list[str]], header: Header, parsed: ParsedSheet,
                options: ReadOptions, texts: list[list[str]] | None = None) -> None:
    name_col = _key_column(header, "name")
    part_col = header.column("part")
    covered = _covered(sheet)
    previous: dict[str, str] = {}  # fill-down values of the row above, inside the current section
    previous_part: str | None = None
    above: dict[str, str] = {}  # resolved values of the item row above (for 同上)
    section_part: str | None = None
    section_category = ""
    after_footnote = False
    last: ItemRow | None = None
    last_name_origin: tuple[int, int] | None = None
    texts = texts if texts is not None else _texts(sheet)
    # the cells ItemRow.raw keeps: the ones build's type check reads (the last column of a field wins)
    mapped = [(c.field, c.index) for c in header.columns if c.field in _RAW_FIELDS]
    plan = _row_plan(header)  # read once per sheet, not per row
    # the common sheet (no unmapped column, no field over two columns, every column inside each row of
    # the grid, which _texts pads to the sheet's width): _row_values as one dict comprehension
    fields_read = [f for _, f, _ in plan[0]]
    width = sheet.width  # a property: the longest row, measured over the sheet
    simple = None not in fields_read and len(set(fields_read)) == len(fields_read) and all(
        j < width for j, _, _ in plan[0])
    pairs = [(j, f) for j, f, _ in plan[0]] if simple else None
    seq_cols = {c.index for c in header.columns if c.field == "seq"}
    merged_cols = [(c.field, c.index) for c in header.columns if c.field and c.field != "seq"] if covered else []
    name_at, name_is_seq = name_col.index, name_col.index in seq_cols
    for i in range(header.data_start, len(sheet.rows)):
        raw_texts = texts[i]  # the row's own cells, padded to the sheet's width
        if name_at < len(raw_texts) and raw_texts[name_at] and not name_is_seq:
            kind = "row"  # _content_kind's first answer, without the call (nearly every row)
        else:
            kind = _content_kind(sheet, i, header, name_col, after_footnote, raw_texts, seq_cols)
        if kind == "blank":
            continue
        if kind == "footnote":
            after_footnote = True
            continue
        if kind == "section":
            text = next(t for t in raw_texts if t)
            section_part = part_of(text) or section_part
            section_category = "" if part_of(text) else _SECTION.sub("", compact(text))
            previous, previous_part = {}, None
            last = None
            continue
        after_footnote = False
        if pairs is None:
            values, columns, extra = _row_values(grid[i], header, plan)
        else:  # every column maps to a field of its own: the row's non-empty cells by field
            grid_row = grid[i]
            # the sheet's one columns dict, shared by its rows (read only: ItemRow.problem, build's layout)
            values, columns, extra = {f: t for j, f in pairs if (t := grid_row[j])}, plan[1], []
        name_origin = covered.get((i, name_col.index))
        # one item over several rows (one per stage of its 责任事项): its name merged over them,
        # or a nameless row; either way the row holds nothing but stage cells of its own
        if last is not None and (name_origin is None or name_origin == last_name_origin) and (
                name_origin is not None or not values.get("name")) and _stage_only(raw_texts, header):
            stage_values = {c.field: raw_texts[c.index] for c in header.columns
                            if c.field in STAGE_FIELDS and c.index < len(raw_texts)}
            stage_extra = [(c.header, raw_texts[c.index]) for c in header.columns
                           if c.field is None and c.index < len(raw_texts) and raw_texts[c.index]]
            _add_stage(last, stage_values, stage_extra)
            parsed.stage_rows += 1
            continue
        merged = [f for f, j in merged_cols  # values that came from a merged range above
                  if (i, j) in covered and values.get(f) and not raw_texts[j]]
        row = ItemRow(sheet.file, sheet.name, i + 1, "", values, columns, {}, extra)
        dittos: list[str] = []
        for f in ditto_fields(values):  # 同上 / 同前 / 〃: the cell above in the same column
            if above.get(f):
                values[f] = above[f]
                dittos.append(f)
            else:
                parsed.problems.append(row.problem("ditto_unresolved", f, values.pop(f)))
        down: list[str] = []
        if "part" in columns and not values.get("part") and previous.get("part"):
            values["part"] = previous["part"]
            down.append("part")
        this_part = _part_text(values.get("part", ""))
        for f in FILL_DOWN:
            if f != "part" and f in columns and not values.get(f) and previous.get(f) and this_part == previous_part:
                values[f] = previous[f]  # inside one section and one part only
                down.append(f)
        previous = {f: values[f] for f in FILL_DOWN if values.get(f)}
        previous_part = this_part
        if section_category and not values.get("category"):
            values["category"] = section_category  # from the section row above: marked like a fill
            down.append("category")
        cells = sheet.rows[i]
        row.raw = {f: cells[j] for f, j in mapped if j < len(cells)}
        if merged or dittos or down:  # most rows have nothing filled
            row.filled = sorted(set(merged + dittos + down))
            parsed.filled_cells += len(set(merged + down) - {"name"})
        parsed.ditto_resolved += len(dittos)
        if options.part:
            row.part, row.part_source = options.part, "option"
        elif part_col is not None:
            part = _part_text(values.get("part", ""))
            if part is None:
                parsed.problems.append(row.problem("unknown_part", "part", values.get("part", "")))
                part = ListPart.UNKNOWN.value
            row.part, row.part_source = part, "column"
        elif section_part:
            row.part, row.part_source = section_part, "section"
        else:
            row.part = parsed.part or ListPart.UNKNOWN.value
            row.part_source = parsed.part_source
        if not values.get("name"):
            parsed.problems.append(row.problem("missing_name", "name"))
            continue
        parsed.items.append(row)
        above = dict(values)
        last, last_name_origin = row, name_origin or (i, name_col.index)


def _read_register(sheet: RawSheet, grid: list[list[str]], header: Header, parsed: ParsedSheet,
                   texts: list[list[str]] | None = None) -> None:
    name_col = _key_column(header, "village_name")
    kind_col = header.column("village_kind")
    after_footnote = False
    for i in range(header.data_start, len(sheet.rows)):
        kind = _content_kind(sheet, i, header, name_col, after_footnote, texts[i] if texts is not None else None)
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
