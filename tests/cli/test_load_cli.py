"""`dutygraph load / info / export` through click's CliRunner."""

from __future__ import annotations

import json

import click
import openpyxl
import pytest
from click.testing import CliRunner

from cli.main import cli
from graphmodel import open_store
from report_shape import assert_report

TOWN = "东湖镇"


def _good(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "基本履职事项"
    ws.append([f"{TOWN}履行职责事项清单（基本履职事项）"])
    ws.append(["序号", "事项编码", "事项名称", "事项类型", "责任科室", "法律依据", "办理时限"])
    ws.append([1, "D-1", "农村宅基地审批", "许可", "镇农业农村办", "《土地管理法》第六十二条", "20个工作日"])
    ws.append([2, "D-2", "违法建设巡查", "检查", "综合执法队", "《城乡规划法》第65条", None])
    wb.save(path)
    return path


def _bad(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "基本履职事项"
    ws.append(["事项编码", "事项名称", "责任科室"])
    ws.append(["D-1", "甲", "党政办"])
    ws.append(["D-1", "乙", "党政办"])
    ws.append(["D-3", None, "党政办"])
    wb.save(path)
    return path


@pytest.fixture
def env(tmp_path):
    data = tmp_path / "data"
    return {"runner": CliRunner(), "data": data, "args": ["--data-dir", str(data)], "tmp": tmp_path}


def _run(env, *args):
    return env["runner"].invoke(cli, [*args, *env["args"]], catch_exceptions=False)


def _store_file(env):
    return env["data"] / "dutygraph.json"


def test_load_writes_and_reports(env):
    result = _run(env, "load", str(_good(env["tmp"] / "a.xlsx")))
    assert result.exit_code == 0, result.output
    assert "事项 Items" in result.output and "标题行 title row" in result.output
    assert "no_time_limit" in result.output
    assert _store_file(env).exists()
    with open_store("memory", data_dir=env["data"]) as s:
        assert [t.name for t in s.townships()] == [TOWN]
    again = _run(env, "load", str(_good(env["tmp"] / "a.xlsx")))
    assert again.exit_code == 0 and "Unchanged" in again.output


def test_check_writes_nothing(env):
    result = _run(env, "load", "--check", str(_good(env["tmp"] / "a.xlsx")))
    assert result.exit_code == 0, result.output
    assert "nothing written" in result.output
    assert not _store_file(env).exists()


def test_errors_exit_1_and_leave_the_store_as_it_was(env):
    assert _run(env, "load", str(_good(env["tmp"] / "a.xlsx"))).exit_code == 0
    before = _store_file(env).read_bytes()
    result = _run(env, "load", "--township", TOWN, str(_bad(env["tmp"] / "b.xlsx")))
    assert result.exit_code == 1
    assert "duplicate_code" in result.output and "missing_name" in result.output
    assert _store_file(env).read_bytes() == before


def test_load_json_report_shape(env):
    ok = _run(env, "load", "--json", str(_good(env["tmp"] / "a.xlsx")))
    report = json.loads(ok.output)
    assert_report(report, ok=True)
    assert report["counts"]["items"] == 2 and report["counts"]["township_source"] == "title"
    assert report["results"]["written"] is True
    assert {e["code"] for e in report["errors"]} >= {"no_time_limit"}
    assert all(e["severity"] == "warning" for e in report["errors"])

    bad = _run(env, "load", "--json", "--township", TOWN, str(_bad(env["tmp"] / "b.xlsx")))
    assert bad.exit_code == 1
    report = json.loads(bad.output)
    assert_report(report, ok=False)
    rows = {(e["code"], e["row"], e["column_letter"]) for e in report["errors"]}
    assert {("duplicate_code", 3, "A"), ("missing_name", 4, "B")} <= rows


def test_hidden_sheets_are_skipped_with_a_warning_unless_asked_for(env):
    path = _good(env["tmp"] / "hidden.xlsx")
    wb = openpyxl.load_workbook(path)
    extra = wb.create_sheet("补充事项")
    extra.append(["序号", "事项编码", "事项名称", "事项类型", "责任科室", "法律依据", "办理时限"])
    extra.append([3, "D-3", "隐藏表里的事项", "检查", "综合执法队", "《城乡规划法》第65条", "5个工作日"])
    extra.sheet_state = "hidden"
    wb.save(path)

    skipped = json.loads(_run(env, "load", "--check", "--json", "--township", TOWN, str(path)).output)
    assert skipped["counts"]["items"] == 2
    assert any(e["code"] == "hidden_sheet" and e["sheet"] == "补充事项" for e in skipped["errors"])

    read = json.loads(_run(env, "load", "--check", "--json", "--township", TOWN, "--include-hidden-sheets",
                           str(path)).output)
    assert read["counts"]["items"] == 3
    assert not any(e["code"] == "hidden_sheet" for e in read["errors"])


def test_unreadable_file_is_one_clear_error(env):
    junk = env["tmp"] / "junk.xlsx"
    junk.write_bytes(b"this is not a workbook at all")
    result = _run(env, "load", str(junk))
    assert result.exit_code == 1 and "not_spreadsheet" in result.output


def test_info_counts(env):
    _run(env, "load", str(_good(env["tmp"] / "a.xlsx")))
    result = _run(env, "info")
    assert result.exit_code == 0
    for text in ("DutyItem", "LEADS", "基本履职事项", "行政许可", "行政检查", TOWN):
        assert text in result.output
    report = json.loads(_run(env, "info", "--json", "--township", TOWN).output)
    assert report["ok"] and report["counts"]["nodes"]["DutyItem"] == 2
    assert report["counts"]["parts"] == {"基本履职事项": 2}
    missing = _run(env, "info", "--township", "无此镇")
    assert missing.exit_code == 1 and "无此镇" in missing.output


def test_export_round_trip(env):
    _run(env, "load", str(_good(env["tmp"] / "a.xlsx")))
    out = env["tmp"] / "out.xlsx"
    result = _run(env, "export", "--output", str(out))
    assert result.exit_code == 0 and out.exists()
    check = _run(env, "load", "--check", "--json", str(out))
    assert json.loads(check.output)["counts"]["items"] == 2
    csv_out = env["tmp"] / "out.txt"
    result = _run(env, "export", "--township", TOWN, "--format", "csv", "-o", str(csv_out))
    assert result.exit_code == 0 and csv_out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_export_of_an_empty_store_says_what_to_do(env):
    result = _run(env, "export", "-o", str(env["tmp"] / "x.xlsx"))
    assert result.exit_code == 1 and "dutygraph load" in result.output
