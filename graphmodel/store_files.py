"""The embedded store on disk: a small head file naming one file per township.

Layout of the data directory (schema 4):

- ``dutygraph.json``, the head: format, schema version, the summary ``dutygraph info`` shows
  (first, so that it is read from the first bytes: :mod:`graphmodel.store_summary`), the
  generation, and the name of each township's file.
- ``dutygraph.parts/``: one file per township (its nodes, the relations that start at them or
  reach them from shared nodes, its review records), and ``shared.<generation>.json`` for what
  no township owns (legal bases, county departments).

Measured on a county of 30 townships (bench/README.md): the single file was 29.7 MB rewritten
after every import; now an import writes its township's file (~1 MB) and the head.

A save writes the changed parts under new names (``<stem>.<generation>.json``), fsyncs them and
the folder, and only then replaces the head by an atomic rename (:mod:`graphmodel.atomic_file`): a save killed at any point
leaves the old head, which names complete old files. Files no head names (a killed save's, or
replaced two saves ago) are removed by the next save, under the write lock; the files of the
head just replaced stay one more save, for a process that is reading the store meanwhile.

JSON through ``orjson`` (measured on the county's 29.7 MB: dumps 0.09 s against the stdlib's
0.48 s, loads 0.18 s against 0.32 s); no pickle, a store may come from another machine.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import fields
from operator import itemgetter
from pathlib import Path
from typing import Any

import orjson

from .model import Department, DutyItem, LegalBasis, Node, Township, Village, node_from_dict

__all__ = [
    "FORMAT",
    "HEAD_FILE",
    "PARTS_DIR",
    "PART_FORMAT",
    "SCHEMA_VERSION",
    "SHARED",
    "dumps",
    "fsync_dir",
    "is_part_layout",
    "loads",
    "nodes_from_dicts",
    "part_file",
    "read_json",
    "read_store",
    "remove_unnamed",
    "write_part",
]

#: 4: a head naming one file per township (3 and before: everything in the one file).
SCHEMA_VERSION = 4
HEAD_FILE = "dutygraph.json"
PARTS_DIR = "dutygraph.parts"
FORMAT = "dutygraph-memory-store"
PART_FORMAT = "dutygraph-memory-store-part"
#: The part of what no township owns (a township's name is never empty).
SHARED = ""


def dumps(doc: Any) -> bytes:
    """UTF-8 JSON, Chinese as text; str enums as their values."""
    return orjson.dumps(doc)


def loads(data: bytes) -> Any:
    return orjson.loads(data)


def nodes_from_dicts(docs: list[dict[str, Any]]) -> list[Node]:
    """The nodes of a part file, as :func:`graphmodel.model.node_from_dict` reads each of them.

    A save writes every field of a node (``node_to_dict``), so a document holding exactly its
    class's fields is built from them in order; any other goes through ``node_from_dict``
    (older files, hand edits). Measured on a county's open: 0.40 s of 1.25 s was
    ``node_from_dict`` asking ``dataclasses.fields`` and testing each field per node.

    >>> from graphmodel.model import DutyItem, node_to_dict
    >>> item = DutyItem("i", "甲镇", "宅基地审批", extra=(("列", "值"),), filled=("name",))
    >>> nodes_from_dicts([node_to_dict(item), {"node_type": "DutyItem", "key": "j", "township": "甲镇", "name": "x"}])[0] == item
    True
    """
    layouts = {}
    for cls in (Township, DutyItem, Department, Village, LegalBasis):
        names = tuple(f.name for f in fields(cls))
        tuples = tuple(i for i, f in enumerate(fields(cls)) if str(f.type).startswith("tuple"))
        others = [n for i, n in enumerate(names) if i not in tuples]
        layouts[cls.node_type] = (cls, itemgetter(*names), tuples, itemgetter(*others, "node_type"),
                                  frozenset(names) | {"node_type"})
    out: list[Node] = []
    append = out.append
    for doc in docs:
        layout = layouts.get(doc["node_type"]) if isinstance(doc, dict) else None
        # a field outside the tuples holding a list (a hand edit) goes the slow way too: it does not
        # happen in a saved file, and node_from_dict knows what to make of it
        if layout is None or doc.keys() != layout[4] or list in map(type, layout[3](doc)):
            append(node_from_dict(doc))
            continue
        values = list(layout[1](doc))
        for i in layout[2]:
            value = values[i]
            if isinstance(value, list):  # JSON turns tuples into lists (as node_from_dict undoes it)
                values[i] = tuple(tuple(v) if isinstance(v, list) else v for v in value)
        append(layout[0](*values))
    return out


def part_file(township: str, generation: int) -> str:
    """The file name of ``township``'s part in ``generation``: a hash, never the (hostile) name itself.

    >>> part_file("", 7)
    'shared.7.json'
    >>> part_file("甲镇", 12).startswith("t-") and part_file("甲镇", 12).endswith(".12.json")
    True
    """
    if township == SHARED:
        return f"shared.{generation}.json"
    return f"t-{hashlib.sha1(township.encode('utf-8')).hexdigest()[:20]}.{generation}.json"


def is_part_layout(doc: Any) -> bool:
    """True for a head of schema 4 and later (a file naming its parts), False for the one-file store."""
    return isinstance(doc, dict) and "parts" in doc and "nodes" not in doc


def read_json(path: Path) -> Any:
    """The document in ``path`` (OSError and ValueError go to the caller, which names the file)."""
    with open(path, "rb") as fh:
        return loads(fh.read())


def read_store(head: Path) -> dict[str, Any]:
    """The whole store of schema 4 as one document: the head's fields and ``nodes``, ``relations``
    and ``review`` gathered from its parts (for tests and for looking at a store by hand)."""
    doc = read_json(head)
    out = {k: v for k, v in doc.items() if k != "parts"}
    out.update(nodes=[], relations=[], review={}, files=dict(doc["parts"]))
    for town, name in doc["parts"].items():
        part = read_json(head.parent / PARTS_DIR / name)
        out["nodes"] += part["nodes"]
        out["relations"] += part["relations"]
        if part["review"]:
            out["review"][town] = part["review"]
    out["nodes"].sort(key=lambda n: n["key"])
    out["relations"].sort(key=lambda r: (r["src"], r["type"], r["dst"], r["text"]))
    return out


def write_part(folder: Path, name: str, doc: dict) -> int:
    """Write a part file and fsync it; its bytes. No rename: no head names it before it is whole."""
    data = dumps(doc)
    fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    return len(data)


def fsync_dir(folder: Path) -> None:
    """Make the new names in ``folder`` survive a power cut (POSIX; a no-op elsewhere)."""
    if hasattr(os, "O_DIRECTORY"):
        fd = os.open(folder, os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove_unnamed(folder: Path, keep: set[str]) -> list[str]:
    """Remove the part files in ``folder`` not in ``keep`` (call under the write lock); the names removed."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        ours = name.endswith(".json") and (name.startswith("t-") or name.startswith("shared."))
        if name in keep or not ours or not entry.is_file(follow_symlinks=False):
            continue
        try:
            os.unlink(entry.path)
            removed.append(entry.name)
        except OSError:  # removed later
            pass
    return removed
