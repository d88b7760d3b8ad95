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
0.48 s, loads 0.18 s against 0.32 s); no pickle for the store, a store may come from another machine.

Kept answers (``a-<digest>.<key>.pickle`` beside the parts): the answers of the questions that
depend on one township's list only, as a process computed them, so that a store just opened
answers from them instead of computing again (:meth:`graphmodel.memory_store.MemoryStore.derived_in`).
They are a cache, never the data: the head records each part's digest (``digests``; a head
without them is hashed at read), and a kept file is used only under its full key — the
township's digest, the shared part's digest and the asker's code key (its version and a hash of
its code, :mod:`queries.kept_files`) — written inside it and checked at read. A kept file is
written by a rename (a reader never sees half of one) and read by an unpickler that builds only
the classes its caller allows (plain data records): a file from elsewhere cannot run code. Any
failure to read or write one is a miss: the answer is computed as before.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
from collections.abc import Callable
from dataclasses import fields
from operator import itemgetter
from pathlib import Path
from typing import Any

import orjson

from .env_number import env_number
from .model import Department, DutyItem, LegalBasis, Node, Township, Village, node_from_dict

__all__ = [
    "ANSWERS_PREFIX",
    "FORMAT",
    "HEAD_FILE",
    "KeptAnswers",
    "PARTS_DIR",
    "PART_FORMAT",
    "SCHEMA_VERSION",
    "SHARED",
    "answers_file",
    "digest",
    "dumps",
    "fsync_dir",
    "is_part_layout",
    "loads",
    "nodes_from_dicts",
    "part_file",
    "read_answers",
    "read_json",
    "read_json_digest",
    "read_store",
    "remove_stale_answers",
    "remove_unnamed",
    "unpickle",
    "write_answers",
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
#: Kept answers' files start so (``answers_file``).
ANSWERS_PREFIX = "a-"


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


def read_json_digest(path: Path) -> tuple[Any, str]:
    """The document in ``path`` and the digest of its bytes (a part named by a head without digests)."""
    with open(path, "rb") as fh:
        data = fh.read()
    return loads(data), digest(data)


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


def digest(data: bytes) -> str:
    """The digest of a part file's bytes (the key of the answers kept for it).

    >>> digest(b"x") == digest(b"x") != digest(b"y")
    True
    """
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def write_part(folder: Path, name: str, doc: dict) -> str:
    """Write a part file and fsync it; the digest of its bytes (the head records it: the key of
    the answers kept for the part). No rename: no head names it before it is whole."""
    data = dumps(doc)
    fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    return digest(data)


def fsync_dir(folder: Path) -> None:
    """Make the new names in ``folder`` survive a power cut (POSIX; a no-op elsewhere)."""
    if hasattr(os, "O_DIRECTORY"):
        fd = os.open(folder, os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _sweep(folder: Path, unwanted: Callable[[os.DirEntry], bool]) -> list[str]:
    """Remove the files of ``folder`` that ``unwanted`` picks (a file another process holds open
    stays readable to it; one that cannot be removed now is removed by a later sweep); their names."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not unwanted(entry):
            continue
        try:
            os.unlink(entry.path)
            removed.append(entry.name)
        except OSError:
            pass
    return removed


def remove_unnamed(folder: Path, keep: set[str]) -> list[str]:
    """Remove the part files in ``folder`` not in ``keep`` (call under the write lock); the names removed."""
    def unwanted(entry: os.DirEntry) -> bool:
        name = entry.name
        ours = name.endswith(".json") and (name.startswith("t-") or name.startswith("shared."))
        return ours and name not in keep and entry.is_file(follow_symlinks=False)

    return _sweep(folder, unwanted)


def answers_file(part_digest: str, key: str, group: str = "") -> str:
    """The name of the answers kept for the part of ``part_digest`` under ``key`` (a hex digest of
    the rest of the key: the shared part's digest and the asker's code key), one file per
    ``group`` of questions (a hex digest of the module asking: a question's first ask adds its
    answers to its own module's file, not to one file holding every answer of the township).

    >>> answers_file("ab" * 20, "cd" * 20, "ef" * 4)
    'a-abababababababababababababababab.cdcdcdcdcdcdcdcd.efefefef.pickle'
    """
    return f"{ANSWERS_PREFIX}{part_digest[:32]}.{key[:16]}.{group[:8]}.pickle"


class _Allowed(pickle.Unpickler):
    """An unpickler that builds only the classes ``allowed`` names (module, name): no other global,
    so that a kept file cannot call anything (the Python documentation's "restricting globals")."""

    def __init__(self, data: bytes, allowed: frozenset[tuple[str, str]]) -> None:
        super().__init__(io.BytesIO(data))
        self._allowed = allowed

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in self._allowed:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a kept answers file")
        return super().find_class(module, name)


def unpickle(data: bytes, allowed: frozenset[tuple[str, str]]) -> Any:
    """``data`` unpickled building only the classes in ``allowed`` (UnpicklingError otherwise).

    >>> unpickle(pickle.dumps((1, "甲", frozenset({2}))), frozenset())
    (1, '甲', frozenset({2}))
    >>> unpickle(pickle.dumps(os.getcwd), frozenset())
    Traceback (most recent call last):
    ...
    _pickle.UnpicklingError: posix.getcwd is not allowed in a kept answers file
    """
    return _Allowed(data, allowed).load()


#: Bytes read with a kept file's index: the small answers (column questions) come with it.
_FIRST_READ = 64 * 1024
#: The first bytes of a kept answers file (its layout's version).
_ANSWERS_MAGIC = b"DGKEPT1\n"


class KeptAnswers:
    """A kept answers file as read: its index (name -> offset and length of the pickled answer);
    an answer is read from the file only when asked (a column question reads its own, not the
    audit's). Files are never changed in place (written whole, then renamed), so the file still
    holding the inode, size and time it had when its index was read still holds those answers."""

    __slots__ = ("_path", "_seen", "_index", "_first")

    def __init__(self, path: Path, seen: tuple[int, int, int], index: dict[tuple, tuple[int, int]],
                 first: bytes = b"") -> None:
        self._path, self._seen, self._index, self._first = path, seen, index, first

    def get(self, name: tuple) -> bytes | None:
        """The pickled answer ``name``; None when there is none or the file was replaced since."""
        where = self._index.get(name)
        if where is None:
            return None
        if where[0] + where[1] <= len(self._first):  # in the first bytes, read with the index
            return self._first[where[0]:where[0] + where[1]]
        try:
            fd = os.open(self._path, os.O_RDONLY)
            try:
                st = os.fstat(fd)
                if (st.st_ino, st.st_size, st.st_mtime_ns) != self._seen:
                    return None
                data = os.pread(fd, where[1], where[0])
            finally:
                os.close(fd)
        except OSError:
            return None
        return data if len(data) == where[1] else None

    def blobs(self) -> dict[tuple, bytes]:
        """name -> pickled answer, every one still readable (to write them again with new ones)."""
        out = {}
        for name in self._index:
            data = self.get(name)
            if data is not None:
                out[name] = data
        return out


def read_answers(path: Path, key: tuple) -> KeptAnswers | None:
    """The index of the kept file ``path`` written under ``key``, or None: no such file, another
    key, a damaged or foreign file (a miss, never an error)."""
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            start = len(_ANSWERS_MAGIC) + 8
            first = fh.read(_FIRST_READ)  # the index and the small answers, written first
            if len(first) < start or not first.startswith(_ANSWERS_MAGIC):
                return None
            size = int.from_bytes(first[len(_ANSWERS_MAGIC):start], "little")
            if start + size > st.st_size:
                return None
            if start + size > len(first):
                first += fh.read(start + size - len(first))
            head = unpickle(first[start:start + size], frozenset())
        base = start + size
        if not (isinstance(head, tuple) and len(head) == 2 and head[0] == key and isinstance(head[1], dict)):
            return None
        index = {name: (base + o, n) for name, (o, n) in head[1].items()}
        if any(o + n > st.st_size for o, n in index.values()):
            return None  # cut short
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, IndexError,
            KeyError, MemoryError):
        return None
    return KeptAnswers(path, (st.st_ino, st.st_size, st.st_mtime_ns), index, first)


def write_answers(folder: Path, name: str, key: tuple, answers: dict[tuple, bytes]) -> bool:
    """Write the kept file ``name``: ``key`` and an index of ``answers`` (name -> pickled answer),
    then the answers, by a rename of a temp file; False when it cannot (a read-only store: the
    answers stay in memory).

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> write_answers(d, "a-x.y.pickle", ("k",), {("q", 1): b"one", ("q", 2): b"two"})
    True
    >>> read_answers(d / "a-x.y.pickle", ("k",)).get(("q", 2)), read_answers(d / "a-x.y.pickle", ("other",))
    (b'two', None)
    """
    tmp = folder / f".{name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    try:
        answers = dict(sorted(answers.items(), key=lambda kv: len(kv[1])))  # small first: read with the index
        index, offset = {}, 0
        for answer, data in answers.items():
            index[answer] = (offset, len(data))
            offset += len(data)
        head = pickle.dumps((key, index), protocol=pickle.HIGHEST_PROTOCOL)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(_ANSWERS_MAGIC + len(head).to_bytes(8, "little") + head)
            for data in answers.values():
                fh.write(data)
        os.replace(tmp, folder / name)
        return True
    except (OSError, pickle.PicklingError, TypeError):
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False


def remove_stale_answers(folder: Path, digests: set[str]) -> list[str]:
    """Remove the kept files (and their temp files) of parts whose digest is not in ``digests``
    (call under the write lock, after a save); the names removed."""
    keep = {d[:32] for d in digests}

    def unwanted(entry: os.DirEntry) -> bool:
        name = entry.name
        if name.startswith("." + ANSWERS_PREFIX) and name.endswith(".tmp"):
            return True  # a writer's temp file (one killed midway, or one writing now: its rename then fails, a miss)
        return name.startswith(ANSWERS_PREFIX) and name[len(ANSWERS_PREFIX):].split(".", 1)[0] not in keep

    return _sweep(folder, unwanted)


#: The disk kept answers may take by default, in MB (``$DUTYGRAPH_KEPT_ANSWERS_MB``; 0 keeps none).
KEPT_ANSWERS_MB = 512


def kept_answers_budget() -> int:
    """The bytes kept answers may take on disk: ``$DUTYGRAPH_KEPT_ANSWERS_MB`` (0: none kept, none read)."""
    return env_number("DUTYGRAPH_KEPT_ANSWERS_MB", KEPT_ANSWERS_MB, 0) * 2**20


def trim_answers(folder: Path, budget: int, adding: int) -> bool:
    """Make room for ``adding`` bytes of kept answers within ``budget`` bytes: remove the kept files
    written longest ago (a cache: a file removed is a miss, computed again) until the rest and the
    new ones fit; False when the new ones alone do not fit (they are then not written)."""
    if adding > budget:
        return False
    found = []
    try:
        for entry in os.scandir(folder):
            if entry.name.startswith(ANSWERS_PREFIX) and entry.name.endswith(".pickle"):
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                found.append((st.st_mtime_ns, entry.name, st.st_size))
    except OSError:
        return True
    used = sum(size for _, _, size in found)
    oldest = set()
    for _, name, size in sorted(found):
        if used + adding <= budget:
            break
        oldest.add(name)
        used -= size
    if oldest:
        _sweep(folder, lambda entry: entry.name in oldest)
    return True
    for entry in entries:
        name = entry.name
        if name.startswith("." + ANSWERS_PREFIX) and name.endswith(".tmp"):
            pass  # a writer's temp file (one killed midway, or one writing now: its rename then fails, a miss)
        elif not name.startswith(ANSWERS_PREFIX) or name[len(ANSWERS_PREFIX):].split(".", 1)[0] in keep:
            continue
        try:
            os.unlink(entry.path)
            removed.append(entry.name)
        except OSError:
            pass
    return removed
