"""The counts `dutygraph info` shows, kept at the head of the embedded store's head file.

The embedded store writes them with every save into its head file (``dutygraph.json``, which
names the township files: :mod:`graphmodel.store_files`; replaced by one rename, so they are
never out of date), and :func:`read_summary` reads them from the first bytes without networkx or building
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

#: How every head file of schema 4 starts; the summary object follows.
HEAD = '{"format":"dutygraph-memory-store","schema_version":4,"summary":'
#: The same for a single-file store of schema 3 (read until its first save writes schema 4).
_HEADS = (HEAD, HEAD.replace('"schema_version":4', '"schema_version":3'))
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
        head = next((h for h in _HEADS if data.startswith(h.encode("utf-8"))), None)
        if head is None:
            return None
        while True:
            try:
                doc, _ = json.JSONDecoder().raw_decode(data.decode("utf-8", errors="ignore"), len(head))
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
