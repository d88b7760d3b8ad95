"""Builders of messy duty lists (title rows, merged cells, two-row headers …) and graph helpers."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import xlwt


TOWN = "样例镇"

# Sheet 基本履职事项: title, a stamp row, a two-row header (责任主体 over 牵头科室 / 配合科室),
# a category merged over two rows, a blank row, footnotes. Columns A..M.
BASIC_HEADER_1 = ["序号", "事项编码", "事项名称", "事项类型", "事项类别", "责任主体", "", "涉及村（社区）",
                  "村（社区）职责", "法律依据", "办理时限", "后续事项", "联系人"]
BASIC_HEADER_2 = ["", "", "", "", "", "牵头科室", "配合科室", "", "", "", "", "", ""]
BASIC_ROWS = [
    [1, "JB-001", "农村宅基地审批", "许可", "农业农村", "镇农业农村办", "自然资源所、党政办", "各村（社区）", "协助初审",
     "《中华人民共和国土地管理法》第六十二条", "20个工作日", "JB-002", "张三"],
    [2, "JB-002", "违法建设巡查", "检查", None, "综合执法队", "农业农村办公室", "李家村、东风社区", "巡查报告",
     "《中华人民共和国城乡规划法》第65条", "即时", "JB-003", None],
    [],
    [3, "JB-003", "违法建设处罚", "处罚", "城乡建设", "待定", None, None, None, "《城乡规划法》第六十四条", "30日", None, None],
    [4, "JB-004", "土地权属争议调处", "行政裁决", "城乡建设", "党政办", None, None, None, None, None, None, None],
    [],
    ["注：1. 本表由乡镇工作专班填写。"],
    ["2. 事项类型按十类填写。"],
]
COOP_HEADER = ["事项名称", "事项类型", "对应上级部门", "上级部门职责", "镇街配合科室", "镇街配合职责", "依据", "承诺时限"]
COOP_ROWS = [["消防安全检查", "其他职权", "县消防救援大队", "负责监督检查", "综合执法队、应急办", "日常巡查并报告",
              "《消防法》第三十一条", "5个工作日"]]
WITHDRAWN_HEADER = ["序号", "事项名称", "承接部门", "工作方式", "设定依据"]
WITHDRAWN_ROWS = [[1, "农村村民未经批准建住宅处罚", "县农业农村局", "发现线索及时移交", "《土地管理法》第七十八条"]]
REGISTER_HEADER = ["村（社区）名称", "类型"]
REGISTER_ROWS = [["李家村", "村"], ["东风社区", "社区"], ["王庄", "村"]]


def write_xlsx(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
    wb.save(path)
    return path


def write_xls(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[tuple[int, int, int, int]]] | None = None) -> Path:
    """merges: (first_row, last_row, first_col, last_col), 0-based, as xlwt takes them."""
    wb = xlwt.Workbook(encoding="utf-8")
    for name, rows in sheets.items():
        ws = wb.add_sheet(name)
        merged = {(r1, c1): (r2, c2) for r1, r2, c1, c2 in (merges or {}).get(name, [])}
        covered = {(r, c) for (r1, c1), (r2, c2) in merged.items() for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if (i, j) in merged:
                    r2, c2 = merged[(i, j)]
                    ws.write_merge(i, r2, j, c2, value)
                elif (i, j) not in covered and value not in (None, ""):
                    ws.write(i, j, value)
    wb.save(str(path))
    return path


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows([["" if v is None else v for v in row] for row in rows])
    return path


def basic_sheet() -> list[list]:
    return [[f"{TOWN}履行职责事项清单（基本履职事项）"], ["填报单位：样例镇人民政府（盖章）"], BASIC_HEADER_1, BASIC_HEADER_2,
            *BASIC_ROWS]


BASIC_MERGES = ["A1:M1", "F3:G3", *(f"{c}3:{c}4" for c in "ABCDEHIJKLM"), "E5:E6"]


def messy_sheets() -> dict[str, list[list]]:
    return {
        "基本履职事项": basic_sheet(),
        "配合履职事项": [[f"{TOWN}履行职责事项清单（配合履职事项）"], COOP_HEADER, *COOP_ROWS],
        "上级部门收回事项": [[f"{TOWN}履行职责事项清单（上级部门收回事项）"], WITHDRAWN_HEADER, *WITHDRAWN_ROWS],
        "村（社区）名册": [REGISTER_HEADER, *REGISTER_ROWS],
        "Sheet1": [],
    }




def xls_range(a1: str) -> tuple[int, int, int, int]:
    """'E5:E6' -> (first_row, last_row, first_col, last_col), 0-based, for xlwt."""
    (c1, r1), (c2, r2) = (openpyxl.utils.cell.coordinate_from_string(x) for x in a1.split(":"))
    i1, i2 = openpyxl.utils.column_index_from_string(c1) - 1, openpyxl.utils.column_index_from_string(c2) - 1
    return r1 - 1, r2 - 1, i1, i2
