"""The bundled sample (loaders/sample_data) against its own ground truth, without the loaders.

The relation counts are recomputed here from the CSV text with a small reader of our own, written
from docs/import-rules.md, so that a mistake in the generator's bookkeeping cannot hide behind the
same code that made it.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from graphmodel.normalize import basis_key, canonical_department, parse_citations, split_multi

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "loaders" / "sample_data"
sys.path.insert(0, str(ROOT / "scripts"))
import make_sample  # noqa: E402

TRUTH = json.loads((SAMPLE / "planted.json").read_text(encoding="utf-8"))
PARTS = ("基本履职事项", "配合履职事项", "上级部门收回事项")
VILLAGE_SHEET = "村（社区）名录"
TEN_TYPES = ("行政许可", "行政处罚", "行政强制", "行政征收", "行政给付",
             "行政检查", "行政确认", "行政奖励", "其他行政权力", "公共服务")


def read_csv(name: str, encoding: str = "utf-8-sig") -> list[list[str]]:
    text = (SAMPLE / name).read_bytes().decode(encoding)
    return list(csv.reader(io.StringIO(text)))


def records(grid: list[list[str]]) -> list[dict[str, str]]:
    """Rows under the header (the row holding 事项名称 or 村（社区）名称) that name something.

    事项类别 and 事项类型 are filled down, as the import rules say.
    """
    hi = next(i for i, row in enumerate(grid) if "事项名称" in row or "村（社区）名称" in row)
    header = grid[hi]
    key = "事项名称" if "事项名称" in header else "村（社区）名称"
    out, last = [], {}
    for row in grid[hi + 1:]:
        rec = dict(zip(header, row))
        if not rec.get(key, "").strip():
            continue  # blank separator or footnote
        for col in ("事项类别", "事项类型"):
            if col in rec:
                rec[col] = rec[col] or last.get(col, "")
                last[col] = rec[col]
        out.append(rec)
    return out


@pytest.fixture(scope="module")
def sheets() -> dict[str, list[dict[str, str]]]:
    names = TRUTH["files"]["csv_utf8_bom"]
    return {part: records(read_csv(names[part])) for part in (*PARTS, VILLAGE_SHEET)}


@pytest.fixture(scope="module")
def workbook():
    return openpyxl.load_workbook(SAMPLE / TRUTH["files"]["xlsx"])


def all_planted_names() -> set[str]:
    names: set[str] = set()
    for key in ("overlaps", "placeholder_lead", "dangling_next", "withdrawn_led_by_township",
                "cooperation_without_county", "village_partial", "village_text_unlinked"):
        names |= set(TRUTH[key])
    for key in ("no_lead", "no_basis", "no_time_limit"):
        names |= set(TRUTH[key])
    for chain in TRUTH["chains"]:
        names |= set(chain["items"]) | set(chain["unowned_steps"])
    names |= set(TRUTH["nonstandard_power_types"]["outside_ten"])
    names |= set(TRUTH["nonstandard_power_types"]["synonyms"])
    for pair in TRUTH["near_duplicates"]["pairs"]:
        names |= set(pair["items"])
    for shared in TRUTH["shared_articles"]:
        names |= set(shared["items"])
    for variant in TRUTH["name_variants"]:
        names |= set(variant["items"])
    return names


# -- regeneration ------------------------------------------------------------------------------
def _workbook_content(path):
    """Every sheet's cell values and merged ranges: what a reader sees of an xlsx."""
    wb = openpyxl.load_workbook(path)
    return {ws.title: ([[c.value for c in row] for row in ws.iter_rows()], sorted(map(str, ws.merged_cells.ranges)))
            for ws in wb.worksheets}


def test_regenerating_gives_identical_files(tmp_path):
    make_sample.write_all(tmp_path)
    generated = sorted(p.name for p in tmp_path.iterdir())
    committed = sorted(p.name for p in SAMPLE.iterdir() if p.name != "README.md")
    assert generated == committed
    for name in generated:
        if name.endswith(".xlsx"):
            # openpyxl writes its XML with lxml when that is installed and with the standard
            # library otherwise: the bytes differ by environment, the workbook does not.
            assert _workbook_content(tmp_path / name) == _workbook_content(SAMPLE / name), name
        else:
            assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), name


def test_gbk_csv_is_the_basic_sheet():
    gbk = TRUTH["files"]["csv_gbk"]["基本履职事项"]
    utf8 = TRUTH["files"]["csv_utf8_bom"]["基本履职事项"]
    assert gbk.endswith("基本履职事项.gbk.csv")
    raw = (SAMPLE / gbk).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert read_csv(gbk, "gbk") == read_csv(utf8)


def test_utf8_csvs_carry_a_bom():
    for name in TRUTH["files"]["csv_utf8_bom"].values():
        assert (SAMPLE / name).read_bytes().startswith(b"\xef\xbb\xbf"), name


# -- counts against the rows ---------------------------------------------------------------------
def test_item_counts_match_the_csv_rows(sheets):
    counts = TRUTH["counts"]
    assert {p: len(sheets[p]) for p in PARTS} == counts["items_by_part"]
    assert sum(counts["items_by_part"].values()) == counts["items"] == len(TRUTH["items"])
    assert len(sheets[VILLAGE_SHEET]) == counts["villages"] == 10
    assert Counter(r["类型"] for r in sheets[VILLAGE_SHEET]) == Counter(counts["villages_by_kind"])
    assert sum(1 for p in PARTS for r in sheets[p] if not r["事项编码"]) == counts["items_without_code"]


def test_item_counts_match_the_workbook(workbook):
    for part in PARTS:
        ws = workbook[part]
        names = [ws.cell(row=r, column=_col(ws, "事项名称")).value for r in range(3, ws.max_row + 1)]
        names = [n for n in names if n]
        assert len(names) == TRUTH["counts"]["items_by_part"][part]
        assert ws.max_row == TRUTH["counts"]["sheet_rows"][part]["grid_rows"]


def test_power_type_counts_after_fill_down_and_synonyms(sheets):
    synonyms = TRUTH["rules"]["power_type_synonyms"]
    by_part = {p: dict(Counter(synonyms.get(r["事项类型"], r["事项类型"]) for r in sheets[p])) for p in PARTS}
    assert by_part == TRUTH["counts"]["items_by_part_and_power_type"]
    total = Counter()
    for c in by_part.values():
        total.update(c)
    assert dict(total) == TRUTH["counts"]["items_by_power_type"]
    assert set(TEN_TYPES) <= set(total), "every one of the ten power types is present"
    assert set(total) - set(TEN_TYPES) == set(TRUTH["nonstandard_power_types"]["outside_ten"].values())


def test_proportions_are_roughly_national():
    by_part = TRUTH["counts"]["items_by_part"]
    total = sum(by_part.values())
    assert total >= 200
    for part, share in zip(PARTS, (117 / 340, 99 / 340, 124 / 340)):
        assert abs(by_part[part] / total - share) < 0.06, part


def test_relation_counts_recomputed_from_the_csvs(sheets):
    aliases = {a: c for a, c, _ in TRUTH["alias_table_rows"]}
    placeholders = set(TRUTH["rules"]["placeholders"])
    villages = [r["村（社区）名称"] for r in sheets[VILLAGE_SHEET]]

    def depts(cell):
        out = set()
        for name in split_multi(cell):
            if name in placeholders:
                continue
            c = canonical_department(name, TRUTH["township"])
            out.add(aliases.get(c, c))
        return out

    leads, coops, assists, based, follows = set(), set(), set(), set(), set()
    by_ref = {}
    for part in PARTS:
        for r in sheets[part]:
            by_ref[r["事项名称"]] = r["事项名称"]
            if r["事项编码"]:
                by_ref[r["事项编码"]] = r["事项名称"]
    for part, lead_col, coop_col in (("基本履职事项", "责任科室", "配合部门"),
                                     ("配合履职事项", "对应上级部门", "镇街配合科室"),
                                     ("上级部门收回事项", "承接部门", None)):
        for r in sheets[part]:
            name = r["事项名称"]
            leads |= {(d, name) for d in depts(r[lead_col])}
            if coop_col:
                coops |= {(d, name) for d in depts(r[coop_col])}
            for _, law, art in parse_citations(r["法律依据"]):
                based.add((name, basis_key(law, art)))
            for ref in split_multi(r.get("后续事项", "")):
                if ref in by_ref:
                    follows.add((name, by_ref[ref]))
            if part == "基本履职事项":
                named = split_multi(r["涉及村（社区）"])
                text = r["村（社区）职责"].replace("（", "(").replace("）", ")")
                if any(v in ("全部", "各村(社区)", "各村（社区）") for v in named):
                    linked = villages
                elif named:
                    linked = named
                elif any(w in text for w in ("各村", "全镇各村")):
                    linked = villages
                else:
                    linked = []
                assists |= {(v, name) for v in linked}
    rel = TRUTH["counts"]["relations"]
    assert len(leads) == rel["LEADS"]
    assert len(coops) == rel["COOPERATES_ON"]
    assert len(assists) == rel["ASSISTS"]
    assert len(based) == rel["BASED_ON"]
    assert len(follows) == rel["FOLLOWED_BY"]
    assert len({b for _, b in based}) == TRUTH["counts"]["legal_bases"]
    assert len({d for d, _ in leads | coops}) == TRUTH["counts"]["departments"] == len(TRUTH["departments"])
    # the per-item truth says the same
    items = TRUTH["items"]
    assert {(d, n) for n, it in items.items() for d in it["leads"]} == leads
    assert {(d, n) for n, it in items.items() for d in it["cooperates"]} == coops
    assert {(v, n) for n, it in items.items() for v in it["villages"]} == assists
    assert {(n, m) for n, it in items.items() for m in it["next"]} == follows
    # overlaps and gaps follow from the per-item leads
    lead_sets = Counter(n for _, n in leads)
    assert {n for n, k in lead_sets.items() if k > 1} == set(TRUTH["overlaps"])
    leadless = set(items) - set(lead_sets)
    assert leadless == set(TRUTH["no_lead"]) | set(TRUTH["placeholder_lead"])


# -- every planted item is in the sheets --------------------------------------------------------
def test_every_planted_item_exists_in_the_sheets(sheets):
    names = {r["事项名称"] for p in PARTS for r in sheets[p]}
    missing = all_planted_names() - names
    assert not missing
    assert set(TRUTH["items"]) == names


def test_items_sit_where_the_truth_says(workbook):
    for name, it in TRUTH["items"].items():
        ws = workbook[it["part"]]
        assert ws.cell(row=it["excel_row"], column=_col(ws, "事项名称")).value == name
        code = ws.cell(row=it["excel_row"], column=_col(ws, "事项编码")).value or ""
        assert code == it["code"], name


def test_planted_problems_are_in_the_cells(sheets):
    rows = {r["事项名称"]: r for p in PARTS for r in sheets[p]}
    assert set(split_multi(rows["农村宅基地审批"]["责任科室"])) == {"农业农村服务中心", "自然资源所"}
    assert rows["农村宅基地审批"]["涉及村（社区）"] == "全部" and rows["农村宅基地审批"]["村（社区）职责"]
    assert len(split_multi(rows["环境卫生整治"]["责任科室"])) == 2
    for name in TRUTH["no_lead"]:
        r = rows[name]
        assert not (r.get("责任科室") or r.get("对应上级部门") or r.get("承接部门")), name
    for name, text in TRUTH["placeholder_lead"].items():
        assert rows[name]["责任科室"] == text
    for name in TRUTH["no_basis"]:
        assert not rows[name]["法律依据"], name
    for name in TRUTH["no_time_limit"]:
        assert not rows[name]["办理时限"], name
    for name, missing in TRUTH["dangling_next"].items():
        assert rows[name]["后续事项"] == missing and missing not in rows
    for name in TRUTH["cooperation_without_county"]:
        assert not rows[name]["对应上级部门"] and rows[name]["镇街配合科室"]
    for name, lacking in TRUTH["village_partial"].items():
        assert "各村" in rows[name]["村（社区）职责"]
        assert set(split_multi(rows[name]["涉及村（社区）"])).isdisjoint(lacking)
    for name in TRUTH["village_text_unlinked"]:
        assert rows[name]["村（社区）职责"] and not rows[name]["涉及村（社区）"]
    for chain in TRUTH["chains"]:
        assert len(chain["items"]) >= 3
        for step in chain["unowned_steps"]:
            assert step in TRUTH["no_lead"]
    assert any(c["unowned_steps"] for c in TRUTH["chains"])
    for law, titles in TRUTH["inconsistent_law_titles"].items():
        assert any(t.startswith("中华人民共和国") for t in titles) and law in titles


# -- layout of the workbook --------------------------------------------------------------------
def test_workbook_layout(workbook):
    assert workbook.sheetnames == [*PARTS, VILLAGE_SHEET]
    for part in PARTS:
        ws = workbook[part]
        width = ws.max_column
        merged = {str(r) for r in ws.merged_cells.ranges}
        assert f"A1:{openpyxl.utils.get_column_letter(width)}1" in merged
        assert ws["A1"].value == f"XX镇履行职责事项清单（{part}）"
        assert ws["A2"].font.b and ws["A2"].border.left.style == "thin" and ws["A2"].alignment.wrap_text
        info = TRUTH["counts"]["sheet_rows"][part]
        assert len(info["blank_rows"]) == 1
        assert all(c.value is None for c in ws[info["blank_rows"][0]])
        first_foot, second_foot = info["footnote_rows"]
        assert ws.cell(row=first_foot, column=1).value.startswith("填表说明：")
        assert ws.cell(row=second_foot, column=1).value.startswith("注：")
    ws = workbook["基本履职事项"]
    col = openpyxl.utils.get_column_letter(_col(ws, "事项类别"))
    spans = [r for r in ws.merged_cells.ranges if str(r).startswith(col) and r.max_row > r.min_row]
    assert len(spans) >= 5
    for r in spans:
        assert ws.cell(row=r.min_row, column=r.min_col).value
    ws = workbook["上级部门收回事项"]
    col = openpyxl.utils.get_column_letter(_col(ws, "事项类型"))
    assert any(str(r).startswith(col) and r.max_row > r.min_row for r in ws.merged_cells.ranges)
    ws = workbook[VILLAGE_SHEET]
    assert [c.value for c in ws[2]] == ["序号", "村（社区）名称", "类型"]


def _col(ws, header: str) -> int:
    for c in ws[2]:
        if c.value == header:
            return c.column
    raise KeyError(header)
