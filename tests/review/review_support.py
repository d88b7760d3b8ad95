"""Constants and comparison helpers for the review tests."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import loaders

SAMPLE = Path(loaders.__file__).parent / "sample_data" / "XX镇履行职责事项清单.xlsx"
TOWN = "XX镇"
# Items of the sample with planted boundary problems (loaders/sample_data/planted.json).
HOMESTEAD = "item:XX镇:code:XXZ-JB-049"  # 农村宅基地审批: 农业农村服务中心 and 自然资源所 both lead
SANITATION = "item:XX镇:code:XXZ-JB-070"  # 环境卫生整治: 环卫所 and 综合行政执法队 both lead
RELIEF = "item:XX镇:code:XXZ-JB-047"  # 自然灾害受灾群众救助: no lead
NO_BASIS = "item:XX镇:code:XXZ-JB-011"  # 企业服务和项目帮办: no legal basis


def graph_of(store, township: str | None = None) -> tuple:
    """Nodes and relations of a township with provenance (where each item was read) blanked."""
    nodes = []
    for node_type in ("Township", "DutyItem", "Department", "Village", "LegalBasis"):
        for n in store.nodes(node_type, township):
            if node_type == "DutyItem":
                n = replace(n, source_file="", source_sheet="", source_row=0)
            if node_type == "Township":
                n = replace(n, sources=())
            nodes.append(n)
    return tuple(nodes), store.relations(township=township)
