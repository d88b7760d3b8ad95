"""run_audit, its JSON report shape, the frames and the audit/query/lookup commands."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from graphmodel import InvalidArgument, NotFound
from report_shape import assert_report
from queries import KINDS, run_audit
from queries._common import TEXT_KINDS
from queries.audit import resolve_kinds
from queries.frames import findings_frame, to_frame
from queries.registry import QUERIES, run_query


def test_audit_groups_every_kind(example):
    a = run_audit(example)
    assert set(a.counts) == set(KINDS)
    # a folded finding counts for its own kind and each related kind
    assert sum(a.counts.values()) == sum(len({f.kind, *f.related}) for f in a.findings)
    assert all(f.severity == KINDS[f.kind].severity or f.kind in TEXT_KINDS for f in a.findings)
    assert all(f.items for f in a.findings)
    report = a.to_report()
    assert_report(report, ok=True)
    assert report["counts"]["by_kind"] == a.counts
    first = report["results"]["findings"]["gap.no_lead"][0]
    assert set(first) == {"kind", "group", "severity", "title", "township", "subject", "message", "items", "details",
                          "related"}
    assert set(first["items"][0]) == {"key", "township", "name", "code", "part", "power_type", "departments", "bases",
                                      "source"}
    json.dumps(report, ensure_ascii=False)


def test_audit_kinds_and_township(example):
    only = run_audit(example, kinds=["gaps", "overlap.multi_lead"])
    assert {f.kind for f in only.findings} == {"gap.no_lead", "overlap.multi_lead"}
    assert run_audit(example, township="示例镇").findings == run_audit(example).findings
    with pytest.raises(NotFound):
        run_audit(example, township="没有镇")
    with pytest.raises(InvalidArgument):
        resolve_kinds(["nonsense"])
    assert {"chain.level_crossing", "chain.handoff"} <= resolve_kinds(["info"])  # normal structure, not problems
    assert run_audit(example).present(["gaps", "handshake"]) == ("gap.no_lead",)


def test_empty_store_audit(store):
    a = run_audit(store)
    assert a.findings == () and a.items == 0 and a.to_report()["ok"] is True


def test_frames_have_chinese_columns(example):
    frame = findings_frame(run_audit(example).findings)
    assert {"问题", "严重程度", "事项名称", "牵头部门", "依据", "来源"} <= set(frame.columns)
    for name in ("ownership", "item_coverage", "department_load", "completeness", "chains", "village_matrix",
                 "most_cited", "power_type_counts", "what_if"):
        to_frame(run_query(example, name))


def test_every_query_runs_by_name(example):
    needs = {"law_impact": {"law": "土地管理法"}, "lookup": {"text": "宅基地"},
             "neighbourhood": {"key": "item:示例镇:code:SL-001"}}
    for name in QUERIES:
        run_query(example, name, needs.get(name, {}))
    with pytest.raises(InvalidArgument):
        run_query(example, "lookup", {})
    with pytest.raises(InvalidArgument):
        run_query(example, "multi_lead", {"bogus": "1"})


@pytest.fixture
def cli_dir(tmp_path):
    from graphmodel import open_store
    from queries._examples import example_list

    s = open_store("memory", data_dir=tmp_path)
    s.replace_township(example_list())
    return tmp_path


def _run(cli_dir, *args):
    from cli.main import cli

    return CliRunner().invoke(cli, ["--data-dir", str(cli_dir), *args])


def test_cli_audit_formats_and_fail_on(cli_dir, tmp_path):
    r = _run(cli_dir, "audit")
    assert r.exit_code == 0 and "无牵头部门" in r.output
    r = _run(cli_dir, "audit", "--format", "json")
    assert r.exit_code == 0 and json.loads(r.output)["counts"]["by_kind"]["gap.no_lead"] == 1
    assert _run(cli_dir, "audit", "--fail-on", "gaps").exit_code == 3
    assert _run(cli_dir, "audit", "--fail-on", "handshake").exit_code == 0
    assert _run(cli_dir, "audit", "--fail-on", "chain.broken_step").exit_code == 3  # folded, still found
    assert _run(cli_dir, "audit", "--fail-on", "nonsense").exit_code == 1
    out = tmp_path / "audit.xlsx"
    assert _run(cli_dir, "audit", "--format", "xlsx", "-o", str(out)).exit_code == 0 and out.stat().st_size > 0
    assert _run(cli_dir, "audit", "--format", "csv").output.startswith("类型,问题")


def test_cli_query_and_lookup(cli_dir):
    r = _run(cli_dir, "query", "--list")
    assert r.exit_code == 0 and "law_impact" in r.output
    r = _run(cli_dir, "query", "law_impact", "-p", "law=土地管理法", "--format", "json")
    assert r.exit_code == 0 and len(json.loads(r.output)["results"]["items"]) == 3
    r = _run(cli_dir, "lookup", "消防安全检查", "--format", "json")
    assert json.loads(r.output)["results"][0]["item"]["name"] == "消防安全检查"
    weak = _run(cli_dir, "lookup", "检查一下")  # shares only a generic word with 消防安全检查
    assert weak.exit_code == 0 and weak.output.startswith("没有把握")
    assert _run(cli_dir, "query", "nope").exit_code == 1
    for cmd in ("audit", "query", "lookup"):
        help_text = _run(cli_dir, cmd, "--help").output
        first_line = help_text.split("\n\n")[1]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in first_line), first_line  # Chinese summary
        assert any(w in help_text for w in ("Run every", "Run one", "Who handles"))  # English help


def test_fail_on_a_severity_names_text_findings_of_that_severity():
    from queries._examples import text_store

    a = run_audit(text_store())
    burden = [f for f in a.findings if f.kind == "village.burden"]
    assert burden and {f.severity for f in burden} == {"high"} and KINDS["village.burden"].severity == "medium"
    assert "village.burden" in a.present(["high"])
    assert "village.burden" not in a.present(["low"])
