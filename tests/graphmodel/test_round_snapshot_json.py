"""An import's round snapshot (``review.list_to_json``) is the text ``json.dumps`` writes, whichever
encoder wrote it, for generated lists and for texts meant to trip an encoder."""

from __future__ import annotations

import json
from dataclasses import replace

from graphgen import generate

from graphmodel.model import node_to_dict
from graphmodel.review import list_from_dict, list_to_json


def _plain_json(tlist) -> str:
    """The snapshot as it was written before: node_to_dict and the json module."""
    data = {
        "township": node_to_dict(tlist.township),
        "items": [node_to_dict(n) for n in sorted(tlist.items, key=lambda n: n.key)],
        "departments": [node_to_dict(n) for n in sorted(tlist.departments, key=lambda n: n.key)],
        "villages": [node_to_dict(n) for n in sorted(tlist.villages, key=lambda n: n.key)],
        "bases": [node_to_dict(n) for n in sorted(tlist.bases, key=lambda n: n.key)],
        "relations": [[r.src, r.type, r.dst, r.text] for r in sorted(tlist.relations)],
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


HOSTILE = ("".join(map(chr, range(32))) + '\x7f"\\/\u2028\u2029\ufeff😀=cmd|\'/c calc\'!A1', "\ud800 lone surrogate")


def test_snapshot_text_is_json_dumps_text():
    for seed in range(5):
        tlist = generate(seed, 40)
        assert list_to_json(tlist) == _plain_json(tlist)
        assert list_from_dict(json.loads(list_to_json(tlist))).items == sorted(tlist.items, key=lambda n: n.key)


def test_hostile_texts_are_written_as_json_dumps_writes_them():
    tlist = generate(7, 10)
    for text in HOSTILE:
        tlist.items = [replace(i, content=text, extra=((text, text),)) for i in tlist.items]
        assert list_to_json(tlist) == _plain_json(tlist)
