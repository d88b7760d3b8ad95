"""The meeting from the command line, on the embedded store and on Neo4j: sign-in, decide, rounds, diff, exports."""

from __future__ import annotations

import json

import docx
import pytest
from click.testing import CliRunner
from review_support import SAMPLE

from cli.main import cli
from graphmodel.editors import hash_password, load_editors


@pytest.fixture(params=["memory", "neo4j"])
def run(request, tmp_path, monkeypatch):
    """run(*args, password=…) -> click Result, against a fresh store of each backend."""
    editors = {"王五": hash_password("pw-wang"), "赵六": hash_password("pw-zhao")}
    monkeypatch.setenv("DUTYGRAPH_EDITORS", json.dumps(editors))
    monkeypatch.delenv("DUTYGRAPH_PASSWORD", raising=False)
    base = ["--data-dir", str(tmp_path / "data")]
    if request.param == "neo4j":
        uri, user, password, database = request.getfixturevalue("neo4j_server")
        monkeypatch.setenv("NEO4J_USER", user)
        monkeypatch.setenv("NEO4J_PASSWORD", password)
        base = ["--neo4j-uri", uri]
    runner = CliRunner()

    def _run(*args, password=None, ok=True):
        env = {"DUTYGRAPH_PASSWORD": password} if password is not None else {}
        result = runner.invoke(cli, [*base, *args], env=env, catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    if request.param == "neo4j":
        from graphmodel import open_store

        open_store("neo4j", uri=uri, user=user, password=password, database=database).wipe()
    return _run


def test_the_meeting_from_the_command_line(run, tmp_path):
    # an import changes the list: with editors configured it needs one, and the trail names them
    refused = run("load", str(SAMPLE), ok=False)
    assert refused.exit_code == 1 and "--editor" in refused.output
    run("load", str(SAMPLE), "--editor", "王五", password="pw-wang")
    assert "第1轮" in run("rounds").output
    assert "王五" in run("trail").output
    # read-only without a sign-in, and a wrong password is refused
    assert run("decide", "record", "--item", "XXZ-JB-049", "--set-lead", "农业农村服务中心", ok=False).exit_code == 1
    bad = run("decide", "record", "--item", "XXZ-JB-049", "--set-lead", "农业农村服务中心", "--editor", "王五",
              password="wrong", ok=False)
    assert bad.exit_code == 1 and "wrong editor name or password" in bad.output
    out = run("meeting", "new", "--title", "边界研讨", "--date", "2025-03-12", "--participants", "张三、李四",
              "--editor", "王五", password="pw-wang").output
    assert "M1" in out
    d = json.loads(run("decide", "record", "--item", "XXZ-JB-049", "--set-lead", "镇农业农村服务中心", "--meeting", "M1",
                       "--finding", "overlap.multi_lead", "--note", "土地管理法第六十二条", "--editor", "王五", "--json",
                       password="pw-wang").output)
    assert d["ok"] and d["results"]["status"] == "applied"
    run("decide", "record", "--item", "自然灾害受灾群众救助", "--set-lead", "社会事务办", "--meeting", "M1",
        "--editor", "王五", password="pw-wang")
    # four eyes: proposed by 王五, confirmed by 赵六 only
    run("decide", "four-eyes", "on", "--editor", "王五", password="pw-wang")
    run("decide", "record", "--item", "XXZ-JB-011", "--basis", "《优化营商环境条例》第四十条", "--meeting", "M1",
        "--editor", "王五", password="pw-wang")
    assert run("decide", "confirm", "D3", "--editor", "王五", password="pw-wang", ok=False).exit_code == 1
    assert "applied" in run("decide", "confirm", "D3", "--editor", "赵六", password="pw-zhao").output
    assert "第 2 轮" in run("meeting", "close", "M1", "--editor", "王五", password="pw-wang").output
    diff = json.loads(run("diff", "1", "2", "--json").output)
    kinds = {(f["kind"], f["subject"]) for f in diff["results"]["resolved"]}
    assert ("overlap.multi_lead", "农村宅基地审批") in kinds and ("gap.no_lead", "自然灾害受灾群众救助") in kinds
    assert diff["counts"]["score_after"] > diff["counts"]["score_before"]
    assert "农业农村服务中心" in run("history", "XXZ-JB-049").output
    assert "decision.confirm" in run("trail").output
    assert "得分" in run("rounds", "--trend").output
    # exports
    run("export", "--clarified", "-o", str(tmp_path / "clarified.xlsx"))
    run("export", "--minutes", "M1", "-o", str(tmp_path / "minutes.docx"))
    run("export", "--minutes", "M1", "-o", str(tmp_path / "minutes.md"))
    run("export", "--audit", "-o", str(tmp_path / "audit.xlsx"))
    assert "会议纪要" in docx.Document(tmp_path / "minutes.docx").paragraphs[0].text
    assert "D3" in (tmp_path / "minutes.md").read_text(encoding="utf-8")
    import openpyxl

    assert openpyxl.load_workbook(tmp_path / "audit.xlsx").sheetnames == ["问题清单", "汇总", "完整度", "执法链条"]
    # re-importing the clarified list changes nothing but provenance: no new round
    run("load", str(tmp_path / "clarified.xlsx"), "--editor", "王五", password="pw-wang")
    assert "第3轮" not in run("rounds").output
    # undo
    run("decide", "undo", "D1", "--reason", "复议", "--editor", "赵六", password="pw-zhao")
    assert "undone" in run("decide", "list").output


def test_editor_add_hashes_the_password(tmp_path, monkeypatch):
    monkeypatch.delenv("DUTYGRAPH_EDITORS", raising=False)
    runner = CliRunner()
    result = runner.invoke(cli, ["--data-dir", str(tmp_path), "editor", "add", "王五"], input="s3cret\ns3cret\n")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "editors.json").read_text(encoding="utf-8")
    assert "s3cret" not in text and "scrypt" not in text and '"salt"' in text
    eds = load_editors(tmp_path)
    assert eds.verify("王五", "s3cret") and not eds.verify("王五", "nope") and not eds.verify("李四", "s3cret")
    assert runner.invoke(cli, ["--data-dir", str(tmp_path), "editor", "list"]).output.strip() == "王五\t编辑"


def test_decide_dry_run_prints_the_preview_and_records_nothing(run):
    run("load", str(SAMPLE), "--editor", "王五", password="pw-wang")
    out = run("decide", "record", "--item", "XXZ-JB-049", "--set-lead", "农业农村服务中心", "--add-cooperator", "自然资源所",
              "--duty", "负责用地审查", "--basis", "《村民委员会组织法》第五条", "--dry-run").output
    assert "农业农村服务中心、自然资源所 → 农业农村服务中心" in out
    assert "→ 自然资源所：负责用地审查" in out
    assert "resolves: overlap.multi_lead 农村宅基地审批" in out
    assert "taken off" not in out
    removed = run("decide", "record", "--item", "XXZ-JB-049", "--set-lead", "农业农村服务中心", "--others", "remove",
                  "--dry-run", "--json").output
    report = json.loads(removed)
    assert report["results"]["items"][0]["dropped"] == [["leads", "自然资源所"]]
    assert "D1" not in run("decide", "list").output  # nothing was recorded
    # the same decision recorded: several operations in one, applied together
    out = run("decide", "record", "--item", "XXZ-JB-049", "--set-lead", "农业农村服务中心", "--add-cooperator", "自然资源所",
              "--duty", "负责用地审查", "--editor", "王五", password="pw-wang").output
    assert "D1" in out and "applied" in out
