"""A small XX镇 list built in Python, used only while loaders/sample_data has not landed.

It plants what the dashboard shows: an overlap (two leads), gaps (no lead), an
enforcement chain that changes owner and crosses to the county, items without a
legal basis or time limit, villages that assist.
"""

from __future__ import annotations

from pathlib import Path

from graphmodel import Department, DutyItem, LegalBasis, Relation, Township, TownshipList, Village
from graphmodel.normalize import basis_key, dept_key, item_key, township_key, village_key

T = "XX镇"

DEPTS = {
    "农业农村办": "镇街内设机构",
    "自然资源所": "县派驻机构",
    "综合行政执法队": "镇街内设机构",
    "环卫所": "镇街内设机构",
    "社会事务办": "镇街内设机构",
    "便民服务中心": "镇街内设机构",
    "县农业农村局": "县级部门",
    "县自然资源局": "县级部门",
    "县城管局": "县级部门",
}
VILLAGES = {"东村": "村", "西村": "村", "南街社区": "社区"}

# name, code, part, power type, leads, cooperators, villages, citations [(law, article)], time limit, next items
ITEMS = [
    ("农村宅基地审批", "001", "基本履职事项", "行政许可", ["农业农村办", "自然资源所"], ["便民服务中心"], ["东村", "西村"],
     [("土地管理法", 62)], "20个工作日", []),
    ("环境卫生整治", "002", "基本履职事项", "公共服务", [], ["环卫所", "综合行政执法队"], ["东村", "西村", "南街社区"], [], "", []),
    ("违法建设巡查", "003", "基本履职事项", "行政检查", ["综合行政执法队"], ["自然资源所"], ["东村"],
     [("城乡规划法", 65)], "即时", ["违法建设责令停止"]),
    ("违法建设责令停止", "004", "基本履职事项", "行政处罚", ["综合行政执法队"], [], [],
     [("城乡规划法", 65)], "3个工作日", ["违法建设强制拆除"]),
    ("违法建设强制拆除", "005", "配合履职事项", "行政强制", ["县城管局"], ["综合行政执法队"], [],
     [("城乡规划法", 64)], "", []),
    ("未批先建住宅处罚", "006", "上级部门收回事项", "行政处罚", ["县农业农村局"], [], [], [("土地管理法", 78)], "60日", []),
    ("消防安全检查", "007", "基本履职事项", "行政检查", [], ["综合行政执法队", "社会事务办"], ["南街社区"], [], "", ["消防违法行为处罚"]),
    ("消防违法行为处罚", "008", "配合履职事项", "行政处罚", [], [], [], [("消防法", 64)], "", []),
    ("临时救助金发放", "009", "基本履职事项", "行政给付", ["社会事务办"], ["便民服务中心"], ["东村", "西村", "南街社区"],
     [("社会救助暂行办法", 47)], "5个工作日", []),
    ("耕地保护监督检查", "010", "配合履职事项", "行政检查", ["县自然资源局", "县农业农村局"], ["自然资源所", "农业农村办"], ["西村"],
     [("土地管理法", 67)], "", []),
    ("农村低保审核", "011", "基本履职事项", "行政确认", ["社会事务办"], [], ["东村"], [("社会救助暂行办法", 11)], "30日", []),
    ("生活垃圾分类指导", "012", "基本履职事项", "公共服务", ["环卫所"], [], ["南街社区"], [], "", []),
]


def build_sample() -> TownshipList:
    depts = [Department(dept_key(T, n), T, n, lvl) for n, lvl in DEPTS.items()]
    villages = [Village(village_key(T, n), T, n, k) for n, k in VILLAGES.items()]
    by_name = {}
    items, rels, bases = [], [], {}
    for row, (name, code, part, ptype, leads, coops, vills, cites, limit, _nxt) in enumerate(ITEMS, start=4):
        key = item_key(T, code, name)
        by_name[name] = key
        basis_text = "；".join(f"《{law}》第{a}条" for law, a in cites)
        items.append(DutyItem(
            key=key, township=T, name=name, code=code, part=part, power_type=ptype, power_type_raw=ptype,
            content=f"{name}的具体内容", procedure="受理、审核、决定" if limit else "", time_limit=limit,
            lead_text="、".join(leads), cooperate_text="、".join(coops), village_text="协助" if vills else "",
            basis_text=basis_text, source_file="XX镇履行职责事项清单.xlsx", source_sheet=part, source_row=row,
        ))
        for n in leads:
            rels.append(Relation(dept_key(T, n), "LEADS", key, f"{n}负责{name}"))
        for n in coops:
            rels.append(Relation(dept_key(T, n), "COOPERATES_ON", key, f"{n}配合{name}"))
        for n in vills:
            rels.append(Relation(village_key(T, n), "ASSISTS", key, "协助摸排、宣传"))
        for law, art in cites:
            b = LegalBasis(basis_key(law, art), law, art)
            bases[b.key] = b
            rels.append(Relation(key, "BASED_ON", b.key, f"《{law}》第{art}条"))
        rels.append(Relation(key, "IN_TOWNSHIP", township_key(T)))
    for name, *_rest, nxt in ITEMS:
        for n in nxt:
            rels.append(Relation(by_name[name], "FOLLOWED_BY", by_name[n]))
    for d in depts:
        rels.append(Relation(d.key, "IN_TOWNSHIP", township_key(T)))
    for v in villages:
        rels.append(Relation(v.key, "IN_TOWNSHIP", township_key(T)))
    return TownshipList(Township(township_key(T), T, "XX县", ("XX镇履行职责事项清单.xlsx",)),
                        items, depts, villages, sorted(bases.values(), key=lambda b: b.key), rels)


def load_sample(store) -> None:
    """The bundled sample via the loaders when they have landed, else the list above."""
    try:
        import loaders
        from loaders import read_list
    except ImportError:  # loaders still being written
        read_list = None
    sample = Path(loaders.__file__).parent / "sample_data" / "XX镇履行职责事项清单.xlsx" if read_list else None
    if read_list is None or not sample.exists():
        store.replace_township(build_sample())
        return
    result = read_list([sample])
    assert result.ok, result.problems
    store.replace_township(result.tlist)
