"""The DutyStore contract, checked once and run on every backend (the `store` fixture).

Graphs are built here from graphmodel records; expected answers are written out by
hand or derived from the list itself, never read back from one store to check another.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from graphmodel import (
    NODE_TYPES,
    POWER_TYPES,
    Department,
    DutyItem,
    ImportResult,
    InvalidArgument,
    ItemFilter,
    LegalBasis,
    ListPart,
    NotFound,
    Party,
    Relation,
    TownshipList,
    Village,
)
from graphmodel.normalize import basis_key, dept_key, item_key, village_key

PARTS = [p.value for p in ListPart]


# ---- graph builders ------------------------------------------------------------------------------
def build_list(township: str = "甲镇", items: int = 6, seed: int = 0, bases: tuple[str, ...] = ()) -> TownshipList:
    """A township list with every node and relation type, deterministic for a seed.

    Items cite the laws in ``bases`` (shared between townships) as well as their own.
    """
    rng = random.Random(seed)
    tl = TownshipList.empty(township, county="乙县")
    depts = [
        Department(dept_key(township, name), township, name, level, aliases)
        for name, level, aliases in (
            ("党政办公室", "镇街内设机构", ()),
            ("应急管理办公室", "镇街内设机构", ("应急办", "安监办")),
            ("县市场监督管理局", "县级部门", ()),
            ("派出所", "县派驻机构", ("公安派出所",)),
        )
    ]
    villages = [
        Village(village_key(township, "张家村"), township, "张家村", "村"),
        Village(village_key(township, "城关社区"), township, "城关社区", "社区"),
    ]
    own_laws = [LegalBasis(basis_key(f"{township}条例", n), f"{township}条例", n) for n in (0, 3)]
    shared = [LegalBasis(basis_key(law, 0), law, 0) for law in bases]
    tl.departments += depts
    tl.villages += villages
    tl.bases += own_laws + shared
    topics = ["安全生产检查", "消防 inspection", "农村宅基地审批", "垃圾分类", "防汛抗旱", "食品安全"]
    for n in range(items):
        part = PARTS[n % len(PARTS)]
        item = DutyItem(
            item_key(township, f"{n:03d}", topics[n % len(topics)]),
            township,
            topics[n % len(topics)],
            code=f"{n:03d}",
            sub_item="子项" if n % 5 == 4 else "",
            part=part,
            power_type=POWER_TYPES[n % 4] if n % 7 else "",
            category="乡村振兴" if n % 3 == 0 else "",
            content=f"第{n}项 具体内容",
            extra=(("附加列", f"值{n}"),) if n % 2 else (),
            source_file="清单.xlsx",
            source_sheet=part,
            source_row=n + 2,
        )
        tl.items.append(item)
        tl.relations.append(Relation(item.key, "IN_TOWNSHIP", tl.township.key))
        if n % 6 != 5:  # every sixth item has no lead
            tl.relations.append(Relation(depts[n % 2].key, "LEADS", item.key, "牵头"))
        if n % 4 == 1:  # some have two leads
            tl.relations.append(Relation(depts[3].key, "LEADS", item.key, ""))
        if n % 3 == 2:
            tl.relations.append(Relation(depts[2].key, "COOPERATES_ON", item.key, "配合检查"))
        if n % 2 == 0:
            tl.relations.append(Relation(villages[n % 4 // 2].key, "ASSISTS", item.key, "协助排查"))
        cited = [own_laws[n % 2]] + ([shared[n % len(shared)]] if shared else [])
        for basis in cited:
            tl.relations.append(Relation(item.key, "BASED_ON", basis.key, f"《{basis.law}》 {rng.randint(1, 9)}"))
    for a, b in zip(tl.items, tl.items[1:]):
        if int(a.code) % 3 != 2:  # chains of three
            tl.relations.append(Relation(a.key, "FOLLOWED_BY", b.key))
    for d in depts + villages:
        tl.relations.append(Relation(d.key, "IN_TOWNSHIP", tl.township.key))
    return tl


def without_items(tl: TownshipList, drop: set[str]) -> TownshipList:
    """``tl`` with some items (and every relation touching them) removed."""
    return TownshipList(
        tl.township,
        [i for i in tl.items if i.key not in drop],
        list(tl.departments),
        list(tl.villages),
        list(tl.bases),
        [r for r in tl.relations if r.src not in drop and r.dst not in drop],
    )


def used_bases_only(tl: TownshipList) -> TownshipList:
    cited = {r.dst for r in tl.relations if r.type == "BASED_ON"}
    tl.bases = [b for b in tl.bases if b.key in cited]
    return tl


# ---- writing -------------------------------------------------------------------------------------
def test_round_trip(store):
    tl = build_list()
    result = store.replace_township(tl)
    assert result == ImportResult("甲镇", len(tl.nodes()) + len(tl.relations), 0, 0, tl.counts())
    assert [t.name for t in store.townships()] == ["甲镇"]
    assert store.townships()[0] == tl.township
    for node in tl.nodes():
        assert store.node(node.key) == node
    assert store.nodes("DutyItem", "甲镇") == tuple(sorted(tl.items, key=lambda n: n.key))
    assert store.nodes("Department") == tuple(sorted(tl.departments, key=lambda n: n.key))
    assert store.nodes("Village", "甲镇") == tuple(sorted(tl.villages, key=lambda n: n.key))
    assert store.nodes("LegalBasis") == tuple(sorted(tl.bases, key=lambda n: n.key))
    assert store.relations() == tuple(sorted(tl.relations))
    assert store.get_node("item:nope") is None
    with pytest.raises(NotFound):
        store.node("item:nope")


def test_values_survive_exactly(store):
    """Empty strings stay empty strings, ints stay ints, tuples stay tuples."""
    tl = TownshipList.empty("丙镇")
    item = DutyItem("item:丙镇:x", "丙镇", "名称", source_row=0, extra=(("a", ""), ("b", "2")))
    dept = Department(dept_key("丙镇", "科"), "丙镇", "科", aliases=())
    basis = LegalBasis(basis_key("法", 0), "法", 0)
    tl.items.append(item)
    tl.departments.append(dept)
    tl.bases.append(basis)
    tl.relations += [Relation(dept.key, "LEADS", item.key, ""), Relation(item.key, "BASED_ON", basis.key, "")]
    store.replace_township(tl)
    got = store.node(item.key)
    assert got == item and got.extra == (("a", ""), ("b", "2")) and got.code == "" and type(got.source_row) is int
    assert store.node(dept.key).aliases == ()
    assert type(store.node(basis.key).article) is int
    (card,) = store.item_cards()
    assert card.leads[0].text == "" and card.citations == ("",)


def test_reimport_is_unchanged(store):
    tl = build_list()
    store.replace_township(tl)
    again = store.replace_township(build_list())
    assert again.unchanged
    assert again == ImportResult("甲镇", 0, 0, 0, tl.counts())


def test_replace_removes_old_items_and_counts_changes(store):
    tl = build_list(items=6)
    store.replace_township(tl)
    gone = tl.items[5].key
    touching = [r for r in tl.relations if gone in (r.src, r.dst)]
    v2 = without_items(tl, {gone})
    v2.items[0] = replace(v2.items[0], content="改过的内容")
    v2.relations = [r for r in v2.relations if not (r.type == "ASSISTS" and r.dst == v2.items[2].key)]
    v2.relations.append(Relation(tl.departments[0].key, "COOPERATES_ON", v2.items[1].key, "新增"))
    result = store.replace_township(v2)
    # removed: the item and its relations, and one ASSISTS; added: one COOPERATES_ON; changed: one item
    assert (result.added, result.removed, result.changed) == (1, 1 + len(touching) + 1, 1)
    assert store.get_node(gone) is None
    assert gone not in {c.key for c in store.item_cards()}
    assert store.node(v2.items[0].key).content == "改过的内容"
    assert store.relations() == tuple(sorted(v2.relations))
    # a relation whose text alone changed counts as one removed and one added
    v3 = TownshipList(v2.township, v2.items, v2.departments, v2.villages, v2.bases,
                      [replace(r, text="改") if r.type == "LEADS" and r.dst == v2.items[0].key else r for r in v2.relations])
    r3 = store.replace_township(v3)
    assert (r3.added, r3.removed, r3.changed) == (1, 1, 0)
    assert store.item_cards(ItemFilter(keys=(v2.items[0].key,)))[0].leads[0].text == "改"


def test_shared_bases_live_while_cited(store):
    law = "安全生产法"
    shared = basis_key(law, 0)
    a = build_list("甲镇", bases=(law,))
    b = build_list("乙镇", bases=(law,))
    store.replace_township(a)
    result_b = store.replace_township(b)
    # the shared basis already existed: not added again; its citations are
    assert result_b.added == len(b.nodes()) - 1 + len(b.relations)
    assert store.node(shared) == LegalBasis(shared, law, 0)

    a2 = used_bases_only(TownshipList(a.township, a.items, a.departments, a.villages, a.bases,
                                      [r for r in a.relations if r.dst != shared]))
    cites = sum(1 for r in a.relations if r.dst == shared)
    result = store.replace_township(a2)
    assert (result.added, result.removed, result.changed) == (0, cites, 0)
    assert store.get_node(shared) is not None  # 乙镇 still cites it
    assert shared in {n.key for n in store.nodes("LegalBasis", "乙镇")}
    assert shared not in {n.key for n in store.nodes("LegalBasis", "甲镇")}

    result = store.delete_township("乙镇")
    # everything of 乙镇, its own two laws and the now orphaned shared one
    assert result.removed == len(b.nodes()) + len(b.relations)
    assert result.counts == {}
    assert store.get_node(shared) is None
    assert {n.key for n in store.nodes("LegalBasis")} == {x.key for x in a2.bases}


def test_orphaned_basis_goes_when_its_last_item_goes(store):
    tl = build_list(items=2)
    store.replace_township(tl)
    only = next(b for b in tl.bases if b.article == 3)  # cited by item 1 only
    v2 = used_bases_only(without_items(tl, {tl.items[1].key}))
    result = store.replace_township(v2)
    assert store.get_node(only.key) is None
    touching = sum(1 for r in tl.relations if tl.items[1].key in (r.src, r.dst))
    assert (result.added, result.removed, result.changed) == (0, 2 + touching, 0)


def test_delete_township(store):
    store.replace_township(build_list("甲镇"))
    keep = build_list("乙镇")
    store.replace_township(keep)
    with pytest.raises(NotFound):
        store.delete_township("无此镇")
    store.delete_township("甲镇")
    assert [t.name for t in store.townships()] == ["乙镇"]
    assert store.nodes("DutyItem", "甲镇") == ()
    assert store.relations(township="甲镇") == ()
    assert len(store.nodes("DutyItem")) == len(keep.items)


def test_replace_validates_input(store):
    tl = build_list(items=1)
    tl.items.append(tl.items[0])
    with pytest.raises(InvalidArgument):
        store.replace_township(tl)
    tl = build_list(items=1)
    tl.relations.append(Relation(tl.items[0].key, "FOLLOWED_BY", "item:elsewhere"))
    with pytest.raises(InvalidArgument):
        store.replace_township(tl)
    assert store.townships() == ()


def test_wipe(store):
    store.replace_township(build_list())
    store.wipe()
    assert store.townships() == () and store.relations() == ()
    assert store.counts().nodes == {t: 0 for t in sorted(NODE_TYPES)}


# ---- item cards ----------------------------------------------------------------------------------
@pytest.fixture
def two_townships(store):
    a, b = build_list("甲镇", items=12, bases=("安全生产法",)), build_list("乙镇", items=7, seed=1, bases=("安全生产法",))
    store.replace_township(a)
    store.replace_township(b)
    return store, a, b


def expected_keys(lists, keep) -> list[str]:
    return sorted(i.key for tl in lists for i in tl.items if keep(tl, i))


def leads_of(tl: TownshipList, key: str) -> list[str]:
    return [r.src for r in tl.relations if r.type == "LEADS" and r.dst == key]


def test_item_card_contents(two_townships):
    store, a, _ = two_townships
    item = a.items[1]  # two leads, no cooperator, a chain successor and predecessor
    (card,) = store.item_cards(ItemFilter(keys=(item.key,)))
    assert card.item == item
    rels = [r for r in a.relations if r.dst == item.key or r.src == item.key]
    depts = {d.key: d for d in a.departments}
    assert card.leads == tuple(sorted(
        Party(depts[r.src].key, depts[r.src].name, depts[r.src].level, r.text) for r in rels if r.type == "LEADS"))
    assert [p.key for p in card.leads] == sorted(leads_of(a, item.key))
    assert card.cooperators == ()
    based = sorted((r.dst, r.text) for r in rels if r.type == "BASED_ON")
    assert [b.key for b in card.bases] == [k for k, _ in based]
    assert card.citations == tuple(t for _, t in based)
    assert card.next_items == (a.items[2].key,) and card.prev_items == (a.items[0].key,)
    (village_card,) = store.item_cards(ItemFilter(keys=(a.items[0].key,)))
    assert [(p.name, p.level, p.text) for p in village_card.villages] == [("张家村", "村", "协助排查")]
    (coop,) = store.item_cards(ItemFilter(keys=(a.items[2].key,)))
    assert [(p.name, p.level, p.text) for p in coop.cooperators] == [("县市场监督管理局", "县级部门", "配合检查")]


def test_item_cards_no_filter_and_township(two_townships):
    store, a, b = two_townships
    assert [c.key for c in store.item_cards()] == expected_keys([a, b], lambda tl, i: True)
    assert [c.key for c in store.item_cards(ItemFilter(township="乙镇"))] == sorted(i.key for i in b.items)
    assert store.item_cards(ItemFilter(township="无此镇")) == ()


@pytest.mark.parametrize("parts", [(PARTS[0],), (PARTS[1], PARTS[3])])
def test_item_cards_parts(two_townships, parts):
    store, a, b = two_townships
    assert [c.key for c in store.item_cards(ItemFilter(parts=parts))] == expected_keys([a, b], lambda tl, i: i.part in parts)
    got = [c.key for c in store.item_cards(ItemFilter(township="甲镇", parts=parts))]
    assert got == expected_keys([a], lambda tl, i: i.part in parts)


@pytest.mark.parametrize("power_types", [("行政许可",), ("", "行政检查"), ("不存在",)])
def test_item_cards_power_types(two_townships, power_types):
    store, a, b = two_townships
    got = [c.key for c in store.item_cards(ItemFilter(power_types=power_types))]
    assert got == expected_keys([a, b], lambda tl, i: i.power_type in power_types)


def test_item_cards_department(two_townships):
    store, a, _ = two_townships
    dept = a.departments[2].key  # cooperates only
    got = [c.key for c in store.item_cards(ItemFilter(department=dept))]
    assert got and got == expected_keys([a], lambda tl, i: any(
        r.src == dept and r.dst == i.key and r.type in ("LEADS", "COOPERATES_ON") for r in tl.relations))
    lead = a.departments[0].key
    got = [c.key for c in store.item_cards(ItemFilter(department=lead, parts=(PARTS[0],)))]
    assert got == expected_keys([a], lambda tl, i: i.part == PARTS[0] and lead in leads_of(tl, i.key))
    assert store.item_cards(ItemFilter(department="dept:无:无")) == ()
    assert store.item_cards(ItemFilter(department=lead, township="乙镇")) == ()


def test_item_cards_village(two_townships):
    store, _, b = two_townships
    village = b.villages[1].key
    got = [c.key for c in store.item_cards(ItemFilter(village=village))]
    assert got and got == expected_keys([b], lambda tl, i: any(
        r.src == village and r.dst == i.key and r.type == "ASSISTS" for r in tl.relations))
    assert store.item_cards(ItemFilter(village="village:无:无")) == ()


@pytest.mark.parametrize("lo,hi", [(0, 0), (2, None), (None, 1), (1, 1), (3, None)])
def test_item_cards_lead_bounds(two_townships, lo, hi):
    store, a, b = two_townships

    def keep(tl, i):
        n = len(leads_of(tl, i.key))
        return (lo is None or n >= lo) and (hi is None or n <= hi)

    got = [c.key for c in store.item_cards(ItemFilter(min_leads=lo, max_leads=hi))]
    assert got == expected_keys([a, b], keep)
    got = [c.key for c in store.item_cards(ItemFilter(township="甲镇", min_leads=lo, max_leads=hi))]
    assert got == expected_keys([a], keep)


def test_item_cards_keys(two_townships):
    store, a, b = two_townships
    keys = (b.items[3].key, a.items[0].key, "item:不存在")
    assert [c.key for c in store.item_cards(ItemFilter(keys=keys))] == sorted(keys[:2])
    assert [c.key for c in store.item_cards(ItemFilter(keys=keys, township="甲镇"))] == [a.items[0].key]
    assert store.item_cards(ItemFilter(keys=keys, parts=(PARTS[2],))) == ()


def test_item_filter_rejects_bad_values():
    with pytest.raises(InvalidArgument):
        ItemFilter(parts=("不是一部分",))
    with pytest.raises(InvalidArgument):
        ItemFilter(min_leads=-1)


# ---- search, chains, neighbourhood, counts --------------------------------------------------------
def test_search_items(two_townships):
    store, a, b = two_townships

    def expect(terms, lists):
        return expected_keys(lists, lambda tl, i: any(
            t in f"{i.name}\n{i.sub_item}\n{i.content}\n{i.category}" for t in terms))

    for terms in (["安全"], ["宅基地", "防汛"], ["inspection"], ["第1"], ["子项"], ["乡村振兴"], ["消"], ["没有的词"]):
        assert [c.key for c in store.search_items(terms)] == expect(terms, [a, b]), terms
        assert [c.key for c in store.search_items(terms, township="乙镇")] == expect(terms, [b]), terms
    assert store.search_items(["", ""]) == ()
    # a hit returns the whole card
    card = store.search_items(["垃圾分类"], township="甲镇")[0]
    assert card == store.item_cards(ItemFilter(keys=(card.key,)))[0]


def test_chain_links(two_townships):
    store, a, b = two_townships
    expected = sorted((r.src, r.dst) for tl in (a, b) for r in tl.relations if r.type == "FOLLOWED_BY")
    assert store.chain_links() == tuple(expected)
    assert store.chain_links("甲镇") == tuple(p for p in expected if p[0].startswith("item:甲镇"))


def test_neighbourhood_depths(two_townships):
    store, a, _ = two_townships
    item = a.items[0]
    sub = store.neighbourhood(item.key, depth=0)
    assert sub.keys == {item.key} and sub.relations == ()

    no_town = [r for r in a.relations if r.type != "IN_TOWNSHIP"]
    one = {item.key} | {r.dst for r in no_town if r.src == item.key} | {r.src for r in no_town if r.dst == item.key}
    sub = store.neighbourhood(item.key, depth=1)
    assert sub.keys == one
    assert a.township.key not in sub.keys  # IN_TOWNSHIP is not followed unless asked for
    # the shared law is cited by the other township too: its items are two hops away
    everyone = [r for tl in two_townships[1:] for r in tl.relations if r.type != "IN_TOWNSHIP"]
    two = one | {r.dst for r in everyone if r.src in one} | {r.src for r in everyone if r.dst in one}
    sub2 = store.neighbourhood(item.key, depth=2)
    assert sub2.keys == two
    assert any(k.startswith("item:乙镇") for k in sub2.keys)
    assert sub2.relations == tuple(sorted({r for r in everyone if r.src in two and r.dst in two}))

    # deeper than one Cypher expansion step, and composed of several
    deep = store.neighbourhood(item.key, depth=7)
    frontier = {item.key}
    for _ in range(7):
        frontier |= {r.dst for r in everyone if r.src in frontier} | {r.src for r in everyone if r.dst in frontier}
    assert deep.keys == frontier

    chain = store.neighbourhood(item.key, depth=3, rel_types=["FOLLOWED_BY"])
    assert chain.keys == {a.items[0].key, a.items[1].key, a.items[2].key}
    assert {(r.src, r.dst) for r in chain.relations} == {(a.items[0].key, a.items[1].key), (a.items[1].key, a.items[2].key)}
    town = store.neighbourhood(item.key, depth=1, rel_types=["IN_TOWNSHIP"])
    assert town.keys == {item.key, a.township.key}
    assert len(store.neighbourhood(a.township.key, depth=1, rel_types=["IN_TOWNSHIP"]).keys) == 1 + len(a.items) + 6

    with pytest.raises(NotFound):
        store.neighbourhood("item:不存在")
    with pytest.raises(InvalidArgument):
        store.neighbourhood(item.key, depth=-1)
    with pytest.raises(InvalidArgument):
        store.neighbourhood(item.key, rel_types=["KNOWS"])


def test_counts(two_townships):
    store, a, b = two_townships
    shared = 1

    def rel_counts(rels):
        out: dict[str, int] = {}
        for r in rels:
            out[r.type] = out.get(r.type, 0) + 1
        return dict(sorted(out.items()))

    def tally(values):
        out: dict[str, int] = {}
        for v in values:
            out[v] = out.get(v, 0) + 1
        return dict(sorted(out.items()))

    c = store.counts("甲镇")
    assert c.nodes == {"Department": 4, "DutyItem": 12, "LegalBasis": 3, "Township": 1, "Village": 2}
    assert c.relations == rel_counts(a.relations)
    assert c.parts == tally(i.part for i in a.items)
    assert c.power_types == tally(i.power_type or "(空)" for i in a.items)
    total = store.counts()
    assert total.nodes == {"Department": 8, "DutyItem": 19, "LegalBasis": 6 - shared, "Township": 2, "Village": 4}
    assert total.relations == rel_counts(a.relations + b.relations)
    assert total.parts == tally(i.part for i in a.items + b.items)
    assert store.counts("无此镇").nodes == {t: 0 for t in sorted(NODE_TYPES)}


def test_nodes_and_relations_by_type_and_township(two_townships):
    store, a, b = two_townships
    for rel_type in ("LEADS", "BASED_ON", "ASSISTS", "IN_TOWNSHIP"):
        assert store.relations(rel_type) == tuple(sorted(r for tl in (a, b) for r in tl.relations if r.type == rel_type))
        assert store.relations(rel_type, "乙镇") == tuple(sorted(r for r in b.relations if r.type == rel_type))
    assert store.relations(township="甲镇") == tuple(sorted(a.relations))
    assert store.nodes("LegalBasis", "乙镇") == tuple(sorted(b.bases, key=lambda n: n.key))
    assert store.nodes("Township", "乙镇") == (b.township,)
    assert store.nodes("Department", "无此镇") == ()
    with pytest.raises(InvalidArgument):
        store.nodes("Person")
    with pytest.raises(InvalidArgument):
        store.relations("KNOWS")


def test_item_cards_of_one_township_or_by_key_are_the_whole_stores_cards(two_townships):
    # Neo4j reads these two sources with a lean statement and filters in Python: the cards must be
    # those of the full statement (the whole-store read), field for field.
    store, a, b = two_townships
    everything = store.item_cards()
    for tl in (a, b):
        name = tl.township.name
        assert store.item_cards(ItemFilter(township=name)) == tuple(c for c in everything if c.item.township == name)
    keys = frozenset(c.key for c in everything[::2])
    assert store.item_cards(ItemFilter(keys=keys)) == tuple(c for c in everything if c.key in keys)
    assert any(c.leads and c.bases and (c.next_items or c.prev_items) for c in everything)
