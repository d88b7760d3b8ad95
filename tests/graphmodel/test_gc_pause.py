"""The collector paused during an import, and what the import keeps settled in the oldest generation.

Settling is process-wide: these tests pin what it must not cost — cycles stay collectable,
the collector comes back, and repeated re-imports of a township do not grow the process.
"""

from __future__ import annotations

import gc
import weakref
from dataclasses import replace
from pathlib import Path

import pytest
from graphgen import generate

from graphmodel import open_store
from graphmodel.gc_pause import gc_paused


class _Node:
    pass


def _rss_kb() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * 4


def test_a_kept_pause_leaves_nothing_young_and_its_cycles_collectable():
    gc.collect()
    with gc_paused():
        with gc_paused(kept=True):  # an inner block asks: the outermost end settles
            made = [_Node() for _ in range(5000)]
            a, b = _Node(), _Node()
            a.other, b.other = b, a  # a cycle: only the collector frees it
        assert not gc.isenabled()
    assert gc.isenabled()
    assert gc.get_count()[0] < 100  # the block's 5,000 objects are not waiting for a young collection
    ref = weakref.ref(a)
    del a, b, made
    assert ref() is not None
    gc.collect()
    assert ref() is None


def test_a_block_that_raises_still_settles_and_gives_the_collector_back():
    with pytest.raises(ValueError), gc_paused(kept=True):
        [_Node() for _ in range(5000)]
        raise ValueError("x")
    assert gc.isenabled()
    assert gc.get_count()[0] < 100


def _changed(seed: int, n: int):
    """Version ``n`` of one township's list: the same list with the time limit of one item edited."""
    tl = generate(seed, 60, township="回收镇")
    tl.items[0] = replace(tl.items[0], time_limit=f"{n % 2 + 1}个工作日")
    return tl


def test_re_imports_of_a_township_do_not_grow_the_process():
    gc.collect()
    store = open_store("memory", data_dir=None)
    for n in range(3):  # warm: a first import, then one round of each version
        store.replace_township(_changed(7, n))
    # the same list again and again: nothing changes, nothing is kept
    store.replace_township(_changed(7, 2))
    gc.collect()
    objects, rss = len(gc.get_objects()), _rss_kb()
    for _ in range(20):
        assert store.replace_township(_changed(7, 2)).unchanged
    assert gc.collect() == 0  # the imports left no cycle behind for a full collection to find
    assert len(gc.get_objects()) - objects < 50
    assert _rss_kb() - rss < 2048
    # a changed list each time: each import keeps one round (its snapshot); nothing else stays
    rounds = len(store.rounds("回收镇"))
    gc.collect()
    objects = len(gc.get_objects())
    for n in range(20):
        store.replace_township(_changed(7, n + 1))
    assert len(store.rounds("回收镇")) == rounds + 20
    assert gc.collect() == 0
    per_round = (len(gc.get_objects()) - objects) / 20
    assert per_round < 60, per_round  # a round's records (lists of the list's own nodes), not a copy of the list
