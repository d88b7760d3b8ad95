"""Read a 赋权 list (CSV or xlsx: item, document, date) and store it for a township.

The header row is the first row, among the first ten, that names an item column and a
document column (``HEADERS``: 事项名称 / 赋权事项 / 事项 / item; 文件 / 文号 / 赋权文件 /
决定 / document; 日期 / 印发日期 / 发文日期 / date; 事项编码 / 编码 / code; and, optionally,
乡镇 / 乡镇（街道） / township: rows naming another township are left out, blank means every
township). Every bad row is reported at once with its file, sheet, Excel row and column; the
import is all or nothing, and importing the same list again changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from graphmodel import DutyStore, LoadError
from graphmodel.delegation import Delegation
from graphmodel.normalize import compact

from .problems import Problem, column_letter
from .readers import RawSheet, read_file

__all__ = ["HEADERS", "DelegationRead", "import_delegations", "read_delegations"]

#: Column -> header texts (compared without spaces or brackets).
HEADERS: dict[str, tuple[str, ...]] = {
    "item": ("事项名称", "赋权事项", "赋权事项名称", "权力事项名称", "事项", "item"),
    "document": ("文件", "文号", "赋权文件", "赋权文号", "决定", "赋权决定", "依据文件", "document"),
    "date": ("日期", "印发日期", "发文日期", "赋权日期", "date"),
    "code": ("事项编码", "编码", "code"),
    "township": ("乡镇", "乡镇街道", "乡镇（街道）", "承接乡镇", "township"),
}


def _key(text: object) -> str:
    return compact(str(text or "")).replace("（", "").replace("）", "").replace("(", "").replace(")", "").lower()


_LOOKUP = {_key(h): col for col, hs in HEADERS.items() for h in hs}


@dataclass(frozen=True, slots=True)
class DelegationRead:
    """What a 赋权 file gave for one township: the entries and the rows left out (other townships)."""

    entries: tuple[Delegation, ...]
    skipped_other_townships: int


def _header(sheet: RawSheet) -> tuple[int, dict[str, int]] | None:
    for r, row in enumerate(sheet.rows[:10]):
        cols: dict[str, int] = {}
        for c, cell in enumerate(row):
            col = _LOOKUP.get(_key(cell))
            if col and col not in cols:
                cols[col] = c
        if "item" in cols and "document" in cols:
            return r, cols
    return None


def _cell(row: Sequence[object], c: int | None) -> str:
    if c is None or c >= len(row) or row[c] is None:
        return ""
    value = row[c]
    if hasattr(value, "isoformat"):  # a date cell
        return value.isoformat()[:10]
    return str(value).strip()


def read_delegations(path: str | Path, township: str) -> DelegationRead:
    """The 赋权 entries of ``path`` that apply to ``township``; LoadError lists every bad row.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "赋权.csv"
    >>> _ = p.write_text("赋权事项,文号,印发日期,乡镇\\n占道经营行为处罚,X政发〔2024〕3号,2024-05-01,\\n"
    ...                  "河道巡查,X政发〔2024〕3号,2024-05-01,YY镇\\n", encoding="utf-8")
    >>> r = read_delegations(p, "XX镇")
    >>> [(e.item, e.document, e.date) for e in r.entries], r.skipped_other_townships
    ([('占道经营行为处罚', 'X政发〔2024〕3号', '2024-05-01')], 1)
    """
    path = Path(path)
    sheets = read_file(path)
    found = next(((s, h) for s in sheets if (h := _header(s)) is not None), None)
    if found is None:
        names = "、".join(h[0] for h in (HEADERS["item"][:2], HEADERS["document"][:2]))
        problem = Problem(code="no_header", file=path.name,
                          message=f"找不到赋权清单表头：需要事项列（{'/'.join(HEADERS['item'][:3])}）和文件列"
                                  f"（{'/'.join(HEADERS['document'][:3])}）(no header naming an item and a document column)",
                          value=names)
        raise LoadError(str(problem), [problem])
    sheet, (hrow, cols) = found
    header_row = sheet.rows[hrow]
    problems: list[Problem] = []
    entries: list[Delegation] = []
    skipped = 0
    for r in range(hrow + 1, len(sheet.rows)):
        row = sheet.rows[r]
        values = {col: _cell(row, c) for col, c in cols.items()}
        if not any(values.values()):
            continue
        for col, code, zh in (("item", "missing_name", "缺少赋权事项名称 (no item name)"),
                              ("document", "bad_type", "缺少赋权文件或文号 (no document)")):
            if not values.get(col):
                c = cols[col]
                problems.append(Problem(code=code, file=path.name, sheet=sheet.name if len(sheets) > 1 else "",
                                        row=r + 1, column=str(header_row[c] or ""), column_letter=column_letter(c),
                                        message=zh))
        if not values.get("item") or not values.get("document"):
            continue
        town = values.get("township", "")
        if town and compact(town) != compact(township):
            skipped += 1
            continue
        where = f"{path.name} 第{r + 1}行"
        entries.append(Delegation(values["item"], values["document"], values.get("date", ""),
                                  values.get("code", ""), where))
    if problems:
        raise LoadError(f"{path.name}: {len(problems)} 处问题 problems in the 赋权 list; nothing imported\n"
                        + "\n".join(str(p) for p in problems), problems)
    return DelegationRead(tuple(sorted(entries)), skipped)


def import_delegations(store: DutyStore, path: str | Path, township: str, *, editor: str) -> tuple[DelegationRead, bool]:
    """Read ``path`` and replace ``township``'s 赋权 list in ``store``; the bool says whether anything changed."""
    read = read_delegations(path, township)
    changed = store.import_delegations(township, read.entries, editor=editor, file=Path(path).name)
    return read, changed
