"""The code key of answers kept on disk: dutygraph's version and a hash of the code that computes them.

A township's answers kept beside its part file (:mod:`graphmodel.store_files`) are served again
only under the same key: the township's and the shared part's digests (the store adds them) and
:func:`code_key` — dutygraph's version, Python's version and a hash of every file of the
``graphmodel`` and ``queries`` packages (code, lexicons, tables), the modules any answer may
depend on. Hashing the whole of both packages rather than each query's own imports is coarser
(any change to them invalidates every kept answer) and cannot miss a dependency. The
``DUTYGRAPH_`` settings are part of each answer's own name (``queries._common.kept``).

The classes an answer may hold are the records of those packages (dataclasses, named tuples,
enums): the unpickler builds nothing else (:func:`graphmodel.store_files.unpickle`).
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import importlib.metadata
import os
import re
import sys
from pathlib import Path

import graphmodel

__all__ = ["PACKAGES", "code_key", "source_hash", "version"]

#: The packages whose code an answer may depend on (every module of them is hashed).
PACKAGES = ("graphmodel", "queries")


def version() -> str:
    """dutygraph's version: the source tree's ``pyproject.toml`` when run from one (importlib's
    look-up scans every installed distribution: 6 ms of a fresh process's first question), else
    the installed one's ("unknown" when not installed: the hash still keys the code)."""
    try:
        text = (Path(graphmodel.__file__).parent.parent / "pyproject.toml").read_text(encoding="utf-8")
        found = re.search(r'^\[project\][^\[]*?^version\s*=\s*"([^"]+)"', text, re.M | re.S)
        if found:
            return found.group(1)
    except OSError:
        pass
    try:
        return importlib.metadata.version("dutygraph")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def source_hash() -> str:
    """A hash of every file of :data:`PACKAGES` (names and bytes; caches left out).

    >>> len(source_hash())
    40
    """
    h = hashlib.blake2b(digest_size=20)
    base = os.path.dirname(os.path.dirname(graphmodel.__file__))
    files = []
    for package in PACKAGES:
        for folder, dirs, names in os.walk(os.path.join(base, package)):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            files += [os.path.join(folder, n) for n in names if not n.endswith((".pyc", ".pyo"))]
    for path in sorted(files):
        with open(path, "rb") as fh:
            data = fh.read()
        h.update(os.path.relpath(path, base).encode("utf-8"))
        h.update(b"\0")
        h.update(data)
        h.update(b"\0")
    return h.hexdigest()


def _allowed() -> frozenset[tuple[str, str]]:
    """The record classes of the loaded modules of :data:`PACKAGES`, as (module, name)."""
    out = set()
    for name, module in list(sys.modules.items()):
        if module is None or name.split(".")[0] not in PACKAGES:
            continue
        for attr, value in list(vars(module).items()):
            if not isinstance(value, type) or value.__module__ != name:
                continue
            if dataclasses.is_dataclass(value) or issubclass(value, enum.Enum) or (
                    issubclass(value, tuple) and hasattr(value, "_fields")):
                out.add((name, attr))
    out.add(("collections", "Counter"))  # a dict of counts (the townships' parts of the count questions)
    return frozenset(out)


@functools.lru_cache(maxsize=1)
def code_key() -> tuple[tuple[str, ...], frozenset[tuple[str, str]]]:
    """(the key: version, Python's version, source hash; the classes an answer may be built of),
    once per process (the query modules are imported by then: ``queries`` imports them all)."""
    import queries  # noqa: F401 - every query module loaded, so that their records are allowed

    return (version(), "%d.%d" % sys.version_info[:2], source_hash()), _allowed()
