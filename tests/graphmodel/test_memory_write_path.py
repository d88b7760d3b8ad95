"""The embedded store's write path (``MemoryStore._apply`` writes straight into networkx's
adjacency) against networkx's own construction of the same graph, and the cards it drops."""

from __future__ import annotations

from dataclasses import replace

import networkx as nx
from graphgen import generate

from graphmodel import open_store
from graphmodel.model import TownshipList, merge_shared, share_county_departments
from graphmodel.vocab import NodeType

COUNTY = "东河县"


def _lists(seed: int, n: int = 4, size: int = 40) -> list[TownshipList]:
    """``n`` townships of one county (so county departments are shared), the same names for every seed."""
    out = []
    for i in range(n):
        t = generate(seed * 100 + i, size, township=f"写{i}镇")
        t.township = replace(t.township, county=COUNTY)
        out.append(share_county_departments(t))
    return out


def _reference(lists: list[TownshipList]) -> nx.MultiDiGraph:
    """The graph of townships imported once each, built with networkx's add_node / add_edge."""
    g = nx.MultiDiGraph()
    for t in lists:
        for n in t.nodes():
            g.add_node(n.key, obj=merge_shared(n, g.nodes[n.key]["obj"] if n.key in g else None))
        for r in t.relations:
            g.add_edge(r.src, r.dst, key=r.type, obj=r)
    return g


def _assert_same_graph(got: nx.MultiDiGraph, want: nx.MultiDiGraph) -> None:
    assert dict(got.nodes(data="obj")) == dict(want.nodes(data="obj"))
    edges = set(got.edges(keys=True, data="obj"))
    assert edges == set(want.edges(keys=True, data="obj"))
    # the reverse adjacency holds the same edges, in the same key dicts networkx shares between both sides
    assert set(got.in_edges(keys=True, data="obj")) == edges
    assert all(got._succ[u][v] is got._pred[v][u] for u, v, _ in got.edges(keys=True))
    assert set(got.succ) == set(got.pred) == set(got.nodes)


def _assert_indexes(store) -> None:
    by_type: dict[str, set[str]] = {}
    by_township: dict[str, set[str]] = {}
    for key, node in store.graph.nodes(data="obj"):
        by_type.setdefault(node.node_type, set()).add(key)
        by_township.setdefault(node.township, set()).add(key)
    assert {k: v for k, v in store._by_type.items() if v} == by_type
    assert {k: v for k, v in store._by_township.items() if v} == by_township


def test_a_county_load_is_networkx_own_graph():
    lists = _lists(1)
    store = open_store("memory", data_dir=None)
    for t in lists:
        store.replace_township(t)
    _assert_same_graph(store.graph, _reference(lists))
    _assert_indexes(store)
    assert len(store._by_type[NodeType.ITEM]) == sum(len(t.items) for t in lists)
    # shared county departments: one node, every township's spellings
    shared = [n for _, n in store.graph.nodes(data="obj") if n.node_type == "Department" and not n.township]
    assert shared and all(n.county == COUNTY for n in shared)

    # a re-import of the same lists changes nothing
    results = [store.replace_township(t) for t in lists]
    assert all(r.unchanged for r in results)
    _assert_same_graph(store.graph, _reference(lists))


def test_cards_read_between_writes_are_dropped_when_touched(tmp_path):
    """One store reads every card between imports (the walk that drops touched cards runs), the other
    never reads (the walk is skipped); both end equal, and equal to the store read back from its file."""
    first, second = _lists(1), _lists(2)
    t = first[2]  # the same items with other texts: their keys stay, their cards must not
    edited = TownshipList(t.township, [replace(i, content=i.content + "（改）") if n % 2 else i
                                       for n, i in enumerate(t.items)], t.departments, t.villages, t.bases,
                          [replace(r, text=r.text + "（改）") if r.type == "LEADS" else r for r in t.relations])
    reading = open_store("memory", data_dir=tmp_path / "reading")
    blind = open_store("memory", data_dir=None)
    for t in [*first, second[1], edited, second[3], first[3]]:  # new townships, then replaced lists
        reading.item_cards()
        reading.replace_township(t)
        blind.replace_township(t)
    reading.delete_township(first[0].township.name)
    blind.delete_township(first[0].township.name)
    _assert_same_graph(reading.graph, blind.graph)
    _assert_indexes(reading)
    _assert_indexes(blind)
    assert reading.item_cards() == blind.item_cards()
    reopened = open_store("memory", data_dir=tmp_path / "reading")
    _assert_same_graph(reopened.graph, reading.graph)
    assert reopened.item_cards() == reading.item_cards()
    # the township replaced twice holds only its last list's items
    items = {c.key for c in reading.item_cards() if c.item.township == first[3].township.name}
    assert items == {i.key for i in first[3].items}
