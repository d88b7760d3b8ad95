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
