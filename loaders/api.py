"""``read_list``: one township's duty list, from one or more files, checked and ready to store."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from graphmodel.errors import LoadError
from graphmodel.model import TownshipList
from graphmodel.normalize import compact

from .build import build_township
from .departments import AliasTable, load_aliases
from .headers import SynonymTable, load_synonyms
from .problems import Problem, sort_problems
from .readers import read_file
from .sheets import ParsedSheet, parse_sheet
from .values import township_from_filename

__all__ = ["LoadResult", "read_list"]

PathLike = str | Path


@dataclass(frozen=True, slots=True)
class LoadResult:
    """A list read without errors: the graph records, the warnings, and where the name came from."""

    tlist: TownshipList
    problems: list[Problem] = field(default_factory=list)
    township_source: str = "option"  # 'option' | 'title' | 'filename'
    files: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def counts(self) -> dict:
        """Items by list part, departments, villages, bases, relations by type, problems by severity."""
        t = self.tlist
        return {
            "township": t.township.name,
            "township_source": self.township_source,
            "items": len(t.items),
            "parts": dict(sorted(Counter(i.part for i in t.items).items())),
            "departments": len(t.departments),
            "villages": len(t.villages),
            "bases": len(t.bases),
            "relations": dict(sorted(Counter(r.type for r in t.relations).items())),
            "errors": sum(1 for p in self.problems if p.is_error),
            "warnings": sum(1 for p in self.problems if not p.is_error),
        }


def _as_paths(paths: PathLike | Iterable[PathLike]) -> list[Path]:
    if isinstance(paths, (str, Path)):
        return [Path(paths)]
    return [Path(p) for p in paths]


def _raise(problems: list[Problem]) -> None:
    problems = sort_problems(problems)
    errors = [p for p in problems if p.is_error]
    first = errors[0]
    raise LoadError(f"{len(errors)} 个错误，未导入 ({len(errors)} error(s), nothing imported); 第一个 first: {first}",
                    problems)


def _read_sheets(paths: list[Path], table: SynonymTable) -> tuple[list[ParsedSheet], list[Problem]]:
    """Every sheet with a header; file-level problems (unreadable, no header) stop the import."""
    sheets: list[ParsedSheet] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            raw_sheets = read_file(path)
        except LoadError as e:
            problems.extend(e.problems)
            continue
        problems.extend(p for raw in raw_sheets for p in raw.problems)  # reading's warnings (controls, hidden sheets)
        found = []
        for raw in raw_sheets:
            parsed = parse_sheet(raw, table)
            if parsed.header is not None:
                found.append(parsed)
            elif any(any(str(c).strip() for c in row if c is not None) for row in raw.rows):
                problems.append(Problem(code="sheet_skipped", file=path.name, sheet=raw.name))
        if not found:
            names = "、".join(f"「{s.name}」" for s in raw_sheets)
            problems.append(Problem(code="no_header", file=path.name, message=(
                f"找不到表头：前15行中没有一行含“事项名称”或“村（社区）名称”列；工作表：{names}；"
                f"可用 --synonyms 补充表头同义词 (no header row with an item-name column in sheets {names}; "
                f"add header synonyms with --synonyms)")))
        sheets.extend(found)
    return sheets, problems


def _township(paths: list[Path], sheets: list[ParsedSheet], township: str | None) -> tuple[str, str, list[Problem]]:
    if township and compact(township):
        return compact(township), "option", []
    titled = {s.file: s.township for s in sheets if s.township}
    named = sorted(set(titled.values()))
    source = "title"
    if not named:
        named = sorted({township_from_filename(p) for p in paths})
        source = "filename"
    if len(named) > 1:
        return named[0], source, [Problem(code="township_mismatch", file=paths[0].name, value="、".join(named), message=(
            f"这些文件写的乡镇不一致：{'、'.join(named)}；请用 --township 指定 "
            f"(the files name different townships; pass --township)"))]
    return named[0], source, []


def read_list(
    paths: PathLike | Iterable[PathLike],
    township: str | None = None,
    aliases: PathLike | AliasTable | None = None,
    synonyms: PathLike | SynonymTable | None = None,
) -> LoadResult:
    """Read one township's duty list from one or more .xlsx/.xls/.csv files.

    Several files (say one CSV per list part plus a village register) combine into one
    list. The township is ``township`` if given, else the title row
    ("XX镇履行职责事项清单…"), else the file name. ``aliases`` and ``synonyms`` are extra
    CSV tables (or loaded tables) added to the bundled ones.

    Raises :class:`graphmodel.errors.LoadError` whose ``problems`` hold every error
    (and the warnings) found; a file that cannot be read or has no header stops the
    import before its rows are read.
    """
    files = _as_paths(paths)
    if not files:
        raise LoadError("没有给出文件 (no files given)", [])
    table = synonyms if isinstance(synonyms, SynonymTable) else load_synonyms(synonyms)
    alias_table = aliases if isinstance(aliases, AliasTable) else load_aliases(aliases)

    sheets, problems = _read_sheets(files, table)
    if any(p.is_error for p in problems):
        _raise(problems)
    name, source, mismatch = _township(files, sheets, township)
    if mismatch:
        _raise(problems + mismatch)
    rows = [row for s in sheets for row in s.items]
    villages = [v for s in sheets for v in s.villages]
    if not rows:
        # A list of nothing would replace the township's list with an empty one.
        _raise(problems + [Problem(code="no_items", file=files[0].name, sheet=sheets[0].name if sheets else "")])
    for s in sheets:
        problems.extend(s.problems)
    tlist, built = build_township(name, rows, villages, alias_table, sources=[p.name for p in files])
    problems = sort_problems(problems + built)
    if any(p.is_error for p in problems):
        _raise(problems)
    return LoadResult(tlist, problems, source, tuple(p.name for p in files))
