"""read_list on messy but valid lists: parts, headers, merges, aliases, villages, chains."""

from __future__ import annotations

import pytest
from graph_snapshot import graph_of

from graphmodel import open_store
from graphmodel.normalize import dept_key, item_key, village_key
from loaders import export_township, read_list

from sheetmaker import (
    COOP_HEADER,
    COOP_ROWS,
    REGISTER_HEADER,
    REGISTER_ROWS,
    TOWN,
    WITHDRAWN_HEADER,
    WITHDRAWN_ROWS,
    write_csv,
    write_xlsx,
)


def _item(tlist, code_or_name):
    return next(i for i in tlist.items if code_or_name in (i.code, i.name))


def _rels(tlist, rel_type):
    return {(r.src, r.dst, r.text) for r in tlist.relations if r.type == rel_type}


@pytest.fixture(params=["xlsx", "xls"])
def messy(request):
    return request.getfixturevalue(f"messy_{request.param}")


def test_parts_items_and_title_township(messy):
    result = read_list(messy)
    t = result.tlist
    assert result.ok and result.township_source == "title"
    assert t.township.name == TOWN
    assert result.counts["parts"] == {"上级部门收回事项": 1, "基本履职事项": 4, "配合履职事项": 1}
    assert [i.source_row for i in t.items if i.part == "基本履职事项"] == [5, 6, 8, 9]
    assert _item(t, "JB-001").source == f"{messy.name} / 基本履职事项 第5行"


def test_two_row_header_and_merged_category(messy):
    t = read_list(messy).tlist
    first, second = _item(t, "JB-001"), _item(t, "JB-002")
    assert first.lead_text == "镇农业农村办" and first.cooperate_text == "自然资源所、党政办"
    assert second.category == "农业农村"  # merged E5:E6
    assert first.extra == (("联系人", "张三"),)
    assert second.extra == ()


def test_power_type_synonyms_and_standard_types_beyond_the_ten(messy):
    # 行政裁决 is a standard 权责清单 type: kept as written, never flagged (issue 10, class 10)
    result = read_list(messy)
    t = result.tlist
    assert (_item(t, "JB-001").power_type, _item(t, "JB-001").power_type_raw) == ("行政许可", "许可")
    assert _item(t, "JB-002").power_type == "行政检查"
    assert _item(t, "消防安全检查").power_type == "其他行政权力"
    assert _item(t, "JB-004").power_type == "行政裁决"
    assert not [p for p in result.problems if p.code == "unknown_power_type"]
    second = _item(t, "JB-002")
    # the category merged E5:E6 is marked as filled on the second row; power types are its own
    assert (_item(t, "JB-001").filled, second.filled) == ((), ("category",))
    assert second.power_type_raw == "检查"


def test_aliases_merge_departments_and_levels(messy):
    t = read_list(messy).tlist
    depts = {d.name: d for d in t.departments}
    agri = depts["农业农村办"]
    assert set(agri.aliases) == {"镇农业农村办", "农业农村办公室"}
    assert agri.level == "镇街内设机构"
    assert depts["党政综合办"].aliases == ("党政办",)
    assert depts["县消防救援大队"].level == "县级部门"
    assert depts["综合行政执法队"].aliases == ("综合执法队",)
    leads = _rels(t, "LEADS")
    k = lambda c: item_key(TOWN, c, "")  # noqa: E731
    assert (dept_key(TOWN, "农业农村办"), k("JB-001"), "") in leads
    assert {(s, txt) for s, d, txt in _rels(t, "COOPERATES_ON") if d == k("JB-002")} == {(dept_key(TOWN, "农业农村办"), "")}


def test_placeholder_lead_gives_no_leads_relation(messy):
    result = read_list(messy)
    item = _item(result.tlist, "JB-003")
    assert item.lead_text == "待定"
    assert not [r for r in result.tlist.relations if r.type == "LEADS" and r.dst == item.key]
    assert "待定" not in {d.name for d in result.tlist.departments}
    [w] = [p for p in result.problems if p.code == "lead_unconfirmed"]
    assert (w.row, w.column_letter, w.column) == (8, "F", "责任主体 / 牵头科室")


def test_cooperation_and_withdrawn_texts(messy):
    t = read_list(messy).tlist
    fire = _item(t, "消防安全检查")
    assert (dept_key(TOWN, "县消防救援大队"), fire.key, "负责监督检查") in _rels(t, "LEADS")
    assert (dept_key(TOWN, "综合行政执法队"), fire.key, "日常巡查并报告") in _rels(t, "COOPERATES_ON")
    assert (dept_key(TOWN, "应急管理办"), fire.key, "日常巡查并报告") in _rels(t, "COOPERATES_ON")
    back = _item(t, "农村村民未经批准建住宅处罚")
    assert back.receiving_dept == "县农业农村局" and back.work_mode == "发现线索及时移交"
    assert (dept_key(TOWN, "县农业农村局"), back.key, "发现线索及时移交") in _rels(t, "LEADS")


def test_citations_in_chinese_and_arabic_numerals(messy):
    t = read_list(messy).tlist
    assert {(b.law, b.article) for b in t.bases} == {
        ("土地管理法", 62), ("城乡规划法", 65), ("城乡规划法", 64), ("消防法", 31), ("土地管理法", 78)}
    based = _rels(t, "BASED_ON")
    assert (_item(t, "JB-002").key, "basis:城乡规划法#65", "《中华人民共和国城乡规划法》第六十五条") in based


def test_villages_from_register_and_all_villages(messy):
    t = read_list(messy).tlist
    assert {(v.name, v.kind) for v in t.villages} == {("李家村", "村"), ("东风社区", "社区"), ("王庄", "村")}
    assists = _rels(t, "ASSISTS")
    first, second = _item(t, "JB-001").key, _item(t, "JB-002").key
    assert {s for s, d, _ in assists if d == first} == {village_key(TOWN, n) for n in ("李家村", "东风社区", "王庄")}
    assert {(s, txt) for s, d, txt in assists if d == second} == {
        (village_key(TOWN, "李家村"), "巡查报告"), (village_key(TOWN, "东风社区"), "巡查报告")}


def test_followed_by_resolves_codes(messy):
    t = read_list(messy).tlist
    chain = {(r.src, r.dst) for r in t.relations if r.type == "FOLLOWED_BY"}
    assert chain == {(_item(t, "JB-001").key, _item(t, "JB-002").key), (_item(t, "JB-002").key, _item(t, "JB-003").key)}


def test_warnings_are_located(messy):
    result = read_list(messy)
    where = {(p.code, p.sheet, p.row, p.column_letter) for p in result.problems}
    assert ("no_basis", "基本履职事项", 9, "J") in where
    assert ("no_time_limit", "基本履职事项", 9, "K") in where
    assert not any(p.is_error for p in result.problems)
    assert not any(p.sheet == "基本履职事项" and p.row >= 11 for p in result.problems)  # footnotes skipped


def test_every_node_of_the_list_is_in_the_township(messy):
    t = read_list(messy).tlist
    inside = {r.src for r in t.relations if r.type == "IN_TOWNSHIP"}
    assert inside == {n.key for n in (*t.items, *t.departments, *t.villages)}


def test_township_option_wins_and_filename_is_last(tmp_path, messy_xlsx):
    assert read_list(messy_xlsx, township="别名镇").tlist.township.name == "别名镇"
    assert read_list(messy_xlsx, township="别名镇").township_source == "option"
    path = write_xlsx(tmp_path / "东湖镇履行职责事项清单（2024年）.xlsx", {"基本": [["事项名称", "责任科室"], ["甲", "党政办"]]})
    result = read_list(path)
    assert (result.tlist.township.name, result.township_source) == ("东湖镇", "filename")
    assert result.tlist.items[0].part == "基本履职事项"  # sheet named 基本


def test_one_sheet_with_a_part_column_and_section_rows(tmp_path):
    rows = [
        ["东湖镇履行职责事项清单"],
        ["序号", "清单类别", "事项名称", "职权类型", "牵头部门", "实施依据"],
        ["一、党的建设"],
        [1, "基本", "党组织建设", "公共服务事项", "党建办", "《中国共产党农村基层组织工作条例》"],
        [2, None, "党员教育", None, "党建办", "《中国共产党党员教育管理工作条例》"],
        [3, "配合", "森林防火巡查", "其他", "县林业局", "《森林防火条例》第二十条"],
        [4, "收回", "林木采伐许可", "许可", "县林业局", "《森林法》第五十六条"],
    ]
    path = write_xlsx(tmp_path / "list.xlsx", {"清单": rows}, {"清单": ["A3:F3"]})
    t = read_list(path).tlist
    assert t.township.name == "东湖镇"
    assert {i.name: i.part for i in t.items} == {"党组织建设": "基本履职事项", "党员教育": "基本履职事项",
                                                "森林防火巡查": "配合履职事项", "林木采伐许可": "上级部门收回事项"}
    party = _item(t, "党员教育")
    assert party.power_type == "公共服务"  # filled down
    assert party.category == "党的建设"  # from the section row
    assert party.source_row == 5


@pytest.mark.parametrize("with_register", [True, False])
def test_villages_written_among_the_cooperating_departments(tmp_path, with_register):
    # 配合科室「村（社区）」 means the villages assist; it is never a department of that name
    sheets = {"基本履职事项": [
        ["序号", "事项名称", "牵头科室", "配合科室", "法律依据"],
        [1, "农村宅基地审批", "农业农村办", "自然资源所、村（社区）", "《土地管理法》第六十二条"],
        [2, "河道巡查", "水利站", "沿河各村", "《河道管理条例》第二十条"],
    ]}
    if with_register:
        sheets["村（社区）名录"] = [REGISTER_HEADER, *REGISTER_ROWS]
    read = read_list(write_xlsx(tmp_path / f"{TOWN}.xlsx", sheets))
    t = read.tlist
    assert {d.name for d in t.departments} == {"农业农村办", "自然资源所", "水利站"}
    homestead, river = _item(t, "农村宅基地审批"), _item(t, "河道巡查")
    assists = {s for s, d, _ in _rels(t, "ASSISTS") if d == homestead.key}
    if with_register:
        assert assists == {village_key(TOWN, n) for n, _ in REGISTER_ROWS} and homestead.village_groups == ()
    else:  # no register to resolve them into: kept as written, with a located warning
        assert assists == set() and homestead.village_groups == ("村(社区)",)
    assert river.village_groups == ("沿河各村",)
    located = {(p.code, p.row, p.column_letter) for p in read.problems}
    assert {("villages_as_department", 2, "D"), ("villages_as_department", 3, "D")} <= located


def test_roles_written_inside_a_department_cell(tmp_path):
    # 牵头：A；配合：B and A（牵头）、B（配合） in one 责任单位 cell: read as written, never as departments
    # named 「牵头:A」 or three leads
    path = write_xlsx(tmp_path / f"{TOWN}.xlsx", {"基本履职事项": [
        ["序号", "事项名称", "责任单位", "协同单位", "法律依据"],
        [1, "农村宅基地审批", "牵头：农业农村办；配合：自然资源所、规划建设办", None, "《土地管理法》第六十二条"],
        [2, "城乡环境卫生整治", "村建办（牵头），各村（社区）", "卫健办", "《城市市容和环境卫生管理条例》第三条"],
        [3, "安全生产检查", "应急办(牵头)、综合执法队(配合)", None, "《安全生产法》第十条"],
        [4, "森林防火", "农业农村办\n应急办", None, "《森林防火条例》第五条"],
    ]})
    read = read_list(path)
    t = read.tlist
    names = {d.key: d.name for d in t.departments}

    def parties(item_name, rel_type):
        key = _item(t, item_name).key
        return {names[s] for s, d, _ in _rels(t, rel_type) if d == key}

    assert (parties("农村宅基地审批", "LEADS"), parties("农村宅基地审批", "COOPERATES_ON")) == (
        {"农业农村办"}, {"自然资源所", "规划建设办"})
    assert (parties("城乡环境卫生整治", "LEADS"), parties("城乡环境卫生整治", "COOPERATES_ON")) == ({"村建办"}, {"卫健办"})
    assert _item(t, "城乡环境卫生整治").village_groups == ("各村(社区)",)
    assert (parties("安全生产检查", "LEADS"), parties("安全生产检查", "COOPERATES_ON")) == (
        {"应急管理办"}, {"综合行政执法队"})
    assert parties("森林防火", "LEADS") == {"农业农村办", "应急管理办"}  # no marks: two leads, as written
    assert not any("牵头" in n or "配合" in n or "村(社区)" in n for n in names.values())
    assert {(p.row, p.column_letter) for p in read.problems if p.code == "role_in_cell"} == {
        (2, "C"), (3, "C"), (4, "C")}

    # the export writes what was read; reading it back gives the same graph
    store = open_store("memory", data_dir=None)
    store.replace_township(t)
    back = read_list(export_township(store, None, tmp_path / "out.xlsx"))
    again = open_store("memory", data_dir=None)
    again.replace_township(back.tlist)
    assert graph_of(again) == graph_of(store)


def test_three_csvs_in_three_encodings_make_one_list(tmp_path):
    basic = write_csv(tmp_path / "样例镇_基本履职事项.csv", [
        ["事项名称", "事项类型", "责任科室", "法律依据", "办理时限"],
        ["农村宅基地审批", "行政许可", "镇农业农村办", "《土地管理法》第62条", "20个工作日"],
    ], encoding="utf-8-sig")
    coop = write_csv(tmp_path / "样例镇_配合履职事项.csv", [
        ["事项名称", "对应上级部门", "上级部门职责", "镇街配合科室", "镇街配合职责"],
        ["消防安全检查", "县消防救援大队", "负责检查", "综合执法队", "巡查"],
    ], encoding="gbk")
    back = write_csv(tmp_path / "样例镇_上级部门收回事项.csv", [
        ["事项名称", "承接部门", "工作方式"],
        ["䶮字号审核", "县市场监管局", "移交"],  # 䶮 is outside GBK: the file must be GB18030
    ], encoding="gb18030")
    result = read_list([basic, coop, back])
    assert result.tlist.township.name == TOWN and result.township_source == "filename"
    assert result.counts["parts"] == {"上级部门收回事项": 1, "基本履职事项": 1, "配合履职事项": 1}
    assert _item(result.tlist, "䶮字号审核").receiving_dept == "县市场监管局"
    assert result.tlist.township.sources == tuple(sorted(p.name for p in (basic, coop, back)))


def test_register_and_lists_in_separate_csv_files(tmp_path):
    items = write_csv(tmp_path / "a.csv", [[f"{TOWN}履行职责事项清单（配合履职事项）"], COOP_HEADER, *COOP_ROWS])
    back = write_csv(tmp_path / "b.csv", [["上级部门收回事项"], WITHDRAWN_HEADER, *WITHDRAWN_ROWS])
    villages = write_csv(tmp_path / "c.csv", [REGISTER_HEADER, *REGISTER_ROWS])
    result = read_list([items, back, villages])
    assert result.tlist.township.name == TOWN and result.township_source == "title"
    assert len(result.tlist.villages) == 3
    assert result.counts["parts"] == {"上级部门收回事项": 1, "配合履职事项": 1}


def test_extra_synonyms_and_aliases_files(tmp_path):
    path = write_xlsx(tmp_path / "东湖镇.xlsx", {"基本": [["工作名目", "主责股"], ["甲", "经发办"], ["乙", "招商中心"]]})
    with pytest.raises(Exception):
        read_list(path)  # 工作名目 is no header we know
    syn = tmp_path / "syn.csv"
    syn.write_text("field,header\nname,工作名目\nlead,主责股\n", encoding="utf-8")
    ali = tmp_path / "ali.csv"
    ali.write_text("alias,canonical,level\n招商中心,经济发展办公室,镇街内设机构\n", encoding="utf-8")
    t = read_list(path, synonyms=syn, aliases=ali).tlist
    assert [d.name for d in t.departments] == ["经济发展办"]
    result = read_list(path, synonyms=syn)
    assert [p.value for p in result.problems if p.code == "unknown_department"] == ["招商中心"]


def test_header_variants_by_meaning(tmp_path):
    header = ["行政职权事项名称", "法律法规依据（条款）", "承诺办理时限", "协同配合单位", "责任股室", "备用"]
    path = write_xlsx(tmp_path / "东湖镇.xlsx", {"基本履职事项": [header, ["甲", "《乙法》第三条", "3日", "经发办", "党政办", "x"]]})
    item = read_list(path).tlist.items[0]
    assert (item.name, item.basis_text, item.time_limit, item.cooperate_text, item.lead_text, item.extra) == (
        "甲", "《乙法》第三条", "3日", "经发办", "党政办", (("备用", "x"),))


def test_two_row_header_without_merges_in_csv(tmp_path):
    path = write_csv(tmp_path / "东湖镇.csv", [
        ["序号", "事项名称", "责任主体", "", "依据"],
        ["", "", "牵头", "配合科室", ""],
        ["1", "甲", "党政办", "经发办", "《乙法》"],
    ])
    item = read_list(path).tlist.items[0]
    assert (item.lead_text, item.cooperate_text, item.source_row) == ("党政办", "经发办", 3)


def test_identical_duplicate_row_is_a_warning(tmp_path):
    row = ["甲", "党政办", "《乙法》", "3日"]
    path = write_xlsx(tmp_path / "东湖镇.xlsx", {"基本": [["事项名称", "责任科室", "依据", "时限"], row, row]})
    result = read_list(path)
    assert len(result.tlist.items) == 1
    assert [(p.code, p.row) for p in result.problems] == [("duplicate_row", 3)]
