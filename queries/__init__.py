"""Boundary questions over a duty graph, written once against the public DutyStore reads.

One module per kind of question (overlaps, gaps, ownership, coverage, handshake, legal,
villages, chains, whatif, lookup, neighbourhood); :func:`run_audit` runs them all. Every
result is a frozen, sorted record so that the memory and Neo4j stores answer alike.
"""

from ._common import (
    GROUPS,
    KINDS,
    SEVERITIES,
    DeptRole,
    Finding,
    ItemEvidence,
    KindInfo,
)
from .audit import AuditResult, resolve_kinds, run_audit
from .lookup import LookupHit
from .neighbourhood import Neighbourhood
from .registry import QUERIES, QuerySpec, parse_params, run_query
from .whatif import WhatIf, what_if

__all__ = [
    "GROUPS", "KINDS", "QUERIES", "SEVERITIES",
    "AuditResult", "DeptRole", "Finding", "ItemEvidence", "KindInfo", "LookupHit", "Neighbourhood",
    "QuerySpec", "WhatIf",
    "parse_params", "resolve_kinds", "run_audit", "run_query", "what_if",
]
