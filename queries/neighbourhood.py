"""Neighbourhood: the nodes around any node to a depth, optionally cut to a limit that says what was cut.

With ``limit`` the nearest nodes are kept (by hop distance, then node type order
DutyItem, Department, Village, LegalBasis, Township, then key); ``cut_nodes`` and
``cut_relations`` count what was left out.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass

from graphmodel import NODE_TYPES, DutyStore, InvalidArgument, Node, Relation

__all__ = ["Neighbourhood", "neighbourhood"]


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    """A node's surroundings: nodes (sorted by key), relations among them, distances and what was cut."""

    center: str
    depth: int
    nodes: tuple[Node, ...]
    relations: tuple[Relation, ...]
    distances: tuple[tuple[str, int], ...]  # (node key, hops from the center), sorted by key
    cut_nodes: int
    cut_relations: int

    @property
    def truncated(self) -> bool:
        return bool(self.cut_nodes or self.cut_relations)


def neighbourhood(store: DutyStore, key: str, depth: int = 1, rel_types: Sequence[str] = (),
                  limit: int | None = None) -> Neighbourhood:
    """Nodes within ``depth`` hops of ``key`` (IN_TOWNSHIP not followed unless asked), at most ``limit``.

    >>> from queries._examples import example_store
    >>> n = neighbourhood(example_store(), "item:示例镇:code:SL-001", depth=1)
    >>> len(n.nodes), len(n.relations), n.truncated
    (6, 5, False)
    >>> n = neighbourhood(example_store(), "item:示例镇:code:SL-001", depth=1, limit=3)
    >>> [x.key for x in n.nodes], n.cut_nodes, n.cut_relations
    (['dept:示例镇:农业农村办', 'dept:示例镇:自然资源所', 'item:示例镇:code:SL-001'], 3, 3)
    """
    if limit is not None and limit < 1:
        raise InvalidArgument("limit must be >= 1")
    sub = store.neighbourhood(key, depth, rel_types)
    adj: dict[str, set[str]] = defaultdict(set)
    for r in sub.relations:
        adj[r.src].add(r.dst)
        adj[r.dst].add(r.src)
    dist = {key: 0}
    queue = deque([key])
    while queue:
        k = queue.popleft()
        for other in sorted(adj[k]):
            if other not in dist:
                dist[other] = dist[k] + 1
                queue.append(other)
    nodes = list(sub.nodes)
    kept = nodes
    if limit is not None and len(nodes) > limit:
        rank = {t: i for i, t in enumerate(NODE_TYPES)}
        ordered = sorted(nodes, key=lambda n: (dist.get(n.key, depth + 1), rank[n.node_type], n.key))
        kept = sorted(ordered[:limit], key=lambda n: n.key)
    keys = {n.key for n in kept}
    rels = tuple(r for r in sub.relations if r.src in keys and r.dst in keys)
    return Neighbourhood(key, depth, tuple(kept), rels, tuple(sorted((k, d) for k, d in dist.items() if k in keys)),
                         len(nodes) - len(kept), len(sub.relations) - len(rels))
