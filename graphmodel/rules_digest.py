"""The version of a rule whose results are kept at write time: a hash of the files the rule lives in.

A township's text pairs and topics are kept on Neo4j with the version of the rule that found
them, and a question uses kept results of the current version only. A number bumped by hand is
forgotten the day a threshold or a word table changes, and the kept results would then be served
as if current. The hash of the rule's files changes with any edit to them, so the kept results of
an older rule are passed over (the question computes them itself) until the township is imported
again. The embedded store's kept answers are keyed the same way (``queries.kept_files.source_hash``),
over every file of the packages.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

__all__ = ["rules_digest"]


def rules_digest(*names: str, base: Path | None = None) -> str:
    """A short hash of the named files of the ``graphmodel`` package (or of ``base``): their
    names and bytes, in the order given.

    >>> rules_digest("normalize.py") == rules_digest("normalize.py")
    True
    >>> rules_digest("normalize.py") != rules_digest("normalize.py", "vocab.py")
    True
    """
    root = resources.files("graphmodel") if base is None else base
    h = hashlib.blake2b(digest_size=10)
    for name in names:
        h.update(name.encode("utf-8"))
        h.update(b"\0")
        h.update(root.joinpath(name).read_bytes())
        h.update(b"\0")
    return h.hexdigest()
