"""A generator of hostile list files: bombs, far cells, huge strings, controls, formulas, encodings,
hidden sheets, merged headers, injection text and absurd names.

``build_corpus(folder)`` writes every case and returns them; each says what must happen:
``ok`` (it imports, with ``items`` items, perhaps with warnings of ``code``) or ``error`` (a
located error of ``code``, nothing written). ``python -m`` is not needed: the test and the
bench script (bench/hostile_corpus.py) both call it.
"""

from __future__ import annotations

import codecs
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

__all__ = ["Case", "build_corpus", "raw_xlsx"]

HEADER = ["序号", "事项名称", "事项类型", "法律依据", "责任主体", "配合部门"]
BASIS = "《中华人民共和国土地管理法》第六十二条"


def _rows(names: list[str]) -> list[list[str]]:
    return [HEADER, *([str(i), n, "行政许可", BASIS, "农业农村办", "自然资源所"] for i, n in enumerate(names, 1))]


@dataclass
class Case:
    kind: str
    files: list[Path]
    expect: str  # "ok" | "error"
    code: str = ""  # the problem code expected (error), or a warning expected (ok)
    items: int | None = None  # items an "ok" case imports
    township: str | None = "测试镇"
    env: dict[str, str] = field(default_factory=dict)
    names: list[str] | None = None  # item names that must come back exactly (ok cases)
    check: Callable[[object], None] | None = None  # more assertions on the LoadResult


def _col(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def raw_xlsx(path: Path, sheets: list[tuple[str, list[list[str]], str]], *, extra_cells: dict[str, str] | None = None,
             merges: list[str] | None = None, shared_padding: int = 0, sheet_padding: int = 0) -> Path:
    """A minimal .xlsx written by hand, so that it can hold what openpyxl refuses to write
    (control characters, far cells, hidden states). ``sheets``: (name, rows, state)."""
    def sheet_xml(rows: list[list[str]], first: bool) -> str:
        out = []
        for i, r in enumerate(rows, 1):
            cells = "".join(f'<c r="{_col(j)}{i}"><v>{v}</v></c>' if isinstance(v, int) else
                            f'<c r="{_col(j)}{i}" t="inlineStr"><is><t xml:space="preserve">{escape(v)}</t></is></c>'
                            for j, v in enumerate(r, 1) if v != "")
            out.append(f'<row r="{i}">{cells}</row>')
        if first and extra_cells:
            for ref, v in extra_cells.items():
                row = "".join(ch for ch in ref if ch.isdigit())
                out.append(f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>{escape(v)}</t></is></c></row>')
        merge = f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges) + \
            "</mergeCells>" if first and merges else ""
        pad = " " * sheet_padding if first else ""
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet '
                'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                f'<sheetData>{"".join(out)}</sheetData>{merge}{pad}</worksheet>')

    types = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                    f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, len(sheets) + 1))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
                   'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/'
                   'xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                   f'officedocument.spreadsheetml.sheet.main+xml"/>{types}</Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                   'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                   "</Relationships>")
        entries = "".join(
            f'<sheet name={quoteattr(name)} sheetId="{i}" r:id="rId{i}"' + (f' state="{state}"' if state else "") + "/>"
            for i, (name, _, state) in enumerate(sheets, 1))
        z.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.'
                   'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
                   f'officeDocument/2006/relationships"><sheets>{entries}</sheets></workbook>')
        rels = "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                       f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1))
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships '
                   f'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>')
        for i, (_, rows, _) in enumerate(sheets, 1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", sheet_xml(rows, i == 1))
        if shared_padding:
            z.writestr("xl/sharedStrings.xml", '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
                       f'spreadsheetml/2006/main" count="0" uniqueCount="0">{" " * shared_padding}</sst>')
    return path


def _csv(path: Path, rows: list[list[str]], encoding: str = "utf-8", bom: bytes = b"", sep: str = ",") -> Path:
    text = "\r\n".join(sep.join(f'"{v}"' if (sep in v or '"' in v or "\n" in v) and '"' not in v else v for v in r)
                       for r in rows) + "\r\n"
    path.write_bytes(bom + text.encode(encoding))
    return path


def build_corpus(folder: Path) -> list[Case]:  # noqa: PLR0915 - one line per kind reads best
    folder.mkdir(parents=True, exist_ok=True)
    f = folder.joinpath
    good = ["农村宅基地审批", "环境卫生整治"]
    cases: list[Case] = []

    def add(kind: str, files: Path | list[Path], expect: str, code: str = "", **kw) -> None:
        cases.append(Case(kind, files if isinstance(files, list) else [files], expect, code, **kw))

    # ---- far cells, bombs, limits ---------------------------------------------------------------
    add("far_cell_xfd_only", raw_xlsx(f("far1.xlsx"), [("清单", [], "")], extra_cells={"XFD1048576": "x"}),
        "error", "too_large")
    add("far_cell_with_a1", raw_xlsx(f("far2.xlsx"), [("清单", _rows(good), "")], extra_cells={"XFD1048576": "x"}),
        "error", "too_large")
    add("far_cell_az", raw_xlsx(f("far3.xlsx"), [("清单", _rows(good), "")], extra_cells={"AZ1048576": "x"}),
        "error", "too_large")
    add("far_column", raw_xlsx(f("far4.xlsx"), [("清单", _rows(good), "")], extra_cells={"ZZ3": "x"}),
        "error", "too_large")
    add("far_row_in_limits", raw_xlsx(f("far5.xlsx"), [("清单", _rows(good), "")], extra_cells={"A5000": "备注"}),
        "ok", items=2)
    add("zip_bomb_unpacked", raw_xlsx(f("bomb.xlsx"), [("清单", _rows(good), "")], sheet_padding=3 * 1024 * 1024),
        "error", "too_large", env={"DUTYGRAPH_MAX_UNPACKED_MB": "2"})
    add("shared_strings_huge", raw_xlsx(f("sst.xlsx"), [("清单", _rows(good), "")], shared_padding=2 * 1024 * 1024),
        "error", "too_large", env={"DUTYGRAPH_MAX_SHARED_STRINGS_MB": "1"})
    add("rows_over_limit", raw_xlsx(f("rows.xlsx"), [("清单", _rows([f"事项{i}" for i in range(80)]), "")]),
        "error", "too_large", env={"DUTYGRAPH_MAX_ROWS": "50"})
    add("file_over_size_limit", _csv(f("big.csv"), _rows([f"事项{i}" for i in range(3000)])), "error", "too_large",
        env={"DUTYGRAPH_MAX_FILE_MB": "0.05"})
    add("cell_over_length_xlsx", raw_xlsx(f("long.xlsx"), [("清单", _rows(["长" * 40_000]), "")]),
        "error", "cell_too_long")
    add("cell_long_within_limit", raw_xlsx(f("long2.xlsx"), [("清单", _rows(["长" * 5_000, "短"]), "")]),
        "ok", items=2)
    # ---- control and bidi characters ------------------------------------------------------------
    add("esc_sequence_xlsx", raw_xlsx(f("esc.xlsx"), [("清单", _rows(["农村\x1b[2J\x1b[31m宅基地审批", "环境卫生整治"]), "")]),
        "ok", "control_chars", items=2, names=["农村[2J[31m宅基地审批", "环境卫生整治"])
    add("bell_nul_xlsx", raw_xlsx(f("bell.xlsx"), [("清单", _rows(["宅基地\x07\x00审批", "整治\x08"]), "")]),
        "ok", "control_chars", items=2, names=["宅基地审批", "整治"])
    add("c1_controls_xlsx", raw_xlsx(f("c1.xlsx"), [("清单", _rows(["宅基地\x85审批\x9b", "整治"]), "")]),
        "ok", "control_chars", items=2, names=["宅基地审批", "整治"])
    add("bidi_override_name", raw_xlsx(f("bidi.xlsx"), [("清单", _rows(["审批\u202e地基宅", "整治\u2066x\u2069"]), "")]),
        "ok", "control_chars", items=2, names=["审批地基宅", "整治x"])
    add("controls_in_header", raw_xlsx(f("hdr.xlsx"), [("清单", [["序号", "事项\x1b名称", "事项类型"], ["1", "甲", "行政许可"]], "")]),
        "ok", "control_chars", items=1)
    add("controls_in_sheet_name", raw_xlsx(f("sheetname.xlsx"), [("清\u202e单", _rows(good), "")]),
        "ok", items=2)
    add("controls_csv_after_4kb", _csv(f("late.csv"), _rows([f"事项{i}" for i in range(120)] + ["尾\x1b[0m项"])),
        "ok", "control_chars", items=121)
    add("nul_csv_after_4kb", _csv(f("nul.csv"), _rows([f"事项{i}" for i in range(120)] + ["尾\x00项"])),
        "ok", "control_chars", items=121)
    # ---- formulas and injection text --------------------------------------------------------------
    formulas = ['=HYPERLINK("http://203.0.113.9/x","点此")', "=cmd|'/c calc'!A1", "+SUM(1,2)", "-2+3", "@SUM(A1)",
                "\t=1+1"]
    add("formula_names_xlsx", raw_xlsx(f("formula.xlsx"), [("清单", _rows(formulas), "")]), "ok", items=6,
        names=[_compact(n) for n in formulas])
    add("formula_names_csv", _csv(f("formula.csv"), _rows(["=1+1", "+1", "@x", "-1"])), "ok", items=4,
        names=["=1+1", "+1", "@x", "-1"])
    add("quoted_formula_csv", _csv(f("quoted.csv"), _rows(["'=1+1", "'引号'"])), "ok", items=2, names=["=1+1", "'引号'"])
    add("markdown_image_name", raw_xlsx(f("md.xlsx"), [("清单", _rows(["![x](http://203.0.113.9/b.png)", "[链接](http://203.0.113.9)"]), "")]),
        "ok", items=2, names=["![x](http://203.0.113.9/b.png)", "[链接](http://203.0.113.9)"])
    add("html_script_name", raw_xlsx(f("html.xlsx"), [("清单", _rows(["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]), "")]),
        "ok", items=2)
    add("cypher_injection_text", raw_xlsx(f("cypher.xlsx"), [("清单", _rows(["x'}) MATCH (n) DETACH DELETE n //", "\" OR 1=1 --"]), "")]),
        "ok", items=2, names=[_compact("x'}) MATCH (n) DETACH DELETE n //"), _compact("\" OR 1=1 --")])
    # ---- sheets: hidden, merged headers ------------------------------------------------------------
    add("hidden_sheet", raw_xlsx(f("hidden.xlsx"), [("清单", _rows(good), ""), ("草稿", _rows(["隐藏事项"]), "hidden")]),
        "ok", "hidden_sheet", items=2)
    add("very_hidden_sheet", raw_xlsx(f("vhidden.xlsx"), [("清单", _rows(good), ""), ("x", _rows(["深藏事项"]), "veryHidden")]),
        "ok", "hidden_sheet", items=2)
    add("only_hidden_sheets", raw_xlsx(f("onlyhidden.xlsx"), [("x", _rows(good), "hidden")]), "error", "hidden_sheet")
    add("merged_header_swallows_serial", raw_xlsx(f("merged.xlsx"), [("清单", [
        ["事项名称", "", "事项类型", "法律依据", "责任主体"],
        ["1", "农村宅基地审批", "行政许可", BASIS, "农业农村办"],
        ["2", "环境卫生整治", "公共服务", "", "环卫所"]], "")], merges=["A1:B1"]),
        "ok", "merged_serial_header", items=2, names=good, check=_no_serial_names)
    add("merged_serial_header_with_title", raw_xlsx(f("merged2.xlsx"), [("清单", [
        ["测试镇履行职责事项清单", "", "", "", ""],
        ["事项名称", "", "事项类型", "法律依据", "责任主体"],
        [3, "农村宅基地审批", "行政许可", BASIS, "农业农村办"],
        [4, "环境卫生整治", "公共服务", "", "环卫所"]], "")], merges=["A1:E1", "A2:B2"]),
        "ok", "merged_serial_header", items=2, names=good, check=_no_serial_names)
    # ---- broken containers ------------------------------------------------------------------------
    add("encrypted_workbook", _encrypted(f("secret.xlsx")), "error", "encrypted")
    add("random_bytes_as_xlsx", _write(f("random.xlsx"), bytes(range(256)) * 8), "error", "not_spreadsheet")
    add("truncated_zip", _write(f("trunc.xlsx"), raw_xlsx(f("whole.tmp"), [("清单", _rows(good), "")]).read_bytes()[:300]),
        "error")
    add("zip_without_workbook", _zip(f("nowb.xlsx")), "error")
    add("empty_file", _write(f("empty.csv"), b""), "error", "empty_file")
    add("whitespace_file", _write(f("blank.csv"), b"  \r\n \r\n"), "error", "empty_file")
    add("header_only", _csv(f("header.csv"), [HEADER]), "error", "no_items")
    add("binary_named_csv", _write(f("bin.csv"), b"\x00\x01\x02\x03" * 500), "error", "not_spreadsheet")
    add("csv_named_xls", _write(f("fake.xls"), "事项名称\n甲\n".encode()), "error", "not_spreadsheet")
    # ---- encodings ---------------------------------------------------------------------------------
    add("utf16le_bom_tab", _csv(f("u16le.txt"), _rows(good), "utf-16-le", codecs.BOM_UTF16_LE, "\t"), "ok", items=2,
        names=good)
    add("utf16be_bom", _csv(f("u16be.csv"), _rows(good), "utf-16-be", codecs.BOM_UTF16_BE), "ok", items=2, names=good)
    add("utf32le_bom", _csv(f("u32.csv"), _rows(good), "utf-32-le", codecs.BOM_UTF32_LE), "ok", items=2, names=good)
    add("double_bom", _csv(f("bom2.csv"), _rows(good), "utf-8", codecs.BOM_UTF8 * 2), "ok", items=2, names=good)
    add("gbk_csv", _csv(f("gbk.csv"), _rows(good), "gbk"), "ok", items=2, names=good)
    add("bad_bytes_row_3", _write(f("badenc.csv"), "序号,事项名称\r\n1,甲\r\n".encode() + b"2,\xff\xfe\xfd\x80\r\n"),
        "error", "bad_encoding", check=_row_is(3))
    add("utf16_without_bom", _write(f("u16nobom.csv"), "\r\n".join(",".join(r) for r in _rows(good)).encode("utf-16-le")),
        "error")
    add("csv_field_over_limit", _csv(f("field.csv"), _rows(["甲", "长" * 40_000])), "error", "cell_too_long",
        check=_row_is(3))
    add("csv_too_many_columns", _csv(f("cols.csv"), [HEADER + [f"列{i}" for i in range(600)], ["1", "甲"]]),
        "error", "too_large")
    add("csv_unclosed_quote", _write(f("quotes.csv"), '序号,事项名称\r\n1,"甲\r\n2,乙\r\n'.encode()), "error",
        "unclosed_quote", check=_row_is(2))
    # ---- absurd names ---------------------------------------------------------------------------------
    add("township_name_too_long", _csv(f("t1.csv"), _rows(good)), "error", township="镇" * 200)
    add("township_name_control", _csv(f("t2.csv"), _rows(good)), "error", township="甲\x1b[31m镇")
    add("township_name_bidi", _csv(f("t3.csv"), _rows(good)), "error", township="甲\u202e镇")
    add("township_name_whitespace", _csv(f("t4.csv"), _rows(good)), "ok", items=2, township=" 测 试 镇 ")
    add("file_name_with_controls", _csv(f("乙\x1b[31m镇清单.csv"), _rows(good)), "error", township=None)
    return cases


def _compact(name: str) -> str:
    return "".join(name.split())  # item names never keep whitespace (graphmodel.normalize.compact)


def _no_serial_names(result) -> None:
    names = [i.name for i in result.tlist.items]
    assert not any(n.strip().isdigit() for n in names), f"序号 values became item names: {names}"


def _row_is(row: int) -> Callable[[object], None]:
    def check(problems) -> None:
        assert any(p.row == row for p in problems), [str(p) for p in problems]
    return check


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    return path


def _encrypted(path: Path) -> Path:
    """What Excel writes for a workbook with an open password: an OLE2 container holding
    EncryptionInfo and EncryptedPackage streams (directory entry names are UTF-16LE)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    names = "".join(n.ljust(32, "\x00") for n in ("Root Entry", "EncryptionInfo", "EncryptedPackage"))
    return _write(path, header + names.encode("utf-16-le") + b"\x00" * 2048)
