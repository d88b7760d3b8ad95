"""Definitions checked on generated lists (tests/graphgen.py).

Heavy property runs use the memory store only; a few fixed seeds run on every backend so
the Neo4j store is held to the same definitions without hundreds of tiny examples.
"""

from __future__ import annotations

import pytest
from graphgen import generate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphmodel import ItemFilter, open_store
from queries import chains, lookup, overlaps, ownership, run_audit, whatif

FIXED_SEEDS = (1, 7, 42)


def _memory(seed: int, size: int):
    s = open_store("memory", data_dir=None)
    s.replace_township(generate(seed, size))
    return s


def check_definitions(store) -> None:
    cards = store.item_cards()
    multi = {f.items[0].key for f in overlaps.multi_lead(store)}
    assert multi == {c.key for c in cards if len(c.leads) >= 2}
    states = ownership.ownership(store)
    assert [o.item.key for o in states] == [c.key for c in cards]  # each item exactly once
    assert {o.state for o in states} <= set(ownership.STATES)
    for ch in chains.chains(store):
        for step in ch.steps:
            card = next(c for c in cards if c.key == step.item.key)
            assert step.broken == (not card.leads)
        assert set(ch.broken_steps) == {s.item.key for s in ch.steps if not s.owners}
    assert whatif.what_if(store).unchanged


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), size=st.integers(1, 40))
def test_definitions_on_generated_lists(seed, size):
    check_definitions(_memory(seed, size))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), pick=st.integers(0, 10_000))
def test_lookup_of_exact_name_ranks_it_first(seed, pick):
    store = _memory(seed, 25)
    cards = store.item_cards()
    name = cards[pick % len(cards)].item.name
    assert lookup.lookup(store, name)[0].item.name == name


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), drop=st.integers(0, 100))
def test_removing_a_department_only_loses_its_items(seed, drop):
    store = _memory(seed, 30)
    depts = store.nodes("Department")
    gone = depts[drop % len(depts)]
    w = whatif.what_if(store, remove=[gone.key])
    led = {c.key for c in store.item_cards(ItemFilter(department=gone.key)) if any(p.key == gone.key for p in c.leads)}
    assert {i.key for i in w.lost_lead} <= led
    assert {c.item.key for c in w.lead_changes} == led
    assert all(f.kind == "overlap.multi_lead" or f.kind == "overlap.near_duplicate" for f in w.resolved_overlaps)
    assert w.new_overlaps == ()


@pytest.mark.parametrize("seed", FIXED_SEEDS)
def test_definitions_on_every_backend(store, seed):
    store.replace_township(generate(seed, 30))
    check_definitions(store)
    ref = _memory(seed, 30)
    assert run_audit(store).to_report() == run_audit(ref).to_report()  # parity with the memory store
