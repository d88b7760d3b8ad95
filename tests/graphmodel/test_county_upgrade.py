"""Upgrading a store written before county departments were shared: the list and its review history.

An old store is built with the old layout (every township its own county department node) and
a history naming those nodes: a round's snapshot and an applied decision. The embedded file is
written as schema 2; the Neo4j database is written with plain parameterised Cypher here (not
with the store's writer), without the schema version node. After the upgrade every item reads
the same leads, cooperators, bases and villages, the decision names the shared node, undo works,
and a second upgrade changes nothing.
"""

from __future__ import annotations

import json

import pytest

from graphmodel import ItemFilter, open_store
from graphmodel.county_upgrade import SCHEMA_VERSION, upgrade_neo4j
from graphmodel.memory_store import FILE_NAME, MemoryStore
from graphmodel.store_files import read_store
from graphmodel.model import node_to_dict
from graphmodel.review import Op
from queries._examples import ListBuilder

SHARED = "dept:county:东河县:县自然资源局"
OLD = ("dept:甲镇:县自然资源局", "dept:乙镇:县自然资源局")
EDITOR = "王五"


def _old_list(township, county, spelling):
    b = ListBuilder(township, county=county)
    b.item("宅基地审批", leads=["农业农村办"], coops=[("县自然资源局", "联合审查")], villages=["东村"],
           bases=["《土地管理法》第六十二条"])
    b.item("违法占地查处", part="收回", leads=["县自然资源局"], bases=["《土地管理法》第七十八条"])
    tl = b.build()
    tl.departments = [d if d.name != "县自然资源局" else type(d)(d.key, d.township, d.name, d.level, (spelling,))
                      for d in tl.departments]
    return tl


def _old_store():
    """An in-memory store in the old layout with a round and an applied decision naming an old key."""
    s = open_store("memory", data_dir=None)
    for tl in (_old_list("甲镇", "东河县", "县资规局"), _old_list("乙镇", "东河县", "自然资源局"),
               _old_list("丁镇", "", "县自然资源局")):
        s.replace_township(tl)
    assert {d.key for d in s.nodes("Department") if d.name == "县自然资源局"} == {*OLD, "dept:丁镇:县自然资源局"}
    item = next(c.key for c in s.item_cards(ItemFilter(township="甲镇")) if c.item.name == "宅基地审批")
    d = s.record_decision("甲镇", [Op("set_lead", item, "县自然资源局")], editor=EDITOR)
    if d.status != "applied":
        d = s.confirm_decision("甲镇", d.id, editor="赵六")
    assert d.status == "applied" and OLD[0] in d.before
    return s, item, d.id


def _shape(store):
    """Every item's parties (name, level, part text), bases and villages: what must survive an upgrade."""
    def parties(ps):
        return tuple(sorted((p.name, p.level, p.text) for p in ps))

    return {c.key: (parties(c.leads), parties(c.cooperators), parties(c.villages), tuple(b.key for b in c.bases),
                    c.citations) for c in store.item_cards(ItemFilter())}


def _check_upgraded(store, before, item, did):
    assert _shape(store) == before
    nr = [d for d in store.nodes("Department") if d.name == "县自然资源局"]
    assert {d.key for d in nr} == {"dept:丁镇:县自然资源局", SHARED}  # 丁镇 has no county: its own
    shared = store.node(SHARED)
    assert (shared.township, shared.county, shared.aliases) == ("", "东河县", ("县资规局", "自然资源局"))
    for old in OLD:
        assert store.get_node(old) is None
    # the history names the shared node: the decision's slices and the round's snapshot
    d = store.decision("甲镇", did)
    assert SHARED in d.before and SHARED in d.after and OLD[0] not in d.before + d.after
    assert SHARED in {x.key for x in store.round_list("甲镇", 1).departments}
    # and undo still works, on the shared node
    card = lambda: next(c for c in store.item_cards(ItemFilter(township="甲镇")) if c.key == item)  # noqa: E731
    assert [p.key for p in card().leads] == [SHARED]
    store.undo_decision("甲镇", did, editor=EDITOR, reason="重议")
    assert [p.name for p in card().leads] == ["农业农村办"]
    assert [(p.key, p.text) for p in card().cooperators] == [(SHARED, "联合审查")]
    assert {c.item.township for c in store.item_cards(ItemFilter(department=SHARED))} == {"甲镇", "乙镇"}


# ---- the embedded file -------------------------------------------------------------------------
def test_schema_2_file_with_history_upgrades_and_undo_works(tmp_path, monkeypatch):
    monkeypatch.delenv("DUTYGRAPH_EDITORS", raising=False)
    old, item, did = _old_store()
    before = _shape(old)
    doc = {
        "format": "dutygraph-memory-store", "schema_version": 2,
        "nodes": [{k: v for k, v in node_to_dict(old.node(k)).items() if k != "county" or v} for k in sorted(old.graph.nodes)],
        "relations": [{"src": r.src, "type": r.type, "dst": r.dst, "text": r.text} for r in sorted(old.relations())],
        "review": old.review,
    }
    (tmp_path / FILE_NAME).write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    store = MemoryStore(tmp_path)
    _check_upgraded(store, before, item, did)
    store.save()
    again = MemoryStore(tmp_path)  # schema 3 now: read as it is
    assert _shape(again) == _shape(store) and again.review == store.review


# ---- Neo4j -------------------------------------------------------------------------------------
_CREATE = {label: f"CREATE (n:{label}) SET n = $props" for label in
           ("DutyItem", "Department", "Village", "LegalBasis", "Township")}
_LINK = {t: f"MATCH (a {{key: $src}}) MATCH (b {{key: $dst}}) CREATE (a)-[:{t} {{text: $text}}]->(b)"
         for t in ("LEADS", "COOPERATES_ON", "BASED_ON", "ASSISTS", "FOLLOWED_BY", "IN_TOWNSHIP")}
_RECORD = {label: f"CREATE (n:{label} {{key: $key, township: $township, id: $id, data: $data, blob: $blob}})"
           for label in ("Meeting", "Decision", "Round", "ChangeRequest", "AuditEntry", "ReviewSettings")}


def _props(node):
    data = node_to_dict(node)
    props = {}
    for k, v in data.items():
        if k == "extra":
            props["extra_keys"], props["extra_values"] = [a for a, _ in v], [b for _, b in v]
        elif k == "county" and data["node_type"] == "Department":
            continue  # old versions did not write it
        else:
            props[k] = list(v) if isinstance(v, tuple) else v
    if data["node_type"] == "Township":
        props["township"] = node.name
    return props


def _write_old_database(session, old):
    session.run("MATCH (v:DutygraphSchema) DETACH DELETE v").consume()  # a database from before the version node
    for key in sorted(old.graph.nodes):
        node = old.node(key)
        session.run(_CREATE[node.node_type], props=_props(node)).consume()
    for r in old.relations():
        session.run(_LINK[r.type], src=r.src, dst=r.dst, text=r.text).consume()
    for town, kinds in old.review.items():
        for kind, records in kinds.items():
            label = {"meeting": "Meeting"}.get(kind, kind)
            for rid, rec in records.items():
                session.run(_RECORD[label], key=f"{town}/{rid}", township=town, id=rid,
                            data=json.dumps(rec["data"], ensure_ascii=False, sort_keys=True), blob=rec.get("blob")).consume()


@pytest.mark.neo4j
def test_old_neo4j_database_upgrades_on_open_without_loss(neo4j_server, monkeypatch):
    import neo4j

    monkeypatch.delenv("DUTYGRAPH_EDITORS", raising=False)
    uri, user, password, database = neo4j_server
    first = open_store("neo4j", uri=uri, user=user, password=password, database=database)
    first.wipe()
    first.close()
    old, item, did = _old_store()
    before = _shape(old)
    with neo4j.GraphDatabase.driver(uri, auth=(user, password)) as driver, driver.session(database=database) as session:
        _write_old_database(session, old)
        store = None
    try:
        store = open_store("neo4j", uri=uri, user=user, password=password, database=database)  # upgrades on open
        assert (store.upgrade_report.departments, store.upgrade_report.shared) == (2, 1)  # what `dutygraph upgrade` prints
        _check_upgraded(store, before, item, did)
        after = _shape(store)
        nodes = {d.key: d for d in store.nodes("Department")}
        again = upgrade_neo4j(store)  # idempotent: nothing left to move
        assert (again.departments, again.records, again.from_version) == (0, 0, SCHEMA_VERSION)
        assert _shape(store) == after and {d.key: d for d in store.nodes("Department")} == nodes
    finally:
        if store is not None:
            store.wipe()
            store.close()


@pytest.mark.neo4j
def test_upgrade_reports_what_it_moved(neo4j_server, monkeypatch):
    import neo4j

    monkeypatch.delenv("DUTYGRAPH_EDITORS", raising=False)
    uri, user, password, database = neo4j_server
    store = open_store("neo4j", uri=uri, user=user, password=password, database=database)
    store.wipe()
    old, _, _ = _old_store()
    try:
        with neo4j.GraphDatabase.driver(uri, auth=(user, password)) as driver, driver.session(database=database) as s:
            _write_old_database(s, old)
        report = upgrade_neo4j(store)  # the explicit upgrade (dutygraph upgrade) on a store already open
        assert (report.from_version, report.departments, report.shared, report.counties) == (0, 2, 1, ["东河县"])
        assert report.records == 3  # 甲镇's decision and the import rounds of 甲镇 and 乙镇 (丁镇 has no county)
        # 2 townships × (LEADS 违法占地查处, COOPERATES_ON 宅基地审批 or its LEADS after the decision, IN_TOWNSHIP)
        assert report.relations == 6
    finally:
        store.wipe()
        store.close()


def test_dutygraph_upgrade_rewrites_an_old_file_once(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from cli.main import cli

    monkeypatch.delenv("DUTYGRAPH_EDITORS", raising=False)
    old, _, _ = _old_store()
    doc = {"format": "dutygraph-memory-store", "schema_version": 2,
           "nodes": [node_to_dict(old.node(k)) for k in sorted(old.graph.nodes)],
           "relations": [{"src": r.src, "type": r.type, "dst": r.dst, "text": r.text} for r in sorted(old.relations())],
           "review": old.review}
    (tmp_path / FILE_NAME).write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")

    def run():
        out = CliRunner().invoke(cli, ["upgrade", "--json", "--data-dir", str(tmp_path)], catch_exceptions=False)
        assert out.exit_code == 0, out.output
        return json.loads(out.output)["results"]

    assert run()["from_version"] == 2
    saved = read_store(tmp_path / FILE_NAME)  # schema 4: the head and a file per township
    assert saved["schema_version"] == 4
    assert SHARED in {n["key"] for n in saved["nodes"]} and OLD[0] not in {n["key"] for n in saved["nodes"]}
    head = (tmp_path / FILE_NAME).read_bytes()
    assert run()["from_version"] == 4  # the second run finds nothing to do
    assert (tmp_path / FILE_NAME).read_bytes() == head and read_store(tmp_path / FILE_NAME) == saved
