"""How a list was read: the reading report that ``dutygraph load --check`` and the 导入 page show.

Every reading decision is recorded here, so that a user sees what the loader took from
where: the header row of each sheet, each column's field and the rule that chose it (or
"unmapped", with samples and a proposal), where the part and the township came from, and
how many values were filled from a cell above, 同上 resolved, village groups kept and
department names merged or suggested for merging.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field

from graphmodel.normalize import compact, split_multi

from .departments import AliasTable
from .problems import Problem
from .sheets import ParsedSheet

__all__ = ["ColumnReading", "DeptMerge", "ReadingReport", "SheetReading", "propose_field", "read_report"]

#: Endings of department names (办/所/站/局/中心/队/委/室 …): a column of them is proposed as lead.
_DEPT_END = re.compile(r"(办|办公室|所|站|局|分局|中心|队|大队|中队|委|委员会|室|科|股|院|部|处|厅|组|支队|公司|管委会|街道|政府)$")
_VILLAGE_END = re.compile(r"(村|社区|居委会|村委会)$")
_LEAD_FIELDS = ("lead", "upper_dept", "receiving_dept")

SOURCE_TEXT = {
    "option": "命令行选项 option",
    "title": "标题行 title row",
    "filename": "文件名 file name",
    "sheet_name": "工作表名 sheet name",
    "catalogue": "目录所属 --catalogue-of",
    "column": "清单类别列 part column",
    "section": "分段行 section row",
    "": "未给出（未分类）not given (未分类)",
}


@dataclass(frozen=True, slots=True)
class ColumnReading:
    letter: str
    header: str
    field: str | None  # None: unmapped, kept verbatim in DutyItem.extra
    rule: str  # the synonym or rule that chose the field
    samples: tuple[str, ...] = ()
    proposal: str = ""  # for an unmapped column: the field its values suggest
    reason: str = ""  # why that proposal


@dataclass(frozen=True, slots=True)
class SheetReading:
    file: str
    sheet: str
    kind: str  # 'items' | 'register' | 'skipped'
    header_rows: tuple[int, ...] = ()  # as Excel shows them (1-based)
    columns: tuple[ColumnReading, ...] = ()
    part: str = ""  # the part named by the sheet name or title
    part_source: str = ""
    parts: dict[str, int] = field(default_factory=dict)  # items read per part
    part_sources: dict[str, int] = field(default_factory=dict)  # items per source of their part
    township: str = ""  # the township a title row named
    title: str = ""
    items: int = 0
    villages: int = 0
    filled_cells: int = 0
    ditto_resolved: int = 0
    stage_rows: int = 0


@dataclass(frozen=True, slots=True)
class DeptMerge:
    """Department names read as one body (applied) or probably one body (suggested)."""

    names: tuple[str, ...]  # as written
    into: str  # the canonical name
    rule: str  # why (county prefix, abbreviation, institutional-reform rename …)


@dataclass(slots=True)
class ReadingReport:
    township: str
    township_source: str  # 'option' | 'title' | 'filename'
    township_detail: str = ""  # the title row, or the file name, it came from
    sheets: list[SheetReading] = field(default_factory=list)
    village_groups: int = 0
    same_duty: int = 0
    merges_applied: list[DeptMerge] = field(default_factory=list)
    merges_suggested: list[DeptMerge] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    county: str = ""  # the township's county, if any
    county_source: str = ""  # 'option' (--county) | 'title' (read from the title row) | 'catalogue' | ''
    county_detail: str = ""  # the title row it was read from

    @property
    def counts(self) -> dict[str, int]:
        return {
            "filled_cells": sum(s.filled_cells for s in self.sheets),
            "ditto_resolved": sum(s.ditto_resolved for s in self.sheets),
            "stage_rows": sum(s.stage_rows for s in self.sheets),
            "village_groups": self.village_groups,
            "same_duty": self.same_duty,
            "merges_applied": len(self.merges_applied),
            "merges_suggested": len(self.merges_suggested),
            "unmapped_columns": sum(1 for s in self.sheets for c in s.columns if c.field is None),
            "errors": sum(1 for p in self.problems if p.is_error),
            "warnings": sum(1 for p in self.problems if not p.is_error),
        }

    def to_dict(self) -> dict:
        """Plain JSON-ready data (``dutygraph load --check --format json`` prints it)."""
        return {
            "township": self.township,
            "township_source": self.township_source,
            "township_detail": self.township_detail,
            "county": self.county,
            "county_source": self.county_source,
            "county_detail": self.county_detail,
            "sheets": [asdict(s) for s in self.sheets],
            "counts": self.counts,
            "merges_applied": [asdict(m) for m in self.merges_applied],
            "merges_suggested": [asdict(m) for m in self.merges_suggested],
            "problems": [asdict(p) for p in self.problems],
        }

    def to_text(self) -> str:
        """The report as lines of text, Chinese and English side by side."""
        lines: list[str] = []
        if self.township_source == "filename":
            lines.append(f"⚠ 乡镇名称只能取自文件名「{self.township_detail}」：{self.township}；请核对，或用 --township 指定 "
                         f"(township named after the file only; check it or pass --township)")
        lines.append(f"乡镇 Township: {self.township}（来自 from {SOURCE_TEXT[self.township_source]}"
                     + (f"「{self.township_detail}」" if self.township_detail else "") + "）")
        if self.county:
            lines.append(f"县 County: {self.county}（来自 from {SOURCE_TEXT.get(self.county_source, self.county_source)}"
                         + (f"「{self.county_detail}」" if self.county_detail else "") + "）")
        for s in self.sheets:
            lines.append("")
            where = f"{s.file} / {s.sheet}"
            if s.kind == "skipped":
                lines.append(f"■ {where}: 无可识别表头，已跳过 (no recognisable header, skipped)")
                continue
            rows = "、".join(str(r) for r in s.header_rows)
            kind = "村（社区）名册 village register" if s.kind == "register" else "事项表 item sheet"
            lines.append(f"■ {where}: {kind}；表头在第 {rows} 行 (header row {rows})")
            if s.kind == "items":
                parts = "，".join(f"{p} {n}" for p, n in s.parts.items()) or "—"
                sources = "，".join(f"{SOURCE_TEXT.get(k, k)} {n}" for k, n in s.part_sources.items()) or "—"
                lines.append(f"  清单类别 Parts: {parts}（来源 source: {sources}）")
            for c in s.columns:
                if c.field:
                    lines.append(f"  {c.letter}「{c.header}」→ {c.field}  〔{c.rule}〕")
                else:
                    line = f"  {c.letter}「{c.header}」→ 未识别 unmapped, 按原文保留 kept verbatim; 样例 samples: " + (
                        " | ".join(c.samples) or "—")
                    if c.proposal:
                        line += (f"; 建议 proposal: {c.proposal}（{c.reason}）→ --map-column "
                                 f"'{c.letter}={c.proposal}'")
                    lines.append(line)
            if s.kind == "items":
                lines.append(f"  事项 items {s.items}；由上方填入 filled from above {s.filled_cells}；"
                             f"同上已替换 同上 resolved {s.ditto_resolved}；多行环节并入 stage rows joined {s.stage_rows}")
            else:
                lines.append(f"  村（社区） villages {s.villages}")
        c = self.counts
        lines.append("")
        lines.append(f"汇总 Totals: 由上方填入 filled {c['filled_cells']}；同上 resolved {c['ditto_resolved']}；"
                     f"村组未对应到村 village groups kept {c['village_groups']}；跨类别同一事项 same item in two parts "
                     f"{c['same_duty']}；部门合并 department merges applied {c['merges_applied']}, "
                     f"建议 suggested {c['merges_suggested']}；未识别列 unmapped columns {c['unmapped_columns']}")
        for m in self.merges_applied:
            lines.append(f"  已合并 merged: {' = '.join(m.names)} → {m.into}〔{m.rule}〕")
        for m in self.merges_suggested:
            lines.append(f"  建议合并 suggested: {' = '.join(m.names)} → {m.into}〔{m.rule}〕 "
                         f"(写入别名表 add to your --aliases file: " + "；".join(f"{n},{m.into}" for n in m.names
                                                                             if n != m.into) + ")")
        by_code = Counter(p.code for p in self.problems)
        lines.append(f"问题 Problems: 错误 errors {c['errors']}，警告 warnings {c['warnings']}"
                     + ("（" + "，".join(f"{k} {n}" for k, n in sorted(by_code.items())) + "）" if by_code else ""))
        return "\n".join(lines)


def _looks(values: list[str], pattern: re.Pattern, aliases: AliasTable | None = None) -> float:
    names = [n for v in values for n in split_multi(v)]
    if not names:
        return 0.0
    hits = sum(1 for n in names if pattern.search(n) or (aliases is not None and compact(n) in aliases.entries))
    return hits / len(names)


def propose_field(values: list[str], mapped: set[str], aliases: AliasTable | None = None) -> tuple[str, str]:
    """``(field, reason)`` an unmapped column's values suggest, or ``("", "")``.

    >>> propose_field(["党政办", "县自然资源局、综合执法队", "便民服务中心"], set())
    ('lead', '值像部门名 values look like department names 100%')
    >>> propose_field(["党政办", "应急办"], {"lead"})[0], propose_field(["张三", "李四"], set())
    ('cooperate', ('', ''))
    """
    if not values:
        return "", ""
    share = _looks(values, _DEPT_END, aliases)
    if share >= 0.6:
        target = "cooperate" if any(f in mapped for f in _LEAD_FIELDS) else "lead"
        if target in mapped and target == "cooperate":
            return "", ""
        return target, f"值像部门名 values look like department names {share:.0%}"
    if "villages" not in mapped and _looks(values, _VILLAGE_END) >= 0.6:
        return "villages", "值像村（社区）名 values look like village names"
    if "basis" not in mapped and sum(1 for v in values if "《" in v or re.search(r"第.{1,6}条", v)) >= 0.6 * len(values):
        return "basis", "值像法规条文 values cite laws"
    return "", ""


def sheet_reading(sheet: ParsedSheet, aliases: AliasTable | None = None) -> tuple[SheetReading, list[Problem]]:
    """One sheet's reading, with a warning for each unmapped column."""
    header = sheet.header
    if header is None:
        return SheetReading(sheet.file, sheet.name, "skipped"), []
    mapped = header.fields()
    columns: list[ColumnReading] = []
    problems: list[Problem] = []
    for c in header.columns:
        samples = tuple(sheet.samples.get(c.index, ()))
        if c.field is not None:
            columns.append(ColumnReading(c.letter, c.header, c.field, c.rule, samples))
            continue
        proposal, reason = propose_field(sheet.values.get(c.index, []), mapped, aliases)
        columns.append(ColumnReading(c.letter, c.header, None, "未识别 unmapped", samples, proposal, reason))
        hint = f"；建议 proposal: --map-column '{c.letter}={proposal}'（{reason}）" if proposal else ""
        problems.append(Problem(
            code="unmapped_column", file=sheet.file, sheet=sheet.name, row=header.rows[-1] + 1, column=c.header,
            column_letter=c.letter, value=" | ".join(samples),
            message=f"未识别的列，按原文保留 (column not mapped, kept verbatim){hint}"))
    kind = "register" if header.is_register else "items"
    reading = SheetReading(
        sheet.file, sheet.name, kind, tuple(r + 1 for r in header.rows), tuple(columns),
        part=sheet.part or "", part_source=sheet.part_source,
        parts=dict(sorted(Counter(r.part for r in sheet.items).items())),
        part_sources=dict(sorted(Counter(r.part_source for r in sheet.items).items())),
        township=sheet.township or "", title=sheet.title, items=len(sheet.items), villages=len(sheet.villages),
        filled_cells=sheet.filled_cells, ditto_resolved=sheet.ditto_resolved, stage_rows=sheet.stage_rows,
    )
    return reading, problems


def read_report(township: str, source: str, detail: str, sheets: list[ParsedSheet],
                aliases: AliasTable | None = None) -> tuple[ReadingReport, list[Problem]]:
    """The report of the sheets read (build counts are added by the caller), with its own warnings."""
    report = ReadingReport(township, source, detail)
    problems: list[Problem] = []
    for s in sheets:
        reading, found = sheet_reading(s, aliases)
        report.sheets.append(reading)
        problems.extend(found)
    return report, problems
