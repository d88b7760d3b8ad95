"""Limits on what a list file may make the reader do, checked before the file is read whole.

A 1.6 KB .xlsx with one cell at XFD1048576 made the spreadsheet library allocate 512 GiB and
abort the process (no exception to catch); with a cell at A1 too it allocates the whole
1,048,576 x 16,384 grid. So an .xlsx is inspected first, as a zip, without the library:
entry sizes (zip bombs, shared strings), the sheets' visibility, and every cell reference of
every sheet (a streaming scan, never a grid), and refused with a located problem when a
limit is passed. The limits come from the environment so that an office can raise them:

=================================  ===========  ==============================================
``DUTYGRAPH_MAX_FILE_MB``          64           size of one file on disk
``DUTYGRAPH_MAX_ROWS``             200000       rows of one sheet (the last used row)
``DUTYGRAPH_MAX_COLUMNS``          500          columns of one sheet (the last used column)
``DUTYGRAPH_MAX_CELLS``            5000000      rows x columns of one sheet (the grid read)
``DUTYGRAPH_MAX_CELL_CHARS``       32767        characters in one cell (Excel's own limit)
``DUTYGRAPH_MAX_SHARED_STRINGS_MB`` 128         the workbook's shared-string table, unpacked
``DUTYGRAPH_MAX_UNPACKED_MB``      512          all entries of an .xlsx, unpacked
=================================  ===========  ==============================================
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from dataclasses import dataclass

__all__ = ["ReadLimits", "SheetScan", "TooLarge", "scan_xlsx"]


@dataclass(frozen=True, slots=True)
class ReadLimits:
    max_file_bytes: int = 64 * 1024 * 1024
    max_rows: int = 200_000
    max_columns: int = 500
    max_cells: int = 5_000_000
    max_cell_chars: int = 32_767
    max_shared_strings_bytes: int = 128 * 1024 * 1024
    max_unpacked_bytes: int = 512 * 1024 * 1024

    @classmethod
    def from_env(cls) -> ReadLimits:
        def num(name: str, default: int, scale: int = 1) -> int:
            raw = os.environ.get(name, "").strip()
            try:
                return max(1, int(float(raw) * scale)) if raw else default
            except ValueError:
                return default

        d = cls()
        mb = 1024 * 1024
        return cls(
            max_file_bytes=num("DUTYGRAPH_MAX_FILE_MB", d.max_file_bytes, mb),
            max_rows=num("DUTYGRAPH_MAX_ROWS", d.max_rows),
            max_columns=num("DUTYGRAPH_MAX_COLUMNS", d.max_columns),
            max_cells=num("DUTYGRAPH_MAX_CELLS", d.max_cells),
            max_cell_chars=num("DUTYGRAPH_MAX_CELL_CHARS", d.max_cell_chars),
            max_shared_strings_bytes=num("DUTYGRAPH_MAX_SHARED_STRINGS_MB", d.max_shared_strings_bytes, mb),
            max_unpacked_bytes=num("DUTYGRAPH_MAX_UNPACKED_MB", d.max_unpacked_bytes, mb),
        )


class TooLarge(Exception):
    """A limit passed; ``sheet``, ``row``, ``column`` say where (as far as known)."""

    def __init__(self, message: str, sheet: str = "", row: int = 0, column: int = -1, value: str = "") -> None:
        super().__init__(message)
        self.sheet, self.row, self.column, self.value = sheet, row, column, value


@dataclass(frozen=True, slots=True)
class SheetScan:
    """What the scan saw of one worksheet: its name, state and the last used row and column (1-based)."""

    name: str
    state: str  # "visible" | "hidden" | "veryHidden"
    last_row: int
    last_column: int
    far_cell: str  # the reference that set the extent, for the message


_SHEET = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)>")
_ATTR = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
_REL = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")
_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,7})([0-9]{1,12})"')
_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_ROW_R = re.compile(rb'\br="([0-9]{1,12})"')
_CHUNK = 1 << 20


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _attrs(blob: bytes) -> dict[str, str]:
    return {k.decode("utf-8", "replace").split(":")[-1]: v.decode("utf-8", "replace") for k, v in _ATTR.findall(blob)}


def _read_small(zf: zipfile.ZipFile, name: str, limit: int = 8 * 1024 * 1024) -> bytes:
    try:
        info = zf.getinfo(name)
    except KeyError:
        return b""
    if info.file_size > limit:
        raise TooLarge(f"{name} 解压后 {info.file_size} 字节，过大 ({name} unpacks to {info.file_size} bytes)")
    return zf.read(name)


def _scan_sheet(zf: zipfile.ZipFile, member: str, name: str, state: str, limits: ReadLimits) -> SheetScan:
    last_row = last_col = rows_seen = 0
    far = ""
    tail = b""
    with zf.open(member) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            buf = tail + chunk
            cut = buf.rfind(b"<") if chunk else len(buf)
            if cut < 0:
                cut = len(buf)
            body, tail = buf[:cut], buf[cut:]
            for m in _ROW.finditer(body):
                rows_seen += 1
                r = _ROW_R.search(m.group(1))
                last_row = max(last_row, int(r.group(1)) if r else rows_seen)
            for m in _CELL_REF.finditer(body):
                col, row = _column_number(m.group(1)), int(m.group(2))
                if row > last_row or col > last_col:
                    far = (m.group(1) + m.group(2)).decode("ascii")
                last_row, last_col = max(last_row, row), max(last_col, col)
            if last_row > limits.max_rows or last_col > limits.max_columns or last_row * last_col > limits.max_cells:
                break  # enough to refuse; no need to read the rest
            if not chunk:
                break
    return SheetScan(name, state, last_row, last_col, far)


def scan_xlsx(data: bytes, limits: ReadLimits) -> list[SheetScan]:
    """Inspect an .xlsx without building any grid; raise :class:`TooLarge` past a limit.

    Returns the worksheets in workbook order with their visibility and extent.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return []  # not a zip after all: the spreadsheet library reports it
    with zf:
        infos = zf.infolist()
        unpacked = sum(i.file_size for i in infos)
        if unpacked > limits.max_unpacked_bytes:
            raise TooLarge(f"工作簿解压后 {unpacked // (1024 * 1024)} MB，超过上限 {limits.max_unpacked_bytes // (1024 * 1024)} MB"
                           f"（疑似压缩炸弹）(the workbook unpacks to {unpacked} bytes, over the limit; a zip bomb?)")
        for info in infos:
            if info.filename.lower().endswith("sharedstrings.xml") and info.file_size > limits.max_shared_strings_bytes:
                raise TooLarge(f"共享字符串表 {info.file_size // (1024 * 1024)} MB，超过上限 "
                               f"{limits.max_shared_strings_bytes // (1024 * 1024)} MB (the shared-string table is too large)")
        book = _read_small(zf, "xl/workbook.xml")
        rels = {a.get("Id", ""): a.get("Target", "") for a in map(_attrs, (m.group(1) for m in _REL.finditer(
            _read_small(zf, "xl/_rels/workbook.xml.rels"))))}
        names = set(zf.namelist())
        out: list[SheetScan] = []
        for m in _SHEET.finditer(book):
            a = _attrs(m.group(1))
            target = rels.get(a.get("id", ""), "")
            member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            member = re.sub(r"[^/]+/\.\./", "", member)
            if member not in names or "worksheets/" not in member:
                continue  # chart sheets, macro sheets, dangling entries
            scan = _scan_sheet(zf, member, a.get("name", ""), a.get("state", "visible") or "visible", limits)
            if scan.last_row > limits.max_rows or scan.last_column > limits.max_columns or \
                    scan.last_row * scan.last_column > limits.max_cells:
                raise TooLarge(
                    f"工作表「{scan.name}」用到第 {scan.last_row} 行、第 {scan.last_column} 列（单元格 {scan.far_cell}），"
                    f"超过上限（{limits.max_rows} 行、{limits.max_columns} 列、{limits.max_cells} 个单元格）；"
                    f"请删除远处的空白单元格后另存 (sheet uses rows up to {scan.last_row} and columns up to "
                    f"{scan.last_column}, cell {scan.far_cell}: over the limits of {limits.max_rows} rows, "
                    f"{limits.max_columns} columns, {limits.max_cells} cells; clear the far cells and save again, "
                    f"or raise DUTYGRAPH_MAX_ROWS / DUTYGRAPH_MAX_COLUMNS / DUTYGRAPH_MAX_CELLS)",
                    sheet=scan.name, row=scan.last_row, column=scan.last_column - 1, value=scan.far_cell)
            out.append(scan)
        return out
