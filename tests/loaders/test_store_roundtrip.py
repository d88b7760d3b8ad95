"""Lists into the store and back out: idempotent re-import, export → re-import, atomic saves."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from graph_snapshot import graph_of
from sheetmaker import TOWN

import loaders
from graphmodel import atomic_file, memory_store, open_store
from graphmodel.errors import StoreUnavailable
from loaders import export_township, read_list

SAMPLE = Path(loaders.__file__).parent / "sample_data" / "XX镇履行职责事项清单.xlsx"


def test_reimport_of_the_same_list_changes_nothing(mem_store, messy_xlsx):
    first = mem_store.replace_township(read_list(messy_xlsx).tlist)
    assert first.added > 0 and not first.unchanged
    before = mem_store.path.read_bytes()
    again = mem_store.replace_township(read_list(messy_xlsx).tlist)
    assert again.unchanged
    assert mem_store.path.read_bytes() == before


def test_xls_and_xlsx_of_the_same_list_give_the_same_graph(tmp_path, messy_xlsx, messy_xls):
    a = open_store("memory", data_dir=None)
    b = open_store("memory", data_dir=None)
    a.replace_township(read_list(messy_xlsx).tlist)
    b.replace_township(read_list(messy_xls).tlist)
    assert graph_of(a) == graph_of(b)


def _lists():
    yield "messy"
    if SAMPLE.exists():
        yield "sample"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("which", list(_lists()))
def test_export_then_reimport_gives_the_same_graph(tmp_path, mem_store, messy_xlsx, fmt, which):
    source = messy_xlsx if which == "messy" else SAMPLE
    mem_store.replace_township(read_list(source).tlist)
    township = mem_store.townships()[0].name
    written = export_township(mem_store, None, tmp_path / f"out.{fmt}")
    assert written[0] == tmp_path / f"out.{fmt}" and all(p.exists() for p in written)

    back = read_list(written)
    assert back.ok and back.tlist.township.name == township and back.township_source == "title"
    other = open_store("memory", data_dir=None)
    other.replace_township(back.tlist)
    assert graph_of(other) == graph_of(mem_store)
    # and into the first store: nothing but provenance changes
    result = mem_store.replace_township(back.tlist)
    assert result.added == 0 and result.removed == 0


def test_xlsx_export_layout(tmp_path, mem_store, messy_xlsx):
    mem_store.replace_township(read_list(messy_xlsx).tlist)
    [path] = export_township(mem_store, TOWN, tmp_path / "out.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["基本履职事项", "配合履职事项", "上级部门收回事项", "村（社区）名册"]
    ws = wb["基本履职事项"]
    assert ws["A1"].value == f"{TOWN}履行职责事项清单（基本履职事项）"
    assert any(str(r).startswith("A1:") for r in ws.merged_cells.ranges)
    assert ws.freeze_panes == "A3"
    headers = [c.value for c in ws[2]]
    assert headers[:3] == ["序号", "事项编码", "事项名称"] and "联系人" in headers
    assert ws.column_dimensions["C"].width == 30
    assert [c.value for c in wb["配合履职事项"][2]][3:7] == ["事项类型", "具体内容", "对应上级部门", "上级部门职责"]


def test_csv_export_has_a_bom(tmp_path, mem_store, messy_xlsx):
    mem_store.replace_township(read_list(messy_xlsx).tlist)
    main, register = export_township(mem_store, TOWN, tmp_path / "out.csv")
    assert main.read_bytes().startswith(b"\xef\xbb\xbf") and register.read_bytes().startswith(b"\xef\xbb\xbf")
    assert register.name == "out_村（社区）名册.csv"


def _boom_in_write_callback(monkeypatch):
    real = memory_store.atomic_write

    def half_then_fail(path, write):
        def write_half(fh):
            fh.write(b'{"format": "dutygraph-memory-store", "nodes": [')  # a torn file, then a crash
            raise OSError("disk full")

        real(path, write_half)

    monkeypatch.setattr(memory_store, "atomic_write", half_then_fail)


def _boom_in_rename(monkeypatch):
    def fail(*_a, **_k):
        raise OSError("rename failed")

    monkeypatch.setattr(atomic_file.os, "replace", fail)


@pytest.mark.parametrize("breaker", [_boom_in_write_callback, _boom_in_rename])
def test_an_interrupted_save_leaves_file_and_memory_as_before(tmp_path, mem_store, messy_xlsx, monkeypatch, breaker):
    mem_store.replace_township(read_list(messy_xlsx).tlist)
    path = mem_store.path
    before_bytes, before_graph, before_counts = path.read_bytes(), graph_of(mem_store), mem_store.counts()
    parts = path.parent / "dutygraph.parts"  # the township files the head names (graphmodel.store_files)
    before_parts = sorted(p.name for p in parts.iterdir())
    changed = read_list(messy_xlsx, township="样例镇").tlist
    changed.items.pop()  # a smaller list, so the replace has work to do
    changed.relations = [r for r in changed.relations if r.src in {n.key for n in changed.nodes()}
                         and r.dst in {n.key for n in changed.nodes()}]
    breaker(monkeypatch)
    with pytest.raises((StoreUnavailable, OSError)):
        mem_store.replace_township(changed)
    monkeypatch.undo()
    assert path.read_bytes() == before_bytes
    assert graph_of(mem_store) == before_graph and mem_store.counts() == before_counts
    # no temp file left behind (the write lock's own file stays by design)
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name, path.name + ".lock", parts.name]
    assert sorted(p.name for p in parts.iterdir()) == before_parts  # the parts written for it are removed
    assert graph_of(open_store("memory", data_dir=path.parent)) == before_graph
