"""Layout-aware checks: a check whose column the sheet lacked is one list-level finding, a check
that does not apply to a part does not run there, and the score counts not-assessed as not passed."""

from __future__ import annotations

from dataclasses import replace

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
