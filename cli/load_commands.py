"""`dutygraph load`, `info` and `export`: lists in and out of the store."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.table import Table

from graphmodel.errors import InvalidArgument, LoadError
from graphmodel.report import make_report
from graphmodel.safe_text import check_township_name, printable

from .context import EXIT_ERROR, Settings, handle_errors, pass_settings, store_options
from .safe_output import check_suffix, write_safely
from .signin import operator

if TYPE_CHECKING:  # loaders is imported by the verbs that read lists, not by `info`
    from loaders import LoadResult, Problem
    from loaders.reading import ReadingReport

__all__ = ["export", "info", "load"]

_SOURCE_ZH = {"option": "--township 参数 option", "title": "标题行 title row", "filename": "文件名 file name"}
_WARNING_ROWS = 30  # warnings listed one by one; the rest are counted by reason


def _console(err: bool = False) -> Console:
    # built per call so that click's CliRunner (which swaps sys.stdout) captures it
    return Console(file=sys.stderr if err else sys.stdout, highlight=False, soft_wrap=False)


def _problem_table(title: str, problems: list[Problem]) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False)
    for col in ("文件 / 工作表 File / sheet", "行 Row", "列 Column", "代码 Code", "说明 Message"):
        table.add_column(col, overflow="fold")
    for p in problems:
        where = " / ".join(x for x in (p.file, p.sheet) if x)
        column = f"{p.column_letter}「{p.column}」" if p.column else p.column_letter
        message = f"{p.message} 〔{p.value}〕" if p.value and p.value not in p.message else p.message
        table.add_row(where, str(p.row or ""), column, p.code, message)
    return table


def _print_problems(console: Console, problems: list[Problem]) -> None:
    errors = [p for p in problems if p.is_error]
    warnings = [p for p in problems if not p.is_error]
    if errors:
        console.print(_problem_table(f"错误 Errors ({len(errors)}) — 未写入 nothing written", errors))
    if warnings:
        console.print(_problem_table(f"警告 Warnings ({len(warnings)})", warnings[:_WARNING_ROWS]))
        if len(warnings) > _WARNING_ROWS:
            by_code = Counter(p.code for p in warnings)
            summary = Table(title="全部警告按原因 All warnings by reason (--json lists every one)", title_justify="left")
            summary.add_column("代码 Code")
            summary.add_column("说明 Message")
            summary.add_column("数量 Count", justify="right")
            for code, n in by_code.most_common():
                summary.add_row(code, next(p.message for p in warnings if p.code == code), str(n))
            console.print(summary)


def _count_table(result: LoadResult) -> Table:
    c = result.counts
    table = Table(title="清单概况 Summary", title_justify="left")
    table.add_column("类别 What")
    table.add_column("数量 Count", justify="right")
    table.add_row("事项 Items", str(c["items"]))
    for part, n in c["parts"].items():
        table.add_row(f"  {part}", str(n))
    table.add_row("部门 Departments", str(c["departments"]))
    table.add_row("村（社区） Villages", str(c["villages"]))
    table.add_row("法律依据 Legal bases", str(c["bases"]))
    table.add_row("关系 Relations", str(sum(c["relations"].values())))
    for rel, n in c["relations"].items():
        table.add_row(f"  {rel}", str(n))
    return table


def _column_map(pairs: tuple[str, ...]) -> dict[str, str]:
    """``('F=lead', '承办机构=lead')`` -> ``{'F': 'lead', '承办机构': 'lead'}``; a bad pair says how to write it."""
    from loaders.headers import FIELDS

    out: dict[str, str] = {}
    for pair in pairs:
        col, sep, field = pair.partition("=")
        field = field.strip()
        if not sep or not col.strip() or not field:
            raise click.BadParameter(f"{pair!r}: 应写成 write it as COL=FIELD, e.g. 'F=lead'", param_hint="--map-column")
        if field not in FIELDS and field not in ("-", "none", "extra"):
            raise click.BadParameter(f"{field!r}: 未知字段 unknown field; use one of {', '.join(FIELDS)} or -",
                                     param_hint="--map-column")
        out[col.strip()] = field
    return out


def _print_reading(reading: ReadingReport) -> None:
    click.echo("读表报告 How the file was read")
    click.echo(printable(reading.to_text()))  # sheet names and cell samples may hold control characters
    click.echo("")


@click.command("load")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--township", default=None, help="乡镇名称（默认取标题行或文件名）Township name (default: from the title row, else the file name).")
@click.option("--each", is_flag=True, help="每个文件是一个乡镇（一次导入全县）。Each FILE is a township of its own (a county in one command).")
@click.option("--county", default="", envvar="DUTYGRAPH_COUNTY",
              help="所属县（区）：县级部门与同县其他乡镇共用一个节点。The township's county (default $DUTYGRAPH_COUNTY): "
                   "its county departments become the county's shared nodes.")
@click.option("--catalogue-of", "catalogue_of", default="",
              help="把清单作为该县或省的通用目录导入（比对用 dutygraph compare）。Load the list as the reference "
                   "catalogue of this county or province (compare townships with it: dutygraph compare).")
@click.option("--check", is_flag=True, help="只检查，不写入存储。Validate and report only; write nothing.")
@click.option("--province", is_flag=True,
              help="全省首次导入空存储（Neo4j 批量写入）。A province's first load into an EMPTY store, by the fast bulk path.")
@click.option("--admin-import", "admin_import", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="与 --province 同用：写出 neo4j-admin 离线导入的 CSV 并打印命令，不写存储。With --province: write "
                   "the CSV files of an offline neo4j-admin import into this folder and print the command "
                   "(Neo4j stopped); nothing is written to the store. See docs/neo4j.md.")
@click.option("--aliases", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="部门别名表 CSV（alias,canonical,level），补充内置表。Extra department alias table.")
@click.option("--synonyms", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="表头同义词 CSV（field,header），补充内置表。Extra header synonyms table.")
@click.option("--map-column", "map_column", multiple=True, metavar="COL=FIELD",
              help="把一列指定为某字段（列名或列字母，如 'F=lead'；'F=-' 不识别）。Map a column (header text or letter) "
                   "to a field, e.g. --map-column 'F=lead' or '承办机构=lead'; '=-' leaves it unmapped. Repeatable.")
@click.option("--part", default=None, help="所有事项的清单类别（基本/配合/收回）。Set the list part of every item.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              help="输出格式。Output format (json = --json).")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON 报告。Print the JSON report instead of tables.")
@click.option("--include-hidden-sheets", is_flag=True,
              help="也读隐藏的工作表（默认跳过并警告）。Also read hidden and very hidden sheets (skipped with a warning by default).")
@click.option("--editor", "editor_name", default=None, envvar="DUTYGRAPH_EDITOR",
              help="编辑人（配置了编辑人时必填；密码取自 $DUTYGRAPH_PASSWORD 或提示输入）。"
                   "Editor signing in (required once editors exist; password from $DUTYGRAPH_PASSWORD or a prompt).")
@store_options
@pass_settings
@handle_errors
def load(settings: Settings, files: tuple[Path, ...], township: str | None, county: str, catalogue_of: str,
         each: bool, check: bool, province: bool, admin_import: Path | None,
         aliases: Path | None, synonyms: Path | None, map_column: tuple[str, ...], part: str | None, fmt: str,
         as_json: bool, include_hidden_sheets: bool, editor_name: str | None) -> None:
    """导入一个乡镇的履行职责事项清单（.xlsx/.xls/.csv，可多个文件）；给出文件夹则导入全县。

    Read one township's duty list (one or more .xlsx/.xls/.csv files), check it,
    print the report and replace that township in the store. Exit 0 when it loads
    (warnings allowed), 1 on errors (then nothing is written). Given folders (or
    --each), load a county: each sub-folder, or each file, is one township; all are
    checked first and written with one save.
    """
    as_json = as_json or fmt == "json"
    if province and not (each or any(f.is_dir() for f in files)):
        raise InvalidArgument("--province loads folders (or --each files) of townships into an empty store")
    if admin_import is not None and not province:
        raise InvalidArgument("--admin-import writes a province's first load: use it with --province")
    if each or any(f.is_dir() for f in files):
        settings.as_json = as_json
        if township is not None or map_column or part or catalogue_of:
            raise InvalidArgument("--township, --map-column, --part and --catalogue-of read one list; "
                                  "a folder or --each loads several")
        who = None if check else operator(settings, editor_name)
        from .county_load import load_county

        return load_county(settings, files, each=each, check=check, aliases=aliases, synonyms=synonyms,
                           as_json=as_json, editor=who or "", county=county, province=province,
                           admin_import=admin_import)
    from loaders import read_list

    settings.as_json = as_json
    out, status = _console(), _console(err=True)
    column_map = _column_map(map_column)
    who = None if check else operator(settings, editor_name)  # before reading: a refused sign-in costs nothing
    try:
        with status.status(f"读取 Reading {len(files)} 个文件 file(s)…"):
            result = read_list(list(files), township=township, aliases=aliases, synonyms=synonyms,
                               column_map=column_map, part=part, county=county, catalogue_of=catalogue_of,
                               include_hidden=include_hidden_sheets or None)
        check_township_name(result.tlist.township.name)
        result.tlist.check()
        if check and _store_name(settings) == "memory":  # --check also asks: would the store take it?
            settings.store().check_capacity(result.tlist.township.name, len(result.tlist.items))
    except LoadError as e:
        reading = getattr(e, "reading", None)
        if as_json:
            results = {"reading": reading.to_dict()} if reading is not None else None
            click.echo(json.dumps(make_report(results, errors=e.problems, error=str(e)), ensure_ascii=False, indent=2))
        else:
            if reading is not None and check:
                _print_reading(reading)
            n = sum(1 for p in e.problems if p.is_error)
            out.print(f"[bold red]错误 Error[/]: {n} 个错误，未写入 ({n} error(s), nothing written)" if n else
                      f"[bold red]错误 Error[/]: {e}", soft_wrap=True)
            _print_problems(out, e.problems)
        sys.exit(EXIT_ERROR)

    done = None
    if not check:
        with status.status("写入存储 Writing to the store…"):
            store = settings.store()
            done = store.replace_township(result.tlist, editor=who or "")
    if as_json:
        results = {"township": result.tlist.township.name, "township_source": result.township_source,
                   "files": list(result.files), "written": done is not None,
                   "import": None if done is None else {"added": done.added, "removed": done.removed,
                                                         "changed": done.changed, "unchanged": done.unchanged},
                   "reading": result.reading.to_dict() if result.reading is not None else None}
        click.echo(json.dumps(make_report(results, result.counts, result.problems), ensure_ascii=False, indent=2))
        return
    if check and result.reading is not None:
        _print_reading(result.reading)
    out.print(f"乡镇 Township: {result.tlist.township.name}（名称来自 from {_SOURCE_ZH[result.township_source]}）",
              soft_wrap=True)
    if result.township_source == "filename":
        out.print("[yellow]提醒 Note[/]: 乡镇名称只能取自文件名，请核对，或用 --township 指定 "
                  "(township named after the file only; check it or pass --township)", soft_wrap=True)
    out.print(_count_table(result))
    _print_problems(out, result.problems)
    if done is None:
        out.print("--check：检查通过，未写入存储。Check passed; nothing written.", soft_wrap=True)
    elif done.unchanged:
        out.print(f"存储中的 {done.township} 与此清单相同，未改动。Unchanged: the store already holds this list.",
                  soft_wrap=True)
    else:
        out.print(f"已写入 Written to {settings.store().describe()}: 新增 added {done.added}，"
                  f"删除 removed {done.removed}，修改 changed {done.changed}。", soft_wrap=True)


def _store_name(settings: Settings) -> str:
    """The backend the command would open (as Settings.store decides), without opening it."""
    return settings.store_name or ("neo4j" if settings.neo4j_uri else None) or os.environ.get("DUTYGRAPH_STORE") or "memory"


def _dict_table(title: str, data: dict[str, int], label: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(label)
    table.add_column("数量 Count", justify="right")
    for k, v in data.items():
        table.add_row(k, str(v))
    if not data:
        table.add_row("—", "0")
    return table


@click.command("info")
@click.option("--township", default=None, help="只统计这个乡镇。Count one township only (default: the whole store).")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON 报告。Print the JSON report instead of tables.")
@store_options
@pass_settings
@handle_errors
def info(settings: Settings, township: str | None, as_json: bool) -> None:
    """存储概况：按节点、关系、清单类别、事项类型计数。

    Counts in the store by node type, relation type, list part and power type.
    """
    settings.as_json = as_json
    quick = _summary(settings) if township is None else None
    if quick is not None:  # the embedded store's file carries its counts at its head
        described, (counts, names) = quick
    else:
        store = settings.store()
        if township is not None:
            from loaders.writers import resolve_township

            resolve_township(store, township)  # NotFound with the names the store holds
        counts = store.counts(township)
        names = [t.name for t in store.townships()]
        described = store.describe()
    if as_json:
        results = {"store": described, "townships": names, "township": township}
        click.echo(json.dumps(make_report(results, counts), ensure_ascii=False, indent=2))
        return
    out = _console()
    out.print(f"存储 Store: {described}")
    out.print(f"乡镇 Townships: {'、'.join(names) or '—'}" + (f"（统计 counting: {township}）" if township else ""))
    out.print(_dict_table("节点 Nodes", counts.nodes, "类型 Node type"))
    out.print(_dict_table("关系 Relations", counts.relations, "类型 Relation type"))
    out.print(_dict_table("清单类别 List parts", counts.parts, "类别 Part"))
    out.print(_dict_table("事项类型 Power types", counts.power_types, "类型 Power type"))


def _summary(settings: Settings):
    """(description, (counts, townships)) of an embedded store from its file's head, without
    networkx or reading the graph (graphmodel.store_summary); None when it must be opened."""
    from graphmodel.store import default_data_dir
    from graphmodel.store_summary import STORE_FILE, read_summary

    if _store_name(settings) != "memory" or settings._store is not None:
        return None
    path = Path(settings.data_dir if settings.data_dir is not None else default_data_dir()) / STORE_FILE
    found = read_summary(path)
    return None if found is None else (f"memory ({path})", found)


@click.command("export")
@click.option("--township", default=None, help="要导出的乡镇（存储中只有一个时可省略）。Township to export (optional if the store holds one).")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default=None,
              help="文件格式（默认按扩展名）。File format (default: from the output suffix, else xlsx).")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="输出文件路径。Output file path (csv also writes a 村（社区）名册 file beside it).")
@click.option("--clarified", is_flag=True, help="明确后的清单（默认；配合 --round N 导出某一轮）。The clarified list (the default).")
@click.option("--round", "round_number", type=int, default=None, help="导出第 N 轮的清单。The list as it was in round N.")
@click.option("--minutes", "minutes", default=None, metavar="MEETING",
              help="导出会议纪要（.docx 或 .md）。Minutes of a meeting (M1 …) as .docx or .md.")
@click.option("--audit", "audit_report", is_flag=True, help="导出审计报告 xlsx（问题、完整度、链条）。The audit report as xlsx.")
@click.option("--force", is_flag=True, help="覆盖已存在的文件。Replace existing files.")
@store_options
@pass_settings
@handle_errors
def export(settings: Settings, township: str | None, fmt: str | None, output: Path, clarified: bool,
           round_number: int | None, minutes: str | None, audit_report: bool, force: bool) -> None:
    """把存储中一个乡镇的清单导出为 Excel 或 CSV（可再次导入）；或导出会议纪要、审计报告。

    Export one township's list from the store to .xlsx (one sheet per list part) or
    CSV (UTF-8 with BOM); importing the export again gives the same graph. With
    --minutes MEETING: the meeting's minutes (.docx/.md); with --audit: the audit report.
    Never writes over the store's files or through a link, nor over an existing file
    without --force; cells that look like formulas are written as text.
    """
    if minutes:
        kind = "minutes"
    elif audit_report:
        kind = "audit"
    else:
        kind = fmt or {".xlsx": "xlsx", ".csv": "csv"}.get(output.suffix.lower(), "xlsx")
    check_suffix(output, kind)  # before the store is opened: a wrong name costs nothing
    from .review_commands import export_review  # pandas, openpyxl, queries: imported only for export

    store = settings.store()
    written = write_safely(
        output, lambda tmp: export_review(store, township, tmp, minutes=minutes, audit=audit_report,
                                          round=round_number, fmt=fmt),
        force=force, data_dir=settings.data_dir)
    for path in written:
        click.echo(f"已导出 Written: {path}")
