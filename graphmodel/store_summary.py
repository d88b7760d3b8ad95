"""The counts `dutygraph info` shows, kept at the head of the embedded store's file.

The embedded store writes them with every save (same atomic file, so they are never out of
date), and :func:`read_summary` reads them from the first bytes without networkx or building
the graph: `dutygraph info` on a county took 0.4–1.1 s (networkx import and the whole file),
the summary takes milliseconds. A file without one (written before) gives ``None``: the
caller then opens the store.
"""

from __future__ import annotations

import json
from pathlib import Path

from .store import StoreCounts

__all__ = ["HEAD", "STORE_FILE", "empty_summary", "read_summary"]

#: The embedded store's file name in its data directory (``memory_store.FILE_NAME``).
STORE_FILE = "dutygraph.json"

#: How every file written since the summary starts; the summary object follows.
HEAD = '{"format":"dutygraph-memory-store","schema_version":3,"summary":'
_FIRST_READ = 64 * 1024


def read_summary(path: Path) -> tuple[StoreCounts, list[str]] | None:
    """(counts, township names) from the head of the store file at ``path``; None if it has none.

    A missing file is an empty store (what opening it would show).
    """
    try:
        fh = path.open("rb")
    except FileNotFoundError:
        return empty_summary()
    except OSError:
        return None
    with fh:
        data = fh.read(_FIRST_READ)
        head = HEAD.encode("utf-8")
        if not data.startswith(head):
            return None
        while True:
            try:
                doc, _ = json.JSONDecoder().raw_decode(data.decode("utf-8", errors="ignore"), len(HEAD))
                break
            except ValueError:
                more = fh.read(len(data))  # a summary of many townships: read on
                if not more:
                    return None
                data += more
    try:
        counts = StoreCounts(*(dict(doc[k]) for k in ("nodes", "relations", "parts", "power_types")))
        return counts, [str(t) for t in doc["townships"]]
    except (KeyError, TypeError, ValueError):
        return None


def empty_summary() -> tuple[StoreCounts, list[str]]:
    """What an empty embedded store counts."""
    from .vocab import NodeType

    return StoreCounts({t.value: 0 for t in sorted(NodeType, key=lambda t: t.value)}, {}, {}, {}), []
