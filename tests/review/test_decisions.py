"""Decisions on both stores: record, apply, audit trail, undo, four eyes, meetings, rounds."""

from __future__ import annotations

import pytest
from graph_snapshot import graph_of
from review_support import HOMESTEAD, NO_BASIS, RELIEF, SANITATION, TOWN

from graphmodel import InvalidArgument, NotFound
from graphmodel.listedit import Conflict
from graphmodel.review import Op
from graphmodel.review_contract import PermissionDenied
from queries import run_audit


def _card(store, key):
    from graphmodel import ItemFilter

    return store.item_cards(ItemFilter(keys=(key,)))[0]


def test_an_import_makes_round_one_and_an_unchanged_import_none(sample, sample_list):
    assert [r.number for r in sample.rounds(TOWN)] == [1]
    assert sample.rounds(TOWN)[0].kind == "import"
    assert sample.replace_township(sample_list).unchanged
    assert [r.number for r in sample.rounds(TOWN)] == [1]
    assert [e.action for e in sample.audit_trail(TOWN)] == ["import", "round"]


def test_set_lead_resolves_the_overlap_and_is_recorded(sample):
    m = sample.record_meeting(TOWN, "宅基地审批职责边界专题研讨", "2025-03-12", ["张三", "李四"], editor="王五")
    d = sample.record_decision(TOWN, [Op("set_lead", HOMESTEAD, "农业农村服务中心"),
                                      Op("add_cooperator", HOMESTEAD, "自然资源所")],
                               editor="王五", meeting=m.id, note="依土地管理法第六十二条，农业农村部门牵头",
                               finding={"kind": "overlap.multi_lead", "subject": "农村宅基地审批"})
    assert d.status == "applied" and d.items == (HOMESTEAD,) and d.meeting == m.id
    card = _card(sample, HOMESTEAD)
    assert [p.name for p in card.leads] == ["农业农村服务中心"]
    assert "自然资源所" in [p.name for p in card.cooperators]
    assert card.item.lead_text == "农业农村服务中心"
    assert "农村宅基地审批" not in [f.subject for f in run_audit(sample, TOWN).by_kind()["overlap.multi_lead"]]
    trail = sample.audit_trail(TOWN, item=HOMESTEAD)
    assert [(e.who, e.action, e.target) for e in trail] == [("王五", "decision.apply", d.id)]
    assert "依土地管理法" in trail[0].why and "确定牵头部门" in trail[0].what
    assert sample.decisions(TOWN, meeting=m.id) == (d,)
    assert sample.decision(TOWN, d.id).finding_kind == "overlap.multi_lead"


def test_undo_puts_the_list_back(sample):
    before = graph_of(sample, TOWN)
    d = sample.record_decision(TOWN, [Op("set_lead", SANITATION, "环卫所"), Op("add_basis", NO_BASIS, "《优化营商环境条例》第四十条"),
                                      Op("set_lead", RELIEF, "社会事务办")], editor="甲")
    assert graph_of(sample, TOWN) != before
    u = sample.undo_decision(TOWN, d.id, editor="乙", reason="会上意见有误")
    assert u.status == "undone" and u.undone_by == "乙"
    assert graph_of(sample, TOWN) == before
    with pytest.raises(Conflict):
        sample.undo_decision(TOWN, d.id, editor="乙")
    assert [e.action for e in sample.audit_trail(TOWN)][-2:] == ["decision.apply", "decision.undo"]


def test_undo_refuses_when_a_later_decision_changed_the_item(sample):
    d1 = sample.record_decision(TOWN, [Op("set_lead", SANITATION, "环卫所", others="remove")], editor="甲")
    d2 = sample.record_decision(TOWN, [Op("add_cooperator", SANITATION, "综合行政执法队", text="负责执法")], editor="甲")
    with pytest.raises(Conflict, match="undo the later"):
        sample.undo_decision(TOWN, d1.id, editor="甲")
    sample.undo_decision(TOWN, d2.id, editor="甲")
    sample.undo_decision(TOWN, d1.id, editor="甲")
    assert len(_card(sample, SANITATION).leads) == 2


def test_operations_that_do_not_fit_are_refused_and_change_nothing(sample):
    with pytest.raises(Conflict):
        sample.record_decision(TOWN, [Op("remove_cooperator", HOMESTEAD, "党政综合办")], editor="甲")
    with pytest.raises(NotFound):
        sample.record_decision(TOWN, [Op("set_lead", "item:XX镇:code:NOPE", "环卫所")], editor="甲")
    with pytest.raises(PermissionDenied):
        sample.record_decision(TOWN, [Op("set_lead", RELIEF, "环卫所")], editor=" ")
    with pytest.raises(InvalidArgument):
        Op("demolish", RELIEF)
    with pytest.raises(InvalidArgument):  # a partly valid decision applies nothing
        sample.record_decision(TOWN, [Op("set_lead", RELIEF, "社会事务办"), Op("add_basis", RELIEF, "")], editor="甲")
    assert _card(sample, RELIEF).leads == ()
    assert sample.decisions(TOWN) == ()


def test_four_eyes_needs_a_second_editor(sample):
    sample.set_four_eyes(TOWN, True, editor="组长")
    d = sample.record_decision(TOWN, [Op("set_lead", RELIEF, "社会事务办")], editor="甲")
    assert d.status == "proposed" and _card(sample, RELIEF).leads == ()
    with pytest.raises(PermissionDenied):
        sample.confirm_decision(TOWN, d.id, editor="甲")
    c = sample.confirm_decision(TOWN, d.id, editor="乙")
    assert (c.status, c.confirmed_by) == ("applied", "乙")
    assert [p.name for p in _card(sample, RELIEF).leads] == ["社会事务办"]
    r = sample.record_decision(TOWN, [Op("set_lead", SANITATION, "环卫所")], editor="甲")
    assert sample.reject_decision(TOWN, r.id, editor="乙", reason="再议").status == "rejected"
    with pytest.raises(Conflict):
        sample.confirm_decision(TOWN, r.id, editor="乙")
    assert len(_card(sample, SANITATION).leads) == 2
    assert sample.review_settings(TOWN).four_eyes


def test_village_role_shared_item_and_new_department(sample):
    d = sample.record_decision(TOWN, [
        Op("accept_shared", SANITATION, text="环卫所负责日常保洁；综合行政执法队负责违法行为查处"),
        Op("add_village_role", HOMESTEAD, "东坡村", text="受理村民申请并公示"),
        Op("add_cooperator", RELIEF, "县气象局", level="县级部门"),
    ], editor="甲")
    assert d.status == "applied"
    assert "职责分工：环卫所负责日常保洁" in _card(sample, SANITATION).item.note
    card = _card(sample, HOMESTEAD)
    assert ("东坡村", "受理村民申请并公示") in {(v.name, v.text) for v in card.villages}
    assert [(p.name, p.level) for p in _card(sample, RELIEF).cooperators] == [("县气象局", "县级部门")]
    sample.undo_decision(TOWN, d.id, editor="甲")
    assert "县气象局" not in {n.name for n in sample.nodes("Department", TOWN)}


def test_a_second_split_replaces_the_first_whole(sample):
    """A split may itself contain ；: accepting again must not leave the old split's tail behind."""
    for text in ("环卫所负责日常保洁；综合行政执法队负责违法行为查处", "环卫所负责清运；综合行政执法队负责处罚"):
        sample.record_decision(TOWN, [Op("accept_shared", SANITATION, text=text)], editor="甲")
    note = _card(sample, SANITATION).item.note
    assert note.endswith("职责分工：环卫所负责清运；综合行政执法队负责处罚")
    assert "违法行为查处" not in note and note.count("职责分工：") == 1


def test_closing_a_meeting_makes_a_round_with_its_decisions(sample):
    m = sample.record_meeting(TOWN, "专班联审第一次会议", "2025-03-12", ["张三"], editor="甲")
    d = sample.record_decision(TOWN, [Op("set_lead", HOMESTEAD, "农业农村服务中心")], editor="甲", meeting=m.id)
    rnd = sample.close_meeting(TOWN, m.id, editor="甲")
    assert (rnd.number, rnd.kind, rnd.meeting, rnd.decisions) == (2, "meeting", m.id, (d.id,))
    assert sample.meeting(TOWN, m.id).round == 2
    assert sample.close_meeting(TOWN, m.id, editor="甲") is None  # nothing changed since
    old, new = sample.round_list(TOWN, 1), sample.round_list(TOWN, 2)
    lead = lambda tl: sorted(r.src for r in tl.relations if r.dst == HOMESTEAD and r.type == "LEADS")
    assert len(lead(old)) == 2 and lead(new) == ["dept:XX镇:农业农村服务中心"]
    with pytest.raises(NotFound):
        sample.round_list(TOWN, 9)


def test_change_request_is_reviewed_then_approved_and_applied(sample):
    cr = sample.submit_request(TOWN, "新增：农村建房巡查", "自然资源所", editor="甲",
                               description="拟新增巡查事项",
                               ops=[Op("add_item", fields=(("name", "农村建房巡查"), ("code", "XXZ-JB-900"),
                                                           ("part", "基本履职事项"), ("power_type", "行政检查"))),
                                    Op("set_lead", "item:XX镇:code:XXZ-JB-900", "自然资源所")])
    assert cr.status == "submitted"
    with pytest.raises(Conflict):
        sample.decide_request(TOWN, cr.id, True, editor="县审核员")
    m = sample.record_meeting(TOWN, "清单动态调整审查", "2025-04-01", editor="甲")
    rv = sample.review_request(TOWN, cr.id, editor="甲", opinion="同意新增，报县审核", meeting=m.id)
    assert (rv.status, rv.meeting) == ("reviewed", m.id)
    ok = sample.decide_request(TOWN, cr.id, True, editor="县审核员", note="准入")
    assert ok.status == "approved" and ok.decision
    assert [p.name for p in _card(sample, "item:XX镇:code:XXZ-JB-900").leads] == ["自然资源所"]
    no = sample.submit_request(TOWN, "收回：文物安全巡查", "文化站", editor="甲")
    sample.review_request(TOWN, no.id, editor="甲", opinion="不同意")
    assert sample.decide_request(TOWN, no.id, False, editor="县审核员").status == "rejected"
    assert [c.status for c in sample.requests(TOWN)] == ["approved", "rejected"]
    actions = [e.action for e in sample.audit_trail(TOWN)]
    assert actions.count("request.submit") == 2 and "request.approve" in actions and "request.reject" in actions


def test_review_records_do_not_leak_into_the_list(sample, sample_list):
    before = graph_of(sample, TOWN)
    sample.record_meeting(TOWN, "会", "2025-01-01", editor="甲")
    d = sample.record_decision(TOWN, [Op("set_lead", RELIEF, "社会事务办")], editor="甲")
    sample.undo_decision(TOWN, d.id, editor="甲")
    assert graph_of(sample, TOWN) == before
    assert sample.counts(TOWN).nodes["DutyItem"] == 230
    # a re-import replaces the list, and keeps the review
    sample.replace_township(sample_list)
    assert len(sample.decisions(TOWN)) == 1 and len(sample.meetings(TOWN)) == 1
    sample.wipe()
    assert sample.townships() == () and sample.rounds(TOWN) == () and sample.decisions(TOWN) == ()
