"""Item rows and village rows -> one TownshipList, with every problem found along the way.

Keys come from :mod:`graphmodel.normalize`, so importing the same list twice gives
the same nodes and relations. Problems are collected, never raised here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from operator import itemgetter
from typing import Any

from graphmodel.model import (
    Department, DutyItem, LegalBasis, Relation, Township, TownshipList, Village, county_dept_key,
    share_county_departments,
)
from graphmodel.normalize import (
    basis_key,
    compact,
    dept_key,
    int_to_chinese,
    item_key,
    parse_basis,
    split_multi,
    township_key,
    village_key,
)
from graphmodel.vocab import DeptLevel, RelType

from .departments import AliasTable, DeptName, split_parties, split_short_name
from .headers import FIELDS
from .problems import Problem
from .reconcile import MergePlan, plan_merges
from .sheets import ItemRow, VillageRow
from .values import (
    is_placeholder,
    is_village_group,
    map_power_type,
    names_all_villages,
    village_kind,
    villages_as_party,
)

__all__ = ["build_township", "citation_text"]

# Excel keeps 15 significant digits; a longer code stored as a number has lost digits.
_EXCEL_DIGITS = 10**15

# field of the item -> field of the row (texts kept as written, cleaned)
_TEXT_FIELDS = {
    "category": "category", "content": "content", "procedure": "procedure", "time_limit": "time_limit",
    "village_text": "village_text", "upper_duty": "upper_duty", "township_duty": "township_duty",
    "receiving_dept": "receiving_dept", "work_mode": "work_mode", "basis_text": "basis",
    "responsibility": "responsibility", "accountability": "accountability", "note": "note",
}
_SOURCE_FIELDS = ("source_file", "source_sheet", "source_row")
#: the row fields of DutyItem's text fields, in the dataclass's order (add_item builds items positionally)
_TEXT_SOURCES = tuple(_TEXT_FIELDS.values())
_ITEM_FIELDS = ("key", "township", "name", "code", "sub_item", "part", "power_type", "power_type_raw",
                *tuple(_TEXT_FIELDS)[:4], "lead_text", "cooperate_text", *tuple(_TEXT_FIELDS)[4:], "extra", "filled",
                "village_groups", "same_duty", *_SOURCE_FIELDS)
if tuple(f.name for f in fields(DutyItem)) != _ITEM_FIELDS:  # a field added or moved in graphmodel.model
    raise ImportError("loaders.build: DutyItem's fields changed; update _ITEM_FIELDS and add_item's positional call")
if tuple(f.name for f in fields(Relation)) != ("src", "type", "dst", "text"):
    raise ImportError("loaders.build: Relation's fields changed; update _relation")
_DEPT_FIELDS = ("lead", "cooperate", "upper_dept", "township_office", "receiving_dept")
#: Fields a "由上方填入" column (written by the export) may name.
_FILLABLE = frozenset(FIELDS) - {"filled", "seq", "village_name", "village_kind"}


def citation_text(title: str, article: int, paragraph: int = 0, item: int = 0) -> str:
    """The citation on a BASED_ON relation: the title as cited, 条 / 款 / 项 in Chinese numerals.

    >>> citation_text("中华人民共和国土地管理法", 62), citation_text("村庄规划条例", 0), citation_text("消防法", 31, 2, 3)
    ('《中华人民共和国土地管理法》第六十二条', '《村庄规划条例》', '《消防法》第三十一条第二款第三项')
    """
    text = f"《{title}》第{int_to_chinese(article)}条" if article else f"《{title}》"
    return text + (f"第{int_to_chinese(paragraph)}款" if paragraph else "") + (f"第{int_to_chinese(item)}项" if item else "")


#: Order of the parts when one item is listed in several: the first keeps the plain key.
_PART_ORDER = ("基本履职事项", "配合履职事项", "上级部门收回事项", "未分类")


def _part_rank(part: str) -> int:
    return _PART_ORDER.index(part) if part in _PART_ORDER else len(_PART_ORDER)


_SPACES = re.compile(r"\s+")
# relation types as the plain strings a Relation holds (RelType.x.value looked up per relation cost 50k enum reads a county)
_LEADS, _COOPERATES = RelType.LEADS.value, RelType.COOPERATES_ON.value
_ASSISTS, _BASED_ON, _FOLLOWED_BY = RelType.ASSISTS.value, RelType.BASED_ON.value, RelType.FOLLOWED_BY.value
#: (field, relation, item text of the relation) of the department columns, in reading order
_PARTY_FIELDS = (("lead", _LEADS, "upper_duty"), ("upper_dept", _LEADS, "upper_duty"),
                 ("receiving_dept", _LEADS, "work_mode"), ("cooperate", _COOPERATES, "township_duty"),
                 ("township_office", _COOPERATES, "township_duty"))


def _slot_filler(cls: type, names: tuple[str, ...]) -> Callable[..., Any]:
    """A maker of ``cls`` from its fields in ``names`` order, written straight into the slots.

    A frozen dataclass's ``__init__`` goes through ``object.__setattr__`` per field, which looks
    the slot up again each time: 7.5 µs for a DutyItem of 30 fields, 1.4 µs for a Relation with its
    type check (9,000 items and 45,000 relations a county). Calling each slot's own setter costs
    about half. Only for records this module fills from values it has already checked; the
    made object is the one ``cls(*values)`` makes (bench/load_identity.py compares them).
    """
    setters = {f"_set_{i}": getattr(cls, n).__set__ for i, n in enumerate(names)}
    args = ", ".join(f"a{i}" for i in range(len(names)))
    body = "".join(f"\n    _set_{i}(o, a{i})" for i in range(len(names)))
    scope = {"_new": object.__new__, "_cls": cls, **setters}
    exec(f"def make({args}):\n    o = _new(_cls){body}\n    return o", scope)  # noqa: S102 - our own names only
    return scope["make"]


_first = itemgetter(0)
_relation = _slot_filler(Relation, ("src", "type", "dst", "text"))  # types: this module's RelType values
_duty_item = _slot_filler(DutyItem, _ITEM_FIELDS)


def _squash(value: object) -> str:
    """A name or code as written, without whitespace (full-width forms kept for display)."""
    return _SPACES.sub("", str(value or ""))


def _text(value: object) -> str:
    return str(value or "").strip()


# The cell tests asked of every row, memoised on the text (pure functions of it; a list repeats its cells)
_is_placeholder = lru_cache(maxsize=1 << 16)(is_placeholder)
_names_all = lru_cache(maxsize=1 << 16)(names_all_villages)


@lru_cache(maxsize=1 << 16)
def _text_names_all(text: str) -> bool:
    return names_all_villages(text, whole_cell=False)


@lru_cache(maxsize=1 << 16)
def _cited(text: str) -> tuple[tuple[str, LegalBasis, str], ...]:
    """``(basis key, LegalBasis node, citation text)`` of each provision a basis cell cites: a pure
    function of the text, kept across the lists of a county (their cells repeat the same laws;
    the nodes are frozen, so the townships may share them)."""
    try:
        citations = parse_basis(text)
    except ValueError:
        citations = []
    out = []
    for c in citations:
        key = basis_key(c.law, c.article)
        out.append((key, LegalBasis(key, c.law, c.article), c.text))
    return tuple(out)


def _add_text(rel_texts: dict, key: tuple[str, str, str], text: str) -> None:
    """Add ``text`` to the relation's texts: the distinct non-empty texts in the order read
    (``_Builder.rel_texts``: one as a str, several as a list)."""
    texts = rel_texts.get(key)
    if texts is None or texts == "":
        rel_texts[key] = text
    elif not text or texts == text:
        return
    elif type(texts) is str:
        rel_texts[key] = [texts, text]
    elif text not in texts:
        texts.append(text)


def _join(*texts: str) -> str:
    return "、".join(t for t in texts if t)


@lru_cache(maxsize=1 << 16)  # a pure function of the cell: kept across the county's lists
def _party_cell(cell: str, rel: str) -> tuple:
    """A department cell read once per process: ``(placeholder, villages, parties, roles written)``;
    each party ``(written, as lead, relation, relation is the column's own)``."""
    parties, held_placeholder = split_parties(cell)
    # 村（社区）written among departments names the villages that assist, never a department
    villages = tuple(n for n, _ in parties if villages_as_party(n))
    if villages:
        parties = [(n, role) for n, role in parties if n not in villages]
    # 牵头：A；配合：B or A（牵头）、B（配合）: the cell's own words decide; once it marks a lead,
    # the names it leaves unmarked cooperate
    marked_lead = any(role == "lead" for _, role in parties)
    read = []
    for written, role in parties:
        as_lead = role == "lead" or (not role and rel == _LEADS and not marked_lead)
        how = _LEADS if as_lead else _COOPERATES
        read.append((written, as_lead, how, how == rel))
    return held_placeholder, villages, tuple(read), any(role for _, role in parties)


@dataclass
class _Builder:
    township: str
    aliases: AliasTable
    problems: list[Problem] = field(default_factory=list)
    items: dict[str, DutyItem] = field(default_factory=dict)
    item_rows: dict[str, ItemRow] = field(default_factory=dict)
    departments: dict[str, Department] = field(default_factory=dict)
    villages: dict[str, Village] = field(default_factory=dict)
    register: dict[str, Village] = field(default_factory=dict)
    bases: dict[str, LegalBasis] = field(default_factory=dict)
    # (src, type, dst) -> its text: one text as a str ("" none), a list once a second distinct text
    # comes (rare): a list and a join per relation were ~45,000 of each a county
    rel_texts: dict[tuple[str, str, str], str | list[str]] = field(default_factory=dict)
    warned_depts: set[str] = field(default_factory=set)
    parts_by_key: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (key, name) -> parts
    village_groups: int = 0
    same_duty_groups: int = 0
    plan: MergePlan | None = None
    levels: dict[str, str] = field(default_factory=dict)
    known: set[str] = field(default_factory=set)
    resolved: dict[str, DeptName] = field(default_factory=dict)  # written name -> reconciled, once per list
    dept_names: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (name, level) last read
    spellings: dict[str, set[str]] = field(default_factory=dict)  # key -> every spelling read
    # written -> key, name, level, known, spelling, (name, level)
    dept_of: dict[str, tuple[str, str, str, bool, str, tuple[str, str]]] = field(default_factory=dict)
    cells: dict[str, tuple] = field(default_factory=dict)  # department cell -> its parties, read once per list
    layouts: set[tuple[str, tuple[str, ...]]] = field(default_factory=set)  # (part, columns) already in layout
    shapes: dict[tuple[str, int], dict] = field(default_factory=dict)  # (part, id(row.columns)) -> that dict, seen
    cited: dict[str, tuple[tuple[str, LegalBasis, str], ...]] = field(default_factory=dict)  # basis cell -> citations
    # id(row) -> name, code, sub-item, key, compact(name + sub-item): read once, in build_township
    identity: dict[int, tuple[str, str, str, str, str]] = field(default_factory=dict)
    powers: dict[str, tuple[str, bool]] = field(default_factory=dict)  # power type cell -> (type, known)
    layout: set[str] = field(default_factory=set)  # "part:field" of every column the sheets had

    # ---- relations ---------------------------------------------------------------------
    def relate(self, src: str, rel: str, dst: str, text: str = "") -> None:
        _add_text(self.rel_texts, (src, rel, dst), text)

    def relations(self, renamed: dict[str, str] | None = None) -> list[Relation]:
        """Every relation, sorted; ``renamed`` re-keys nodes (a county department's shared key)
        before the one sort, so that the relations are made once, already in their final order."""
        # (src, type, dst) is unique, so sorting on it is Relation's own order (without its slow __lt__);
        # on the key alone: a sort of the (key, texts) pairs compares each pair's keys twice (~40 % slower)
        if not renamed:
            rows = sorted(self.rel_texts.items(), key=_first)
        else:
            get = renamed.get
            rows = sorted((((get(s, s), t, get(d, d)), texts) for (s, t, d), texts in self.rel_texts.items()),
                          key=_first)
        return [_relation(s, t, d, texts if type(texts) is str else "；".join(texts)) for (s, t, d), texts in rows]

    # ---- villages ----------------------------------------------------------------------
    def add_register(self, rows: Iterable[VillageRow]) -> None:
        for v in rows:
            key = village_key(self.township, v.name)
            if key not in self.register:
                self.register[key] = Village(key, self.township, v.name, v.kind)
        self.villages.update(self.register)

    def village(self, name: str, row: ItemRow) -> Village:
        key = village_key(self.township, name)
        if key not in self.villages:
            if self.register:
                self.problems.append(row.problem("unknown_village", "villages", name))
            self.villages[key] = Village(key, self.township, _squash(name), village_kind(name))
        return self.villages[key]

    # ---- one row -----------------------------------------------------------------------
    def check_types(self, row: ItemRow) -> bool:
        ok = True
        name, code = row.raw.get("name"), row.raw.get("code")
        if type(name) is str and (code is None or type(code) is str):
            return True  # cells read as text (nearly every row): nothing below applies
        if isinstance(name, (int, float, bool, dt.date, dt.time)):
            self.problems.append(row.problem("bad_type", "name", row.get("name"),
                                             "事项名称是数字或日期，应为文字 (item name is a number or date, not text)"))
            ok = False
        if isinstance(code, (bool, dt.date, dt.time)):
            self.problems.append(row.problem("bad_type", "code", row.get("code"),
                                             "事项编码是日期，应为文字 (item code is a date, not text)"))
            ok = False
        elif isinstance(code, float) and (not code.is_integer() or abs(code) >= _EXCEL_DIGITS):
            self.problems.append(row.problem(
                "bad_type", "code", row.get("code"),
                "事项编码存成了数字，Excel 已丢失位数，请把该列设为文本后重新填写 "
                "(code stored as a number; Excel lost digits: format the column as text)"))
            ok = False
        return ok

    def add_item(self, row: ItemRow) -> None:
        cols = row.columns  # a sheet's rows share one dict (sheets._read_items): its columns are known once
        if self.shapes.get((row.part, id(cols))) is not cols:
            self.shapes[(row.part, id(cols))] = cols  # held: the id stays this dict's
            shape = (row.part, tuple(cols))
            if shape not in self.layouts:  # the columns of a sheet, not of each row
                self.layouts.add(shape)
                self.layout.update(f"{row.part}:{f}" for f in cols)
        if not self.check_types(row):
            return
        values = row.values
        found = self.identity.get(id(row))
        if found is None:
            name, code, sub_item = _squash(row.get("name")), _squash(row.get("code")), _squash(row.get("sub_item"))
            key = item_key(self.township, code, name, sub_item)
            label = compact(name + sub_item)
        else:
            name, code, sub_item, key, label = found
        power_raw = _text(values.get("power_type"))
        mapped = self.powers.get(power_raw)
        if mapped is None:
            mapped = self.powers[power_raw] = map_power_type(power_raw)
        power, known = mapped
        if not known:
            self.problems.append(row.problem("unknown_power_type", "power_type", power_raw))
        same: tuple[str, ...] = ()
        parts = self.parts_by_key.get((key, label))
        if parts is not None and len(parts) > 1:  # the same item in two parts: one item per part, linked as one duty
            first = min(parts, key=_part_rank)
            keys = {p: key if p == first else f"{key}@{p}" for p in parts}
            key = keys[row.part]
            same = tuple(sorted(k for k in keys.values() if k != key))
            if row.part != first:
                self.problems.append(row.problem("same_duty_in_parts", "name", name, (
                    f"「{name}」也列在{first}，作为{row.part}的事项另行导入并标为同一职责 "
                    f"(also listed under {first}: imported as an item of {row.part}, linked as the same duty)")))
        written = values.get("filled")  # a 由上方填入 column (written by our export)
        filled = set(row.filled) | {f for f in split_multi(written) if f in _FILLABLE} if written else set(row.filled)
        if "power_type" in filled:
            power_raw = ""  # the cell itself was empty (or 同上): the value is marked as filled, not raw
        get = values.get
        # the texts in DutyItem's order (category … note), each read once; a row's values are
        # nearly always str (stripped when read), so the cell test of _text is the rare branch
        (category, content, procedure, time_limit, village_text, upper_duty, township_duty, receiving_dept,
         work_mode, basis_text, responsibility, accountability, note) = [
            v.strip() if type(v := get(src, "")) is str else _text(v) for src in _TEXT_SOURCES]
        lead, upper, coop, office = get("lead"), get("upper_dept"), get("cooperate"), get("township_office")
        lead_text = _join(_text(lead), _text(upper), _text(get("receiving_dept"))) if upper or lead else receiving_dept
        cooperate_text = _join(_text(coop), _text(office)) if office else _text(coop)
        item = _duty_item(  # positional, in the dataclass's field order (_ITEM_FIELDS, checked at import)
            key, self.township, name, code, sub_item, row.part, power, power_raw, category, content, procedure,
            time_limit, lead_text, cooperate_text, village_text, upper_duty, township_duty, receiving_dept, work_mode,
            basis_text, responsibility, accountability, note, tuple(row.extra),
            tuple(sorted(filled)) if filled else (), (), same, row.file, row.sheet, row.row)
        if key in self.items:
            first, first_row = self.items[key], self.item_rows[key]
            where = f"{first_row.file} / {first_row.sheet} 第{first_row.row}行「{first.label}」"
            if replace(item, **{f: getattr(first, f) for f in _SOURCE_FIELDS}) == first:
                self.problems.append(row.problem("duplicate_row", "name", name, f"与{where}完全相同，已忽略 "
                                                 f"(same as {first_row.sheet} row {first_row.row}, ignored)"))
            elif code:
                self.problems.append(row.problem(
                    "duplicate_code", "code", code,
                    f"事项编码 {code} 已用于{where}，又用于第{row.row}行「{item.label}」 "
                    f"(code used by {first_row.sheet} row {first_row.row} and row {row.row})"))
            else:
                self.problems.append(row.problem(
                    "duplicate_name", "name", name,
                    f"事项「{item.label}」已在{where}出现且内容不同；请加编码或子项区分 "
                    f"(same name as {first_row.sheet} row {first_row.row}; add a code or sub-item)"))
            return
        self.items[key] = item
        self.item_rows[key] = row
        self.add_parties(item, row)
        self.add_bases(item, row)
        if not item.time_limit and "time_limit" in row.columns:  # a sheet without the column has no limits to miss
            self.problems.append(row.problem("no_time_limit", "time_limit"))

    def plan_departments(self, rows: list[ItemRow]) -> None:
        """Before any relation: which names of this list are one body (county prefix, abbreviation)."""
        levels: dict[str, str] = {}
        known: set[str] = set()
        shorts: dict[str, str] = {}  # short name written in brackets -> the full name's canonical form
        planned: dict[str, tuple[tuple[str, str, bool, str | None], ...]] = {}  # cell -> its names, read once
        for row in rows:
            values = row.values
            for f in _DEPT_FIELDS:
                cell = values.get(f)
                if not cell:
                    continue
                names = planned.get(cell)
                if names is None:
                    names = planned[cell] = self._plan_cell(cell)
                for name, level, is_known, short in names:  # in row order: the last reading of a name wins
                    levels[name] = level
                    if is_known:
                        known.add(name)
                    if short is not None:
                        shorts[short] = name
        self.plan = plan_merges(levels, levels, known, shorts)
        self.levels, self.known = levels, known

    def _plan_cell(self, cell: str) -> tuple[tuple[str, str, bool, str | None], ...]:
        """``(canonical name, level, known, resolved short name or None)`` of each department in a cell."""
        out = []
        for written, _ in split_parties(cell)[0]:
            if villages_as_party(written):
                continue
            dn = self.resolve(written)
            short = split_short_name(written)[1]
            out.append((dn.name, dn.level, dn.known, self.aliases.resolve(short, self.township).name if short else None))
        return tuple(out)

    def resolve(self, written: str) -> DeptName:
        if written not in self.resolved:
            self.resolved[written] = self.aliases.resolve(written, self.township)
        return self.resolved[written]

    def department(self, written: str, row: ItemRow, field_name: str) -> str:
        found = self.dept_of.get(written)
        if found is None:  # reconciled once per spelling (after plan_departments, the plan is fixed)
            dn = self.resolve(written)
            if self.plan is not None and dn.name in self.plan.mapping:
                into = self.plan.mapping[dn.name]
                dn = replace(dn, name=into, level=self.levels.get(into, dn.level), known=into in self.known)
            found = self.dept_of[written] = (dept_key(self.township, dn.name), dn.name, dn.level, dn.known, dn.written,
                                             (dn.name, dn.level))
        key, name, level, known, spelled, _ = found
        self.dept_names[key] = found[5]  # the Department nodes are made once, in build_township
        spellings = self.spellings.get(key)
        if spellings is None:
            spellings = self.spellings[key] = set()
        spellings.add(spelled)
        if not known and key not in self.warned_depts:
            self.warned_depts.add(key)
            self.problems.append(row.problem("unknown_department", field_name, written,
                                             f"部门「{written}」不在别名表中，按「{name}」（{level}）处理 "
                                             f"(department not in the alias table)"))
        return key

    def add_parties(self, item: DutyItem, row: ItemRow) -> None:
        leads = 0
        placeholder = False
        party_villages: list[str] = []
        values = row.values
        dept_of, dept_names, rel_texts, ikey = self.dept_of, self.dept_names, self.rel_texts, item.key
        for field_name, rel, text_field in _PARTY_FIELDS:
            cell = values.get(field_name)
            if not cell:
                continue
            memo = (cell, rel)
            found = self.cells.get(memo)
            if found is None:
                found = self.cells[memo] = _party_cell(cell, rel)
            held_placeholder, villages, parties, roles_written = found
            if rel == _LEADS:
                placeholder = placeholder or held_placeholder
            if villages:
                self.problems.append(row.problem("villages_as_department", field_name, "、".join(villages)))
                party_villages.extend(villages)
            text = getattr(item, text_field)
            for written, as_lead, how, own in parties:
                leads += as_lead
                own_text = text if own else (item.upper_duty if as_lead else item.township_duty)
                found = dept_of.get(written)
                if found is None or not found[3]:  # first reading of the spelling, or a name to warn about
                    dkey = self.department(written, row, field_name)
                else:  # what department() does for a known spelling read before
                    dkey = found[0]
                    dept_names[dkey] = found[5]
                k = (dkey, how, ikey)  # self.relate, inlined (~12,000 calls a county)
                texts = rel_texts.get(k)
                if texts is None:
                    rel_texts[k] = own_text
                elif own_text and texts != own_text:
                    _add_text(rel_texts, k, own_text)
            if roles_written:
                read = [f"{written}→{'牵头' if as_lead else '配合'}" for written, as_lead, _, _ in parties]
                self.problems.append(row.problem("role_in_cell", field_name, row.get(field_name),
                                                 "单元格内写明了牵头/配合，按所写读入 (roles written in the cell, read "
                                                 f"as written): {'；'.join(read)}"))
        if not leads:
            lead_field = next((f for f in ("lead", "upper_dept", "receiving_dept") if f in row.columns), "lead")
            code = "lead_unconfirmed" if placeholder else "no_lead"
            self.problems.append(row.problem(code, lead_field, row.get(lead_field)))
        # villages
        cell = values.get("villages", "")
        if party_villages and not (cell and not _is_placeholder(cell)):
            # no 涉及村 cell says which villages: the department column's words stand for it
            self.villages_from_department_column(item, row, party_villages)
            return
        if cell and _names_all(cell) or not cell and _text_names_all(item.village_text):
            if not self.register:
                self.problems.append(row.problem("no_village_register", "villages" if cell else "village_text",
                                                 cell or item.village_text))
                if cell:  # kept as written: the villages it stands for are not known here
                    self.village_groups += 1
                    self.items[item.key] = replace(self.items[item.key], village_groups=(compact(cell),))
            rel_texts, ikey, text = self.rel_texts, item.key, item.village_text
            for vkey in self.register:  # every village of the register (self.relate inlined: ~13,000 a county)
                k = (vkey, _ASSISTS, ikey)
                texts = rel_texts.get(k)
                if texts is None:
                    rel_texts[k] = text
                elif text and texts != text:
                    _add_text(rel_texts, k, text)
        elif cell and not _is_placeholder(cell):
            groups = []
            for name in split_multi(cell):
                if (names_all_villages(name) or villages_as_party(name) == "all") and self.register:
                    for v in self.register.values():
                        self.relate(v.key, _ASSISTS, item.key, item.village_text)
                elif (is_village_group(name) or villages_as_party(name)) and \
                        village_key(self.township, name) not in self.register:
                    groups.append(name)  # 沿河各村, 相关村（社区）: kept as text, never a village
                elif not is_placeholder(name):
                    self.relate(self.village(name, row).key, _ASSISTS, item.key, item.village_text)
            if groups:
                self.village_groups += len(groups)
                self.items[item.key] = replace(self.items[item.key], village_groups=tuple(groups))
                self.problems.append(row.problem("village_group", "villages", "、".join(groups)))

    def villages_from_department_column(self, item: DutyItem, row: ItemRow, written: list[str]) -> None:
        """村（社区） written in a department column: every village of the register assists;
        without a register, or for a group (沿河各村), the words are kept on the item as written."""
        every = [w for w in written if villages_as_party(w) == "all"]
        groups = [w for w in written if w not in every]
        if every and self.register:
            for v in self.register.values():
                self.relate(v.key, _ASSISTS, item.key, item.village_text or item.township_duty)
        else:
            groups = written
        if groups:
            self.village_groups += len(groups)
            self.items[item.key] = replace(self.items[item.key], village_groups=tuple(groups))

    def add_bases(self, item: DutyItem, row: ItemRow) -> None:
        text = item.basis_text
        cited = self.cited.get(text)  # a cell met before (never a placeholder: those are not kept)
        if cited is None and (not text or _is_placeholder(text)):
            self.problems.append(row.problem("no_basis", "basis", text))
            return
        if cited is None:  # read once per distinct cell of the list (parsed once per process: _cited)
            cited = self.cited[text] = _cited(text)
        if not cited:
            self.problems.append(row.problem("unparsed_basis", "basis", text))
            return
        bases, rel_texts, ikey = self.bases, self.rel_texts, item.key
        for key, basis, citation in cited:
            if key not in bases:
                bases[key] = basis
            k = (ikey, _BASED_ON, key)  # self.relate, inlined (~15,000 calls a county)
            texts = rel_texts.get(k)
            if texts is None:
                rel_texts[k] = citation
            elif citation and texts != citation:
                _add_text(rel_texts, k, citation)

    # ---- chains ------------------------------------------------------------------------
    def add_chains(self) -> None:
        by_code: dict[str, list[str]] = defaultdict(list)
        by_name: dict[str, list[str]] = defaultdict(list)
        for key, item in self.items.items():
            if item.code:
                by_code[compact(item.code)].append(key)
            by_name[compact(item.name)].append(key)
            if item.sub_item:
                by_name[compact(item.label)].append(key)
        if not any(row.values.get("next_items") for row in self.item_rows.values()):
            return  # no 后续事项 cell in the list: no chain to draw (the maps below cost a pass over every item)
        for key, row in self.item_rows.items():
            cell = row.values.get("next_items")
            if not cell:
                continue  # most rows name no next item (split_multi of nothing still cleans and splits)
            for ref in split_multi(cell):
                targets = by_code.get(ref) or by_name.get(ref) or []
                targets = [t for t in targets if t != key]
                if not targets:
                    self.problems.append(row.problem("unknown_next_item", "next_items", ref,
                                                     f"后续事项「{ref}」在清单中找不到 (next item names no item of the list)"))
                for t in targets:
                    self.relate(key, _FOLLOWED_BY, t)


def _county_keys(departments: Iterable[Department], county: str) -> dict[str, str]:
    """The key each county department of the list takes when ``county`` is known: what
    :func:`graphmodel.model.share_county_departments` renames (its rule, applied to the nodes)."""
    if not county:
        return {}
    return {d.key: county_dept_key(county, d.name) for d in departments
            if d.level == DeptLevel.COUNTY.value and d.township}


def build_township(
    township: str,
    rows: Iterable[ItemRow],
    villages: Iterable[VillageRow],
    aliases: AliasTable,
    sources: Iterable[str] = (),
    county: str = "",
    stats: dict | None = None,
) -> tuple[TownshipList, list[Problem]]:
    """Turn parsed rows into a :class:`TownshipList`; return it with the problems found.

    ``stats``, when given, receives the reading counts of the build (village groups kept,
    items listed in two parts, department merges applied and suggested).
    """
    b = _Builder(township, aliases)
    b.add_register(villages)
    rows = list(rows)
    for row in rows:
        # values are texts (an empty cell is absent): _squash is the whitespace dropped, which
        # str.split() does as the regex's \s does (both are str.isspace), at a third of its cost
        get = row.values.get
        name = "".join(v.split()) if type(v := get("name")) is str else _squash(v)
        code = ("".join(v.split()) if type(v) is str else _squash(v)) if (v := get("code")) else ""
        sub = ("".join(v.split()) if type(v) is str else _squash(v)) if (v := get("sub_item")) else ""
        plain, label = item_key(township, code, name, sub), compact(name + sub)
        b.identity[id(row)] = (name, code, sub, plain, label)  # read once, used again by add_item
        b.parts_by_key.setdefault((plain, label), set()).add(row.part)
    for parts in b.parts_by_key.values():
        b.same_duty_groups += len(parts) > 1
    b.plan_departments(rows)
    for row in rows:
        b.add_item(row)
    b.add_chains()
    b.departments = {key: Department(key, township, name, level, tuple(sorted(b.spellings[key])))
                     for key, (name, level) in b.dept_names.items()}
    tkey = township_key(township)
    # every node's IN_TOWNSHIP, new keys all (the type is made here only; item:, dept:, village: keys never meet)
    b.rel_texts.update({(key, RelType.IN_TOWNSHIP.value, tkey): "" for key in (*b.items, *b.departments, *b.villages)})
    # A county department is shared by the county's townships (share_county_departments): its node and
    # the relations naming it are made here with the shared key at once, instead of made, then re-keyed
    # and sorted again (a set and a sort of every relation of the list: ~50 ms of a county's load).
    renamed = _county_keys(b.departments.values(), county)
    departments = [replace(d, key=renamed[d.key], township="", county=county) if d.key in renamed else d
                   for d in b.departments.values()]
    if len(set(renamed.values()) | (b.departments.keys() - renamed.keys())) != len(b.departments):
        renamed, departments = {}, list(b.departments.values())  # keys would meet: leave it to share_county_departments
    tlist = TownshipList(
        township=Township(tkey, township, county, tuple(sorted(set(sources))), tuple(sorted(b.layout))),
        items=list(b.items.values()),
        departments=sorted(departments, key=lambda d: d.key),
        villages=sorted(b.villages.values(), key=lambda v: v.key),
        bases=sorted(b.bases.values(), key=lambda x: x.key),
        relations=b.relations(renamed),
    )
    tlist = share_county_departments(tlist)  # one node per county department, shared by its townships
    if stats is not None:
        stats.update(village_groups=b.village_groups, same_duty=b.same_duty_groups,
                     merges_applied=b.plan.applied if b.plan else (), merges_suggested=b.plan.suggested if b.plan else ())
    return tlist, b.problems
