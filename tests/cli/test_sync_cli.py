"""`dutygraph sync`: the embedded store into a real Neo4j and back, equal both ways."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import loaders
from cli.main import cli
from graphmodel import open_store
from loaders import read_list

SAMPLE = Path(loaders.__file__).parent / "sample_data" / "XX镇履行职责事项清单.xlsx"


def _everything(store):
    return store.townships(), store.item_cards(), store.relations(), store.nodes("LegalBasis"), store.counts()


@pytest.mark.neo4j
def test_sync_to_neo4j_and_back_gives_the_same_graph(tmp_path, neo4j_server, monkeypatch):
    uri, user, password, database = neo4j_server
    monkeypatch.setenv("NEO4J_USER", user)
    monkeypatch.setenv("NEO4J_PASSWORD", password)
    neo4j = open_store("neo4j", uri=uri, user=user, password=password, database=database)
    neo4j.wipe()
    source_dir, back_dir = tmp_path / "a", tmp_path / "b"
    with open_store("memory", data_dir=source_dir) as memory:
        memory.replace_township(read_list(SAMPLE).tlist)
        expected = _everything(memory)

    runner = CliRunner()
    out = runner.invoke(cli, ["sync", "--data-dir", str(source_dir), "--neo4j-uri", uri])
    assert out.exit_code == 0, out.output
    assert "XX镇: memory → neo4j" in out.output
    assert _everything(neo4j) == expected

    again = runner.invoke(cli, ["sync", "--data-dir", str(source_dir), "--neo4j-uri", uri])
    assert "新增 added 0，删除 removed 0，修改 changed 0" in again.output

    back = runner.invoke(cli, ["sync", "--from-neo4j", "--data-dir", str(back_dir), "--neo4j-uri", uri])
    assert back.exit_code == 0, back.output
    with open_store("memory", data_dir=back_dir) as copy:
        assert _everything(copy) == expected
    neo4j.close()


def test_sync_of_an_unknown_township_names_it(tmp_path, neo4j_server, monkeypatch):
    uri, user, password, _ = neo4j_server
    monkeypatch.setenv("NEO4J_USER", user)
    monkeypatch.setenv("NEO4J_PASSWORD", password)
    out = CliRunner().invoke(cli, ["sync", "--data-dir", str(tmp_path), "--neo4j-uri", uri, "--township", "无此镇"])
    assert out.exit_code == 1
    assert "无此镇" in out.output
