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


def test_import_round_is_written_on_save_with_the_text_of_the_imported_list(tmp_path):
    """The embedded store keeps an import's round as a ListSnapshot and writes its text on save:
    the round reads as the list imported, a later change to the caller's list does not reach it,
    and the file holds the same text as list_to_json (the on-disk format is unchanged)."""
    from graphmodel import open_store
    from graphmodel.review import ListSnapshot

    tlist = generate(3, 30)
    want = list_to_json(tlist)
    store = open_store("memory", data_dir=tmp_path / "s")
    store.replace_township(tlist)
    held = store._review[tlist.township.name]["Round"]["R1"]["blob"]
    assert isinstance(held, ListSnapshot) or held == want  # saved at once outside bulk(): already text
    tlist.items.clear()  # the caller's list, changed after the import
    tlist.relations.clear()
    assert store._review_blob(tlist.township.name, "Round", "R1") == want
    assert store.round_list(tlist.township.name, 1).items == list_from_dict(json.loads(want)).items
    again = open_store("memory", data_dir=tmp_path / "s")
    assert again._review_blob(tlist.township.name, "Round", "R1") == want


def test_bulk_import_rounds_stay_snapshots_until_the_one_save(tmp_path):
    from graphmodel import open_store
    from graphmodel.review import ListSnapshot

    lists = [generate(10 + i, 20, township=f"快{i}镇") for i in range(3)]
    want = {t.township.name: list_to_json(t) for t in lists}
    store = open_store("memory", data_dir=None)
    for t in lists:
        store.replace_township(t)
    assert all(isinstance(store._review[n]["Round"]["R1"]["blob"], ListSnapshot) for n in want)
    lists[0].items.clear()  # the caller's list, changed after the import and before the text is written
    lists[0].relations.pop()
    assert {n: store._review_blob(n, "Round", "R1") for n in want} == want
    lists = [generate(10 + i, 20, township=f"快{i}镇") for i in range(3)]
    saved = open_store("memory", data_dir=tmp_path / "b")
    with saved.bulk():
        for t in lists:
            saved.replace_township(t)
        assert all(isinstance(saved._review[n]["Round"]["R1"]["blob"], ListSnapshot) for n in want)
    assert all(saved._review[n]["Round"]["R1"]["blob"] == want[n] for n in want)  # written by the save
    reopened = open_store("memory", data_dir=tmp_path / "b")
    assert {n: reopened._review_blob(n, "Round", "R1") for n in want} == want


def test_the_review_records_read_from_outside_hold_text():
    """``MemoryStore.review`` (what tests, the upgrade and the old single-file writer read) gives every
    blob as text: the pending snapshots are written on that read, and the import path did not write them."""
    from graphmodel import open_store
    from graphmodel.review import ListSnapshot

    tlist = generate(4, 20)
    store = open_store("memory", data_dir=None)
    store.replace_township(tlist)
    assert isinstance(store._review[tlist.township.name]["Round"]["R1"]["blob"], ListSnapshot)
    data = json.loads(json.dumps(store.review, ensure_ascii=False))
    assert data[tlist.township.name]["Round"]["R1"]["blob"] == list_to_json(tlist)
