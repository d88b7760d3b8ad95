"""``read_list``: one township's duty list, from one or more files, checked and ready to store."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from graphmodel.errors import LoadError
from graphmodel.gc_pause import gc_paused
from graphmodel.model import TownshipList
from graphmodel.normalize import compact

from .build import build_township
from .departments import AliasTable, load_aliases
from .headers import SynonymTable, header_key, load_synonyms
from .problems import Problem, sort_problems
from .reading import DeptMerge, ReadingReport, read_report
from .readers import read_file
from .sheets import ParsedSheet, ReadOptions, parse_sheet
from .values import county_and_township, part_of, township_from_filename

__all__ = ["LoadResult", "read_list"]

PathLike = str | Path


@dataclass(frozen=True, slots=True)
class LoadResult:
    """A list read without errors: the graph records, the warnings, and where the name came from."""

    tlist: TownshipList
    problems: list[Problem] = field(default_factory=list)
    township_source: str = "option"  # 'option' | 'title' | 'filename'
    files: tuple[str, ...] = ()
    reading: ReadingReport | None = None  # how the list was read (header, columns, parts, fills …)

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


def _raise(problems: list[Problem], reading: ReadingReport | None = None) -> None:
    problems = sort_problems(problems)
    errors = [p for p in problems if p.is_error]
    first = errors[0]
    error = LoadError(f"{len(errors)} 个错误，未导入 ({len(errors)} error(s), nothing imported); 第一个 first: {first}",
                      problems)
    if reading is not None:
        reading.problems = problems
    error.reading = reading  # the CLI and the 导入 page show how the file was read, errors or not
    raise error


def _read_sheets(paths: list[Path], table: SynonymTable, options: ReadOptions,
                 skipped: list[ParsedSheet] | None = None, include_hidden: bool | None = None
                 ) -> tuple[list[ParsedSheet], list[Problem]]:
    """Every sheet with a header; file-level problems (unreadable, no header) stop the import."""
    sheets: list[ParsedSheet] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            raw_sheets = read_file(path, include_hidden=include_hidden)
        except LoadError as e:
            problems.extend(e.problems)
            continue
        problems.extend(p for raw in raw_sheets for p in raw.problems)  # reading's warnings (controls, hidden sheets)
        found = []
        for raw in raw_sheets:
            parsed = parse_sheet(raw, table, options)
            if parsed.header is not None:
                found.append(parsed)
            elif any(any(str(c).strip() for c in row if c is not None) for row in raw.rows):
                problems.append(Problem(code="sheet_skipped", file=path.name, sheet=raw.name))
                if skipped is not None:
                    skipped.append(parsed)
        if not found:
            names = "、".join(f"「{s.name}」" for s in raw_sheets)
            problems.append(Problem(code="no_header", file=path.name, message=(
                f"找不到表头：前15行中没有一行含“事项名称”或“村（社区）名称”列；工作表：{names}；"
                f"可用 --synonyms 补充表头同义词 (no header row with an item-name column in sheets {names}; "
                f"add header synonyms with --synonyms)")))
        sheets.extend(found)
    return sheets, problems


def _township(paths: list[Path], sheets: list[ParsedSheet],
              township: str | None) -> tuple[str, str, str, list[Problem]]:
    """``(name, source, detail, problems)``: detail is the title row or the file name it came from."""
    if township and compact(township):
        return compact(township), "option", "--township", []
    titled = {s.file: s.township for s in sheets if s.township}
    named = sorted(set(titled.values()))
    source = "title"
    detail = next((s.title for s in sheets if s.township == named[0]), "") if named else ""
    problems: list[Problem] = []
    if not named:
        named = sorted({township_from_filename(p) for p in paths})
        source = "filename"
        detail = "、".join(p.name for p in paths)
        # said on the reading report's first line (not a row problem: it names no cell)
    if len(named) > 1:
        return named[0], source, detail, [Problem(code="township_mismatch", file=paths[0].name, value="、".join(named),
                                                  message=(
            f"这些文件写的乡镇不一致：{'、'.join(named)}；请用 --township 指定 "
            f"(the files name different townships; pass --township)"))]
    return named[0], source, detail, problems


def _county_from_title(sheets: list[ParsedSheet]) -> tuple[str, ParsedSheet | None]:
    """The county a title row names before the township ("东河县甲镇履行职责事项清单" → 东河县), and its sheet."""
    for s in sheets:
        if s.township:
            county, _ = county_and_township(s.township)
            if county:
                return county, s
    return "", None


def _county(reading: ReadingReport, county: str, catalogue_of: str, title_county: str,
            titled: ParsedSheet | None) -> tuple[str, list[Problem]]:
    """The township's county: --county, else the title row's, else the catalogue's scope; said in the
    reading report. A title naming another county than --county is a warning at the title row."""
    problems: list[Problem] = []
    county = compact(county)
    if county:
        reading.county, reading.county_source = county, "option"
        if title_county and title_county != county and titled is not None:
            problems.append(Problem(code="county_mismatch", file=titled.file, sheet=titled.name, row=titled.title_row,
                                    value=titled.title, message=(
                f"标题行写的是「{title_county}」，--county 是「{county}」；按 --county 导入 "
                f"(the title row names {title_county}, --county says {county}; imported under --county)")))
    elif title_county and titled is not None:
        reading.county, reading.county_source, reading.county_detail = title_county, "title", titled.title
    elif catalogue_of:
        reading.county, reading.county_source = catalogue_of, "catalogue"
    return reading.county, problems


def _check_column_map(options: ReadOptions, sheets: list[ParsedSheet]) -> None:
    """A --map-column naming no column of any sheet is a typo: say which columns there are."""
    seen = {c.letter for s in sheets for c in s.header.columns} | {
        header_key(c.header) for s in sheets for c in s.header.columns}
    for col in options.column_map:
        if col.upper() not in seen and header_key(col) not in seen:
            headers = "、".join(dict.fromkeys(f"{c.letter}「{c.header}」" for s in sheets for c in s.header.columns))
            raise LoadError(f"--map-column {col!r}: 没有这一列 no such column; 列 columns: {headers}", [])


def read_list(
    paths: PathLike | Iterable[PathLike],
    township: str | None = None,
    aliases: PathLike | AliasTable | None = None,
    synonyms: PathLike | SynonymTable | None = None,
    column_map: dict[str, str] | None = None,
    part: str | None = None,
    county: str = "",
    catalogue_of: str = "",
    include_hidden: bool | None = None,
) -> LoadResult:
    """Read one township's duty list from one or more .xlsx/.xls/.csv files.

    Several files (say one CSV per list part plus a village register) combine into one
    list. The township is ``township`` if given, else the title row
    ("XX镇履行职责事项清单…"), else the file name. ``aliases`` and ``synonyms`` are extra
    CSV tables (or loaded tables) added to the bundled ones. ``column_map`` maps a column
    (its header text or Excel letter) to a field (``-`` leaves it unmapped); ``part`` sets
    the list part of every item; ``county`` names the township's county, whose departments
    the township then shares with the county's other townships; ``catalogue_of`` marks the list
    as the reference catalogue of that county or province; ``include_hidden`` reads hidden sheets too
    (default: ``$DUTYGRAPH_INCLUDE_HIDDEN_SHEETS``, else skipped with a warning). The result's
    ``reading`` tells how the list was read.

    Raises :class:`graphmodel.errors.LoadError` whose ``problems`` hold every error
    (and the warnings) found; a file that cannot be read or has no header stops the
    import before its rows are read.
    """
    # a burst of small records, none of them garbage yet, kept by the store they go into (graphmodel.gc_pause)
    with gc_paused(kept=True):
        return _read_list(paths, township, aliases, synonyms, column_map, part, county, catalogue_of, include_hidden)


def _read_list(paths: PathLike | Iterable[PathLike], township: str | None, aliases: PathLike | AliasTable | None,
               synonyms: PathLike | SynonymTable | None, column_map: dict[str, str] | None, part: str | None,
               county: str, catalogue_of: str, include_hidden: bool | None) -> LoadResult:
    files = _as_paths(paths)
    if not files:
        raise LoadError("没有给出文件 (no files given)", [])
    table = synonyms if isinstance(synonyms, SynonymTable) else load_synonyms(synonyms)
    alias_table = aliases if isinstance(aliases, AliasTable) else load_aliases(aliases)

    if part is not None and part_of(part) is None:
        raise LoadError(f"未知清单类别 unknown part {part!r}; use 基本 / 配合 / 收回", [])
    options = ReadOptions(dict(column_map or {}), part_of(part) if part else None)
    skipped: list[ParsedSheet] = []
    sheets, problems = _read_sheets(files, table, options, skipped, include_hidden)
    _check_column_map(options, sheets)
    name, source, detail, found = _township(files, sheets, township) if sheets else ("", "filename", "", [])
    title_county, titled = _county_from_title(sheets)
    if source == "title" and title_county:
        name = county_and_township(name)[1]  # "东河县甲镇…清单": the township is 甲镇, in 东河县
    reading, unmapped = read_report(name, source, detail, sheets + skipped, alias_table)
    county, county_problems = _county(reading, county, catalogue_of, title_county, titled)
    found = found + county_problems
    if any(p.is_error for p in problems):
        _raise(problems, reading)
    if any(p.is_error for p in found):
        _raise(problems + found, reading)
    problems += found + unmapped
    rows = [row for s in sheets for row in s.items]
    villages = [v for s in sheets for v in s.villages]
    if not rows:
        # A list of nothing would replace the township's list with an empty one.
        _raise(problems + [Problem(code="no_items", file=files[0].name, sheet=sheets[0].name if sheets else "")],
               reading)
    for s in sheets:
        problems.extend(s.problems)
    stats: dict = {}
    tlist, built = build_township(name, rows, villages, alias_table, sources=[p.name for p in files],
                                   county=county, stats=stats)
    if catalogue_of:
        tlist.township = replace(tlist.township, catalogue_of=catalogue_of)
    reading.village_groups = stats.get("village_groups", 0)
    reading.same_duty = stats.get("same_duty", 0)
    reading.merges_applied = [DeptMerge(*m) for m in stats.get("merges_applied", ())]
    reading.merges_suggested = [DeptMerge(*m) for m in stats.get("merges_suggested", ())]
    for m in reading.merges_suggested:
        problems.append(Problem(code="department_merge_suggested", file=files[0].name, value="、".join(m.names),
                                message=(f"「{'」「'.join(m.names)}」可能是同一部门（{m.rule}）；如是，请在别名表中写成 {m.into} "
                                         f"(probably one body; if so, map them to {m.into} in your alias file)")))
    problems = sort_problems(problems + built)
    reading.problems = problems
    if any(p.is_error for p in problems):
        _raise(problems, reading)
    return LoadResult(tlist, problems, source, tuple(p.name for p in files), reading)
