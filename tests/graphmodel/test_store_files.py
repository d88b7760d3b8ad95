"""The embedded store's files (schema 4): a head naming one file per township, written per township.

Real files in tmp_path, real processes for the kill; no mocks. A save "interrupted between
files" is a real exception raised from inside the save (the second part write).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from graphmodel import LegalBasis, Relation, StoreUnavailable, open_store, store_files
from graphmodel.memory_store import FILE_NAME, MemoryStore, write_single_file
from graphmodel.normalize import basis_key
from graphmodel.review import Op
from graphmodel.store_files import PARTS_DIR, read_store
from graphmodel.store_summary import read_summary
from test_memory_file import small_list, snapshot

ROOT = Path(__file__).resolve().parents[2]
TOWNS = ("甲镇", "乙镇", "丙镇")


def _store(path: Path) -> MemoryStore:
    store = open_store("memory", data_dir=path)
    for town in TOWNS:
        store.replace_township(small_list(town), editor="导入员")
    return store


def _head(path: Path) -> dict:
    return json.loads((path / FILE_NAME).read_text(encoding="utf-8"))


def _stats(path: Path) -> dict[str, tuple[int, int]]:
    """Each part file named by the head: (inode, mtime_ns)."""
    out = {}
    for town, name in _head(path)["parts"].items():
        st = os.stat(path / PARTS_DIR / name)
        out[town] = (name, st.st_ino, st.st_mtime_ns)
    return out


def _with_second_law(tl):
    """``tl`` citing one more law: a new shared node (the shared part) and a relation of the township's item."""
    law = LegalBasis(basis_key("城乡规划法", 65), "城乡规划法", 65)
    tl.bases.append(law)
    tl.relations.append(Relation(tl.items[0].key, "BASED_ON", law.key, "《城乡规划法》第六十五条"))
    return tl


def _summary_is_true(path: Path, store: MemoryStore) -> bool:
    """The head's summary (summed from the parts' counts) is what the opened store counts."""
    return read_summary(path / FILE_NAME) == (store.counts(), [t.name for t in store.townships()])


def _listing(path: Path) -> list[str]:
    return sorted(p.name for p in (path / PARTS_DIR).iterdir())


def test_a_reimport_rewrites_only_its_townships_file(tmp_path):
    store = _store(tmp_path)
    before = _stats(tmp_path)
    assert set(before) == {"", *TOWNS}  # "" is the shared part (the law every list cites)
    head = (tmp_path / FILE_NAME).read_bytes()

    assert store.replace_township(small_list("乙镇")).unchanged  # the same list: no file touched
    assert _stats(tmp_path) == before and (tmp_path / FILE_NAME).read_bytes() == head

    moved = store.replace_township(small_list("乙镇", lead="综合行政执法队"))
    assert moved.added and moved.removed
    after = _stats(tmp_path)
    assert after["乙镇"] != before["乙镇"]
    assert {t: after[t] for t in ("", "甲镇", "丙镇")} == {t: before[t] for t in ("", "甲镇", "丙镇")}
    assert snapshot(MemoryStore(tmp_path)) == snapshot(store) and _summary_is_true(tmp_path, store)


def test_a_shared_change_rewrites_the_shared_part_too(tmp_path):
    store = _store(tmp_path)
    before = _stats(tmp_path)
    store.replace_township(_with_second_law(small_list("甲镇")))
    after = _stats(tmp_path)
    assert {t for t in after if after[t] != before[t]} == {"", "甲镇"}
    assert _summary_is_true(tmp_path, store)
    assert snapshot(MemoryStore(tmp_path)) == snapshot(store)


def test_a_save_failing_between_files_leaves_the_old_state(tmp_path, monkeypatch):
    store = _store(tmp_path)
    before, head, listing, old = _stats(tmp_path), (tmp_path / FILE_NAME).read_bytes(), _listing(tmp_path), snapshot(store)
    real, calls = store_files.write_part, []

    def second_fails(folder, name, doc):
        calls.append(name)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(folder, name, doc)

    monkeypatch.setattr(store_files, "write_part", second_fails)
    tl = _with_second_law(small_list("丙镇", lead="综合行政执法队"))  # two files to write: shared and 丙镇
    with pytest.raises(StoreUnavailable, match="disk full"):
        store.replace_township(tl)
    monkeypatch.setattr(store_files, "write_part", real)
    assert len(calls) == 2
    assert (tmp_path / FILE_NAME).read_bytes() == head and _stats(tmp_path) == before
    assert _listing(tmp_path) == listing  # the one part written is removed again
    assert snapshot(store) == old == snapshot(MemoryStore(tmp_path))


_KILLED = textwrap.dedent('''
    import os, signal, sys
    sys.path[:0] = [sys.argv[1], sys.argv[1] + "/tests/graphmodel"]
    from graphmodel import open_store, store_files
    from test_memory_file import small_list
    real = store_files.write_part
    def write_then_die(folder, name, doc):
        real(folder, name, doc)
        os.kill(os.getpid(), signal.SIGKILL)  # the power goes after the first new file
    store = open_store("memory", data_dir=sys.argv[2])
    store_files.write_part = write_then_die
    store.replace_township(small_list("丙镇", lead="综合行政执法队"))
''')


def test_a_killed_save_leaves_the_old_state_and_its_file_is_removed_later(tmp_path):
    store = _store(tmp_path)
    old, head, listing = snapshot(store), (tmp_path / FILE_NAME).read_bytes(), _listing(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", _KILLED, str(ROOT), str(tmp_path)], env=env, capture_output=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert (tmp_path / FILE_NAME).read_bytes() == head
    orphans = set(_listing(tmp_path)) - set(listing)
    assert len(orphans) == 1  # the killed save's new file, which no head names
    again = MemoryStore(tmp_path)
    assert snapshot(again) == old and read_summary(tmp_path / FILE_NAME)[1] == sorted(TOWNS)
    again.replace_township(small_list("甲镇", lead="综合行政执法队"))  # the next save removes it
    assert not orphans & set(_listing(tmp_path))


def test_two_stores_on_one_directory_see_each_others_writes(tmp_path, monkeypatch):
    first = _store(tmp_path)
    second = MemoryStore(tmp_path)
    assert not second.refresh()
    first.replace_township(small_list("乙镇", lead="综合行政执法队"))
    first.record_meeting("甲镇", "边界会", "2025-03-01", editor="编辑")

    reads: list[Path] = []
    real = store_files.read_json

    def counted(path):
        reads.append(Path(path))
        return real(path)

    monkeypatch.setattr(store_files, "read_json", counted)
    kept = second.node("dept:丙镇:农业农村服务中心")
    assert second.refresh()
    assert snapshot(second) == snapshot(first) and second.review == first.review
    # only the head and the two townships' new files were read; 丙镇's objects are the ones held before
    assert sorted(p.name for p in reads if p.parent.name == PARTS_DIR) == sorted(
        _head(tmp_path)["parts"][t] for t in ("甲镇", "乙镇"))
    assert second.node("dept:丙镇:农业农村服务中心") is kept
    # and the other way round, through the write lock's re-read
    second.delete_township("丙镇")
    assert first.refresh() and [t.name for t in first.townships()] == ["乙镇", "甲镇"]


def test_a_failed_bulk_restores_what_the_files_hold(tmp_path):
    store = _store(tmp_path)
    old, stats = snapshot(store), _stats(tmp_path)
    with pytest.raises(RuntimeError):
        with store.bulk():
            store.replace_township(small_list("甲镇", lead="综合行政执法队"))
            store.replace_township(small_list("丁镇"))
            raise RuntimeError("a bad file in the county folder")
    assert snapshot(store) == old and _stats(tmp_path) == stats
    with store.bulk():  # and a good one saves once, both townships
        store.replace_township(small_list("甲镇", lead="综合行政执法队"))
        store.replace_township(small_list("丁镇"))
    after = _stats(tmp_path)
    assert {t for t in after if after.get(t) != stats.get(t)} == {"甲镇", "丁镇"}
    assert snapshot(MemoryStore(tmp_path)) == snapshot(store)


def test_review_records_round_trip_in_their_townships_file(tmp_path):
    store = _store(tmp_path)
    before = _stats(tmp_path)
    meeting = store.record_meeting("乙镇", "宅基地边界会", "2025-03-01", ["农业农村办", "自然资源所"], editor="编辑")
    store.record_decision("乙镇", [Op("add_item", fields=(("name", "新增事项"), ("code", "N-1")))],
                          editor="编辑", meeting=meeting.id)
    after = _stats(tmp_path)
    assert {t for t in after if after[t] != before[t]} == {"乙镇"}
    part = json.loads((tmp_path / PARTS_DIR / after["乙镇"][0]).read_text(encoding="utf-8"))
    assert part["review"] and "宅基地边界会" in json.dumps(part["review"], ensure_ascii=False)
    again = MemoryStore(tmp_path)
    assert again.review == store.review and again.meetings("乙镇") == store.meetings("乙镇")
    assert snapshot(again) == snapshot(store)


def test_a_single_file_store_is_read_and_upgraded_by_its_first_save(tmp_path):
    built = _store(tmp_path / "built")
    built.record_meeting("甲镇", "会", "2025-03-01", editor="编辑")
    old_dir = tmp_path / "old"
    old_dir.mkdir()
    write_single_file(old_dir / FILE_NAME, built)  # the layout of schema 3, as dutygraph wrote it before
    assert json.loads((old_dir / FILE_NAME).read_text(encoding="utf-8"))["schema_version"] == 3
    assert read_summary(old_dir / FILE_NAME) == read_summary(tmp_path / "built" / FILE_NAME)

    store = MemoryStore(old_dir)
    assert store.read_schema == 3 and not (old_dir / PARTS_DIR).exists()
    assert snapshot(store) == snapshot(built) and store.review == built.review
    store.replace_township(small_list("甲镇"))  # unchanged: nothing to save
    assert store.read_schema == 3
    store.replace_township(small_list("丁镇"))  # the first save writes every part and the head
    doc = read_store(old_dir / FILE_NAME)
    assert doc["schema_version"] == 4 and set(doc["files"]) == {"", *TOWNS, "丁镇"}
    again = MemoryStore(old_dir)
    assert snapshot(again) == snapshot(store) and again.review == store.review and again.meetings("甲镇")


def test_a_deleted_townships_file_goes_and_a_damaged_part_is_named(tmp_path):
    store = _store(tmp_path)
    gone = _head(tmp_path)["parts"]["丙镇"]
    store.delete_township("丙镇")
    kept = _head(tmp_path)["parts"]["丙镇"]  # its review records (the import's audit entries) stay
    part = json.loads((tmp_path / PARTS_DIR / kept).read_text(encoding="utf-8"))
    assert not part["nodes"] and not part["relations"] and part["review"]
    assert gone in _listing(tmp_path)  # kept one save more, for a process reading meanwhile
    store.replace_township(small_list("甲镇", lead="综合行政执法队"))
    assert gone not in _listing(tmp_path) and kept in _listing(tmp_path)
    assert _summary_is_true(tmp_path, store) and _summary_is_true(tmp_path, MemoryStore(tmp_path))
    part = tmp_path / PARTS_DIR / _head(tmp_path)["parts"]["乙镇"]
    part.write_bytes(b"{not json")
    with pytest.raises(StoreUnavailable, match=part.name):
        MemoryStore(tmp_path)
    head = _head(tmp_path)  # a head from elsewhere cannot send the reader out of its folder
    head["parts"]["乙镇"] = "../../etc/passwd"
    (tmp_path / FILE_NAME).write_text(json.dumps(head, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(StoreUnavailable, match="bad part name"):
        MemoryStore(tmp_path)


def test_a_reader_whose_files_were_replaced_meanwhile_reads_the_new_head(tmp_path, monkeypatch):
    writer = _store(tmp_path)
    real, reader_heads, missing, done = store_files.read_json, [], [], []
    writing = False

    def writer_saves_between(path):
        nonlocal writing
        path = Path(path)
        if writing:
            return real(path)
        if path.name == FILE_NAME:
            reader_heads.append(real(path)["generation"])
            return real(path)
        if len(reader_heads) == 1 and not done:  # the reader has read the head, not yet the parts
            done.append(path.name)
            writing = True
            for lead in ("综合行政执法队", "农业农村服务中心"):  # two saves per township: the old files go
                for town in TOWNS:
                    writer.replace_township(small_list(town, lead=lead + town))
            writing = False
        try:
            return real(path)
        except FileNotFoundError:
            missing.append(path.name)
            raise

    monkeypatch.setattr(store_files, "read_json", writer_saves_between)
    reader = MemoryStore(tmp_path)
    assert missing and len(reader_heads) == 2 and reader_heads[1] == reader_heads[0] + 6  # read again, the new head
    assert snapshot(reader) == snapshot(writer)


def test_a_wipe_is_saved_and_a_meeting_rewrites_only_its_township(tmp_path):
    store = _store(tmp_path)
    before = _stats(tmp_path)
    store.record_meeting("丙镇", "会", "2025-03-01", editor="编辑")  # no graph write: the review records only
    after = _stats(tmp_path)
    assert {t for t in after if after[t] != before[t]} == {"丙镇"}
    store.wipe()
    again = MemoryStore(tmp_path)
    assert not again.townships() and not again.review and _head(tmp_path)["parts"].keys() == {""}
    assert _summary_is_true(tmp_path, again)


def test_a_store_written_by_dutygraph_before_schema_4_is_upgraded(tmp_path):
    """tests/data/store_schema3/: written by the previous release's code (commit 6b82e04): two
    townships, a meeting and a decision of 乙镇, in one file."""
    from click.testing import CliRunner

    from cli.main import cli

    fixture = ROOT / "tests" / "data" / "store_schema3" / FILE_NAME
    (tmp_path / FILE_NAME).write_bytes(fixture.read_bytes())
    old = MemoryStore(tmp_path)
    assert old.read_schema == 3 and [t.name for t in old.townships()] == ["乙镇", "甲镇"]
    assert [m.title for m in old.meetings("乙镇")] == ["宅基地边界会"] and "新增事项" in {c.item.name for c in old.item_cards()}
    assert _summary_is_true(tmp_path, old)  # info reads the old head too

    out = CliRunner().invoke(cli, ["upgrade", "--json", "--data-dir", str(tmp_path)], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["results"]["from_version"] == 3
    assert _head(tmp_path)["schema_version"] == 4 and set(_head(tmp_path)["parts"]) == {"", "甲镇", "乙镇"}
    new = MemoryStore(tmp_path)
    assert snapshot(new) == snapshot(old) and new.review == old.review and _summary_is_true(tmp_path, new)
    assert new.meetings("乙镇") == old.meetings("乙镇") and new.rounds("乙镇") == old.rounds("乙镇")
