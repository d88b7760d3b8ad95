"""`dutygraph load DIR …` / `load --each FILE …`: a county's lists in one command, one save.

Which files make one township: every sub-folder of a DIR that holds list files is one
township (its files together, as ``dutygraph generate`` writes them); every list file
directly in a DIR is a township of its own, and so is every FILE with ``--each``. All
lists are read and checked first; if any has an error, every problem of every list is
shown and nothing is written. Then they are written in one ``store.bulk()``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.table import Table

from graphmodel.errors import InvalidArgument, LoadError
from graphmodel.report import make_report
from graphmodel.safe_text import check_township_name

from .context import EXIT_ERROR, Settings

__all__ = ["LIST_SUFFIXES", "load_county", "township_units"]

LIST_SUFFIXES = (".xlsx", ".xls", ".csv")


def _list_files(folder: Path) -> list[Path]:
    # ~$… are Excel's lock files; dot files are hidden.
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in LIST_SUFFIXES
                  and not p.name.startswith(("~$", ".")))


def township_units(paths: tuple[Path, ...], each: bool) -> list[list[Path]]:
    """The files of each township, in the order given (folders sorted by name)."""
    units: list[list[Path]] = []
    for path in paths:
        if path.is_dir():
            for sub in sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith(".")):
                files = _list_files(sub)
                if files:
                    units.append(files)
            units.extend([f] for f in _list_files(path))
        elif each:
            units.append([path])
        else:
            raise InvalidArgument(f"{path} is a file: give folders, or files with --each (one township per file)")
    if not units:
        raise InvalidArgument(f"no .xlsx/.xls/.csv lists found in {', '.join(map(str, paths))}")
    return units


def load_county(settings: Settings, paths: tuple[Path, ...], *, each: bool, check: bool, aliases, synonyms,
                as_json: bool, editor: str = "", county: str = "", province: bool = False,
                admin_import: Path | None = None) -> None:
    from loaders import load_aliases, load_synonyms, read_list

    from .load_commands import _console, _print_problems

    settings.as_json = as_json
    units = township_units(paths, each)
    alias_table, synonym_table = load_aliases(aliases), load_synonyms(synonyms)
    out, status = _console(), _console(err=True)
    results, problems, failed = [], [], 0
    with status.status(f"读取 Reading {len(units)} 个乡镇 townships…"):
        for files in units:
            try:
                results.append(read_list(files, aliases=alias_table, synonyms=synonym_table, county=county))
                check_township_name(results[-1].tlist.township.name)
                problems.extend(results[-1].problems)
            except LoadError as e:
                failed += 1
                problems.extend(e.problems or [])
                if not e.problems:
                    raise
    names = [r.tlist.township.name for r in results]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice and not failed:
        raise InvalidArgument(f"两个清单属于同一乡镇 (two lists name the same township): {'、'.join(twice)}; "
                              "put a township's files in one folder")
    if failed:
        n = sum(1 for p in problems if p.is_error)
        if as_json:
            click.echo(json.dumps(make_report(errors=problems, error=f"{failed} of {len(units)} lists have errors"),
                                  ensure_ascii=False, indent=2))
        else:
            out.print(f"[bold red]错误 Error[/]: {failed} 个清单有 {n} 个错误，未写入 "
                      f"({failed} of {len(units)} lists have {n} error(s), nothing written)", soft_wrap=True)
            _print_problems(out, problems)
        sys.exit(EXIT_ERROR)

    done = []
    command = ""
    if not check and admin_import is not None:  # the CSV files and the command; the store is not opened
        from graphmodel.neo4j_import_csv import admin_command, printable, results as planned, write_import_csv

        with status.status(f"写出 Writing the import of {len(results)} townships…"):
            done = planned(write_import_csv([r.tlist for r in results], admin_import, editor=editor))
        command = printable(admin_command(admin_import), admin_import.resolve())
    elif not check:
        store = settings.store()
        if province:  # an empty store's first load by the backend's fastest path (Neo4j: batched CREATE)
            with status.status(f"批量写入 Bulk-loading {len(results)} townships…"):
                done = store.bulk_load([r.tlist for r in results], editor=editor)
        else:
            with status.status(f"写入存储 Writing {len(results)} townships…"), store.bulk():
                done = [store.replace_township(r.tlist, editor=editor) for r in results]
    rows = [{"township": r.tlist.township.name, "files": list(r.files), "items": r.counts["items"],
             "import": None if not done else {"added": d.added, "removed": d.removed, "changed": d.changed,
                                              "unchanged": d.unchanged}}
            for r, d in zip(results, done or [None] * len(results), strict=True)]
    counts = {"townships": len(results), "items": sum(r.counts["items"] for r in results)}
    if as_json:
        body = {"written": bool(done) and not command, "townships": rows}
        if command:
            body["admin_import"] = {"folder": str(admin_import), "command": command}
        click.echo(json.dumps(make_report(body, counts, problems), ensure_ascii=False, indent=2))
        return
    table = Table(title=f"乡镇 Townships ({len(rows)})", title_justify="left")
    for col in ("乡镇 Township", "文件 Files", "事项 Items", "新增 Added", "删除 Removed", "修改 Changed"):
        table.add_column(col)
    for row in rows:
        imp = row["import"] or {}
        table.add_row(row["township"], str(len(row["files"])), str(row["items"]),
                      *(str(imp.get(k, "—")) for k in ("added", "removed", "changed")))
    out.print(table)
    _print_problems(out, problems)
    if command:
        out.print(f"已写出 Wrote the import of {len(rows)} 个乡镇 townships, {counts['items']} 个事项 items to "
                  f"{admin_import}. 停止 Neo4j 后运行 With Neo4j stopped, run (it replaces the database):",
                  soft_wrap=True)
        out.print(command, soft_wrap=True, markup=False, highlight=False)
        out.print("然后启动 Neo4j 并运行 Then start Neo4j and run `dutygraph info` (the first open builds the "
                  "indexes and finishes the import).", soft_wrap=True, markup=False)
    elif not done:
        out.print(f"--check：{len(rows)} 个清单检查通过，未写入存储。Check passed; nothing written.", soft_wrap=True)
    else:
        out.print(f"已写入 Written to {settings.store().describe()}: {len(rows)} 个乡镇 townships, "
                  f"{counts['items']} 个事项 items.", soft_wrap=True)
