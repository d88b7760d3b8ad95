"""Decisions that do what they say: where the other leads go, several operations at once, the preview."""

from __future__ import annotations

import pytest
from graph_snapshot import graph_of
from review_support import HOMESTEAD, NO_BASIS, SANITATION, TOWN

from graphmodel import InvalidArgument, ItemFilter
from graphmodel.listedit import Conflict
from graphmodel.review import Op, describe_op
from queries import run_audit
from queries.rounds import finding_changes


def _card(store, key):
    return store.item_cards(ItemFilter(keys=(key,)))[0]


def _names(parties):
    return sorted(p.name for p in parties)


def test_set_lead_keeps_the_other_lead_as_a_cooperator_by_default(sample):
    sample.record_decision(TOWN, [Op("set_lead", HOMESTEAD, "农业农村服务中心")], editor="王五")
    card = _card(sample, HOMESTEAD)
    assert _names(card.leads) == ["农业农村服务中心"]
    assert _names(card.cooperators) == ["自然资源所"]
    assert card.item.cooperate_text == "自然资源所"
    assert "农村宅基地审批" not in [f.subject for f in run_audit(sample, TOWN).by_kind().get("overlap.multi_lead", ())]


def test_the_other_lead_removed_or_staying_when_the_decision_says_so(sample):
    sample.record_decision(TOWN, [Op("set_lead", HOMESTEAD, "农业农村服务中心", others="remove")], editor="王五")
    card = _card(sample, HOMESTEAD)
    assert _names(card.leads) == ["农业农村服务中心"] and not card.cooperators
    # "stays": a third office joins the leads, the two leads stay
    with pytest.raises(Conflict, match="already"):
        sample.record_decision(TOWN, [Op("set_lead", SANITATION, "环卫所", others="stay")], editor="王五")
    sample.record_decision(TOWN, [Op("set_lead", SANITATION, "党政综合办", others="stay")], editor="王五")
    card = _card(sample, SANITATION)
    assert len(card.leads) == 3 and "党政综合办" in card.item.lead_text
    with pytest.raises(InvalidArgument):
        Op("set_lead", HOMESTEAD, "x", others="elsewhere")


def test_the_former_lead_keeps_its_duty_text_as_cooperator(sample, sample_list):
    from dataclasses import replace

    from graphmodel.model import Relation

    # give 自然资源所's lead a text, as a list that writes each party's part would
    rels = [replace(r, text="负责用地审查") if (r.dst == HOMESTEAD and r.type == "LEADS" and "自然资源所" in r.src) else r
            for r in sample_list.relations]
    assert any(isinstance(r, Relation) and r.text == "负责用地审查" for r in rels)
    p = sample.preview_decision(TOWN, [Op("set_lead", HOMESTEAD, "农业农村服务中心")])
    assert dict(p.items[0].after)["cooperators"] == ("自然资源所",)
    from graphmodel.listedit import preview_ops

    tl = replace(sample_list, relations=rels)
    p = preview_ops(tl, [Op("set_lead", HOMESTEAD, "农业农村服务中心")])
    assert dict(p.items[0].after)["cooperators"] == ("自然资源所：负责用地审查",)
    assert next(i for i in p.after.items if i.key == HOMESTEAD).township_duty == "负责用地审查"


def test_one_decision_carries_several_operations_atomically(sample):
    before = graph_of(sample, TOWN)
    ops = [Op("set_lead", HOMESTEAD, "农业农村服务中心"), Op("add_cooperator", HOMESTEAD, "自然资源所", "负责用地审查"),
           Op("add_basis", HOMESTEAD, "《村民委员会组织法》第五条"), Op("add_village_role", HOMESTEAD, "东村", "初审并公示")]
    # a failing last operation: nothing of the first three is applied
    vills = [v.name for v in sample.nodes("Village", TOWN)]
    with pytest.raises(Exception):  # noqa: B017 - NotFound for the unknown village
        sample.record_decision(TOWN, ops, editor="王五")
    assert graph_of(sample, TOWN) == before and not sample.decisions(TOWN)
    ops[-1] = Op("add_village_role", HOMESTEAD, vills[0], "初审并公示")
    d = sample.record_decision(TOWN, ops, editor="王五")
    card = _card(sample, HOMESTEAD)
    assert d.status == "applied" and _names(card.leads) == ["农业农村服务中心"]
    assert [(p.name, p.text) for p in card.cooperators] == [("自然资源所", "负责用地审查")]
    assert any("村民委员会组织法" in b for b in card.citations)
    assert all(v.text == "初审并公示" for v in card.villages)
    sample.undo_decision(TOWN, d.id, editor="王五")
    assert graph_of(sample, TOWN) == before


def test_preview_shows_before_after_and_findings_and_writes_nothing(sample):
    before = graph_of(sample, TOWN)
    ops = [Op("set_lead", HOMESTEAD, "农业农村服务中心", others="remove"), Op("add_basis", NO_BASIS, "《优化营商环境条例》第四十条")]
    p = sample.preview_decision(TOWN, ops)
    assert graph_of(sample, TOWN) == before and not sample.decisions(TOWN)
    by_key = {i.key: i for i in p.items}
    home = by_key[HOMESTEAD]
    assert home.name == "农村宅基地审批" and home.changed == ("leads",)
    assert dict(home.before)["leads"] == ("农业农村服务中心", "自然资源所")
    assert home.dropped == (("leads", "自然资源所"),)  # what the meeting takes off the item, shown
    assert by_key[NO_BASIS].changed == ("bases",)
    resolved, introduced = finding_changes(p.before, p.after)
    kinds = {(f.kind, f.subject) for f in resolved}
    assert ("overlap.multi_lead", "农村宅基地审批") in kinds
    assert ("legal.no_basis", "企业服务和项目帮办") in kinds
    assert not any(f.subject == "农村宅基地审批" and f.kind.startswith("overlap") for f in introduced)
    assert "移出" in describe_op(ops[0])
    with pytest.raises(Conflict):
        sample.preview_decision(TOWN, [Op("remove_cooperator", HOMESTEAD, "党政综合办")])
