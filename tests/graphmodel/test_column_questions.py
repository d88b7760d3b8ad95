"""The column questions the stores answer where the data lives equal the answers from the cards.

``DutyStore``'s own ``_items_without_basis`` … compute each answer from ``item_cards`` (the
reference semantics); the memory store answers from its read indexes and Neo4j with one
aggregate statement. Both must match the reference, and the queries that use them must give
what they give when handed every card.
"""

from __future__ import annotations

import dataclasses

import pytest
from graphgen import generate

from graphmodel import DutyStore, InvalidArgument, ItemFilter
from queries.coverage import department_load, missing_fields, power_type_counts
from queries.legal import no_basis

FIELDS = ("code", "procedure", "time_limit")


def _load(store: DutyStore) -> None:
    for seed in range(4):
        tlist = generate(2000 + seed, 25)
        # Whitespace Python strips but Java's \s does not: must count as blank on both stores.
        blanks = ["\u3000", "\u00a0 ", "\u2003\n", "\x1c"]
        tlist.items = [dataclasses.replace(it, code=blanks[i]) if i < len(blanks) else it
                       for i, it in enumerate(tlist.items)]
        store.replace_township(tlist)


@pytest.fixture
def loaded(store):
    _load(store)
    return store


def test_items_without_basis_match_the_cards(loaded):
    for township in (None, "随机2001镇", "没有这个镇"):
        expected = tuple(sorted(DutyStore._items_without_basis(loaded, township)))
        assert loaded.items_without_basis(township) == expected
    assert loaded.items_without_basis()  # the generated lists plant items without a basis


def test_written_columns_and_blank_items_match_the_cards(loaded):
    for township in (None, "随机2002镇"):
        expected = frozenset(DutyStore._written_columns(loaded, FIELDS, township))
        assert loaded.written_columns(FIELDS, township) == expected
        assert loaded.blank_items(expected) == tuple(sorted(set(DutyStore._blank_items(loaded, sorted(expected)))))
    blank = {k for k, f in loaded.blank_items(loaded.written_columns(FIELDS)) if f == "code"}
    cards = {c.key: c for c in loaded.item_cards()}
    assert any(cards[k].item.code == "\u3000" for k in blank)


def test_part_power_counts_match_the_cards(loaded):
    for township in (None, "随机2003镇"):
        assert loaded.part_power_counts(township) == dict(sorted(DutyStore._part_power_counts(loaded, township).items()))
    assert sum(loaded.part_power_counts().values()) == len(loaded.item_cards())


def test_department_counts_match_the_cards(loaded):
    some = {c.key for c in loaded.item_cards()[::7]}
    for township in (None, "随机2001镇"):
        for incomplete in (frozenset(), frozenset(some)):
            expected = dict(sorted(DutyStore._department_lead_counts(loaded, township, incomplete).items()))
            assert loaded.department_lead_counts(township, incomplete=incomplete) == expected
        assert loaded.cooperation_counts(township) == dict(sorted(DutyStore._cooperation_counts(loaded, township).items()))
    counts = loaded.department_lead_counts()
    assert any(done < n for n, done in counts.values()) and any(done for _, done in counts.values())


def test_queries_answer_the_same_from_the_store_and_from_every_card(loaded):
    for township in (None, "随机2000镇"):
        cards = loaded.item_cards(ItemFilter(township=township))
        for query in (no_basis, missing_fields, power_type_counts, department_load):
            assert query(loaded, township) == query(loaded, township, cards=cards), query.__name__
    assert missing_fields(loaded) and no_basis(loaded)


def test_unknown_fields_are_refused(store):
    with pytest.raises(InvalidArgument, match="unknown item text field"):
        store.written_columns(["extra"])
    with pytest.raises(InvalidArgument, match="unknown item text field"):
        store.blank_items([("镇", "基本履职事项", "key) DETACH DELETE (n")])
    assert store.blank_items([]) == () and store.written_columns([]) == frozenset()


def test_the_memory_indexes_follow_writes(memory_store):
    _load(memory_store)
    before = memory_store.items_without_basis()
    township_of = {c.key: c.item.township for c in memory_store.item_cards()}
    assert memory_store.item_cards() is memory_store.item_cards()  # cached between writes
    memory_store.delete_township("随机2000镇")
    after = memory_store.items_without_basis()
    assert after == tuple(k for k in before if township_of[k] != "随机2000镇") != before
    assert all(c.item.township != "随机2000镇" for c in memory_store.item_cards())
    assert memory_store.relations("FOLLOWED_BY") == tuple(
        sorted(r for r in memory_store.relations() if r.type == "FOLLOWED_BY"))
