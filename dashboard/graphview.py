"""The graph component: a drawing spec with fixed positions, its ECharts view, table and SVG.

Positions are computed here in Python from the sorted node keys, so the same
subgraph is drawn the same way on every rerun and on every machine (no force
layout in the browser). The spec is drawn with ECharts (streamlit-echarts bundles
it: nothing is fetched), listed as exact tables below the drawing, and rendered
server-side as SVG for the meeting minutes. When a spec is capped, the number of
nodes and relations left out is said above the drawing and they stay in the tables.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import pandas as pd
import streamlit as st
from streamlit_echarts import st_echarts

from . import graph_svg, i18n
from .i18n import t

__all__ = ["GEdge", "GNode", "GraphSpec", "chain_spec", "department_colour", "neighbourhood_spec", "show", "to_svg"]

# Node kinds and how they look; colours chosen to stay apart on a projector.
KIND_STYLE: dict[str, tuple[str, str, int]] = {
    # kind: (colour, echarts symbol, size)
    "item": ("#1f4e79", "roundRect", 64),
    "focus": ("#c00000", "roundRect", 80),
    "dept_township": ("#2e7d32", "circle", 52),
    "dept_county": ("#6a1b9a", "rect", 52),
    "dept_station": ("#8e6c00", "diamond", 56),
    "village": ("#00838f", "triangle", 48),
    "basis": ("#5d4037", "pin", 50),
    "township": ("#616161", "circle", 40),
}
KIND_LABEL: dict[str, tuple[str, str]] = {
    "item": ("事项", "Item"), "focus": ("所选事项", "Selected item"), "dept_township": ("镇街科室", "Township office"),
    "dept_county": ("县级部门", "County department"), "dept_station": ("县派驻机构", "County station"),
    "village": ("村（社区）", "Village"), "basis": ("法律依据", "Legal basis"), "township": ("乡镇", "Township"),
}
EDGE_STYLE: dict[str, tuple[str, str]] = {  # type: (colour, line type)
    "LEADS": ("#2e7d32", "solid"),
    "COOPERATES_ON": ("#7f8c8d", "dashed"),
    "BASED_ON": ("#8d6e63", "dotted"),
    "ASSISTS": ("#00838f", "dashed"),
    "FOLLOWED_BY": ("#1f4e79", "solid"),
    "IN_TOWNSHIP": ("#bdbdbd", "dotted"),
}
HIGHLIGHT = "#d50000"
HANDOFF = "#ef6c00"
PALETTE = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#1f78b4", "#b15928", "#6a3d9a")


@dataclass(frozen=True, slots=True)
class GNode:
    key: str
    label: str
    kind: str
    x: float
    y: float
    colour: str = ""
    note: str = ""  # shown in the tooltip and the table

    @property
    def fill(self) -> str:
        return self.colour or KIND_STYLE[self.kind][0]


@dataclass(frozen=True, slots=True)
class GEdge:
    src: str
    dst: str
    type: str
    text: str = ""
    highlight: str = ""  # "", "overlap", "handoff", "broken"


@dataclass(frozen=True, slots=True)
class GraphSpec:
    nodes: tuple[GNode, ...]
    edges: tuple[GEdge, ...]
    hidden_nodes: int = 0  # nodes left out of the drawing (cut by the query's limit)
    hidden_edges: int = 0  # relations left out with them
    title: str = ""
    legend: str = ""
    extra: dict = field(default_factory=dict)


def department_colour(key: str) -> str:
    """A stable colour per department, the same on every page and every run."""
    digest = hashlib.sha1(key.encode("utf-8")).digest()
    return PALETTE[digest[0] % len(PALETTE)]


def _kind(node) -> str:
    nt = node.node_type
    if nt == "DutyItem":
        return "item"
    if nt == "Department":
        return {"县级部门": "dept_county", "县派驻机构": "dept_station"}.get(node.level, "dept_township")
    return {"Village": "village", "LegalBasis": "basis", "Township": "township"}[nt]


def _label(node) -> str:
    return getattr(node, "label", None) if node.node_type in ("DutyItem", "LegalBasis") else node.name


def _row(keys: list[str], x0: float, y: float, gap: float) -> dict[str, tuple[float, float]]:
    width = gap * (len(keys) - 1)
    return {k: (x0 - width / 2 + i * gap, y) for i, k in enumerate(keys)}


def _column(keys: list[str], x: float, y0: float, gap: float) -> dict[str, tuple[float, float]]:
    height = gap * (len(keys) - 1)
    return {k: (x, y0 - height / 2 + i * gap) for i, k in enumerate(keys)}


#: Villages of one role drawn as one group node from this many on.
VILLAGE_GROUP = 3
#: At depth 2, nodes drawn on the outer ring per node kind; the rest are listed, not drawn.
OUTER_PER_KIND = 8


def _fold_villages(villages: list[str], rels, by_key, focus: str):
    """Villages of the focus item grouped by their role: (group key, names, role) per group of VILLAGE_GROUP or more."""
    role = {r.src: r.text for r in rels if r.dst == focus and r.type == "ASSISTS"}
    groups: dict[str, list[str]] = {}
    for v in villages:
        groups.setdefault(role.get(v, ""), []).append(v)
    return [(f"group:villages:{i}", members, text) for i, (text, members) in enumerate(sorted(groups.items()))
            if len(members) >= VILLAGE_GROUP]


def neighbourhood_spec(hood, focus: str) -> GraphSpec:
    """The item ``focus`` in the middle: leads left, cooperators right, bases above, villages below.

    ``hood`` is a ``queries.neighbourhood.Neighbourhood`` (or any object with ``nodes``
    and ``relations``); nodes further away (depth 2) go on an outer ring ordered by key.
    Several leads on the focus item make its LEADS edges the overlap highlight. What
    the query cut (``cut_nodes``, ``cut_relations``) is carried into the spec and said.
    """
    by_key = {n.key: n for n in hood.nodes}
    rels = [r for r in hood.relations if r.type != "IN_TOWNSHIP"]
    leads = sorted(r.src for r in rels if r.dst == focus and r.type == "LEADS")
    coops = sorted(r.src for r in rels if r.dst == focus and r.type == "COOPERATES_ON")
    villages = sorted(r.src for r in rels if r.dst == focus and r.type == "ASSISTS")
    bases = sorted(r.dst for r in rels if r.src == focus and r.type == "BASED_ON")
    nxt = sorted(r.dst for r in rels if r.src == focus and r.type == "FOLLOWED_BY")
    prev = sorted(r.src for r in rels if r.dst == focus and r.type == "FOLLOWED_BY")
    groups = _fold_villages(villages, rels, by_key, focus)
    in_group = {v: g for g, members, _ in groups for v in members}
    shown_villages = [v for v in villages if v not in in_group] + [g for g, _, _ in groups]
    pos: dict[str, tuple[float, float]] = {focus: (0.0, 0.0)}
    pos.update(_column(leads, -420, 0, 130))
    pos.update(_column(coops, 420, 0, 110))
    pos.update(_row(bases, 0, -300, 260))
    pos.update(_row(shown_villages, 0, 300, 220))
    pos.update(_column([k for k in prev if k not in pos], -820, 0, 130))
    pos.update(_column([k for k in nxt if k not in pos], 820, 0, 130))
    outer_all = sorted(k for k in by_key if k not in pos and k not in in_group)
    per_kind: dict[str, list[str]] = {}
    for k in outer_all:
        per_kind.setdefault(_kind(by_key[k]), []).append(k)
    outer = sorted(k for ks in per_kind.values() for k in ks[:OUTER_PER_KIND])
    folded = {kind: ks[OUTER_PER_KIND:] for kind, ks in per_kind.items() if len(ks) > OUTER_PER_KIND}
    for i, k in enumerate(outer):
        angle = 2 * math.pi * i / len(outer) - math.pi / 2
        pos[k] = (1100 * math.cos(angle), 700 * math.sin(angle))
    group_names = {g for g, _, _ in groups}
    pos = {k: v for k, v in pos.items() if k in by_key or k in group_names}
    overlap = len(leads) > 1
    nodes = [GNode(k, _label(by_key[k]), "focus" if k == focus else _kind(by_key[k]), *pos[k],
                   note=getattr(by_key[k], "level", "") or getattr(by_key[k], "part", ""))
             for k in sorted(pos) if k in by_key]
    nodes += [GNode(g, t("g.villages_n", n=len(members)), "village", *pos[g],
                    note="、".join(by_key[v].name for v in members) + (f"：{text}" if text else ""))
              for g, members, text in groups]
    drawn = {n.key for n in nodes}
    edges, seen = [], set()
    for r in sorted(rels):
        src, dst = in_group.get(r.src, r.src), in_group.get(r.dst, r.dst)
        if src not in drawn or dst not in drawn or (src, r.type, dst) in seen:
            continue
        seen.add((src, r.type, dst))
        edges.append(GEdge(src, dst, r.type, r.text, "overlap" if overlap and r.type == "LEADS" and r.dst == focus else ""))
    hidden = [by_key[k] for ks in folded.values() for k in ks]
    notes = []
    if folded:
        notes.append(t("g.folded", what="、".join(f"{len(ks)} {KIND_LABEL[kind][0 if i18n.lang() == 'zh' else 1]}"
                                                  for kind, ks in sorted(folded.items()))))
    if overlap:
        notes.append(t("g.legend_overlap"))
    return GraphSpec(tuple(nodes), tuple(edges), getattr(hood, "cut_nodes", 0) + len(hidden),
                     getattr(hood, "cut_relations", 0), legend="\n".join(notes),
                     extra={"listed": tuple((_label(n), KIND_LABEL[_kind(n)][0 if i18n.lang() == "zh" else 1])
                                            for n in hidden)})


def chain_spec(chain) -> GraphSpec:
    """A ``queries.chains.Chain`` left to right; each step's owners under it, coloured by department.

    Owners are squares (county department), diamonds (county station) or circles
    (township office). A step without owner is red and so are the links touching it;
    a link whose owners change is an orange dashed hand-off (crossing 镇→县 in its text).
    """
    crossing = {(h.src, h.dst): t(f"ch.{h.crossing or '部门变更'}") for h in chain.handoffs}
    broken = set(chain.broken_steps)
    x_of = {s.item.key: s.position * 340.0 for s in chain.steps}
    nodes: dict[str, GNode] = {}
    edges: list[GEdge] = []
    owners_at: dict[float, int] = {}
    for s in chain.steps:
        key, x = s.item.key, x_of[s.item.key]
        note = f"{s.item.power_type}；{s.item.part}" + (f"；{t('ch.no_owner')}" if s.broken else "")
        nodes[key] = GNode(key, f"{s.position + 1}. {s.item.name}", "focus" if s.broken else "item", x, 0.0,
                           colour=HIGHLIGHT if s.broken else "", note=note)
        for d in (d for d in s.item.departments if d.role == "牵头"):
            if d.key not in nodes:
                row = owners_at.get(x, 0)
                owners_at[x] = row + 1
                kind = {"县级部门": "dept_county", "县派驻机构": "dept_station"}.get(d.level, "dept_township")
                nodes[d.key] = GNode(d.key, d.name, kind, x, 200.0 + 120 * row, colour=department_colour(d.key),
                                     note=d.level)
            edges.append(GEdge(d.key, key, "LEADS", d.text))
    for src, dst in chain.links:
        mark = "broken" if src in broken or dst in broken else ("handoff" if (src, dst) in crossing else "")
        edges.append(GEdge(src, dst, "FOLLOWED_BY", crossing.get((src, dst), ""), mark))
    return GraphSpec(tuple(nodes.values()), tuple(edges), legend=t("ch.legend"))


# ---- drawing ---------------------------------------------------------------------------
def _edge_look(e: GEdge) -> tuple[str, str, float]:
    colour, line = EDGE_STYLE.get(e.type, ("#999999", "solid"))
    if e.highlight == "overlap" or e.highlight == "broken":
        return HIGHLIGHT, "solid", 5.0
    if e.highlight == "handoff":
        return HANDOFF, "dashed", 4.0
    return colour, line, 2.0


def _edge_label(e: GEdge) -> str:
    """A hand-off shows where it crosses (镇→县, 部门变更); other edges their relation."""
    return f"{i18n.term(e.type)}（{e.text}）" if e.highlight == "handoff" and e.text else i18n.term(e.type)


def echarts_options(spec: GraphSpec, font_size: int = 16, file_name: str = "dutygraph") -> dict:
    """The ECharts option for a spec: fixed positions (layout none), no animation, save-as-PNG."""
    zh = i18n.lang() == "zh"
    kinds = sorted({n.kind for n in spec.nodes}, key=list(KIND_STYLE).index)
    recoloured = {n.kind for n in spec.nodes if n.colour}  # e.g. chain owners coloured by department
    categories = [{"name": KIND_LABEL[k][0 if zh else 1],
                   "itemStyle": {"color": "#9e9e9e" if k in recoloured else KIND_STYLE[k][0]}} for k in kinds]
    data = []
    for n in spec.nodes:
        colour, symbol, size = KIND_STYLE[n.kind]
        data.append({
            "id": n.key, "name": n.label, "x": n.x, "y": n.y, "category": kinds.index(n.kind),
            "symbol": symbol, "symbolSize": size, "itemStyle": {"color": n.fill, "borderColor": "#ffffff", "borderWidth": 2},
            "value": n.note,
            "label": {"show": True, "position": "bottom", "fontSize": font_size, "color": "#111111",
                      "width": 170, "overflow": "break"},
        })
    data += _frame(spec)
    links = []
    for e in spec.edges:
        colour, line, width = _edge_look(e)
        links.append({
            "source": e.src, "target": e.dst, "value": e.text,
            "lineStyle": {"color": colour, "type": line, "width": width, "opacity": 0.95, "curveness": 0.08},
            "label": {"show": True, "formatter": _edge_label(e), "fontSize": max(11, font_size - 4), "color": colour},
        })
    return {
        "animation": False,
        "tooltip": {"show": True},
        "title": {"text": "\n".join(picture_notes(spec)), "bottom": 0, "left": "center",
                  "textStyle": {"fontSize": max(12, font_size - 4), "fontWeight": "normal", "color": "#444"}},
        "legend": [{"data": [c["name"] for c in categories], "top": 0, "textStyle": {"fontSize": font_size - 2}}],
        "toolbox": {"show": True, "right": 10, "top": 0,
                    "feature": {"saveAsImage": {"show": True, "type": "png", "name": file_name, "pixelRatio": 2,
                                                "title": "保存为图片 PNG" if zh else "Save as PNG"}}},
        "series": [{
            "type": "graph", "layout": "none", "roam": True, "draggable": False, "top": 40,
            "bottom": 30 + 20 * len(picture_notes(spec)),
            "left": 30, "right": 30, "categories": categories, "data": data, "links": links,
            "edgeSymbol": ["none", "arrow"], "edgeSymbolSize": 10, "edgeLabel": {"show": True},
            "emphasis": {"focus": "adjacency"},
        }],
    }


def _frame(spec: GraphSpec) -> list[dict]:
    """Two invisible corner points that fix the drawing's extent and proportions.

    ECharts stretches a fixed-position graph to fill its box; framing it with a
    minimum extent and a 2:1 ratio keeps small graphs from being blown up or
    squashed. They come after the real nodes, so node indices stay the spec's.
    """
    if not spec.nodes:
        return []
    xs = [n.x for n in spec.nodes]
    ys = [n.y for n in spec.nodes]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    w = max(max(xs) - min(xs) + 400, 1000)
    h = max(max(ys) - min(ys) + 300, 500)
    w, h = max(w, 2 * h), max(h, w / 2)
    hidden = {"symbolSize": 0, "label": {"show": False}, "tooltip": {"show": False}, "silent": True,
              "itemStyle": {"opacity": 0}}
    return [{"id": "__frame_a", "name": "", "x": cx - w / 2, "y": cy - h / 2, **hidden},
            {"id": "__frame_b", "name": "", "x": cx + w / 2, "y": cy + h / 2, **hidden}]


def to_svg(spec: GraphSpec, font_size: int = 16) -> str:
    """The same drawing as a standalone SVG for the minutes: labels placed without overlap, the legend
    (node kinds, relations, marks) and what was folded or left out under it (dashboard/graph_svg.py)."""
    if not spec.nodes:
        return '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"></svg>'
    return graph_svg.svg(spec.nodes, spec.edges, shapes={k: (v[1], v[2]) for k, v in KIND_STYLE.items()},
                         edge_look=_edge_look, edge_label=_edge_label, legend_rows=legend_rows(spec),
                         notes=picture_notes(spec), title=spec.title, font_size=font_size)


def legend_rows(spec: GraphSpec) -> list[tuple[str, str, str]]:
    """What the picture's colours and lines mean: node kinds drawn, relation types drawn, marks used."""
    zh = i18n.lang() == "zh"
    recoloured = {n.kind for n in spec.nodes if n.colour}
    rows = [("node", "#9e9e9e" if k in recoloured else KIND_STYLE[k][0], KIND_LABEL[k][0 if zh else 1])
            for k in sorted({n.kind for n in spec.nodes}, key=list(KIND_STYLE).index)]
    for kind in sorted({e.type for e in spec.edges if not e.highlight}, key=list(EDGE_STYLE).index):
        colour, line = EDGE_STYLE[kind]
        rows.append((f"edge:{line}/2", colour, i18n.term(kind)))
    marks = {"overlap": ("solid/5", HIGHLIGHT), "handoff": ("dashed/4", HANDOFF), "broken": ("solid/5", HIGHLIGHT)}
    for mark in sorted({e.highlight for e in spec.edges if e.highlight}):
        style, colour = marks[mark]
        rows.append((f"edge:{style}", colour, t(f"g.mark.{mark}")))
    return rows


def picture_notes(spec: GraphSpec) -> list[str]:
    """The sentences under the picture: what the query cut, what was folded, what red means."""
    notes = []
    if spec.hidden_nodes or spec.hidden_edges:
        notes.append(t("g.hidden", shown=len(spec.nodes), nodes=spec.hidden_nodes, edges=spec.hidden_edges))
    return notes + [n for n in spec.legend.split("\n") if n]


def tables(spec: GraphSpec) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Exactly what is drawn (and, marked, what is not): one row per node and per relation."""
    zh = i18n.lang() == "zh"
    names = {n.key: n.label for n in spec.nodes}
    nodes = pd.DataFrame(
        [(n.label, KIND_LABEL[n.kind][0 if zh else 1], n.note) for n in spec.nodes]
        + [(label, kind, t("g.not_drawn")) for label, kind in spec.extra.get("listed", ())],
        columns=["节点", "类型", "说明"],
    )
    rows = [(names.get(e.src, e.src), i18n.term(e.type), names.get(e.dst, e.dst), e.text,
             t(f"g.mark.{e.highlight}") if e.highlight else "") for e in spec.edges]
    edges = pd.DataFrame(rows, columns=["起点", "关系", "终点", "内容", "标记"])
    return i18n.columns(nodes), i18n.columns(edges)


def show(spec: GraphSpec, key: str, height: int = 560, font_size: int = 16, file_name: str = "dutygraph") -> str | None:
    """Draw ``spec``, say how much was left out, list exactly what is drawn and offer it as SVG.

    Returns the key of a node clicked in the drawing (or None).
    """
    if spec.hidden_nodes or spec.hidden_edges:
        st.warning(t("g.hidden", shown=len(spec.nodes), nodes=spec.hidden_nodes, edges=spec.hidden_edges))
    if spec.legend:
        st.caption(spec.legend.replace("\n", "  \n"))
    value = st_echarts(echarts_options(spec, font_size, file_name), height=f"{height}px", key=key,
                       on_select="rerun", selection_mode="points")
    clicked = _clicked(spec, value)
    left, right = st.columns([3, 2])
    left.caption(t("g.png_hint"))
    right.download_button(t("g.svg"), to_svg(spec, font_size).encode("utf-8"), file_name=f"{file_name}.svg",
                          mime="image/svg+xml", key=f"{key}-svg")
    nodes, edges = tables(spec)
    st.markdown(f"**{t('g.nodes')}**（{len(spec.nodes)}）")
    st.dataframe(nodes, hide_index=True, width="stretch")
    st.markdown(f"**{t('g.edges')}**（{len(spec.edges)}）")
    st.dataframe(edges, hide_index=True, width="stretch")
    return clicked


def _clicked(spec: GraphSpec, value) -> str | None:
    """The node key of a point selection returned by the component, if any."""
    try:
        points = (value or {}).get("selection", {}).get("points", [])
    except AttributeError:
        return None
    for p in points or []:
        idx = p.get("dataIndex") if isinstance(p, dict) else None
        if p.get("dataType", "node") == "node" and isinstance(idx, int) and 0 <= idx < len(spec.nodes):
            return spec.nodes[idx].key
    return None
