"""Enforcement chains (order, owners, hand-offs, breaks, cycles, candidates) and 配合 handshakes."""

from __future__ import annotations

from queries import chains, handshake
from queries._examples import ListBuilder


def _chain_list(build):
    build.item("巡查", power_type="行政检查", leads=["自然资源所"])
    build.item("制止", power_type="行政强制")
    build.item("处罚", power_type="行政处罚", part="配合履职事项", leads=["县农业农村局"])
    build.item("拆除", power_type="行政强制", leads=["综合行政执法队"])
    build.link("巡查", "制止", "处罚", "拆除")
    build.item("独检", power_type="行政检查", leads=["综合行政执法队"])
    build.item("独检后续", power_type="公共服务", leads=["综合行政执法队"])
    build.link("独检", "独检后续")


def test_chain_steps_owners_and_findings(build, load):
    _chain_list(build)
    store = load(build)
    ch = {c.steps[0].item.name: c for c in chains.chains(store)}
    land = ch["巡查"]
    assert [s.item.name for s in land.steps] == ["巡查", "制止", "处罚", "拆除"]
    assert [s.item.name for s in land.steps if s.broken] == ["制止"]
    assert [(h.src_name, h.dst_name, h.crossing) for h in land.handoffs] == [
        ("巡查", "制止", ""), ("制止", "处罚", "镇→县"), ("处罚", "拆除", "县→镇")]
    assert land.inspections_without_followup == ()
    assert ch["独检"].inspections_without_followup == (ch["独检"].steps[0].item.key,)
    kinds = sorted((f.kind, f.subject) for f in chains.chain_findings(store))
    assert ("chain.broken_step", "制止") in kinds
    assert ("chain.inspection_no_followup", "独检") in kinds
    assert [s for k, s in kinds if k == "chain.level_crossing"] == ["制止 → 处罚", "处罚 → 拆除"]


def test_cycles_are_reported_and_ordered(build, load):
    for n in ("甲", "乙", "丙"):
        build.item(n, leads=["党政综合办"])
    build.link("甲", "乙", "丙", "乙")
    (ch,) = chains.chains(load(build))
    assert ch.steps[0].item.name == "甲"
    assert len(ch.cycles) == 1 and len(ch.cycles[0]) == 2
    assert [f.kind for f in chains.chain_findings(load(build))] == ["chain.cycle"]


def test_candidate_links(build, load):
    build.item("燃气安全检查", power_type="行政检查", leads=["应急办"])
    build.item("对违反燃气安全规定行为的处罚", power_type="行政处罚", leads=["县住建局"])
    build.item("消防安全检查", power_type="行政检查", leads=["应急办"])
    build.item("消防安全违法处罚", power_type="行政处罚", leads=["应急办"])  # same office: no candidate
    build.item("森林防火巡查", power_type="行政检查", leads=["农业农村办"])
    build.item("森林防火违法处罚", power_type="行政处罚", leads=["县林业局"])
    build.link("森林防火巡查", "森林防火违法处罚")  # already chained
    found = chains.candidate_links(load(build))
    assert [f.subject for f in found] == ["燃气安全检查 → 对违反燃气安全规定行为的处罚"]


def test_handshake_missing_parts(build, load):
    build.item("两边都写", part="配合履职事项", leads=["县农业农村局"], coops=[("农业农村办", "摸排")],
               upper_duty="组织免疫")
    build.item("只写县", part="配合履职事项", leads=[("县农业农村局", "组织")])
    build.item("只写镇", part="配合履职事项", leads=["县农业农村局"], township_duty="上报")
    found = sorted((f.kind, f.subject) for f in handshake.missing_parts(load(build)))
    assert found == [("handshake.missing_county_part", "只写镇"), ("handshake.missing_township_part", "只写县")]


def test_county_list_counterparts(build, load):
    build.item("动物防疫", part="配合履职事项", code="X-1", leads=["县农业农村局"], upper_duty="a", township_duty="b")
    build.item("农机安全检查", part="配合履职事项", leads=["县农业农村局"], upper_duty="a", township_duty="b")
    build.item("消防检查", part="配合履职事项", leads=["县消防救援大队"], upper_duty="a", township_duty="b")
    county = ListBuilder("县农业农村局")
    county.item("重大动物疫病防控", part="配合履职事项", code="X-1", leads=["县农业农村局"])
    county.item("农药经营许可", part="配合履职事项", leads=["县农业农村局"])
    county.item("本局自办", part="基本履职事项", leads=["县农业农村局"])
    store = load(build, county)
    assert [c.township for c in handshake.county_lists(store)] == ["县农业农村局"]
    found = sorted((f.kind, f.subject) for f in handshake.counterparts(store))
    # matched by code; 消防检查's county list is not loaded, so it is not judged
    assert found == [("handshake.county_item_unmatched", "农药经营许可"), ("handshake.no_counterpart", "农机安全检查")]
    assert handshake.missing_parts(store) == ()  # county list items are written from the county side
    assert [f.subject for f in handshake.counterparts(store, "测试镇")] == ["农机安全检查"]
