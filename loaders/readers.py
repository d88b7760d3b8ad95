"""Raw cell grids from .xlsx / .xls (python-calamine) and .csv (UTF-8, UTF-8-BOM, GBK/GB18030).

Each sheet comes back as a full grid whose list index + 1 is the row number Excel
shows, with the merged ranges of the sheet, so that every later problem can name
the exact cell. Nothing here interprets headers or rows.

Why calamine: one 5,000-row x 14-column duty sheet with Chinese text (title row,
header, 5,000 items), read to a list of rows, median of 5 runs on the development
container (Python 3.11):

====================================  ========
python-calamine 0.9.1 ``to_python``    0.06 s
openpyxl 3.1.5 ``read_only=True``      0.58 s
openpyxl 3.1.5 default mode            0.88 s
====================================  ========

About ten times faster, and calamine also reads legacy .xls, which openpyxl cannot.
``tests/loaders/test_readers_headers.py`` builds the same sheet and checks that both
libraries return the same cells and that calamine stays the faster one.

Every file is hostile until read: its size, an .xlsx's unpacked size and the extent of
each sheet are checked against :class:`~loaders.read_limits.ReadLimits` *before* calamine
builds a grid (a far cell once aborted the process); control and bidi characters are
removed from every cell with a located warning; a cell over the length limit is an
error; hidden sheets are skipped with a warning unless asked for; an encrypted workbook
says so; UTF-16/UTF-32 text with a BOM (Excel's "Unicode text") is read.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from graphmodel.errors import LoadError
from graphmodel.safe_text import UNSAFE, printable

from .formula_safe import from_csv_cell
from .problems import ERROR, Problem, column_letter
from .read_limits import ReadLimits, TooLarge, scan_xlsx

__all__ = ["RawSheet", "SPREADSHEET_SUFFIXES", "include_hidden_sheets", "read_file", "read_csv_text"]

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".tsv", ".txt")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True, slots=True)
class RawSheet:
    """One sheet as cells. ``rows[i][j]`` is Excel row ``i + 1``, column ``j``.

    ``merged`` holds 0-based inclusive ranges ``(first_row, first_col, last_row, last_col)``.
    """

    file: str
    name: str
    rows: list[list[object]]
    merged: tuple[tuple[int, int, int, int], ...] = field(default=())
    #: what reading found (control characters removed, hidden sheets skipped): warnings
    problems: tuple[Problem, ...] = field(default=())

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


_MAX_CONTROL_WARNINGS = 50  # located one by one; the rest are counted in one more warning
_UTF_BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"),
)


def include_hidden_sheets() -> bool:
    """``$DUTYGRAPH_INCLUDE_HIDDEN_SHEETS``: the default when ``read_list`` is not told (``load --include-hidden-sheets`` tells it)."""
    return os.environ.get("DUTYGRAPH_INCLUDE_HIDDEN_SHEETS", "").strip().lower() in ("1", "true", "yes", "on")


def _fail(path: Path, code: str, detail: str = "", sheet: str = "", row: int = 0, column: int = -1,
          message: str = "") -> LoadError:
    problem = Problem(code=code, file=path.name, sheet=sheet, row=row,
                      column_letter=column_letter(column) if column >= 0 else "", value=detail[:200], message=message)
    return LoadError(str(problem), [problem])


def read_file(path: str | Path, limits: ReadLimits | None = None, include_hidden: bool | None = None) -> list[RawSheet]:
    """Read every sheet of a spreadsheet file; raise :class:`LoadError` if it cannot be read.

    The format is decided by the file's first bytes (a zip is .xlsx, an OLE2
    container is .xls), so a workbook saved under the wrong suffix still reads and
    random bytes named ``.xlsx`` fail with a clear ``not_spreadsheet`` problem.
    ``limits`` default to :meth:`ReadLimits.from_env`; hidden sheets are read only with
    ``include_hidden`` (default :func:`include_hidden_sheets`).
    """
    path = Path(path)
    limits = limits or ReadLimits.from_env()
    include_hidden = include_hidden_sheets() if include_hidden is None else include_hidden
    if not path.is_file():
        raise _fail(path, "file_not_found", str(path))
    try:
        size = path.stat().st_size
    except OSError as e:
        raise _fail(path, "unreadable", str(e)) from e
    if size > limits.max_file_bytes:
        raise _fail(path, "too_large", f"{size} bytes", message=(
            f"文件 {size // (1024 * 1024)} MB，超过上限 {limits.max_file_bytes // (1024 * 1024)} MB "
            f"(the file is {size} bytes, over the limit of {limits.max_file_bytes}; raise DUTYGRAPH_MAX_FILE_MB)"))
    try:
        data = path.read_bytes()
    except OSError as e:
        raise _fail(path, "unreadable", str(e)) from e
    if not data.strip():
        raise _fail(path, "empty_file")
    if data.startswith(_OLE_MAGIC) and b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00I\x00n\x00f\x00o" in data:
        raise _fail(path, "encrypted", "EncryptionInfo")
    if data.startswith(_ZIP_MAGIC) or data.startswith(_OLE_MAGIC):
        sheets = _read_workbook(path, data, limits, include_hidden)
    elif path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        raise _fail(path, "not_spreadsheet", f"{path.suffix} 文件内容不是 Excel 工作簿")
    else:
        sheets = [_read_csv(path, data, limits)]
    sheets = [_repair_serial_header(path, _clean_sheet(path, s, limits)) for s in sheets]
    if not any(any(_filled(c) for c in row) for s in sheets for row in s.rows):
        hidden = [p for s in sheets for p in s.problems if p.code == "hidden_sheet"]
        if hidden:
            raise LoadError(str(hidden[0]), [Problem(code="hidden_sheet", file=path.name, severity=ERROR, message=(
                "只有隐藏的工作表有内容；确认后用 --include-hidden-sheets 导入 (only hidden sheets hold data; "
                "read them with --include-hidden-sheets)"))])
        raise _fail(path, "empty_file")
    return sheets


def _filled(value: object) -> bool:
    return value is not None and str(value).strip() != ""


def _clean_sheet(path: Path, sheet: RawSheet, limits: ReadLimits) -> RawSheet:
    """Strip control and bidi characters from every cell (a located warning each); refuse overlong cells."""
    warnings: list[Problem] = []
    stripped = 0
    for i, row in enumerate(sheet.rows):
        for j, value in enumerate(row):
            if not isinstance(value, str):
                continue
            if len(value) > limits.max_cell_chars:
                raise _fail(path, "cell_too_long", f"{len(value)} 个字符 characters", sheet=sheet.name, row=i + 1,
                            column=j, message=(f"单元格有 {len(value)} 个字符，超过上限 {limits.max_cell_chars} "
                                               f"(the cell holds {len(value)} characters, over the limit of "
                                               f"{limits.max_cell_chars}; raise DUTYGRAPH_MAX_CELL_CHARS)"))
            if UNSAFE.search(value) is None:
                continue
            stripped += 1
            if stripped <= _MAX_CONTROL_WARNINGS:
                found = sorted({f"U+{ord(c):04X}" for c in UNSAFE.findall(value)})
                warnings.append(Problem(code="control_chars", file=path.name, sheet=sheet.name, row=i + 1,
                                        column_letter=column_letter(j), value=printable(value)[:80],
                                        message=f"已删除 removed: {' '.join(found[:8])}"))
            row[j] = UNSAFE.sub("", value)
    if stripped > _MAX_CONTROL_WARNINGS:
        warnings.append(Problem(code="control_chars", file=path.name, sheet=sheet.name, message=(
            f"另有 {stripped - _MAX_CONTROL_WARNINGS} 个单元格的控制字符已删除 (control characters removed from "
            f"{stripped - _MAX_CONTROL_WARNINGS} more cells)")))
    if not warnings:
        return sheet
    return RawSheet(sheet.file, UNSAFE.sub("", sheet.name), sheet.rows, sheet.merged, (*sheet.problems, *warnings))


def _is_serial(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return float(value).is_integer()
    return isinstance(value, str) and value.strip().isdigit()


def _repair_serial_header(path: Path, sheet: RawSheet) -> RawSheet:
    """A header cell merged across the 序号 column and the next one (序号's own header lost) would make
    the serial numbers the item names. Found when the merged block's first column holds only serial
    numbers below it and the next one text: the two columns are read apart, with a warning."""
    rows, merged = sheet.rows, list(sheet.merged)
    repaired: list[Problem] = []
    for rng in list(merged):
        r1, c1, r2, c2 = rng
        if r1 >= 15 or c2 <= c1 or r1 >= len(rows) or c1 >= len(rows[r1]):
            continue
        head = rows[r1][c1]
        if not isinstance(head, str) or "名称" not in head or "序号" in head:
            continue  # only a name header (事项名称, 村（社区）名称) can swallow the serials
        if not any(_filled(v) for k, v in enumerate(rows[r1]) if k < c1 or k > c2):
            continue  # a section or title row across the sheet, not a header row
        below = [(r[c1] if c1 < len(r) else None, r[c1 + 1] if c1 + 1 < len(r) else None) for r in rows[r2 + 1:r2 + 31]]
        below = [(a, b) for a, b in below if _filled(a) or _filled(b)]
        if len(below) < 2 or not all(_is_serial(a) for a, _ in below):
            continue
        if sum(1 for _, b in below if isinstance(b, str) and b.strip() and not _is_serial(b)) < len(below) / 2:
            continue
        merged.remove(rng)
        for r in range(r1, r2 + 1):
            while len(rows[r]) <= c2:
                rows[r].append(None)
            rows[r][c1] = "序号"
            rows[r][c1 + 1] = head
        if c2 > c1 + 1:
            merged.append((r1, c1 + 1, r2, c2))
        repaired.append(Problem(code="merged_serial_header", file=path.name, sheet=sheet.name, row=r1 + 1,
                                column_letter=column_letter(c1), value=head))
    if not repaired:
        return sheet
    return RawSheet(sheet.file, sheet.name, rows, tuple(merged), (*sheet.problems, *repaired))


def _too_large(path: Path, e: TooLarge) -> LoadError:
    problem = Problem(code="too_large", file=path.name, sheet=e.sheet, row=e.row,
                      column_letter=column_letter(e.column) if e.column >= 0 else "", value=e.value, message=str(e))
    return LoadError(str(problem), [problem])


def _read_workbook(path: Path, data: bytes, limits: ReadLimits, include_hidden: bool) -> list[RawSheet]:
    import python_calamine

    is_zip = data.startswith(_ZIP_MAGIC)
    try:
        scans = {s.name: s for s in scan_xlsx(data, limits)} if is_zip else {}
    except TooLarge as e:
        raise _too_large(path, e) from None
    try:
        wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError as e:
        raise _fail(path, "encrypted", f"工作簿有密码保护 password protected: {e}") from e
    except Exception as e:  # calamine raises its own error types and plain ValueErrors
        raise _fail(path, "not_spreadsheet", str(e)) from e
    sheets: list[RawSheet] = []
    skipped: list[Problem] = []
    try:
        for meta in wb.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue  # chart sheets, macro sheets
            if meta.visible != python_calamine.SheetVisibleEnum.Visible and not include_hidden:
                very = meta.visible == python_calamine.SheetVisibleEnum.VeryHidden
                skipped.append(Problem(code="hidden_sheet", file=path.name, sheet=meta.name,
                                       value="very hidden 深度隐藏" if very else "hidden 隐藏"))
                continue
            if is_zip and meta.name not in scans:
                # the scan saw every worksheet part; one it could not map is not read blind
                raise _fail(path, "unreadable", f"工作表「{meta.name}」无法定位 (sheet part not found)", sheet=meta.name)
            sheet = wb.get_sheet_by_name(meta.name)
            end_row, end_col = sheet.end if sheet.height else (-1, -1)
            if end_row + 1 > limits.max_rows or end_col + 1 > limits.max_columns or \
                    (end_row + 1) * (end_col + 1) > limits.max_cells:  # .xls: bounded by the format, checked here
                raise _too_large(path, TooLarge(
                    f"工作表「{meta.name}」用到第 {end_row + 1} 行、第 {end_col + 1} 列，超过读取上限 "
                    f"(sheet uses {end_row + 1} rows and {end_col + 1} columns, over the limits)",
                    meta.name, end_row + 1, end_col))
            rows = sheet.to_python(skip_empty_area=False)
            merged = tuple(
                (r1, c1, r2, c2) for (r1, c1), (r2, c2) in (sheet.merged_cell_ranges or ())
            )
            sheets.append(RawSheet(path.name, meta.name, [list(r) for r in rows], merged))
    except LoadError:
        raise
    except Exception as e:
        raise _fail(path, "unreadable", str(e)) from e
    finally:
        wb.close()
    if skipped:
        if sheets:
            first = sheets[0]
            sheets[0] = RawSheet(first.file, first.name, first.rows, first.merged, (*first.problems, *skipped))
        else:
            sheets.append(RawSheet(path.name, skipped[0].sheet, [], (), tuple(skipped)))
    return sheets


def _decode(path: Path, data: bytes) -> str:
    for bom, encoding in _UTF_BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError as e:
                raise _bad_encoding(path, data, e.start + len(bom), encoding) from None
    head = data[:4096]
    if head.count(b"\x00") > len(head) // 100 + 1:
        raise _fail(path, "not_spreadsheet", "二进制内容 binary content")
    first_error = None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as e:
            first_error = first_error if first_error is not None else e
            continue
        return text.lstrip("\ufeff")  # a second BOM (a file saved twice with one) is not part of the header
    assert first_error is not None
    raise _bad_encoding(path, data, first_error.start, "utf-8")


def _bad_encoding(path: Path, data: bytes, offset: int, encoding: str) -> LoadError:
    row = data[:offset].count(b"\n") + 1
    bad = data[offset:offset + 4].hex(" ")
    return _fail(path, "bad_encoding", bad, row=row, message=(
        f"第 {row} 行有无法识别的字节 {bad}（按 {encoding} 读）；请另存为 UTF-8 "
        f"(row {row} holds bytes that are not {encoding} text: {bad}; save the file as UTF-8)"))


def read_csv_text(text: str, file: str = "", name: str = "", limits: ReadLimits | None = None) -> RawSheet:
    """Parse CSV text (comma or tab separated) into a :class:`RawSheet`.

    >>> read_csv_text("事项名称,依据\\n甲,《乙法》\\n", "a.csv").rows
    [['事项名称', '依据'], ['甲', '《乙法》']]
    """
    limits = limits or ReadLimits.from_env()
    head = "\n".join(text.splitlines()[:10])
    delimiter = "\t" if head.count("\t") > head.count(",") else ","
    reader = csv.reader(io.StringIO(text.replace("\x00", ""), newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    for r in reader:
        if len(rows) >= limits.max_rows:
            raise TooLarge(f"超过 {limits.max_rows} 行 (more than {limits.max_rows} rows; raise DUTYGRAPH_MAX_ROWS)",
                           row=reader.line_num)
        if len(r) > limits.max_columns:
            raise TooLarge(f"这一行有 {len(r)} 列，超过上限 {limits.max_columns} (the row has {len(r)} columns; "
                           f"raise DUTYGRAPH_MAX_COLUMNS)", row=reader.line_num, column=limits.max_columns)
        rows.append([from_csv_cell(v) for v in r])  # our exports quote formula-looking cells with '
    return RawSheet(file, name or Path(file).stem, rows)


def _read_csv(path: Path, data: bytes, limits: ReadLimits) -> RawSheet:
    text = _decode(path, data)
    old = csv.field_size_limit()
    csv.field_size_limit(max(limits.max_cell_chars + 1, 1024))  # an overlong cell is refused below, located
    try:
        sheet = read_csv_text(text, path.name, path.stem, limits)
    except TooLarge as e:
        raise _too_large(path, TooLarge(str(e), path.stem, e.row, e.column)) from None
    except csv.Error as e:
        row = _csv_error_row(text)
        if "field larger than field limit" in str(e):
            raise _fail(path, "cell_too_long", str(e), sheet=path.stem, row=row, message=(
                f"第 {row} 行有单元格超过 {limits.max_cell_chars} 个字符 (a cell in row {row} holds more than "
                f"{limits.max_cell_chars} characters; raise DUTYGRAPH_MAX_CELL_CHARS)")) from None
        raise _fail(path, "unreadable", str(e), sheet=path.stem, row=row, message=(
            f"CSV 第 {row} 行无法解析：{e}；" if row else f"CSV 无法解析：{e}；") + f"(CSV parse error: {e})") from e
    finally:
        csv.field_size_limit(old)
    unclosed = _unclosed_quote_row(text, sheet)
    if unclosed:
        raise _fail(path, "unclosed_quote", sheet=path.stem, row=unclosed, message=(
            f"第 {unclosed} 行的引号没有闭合，其后各行都会被并入一个单元格 (the quote opened in row {unclosed} is "
            f"never closed; every later row would end up in one cell)"))
    if "\x00" in text:  # removed before parsing (the csv module refuses NUL); say where
        nul_rows = [n + 1 for n, line in enumerate(text.split("\n")) if "\x00" in line][:10]
        extra = tuple(Problem(code="control_chars", file=path.name, sheet=sheet.name, row=r,
                              message="已删除 removed: U+0000") for r in nul_rows)
        sheet = RawSheet(sheet.file, sheet.name, sheet.rows, sheet.merged, (*sheet.problems, *extra))
    return sheet


def _unclosed_quote_row(text: str, sheet: RawSheet) -> int:
    """The line where a quoted field opens and the file ends before it closes (0: none).

    The csv module, when not strict, silently swallows the rest of the file into that field.
    """
    if text.count('"') % 2 == 0:
        return 0
    delimiter = "\t" if "\t" in "\n".join(text.splitlines()[:10]) and \
        "\n".join(text.splitlines()[:10]).count("\t") > "\n".join(text.splitlines()[:10]).count(",") else ","
    reader = csv.reader(io.StringIO(text.replace("\x00", ""), newline=""), delimiter=delimiter, strict=True)
    last = 0
    try:
        for _ in reader:
            last = reader.line_num
    except csv.Error as e:
        if "unexpected end of data" in str(e):
            return last + 1
    return 0


def _csv_error_row(text: str) -> int:
    """The physical line where the csv module gave up (it reports only through its reader)."""
    head = "\n".join(text.splitlines()[:10])
    delimiter = "\t" if head.count("\t") > head.count(",") else ","
    reader = csv.reader(io.StringIO(text.replace("\x00", ""), newline=""), delimiter=delimiter)
    try:
        for _ in reader:
            pass
    except csv.Error:
        return reader.line_num
    return 0
