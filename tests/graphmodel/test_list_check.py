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
