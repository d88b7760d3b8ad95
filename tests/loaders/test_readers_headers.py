"""Readers (formats, encodings, calamine vs openpyxl) and header recognition."""

from __future__ import annotations


import openpyxl
import pytest
from sheetmaker import write_xlsx

from graphmodel.errors import LoadError
from loaders import read_file
from loaders.headers import find_header, load_synonyms
from loaders.readers import read_csv_text
from loaders.sheets import _grid

ROWS = [["事项名称", "法律依据"], ["农村宅基地审批", "《土地管理法》第六十二条"], ["䶮", "x"]]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings(tmp_path, encoding):
    path = tmp_path / "a.csv"
    path.write_bytes("\r\n".join(",".join(r) for r in ROWS).encode(encoding))
    [sheet] = read_file(path)
    assert sheet.rows == ROWS and sheet.name == "a"


def test_gbk_csv_and_tab_separated(tmp_path):
    path = tmp_path / "b.csv"
    path.write_bytes("事项名称\t责任科室\n甲\t党政办\n".encode("gbk"))
    assert read_file(path)[0].rows == [["事项名称", "责任科室"], ["甲", "党政办"]]


def test_workbook_saved_with_the_wrong_suffix_still_reads(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", {"S": ROWS})
    renamed = path.rename(tmp_path / "a.xls")
    assert read_file(renamed)[0].rows[:2] == ROWS[:2]


def test_csv_quoted_multiline_cells():
    sheet = read_csv_text('事项名称,责任科室\n甲,"党政办\n经发办"\n', "x.csv")
    assert sheet.rows[1] == ["甲", "党政办\n经发办"]


def test_merged_ranges_keep_excel_coordinates(tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", {"S": [[], [None, "标题"], [None, "事项名称"]]}, {"S": ["B2:D2"]})
    [sheet] = read_file(path)
    assert sheet.rows[2][1] == "事项名称"  # row 3, column B: no rows or columns skipped
    assert sheet.merged == ((1, 1, 1, 3),)


def test_calamine_reads_the_same_cells_as_openpyxl(tmp_path):
    """The reader (calamine) gives the cells openpyxl gives. Which is faster is a benchmark's
    question (bench/run.py's parse floor), not a test's: a timed assertion here failed CI once."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["样例镇履行职责事项清单"])
    ws.append(["序号", "事项编码", "事项名称", "事项类型", "具体内容", "责任主体", "配合部门", "涉及村（社区）",
               "村（社区）职责", "法律依据", "实施程序", "办理时限", "备注", "后续事项"])
    for i in range(5000):
        ws.append([i + 1, f"XXZ-{i:05d}", f"农村宅基地审批管理事项{i}", "行政许可", "对农村村民住宅用地进行审批，联合审查" * 2,
                   "农业农村办", "自然资源所、党政综合办", "各村（社区）", "协助初审", "《中华人民共和国土地管理法》第六十二条",
                   "受理—审查—决定", "20个工作日", "", ""])
    path = tmp_path / "big.xlsx"
    wb.save(path)

    [sheet] = read_file(path)
    ro = openpyxl.load_workbook(path, read_only=True)
    expected = [["" if v is None else v for v in row] for row in ro.active.iter_rows(values_only=True)]
    ro.close()

    assert len(sheet.rows) == 5002
    got = [[int(v) if isinstance(v, float) and v.is_integer() else v for v in row] for row in sheet.rows]
    assert got == [row + [""] * (len(got[i]) - len(row)) for i, row in enumerate(expected)]


def test_not_a_spreadsheet_problem_is_clear(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"%PDF-1.7 not a workbook")
    with pytest.raises(LoadError) as e:
        read_file(path)
    [p] = e.value.problems
    assert (p.code, p.file, p.severity) == ("not_spreadsheet", "x.xlsx", "error")
    assert "不是表格文件" in str(p)


@pytest.mark.parametrize("header, field", [
    ("事项名称", "name"), ("职责事项", "name"), ("具体事项", "name"), ("事项名称（主项）", "name"),
    ("子项名称", "sub_item"), ("事项编码", "code"), ("职权类型", "power_type"), ("权力类型", "power_type"),
    ("清单类别", "part"), ("事项类别", "category"), ("履职内容", "content"), ("承诺时限", "time_limit"),
    ("办理时限（工作日）", "time_limit"), ("实施主体", "lead"), ("主办单位", "lead"), ("责任主体\n（牵头）", "lead"),
    ("配合单位", "cooperate"), ("协办部门", "cooperate"), ("配合部门/单位", "cooperate"),
    ("对应上级部门", "upper_dept"), ("上级部门职责", "upper_duty"), ("镇街配合科室", "township_office"),
    ("镇街配合职责", "township_duty"), ("承接部门", "receiving_dept"), ("工作方式", "work_mode"),
    ("涉及村（社区）", "villages"), ("村（社区）职责", "village_text"), ("设定依据", "basis"),
    ("法律法规及政策依据", "basis"), ("后续事项", "next_items"), ("下一环节", "next_items"), ("追责情形", "accountability"),
    ("责任事项", "responsibility"), ("备注", "note"), ("序号", "seq"), ("村（社区）名称", "village_name"),
    ("XX镇履行职责事项清单", None), ("基本履职事项", None), ("联系人", None),
])
def test_header_synonyms_and_meaning(header, field):
    assert load_synonyms().match(header) == field


def test_header_found_below_title_rows_and_group_row_joined():
    table = load_synonyms()
    grid = [
        ["样例镇履行职责事项清单", "样例镇履行职责事项清单", "样例镇履行职责事项清单", "样例镇履行职责事项清单"],
        ["", "", "", ""],
        ["基本信息", "基本信息", "责任分工", "责任分工"],
        ["序号", "事项名称", "牵头", "配合"],
        ["1", "甲", "党政办", "经发办"],
    ]
    h = find_header(grid, table)
    assert h.rows == (2, 3) and h.data_start == 4
    assert [(c.letter, c.field) for c in h.columns] == [("A", "seq"), ("B", "name"), ("C", "lead"), ("D", "cooperate")]
    assert h.columns[2].header == "责任分工 / 牵头"


def test_name_group_over_main_and_sub_item_is_a_two_row_header():
    # 职责事项 merged over 一级事项 | 二级事项: the row below the header is a sub-header, not an
    # item named 一级事项 led by 牵头科室 (what the reader made of it before)
    table = load_synonyms()
    grid = [
        ["南坪镇履行职责事项清单"] * 6,
        ["编号", "职责事项", "职责事项", "责任主体", "责任主体", "法定依据"],
        ["编号", "一级事项", "二级事项", "牵头科室", "配合科室", "法定依据"],
        ["1", "农村宅基地管理", "农村宅基地审批", "农业农村办", "自然资源所", "《土地管理法》第六十二条"],
    ]
    h = find_header(grid, table)
    assert h.rows == (1, 2) and h.data_start == 3
    assert [c.field for c in h.columns] == ["seq", "name", "sub_item", "lead", "cooperate", "basis"]
    assert h.columns[1].header == "职责事项 / 一级事项"


def test_no_header_in_the_first_rows():
    table = load_synonyms()
    assert find_header([["甲", "乙"], ["丙", "丁"]], table) is None
    deep = [[""]] * 15 + [["事项名称"], ["甲"]]
    assert find_header(deep, table) is None  # only the first 15 rows are searched


def test_register_header_turns_type_into_village_kind(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", {"名录": [["序号", "村（社区）名称", "类型"], [1, "东坡村", "村"]]})
    [sheet] = read_file(path)
    h = find_header(_grid(sheet, header_zone=True), load_synonyms())
    assert h.is_register and [c.field for c in h.columns] == ["seq", "village_name", "village_kind"]


def _sheet(rows, merged=()):
    from loaders.readers import RawSheet
    return RawSheet("t.csv", "表", [list(r) for r in rows], tuple(merged))


def test_samples_are_the_first_distinct_texts_and_values_the_first_fifty():
    from loaders.sheets import parse_sheet

    # the third distinct text comes after the 50th value: the samples read on to find it
    rows = [["序号", "事项名称", "备注"]] + [[str(i), f"事项{i}", "甲" if i < 60 else ("乙" if i < 70 else "丙")]
                                           for i in range(80)]
    rows[5][2] = ""
    parsed = parse_sheet(_sheet(rows), load_synonyms())
    note = next(c.index for c in parsed.header.columns if c.header == "备注")
    assert parsed.samples[note] == ["甲", "乙", "丙"]
    assert parsed.values[note] == ["甲"] * 50
    name = next(c.index for c in parsed.header.columns if c.field == "name")
    assert parsed.samples[name] == ["事项0", "事项1", "事项2"] and len(parsed.values[name]) == 50


@pytest.mark.parametrize("parts, found", [(8, True), (7, False)])
def test_a_part_column_is_recognised_by_its_values_at_four_in_five(parts, found):
    from loaders.sheets import parse_sheet

    # 类别 holds a list part in ``parts`` of its 10 cells (the rule: at least 80 %)
    cells = ["基本履职事项"] * parts + ["其他"] * (10 - parts)
    rows = [["序号", "事项名称", "类别"]] + [[str(i), f"事项{i}", c] for i, c in enumerate(cells)]
    parsed = parse_sheet(_sheet(rows), load_synonyms())
    column = next(c for c in parsed.header.columns if c.header == "类别")
    assert (column.field == "part") is found


def test_merged_ranges_fill_a_copy_and_leave_the_cells_as_read():
    from loaders.sheets import _texts

    sheet = _sheet([["序号", "事项名称"], ["1", "甲"], ["", ""]], merged=[(1, 1, 2, 1)])
    cells = _texts(sheet)
    grid = _grid(sheet, header_zone=False, texts=cells)
    assert grid[2] == ["", "甲"] and cells[2] == ["", ""]
    assert grid[0] is cells[0]  # rows no range writes into are shared, not copied
