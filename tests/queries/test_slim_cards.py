"""Slim cards (queries.slim_cards): what a server store reads instead of whole cards."""

from __future__ import annotations

import pytest

from graphmodel import ItemFilter
from queries._common import answers_asks, evidence
from queries.slim_cards import slim_cards
from queries.text_checks import cooperate_does_lead


def test_slim_cards_hold_the_evidence_and_the_named_fields_only(example):
    slim = slim_cards(example, None, ("note", "work_mode"), villages=True)
    if not answers_asks(example):
        assert slim is None  # the embedded store reads its own cards
        return
    full = example.item_cards()
    assert [c.key for c in slim] == [c.key for c in full]
    for s, f in zip(slim, full):
        assert evidence(s) == evidence(f)
        assert (s.item.note, s.item.work_mode) == (f.item.note, f.item.work_mode)
        assert (s.leads, s.cooperators, s.villages, s.bases, s.citations) == \
            (f.leads, f.cooperators, f.villages, f.bases, f.citations)
        assert s.item.lead_text == ""  # not named, not read
    assert any(f.item.lead_text for f in full)


def test_slim_cards_narrow_like_an_item_filter(example):
    slim = slim_cards(example, "示例镇", power_types=("行政检查", "行政处罚"), min_leads=1)
    if slim is None:
        return
    full = example.item_cards(ItemFilter(township="示例镇", power_types=("行政检查", "行政处罚"), min_leads=1))
    assert [c.key for c in slim] == [c.key for c in full] and slim
    by_key = slim_cards(example, None, keys=[c.key for c in full[:2]] + ["no such key"])
    assert [evidence(c) for c in by_key] == [evidence(c) for c in full[:2]]
    assert slim_cards(example, "没有这个镇") == ()


def test_slim_cards_refuse_a_field_they_cannot_carry(example):
    if not answers_asks(example):
        assert slim_cards(example, None, ("village_groups",)) is None  # whole cards: nothing to refuse
        return
    with pytest.raises(ValueError, match="village_groups"):
        slim_cards(example, None, ("village_groups",))


def test_a_text_check_on_slim_cards_finds_what_it_finds_on_whole_cards(store):
    from queries._examples import text_list

    store.replace_township(text_list())
    found = cooperate_does_lead(store)
    assert found and found == cooperate_does_lead.__wrapped__(store, cards=store.item_cards())
