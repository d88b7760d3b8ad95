"""Python's cyclic garbage collector held off during a burst of allocation (an import).

An import allocates some hundred thousand small objects (cells, rows, nodes, relations) and
frees almost none of them; the collector still walks the young ones again and again and,
as the store grows, the old ones too. Measured on a county (30 townships × 300 items,
bench/README.md "load"): a quarter of the load went to collections that found nothing.
Reference counting still frees what the block drops; a cycle made inside the block (a
caught exception's traceback) waits for the collector, which is switched back on when the
outermost block ends and runs normally from then on.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused", "settle"]

_lock = threading.Lock()
_depth = 0  # blocks open in this process (any thread)
_was_enabled = False
_kept = False  # a block of the current pause keeps what it made (settled when the pause ends)


@contextmanager
def gc_paused(kept: bool = False) -> Iterator[None]:
    """Run the block with the cyclic collector off; nested and concurrent blocks share one pause.

    ``kept``: what the block makes is meant to last (an import's records, kept by the store). When
    the pause ends, everything then tracked goes to the oldest generation (:func:`settle`) instead
    of staying young: else the first young collection after the pause walks all of it (it runs on
    the next allocation, the young count being far past its threshold) and the middle
    generation's collections walk it again. Measured on a county load (CPU, bench/README.md
    "sixth session, slice loadfloor"): the collector's share of the load ~45 -> ~0 ms.

    >>> import gc
    >>> with gc_paused():
    ...     with gc_paused():
    ...         gc.isenabled()
    ...     gc.isenabled()
    False
    False
    >>> gc.isenabled()
    True
    """
    global _depth, _was_enabled, _kept
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
        _kept = _kept or kept
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                if _kept:
                    settle()  # before the collector is back (it would walk them on the next allocation)
                    _kept = False
                if _was_enabled:
                    gc.enable()


def settle() -> None:
    """Move every object the collector tracks into its oldest generation, without collecting.

    What a paused block allocated (a store just read: a county's ~360,000 containers) is
    otherwise all "young" when the collector comes back: its next young collections walk all of
    it, then again one generation up. Measured in a fresh process on a county (CPU time, bench
    slice "opened"): the first ``no_lead`` after opening took 79 ms, 28 ms with this; the first
    audit 1.37 s, 1.23 s. Nothing is lost: objects in the oldest generation are still freed by
    reference counting, and cycles among them by the next full collection. (``gc.freeze`` then
    ``gc.unfreeze``: two list splices; a caller of its own ``gc.freeze`` would see it undone.)
    """
    gc.freeze()
    gc.unfreeze()
