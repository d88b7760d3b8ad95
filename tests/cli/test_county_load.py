"""`dutygraph load DIR` / `load --each FILE …`: a county in one command, checked first, saved once."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from cli.main import cli
from graphmodel import open_store
from loaders.generate import generate_lists
from report_shape import assert_report


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    out = tmp_path_factory.mktemp("county")
    truth = generate_lists(out, 3, items_per_township=20, seed=5)
    return out, [t["name"] for t in truth["townships"]], sum(t["items"] for t in truth["townships"])


def _load(data_dir, *args):
    return CliRunner().invoke(cli, ["--data-dir", str(data_dir), "load", *map(str, args), "--json"])


def test_a_folder_of_township_folders_loads_every_township_with_one_report(county, tmp_path):
    folder, names, items = county
    result = _load(tmp_path / "s", folder)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert_report(report)
    assert report["ok"] and report["counts"]["townships"] == 3
    assert sorted(t["township"] for t in report["results"]["townships"]) == sorted(names)
    store = open_store("memory", data_dir=tmp_path / "s")  # what the one save wrote
    assert sorted(t.name for t in store.townships()) == sorted(names)
    assert len(store.item_cards()) == report["counts"]["items"] == items > 0
    again = json.loads(_load(tmp_path / "s", folder).output)
    assert all(t["import"]["unchanged"] for t in again["results"]["townships"])


def test_each_file_is_a_township_with_each(county, tmp_path):
    folder, *_ = county
    xlsx = sorted(folder.glob("*/*.xlsx"))
    assert xlsx
    report = json.loads(_load(tmp_path / "s", "--each", *xlsx).output)
    assert report["ok"] and report["counts"]["townships"] == len(xlsx)


def test_one_bad_list_writes_nothing_and_names_its_file(county, tmp_path):
    folder, *_ = county
    copy = tmp_path / "county"
    shutil.copytree(folder, copy)
    bad = copy / "9999-坏镇" / "坏镇履行职责事项清单.csv"
    bad.parent.mkdir()
    bad.write_text("事项编码,事项名称,责任科室\nD-1,甲,党政办\nD-1,乙,党政办\n", encoding="utf-8")
    result = _load(tmp_path / "s", copy)
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert not report["ok"] and any(e["file"] == bad.name for e in report["errors"])
    assert not (tmp_path / "s").exists() or not open_store("memory", data_dir=tmp_path / "s").townships()


def test_township_option_and_loose_files_are_refused_with_a_reason(county, tmp_path):
    folder, *_ = county
    result = _load(tmp_path / "s", folder, "--township", "某镇")
    assert result.exit_code == 1 and "--each" in json.loads(result.output)["error"]


def test_bulk_saves_once_at_the_end_and_not_at_all_on_error(county, tmp_path):
    from loaders import read_list

    folder, *_ = county
    lists = [read_list(sorted(p for p in d.iterdir())).tlist for d in sorted(folder.iterdir()) if d.is_dir()]
    store = open_store("memory", data_dir=tmp_path / "s")
    with store.bulk():
        store.replace_township(lists[0])
        assert not store.path.exists()  # nothing written inside the block
        store.replace_township(lists[1])
    saved = store.path.read_bytes()
    assert len(open_store("memory", data_dir=tmp_path / "s").townships()) == 2
    with pytest.raises(RuntimeError), store.bulk():
        store.replace_township(lists[2])
        raise RuntimeError("stop")
    assert store.path.read_bytes() == saved  # the file keeps what it held
    assert len(store.townships()) == 2 and len(store.item_cards()) == 40  # memory follows the file
