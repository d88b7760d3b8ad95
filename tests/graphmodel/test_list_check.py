"""A list must be whole before any store takes it: unique keys, relations inside it, one text per relation."""

from __future__ import annotations

import pytest
from graph_snapshot import graph_of
from test_memory_file import small_list

from graphmodel import InvalidArgument, Relation


def test_two_texts_for_one_relation_are_refused_and_nothing_changes(store):
    store.replace_township(small_list())
    before = graph_of(store)
    tl = small_list()
    based_on = next(r for r in tl.relations if r.type == "BASED_ON")
    tl.relations.append(Relation(based_on.src, "BASED_ON", based_on.dst, "《土地管理法》第62条"))
    with pytest.raises(InvalidArgument, match="join their texts"):
        store.replace_township(tl)
    assert graph_of(store) == before


def test_relation_to_a_node_outside_the_list_is_refused(store):
    tl = small_list()
    tl.relations.append(Relation(tl.items[0].key, "FOLLOWED_BY", "item:XX镇:code:无此事项"))
    with pytest.raises(InvalidArgument, match="outside the list"):
        store.replace_township(tl)
    assert store.townships() == ()


# The check runs once per import (DutyStore.replace_township, before any transaction; the import's
# ReviewTx.replace is told so): a list that fails it must still change nothing, by every entry point.

def _broken(township: str = "XX镇"):
    tl = small_list(township)
    tl.relations.append(Relation(tl.items[0].key, "FOLLOWED_BY", f"item:{township}:code:无此事项"))
    return tl


def _state(store, township: str = "XX镇") -> tuple:
    """The list, the rounds and the audit trail of a township (what an import would change)."""
    return graph_of(store), store.rounds(township), store.audit_trail(township)


def test_a_failing_check_changes_nothing_through_replace_township(store):
    store.replace_township(small_list())
    before = _state(store)
    with pytest.raises(InvalidArgument, match="outside the list"):
        store.replace_township(_broken())
    assert _state(store) == before


def test_a_failing_check_inside_bulk_changes_nothing(store):
    store.replace_township(small_list())
    before = _state(store)
    mine = graph_of(store, "XX镇")
    with store.bulk():
        with pytest.raises(InvalidArgument, match="outside the list"):
            store.replace_township(_broken())
    assert _state(store) == before
    with store.bulk():  # the other lists of the block are written; the failing one is not
        store.replace_township(small_list("YY镇"))
        with pytest.raises(InvalidArgument, match="outside the list"):
            store.replace_township(_broken())
    assert graph_of(store, "XX镇") == mine
    assert (store.rounds("XX镇"), store.audit_trail("XX镇")) == before[1:]
    assert [t.name for t in store.townships()] == ["XX镇", "YY镇"]
    assert len(store.rounds("YY镇")) == 1


def test_a_failing_check_inside_a_review_transaction_changes_nothing(store):
    store.replace_township(small_list())
    before = _state(store)
    # a review transaction's replace checks the list unless its caller says it has just done so
    with pytest.raises(InvalidArgument, match="outside the list"):
        store._review_transaction("XX镇", lambda rtx: rtx.replace(_broken()))
    with pytest.raises(InvalidArgument, match="outside the list"):
        store._review_transaction("XX镇", store._import_round(_broken(), "import"))
    assert _state(store) == before
