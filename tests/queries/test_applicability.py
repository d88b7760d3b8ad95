"""Layout-aware checks: a check whose column the sheet lacked is one list-level finding, a check
that does not apply to a part does not run there, and the score counts not-assessed as not passed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from graphmodel import Township
from queries import run_audit
from queries.applicability import APPLICABILITY
from queries.coverage import completeness, item_coverage, township_ranking

BASIC, COOP, WITHDRAWN = "基本履职事项", "配合履职事项", "上级部门收回事项"
# a 基本 sheet with every column, a 配合 sheet without 法律依据 / 镇街配合职责, a 收回 sheet without 法律依据
LAYOUT = tuple(sorted(
    [f"{BASIC}:{f}" for f in ("name", "code", "lead", "basis", "time_limit", "procedure")]
    + [f"{COOP}:{f}" for f in ("name", "code", "upper_dept", "upper_duty", "time_limit")]
    + [f"{WITHDRAWN}:{f}" for f in ("name", "code", "receiving_dept", "work_mode")]))


def _list(build, layout=LAYOUT):
    for n in range(3):
        build.item(f"基本事项{n}", leads=["党政综合办"], code=f"B{n}", bases=["《土地管理法》第六十二条"],
                   time_limit="5个工作日", procedure="受理—办结")
    for n in range(4):
        build.item(f"配合事项{n}", part=COOP, leads=["县农业农村局"], code=f"P{n}", upper_duty="组织实施",
                   time_limit="10个工作日")
    for n in range(5):
        build.item(f"收回事项{n}", part=WITHDRAWN, leads=["县市场监管局"], code=f"S{n}", work_mode="不再承担")
    tl = build.build()
    tl.township = replace(tl.township, layout=layout)
    return tl


def test_the_table_names_parts_and_columns():
    assert "basis" in APPLICABILITY and WITHDRAWN not in APPLICABILITY["basis"].parts
    assert all(a.parts and a.field and a.label for a in APPLICABILITY.values())


def test_absent_column_is_one_list_level_finding(build, load):
    store = load(_list(build))
    assert store.townships()[0].layout == LAYOUT  # the layout is stored and read back on both stores
    a = run_audit(store)
    absent = [f for f in a.findings if f.kind == "coverage.column_absent"]
    assert [(dict(f.details)["part"], dict(f.details)["columns"], dict(f.details)["not_assessed"]) for f in absent] \
        == [(COOP, "法律依据、镇街配合职责", "4")]
    assert absent[0].severity == "low"
    # no per-item findings for what could not be assessed, none for 收回 items without a basis
    assert not [f for f in a.findings if f.kind in ("legal.no_basis", "handshake.missing_township_part",
                                                    "coverage.missing_fields")]
    assert not [f for f in a.findings if f.severity in ("high", "medium")]


def test_a_present_column_is_checked_per_item(build, load):
    layout = LAYOUT + (f"{COOP}:basis", f"{COOP}:township_duty")
    store = load(_list(build, tuple(sorted(layout))))
    a = run_audit(store)
    assert not [f for f in a.findings if f.kind == "coverage.column_absent"]
    assert sorted(f.subject for f in a.findings if f.kind == "legal.no_basis") == [f"配合事项{n}" for n in range(4)]
    assert len([f for f in a.findings if f.kind == "handshake.missing_township_part"]) == 4


def test_not_assessed_is_not_a_pass(build, load):
    store = load(_list(build))
    s = completeness(store)[0]
    basis = {c.check: c for c in s.checks}["basis"]
    # 3 基本 items pass; 4 配合 items not assessed (no column) count as failing; 收回 items are not counted
    assert (basis.applicable, basis.assessed, basis.passed) == (7, 3, 3)
    assert s.coverage == "评估 4/5 项" and "未评估" in s.explanation
    assert s.score < 100
    cov = {c.item.name: c for c in item_coverage(store)}
    assert cov["配合事项0"].not_assessed == ("basis",) and not cov["配合事项0"].complete
    assert cov["收回事项0"].complete and cov["收回事项0"].not_assessed == ()


def test_a_fuller_list_scores_higher_and_ranks_first(build, load):
    from queries._examples import ListBuilder

    full = ListBuilder("全镇")
    layout = LAYOUT + (f"{COOP}:basis", f"{COOP}:township_duty")
    for n in range(4):
        full.item(f"配合事项{n}", part=COOP, leads=["县农业农村局"], code=f"P{n}", upper_duty="组织实施",
                  township_duty="协助", time_limit="10个工作日", bases=["《土地管理法》第六十二条"])
    tl = full.build()
    tl.township = replace(tl.township, layout=tuple(sorted(layout)))
    store = load(_list(build), tl)
    ranked = township_ranking(store)
    assert [s.township for s in ranked] == ["全镇", "测试镇"]
    assert ranked[0].score == 100 and ranked[0].coverage.endswith("/4 项")


def test_old_store_without_layout_falls_back_to_values(build, load):
    # no layout recorded: a part's column counts as present when some item of the part has a value
    store = load(_list(build, ()))
    assert store.townships()[0].layout == () and Township("k", "x").columns(BASIC) is None
    a = run_audit(store)
    absent = {dict(f.details)["part"]: dict(f.details)["columns"] for f in a.findings
              if f.kind == "coverage.column_absent"}
    assert absent == {COOP: "法律依据、镇街配合职责"}


def _worked_example(build, coop_time_limit: bool):
    """docs/audit-output.md's worked example: 40 基本, 30 配合, 30 收回 items."""
    n = 0
    for part, count in ((BASIC, 40), (COOP, 30), (WITHDRAWN, 30)):
        for i in range(count):
            n += 1
            leads = ["党政综合办", "经济发展办"] if n <= 2 else ["党政综合办"] if part == BASIC else ["县农业农村局"]
            bases = [] if part == BASIC and 3 <= i < 7 or part == WITHDRAWN else ["《土地管理法》第六十二条"]
            fields = {"time_limit": "5个工作日"} if part == BASIC or part == COOP and coop_time_limit else {}
            if part == BASIC:
                fields["procedure"] = "受理—办结"
            build.item(f"{part[:2]}事项{i}", part=part, leads=leads, bases=bases,
                       code="" if n % 10 == 0 else f"C{n}", **fields)
    cols = {BASIC: ("name", "lead", "code", "basis", "time_limit", "procedure"),
            COOP: ("name", "upper_dept", "code", "basis") + (("time_limit",) if coop_time_limit else ()),
            WITHDRAWN: ("name", "receiving_dept", "code")}
    tl = build.build()
    tl.township = replace(tl.township, layout=tuple(sorted(f"{p}:{f}" for p, fs in cols.items() for f in fs)))
    return tl


@pytest.mark.parametrize(("coop_time_limit", "score", "coverage"), [(False, 90.0, "评估 4/5 项"),
                                                                    (True, 96.5, "评估 5/5 项")])
def test_the_documented_worked_example(build, load, coop_time_limit, score, coverage):
    s = completeness(load(_worked_example(build, coop_time_limit)))[0]
    assert (s.score, s.coverage) == (score, coverage)


def test_a_cooperation_item_without_county_side_is_one_finding(build, load):
    build.item("地质灾害巡查", part=COOP, leads=["经济发展办"], township_duty="巡查报告")
    build.item("动物防疫", part=COOP, leads=["县农业农村局"], upper_duty="组织免疫", township_duty="宣传")
    a = run_audit(load(build))
    rows = [f for f in a.findings if f.subject == "地质灾害巡查" and f.severity != "low"]
    assert [(f.kind, f.related) for f in rows] == [
        ("overlap.cooperate_township_lead", ("gap.cooperate_no_county_lead", "handshake.missing_county_part"))]
