"""Ownership states and coverage (item gaps, department load, villages, power types, score)."""

from __future__ import annotations

import pytest

from queries import coverage, ownership


def test_every_state(build, load):
    build.item("独管", leads=["党政综合办"])
    build.item("两管", leads=["党政综合办", "经济发展办"])
    build.item("收回给县", part="上级部门收回事项", leads=["县民政局"], work_mode="发现报告")
    build.item("收回仍镇管", part="上级部门收回事项", leads=["社会事务办"])
    build.item("村自治", lead_text="村民自治", villages=["东村"])
    build.item("待定的", lead_text="待明确")
    build.item("没人管")
    got = {o.item.name: (o.state, o.where) for o in ownership.ownership(load(build))}
    assert got == {
        "独管": ("owned", "党政综合办"),
        "两管": ("shared", "党政综合办、经济发展办"),
        "收回给县": ("handed_over", "县民政局"),
        "收回仍镇管": ("owned", "社会事务办"),
        "村自治": ("handed_over", "村（社区）自治：东村"),
        "待定的": ("unconfirmed", ""),
        "没人管": ("gap", ""),
    }


def test_summary_counts_every_state(example):
    summary = dict(ownership.ownership_summary(example))
    assert list(summary) == list(ownership.STATES)
    assert sum(summary.values()) == len(example.item_cards())


def test_item_coverage_and_column_rule(build, load):
    build.item("全", code="C1", leads=["党政综合办"], bases=["《档案法》"], time_limit="5日", procedure="受理")
    build.item("缺", leads=["党政综合办"])
    build.item("收回", part="上级部门收回事项", code="C3", leads=["县民政局"], bases=["《档案法》"])
    cov = {c.item.name: c for c in coverage.item_coverage(load(build))}
    assert cov["全"].complete and cov["全"].missing == ()
    assert cov["缺"].missing == ("basis", "time_limit", "procedure", "code")
    # the 收回 part has no time limit or procedure written anywhere: no column, nothing missing
    assert cov["收回"].complete and cov["收回"].missing == ()


def test_department_load_and_village_roles(example):
    loads = {d.name: d for d in coverage.department_load(example)}
    assert loads["县农业农村局"].by_part == (("上级部门收回事项", 1),)
    assert loads["综合行政执法队"].cooperates == 1
    assert all(0 <= d.share_complete <= 1 for d in loads.values())
    roles = {v.name: v for v in coverage.village_roles(example)}
    assert roles["南社区"].count == 0 and roles["东村"].items[0][2] == "初审公示"


def test_power_type_counts_flag_nonstandard(build, load):
    build.item("调处", power_type="行政裁决", leads=["司法所"])
    build.item("许可", power_type="行政许可", leads=["司法所"], part="配合履职事项")
    counts = {p.power_type: p for p in coverage.power_type_counts(load(build))}
    assert counts["行政裁决"].standard is False and counts["行政裁决"].total == 1
    assert counts["行政许可"].by_part == (("配合履职事项", 1),)
    assert counts["行政奖励"].total == 0


def test_completeness_score_explains_itself(example, build, load):
    score = coverage.completeness(example)[0]
    assert 0 <= score.score <= 100
    assert score.score == pytest.approx(sum(c.points for c in score.checks), abs=0.06)
    assert sum(c.weight for c in score.checks) == 100
    assert "唯一责任主体" in score.explanation
    build.item("全", code="C1", leads=["党政综合办"], bases=["《档案法》"], time_limit="5日", procedure="受理")
    perfect = coverage.completeness(load(build), "测试镇")[0]
    assert perfect.score == 100 and "全部通过" in perfect.explanation
