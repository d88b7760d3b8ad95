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


def _decided(tlist, gone: set[str], into: dict[str, str]):
    """``tlist`` as the meeting would rewrite it: a removed department's leads and cooperations
    dropped, a merged one's moved to the department it is merged into (its text kept)."""
    from dataclasses import replace

    from graphmodel import Relation

    parties = {"LEADS", "COOPERATES_ON"}
    out, seen = [], set()
    for r in tlist.relations:
        if r.type in parties:
            if r.src in gone:
                continue
            r = Relation(into.get(r.src, r.src), r.type, r.dst, r.text)
            if (r.src, r.type, r.dst) in seen:
                continue
            seen.add((r.src, r.type, r.dst))
        out.append(r)
    return replace(tlist, relations=out)


def _overlap_idents(store) -> set[tuple]:
    return {(f.kind, f.township, f.item_keys) for f in (*overlaps.multi_lead(store), *overlaps.near_duplicates(store))}


def _chain_state(store):
    found = {ch.id: ch for ch in chains.chains(store)}
    return ({cid: set(ch.broken_steps) for cid, ch in found.items()},
            {(h.src, h.dst) for ch in found.values() for h in ch.handoffs})


def check_what_if_foresees_the_decision(store, lists, gone: set[str], into: dict[str, str]) -> None:
    """what_if(remove=gone, merge=into) on ``store`` (holding ``lists``) names exactly what a store
    holding the rewritten lists shows: the items whose leads change, those left without one, the
    chain steps newly without an owner, the overlaps and hand-offs that go or come."""
    w = whatif.what_if(store, remove=sorted(gone), merge=into)
    after = open_store("memory", data_dir=None)
    for tlist in lists:
        after.replace_township(_decided(tlist, gone, into))
    before = {c.key: c for c in store.item_cards()}
    now = {c.key: c for c in after.item_cards()}

    def leads(card):
        return {p.key for p in card.leads}

    moved = sorted(k for k in before if leads(before[k]) != leads(now[k]))
    assert [c.item.key for c in w.lead_changes] == moved
    assert [(c.before, c.after) for c in w.lead_changes] == [
        (tuple(p.name for p in before[k].leads), tuple(p.name for p in now[k].leads)) for k in moved]
    assert [i.key for i in w.lost_lead] == [k for k in moved if before[k].leads and not now[k].leads]
    ov_b, ov_a = _overlap_idents(store), _overlap_idents(after)
    assert {(f.kind, f.township, f.item_keys) for f in w.resolved_overlaps} == ov_b - ov_a
    assert {(f.kind, f.township, f.item_keys) for f in w.new_overlaps} == ov_a - ov_b
    (broken_b, hand_b), (broken_a, hand_a) = _chain_state(store), _chain_state(after)
    newly = {cid: steps - broken_b[cid] for cid, steps in broken_a.items() if steps - broken_b[cid]}
    assert {cid: {before[k].item.name for k in steps} for cid, steps in newly.items()} == {
        cid: set(names) for cid, names in w.broken_chains}
    assert set(w.removed_handoffs) == hand_b - hand_a and set(w.new_handoffs) == hand_a - hand_b


def _two_townships(seed: int):
    return [generate(seed, 30), generate(seed + 1, 25, township=f"随机{seed}乙镇")]


def _pick(lists, seed: int) -> tuple[set[str], dict[str, str]]:
    """A department removed and one merged into another of its township, chosen by ``seed``."""
    import random

    rnd = random.Random(seed)
    first = rnd.choice(lists)
    depts = [d.key for d in first.departments]
    gone, src, dst = rnd.sample(depts, 3) if len(depts) >= 3 else (depts[0], depts[-1], depts[0])
    return ({gone} if rnd.random() < 0.8 else set()), ({src: dst} if src != dst and rnd.random() < 0.8 else {})


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_what_if_foresees_the_store_after_the_decision(seed):
    lists = _two_townships(seed)
    store = open_store("memory", data_dir=None)
    for tlist in lists:
        store.replace_township(tlist)
    check_what_if_foresees_the_decision(store, lists, *_pick(lists, seed))


@pytest.mark.parametrize("seed", FIXED_SEEDS)
def test_what_if_foresees_the_decision_on_every_backend(store, seed):
    lists = _two_townships(seed)
    for tlist in lists:
        store.replace_township(tlist)
    check_what_if_foresees_the_decision(store, lists, *_pick(lists, seed))


@pytest.mark.parametrize("seed", FIXED_SEEDS)
def test_what_if_foresees_the_chains_on_every_backend(store, seed, tmp_path):
    """The sole lead of a chain's step removed (the step breaks), and the sole lead of a step merged
    into the next step's (the hand-off between them goes): on the sample maker's lists, which chain
    their inspections and penalties."""
    from loaders import read_list
    from loaders.generate import generate_township, write_township

    lists = [read_list(write_township(generate_township(index, 80, seed, name), tmp_path / name)).tlist
             for index, name in enumerate(("链甲镇", "链乙镇"))]
    for tlist in lists:
        store.replace_township(tlist)
    leads: dict[str, set[str]] = {}
    for t in lists:
        for r in t.relations:
            if r.type == "LEADS":
                leads.setdefault(r.dst, set()).add(r.src)
    follows = [(r.src, r.dst) for t in lists for r in t.relations if r.type == "FOLLOWED_BY"]
    handed = [(leads[a], leads[b]) for a, b in follows
              if len(leads.get(a, ())) == 1 and len(leads.get(b, ())) == 1 and leads[a] != leads[b]]
    assert handed, "the generated lists hand a chain's step from one sole lead to another"
    (src,), (dst,) = handed[0]
    w = whatif.what_if(store, remove=[src])
    assert w.broken_chains  # the step src led alone breaks
    check_what_if_foresees_the_decision(store, lists, {src}, {})
    w = whatif.what_if(store, merge={src: dst})
    assert w.removed_handoffs
    check_what_if_foresees_the_decision(store, lists, set(), {src: dst})
