"""Write a township's list from a store back to a spreadsheet people can open and re-import.

xlsx: one sheet per list part (merged title row, the usual Chinese headers, column
widths, frozen header) plus a 村（社区）名册 sheet; opens in Excel and WPS. CSV: one
UTF-8-with-BOM file (so Excel shows the Chinese) with a 清单类别 column, and a
second file for the village register. Reading an export back with
:func:`loaders.read_list` gives the same graph, apart from where each item was read
(``source_file`` / ``source_sheet`` / ``source_row`` and ``Township.sources``).

Items keep the order they were read in, except that items with an empty 事项类型 or
事项类别 come first in their sheet: the reader fills those columns down from the row
above, so an empty cell below a filled one would not read back empty.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from graphmodel.errors import InvalidArgument, NotFound
from graphmodel.model import DutyItem, Village
from graphmodel.store import DutyStore, ItemCard, ItemFilter
from graphmodel.vocab import ListPart
from graphmodel.safe_text import check_township_name

from .formula_safe import csv_cell, text_cells

__all__ = ["REGISTER_SHEET", "ExportData", "collect", "export_township", "resolve_township", "write_csv", "write_xlsx"]

REGISTER_SHEET = "村（社区）名册"
PART_ORDER = (ListPart.BASIC.value, ListPart.COOPERATE.value, ListPart.WITHDRAWN.value, ListPart.UNKNOWN.value)


@dataclass(frozen=True, slots=True)
class Row:
    item: DutyItem
    villages: str  # 涉及村（社区）, names joined with 、
    next_items: str  # 后续事项, codes or names joined with 、


@dataclass(slots=True)
class ExportData:
    township: str
    parts: dict[str, list[Row]] = field(default_factory=dict)
    villages: list[Village] = field(default_factory=list)


# (header, value) in sheet order; the lead/cooperate headers depend on the part.
_Getter = Callable[[Row], str]


def _item(attr: str) -> _Getter:
    return lambda r: getattr(r.item, attr)


def _lead_column(r: Row) -> str:
    """lead_text without the 承接部门 part (that has its own column and is joined back on reading)."""
    lead, receiving = r.item.lead_text, r.item.receiving_dept
    if not receiving:
        return lead
    if lead == receiving:
        return ""
    return lead.removesuffix(f"、{receiving}")


def _columns(part: str) -> list[tuple[str, _Getter, bool]]:
    """(header, getter, always shown) for a part; other columns appear when some item fills them."""
    lead = "对应上级部门" if part == ListPart.COOPERATE.value else "责任主体"
    coop = "镇街配合科室" if part == ListPart.COOPERATE.value else "配合部门"
    coop_part = part == ListPart.COOPERATE.value
    withdrawn = part == ListPart.WITHDRAWN.value
    return [
        ("事项编码", _item("code"), True),
        ("事项名称", _item("name"), True),
        ("子项", _item("sub_item"), False),
        ("事项类型", lambda r: r.item.power_type_raw or r.item.power_type, True),
        ("事项类别", _item("category"), False),
        ("具体内容", _item("content"), True),
        (lead, _lead_column, not withdrawn),
        ("上级部门职责", _item("upper_duty"), coop_part),
        (coop, _item("cooperate_text"), not withdrawn),
        ("镇街配合职责", _item("township_duty"), coop_part),
        ("承接部门", _item("receiving_dept"), withdrawn),
        ("工作方式", _item("work_mode"), withdrawn),
        ("涉及村（社区）", lambda r: r.villages, False),
        ("村（社区）职责", _item("village_text"), False),
        ("法律依据", _item("basis_text"), True),
        ("实施程序", _item("procedure"), False),
        ("办理时限", _item("time_limit"), not withdrawn),
        ("后续事项", lambda r: r.next_items, False),
        ("责任事项", _item("responsibility"), False),
        ("追责情形", _item("accountability"), False),
        ("备注", _item("note"), True),
        # which values came from a cell above (merged range, fill-down, 同上): read back as marks
        ("由上方填入", lambda r: "、".join(r.item.filled), False),
    ]


_WIDTHS = {"事项名称": 30, "具体内容": 40, "法律依据": 40, "上级部门职责": 30, "镇街配合职责": 30, "工作方式": 30,
           "村（社区）职责": 24, "实施程序": 24, "责任事项": 24, "追责情形": 24, "序号": 6, "事项编码": 16,
           "事项类型": 12, "清单类别": 14}


def _table(rows: list[Row], part: str) -> tuple[list[str], list[list[str]]]:
    """Headers and cell texts for one part's rows (序号 first, unmapped columns last)."""
    cols = [(h, get) for h, get, always in _columns(part) if always or any(get(r) for r in rows)]
    extra: list[str] = []
    for r in rows:
        for h, _ in r.item.extra:
            if h not in extra:
                extra.append(h)
    headers = ["序号", *(h for h, _ in cols), *extra]
    body = []
    for n, r in enumerate(rows, start=1):
        extras = dict(r.item.extra)
        body.append([str(n), *(get(r) for _, get in cols), *(extras.get(h, "") for h in extra)])
    return headers, body


def resolve_township(store: DutyStore, township: str | None) -> str:
    """``township`` if the store holds it; with None, the store's only township."""
    names = [t.name for t in store.townships()]
    if township is not None:
        township = check_township_name(township)  # whitespace and controls read the same way in every verb
    if township is None:
        if len(names) == 1:
            return names[0]
        if not names:
            raise NotFound("存储中还没有乡镇，请先 dutygraph load (the store holds no township yet; run dutygraph load)")
        raise InvalidArgument(f"存储中有多个乡镇，请用 --township 指定其一 (several townships; pass --township): {'、'.join(names)}")
    if township not in names:
        raise NotFound(f"乡镇 {township!r} 不在存储中 (not in the store); 已有 found: {'、'.join(names) or '—'}")
    return township


def _label(item: DutyItem) -> str:
    return item.code or item.label


def collect(store: DutyStore, township: str | None = None) -> ExportData:
    """Everything of one township an export writes, read from the store."""
    name = resolve_township(store, township)
    cards: tuple[ItemCard, ...] = store.item_cards(ItemFilter(township=name))
    by_key = {c.key: c.item for c in cards}
    data = ExportData(name, villages=list(store.nodes("Village", name)))
    for card in sorted(cards, key=lambda c: (c.item.source_file, c.item.source_sheet, c.item.source_row, c.key)):
        row = Row(
            card.item,
            "、".join([*sorted(v.name for v in card.villages), *card.item.village_groups]),
            "、".join(_label(by_key[k]) for k in card.next_items if k in by_key),
        )
        data.parts.setdefault(card.item.part, []).append(row)
    for part, rows in data.parts.items():
        # empty fill-down cells first, so they read back empty (stable: source order otherwise)
        rows.sort(key=lambda r: (bool(r.item.power_type_raw or r.item.power_type), bool(r.item.category)))
    data.parts = {p: data.parts[p] for p in sorted(data.parts, key=_part_rank)}
    return data


def _part_rank(part: str) -> tuple[int, str]:
    return (PART_ORDER.index(part), "") if part in PART_ORDER else (len(PART_ORDER), part)


def _title(township: str, part: str | None = None) -> str:
    return f"{township}履行职责事项清单（{part}）" if part else f"{township}履行职责事项清单"


def write_xlsx(data: ExportData, path: str | Path) -> list[Path]:
    """One sheet per list part and a village register sheet; returns the path written."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    path = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")

    def sheet(title: str, caption: str, headers: list[str], body: list[list[str]]) -> None:
        ws = wb.create_sheet(title[:31])
        ws.append([caption])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(headers), 1))
        ws.cell(1, 1).font = Font(bold=True, size=14)
        ws.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
        ws.row_dimensions[1].height = 28
        ws.append(headers)
        for j, h in enumerate(headers, start=1):
            c = ws.cell(2, j)
            c.font = Font(bold=True)
            c.fill = head_fill
            c.border = border
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            ws.column_dimensions[get_column_letter(j)].width = _WIDTHS.get(h, 14)
        for values in body:
            ws.append(values)
            for j in range(1, len(values) + 1):
                c = ws.cell(ws.max_row, j)
                c.alignment = wrap
                c.border = border
                c.number_format = "@"  # text: codes keep their digits and leading zeros
        text_cells(ws)  # a name like =HYPERLINK(…) stays text, never a formula
        ws.freeze_panes = "A3"

    for part, rows in data.parts.items():
        headers, body = _table(rows, part)
        sheet(part, _title(data.township, part), headers, body)
    if data.villages or not data.parts:
        body = [[str(n), v.name, v.kind] for n, v in enumerate(data.villages, start=1)]
        sheet(REGISTER_SHEET, f"{data.township}村（社区）名册", ["序号", "村（社区）名称", "类型"], body)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return [path]


def write_csv(data: ExportData, path: str | Path) -> list[Path]:
    """One CSV (UTF-8 with BOM) with a 清单类别 column, and ``<name>_村（社区）名册.csv`` beside it.

    Each part starts with a row holding only the part's name: the reader takes it as
    a section row, so fill-down never crosses from one part into the next.
    """
    path = Path(path)
    union: list[str] = []
    tables = {}
    for part, part_rows in data.parts.items():
        headers, body = _table(part_rows, part)
        tables[part] = (headers, body)
        for h in headers:
            if h not in union:
                union.append(h)
    headers = ["序号", "清单类别", *(h for h in union if h != "序号")]
    lines: list[list[str]] = [[_title(data.township)], headers]
    for part, (part_headers, body) in tables.items():
        lines.append([part])
        for values in body:
            cell = dict(zip(part_headers, values))
            cell["清单类别"] = part
            lines.append([cell.get(h, "") for h in headers])
    written = [path]
    _write_csv_file(path, lines)
    if data.villages:
        register = path.with_name(f"{path.stem}_村（社区）名册{path.suffix or '.csv'}")
        _write_csv_file(register, [["序号", "村（社区）名称", "类型"],
                                   *([str(n), v.name, v.kind] for n, v in enumerate(data.villages, start=1))])
        written.append(register)
    return written


def _write_csv_file(path: Path, lines: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        # formula-looking cells get a leading ' (the reader drops it again): see loaders/formula_safe.py
        csv.writer(fh, lineterminator="\r\n").writerows([csv_cell(v) for v in line] for line in lines)


def export_township(store: DutyStore, township: str | None, path: str | Path, fmt: str | None = None) -> list[Path]:
    """Export one township (None: the store's only one) to ``path`` as xlsx or csv.

    ``fmt`` defaults to the suffix of ``path``. Returns the files written.
    """
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".") or "xlsx").lower()
    if fmt not in ("xlsx", "csv"):
        raise InvalidArgument(f"unknown export format {fmt!r}; use xlsx or csv")
    data = collect(store, township)
    return write_xlsx(data, path) if fmt == "xlsx" else write_csv(data, path)
