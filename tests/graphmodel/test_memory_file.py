"""The embedded store's file: round trip, schema version, damaged files, atomic saves."""

from __future__ import annotations

import json

import pytest

from graphmodel import (
    Department,
    DutyItem,
    LegalBasis,
    Relation,
    SchemaVersionError,
    StoreUnavailable,
    TownshipList,
    Village,
    open_store,
)
from graphmodel import atomic_file
from graphmodel.memory_store import FILE_NAME, MemoryStore
from graphmodel.store_files import PARTS_DIR
from graphmodel.normalize import basis_key, dept_key, item_key, village_key


def small_list(township: str = "XX镇", lead: str = "农业农村服务中心") -> TownshipList:
    tl = TownshipList.empty(township)
    item = DutyItem(item_key(township, "A-1", ""), township, "农村宅基地审批", code="A-1",
                    part="基本履职事项", power_type="行政许可", extra=(("备注2", "x"),), source_row=5)
    dept = Department(dept_key(township, lead), township, lead, "镇街内设机构", ("农业农村办",))
    village = Village(village_key(township, "张家村"), township, "张家村", "村")
    basis = LegalBasis(basis_key("土地管理法", 62), "土地管理法", 62)
    tl.items.append(item)
    tl.departments.append(dept)
    tl.villages.append(village)
    tl.bases.append(basis)
    tl.relations += [
        Relation(dept.key, "LEADS", item.key, "审批"),
        Relation(village.key, "ASSISTS", item.key, "初审"),
        Relation(item.key, "BASED_ON", basis.key, "《中华人民共和国土地管理法》第六十二条"),
        Relation(item.key, "IN_TOWNSHIP", tl.township.key),
        Relation(dept.key, "IN_TOWNSHIP", tl.township.key),
        Relation(village.key, "IN_TOWNSHIP", tl.township.key),
    ]
    return tl


def snapshot(store) -> tuple:
    return (store.item_cards(), store.relations(), store.townships(), store.nodes("Department"))


def test_saved_store_loads_back_equal(tmp_path):
    first = open_store("memory", data_dir=tmp_path)
    first.replace_township(small_list())
    first.replace_township(small_list("YY乡"))
    again = open_store("memory", data_dir=tmp_path)
    assert snapshot(again) == snapshot(first)
    assert again.item_cards()[0].item.extra == (("备注2", "x"),)


def test_file_carries_schema_version_and_is_utf8(tmp_path):
    open_store("memory", data_dir=tmp_path).replace_township(small_list())
    doc = json.loads((tmp_path / FILE_NAME).read_bytes().decode("utf-8"))
    # 4: a head naming a file per township (3: county departments shared, 2: review records)
    assert doc["schema_version"] == 4 and set(doc["parts"]) == {"", "XX镇"}
    raw = (tmp_path / PARTS_DIR / doc["parts"]["XX镇"]).read_bytes()
    assert json.loads(raw.decode("utf-8"))["township"] == "XX镇"
    assert "农村宅基地审批".encode() in raw  # Chinese stored as text, not \u escapes


def test_newer_schema_version_is_refused_with_advice(tmp_path):
    open_store("memory", data_dir=tmp_path).replace_township(small_list())
    path = tmp_path / FILE_NAME
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["schema_version"] = 99
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(SchemaVersionError, match="schema version 99"):
        MemoryStore(tmp_path)


@pytest.mark.parametrize("content", [b"", b"{not json", b'{"format": "something else"}', b"\xff\xfe\x00"])
def test_damaged_file_is_a_clear_error(tmp_path, content):
    (tmp_path / FILE_NAME).write_bytes(content)
    with pytest.raises(StoreUnavailable, match=str(tmp_path)):
        MemoryStore(tmp_path)


def test_interrupted_save_keeps_previous_file_and_memory(tmp_path, monkeypatch):
    store = open_store("memory", data_dir=tmp_path)
    store.replace_township(small_list())
    before_bytes = (tmp_path / FILE_NAME).read_bytes()
    parts_before = [p.name for p in (tmp_path / PARTS_DIR).iterdir()]
    before = snapshot(store)

    real_fsync = atomic_file.os.fsync

    def crash(fd):  # the temp file is half written when the "power goes"
        raise OSError("disk full")

    monkeypatch.setattr(atomic_file.os, "fsync", crash)
    with pytest.raises(StoreUnavailable, match="disk full"):
        store.replace_township(small_list(lead="综合行政执法队"))
    monkeypatch.setattr(atomic_file.os, "fsync", real_fsync)

    assert (tmp_path / FILE_NAME).read_bytes() == before_bytes
    assert snapshot(store) == before
    # no temp file left behind (the write lock's file stays, by design: removing it would race)
    assert sorted(p.name for p in tmp_path.iterdir()) == [FILE_NAME, FILE_NAME + ".lock", PARTS_DIR]
    assert sorted(p.name for p in (tmp_path / PARTS_DIR).iterdir()) == sorted(parts_before)
    assert snapshot(MemoryStore(tmp_path)) == before


def test_replace_reports_changes_and_reimport_changes_nothing(tmp_path):
    store = open_store("memory", data_dir=tmp_path)
    first = store.replace_township(small_list())
    assert first.added > 0 and not first.removed
    assert store.replace_township(small_list()).unchanged
    moved = store.replace_township(small_list(lead="综合行政执法队"))
    # one department swapped: its node and its two relations go, new ones come
    assert (moved.added, moved.removed, moved.changed) == (3, 3, 0)
