"""Records of the review process: meetings, decisions, rounds, change requests, the audit trail.

The review of a list goes 部门自评 → 专班联审 → 专家评审, with boundary meetings (专题研讨)
in between. Each meeting may take decisions (:class:`Decision`: a few typed
operations, :class:`Op`, applied to the township's list); each import and each
closed meeting makes a :class:`Round` (a snapshot of the list); townships and
departments file :class:`ChangeRequest` s (清单动态调整 / 准入); every change leaves an
:class:`AuditEntry` (who, when, what, why).

All records are frozen dataclasses of plain values that go to and from JSON
(``to_dict`` / ``from_dict``), so both stores keep them alike.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, fields, replace
from operator import attrgetter
from typing import Any

import orjson

from .errors import InvalidArgument
from .model import Relation, Township, TownshipList, node_from_dict, node_to_dict

__all__ = [
    "ACTIONS",
    "ACTIONS_EN",
    "DECISION_STATES",
    "LEAD_OTHERS",
    "LEAD_OTHERS_EN",
    "REQUEST_STATES",
    "ROUND_KINDS",
    "AuditEntry",
    "ChangeRequest",
    "Decision",
    "ListSnapshot",
    "Meeting",
    "Op",
    "ReviewSettings",
    "Round",
    "blob_text",
    "describe_decision",
    "describe_op",
    "list_from_dict",
    "list_to_dict",
    "list_to_json",
    "now_iso",
    "same_content",
]

#: What a decision can do to an item (see :mod:`graphmodel.listedit`).
ACTIONS: dict[str, str] = {
    "set_lead": "确定牵头部门",
    "move_to_cooperating": "改为配合部门",
    "add_cooperator": "增加配合部门",
    "remove_cooperator": "移除配合部门",
    "add_village_role": "明确村（社区）职责",
    "accept_shared": "确认共同负责并写明分工",
    "add_basis": "补充法律依据",
    "add_item": "新增事项",
}
#: Where the other leads of an item go when ``set_lead`` names one department (``Op.others``).
#: A meeting that settles an overlap most often keeps the other office as a cooperator.
LEAD_OTHERS: dict[str, str] = {
    "cooperate": "其他牵头部门改为配合（保留职责说明）",
    "remove": "其他牵头部门移出本事项",
    "stay": "其他牵头部门仍为牵头",
}
#: :data:`ACTIONS` and :data:`LEAD_OTHERS` in English (``describe_op(..., lang="en")``, the dashboard's English mode).
ACTIONS_EN: dict[str, str] = {
    "set_lead": "set the lead",
    "move_to_cooperating": "move a lead to cooperating",
    "add_cooperator": "add a cooperating department",
    "remove_cooperator": "remove a cooperating department",
    "add_village_role": "set a village's part",
    "accept_shared": "accept shared leads with a split of duties",
    "add_basis": "add a legal basis",
    "add_item": "add an item",
}
LEAD_OTHERS_EN: dict[str, str] = {
    "cooperate": "the other leads become cooperating, keeping their duty text",
    "remove": "the other leads are taken off the item",
    "stay": "the other leads stay leads",
}
DECISION_STATES = ("proposed", "applied", "rejected", "undone")
REQUEST_STATES = ("submitted", "reviewed", "approved", "rejected")
ROUND_KINDS = ("import", "meeting", "manual")


def now_iso() -> str:
    """The current time, UTC, to the second (ISO 8601)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _tuples(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value


def _from(cls, data: dict[str, Any]):
    names = {f.name for f in fields(cls)}
    return cls(**{k: _tuples(v) for k, v in data.items() if k in names})


@dataclass(frozen=True, slots=True)
class Op:
    """One change to one item. ``target`` is a department, village or citation; ``text`` a role or split.

    ``add_item`` carries the new item's fields in ``fields`` (name, code, part, power_type, content).
    ``set_lead`` says in ``others`` where the item's other leads go (:data:`LEAD_OTHERS`;
    empty means ``cooperate``).
    """

    action: str
    item: str = ""
    target: str = ""
    text: str = ""
    level: str = ""  # level of a department the township does not have yet
    fields: tuple[tuple[str, str], ...] = ()
    others: str = ""  # set_lead: where the other leads go (LEAD_OTHERS)

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise InvalidArgument(f"unknown decision action {self.action!r}; use one of {', '.join(ACTIONS)}")
        if self.others and self.others not in LEAD_OTHERS:
            raise InvalidArgument(f"unknown choice for the other leads {self.others!r}; use one of {', '.join(LEAD_OTHERS)}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Op:
        return _from(cls, data)


def describe_op(op: Op, names: dict[str, str] | None = None, lang: str = "zh") -> str:
    """A sentence for minutes and tables; ``names`` maps item keys to item names.

    ``lang="en"`` words it in English (the dashboard's English mode); names, departments and the
    decision's own text stay as written, the text in corner quotes.

    >>> describe_op(Op("set_lead", "item:X镇:code:1", "农业农村办"), {"item:X镇:code:1": "宅基地审批"})
    '「宅基地审批」确定牵头部门：农业农村办（其他牵头部门改为配合（保留职责说明））'
    >>> describe_op(Op("set_lead", "k", "农业农村办", others="remove"))
    '「k」确定牵头部门：农业农村办（其他牵头部门移出本事项）'
    >>> describe_op(Op("accept_shared", "k", text="甲负责审批"), {"k": "宅基地审批"}, lang="en")
    '「宅基地审批」: accept shared leads with a split of duties: 「甲负责审批」'
    """
    label = (names or {}).get(op.item, op.item) if op.item else dict(op.fields).get("name", "")
    if lang == "en":
        said = [op.target] if op.target else []
        said += [f"「{op.text}」"] if op.text else []
        tail = ": " + ", ".join(said) if said else ""
        if op.action == "set_lead":
            tail += f" ({LEAD_OTHERS_EN[op.others or 'cooperate']})"
        return f"「{label}」: {ACTIONS_EN[op.action]}{tail}"
    what = ACTIONS[op.action]
    tail = "：" + "，".join(t for t in (op.target, op.text) if t) if (op.target or op.text) else ""
    if op.action == "set_lead":  # the minutes say where the other leads went
        tail += f"（{LEAD_OTHERS[op.others or 'cooperate']}）"
    return f"「{label}」{what}{tail}"


def describe_decision(d: Decision, names: dict[str, str] | None = None, lang: str = "zh") -> str:
    """Its operations as one sentence (``names``: item keys to names; ``lang="en"`` in English)."""
    return ("; " if lang == "en" else "；").join(describe_op(o, names, lang) for o in d.ops)


class _Record:
    def to_dict(self) -> dict[str, Any]:
        return json.loads(json.dumps(asdict(self), ensure_ascii=False))

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return _from(cls, data)


@dataclass(frozen=True, slots=True)
class Meeting(_Record):
    """A boundary meeting (专题研讨) or review session of one township."""

    id: str
    township: str
    title: str
    date: str  # YYYY-MM-DD
    participants: tuple[str, ...] = ()
    stage: str = "专班联审"  # 部门自评 / 专班联审 / 专家评审 / 专题研讨
    recorded_by: str = ""
    recorded_at: str = ""
    round: int = 0  # the round made when the meeting was closed (0: none made)
    closed_by: str = ""
    closed_at: str = ""  # '' while the meeting is open


@dataclass(frozen=True, slots=True)
class Decision(_Record):
    """A decision on a finding: operations on the list, with what they changed (before/after)."""

    id: str
    township: str
    ops: tuple[Op, ...]
    meeting: str = ""
    finding: tuple[tuple[str, str], ...] = ()  # (kind, subject, items) of the finding discussed
    note: str = ""
    status: str = "proposed"
    recorded_by: str = ""
    recorded_at: str = ""
    confirmed_by: str = ""
    confirmed_at: str = ""
    undone_by: str = ""
    undone_at: str = ""
    reason: str = ""  # why it was undone or rejected
    items: tuple[str, ...] = ()  # keys of the items it changed
    before: str = ""  # JSON slice of the list before (see listedit.slice_of)
    after: str = ""  # and after

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Decision:
        d = dict(data)
        d["ops"] = [Op.from_dict(o) if isinstance(o, dict) else o for o in d.get("ops", [])]
        rec = _from(cls, d)
        return replace(rec, ops=tuple(rec.ops))

    @property
    def finding_kind(self) -> str:
        return dict(self.finding).get("kind", "")


@dataclass(frozen=True, slots=True)
class Round(_Record):
    """A version of a township's list: made by an import that changed it, or by closing a meeting."""

    township: str
    number: int
    kind: str  # import / meeting / manual
    label: str = ""
    meeting: str = ""
    created_by: str = ""
    created_at: str = ""
    decisions: tuple[str, ...] = ()  # decisions applied since the previous round
    counts: tuple[tuple[str, int], ...] = ()  # items by part and in total

    @property
    def id(self) -> str:
        return f"R{self.number}"


@dataclass(frozen=True, slots=True)
class ChangeRequest(_Record):
    """A proposal to add or change an item (清单动态调整 / 准入), its review and its outcome."""

    id: str
    township: str
    title: str
    proposed_by: str  # the township or department that asks
    description: str = ""
    item: str = ""  # the item concerned ('' for a new item)
    ops: tuple[Op, ...] = ()
    status: str = "submitted"
    submitted_by: str = ""  # the editor who entered it
    submitted_at: str = ""
    meeting: str = ""  # the meeting that reviewed it
    review: str = ""  # the task force's opinion
    reviewed_by: str = ""
    reviewed_at: str = ""
    outcome_by: str = ""  # the county reviewer who approved or rejected it
    outcome_at: str = ""
    outcome_note: str = ""
    decision: str = ""  # the decision that applied an approved request

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChangeRequest:
        d = dict(data)
        d["ops"] = [Op.from_dict(o) if isinstance(o, dict) else o for o in d.get("ops", [])]
        rec = _from(cls, d)
        return replace(rec, ops=tuple(rec.ops))


@dataclass(frozen=True, slots=True)
class AuditEntry(_Record):
    """One line of the audit trail: who did what, when, to what, and why."""

    township: str
    seq: int
    at: str
    who: str
    action: str  # import / decision.record / decision.apply / decision.undo / round / meeting / request.* …
    target: str  # a decision, round, meeting or request id
    what: str = ""
    why: str = ""
    items: tuple[str, ...] = ()


# ---- snapshots of a township's list ------------------------------------------------------
def list_to_dict(tlist: TownshipList) -> dict[str, Any]:
    """A township's list as JSON data (nodes and relations sorted; tuples as lists)."""
    return json.loads(list_to_json(tlist))


def list_to_json(tlist: TownshipList) -> str:
    """:func:`list_to_dict` as compact JSON text, written once (what a round stores)."""
    data = {
        "township": _json_fields(tlist.township),
        "items": [_json_fields(n) for n in sorted(tlist.items, key=lambda n: n.key)],
        "departments": [_json_fields(n) for n in sorted(tlist.departments, key=lambda n: n.key)],
        "villages": [_json_fields(n) for n in sorted(tlist.villages, key=lambda n: n.key)],
        "bases": [_json_fields(n) for n in sorted(tlist.bases, key=lambda n: n.key)],
        "relations": [[r.src, r.type, r.dst, r.text] for r in sorted(tlist.relations, key=_rel_order)],
    }
    try:  # orjson writes the same text as json.dumps below (UTF-8, same escapes), 3× faster on a county
        return orjson.dumps(data).decode("utf-8")
    except TypeError:  # what orjson refuses (a lone surrogate, an int past 64 bits …): the json module decides
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


_GETTERS: dict[type, tuple[tuple[str, ...], Any]] = {}


def _json_fields(node: Any) -> dict[str, Any]:
    """``node_to_dict`` for text about to be written: the same JSON, without the copy of mutable
    fields (serialised at once, nothing keeps the dict); half of an import's round snapshot was
    that check (profiled on a county, bench/README.md)."""
    got = _GETTERS.get(type(node))
    if got is None:
        names = tuple(f.name for f in fields(node))
        got = _GETTERS[type(node)] = (names, attrgetter(*names))
    data = dict(zip(got[0], got[1](node)))
    data["node_type"] = node.node_type
    return data


class ListSnapshot:
    """A round's snapshot whose text is written when first read (:meth:`text`), not at import.

    An import's round is a copy of the list just imported; writing it as JSON was a tenth of a
    county's load (bench/README.md, "loadfast"), paid again by every import although the text is
    read only when the store is saved or a round is shown. The snapshot holds the list's frozen
    records in lists of its own (a caller changing its TownshipList afterwards changes nothing
    here); :meth:`text` is :func:`list_to_json` of them, made once.
    """

    __slots__ = ("_tlist", "_text")

    def __init__(self, tlist: TownshipList) -> None:
        self._tlist: TownshipList | None = TownshipList(
            tlist.township, list(tlist.items), list(tlist.departments), list(tlist.villages),
            list(tlist.bases), list(tlist.relations))
        self._text: str | None = None

    def text(self) -> str:
        if self._text is None:
            assert self._tlist is not None
            self._text, self._tlist = list_to_json(self._tlist), None
        return self._text


def blob_text(blob: Any) -> Any:
    """A stored blob as text: a :class:`ListSnapshot` written out, anything else as it is."""
    return blob.text() if isinstance(blob, ListSnapshot) else blob


def _rel_order(r: Relation) -> tuple[str, str, str, str]:
    return (r.src, r.type, r.dst, r.text)  # Relation's own order, without its dataclass __lt__


def list_from_dict(data: dict[str, Any]) -> TownshipList:
    town = node_from_dict(data["township"])
    assert isinstance(town, Township)
    return TownshipList(
        township=town,
        items=[node_from_dict(d) for d in data["items"]],
        departments=[node_from_dict(d) for d in data["departments"]],
        villages=[node_from_dict(d) for d in data["villages"]],
        bases=[node_from_dict(d) for d in data["bases"]],
        relations=[Relation(*r) for r in data["relations"]],
    )


_PROVENANCE = ("source_file", "source_sheet", "source_row")


def _content(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    # which files and which columns the list was read from are provenance, not content
    out["township"] = {k: v for k, v in data["township"].items() if k not in ("sources", "layout")}
    out["items"] = [{k: v for k, v in d.items() if k not in _PROVENANCE} for d in data["items"]]
    return out


def same_content(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two snapshots hold the same list apart from where each item was read."""
    return _content(a) == _content(b)


@dataclass(frozen=True, slots=True)
class ReviewSettings(_Record):
    """Per-township settings of the review: four eyes (a second editor confirms each decision)."""

    township: str
    four_eyes: bool = False
    changed_by: str = ""
    changed_at: str = ""
    # switching four eyes off takes two editors: the first one's request waits here
    pending_off_by: str = ""
    pending_off_at: str = ""

