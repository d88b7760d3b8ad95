"""A corpus of lists in the layouts published township lists use, each with its expected graph and reading.

Every workbook is generated here (no published file is copied). A case holds its sheets
(rows as written, merged ranges as A1 ranges), the formats it is written in, the reading
options, the items expected field by field and the reading report expected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sheetmaker import write_csv, write_xls, write_xlsx, xls_range

SHORT = {"基本履职事项": "基本", "配合履职事项": "配合", "上级部门收回事项": "收回", "未分类": "未分类"}


@dataclass
class Case:
    name: str
    sheets: dict[str, list[list]]
    formats: tuple[str, ...]
    items: dict[tuple[str, str], dict]  # (name, short part) -> expected fields
    report: dict
    merges: dict[str, list[str]] = field(default_factory=dict)
    options: dict = field(default_factory=dict)
    levels: dict[str, str] = field(default_factory=dict)  # department -> level
    csv_names: dict[str, str] = field(default_factory=dict)  # sheet -> csv file stem


def write_case(case: Case, fmt: str, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        return [write_xlsx(folder / f"{case.name}.xlsx", case.sheets, case.merges)]
    if fmt == "xls":
        merges = {s: [xls_range(m) for m in ms] for s, ms in case.merges.items()}
        return [write_xls(folder / f"{case.name}.xls", case.sheets, merges)]
    encoding = {"csv": "utf-8-sig", "gbk": "gbk"}[fmt]
    return [write_csv(folder / f"{case.csv_names.get(s, s)}.csv", rows, encoding) for s, rows in case.sheets.items()]


CASES: list[Case] = []

# 1. A part column under 类别, read by its values (基本 / 配合 / 收回 and the full names).
CASES.append(Case(
    "part_by_values",
    {"青山镇清单": [
        ["青山镇履行职责事项清单"],
        ["序号", "类别", "事项名称", "事项类型", "责任科室", "法律依据"],
        [1, "基本", "农村宅基地审批", "行政许可", "农业农村办", "《中华人民共和国土地管理法》第六十二条"],
        [2, "基本履职事项", "环境卫生整治", "公共服务", "环卫所", "《城市市容和环境卫生管理条例》"],
        [3, "配合", "消防安全检查", "行政检查", "县消防救援大队", "《中华人民共和国消防法》第三十一条"],
        [4, "收回", "农村村民未经批准建住宅处罚", "行政处罚", "县农业农村局", "《中华人民共和国土地管理法》第七十八条"],
    ]},
    ("xlsx", "xls", "csv", "gbk"),
    {
        ("农村宅基地审批", "基本"): {"power_type": "行政许可", "leads": ["农业农村办"], "category": "",
                                "bases": ["《中华人民共和国土地管理法》第六十二条"]},
        ("环境卫生整治", "基本"): {"leads": ["环卫所"]},
        ("消防安全检查", "配合"): {"leads": ["县消防救援大队"]},
        ("农村村民未经批准建住宅处罚", "收回"): {"leads": ["县农业农村局"], "power_type": "行政处罚"},
    },
    {"township": "青山镇", "source": "title", "columns": {"类别": "part"}, "rules": {"类别": "按值"},
     "parts": {"column": 4}, "no_codes": {"unknown_part", "unmapped_column"}},
))

# 2. Lead columns under headers the old table lacked; an unknown header proposed by its values.
CASES.append(Case(
    "lead_synonyms",
    {"白沙镇基本履职事项": [
        ["白沙镇履行职责事项清单（基本履职事项）"],
        ["事项名称", "承办机构", "经手单位", "办理时限", "依据"],
        ["特困人员救助供养", "社会事务办", "便民服务中心", "20个工作日", "《社会救助暂行办法》第十八条"],
        ["森林防火巡查", "应急管理办", "综合行政执法队、农业农村办", "即时", "《森林防火条例》第二十条"],
    ]},
    ("xlsx", "csv"),
    {
        ("特困人员救助供养", "基本"): {"leads": ["社会事务办"], "cooperates": [],
                                  "extra": (("经手单位", "便民服务中心"),)},
        ("森林防火巡查", "基本"): {"leads": ["应急管理办"]},
    },
    {"township": "白沙镇", "source": "title", "columns": {"承办机构": "lead", "经手单位": None},
     "proposals": {"经手单位": "cooperate"}, "codes": {"unmapped_column"}, "no_codes": {"no_lead"},
     "parts": {"sheet_name": 2}},
))

_UNKNOWN_LEAD = {"红旗镇履职事项": [
    ["红旗镇履行职责事项清单（基本履职事项）"],
    ["事项名称", "主抓单位", "法律依据"],
    ["耕地保护巡查", "自然资源办", "《中华人民共和国土地管理法》第三十条"],
    ["秸秆禁烧巡查", "综合行政执法队", "《中华人民共和国大气污染防治法》第七十七条"],
    ["养老服务补贴发放", "社会事务办", "《中华人民共和国老年人权益保障法》第三十三条"],
]}
CASES.append(Case(
    "lead_unknown_header", _UNKNOWN_LEAD, ("xls",),
    {("耕地保护巡查", "基本"): {"leads": []}, ("秸秆禁烧巡查", "基本"): {"leads": []},
     ("养老服务补贴发放", "基本"): {"leads": []}},
    {"township": "红旗镇", "source": "title", "columns": {"主抓单位": None}, "proposals": {"主抓单位": "lead"},
     "codes": {"unmapped_column", "no_lead"}},
))
CASES.append(Case(
    "lead_unknown_header_mapped", _UNKNOWN_LEAD, ("xls",),
    {("耕地保护巡查", "基本"): {"leads": ["自然资源办"]}, ("秸秆禁烧巡查", "基本"): {"leads": ["综合行政执法队"]},
     ("养老服务补贴发放", "基本"): {"leads": ["社会事务办"]}},
    {"township": "红旗镇", "source": "title", "columns": {"主抓单位": "lead"}, "rules": {"主抓单位": "选项"},
     "no_codes": {"unmapped_column", "no_lead"}},
    options={"column_map": {"主抓单位": "lead"}},
))

# 3. Fill-down never crosses a part; the raw cell is never overwritten; filled values are marked.
CASES.append(Case(
    "fill_down_boundary",
    {"柳河镇清单": [
        ["柳河镇履行职责事项清单"],
        ["清单类别", "事项名称", "事项类型", "责任科室"],
        ["基本履职事项", "河道日常巡查", "行政检查", "农业农村办"],
        ["基本履职事项", "河道保洁", "", "农业农村办"],
        ["上级部门收回事项", "取水许可", "", "县水利局"],
        ["上级部门收回事项", "河道采砂许可", "行政许可", "县水利局"],
        ["", "水土保持方案审批", "", "县水利局"],
    ]},
    ("csv", "gbk"),
    {
        ("河道日常巡查", "基本"): {"power_type": "行政检查", "power_type_raw": "行政检查", "filled": ()},
        ("河道保洁", "基本"): {"power_type": "行政检查", "power_type_raw": "", "filled": ("power_type",)},
        ("取水许可", "收回"): {"power_type": "", "power_type_raw": "", "filled": ()},
        ("河道采砂许可", "收回"): {"power_type": "行政许可", "filled": ()},
        ("水土保持方案审批", "收回"): {"power_type": "行政许可", "power_type_raw": "", "filled": ("part", "power_type")},
    },
    {"township": "柳河镇", "source": "title", "counts": {"filled_cells": 3, "ditto_resolved": 0}},
))

CASES.append(Case(
    "merged_ranges",
    {"基本履职事项": [
        ["石桥镇履行职责事项清单（基本履职事项）"],
        ["序号", "事项类别", "事项名称", "事项类型", "责任科室"],
        [1, "党的建设", "党员发展", "其他行政权力", "党政综合办"],
        [2, None, "党费收缴", None, "党政综合办"],
        [3, "平安建设", "矛盾纠纷排查", "公共服务", "平安建设办"],
        [4, None, "信访事项受理", None, "平安建设办"],
        ["二、社会事务"],
        [5, None, "低保申请受理", None, "社会事务办"],
    ]},
    ("xlsx", "xls"),
    {
        ("党员发展", "基本"): {"category": "党的建设", "filled": ()},
        ("党费收缴", "基本"): {"category": "党的建设", "power_type": "其他行政权力", "power_type_raw": "",
                            "filled": ("category", "power_type")},
        ("矛盾纠纷排查", "基本"): {"filled": ()},
        ("信访事项受理", "基本"): {"category": "平安建设", "power_type": "公共服务", "filled": ("category", "power_type")},
        # the category from the section row 二、社会事务 is marked; the type never crosses the section
        ("低保申请受理", "基本"): {"category": "社会事务", "power_type": "", "filled": ("category",)},
    },
    {"township": "石桥镇", "source": "title", "counts": {"filled_cells": 5}},
    merges={"基本履职事项": ["B3:B4", "D3:D4"]},
))

# 4. 同上 / 〃 resolved to the cell above; a 同上 with nothing above is a located problem.
CASES.append(Case(
    "ditto",
    {"东湖镇基本履职事项": [
        ["东湖镇履行职责事项清单（基本履职事项）"],
        ["事项名称", "事项类型", "责任科室", "配合部门", "法律依据"],
        ["违法建设巡查", "行政检查", "综合行政执法队", "同上", "《中华人民共和国城乡规划法》第六十五条"],
        ["违法建设制止", "同上", "〃", "自然资源所", "同上"],
        ["违法用地巡查", "同前", "综合行政执法队", "〃", "《中华人民共和国土地管理法》第七十七条"],
    ]},
    ("csv", "xls"),
    {
        ("违法建设巡查", "基本"): {"cooperates": [], "filled": ()},
        ("违法建设制止", "基本"): {"power_type": "行政检查", "power_type_raw": "", "leads": ["综合行政执法队"],
                               "bases": ["《中华人民共和国城乡规划法》第六十五条"],
                               "filled": ("basis", "lead", "power_type")},
        ("违法用地巡查", "基本"): {"power_type": "行政检查", "cooperates": ["自然资源所"],
                               "filled": ("cooperate", "power_type")},
    },
    {"township": "东湖镇", "source": "title", "counts": {"ditto_resolved": 5}, "codes": {"ditto_unresolved"},
     "no_codes": {"unparsed_basis"}},
))

# 5. Village groups stay on the item as text; only 全部 / 各村（社区） / 全镇各村 / 所有村 expand.
_VILLAGE_ITEMS = [
    ["河口镇履行职责事项清单（基本履职事项）"],
    ["事项名称", "责任科室", "涉及村（社区）", "村（社区）职责", "法律依据"],
    ["河道巡查", "农业农村办", "沿河各村", "协助巡河", "《中华人民共和国水法》第四十三条"],
    ["地质灾害巡查", "应急管理办", "李家村、相关村（社区）", "发现险情报告", "《地质灾害防治条例》第十七条"],
    ["森林防火宣传", "应急管理办", "全部", "宣传", "《森林防火条例》第十一条"],
    ["山洪预警", "应急管理办", "山区各村", "转移群众", "《中华人民共和国防洪法》第三十一条"],
    ["人口抽样调查", "党政综合办", "", "全镇各村协助入户登记", "《中华人民共和国统计法》第七条"],
    ["沿河垃圾清理", "环卫所", "", "沿河各村协助清理", "《城市市容和环境卫生管理条例》第三十二条"],
]
_REGISTER = [["村（社区）名称", "类型"], ["李家村", "村"], ["王庄村", "村"], ["河滨社区", "社区"]]
_ALL = ["李家村", "王庄村", "河滨社区"]
CASES.append(Case(
    "village_groups",
    {"基本履职事项": _VILLAGE_ITEMS, "村（社区）名册": _REGISTER},
    ("xlsx", "csv"),
    {
        ("河道巡查", "基本"): {"villages": [], "groups": ("沿河各村",)},
        ("地质灾害巡查", "基本"): {"villages": ["李家村"], "groups": ("相关村(社区)",)},
        ("森林防火宣传", "基本"): {"villages": sorted(_ALL), "groups": ()},
        ("山洪预警", "基本"): {"villages": [], "groups": ("山区各村",)},
        ("人口抽样调查", "基本"): {"villages": sorted(_ALL)},
        ("沿河垃圾清理", "基本"): {"villages": [], "groups": ()},
    },
    {"township": "河口镇", "source": "title", "counts": {"village_groups": 3}, "codes": {"village_group"},
     "no_codes": {"unknown_village"}, "villages": sorted(_ALL)},
    csv_names={"基本履职事项": "河口镇_基本履职事项", "村（社区）名册": "河口镇_村（社区）名册"},
))

# 6. The township from a title row under an 附件1 row; from the file name only with a warning.
CASES.append(Case(
    "township_title_power_list",
    {"Sheet1": [
        ["附件1"],
        ["桃源镇人民政府权责清单"],
        ["序号", "职权名称", "职权类型", "实施主体", "实施依据"],
        [1, "对未取得乡村建设规划许可证建设的处罚", "行政处罚", "综合行政执法队", "《中华人民共和国城乡规划法》第六十五条"],
        [2, "土地权属争议调处", "行政裁决", "自然资源所", "《中华人民共和国土地管理法》第十四条"],
    ]},
    ("xlsx",),
    {("对未取得乡村建设规划许可证建设的处罚", "未分类"): {"power_type": "行政处罚", "leads": ["综合行政执法队"]},
     ("土地权属争议调处", "未分类"): {"power_type": "行政裁决"}},
    {"township": "桃源镇", "source": "title", "no_codes": {"unknown_power_type"}},
))
CASES.append(Case(
    "township_title_subdistrict",
    {"清单": [
        ["东城街道办事处履行职责事项清单（2025年版）"],
        ["事项名称", "清单类别", "责任科室"],
        ["社区工作者管理", "基本", "党群服务中心"],
        ["流动人口登记", "配合", "县公安局东城派出所"],
    ]},
    ("gbk",),
    {("社区工作者管理", "基本"): {}, ("流动人口登记", "配合"): {"leads": ["县公安局东城派出所"]}},
    {"township": "东城街道", "source": "title"},
    levels={"县公安局东城派出所": "县派驻机构"},
))
CASES.append(Case(
    "township_from_filename",
    {"柳林镇_基本": [["事项名称", "责任科室"], ["困难群众走访", "社会事务办"]]},
    ("csv",),
    {("困难群众走访", "基本"): {"leads": ["社会事务办"]}},
    {"township": "柳林镇", "source": "filename", "first_line": "只能取自文件名"},
))

# 7/8. Department levels from the rule table; one body under several names.
CASES.append(Case(
    "departments",
    {"配合履职事项": [
        ["青山镇履行职责事项清单（配合履职事项）"],
        ["事项名称", "对应上级部门", "镇街配合科室"],
        ["国土空间规划实施监督", "县自然资源和规划局", "规划建设办"],
        ["不动产登记协助", "自然资源和规划局", "便民服务中心"],
        ["违法用地查处", "县资规局", "综合行政执法队"],
        ["土地调查", "县国土资源局", "经济发展办"],
        ["户籍协查", "县公安局青山派出所", "党政综合办"],
        ["防汛抗旱", "青山区人民政府应急管理办公室（区应急办）", "应急管理办"],
        ["重大危险源监管", "区应急办", "应急管理办"],
    ]},
    ("xlsx",),
    {
        ("国土空间规划实施监督", "配合"): {"leads": ["县自然资源局"]},
        ("不动产登记协助", "配合"): {"leads": ["自然资源和规划局"]},
        ("违法用地查处", "配合"): {"leads": ["自然资源和规划局"]},
        ("土地调查", "配合"): {"leads": ["县国土资源局"]},
        ("户籍协查", "配合"): {"leads": ["县公安局青山派出所"]},
        ("防汛抗旱", "配合"): {"leads": ["青山区人民政府应急管理办"]},
        ("重大危险源监管", "配合"): {"leads": ["青山区人民政府应急管理办"]},
    },
    {"township": "青山镇", "source": "title", "counts": {"merges_applied": 2}, "min_suggested": 2,
     "codes": {"department_merge_suggested"}},
    levels={"县公安局青山派出所": "县派驻机构", "青山区人民政府应急管理办": "县级部门", "县国土资源局": "县级部门",
            "自然资源和规划局": "县级部门", "应急管理办": "镇街内设机构", "便民服务中心": "镇街内设机构"},
))

# 9/10. Citations: article lists, 款 and 项, documents with 文号, prefixes, 《》 doubled or missing;
# standard power types beyond the ten.
CASES.append(Case(
    "citations",
    {"基本履职事项": [
        ["长岭镇履行职责事项清单（基本履职事项）"],
        ["事项名称", "事项类型", "责任科室", "法律依据"],
        ["宅基地审批", "行政许可", "农业农村办", "《中华人民共和国土地管理法》第六十二条；第七十八条"],
        ["农村建房巡查", "行政检查", "综合行政执法队", "参照《关于加强农村建房管理的通知》（X政发〔2020〕12号）第五条"],
        ["消防安全检查", "其他职权", "应急管理办", "依据《《中华人民共和国消防法》》第三十一条第二款第（三）项、第三款"],
        ["违法建设制止", "行政强制", "综合行政执法队", "城乡规划法第六十五条、第六十六条"],
        ["林权争议调处", "行政裁决", "自然资源所", "《林木林地权属争议处理办法》第十条第一款"],
        ["统计调查", "乱写类型", "党政综合办", "根据《中华人民共和国统计法》第七条和《统计法实施条例》第十二条"],
    ]},
    ("csv", "xlsx"),
    {
        ("宅基地审批", "基本"): {"bases": ["《中华人民共和国土地管理法》第七十八条", "《中华人民共和国土地管理法》第六十二条"]},
        ("农村建房巡查", "基本"): {"bases": ["《关于加强农村建房管理的通知》（X政发〔2020〕12号）第五条"]},
        ("消防安全检查", "基本"): {"power_type": "其他行政权力",
                              # one relation per (item, article): both provisions kept in its text
                              "bases": ["《中华人民共和国消防法》第三十一条第二款第三项；《中华人民共和国消防法》第三十一条第三款"]},
        ("违法建设制止", "基本"): {"bases": ["《城乡规划法》第六十五条", "《城乡规划法》第六十六条"]},
        ("林权争议调处", "基本"): {"power_type": "行政裁决", "bases": ["《林木林地权属争议处理办法》第十条第一款"]},
        ("统计调查", "基本"): {"power_type": "乱写类型",
                           "bases": ["《中华人民共和国统计法》第七条", "《统计法实施条例》第十二条"]},
    },
    {"township": "长岭镇", "source": "title", "codes": {"unknown_power_type"}, "no_codes": {"unparsed_basis"},
     "problem_values": {"unknown_power_type": ["乱写类型"]}},
    csv_names={"基本履职事项": "长岭镇_基本履职事项"},
))

# 11. One item over several stage rows (立案 / 调查 / 决定), its own cells merged over them.
_STAGES = [
    ["金山镇人民政府权责清单"],
    ["序号", "职权名称", "职权类别", "实施机关", "责任事项", "责任岗位", "追责情形"],
    [1, "对违法建设的处罚", "行政处罚", "综合行政执法队", "立案责任：发现违法线索及时立案", "执法队员", "不依法立案的"],
    [None, None, None, None, "调查责任：全面调查取证", "执法队员", "调查取证不全的"],
    [None, None, None, None, "决定责任：依法作出处罚决定", "执法队长", "处罚显失公正的"],
    [2, "对违规占道经营的检查", "行政检查", "综合行政执法队", "检查责任：定期巡查", "执法队员", "不履行检查职责的"],
]
_STAGE_EXPECT = {
    ("对违法建设的处罚", "未分类"): {
        "power_type": "行政处罚", "leads": ["综合行政执法队"],
        "responsibility": "立案责任：发现违法线索及时立案\n调查责任：全面调查取证\n决定责任：依法作出处罚决定",
        "accountability": "不依法立案的\n调查取证不全的\n处罚显失公正的",
        "extra": (("责任岗位", "执法队员\n执法队员\n执法队长"),)},
    ("对违规占道经营的检查", "未分类"): {"responsibility": "检查责任：定期巡查"},
}
CASES.append(Case(
    "stages_merged", {"权责清单": _STAGES}, ("xlsx", "xls"), _STAGE_EXPECT,
    {"township": "金山镇", "source": "title", "counts": {"stage_rows": 2},
     "no_codes": {"duplicate_name", "duplicate_row", "missing_name"}},
    merges={"权责清单": ["A3:A5", "B3:B5", "C3:C5", "D3:D5"]},
))
CASES.append(Case(
    "stages_csv", {"金山镇权责清单": _STAGES}, ("csv",), _STAGE_EXPECT,
    {"township": "金山镇", "source": "title", "counts": {"stage_rows": 2}, "no_codes": {"missing_name"}},
))

# 12. Published part names in sheet names: 配合事项清单, 上级部门回收事项.
CASES.append(Case(
    "part_names",
    {
        "基本履职事项清单": [["事项名称", "责任科室"], ["农村低保审核", "社会事务办"]],
        "配合事项清单": [["事项名称", "对应上级部门"], ["动物防疫", "县农业农村局"]],
        "上级部门回收事项": [["事项名称", "承接部门"], ["取水许可", "县水利局"]],
    },
    ("xlsx", "xls"),
    {("农村低保审核", "基本"): {}, ("动物防疫", "配合"): {"leads": ["县农业农村局"]},
     ("取水许可", "收回"): {"leads": ["县水利局"]}},
    {"township": "part_names", "source": "filename", "parts": {"sheet_name": 3}},
))

# 13. The same item in two parts: two items, linked as the same duty, not a refusal.
CASES.append(Case(
    "same_item_two_parts",
    {
        "基本履职事项": [["平安镇履行职责事项清单（基本履职事项）"], ["事项名称", "责任科室"],
                     ["农村宅基地审批", "农业农村办"], ["殡葬管理", "社会事务办"]],
        "上级部门收回事项": [["平安镇履行职责事项清单（上级部门收回事项）"], ["事项名称", "承接部门"],
                       ["农村宅基地审批", "县农业农村局"]],
    },
    ("xlsx", "csv"),
    {("农村宅基地审批", "基本"): {"same": True, "leads": ["农业农村办"]},
     ("农村宅基地审批", "收回"): {"same": True, "leads": ["县农业农村局"]},
     ("殡葬管理", "基本"): {"same": False}},
    {"township": "平安镇", "source": "title", "counts": {"same_duty": 1}, "codes": {"same_duty_in_parts"},
     "no_codes": {"duplicate_name"}},
    csv_names={"基本履职事项": "平安镇_基本履职事项", "上级部门收回事项": "平安镇_上级部门收回事项"},
))


def corpus_params() -> list[tuple[Case, str]]:
    return [(c, f) for c in CASES for f in c.formats]
