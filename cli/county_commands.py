"""`dutygraph compare`: each township's list against the county's reference catalogue."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from graphmodel import InvalidArgument, NotFound
from graphmodel.report import make_report, to_plain
from loaders.xlsx_bytes import reproducible_xlsx
from queries.catalogue import KIND_LABELS, CatalogueDiff, catalogues, compare as compare_lists

from .context import Settings, handle_errors, pass_settings, store_options

__all__ = ["compare", "upgrade", "write_comparison_xlsx"]

HEADERS = ("目录 Catalogue", "类型 Kind", "事项 Item", "目录类别 Catalogue part", "乡镇类别 Township part", "目录牵头 Catalogue lead",
           "乡镇牵头 Township lead", "匹配 Match", "相似度 Score")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _row(d: CatalogueDiff) -> list[object]:
    return [d.catalogue, KIND_LABELS[d.kind], d.name, d.catalogue_part, d.township_part, d.catalogue_leads, d.township_leads,
            d.match, d.score if d.match else ""]


def write_comparison_xlsx(diffs: tuple[CatalogueDiff, ...], path: Path) -> None:
    """One sheet per township. Every text is written as a text cell: a list's 「=HYPERLINK(…)」 stays text."""
    from openpyxl import Workbook  # noqa: PLC0415 - only when an xlsx is written (start-up time)

    wb = Workbook()
    wb.remove(wb.active)
    towns = sorted({d.township for d in diffs})
    used: set[str] = set()
    for town in towns or ["（无差异）"]:
        title = _SHEET_BAD.sub("_", town)[:31] or "_"
        while title in used:
            title = title[:28] + f"~{len(used)}"
        used.add(title)
        ws = wb.create_sheet(title)
        ws.append(list(HEADERS))
        for d in (d for d in diffs if d.township == town):
            ws.append([None] * len(HEADERS))
            for col, value in enumerate(_row(d), start=1):
                cell = ws.cell(row=ws.max_row, column=col)
                cell.value = value
                if isinstance(value, str) and value.startswith(_FORMULA_START):
                    cell.data_type = "s"  # text, never a formula
    data = reproducible_xlsx(wb)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


@click.command("compare")
@click.option("--catalogue", default="", help="目录名称（存储中只有一个目录时可省略）。The catalogue's name (optional when the store holds one).")
@click.option("--township", default=None, help="只比对这个乡镇。Compare one township only (default: every township of the catalogue's county).")
@click.option("--min-score", type=float, default=0.8, show_default=True,
              help="名称相似度下限（代码、名称均未匹配时）。Lowest name similarity for a match by similarity.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "xlsx"]), default="table", show_default=True,
              help="输出格式 Output format; xlsx writes one sheet per township.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="写入文件（xlsx 必需）。Write to this file (required for xlsx).")
@store_options
@pass_settings
@handle_errors
def compare(settings: Settings, catalogue: str, township: str | None, min_score: float, fmt: str,
            output: Path | None) -> None:
    """与通用目录比对：目录事项缺失、乡镇新增、类别不同、牵头部门不同。

    Compare each township's list with the reference catalogue (load it with
    `dutygraph load --catalogue-of 县名 …`): catalogue items missing from the township,
    items the township added, items whose part or lead differs. Items are matched by
    code, then name, then name similarity (shown with its score).
    """
    settings.as_json = fmt == "json"
    if fmt == "xlsx" and output is None:
        raise InvalidArgument("--format xlsx needs --output FILE.xlsx")
    store = settings.store()
    if not catalogues(store):
        raise NotFound("存储中没有目录 no catalogue in the store: load one with "
                       "`dutygraph load FILE --township 县名通用目录 --catalogue-of 县名`")
    diffs = compare_lists(store, catalogue, township, min_score)
    counts = {k: sum(1 for d in diffs if d.kind == k) for k in KIND_LABELS}
    if fmt == "json":
        text = json.dumps(make_report([to_plain(d) for d in diffs], counts=counts), ensure_ascii=False, indent=2)
        if output is None:
            click.echo(text)
        else:
            output.write_text(text, encoding="utf-8")
        return
    if fmt == "xlsx":
        write_comparison_xlsx(diffs, output)
        click.echo(f"已写入 Written: {output} (xlsx)", err=True)
        return
    out = Console(file=sys.stdout, highlight=False, soft_wrap=False)
    summary = "，".join(f"{KIND_LABELS[k]} {n}" for k, n in counts.items())
    table = Table(title=f"与通用目录比对 Catalogue comparison：{summary}", title_justify="left")
    for col in ("乡镇 Township", *HEADERS):
        table.add_column(col, overflow="fold")
    for d in diffs:
        table.add_row(*(escape(str(v)) for v in (d.township, *_row(d))))
    out.print(table)


@click.command("upgrade")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON 报告。Print the JSON report.")
@store_options
@pass_settings
@handle_errors
def upgrade(settings: Settings, as_json: bool) -> None:
    """升级存储：各乡镇的县级部门合并为全县共用节点（含审核记录），可重复运行。

    Upgrade the store to the current layout: each township's county departments become the
    county's shared node, and decisions and rounds follow. A Neo4j database is upgraded when
    opened; this says what moved. An embedded store is rewritten in the current schema (4: a head
    file and one file per township). Safe to run twice: the second run changes nothing.
    """
    from graphmodel.county_upgrade import SCHEMA_VERSION, UpgradeReport  # noqa: PLC0415 - start-up time

    settings.as_json = as_json
    store = settings.store()
    if store.name == "neo4j":
        report = getattr(store, "upgrade_report", None) or UpgradeReport(from_version=SCHEMA_VERSION)
        results = {"store": store.describe(), "from_version": report.from_version, "schema_version": SCHEMA_VERSION,
                   "departments": report.departments, "shared": report.shared, "relations": report.relations,
                   "records": report.records, "counties": report.counties}
    else:
        from graphmodel.store_files import SCHEMA_VERSION as file_schema  # noqa: PLC0415 - 4: a file per township

        with store._writing():  # the file as it is now, under the write lock
            before = getattr(store, "read_schema", file_schema)
            if store.path is not None and store.path.exists() and before < file_schema:
                store.save()
        results = {"store": store.describe(), "from_version": before, "schema_version": file_schema}
    if as_json:
        click.echo(json.dumps(make_report(results), ensure_ascii=False, indent=2))
        return
    target = results["schema_version"]
    if results["from_version"] >= target:
        click.echo(f"存储已是最新（schema {target}）。The store is up to date (schema {target}).")
        return
    click.echo(f"已从 schema {results['from_version'] or '(无版本)'} 升级到 {target}。"
               f"Upgraded from schema {results['from_version'] or '(none)'} to {target}.")
    if "departments" in results:
        click.echo(f"县级部门 {results['departments']} 个合并为共用节点 {results['shared']} 个（{'、'.join(results['counties']) or '—'}），"
                   f"关系 {results['relations']} 条，审核记录 {results['records']} 条。"
                   f"{results['departments']} township copies became {results['shared']} shared county departments; "
                   f"{results['relations']} relations and {results['records']} review records re-keyed.")
