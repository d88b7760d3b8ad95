"""A table on screen with its Excel download: every table a supervisor sees can be taken away."""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from loaders.formula_safe import text_cells

from .i18n import columns, t

__all__ = ["table", "to_xlsx"]


def to_xlsx(df: pd.DataFrame, sheet: str = "Sheet1") -> bytes:
    """The frame as an .xlsx workbook (one sheet, header row, no index unless it carries labels)."""
    buf = io.BytesIO()
    keep_index = not isinstance(df.index, pd.RangeIndex)
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        df.to_excel(xl, sheet_name=sheet[:31] or "Sheet1", index=keep_index)
        for ws in xl.book.worksheets:  # list text like =HYPERLINK(…) stays text in the download
            text_cells(ws)
    return buf.getvalue()


def table(df: pd.DataFrame, name: str, key: str, hide: tuple[str, ...] = ("键",)) -> None:
    """Show ``df`` (columns in the current language, internal keys hidden) with a download button."""
    shown = columns(df.drop(columns=[c for c in hide if c in df.columns]))
    st.dataframe(shown, hide_index=isinstance(df.index, pd.RangeIndex), width="stretch")
    # the workbook is built when the button is clicked, not on every render: openpyxl took ~1 s per
    # render for the 覆盖审计 page's 9,000-row table of a county (bench/README.md)
    st.download_button(t("download.xlsx"), lambda: to_xlsx(shown, name), file_name=f"{name}.xlsx", key=f"{key}-xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
