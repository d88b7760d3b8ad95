"""A graph spec as a standalone SVG for the minutes: labels that never overlap, and the legend in the picture.

Text widths are estimated (a CJK character is one em wide, other characters 0.6 em): the
picture is drawn on the server, where no browser measures text. Long labels wrap onto
lines of at most ``LABEL_EMS`` characters' width. Each label is placed greedily at the first
free spot among positions around its node (below, above, right, left, then further away);
an edge label goes to the first free point along its edge, or is left out (the colour and
line of the edge, the legend and the table beside say the same). What the picture folded or
left out is said in the legend block under the drawing.
"""

from __future__ import annotations

from collections.abc import Iterable
from xml.sax.saxutils import escape

__all__ = ["LABEL_EMS", "label_lines", "svg", "text_width"]

#: The widest a node label line may be, in ems (CJK characters).
LABEL_EMS = 11
_LINE = 1.3  # line height in ems
_DASH = {"dashed": "10,6", "dotted": "3,5", "solid": ""}

Box = tuple[float, float, float, float]  # left, top, right, bottom


def text_width(text: str, size: float) -> float:
    """Estimated width of ``text`` at font size ``size`` (CJK and full-width one em, others 0.6 em)."""
    return sum(size if ord(ch) >= 0x2E80 else 0.6 * size for ch in text)


def label_lines(text: str, size: float, ems: float = LABEL_EMS) -> list[str]:
    """``text`` broken into lines no wider than ``ems`` ems (by character: Chinese has no spaces)."""
    lines, line = [], ""
    for ch in text:
        if line and text_width(line + ch, size) > ems * size:
            lines.append(line)
            line = ""
        line += ch
    return [*lines, line] if line else lines or [""]


def _overlaps(a: Box, b: Box, gap: float = 2.0) -> bool:
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def _block(cx: float, top: float, lines: list[str], size: float) -> Box:
    w = max(text_width(line, size) for line in lines)
    return cx - w / 2, top, cx + w / 2, top + len(lines) * size * _LINE


def _free(box: Box, taken: list[Box]) -> bool:
    return not any(_overlaps(box, b) for b in taken)


def _node_spots(x: float, y: float, r: float, lines: list[str], size: float) -> Iterable[tuple[float, float]]:
    """(centre x, top) of a node's label: below, above, right, left, then rings further out."""
    h = len(lines) * size * _LINE
    w = max(text_width(line, size) for line in lines)
    yield x, y + r + 4
    yield x, y - r - 4 - h
    yield x + r + 8 + w / 2, y - h / 2
    yield x - r - 8 - w / 2, y - h / 2
    for k in range(1, 10):
        step = k * size * _LINE
        yield x, y + r + 4 + step
        yield x, y - r - 4 - h - step
        yield x + r + 8 + w / 2 + k * size, y - h / 2 + step
        yield x - r - 8 - w / 2 - k * size, y - h / 2 + step
        yield x + r + 8 + w / 2 + k * size, y - h / 2 - step
        yield x - r - 8 - w / 2 - k * size, y - h / 2 - step


def _text(cx: float, top: float, lines: list[str], size: float, fill: str, anchor: str = "middle") -> list[str]:
    return [f'<text x="{cx:.1f}" y="{top + (i + 1) * size * _LINE - 0.3 * size:.1f}" font-size="{size:g}" '
            f'text-anchor="{anchor}" fill="{fill}">{escape(line)}</text>' for i, line in enumerate(lines)]


def svg(nodes, edges, *, shapes: dict, edge_look, edge_label, legend_rows: list[tuple[str, str, str]],
        notes: list[str], title: str = "", font_size: int = 16) -> str:
    """The picture: ``nodes`` (GNode) and ``edges`` (GEdge) at their positions, labels placed without
    overlap, then the legend: ``legend_rows`` (kind: "node:<symbol>" or "edge:<line>", colour, label)
    and ``notes`` (sentences: what was folded or left out, what red means)."""
    pos = {n.key: (n.x, n.y) for n in nodes}
    taken: list[Box] = []
    body: list[str] = []
    # node shapes first: labels keep off them
    for n in nodes:
        symbol, size = shapes[n.kind]
        r = size / 2
        taken.append((n.x - r, n.y - r, n.x + r, n.y + r))
    for e in edges:
        (xa, ya), (xb, yb) = pos[e.src], pos[e.dst]
        colour, line, width = edge_look(e)
        d = f' stroke-dasharray="{_DASH[line]}"' if _DASH[line] else ""
        body.append(f'<line x1="{xa:.1f}" y1="{ya:.1f}" x2="{xb:.1f}" y2="{yb:.1f}" stroke="{colour}" '
                    f'stroke-width="{width}"{d} marker-end="url(#arrow)"><title>{escape(edge_label(e))} '
                    f'{escape(e.text)}</title></line>')
    for n in nodes:
        body.append(_shape(n, *shapes[n.kind]))
    labels: list[str] = []
    # the selected item first, then outwards from the middle: the nearest labels get the best spots
    order = sorted(nodes, key=lambda n: (n.kind != "focus", abs(n.x) + abs(n.y), n.key))
    for n in order:
        r = shapes[n.kind][1] / 2
        lines = label_lines(n.label, font_size)
        for cx, top in _node_spots(n.x, n.y, r, lines, font_size):
            box = _block(cx, top, lines, font_size)
            if _free(box, taken):
                taken.append(box)
                labels += _text(cx, top, lines, font_size, "#111")
                break
        else:  # nowhere free near it: say it in a smaller, one-line form further out rather than on top of another
            lines = label_lines(n.label, font_size * 0.8, ems=99)
            for k in range(10, 60):
                box = _block(n.x, n.y + r + k * font_size, lines, font_size * 0.8)
                if _free(box, taken):
                    taken.append(box)
                    labels += _text(n.x, box[1], lines, font_size * 0.8, "#111")
                    break
    small = max(11, font_size - 4)
    for e in edges:
        (xa, ya), (xb, yb) = pos[e.src], pos[e.dst]
        colour = edge_look(e)[0]
        text = edge_label(e)
        w, h = text_width(text, small), small * _LINE
        for f in (0.5, 0.4, 0.6, 0.3, 0.7, 0.25, 0.75):
            cx, cy = xa + (xb - xa) * f, ya + (yb - ya) * f
            box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            if _free(box, taken):
                taken.append(box)
                labels += _text(cx, cy - h / 2, [text], small, colour)
                break
    left = min(b[0] for b in taken) - 40
    right = max(b[2] for b in taken) + 40
    top = min(b[1] for b in taken) - 40
    bottom = max(b[3] for b in taken) + 30
    head: list[str] = []
    if title:
        head = _text(left + 20, top - font_size * 2, [title], font_size + 6, "#111", anchor="start")
        top -= font_size * 2.5
    legend, height = _legend(left + 20, bottom, right - left - 40, legend_rows, notes, small)
    bottom += height + 20
    w, h = right - left, bottom - top
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{left:.0f} {top:.0f} {w:.0f} {h:.0f}" '
           f'width="{w:.0f}" height="{h:.0f}" font-family="Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, '
           f'sans-serif">',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" '
           'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
           f'<rect x="{left:.0f}" y="{top:.0f}" width="{w:.0f}" height="{h:.0f}" fill="#ffffff"/>',
           *head, *body, *labels, '<g class="legend">', *legend, "</g>", "</svg>"]
    return "\n".join(out)


def _shape(n, symbol: str, size: int) -> str:
    r = size / 2
    if symbol in ("rect", "roundRect", "diamond"):
        rx = ' rx="10"' if symbol == "roundRect" else ""
        rot = f' transform="rotate(45 {n.x:.1f} {n.y:.1f})"' if symbol == "diamond" else ""
        return (f'<rect x="{n.x - r:.1f}" y="{n.y - r:.1f}" width="{size}" height="{size}"{rx}{rot} fill="{n.fill}" '
                f'stroke="#ffffff" stroke-width="2"><title>{escape(n.note)}</title></rect>')
    if symbol == "triangle":
        return (f'<polygon points="{n.x:.1f},{n.y - r:.1f} {n.x + r:.1f},{n.y + r:.1f} {n.x - r:.1f},{n.y + r:.1f}" '
                f'fill="{n.fill}" stroke="#ffffff" stroke-width="2"><title>{escape(n.note)}</title></polygon>')
    return (f'<circle cx="{n.x:.1f}" cy="{n.y:.1f}" r="{r:.1f}" fill="{n.fill}" stroke="#ffffff" stroke-width="2">'
            f'<title>{escape(n.note)}</title></circle>')


def _legend(x0: float, y0: float, width: float, rows: list[tuple[str, str, str]], notes: list[str],
            size: float) -> tuple[list[str], float]:
    """Swatches with their names, laid out left to right and wrapped; then the notes, one per line."""
    out, x, y = [], x0, y0 + size
    line_h = size * 1.8
    for what, colour, label in rows:
        w = 34 + text_width(label, size) + 24
        if x + w > x0 + width and x > x0:
            x, y = x0, y + line_h
        if what.startswith("edge:"):
            style = what.split(":", 1)[1]
            line, stroke = (style.split("/") + ["2"])[:2]
            d = f' stroke-dasharray="{_DASH[line]}"' if _DASH.get(line) else ""
            out.append(f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{x + 26:.1f}" y2="{y:.1f}" stroke="{colour}" '
                       f'stroke-width="{stroke}"{d}/>')
        else:
            out.append(f'<rect x="{x + 6:.1f}" y="{y - 7:.1f}" width="14" height="14" rx="3" fill="{colour}"/>')
        out += _text(x + 34, y - size * _LINE / 2, [label], size, "#333", anchor="start")
        x += w
    y += line_h
    for note in notes:
        for line in label_lines(note, size, ems=max(10, width / size)):
            out += _text(x0, y - size * _LINE / 2, [line], size, "#444", anchor="start")
            y += size * _LINE
    return out, y - y0
