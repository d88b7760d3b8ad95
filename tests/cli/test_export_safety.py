"""Exports that cannot run code, and `export -o` that cannot hurt: store files, links, existing files, suffixes."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import loaders
from cli.main import cli
from graphmodel import open_store
from graphmodel.review import Op
from loaders import read_list
from loaders.formula_safe import TRIGGERS
from loaders.review_exports import write_tables_xlsx

SAMPLE = Path(loaders.__file__).parent / "sample_data" / "XX镇履行职责事项清单.xlsx"
TOWN = "XX镇"
HOSTILE = ['=HYPERLINK("http://203.0.113.9/x","点此")', "+SUM(1,2)", "-2+3", "@SUM(A1)", "=cmd|'/c calc'!A1"]


@pytest.fixture
def data(tmp_path, monkeypatch):
    """The sample with five items named like formulas (added by decisions, as a meeting would)."""
    monkeypatch.delenv("DUTYGRAPH_EDITORS", raising=False)
    d = tmp_path / "data"
    with open_store("memory", data_dir=d) as s:
        s.replace_township(read_list(SAMPLE).tlist, editor="测试")
        for n, name in enumerate(HOSTILE):
            s.record_decision(TOWN, [Op("add_item", fields=(("name", name), ("code", f"F-{n}")))], editor="测试")
    return d


def _run(data, *args):
    return CliRunner().invoke(cli, ["--data-dir", str(data), *args], catch_exceptions=False)


def _formula_cells(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path)
    return [c.coordinate for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_xlsx_export_holds_no_formula_and_reimports_to_the_same_list(data, tmp_path):
    out = tmp_path / "out.xlsx"
    assert _run(data, "export", "-o", str(out)).exit_code == 0
    assert _formula_cells(out) == []
    names = {i.name for i in read_list(out, township=TOWN).tlist.items}
    assert {"".join(h.split()) for h in HOSTILE} <= names
    with open_store("memory", data_dir=data) as s:
        assert names == {i.name for i in s.nodes("DutyItem", TOWN)}


def test_csv_export_quotes_formula_cells_and_reimports_to_the_same_list(data, tmp_path):
    out = tmp_path / "out.csv"
    assert _run(data, "export", "-o", str(out)).exit_code == 0
    cells = [c for row in csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))) for c in row]
    assert not [c for c in cells if c.startswith(TRIGGERS)]
    assert "'=HYPERLINK(\"http://203.0.113.9/x\",\"点此\")" in cells
    with open_store("memory", data_dir=data) as s:
        assert {i.name for i in read_list(out, township=TOWN).tlist.items} == {i.name for i in s.nodes("DutyItem", TOWN)}


def test_audit_exports_hold_no_formula(data, tmp_path):
    report = tmp_path / "audit.xlsx"
    assert _run(data, "export", "--audit", "-o", str(report)).exit_code == 0
    assert _formula_cells(report) == []
    for fmt, name in (("xlsx", "a.xlsx"), ("csv", "a.csv")):
        out = tmp_path / name
        assert _run(data, "audit", "--format", fmt, "-o", str(out)).exit_code == 0
        if fmt == "xlsx":
            assert _formula_cells(out) == []
        else:
            assert not [c for row in csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))) for c in row
                        if c.startswith(TRIGGERS)]


def test_tables_and_dashboard_downloads_hold_no_formula(tmp_path):
    from dashboard.tables import to_xlsx

    import pandas as pd

    path = write_tables_xlsx({"表": (["事项"], [[h] for h in HOSTILE])}, tmp_path / "t.xlsx")
    assert _formula_cells(path) == []
    (tmp_path / "d.xlsx").write_bytes(to_xlsx(pd.DataFrame({"事项": HOSTILE})))
    assert _formula_cells(tmp_path / "d.xlsx") == []
    assert [c.value for c in openpyxl.load_workbook(tmp_path / "d.xlsx").active["A"][1:]] == HOSTILE


def test_export_refuses_the_stores_own_files(data):
    before = (data / "dutygraph.json").read_bytes()
    for name in ("dutygraph.json", "editors.json"):
        result = _run(data, "export", "--format", "csv", "-o", str(data / name), "--force")
        assert result.exit_code == 1
    assert (data / "dutygraph.json").read_bytes() == before
    # nor into the folder of the township files the head names
    parts = sorted((data / "dutygraph.parts").iterdir())
    into = _run(data, "export", "--format", "csv", "-o", str(data / "dutygraph.parts" / "x.csv"), "--force")
    assert into.exit_code == 1 and "dutygraph.parts" in into.output
    assert sorted((data / "dutygraph.parts").iterdir()) == parts


def test_export_refuses_an_existing_file_unless_forced(data, tmp_path):
    out = tmp_path / "list.xlsx"
    out.write_bytes(b"keep")
    refused = _run(data, "export", "-o", str(out))
    assert refused.exit_code == 1 and "--force" in refused.output and out.read_bytes() == b"keep"
    assert _run(data, "export", "-o", str(out), "--force").exit_code == 0
    assert out.read_bytes().startswith(b"PK")


def test_export_checks_the_suffix_against_the_format(data, tmp_path):
    for args in (("--format", "csv", "-o", str(tmp_path / "x.xlsx")), ("--format", "xlsx", "-o", str(tmp_path / "x.csv")),
                 ("--audit", "-o", str(tmp_path / "a.csv")), ("--minutes", "M1", "-o", str(tmp_path / "m.xlsx"))):
        result = _run(data, "export", *args)
        assert result.exit_code == 1 and "suffix" in result.output, args
    assert not list(tmp_path.glob("x.*"))


def test_export_does_not_follow_a_symlink(data, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    link = tmp_path / "out.xlsx"
    link.symlink_to(victim)
    result = _run(data, "export", "-o", str(link), "--force")
    assert result.exit_code == 1 and "link" in result.output
    assert victim.read_text() == "precious" and link.is_symlink()


def test_side_files_follow_the_same_rules(data, tmp_path):
    out = tmp_path / "list.csv"
    register = tmp_path / "list_村（社区）名册.csv"
    register.write_text("keep", encoding="utf-8")
    refused = _run(data, "export", "-o", str(out))
    assert refused.exit_code == 1 and "名册" in refused.output
    assert not out.exists() and register.read_text(encoding="utf-8") == "keep"  # all or nothing
    assert _run(data, "export", "-o", str(out), "--force").exit_code == 0
    assert register.read_text(encoding="utf-8-sig").startswith("序号")


def test_a_failed_export_leaves_no_partial_file(data, tmp_path, monkeypatch):
    import loaders.writers as writers

    def boom(*_a, **_k):
        raise OSError("disk full")

    monkeypatch.setattr(writers, "_write_csv_file", boom)
    out = tmp_path / "list.csv"
    with pytest.raises(OSError):
        _run(data, "export", "-o", str(out))
    assert sorted(os.listdir(tmp_path)) == ["data"]  # neither the file nor the temporary directory
