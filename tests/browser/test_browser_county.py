"""The 全县 page in real headless Chromium, on a generated county with its catalogue.

The tables are canvases, so the test reads two things a person (or a program) reads: the
captions on screen in Chromium (the differences by kind, the duties led differently) and, from
the same server, the page as Streamlit's agent API gives it (``server.enableAgentApi``: each
table's rows as JSON). Both must show exactly the deviations the generator planted.
"""

from __future__ import annotations

import json
import sys
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser_support import artifacts, browser, start_dashboard, watched_page  # noqa: E402,F401,F811 - fixtures

from county_fixture import load_generated_county  # noqa: E402

pytestmark = pytest.mark.browser

LABELS = {"missing": "目录事项缺失", "added": "乡镇新增事项", "part_differs": "清单类别不同", "lead_differs": "牵头部门不同"}
DRAWN = """() => {
    if (document.querySelector("[data-testid='stSkeleton']")) return false;
    if (document.querySelector("[data-testid='stStatusWidget']")) return false;
    const tables = [...document.querySelectorAll("[data-testid='stDataFrame']")];
    return tables.length >= 5 && tables.every(e => e.querySelector("canvas, table"));
}"""


def _agent(url: str, page: str) -> dict:
    """The page as the agent API gives it, asked by a program (it refuses web pages' requests
    unless their origin is allowed, and we do not loosen that for a test)."""
    def post(body):
        req = urllib.request.Request(f"{url}/_stcore/agent/interact", data=json.dumps(body).encode("utf-8"),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=120) as r:
            return json.loads(r.read())

    first = post({})
    return post({"session_id": first["session_id"], "page": page})



@pytest.fixture(scope="module")
def county(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser-county")
    data = root / "data"
    truth = load_generated_county(root, data)
    for url in start_dashboard(data, {"STREAMLIT_SERVER_ENABLE_AGENT_API": "true"}):
        yield url, truth


def _tables(node, out):
    if node.get("type") == "dataframe":
        out.append(node["data"])
    for child in node.get("children") or []:
        _tables(child, out)
    return out


def _rows(data):
    assert data["complete"], "the agent API gave part of the table only"
    names = [c["name"] for c in data["columns"]]
    return [dict(zip(names, r, strict=True)) for r in data["preview"]["rows"]]


def test_county_page_shows_the_planted_deviations_in_chromium(browser, county, artifacts):
    url, truth = county
    planted = sorted((t["name"], kind, n) for t in truth["townships"] for kind, names in t["catalogue"].items()
                     for n in names)
    spread = truth["counties"][0]["lead_spread"]
    context, page = watched_page(browser, url)
    try:
        page.goto(f"{url}/county", wait_until="domcontentloaded")
        page.wait_for_selector("[data-testid='stApp']", timeout=30_000)
        page.wait_for_function(DRAWN, timeout=60_000)
        page.wait_for_timeout(1000)
        page.wait_for_function(DRAWN, timeout=30_000)
        body = page.inner_text("body")
        page.screenshot(path=str(artifacts / "page-county-generated.png"), full_page=True)
        assert "Traceback" not in body and not page.locator("[data-testid='stException']").count()
        # on screen: the number of differences, by kind, and of duties led differently
        by_kind = Counter(kind for _, kind, _ in planted)
        kinds = "；".join(f"{LABELS[k]} {by_kind[k]}" for k in LABELS if by_kind[k])
        assert f"{len(planted)} 处差异：{kinds}" in body
        assert f"{len(spread)} 项事项在各乡镇牵头不一" in body
        # the tables' rows, from the same server through the agent API
        snap = _agent(url, "county")
        assert "tree" in snap, snap
        assert snap["status"] == "ready" and snap["page"]["url_path"] == "county"
        heat, rank, diffs, spreads, depts = (_rows(d) for d in _tables(snap["tree"], []))
        kind_of = {v: k for k, v in LABELS.items()}
        assert sorted((r["乡镇"], kind_of[r["差异"]], r["事项"]) for r in diffs) == planted
        assert sorted(r["事项"] for r in spreads) == sorted(spread)
        towns = sorted(t["name"] for t in truth["townships"])
        assert sorted(r["乡镇"] for r in rank) == towns  # the catalogue is no township
        assert all(not str(v).startswith(("dept:", "item:")) for r in diffs + spreads + depts for v in r.values())
        picker = _find(snap["tree"], "selectbox", "目录")
        assert (picker["value"], picker["props"]["options"]) == (truth["counties"][0]["catalogue"],) * 1 + (
            [truth["counties"][0]["catalogue"]],)  # the catalogue, and only it, is offered
        assert page.outside == [], f"requests left the machine: {page.outside}"
    finally:
        context.close()


def _find(node, kind, label):
    if node.get("type") == kind and node.get("props", {}).get("label") == label:
        return node
    for child in node.get("children") or []:
        if (hit := _find(child, kind, label)) is not None:
            return hit
    return None
