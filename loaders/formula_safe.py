"""Cells we write never run: text that starts like a formula stays text.

A list's text is hostile. An item named ``=HYPERLINK("http://…","点此")`` or
``=cmd|'/c calc'!A1`` written by openpyxl becomes a formula that Excel or WPS evaluates
when the export is opened. So:

- xlsx: such a cell is written as a string (type ``s``) with Excel's quote prefix, so it shows
  as typed, is never evaluated, and stays text even when edited;
- CSV: such a cell gets a leading ``'`` (OWASP's advice; a CSV has no types), and the
  reader drops a ``'`` that precedes one of these characters, so an export re-imports to
  the same list.

The characters are those spreadsheet programs start a formula or a DDE call with:
``= + - @`` and a leading tab or carriage return.
"""

from __future__ import annotations

from typing import Any

__all__ = ["TRIGGERS", "csv_cell", "from_csv_cell", "text_cells"]

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A CSV cell that no spreadsheet program evaluates.

    >>> csv_cell("=1+1"), csv_cell("-"), csv_cell("农村宅基地审批"), csv_cell(3)
    ("'=1+1", "'-", '农村宅基地审批', 3)
    """
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def from_csv_cell(value: Any) -> Any:
    """The cell :func:`csv_cell` was given (a ``'`` before a trigger character is dropped).

    >>> from_csv_cell("'=1+1"), from_csv_cell("'引号'"), from_csv_cell("'")
    ('=1+1', "'引号'", "'")
    """
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value


def text_cells(ws) -> int:
    """Turn every formula-looking cell of an openpyxl worksheet into quoted text; returns how many.

    Call it after filling the sheet and before saving (pandas' ``to_excel`` too).
    """
    n = 0
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str) and (c.data_type == "f" or c.value.startswith(TRIGGERS)):
                c.data_type = "s"
                c.quotePrefix = True
                n += 1
    return n
