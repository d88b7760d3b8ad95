"""A township's item evidence, computed from its list at write time and kept beside it on Neo4j.

The whole-store evidence questions (ownership, item_coverage, what_if, the audit …) read a few
fields of every item and its leads, cooperators, bases and villages (``queries.slim_cards``).
Asked of the graph, that is four expansions per township and a driver value per field and
relation: 90,000 items at 300 townships took 7 s (server and client). The import writes the same
rows once, as one JSON text per township in a ``TownshipEvidence`` node, in the transaction that
writes the list (the one-transaction import and ``bulk_load``; deleted with the township;
the staged swap of a list too large for one transaction drops it: ~7 MB of rows for 10,000 items
overran the swap's transaction memory, so such a township is read through the graph). A question then reads one text per township.

What is kept depends on the township's own list only: of its items (sorted by key) the values of
:data:`KEPT_FIELDS`, and per relation the item's index, the other end's key and the relation's
text. What the other end *is* (a department's name and level, a law's title and article, a
village's name and kind) is read from the graph when asked (``cypher.QUESTIONS["evidence_nodes"]``):
county departments and legal bases are shared with other townships, so a kept copy could go stale.

Properties, each a JSON text so that a question reads only what it asks (about 210 KB per
township of 300 items, most of it the long texts): ``field_<name>`` per kept field, the values in
item order; ``parties`` [[item index, 1 if LEADS else 0, department key, text], ...]; ``bases``
[[item index, basis key, cited text], ...]; ``villages`` [[item index, village key, text], ...].

The township's text pairs (``graphmodel.text_similarity.township_text_pairs``: near-duplicate and
cross-part pairs at the questions' default thresholds) are kept on the same node: ``near_pairs``,
``cross_pairs`` and their own ``text_pairs_version`` (the pair rules may change without the rows'), and
its topics (``graphmodel.text_topics.township_topics``): ``topics`` and ``topics_version``.

A store written before this module has no such node (``neo4j-admin import`` writes it from the CSV): the
questions then ask the items as before (and the next import of the township writes it).
``version`` changes when the rows' meaning does.
"""

from __future__ import annotations

from typing import Any

import orjson

from . import cypher
from .model import TownshipList
from .text_similarity import township_text_pairs
from .text_topics import township_topics
from .vocab import RelType

__all__ = ["EVIDENCE_VERSION", "KEPT_FIELDS", "township_evidence", "write_evidence"]

#: The rows' format; a question reads only nodes of this version (others are asked as before).
EVIDENCE_VERSION = 1

#: The item fields kept: the evidence of a finding (key … source) and every text the evidence
#: questions judge (queries.audit.AUDIT_FIELDS, ownership's and coverage's fields). A question
#: asking another field reads the graph.
KEPT_FIELDS: tuple[str, ...] = (
    "key", "township", "name", "sub_item", "code", "part", "power_type", "source_file", "source_sheet",
    "source_row", "lead_text", "receiving_dept", "work_mode", "note", "village_text", "time_limit",
    "procedure", "upper_duty", "township_duty", "content", "basis_text",
)


def township_evidence(tlist: TownshipList) -> dict[str, Any]:
    """The properties of ``tlist``'s TownshipEvidence node.

    >>> from graphmodel.model import DutyItem, Relation
    >>> tl = TownshipList.empty("甲镇")
    >>> tl.items = [DutyItem("item:甲镇:b", "甲镇", "乙"), DutyItem("item:甲镇:a", "甲镇", "甲")]
    >>> tl.relations = [Relation("dept:甲镇:办", "LEADS", "item:甲镇:b", "牵头")]
    >>> props = township_evidence(tl)
    >>> orjson.loads(props["field_name"]), orjson.loads(props["parties"])
    (['甲', '乙'], [[1, 1, 'dept:甲镇:办', '牵头']])
    """
    items = sorted(tlist.items, key=lambda i: i.key)
    index = {item.key: n for n, item in enumerate(items)}
    parties, bases, villages = [], [], []
    for r in sorted(tlist.relations, key=lambda r: (r.src, r.type, r.dst, r.text)):
        if r.type in (RelType.LEADS, RelType.COOPERATES_ON) and r.dst in index:
            parties.append([index[r.dst], 1 if r.type == RelType.LEADS else 0, r.src, r.text])
        elif r.type == RelType.BASED_ON and r.src in index:
            bases.append([index[r.src], r.dst, r.text])
        elif r.type == RelType.ASSISTS and r.dst in index:
            villages.append([index[r.dst], r.src, r.text])
    props: dict[str, Any] = {"township": tlist.township.name, "version": EVIDENCE_VERSION, "items": len(items)}
    for f in KEPT_FIELDS:
        props[f"field_{f}"] = orjson.dumps([getattr(i, f) for i in items]).decode()
    for name, rows in (("parties", parties), ("bases", bases), ("villages", villages)):
        props[name] = orjson.dumps(rows).decode()
    props.update(township_text_pairs(items))
    props.update(township_topics(items))
    return props


def write_evidence(tx: Any, tlist: TownshipList, delete: bool) -> None:
    """Replace (or with ``delete`` drop) the township's evidence inside the transaction writing its list."""
    if delete:
        tx.run(cypher.TOWNSHIP_EVIDENCE_DROP, township=tlist.township.name).consume()
    else:
        tx.run(cypher.TOWNSHIP_EVIDENCE_PUT, township=tlist.township.name, props=township_evidence(tlist)).consume()
