"""Every page in a real headless Chromium: key Chinese texts, the graph drawn, nothing fetched outside."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser_support import artifacts, browser, page, server  # noqa: E402,F401,F811 - fixtures

pytestmark = pytest.mark.browser

# url path -> a Chinese text that must be on the page
PAGES = {
    "": "完整度",  # the overview is the default page, served at the root
    "board": "研讨清单",
    "coverage": "部门 × 事项类型",
    "county": "问题类型热力图",
    "chains": "链条环节",
    "whatif": "假设分析",
    "department": "牵头事项",
    "village": "承担职责的事项",
    "lookup": "这件事归谁管",
    "importer": "上传履行职责事项清单",
    "rounds": "完整度与问题数趋势",  # the sample's import is round 1: the trend is drawn
    "minutes": "修改记录",
}


# Charts and tables load their code lazily: wait until every one of them has drawn.
DRAWN = """() => {
    if (document.querySelector("[data-testid='stSkeleton']")) return false;
    const all = (sel, inner) => [...document.querySelectorAll(sel)].every(e => e.querySelector(inner));
    return all("[data-testid='stVegaLiteChart']", "canvas, svg") && all("[data-testid='stDataFrame']", "canvas, table");
}"""


def _open(page, server: str, path: str) -> None:
    page.goto(f"{server}/{path}", wait_until="domcontentloaded")
    page.wait_for_selector("[data-testid='stApp']", timeout=30_000)
    # Streamlit shows a status widget while a script runs; wait until the page settles.
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
    page.wait_for_function(DRAWN, timeout=30_000)
    page.wait_for_timeout(1000)
    page.wait_for_function(DRAWN, timeout=30_000)  # again: a chart may have appeared meanwhile


@pytest.mark.parametrize("path", list(PAGES))
def test_page_renders(page, server, artifacts, path):
    _open(page, server, path)
    page.get_by_text(PAGES[path], exact=False).first.wait_for(timeout=20_000)
    body = page.inner_text("body")
    assert "Traceback" not in body and "Page not found" not in body
    assert not page.locator("[data-testid='stException']").count()
    page.screenshot(path=str(artifacts / f"page-{path or 'overview'}.png"))
    assert page.outside == [], f"requests left the machine: {page.outside}"


def test_every_page_is_listed_in_the_sidebar(page, server):
    # Streamlit folds a long navigation behind "View more": a page a meeting needs must not hide
    from dashboard.i18n import TEXTS

    _open(page, server, "")
    nav = page.locator("[data-testid='stSidebarNav']")
    titles = [zh for key, (zh, _) in TEXTS.items() if key.startswith("page.")]
    assert len(titles) >= 13
    missing = [title for title in titles if not nav.get_by_text(title, exact=True).count()]
    assert missing == []


@pytest.mark.parametrize("path", ["board", "chains"])
def test_graph_draws_nodes(page, server, artifacts, path):
    _open(page, server, path)
    canvas = page.locator(".echarts-container canvas").first
    canvas.wait_for(timeout=20_000)
    box = canvas.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 300
    # the canvas is not blank: sample its pixels for the node colours
    painted = canvas.evaluate(
        """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  let n = 0; for (let i = 0; i < d.length; i += 16) { if (d[i+3] > 0 && (d[i] < 200 || d[i+1] < 200)) n++; }
                  return n; }"""
    )
    assert painted > 500, "the graph canvas is blank"
    canvas.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    page.locator(".echarts-container").first.screenshot(path=str(artifacts / f"graph-{path}.png"))
    assert page.outside == []
