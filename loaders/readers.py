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
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from graphmodel.errors import LoadError

from .problems import Problem

__all__ = ["RawSheet", "SPREADSHEET_SUFFIXES", "read_file", "read_csv_text"]

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

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def _fail(path: Path, code: str, detail: str = "") -> LoadError:
    problem = Problem(code=code, file=path.name, value=detail[:200])
    return LoadError(str(problem), [problem])


def read_file(path: str | Path) -> list[RawSheet]:
    """Read every sheet of a spreadsheet file; raise :class:`LoadError` if it cannot be read.

    The format is decided by the file's first bytes (a zip is .xlsx, an OLE2
    container is .xls), so a workbook saved under the wrong suffix still reads and
    random bytes named ``.xlsx`` fail with a clear ``not_spreadsheet`` problem.
    """
    path = Path(path)
    if not path.is_file():
        raise _fail(path, "file_not_found", str(path))
    try:
        data = path.read_bytes()
    except OSError as e:
        raise _fail(path, "unreadable", str(e)) from e
    if not data.strip():
        raise _fail(path, "empty_file")
    if data.startswith(_ZIP_MAGIC) or data.startswith(_OLE_MAGIC):
        sheets = _read_workbook(path, data)
    elif path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        raise _fail(path, "not_spreadsheet", f"{path.suffix} 文件内容不是 Excel 工作簿")
    else:
        sheets = [_read_csv(path, data)]
    if not any(any(_filled(c) for c in row) for s in sheets for row in s.rows):
        raise _fail(path, "empty_file")
    return sheets


def _filled(value: object) -> bool:
    return value is not None and str(value).strip() != ""


def _read_workbook(path: Path, data: bytes) -> list[RawSheet]:
    import python_calamine

    try:
        wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError as e:
        raise _fail(path, "unreadable", f"工作簿有密码保护 password protected: {e}") from e
    except Exception as e:  # calamine raises its own error types and plain ValueErrors
        raise _fail(path, "not_spreadsheet", str(e)) from e
    sheets: list[RawSheet] = []
    try:
        for meta in wb.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue  # chart sheets, macro sheets
            sheet = wb.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False)
            merged = tuple(
                (r1, c1, r2, c2) for (r1, c1), (r2, c2) in (sheet.merged_cell_ranges or ())
            )
            sheets.append(RawSheet(path.name, meta.name, [list(r) for r in rows], merged))
    except Exception as e:
        raise _fail(path, "unreadable", str(e)) from e
    finally:
        wb.close()
    return sheets


def _decode(path: Path, data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise _fail(path, "not_spreadsheet", "二进制内容 binary content")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\r\n\t")
        if controls:
            raise _fail(path, "not_spreadsheet", "含控制字符 control characters in text")
        return text
    raise _fail(path, "not_spreadsheet", "编码不是 UTF-8/GBK/GB18030 unknown text encoding")


def read_csv_text(text: str, file: str = "", name: str = "") -> RawSheet:
    """Parse CSV text (comma or tab separated) into a :class:`RawSheet`.

    >>> read_csv_text("事项名称,依据\\n甲,《乙法》\\n", "a.csv").rows
    [['事项名称', '依据'], ['甲', '《乙法》']]
    """
    head = "\n".join(text.splitlines()[:10])
    delimiter = "\t" if head.count("\t") > head.count(",") else ","
    rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    return RawSheet(file, name or Path(file).stem, rows)


def _read_csv(path: Path, data: bytes) -> RawSheet:
    text = _decode(path, data)
    try:
        return read_csv_text(text, path.name, path.stem)
    except csv.Error as e:
        raise _fail(path, "unreadable", str(e)) from e
