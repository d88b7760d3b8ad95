"""A boundary meeting on the sample, end to end, on both stores: findings → decisions → new round →
diff shows them resolved → clarified list and minutes exported (and the list reads back the same)."""

from __future__ import annotations

import docx
import openpyxl
from graph_snapshot import graph_of
from review_support import HOMESTEAD, NO_BASIS, RELIEF, SANITATION, TOWN

from graphmodel import open_store
from graphmodel.review import Op
from loaders import read_list
from loaders.review_exports import collect_minutes, export_clarified, write_minutes
from queries import run_audit
from queries.rounds import coverage_trend, diff_rounds, item_history


def _meeting(store):
    audit = run_audit(store, TOWN)
    by_item = {(f.kind, f.item_keys[0]): f for f in audit.findings if f.items}
    overlap = by_item[("overlap.multi_lead", HOMESTEAD)]
    gap = by_item[("gap.no_lead", RELIEF)]
    m = store.record_meeting(TOWN, "职责边界专题研讨会", "2025-03-12", ["组长", "农业农村服务中心", "自然资源所"],
                             editor="记录员", stage="专题研讨")
    d1 = store.record_decision(TOWN, [Op("set_lead", HOMESTEAD, "农业农村服务中心"),
                                      Op("add_cooperator", HOMESTEAD, "自然资源所", text="负责用地审查")],
                               editor="记录员", meeting=m.id, note="《土地管理法》第六十二条：乡镇审核批准，农业农村部门牵头",
                               finding={"kind": overlap.kind, "subject": overlap.subject, "title": "多个牵头部门"})
    d2 = store.record_decision(TOWN, [Op("set_lead", RELIEF, "社会事务办")], editor="记录员", meeting=m.id,
                               finding={"kind": gap.kind, "subject": gap.subject, "title": "无牵头部门"})
    d3 = store.record_decision(TOWN, [Op("accept_shared", SANITATION, text="环卫所负责保洁清运；综合行政执法队负责查处")],
                               editor="记录员", meeting=m.id, finding={"kind": "overlap.multi_lead", "subject": "环境卫生整治"})
    d4 = store.record_decision(TOWN, [Op("add_basis", NO_BASIS, "《优化营商环境条例》第四十条")], editor="记录员",
                               meeting=m.id, finding={"kind": "legal.no_basis", "subject": "企业服务和项目帮办"})
    rnd = store.close_meeting(TOWN, m.id, editor="记录员")
    return m, (d1, d2, d3, d4), rnd


def test_a_boundary_meeting_end_to_end(sample, tmp_path):
    m, decisions, rnd = _meeting(sample)
    assert rnd.number == 2 and rnd.decisions == tuple(d.id for d in decisions)

    diff = diff_rounds(sample, TOWN, 1, 2)
    resolved = {(f.kind, f.subject) for f in diff.resolved}
    assert {("overlap.multi_lead", "农村宅基地审批"), ("gap.no_lead", "自然灾害受灾群众救助"),
            ("legal.no_basis", "企业服务和项目帮办"),
            ("overlap.multi_lead", "环境卫生整治")} <= resolved  # accepted as shared, split written
    assert diff.introduced == ()
    assert diff.score_after > diff.score_before and diff.findings_after < diff.findings_before
    assert {c.key for c in diff.lead_changes} == {HOMESTEAD, RELIEF}
    assert diff.added == diff.removed == diff.renamed == ()
    assert [p.number for p in coverage_trend(sample, TOWN)] == [1, 2]
    hist = item_history(sample, TOWN, HOMESTEAD)
    assert [h.leads for h in hist] == ["农业农村服务中心、自然资源所", "农业农村服务中心"]
    assert "overlap.multi_lead" in hist[0].findings and "overlap.multi_lead" not in hist[1].findings

    # the clarified list, in the official layout, reads back to the same graph
    [xlsx] = export_clarified(sample, TOWN, tmp_path / "明确后清单.xlsx")
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames[:3] == ["基本履职事项", "配合履职事项", "上级部门收回事项"]
    assert wb["基本履职事项"]["A1"].value == "XX镇履行职责事项清单（基本履职事项）"
    back = read_list(xlsx)
    assert back.ok
    other = open_store("memory", data_dir=None)
    other.replace_township(back.tlist)
    assert graph_of(other, TOWN) == graph_of(sample, TOWN)
    again = sample.replace_township(back.tlist)  # only provenance changes: no new round
    assert again.added == again.removed == 0
    assert [r.number for r in sample.rounds(TOWN)] == [1, 2]

    # round 1, exported, is the original list
    [first] = export_clarified(sample, TOWN, tmp_path / "第1轮.xlsx", round=1)
    one = open_store("memory", data_dir=None)
    one.replace_township(read_list(first).tlist)
    assert len([r for r in one.relations("LEADS") if r.dst == HOMESTEAD]) == 2

    # minutes
    minutes = collect_minutes(sample, TOWN, m.id)
    md = write_minutes(minutes, tmp_path / "纪要.md").read_text(encoding="utf-8")
    assert "# XX镇职责边界专题研讨会会议纪要" in md and "「农村宅基地审批」确定牵头部门：农业农村服务中心" in md
    assert "多个牵头部门：农村宅基地审批" in md and "会后清单形成第2轮版本" in md
    text = "\n".join(p.text for p in docx.Document(write_minutes(minutes, tmp_path / "纪要.docx")).paragraphs)
    assert "XX镇职责边界专题研讨会会议纪要" in text and "D1（已生效）" in text and "组长、农业农村服务中心、自然资源所" in text


def test_the_meeting_gives_the_same_results_on_both_stores(sample, tmp_path):
    """Parity: the same meeting on memory and on Neo4j ends in equal lists, rounds and diffs."""
    _meeting(sample)
    mem = open_store("memory", data_dir=None)
    mem.replace_township(sample.round_list(TOWN, 1), editor="导入员")
    _meeting(mem)
    assert graph_of(mem, TOWN) == graph_of(sample, TOWN)
    assert mem.round_list(TOWN, 2).items == sample.round_list(TOWN, 2).items
    strip = lambda ds: [(d.id, d.status, d.ops, d.items, d.before, d.after) for d in ds]
    assert strip(mem.decisions(TOWN)) == strip(sample.decisions(TOWN))
    assert diff_rounds(mem, TOWN, 1, 2).summary() == diff_rounds(sample, TOWN, 1, 2).summary()
    assert [(e.who, e.action, e.target) for e in mem.audit_trail(TOWN)][1:] == \
        [(e.who, e.action, e.target) for e in sample.audit_trail(TOWN)][1:]
