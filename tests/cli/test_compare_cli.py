"""`dutygraph load --county / --catalogue-of` and `dutygraph compare` through click's CliRunner."""

from __future__ import annotations

import json

import openpyxl
import pytest
from click.testing import CliRunner

from cli.main import cli
from graphmodel import open_store
from report_shape import assert_report

HOSTILE = "=HYPERLINK(\"http://x\",\"点我\")"


def _list(path, title, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "基本履职事项"
    ws.append([title])
    ws.append(["序号", "事项编码", "事项名称", "清单类别", "事项类型", "责任科室"])
    for i, row in enumerate(rows, start=1):
        ws.append([i, *row])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # the list holds the text, not a formula
    wb.save(path)
    return path


CATALOGUE = [("DH-1", "农村宅基地审批", "基本履职事项", "许可", "农业农村办"),
             ("DH-2", "违法占地查处", "上级部门收回事项", "处罚", "县自然资源局"),
             ("DH-3", "地质灾害巡查", "配合履职事项", "检查", "县自然资源局")]


@pytest.fixture
def env(tmp_path):
    data = tmp_path / "data"
    runner = CliRunner()

    def run(*args):
        return runner.invoke(cli, [*args, "--data-dir", str(data)], catch_exceptions=False)

    cat = _list(tmp_path / "cat.xlsx", "东河县乡镇履行职责事项通用目录", CATALOGUE)
    a = _list(tmp_path / "a.xlsx", "甲镇履行职责事项清单", [
        ("DH-1", "农村宅基地审批", "基本履职事项", "许可", "自然资源所"),  # lead differs
        ("", "违法占地查处", "基本履职事项", "处罚", "县自然资源局"),  # part differs (matched by name)
        ("", HOSTILE, "基本履职事项", "检查", "党政办"),  # added, hostile text
    ])  # 地质灾害巡查 missing
    b = _list(tmp_path / "b.xlsx", "乙镇履行职责事项清单", CATALOGUE)
    assert run("load", str(cat), "--township", "东河县通用目录", "--catalogue-of", "东河县").exit_code == 0
    assert run("load", str(a), "--township", "甲镇", "--county", "东河县").exit_code == 0
    assert run("load", str(b), "--township", "乙镇", "--county", "东河县").exit_code == 0
    return {"run": run, "data": data, "tmp": tmp_path}


def test_county_departments_are_one_node_after_cli_loads(env):
    store = open_store("memory", data_dir=env["data"])
    depts = [d for d in store.nodes("Department") if d.name.endswith("自然资源局")]
    assert [(d.key, d.township) for d in depts] == [("dept:county:东河县:县自然资源局", "")]
    assert {t.name: (t.county, t.catalogue_of) for t in store.townships()} == {
        "东河县通用目录": ("东河县", "东河县"), "甲镇": ("东河县", ""), "乙镇": ("东河县", "")}


def test_compare_json_lists_exactly_the_deviations(env):
    result = env["run"]("compare", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert_report(report)
    got = sorted((r["township"], r["kind"], r["name"], r["match"]) for r in report["results"])
    assert got == [
        ("甲镇", "added", HOSTILE, ""),
        ("甲镇", "lead_differs", "农村宅基地审批", "code"),
        ("甲镇", "missing", "地质灾害巡查", ""),
        ("甲镇", "part_differs", "违法占地查处", "name"),
    ]  # 乙镇 lists exactly the catalogue: nothing
    assert report["counts"] == {"missing": 1, "added": 1, "part_differs": 1, "lead_differs": 1}


def test_compare_one_township_and_unknown_names(env):
    only = json.loads(env["run"]("compare", "--township", "乙镇", "--format", "json").output)
    assert only["results"] == []
    bad = env["run"]("compare", "--catalogue", "没有的目录")
    assert bad.exit_code == 1 and "东河县通用目录" in bad.output


def test_compare_table_shows_the_kinds(env):
    result = env["run"]("compare")
    assert result.exit_code == 0
    assert "目录事项缺失 1" in result.output and "牵头部门不同 1" in result.output and "甲镇" in result.output


def test_compare_xlsx_one_sheet_per_township_formulas_as_text(env):
    out = env["tmp"] / "cmp.xlsx"
    result = env["run"]("compare", "--format", "xlsx", "-o", str(out))
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["甲镇"]
    ws = wb["甲镇"]
    cells = [c for row in ws.iter_rows(min_row=2) for c in row if c.value == HOSTILE]
    assert len(cells) == 1 and cells[0].data_type == "s"  # kept verbatim, stored as text, not a formula
    assert ws.max_row == 5  # header + 4 differences
    assert env["run"]("compare", "--format", "xlsx").exit_code == 1  # needs --output


def test_compare_without_catalogue_says_how_to_load_one(tmp_path):
    result = CliRunner().invoke(cli, ["compare", "--data-dir", str(tmp_path / "empty")])
    assert result.exit_code == 1 and "--catalogue-of" in result.output
