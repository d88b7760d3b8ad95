"""The bundled sample township (loaders/sample_data/) loaded into a store, as the dashboard tests need it."""

from __future__ import annotations

from pathlib import Path

import loaders
from loaders import read_list

SAMPLE = Path(loaders.__file__).parent / "sample_data" / "XX镇履行职责事项清单.xlsx"


def load_sample(store) -> None:
    result = read_list([SAMPLE])
    assert result.ok, result.problems
    store.replace_township(result.tlist)


ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboard" / "app.py"
PAGES = ("overview", "board", "coverage", "county", "county_department", "chains", "whatif", "department", "village", "lookup", "importer")


def open_page(at, page: str):
    """Switch an AppTest to one of the dashboard's pages and run it."""
    at.switch_page(f"views/{page}.py")
    return at.run()
