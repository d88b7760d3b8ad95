"""Overlaps and gaps, each rule on a list built for it."""

from __future__ import annotations

from queries import gaps, overlaps, ownership
from queries.overlaps import name_similarity


def test_multi_lead_lists_every_lead_with_evidence(build, load):
    build.item("宅基地审批", code="A1", leads=[("农业农村办", "受理"), ("自然资源所", "审查")],
               bases=["《土地管理法》第六十二条"])
    build.item("档案管理", code="A2", leads=["党政综合办"])
    found = overlaps.multi_lead(load(build))
    assert [f.subject for f in found] == ["宅基地审批"]
    ev = found[0].items[0]
    assert ev.code == "A1" and ev.part == "基本履职事项" and ev.bases == ("《土地管理法》第六十二条",)
    assert {(d.name, d.role, d.text) for d in ev.departments} == {("农业农村办", "牵头", "受理"), ("自然资源所", "牵头", "审查")}
    assert "示例清单.xlsx" in ev.source and found[0].severity == "high"


def test_shared_item_with_an_agreed_split_is_not_an_open_overlap(build, load):
    build.item("环境卫生整治", code="B1", leads=["环卫所", "综合行政执法队"],
               note="职责分工：环卫所负责保洁；综合行政执法队负责查处")
    build.item("宅基地审批", code="B2", leads=["农业农村办", "自然资源所"], note="另见会议纪要")
    store = load(build)
    assert [f.subject for f in overlaps.multi_lead(store)] == ["宅基地审批"]
    states = {o.item.name: o for o in ownership.ownership(store)}
    assert states["环境卫生整治"].state == "shared" == states["宅基地审批"].state
    assert "环卫所负责保洁；综合行政执法队负责查处" in states["环境卫生整治"].reason


def test_near_duplicates_need_different_leads(build, load):
    build.item("农村生活垃圾治理", leads=["环卫所"], power_type="公共服务")
    build.item("农村生活垃圾分类治理", leads=["农业农村办"], power_type="公共服务")
    build.item("农村生活垃圾清运保洁", leads=["环卫所"], power_type="公共服务")  # 0.625 + same start, same lead
    build.item("农村生活垃圾收运站建设", leads=["城管办"], power_type="行政检查")  # same start, other power type
    build.item("消防安全检查", leads=["综合行政执法队"], power_type="行政检查")
    build.item("校车安全检查", leads=["县教育局"], power_type="行政检查")  # 0.6, no shared start
    found = overlaps.near_duplicates(load(build))
    assert [f.subject for f in found] == ["农村生活垃圾治理 / 农村生活垃圾分类治理"]


def test_near_duplicates_by_containment_and_content(build, load):
    build.item("宅基地审批", leads=["农业农村办"])
    build.item("农村宅基地审批管理服务", leads=["自然资源所"])
    build.item("甲事项", leads=["党政综合办"], content="负责辖区内农村集体资产的清产核资和台账管理工作")
    build.item("乙事项", leads=["经济发展办"], content="负责辖区内农村集体资产的清产核资与台账管理工作")
    found = {dict(f.details)["matched_on"]: f.subject for f in overlaps.near_duplicates(load(build))}
    assert found == {"名称包含": "宅基地审批 / 农村宅基地审批管理服务", "内容": "甲事项 / 乙事项"}


def test_name_similarity_threshold_examples():
    assert name_similarity("农村生活垃圾治理", "农村生活垃圾分类治理") >= 0.7
    assert name_similarity("消防安全检查", "校车安全检查") < 0.7


def test_shared_article_needs_two_items_and_two_offices(build, load):
    build.item("宅基地审批", leads=["农业农村办"], bases=["《土地管理法》第六十二条"])
    build.item("宅基地确权", leads=["自然资源所"], bases=["《中华人民共和国土地管理法》第六十二条"])
    build.item("耕地保护", leads=["自然资源所"], bases=["《土地管理法》"])
    build.item("耕地巡查", leads=["农业农村办"], bases=["《土地管理法》"])  # whole law: not by default
    build.item("两头管", leads=["农业农村办", "自然资源所"], bases=["《土地管理法》第七十八条"])
    store = load(build)
    assert [f.subject for f in overlaps.shared_articles(store)] == ["《土地管理法》第六十二条"]
    every = overlaps.shared_articles(store, include_whole_law=True, min_items=1)
    assert sorted(dict(f.details)["basis"] for f in every) == [
        "basis:土地管理法", "basis:土地管理法#62", "basis:土地管理法#78"]


def test_cooperate_item_with_township_lead(build, load):
    build.item("森林防火", part="配合履职事项", leads=["县林业局", "农业农村办"])
    build.item("动物防疫", part="配合履职事项", leads=["县农业农村局"])
    assert [f.subject for f in overlaps.cooperate_township_lead(load(build))] == ["森林防火"]


def test_gaps(build, load):
    build.dept("老年协会", level="未知")
    build.item("集体资产监督")  # no lead, nothing written: gap
    build.item("文物巡查", lead_text="待定")  # unconfirmed, not a gap
    build.item("村规民约", work_mode="交由村民自治")  # self-governed, not a gap
    build.item("老年活动", leads=["老年协会"])
    build.item("犬只登记", part="上级部门收回事项", leads=["社会事务办"])
    build.item("农机检查", part="上级部门收回事项", leads=["县农业农村局"])
    build.item("地灾巡查", part="配合履职事项", leads=["经济发展办"])
    build.item("空配合", part="配合履职事项")
    build.item("优抚采集", leads=["社会事务办"], village_text="所在村协助核实")
    build.item("秸秆禁烧", leads=["农业农村办"], villages=["东村"], village_text="所在村巡查")
    store = load(build)
    assert sorted(f.subject for f in gaps.no_lead(store)) == ["空配合", "集体资产监督"]
    assert [f.subject for f in gaps.unconfirmed(store)] == ["文物巡查"]
    assert [f.subject for f in gaps.unknown_department(store)] == ["老年活动"]
    assert [f.subject for f in gaps.withdrawn_township_lead(store)] == ["犬只登记"]
    assert sorted(f.subject for f in gaps.cooperate_no_county_lead(store)) == ["地灾巡查", "空配合"]
    assert [f.subject for f in gaps.village_text_unlinked(store)] == ["优抚采集"]
    kinds = {f.kind for f in gaps.gaps(store)}
    assert kinds == {"gap.no_lead", "gap.unknown_department", "gap.withdrawn_township_lead",
                     "gap.cooperate_no_county_lead", "gap.village_text_unlinked"}


def test_township_filter_narrows(build, load):
    from queries._examples import ListBuilder

    other = ListBuilder("别的镇")
    other.item("两头管", leads=["甲办", "乙办"])
    build.item("两头管", leads=["甲办", "乙办"])
    store = load(build, other)
    assert {f.township for f in overlaps.multi_lead(store)} == {"测试镇", "别的镇"}
    assert {f.township for f in overlaps.multi_lead(store, "别的镇")} == {"别的镇"}
