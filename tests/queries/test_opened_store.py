"""A store just opened: the column questions answer from the items and build only the cards of
the items they find (``ReadIndex.filtered``, ``MemoryStore.derived_in``), with the answers of a
store whose every card is built."""

from __future__ import annotations

import dataclasses
import gc

import pytest

from graphmodel import ItemFilter, open_store
from graphmodel.gc_pause import settle
from queries import QUERIES, run_query
from queries._common import cards_of, list_townships
from loaders import read_list
from loaders.generate import generate_township, township_names, write_township

#: Questions answered from item fields, lead counts and the column indexes.
COLUMN = ("no_lead", "unconfirmed", "multi_lead", "cooperate_township_lead", "withdrawn_township_lead",
          "cooperate_no_county_lead", "unknown_department", "village_text_unlinked", "missing_fields",
          "no_basis", "power_type_counts", "most_cited", "department_load", "village_roles", "ownership_summary")


TOWNS = township_names(3)


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """Three generated townships read by the loaders (their sheets' layouts recorded), saved."""
    path = tmp_path_factory.mktemp("opened")
    store = open_store("memory", data_dir=path / "store")
    for index, name in enumerate(TOWNS):
        files = write_township(generate_township(index, 60, 0, name), path / "lists" / name)
        store.replace_township(read_list(files).tlist)
    return path / "store"


@pytest.fixture(scope="module")
def saved_with_catalogue(tmp_path_factory):
    """The same townships, the last one a county's reference catalogue (not a township proper)."""
    path = tmp_path_factory.mktemp("opened-catalogue")
    store = open_store("memory", data_dir=path / "store")
    for index, name in enumerate(TOWNS):
        tlist = read_list(write_township(generate_township(index, 60, 0, name), path / "lists" / name)).tlist
        if index == len(TOWNS) - 1:
            tlist.township = dataclasses.replace(tlist.township, county="某县", catalogue_of="某县")
        store.replace_township(tlist)
    return path / "store"


def test_column_questions_just_opened_leave_the_catalogue_out_as_before(saved_with_catalogue):
    store = open_store("memory", data_dir=saved_with_catalogue)
    assert [t.name for t in store.townships() if t.catalogue_of] == [TOWNS[-1]]
    for name in COLUMN:
        assert run_query(store, name) == _reference(saved_with_catalogue, name), name


def _reference(path, name, township=None):
    """``name``'s answer as the card path computes it: every card built, and given to the query
    (so that its networkx half, which reads no cards, is not what it is compared with)."""
    store = _every_card_built(path)
    if name == "power_type_counts":  # counted by the store on both stores (a catalogue's items too,
        # unlike its card path: as before this slice); the column index is what is compared here
        return QUERIES[name].func.__wrapped__(store, township)
    return QUERIES[name].func.__wrapped__(store, township, cards=cards_of(store, township))


def _every_card_built(path):
    store = open_store("memory", data_dir=path)
    store.item_cards()
    for town in list_townships(store):
        store.item_cards(ItemFilter(township=town))
    return store


@pytest.mark.parametrize("name", COLUMN)
def test_a_column_question_just_opened_builds_only_its_items_cards(saved, name):
    store = open_store("memory", data_dir=saved)
    answer = run_query(store, name)
    # no scope's cards were built, and far fewer cards than items
    assert store.kept_cards(None) is None
    assert all(store.kept_cards(t) is None for t in list_townships(store))
    assert len(store._cards) < len(store.nodes("DutyItem"))
    assert answer == _reference(saved, name)
    assert answer == run_query(_every_card_built(saved), name)
    assert run_query(store, name) is answer  # kept without the cards


@pytest.mark.parametrize("name", COLUMN)
def test_a_column_question_about_one_township_just_opened(saved, name):
    store = open_store("memory", data_dir=saved)
    for town in TOWNS[:2]:
        assert QUERIES[name].func(store, town) == _reference(saved, name, town)
    assert store.kept_cards(None) is None


FILTERS = [
    ItemFilter(max_leads=0),
    ItemFilter(min_leads=2),
    ItemFilter(min_leads=1, max_leads=1),
    ItemFilter(parts=("上级部门收回事项",), min_leads=1),
    ItemFilter(township=TOWNS[1], parts=("配合履职事项",)),
    ItemFilter(township=TOWNS[0], power_types=("行政处罚", "行政检查"), max_leads=1),
    ItemFilter(township="无此镇", max_leads=0),
]


@pytest.mark.parametrize("flt", FILTERS, ids=[f"filter{i}" for i in range(len(FILTERS))])
def test_column_filters_just_opened_equal_the_filtered_cards(saved, flt):
    store = open_store("memory", data_dir=saved)
    got = store.item_cards(flt)
    assert store.kept_cards(flt.township) is None
    reference = _every_card_built(saved)
    expected = tuple(c for c in reference.item_cards(ItemFilter(township=flt.township)) if flt.admits(c))
    assert got == expected
    assert [c.key for c in got] == sorted(c.key for c in got)
    # once the scope's cards exist, the filter narrows those very objects
    whole = store.item_cards(ItemFilter(township=flt.township))
    store.forget_derived()
    again = store.item_cards(flt)
    assert again == expected and all(any(c is w for w in whole) for c in again)


def test_cards_by_key_equal_the_reference_and_keep_the_other_fields(saved):
    store = open_store("memory", data_dir=saved)
    reference = _every_card_built(saved)
    keys = [c.key for c in reference.item_cards()][::3] + ["item:无此镇:name:无"]
    flt = ItemFilter(keys=keys, parts=("基本履职事项",), min_leads=1)
    assert store.item_cards(flt) == tuple(c for c in reference.item_cards() if flt.admits(c))


def test_an_answer_kept_without_cards_follows_a_write(saved, tmp_path):
    import shutil

    shutil.copytree(saved, tmp_path / "copy")
    store = open_store("memory", data_dir=tmp_path / "copy")
    first = run_query(store, "no_lead")
    assert run_query(store, "no_lead") is first
    tlist = store.township_list(TOWNS[0])
    led = next(r.dst for r in sorted(tlist.relations) if r.type == "LEADS")
    label = next(i.label for i in tlist.items if i.key == led)
    tlist = dataclasses.replace(tlist, relations=[r for r in tlist.relations if not (r.dst == led and r.type == "LEADS")])
    store.replace_township(tlist)
    after = run_query(store, "no_lead")
    assert label in {f.subject for f in after} - {f.subject for f in first}
    assert after == _reference(tmp_path / "copy", "no_lead")


def test_settle_keeps_objects_collectable():
    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a  # a cycle: only the collector frees it
    settle()
    assert gc.get_count()[0] < 100
    ref = __import__("weakref").ref(a)
    del a, b
    gc.collect()
    assert ref() is None


def test_relations_of_a_type_equal_the_reference_and_follow_a_write(saved, tmp_path):
    import shutil

    from graphmodel import DutyStore
    from graphmodel.vocab import RelType

    shutil.copytree(saved, tmp_path / "copy")
    store = open_store("memory", data_dir=tmp_path / "copy")

    def check():
        for town in (None, *TOWNS, "无此镇"):
            for rel_type in RelType:
                assert store.relations(rel_type.value, town) == DutyStore.relations(store, rel_type.value, town)

    check()
    assert store.relations("ASSISTS", TOWNS[0]) is store.relations("ASSISTS", TOWNS[0])  # kept
    tlist = store.township_list(TOWNS[0])
    store.replace_township(dataclasses.replace(tlist, relations=[r for r in tlist.relations if r.type != "ASSISTS"]))
    assert store.relations("ASSISTS", TOWNS[0]) == ()
    check()
