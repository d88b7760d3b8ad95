"""What only the Neo4j store has: connection errors, schema, one-transaction imports,
parity with the memory store on a large list, the Cypher module's hygiene and the
docker-compose wiring."""

from __future__ import annotations

import re
import socket
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from test_store_contract import build_list, used_bases_only, without_items

from graphmodel import NODE_TYPES, REL_TYPES, InvalidArgument, ItemFilter, ListPart, Relation, StoreUnavailable, cypher, open_store
from graphmodel.vocab import BASIS_LOCK_LABEL, REVIEW_LABELS, REVIEW_LOCK_LABEL, REVIEW_REL_TYPES, STAGED_LABEL, ADMIN_IMPORT_LABEL, TOWNSHIP_STATS_LABEL
from graphmodel.vocab import TOWNSHIP_EVIDENCE_LABEL
from graphmodel.memory_store import MemoryStore

ROOT = Path(__file__).resolve().parents[2]
neo4j_only = pytest.mark.neo4j


@pytest.fixture
def neo(neo4j_server):
    uri, user, password, database = neo4j_server
    s = open_store("neo4j", uri=uri, user=user, password=password, database=database)
    s.wipe()
    yield s
    s.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _one_clear_line(err: StoreUnavailable, *must_say: str) -> None:
    text = str(err)
    assert "\n" not in text
    for word in must_say:
        assert word in text, text
    assert err.__cause__ is not None  # raise ... from e keeps the driver's error


# ---- connecting ------------------------------------------------------------------------------------
@neo4j_only
def test_wrong_password_says_what_to_check(neo4j_server):
    uri, user, _, database = neo4j_server
    with pytest.raises(StoreUnavailable) as info:
        open_store("neo4j", uri=uri, user=user, password="not-the-password", database=database)
    _one_clear_line(info.value, "NEO4J_PASSWORD", uri)


def test_unreachable_port_says_what_to_check():
    uri = f"bolt://127.0.0.1:{_free_port()}"
    with pytest.raises(StoreUnavailable) as info:
        open_store("neo4j", uri=uri, user="neo4j", password="whatever1")
    _one_clear_line(info.value, "NEO4J_URI", uri, "running")


def test_malformed_uri_says_what_to_check():
    with pytest.raises(StoreUnavailable) as info:
        open_store("neo4j", uri="nosuch://127.0.0.1:7687", user="neo4j", password="whatever1")
    _one_clear_line(info.value, "NEO4J_URI")


@neo4j_only
def test_missing_database_says_what_to_check(neo4j_server):
    uri, user, password, _ = neo4j_server
    with pytest.raises(StoreUnavailable) as info:
        open_store("neo4j", uri=uri, user=user, password=password, database="nosuchdb")
    _one_clear_line(info.value, "NEO4J_DATABASE", "nosuchdb")


@neo4j_only
def test_settings_come_from_the_environment(neo4j_server, monkeypatch):
    uri, user, password, database = neo4j_server
    monkeypatch.setenv("NEO4J_URI", uri)
    monkeypatch.setenv("NEO4J_USER", user)
    monkeypatch.setenv("NEO4J_PASSWORD", password)
    if database:
        monkeypatch.setenv("NEO4J_DATABASE", database)
    monkeypatch.setenv("DUTYGRAPH_STORE", "neo4j")
    with open_store() as s:
        assert s.name == "neo4j"
        assert uri in s.describe()
        s.townships()


# ---- schema and transactions ---------------------------------------------------------------------
@neo4j_only
def test_schema_is_created_and_idempotent(neo, neo4j_server):
    uri, user, password, database = neo4j_server
    open_store("neo4j", uri=uri, user=user, password=password, database=database).close()  # second open
    rows = neo._read("SHOW INDEXES YIELD name, type, labelsOrTypes, properties, options")
    by_name = {r["name"]: r for r in rows}
    for label in NODE_TYPES:
        assert any(r["type"] == "RANGE" and r["labelsOrTypes"] == [label] and r["properties"] == ["key"] for r in rows)
    for name in ("duty_item_township", "duty_item_part", "duty_item_power_type", "department_township"):
        assert by_name[name]["type"] == "RANGE"
    assert by_name["duty_item_township_part"]["properties"] == ["township", "part"]  # a sheet in one seek
    fulltext = by_name[cypher.FULLTEXT_INDEX]
    assert fulltext["type"] == "FULLTEXT"
    assert fulltext["options"]["indexConfig"]["fulltext.analyzer"] == "cjk"
    constraints = neo._read("SHOW CONSTRAINTS YIELD labelsOrTypes, type")
    assert sorted(c["labelsOrTypes"][0] for c in constraints if c["type"] == "UNIQUENESS") == sorted(
        (*NODE_TYPES, *REVIEW_LABELS, REVIEW_LOCK_LABEL, BASIS_LOCK_LABEL, TOWNSHIP_STATS_LABEL,
         TOWNSHIP_EVIDENCE_LABEL))


@neo4j_only
@pytest.mark.parametrize("one_statement", [True, False], ids=["one-statement", "batches"])
def test_a_failing_import_changes_nothing(neo, monkeypatch, one_statement):
    import graphmodel.neo4j_store as neo4j_store

    if not one_statement:  # a list larger than LIST_STATEMENT_ROWS: nodes and relations in batches
        monkeypatch.setattr(neo4j_store, "LIST_STATEMENT_ROWS", 0)
    first = build_list("甲镇", items=20)
    neo.replace_township(first)
    before = (neo.relations(), neo.item_cards(), neo.counts())
    # deletes and node writes run first; make the relation statements fail inside the transaction
    for table in ("CREATE_RELATIONS_BY_KEY", "MERGE_RELATIONS_BY_KEY"):
        broken = {t: "UNWIND $rows AS row WITH row WHERE row.text <> 'x' RETURN 1 / 0" for t in getattr(cypher, table)}
        monkeypatch.setattr(cypher, table, broken)
    monkeypatch.setattr(cypher, "CREATE_RELATIONS_ALL", "RETURN 1 / 0 AS broken")  # the model's relations
    # the one statement of new nodes and relations fails after creating its nodes
    monkeypatch.setattr(cypher, "CREATE_LIST_ALL", cypher.CREATE_LIST_ALL.rsplit("RETURN", 1)[0] + "RETURN 1 / 0 AS broken")
    second = without_items(build_list("甲镇", items=20), {first.items[0].key})
    second.items[1] = replace(second.items[1], name="改名")
    second.relations.append(Relation(second.departments[0].key, "COOPERATES_ON", second.items[2].key, "新"))
    with pytest.raises(Exception, match="ArithmeticError"):
        neo.replace_township(second)
    assert (neo.relations(), neo.item_cards(), neo.counts()) == before


@neo4j_only
def test_a_whole_store_search_reads_the_items_until_the_fulltext_index_is_online(neo):
    # a store's open waits for every index but the full-text one (after a bulk or admin import it
    # fills in the background); until it is online, a whole-store search takes the scan
    neo.replace_township(build_list("甲镇", items=12))
    expected = neo.search_items(["安全生产", "防汛"])
    assert expected
    neo._run(True, lambda tx: tx.run(f"DROP INDEX {cypher.FULLTEXT_INDEX}").consume())
    try:
        neo._fulltext_online = False  # as _setup_schema leaves it while the index fills
        assert neo.search_items(["安全生产", "防汛"]) == expected  # queryNodes on no index would raise
        assert neo._fulltext_online is False
    finally:
        neo._setup_schema()
    assert neo._fulltext_online is True
    assert neo.search_items(["安全生产", "防汛"]) == expected


@neo4j_only
def test_one_statement_and_batches_write_the_same_store(neo, monkeypatch):
    # cypher.CREATE_LIST_ALL (ends by position) against the batches by key (a list over LIST_STATEMENT_ROWS)
    import graphmodel.neo4j_store as neo4j_store

    laws = ("安全生产法", "消防法")
    second = without_items(build_list("甲镇", items=30, bases=laws), {build_list("甲镇", items=30).items[0].key})
    second.items[1] = replace(second.items[1], name="改名")
    second.relations.append(Relation(second.departments[0].key, "COOPERATES_ON", second.items[2].key, "新"))
    stores = []
    for limit in (neo4j_store.LIST_STATEMENT_ROWS, 0):
        monkeypatch.setattr(neo4j_store, "LIST_STATEMENT_ROWS", limit)
        neo.wipe()
        results = [neo.replace_township(t) for t in (build_list("甲镇", items=30, bases=laws),
                                                     build_list("乙镇", items=30, seed=1, bases=laws), second)]
        stores.append((results, neo.relations(), neo.item_cards(), neo.counts(), neo.nodes("LegalBasis"),
                       neo.nodes("Department")))
    assert stores[0] == stores[1]
    assert stores[0][0][2].changed and stores[0][0][2].removed and len(stores[0][1]) > 300


@neo4j_only
def test_the_one_statement_refuses_ends_it_cannot_find(neo):
    # an end the statement should find and does not: no row back, the import raises and writes nothing
    import graphmodel.neo4j_store as neo4j_store

    def work(tx):
        neo4j_store._create_list(tx, {label: [] for label in cypher.CREATE_LIST_LABELS},
                                 {("BASED_ON", "DutyItem", "LegalBasis"): [{"src": "item:无", "dst": "basis:无", "text": ""}]})

    with pytest.raises(RuntimeError, match="nothing was imported"):
        neo._run(True, work)
    assert neo.counts().relations == {}


@neo4j_only
def test_a_first_import_reusing_another_townships_key_fails_whole(neo):
    # a township's first import seeks only its shared nodes: its own keys name the township, so a
    # hand-made list reusing another township's item key fails on the key constraint, as a whole
    first = build_list("甲镇", items=6)
    neo.replace_township(first)
    before = (neo.relations(), neo.item_cards(), neo.counts(), neo.townships())
    second = build_list("乙镇", items=6)
    taken = first.items[0].key
    old_key = second.items[0].key
    second.items[0] = replace(second.items[0], key=taken)
    second.relations = [replace(r, src=taken if r.src == old_key else r.src, dst=taken if r.dst == old_key else r.dst)
                        for r in second.relations]
    with pytest.raises(InvalidArgument, match="乙镇.*another township"):
        neo.replace_township(second)
    assert (neo.relations(), neo.item_cards(), neo.counts(), neo.townships()) == before
    assert neo.rounds("乙镇") == ()


# ---- parity with the memory store on a 300-item list ------------------------------------------------
def _reads(store, keys: list[str]):
    out = {
        "townships": store.townships(),
        "counts": [store.counts(), store.counts("甲镇"), store.counts("乙镇")],
        "relations": [store.relations(), store.relations(township="乙镇"), store.relations("BASED_ON", "甲镇")],
        "nodes": [store.nodes(t, tw) for t in NODE_TYPES for tw in (None, "甲镇", "乙镇")],
        "chains": store.chain_links(),
        "search": [store.search_items(["安全生产", "防汛"]), store.search_items(["inspection", "第1"], "甲镇")],
    }
    filters = [
        ItemFilter(),
        ItemFilter(township="甲镇", parts=(ListPart.BASIC.value,)),
        ItemFilter(power_types=("行政许可", "")),
        ItemFilter(min_leads=0, max_leads=0),
        ItemFilter(min_leads=2),
        ItemFilter(department="dept:甲镇:县市场监督管理局", max_leads=1),
        ItemFilter(village="village:乙镇:张家村"),
        ItemFilter(keys=tuple(keys[:5])),
    ]
    out["cards"] = [store.item_cards(f) for f in filters]
    out["neighbourhoods"] = [
        store.neighbourhood(k, d, types) if store.get_node(k) else None
        for k in keys[:3] + ["basis:安全生产法", "dept:乙镇:派出所"]
        for d in (0, 1, 2, 3)
        for types in ((), ("FOLLOWED_BY", "LEADS"), ("IN_TOWNSHIP",))
    ]
    return out


@neo4j_only
def test_parity_with_memory_store_on_a_large_list(neo):
    mem = MemoryStore(data_dir=None)
    a = build_list("甲镇", items=300, bases=("安全生产法", "消防法"))
    b = build_list("乙镇", items=120, seed=3, bases=("消防法", "安全生产法"))
    a2 = used_bases_only(without_items(a, {i.key for i in a.items[::7]}))
    a2.items = [replace(i, content=i.content + "（修订）") if n % 10 == 0 else i for n, i in enumerate(a2.items)]
    keys = [a.items[0].key, a.items[7].key, b.items[4].key, a.items[13].key]
    steps = [
        lambda s: s.replace_township(a),
        lambda s: s.replace_township(b),
        lambda s: s.replace_township(a),
        lambda s: s.replace_township(a2),
        lambda s: s.delete_township("乙镇"),
        lambda s: s.replace_township(b),
    ]
    for n, step in enumerate(steps):
        assert step(neo) == step(mem), f"step {n}"
        assert _reads(neo, keys) == _reads(mem, keys), f"reads after step {n}"


# ---- the Cypher module -------------------------------------------------------------------------------
def _statements():
    for name in cypher.__all__:
        value = getattr(cypher, name)
        if isinstance(value, str):
            yield name, value
        elif isinstance(value, dict):
            yield from ((f"{name}[{k}]", v) for k, v in value.items())
        elif isinstance(value, tuple):
            yield from ((f"{name}[{n}]", v) for n, v in enumerate(value))


def test_cypher_names_only_labels_and_types_of_the_vocabulary():
    pattern = re.compile(r"[(\[]\s*\w*\s*:\s*([A-Za-z_]+(?:\|[A-Za-z_]+)*)")
    allowed = (set(NODE_TYPES) | set(REL_TYPES) | set(REVIEW_LABELS)
               | {REVIEW_LOCK_LABEL, BASIS_LOCK_LABEL, STAGED_LABEL, ADMIN_IMPORT_LABEL, TOWNSHIP_STATS_LABEL,
                  TOWNSHIP_EVIDENCE_LABEL}
               | set(REVIEW_REL_TYPES))
    seen = set()
    for name, text in _statements():
        for group in pattern.findall(text):
            for word in group.split("|"):
                assert word in allowed, f"{name} names {word!r}"
                seen.add(word)
    assert seen == allowed


def test_per_label_and_per_type_tables_are_complete():
    for table in (cypher.UPSERT_NODES, cypher.NODES_BY_KEYS, cypher.NODES_ALL, cypher.NODES_IN_TOWNSHIP):
        assert set(table) == set(NODE_TYPES)
        for label, text in table.items():
            # a township's bases are whatever its items are BASED_ON, as in the memory store
            assert f":{label}" in text or (table is cypher.NODES_IN_TOWNSHIP and label == "LegalBasis")
    for table in (cypher.MERGE_RELATIONS, cypher.RELATIONS_OF_TYPE):
        assert set(table) == set(REL_TYPES)
        for rel_type, text in table.items():
            assert f"[r:{rel_type}]" in text
    # the import's writes by key: every label, every (type, start label, end label)
    for table in (cypher.CREATE_NODES, cypher.SET_NODES, cypher.MERGE_NODES):
        assert set(table) == set(NODE_TYPES)
        for label, text in table.items():
            assert f"(n:{label}" in text
    for table in (cypher.CREATE_RELATIONS_BY_KEY, cypher.MERGE_RELATIONS_BY_KEY):
        assert set(table) == {(t, a, b) for t in REL_TYPES for a in NODE_TYPES for b in NODE_TYPES}
        for (rel_type, a, b), text in table.items():
            assert f"(a:{a} {{key: row.src}})" in text and f"(b:{b} {{key: row.dst}})" in text
            assert f":{rel_type}" in text
    # the one-statement writes: a CALL per label and per relation kind of the model
    for label in NODE_TYPES:
        assert f"UNWIND ${label} AS row CREATE (n:{label})" in cypher.CREATE_NODES_ALL
    assert cypher.CREATE_RELATIONS_ALL.count("CALL ()") == len(cypher.MODEL_RELATIONS)
    for rel_type, a, b in cypher.MODEL_RELATIONS:
        assert (f"UNWIND ${cypher.rows_parameter(rel_type, a, b)} AS row MATCH (a:{a} {{key: row.src}}) "
                f"MATCH (b:{b} {{key: row.dst}}) CREATE (a)-[:{rel_type} ") in cypher.CREATE_RELATIONS_ALL


def test_only_the_neo4j_store_imports_the_driver():
    for path in (ROOT / "graphmodel").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        imports = re.search(r"^\s*(import neo4j|from neo4j)", text, re.MULTILINE)
        assert (imports is not None) == (path.name == "neo4j_store.py"), path.name


# ---- docker compose ---------------------------------------------------------------------------------
def test_compose_file_wires_neo4j_and_dashboard():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    neo4j, dash = services["neo4j"], services["dashboard"]
    assert neo4j["image"] == "neo4j:5.26-community"
    volume = next(v.split(":")[0] for v in neo4j["volumes"] if v.endswith(":/data"))
    assert volume in compose["volumes"]  # a named volume, not a bind mount
    assert neo4j["environment"]["NEO4J_AUTH"].startswith("${NEO4J_AUTH:?")  # from .env, required
    health = neo4j["healthcheck"]
    assert any(word in " ".join(health["test"]) for word in ("cypher-shell", "wget"))
    assert {"interval", "retries"} <= set(health)

    assert dash["build"]["context"] == "." and dash["build"].get("dockerfile", "Dockerfile") == "Dockerfile"
    assert dash["depends_on"] == {"neo4j": {"condition": "service_healthy"}}
    assert "8501:8501" in dash["ports"]
    env = dash["environment"]
    assert env["DUTYGRAPH_STORE"] == "neo4j"
    assert env["NEO4J_URI"] == "bolt://neo4j:7687"
    assert env["NEO4J_PASSWORD"].startswith("${NEO4J_PASSWORD:?") and env["NEO4J_USER"].startswith("${NEO4J_USER")

    env_example = dict(
        line.split("=", 1) for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    )
    assert env_example["NEO4J_AUTH"] == f"{env_example['NEO4J_USER']}/{env_example['NEO4J_PASSWORD']}"
    assert ".env" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()


def test_dockerfile_installs_the_project():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert text.startswith("FROM python:3.11-slim") or "\nFROM python:3.11-slim" in text
    assert "pip install" in text and "EXPOSE 8501" in text


def _operators(plan: dict) -> list[str]:
    ops = [plan["operatorType"].split("@")[0]]
    for child in plan.get("children", ()):
        ops += _operators(child)
    return ops


def _seeks(plan: dict) -> list[str]:
    """The details of every index seek of a plan."""
    found = [plan.get("args", {}).get("Details", "")] if "IndexSeek" in plan["operatorType"] else []
    for child in plan.get("children", ()):
        found += _seeks(child)
    return found


@neo4j_only
def test_a_townships_departments_are_found_from_its_own_nodes(neo):
    """One township's departments (its offices and the shared county departments on its items) are
    found from the township's nodes: every index seek is on $township. Seeking the shared departments
    (township '') first expanded every relation of every county's departments (0.35-0.67 s at 300
    townships in counties of 20); the old statement seeks ``Department(township) = ''`` and fails here."""
    from graphmodel.model import share_county_departments

    for name in ("甲镇", "乙镇", "丙镇"):
        neo.replace_township(share_county_departments(build_list(name, items=40)))
    for statement in (cypher.NODES_IN_TOWNSHIP["Department"], cypher.COUNT_NODES_IN_TOWNSHIP):
        with neo._driver.session(database=neo.database) as session:
            plan = session.run("EXPLAIN " + statement, township="甲镇").consume().plan
        seeks = _seeks(plan)
        assert seeks and all(re.search(r"township = \$township\b", s) for s in seeks), seeks
    shared = [d for d in neo.nodes("Department", "甲镇") if d.township == ""]
    assert shared and {d.key for d in shared} <= {d.key for d in neo.nodes("Department", "乙镇")}
    assert neo.counts("甲镇").nodes["Department"] == len(neo.nodes("Department", "甲镇"))


@neo4j_only
def test_the_by_key_card_read_seeks_each_key(neo):
    """Each subquery of slim_cards_by_key finds its items by a unique-key seek, never by a scan of
    the key index per key (the planner chose that once: 8.1 M index rows for 900 keys at 30
    townships, 5 s; asserted on the plan, since on a small store the time would not show it)."""
    a = build_list("甲镇", items=300, bases=("安全生产法",))
    neo.replace_township(a)
    params = {"keys": [i.key for i in a.items[:50]], "fields": ["key", "name"], "bases": True,
              "villages": True}
    with neo._driver.session(database=neo.database) as session:
        plan = session.run("EXPLAIN " + cypher.QUESTIONS["slim_cards_by_key"], params).consume().plan
    ops = _operators(plan)
    assert ops.count("NodeUniqueIndexSeek") == 4, ops
    assert not {"NodeIndexScan", "AllNodesScan", "NodeByLabelScan"} & set(ops), ops


@neo4j_only
def test_what_ifs_department_items_seek_each_department(neo):
    """what_if reads the items of the departments it moves (QUESTIONS["department_items"]) from
    each department's node, found by its key: no scan of the items or the departments."""
    a = build_list("甲镇", items=120, bases=("安全生产法",))
    neo.replace_township(a)
    depts = sorted({r.src for r in a.relations if r.type == "LEADS"})[:2]
    params = {"keys": depts}
    with neo._driver.session(database=neo.database) as session:
        plan = session.run("EXPLAIN " + cypher.QUESTIONS["department_items"], params).consume().plan
    ops = _operators(plan)
    assert "NodeUniqueIndexSeek" in ops, ops
    assert not {"NodeIndexScan", "AllNodesScan", "NodeByLabelScan"} & set(ops), ops
    got = {r["key"] for r in neo.ask("department_items", keys=depts)}
    assert got == {r.dst for r in a.relations if r.src in depts and r.type in ("LEADS", "COOPERATES_ON")} != set()
