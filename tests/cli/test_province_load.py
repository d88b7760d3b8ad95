"""`dutygraph load DIR --province`: a province's first load into an empty store, in one command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from graphmodel import open_store
from loaders.generate import generate_lists
from report_shape import assert_report


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    out = tmp_path_factory.mktemp("province")
    truth = generate_lists(out, 4, items_per_township=20, seed=11)
    for extra in out.glob("*赋权清单.csv"):  # the county's delegation list is not a township's list
        extra.unlink()
    return [str(out)], sorted(t["name"] for t in truth["townships"])


def _load(args, env=None):
    return CliRunner().invoke(cli, [*args, "--json"], env=env or {})


def test_province_load_into_an_empty_embedded_store_then_refused(province, tmp_path):
    folder, names = province
    result = _load(["--data-dir", str(tmp_path / "s"), "load", *folder, "--province"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert_report(report)
    assert sorted(t["township"] for t in report["results"]["townships"]) == names
    assert sorted(t.name for t in open_store("memory", data_dir=tmp_path / "s").townships()) == names
    again = _load(["--data-dir", str(tmp_path / "s"), "load", *folder, "--province"])
    assert again.exit_code != 0 and "empty" in again.output


def test_province_takes_folders_only(province, tmp_path):
    folder, _ = province
    one = next(p for p in sorted(Path(folder[0]).rglob("*.xlsx")))
    result = _load(["--data-dir", str(tmp_path / "s"), "load", str(one), "--province"])
    assert result.exit_code != 0 and "--province" in result.output


@pytest.mark.neo4j
def test_province_load_into_neo4j_gives_what_a_county_load_gives(province, tmp_path, neo4j_server):
    folder, names = province
    uri, user, password, database = neo4j_server
    env = {"NEO4J_URI": uri, "NEO4J_USER": user, "NEO4J_PASSWORD": password, "DUTYGRAPH_STORE": "neo4j"}
    neo4j = open_store("neo4j", uri=uri, user=user, password=password, database=database)
    try:
        neo4j.wipe()
        result = _load(["load", *folder, "--province"], env)
        assert result.exit_code == 0, result.output
        bulk = json.loads(result.output)["results"]["townships"]
        memory = tmp_path / "m"
        county = json.loads(_load(["--data-dir", str(memory), "load", *folder]).output)
        assert bulk == county["results"]["townships"]  # the same import results, township by township
        mem = open_store("memory", data_dir=memory)
        assert neo4j.relations() == mem.relations() and neo4j.nodes("DutyItem") == mem.nodes("DutyItem")
    finally:
        neo4j.wipe()
        neo4j.close()


def test_admin_import_writes_the_files_and_the_command_and_no_store(province, tmp_path):
    folder, names = province
    out = tmp_path / "import"
    result = _load(["--data-dir", str(tmp_path / "s"), "load", *folder, "--province", "--admin-import", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert_report(report)
    assert not report["results"]["written"] and not (tmp_path / "s").exists()
    command = report["results"]["admin_import"]["command"]
    assert "neo4j-admin database import full" in command and "--nodes=DutyItem=nodes-DutyItem.csv" in command
    plan = json.loads((out / "import.json").read_text(encoding="utf-8"))
    county = json.loads(_load(["--data-dir", str(tmp_path / "m"), "load", *folder]).output)
    assert report["results"]["townships"] == county["results"]["townships"]  # the import results one by one
    assert sorted(r["township"] for r in plan["results"]) == names
    for arg in plan["files"]:
        assert (out / arg.split("=")[-1]).exists(), arg
    again = _load(["--data-dir", str(tmp_path / "s"), "load", *folder, "--province", "--admin-import", str(out)])
    assert again.exit_code != 0 and "already holds an import" in again.output


def test_admin_import_goes_with_province(province, tmp_path):
    folder, _ = province
    result = _load(["--data-dir", str(tmp_path / "s"), "load", *folder, "--admin-import", str(tmp_path / "x")])
    assert result.exit_code != 0 and "--province" in result.output
