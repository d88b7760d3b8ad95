"""County departments are one node per county, shared by the county's townships, on both stores."""

from __future__ import annotations

import json
import threading

import pytest

from graphmodel import ItemFilter, open_store
from graphmodel.memory_store import FILE_NAME, MemoryStore
from graphmodel.model import node_to_dict, share_county_departments
from queries._examples import ListBuilder

SHARED = "dept:county:东河县:县自然资源局"


def county_list(township: str, county: str = "东河县", spelling: str = "县自然资源局", extra: bool = False):
    """A township with one own office and one county department (written as ``spelling``)."""
    b = ListBuilder(township, county=county)
    b.item("宅基地审批", leads=["农业农村办"], coops=["县自然资源局"])
    b.item("违法占地查处", part="收回", leads=["县自然资源局"])
    if extra:
        b.item("土地复垦监督", part="配合", leads=["县自然资源局"])
    tl = b.build()
    tl.departments = [
        d if d.name != "县自然资源局" else type(d)(d.key, d.township, d.name, d.level, (spelling,))
        for d in tl.departments
    ]
    return share_county_departments(tl)


def test_townships_of_one_county_share_one_department_node(store):
    store.replace_township(county_list("甲镇", spelling="县资规局"))
    store.replace_township(county_list("乙镇", spelling="自然资源局"))
    depts = [d for d in store.nodes("Department") if d.name == "县自然资源局"]
    assert [(d.key, d.township, d.county) for d in depts] == [(SHARED, "", "东河县")]
    assert depts[0].aliases == ("县资规局", "自然资源局")  # every spelling either township read
    # each township sees the shared node among its departments, and in its own list
    for t in ("甲镇", "乙镇"):
        assert SHARED in {d.key for d in store.nodes("Department", t)}
        assert SHARED in {d.key for d in store.township_list(t).departments}
        assert store.counts(t).nodes["Department"] == 2
    assert {c.item.township for c in store.item_cards(ItemFilter(department=SHARED))} == {"甲镇", "乙镇"}


def test_other_counties_never_share(store):
    store.replace_township(county_list("甲镇"))
    store.replace_township(county_list("丙镇", county="西山县"))
    store.replace_township(county_list("丁镇", county=""))  # no county known: the township's own node
    keys = sorted(d.key for d in store.nodes("Department") if d.name == "县自然资源局")
    assert keys == ["dept:county:东河县:县自然资源局", "dept:county:西山县:县自然资源局", "dept:丁镇:县自然资源局"]


def test_reimport_changes_nothing_and_delete_keeps_node_others_use(store):
    store.replace_township(county_list("甲镇", spelling="县资规局"))
    store.replace_township(county_list("乙镇", spelling="自然资源局"))
    assert store.replace_township(county_list("甲镇", spelling="县资规局")).unchanged
    assert store.replace_township(county_list("乙镇", spelling="自然资源局")).unchanged
    store.delete_township("甲镇")
    assert store.get_node(SHARED) is not None  # 乙镇 still uses it
    assert {c.item.township for c in store.item_cards(ItemFilter(department=SHARED))} == {"乙镇"}
    store.delete_township("乙镇")
    assert store.get_node(SHARED) is None  # nobody uses it any more
    assert store.nodes("Department") == ()


def test_replace_that_drops_the_department_keeps_it_for_others(store):
    store.replace_township(county_list("甲镇"))
    store.replace_township(county_list("乙镇"))
    b = ListBuilder("甲镇", county="东河县")
    b.item("宅基地审批", leads=["农业农村办"])
    store.replace_township(share_county_departments(b.build()))
    assert store.get_node(SHARED) is not None
    assert SHARED not in {d.key for d in store.nodes("Department", "甲镇")}
    assert store.counts("乙镇").nodes["Department"] == 2


def test_township_list_copies_between_stores_with_the_shared_node(store):
    store.replace_township(county_list("甲镇", extra=True))
    copy = open_store("memory", data_dir=None)
    copy.replace_township(store.township_list("甲镇"))
    assert copy.township_list("甲镇") == store.township_list("甲镇")


# ---- upgrade of a schema-2 store file -----------------------------------------------------------
def _write_v2(path, lists):
    """A store file as dutygraph with schema 2 wrote it: every county department per township."""
    nodes, rels = {}, set()
    for tl in lists:
        for n in tl.nodes():
            nodes[n.key] = n
        rels |= {(r.src, r.type, r.dst, r.text) for r in tl.relations}
    doc = {
        "format": "dutygraph-memory-store",
        "schema_version": 2,
        "nodes": [{k: v for k, v in node_to_dict(nodes[k]).items() if k != "county" or v} for k in sorted(nodes)],
        "relations": [dict(zip(("src", "type", "dst", "text"), r, strict=True)) for r in sorted(rels)],
        "review": {"甲镇": {"meeting": {"m1": {"data": {"id": "m1", "title": "边界会"}, "blob": None}}}},
    }
    (path / FILE_NAME).write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return doc


def _old_list(township, county, spelling):
    b = ListBuilder(township, county=county)
    b.item("宅基地审批", leads=["农业农村办"], coops=[("县自然资源局", "联合审查")], villages=[], bases=["《土地管理法》第六十二条"])
    b.item("违法占地查处", part="收回", leads=["县自然资源局"])
    tl = b.build()
    tl.departments = [
        d if d.name != "县自然资源局" else type(d)(d.key, d.township, d.name, d.level, (spelling,))
        for d in tl.departments
    ]
    return tl


def test_schema_2_file_upgrades_without_loss(tmp_path):
    old = [_old_list("甲镇", "东河县", "县资规局"), _old_list("乙镇", "东河县", "自然资源局"),
           _old_list("丁镇", "", "县自然资源局")]
    doc = _write_v2(tmp_path, old)
    store = MemoryStore(tmp_path)
    # one shared node for 东河县 with both spellings; 丁镇 (no county) keeps its own
    shared = store.node(SHARED)
    assert (shared.township, shared.county, shared.aliases) == ("", "东河县", ("县资规局", "自然资源局"))
    assert store.get_node("dept:甲镇:县自然资源局") is None and store.get_node("dept:丁镇:县自然资源局") is not None
    # nothing lost: every other node, every relation (re-pointed), the review records
    renamed = {"dept:甲镇:县自然资源局": SHARED, "dept:乙镇:县自然资源局": SHARED}
    want_rels = sorted({(renamed.get(r["src"], r["src"]), r["type"], renamed.get(r["dst"], r["dst"]), r["text"])
                        for r in doc["relations"]})
    assert sorted((r.src, r.type, r.dst, r.text) for r in store.relations()) == want_rels
    want_nodes = {n["key"] for n in doc["nodes"]} - set(renamed) | {SHARED}
    assert {k for k in store.graph.nodes} == want_nodes
    assert store.review == doc["review"]
    for tl in old:
        assert len(store.item_cards(ItemFilter(township=tl.township.name))) == len(tl.items)
    # a save writes schema 4 (3's content, a file per township) and the upgraded store loads back equal
    store.save()
    assert json.loads((tmp_path / FILE_NAME).read_text(encoding="utf-8"))["schema_version"] == 4
    again = MemoryStore(tmp_path)
    assert again.relations() == store.relations() and again.nodes("Department") == store.nodes("Department")
    # a re-import of an upgraded township (now with the county sharing) changes nothing
    assert again.replace_township(share_county_departments(_old_list("甲镇", "东河县", "县资规局"))).unchanged


@pytest.mark.neo4j
def test_concurrent_imports_of_one_county_keep_every_link(neo4j_server):
    """Two townships re-imported at once, each dropping and re-adding the shared department:
    the county lock makes them take turns, so the last state of each holds its links."""
    uri, user, password, database = neo4j_server
    stores = [open_store("neo4j", uri=uri, user=user, password=password, database=database) for _ in range(2)]
    stores[0].wipe()
    errors: list[BaseException] = []

    def work(store, town):
        try:
            for n in range(5):
                if n % 2:
                    b = ListBuilder(town, county="东河县")
                    b.item("宅基地审批", leads=["农业农村办"])
                    store.replace_township(share_county_departments(b.build()))
                else:
                    store.replace_township(county_list(town))
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(s, t)) for s, t in zip(stores, ("甲镇", "乙镇"), strict=True)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    try:
        assert not errors, errors
        for town in ("甲镇", "乙镇"):  # the last import of each (n = 4) links the shared node
            assert store_links(stores[0], town) == {"LEADS", "COOPERATES_ON", "IN_TOWNSHIP"}
    finally:
        stores[0].wipe()
        for s in stores:
            s.close()


def store_links(store, town):
    return {r.type for r in store.relations(None, town) if SHARED in (r.src, r.dst)}


def test_a_decision_naming_a_new_county_department_uses_the_shared_node(store):
    from graphmodel.listedit import apply_ops
    from graphmodel.review import Op

    store.replace_township(county_list("甲镇"))
    store.replace_township(county_list("乙镇"))
    b = ListBuilder("丙镇", county="东河县")
    key = b.item("地质灾害巡查", leads=["农业农村办"])
    store.replace_township(share_county_departments(b.build()))
    # 丙镇 does not name 县自然资源局 yet: the decision adds it as the county's shared node
    after = apply_ops(store.township_list("丙镇"), [Op("add_cooperator", key, "县自然资源局", level="县级部门")])[0]
    assert SHARED in {d.key for d in after.departments}
    store.replace_township(after)
    assert [d.key for d in store.nodes("Department") if d.name == "县自然资源局"] == [SHARED]
    assert {c.item.township for c in store.item_cards(ItemFilter(department=SHARED))} == {"甲镇", "乙镇", "丙镇"}
