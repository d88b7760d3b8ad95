"""Deterministic random duty lists for property and parity tests.

``generate(seed, size)`` returns a TownshipList with departments of every level (镇街内设机构,
县派驻机构, 县级部门, 未知), villages and communities, legal bases (whole laws and
articles, cited with and without 中华人民共和国), items of every part and power type (plus a
non-standard one) with 0..3 leads, placeholders, self-governed items, village texts, and
FOLLOWED_BY chains including cycles. The same seed always gives the same list, so a failing
example can be rebuilt by seed; the Neo4j parity test loads the same lists into both stores.
"""

from __future__ import annotations

import random

from graphmodel import POWER_TYPES, DeptLevel, ListPart, TownshipList
from queries._examples import ListBuilder

__all__ = ["DEPARTMENTS", "generate"]

DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("党政综合办", DeptLevel.TOWNSHIP.value),
    ("经济发展办", DeptLevel.TOWNSHIP.value),
    ("社会事务办", DeptLevel.TOWNSHIP.value),
    ("综合行政执法队", DeptLevel.TOWNSHIP.value),
    ("农业农村办", DeptLevel.TOWNSHIP.value),
    ("自然资源所", DeptLevel.STATION.value),
    ("派出所", DeptLevel.STATION.value),
    ("县农业农村局", DeptLevel.COUNTY.value),
    ("县自然资源局", DeptLevel.COUNTY.value),
    ("县城管局", DeptLevel.COUNTY.value),
    ("县消防救援大队", DeptLevel.COUNTY.value),
    ("老年协会", DeptLevel.UNKNOWN.value),
)
_SUBJECTS = ("农村宅基地", "生活垃圾", "消防安全", "森林防火", "违法建设", "燃气安全", "食品经营", "耕地保护",
             "河道管理", "动物防疫", "学生资助", "低保对象", "渔业资源", "秸秆焚烧", "农药经营", "地质灾害")
_ACTIONS = ("审批", "巡查", "检查", "处罚", "清运保洁", "治理", "登记", "确认", "补贴发放", "宣传", "整治")
_LAWS = ("土地管理法", "城乡规划法", "消防法", "森林法", "食品安全法", "社会救助暂行办法", "动物防疫法")
_VILLAGES = ("东村", "西村", "南村", "北村", "中心村", "河滨社区", "新华社区")
_PLACEHOLDERS = ("待定", "待明确", "暂无", "/")
_VILLAGE_TEXTS = ("各村（社区）负责日常巡查", "所在村协助核实", "全镇各村配合宣传", "村民小组配合")
PARTS = (ListPart.BASIC.value, ListPart.COOPERATE.value, ListPart.WITHDRAWN.value, ListPart.UNKNOWN.value)


def generate(seed: int, size: int = 30, township: str | None = None) -> TownshipList:
    """A random but reproducible list of ``size`` items for township ``township`` (default 随机{seed}镇)."""
    rnd = random.Random(seed)
    town = township or f"随机{seed}镇"
    villages = _VILLAGES[: rnd.randint(2, len(_VILLAGES))]
    b = ListBuilder(town, villages=villages)
    depts = [d for d in DEPARTMENTS if rnd.random() < 0.8] or list(DEPARTMENTS[:3])
    for name, level in depts:
        b.dept(name, level)
    names: set[str] = set()
    keys: list[str] = []
    for i in range(size):
        name = rnd.choice(_SUBJECTS) + rnd.choice(_ACTIONS)
        while name in names:
            name += rnd.choice("一二三四五")
        names.add(name)
        part = rnd.choices(PARTS, weights=(5, 3, 3, 1))[0]
        power = rnd.choice(POWER_TYPES) if rnd.random() < 0.95 else "行政裁决"
        n_leads = rnd.choices((0, 1, 2, 3), weights=(2, 8, 2, 1))[0]
        leads = [(d, rnd.choice(("", "负责受理", "组织实施"))) for d, _ in rnd.sample(depts, min(n_leads, len(depts)))]
        coops = [(d, rnd.choice(("", "配合核查"))) for d, _ in rnd.sample(depts, min(rnd.randint(0, 2), len(depts)))]
        fields: dict[str, object] = {}
        if not leads:
            roll = rnd.random()
            if roll < 0.3:
                fields["lead_text"] = rnd.choice(_PLACEHOLDERS)
            elif roll < 0.45:
                fields["work_mode"] = "交由村民自治组织办理"
        if part == ListPart.COOPERATE.value:
            if rnd.random() < 0.7:
                fields["upper_duty"] = "负责立案查处"
            if rnd.random() < 0.7:
                fields["township_duty"] = "发现并报告"
        if part == ListPart.WITHDRAWN.value and leads:
            fields["receiving_dept"] = leads[0][0]
            fields["work_mode"] = "发现报告"
        linked = [(v, "协助") for v in villages if rnd.random() < 0.5] if rnd.random() < 0.5 else []
        if rnd.random() < 0.35:
            fields["village_text"] = rnd.choice(_VILLAGE_TEXTS)
        bases = []
        for _ in range(rnd.choices((0, 1, 2), weights=(2, 6, 2))[0]):
            law = rnd.choice(_LAWS)
            title = f"中华人民共和国{law}" if rnd.random() < 0.4 and not law.endswith("办法") else law
            article = rnd.choice((0, rnd.randint(1, 80)))
            bases.append(f"《{title}》" + (f"第{article}条" if article else ""))
        for f, p in (("time_limit", 0.8), ("procedure", 0.7)):
            if rnd.random() < p:
                fields[f] = "20个工作日" if f == "time_limit" else "受理—审查—决定"
        if rnd.random() < 0.5:
            fields["content"] = f"负责{name}相关工作，" + rnd.choice(("依法组织实施", "配合上级部门开展", "定期检查并报告"))
        code = f"G{seed}-{i:03d}" if rnd.random() < 0.85 else ""
        keys.append(b.item(name, part=part, power_type=power, leads=leads, coops=coops, villages=linked,
                           bases=bases, code=code, **fields))
    # chains: a few random paths, sometimes closed into a cycle
    for _ in range(rnd.randint(0, max(1, size // 8))):
        path = rnd.sample(keys, min(len(keys), rnd.randint(2, 4)))
        b.link(*path)
        if rnd.random() < 0.25:
            b.link(path[-1], path[0])
    return b.build()
