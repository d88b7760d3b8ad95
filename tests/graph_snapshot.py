"""A comparable snapshot of a store's list, for 'nothing changed' and 'round trip equal' tests."""

from __future__ import annotations

from dataclasses import replace


def graph_of(store, township: str | None = None) -> tuple:
    """Nodes and relations of a store with provenance (where each item was read) blanked."""
    nodes = []
    for node_type in ("Township", "DutyItem", "Department", "Village", "LegalBasis"):
        for n in store.nodes(node_type, township):
            if node_type == "DutyItem":
                n = replace(n, source_file="", source_sheet="", source_row=0)
            if node_type == "Township":
                n = replace(n, sources=(), layout=())  # which files and columns it was read from
            nodes.append(n)
    return tuple(nodes), store.relations(township=township)
