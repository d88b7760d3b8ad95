"""Apply a decision's operations to a township's list, keeping texts and relations in step.

A list is exported to a spreadsheet and read back (docs/import-rules.md): the LEADS,
COOPERATES_ON, ASSISTS and BASED_ON relations come from the item's texts (责任主体,
配合部门, 涉及村（社区）, 依据). So every operation changes both: the relation and the
text a re-import reads it from (``lead_text``/``receiving_dept``, ``cooperate_text``,
``village_text``, ``basis_text``, ``note``), with the relation texts the import rules
give (上级部门职责 / 工作方式 on LEADS, 镇街配合职责 on COOPERATES_ON …). Departments no
longer named on any item leave the list, as they would on re-import.

Undo works on *slices*: the items a decision changed with every relation touching them
and the departments involved, before and after (:func:`slice_of`, :func:`restore`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from .errors import InvalidArgument, NotFound
from .model import (
    Department,
    DutyItem,
    LegalBasis,
    Relation,
    TownshipList,
    Village,
    county_dept_key,
    node_from_dict,
    node_to_dict,
)
from .normalize import (
    basis_key,
    canonical_department,
    compact,
    dept_key,
    int_to_chinese,
    item_key,
    parse_citations,
    split_multi,
    township_key,
)
from .review import Op
from .vocab import POWER_TYPES, SHARED_SPLIT_PREFIX, DeptLevel, ListPart, RelType

__all__ = ["Conflict", "ItemPreview", "Preview", "apply_ops", "fold_villages", "preview_ops", "restore", "slice_of"]

SPLIT_PREFIX = SHARED_SPLIT_PREFIX
_PARTY_RELS = (RelType.LEADS.value, RelType.COOPERATES_ON.value)


class Conflict(InvalidArgument):
    """An operation does not fit the list as it is now (already done, changed since)."""


@dataclass
class _Work:
    """A mutable copy of one township's list."""

    tlist: TownshipList
    items: dict[str, DutyItem]
    depts: dict[str, Department]
    villages: dict[str, Village]
    bases: dict[str, LegalBasis]
    rels: set[Relation]
    touched_depts: set[str]
    touched_items: set[str]
    #: (item, department) an earlier operation of this decision made a cooperator
    made_cooperator: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def of(cls, tlist: TownshipList) -> _Work:
        return cls(tlist, {i.key: i for i in tlist.items}, {d.key: d for d in tlist.departments},
                   {v.key: v for v in tlist.villages}, {b.key: b for b in tlist.bases}, set(tlist.relations),
                   set(), set())

    @property
    def township(self) -> str:
        return self.tlist.township.name

    def done(self) -> TownshipList:
        self._refresh_departments()
        cited = {r.dst for r in self.rels if r.type == RelType.BASED_ON}
        return TownshipList(
            township=self.tlist.township,
            items=sorted(self.items.values(), key=lambda n: n.key),
            departments=sorted(self.depts.values(), key=lambda n: n.key),
            villages=sorted(self.villages.values(), key=lambda n: n.key),
            bases=sorted((b for k, b in self.bases.items() if k in cited), key=lambda n: n.key),
            relations=sorted(self.rels),
        )

    # ---- lookups ------------------------------------------------------------------------
    def item(self, key: str) -> DutyItem:
        if key not in self.items:
            raise NotFound(f"事项 {key!r} 不在 {self.township} 的清单中 (no such item in the list)")
        return self.items[key]

    def find_dept(self, ref: str) -> Department | None:
        if ref in self.depts:
            return self.depts[ref]
        text = compact(ref)
        canon = canonical_department(text, self.township)
        for d in self.depts.values():
            if text == d.name or canon == d.name or text in d.aliases:
                return d
        return None

    def dept(self, ref: str, level: str = "", create: bool = False) -> Department:
        found = self.find_dept(ref)
        if found is not None:
            return found
        if not create or not compact(ref):
            raise NotFound(f"部门「{ref}」不在 {self.township} 的清单中 (no such department)")
        name = canonical_department(ref, self.township)
        if level and level not in {lv.value for lv in DeptLevel}:
            raise InvalidArgument(f"unknown department level {level!r}; use one of {[lv.value for lv in DeptLevel]}")
        county = self.tlist.township.county
        if county and level == DeptLevel.COUNTY.value:  # the county's shared node, as the loaders make it
            d = Department(county_dept_key(county, name), "", name, level, (compact(ref),), county)
        else:
            d = Department(dept_key(self.township, name), self.township, name, level or DeptLevel.UNKNOWN.value,
                           (compact(ref),))
        self.depts[d.key] = d
        self.rels.add(Relation(d.key, RelType.IN_TOWNSHIP.value, township_key(self.township)))
        return d

    def village(self, ref: str) -> Village:
        for v in self.villages.values():
            if ref in (v.key, v.name) or compact(ref) == compact(v.name):
                return v
        raise NotFound(f"村（社区）「{ref}」不在 {self.township} 的名册中 (no such village in the register)")

    def parties(self, item: str, rel_type: str) -> list[Relation]:
        return sorted(r for r in self.rels if r.dst == item and r.type == rel_type)

    def set_item(self, item: DutyItem) -> None:
        self.items[item.key] = item
        self.touched_items.add(item.key)

    # ---- texts ----------------------------------------------------------------------------
    @staticmethod
    def spelling(d: Department) -> str:
        return d.name if d.name in d.aliases or not d.aliases else d.aliases[0]

    def without(self, text: str, d: Department) -> str:
        """``text`` (a multi-name cell) without the spellings of ``d``."""
        pieces = split_multi(text)
        if not pieces:
            return text
        kept = [p for p in pieces if not (p in d.aliases or p == d.name
                                          or canonical_department(p, self.township) == d.name)]
        return "、".join(kept) if len(kept) != len(pieces) else text

    def _refresh_departments(self) -> None:
        """Departments touched lose spellings no item uses; those named on no item leave the list."""
        pieces: set[str] = set()
        for i in self.items.values():
            pieces.update(split_multi(i.lead_text))
            pieces.update(split_multi(i.cooperate_text))
        named = {r.src for r in self.rels if r.type in _PARTY_RELS}
        for key in sorted(self.touched_depts):
            d = self.depts.get(key)
            if d is None:
                continue
            if key not in named:
                del self.depts[key]
                self.rels = {r for r in self.rels if r.src != key and r.dst != key}
                continue
            aliases = tuple(sorted(a for a in d.aliases if a in pieces))
            if aliases != d.aliases:
                self.depts[key] = replace(d, aliases=aliases)


def _lead_text_of(item: DutyItem) -> str:
    """The LEADS relation text import gives a lead named in this item's lead column."""
    if item.part == ListPart.WITHDRAWN.value or item.receiving_dept:
        return item.work_mode
    return item.upper_duty


def _citation_text(title: str, article: int) -> str:
    return f"《{title}》第{int_to_chinese(article)}条" if article else f"《{title}》"


# ---- the operations -------------------------------------------------------------------------
def _set_lead(w: _Work, op: Op) -> None:
    """``op.target`` leads; the other leads go where ``op.others`` says (cooperate by default)."""
    item = w.item(op.item)
    d = w.dept(op.target, op.level, create=True)
    mode = op.others or "cooperate"
    leads = w.parties(item.key, RelType.LEADS.value)
    others = [r for r in leads if r.src != d.key]
    already = len(others) < len(leads)
    if already and (not others or mode == "stay"):
        raise Conflict(f"「{item.label}」的牵头部门已是{d.name} (already {'the only ' if not others else 'a '}lead)")
    if any(r.src == d.key for r in w.parties(item.key, RelType.COOPERATES_ON.value)):
        _remove_cooperator(w, Op("remove_cooperator", item.key, d.key))
        item = w.items[item.key]
    sp = w.spelling(d)
    withdrawn = item.part == ListPart.WITHDRAWN.value or bool(item.receiving_dept)
    if mode == "stay":
        lead_text = "、".join(t for t in (item.lead_text, sp) if t)
        item = replace(item, lead_text=lead_text, receiving_dept="、".join(t for t in (item.receiving_dept, sp) if t)) \
            if withdrawn else replace(item, lead_text=lead_text)
        others = []
    else:
        for r in others:
            w.rels.discard(r)
            w.touched_depts.add(r.src)
        item = replace(item, lead_text=sp, receiving_dept=sp) if withdrawn else replace(item, lead_text=sp)
    w.set_item(item)
    if not already:
        w.rels.add(Relation(d.key, RelType.LEADS.value, item.key, _lead_text_of(item)))
    w.touched_depts.add(d.key)
    if mode == "cooperate":
        for r in others:
            _to_cooperator(w, item.key, r)


def _to_cooperator(w: _Work, item_key: str, lead: Relation) -> None:
    """A former lead cooperates; its duty text becomes the item's 镇街配合职责 when that is empty."""
    item = w.items[item_key]
    if any(r.src == lead.src for r in w.parties(item_key, RelType.COOPERATES_ON.value)):
        return  # it cooperated already: losing the lead is all that changes
    keep = lead.text if lead.text and not item.township_duty else ""
    _add_cooperator(w, Op("add_cooperator", item_key, lead.src, keep))
    w.made_cooperator.add((item_key, lead.src))


def _move_to_cooperating(w: _Work, op: Op) -> None:
    item = w.item(op.item)
    d = w.dept(op.target)
    lead = [r for r in w.parties(item.key, RelType.LEADS.value) if r.src == d.key]
    if not lead:
        raise Conflict(f"{d.name}不是「{item.label}」的牵头部门 (not a lead of the item)")
    w.rels.difference_update(lead)
    w.set_item(replace(item, lead_text=w.without(item.lead_text, d), receiving_dept=w.without(item.receiving_dept, d)))
    _to_cooperator(w, item.key, lead[0])


def _add_cooperator(w: _Work, op: Op) -> None:
    item = w.item(op.item)
    d = w.dept(op.target, op.level, create=True)
    if any(r.src == d.key for r in w.parties(item.key, RelType.LEADS.value)):
        raise Conflict(f"{d.name}是「{item.label}」的牵头部门；请用「改为配合部门」 (a lead; use move_to_cooperating)")
    if any(r.src == d.key for r in w.parties(item.key, RelType.COOPERATES_ON.value)):
        if (item.key, d.key) not in w.made_cooperator:
            raise Conflict(f"{d.name}已是「{item.label}」的配合部门 (already cooperating)")
        if op.text:  # an earlier operation of this decision moved it here: only its part changes
            w.set_item(replace(item, township_duty=op.text))
            for r in w.parties(item.key, RelType.COOPERATES_ON.value):
                w.rels.discard(r)
                w.rels.add(replace(r, text=op.text))
        return
    sp = w.spelling(d)
    text = "、".join(t for t in (item.cooperate_text, sp) if t)
    item = replace(item, cooperate_text=text, township_duty=op.text or item.township_duty)
    w.set_item(item)
    if op.text:  # 镇街配合职责 is the text of every cooperator of the item
        for r in w.parties(item.key, RelType.COOPERATES_ON.value):
            w.rels.discard(r)
            w.rels.add(replace(r, text=item.township_duty))
    w.rels.add(Relation(d.key, RelType.COOPERATES_ON.value, item.key, item.township_duty))
    w.touched_depts.add(d.key)


def _remove_cooperator(w: _Work, op: Op) -> None:
    item = w.item(op.item)
    d = w.dept(op.target)
    coop = [r for r in w.parties(item.key, RelType.COOPERATES_ON.value) if r.src == d.key]
    if not coop:
        raise Conflict(f"{d.name}不是「{item.label}」的配合部门 (not cooperating on the item)")
    w.rels.difference_update(coop)
    w.set_item(replace(item, cooperate_text=w.without(item.cooperate_text, d)))
    w.touched_depts.add(d.key)


def _add_village_role(w: _Work, op: Op) -> None:
    item = w.item(op.item)
    v = w.village(op.target)
    if op.text:  # 村（社区）职责 is one text per item, on every ASSISTS of it
        item = replace(item, village_text=op.text)
        w.set_item(item)
        for r in w.parties(item.key, RelType.ASSISTS.value):
            w.rels.discard(r)
            w.rels.add(replace(r, text=op.text))
    elif any(r.src == v.key for r in w.parties(item.key, RelType.ASSISTS.value)):
        raise Conflict(f"{v.name}已协助「{item.label}」 (the village already assists)")
    w.touched_items.add(item.key)
    w.rels.add(Relation(v.key, RelType.ASSISTS.value, item.key, item.village_text))


def _accept_shared(w: _Work, op: Op) -> None:
    item = w.item(op.item)
    if len(w.parties(item.key, RelType.LEADS.value)) < 2:
        raise Conflict(f"「{item.label}」没有多个牵头部门，无需确认共同负责 (not shared)")
    if not op.text.strip():
        raise InvalidArgument("确认共同负责需要写明分工 (accept_shared needs the split of duties as text)")
    # The split is always the note's last part and may itself contain ；: cut at the prefix.
    kept = item.note.partition(SPLIT_PREFIX)[0].rstrip("；")
    w.set_item(replace(item, note="；".join(p for p in (kept, SPLIT_PREFIX + op.text.strip()) if p)))


def _add_basis(w: _Work, op: Op) -> None:
    item = w.item(op.item)
    try:
        cites = parse_citations(op.target)
    except ValueError:
        cites = []
    if not cites:
        raise InvalidArgument(f"无法识别的法律依据 {op.target!r}；请写成《法律名称》第N条 (write 《law》第N条)")
    current = sorted(r for r in w.rels if r.src == item.key and r.type == RelType.BASED_ON.value)
    have = {r.dst for r in current}
    new = []
    for title, law, article in cites:
        key = basis_key(law, article)
        if key in have:
            continue
        w.bases.setdefault(key, LegalBasis(key, law, article))
        text = _citation_text(title, article)
        w.rels.add(Relation(item.key, RelType.BASED_ON.value, key, text))
        new.append(text)
        have.add(key)
    if not new:
        raise Conflict(f"「{item.label}」已有这些依据 (the item already cites them)")
    if not current:
        basis = "；".join(new)
    elif "《" not in item.basis_text:  # a bare title would not parse once a 《》 citation follows it
        basis = "；".join([*(r.text for r in current), *new])
    else:
        basis = "；".join([item.basis_text, *new])
    w.set_item(replace(item, basis_text=basis))


def _add_item(w: _Work, op: Op) -> None:
    f = {k: v.strip() for k, v in op.fields}
    name, code = compact(f.get("name", "")), compact(f.get("code", ""))
    if not name:
        raise InvalidArgument("新增事项需要事项名称 (add_item needs a name)")
    part = f.get("part") or ListPart.BASIC.value
    if part not in {p.value for p in ListPart}:
        raise InvalidArgument(f"unknown list part {part!r}")
    key = item_key(w.township, code, name, f.get("sub_item", ""))
    if key in w.items:
        raise Conflict(f"事项「{name}」已在清单中 (already in the list: {key})")
    power = f.get("power_type", "")
    if power and power not in POWER_TYPES:
        raise InvalidArgument(f"unknown power type {power!r}; use one of {', '.join(POWER_TYPES)}")
    item = DutyItem(key=key, township=w.township, name=name, code=code, sub_item=compact(f.get("sub_item", "")),
                    part=part, power_type=power, power_type_raw=power, content=f.get("content", ""),
                    time_limit=f.get("time_limit", ""), procedure=f.get("procedure", ""))
    w.set_item(item)
    w.rels.add(Relation(key, RelType.IN_TOWNSHIP.value, township_key(w.township)))


_APPLY = {
    "set_lead": _set_lead,
    "move_to_cooperating": _move_to_cooperating,
    "add_cooperator": _add_cooperator,
    "remove_cooperator": _remove_cooperator,
    "add_village_role": _add_village_role,
    "accept_shared": _accept_shared,
    "add_basis": _add_basis,
    "add_item": _add_item,
}


def apply_ops(tlist: TownshipList, ops: tuple[Op, ...] | list[Op]) -> tuple[TownshipList, tuple[str, ...], tuple[str, ...]]:
    """Apply ``ops`` in order; return the new list, the items changed and the departments touched.

    Raises :class:`Conflict` when an operation does not fit (the lead is already that
    department …) and :class:`NotFound` for an unknown item, department or village.
    """
    if not ops:
        raise InvalidArgument("a decision needs at least one operation")
    w = _Work.of(tlist)
    for op in ops:
        _APPLY[op.action](w, op)
        if op.item:
            w.touched_items.add(op.item)
    new = w.done()
    return new, tuple(sorted(w.touched_items)), tuple(sorted(w.touched_depts))


# ---- the preview a meeting sees before it records --------------------------------------------
#: What the preview compares per item, in this order.
FACETS = ("leads", "cooperators", "villages", "bases")
_FACET_OF = {RelType.LEADS.value: "leads", RelType.COOPERATES_ON.value: "cooperators", RelType.ASSISTS.value: "villages"}


@dataclass(frozen=True, slots=True)
class ItemPreview:
    """One item before → after: each facet is a tuple of "name" or "name：text" entries."""

    key: str
    name: str
    before: tuple[tuple[str, tuple[str, ...]], ...]
    after: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def changed(self) -> tuple[str, ...]:
        b, a = dict(self.before), dict(self.after)
        return tuple(f for f in FACETS if b.get(f) != a.get(f))

    @property
    def dropped(self) -> tuple[tuple[str, str], ...]:
        """(facet, party) that were on the item before and are on it in no role after."""
        b, a = dict(self.before), dict(self.after)
        after_names = {e.partition("：")[0] for f in FACETS for e in a.get(f, ())}
        return tuple((f, e.partition("：")[0]) for f in FACETS for e in b.get(f, ())
                     if f != "bases" and e.partition("：")[0] not in after_names)


@dataclass(frozen=True, slots=True)
class Preview:
    """What a decision would do, computed on a copy: nothing is written."""

    ops: tuple[Op, ...]
    items: tuple[ItemPreview, ...]
    departments_leaving: tuple[str, ...]  # named on no item afterwards: they leave the list
    before: TownshipList
    after: TownshipList


def fold_villages(entries: tuple[str, ...] | list[str], min_group: int = 2, lang: str = "zh") -> list[str]:
    """Village entries ("name：role") with the same role folded into one ("10 个村（社区）：role").

    >>> fold_villages(["东村：协助", "西村：协助", "南村：公示"])
    ['南村：公示', '2 个村（社区）：协助（东村、西村）']
    >>> fold_villages(["东村：协助", "西村：协助"], lang="en")
    ['2 villages: 协助 (东村, 西村)']
    """
    by_text: dict[str, list[str]] = {}
    for e in entries:
        name, _, text = e.partition("：")
        by_text.setdefault(text, []).append(name)
    out = []
    for text, names in sorted(by_text.items(), key=lambda kv: (len(kv[1]), kv[0])):
        if len(names) >= min_group and lang == "en":
            out.append(f"{len(names)} villages{': ' + text if text else ''} ({', '.join(names)})")
        elif len(names) >= min_group:
            out.append(f"{len(names)} 个村（社区）{'：' + text if text else ''}（{'、'.join(names)}）")
        else:
            out += [f"{n}：{text}" if text else n for n in names]
    return out


def _facets(tlist: TownshipList, keys: set[str]) -> dict[str, dict[str, list[str]]]:
    names = {n.key: n.name for n in (*tlist.departments, *tlist.villages)}
    out: dict[str, dict[str, list[str]]] = {k: {f: [] for f in FACETS} for k in keys}
    for r in sorted(tlist.relations):
        if r.type in _FACET_OF and r.dst in out:
            who = names.get(r.src, r.src)
            out[r.dst][_FACET_OF[r.type]].append(f"{who}：{r.text}" if r.text else who)
        elif r.type == RelType.BASED_ON.value and r.src in out:
            out[r.src]["bases"].append(r.text or r.dst)
    return out


def preview_ops(tlist: TownshipList, ops: tuple[Op, ...] | list[Op]) -> Preview:
    """Apply ``ops`` to a copy of ``tlist`` and say, per item, what changes (same errors as apply_ops).

    The preview of ``set_lead`` on an item led by two offices shows the other office among
    the cooperators after (tests/review/test_preview.py).
    """
    ops = tuple(ops)
    new, items, _ = apply_ops(tlist, ops)
    keys = set(items)
    fb, fa = _facets(tlist, keys), _facets(new, keys)
    names = {i.key: i.label for i in (*tlist.items, *new.items)}
    out = tuple(ItemPreview(k, names.get(k, k), tuple((f, tuple(fb[k][f])) for f in FACETS),
                            tuple((f, tuple(fa[k][f])) for f in FACETS)) for k in sorted(keys))
    leaving = tuple(sorted({d.name for d in tlist.departments} - {d.name for d in new.departments}))
    return Preview(ops, out, leaving, tlist, new)


# ---- slices, for undo -----------------------------------------------------------------------
def slice_of(tlist: TownshipList, items: tuple[str, ...], depts: tuple[str, ...]) -> str:
    """The named items (or None where absent), every relation touching them, and the departments, as JSON."""
    by_key = {n.key: n for n in (*tlist.items, *tlist.departments)}
    keys = set(items)
    data: dict[str, Any] = {
        "items": {k: node_to_dict(by_key[k]) if k in by_key else None for k in sorted(items)},
        "departments": {k: node_to_dict(by_key[k]) if k in by_key else None for k in sorted(depts)},
        "relations": [[r.src, r.type, r.dst, r.text] for r in sorted(tlist.relations) if r.src in keys or r.dst in keys],
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


_PROVENANCE = ("source_file", "source_sheet", "source_row")


def _items_part(s: str) -> tuple:
    """Items (without where they were read: a re-import of the export only moves that) and relations."""
    data = json.loads(s)
    items = {k: d and {f: v for f, v in d.items() if f not in _PROVENANCE} for k, d in data["items"].items()}
    return items, sorted(map(tuple, data["relations"]))


def restore(tlist: TownshipList, before: str, after: str) -> TownshipList:
    """Put the items of a decision back as they were, if they are still as the decision left them."""
    items = tuple(json.loads(after)["items"])
    depts = tuple(json.loads(after)["departments"])
    if _items_part(slice_of(tlist, items, depts)) != _items_part(after):
        raise Conflict("这些事项在此决定之后又被修改过；请先撤销之后的决定 "
                       "(the items changed since; undo the later decisions first)")
    old = json.loads(before)
    w = _Work.of(tlist)
    keys = set(items)
    w.rels = {r for r in w.rels if r.src not in keys and r.dst not in keys}
    for key, d in old["items"].items():
        if d is None:
            w.items.pop(key, None)
        else:
            cur = w.items.get(key)
            item = node_from_dict(d)
            w.items[key] = replace(item, **{f: getattr(cur, f) for f in _PROVENANCE}) if cur else item
    for key, d in old["departments"].items():
        if d is not None:
            cur = w.depts.get(key)
            dept = node_from_dict(d)
            if cur is not None:
                dept = replace(dept, aliases=tuple(sorted(set(dept.aliases) | set(cur.aliases))))
            w.depts[key] = dept
            w.rels.add(Relation(key, RelType.IN_TOWNSHIP.value, township_key(w.township)))
        w.touched_depts.add(key)
    for src, rtype, dst, text in old["relations"]:
        w.rels.add(Relation(src, rtype, dst, text))
    # bases the old relations cite: keep those the list still has, bring back the others
    for rel in w.rels:
        if rel.type == RelType.BASED_ON and rel.dst not in w.bases:
            law, _, art = rel.dst.removeprefix("basis:").partition("#")
            w.bases[rel.dst] = LegalBasis(rel.dst, law, int(art) if art else 0)
    return w.done()
