"""A small list builder and the tiny example township that the doctests and tests use."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise

from graphmodel import (
    Department,
    DeptLevel,
    DutyItem,
    DutyStore,
    LegalBasis,
    ListPart,
    Relation,
    TownshipList,
    Village,
    open_store,
)
from graphmodel.normalize import (
    basis_key,
    canonical_department,
    dept_key,
    item_key,
    parse_citations,
    village_key,
)

__all__ = ["ListBuilder", "example_list", "example_store", "guess_level", "text_list", "text_store"]


def guess_level(name: str) -> str:
    """The import rules' level heuristic for a department not in an alias table.

    >>> guess_level("县农业农村局"), guess_level("自然资源所"), guess_level("党政综合办")
    ('县级部门', '县派驻机构', '镇街内设机构')
    """
    if name.startswith(("县", "市", "区")) or name.endswith("局"):
        return DeptLevel.COUNTY.value
    if name.endswith(("所", "站", "中队", "分局")):
        return DeptLevel.STATION.value
    return DeptLevel.TOWNSHIP.value


PartyArg = str | tuple[str, str]  # a name, or (name, text of its part)


class ListBuilder:
    """Build a TownshipList by name, the way a sheet would read.

    Departments named in ``leads``/``coops`` are created on first use with the level
    of :func:`guess_level` unless :meth:`dept` set another one first.

    >>> b = ListBuilder("样例镇", villages=("东村",))
    >>> k = b.item("秸秆禁烧巡查", leads=["农业农村办"], villages=["东村"])
    >>> tl = b.build()
    >>> len(tl.items), len(tl.departments), len(tl.relations)
    (1, 1, 5)
    """

    def __init__(self, township: str = "示例镇", villages: Iterable[str | tuple[str, str]] = (), county: str = ""):
        self.township = township
        self.county = county
        self._items: dict[str, DutyItem] = {}
        self._depts: dict[str, Department] = {}
        self._villages: dict[str, Village] = {}
        self._bases: dict[str, LegalBasis] = {}
        self._rels: dict[tuple[str, str, str], list[str]] = {}  # (src, type, dst) -> its texts
        self._names: dict[str, str] = {}
        for v in villages:
            name, kind = (v, "社区" if v.endswith("社区") else "村") if isinstance(v, str) else v
            self.village(name, kind)

    # ---- nodes -------------------------------------------------------------------------
    def dept(self, name: str, level: str | None = None) -> str:
        canon = canonical_department(name, self.township)
        key = dept_key(self.township, canon)
        if key not in self._depts or level is not None:
            self._depts[key] = Department(key, self.township, canon, level or guess_level(canon))
        return key

    def village(self, name: str, kind: str = "村") -> str:
        key = village_key(self.township, name)
        self._villages.setdefault(key, Village(key, self.township, name, kind))
        return key

    def item(self, name: str, *, part: str = ListPart.BASIC.value, power_type: str = "公共服务",
             leads: Iterable[PartyArg] = (), coops: Iterable[PartyArg] = (),
             villages: Iterable[PartyArg] = (), bases: Iterable[str] = (), code: str = "",
             sub_item: str = "", **fields: object) -> str:
        """Add an item; ``bases`` are citation texts (《法》第N条), parsed like the loader does."""
        key = item_key(self.township, code, name, sub_item)
        leads, coops, villages = list(leads), list(coops), list(villages)
        fields.setdefault("lead_text", "、".join(_name(p) for p in leads))
        fields.setdefault("cooperate_text", "、".join(_name(p) for p in coops))
        fields.setdefault("source_file", "示例清单.xlsx")
        fields.setdefault("source_sheet", part)
        fields.setdefault("source_row", len(self._items) + 3)
        self._items[key] = DutyItem(key=key, township=self.township, name=name, code=code, sub_item=sub_item,
                                    part=part, power_type=power_type, power_type_raw=power_type, **fields)
        self._names.setdefault(name, key)
        for rel_type, parties in (("LEADS", leads), ("COOPERATES_ON", coops)):
            for p in parties:
                self._relate(self.dept(_name(p)), rel_type, key, _text(p))
        for v in villages:
            self._relate(self.village(_name(v)), "ASSISTS", key, _text(v))
        for cited in bases:
            for title, law, article in parse_citations(cited):
                bkey = basis_key(law, article)
                self._bases.setdefault(bkey, LegalBasis(bkey, law, article))
                self._relate(key, "BASED_ON", bkey, f"《{title}》" + (f"第{article}条" if article else ""))
        return key

    def _relate(self, src: str, rel_type: str, dst: str, text: str = "") -> None:
        """One relation per (src, type, dst), as the loaders make them: its texts joined with ；."""
        texts = self._rels.setdefault((src, rel_type, dst), [])
        if text and text not in texts:
            texts.append(text)

    def link(self, *names_or_keys: str) -> None:
        """FOLLOWED_BY along the given items (names or keys): link(a, b, c) is a→b→c."""
        keys = [self._names.get(n, n) for n in names_or_keys]
        for a, b in pairwise(keys):
            self._relate(a, "FOLLOWED_BY", b)

    def key(self, name: str) -> str:
        return self._names[name]

    def build(self) -> TownshipList:
        tl = TownshipList.empty(self.township, self.county)
        tl.items = sorted(self._items.values(), key=lambda n: n.key)
        tl.departments = sorted(self._depts.values(), key=lambda n: n.key)
        tl.villages = sorted(self._villages.values(), key=lambda n: n.key)
        tl.bases = sorted(self._bases.values(), key=lambda n: n.key)
        tl.relations = sorted(Relation(s, t, d, "；".join(texts)) for (s, t, d), texts in self._rels.items())
        tl.relations += [Relation(n.key, "IN_TOWNSHIP", tl.township.key) for n in (*tl.items, *tl.departments, *tl.villages)]
        return tl


def _name(p: PartyArg) -> str:
    return p if isinstance(p, str) else p[0]


def _text(p: PartyArg) -> str:
    return "" if isinstance(p, str) else p[1]


def example_list() -> TownshipList:
    """示例镇: ten items with one of nearly every boundary problem (used by doctests)."""
    b = ListBuilder("示例镇", villages=("东村", "西村", "南社区"))
    full = {"time_limit": "20个工作日", "procedure": "受理—审查—决定"}
    b.item("农村宅基地审批管理", power_type="行政许可", code="SL-001",
           leads=[("农业农村办", "受理并审查"), ("自然资源所", "审查用地")],
           villages=[("东村", "初审公示"), ("西村", "初审公示")],
           bases=["《中华人民共和国土地管理法》第六十二条"], **full)
    b.item("宅基地使用权确认", power_type="行政确认", code="SL-002", leads=["自然资源所"],
           bases=["《土地管理法》第六十二条"], **full)
    b.item("农村生活垃圾治理", code="SL-003", leads=["环卫所"], villages=[("东村", "日常保洁"), ("西村", "日常保洁")],
           village_text="各村（社区）负责日常保洁", bases=["《村庄和集镇规划建设管理条例》"], **full)
    b.item("农村生活垃圾清运保洁", leads=["综合行政执法队"], bases=["《村庄和集镇规划建设管理条例》"], **full)
    b.item("消防安全检查", power_type="行政检查", code="SL-005", leads=["综合行政执法队"],
           bases=["《中华人民共和国消防法》第三十一条"], **full)
    b.item("对违反消防安全规定行为的处罚", part=ListPart.COOPERATE.value, power_type="行政处罚", code="SL-006",
           leads=[("县消防救援大队", "立案处罚")], coops=[("综合行政执法队", "发现移送")],
           upper_duty="立案处罚", township_duty="发现移送", bases=["《消防法》第六十条"], **full)
    b.item("未批先建住宅的处罚", part=ListPart.WITHDRAWN.value, power_type="行政处罚", code="SL-007",
           leads=[("县农业农村局", "发现报告")], receiving_dept="县农业农村局", work_mode="发现报告",
           bases=["《中华人民共和国土地管理法》第七十八条"])
    b.item("违法建设巡查", power_type="行政检查", code="SL-008", lead_text="待定",
           bases=["《中华人民共和国城乡规划法》第六十五条"], **full)
    b.item("责令停止违法建设", power_type="行政强制", code="SL-009", leads=["综合行政执法队"],
           bases=["《城乡规划法》第六十五条"], **full)
    b.item("农村集体资产监督", power_type="其他行政权力", code="SL-010")
    b.link("消防安全检查", "对违反消防安全规定行为的处罚")
    b.link("违法建设巡查", "责令停止违法建设")
    return b.build()


def example_store() -> DutyStore:
    """An unsaved memory store holding :func:`example_list`."""
    store = open_store("memory", data_dir=None)
    store.replace_township(example_list())
    return store


def text_list() -> TownshipList:
    """文本镇: the duty texts the text-reading kinds look at, each with a look-alike that is fine."""
    b = ListBuilder("文本镇", villages=("东村", "西村"))
    withdrawn, coop = ListPart.WITHDRAWN.value, ListPart.COOPERATE.value
    b.dept("环卫所", DeptLevel.TOWNSHIP.value)
    b.item("乡规划审批", part=withdrawn, power_type="行政许可", leads=["县自然资源局"],
           receiving_dept="县自然资源局", work_mode="组织编制并报批", bases=["《城乡规划法》第二十二条"])
    b.item("取水许可", part=withdrawn, power_type="行政许可", leads=["县水利局"], receiving_dept="县水利局",
           work_mode="不再承担，引导申请人至县政务服务中心办理", bases=["《水法》第四十八条"])
    b.item("城镇生活垃圾处理设施运行监管", part=coop, leads=[("县城管局", "监督检查")], coops=["环卫所"],
           upper_duty="监督检查", township_duty="负责镇垃圾中转站日常运行", bases=["《固体废物污染环境防治法》"])
    b.item("消防安全检查配合", part=coop, power_type="行政检查", leads=["县消防救援大队"], coops=["综合行政执法队"],
           upper_duty="监督检查公众聚集场所",
           township_duty="协助县局开展检查，提供场所信息", bases=["《消防法》第五十三条"])
    b.item("城乡居民医疗保险费征缴", power_type="行政征收", leads=["社会事务办"], villages=["东村", "西村"],
           village_text="各村（社区）负责代收代缴城乡居民医保费", bases=["《社会保险法》第二十五条"])
    b.item("农村生活垃圾分类", leads=["经济发展办"], villages=[("东村", "协助宣传"), ("西村", "协助宣传")],
           village_text="各村（社区）协助宣传垃圾分类", bases=["《固体废物污染环境防治法》第四十九条"])
    b.item("农村宅基地审批", power_type="行政许可", leads=["农业农村服务中心"], villages=[("东村", "宣传政策")],
           bases=["《土地管理法》第六十二条"])
    b.item("农村宅基地审批管理", part=withdrawn, power_type="行政许可", leads=["县农业农村局"],
           receiving_dept="县农业农村局", work_mode="发现线索告知县农业农村局", bases=["《土地管理法》第六十二条"])
    b.item("建筑垃圾处置监督", power_type="行政检查", leads=["综合行政执法队"], bases=["《城市市容和环境卫生管理条例》"])
    b.item("占道经营行为处罚", power_type="行政处罚", leads=["综合行政执法队"],
           bases=["《城市市容和环境卫生管理条例》第三十六条", "《行政处罚法》第二十四条"])
    b.item("河道巡查", power_type="行政检查", leads=["综合行政执法队"], bases=["《某省河道管理办法》第五条"])
    return b.build()


def text_store() -> DutyStore:
    """An unsaved memory store holding :func:`text_list` and its 赋权 list (占道经营行为处罚 delegated)."""
    from graphmodel.delegation import Delegation

    store = open_store("memory", data_dir=None)
    store.replace_township(text_list())
    store.import_delegations("文本镇", [Delegation("占道经营行为处罚", "某县政发〔2024〕1号", "2024-03-01")], editor="示例")
    return store
