"""Answers the embedded store keeps per store version (``queries._common.kept``) follow every write."""

from __future__ import annotations

import dataclasses

import pytest

from graphmodel import ItemFilter, open_store
from queries import QUERIES, run_query
from queries._examples import example_list
from queries.audit import run_audit
from queries.overlaps import multi_lead, overlaps

SKIP = {"village_actions"}  # needs a township argument (asked below with one)


def _params(store):
    item = store.item_cards()[0].key
    return {"law_impact": {"law": "土地管理法"}, "lookup": {"text": "消防"}, "neighbourhood": {"key": item},
            "what_if": {"remove": "综合行政执法队"}, "village_matrix": {"township": "示例镇"},
            "village_actions": {"township": "示例镇"}}


def _answers(store, **changed):
    params = {**_params(store), **changed}
    return {name: run_query(store, name, params.get(name)) for name in QUERIES}


def _one_lead_for_homestead(tlist):
    """示例镇 with 农村宅基地审批管理 led by 农业农村办 only (its overlap resolved)."""
    item = next(i for i in tlist.items if i.name == "农村宅基地审批管理")
    rels = [r for r in tlist.relations if not (r.dst == item.key and r.type == "LEADS" and "自然资源所" in r.src)]
    assert len(rels) == len(tlist.relations) - 1
    return dataclasses.replace(tlist, relations=rels)


def test_a_write_after_a_kept_answer_changes_the_answer():
    store = open_store("memory", data_dir=None)
    store.replace_township(example_list())
    before = _answers(store)
    assert overlaps(store) is overlaps(store)  # kept: the same record, not recomputed
    assert [f.subject for f in multi_lead(store)] == ["农村宅基地审批管理"]
    audit_before = run_audit(store)

    changed = _one_lead_for_homestead(example_list())
    store.replace_township(changed)
    assert multi_lead(store) == ()
    assert not [f for f in overlaps(store) if f.kind == "overlap.multi_lead"]
    assert run_audit(store).counts.get("overlap.multi_lead", 0) == 0
    assert run_audit(store) != audit_before

    # every registered query now answers as a store that never held the old list
    fresh = open_store("memory", data_dir=None)
    fresh.replace_township(changed)
    after, expected = _answers(store), _answers(fresh)
    assert after == expected
    assert any(before[k] != after[k] for k in before)


def test_kept_answers_equal_the_computed_ones():
    store = open_store("memory", data_dir=None)
    store.replace_township(example_list())
    assert overlaps(store) == overlaps.__wrapped__(store)
    assert run_audit(store, "示例镇") == run_audit.__wrapped__(store, "示例镇")
    # a narrowed card list is not the store's own: computed, not kept
    cards = store.item_cards()[:3]
    assert overlaps(store, cards=cards) == overlaps.__wrapped__(store, cards=cards)


def test_another_process_save_is_seen_after_refresh(tmp_path):
    reader = open_store("memory", data_dir=tmp_path)
    writer = open_store("memory", data_dir=tmp_path)
    writer.replace_township(example_list())
    reader.refresh()
    assert run_audit(reader).counts.get("overlap.multi_lead") == 1
    writer.replace_township(_one_lead_for_homestead(example_list()))
    assert reader.refresh()
    assert run_audit(reader).counts.get("overlap.multi_lead", 0) == 0


def test_a_failed_bulk_drops_the_kept_answers(tmp_path):
    store = open_store("memory", data_dir=tmp_path)
    store.replace_township(example_list())
    assert len(overlaps(store)) == 3
    with pytest.raises(RuntimeError), store.bulk():
        store.replace_township(_one_lead_for_homestead(example_list()))
        assert len(overlaps(store)) == 2
        raise RuntimeError("stop")
    assert len(overlaps(store)) == 3


def test_a_delegation_import_after_a_kept_answer_changes_it():
    """赋权 delegations are review records, not graph: their import drops the kept answers too."""
    from graphmodel.delegation import Delegation
    from queries._examples import ListBuilder
    from queries.authority import legal_authority

    store = open_store("memory", data_dir=None)
    b = ListBuilder("权限镇")
    b.item("擅自取水处罚", power_type="行政处罚", leads=["综合行政执法队"], bases=["《水法》第六十九条"], code="A2")
    store.replace_township(b.build())
    assert [f.kind for f in legal_authority(store)] == ["legal.not_empowered"]
    store.import_delegations("权限镇", [Delegation("擅自取水处罚", "X政发〔2024〕1号", code="A2")], editor="测试")
    assert legal_authority(store) == legal_authority.__wrapped__(store)
    assert [f.kind for f in legal_authority(store)] != ["legal.not_empowered"]


# ---- answers kept per township (``kept(per_township=True)``) ------------------------------------
def _towns_store():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from graphgen import generate

    store = open_store("memory", data_dir=None)
    store.replace_township(example_list())
    for seed in (1, 2, 3):
        store.replace_township(generate(seed, 40))
    return store, generate


PER_TOWNSHIP = sorted(name for name, spec in QUERIES.items() if getattr(spec.func, "per_township", False))


def test_the_per_township_queries_are_the_local_ones():
    # a query that reads other townships (county lists, shared county departments, store-wide
    # counts) must not be joined from townships' answers
    assert len(PER_TOWNSHIP) >= 25
    assert not {"handshake", "department_load", "most_cited", "power_type_counts", "ownership_summary",
                "lead_spread", "county_department_load", "county_ranking"} & set(PER_TOWNSHIP)


def test_the_audit_is_joined_from_townships_only_without_county_lists():
    from queries._examples import ListBuilder

    store, _ = _towns_store()
    assert run_audit(store) == run_audit.__wrapped__(store)
    by_town = run_audit(store, "随机1镇")
    # a county department's own list: the townships' handshake now reads it, so no joining
    b = ListBuilder("县农业农村局")
    b.item("动物防疫监督", part="配合履职事项", leads=["县农业农村局"], upper_duty="组织免疫")
    store.replace_township(b.build())
    assert run_audit(store) == run_audit.__wrapped__(store)
    assert run_audit(store, "随机1镇") == run_audit.__wrapped__(store, "随机1镇")
    assert run_audit(store, "随机1镇") is not by_town


@pytest.mark.parametrize("name", PER_TOWNSHIP)
def test_a_whole_store_answer_joined_from_townships_equals_the_query_as_written(name):
    store, _ = _towns_store()
    func = QUERIES[name].func
    joined = func(store)
    assert joined == func.__wrapped__(store)
    assert joined is func(store)  # kept
    for town in ("示例镇", "随机2镇"):
        assert func(store, town) == func.__wrapped__(store, town)


def test_a_write_to_one_township_keeps_the_others_answers_and_renews_its_own():
    store, generate = _towns_store()
    params = _params(store)
    before = _answers(store)
    kept_b = {name: QUERIES[name].func(store, "随机2镇") for name in PER_TOWNSHIP}
    cards_b = store.item_cards(ItemFilter(township="随机2镇"))

    changed = _one_lead_for_homestead(example_list())
    store.replace_township(changed)  # a write to 示例镇 only
    # 随机2镇's answers and cards are kept: the same records, not recomputed
    assert store.item_cards(ItemFilter(township="随机2镇")) is cards_b
    for name in PER_TOWNSHIP:
        assert QUERIES[name].func(store, "随机2镇") is kept_b[name], name
    # 示例镇's answers follow the write, and every answer is a fresh store's
    assert multi_lead(store, "示例镇") == ()
    assert [f.subject for f in multi_lead(store)] == [f.subject for f in multi_lead(store) if f.township != "示例镇"]
    fresh = open_store("memory", data_dir=None)
    fresh.replace_township(changed)
    for seed in (1, 2, 3):
        fresh.replace_township(generate(seed, 40))
    after = _answers(store)
    assert after == _answers(fresh)
    assert before["multi_lead"] != after["multi_lead"]
    assert {k for k in before if before[k] != after[k]} >= {"multi_lead", "overlaps", "audit"}
    assert params == _params(fresh)


def test_a_review_write_to_one_township_renews_only_its_answers():
    from graphmodel.delegation import Delegation
    from queries._examples import ListBuilder
    from queries.authority import legal_authority

    store, _ = _towns_store()
    b = ListBuilder("权限镇")
    b.item("擅自取水处罚", power_type="行政处罚", leads=["综合行政执法队"], bases=["《水法》第六十九条"], code="A2")
    store.replace_township(b.build())
    other = legal_authority(store, "随机1镇")
    assert "legal.not_empowered" in {f.kind for f in legal_authority(store, "权限镇")}
    store.import_delegations("权限镇", [Delegation("擅自取水处罚", "X政发〔2024〕1号", code="A2")], editor="测试")
    assert "legal.not_empowered" not in {f.kind for f in legal_authority(store, "权限镇")}
    assert legal_authority(store, "随机1镇") is other
    assert legal_authority(store) == legal_authority.__wrapped__(store)


def test_a_township_deleted_leaves_no_kept_answer():
    store, _ = _towns_store()
    assert multi_lead(store, "示例镇")
    whole = overlaps(store)
    store.delete_township("示例镇")
    assert multi_lead(store, "示例镇") == ()
    assert overlaps(store) == overlaps.__wrapped__(store) != whole


def test_cold_forgets_cards_too():
    store, _ = _towns_store()
    cards = store.item_cards()
    kept_answer = overlaps(store, "示例镇")
    store.forget_derived(cards=True)
    assert store.item_cards() == cards and store.item_cards()[0] is not cards[0]
    assert overlaps(store, "示例镇") == kept_answer and overlaps(store, "示例镇") is not kept_answer


def test_townships_sharing_a_county_department_answer_as_a_fresh_store_after_one_is_rewritten():
    from graphmodel.model import share_county_departments
    from queries._examples import ListBuilder

    def town(name, *, with_county_lead=True, extra=""):
        b = ListBuilder(name, villages=["东村"], county="东河县")
        b.item("动物防疫", part="配合履职事项", leads=["县农业农村局"] if with_county_lead else ["农业农村办"],
               coops=["农业农村办"], upper_duty="组织免疫", township_duty="协助", bases=["《动物防疫法》"])
        b.item("秸秆禁烧" + extra, leads=["农业农村办"], code="A1", bases=["《大气污染防治法》第七十七条"])
        return share_county_departments(b.build())

    store = open_store("memory", data_dir=None)
    for t in (town("甲镇"), town("乙镇")):
        store.replace_township(t)
    assert [d.key for d in store.nodes("Department", "乙镇") if not d.township]  # the shared county department
    params = {"what_if": {"remove": "农业农村办"}, "village_matrix": {"township": "乙镇"},
              "village_actions": {"township": "乙镇"}}
    _answers(store, **params)  # everything kept
    kept_b = store.nodes("Department", "乙镇")
    changed = town("甲镇", with_county_lead=False, extra="巡查")
    store.replace_township(changed)
    fresh = open_store("memory", data_dir=None)
    for t in (changed, town("乙镇")):
        fresh.replace_township(t)
    assert _answers(store, **params) == _answers(fresh, **params)
    assert store.nodes("Department", "乙镇") == kept_b


def test_a_refresh_keeps_the_answers_of_townships_the_other_process_did_not_touch(tmp_path):
    # the dashboard (reader) open while the CLI (writer) re-imports one township
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from graphgen import generate

    writer = open_store("memory", data_dir=tmp_path)
    with writer.bulk():
        writer.replace_township(example_list())
        for seed in (1, 2):
            writer.replace_township(generate(seed, 40))
    reader = open_store("memory", data_dir=tmp_path)
    before = _answers(reader)
    kept_b = {name: QUERIES[name].func(reader, "随机2镇") for name in PER_TOWNSHIP}
    kept_a = multi_lead(reader, "示例镇")
    cards_b = reader.item_cards(ItemFilter(township="随机2镇"))

    changed = _one_lead_for_homestead(example_list())
    writer.replace_township(changed)  # 示例镇's file only; the shared file stays
    assert reader.refresh()
    assert reader.item_cards(ItemFilter(township="随机2镇")) is cards_b
    for name in PER_TOWNSHIP:
        assert QUERIES[name].func(reader, "随机2镇") is kept_b[name], name
    assert kept_a and multi_lead(reader, "示例镇") == ()
    fresh = open_store("memory", data_dir=None)
    fresh.replace_township(changed)
    for seed in (1, 2):
        fresh.replace_township(generate(seed, 40))
    after = _answers(reader)
    assert after == _answers(fresh) and after != before

    # a change to the shared file (a law only the new list cites) keeps nothing: every card may name it
    kept_b = multi_lead(reader, "随机2镇")
    from queries._examples import ListBuilder

    b = ListBuilder("新镇")
    b.item("取水许可", leads=["水利站"], bases=["《取水许可和水资源费征收管理条例》"])
    writer.replace_township(b.build())
    assert reader.refresh()
    assert multi_lead(reader, "随机2镇") == kept_b and multi_lead(reader, "随机2镇") is not kept_b
    fresh.replace_township(b.build())
    assert _answers(reader) == _answers(fresh)


def test_department_load_adds_up_the_townships_kept_counts():
    # the whole store's department_load is summed from counts kept per township; a write to one
    # township counts that township again and keeps the others' counts
    from queries.coverage import department_load

    store, _ = _towns_store()
    direct = department_load.__wrapped__(store, cards=list(store.item_cards()))  # one pass, no parts
    assert department_load(store) == direct
    assert any(d.leads for d in direct) and any(d.cooperates for d in direct)
    counts_b = store._town_memo("随机2镇")[("department_counts",)]
    store.replace_township(_one_lead_for_homestead(example_list()))
    assert store._town_memo("随机2镇")[("department_counts",)] is counts_b
    assert ("department_counts",) not in store._town_memo("示例镇")
    assert department_load(store) == department_load.__wrapped__(store, cards=list(store.item_cards()))
    assert department_load(store) != direct


def test_a_setting_changed_between_two_calls_is_not_served_the_answer_kept_before(monkeypatch):
    # the DUTYGRAPH_ settings are read once per outermost call (not per nested check) and are
    # part of every kept answer's key
    store, _ = _towns_store()
    first = run_audit(store)
    assert run_audit(store) is first
    monkeypatch.setenv("DUTYGRAPH_TEST_ONLY_SETTING", "1")
    again = run_audit(store)
    assert again is not first and again == first
    assert run_audit(store) is again


def test_a_question_about_one_township_on_a_store_just_opened_builds_only_its_cards():
    store, _ = _towns_store()
    whole = run_audit(store)
    store.forget_derived(cards=True)  # as just opened
    one = run_audit(store, "随机2镇")
    assert {store._cards[k].item.township for k in store._cards} == {"随机2镇"}
    assert one.findings and {f.township for f in one.findings} == {"随机2镇"}
    assert one.findings == tuple(f for f in whole.findings if f.township == "随机2镇")
