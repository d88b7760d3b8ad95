"""The board's worklist in real Chromium: a click on a row opens that item below; nothing needs a sideways scroll.

The table is drawn on a canvas: the click goes to the row's coordinates inside the grid (its row
marker), and the cells' text is read from the grid's accessible DOM copy.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser_support import browser, page, server  # noqa: E402,F401,F811 - fixtures

#: The board's row height (read from its source: importing a page module would run it)
ROW_HEIGHT = int(re.search(r"^ROW_HEIGHT = (\d+)", (Path(__file__).resolve().parents[2] / "dashboard" / "views" /
                                                  "board.py").read_text(encoding="utf-8"), re.M).group(1))

pytestmark = pytest.mark.browser

GRID = "[data-testid='stDataFrame']"
CELLS = """(i) => [...document.querySelectorAll("[data-testid='stDataFrame'] [role=row]")][i]
    .querySelectorAll('[role=gridcell]').length ? [...[...document.querySelectorAll(
    "[data-testid='stDataFrame'] [role=row]")][i].querySelectorAll('[role=gridcell]')].map(c => c.textContent) : []"""


def _settle(page) -> None:
    page.wait_for_timeout(500)
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
    page.wait_for_timeout(500)


@pytest.mark.parametrize("width", [1600, 1280])
def test_clicking_a_worklist_row_opens_the_item(page, server, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{server}/board", wait_until="domcontentloaded")
    page.wait_for_selector(f"{GRID} canvas", timeout=60_000)
    _settle(page)
    grid = page.locator(GRID).first
    grid.scroll_into_view_if_needed()
    # nothing needs a sideways scroll: the grid's columns fit the page (说明 wraps in tall rows)
    scroll = page.evaluate(f"""() => {{ const s = document.querySelector("{GRID} .dvn-scroller");
        return [s.scrollWidth, s.clientWidth]; }}""")
    assert scroll[0] <= scroll[1] + 1, scroll
    header = [c for c in page.evaluate(f"""() => [...document.querySelectorAll("{GRID} [role=columnheader]")]
        .map(c => c.textContent)""")][:7]
    assert "牵头部门" in header and "说明" in header, header
    first = page.locator("h3").nth(1).inner_text()  # the item open before the click: the worklist's first row
    row = 3
    cells = page.evaluate(CELLS, row + 1)  # DOM row 0 is the header
    name, leads = cells[header.index("事项名称")], cells[header.index("牵头部门")]
    assert name and name != first
    box = grid.bounding_box()
    # the row marker of row 3: under the header (one default row high), in the middle of the row
    page.mouse.click(box["x"] + 16, box["y"] + 35 + ROW_HEIGHT * row + ROW_HEIGHT / 2)
    page.get_by_role("heading", name=name, exact=True).first.wait_for(timeout=20_000)
    _settle(page)
    assert page.locator("h3").nth(1).inner_text() == name
    page.get_by_text(f"牵头部门：{leads}", exact=False).first.wait_for(timeout=20_000)


def test_the_worklist_download_is_built_on_click_and_holds_every_row(page, server):
    # the workbook is made when the button is clicked (not on every render): the file Chromium
    # receives must still be the worklist on screen, every row and every column
    import openpyxl

    page.goto(f"{server}/board", wait_until="domcontentloaded")
    page.wait_for_selector(f"{GRID} canvas", timeout=60_000)
    _settle(page)
    shown = int(re.search(r"共 (\d+) 条", page.inner_text("body")).group(1))
    with page.expect_download() as got:
        page.get_by_role("button", name="下载 Excel").first.click()
    assert got.value.suggested_filename == "边界研讨清单.xlsx"
    book = Path(got.value.path()).with_suffix(".xlsx")
    Path(got.value.path()).rename(book)
    ws = openpyxl.load_workbook(book).active
    header = [c.value for c in ws[1]]
    assert {"事项名称", "牵头部门", "说明", "问题类型"} <= set(header), header
    assert ws.max_row - 1 == shown > 0
    names = {r[header.index("事项名称")] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert "农村宅基地审批管理" in names or any("宅基地" in str(n) for n in names)
    assert page.outside == []
