"""``node_to_dict`` (fields read directly, for speed) gives exactly what ``dataclasses.asdict`` gives."""

from __future__ import annotations

import dataclasses

from graphgen import generate

from graphmodel.model import node_from_dict, node_to_dict


def test_node_to_dict_equals_asdict_and_round_trips():
    tlist = generate(77, 40)
    tlist.items[0] = dataclasses.replace(tlist.items[0], extra=(("备用列", "值"), ("空", "")))
    nodes = list(tlist.nodes())
    assert any(n.node_type == "LegalBasis" for n in nodes) and any(getattr(n, "extra", ()) for n in nodes)
    for node in nodes:
        expected = dataclasses.asdict(node) | {"node_type": node.node_type}
        got = node_to_dict(node)
        assert got == expected and list(got) == list(expected)
        assert node_from_dict(got) == node


def test_part_file_reader_builds_what_node_from_dict_builds():
    """``store_files.nodes_from_dicts`` (a store's open) reads every document as ``node_from_dict``
    does: saved ones through the fast path, the others (fields missing or unknown, a list where a
    text belongs, nested lists) by falling back to it."""
    from graphmodel.store_files import nodes_from_dicts

    tlist = generate(78, 40)
    tlist.items[0] = dataclasses.replace(tlist.items[0], extra=(("备用列", "值"),), filled=("name",))
    docs = [node_to_dict(n) for n in tlist.nodes()]
    odd = [{k: v for k, v in docs[1].items() if k != "code"},  # an older file: a field missing
           docs[1] | {"unknown": 1},  # a field this version does not know
           docs[1] | {"name": ["a", ["b"]]},  # a list where a text belongs
           json_round_trip(docs[0]), json_round_trip(docs[1])]  # tuples come back as lists
    for doc in docs + odd:
        assert nodes_from_dicts([doc]) == [node_from_dict(doc)]
    assert nodes_from_dicts(docs) == list(tlist.nodes())
    assert [type(n) for n in nodes_from_dicts(docs)] == [type(n) for n in tlist.nodes()]


def json_round_trip(doc: dict) -> dict:
    import json

    return json.loads(json.dumps(doc, ensure_ascii=False))
