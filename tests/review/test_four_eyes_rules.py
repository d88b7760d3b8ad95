"""Four eyes cannot be bypassed by one editor: no self-approval of a change request, two editors to switch it off."""

from __future__ import annotations

import pytest
from review_support import RELIEF, TOWN

from graphmodel.review import Op
from graphmodel.review_contract import PermissionDenied


def _leads(store, key):
    from graphmodel import ItemFilter

    return [p.name for p in store.item_cards(ItemFilter(keys=(key,)))[0].leads]


def _reviewed_request(store, author="甲"):
    cr = store.submit_request(TOWN, "明确救助牵头", "社会事务办", editor=author, item=RELIEF,
                              ops=[Op("set_lead", RELIEF, "社会事务办")])
    store.review_request(TOWN, cr.id, editor=author, opinion="同意")
    return cr


def test_the_author_of_a_change_request_cannot_approve_it(sample):
    sample.set_four_eyes(TOWN, True, editor="组长")
    cr = _reviewed_request(sample)
    with pytest.raises(PermissionDenied, match="author"):
        sample.decide_request(TOWN, cr.id, True, editor="甲")  # submitted, reviewed and approved by one person
    assert _leads(sample, RELIEF) == [] and sample.requests(TOWN)[0].status == "reviewed"
    ok = sample.decide_request(TOWN, cr.id, True, editor="县审核员")
    d = sample.decision(TOWN, ok.decision)
    # the approval by someone else is the confirmation: the author proposed, the approver confirmed
    assert (d.status, d.recorded_by, d.confirmed_by) == ("applied", "甲", "县审核员")
    assert _leads(sample, RELIEF) == ["社会事务办"]
    assert [e.who for e in sample.audit_trail(TOWN) if e.action == "decision.confirm"] == ["县审核员"]


def test_the_author_may_still_withdraw_by_rejecting(sample):
    cr = _reviewed_request(sample)
    assert sample.decide_request(TOWN, cr.id, False, editor="甲").status == "rejected"


def test_switching_four_eyes_off_needs_a_second_editor(sample):
    sample.set_four_eyes(TOWN, True, editor="甲")
    first = sample.set_four_eyes(TOWN, False, editor="甲")
    assert first.four_eyes and first.pending_off_by == "甲"
    again = sample.set_four_eyes(TOWN, False, editor="甲")  # asking twice is still one editor
    assert again.four_eyes and sample.review_settings(TOWN).four_eyes
    d = sample.record_decision(TOWN, [Op("set_lead", RELIEF, "社会事务办")], editor="甲")
    assert d.status == "proposed"  # the check still holds while the request waits
    off = sample.set_four_eyes(TOWN, False, editor="乙")
    assert not off.four_eyes and not off.pending_off_by
    trail = [(e.who, e.action) for e in sample.audit_trail(TOWN) if e.target == "four_eyes"]
    assert trail == [("甲", "settings"), ("甲", "settings.propose"), ("甲", "settings.propose"), ("乙", "settings")]


def test_switching_it_back_on_clears_a_waiting_request_to_switch_off(sample):
    sample.set_four_eyes(TOWN, True, editor="甲")
    sample.set_four_eyes(TOWN, False, editor="甲")
    sample.set_four_eyes(TOWN, True, editor="乙")
    assert sample.set_four_eyes(TOWN, False, editor="丙").four_eyes  # 甲's old request no longer counts
