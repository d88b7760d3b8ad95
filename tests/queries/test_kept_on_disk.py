"""Answers kept on disk beside a saved store's part files (``graphmodel.store_files``,
``MemoryStore.derived_in(…, durable=…)``, ``queries.kept_files``): a store just opened answers
every registered query as a fresh import does, and an answer kept under another township list,
shared part, code or version is never served."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

import loaders
from graphmodel import open_store, store_files
from graphmodel.memory_store import FILE_NAME
from loaders import read_list
from loaders.delegations import import_delegations
from loaders.generate import generate_township, township_names, write_township
from queries import QUERIES, kept_files, run_query
from queries._common import _config, _named_files
from queries._examples import ListBuilder
from queries.gaps import no_lead

SAMPLE = Path(loaders.__file__).parent / "sample_data" / "XX镇履行职责事项清单.xlsx"
DELEGATIONS = SAMPLE.parent / "XX县赋权清单.csv"
TOWNS = township_names(3)


def _params(store, town):
    item = store.item_cards(None)[0].key
    return {"law_impact": {"law": "土地管理法"}, "lookup": {"text": "消防"}, "neighbourhood": {"key": item},
            "what_if": {"remove": "综合行政执法队"}, "village_matrix": {"township": town},
            "village_actions": {"township": town}}


def _answers(store, town, per_township=False):
    params = _params(store, town)
    out = {}
    for name in QUERIES:
        out[name] = run_query(store, name, params.get(name))
        if per_township and any(p.name == "township" for p in QUERIES[name].params()):
            out[(name, town)] = run_query(store, name, {**params.get(name, {}), "township": town})
    return out


def _lists(tmp_path):
    yield read_list(SAMPLE).tlist
    for index, name in enumerate(TOWNS):
        yield read_list(write_township(generate_township(index, 40, 0, name), tmp_path / "lists" / name)).tlist


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """The sample township and three generated ones (read by the loaders), saved; the answers of a
    store that imported them in memory (a fresh import, nothing kept on disk)."""
    path = tmp_path_factory.mktemp("kept-on-disk")
    store = open_store("memory", data_dir=path / "store")
    fresh = open_store("memory", data_dir=None)
    for tlist in _lists(path):
        store.replace_township(tlist)
        fresh.replace_township(tlist)
    for s in (store, fresh):
        import_delegations(s, DELEGATIONS, "XX镇", editor="test")
    return path / "store", _answers(fresh, "XX镇", per_township=True)


def _kept_files(path):
    return sorted(p.name for p in (path / store_files.PARTS_DIR).glob(store_files.ANSWERS_PREFIX + "*"))


def _counting_unpickle(monkeypatch):
    calls = []
    real = store_files.unpickle

    def counted(data, allowed):
        calls.append(len(data))
        return real(data, allowed)

    monkeypatch.setattr(store_files, "unpickle", counted)
    return calls


def test_every_query_just_opened_answers_as_a_fresh_import_from_the_answers_kept_on_disk(saved, monkeypatch):
    path, expected = saved
    first = open_store("memory", data_dir=path)
    assert _answers(first, "XX镇", per_township=True) == expected  # computed, and written beside the parts
    assert _kept_files(path)
    read = _counting_unpickle(monkeypatch)
    again = open_store("memory", data_dir=path)  # a store just opened: the answers come from disk
    assert _answers(again, "XX镇", per_township=True) == expected
    assert len(read) > len(QUERIES)


def _durable():
    key, allowed = kept_files.code_key()
    config = _config()
    return (*key, config, _named_files(config)), allowed


def _plant(store, township, query, value):
    """Replace the answer of ``query`` kept on disk for ``township`` by ``value`` (under its key)."""
    where = store._answers_where(township, _durable())
    assert where is not None
    _replace_kept(store, where, lambda n: n[:3] == ("queries.gaps", query, township), value)


def _replace_kept(store, where, wanted, value):
    """Replace the answers kept under ``where`` whose names are ``wanted`` by ``value``; their file."""
    folder = store.path.parent / store_files.PARTS_DIR
    found = []
    for path in folder.glob(f"{store_files.ANSWERS_PREFIX}{where[0][0][:32]}.{where[0][1][:16]}.*.pickle"):
        held = store_files.read_answers(path, where[1])
        assert held is not None
        blobs = held.blobs()
        names = [n for n in blobs if wanted(n)]
        if names:
            blobs.update({n: pickle.dumps(value) for n in names})
            assert store_files.write_answers(folder, path.name, where[1], blobs)
            found.append(path.name)
    assert found, "no such answer was kept"
    return found


STALE = ("stale answer",)


def _town(name, law="《中华人民共和国土地管理法》第六十二条", extra=""):
    """A small list: one item led by 农业农村办 citing ``law``, one without a lead (a no_lead finding)."""
    b = ListBuilder(name, villages=("东村",))
    b.item("农村宅基地审批管理", power_type="行政许可", leads=["农业农村办"], bases=[law])
    b.item("消防安全检查" + extra, power_type="行政检查", bases=["《中华人民共和国消防法》第十五条"])
    return b.build()


@pytest.fixture
def planted(tmp_path):
    """A saved store of two townships whose no_lead answer for 甲镇 on disk is ``STALE``."""
    store = open_store("memory", data_dir=tmp_path)
    for name in ("甲镇", "乙镇"):
        store.replace_township(_town(name))
    real = no_lead(store, "甲镇")
    assert real and real != STALE
    _plant(store, "甲镇", "no_lead", STALE)
    assert no_lead(open_store("memory", data_dir=tmp_path), "甲镇") == STALE  # the planted answer is what is read
    return tmp_path, real


def _late_writer(path):
    """The kept files as they are now, to put back after a save: a reader that computed them from
    the files before the save and wrote them after it (the save's clean-up does not see them)."""
    held = {p: p.read_bytes() for p in (path / store_files.PARTS_DIR).glob(store_files.ANSWERS_PREFIX + "*")}
    return lambda: [p.write_bytes(b) for p, b in held.items()]


def test_a_stale_answer_is_not_served_after_a_write_to_its_township(planted):
    path, real = planted
    store = open_store("memory", data_dir=path)
    put_back = _late_writer(path)
    changed = _town("甲镇", extra="（修订）")  # the township's list changed
    store.replace_township(changed)
    put_back()
    fresh = open_store("memory", data_dir=None)
    fresh.replace_township(changed)
    assert no_lead(store, "甲镇") == no_lead(fresh, "甲镇") != STALE
    assert no_lead(open_store("memory", data_dir=path), "甲镇") == no_lead(fresh, "甲镇")


def test_a_stale_answer_is_not_served_after_a_write_to_the_shared_part(planted):
    path, real = planted
    store = open_store("memory", data_dir=path)
    shared = store._digests[store_files.SHARED]
    put_back = _late_writer(path)
    store.replace_township(_town("丙镇", law="《某新条例》第一条"))  # a law no other cites: the shared part changes
    put_back()
    assert store._digests[store_files.SHARED] != shared
    assert no_lead(open_store("memory", data_dir=path), "甲镇") == real


def test_a_stale_answer_is_not_served_after_another_process_writes(planted):
    path, real = planted
    reader = open_store("memory", data_dir=path)
    assert no_lead(reader, "甲镇") == STALE
    writer = open_store("memory", data_dir=path)
    put_back = _late_writer(path)
    writer.replace_township(_town("甲镇", extra="（修订）"))
    put_back()
    assert reader.refresh()
    fresh = open_store("memory", data_dir=None)
    fresh.replace_township(_town("甲镇", extra="（修订）"))
    assert no_lead(reader, "甲镇") == no_lead(fresh, "甲镇") != STALE


def test_a_stale_answer_is_not_served_after_a_review_write(planted):
    path, real = planted
    store = open_store("memory", data_dir=path)
    put_back = _late_writer(path)
    store.record_meeting("甲镇", "边界会", "2025-03-01", editor="编辑")  # the part file is rewritten
    put_back()
    assert no_lead(store, "甲镇") == real
    assert no_lead(open_store("memory", data_dir=path), "甲镇") == real


def test_a_stale_answer_is_not_served_after_a_code_change(planted, monkeypatch):
    path, real = planted
    monkeypatch.setattr(kept_files, "source_hash", lambda: "another code")
    kept_files.code_key.cache_clear()
    try:
        assert no_lead(open_store("memory", data_dir=path), "甲镇") == real
    finally:
        kept_files.code_key.cache_clear()


def test_a_stale_answer_is_not_served_after_an_upgrade(planted, monkeypatch):
    path, real = planted
    monkeypatch.setattr(kept_files, "version", lambda: "99.0")
    kept_files.code_key.cache_clear()
    try:
        assert no_lead(open_store("memory", data_dir=path), "甲镇") == real
    finally:
        kept_files.code_key.cache_clear()


def test_a_stale_answer_is_not_served_after_a_setting_changes(planted, monkeypatch, tmp_path_factory):
    path, real = planted
    lexicon = tmp_path_factory.mktemp("lexicon") / "actions.csv"
    lexicon.write_text("term,class\n", encoding="utf-8")
    monkeypatch.setenv("DUTYGRAPH_DUTY_ACTIONS", str(lexicon))
    assert no_lead(open_store("memory", data_dir=path), "甲镇") == real
    store = open_store("memory", data_dir=path)
    assert no_lead(store, "甲镇") == real  # kept under this setting and this file's text …
    _plant(store, "甲镇", "no_lead", STALE)
    lexicon.write_text("term,class\n组织,strong\n", encoding="utf-8")  # … the file's text changes, its name not
    assert no_lead(open_store("memory", data_dir=path), "甲镇") == real


def test_a_whole_store_answer_is_not_served_after_any_write(tmp_path):
    store = open_store("memory", data_dir=tmp_path)
    for name in ("甲镇", "乙镇"):
        store.replace_township(_town(name))
    real = run_query(store, "department_load")
    assert real != STALE
    where = store._answers_where(None, _durable())
    files = _replace_kept(store, where, lambda n: "department_load" in n, STALE)
    assert run_query(open_store("memory", data_dir=tmp_path), "department_load") == STALE
    writer = open_store("memory", data_dir=tmp_path)
    put_back = _late_writer(tmp_path)
    writer.replace_township(_town("乙镇", extra="（修订）"))
    assert not set(files) & set(_kept_files(tmp_path))  # the save removed the stale file
    put_back()
    fresh = open_store("memory", data_dir=None)
    for tlist in (_town("甲镇"), _town("乙镇", extra="（修订）")):
        fresh.replace_township(tlist)
    assert run_query(open_store("memory", data_dir=tmp_path), "department_load") == run_query(fresh, "department_load")


def test_a_foreign_kept_file_cannot_run_code(planted, tmp_path_factory):
    path, real = planted
    store = open_store("memory", data_dir=path)
    marker = tmp_path_factory.mktemp("marker") / "ran"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    _plant(store, "甲镇", "no_lead", Evil())
    assert no_lead(open_store("memory", data_dir=path), "甲镇") == real
    assert not marker.exists()


def test_a_damaged_kept_file_is_a_miss(planted):
    path, real = planted
    for file in (path / store_files.PARTS_DIR).glob(store_files.ANSWERS_PREFIX + "*"):
        file.write_bytes(file.read_bytes()[: len(file.read_bytes()) // 2])
    assert no_lead(open_store("memory", data_dir=path), "甲镇") == real


def test_a_head_without_digests_is_read_and_its_parts_hashed(tmp_path):
    store = open_store("memory", data_dir=tmp_path)
    store.replace_township(_town("甲镇"))
    head = store_files.read_json(tmp_path / FILE_NAME)
    digests = head.pop("digests")
    (tmp_path / FILE_NAME).write_bytes(store_files.dumps(head))  # as the fifth session's code wrote it
    old = open_store("memory", data_dir=tmp_path)
    assert old._digests == digests
    assert no_lead(old, "甲镇") == no_lead(store, "甲镇")


def test_a_save_removes_the_answers_of_parts_no_head_names(tmp_path):
    store = open_store("memory", data_dir=tmp_path)
    store.replace_township(_town("甲镇"))
    run_query(store, "audit")
    run_query(store, "department_load")
    first = _kept_files(tmp_path)
    assert len(first) >= 2  # 甲镇's and the whole store's
    store.replace_township(_town("甲镇", extra="（修订）"))  # the head before still names the first files
    run_query(store, "audit")
    store.replace_township(_town("甲镇", extra="（再修订）"))
    left = _kept_files(tmp_path)
    assert not set(first) & set(left)  # two saves on, the first files' answers are gone
    head = store_files.read_json(tmp_path / FILE_NAME)
    named = {d[:32] for d in head["digests"].values()} | {store._whole_digest()[:32]}
    second = {n[len(store_files.ANSWERS_PREFIX):].split(".")[0] for n in left} - named
    assert len(second) <= 1  # the second part file's (its head was the one just replaced)


def _kept_bytes(path):
    return sum(p.stat().st_size for p in (path / store_files.PARTS_DIR).glob(store_files.ANSWERS_PREFIX + "*.pickle"))


def test_a_budget_of_zero_keeps_no_answer_and_reads_none(planted, monkeypatch):
    path, real = planted
    before = _kept_files(path)
    monkeypatch.setenv("DUTYGRAPH_KEPT_ANSWERS_MB", "0")
    store = open_store("memory", data_dir=path)
    assert no_lead(store, "甲镇") == real  # the planted answer on disk is not read
    run_query(store, "audit")
    assert _kept_files(path) == before  # nothing written
    monkeypatch.delenv("DUTYGRAPH_KEPT_ANSWERS_MB")
    assert no_lead(open_store("memory", data_dir=path), "甲镇") == STALE  # the switch read nothing, removed nothing


def test_the_kept_answers_stay_within_their_budget_the_oldest_removed_first(saved, monkeypatch):
    path, expected = saved
    for p in (path / store_files.PARTS_DIR).glob(store_files.ANSWERS_PREFIX + "*"):
        p.unlink()
    first = open_store("memory", data_dir=path)
    assert _answers(first, "XX镇") == {k: v for k, v in expected.items() if isinstance(k, str)}
    everything = _kept_bytes(path)
    oldest = min((path / store_files.PARTS_DIR).glob(store_files.ANSWERS_PREFIX + "*.pickle"),
                 key=lambda p: p.stat().st_mtime_ns)
    assert everything > 2**20 // 4
    for p in (path / store_files.PARTS_DIR).glob(store_files.ANSWERS_PREFIX + "*"):
        p.unlink()
    budget = everything // 2
    monkeypatch.setattr(store_files, "kept_answers_budget", lambda: budget)
    store = open_store("memory", data_dir=path)
    assert _answers(store, "XX镇") == {k: v for k, v in expected.items() if isinstance(k, str)}
    assert 0 < _kept_bytes(path) <= budget
    assert not oldest.exists()  # written first, removed first
    again = open_store("memory", data_dir=path)  # what is left is served; what was removed is computed
    assert _answers(again, "XX镇") == {k: v for k, v in expected.items() if isinstance(k, str)}
