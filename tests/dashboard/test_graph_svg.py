"""The exported picture (SVG) of every item with a finding in the sample: the legend in it, villages folded,
depth 2 capped with a note, and no two text labels overlapping (boxes measured from the SVG itself)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
import streamlit as st

from graphmodel import ItemFilter, open_store
from queries.audit import run_audit
from queries.neighbourhood import neighbourhood

NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def sample(app, data_dir):
    """The sample's store, after the board ran once under AppTest: the picture's module (its ECharts
    component) imports only inside Streamlit's runtime."""
    from dashboard_support import open_page

    open_page(app, "board")
    return open_store("memory", data_dir=data_dir)


def _width(text: str, size: float) -> float:
    return sum(size if ord(ch) >= 0x2E80 else 0.6 * size for ch in text)


def label_boxes(svg: str) -> list[tuple[str, tuple[float, float, float, float]]]:
    """(text, box) of every <text> in the picture: width estimated per character, height one line."""
    out = []
    for e in ET.fromstring(svg).iter(f"{NS}text"):
        size, x, y = float(e.get("font-size")), float(e.get("x")), float(e.get("y"))
        w = _width(e.text or "", size)
        left = {"middle": x - w / 2, "end": x - w}.get(e.get("text-anchor", "start"), x)
        out.append((e.text or "", (left, y - size, left + w, y + 0.3 * size)))
    return out


def overlapping(boxes) -> list[tuple[str, str]]:
    bad = []
    for i, (ta, a) in enumerate(boxes):
        for tb, b in boxes[i + 1:]:
            if min(a[2], b[2]) - max(a[0], b[0]) > 0.5 and min(a[3], b[3]) - max(a[1], b[1]) > 0.5:
                bad.append((ta, tb))
    return bad


def test_the_measure_sees_an_overlap():
    two = ('<svg xmlns="http://www.w3.org/2000/svg"><text x="0" y="20" font-size="16" text-anchor="middle">农业农村办</text>'
           '<text x="30" y="25" font-size="16" text-anchor="middle">自然资源所</text></svg>')
    assert overlapping(label_boxes(two)) == [("农业农村办", "自然资源所")]


@pytest.fixture
def chinese():
    st.session_state["lang"] = "zh"
    yield
    st.session_state.pop("lang", None)


@pytest.mark.parametrize("depth", [1, 2])
def test_no_label_overlaps_in_any_finding_items_picture(sample, chinese, depth):
    from dashboard.graphview import neighbourhood_spec, to_svg
    from dashboard.state import GRAPH_LIMIT

    keys = sorted({k for f in run_audit(sample).findings for k in f.item_keys})
    assert len(keys) > 40
    problems = {}
    for key in keys:
        spec = neighbourhood_spec(neighbourhood(sample, key, depth, limit=GRAPH_LIMIT), key)
        svg = to_svg(spec, font_size=18)
        bad = overlapping(label_boxes(svg))
        if bad:
            problems[key] = bad[:3]
        legend = ET.fromstring(svg).find(f"{NS}g[@class='legend']")
        assert legend is not None and len(legend.findall(f"{NS}text")) >= 2, key
    assert not problems


def test_the_picture_carries_legend_folded_villages_and_the_overlap(sample, chinese):
    from dashboard.graphview import neighbourhood_spec, to_svg

    key = next(k for f in run_audit(sample).findings if f.kind == "overlap.multi_lead" for k in f.item_keys
               if len(sample.item_cards(ItemFilter(keys=(k,)))[0].villages) >= 3)
    svg = to_svg(neighbourhood_spec(neighbourhood(sample, key, 1), key))
    texts = [t for t, _ in label_boxes(svg)]
    assert any(re.fullmatch(r"\d+ 个村（社区）协助", t) for t in texts), texts  # one group node, not ten
    legend = [e.text for e in ET.fromstring(svg).find(f"{NS}g[@class='legend']").iter(f"{NS}text")]
    assert "多头牵头" in legend and "所选事项" in legend and "村（社区）" in legend, legend
    assert any("红色粗线" in t for t in legend)


def test_depth_two_is_capped_and_says_so(sample, chinese):
    from dashboard.graphview import OUTER_PER_KIND, neighbourhood_spec, to_svg
    from dashboard.state import GRAPH_LIMIT

    said = 0  # items whose depth-2 picture left something out
    for key in sorted({k for f in run_audit(sample).findings for k in f.item_keys}):
        spec = neighbourhood_spec(neighbourhood(sample, key, 2, limit=GRAPH_LIMIT), key)
        outer = [n for n in spec.nodes if abs((n.x / 1100) ** 2 + (n.y / 700) ** 2 - 1) < 0.01]  # the outer ring
        kinds = {n.kind for n in outer}
        assert len(spec.nodes) <= GRAPH_LIMIT
        assert all(sum(n.kind == k for n in outer) <= OUTER_PER_KIND for k in kinds)
        if spec.hidden_nodes:
            legend = " ".join(e.text for e in ET.fromstring(to_svg(spec)).find(f"{NS}g[@class='legend']")
                              .iter(f"{NS}text"))
            assert "未画出" in legend, legend  # the picture says what it left out
            said += 1
    assert said, "some item of the sample has more at depth 2 than is drawn"
