"""`dutygraph sync`: the embedded store into a real Neo4j and back, equal both ways."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import loaders
from cli.main import cli
from graphmodel import ItemFilter, open_store
from graphmodel.delegation import Delegation
from graphmodel.review import Op
from loaders import read_list

SAMPLE = Path(loaders.__file__).parent / "sample_data" / "XX镇履行职责事项清单.xlsx"


def _everything(store):
    return store.townships(), store.item_cards(), store.relations(), store.nodes("LegalBasis"), store.counts()


def _history(store, town="XX镇"):
    return (store.review_records(town), store.decisions(town), store.meetings(town), store.rounds(town),
            store.delegations(town), store.requests(town))


def _meeting_and_its_records(store, town="XX镇"):
    """A meeting that settles one item, a request, an undone decision and a 赋权 list: the
    history a task force keeps, which a copy between stores must not lose."""
    item = store.item_cards(ItemFilter(township=town))[0].key
    meeting = store.record_meeting(town, "边界厘清会", "2026-11-20", ["专班"], editor="甲")
    kept = store.record_decision(town, [Op("add_cooperator", item=item, target="同步测试办")],
                                 editor="甲", meeting=meeting.id, note="会上商定")
    undone = store.record_decision(town, [Op("add_item", fields=(("name", "临时事项"), ("code", "T-1")))],
                                   editor="甲", meeting=meeting.id)
    store.undo_decision(town, undone.id, editor="甲", reason="重复")
    store.submit_request(town, "调整时限", "农业农村办", editor="乙", item=item)
    store.import_delegations(town, [Delegation(item="农村宅基地审批", document="县政府赋权文件", code="1")],
                             editor="甲", file="赋权.xlsx")
    store.close_meeting(town, meeting.id, editor="甲")
    return kept


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
        decision = _meeting_and_its_records(memory)
        expected, history = _everything(memory), _history(memory)

    runner = CliRunner()
    out = runner.invoke(cli, ["sync", "--data-dir", str(source_dir), "--neo4j-uri", uri])
    assert out.exit_code == 0, out.output
    assert "XX镇: memory → neo4j" in out.output
    assert _everything(neo4j) == expected
    assert _history(neo4j) == history
    card = neo4j.item_cards(ItemFilter(keys=decision.items))[0]
    assert "同步测试办" in {p.name for p in card.cooperators}
    assert neo4j.delegations("XX镇") and [d.status for d in neo4j.decisions("XX镇")] == ["applied", "undone"]
    # the decision is drawn to the item it changed, as if it had been taken on Neo4j
    changed = neo4j._read("MATCH (d:Decision {id: $id})-[:CHANGED]->(i:DutyItem) RETURN i.key AS key", id=decision.id)
    assert [r["key"] for r in changed] == list(decision.items)

    again = runner.invoke(cli, ["sync", "--data-dir", str(source_dir), "--neo4j-uri", uri], catch_exceptions=False)
    assert "新增 added 0，删除 removed 0，修改 changed 0；审议记录 review records written 0" in again.output

    back = runner.invoke(cli, ["sync", "--from-neo4j", "--data-dir", str(back_dir), "--neo4j-uri", uri])
    assert back.exit_code == 0, back.output
    with open_store("memory", data_dir=back_dir) as copy:
        assert _everything(copy) == expected
        assert _history(copy) == history
        # the copy's history is live: undo works on it as on the original
        copy.undo_decision("XX镇", decision.id, editor="甲", reason="复核")
        assert "同步测试办" not in {p.name for p in copy.item_cards(ItemFilter(keys=decision.items))[0].cooperators}
    neo4j.close()


def test_sync_of_an_unknown_township_names_it(tmp_path, neo4j_server, monkeypatch):
    uri, user, password, _ = neo4j_server
    monkeypatch.setenv("NEO4J_USER", user)
    monkeypatch.setenv("NEO4J_PASSWORD", password)
    out = CliRunner().invoke(cli, ["sync", "--data-dir", str(tmp_path), "--neo4j-uri", uri, "--township", "无此镇"])
    assert out.exit_code == 1
    assert "无此镇" in out.output
