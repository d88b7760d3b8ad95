"""Fixtures of the loader tests: the messy list as .xlsx and .xls, an empty embedded store."""

from __future__ import annotations

from pathlib import Path

import pytest
from sheetmaker import BASIC_MERGES, messy_sheets, write_xls, write_xlsx, xls_range

from graphmodel import open_store


@pytest.fixture
def messy_xlsx(tmp_path) -> Path:
    """The messy list as one workbook, a sheet per part plus a village register."""
    return write_xlsx(tmp_path / "清单.xlsx", messy_sheets(), {"基本履职事项": BASIC_MERGES, "配合履职事项": ["A1:H1"]})


@pytest.fixture
def messy_xls(tmp_path) -> Path:
    sheets = messy_sheets()
    del sheets["Sheet1"]
    return write_xls(tmp_path / "清单.xls", sheets, {"基本履职事项": [xls_range(m) for m in BASIC_MERGES]})


@pytest.fixture
def mem_store(tmp_path):
    s = open_store("memory", data_dir=tmp_path / "store")
    yield s
    s.close()
