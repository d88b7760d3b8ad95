"""Answers the embedded store keeps per store version (``queries._common.kept``) follow every write."""

from __future__ import annotations

import dataclasses

import pytest

from graphmodel import open_store
from queries import QUERIES, run_query
from queries._examples import example_list
from queries.audit import run_audit
from queries.overlaps import multi_lead, overlaps

SKIP = {"village_actions"}  # needs a township argument (asked below with one)


def _params(store):
    item = store.item_cards()[0].key
    return {"law_impact": {"law": "土地管理法"}, "lookup": {"text": "消防"}, "neighbourhood": {"key": item},
            "what_if": {"remove": "综合行政执法队"}, "village_matrix": {"township": "示例镇"},
            "village_actions": {"township": "示例镇"}}


def _answers(store):
    params = _params(store)
    return {name: run_query(store, name, params.get(name)) for name in QUERIES}


def _one_lead_for_homestead(tlist):
    """示例镇 with 农村宅基地审批管理 led by 农业农村办 only (its overlap resolved)."""
    item = next(i for i in tlist.items if i.name == "农村宅基地审批管理")
    rels = [r for r in tlist.relations if not (r.dst == item.key and r.type == "LEADS" and "自然资源所" in r.src)]
    assert len(rels) == len(tlist.relations) - 1
    return dataclasses.replace(tlist, relations=rels)


def test_a_write_after_a_kept_answer_changes_the_answer():
    store = open_store("memory", data_dir=None)
    store.replace_township(example_list())
    before = _answers(store)
    assert overlaps(store) is overlaps(store)  # kept: the same record, not recomputed
    assert [f.subject for f in multi_lead(store)] == ["农村宅基地审批管理"]
    audit_before = run_audit(store)

    changed = _one_lead_for_homestead(example_list())
    store.replace_township(changed)
    assert multi_lead(store) == ()
    assert not [f for f in overlaps(store) if f.kind == "overlap.multi_lead"]
    assert run_audit(store).counts.get("overlap.multi_lead", 0) == 0
    assert run_audit(store) != audit_before

    # every registered query now answers as a store that never held the old list
    fresh = open_store("memory", data_dir=None)
    fresh.replace_township(changed)
    after, expected = _answers(store), _answers(fresh)
    assert after == expected
    assert any(before[k] != after[k] for k in before)


def test_kept_answers_equal_the_computed_ones():
    store = open_store("memory", data_dir=None)
    store.replace_township(example_list())
    assert overlaps(store) == overlaps.__wrapped__(store)
    assert run_audit(store, "示例镇") == run_audit.__wrapped__(store, "示例镇")
    # a narrowed card list is not the store's own: computed, not kept
    cards = store.item_cards()[:3]
    assert overlaps(store, cards=cards) == overlaps.__wrapped__(store, cards=cards)


def test_another_process_save_is_seen_after_refresh(tmp_path):
    reader = open_store("memory", data_dir=tmp_path)
    writer = open_store("memory", data_dir=tmp_path)
    writer.replace_township(example_list())
    reader.refresh()
    assert run_audit(reader).counts.get("overlap.multi_lead") == 1
    writer.replace_township(_one_lead_for_homestead(example_list()))
    assert reader.refresh()
    assert run_audit(reader).counts.get("overlap.multi_lead", 0) == 0


def test_a_failed_bulk_drops_the_kept_answers(tmp_path):
    store = open_store("memory", data_dir=tmp_path)
    store.replace_township(example_list())
    assert len(overlaps(store)) == 3
    with pytest.raises(RuntimeError), store.bulk():
        store.replace_township(_one_lead_for_homestead(example_list()))
        assert len(overlaps(store)) == 2
        raise RuntimeError("stop")
    assert len(overlaps(store)) == 3


def test_a_delegation_import_after_a_kept_answer_changes_it():
    """赋权 delegations are review records, not graph: their import drops the kept answers too."""
    from graphmodel.delegation import Delegation
    from queries._examples import ListBuilder
    from queries.authority import legal_authority

    store = open_store("memory", data_dir=None)
    b = ListBuilder("权限镇")
    b.item("擅自取水处罚", power_type="行政处罚", leads=["综合行政执法队"], bases=["《水法》第六十九条"], code="A2")
    store.replace_township(b.build())
    assert [f.kind for f in legal_authority(store)] == ["legal.not_empowered"]
    store.import_delegations("权限镇", [Delegation("擅自取水处罚", "X政发〔2024〕1号", code="A2")], editor="测试")
    assert legal_authority(store) == legal_authority.__wrapped__(store)
    assert [f.kind for f in legal_authority(store)] != ["legal.not_empowered"]
