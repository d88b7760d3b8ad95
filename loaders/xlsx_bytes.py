"""Workbooks saved so that the same content gives the same bytes (reproducible samples and data sets)."""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl import Workbook

__all__ = ["FIXED_TIME", "reproducible_xlsx"]

FIXED_TIME = (2025, 1, 1, 0, 0, 0)
_STAMP = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def reproducible_xlsx(wb: Workbook) -> bytes:
    """The workbook as .xlsx bytes with the save time pinned.

    openpyxl stamps the moment of saving into docProps/core.xml and into every zip
    entry; both are replaced by :data:`FIXED_TIME`, nothing else is touched.
    """
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _STAMP.sub(b"%04d-%02d-%02dT%02d:%02d:%02dZ" % FIXED_TIME, data)
            entry = zipfile.ZipInfo(info.filename, FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, data)
    return out.getvalue()
