"""The Cypher of the schema upgrade (:mod:`graphmodel.county_upgrade`), named in :mod:`graphmodel.cypher`.

Kept apart from the statements every day's work sends: these run once per database, when
it is opened by a newer dutygraph or by ``dutygraph upgrade``. Values travel as parameters;
the upgrade also reuses ``cypher.UPSERT_NODES``, ``cypher.MERGE_RELATIONS``,
``cypher.DELETE_NODES_BY_ID``, ``cypher.NODES_BY_KEYS`` and ``cypher.REVIEW_LOCK``.
"""

from __future__ import annotations

__all__ = [
    "COUNTY_TOWNSHIPS",
    "DEPARTMENT_RELATIONS",
    "READ_SCHEMA_VERSION",
    "REVIEW_RECORDS_OF_TOWNSHIPS",
    "SET_REVIEW_RECORD",
    "TOWNSHIP_COUNTY_DEPARTMENTS",
    "WRITE_SCHEMA_VERSION",
]

# One node holds the layout version the database was last written in (absent before schema 3).
# Two processes opening an old database at once may each MERGE one (no constraint, so that the
# schema stays the list's own): the highest version counts.
READ_SCHEMA_VERSION = "MATCH (v:DutygraphSchema {key: 'store'}) RETURN max(v.version) AS version"
WRITE_SCHEMA_VERSION = "MERGE (v:DutygraphSchema {key: 'store'}) SET v.version = $version"

# The townships that belong to a county (only theirs have departments to share).
COUNTY_TOWNSHIPS = "MATCH (t:Township) WHERE coalesce(t.county, '') <> '' RETURN t.name AS name, t.county AS county"

# The county departments the townships of one county still hold each for themselves.
TOWNSHIP_COUNTY_DEPARTMENTS = """
MATCH (d:Department) WHERE d.township IN $townships AND d.level = $level
RETURN elementId(d) AS id, properties(d) AS props
"""

# Every list relation of those departments, either direction, with the node at the other end.
DEPARTMENT_RELATIONS = """
UNWIND $ids AS id
MATCH (d:Department) WHERE elementId(d) = id
MATCH (d)-[r:LEADS|COOPERATES_ON|BASED_ON|ASSISTS|FOLLOWED_BY|IN_TOWNSHIP]-(x)
RETURN d.key AS dept_key, type(r) AS type, startNode(r) = d AS outgoing, elementId(x) AS other, r.text AS text
"""

# The review records that name departments by key: decisions (their before/after slices) and
# rounds (their snapshots), of the townships of one county.
REVIEW_RECORDS_OF_TOWNSHIPS = """
MATCH (n:Decision|Round) WHERE n.township IN $townships
RETURN elementId(n) AS id, labels(n)[0] AS kind, n.data AS data, n.blob AS blob
"""

SET_REVIEW_RECORD = "MATCH (n) WHERE elementId(n) = $id SET n.data = $data, n.blob = $blob"
