"""Department levels from the ordered rule table, and one body under several names."""

from __future__ import annotations

import pytest

from graphmodel.normalize import canonical_department
from loaders.departments import department_level, level_rules, load_aliases, split_short_name
from loaders.reconcile import core_name, plan_merges, renames

COUNTY, STATION, TOWNSHIP = "县级部门", "县派驻机构", "镇街内设机构"

#: Names as township lists write them, with the level a reviewer gives them.
NAMES = {
    # county, banner, district, city and new-area bodies
    "县农业农村局": COUNTY, "县自然资源和规划局": COUNTY, "县资规局": COUNTY, "县卫健局": COUNTY,
    "县市场监督管理局": COUNTY, "县住建局": COUNTY, "县人社局": COUNTY, "县发改局": COUNTY, "县生态环境局": COUNTY,
    "县消防救援大队": COUNTY, "县人民政府办公室": COUNTY, "县政府办": COUNTY, "县委宣传部": COUNTY,
    "县纪委监委": COUNTY, "县融媒体中心": COUNTY, "县政务服务中心": COUNTY, "县疾控中心": COUNTY,
    "县供电公司": COUNTY, "团县委": COUNTY, "县妇联": COUNTY, "县残联": COUNTY, "县人武部": COUNTY,
    "青山区人民政府办公室": COUNTY, "青山区人民政府应急管理办公室": COUNTY, "区城市管理局": COUNTY,
    "区综合行政执法局": COUNTY, "滨江新区建设局": COUNTY, "滨江新区管委会": COUNTY, "高新区经济发展局": COUNTY,
    "经开区管委会": COUNTY, "科尔沁旗林业和草原局": COUNTY, "旗卫生健康委员会": COUNTY, "市生态环境局": COUNTY,
    "自然资源和规划局": COUNTY, "应急管理局": COUNTY, "市场监管局": COUNTY, "交警大队": COUNTY,
    "卫生健康委员会": COUNTY, "人民政府办公室": COUNTY, "城市管理局": COUNTY,
    # stations of county bodies placed in the township
    "县公安局青山派出所": STATION, "青山派出所": STATION, "司法所": STATION, "青山司法所": STATION,
    "税务分局": STATION, "国家税务总局某某县税务局青山税务分局": STATION, "市场监管所": STATION,
    "青山市场监督管理所": STATION, "供电所": STATION, "国网某某县供电公司青山供电所": STATION,
    "自然资源所": STATION, "国土资源所": STATION, "交警中队": STATION, "消防救援站": STATION,
    "畜牧兽医站": STATION, "林业工作站": STATION, "县法院青山人民法庭": STATION, "市场监管分局": STATION,
    "县市场监管局青山分局": STATION, "水利站": STATION,
    # the township's own offices, centres and stations
    "党政综合办": TOWNSHIP, "党政办公室": TOWNSHIP, "经济发展办": TOWNSHIP, "社会事务办": TOWNSHIP,
    "平安建设办": TOWNSHIP, "综合行政执法队": TOWNSHIP, "便民服务中心": TOWNSHIP, "退役军人服务站": TOWNSHIP,
    "新时代文明实践所": TOWNSHIP, "党群服务中心": TOWNSHIP, "农业农村办": TOWNSHIP, "应急管理办": TOWNSHIP,
    "综合文化站": TOWNSHIP, "农业综合服务中心": TOWNSHIP, "环卫所": TOWNSHIP, "村镇建设办": TOWNSHIP,
    "武装部": TOWNSHIP, "社区服务中心": TOWNSHIP, "城市管理办": TOWNSHIP, "规划建设办": TOWNSHIP,
    "青山镇农业农村办公室": TOWNSHIP, "镇综合行政执法队": TOWNSHIP,
}


def test_at_least_60_names_are_checked():
    assert len(NAMES) >= 60
    assert {COUNTY, STATION, TOWNSHIP} == set(NAMES.values())


@pytest.mark.parametrize(("name", "level"), sorted(NAMES.items()))
def test_level_rules_on_realistic_names(name, level):
    assert department_level(canonical_department(name, "青山镇")) == level


def test_level_rules_are_an_ordered_data_table_ending_in_a_default():
    rules = level_rules()
    assert len(rules) >= 6
    assert rules[-1][0].pattern == "" and rules[-1][1] == TOWNSHIP
    # order matters: a station of a county bureau is matched before the county prefix rule
    first = next(i for i, (p, _, _) in enumerate(rules) if p.search("县公安局青山派出所"))
    assert rules[first][1] == STATION


def test_short_name_in_brackets_is_split_off_and_resolved():
    assert split_short_name("青山区人民政府应急管理办公室（区应急办）") == ("青山区人民政府应急管理办公室", "区应急办")
    dn = load_aliases().resolve("青山区人民政府应急管理办公室（区应急办）", "青山镇")
    assert (dn.name, dn.level) == ("青山区人民政府应急管理办", COUNTY)


def test_prefix_and_abbreviation_fold_but_named_counties_stay_apart():
    assert core_name("县资规局") == core_name("自然资源和规划局") == core_name("县自然资源和规划局")
    assert core_name("甲县资规局") != core_name("乙县资规局")
    levels = dict.fromkeys(("甲县资规局", "乙县资规局", "县资规局"), COUNTY)
    plan = plan_merges(levels, levels)
    assert plan.mapping == {}  # two named counties are two bodies: suggest only
    assert {tuple(s[0]) for s in plan.suggested} == {tuple(sorted(("甲县资规局", "县资规局"))),
                                                     tuple(sorted(("乙县资规局", "县资规局")))}


def test_township_offices_are_never_folded_by_the_plan():
    levels = {"应急管理办": TOWNSHIP, "应急办": TOWNSHIP}
    assert plan_merges(levels, levels).mapping == {}


def test_reform_renames_are_suggested_not_applied():
    old = {"old": "国土资源局", "new": "自然资源局"}
    assert any(r.old == old["old"] and r.new == old["new"] for r in renames())
    assert any(r.old == "安监局" and r.new == "应急管理局" for r in renames())
    levels = {"县安监局": COUNTY, "县应急管理局": COUNTY}
    plan = plan_merges(levels, levels)
    assert plan.mapping == {}
    [(names, into, rule)] = plan.suggested
    assert names == ("县安监局", "县应急管理局") and into == "县应急管理局" and "2018" in rule
