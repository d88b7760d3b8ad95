"""The domain model: nodes, relations and one township's list as an import unit.

All records are frozen dataclasses of plain values so that both stores can hand
out equal objects (parity tests compare them) and so that they serialise to JSON.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, ClassVar

from .errors import InvalidArgument
from .normalize import int_to_chinese, township_key
from .safe_text import check_township_name
from .vocab import DeptLevel, ListPart, NodeType, RelType

__all__ = [
    "Department",
    "DutyItem",
    "LegalBasis",
    "Node",
    "Relation",
    "Subgraph",
    "Township",
    "TownshipList",
    "Village",
    "node_from_dict",
    "node_to_dict",
    "county_dept_key",
    "is_shared",
    "merge_shared",
    "share_county_departments",
]


@dataclass(frozen=True, slots=True)
class Township:
    key: str
    name: str
    county: str = ""
    sources: tuple[str, ...] = ()  # the files the current list was imported from
    # Which columns each part's sheet had: sorted "part:field" entries (field as the loaders
    # name it: basis, time_limit, procedure, code, upper_duty …). () = not recorded (older stores).
    layout: tuple[str, ...] = ()
    catalogue_of: str = ""  # set when the list is the reference catalogue (通用目录) of this county or province
    node_type: ClassVar[str] = NodeType.TOWNSHIP.value

    @property
    def township(self) -> str:
        return self.name

    def columns(self, part: str) -> frozenset[str] | None:
        """The fields the sheet of ``part`` had, or None when the layout was not recorded.

        >>> t = Township("township:x", "X镇", layout=("基本履职事项:basis", "基本履职事项:name"))
        >>> sorted(t.columns("基本履职事项")), t.columns("配合履职事项"), Township("k", "Y镇").columns("基本履职事项")
        (['basis', 'name'], frozenset(), None)
        """
        if not self.layout:
            return None
        prefix = part + ":"
        return frozenset(e[len(prefix):] for e in self.layout if e.startswith(prefix))


@dataclass(frozen=True, slots=True)
class DutyItem:
    """One duty item (事项) as listed, with every text the sheet gave for it."""

    key: str
    township: str
    name: str
    code: str = ""
    sub_item: str = ""  # 子项 of older power lists
    part: str = ListPart.UNKNOWN.value
    power_type: str = ""  # one of POWER_TYPES, or the text as written when outside them
    power_type_raw: str = ""  # the cell before synonym mapping
    category: str = ""  # 事项类别 / 分类
    content: str = ""  # 具体内容 / 履职内容
    procedure: str = ""  # 实施程序
    time_limit: str = ""  # 办理时限
    lead_text: str = ""  # 责任主体 as written, before reconciliation
    cooperate_text: str = ""  # 配合部门 as written
    village_text: str = ""  # 村（社区）职责
    upper_duty: str = ""  # 上级部门职责 (配合 items)
    township_duty: str = ""  # 镇街配合职责 (配合 items)
    receiving_dept: str = ""  # 承接部门 (收回 items)
    work_mode: str = ""  # 工作方式 (收回 items)
    basis_text: str = ""  # 依据 as written
    responsibility: str = ""  # 责任事项
    accountability: str = ""  # 追责情形
    note: str = ""  # 备注
    extra: tuple[tuple[str, str], ...] = ()  # columns we could not map, kept verbatim
    filled: tuple[str, ...] = ()  # fields whose value came from a cell above (merged range, fill-down, 同上)
    village_groups: tuple[str, ...] = ()  # village phrases not resolved to villages (沿河各村, 相关村), kept as text
    same_duty: tuple[str, ...] = ()  # keys of the same item listed in another part (基本 and 收回 …)
    source_file: str = ""
    source_sheet: str = ""
    source_row: int = 0  # the row number a person sees in Excel (1-based)
    node_type: ClassVar[str] = NodeType.ITEM.value

    @property
    def label(self) -> str:
        return f"{self.name}（{self.sub_item}）" if self.sub_item else self.name

    @property
    def source(self) -> str:
        """Where the item came from, as a person would look it up."""
        where = f"{self.source_file} / {self.source_sheet}" if self.source_sheet else self.source_file
        return f"{where} 第{self.source_row}行" if self.source_row else where


@dataclass(frozen=True, slots=True)
class Department:
    """An office. A county department of a township with a known county is shared: one node
    per county (``township`` empty, ``county`` set, see :func:`share_county_departments`)."""

    key: str
    township: str
    name: str  # canonical name
    level: str = DeptLevel.UNKNOWN.value
    aliases: tuple[str, ...] = ()  # spellings met in the list(s), sorted
    county: str = ""  # set on a shared county department
    node_type: ClassVar[str] = NodeType.DEPARTMENT.value


@dataclass(frozen=True, slots=True)
class Village:
    key: str
    township: str
    name: str
    kind: str = "村"  # 村 or 社区
    node_type: ClassVar[str] = NodeType.VILLAGE.value


@dataclass(frozen=True, slots=True)
class LegalBasis:
    """A law, or one article of it (article 0 = the law as a whole). Shared by townships."""

    key: str
    law: str  # normalised title: no 《》, no 中华人民共和国 prefix
    article: int = 0
    node_type: ClassVar[str] = NodeType.BASIS.value

    @property
    def township(self) -> str:
        return ""

    @property
    def label(self) -> str:
        return f"《{self.law}》第{int_to_chinese(self.article)}条" if self.article else f"《{self.law}》"


Node = Township | DutyItem | Department | Village | LegalBasis
_NODE_CLASSES: dict[str, type] = {c.node_type: c for c in (Township, DutyItem, Department, Village, LegalBasis)}


_REL_VALUES = frozenset(t.value for t in RelType) | frozenset(RelType)


@dataclass(frozen=True, slots=True, order=True)
class Relation:
    """A typed edge between two node keys; ``text`` is the part, role or citation."""

    src: str
    type: str
    dst: str
    text: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.type, str) or self.type not in _REL_VALUES:  # a set test: the enum
            RelType(self.type)  # constructor per relation cost 0.14 s a county; raises ValueError outside the set


@dataclass(frozen=True, slots=True)
class Subgraph:
    """A set of nodes and the relations among them (a neighbourhood, a chain)."""

    nodes: tuple[Node, ...]
    relations: tuple[Relation, ...]

    @property
    def keys(self) -> set[str]:
        return {n.key for n in self.nodes}


@dataclass(slots=True)
class TownshipList:
    """Everything one import brings for one township; replaced as a whole in a store."""

    township: Township
    items: list[DutyItem] = field(default_factory=list)
    departments: list[Department] = field(default_factory=list)
    villages: list[Village] = field(default_factory=list)
    bases: list[LegalBasis] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)

    @classmethod
    def empty(cls, name: str, county: str = "") -> "TownshipList":
        return cls(Township(township_key(name), name, county))

    def nodes(self) -> list[Node]:
        return [self.township, *self.items, *self.departments, *self.villages, *self.bases]

    def check(self) -> None:
        """Raise InvalidArgument unless the list is whole: unique node keys, relations inside it,
        and one relation per (src, type, dst).

        Two texts for one relation would leave which text is stored to chance (set order in
        memory, row order in Neo4j): the loaders join such texts with ；.
        """
        if check_township_name(self.township.name) != self.township.name:
            raise InvalidArgument(f"the township name {self.township.name!r} must not hold whitespace")
        keys = [n.key for n in self.nodes()]
        known = set(keys)
        if len(known) != len(keys):
            dupes = sorted(k for k, n in Counter(keys).items() if n > 1)
            raise InvalidArgument(f"duplicate node keys in the list: {dupes[:5]}")
        ends = {r.src for r in self.relations} | {r.dst for r in self.relations}
        triples = {(r.src, r.type, r.dst) for r in self.relations}
        if ends <= known and len(triples) == len(self.relations):
            return  # set operations first (every import checks its list); the loop below names the culprit
        seen: set[tuple[str, str, str]] = set()
        for rel in self.relations:
            if rel.src not in known or rel.dst not in known:
                raise InvalidArgument(f"relation {rel} points outside the list")
            if (rel.src, rel.type, rel.dst) in seen:
                raise InvalidArgument(f"two relations {rel.src} -{rel.type}-> {rel.dst}: join their texts into one")
            seen.add((rel.src, rel.type, rel.dst))

    def counts(self) -> dict[str, int]:
        return {
            NodeType.ITEM.value: len(self.items),
            NodeType.DEPARTMENT.value: len(self.departments),
            NodeType.VILLAGE.value: len(self.villages),
            NodeType.BASIS.value: len(self.bases),
            "relations": len(self.relations),
        }


def county_dept_key(county: str, canonical_name: str) -> str:
    """The key of a county department shared by every township of ``county``.

    >>> county_dept_key("东河县", "县自然资源局")
    'dept:county:东河县:县自然资源局'
    """
    return f"dept:county:{county}:{canonical_name}"


def is_shared(node: Node) -> bool:
    """A node no single township owns: a legal basis, or a shared county department."""
    return node.township == ""


def merge_shared(new: Node, old: Node | None) -> Node:
    """What a shared node becomes when one more township brings it: a county department keeps
    every spelling any township read it under, so that townships do not overwrite each other."""
    if old is None or not isinstance(new, Department) or not isinstance(old, Department):
        return new
    aliases = tuple(sorted(set(new.aliases) | set(old.aliases)))
    return new if aliases == new.aliases else replace(new, aliases=aliases)


def share_county_departments(tlist: TownshipList) -> TownshipList:
    """Turn the county departments of a township whose county is known into shared nodes.

    Each ``Department`` of level 县级部门 is re-keyed by county + canonical name and loses its
    township, so that every township of the county points at one node; relations follow the
    new keys. A township without a county is returned unchanged, and townships of different
    counties never share a department.

    >>> tl = TownshipList.empty("甲镇", "东河县")
    >>> tl.departments = [Department("dept:甲镇:县自然资源局", "甲镇", "县自然资源局", DeptLevel.COUNTY.value)]
    >>> tl.relations = [Relation("dept:甲镇:县自然资源局", "IN_TOWNSHIP", "township:甲镇")]
    >>> out = share_county_departments(tl)
    >>> [(d.key, d.township, d.county) for d in out.departments], out.relations[0].src
    ([('dept:county:东河县:县自然资源局', '', '东河县')], 'dept:county:东河县:县自然资源局')
    """
    county = tlist.township.county
    if not county:
        return tlist
    renamed: dict[str, str] = {}
    departments = []
    for d in tlist.departments:
        if d.level == DeptLevel.COUNTY.value and d.township:
            new = replace(d, key=county_dept_key(county, d.name), township="", county=county)
            renamed[d.key] = new.key
            departments.append(new)
        else:
            departments.append(d)
    if not renamed:
        return tlist
    # the relations that name a renamed department are rebuilt, the others kept; sorted on their
    # fields (Relation's own order without the dataclass __lt__: 0.4 M calls for a county)
    relations = sorted({r if r.src not in renamed and r.dst not in renamed
                        else Relation(renamed.get(r.src, r.src), r.type, renamed.get(r.dst, r.dst), r.text)
                        for r in tlist.relations}, key=lambda r: (r.src, r.type, r.dst, r.text))
    return TownshipList(tlist.township, list(tlist.items), sorted(departments, key=lambda d: d.key),
                        list(tlist.villages), list(tlist.bases), relations)


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def node_to_dict(node: Node) -> dict[str, Any]:
    """The node's fields as a dict, as ``dataclasses.asdict`` gives them (plus ``node_type``).

    Node fields hold str, int and tuples of them, which need no deep copy: reading the fields
    directly is ~10× faster than ``asdict`` (profiled: ``asdict`` was 12 of 25 s of a county's
    import + save, through the review round's snapshot and the store file).
    """
    names = _FIELD_NAMES.get(type(node))
    if names is None:
        names = _FIELD_NAMES[type(node)] = tuple(f.name for f in fields(node))
    data = {name: getattr(node, name) for name in names}
    if any(isinstance(v, (list, dict, set)) for v in data.values()):  # a mutable field: copy it deeply
        data = asdict(node)
    data["node_type"] = node.node_type
    return data


def node_from_dict(data: dict[str, Any]) -> Node:
    cls = _NODE_CLASSES[data["node_type"]]
    kwargs = {}
    for f in fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        if isinstance(value, list):  # JSON turns tuples into lists
            value = tuple(tuple(v) if isinstance(v, list) else v for v in value)
        kwargs[f.name] = value
    return cls(**kwargs)
