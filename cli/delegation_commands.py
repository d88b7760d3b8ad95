"""赋权 verbs: import a county's delegation list (CSV/xlsx: item, document, date) for a township, list it."""

from __future__ import annotations

from pathlib import Path

import click

from loaders.delegations import import_delegations

from .context import Settings, handle_errors, pass_settings, store_options
from .review_commands import _emit, _signed_in, _town, editor_option, json_option, township_option

__all__ = ["delegations"]


@click.group("delegations")
def delegations() -> None:
    """赋权清单：导入县（省）赋权决定并查看。Import and show the 赋权 (delegation) list of a township.

    A township-led 行政许可/处罚/强制/征收/检查 item whose cited articles do not empower the
    township is fine when the 赋权 list names it (see docs/audit-output.md, legal authority).
    """


@delegations.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@township_option
@editor_option
@json_option
@store_options
@pass_settings
@handle_errors
def import_(settings: Settings, file: Path, township: str | None, editor_name: str | None, as_json: bool) -> None:
    """导入赋权清单（替换该乡镇原有的）。Replace the township's 赋权 list with FILE's rows (all or nothing)."""
    store = settings.store()
    town = _town(store, township)
    who = _signed_in(settings, editor_name)
    read, changed = import_delegations(store, file, town, editor=who)
    counts = {"entries": len(read.entries), "skipped_other_townships": read.skipped_other_townships,
              "changed": int(changed)}
    _emit(settings, as_json, {"township": town, "file": file.name, "changed": changed}, counts,
          [f"{town}：赋权清单 {len(read.entries)} 项 entries from {file.name}"
           + ("" if changed else "（与已导入的相同，未改动 unchanged）")
           + (f"；其他乡镇的 {read.skipped_other_townships} 行已跳过 rows for other townships skipped"
              if read.skipped_other_townships else "")])


@delegations.command("list")
@township_option
@json_option
@store_options
@pass_settings
@handle_errors
def list_(settings: Settings, township: str | None, as_json: bool) -> None:
    """列出已导入的赋权事项。Show the township's imported 赋权 entries."""
    store = settings.store()
    town = _town(store, township)
    found = store.delegation_list(town)
    entries = found.entries if found else ()
    lines = [f"{town}：{len(entries)} 项赋权 entries"
             + (f"（{found.file}，{found.imported_by} {found.imported_at}）" if found else "")]
    lines += [f"  {e.item}\t{e.document}\t{e.date}" for e in entries]
    _emit(settings, as_json, {"township": town, "entries": [e.to_dict() for e in entries]},
          {"entries": len(entries)}, lines)
