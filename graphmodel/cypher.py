"""Every Cypher statement the Neo4j store sends, as named constants with ``$parameters``.

A reviewer reads this one file to see everything the database is asked. Labels
and relation types appear only as literal text from the fixed vocabulary
(:mod:`graphmodel.vocab`); where one must vary, the store picks among the
per-label or per-type constants below (dicts keyed by the vocabulary value).
Values always travel as parameters, never inside the text.

Layout of the graph: one node per record, its label the node type
(``DutyItem``, ``Department``, ``Village``, ``LegalBasis``, ``Township``), its
properties the record's fields (plus ``node_type``; ``Township`` nodes carry
``township`` = their name so that "the nodes of a township" is one indexed
lookup per label; ``DutyItem.extra`` becomes the parallel lists ``extra_keys``
and ``extra_values``). Relations carry ``text``.

The county-upgrade section (schema 2 -> 3, run once per database) is
:mod:`graphmodel.cypher_upgrade`.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "AWAIT_INDEXES",
    "AWAIT_INDEX",
    "INDEXES_NOT_ONLINE",
    "INDEX_STATE",
    "ADMIN_IMPORT_DONE",
    "ADMIN_IMPORT_FILL",
    "ADMIN_IMPORT_PENDING",
    "BULK_CREATE_NODES",
    "BULK_CREATE_RELATIONS",
    "BULK_CREATE_RECORDS",
    "BULK_DROP_INDEXES",
    "BULK_IS_EMPTY",
    "QUESTIONS",
    "BLANK",
    "BLANK_ITEMS",
    "COOPERATION_COUNTS_ALL",
    "COOPERATION_COUNTS_IN_TOWNSHIP",
    "DEPARTMENT_LEAD_COUNTS_ALL",
    "DEPARTMENT_LEAD_COUNTS_IN_TOWNSHIP",
    "DEPARTMENT_LEAD_INCOMPLETE",
    "ITEMS_WITHOUT_BASIS_ALL",
    "ITEMS_WITHOUT_BASIS_IN_TOWNSHIP",
    "WRITTEN_COLUMNS_ALL",
    "WRITTEN_COLUMNS_IN_TOWNSHIP",
    "BASIS_CITERS",
    "LOCK_BASES",
    "LOCK_BASES_NODES_BY_LABELLED_KEYS",
    "SHARED_NODE_USERS",
    "TOWNSHIP_COUNTY",
    "TOWNSHIP_STATS_DIGEST",
    "TOWNSHIP_STATS_DROP",
    "TOWNSHIP_STATS_PUT",
    "TOWNSHIP_EVIDENCE_DROP",
    "TOWNSHIP_EVIDENCE_PUT",
    "BULK_CREATE_EVIDENCE",
    "WIPE_EVIDENCE_BATCH",
    "TYPED_CARD_SOURCES",
    "BULK_CREATE_STATS",
    "COUNT_NODES_ALL",
    "COUNT_NODES_IN_TOWNSHIP",
    "COUNT_RELATIONS_ALL",
    "COUNT_RELATIONS_IN_TOWNSHIP",
    "DELETE_NODES_BY_ID",
    "DELETE_RELATIONS_BY_ID",
    "FIND_NODES",
    "FULLTEXT_INDEX",
    "ITEM_CARDS",
    "ITEM_PARTS_ALL",
    "ITEM_PARTS_IN_TOWNSHIP",
    "MERGE_RELATIONS",
    "CREATE_NODES",
    "CREATE_NODES_ALL",
    "CREATE_RELATIONS_ALL",
    "CREATE_LIST_ALL",
    "CREATE_LIST_LABELS",
    "CREATE_RELATIONS_BY_KEY",
    "MERGE_NODES",
    "MERGE_RELATIONS_BY_KEY",
    "SET_NODES",
    "STAGE_DROP_BATCH",
    "STAGE_DROP_RETIRED_BATCH",
    "STAGE_DROP_RETIRED_RELATIONS_BATCH",
    "STAGE_DROP_RELATIONS_BATCH",
    "STAGE_PROMOTE",
    "STAGE_RETIRE",
    "STAGE_RELATIONS",
    "STAGE_NODES",
    "STAGE_ROUND",
    "STAGE_ROUND_PUT",
    "STAGE_LOCK_VERSION",
    "STAGE_TOWNSHIP_ROWS",
    "NEIGHBOURHOOD_EXPAND",
    "NEIGHBOURHOOD_GRAPH",
    "NODES_ALL",
    "NODES_BY_KEYS",
    "NODES_BY_LABELLED_KEYS",
    "NODES_IN_TOWNSHIP",
    "RELATIONS_ALL",
    "RELATIONS_IN_TOWNSHIP",
    "RELATIONS_OF_TYPE",
    "SCHEMA",
    "SEARCH_ITEMS_ALL",
    "SEARCH_ITEMS_FULLTEXT",
    "SEARCH_ITEMS_IN_TOWNSHIP",
    "TOWNSHIP_NODES",
    "TOWNSHIP_RELATIONS",
    "UPSERT_NODES",
    "WIPE_BATCH",
    "WIPE_STATS_BATCH",
    "WIPE_RELATIONS_BATCH",
    "REVIEW_BLOB",
    "REVIEW_DROP",
    "REVIEW_LINK",
    "REVIEW_LOCK",
    "REVIEW_LOCK_RECORDS",
    "REVIEW_PUT",
    "REVIEW_PUT_ALL",
    "review_put",
    "REVIEW_RECORDS",
    "REVIEW_RECORDS_ALL",
    "REVIEW_SCHEMA",
    "WIPE_REVIEW_BATCH",
]

# ---- schema (run on open; every statement idempotent) ------------------------------------

FULLTEXT_INDEX = "duty_item_text"

SCHEMA: tuple[str, ...] = (
    "CREATE CONSTRAINT duty_item_key IF NOT EXISTS FOR (n:DutyItem) REQUIRE n.key IS UNIQUE",
    "CREATE CONSTRAINT department_key IF NOT EXISTS FOR (n:Department) REQUIRE n.key IS UNIQUE",
    "CREATE CONSTRAINT village_key IF NOT EXISTS FOR (n:Village) REQUIRE n.key IS UNIQUE",
    "CREATE CONSTRAINT legal_basis_key IF NOT EXISTS FOR (n:LegalBasis) REQUIRE n.key IS UNIQUE",
    "CREATE CONSTRAINT township_key IF NOT EXISTS FOR (n:Township) REQUIRE n.key IS UNIQUE",
    "CREATE CONSTRAINT basis_lock_key IF NOT EXISTS FOR (n:BasisLock) REQUIRE n.key IS UNIQUE",
    "CREATE INDEX duty_item_township IF NOT EXISTS FOR (n:DutyItem) ON (n.township)",
    "CREATE INDEX department_township IF NOT EXISTS FOR (n:Department) ON (n.township)",
    "CREATE INDEX village_township IF NOT EXISTS FOR (n:Village) ON (n.township)",
    "CREATE INDEX township_township IF NOT EXISTS FOR (n:Township) ON (n.township)",
    "CREATE INDEX duty_item_part IF NOT EXISTS FOR (n:DutyItem) ON (n.part)",
    "CREATE INDEX duty_item_power_type IF NOT EXISTS FOR (n:DutyItem) ON (n.power_type)",
    # the questions that read one sheet (township and part) at a time (QUESTIONS: department_load,
    # missing_fields, completeness) seek it here: one township seek per part read the township 3×
    "CREATE INDEX duty_item_township_part IF NOT EXISTS FOR (n:DutyItem) ON (n.township, n.part)",
    "CREATE INDEX staged_key IF NOT EXISTS FOR (n:Staged) ON (n.stage, n.key)",
    # a township's aggregates kept at write time (graphmodel.township_stats; slice neotown)
    "CREATE CONSTRAINT township_stats_township IF NOT EXISTS FOR (n:TownshipStats) REQUIRE n.township IS UNIQUE",
    # a township's item evidence kept at write time (graphmodel.township_evidence; slice neoevid)
    "CREATE CONSTRAINT township_evidence_township IF NOT EXISTS FOR (n:TownshipEvidence) REQUIRE n.township IS UNIQUE",
    # Lucene's CJK analyzer indexes runs of Han characters as overlapping bigrams, so a
    # quoted Chinese term of two or more characters is a phrase query that finds every
    # item containing it (docs/neo4j.md, "Full-text index").
    (
        "CREATE FULLTEXT INDEX duty_item_text IF NOT EXISTS FOR (n:DutyItem) "
        "ON EACH [n.name, n.sub_item, n.content, n.category] "
        "OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}"
    ),
)

AWAIT_INDEXES = "CALL db.awaitIndexes($seconds)"
# The indexes still populating (a store's open waits for each but the full-text one, below)
INDEXES_NOT_ONLINE = "SHOW INDEXES YIELD name, state WHERE state <> 'ONLINE' RETURN name, state"
AWAIT_INDEX = "CALL db.awaitIndex($name, $seconds)"
INDEX_STATE = "SHOW INDEXES YIELD name, state WHERE name = $name RETURN state"

# ---- writing: one township's replace, all in one transaction ------------------------------

# The nodes a township owns: its items, departments, villages and its Township node.
_OWNED = """
CALL () {
  MATCH (n:DutyItem {township: $township}) RETURN n
  UNION ALL
  MATCH (n:Department {township: $township}) RETURN n
  UNION ALL
  MATCH (n:Village {township: $township}) RETURN n
  UNION ALL
  MATCH (n:Township {township: $township}) RETURN n
}
"""

TOWNSHIP_NODES = _OWNED + "RETURN elementId(n) AS id, properties(n) AS props"

# Every relation touching a node the township owns (either direction), with both ends.
TOWNSHIP_RELATIONS = (
    _OWNED
    + """
MATCH (n)-[r:LEADS|COOPERATES_ON|BASED_ON|ASSISTS|FOLLOWED_BY|IN_TOWNSHIP]-()
WITH DISTINCT r
WITH r, startNode(r) AS a, endNode(r) AS b
RETURN elementId(r) AS id, a.key AS src, type(r) AS type, b.key AS dst, r.text AS text,
       elementId(a) AS src_id, elementId(b) AS dst_id
"""
)

# Existing nodes among the keys of a new list that the township does not own (shared bases).
NODES_BY_KEYS: dict[str, str] = {
    "DutyItem": "MATCH (n:DutyItem) WHERE n.key IN $keys RETURN elementId(n) AS id, properties(n) AS props",
    "Department": "MATCH (n:Department) WHERE n.key IN $keys RETURN elementId(n) AS id, properties(n) AS props",
    "Village": "MATCH (n:Village) WHERE n.key IN $keys RETURN elementId(n) AS id, properties(n) AS props",
    "LegalBasis": "MATCH (n:LegalBasis) WHERE n.key IN $keys RETURN elementId(n) AS id, properties(n) AS props",
    "Township": "MATCH (n:Township) WHERE n.key IN $keys RETURN elementId(n) AS id, properties(n) AS props",
}

# The same for several labels in one round trip: each label's keys in its own parameter
# ($DutyItem, $Department, … ; an empty list seeks nothing).
NODES_BY_LABELLED_KEYS = "CALL () {\n" + "\n  UNION ALL\n".join(
    f"  MATCH (n:{label}) WHERE n.key IN ${label} RETURN n"
    for label in ("DutyItem", "Department", "Village", "LegalBasis", "Township")
) + "\n}\nRETURN elementId(n) AS id, properties(n) AS props"

# Legal bases are shared between townships. An import write-locks one lock node per basis it
# starts or stops citing, in key order, before it reads the shared bases or who cites them:
# so township A cannot delete a basis as orphaned while township B, not yet committed, starts
# citing it (A waits, then sees B's citation; or B waits, then MERGEs the basis anew).
LOCK_BASES = "UNWIND $keys AS k MERGE (l:BasisLock {key: k}) SET l.version = coalesce(l.version, 0) + 1"
# The two in one round trip (a statement costs ~10 ms of server CPU however small): the locks of
# $keys taken first, then the nodes of $DutyItem, $Department … read as NODES_BY_LABELLED_KEYS does.
LOCK_BASES_NODES_BY_LABELLED_KEYS = (
    "CALL () { UNWIND $keys AS k MERGE (l:BasisLock {key: k}) SET l.version = coalesce(l.version, 0) + 1 }\n"
    "WITH 1 AS locked\n" + NODES_BY_LABELLED_KEYS)

# Who cites each candidate orphan basis (by element id), across all townships.
BASIS_CITERS = """
UNWIND $ids AS id
MATCH (b) WHERE elementId(b) = id
RETURN b.key AS key, COLLECT { MATCH (i)-[:BASED_ON]->(b) RETURN i.key } AS citing
"""

# The county of a stored township (a delete brings an empty list): whose shared departments it touches.
TOWNSHIP_COUNTY = "MATCH (t:Township {key: $key}) RETURN t.county AS county"

# Who uses each candidate orphan shared node (a basis, a county department), by element id:
# the keys of every node a list relation joins it to, across all townships.
SHARED_NODE_USERS = """
UNWIND $ids AS id
MATCH (b) WHERE elementId(b) = id
RETURN b.key AS key, COLLECT {
  MATCH (b)-[:LEADS|COOPERATES_ON|BASED_ON|ASSISTS|FOLLOWED_BY|IN_TOWNSHIP]-(x) RETURN x.key
} AS users
"""

DELETE_RELATIONS_BY_ID = """
UNWIND $ids AS id
MATCH ()-[r]->() WHERE elementId(r) = id
DELETE r
"""

DELETE_NODES_BY_ID = """
UNWIND $ids AS id
MATCH (n) WHERE elementId(n) = id
DETACH DELETE n
"""

# Rows: {key, props}; ``SET n = row.props`` replaces every property (props include key).
UPSERT_NODES: dict[str, str] = {
    "DutyItem": "UNWIND $rows AS row MERGE (n:DutyItem {key: row.key}) SET n = row.props "
    "RETURN row.key AS key, elementId(n) AS id",
    "Department": "UNWIND $rows AS row MERGE (n:Department {key: row.key}) SET n = row.props "
    "RETURN row.key AS key, elementId(n) AS id",
    "Village": "UNWIND $rows AS row MERGE (n:Village {key: row.key}) SET n = row.props "
    "RETURN row.key AS key, elementId(n) AS id",
    "LegalBasis": "UNWIND $rows AS row MERGE (n:LegalBasis {key: row.key}) SET n = row.props "
    "RETURN row.key AS key, elementId(n) AS id",
    "Township": "UNWIND $rows AS row MERGE (n:Township {key: row.key}) SET n = row.props "
    "RETURN row.key AS key, elementId(n) AS id",
}

# Rows: {src, dst, text} with src/dst element ids (known from the reads or the upserts).
_MERGE_REL_HEAD = """
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.src
MATCH (b) WHERE elementId(b) = row.dst
"""
MERGE_RELATIONS: dict[str, str] = {
    "LEADS": _MERGE_REL_HEAD + "MERGE (a)-[r:LEADS]->(b) SET r.text = row.text",
    "COOPERATES_ON": _MERGE_REL_HEAD + "MERGE (a)-[r:COOPERATES_ON]->(b) SET r.text = row.text",
    "BASED_ON": _MERGE_REL_HEAD + "MERGE (a)-[r:BASED_ON]->(b) SET r.text = row.text",
    "ASSISTS": _MERGE_REL_HEAD + "MERGE (a)-[r:ASSISTS]->(b) SET r.text = row.text",
    "FOLLOWED_BY": _MERGE_REL_HEAD + "MERGE (a)-[r:FOLLOWED_BY]->(b) SET r.text = row.text",
    "IN_TOWNSHIP": _MERGE_REL_HEAD + "MERGE (a)-[r:IN_TOWNSHIP]->(b) SET r.text = row.text",
}

# The import's writes by key (what a hand-written UNWIND loader sends), no element ids travel
# back: a node nowhere in the database is CREATEd (its key is new, found by neither the read of
# the township nor the per-label lookup of the list's other keys); a node that exists is SET by
# key; a shared node (a legal basis, a county department) is MERGEd, since another township's
# import may create it at the same moment. A relation with an end the import owns or creates is
# CREATEd: the diff read every relation of the owned nodes, and a new node has none. Only a
# relation between two nodes that exist outside the township is MERGEd. Labels and types come
# from the fixed tuples below (every combination, so a list with unusual ends still finds one).
_LABELS = ("DutyItem", "Department", "Village", "LegalBasis", "Township")
_REL_TYPES = ("LEADS", "COOPERATES_ON", "BASED_ON", "ASSISTS", "FOLLOWED_BY", "IN_TOWNSHIP")

CREATE_NODES: dict[str, str] = {label: f"UNWIND $rows AS row CREATE (n:{label}) SET n = row" for label in _LABELS}
SET_NODES: dict[str, str] = {
    label: f"UNWIND $rows AS row MATCH (n:{label} {{key: row.key}}) SET n = row" for label in _LABELS}
MERGE_NODES: dict[str, str] = {
    label: f"UNWIND $rows AS row MERGE (n:{label} {{key: row.key}}) SET n = row" for label in _LABELS}

# (relation type, start label, end label) -> rows {src, dst, text} with the ends' keys.
CREATE_RELATIONS_BY_KEY: dict[tuple[str, str, str], str] = {
    (rel, a, b): f"UNWIND $rows AS row MATCH (a:{a} {{key: row.src}}) MATCH (b:{b} {{key: row.dst}}) "
    f"CREATE (a)-[:{rel} {{text: row.text}}]->(b)"
    for rel in _REL_TYPES for a in _LABELS for b in _LABELS
}
MERGE_RELATIONS_BY_KEY: dict[tuple[str, str, str], str] = {
    (rel, a, b): f"UNWIND $rows AS row MATCH (a:{a} {{key: row.src}}) MATCH (b:{b} {{key: row.dst}}) "
    f"MERGE (a)-[r:{rel}]->(b) SET r.text = row.text"
    for rel in _REL_TYPES for a in _LABELS for b in _LABELS
}

# An import's new nodes and new relations in one statement each (a CALL per label, and per
# relation of the model, each with its own $parameter of rows): a round trip per label and per
# relation kind cost a township's import more than its rows did (bench/README.md, neoload).
# A relation between other labels (never in a list of ours) goes through CREATE_RELATIONS_BY_KEY.
MODEL_RELATIONS: tuple[tuple[str, str, str], ...] = (
    ("LEADS", "Department", "DutyItem"),
    ("COOPERATES_ON", "Department", "DutyItem"),
    ("BASED_ON", "DutyItem", "LegalBasis"),
    ("ASSISTS", "Village", "DutyItem"),
    ("FOLLOWED_BY", "DutyItem", "DutyItem"),
    ("IN_TOWNSHIP", "DutyItem", "Township"),
    ("IN_TOWNSHIP", "Department", "Township"),
    ("IN_TOWNSHIP", "Village", "Township"),
)


def rows_parameter(rel: str, a: str, b: str) -> str:
    """The parameter of CREATE_RELATIONS_ALL holding the rows of (rel, a, b)."""
    return f"{rel}_{a}_{b}"


CREATE_NODES_ALL = "\n".join(
    f"CALL () {{ UNWIND ${label} AS row CREATE (n:{label}) SET n = row }}" for label in sorted(_LABELS))
CREATE_RELATIONS_ALL = "\n".join(
    f"CALL () {{ UNWIND ${rows_parameter(rel, a, b)} AS row MATCH (a:{a} {{key: row.src}}) "
    f"MATCH (b:{b} {{key: row.dst}}) CREATE (a)-[:{rel} {{text: row.text}}]->(b) }}"
    for rel, a, b in sorted(MODEL_RELATIONS))

# The new nodes and the model's new relations in ONE statement, the relations' ends taken from the
# nodes just created by their position instead of a key seek each (slice neoload, sixth session):
# a key seek of a node created in the same transaction reads the index through the transaction's
# changes, and those seeks were 85 % of CREATE_RELATIONS_ALL's server time (51 of 60 ms a township
# of 300 items, measured with the MATCHes alone). Parameters: a rows list per label ($DutyItem …,
# created in CREATE_LIST_LABELS order), $ends_<label>: the keys of relation ends that exist already
# (shared, or kept from the stored list), $keys: the keys of all those nodes in that order; and per
# relation of the model its rows {s, d, text}, s and d positions in that order. The statement
# returns one row only when the nodes found are exactly $keys in order (an end missing or out of
# order returns none, and the caller raises: the transaction is rolled back).
CREATE_LIST_LABELS: tuple[str, ...] = tuple(sorted(_LABELS))
CREATE_LIST_ALL = "\n".join(
    [f"CALL () {{ UNWIND ${label} AS row CREATE (n:{label}) SET n = row RETURN collect(n) AS new_{label} }}"
     for label in CREATE_LIST_LABELS]
    + [f"CALL () {{ UNWIND $ends_{label} AS k MATCH (n:{label} {{key: k}}) RETURN collect(n) AS old_{label} }}"
       for label in CREATE_LIST_LABELS]
    + ["WITH " + " + ".join([f"new_{label}" for label in CREATE_LIST_LABELS]
                            + [f"old_{label}" for label in CREATE_LIST_LABELS]) + " AS nodes",
       "WITH nodes WHERE [n IN nodes | n.key] = $keys"]
    + [f"CALL (nodes) {{ UNWIND ${rows_parameter(rel, a, b)} AS row WITH nodes[row.s] AS a, nodes[row.d] AS b, row "
       f"CREATE (a)-[:{rel} {{text: row.text}}]->(b) }}" for rel, a, b in sorted(MODEL_RELATIONS)]
    + ["RETURN size(nodes) AS nodes"])

# Deletes up to $batch of the list's relations, then (WIPE_BATCH) of our nodes; the store repeats
# each until it deletes none. Relations first: at 300 townships one DETACH DELETE of 10,000 nodes
# took their relations along (a shared law is cited thousands of times) and overran the 256 MB
# transaction memory.
WIPE_RELATIONS_BATCH = """
MATCH ()-[r:LEADS|COOPERATES_ON|BASED_ON|ASSISTS|FOLLOWED_BY|IN_TOWNSHIP]->()
WITH r LIMIT $batch
DELETE r
RETURN count(*) AS deleted
"""

WIPE_BATCH = """
MATCH (n:DutyItem|Department|Village|LegalBasis|Township|Staged)
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
"""

# The townships' aggregates, in smaller batches: each holds its list's rows as JSON texts (about
# 130 KB for 300 items), and 2,000 of them in one 10,000-node batch overran the 256 MB transaction memory.
WIPE_STATS_BATCH = """
MATCH (n:TownshipStats)
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
"""

# ---- reading nodes and relations ------------------------------------------------------------

# Any node by key, whatever its label: one index seek per label.
FIND_NODES = """
CALL () {
  MATCH (n:DutyItem) WHERE n.key IN $keys RETURN n
  UNION ALL
  MATCH (n:Department) WHERE n.key IN $keys RETURN n
  UNION ALL
  MATCH (n:Village) WHERE n.key IN $keys RETURN n
  UNION ALL
  MATCH (n:LegalBasis) WHERE n.key IN $keys RETURN n
  UNION ALL
  MATCH (n:Township) WHERE n.key IN $keys RETURN n
}
RETURN elementId(n) AS id, properties(n) AS props
"""

NODES_ALL: dict[str, str] = {
    "DutyItem": "MATCH (n:DutyItem) RETURN properties(n) AS props",
    "Department": "MATCH (n:Department) RETURN properties(n) AS props",
    "Village": "MATCH (n:Village) RETURN properties(n) AS props",
    "LegalBasis": "MATCH (n:LegalBasis) RETURN properties(n) AS props",
    "Township": "MATCH (n:Township) RETURN properties(n) AS props",
}

# A township's departments: its own offices, and the shared county departments (township '') that
# lead or cooperate on its items or belong to it, found from the township's nodes. Asked from the
# other end (every department with township '', then their relations) it expanded every relation of
# every county's departments: 0.35-0.67 s at 300 townships in counties of 20 (59,554 relations for
# 33 rows), 0.01 s from the township's side. ``size(n.township) = 0`` is ``n.township = ''`` in a
# form no index answers, so that the planner cannot start from the shared departments. Slice neotown.
_TOWNSHIP_DEPARTMENTS = """CALL () {
  MATCH (n:Department {township: $township}) RETURN n
  UNION
  MATCH (:Township {township: $township})<-[:IN_TOWNSHIP]-(n:Department) WHERE size(n.township) = 0 RETURN n
  UNION
  MATCH (:DutyItem {township: $township})<-[:LEADS|COOPERATES_ON]-(n:Department) WHERE size(n.township) = 0 RETURN n
}"""

NODES_IN_TOWNSHIP: dict[str, str] = {
    "DutyItem": "MATCH (n:DutyItem {township: $township}) RETURN properties(n) AS props",
    # Its own offices, and the shared county departments (township '') pointing at its nodes.
    "Department": _TOWNSHIP_DEPARTMENTS + " RETURN properties(n) AS props",
    "Village": "MATCH (n:Village {township: $township}) RETURN properties(n) AS props",
    # Bases are shared: a township's are those its items cite.
    "LegalBasis": "MATCH (:DutyItem {township: $township})-[:BASED_ON]->(n) "
    "RETURN DISTINCT properties(n) AS props",
    "Township": "MATCH (n:Township {township: $township}) RETURN properties(n) AS props",
}

_REL_RETURN = "RETURN a.key AS src, type(r) AS type, b.key AS dst, r.text AS text"

# (A relation with a Staged end belongs to a list being staged or just replaced: not shown.)
_NOT_STAGED = "WHERE NOT a:Staged "
RELATIONS_ALL = ("MATCH (a)-[r:LEADS|COOPERATES_ON|BASED_ON|ASSISTS|FOLLOWED_BY|IN_TOWNSHIP]->(b) " + _NOT_STAGED
                 + _REL_RETURN)

RELATIONS_OF_TYPE: dict[str, str] = {
    "LEADS": "MATCH (a)-[r:LEADS]->(b) " + _NOT_STAGED + _REL_RETURN,
    "COOPERATES_ON": "MATCH (a)-[r:COOPERATES_ON]->(b) " + _NOT_STAGED + _REL_RETURN,
    "BASED_ON": "MATCH (a)-[r:BASED_ON]->(b) " + _NOT_STAGED + _REL_RETURN,
    "ASSISTS": "MATCH (a)-[r:ASSISTS]->(b) " + _NOT_STAGED + _REL_RETURN,
    "FOLLOWED_BY": "MATCH (a)-[r:FOLLOWED_BY]->(b) " + _NOT_STAGED + _REL_RETURN,
    "IN_TOWNSHIP": "MATCH (a)-[r:IN_TOWNSHIP]->(b) " + _NOT_STAGED + _REL_RETURN,
}

# Relations touching a township's nodes; $type null means every type.
RELATIONS_IN_TOWNSHIP = (
    _OWNED
    + """
MATCH (n)-[r:LEADS|COOPERATES_ON|BASED_ON|ASSISTS|FOLLOWED_BY|IN_TOWNSHIP]-()
WHERE $type IS NULL OR type(r) = $type
WITH DISTINCT r
WITH r, startNode(r) AS a, endNode(r) AS b
"""
    + _REL_RETURN
)

# ---- neighbourhood -------------------------------------------------------------------------

# Nodes within N hops (either direction, allowed types only) of any of $ids, the $ids
# included. DISTINCT end nodes with the path unused lets the planner expand breadth-first
# with pruning, so the cost grows with the neighbourhood, not with the number of paths.
# Var-length bounds must be literals: the store composes deeper neighbourhoods from these.
_EXPAND_HEAD = """
UNWIND $ids AS id
MATCH (s) WHERE elementId(s) = id
"""
NEIGHBOURHOOD_EXPAND: dict[int, str] = {
    1: _EXPAND_HEAD
    + "MATCH (s)-[rs*0..1]-(m) WHERE all(r IN rs WHERE type(r) IN $types) RETURN DISTINCT elementId(m) AS id",
    2: _EXPAND_HEAD
    + "MATCH (s)-[rs*0..2]-(m) WHERE all(r IN rs WHERE type(r) IN $types) RETURN DISTINCT elementId(m) AS id",
    3: _EXPAND_HEAD
    + "MATCH (s)-[rs*0..3]-(m) WHERE all(r IN rs WHERE type(r) IN $types) RETURN DISTINCT elementId(m) AS id",
    4: _EXPAND_HEAD
    + "MATCH (s)-[rs*0..4]-(m) WHERE all(r IN rs WHERE type(r) IN $types) RETURN DISTINCT elementId(m) AS id",
}

# The found nodes and, for each, its outgoing relations of allowed types inside the set.
NEIGHBOURHOOD_GRAPH = """
UNWIND $ids AS id
MATCH (n) WHERE elementId(n) = id
RETURN properties(n) AS props,
       COLLECT {
         MATCH (n)-[r]->(m) WHERE type(r) IN $types AND elementId(m) IN $ids
         RETURN [type(r), m.key, r.text]
       } AS out
"""

# ---- item cards ----------------------------------------------------------------------------

# Where the candidate items come from; the store picks the most selective one that the
# filter allows, so the planner can seek on an index or start from one node.
_CANDIDATES: dict[str, str] = {
    "keys": "UNWIND $keys AS k MATCH (i:DutyItem {key: k})",
    "department": "MATCH (:Department {key: $department})-[:LEADS|COOPERATES_ON]->(c:DutyItem) "
    "WITH DISTINCT c AS i",
    "village": "MATCH (:Village {key: $village})-[:ASSISTS]->(c:DutyItem) WITH DISTINCT c AS i",
    "township": "MATCH (i:DutyItem {township: $township})",
    "parts": "MATCH (i:DutyItem) WHERE i.part IN $parts",
    "power_types": "MATCH (i:DutyItem) WHERE i.power_type IN $power_types",
    "all": "MATCH (i:DutyItem)",
}

# The whole ItemFilter (ItemFilter.admits), whichever candidates we started from.
_ITEM_FILTER = """
WITH i WHERE ($township IS NULL OR i.township = $township)
  AND (size($parts) = 0 OR i.part IN $parts)
  AND (size($power_types) = 0 OR i.power_type IN $power_types)
  AND (size($keys) = 0 OR i.key IN $keys)
  AND ($department IS NULL OR EXISTS { MATCH (d)-[:LEADS|COOPERATES_ON]->(i) WHERE d.key = $department })
  AND ($village IS NULL OR EXISTS { MATCH (v)-[:ASSISTS]->(i) WHERE v.key = $village })
WITH i, COUNT { MATCH ()-[:LEADS]->(i) } AS lead_count
WHERE ($min_leads IS NULL OR lead_count >= $min_leads)
  AND ($max_leads IS NULL OR lead_count <= $max_leads)
"""

# One township's items and items by key (what a per-township question reads): two relation
# subqueries and at most the filter's plain parts (below), the whole filter applied by the store to
# the cards (ItemFilter.admits, the reference semantics). Planning the filter and six subqueries above took 0.3–0.7 s on a statement's
# first use (EXPLAIN after the query caches were cleared, 30 townships), this one 0.1–0.2 s; the
# rows are the same relations, split by type in Python (neo4j_store._lean_card). Slice neotown.
_CARD_RETURN_LEAN = """
RETURN properties(i) AS item,
  COLLECT { MATCH (i)-[r:BASED_ON|FOLLOWED_BY]->(o)
            RETURN [type(r), o.key, CASE WHEN r:BASED_ON THEN properties(o) END, r.text] } AS out,
  COLLECT { MATCH (i)<-[r:LEADS|COOPERATES_ON|ASSISTS|FOLLOWED_BY]-(o)
            RETURN [type(r), o.key, o.name, CASE WHEN r:ASSISTS THEN o.kind ELSE o.level END, r.text] } AS inc
"""
# One township's items are narrowed here by the filter's plain parts (list part, power type, lead
# bounds; every parameter one type whatever the filter, so one plan: a null where an int had been
# cost a new plan): no_lead asks 9 of 300 items' cards (0.03 s, against 0.07 s for all of them); the
# department and village tests (EXISTS subqueries, costly to plan) are left to the store.
_ITEM_FILTER_PLAIN = """
WITH i WHERE (size($parts) = 0 OR i.part IN $parts) AND (size($power_types) = 0 OR i.power_type IN $power_types)
WITH i, COUNT { ()-[:LEADS]->(i) } AS lead_count
WHERE ($min_leads < 0 OR lead_count >= $min_leads) AND ($max_leads < 0 OR lead_count <= $max_leads)
"""
#: The candidate sources read with _CARD_RETURN_LEAN and filtered (again, wholly) by the store.
TYPED_CARD_SOURCES = frozenset({"township", "keys"})

# One row per item with everything a card holds; the store sorts the collected lists.
_CARD_RETURN = """
RETURN properties(i) AS item,
  COLLECT { MATCH (d)-[r:LEADS]->(i) RETURN [d.key, d.name, d.level, r.text] } AS leads,
  COLLECT { MATCH (d)-[r:COOPERATES_ON]->(i) RETURN [d.key, d.name, d.level, r.text] } AS cooperators,
  COLLECT { MATCH (v)-[r:ASSISTS]->(i) RETURN [v.key, v.name, v.kind, r.text] } AS villages,
  COLLECT { MATCH (i)-[r:BASED_ON]->(b) RETURN {basis: properties(b), text: r.text} } AS bases,
  COLLECT { MATCH (i)-[:FOLLOWED_BY]->(n) RETURN n.key } AS next_items,
  COLLECT { MATCH (p)-[:FOLLOWED_BY]->(i) RETURN p.key } AS prev_items
"""

ITEM_CARDS: dict[str, str] = {
    name: head + (_ITEM_FILTER_PLAIN if name == "township" else "")
    + (_CARD_RETURN_LEAN if name in TYPED_CARD_SOURCES else _ITEM_FILTER + _CARD_RETURN)
    for name, head in _CANDIDATES.items()}

# Substring search exactly as the memory store does it: any term in
# name + "\n" + sub_item + "\n" + content + "\n" + category.
_SEARCH_FILTER = r"""
WITH i WHERE any(t IN $terms WHERE
  (i.name + '\n' + i.sub_item + '\n' + i.content + '\n' + i.category) CONTAINS t)
"""
# One township's (lookup, as the dashboard asks it): the lean cards, cheaper to plan (0.33 s on first use
# at 300 townships with the six subqueries); neo4j_store._lean_card reads them. Slice neotown.
SEARCH_ITEMS_IN_TOWNSHIP = "MATCH (i:DutyItem {township: $township})" + _SEARCH_FILTER + _CARD_RETURN_LEAN
SEARCH_ITEMS_ALL = "MATCH (i:DutyItem)" + _SEARCH_FILTER + _CARD_RETURN
# Candidates from the CJK full-text index (a superset for Han-only terms of 2+ characters),
# then the same substring test, so the answer is identical to SEARCH_ITEMS_ALL.
SEARCH_ITEMS_FULLTEXT = (
    "CALL db.index.fulltext.queryNodes('duty_item_text', $query) YIELD node AS c WITH DISTINCT c AS i"
    + _SEARCH_FILTER
    + _CARD_RETURN
)

# ---- counts ---------------------------------------------------------------------------------

# Whole-store counts come from the count store: one lookup per label and per type.
COUNT_NODES_ALL = """
MATCH (n:DutyItem) RETURN 'DutyItem' AS type, count(n) AS n
UNION ALL MATCH (n:Department) RETURN 'Department' AS type, count(n) AS n
UNION ALL MATCH (n:Village) RETURN 'Village' AS type, count(n) AS n
UNION ALL MATCH (n:LegalBasis) RETURN 'LegalBasis' AS type, count(n) AS n
UNION ALL MATCH (n:Township) RETURN 'Township' AS type, count(n) AS n
"""

COUNT_NODES_IN_TOWNSHIP = """
MATCH (n:DutyItem {township: $township}) RETURN 'DutyItem' AS type, count(n) AS n
UNION ALL """ + _TOWNSHIP_DEPARTMENTS + """ RETURN 'Department' AS type, count(n) AS n
UNION ALL MATCH (n:Village {township: $township}) RETURN 'Village' AS type, count(n) AS n
UNION ALL MATCH (:DutyItem {township: $township})-[:BASED_ON]->(n)
  RETURN 'LegalBasis' AS type, count(DISTINCT n) AS n
UNION ALL MATCH (n:Township {township: $township}) RETURN 'Township' AS type, count(n) AS n
"""

# Each from the count store, less the relations starting at a Staged node (also a count-store read).
COUNT_RELATIONS_ALL = "\nUNION ALL\n".join(
    f"CALL () {{ MATCH ()-[r:{rel}]->() RETURN count(r) AS total }} "
    f"CALL () {{ MATCH (:Staged)-[r:{rel}]->() RETURN count(r) AS staged }} "
    f"RETURN '{rel}' AS type, total - staged AS n"
    for rel in ("LEADS", "COOPERATES_ON", "BASED_ON", "ASSISTS", "FOLLOWED_BY", "IN_TOWNSHIP")
)

COUNT_RELATIONS_IN_TOWNSHIP = (
    _OWNED
    + """
MATCH (n)-[r:LEADS|COOPERATES_ON|BASED_ON|ASSISTS|FOLLOWED_BY|IN_TOWNSHIP]-()
WITH DISTINCT r
RETURN type(r) AS type, count(r) AS n
"""
)

# Items grouped by (part, power type); the store folds these into the two counters.
ITEM_PARTS_ALL = "MATCH (i:DutyItem) RETURN i.part AS part, i.power_type AS power_type, count(*) AS n"
ITEM_PARTS_IN_TOWNSHIP = (
    "MATCH (i:DutyItem {township: $township}) RETURN i.part AS part, i.power_type AS power_type, count(*) AS n"
)


# ---- column questions (DutyStore.items_without_basis, written_columns, blank_items) ---------
# Answered in the database; only keys or (township, part, field) groups come back.

ITEMS_WITHOUT_BASIS_ALL = "MATCH (i:DutyItem) WHERE NOT EXISTS { (i)-[:BASED_ON]->() } RETURN i.key AS key"
ITEMS_WITHOUT_BASIS_IN_TOWNSHIP = (
    "MATCH (i:DutyItem {township: $township}) WHERE NOT EXISTS { (i)-[:BASED_ON]->() } RETURN i.key AS key"
)

#: A text that Python's ``str.strip()`` would make empty (passed as ``$blank``): Java's ``\s``
#: covers ASCII whitespace only, so the other characters ``str.isspace`` accepts are listed.
BLANK = r"[\s\x{1c}-\x{1f}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]*"

# $fields: DutyItem text fields (checked against graphmodel.store.TEXT_FIELDS).
_WRITTEN = """
UNWIND $fields AS f
WITH i, f WHERE NOT coalesce(i[f], '') =~ $blank
RETURN DISTINCT i.township AS township, i.part AS part, f AS field
"""
WRITTEN_COLUMNS_ALL = "MATCH (i:DutyItem)" + _WRITTEN
WRITTEN_COLUMNS_IN_TOWNSHIP = "MATCH (i:DutyItem {township: $township})" + _WRITTEN

# $columns: [township, part, field] triples; one township index seek per column.
BLANK_ITEMS = """
UNWIND $columns AS col
WITH col[0] AS township, col[1] AS part, col[2] AS field
MATCH (i:DutyItem {township: township}) WHERE i.part = part AND coalesce(i[field], '') =~ $blank
RETURN i.key AS key, field
"""

# Per (department, part, power type): items led, and of those the ones with one lead and a
# basis. DutyStore.department_lead_counts subtracts DEPARTMENT_LEAD_INCOMPLETE's rows (the
# caller's $incomplete keys, sought one by one: `NOT i.key IN $incomplete` on every row made
# 90,000 rows × 9,000 keys, 18–25 s at 300 townships).
_LEAD_COUNTS = """
WITH d, i, COUNT { ()-[:LEADS]->(i) } = 1 AND EXISTS { (i)-[:BASED_ON]->() } AS done
RETURN d.key AS department, i.part AS part, i.power_type AS power_type, count(*) AS n,
       sum(CASE WHEN done THEN 1 ELSE 0 END) AS complete
"""
DEPARTMENT_LEAD_COUNTS_ALL = "MATCH (d:Department)-[:LEADS]->(i:DutyItem)" + _LEAD_COUNTS
DEPARTMENT_LEAD_COUNTS_IN_TOWNSHIP = "MATCH (d:Department)-[:LEADS]->(i:DutyItem {township: $township})" + _LEAD_COUNTS
DEPARTMENT_LEAD_INCOMPLETE = """
UNWIND $incomplete AS k
MATCH (d:Department)-[:LEADS]->(i:DutyItem {key: k})
WHERE ($township IS NULL OR i.township = $township)
  AND COUNT { ()-[:LEADS]->(i) } = 1 AND EXISTS { (i)-[:BASED_ON]->() }
RETURN d.key AS department, i.part AS part, i.power_type AS power_type, count(*) AS n
"""

COOPERATION_COUNTS_ALL = "MATCH (d:Department)-[:COOPERATES_ON]->(:DutyItem) RETURN d.key AS department, count(*) AS n"
COOPERATION_COUNTS_IN_TOWNSHIP = (
    "MATCH (d:Department)-[:COOPERATES_ON]->(:DutyItem {township: $township}) RETURN d.key AS department, count(*) AS n"
)

# ---- review records (graphmodel.review_contract) ----------------------------------------------
# One node per record, label = its kind (vocab.REVIEW_LABELS): key = "<township>/<id>",
# township, id, data (the record as JSON text) and, for rounds, blob (the list's snapshot as
# JSON). The list's own statements above name their relation types, so these nodes and
# their links never show up among a township's nodes or relations.

REVIEW_SCHEMA: tuple[str, ...] = (
    "CREATE CONSTRAINT review_lock_township IF NOT EXISTS FOR (n:ReviewLock) REQUIRE n.township IS UNIQUE",
    "CREATE CONSTRAINT meeting_key IF NOT EXISTS FOR (n:Meeting) REQUIRE n.key IS UNIQUE",
    "CREATE CONSTRAINT decision_key IF NOT EXISTS FOR (n:Decision) REQUIRE n.key IS UNIQUE",
    "CREATE CONSTRAINT round_key IF NOT EXISTS FOR (n:Round) REQUIRE n.key IS UNIQUE",
    "CREATE CONSTRAINT change_request_key IF NOT EXISTS FOR (n:ChangeRequest) REQUIRE n.key IS UNIQUE",
    "CREATE CONSTRAINT audit_entry_key IF NOT EXISTS FOR (n:AuditEntry) REQUIRE n.key IS UNIQUE",
    "CREATE CONSTRAINT review_settings_key IF NOT EXISTS FOR (n:ReviewSettings) REQUIRE n.key IS UNIQUE",
    "CREATE INDEX meeting_township IF NOT EXISTS FOR (n:Meeting) ON (n.township)",
    "CREATE INDEX decision_township IF NOT EXISTS FOR (n:Decision) ON (n.township)",
    "CREATE INDEX round_township IF NOT EXISTS FOR (n:Round) ON (n.township)",
    "CREATE INDEX change_request_township IF NOT EXISTS FOR (n:ChangeRequest) ON (n.township)",
    "CREATE INDEX audit_entry_township IF NOT EXISTS FOR (n:AuditEntry) ON (n.township)",
    "CREATE INDEX review_settings_township IF NOT EXISTS FOR (n:ReviewSettings) ON (n.township)",
    "CREATE CONSTRAINT delegation_key IF NOT EXISTS FOR (n:Delegation) REQUIRE n.key IS UNIQUE",
    "CREATE INDEX delegation_township IF NOT EXISTS FOR (n:Delegation) ON (n.township)",
)

# The first statement of every review write transaction: a write lock on the township's lock
# node. A second writer of the same township waits here until the first commits, then reads
# what it wrote; a deadlock between them is a transient error the driver retries.
REVIEW_LOCK = "MERGE (l:ReviewLock {township: $township}) SET l.version = coalesce(l.version, 0) + 1"

REVIEW_RECORDS: dict[str, str] = {
    "Meeting": "MATCH (n:Meeting {township: $township}) RETURN n.data AS data",
    "Decision": "MATCH (n:Decision {township: $township}) RETURN n.data AS data",
    "Round": "MATCH (n:Round {township: $township}) RETURN n.data AS data",
    "ChangeRequest": "MATCH (n:ChangeRequest {township: $township}) RETURN n.data AS data",
    "AuditEntry": "MATCH (n:AuditEntry {township: $township}) RETURN n.data AS data",
    "ReviewSettings": "MATCH (n:ReviewSettings {township: $township}) RETURN n.data AS data",
    "Delegation": "MATCH (n:Delegation {township: $township}) RETURN n.data AS data",
}

# Every record of a township, each with its kind, in one round trip (an import reads three kinds).
REVIEW_KINDS = ("Meeting", "Decision", "Round", "ChangeRequest", "AuditEntry", "ReviewSettings", "Delegation")
REVIEW_RECORDS_ALL = "\nUNION ALL\n".join(
    f"MATCH (n:{kind} {{township: $township}}) RETURN '{kind}' AS kind, n.data AS data" for kind in REVIEW_KINDS)

# REVIEW_LOCK and then REVIEW_RECORDS_ALL in one round trip: the first statement of a review write
# transaction (an import reads the records for its round and audit numbers next).
REVIEW_LOCK_RECORDS = (REVIEW_LOCK + "\nWITH l\nCALL () {\n" + REVIEW_RECORDS_ALL + "\n}\nRETURN kind, data")

REVIEW_BLOB: dict[str, str] = {
    "Round": "MATCH (n:Round {key: $key}) RETURN n.blob AS blob",
}

# One statement per label, written out so every statement can be read here; $blob null
# keeps the blob the record has.
_PUT_SET = "SET n.township = $township, n.id = $id, n.data = $data, n.blob = coalesce($blob, n.blob)"
REVIEW_PUT: dict[str, str] = {
    "Meeting": "MERGE (n:Meeting {key: $key}) " + _PUT_SET,
    "Decision": "MERGE (n:Decision {key: $key}) " + _PUT_SET,
    "Round": "MERGE (n:Round {key: $key}) " + _PUT_SET,
    "ChangeRequest": "MERGE (n:ChangeRequest {key: $key}) " + _PUT_SET,
    "AuditEntry": "MERGE (n:AuditEntry {key: $key}) " + _PUT_SET,
    "ReviewSettings": "MERGE (n:ReviewSettings {key: $key}) " + _PUT_SET,
    "Delegation": "MERGE (n:Delegation {key: $key}) " + _PUT_SET,
}

# Several records written in one round trip (an import's round and two audit entries were three
# statements): a CALL per kind, each with its own $parameter of rows {key, township, id, data, blob},
# the same SET as REVIEW_PUT.
_REVIEW_PUT_CALL = {
    kind: f"CALL () {{ UNWIND ${kind} AS row MERGE (n:{kind} {{key: row.key}}) SET n.township = row.township, "
    f"n.id = row.id, n.data = row.data, n.blob = coalesce(row.blob, n.blob) }}" for kind in REVIEW_KINDS}
REVIEW_PUT_ALL = "\n".join(_REVIEW_PUT_CALL.values())


def review_put(kinds: Iterable[str]) -> str:
    """REVIEW_PUT_ALL with the CALLs of ``kinds`` only (a CALL over no rows still cost server time:
    all seven for an import's two kinds measured 0.44-0.49 s for 30 townships, three statements 0.30-0.37 s)."""
    wanted = set(kinds)
    return "\n".join(_REVIEW_PUT_CALL[kind] for kind in REVIEW_KINDS if kind in wanted)

# A record and its links, removed when a copy from another store lacks it (dutygraph sync).
REVIEW_DROP: dict[str, str] = {
    "Meeting": "MATCH (n:Meeting {key: $key}) DETACH DELETE n",
    "Decision": "MATCH (n:Decision {key: $key}) DETACH DELETE n",
    "Round": "MATCH (n:Round {key: $key}) DETACH DELETE n",
    "ChangeRequest": "MATCH (n:ChangeRequest {key: $key}) DETACH DELETE n",
    "AuditEntry": "MATCH (n:AuditEntry {key: $key}) DETACH DELETE n",
    "ReviewSettings": "MATCH (n:ReviewSettings {key: $key}) DETACH DELETE n",
    "Delegation": "MATCH (n:Delegation {key: $key}) DETACH DELETE n",
}

# (record label, relation type) -> MERGE the links from a record to its targets (by key).
REVIEW_LINK: dict[tuple[str, str], str] = {
    ("Decision", "CHANGED"): "MATCH (n:Decision {key: $key}) UNWIND $targets AS t "
    "MATCH (m:DutyItem {key: t}) MERGE (n)-[:CHANGED]->(m)",
    ("Decision", "TAKEN_AT"): "MATCH (n:Decision {key: $key}) UNWIND $targets AS t "
    "MATCH (m:Meeting {key: t}) MERGE (n)-[:TAKEN_AT]->(m)",
    ("ChangeRequest", "CONCERNS"): "MATCH (n:ChangeRequest {key: $key}) UNWIND $targets AS t "
    "MATCH (m:DutyItem {key: t}) MERGE (n)-[:CONCERNS]->(m)",
    ("ChangeRequest", "REVIEWED_AT"): "MATCH (n:ChangeRequest {key: $key}) UNWIND $targets AS t "
    "MATCH (m:Meeting {key: t}) MERGE (n)-[:REVIEWED_AT]->(m)",
}

WIPE_REVIEW_BATCH = """
MATCH (n:Meeting|Decision|Round|ChangeRequest|AuditEntry|ReviewSettings|Delegation|ReviewLock|BasisLock)
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
"""


# ---- a township's aggregates, written with its list (graphmodel.township_stats; slice neotown) ----
# One TownshipStats node per township, replaced by every import of it in the same transaction,
# deleted with the township; the bulk load creates them with the lists.
TOWNSHIP_STATS_PUT = "MERGE (n:TownshipStats {township: $township}) SET n = $props"
TOWNSHIP_STATS_DROP = "MATCH (n:TownshipStats {township: $township}) DELETE n"
# the digest of the list last written (graphmodel.township_stats.list_digest; slice neoload): an
# import of the same list again is then a no-op that reads one node and the list's shared nodes
# (with the stored township's county, which the diff needs next when the list names none, and
# whether the township is stored at all: every list holds its Township node, so a township
# without one owns no node and its first import skips reading them)
TOWNSHIP_STATS_DIGEST = """
OPTIONAL MATCH (n:TownshipStats {township: $township})
OPTIONAL MATCH (t:Township {key: $key})
OPTIONAL MATCH (e:TownshipEvidence {township: $township})
RETURN n.digest AS digest, t.county AS county, EXISTS { MATCH (o:Township {township: $township}) } AS stored,
  e.version AS evidence, e.text_pairs_version AS text_pairs, e.topics_version AS topics
"""
BULK_CREATE_STATS = "UNWIND $rows AS row CREATE (n:TownshipStats) SET n = row"

# ---- a township's item evidence, written with its list (graphmodel.township_evidence; slice neoevid) ----
# One TownshipEvidence node per township, replaced by every import of it in the same transaction,
# deleted with the township; the bulk load creates them with the lists.
TOWNSHIP_EVIDENCE_PUT = "MERGE (n:TownshipEvidence {township: $township}) SET n = $props"
TOWNSHIP_EVIDENCE_DROP = "MATCH (n:TownshipEvidence {township: $township}) DELETE n"
BULK_CREATE_EVIDENCE = "UNWIND $rows AS row CREATE (n:TownshipEvidence) SET n = row"
# each holds its list's rows with their texts as one JSON text: batches as small as the aggregates'
WIPE_EVIDENCE_BATCH = """
MATCH (n:TownshipEvidence)
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
"""


# ---- the Cypher halves of the queries (DutyStore.ask; keyed by the query's name) ----------------
# Each statement answers one registered query where the data lives and returns only findings
# or aggregates, collected into few records (the driver spends ~50 µs per record: 14,000 rows
# took 0.72 s, the same data as 391 collected rows 0.28 s); the query module (queries/<module>.py) holds its networkx half beside the call
# and turns these rows into the same records. Every statement starts from one township index
# seek per name in $townships (the caller passes one township or all of them), so a whole-store
# question costs what its findings cost, not a scan of every card. $blank is cypher.BLANK.

# queries.coverage.completeness: each item's verdict per check of its sheet, grouped by township
# and check (the two statements below differ in what they return per group).
_COMPLETENESS_VERDICTS = """
UNWIND $sheets AS s
MATCH (i:DutyItem {township: s.township}) WHERE i.part = s.part
WITH s, i, COUNT { ()-[:LEADS]->(i) } AS leads, EXISTS { (i)-[:BASED_ON]->() } AS based
UNWIND s.checks AS c
WITH s, c, i, CASE
  WHEN c.name = 'single_lead' THEN CASE WHEN leads = 1 THEN 'pass' WHEN leads = 0 THEN 'ask' ELSE 'fail' END
  WHEN NOT c.assessed THEN 'fail'
  WHEN c.name = 'basis' THEN CASE WHEN based THEN 'pass' ELSE 'fail' END
  WHEN coalesce(i[c.field], '') =~ $blank THEN 'fail'
  ELSE 'pass' END AS verdict
WITH s.township AS township, c.name AS check, count(*) AS applicable,
     sum(CASE WHEN c.assessed THEN 1 ELSE 0 END) AS assessed,
"""

QUESTIONS: dict[str, str] = {
    # queries.coverage.missing_fields -- $columns: [{township, part, fields}] where each field is
    # a check the sheet had the column for (queries.applicability); an item lacking one is a finding.
    "missing_fields": """
UNWIND $columns AS col
MATCH (i:DutyItem {township: col.township}) WHERE i.part = col.part
WITH i, [f IN col.fields WHERE coalesce(i[f], '') =~ $blank] AS missing
WHERE size(missing) > 0
RETURN collect([i.key, missing]) AS found
""",
    # queries.coverage.department_load -- $sheets: [{township, part, blocked, basis, fields}]:
    # a led item is complete when it has one lead, its sheet had every column its checks need
    # (not blocked), a basis where the basis check applies, and every field of ``fields`` written.
    "department_load": """
UNWIND $sheets AS s
MATCH (i:DutyItem {township: s.township}) WHERE i.part = s.part
WITH i, s, COUNT { ()-[:LEADS]->(i) } AS leads
WHERE leads > 0
WITH i, leads = 1 AND NOT s.blocked AND (NOT s.basis OR EXISTS { (i)-[:BASED_ON]->() })
     AND all(f IN s.fields WHERE NOT coalesce(i[f], '') =~ $blank) AS done
MATCH (d:Department)-[:LEADS]->(i)
WITH d.key AS department, i.part AS part, i.power_type AS power_type, count(*) AS n,
     sum(CASE WHEN done THEN 1 ELSE 0 END) AS complete
RETURN department, collect([part, power_type, n, complete]) AS counts
""",
    # queries.ownership.ownership_summary -- items counted by lead count and, for one lead, by
    # whether a withdrawn item's lead is on the county side ($county_side levels, $withdrawn part);
    # the keys of items without a lead come back (their state is read from their texts in Python).
    "ownership_summary": """
UNWIND $townships AS t
MATCH (i:DutyItem {township: t})
WITH i, COLLECT { MATCH (d)-[:LEADS]->(i) RETURN d.level } AS levels
WITH i, CASE
  WHEN size(levels) >= 2 THEN 'shared'
  WHEN size(levels) = 1 AND i.part = $withdrawn AND levels[0] IN $county_side THEN 'handed_over'
  WHEN size(levels) = 1 THEN 'owned'
  ELSE '' END AS state
RETURN state, count(*) AS n, collect(CASE WHEN state = '' THEN i.key END) AS keys
""",
    # queries.coverage.village_roles -- every ASSISTS of the townships' items, with the fields a
    # role row shows.
    "village_roles": """
UNWIND $townships AS t
MATCH (v)-[r:ASSISTS]->(i:DutyItem {township: t})
RETURN v.key AS village, collect([i.key, i.name, i.sub_item, r.text]) AS roles
""",
    # queries.overlaps.shared_articles -- (township, basis) groups of led items citing the basis
    # (an article, or any basis with $whole_law) with at least $min_items items and two or more
    # distinct lead names; only the groups' item keys come back, one row per township (the caller
    # asks a slice of townships at a time: queries.text_asks).
    "shared_articles": """
UNWIND $townships AS t
CALL (t) {
  MATCH (i:DutyItem {township: t})-[:BASED_ON]->(b)
  WHERE (coalesce(b.article, 0) <> 0 OR $whole_law) AND EXISTS { ()-[:LEADS]->(i) }
  WITH b, collect(DISTINCT i) AS items
  WHERE size(items) >= $min_items
  WITH b, items, COLLECT { UNWIND items AS i MATCH (d)-[:LEADS]->(i) RETURN DISTINCT d.name } AS offices
  WHERE size(offices) >= 2
  RETURN collect([t, b.key, [i IN items | i.key]]) AS groups
}
RETURN groups
""",
    # queries.legal.most_cited -- per basis (or per law with $by_law): citing items, the names of
    # their leads, their townships.
    "most_cited": """
UNWIND $townships AS t
MATCH (i:DutyItem {township: t})-[:BASED_ON]->(b)
WITH CASE WHEN $by_law THEN 'basis:' + b.law ELSE b.key END AS key, b.law AS law, i, t
OPTIONAL MATCH (d)-[:LEADS]->(i)
WITH key, law, count(DISTINCT i) AS items, collect(DISTINCT t) AS towns, collect(DISTINCT d.name) AS depts
RETURN collect([key, law, items, towns, depts]) AS uses
""",
    # queries.villages.missing_villages -- items linked to some of their township's villages but
    # not all, whose village text says every village ($every: a regex) or that are linked to more
    # than $most of them: the candidates (a superset the query checks on their cards).
    "missing_villages": """
UNWIND $townships AS t
CALL (t) { MATCH (v:Village {township: t}) RETURN collect(v.key) AS register }
MATCH (v)-[:ASSISTS]->(i:DutyItem {township: t})
WITH i, register, collect(v.key) AS linked
WHERE (coalesce(i.village_text, '') =~ $every OR (size(register) > 0 AND size(linked) > $most * size(register)))
  AND any(k IN register WHERE NOT k IN linked)
RETURN collect(i.key) AS keys
""",
    # queries.coverage.completeness -- per township and check: the items it applies to, those
    # assessed, and the failing ones [key, name, sub_item, verdict]; $sheets: [{township, part,
    # checks: [{name, assessed, field}]}] (the checks applying to the part, from the layouts).
    # single_lead passes with one lead; an item with none is 'ask' (decided from its texts).
    "completeness": _COMPLETENESS_VERDICTS + """\
     collect(CASE WHEN verdict <> 'pass' THEN [i.key, i.name, i.sub_item, verdict] END) AS failing
RETURN township, collect([check, applicable, assessed, failing]) AS checks
""",
    # queries.coverage.completeness with show_failing=0 (the scores only: county_ranking) -- the
    # same verdicts counted; only the keys of items without a lead ('ask') come back.
    "completeness_counts": _COMPLETENESS_VERDICTS + """\
     sum(CASE WHEN verdict = 'fail' THEN 1 ELSE 0 END) AS fails,
     collect(CASE WHEN verdict = 'ask' THEN i.key END) AS asks
RETURN township, collect([check, applicable, assessed, fails, asks]) AS checks
""",
    # queries.county.lead_spread -- items of the county's $townships grouped by (name, sub-item,
    # lead names): the townships of each group and its first [township, key] (whose label names
    # the duty); Python folds names that compact() makes equal (NFKC, spaces: not Cypher's).
    "lead_spread": """
UNWIND $townships AS t
MATCH (i:DutyItem {township: t})
WITH t, i, COLLECT { MATCH (d)-[:LEADS]->(i) RETURN DISTINCT d.name AS n ORDER BY n } AS leads
WITH i.name AS name, i.sub_item AS sub, leads, collect(DISTINCT t) AS towns, min([t, i.key]) AS first
RETURN collect([name, sub, leads, towns, first]) AS groups
""",
    # queries.county.county_department_load -- the townships listing each (name, sub-item), and
    # per $county_level department name, role, (name, sub-item) and township: relations and keys.
    "county_department_load": """
CALL () {
  UNWIND $townships AS t
  MATCH (i:DutyItem {township: t})
  WITH i.name AS name, i.sub_item AS sub, collect(DISTINCT t) AS towns
  RETURN collect([name, sub, towns]) AS listing
}
CALL () {
  UNWIND $townships AS t
  MATCH (d:Department)-[r:LEADS|COOPERATES_ON]->(i:DutyItem {township: t})
  WHERE d.level = $county_level
  WITH d.name AS dept, type(r) AS role, i.name AS name, i.sub_item AS sub, t, count(*) AS n,
       collect(DISTINCT d.key) AS keys
  RETURN collect([dept, role, name, sub, t, n, keys]) AS roles
}
RETURN listing, roles
""",
    # queries.county.township_ranking (county_ranking) -- per township: items, items with no lead,
    # with several leads, and its own offices ($office_level) among store.nodes("Department", t).
    "county_ranking": """
UNWIND $townships AS t
CALL (t) {
  MATCH (i:DutyItem {township: t})
  WITH COUNT { ()-[:LEADS]->(i) } AS leads
  RETURN count(*) AS items, sum(CASE WHEN leads = 0 THEN 1 ELSE 0 END) AS no_lead,
         sum(CASE WHEN leads > 1 THEN 1 ELSE 0 END) AS multi_lead
}
CALL (t) {
  CALL (t) {
    MATCH (n:Department {township: t}) RETURN n
    UNION MATCH (n:Department {township: ''})-[:LEADS|COOPERATES_ON|IN_TOWNSHIP]->(m) WHERE m.township = t RETURN n
  }
  WITH n WHERE n.level = $office_level
  RETURN count(DISTINCT n) AS offices
}
RETURN collect([t, items, no_lead, multi_lead, offices]) AS towns
""",
    # Candidates: the keys of the items a finding query then checks on their cards (a superset
    # of its findings; one township index seek per name in $townships).
    # queries.gaps.unknown_department -- items with a lead of level $level (未知).
    "unknown_department": """
UNWIND $townships AS t
MATCH (d:Department)-[:LEADS]->(i:DutyItem {township: t}) WHERE d.level = $level
RETURN collect(DISTINCT i.key) AS keys
""",
    # queries.gaps.withdrawn_township_lead -- $part (收回) items with a lead of level $level.
    "withdrawn_township_lead": """
UNWIND $townships AS t
MATCH (d:Department)-[:LEADS]->(i:DutyItem {township: t}) WHERE i.part = $part AND d.level = $level
RETURN collect(DISTINCT i.key) AS keys
""",
    # queries.overlaps.cooperate_township_lead -- $part (配合) items with a lead of level $level.
    "cooperate_township_lead": """
UNWIND $townships AS t
MATCH (d:Department)-[:LEADS]->(i:DutyItem {township: t}) WHERE i.part = $part AND d.level = $level
RETURN collect(DISTINCT i.key) AS keys
""",
    # queries.gaps.cooperate_no_county_lead -- $part (配合) items with no lead of a $county_side level.
    "cooperate_no_county_lead": """
UNWIND $townships AS t
MATCH (i:DutyItem {township: t}) WHERE i.part = $part
  AND NOT EXISTS { MATCH (d)-[:LEADS]->(i) WHERE d.level IN $county_side }
RETURN collect(i.key) AS keys
""",
    # queries.gaps.village_text_unlinked -- items with a written village text and no ASSISTS.
    "village_text_unlinked": """
UNWIND $townships AS t
MATCH (i:DutyItem {township: t})
WHERE NOT coalesce(i.village_text, '') =~ $blank AND NOT EXISTS { ()-[:ASSISTS]->(i) }
RETURN collect(i.key) AS keys
""",
    # queries.overlaps.near_duplicates -- per township (one row each, each township's texts collected
    # in its own subquery; the caller asks a slice of townships at a time: queries.text_asks), the
    # fields its pair test reads and the lead keys of every item (bigram similarity is scored in
    # Python; the query then reads the evidence of the paired items only).
    "near_duplicates": """
UNWIND $townships AS t
CALL (t) {
  MATCH (i:DutyItem {township: t})
  RETURN collect([i.key, i.name, coalesce(i.sub_item, ''), coalesce(i.power_type, ''),
    coalesce(i.content, ''), COLLECT { MATCH (d)-[:LEADS]->(i) RETURN d.key }]) AS items
}
RETURN t AS township, items
""",
    # queries.duplicates.cross_part_duplicates -- per township (as near_duplicates), the fields its pair test reads.
    "cross_part_duplicates": """
UNWIND $townships AS t
CALL (t) {
  MATCH (i:DutyItem {township: t})
  RETURN collect([i.key, i.name, coalesce(i.sub_item, ''), i.part, coalesce(i.content, '')]) AS items
}
RETURN t AS township, items
""",
    # queries.legal.inconsistent_titles -- per township (as near_duplicates), law and citation text:
    # the citing items.
    "inconsistent_titles": """
UNWIND $townships AS t
CALL (t) {
  MATCH (i:DutyItem {township: t})-[r:BASED_ON]->(b)
  WITH b.law AS law, coalesce(r.text, '') AS cited, collect(i.key) AS keys
  RETURN collect([t, law, cited, keys]) AS uses
}
RETURN uses
""",
    # queries.handshake.county_lists -- the distinct names of county-side departments ($county_side levels).
    "county_lists": """
MATCH (d:Department) WHERE d.level IN $county_side
RETURN collect(DISTINCT d.name) AS names
""",
    # queries.burden.village_loads -- the villages of $registers, and the ASSISTS of $townships'
    # items grouped by (village, the item's village text, the role's text) with how many.
    "village_loads": """
CALL () {
  UNWIND $registers AS t
  MATCH (v:Village {township: t})
  RETURN collect([t, v.key, v.name, v.kind]) AS register
}
CALL () {
  UNWIND $townships AS t
  MATCH (v)-[r:ASSISTS]->(i:DutyItem {township: t})
  WITH t, v.key AS village, coalesce(i.village_text, '') AS village_text, coalesce(r.text, '') AS role, count(*) AS n
  RETURN collect([t, village, village_text, role, n]) AS roles
}
RETURN register, roles
""",
    # queries.handshake.missing_parts -- $part (配合) items with no county part (上级部门职责 blank and
    # no $county_side lead with a written part) or no township part (镇街配合职责 blank and no
    # cooperator with a written part).
    "missing_parts": """
UNWIND $townships AS t
MATCH (i:DutyItem {township: t}) WHERE i.part = $part
  AND ((coalesce(i.upper_duty, '') =~ $blank AND NOT EXISTS {
          MATCH (d)-[r:LEADS]->(i) WHERE d.level IN $county_side AND NOT coalesce(r.text, '') =~ $blank })
    OR (coalesce(i.township_duty, '') =~ $blank AND NOT EXISTS {
          MATCH ()-[r:COOPERATES_ON]->(i) WHERE NOT coalesce(r.text, '') =~ $blank }))
RETURN collect(i.key) AS keys
""",
    # queries.legal.law_impact -- the items citing any of the bases (keys), of one township or all
    # (catalogues included, as the embedded half reads them)
    "law_items": """
MATCH (b:LegalBasis) WHERE b.key IN $bases
MATCH (i:DutyItem)-[:BASED_ON]->(b) WHERE $township IS NULL OR i.township = $township
RETURN collect(DISTINCT i.key) AS keys
""",
    # queries.burden.village_burden -- the village text and the ASSISTS role texts of every item
    # with either (the lexicon reads them in Python).
    "village_burden": """
UNWIND $townships AS t
MATCH (i:DutyItem {township: t})
WITH i, COLLECT { MATCH ()-[r:ASSISTS]->(i) RETURN DISTINCT coalesce(r.text, '') } AS roles
WHERE size(roles) > 0 OR NOT coalesce(i.village_text, '') =~ $blank
RETURN collect([i.key, coalesce(i.village_text, ''), roles]) AS items
""",
    # queries.topics.topic_spread -- per township (as near_duplicates), the $parts items' name, sub-item, part and the
    # distinct names of their $township_level departments (leading or cooperating).
    "topic_spread": """
UNWIND $townships AS t
CALL (t) {
  MATCH (i:DutyItem {township: t}) WHERE i.part IN $parts
  RETURN collect([i.key, i.name, coalesce(i.sub_item, ''), i.part,
    COLLECT { MATCH (d)-[:LEADS|COOPERATES_ON]->(i) WHERE d.level = $township_level RETURN DISTINCT d.name }]) AS items
}
RETURN t AS township, items
""",
    # ---- slice neotown: questions answered from the aggregates kept at write time ----
    # queries.county (lead_spread, county_department_load, county_ranking) and
    # queries.coverage.completeness' scores -- each township's TownshipStats: its version (null
    # when the store was written before them: the query asks the items instead), its counts and
    # the JSON properties named in $fields (graphmodel.township_stats).
    "township_stats": """
UNWIND $townships AS t
OPTIONAL MATCH (s:TownshipStats {township: t})
RETURN collect([t, s.version, s.items, s.no_lead, s.multi_lead, s.offices, [f IN $fields | s[f]]]) AS stats
""",
    # queries.legal.law_impact (whole store) -- the FOLLOWED_BY links of the chains through the
    # $keys items: each such item's component (FOLLOWED_BY either way), then its links.
    "chain_links_through": """
UNWIND $keys AS k
MATCH (i:DutyItem {key: k}) WHERE EXISTS { (i)-[:FOLLOWED_BY]-() }
MATCH (i)-[:FOLLOWED_BY*0..]-(n)
WITH DISTINCT n
MATCH (n)-[:FOLLOWED_BY]->(m)
RETURN collect([n.key, m.key]) AS links
""",
    # queries.legal.no_basis -- items citing no basis on the $sheets [{township, part}] where the
    # basis check is assessed (its part, and the sheet had the 法律依据 column).
    "no_basis": """
UNWIND $sheets AS s
MATCH (i:DutyItem {township: s.township}) WHERE i.part = s.part AND NOT EXISTS { (i)-[:BASED_ON]->() }
RETURN collect(i.key) AS keys
""",
    # ---- slice "neowhole" (issue 15): narrow cards for the whole-store questions ----
    # queries.slim_cards -- per township, the items of $parts and $power_types (empty: any): the item
    # fields named in $fields (nothing else of the item's texts), and apart [item id, ...] rows of its
    # leads and cooperators [key, name, level, text], bases [key, law, article, cited text] when $bases and
    # villages [key, name, kind, text] when $villages. What a query reads of a card, not the card.
    # Measured on 30 townships (server CPU): properties(i) read once and projected beats one lookup
    # per field (each walks the item's property chain), and one expansion per relation type beats
    # a COLLECT subquery per item (0.43 against 0.65 s).
    "slim_cards": """
UNWIND $townships AS t
CALL (t) {
  MATCH (i:DutyItem {township: t})
  WHERE (size($parts) = 0 OR i.part IN $parts) AND (size($power_types) = 0 OR i.power_type IN $power_types)
  WITH i, properties(i) AS p
  RETURN collect([elementId(i), [f IN $fields | p[f]]]) AS items
}
CALL (t) {
  MATCH (d)-[r:LEADS|COOPERATES_ON]->(i:DutyItem {township: t})
  WHERE (size($parts) = 0 OR i.part IN $parts) AND (size($power_types) = 0 OR i.power_type IN $power_types)
  RETURN collect([elementId(i), type(r) = 'LEADS', d.key, d.name, d.level, r.text]) AS parties
}
CALL (t) {
  MATCH (i:DutyItem {township: t})-[r:BASED_ON]->(b) WHERE $bases
    AND (size($parts) = 0 OR i.part IN $parts) AND (size($power_types) = 0 OR i.power_type IN $power_types)
  RETURN collect([elementId(i), b.key, b.law, b.article, r.text]) AS bases
}
CALL (t) {
  MATCH (v)-[r:ASSISTS]->(i:DutyItem {township: t}) WHERE $villages
    AND (size($parts) = 0 OR i.part IN $parts) AND (size($power_types) = 0 OR i.power_type IN $power_types)
  RETURN collect([elementId(i), v.key, v.name, v.kind, r.text]) AS villages
}
RETURN items, parties, bases, villages
""",
    # queries.slim_cards -- the same rows for the items $keys (one unique-key seek each: the hints
    # and the CASE lists keep it so; without them the planner scanned the whole key index once per
    # key for the relation subqueries, 5 s for 900 keys at 30 townships).
    "slim_cards_by_key": """
CALL () {
  UNWIND $keys AS k MATCH (i:DutyItem {key: k})
  WITH i, properties(i) AS p
  RETURN collect([elementId(i), [f IN $fields | p[f]]]) AS items
}
CALL () {
  UNWIND $keys AS k MATCH (i:DutyItem {key: k})<-[r:LEADS|COOPERATES_ON]-(d) USING INDEX SEEK i:DutyItem(key)
  RETURN collect([elementId(i), type(r) = 'LEADS', d.key, d.name, d.level, r.text]) AS parties
}
CALL () {
  UNWIND CASE WHEN $bases THEN $keys ELSE [] END AS k MATCH (i:DutyItem {key: k})-[r:BASED_ON]->(b) USING INDEX SEEK i:DutyItem(key)
  RETURN collect([elementId(i), b.key, b.law, b.article, r.text]) AS bases
}
CALL () {
  UNWIND CASE WHEN $villages THEN $keys ELSE [] END AS k MATCH (i:DutyItem {key: k})<-[r:ASSISTS]-(v) USING INDEX SEEK i:DutyItem(key)
  RETURN collect([elementId(i), v.key, v.name, v.kind, r.text]) AS villages
}
RETURN items, parties, bases, villages
""",
    # ---- slice "neoevid" (issue 15): the evidence kept at write time (graphmodel.township_evidence) ----
    # queries.slim_cards -- each township's kept rows: [township, version (null: none kept), the JSON
    # texts of the item fields $fields, of its leads and cooperators, of its bases ($bases) and
    # villages ($villages)]: only what the question reads leaves the database.
    "township_evidence": """
UNWIND $townships AS t
OPTIONAL MATCH (e:TownshipEvidence {township: t})
RETURN collect([t, e.version, [f IN $fields | e['field_' + f]], e.parties,
  CASE WHEN $bases THEN e.bases END, CASE WHEN $villages THEN e.villages END]) AS kept
""",
    # queries.slim_cards -- what the kept rows' other ends are now (they may be shared with other
    # townships): departments [key, name, level], bases [key, law, article], villages [key, name, kind].
    "evidence_nodes": """
CALL () { UNWIND $departments AS k MATCH (d:Department {key: k}) RETURN collect([d.key, d.name, d.level]) AS departments }
CALL () { UNWIND $bases AS k MATCH (b:LegalBasis {key: k}) RETURN collect([b.key, b.law, b.article]) AS bases }
CALL () { UNWIND $villages AS k MATCH (v:Village {key: k}) RETURN collect([v.key, v.name, v.kind]) AS villages }
RETURN departments, bases, villages
""",
    # ---- slice neotown: one township's questions -----------------------------------------------
    # queries.county -- the Township nodes of $township's county (reference catalogues left out;
    # none when $township is not stored or is a catalogue): a county question about one township
    # read every Township node of the store to find its county's (300 or 2,000 nodes built in Python).
    # An empty string may be stored as no property (the admin import): coalesce on both sides.
    "county_townships": """
MATCH (t:Township {township: $township}) WHERE coalesce(t.catalogue_of, '') = ''
WITH coalesce(t.county, '') AS county
MATCH (o:Township) WHERE coalesce(o.county, '') = county AND coalesce(o.catalogue_of, '') = ''
RETURN collect(properties(o)) AS townships
""",
    # queries.catalogue.catalogues -- (name, county or province) of the reference catalogues: a
    # per-township catalogue_compare read every Township node to find none in most stores.
    "catalogues": """
MATCH (t:Township) WHERE coalesce(t.catalogue_of, '') <> ''
RETURN collect([t.name, t.catalogue_of]) AS found
""",
    # ---- slice "neowhole" (issue 15, sixth session): the text pairs kept at write time ----
    # queries.overlaps.near_duplicates ($cross false) and queries.duplicates.cross_part_duplicates
    # ($cross true) -- each township's kept pairs (graphmodel.text_similarity.township_text_pairs,
    # one JSON text) and their version (null: none kept; the question reads that township's texts):
    # one row per township, streamed, not collected.
    "kept_text_pairs": """
UNWIND $townships AS t
OPTIONAL MATCH (e:TownshipEvidence {township: t})
RETURN t AS township, e.text_pairs_version AS version,
  CASE WHEN $cross THEN e.cross_pairs ELSE e.near_pairs END AS pairs
""",
    # queries.whatif.what_if -- the items the departments $keys lead or cooperate on (the cards
    # that change when they are removed or merged; only those are read).
    "department_items": """
UNWIND $keys AS k
MATCH (:Department {key: k})-[:LEADS|COOPERATES_ON]->(i:DutyItem)
RETURN DISTINCT i.key AS key
""",
    # queries.overlaps.near_duplicates -- the lead keys of the items $keys (those in a kept pair):
    # only pairs led by two different lead sets are read as evidence.
    "lead_keys": """
UNWIND $keys AS k
MATCH (i:DutyItem {key: k})
RETURN k AS key, COLLECT { MATCH (d:Department)-[:LEADS]->(i) RETURN d.key } AS leads
""",
    # queries.topics.topic_spread -- each township's kept topics (graphmodel.text_topics.township_topics,
    # one JSON text), the number of items cut and their version (null: none kept; the question cuts
    # that township's names).
    "kept_topics": """
UNWIND $townships AS t
OPTIONAL MATCH (e:TownshipEvidence {township: t})
RETURN t AS township, e.topics_version AS version, e.topics AS topics, e.topics_items AS items
""",
    # queries.topics.topic_spread -- the distinct names of the $township_level departments leading or
    # cooperating on the items $keys (those in a kept topic).
    "topic_offices": """
UNWIND $keys AS k
MATCH (i:DutyItem {key: k})
RETURN k AS key,
  COLLECT { MATCH (d:Department)-[:LEADS|COOPERATES_ON]->(i) WHERE d.level = $township_level RETURN DISTINCT d.name } AS offices
""",
}


# ---- the province's bulk load into an empty database (graphmodel.neo4j_bulk) ----------------------
# No reads, no MERGE: every node and relation is new, so CREATE in UNWIND batches, relations
# found by their ends' keys (one unique-index seek per end).

#: Any node of ours or any review record: the bulk load refuses a database that holds one.
BULK_IS_EMPTY = """
OPTIONAL MATCH (n:DutyItem|Department|Village|LegalBasis|Township|Meeting|Decision|Round|ChangeRequest|AuditEntry|ReviewSettings|Delegation)
WITH n LIMIT 1
RETURN n IS NULL AS empty
"""

#: The indexes a bulk load drops first and SCHEMA creates again afterwards: an index populated
#: once over the loaded nodes costs less than one updated at every created node (the CJK
#: full-text index most). The key constraints stay: relations find their ends by them.
BULK_DROP_INDEXES: tuple[str, ...] = (
    "DROP INDEX duty_item_text IF EXISTS",
    "DROP INDEX duty_item_township IF EXISTS",
    "DROP INDEX duty_item_part IF EXISTS",
    "DROP INDEX duty_item_power_type IF EXISTS",
    "DROP INDEX duty_item_township_part IF EXISTS",
    "DROP INDEX department_township IF EXISTS",
    "DROP INDEX village_township IF EXISTS",
    "DROP INDEX township_township IF EXISTS",
)

BULK_CREATE_NODES: dict[str, str] = {
    "DutyItem": "UNWIND $rows AS row CREATE (n:DutyItem) SET n = row",
    "Department": "UNWIND $rows AS row CREATE (n:Department) SET n = row",
    "Village": "UNWIND $rows AS row CREATE (n:Village) SET n = row",
    "LegalBasis": "UNWIND $rows AS row CREATE (n:LegalBasis) SET n = row",
    "Township": "UNWIND $rows AS row CREATE (n:Township) SET n = row",
}

# (relation type, start label, end label) -> rows {src, dst, text} by key.
BULK_CREATE_RELATIONS: dict[tuple[str, str, str], str] = {
    (rel, src, dst): f"UNWIND $rows AS row MATCH (a:{src} {{key: row.src}}) MATCH (b:{dst} {{key: row.dst}}) "
    f"CREATE (a)-[:{rel} {{text: row.text}}]->(b)"
    for rel, src, dst in MODEL_RELATIONS
}

# The first round and audit entries of each township, as REVIEW_PUT writes them.
BULK_CREATE_RECORDS: dict[str, str] = {
    "Round": "UNWIND $rows AS row CREATE (n:Round) SET n = row",
    "AuditEntry": "UNWIND $rows AS row CREATE (n:AuditEntry) SET n = row",
}


# ---- the staged import of a list larger than one transaction (graphmodel.neo4j_staged) ---------
# Staged nodes carry the one label Staged (never read by the list's statements), $stage and
# their real label in stage_label ('retired' for the replaced list's nodes after the swap).

# The township's review lock version (null before its first write): the swap checks it moved
# only by its own lock, i.e. nobody wrote the township between stage and swap.
STAGE_LOCK_VERSION = (
    "OPTIONAL MATCH (l:ReviewLock {township: $township}) RETURN l.version AS version"
)

STAGE_NODES = "UNWIND $rows AS row CREATE (n:Staged) SET n = row"

STAGE_RELATIONS: dict[str, str] = {
    rel: "UNWIND $rows AS row MATCH (a:Staged {stage: $stage, key: row.src}) "
    f"MATCH (b:Staged {{stage: $stage, key: row.dst}}) CREATE (a)-[:{rel} {{text: row.text}}]->(b)"
    for rel in _REL_TYPES
}

# The new round's snapshot of the staged list (a large text), staged apart; the swap makes it the
# township's Round record (REVIEW_PUT's properties, the blob already there).
STAGE_ROUND = "CREATE (n:Staged {stage: $stage, stage_label: 'Round', blob: $blob})"
STAGE_ROUND_PUT = """
MATCH (n:Staged {stage: $stage}) WHERE n.stage_label = 'Round'
REMOVE n:Staged, n.stage, n.stage_label
SET n:Round, n.key = $key, n.township = $township, n.id = $id, n.data = $data
"""

# The swap: the township's current nodes leave (retired: the one label Staged, no stage id), the
# staged ones take their labels. A retire changes the label only: with a stage id and a
# stage_label set on each node too, a swap of two 10,000-item lists overran the 256 MB
# transaction memory at commit (measured with SHOW TRANSACTIONS: 34 MB before commit for the
# retire, 83 MB for the whole swap with a label-only retire and the last round read beforehand).
STAGE_RETIRE: dict[str, str] = {
    label: f"MATCH (n:{label} {{township: $township}}) REMOVE n:{label} SET n:Staged"
    for label in _LABELS
}
STAGE_PROMOTE: dict[str, str] = {
    label: f"MATCH (n:Staged {{stage: $stage}}) WHERE n.stage_label = '{label}' "
    f"REMOVE n:Staged, n.stage, n.stage_label SET n:{label}"
    for label in _LABELS
}

# How large a stored township is (its nodes plus their relations' ends, an upper bound of its rows):
# a delete above the stage threshold is staged too (graphmodel.neo4j_staged.staged_delete).
STAGE_TOWNSHIP_ROWS = _OWNED + "RETURN count(n) + sum(COUNT { (n)--() }) AS rows"

# Deleting a stage (staged or retired nodes) in small transactions: relations first (a retired
# Township node holds one IN_TOWNSHIP per item), then the nodes.
STAGE_DROP_RELATIONS_BATCH = """
MATCH (n:Staged {stage: $stage})-[r]-()
WITH DISTINCT r LIMIT $batch
DELETE r
RETURN count(*) AS deleted
"""
STAGE_DROP_BATCH = """
MATCH (n:Staged {stage: $stage})
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
"""
# The same for a township's retired nodes (Staged without a stage id: garbage once retired).
STAGE_DROP_RETIRED_RELATIONS_BATCH = """
MATCH (n:Staged {township: $township}) WHERE n.stage IS NULL
MATCH (n)-[r]-()
WITH DISTINCT r LIMIT $batch
DELETE r
RETURN count(*) AS deleted
"""
STAGE_DROP_RETIRED_BATCH = """
MATCH (n:Staged {township: $township}) WHERE n.stage IS NULL
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
"""


# ---- after a neo4j-admin import (graphmodel.neo4j_import_csv) -------------------------------------
# The importer stores no empty arrays (an empty cell is no property), the Cypher imports store []:
# the first store to open the database writes them, batch by batch, then deletes the marker node
# the import wrote. The list-valued properties by label (graphmodel.model's tuple fields).
ADMIN_IMPORT_PENDING = "MATCH (m:AdminImport) RETURN count(m) AS n"
_LIST_PROPERTIES = {
    "DutyItem": ("extra_keys", "extra_values", "filled", "same_duty", "village_groups"),
    "Department": ("aliases",),
    "Township": ("layout", "sources"),
}
# One scan per label, committed every $batch rows (an auto-commit statement): batches of
# `LIMIT $batch` each scanned the label again from its start.
ADMIN_IMPORT_FILL: dict[str, str] = {
    label: f"MATCH (n:{label}) WHERE " + " OR ".join(f"n.{p} IS NULL" for p in props)
    + " CALL (n) { SET " + ", ".join(f"n.{p} = coalesce(n.{p}, [])" for p in props)
    + " } IN TRANSACTIONS OF $batch ROWS"
    for label, props in _LIST_PROPERTIES.items()
}
ADMIN_IMPORT_DONE = "MATCH (m:AdminImport) DELETE m"
