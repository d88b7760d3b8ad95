"""`dutygraph audit`, `query` and `lookup`: boundary findings, single queries and "who handles X?"."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
import pandas as pd
from rich.console import Console
from rich.table import Table

from graphmodel import InvalidArgument
from graphmodel.report import make_report, to_plain
from loaders.formula_safe import csv_cell, text_cells
from queries import GROUPS, KINDS, QUERIES, run_audit, run_query
from queries.audit import AuditResult, resolve_kinds
from queries.frames import findings_frame, lookup_frame, scores_frame, to_frame
from queries.registry import spec_of

from .context import (
    EXIT_FINDINGS,
    Settings,
    handle_errors,
    pass_settings,
    store_options,
)

__all__ = ["audit", "lookup", "query"]

FORMATS = ("table", "json", "csv", "xlsx")
_SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "dim", "info": "cyan"}
_SEVERITY_ZH = {"high": "高 high", "medium": "中 medium", "low": "低 low", "info": "提示 info"}


def _console() -> Console:
    # built per call so that click's CliRunner (which swaps sys.stdout) captures it
    return Console(file=sys.stdout, highlight=False, soft_wrap=False)


def _format_option(f):
    f = click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="写入文件（xlsx 必需）。Write to this file (required for xlsx; default: the terminal).")(f)
    f = click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                     help="输出格式 Output format: table (terminal), json (report), csv, xlsx.")(f)
    return f


def _write_text(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text)
    else:
        output.write_text(text, encoding="utf-8")


def _write_frames(frames: dict[str, pd.DataFrame], fmt: str, output: Path | None) -> None:
    if fmt == "csv":
        first = next(iter(frames.values())).map(csv_cell)  # list text never becomes a formula
        if output is None:
            click.echo(first.to_csv(index=False), nl=False)
        else:
            first.to_csv(output, index=False, encoding="utf-8-sig")  # Excel opens UTF-8 with BOM correctly
        return
    if output is None:
        raise InvalidArgument("--format xlsx needs --output FILE.xlsx")
    with pd.ExcelWriter(output, engine="openpyxl") as writer:
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
        for ws in writer.book.worksheets:
            text_cells(ws)


def _echo_done(output: Path | None, fmt: str) -> None:
    if output is not None:
        click.echo(f"已写入 Written: {output} ({fmt})", err=True)


# ---- audit ---------------------------------------------------------------------------
def _summary_table(result: AuditResult) -> Table:
    scope = result.township or f"全部 all ({len(result.townships)} 个乡镇 townships)"
    table = Table(title=f"边界检查 Audit — {scope}：{result.items} 个事项 items，{len(result.findings)} 条问题 findings",
                  title_justify="left")
    for col, justify in (("类型 Kind", "left"), ("问题 Finding", "left"), ("严重程度 Severity", "left"), ("数量 Count", "right")):
        table.add_column(col, justify=justify, overflow="fold")
    for kind, n in result.counts.items():
        info = KINDS[kind]
        style = _SEVERITY_STYLE[info.severity] if n else "dim"
        table.add_row(kind, info.title, _SEVERITY_ZH[info.severity], str(n), style=style)
    return table


def _findings_table(kind: str, findings: Sequence) -> Table:
    info = KINDS[kind]
    table = Table(title=f"{info.title}（{kind}，{len(findings)}）", title_justify="left", show_lines=False)
    for col in ("乡镇 Township", "对象 Subject", "说明 Message", "来源 Source"):
        table.add_column(col, overflow="fold")
    for f in findings:
        # a finding read from a text may be surer or less sure than its kind (queries._common.TEXT_KINDS)
        message = f.message if f.severity == info.severity else f"（{_SEVERITY_ZH[f.severity]}）{f.message}"
        table.add_row(f.township, f.subject, message, "；".join(i.source for i in f.items))
    return table


def _scores_table(result: AuditResult) -> Table:
    table = Table(title="完整度 Completeness (0–100)", title_justify="left")
    table.add_column("乡镇 Township")
    table.add_column("得分 Score", justify="right")
    table.add_column("说明 Explanation", overflow="fold")
    for s in result.scores:
        table.add_row(s.township, f"{s.score:.1f}", s.explanation)
    return table


def _fail_kinds(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    names = tuple(v.strip() for v in value.split(",") if v.strip())
    resolve_kinds(names)  # raises with the valid names
    return names


@click.command("audit")
@click.option("--township", default=None, help="只检查这个乡镇。Audit one township (default: every list in the store).")
@click.option("--kinds", default="all", show_default=True,
              help="检查哪些问题：分组、类型或严重程度，逗号分隔。Which findings: groups, kind ids or severities, comma-separated.")
@click.option("--fail-on", default=None,
              help=f"出现这些问题时退出码为 {EXIT_FINDINGS}（如 overlaps,gaps,high）。Exit {EXIT_FINDINGS} when any of "
                   f"these groups/kinds/severities is found. Groups: {', '.join(dict.fromkeys(GROUPS.values()))}.")
@_format_option
@store_options
@pass_settings
@handle_errors
def audit(settings: Settings, township: str | None, kinds: str, fail_on: str | None, fmt: str,
          output: Path | None) -> None:
    """检查职责交叉、空白、移交、依据、村（社区）和执法链条，按类型列出问题及证据。

    Run every boundary check (overlaps, gaps, ownership, coverage, handshake, legal
    bases, villages, enforcement chains) and list the findings with their evidence.
    Exit 0, or 3 when a kind named by --fail-on is found.
    """
    settings.as_json = fmt == "json"
    fail = _fail_kinds(fail_on)
    result = run_audit(settings.store(), township, kinds=[k for k in kinds.split(",") if k.strip()])
    if fmt == "json":
        _write_text(json.dumps(result.to_report(), ensure_ascii=False, indent=2), output)
    elif fmt in ("csv", "xlsx"):
        summary = pd.DataFrame([{"类型": k, "问题": KINDS[k].title, "严重程度": KINDS[k].severity, "数量": n}
                                for k, n in result.counts.items()])
        _write_frames({"问题清单": findings_frame(result.findings), "汇总": summary,
                       "完整度": scores_frame(result.scores)}, fmt, output)
    else:
        console = _console() if output is None else Console(file=output.open("w", encoding="utf-8"), width=200)
        console.print(_summary_table(result))
        for kind, found in result.by_kind().items():
            if found:
                console.print(_findings_table(kind, found))
        console.print(_scores_table(result))
        if output is not None:
            console.file.close()
    _echo_done(output, fmt)
    present = result.present(fail) if fail else ()
    if present:
        click.echo(f"发现 --fail-on 所列问题 Found: {', '.join(present)}", err=True)
        sys.exit(EXIT_FINDINGS)


# ---- query ---------------------------------------------------------------------------
def _parse_pairs(pairs: Sequence[str]) -> dict[str, str]:
    out = {}
    for p in pairs:
        if "=" not in p:
            raise InvalidArgument(f"--param takes k=v (got {p!r}), e.g. --param law=土地管理法")
        k, v = p.split("=", 1)
        out[k.strip()] = v
    return out


def _list_table() -> Table:
    table = Table(title="查询 Queries（dutygraph query NAME --param k=v）", title_justify="left")
    for col in ("名称 Name", "说明", "Description", "参数 Parameters"):
        table.add_column(col, overflow="fold")
    for spec in QUERIES.values():
        table.add_row(spec.name, spec.zh, spec.en, spec.usage())
    return table


def _frame_table(title: str, frame: pd.DataFrame, max_rows: int = 200) -> Table:
    table = Table(title=title, title_justify="left")
    for col in frame.columns:
        table.add_column(str(col), overflow="fold")
    for row in frame.head(max_rows).itertuples(index=False):
        table.add_row(*("" if (isinstance(v, float) and pd.isna(v)) else str(v) for v in row))
    if len(frame) > max_rows:
        table.caption = f"… 另有 {len(frame) - max_rows} 行 more rows (use --format csv/xlsx)"
    return table


def _result_rows(result: Any) -> int:
    if isinstance(result, (tuple, list)):
        return len(result)
    return 1 if result is not None else 0


def _emit(name: str, result: Any, fmt: str, output: Path | None) -> None:
    if fmt == "json":
        report = result.to_report() if isinstance(result, AuditResult) else \
            make_report(results=to_plain(result), counts={"rows": _result_rows(result)})
        _write_text(json.dumps(report, ensure_ascii=False, indent=2), output)
    elif fmt in ("csv", "xlsx"):
        _write_frames({name: to_frame(result)}, fmt, output)
    else:
        frame = to_frame(result)
        console = _console()
        if frame.empty:
            console.print(f"{name}: 无结果 no results")
        else:
            console.print(_frame_table(f"{spec_of(name).zh} {name}（{len(frame)}）", frame))
    _echo_done(output, fmt)


@click.command("query")
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="K=V",
              help="查询参数，可重复。Query parameter, repeatable (e.g. -p law=土地管理法 -p article=62).")
@click.option("--township", default=None, help="乡镇（等同 -p township=…）。Township (same as -p township=…).")
@click.option("--list", "list_only", is_flag=True, help="列出全部查询及参数。List every query and its parameters.")
@_format_option
@store_options
@pass_settings
@handle_errors
def query(settings: Settings, name: str | None, params: tuple[str, ...], township: str | None, list_only: bool,
          fmt: str, output: Path | None) -> None:
    """运行单个查询（dutygraph query --list 列出名称）。

    Run one named query over the store and print its result (names: dutygraph query --list).
    """
    settings.as_json = fmt == "json"
    if list_only or not name:
        if fmt == "json":
            click.echo(json.dumps(make_report(results=[{"name": s.name, "zh": s.zh, "en": s.en, "params": s.usage()}
                                                       for s in QUERIES.values()], counts={"queries": len(QUERIES)}),
                                  ensure_ascii=False, indent=2))
        else:
            _console().print(_list_table())
        return
    pairs = _parse_pairs(params)
    if township is not None:
        pairs.setdefault("township", township)
    result = run_query(settings.store(), name, pairs)
    _emit(name, result, fmt, output)


# ---- lookup --------------------------------------------------------------------------
@click.command("lookup")
@click.argument("text")
@click.option("--township", default=None, help="只在这个乡镇查找。Search one township only.")
@click.option("--limit", default=10, show_default=True, help="最多显示几条。At most this many answers.")
@_format_option
@store_options
@pass_settings
@handle_errors
def lookup(settings: Settings, text: str, township: str | None, limit: int, fmt: str, output: Path | None) -> None:
    """谁来办？按名称和内容查找事项，列出牵头、配合部门、村（社区）、时限和依据。

    "Who handles X?": find items by name and content, everyday words translated
    through the synonym table (queries/data/lookup_synonyms.csv), best first, with
    their lead, cooperators, villages, time limit and bases; "没有把握" when unsure.
    """
    settings.as_json = fmt == "json"
    hits = run_query(settings.store(), "lookup", {"text": text, "township": township or "None", "limit": str(limit)})
    if fmt == "table":
        if not hits:
            _console().print(f"没有找到与「{text}」相关的事项。No item matches {text!r}.")
            return
        if not hits[0].confident:
            _console().print("没有把握：下列是最接近的事项，请核对。Not sure: the nearest items follow, check them.")
        frame = lookup_frame(hits)[["相关度", "事项名称", "答复", "牵头部门", "配合部门", "村（社区）", "办理时限", "依据", "来源"]]
        _console().print(_frame_table(f"谁来办「{text}」 Who handles it", frame))
        _echo_done(output, fmt)
        return
    _emit("lookup", hits, fmt, output)
