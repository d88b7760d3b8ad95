"""The reading corpus: each generated list compared field by field with its expected graph and reading."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from corpus import CASES, SHORT, Case, corpus_params, write_case
from graph_snapshot import graph_of

import loaders
from cli.main import cli
from graphmodel import open_store
from loaders import export_township, read_list

PARAMS = corpus_params()
IDS = [f"{c.name}-{f}" for c, f in PARAMS]


def test_the_corpus_holds_at_least_25_workbooks_in_every_format():
    assert len(PARAMS) >= 25
    assert {f for _, f in PARAMS} == {"xlsx", "xls", "csv", "gbk"}


def _snapshot(tlist) -> dict[tuple[str, str], dict]:
    names = {d.key: d.name for d in tlist.departments} | {v.key: v.name for v in tlist.villages}
    rels: dict[tuple[str, str], list[str]] = {}
    for r in tlist.relations:
        if r.type in ("LEADS", "COOPERATES_ON", "ASSISTS"):
            rels.setdefault((r.type, r.dst), []).append(names[r.src])
        elif r.type == "BASED_ON":
            rels.setdefault((r.type, r.src), []).append(r.text)
    out = {}
    for i in tlist.items:
        label = (i.label, SHORT[i.part])
        assert label not in out, f"two items {label}"
        out[label] = {
            "power_type": i.power_type, "power_type_raw": i.power_type_raw, "filled": i.filled,
            "category": i.category, "responsibility": i.responsibility, "accountability": i.accountability,
            "extra": i.extra, "groups": i.village_groups, "same": bool(i.same_duty),
            "leads": sorted(rels.get(("LEADS", i.key), [])),
            "cooperates": sorted(rels.get(("COOPERATES_ON", i.key), [])),
            "villages": sorted(rels.get(("ASSISTS", i.key), [])),
            "bases": sorted(rels.get(("BASED_ON", i.key), [])),
        }
    return out


def _read(case: Case, fmt: str, tmp_path):
    return read_list(write_case(case, fmt, tmp_path / fmt), **case.options)


@pytest.mark.parametrize(("case", "fmt"), PARAMS, ids=IDS)
def test_graph_as_expected_field_by_field(case, fmt, tmp_path):
    result = _read(case, fmt, tmp_path)
    got = _snapshot(result.tlist)
    # nothing invented: exactly the items of the list, no more
    assert set(got) == set(case.items)
    mismatches = []
    for label, want in case.items.items():
        for f, value in want.items():
            expected = sorted(value) if isinstance(value, list) else value
            if got[label][f] != expected:
                mismatches.append((label, f, got[label][f], expected))
    assert mismatches == []
    levels = {d.name: d.level for d in result.tlist.departments}
    assert {n: levels.get(n) for n in case.levels} == case.levels
    if "villages" in case.report:
        assert sorted(v.name for v in result.tlist.villages) == case.report["villages"]


@pytest.mark.parametrize(("case", "fmt"), PARAMS, ids=IDS)
def test_reading_report_as_expected(case, fmt, tmp_path):
    result = _read(case, fmt, tmp_path)
    report, want = result.reading, case.report
    assert (report.township, report.township_source) == (want["township"], want["source"])
    columns = {c.header: c for s in report.sheets for c in s.columns}
    for header, f in want.get("columns", {}).items():
        assert columns[header].field == f, header
    for header, word in want.get("rules", {}).items():
        assert word in columns[header].rule, (header, columns[header].rule)
    for header, f in want.get("proposals", {}).items():
        assert columns[header].proposal == f
        assert columns[header].samples, "an unmapped column shows its sample values"
    counts = report.counts
    for k, n in want.get("counts", {}).items():
        assert counts[k] == n, k
    assert counts["merges_suggested"] >= want.get("min_suggested", 0)
    codes = {p.code for p in report.problems}
    assert want.get("codes", set()) <= codes
    assert not (want.get("no_codes", set()) & codes)
    for code, values in want.get("problem_values", {}).items():
        assert sorted(p.value for p in report.problems if p.code == code) == values
    if "parts" in want:
        sources: dict[str, int] = {}
        for s in report.sheets:
            for k, n in s.part_sources.items():
                sources[k] = sources.get(k, 0) + n
        assert sources == want["parts"]
    text = report.to_text()
    if "first_line" in want:
        assert want["first_line"] in text.splitlines()[0]
    assert report.to_dict()["counts"] == counts
    json.dumps(report.to_dict(), ensure_ascii=False)  # JSON-ready


@pytest.mark.parametrize(("case", "fmt"), [(c, c.formats[0]) for c in CASES], ids=[c.name for c in CASES])
def test_load_check_prints_the_reading_report(case, fmt, tmp_path):
    files = [str(p) for p in write_case(case, fmt, tmp_path / fmt)]
    runner = CliRunner()
    args = ["load", "--check", *files]
    for col, f in case.options.get("column_map", {}).items():
        args += ["--map-column", f"{col}={f}"]
    text = runner.invoke(cli, args)
    assert text.exit_code == 0, text.output
    assert "读表报告 How the file was read" in text.output and f"乡镇 Township: {case.report['township']}" in text.output
    data = runner.invoke(cli, [*args, "--format", "json"])
    assert data.exit_code == 0, data.output
    reading = json.loads(data.output)["results"]["reading"]
    assert reading["township"] == case.report["township"]
    assert len(reading["sheets"]) == len(case.sheets)


def test_load_check_prints_the_reading_report_on_the_sample():
    sample = Path(loaders.__file__).parent / "sample_data" / "XX镇履行职责事项清单.xlsx"
    out = CliRunner().invoke(cli, ["load", "--check", str(sample)])
    assert out.exit_code == 0, out.output
    assert "读表报告 How the file was read" in out.output
    assert "■ XX镇履行职责事项清单.xlsx / 上级部门收回事项: 事项表 item sheet；表头在第 2 行" in out.output


_ROUNDTRIP = ["fill_down_boundary", "merged_ranges", "ditto", "village_groups", "same_item_two_parts", "stages_merged",
              "citations", "departments"]


@pytest.mark.parametrize("name", _ROUNDTRIP)
@pytest.mark.parametrize("out", ["xlsx", "csv"])
def test_export_then_reimport_keeps_marks_groups_and_links(name, out, tmp_path):
    case = next(c for c in CASES if c.name == name)
    first = open_store("memory", data_dir=None)
    first.replace_township(_read(case, case.formats[0], tmp_path).tlist)
    written = export_township(first, None, tmp_path / f"export.{out}")
    back = read_list(written)
    second = open_store("memory", data_dir=None)
    second.replace_township(back.tlist)
    assert graph_of(second) == graph_of(first)
    assert first.replace_township(back.tlist).added == 0


def test_a_map_column_naming_no_column_says_which_columns_there_are(tmp_path):
    from graphmodel.errors import LoadError

    case = next(c for c in CASES if c.name == "lead_unknown_header")
    with pytest.raises(LoadError, match="主抓单位"):
        read_list(write_case(case, "xls", tmp_path), column_map={"主办单位X": "lead"})
    by_letter = read_list(write_case(case, "xls", tmp_path), column_map={"b": "lead"})
    assert all(i.lead_text for i in by_letter.tlist.items)


def test_the_part_option_sets_every_item(tmp_path):
    case = next(c for c in CASES if c.name == "township_title_power_list")
    result = read_list(write_case(case, "xlsx", tmp_path), part="收回")
    assert {i.part for i in result.tlist.items} == {"上级部门收回事项"}
    assert result.reading.sheets[0].part_sources == {"option": 2}


@pytest.mark.parametrize("name", ["same_item_two_parts", "village_groups", "merged_ranges", "stages_merged"])
def test_reading_marks_survive_both_stores(store, name, tmp_path):
    """filled, village_groups and same_duty are stored and read back by the memory and the Neo4j store."""
    case = next(c for c in CASES if c.name == name)
    tlist = _read(case, case.formats[0], tmp_path).tlist
    store.replace_township(tlist)
    stored = {i.key: i for i in store.nodes("DutyItem", tlist.township.name)}
    assert stored == {i.key: i for i in tlist.items}
    assert any(i.filled or i.village_groups or i.same_duty or "\n" in i.responsibility for i in stored.values())
    assert store.replace_township(tlist).unchanged
