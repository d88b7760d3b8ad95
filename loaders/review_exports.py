"""Exports of the review: the clarified list, meeting minutes (会议纪要, .docx and Markdown), report tables.

- The clarified list is the township's list after the decisions, or as it was in a round,
  in the official layout (:func:`loaders.writers.write_xlsx`): one sheet per list part,
  title row, the usual columns; reading it back gives the same graph.
- Minutes of a meeting: the findings discussed and the decisions taken (with who recorded
  and who confirmed them), the change requests reviewed, and the round the meeting made.
- :func:`write_tables_xlsx` writes plain tables (the audit report the CLI and dashboard
  assemble from queries) as a workbook that opens cleanly in Excel and WPS.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from graphmodel.errors import InvalidArgument
from graphmodel.memory_store import MemoryStore
from graphmodel.review import ChangeRequest, Decision, Meeting, describe_op
from graphmodel.store import DutyStore

from .formula_safe import text_cells
from .writers import export_township, resolve_township

__all__ = ["Minutes", "collect_minutes", "export_clarified", "minutes_markdown", "write_minutes",
           "write_minutes_docx", "write_minutes_markdown", "write_tables_xlsx"]

_STATUS = {"proposed": "待确认", "applied": "已生效", "rejected": "已驳回", "undone": "已撤销",
           "submitted": "已提交", "reviewed": "专班已审", "approved": "县级批准"}


def export_clarified(store: DutyStore, township: str | None, path: str | Path, round: int | None = None,
                     fmt: str | None = None) -> list[Path]:
    """The list after the decisions (or as it was in ``round``), in the official layout."""
    name = resolve_township(store, township)
    if round is None:
        return export_township(store, name, path, fmt)
    scratch = MemoryStore(data_dir=None)
    scratch.replace_township(store.round_list(name, round))
    return export_township(scratch, name, path, fmt)


@dataclass(frozen=True, slots=True)
class Minutes:
    """Everything the minutes of one meeting say, as plain text."""

    township: str
    meeting: Meeting
    decisions: tuple[tuple[str, str, str, tuple[str, ...], str, str], ...]  # id, status, finding, ops, note, who
    requests: tuple[tuple[str, str, str, str, str], ...] = ()  # id, title, proposed_by, opinion, status
    round: str = ""
    findings: tuple[str, ...] = field(default=())

    @property
    def title(self) -> str:
        return f"{self.township}{self.meeting.title}会议纪要"


def _finding_text(d: Decision, titles: Mapping[str, str]) -> str:
    """The finding a decision settles, by its title (never its kind's key such as ``overlap.multi_lead``)."""
    f = dict(d.finding)
    if "request" in f:
        return f"变更申请 {f['request']}"
    kind = f.get("kind", "")
    parts = [f.get("title") or titles.get(kind) or ("其他问题" if kind else ""), f.get("subject", "")]
    return "：".join(p for p in parts if p)


def _key_name(key: str) -> str:
    """An item gone from the list, named by its code or name as the key holds them (``item:镇:code:X`` -> X)."""
    parts = key.split(":", 3)
    return parts[3] if len(parts) == 4 and parts[0] == "item" else key


def _who(d: Decision) -> str:
    text = f"{d.recorded_by} 记录"
    if d.confirmed_by:
        text += f"，{d.confirmed_by} 确认"
    if d.status in ("undone", "rejected") and d.undone_by:
        text += f"，{d.undone_by} {'撤销' if d.status == 'undone' else '驳回'}"
        if d.reason:
            text += f"（{d.reason}）"
    return text


def collect_minutes(store: DutyStore, township: str | None, meeting: str,
                    titles: Mapping[str, str] | None = None) -> Minutes:
    """The minutes of ``meeting``, read from the store.

    ``titles`` names finding kinds (kind -> title; the caller has them from ``queries``) for
    decisions recorded without the finding's title; no kind key reaches the minutes.
    """
    name = resolve_township(store, township)
    m = store.meeting(name, meeting)
    found = store.decisions(name, meeting=meeting)
    items = {c.key: c.item.label for c in store.item_cards()} if found else {}
    for d in found:  # an item a decision removed is named by its code, not its key
        items |= {o.item: _key_name(o.item) for o in d.ops if o.item and o.item not in items}
    decisions = []
    for d in found:
        ops = tuple(describe_op(o, items) for o in d.ops)
        decisions.append((d.id, _STATUS.get(d.status, d.status), _finding_text(d, titles or {}), ops, d.note, _who(d)))
    reqs: list[ChangeRequest] = [c for c in store.requests(name) if c.meeting == meeting]
    requests = tuple((c.id, c.title, c.proposed_by, c.review, _STATUS.get(c.status, c.status)) for c in reqs)
    findings = tuple(dict.fromkeys(t for _, _, t, _, _, _ in decisions if t))
    rnd = f"第{m.round}轮" if m.round else ""
    return Minutes(name, m, tuple(decisions), requests, rnd, findings)


def minutes_markdown(m: Minutes) -> str:
    mt = m.meeting
    lines = [f"# {m.title}", "",
             f"- 时间：{mt.date}", f"- 会议：{mt.title}（{mt.stage}）",
             f"- 参会人员：{'、'.join(mt.participants) or '—'}", f"- 记录人：{mt.recorded_by or '—'}", "",
             "## 一、研究的问题", ""]
    lines += [f"{n}. {t}" for n, t in enumerate(m.findings, start=1)] or ["（无）"]
    lines += ["", "## 二、会议决定", ""]
    if not m.decisions:
        lines.append("（无）")
    for did, status, finding, ops, note, who in m.decisions:
        lines.append(f"### {did}（{status}）{finding}")
        lines += [f"- {o}" for o in ops]
        if note:
            lines.append(f"- 理由与依据：{note}")
        lines.append(f"- {who}")
        lines.append("")
    if m.requests:
        lines += ["## 三、清单动态调整申请", ""]
        for cid, title, by, opinion, status in m.requests:
            lines.append(f"- {cid} {title}（申请单位：{by}）：专班意见：{opinion or '—'}；状态：{status}")
        lines.append("")
    if m.round:
        lines += [f"会后清单形成{m.round}版本。", ""]
    return "\n".join(lines).rstrip() + "\n"


def write_minutes_markdown(m: Minutes, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(minutes_markdown(m), encoding="utf-8")
    return path


def write_minutes_docx(m: Minutes, path: str | Path) -> Path:
    """The minutes as a Word document (python-docx), the way 会议纪要 are usually laid out."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    title = doc.add_heading(m.title, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    mt = m.meeting
    for label, value in (("时间", mt.date), ("会议", f"{mt.title}（{mt.stage}）"),
                         ("参会人员", "、".join(mt.participants) or "—"), ("记录人", mt.recorded_by or "—")):
        p = doc.add_paragraph()
        p.add_run(f"{label}：").bold = True
        p.add_run(value)
    doc.add_heading("一、研究的问题", level=1)
    for t in m.findings or ("（无）",):
        doc.add_paragraph(t, style="List Number" if m.findings else None)
    doc.add_heading("二、会议决定", level=1)
    if not m.decisions:
        doc.add_paragraph("（无）")
    for did, status, finding, ops, note, who in m.decisions:
        doc.add_heading(f"{did}（{status}）{finding}", level=2)
        for o in ops:
            doc.add_paragraph(o, style="List Bullet")
        if note:
            doc.add_paragraph(f"理由与依据：{note}")
        doc.add_paragraph(who)
    if m.requests:
        doc.add_heading("三、清单动态调整申请", level=1)
        table = doc.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ("编号", "事项", "申请单位", "专班意见", "状态")):
            cell.text = text
        for row in m.requests:
            for cell, text in zip(table.add_row().cells, row):
                cell.text = text
    if m.round:
        doc.add_paragraph(f"会后清单形成{m.round}版本。")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


def write_minutes(m: Minutes, path: str | Path) -> Path:
    """.docx or .md by the suffix of ``path``."""
    suffix = Path(path).suffix.lower()
    if suffix == ".docx":
        return write_minutes_docx(m, path)
    if suffix in (".md", ".markdown"):
        return write_minutes_markdown(m, path)
    raise InvalidArgument(f"会议纪要可导出为 .docx 或 .md (minutes are written as .docx or .md, not {suffix or 'no suffix'})")


def write_tables_xlsx(tables: dict[str, tuple[list[str], list[list[object]]]], path: str | Path,
                      title: str = "") -> Path:
    """Plain tables (sheet name -> headers, rows) as a styled workbook: title row, header, frozen, widths."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for name, (headers, rows) in tables.items():
        sheet = "".join(ch for ch in name if ch not in '[]:*?/\\')[:31] or "Sheet"
        while sheet in used:
            sheet = sheet[:29] + f"_{len(used)}"
        used.add(sheet)
        ws = wb.create_sheet(sheet)
        ws.append([f"{title}{name}" if title else name])
        ws.cell(1, 1).font = Font(bold=True, size=14)
        if len(headers) > 1:
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
        ws.append(list(headers))
        for j, h in enumerate(headers, start=1):
            c = ws.cell(2, j)
            c.font = Font(bold=True)
            c.fill = PatternFill("solid", fgColor="DDEBF7")
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            width = max([len(str(h))] + [len(str(r[j - 1])) for r in rows[:200] if j - 1 < len(r)]) * 2
            ws.column_dimensions[get_column_letter(j)].width = max(8, min(width, 60))
        for r in rows:
            ws.append([v if isinstance(v, (int, float)) else ("" if v is None else str(v)) for v in r])
        for row in ws.iter_rows(min_row=3):
            for c in row:
                c.alignment = Alignment(wrap_text=True, vertical="top")
        text_cells(ws)  # list text that looks like a formula stays text
        ws.freeze_panes = "A3"
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
