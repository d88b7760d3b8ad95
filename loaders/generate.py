"""Generate realistic duty lists for many townships, with planted boundary problems and their ground truth.

``generate_lists(out_dir, townships=N, items_per_township=M, seed=S)`` writes, for each
township, the files a task force would publish and the loaders read
(:func:`loaders.read_list`), in the layouts of ``docs/import-rules.md``:

- even townships: one ``.xlsx`` workbook, one sheet per list part with a merged title row,
  merged 事项类别 cells over each category group, footnote rows, and a 村（社区）名录 sheet;
- odd townships: one CSV per part plus the village register, each opened by its title row
  (UTF-8 with BOM; every fourth CSV township in GB18030, as exported by older WPS).

Item names, contents, power types and legal bases come from the bundled sample list
(``loaders/sample_data``, read through the loaders themselves) plus subject × action
combinations; the pool is filtered so that no two names or contents are close enough
to count as near-duplicates (the rule of ``queries.overlaps``, applied conservatively),
so the only near-duplicates are the planted ones. Department names come from the alias
table, written in their variant spellings (党政办, 镇综合行政执法队, 县市场监督管理局 …).

Planted at known rates (``PLANT_RATES``) and listed per township in
``ground_truth.json``: items with two leads (``multi_lead``), near-duplicate items under
a variant name led by another office (``near_duplicates``), items with no lead
(``no_lead``), items whose lead is a placeholder (``unconfirmed``), items without a legal
basis (``no_basis``), and inspection → penalty → compulsory-measure chains written in
后续事项, some of which have an unowned step (``broken_steps``). Nothing else of those
kinds is present: every other item has exactly one known lead and a parsable basis, 配合
items have a county lead, 收回 items are led by the receiving county department, and a
village text is written only where villages are named.

For the kinds that read texts and the law (``TEXT_PLANT_RATES``): the same duty again as a
收回 or 配合 item (``cross_part_duplicates``), a 工作方式 giving the township work
(``withdrawn_in_name``), a 镇街配合职责 doing the lead's work (``cooperate_does_lead``), a village
role that is not assistance (``village_burden``), a township-led 许可/处罚/强制/征收/检查 citing
a law or article that empowers a county department only (``not_empowered``), and one subject's items
given to three offices (``topic_clusters``, a low finding). Every other such text is an
assistance text, and every other township-led power not empowered by the article it cites is
in the county's 赋权 list (``第N县赋权清单.csv`` beside the township folders; its items are
``non_problems["delegated"]``).

The same seed gives the same bytes (fixed workbook timestamps, no clock).
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache, partial
from pathlib import Path

from graphmodel.errors import InvalidArgument
from graphmodel.normalize import compact, parse_citations
from graphmodel.vocab import ListPart

from .departments import load_aliases
from .xlsx_bytes import reproducible_xlsx

__all__ = [
    "ABSENT_COLUMNS",
    "EXPECTED_KINDS",
    "GROUND_TRUTH_FILE",
    "NON_PROBLEM_RATES",
    "PLANT_RATES",
    "TEXT_PLANT_RATES",
    "GeneratedTownship",
    "generate_lists",
    "generate_township",
    "expected_findings",
    "precision_recall",
    "item_pool",
    "township_names",
    "write_delegations",
    "write_township",
]

GROUND_TRUTH_FILE = "ground_truth.json"
BASIC, COOP, WITHDRAWN = ListPart.BASIC.value, ListPart.COOPERATE.value, ListPart.WITHDRAWN.value
VILLAGE_SHEET = "村（社区）名录"

#: Share of a township's items that carry each planted problem.
PLANT_RATES = {
    "multi_lead": 0.02,
    "near_duplicate": 0.01,
    "no_lead": 0.015,
    "unconfirmed": 0.01,
    "no_basis": 0.03,
    "chain": 0.04,  # chains started per item (each 2-3 steps)
    "broken_chain": 0.25,  # share of chains whose first step has no lead
    "no_code": 0.1,
}
#: Share of a township's items carrying each realistic non-problem (``truth["non_problems"]``):
#: 收回 items without a legal basis (they do not cite one), shared items with an agreed split.
NON_PROBLEM_RATES = {"withdrawn_without_basis": 0.05, "agreed_split": 0.02}
#: Template variants, by township index % 3: which columns a part's sheet lacks.
ABSENT_COLUMNS: tuple[dict[str, tuple[str, ...]], ...] = (
    {},
    {BASIC: ("实施程序",), COOP: ("办理时限",)},
    {WITHDRAWN: ("法律依据",), COOP: ("镇街配合职责",)},
)
#: Mix of list parts, from the national averages (117 基本, 99 配合, 124 收回 of 340).
PART_WEIGHTS = {BASIC: 117, COOP: 99, WITHDRAWN: 124}

# ---- vocabulary ------------------------------------------------------------------------------
# Township offices with the spellings met in real lists (all in loaders/data/department_aliases.csv).
OFFICES: dict[str, tuple[str, ...]] = {
    "党政综合办": ("党政综合办", "党政综合办公室", "党政办"),
    "经济发展办": ("经济发展办", "经济发展办公室", "经发办"),
    "社会事务办": ("社会事务办", "社会事务办公室", "社事办"),
    "综合行政执法队": ("综合行政执法队", "综合执法队", "镇综合行政执法队"),
    "便民服务中心": ("便民服务中心", "为民服务中心"),
    "农业农村办": ("农业农村办", "农业农村办公室", "农办"),
    "平安法治办": ("平安法治办", "平安法治办公室"),
    "党建办": ("党建办", "党建工作办公室"),
    "应急管理办": ("应急管理办", "应急管理办公室", "应急办"),
    "环卫所": ("环卫所", "环境卫生管理所"),
    "农业农村服务中心": ("农业农村服务中心",),
    "党群服务中心": ("党群服务中心",),
    "财政所": ("财政所",),
    "退役军人服务站": ("退役军人服务站",),
    "自然资源所": ("自然资源所", "国土所", "自然资源和规划所"),
    "司法所": ("司法所",),
    "市场监管所": ("市场监管所", "市场监督管理所"),
}
COUNTY_DEPTS: dict[str, tuple[str, ...]] = {
    "县农业农村局": ("县农业农村局",),
    "县自然资源局": ("县自然资源局", "县自然资源和规划局"),
    "县城管局": ("县城管局", "县城市管理局"),
    "县住建局": ("县住建局", "县住房和城乡建设局"),
    "县生态环境局": ("县生态环境局",),
    "县市场监管局": ("县市场监管局", "县市场监督管理局"),
    "县应急管理局": ("县应急管理局", "县应急局"),
    "县消防救援大队": ("县消防救援大队",),
    "县民政局": ("县民政局",),
    "县人社局": ("县人社局", "县人力资源和社会保障局"),
    "县卫生健康局": ("县卫生健康局", "县卫健局"),
    "县教育局": ("县教育局",),
    "县水利局": ("县水利局",),
    "县公安局": ("县公安局",),
    "县交通运输局": ("县交通运输局",),
    "县林业局": ("县林业局",),
    "县退役军人事务局": ("县退役军人事务局",),
    "县医保局": ("县医保局", "县医疗保障局"),
    "县文化和旅游局": ("县文化和旅游局", "县文旅局"),
}
PLACEHOLDERS = ("待定", "待明确", "暂无")
_SUBJECTS = (
    "燃气安全", "电动自行车充电", "校车安全", "养犬管理", "烟花爆竹经营", "野生动物保护", "农村供水", "小水电站",
    "渔业资源", "畜禽养殖", "农机作业", "山塘水库", "危险废物", "饮用水水源地", "古树名木", "河道采砂",
    "特种设备", "旅游景区", "民宿经营", "网吧经营", "出租房屋", "殡葬用品", "宗教活动场所", "粮食收购",
    "生猪屠宰", "病死畜禽", "农村集体聚餐", "农家乐", "液化石油气", "加油站点", "矿山开采", "工地扬尘",
    "餐饮油烟", "噪声污染", "户外广告", "城镇排水", "公共绿地", "农贸市场", "电力设施", "通信基站",
    "老旧小区", "物业服务", "人民防空", "地名标志", "慈善募捐", "社会组织", "未成年人保护", "家庭暴力",
    "留守儿童", "困境儿童", "孤寡老人", "学前教育", "文化市场", "体育设施", "水产养殖", "蜂蜜产业",
    "茶叶种植", "水果种植", "中药材种植", "土壤污染", "秸秆综合利用", "农膜回收", "化肥减量", "兽药经营",
    "饲料经营", "种畜禽生产", "森林资源", "湿地保护", "自然保护地", "地质遗迹", "文物古迹", "非遗传承",
    "图书馆", "广播电视", "气象灾害", "地震监测", "防雷安全", "道路运输", "水上交通", "船舶安全",
    "仓储物流", "电子商务", "个体工商户", "小微企业", "外来务工人员", "流动摊贩", "集镇停车", "公交站亭",
    "路灯照明", "消防水源", "微型消防站", "应急避难场所", "救灾物资", "防汛物资", "志愿者队伍", "老年大学",
)
_ACTIONS = (
    ("日常巡查", "行政检查"), ("监督检查", "行政检查"), ("违法行为处罚", "行政处罚"), ("违规行为查处", "行政处罚"),
    ("经营许可", "行政许可"), ("备案登记", "行政确认"), ("补贴发放", "行政给付"), ("宣传教育", "公共服务"),
    ("隐患整改督办", "其他行政权力"), ("查封扣押", "行政强制"), ("先进表彰", "行政奖励"), ("费用征收", "行政征收"),
    ("信息统计", "公共服务"), ("应急处置", "其他行政权力"),
)
_CONTENT_VERBS = ("组织开展", "依法实施", "统筹推进", "负责落实", "协调做好")
_CONTENT_TAILS = ("建立工作台账", "定期报告进展", "及时处置发现的问题", "督促整改到位", "做好群众解释", "归档留存资料")
_COUNTY_DUTIES = ("依法立案查处并作出决定", "制定标准并组织实施", "审核审批并监督管理", "组织执法检查并处理")
_TOWN_DUTIES = ("发现并报告问题线索", "协助调查取证和送达", "组织摸底排查并建立台账", "做好宣传动员和现场秩序维护")
_WORK_MODES = ("不再承担", "发现问题及时报告", "提供辖区底数", "协助现场核查", "引导群众到县政务服务中心办理")
_VILLAGE_ALL_TEXTS = ("各村（社区）协助摸底排查并报告", "各村（社区）协助网格巡查，发现问题及时报告", "各村（社区）做好宣传动员")
_VILLAGE_SOME_TEXTS = ("所在村协助核实情况", "相关村配合现场工作", "涉及村协助组织群众参与")
_PROCEDURES = {
    "行政许可": "申请—受理—审查—决定—送达", "行政处罚": "立案—调查取证—告知—决定—送达—执行",
    "行政强制": "调查核实—报告批准—告知—实施—制作笔录", "行政检查": "制定计划—实施检查—记录—反馈整改—复查",
}
_TIME_LIMITS = ("即时办结", "5个工作日", "10个工作日", "20个工作日", "30日", "按年度计划", "立案之日起90日内")
_PLACE_FIRST = "东西南北青白金石柳桃杏梅兰竹松枫云霞清溪龙凤马牛安平永长丰和新宝福隆兴盛太华明光德仁义礼智信"
_PLACE_SECOND = "山河湖港桥塘湾岭坪坝口溪林园田庄店集寨关城堡洲滩泉源川岗峰岩垣圩岔坡墩营埠渡浦江阳谷埔沟台铺坞潭滨"
_VILLAGE_WORDS = ("东", "西", "南", "北", "中", "新", "前", "后", "上", "下", "大", "小", "高", "石", "柳", "桃",
                  "李", "王", "张", "陈", "刘", "杨", "黄", "赵", "周", "吴", "徐", "孙", "朱", "胡")
_VILLAGE_ENDS = ("村", "庄村", "湾村", "岭村", "坪村", "桥村", "塘村")


# ---- the item pool -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PoolItem:
    name: str
    power_type: str
    content: str
    basis: str
    category: str
    part: str  # the part the sample gave it, or '' (chosen per township)


_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def _grams(text: str) -> frozenset[str]:
    t = _PUNCT.sub("", compact(text))
    return frozenset({t}) if len(t) == 1 else frozenset(t[i:i + 2] for i in range(len(t) - 1))


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a or b else 0.0


def _too_close(a: PoolItem, ga: frozenset[str], ca: frozenset[str],
               b: PoolItem, gb: frozenset[str], cb: frozenset[str]) -> bool:
    """The near-duplicate rule of queries.overlaps with margins (0.7 → 0.6, 0.6 → 0.5, 0.8 → 0.65)."""
    na, nb = compact(a.name), compact(b.name)
    if na in nb or nb in na:
        return True
    score = _dice(ga, gb)
    if score >= 0.6:
        return True
    if score >= 0.45 and a.power_type == b.power_type and na[:4] == nb[:4]:
        return True
    return bool(ca and cb and _dice(ca, cb) >= 0.65)


def _sample_items() -> list[PoolItem]:
    """The bundled sample's items (read through the loaders), as vocabulary."""
    from .api import read_list  # the generator reads the sample the way users' lists are read

    folder = Path(__file__).resolve().parent / "sample_data"
    result = read_list(sorted(folder.glob("*.xlsx")))
    return [PoolItem(i.name, i.power_type, i.content, i.basis_text, i.category, i.part)
            for i in sorted(result.tlist.items, key=lambda i: (i.source_sheet, i.source_row))]


@lru_cache(maxsize=1)
def item_pool() -> tuple[PoolItem, ...]:
    """Items no two of which are near-duplicates: the sample's, then subject × action ones.

    Only items with one of the ten power types and a basis that parses are kept, so an
    item without a basis or with an odd type is always a planted one.
    """
    candidates = _sample_items()
    bases = sorted({c.basis for c in candidates if c.basis and parse_citations(c.basis)})
    rnd = random.Random("dutygraph-pool")
    synthetic = []
    for subject in _SUBJECTS:
        for action, ptype in _ACTIONS:
            verb, tail = rnd.choice(_CONTENT_VERBS), rnd.choice(_CONTENT_TAILS)
            synthetic.append(PoolItem(subject + action, ptype, f"{verb}辖区{subject}{action}工作，{tail}",
                                      rnd.choice(bases), subject, ""))
    rnd.shuffle(synthetic)
    kept: list[tuple[PoolItem, frozenset[str], frozenset[str]]] = []
    for cand in candidates + synthetic:
        if cand.power_type not in _POWER_TYPES or not cand.basis or not parse_citations(cand.basis):
            continue
        if len(compact(cand.name)) < 4:
            continue
        g = _grams(cand.name)
        c = _grams(cand.content) if len(compact(cand.content)) >= 10 else frozenset()
        if any(_too_close(cand, g, c, o, og, oc) for o, og, oc in kept):
            continue
        kept.append((cand, g, c))
    return tuple(k for k, _, _ in kept)


_POWER_TYPES = frozenset(("行政许可", "行政处罚", "行政强制", "行政征收", "行政给付", "行政检查", "行政确认",
                          "行政奖励", "其他行政权力", "公共服务"))
_VARIANT_SUFFIXES = ("工作", "管理", "事项", "服务")


# ---- one township ------------------------------------------------------------------------------
@dataclass(slots=True)
class GenRow:
    """One item as written in a sheet."""

    part: str
    name: str
    power_type: str
    content: str
    basis: str
    category: str
    code: str = ""
    lead: str = ""  # 责任科室 (基本) / 对应上级部门 (配合) / 承接部门 (收回)
    coop: str = ""  # 配合部门 (基本) / 镇街配合科室 (配合)
    upper_duty: str = ""
    township_duty: str = ""
    work_mode: str = ""
    villages: str = ""
    village_text: str = ""
    procedure: str = ""
    time_limit: str = ""
    next_items: str = ""
    note: str = ""


@dataclass(slots=True)
class GeneratedTownship:
    """A township's rows, villages and what was planted in them."""

    name: str
    county: str
    index: int
    rows: list[GenRow]
    villages: list[tuple[str, str]]
    truth: dict = field(default_factory=dict)

    @property
    def absent(self) -> dict[str, tuple[str, ...]]:
        """Columns this township's sheets lack (a template choice, not a problem)."""
        return ABSENT_COLUMNS[self.index % len(ABSENT_COLUMNS)]

    @property
    def layout(self) -> str:
        if self.index % 2 == 0:
            return "xlsx"
        return "csv-gbk" if self.index % 4 == 3 else "csv"


def township_names(n: int) -> list[str]:
    """``n`` distinct township names (镇, some 乡 and 街道), the same for every run."""
    out: list[str] = []
    seen: set[str] = set()
    rnd = random.Random("dutygraph-townships")
    firsts, seconds = list(dict.fromkeys(_PLACE_FIRST)), list(dict.fromkeys(_PLACE_SECOND))
    combos = [a + b for a in firsts for b in seconds if a != b]
    combos += [a + b + c for a in firsts[:12] for b in seconds for c in "东西南北"]  # beyond ~2,400 townships
    rnd.shuffle(combos)
    for i, stem in enumerate(combos):
        if len(out) >= n:
            break
        suffix = "街道" if i % 9 == 4 else "乡" if i % 7 == 3 else "镇"
        if stem in seen:
            continue
        seen.add(stem)
        out.append(stem + suffix)
    if len(out) < n:
        raise InvalidArgument(f"at most {len(out)} township names available; asked for {n}")
    return out


def _county_of(index: int) -> tuple[str, str]:
    """A county of 20 townships: its name and a six-digit division code."""
    c = index // 20
    return f"第{c + 1}县", f"{330100 + c:06d}"


def _villages(rnd: random.Random) -> list[tuple[str, str]]:
    n = rnd.randint(6, 18)
    names: list[tuple[str, str]] = []
    seen: set[str] = set()
    while len(names) < n:
        w = rnd.choice(_VILLAGE_WORDS) + rnd.choice(_VILLAGE_WORDS)
        if rnd.random() < 0.15:
            name, kind = w + "社区", "社区"
        else:
            name, kind = w + rnd.choice(_VILLAGE_ENDS), "村"
        if name not in seen:
            seen.add(name)
            names.append((name, kind))
    return names


def _spell(rnd: random.Random, variants: Sequence[str], variant_rate: float = 0.3) -> str:
    return rnd.choice(variants[1:]) if len(variants) > 1 and rnd.random() < variant_rate else variants[0]


def _pick(rnd: random.Random, used: set[str], candidates: list[GenRow], n: int) -> list[GenRow]:
    """Up to ``n`` rows of ``candidates`` not planted yet, marked as used (one problem per item)."""
    free = [r for r in candidates if r.name not in used]
    got = rnd.sample(free, min(n, len(free)))
    used.update(r.name for r in got)
    return got


def generate_township(index: int, items: int = 200, seed: int = 0, name: str | None = None) -> GeneratedTownship:
    """The rows of township number ``index`` (deterministic in ``seed`` and ``index``)."""
    if items < 20:
        raise InvalidArgument("items per township must be at least 20")
    pool = item_pool()
    rnd = random.Random(f"dutygraph-generate:{seed}:{index}")
    name = name or township_names(index + 1)[index]
    county, division = _county_of(index)
    n_dups = max(1, round(items * PLANT_RATES["near_duplicate"]))
    n_cross = max(1, round(items * TEXT_PLANT_RATES["cross_part_duplicate"]))
    n_base = items - n_dups - n_cross
    if n_base > len(pool):
        raise InvalidArgument(f"at most {len(pool) + n_dups + n_cross} items per township (the vocabulary has "
                              f"{len(pool)} distinct items); asked for {items}")
    chosen = rnd.sample(range(len(pool)), n_base)
    offices = [o for o in OFFICES if rnd.random() < 0.8] or list(OFFICES)[:4]
    counties = list(COUNTY_DEPTS)
    villages = _villages(rnd)
    parts = list(PART_WEIGHTS)
    weights = list(PART_WEIGHTS.values())

    rows: list[GenRow] = []
    for i in chosen:
        p = pool[i]
        part = p.part if p.part in PART_WEIGHTS else rnd.choices(parts, weights)[0]
        row = GenRow(part, p.name, p.power_type, p.content, p.basis, p.category or p.power_type)
        if part == BASIC:
            row.lead = _spell(rnd, OFFICES[rnd.choice(offices)])
            if rnd.random() < 0.3:
                other = rnd.choice(offices)
                if compact(other) != compact(row.lead):
                    row.coop = _spell(rnd, OFFICES[other])
            roll = rnd.random()
            if roll < 0.3:
                row.villages, row.village_text = "全部", rnd.choice(_VILLAGE_ALL_TEXTS)
            elif roll < 0.45:
                some = rnd.sample(villages, min(len(villages), rnd.randint(1, 3)))
                row.villages, row.village_text = "、".join(v for v, _ in some), rnd.choice(_VILLAGE_SOME_TEXTS)
            row.procedure = _PROCEDURES.get(p.power_type, "受理—办理—办结反馈")
        elif part == COOP:
            row.lead = _spell(rnd, COUNTY_DEPTS[rnd.choice(counties)])
            row.upper_duty = rnd.choice(_COUNTY_DUTIES)
            row.coop = _spell(rnd, OFFICES[rnd.choice(offices)])
            row.township_duty = rnd.choice(_TOWN_DUTIES)
        else:
            row.lead = _spell(rnd, COUNTY_DEPTS[rnd.choice(counties)])
            row.work_mode = rnd.choice(_WORK_MODES)
        if part != WITHDRAWN:
            row.time_limit = rnd.choice(_TIME_LIMITS)
        rows.append(row)

    basic = [r for r in rows if r.part == BASIC]
    truth: dict[str, list] = {"multi_lead": [], "near_duplicates": [], "no_lead": [], "unconfirmed": [],
                              "no_basis": [], "chains": [], "broken_steps": []}
    used: set[str] = set()

    pick = partial(_pick, rnd, used)

    def count(kind: str) -> int:
        return max(1, round(items * PLANT_RATES[kind]))

    # chains first (they need inspections and penalties): inspection -> penalty [-> compulsory measure]
    by_type: dict[str, list[GenRow]] = {}
    for r in rows:
        by_type.setdefault(r.power_type, []).append(r)
    inspections = [r for r in basic if r.power_type == "行政检查"]
    penalties = [r for r in rows if r.power_type == "行政处罚" and r.part != BASIC]
    measures = [r for r in rows if r.power_type == "行政强制"]
    for k in range(count("chain")):
        # A chain stays on one subject when the list has the steps for it (燃气安全日常巡查 →
        # 燃气安全违法行为处罚 → 燃气安全查封扣押), else it links steps of related work.
        first = pick(inspections, 1)
        if not first:
            break
        same = [r for r in penalties if r.category == first[0].category]
        second = pick(same, 1) or pick(penalties, 1)
        if not second:
            break
        steps = first + second
        if rnd.random() < 0.5:
            steps += pick([r for r in measures if r.category == first[0].category], 1) or pick(measures, 1)
        for a, b in zip(steps, steps[1:]):
            a.next_items = f"@{b.name}"  # written as b's code (or name) once codes are numbered below
        if k == 0 or rnd.random() < PLANT_RATES["broken_chain"]:
            steps[0].lead, steps[0].coop = "", ""
            truth["no_lead"].append(steps[0].name)
            truth["broken_steps"].append(steps[0].name)
        truth["chains"].append([s.name for s in steps])
    def add_second_lead(r: GenRow) -> tuple[str, str] | None:
        """A second office leads ``r`` too: (first, second), or None when the township has no other."""
        first = _canonical_office(r.lead)
        others = [o for o in offices if o != first]
        if not others:
            return None
        second = rnd.choice(others)
        r.lead = f"{r.lead}、{_spell(rnd, OFFICES[second])}"
        return first, second

    for r in pick(basic, count("multi_lead")):
        leads = add_second_lead(r)
        if leads is None:
            continue
        if r.coop and _canonical_office(r.coop) in leads:
            r.coop = ""
        truth["multi_lead"].append(r.name)
    for r in pick(basic, count("no_lead")):
        r.lead, r.coop = "", ""
        truth["no_lead"].append(r.name)
    for r in pick(basic, count("unconfirmed")):
        r.lead, r.coop = rnd.choice(PLACEHOLDERS), ""
        truth["unconfirmed"].append(r.name)
    for r in pick([r for r in rows if r.part != WITHDRAWN], count("no_basis")):
        r.basis = ""
        truth["no_basis"].append(r.name)
    # realistic non-problems: 收回 items without a basis, shared items with an agreed split of duties
    non: dict[str, list] = {"withdrawn_without_basis": [], "agreed_splits": [], "handoffs": [], "absent_columns": []}
    for r in pick([r for r in rows if r.part == WITHDRAWN], max(1, round(items * NON_PROBLEM_RATES[
            "withdrawn_without_basis"]))):
        r.basis = ""
        non["withdrawn_without_basis"].append(r.name)
    for r in pick(basic, max(1, round(items * NON_PROBLEM_RATES["agreed_split"]))):
        leads = add_second_lead(r)
        if leads is None:
            continue
        first, second = leads
        r.coop = ""
        r.note = f"职责分工：{first}负责组织实施和日常管理；{second}负责业务指导和监督检查"
        non["agreed_splits"].append(r.name)

    # near-duplicates: the same item again under a variant name, led by another office
    names = {compact(r.name) for r in rows}
    grams = [(r, _grams(r.name)) for r in rows]
    for r in pick(basic, n_dups * 3):
        if len(truth["near_duplicates"]) >= n_dups:
            break
        base_office = _canonical_office(r.lead)
        others = [o for o in offices if o != base_office]
        if not others:
            continue
        for suffix in rnd.sample(_VARIANT_SUFFIXES, len(_VARIANT_SUFFIXES)):
            variant = r.name + suffix
            vg = _grams(variant)
            vp = PoolItem(variant, r.power_type, "", r.basis, "", BASIC)
            if compact(variant) in names or any(
                o is not r and _too_close(vp, vg, frozenset(), PoolItem(o.name, o.power_type, "", "", "", ""), og,
                                          frozenset()) for o, og in grams):
                continue
            dup = GenRow(BASIC, variant, r.power_type, "", r.basis or _first_basis(pool), r.category,
                         lead=_spell(rnd, OFFICES[rnd.choice(others)]), procedure=r.procedure,
                         time_limit=r.time_limit)
            rows.append(dup)
            names.add(compact(variant))
            grams.append((dup, vg))
            used.add(variant)
            truth["near_duplicates"].append([r.name, variant])
            break

    _plant_texts(rows, truth, used, rnd, items, n_cross, ABSENT_COLUMNS[index % len(ABSENT_COLUMNS)], non)

    # sheet order: by part, then category (merged cells group them), codes numbered in that order
    order = {BASIC: 0, COOP: 1, WITHDRAWN: 2}
    rnd.shuffle(rows)
    rows.sort(key=lambda r: (order[r.part], r.category))
    prefix = {BASIC: "JB", COOP: "PH", WITHDRAWN: "SH"}
    numbers = {BASIC: 0, COOP: 0, WITHDRAWN: 0}
    truth["no_code"] = []
    for r in rows:
        numbers[r.part] += 1
        if rnd.random() >= PLANT_RATES["no_code"]:
            r.code = f"{division}{index % 20:02d}-{prefix[r.part]}-{numbers[r.part]:03d}"
        else:
            truth["no_code"].append(r.name)
    by_name = {r.name: r for r in rows}
    for r in rows:
        if r.next_items.startswith("@"):
            target = by_name[r.next_items[1:]]
            r.next_items = target.code or target.name
    for k in truth:
        if k not in ("chains", "near_duplicates"):
            truth[k] = sorted(truth[k])
    truth["near_duplicates"] = sorted(sorted(p) for p in truth["near_duplicates"])
    t = GeneratedTownship(name, county, index, rows, villages, truth)
    # what a sheet lacks is not there to read; a normal hand-off is a chain link between two owned steps
    for r in rows:
        for label in t.absent.get(r.part, ()):
            setattr(r, _FIELDS[label], "")
    non["absent_columns"] = sorted(f"{p}:{c}" for p, cols in t.absent.items() for c in cols)
    owned = {r.name for r in rows if r.lead and r.lead not in PLACEHOLDERS}
    non["handoffs"] = sorted(f"{a} → {b}" for ch in truth["chains"] for a, b in zip(ch, ch[1:])
                             if a in owned and b in owned)
    truth["non_problems"] = {k: sorted(v) for k, v in non.items()}
    return t


# ---- texts and legal authority (the kinds that read duty texts and the law table) ----------------
#: Share of a township's items carrying each planted text problem (ground truth keys in brackets).
TEXT_PLANT_RATES = {
    "cross_part_duplicate": 0.01,  # a 基本 item listed again, under a variant name, as 收回 or 配合 [cross_part_duplicates]
    "withdrawn_in_name": 0.01,  # a 收回 item whose 工作方式 still gives the township work [withdrawn_in_name]
    "cooperate_does_lead": 0.01,  # a 配合 item whose 镇街配合职责 is the lead's work [cooperate_does_lead]
    "village_burden": 0.01,  # a village role that is not assistance [village_burden]
    "not_empowered": 0.01,  # a township-led power without an empowering article or 赋权 [not_empowered]
}
#: Topic clusters planted per township (when a subject has three free 基本/配合 items): ``topic.spread`` (low).
TOPIC_CLUSTERS = 1
#: Powers a township may exercise only where a law names it or a 赋权 delegates it.
AUTHORITY_POWERS = ("行政许可", "行政处罚", "行政强制", "行政征收", "行政检查")
#: Facts kept here rather than read from queries/data/law_authority.csv: loaders/ must not import
#: queries/, and a ground truth taken from the checker's own table could not catch an error in it.
#: Articles that name the township (土地管理法 第六十二条 宅基地审批, 城乡规划法 第二十二条 / 第六十五条,
#: 安全生产法 第九条, 消防法 第三十二条): an item citing one needs no 赋权.
EMPOWERING_ARTICLES = frozenset({("土地管理法", 62), ("城乡规划法", 22), ("城乡规划法", 65), ("安全生产法", 9),
                                 ("消防法", 32)})
#: Per power type, an article that gives the power to a county department only (土地管理法 第七十八条: the
#: county agriculture department fines a home built without approval; 城乡规划法 第六十四条: the county
#: planning department; 消防法 第五十三条: the fire brigade inspects; 社会保险法 第五十九条: the collecting agency).
COUNTY_ONLY_ARTICLES = {
    "行政处罚": "《中华人民共和国土地管理法》第七十八条",
    "行政强制": "《中华人民共和国城乡规划法》第六十四条",
    "行政许可": "《中华人民共和国城乡规划法》第四十一条",
    "行政检查": "《中华人民共和国消防法》第五十三条",
    "行政征收": "《中华人民共和国社会保险法》第五十九条",
}
#: The law that governs a generated subject (facts): a township-led power on it cites this law, not
#: the random basis the vocabulary gave it (慈善募捐违规行为查处 cites 慈善法, not 土地管理法).
SUBJECT_LAWS = {
    "燃气安全": "城镇燃气管理条例",
    "液化石油气": "城镇燃气管理条例",
    "电动自行车充电": "中华人民共和国消防法",
    "消防水源": "中华人民共和国消防法",
    "微型消防站": "中华人民共和国消防法",
    "烟花爆竹经营": "烟花爆竹安全管理条例",
    "野生动物保护": "中华人民共和国野生动物保护法",
    "古树名木": "中华人民共和国森林法",
    "森林资源": "中华人民共和国森林法",
    "畜禽养殖": "中华人民共和国畜牧法",
    "种畜禽生产": "中华人民共和国畜牧法",
    "蜂蜜产业": "中华人民共和国畜牧法",
    "病死畜禽": "中华人民共和国动物防疫法",
    "生猪屠宰": "生猪屠宰管理条例",
    "兽药经营": "兽药管理条例",
    "饲料经营": "饲料和饲料添加剂管理条例",
    "渔业资源": "中华人民共和国渔业法",
    "水产养殖": "中华人民共和国渔业法",
    "农村供水": "中华人民共和国水法",
    "小水电站": "中华人民共和国水法",
    "山塘水库": "中华人民共和国水法",
    "饮用水水源地": "中华人民共和国水污染防治法",
    "河道采砂": "中华人民共和国河道管理条例",
    "危险废物": "中华人民共和国固体废物污染环境防治法",
    "农膜回收": "中华人民共和国固体废物污染环境防治法",
    "工地扬尘": "中华人民共和国大气污染防治法",
    "餐饮油烟": "中华人民共和国大气污染防治法",
    "秸秆综合利用": "中华人民共和国大气污染防治法",
    "噪声污染": "中华人民共和国噪声污染防治法",
    "土壤污染": "中华人民共和国土壤污染防治法",
    "化肥减量": "中华人民共和国土壤污染防治法",
    "特种设备": "中华人民共和国特种设备安全法",
    "户外广告": "城市市容和环境卫生管理条例",
    "流动摊贩": "城市市容和环境卫生管理条例",
    "城镇排水": "城镇排水与污水处理条例",
    "公共绿地": "城市绿化条例",
    "文物古迹": "中华人民共和国文物保护法",
    "非遗传承": "中华人民共和国非物质文化遗产法",
    "网吧经营": "互联网上网服务营业场所管理条例",
    "文化市场": "娱乐场所管理条例",
    "道路运输": "中华人民共和国道路运输条例",
    "水上交通": "中华人民共和国内河交通安全管理条例",
    "船舶安全": "中华人民共和国内河交通安全管理条例",
    "矿山开采": "中华人民共和国矿产资源法",
    "粮食收购": "粮食流通管理条例",
    "农机作业": "农业机械安全监督管理条例",
    "茶叶种植": "中华人民共和国农产品质量安全法",
    "水果种植": "中华人民共和国农产品质量安全法",
    "中药材种植": "中华人民共和国农产品质量安全法",
    "农村集体聚餐": "中华人民共和国食品安全法",
    "农贸市场": "中华人民共和国食品安全法",
    "农家乐": "中华人民共和国食品安全法",
    "宗教活动场所": "宗教事务条例",
    "殡葬用品": "殡葬管理条例",
    "慈善募捐": "中华人民共和国慈善法",
    "社会组织": "社会团体登记管理条例",
    "人民防空": "中华人民共和国人民防空法",
    "地名标志": "地名管理条例",
    "防雷安全": "中华人民共和国气象法",
    "气象灾害": "中华人民共和国气象法",
    "地震监测": "中华人民共和国防震减灾法",
    "湿地保护": "中华人民共和国湿地保护法",
    "物业服务": "物业管理条例",
    "校车安全": "校车安全管理条例",
    "未成年人保护": "中华人民共和国未成年人保护法",
    "家庭暴力": "中华人民共和国反家庭暴力法",
    "广播电视": "广播电视管理条例",
    "加油站点": "危险化学品安全管理条例",
    "电力设施": "电力设施保护条例",
    "通信基站": "中华人民共和国电信条例",
    "救灾物资": "自然灾害救助条例",
    "防汛物资": "中华人民共和国防汛条例",
    "应急避难场所": "中华人民共和国突发事件应对法",
    "体育设施": "中华人民共和国体育法",
    "仓储物流": "中华人民共和国安全生产法",
    "电子商务": "中华人民共和国电子商务法",
    "个体工商户": "促进个体工商户发展条例",
    "小微企业": "中华人民共和国中小企业促进法",
    "外来务工人员": "劳动保障监察条例",
    "养犬管理": "中华人民共和国动物防疫法",
    "集镇停车": "中华人民共和国道路交通安全法",
    "老旧小区": "物业管理条例",
    "学前教育": "中华人民共和国学前教育法",
    "留守儿童": "中华人民共和国未成年人保护法",
    "困境儿童": "中华人民共和国未成年人保护法",
    "孤寡老人": "中华人民共和国老年人权益保障法",
    "老年大学": "中华人民共和国老年人权益保障法",
    "图书馆": "中华人民共和国公共图书馆法",
    "自然保护地": "中华人民共和国自然保护区条例",
    "志愿者队伍": "志愿服务条例",
    "旅游景区": "中华人民共和国旅游法",
    "民宿经营": "中华人民共和国旅游法",
    "出租房屋": "中华人民共和国治安管理处罚法",
}
#: Laws whose enforcement articles name a county department only (燃气管理部门, 食品安全监督管理部门 …): a
#: township exercising a power under one of them needs a 赋权.
COUNTY_ONLY_LAWS = frozenset({"城镇燃气管理条例", "食品安全法", "特种设备安全法", "动物防疫法", "文物保护法",
                              "大气污染防治法", "固体废物污染环境防治法", "水法", "河道管理条例",
                              "城市市容和环境卫生管理条例"})
DELEGATION_DOCUMENT = "{county}人民政府关于赋予乡镇（街道）部分县级行政执法权的决定（{county}政发〔2024〕12号）"
DELEGATION_DATE = "2024-06-28"
_BURDEN_TEXTS = ("各村（社区）负责代收代缴相关费用", "所在村负责日常检查并督促整改", "各村（社区）负责完成年度考核指标")
_WITHDRAWN_IN_NAME_TEXTS = ("组织编制实施方案并报批", "核实申报材料并公示", "负责组织申报和初审")
_COOPERATE_LEAD_TEXTS = ("负责相关设施日常运行", "督促责任单位整改到位并负责处置", "负责收取相关费用")


@lru_cache(maxsize=256)
def _office_level(written: str) -> str:
    """The level the loaders will give ``written`` (alias table first, as when a list is read)."""
    return load_aliases().resolve(written).level


def _township_led(r: GenRow) -> bool:
    """A 基本 item with a 镇街内设机构 among its leads (自然资源所, 司法所 … are county stations)."""
    return r.part == BASIC and r.lead not in PLACEHOLDERS and any(
        _office_level(o) == "镇街内设机构" for o in r.lead.split("、") if o)


def _empowered_by_law(basis: str) -> bool:
    return any((law, art) in EMPOWERING_ARTICLES for _, law, art in parse_citations(basis))


def _plant_texts(rows: list[GenRow], truth: dict, used: set[str], rnd: random.Random, items: int, n_cross: int,
                 absent: dict[str, tuple[str, ...]], non: dict[str, list]) -> None:
    """Plant the text kinds' problems into ``truth`` and make everything else realistic.

    Village roles, 工作方式 and 镇街配合职责 elsewhere are assistance texts already; here some are
    replaced by texts giving work. Township-led powers not empowered by the law they cite are
    listed in the county's 赋权 decision (``non["delegated"]``), except the planted ones, which
    cite a law (``COUNTY_ONLY_LAWS``) or an article (``COUNTY_ONLY_ARTICLES``) empowering a
    county department only. A township-led power on a generated subject cites the subject's law.
    """
    pick = partial(_pick, rnd, used)

    def count(kind: str) -> int:
        return max(1, round(items * TEXT_PLANT_RATES[kind]))

    for key in ("cross_part_duplicates", "withdrawn_in_name", "cooperate_does_lead", "village_burden",
                "not_empowered", "topic_clusters"):
        truth[key] = []
    # a topic cluster: the 基本/配合 items of one subject (燃气安全日常巡查, 燃气安全经营许可 …) given to
    # three township offices (the lead of a 基本 item, the cooperating office of a 配合 one)
    by_subject: dict[str, list[GenRow]] = {}
    for r in rows:
        if r.part in (BASIC, COOP) and r.lead and r.name not in used and r.name.startswith(r.category) \
                and r.category != r.name:
            by_subject.setdefault(r.category, []).append(r)
    town_offices = [o for o in OFFICES if _office_level(o) == "镇街内设机构"]
    for subject in sorted((s for s, rs in by_subject.items() if len(rs) >= 3), key=lambda s: (-len(by_subject[s]), s))[
            :TOPIC_CLUSTERS]:
        group = by_subject[subject]
        for r, office in zip(group, rnd.sample(town_offices, len(group)) if len(group) <= len(town_offices) else ()):
            if r.part == BASIC:
                r.lead, r.coop = _spell(rnd, OFFICES[office]), ""
            else:
                r.coop = _spell(rnd, OFFICES[office])
        used.update(r.name for r in group)
        truth["topic_clusters"].append([subject, *sorted(r.name for r in group)])
    # the same duty again in 收回 or 配合, under a variant name, led by a county department
    names = {compact(r.name) for r in rows}
    grams = [(r, _grams(r.name)) for r in rows]
    free = [r for r in rows if r.part == BASIC and r.lead and r.name not in used]
    for r in rnd.sample(free, len(free)):
        if len(truth["cross_part_duplicates"]) >= n_cross:
            break
        for suffix in rnd.sample(_VARIANT_SUFFIXES, len(_VARIANT_SUFFIXES)):
            variant = r.name + suffix
            vg = _grams(variant)
            vp = PoolItem(variant, r.power_type, "", r.basis, "", "")
            if compact(variant) in names or any(
                    o is not r and _too_close(vp, vg, frozenset(), PoolItem(o.name, o.power_type, "", "", "", ""), og,
                                              frozenset()) for o, og in grams):
                continue
            part = rnd.choice((WITHDRAWN, COOP))
            dup = GenRow(part, variant, r.power_type, "", r.basis, r.category,
                         lead=_spell(rnd, COUNTY_DEPTS[rnd.choice(list(COUNTY_DEPTS))]))
            if part == WITHDRAWN:
                dup.work_mode = rnd.choice(_WORK_MODES)
            else:
                dup.upper_duty, dup.township_duty = rnd.choice(_COUNTY_DUTIES), rnd.choice(_TOWN_DUTIES)
                dup.coop, dup.time_limit = r.lead.split("、")[0], rnd.choice(_TIME_LIMITS)
                if not dup.basis:
                    dup.basis = next(o.basis for o in rows if o.basis)
            rows.append(dup)
            names.add(compact(variant))
            grams.append((dup, vg))
            used.update((r.name, variant))
            truth["cross_part_duplicates"].append([r.name, variant])
            break
    # keep the item count: fill what neither the near-duplicates nor the cross-part pairs could plant
    missing = items - len(rows)
    for p in (p for p in item_pool() if missing > 0 and compact(p.name) not in names):
        pg = _grams(p.name)
        if any(_too_close(p, pg, frozenset(), PoolItem(o.name, o.power_type, "", "", "", ""), og, frozenset())
               for o, og in grams):
            continue
        rows.append(GenRow(WITHDRAWN, p.name, p.power_type, p.content, p.basis, p.category or p.power_type,
                           lead=_spell(rnd, COUNTY_DEPTS[rnd.choice(list(COUNTY_DEPTS))]),
                           work_mode=rnd.choice(_WORK_MODES)))
        names.add(compact(p.name))
        grams.append((rows[-1], pg))
        missing -= 1
    for r in pick([r for r in rows if r.part == WITHDRAWN], count("withdrawn_in_name")):
        r.work_mode = rnd.choice(_WITHDRAWN_IN_NAME_TEXTS)
        truth["withdrawn_in_name"].append(r.name)
    if "镇街配合职责" not in absent.get(COOP, ()):
        for r in pick([r for r in rows if r.part == COOP and r.coop], count("cooperate_does_lead")):
            r.township_duty = rnd.choice(_COOPERATE_LEAD_TEXTS)
            truth["cooperate_does_lead"].append(r.name)
    for r in pick([r for r in rows if r.part == BASIC], count("village_burden")):
        r.villages, r.village_text = "全部", rnd.choice(_BURDEN_TEXTS)
        truth["village_burden"].append(r.name)
    powers = [r for r in rows if _township_led(r) and r.power_type in AUTHORITY_POWERS and r.basis]
    for r in powers:
        if r.category in SUBJECT_LAWS and r.name.startswith(r.category):
            r.basis = f"《{SUBJECT_LAWS[r.category]}》"
    # planted: preferably a power whose own law names a county department only, else the article of its type
    fitting = [r for r in powers if SUBJECT_LAWS.get(r.category, "").removeprefix("中华人民共和国") in COUNTY_ONLY_LAWS
               and r.name.startswith(r.category)]
    planted_rows = pick(fitting, count("not_empowered"))
    planted_rows += pick(powers, count("not_empowered") - len(planted_rows))
    for r in planted_rows:
        if r not in fitting:
            r.basis = COUNTY_ONLY_ARTICLES[r.power_type]
        truth["not_empowered"].append(r.name)
    planted = set(truth["not_empowered"])
    non["delegated"] = [r.name for r in powers if r.name not in planted and not _empowered_by_law(r.basis)]


def _canonical_office(written: str) -> str:
    for canon, variants in OFFICES.items():
        if written in variants:
            return canon
    return written


def _first_basis(pool: Sequence[PoolItem]) -> str:
    return next(p.basis for p in pool if p.basis)


# ---- writing ---------------------------------------------------------------------------------
_HEADERS = {
    BASIC: ("序号", "事项类别", "事项名称", "事项编码", "事项类型", "具体内容", "责任科室", "配合部门", "涉及村（社区）",
            "村（社区）职责", "法律依据", "实施程序", "办理时限", "后续事项", "备注"),
    COOP: ("序号", "事项名称", "事项编码", "事项类型", "对应上级部门", "上级部门职责", "镇街配合科室", "镇街配合职责",
           "法律依据", "办理时限", "后续事项"),
    WITHDRAWN: ("序号", "事项名称", "事项编码", "事项类型", "承接部门", "工作方式", "法律依据", "后续事项"),
}
_FIELDS = {
    "事项类别": "category", "事项名称": "name", "事项编码": "code", "事项类型": "power_type", "具体内容": "content",
    "责任科室": "lead", "配合部门": "coop", "涉及村（社区）": "villages", "村（社区）职责": "village_text",
    "法律依据": "basis", "实施程序": "procedure", "办理时限": "time_limit", "后续事项": "next_items",
    "对应上级部门": "lead", "上级部门职责": "upper_duty", "镇街配合科室": "coop", "镇街配合职责": "township_duty",
    "承接部门": "lead", "工作方式": "work_mode", "备注": "note",
}
_FOOTNOTE = "填表说明：本清单为生成的测试数据（dutygraph generate），乡镇为虚构。"


def _grid(t: GeneratedTownship, part: str) -> tuple[list[list[str]], list[tuple[int, int, int, int]]]:
    """Rows of one sheet (title, header, items, footnote) and its merged ranges (0-based, inclusive)."""
    header = tuple(h for h in _HEADERS[part] if h not in t.absent.get(part, ()))
    grid: list[list[str]] = [[f"{t.name}履行职责事项清单（{part}）"] + [""] * (len(header) - 1), list(header)]
    merged = [(0, 0, 0, len(header) - 1)]
    rows = [r for r in t.rows if r.part == part]
    cat_col = header.index("事项类别") if "事项类别" in header else None
    start = None
    for n, r in enumerate(rows, 1):
        line = [str(n)] + [getattr(r, _FIELDS[h]) for h in header[1:]]
        if cat_col is not None:
            first_of_group = n == 1 or rows[n - 2].category != r.category
            if first_of_group:
                if start is not None and len(grid) - 1 > start:
                    merged.append((start, cat_col, len(grid) - 1, cat_col))
                start = len(grid)
            else:
                line[cat_col] = ""  # the merged cell shows the group's text once (read by fill-down)
        grid.append(line)
    if cat_col is not None and start is not None and len(grid) - 1 > start:
        merged.append((start, cat_col, len(grid) - 1, cat_col))
    grid.append([_FOOTNOTE] + [""] * (len(header) - 1))
    return grid, merged


def _village_grid(t: GeneratedTownship) -> list[list[str]]:
    return [[f"{t.name}村（社区）名录", "", ""], ["序号", "村（社区）名称", "类型"],
            *([str(i), v, k] for i, (v, k) in enumerate(t.villages, 1))]


def write_township(t: GeneratedTownship, out_dir: str | Path) -> list[Path]:
    """Write the township's files in its layout; return their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    title = f"{t.name}履行职责事项清单"
    parts = [p for p in (BASIC, COOP, WITHDRAWN) if any(r.part == p for r in t.rows)]
    if t.layout == "xlsx":
        path = out / f"{title}.xlsx"
        _write_xlsx(path, [(p, *_grid(t, p)) for p in parts] + [(VILLAGE_SHEET, _village_grid(t), [(0, 0, 0, 2)])])
        return [path]
    encoding = "gb18030" if t.layout == "csv-gbk" else "utf-8-sig"
    paths = []
    for name, grid in [(p, _grid(t, p)[0]) for p in parts] + [(VILLAGE_SHEET, _village_grid(t))]:
        path = out / f"{title}-{name}.csv"
        buf = io.StringIO(newline="")
        csv.writer(buf, lineterminator="\r\n").writerows(grid)
        path.write_bytes(buf.getvalue().encode(encoding))
        paths.append(path)
    return paths


def _write_xlsx(path: Path, sheets: list[tuple[str, list[list[str]], list[tuple[int, int, int, int]]]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for name, grid, merged in sheets:
        ws = wb.create_sheet(name)
        for row in grid:
            ws.append([c if c != "" else None for c in row])
        for r1, c1, r2, c2 in merged:
            ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
        ws["A1"].font = Font(bold=True, size=14)
        ws["A1"].alignment = Alignment(horizontal="center")
        for cell in ws[2]:
            cell.font = bold
        ws.freeze_panes = "A3"
    wb.properties.creator = "dutygraph generate"
    path.write_bytes(reproducible_xlsx(wb))


# ---- many townships ----------------------------------------------------------------------------
def generate_lists(out_dir: str | Path, townships: int, items_per_township: int = 200, seed: int = 0) -> dict:
    """Write ``townships`` lists under ``out_dir`` (one folder per township) and ``ground_truth.json``.

    Returns the ground truth: ``{"seed", "townships": [{"name", "county", "folder",
    "layout", "files", "items", "villages", "delegation_file", "planted": {..., "non_problems": {...}}}],
    "totals": {...}}``. ``delegation_file`` (beside the township folders, one per county) is the
    county's 赋权 list naming the township's delegated powers; import it for the township
    (``loaders.delegations.import_delegations``) before auditing, as a county would.
    """
    if townships < 1:
        raise InvalidArgument("--townships must be at least 1")
    out = Path(out_dir)
    names = township_names(townships)
    entries = []
    delegations: dict[str, list[tuple[str, str, str]]] = {}
    totals: dict[str, int] = {"items": 0}
    for index, name in enumerate(names):
        t = generate_township(index, items_per_township, seed, name)
        folder = out / f"{index:04d}-{name}"
        files = write_township(t, folder)
        entries.append({
            "name": t.name, "county": t.county, "folder": folder.name, "layout": t.layout,
            "files": [f.name for f in files], "items": len(t.rows), "villages": len(t.villages),
            "planted": t.truth,
        })
        if t.truth["non_problems"].get("delegated"):
            entries[-1]["delegation_file"] = _delegation_file(t.county)
            delegations.setdefault(t.county, []).extend(
                (t.name, r.name, r.code) for r in t.rows if r.name in set(t.truth["non_problems"]["delegated"]))
        totals["items"] += len(t.rows)
        for k, v in t.truth.items():
            if k != "non_problems":
                totals[k] = totals.get(k, 0) + len(v)
        for k, v in t.truth["non_problems"].items():
            totals[f"non_problems.{k}"] = totals.get(f"non_problems.{k}", 0) + len(v)
    for county, rows in delegations.items():
        write_delegations(county, rows, out / _delegation_file(county))
    truth = {"generator": "dutygraph generate", "seed": seed, "items_per_township": items_per_township,
             "rates": PLANT_RATES, "totals": totals, "townships": entries}
    (out / GROUND_TRUTH_FILE).write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return truth


def _delegation_file(county: str) -> str:
    return f"{county}赋权清单.csv"


def write_delegations(county: str, rows: Sequence[tuple[str, str, str]], path: Path) -> None:
    """The county's 赋权 decision as a list (乡镇, 赋权事项, 事项编码, 文号, 印发日期), read by ``loaders.delegations``."""
    document = DELEGATION_DOCUMENT.format(county=county)
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(("乡镇", "赋权事项", "事项编码", "文号", "印发日期"))
    w.writerows((town, item, code, document, DELEGATION_DATE) for town, item, code in sorted(rows))
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))


# ---- precision and recall against the ground truth ----------------------------------------------
#: The audit kind (high or medium) each planted problem must be reported as; nothing else of
#: high or medium severity is planted (broken chain steps are folded into their ``no_lead``).
EXPECTED_KINDS = {
    "multi_lead": "overlap.multi_lead",
    "near_duplicates": "overlap.near_duplicate",
    "no_lead": "gap.no_lead",
    "unconfirmed": "ownership.unconfirmed",
    "no_basis": "legal.no_basis",
    "no_code": "coverage.missing_fields",
    "cross_part_duplicates": "overlap.cross_part_duplicate",
    "withdrawn_in_name": "text.withdrawn_in_name",
    "cooperate_does_lead": "text.cooperate_does_lead",
    "village_burden": "village.burden",
    "not_empowered": "legal.not_empowered",
}


def _subject(kind: str, subject: str) -> str:
    return " / ".join(sorted(subject.split(" / "))) if kind == "overlap.near_duplicate" else subject


def expected_findings(township: str, planted: dict) -> set[tuple[str, str, str]]:
    """(township, kind, subject) of every high/medium finding the planted problems should give.

    >>> sorted(expected_findings("X镇", {"no_lead": ["甲"], "near_duplicates": [["乙工作", "乙"]]}))
    [('X镇', 'gap.no_lead', '甲'), ('X镇', 'overlap.near_duplicate', '乙 / 乙工作')]
    """
    out = set()
    for key, kind in EXPECTED_KINDS.items():
        for v in planted.get(key, ()):
            out.add((township, kind, _subject(kind, " / ".join(v) if isinstance(v, list) else v)))
    return out


def precision_recall(found: Iterable[tuple[str, str, str]], expected: Iterable[tuple[str, str, str]]) -> dict:
    """Per kind and over all: true/false positives, misses, precision and recall (1.0 when undefined).

    ``found`` are (township, kind, subject) of the audit's high and medium findings.

    >>> r = precision_recall([("X", "gap.no_lead", "甲"), ("X", "legal.no_basis", "丙")], [("X", "gap.no_lead", "甲")])
    >>> r["gap.no_lead"]["recall"], r["legal.no_basis"]["precision"], r["all"]["precision"]
    (1.0, 0.0, 0.5)
    """
    got = {(t, k, _subject(k, s)) for t, k, s in found}
    want = set(expected)
    out: dict[str, dict] = {}
    for kind in sorted({k for _, k, _ in got | want}) + ["all"]:
        g = {x for x in got if kind in ("all", x[1])}
        w = {x for x in want if kind in ("all", x[1])}
        tp, fp, fn = len(g & w), len(g - w), len(w - g)
        out[kind] = {"tp": tp, "fp": fp, "fn": fn,
                     "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
                     "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0,
                     "false_positives": sorted(g - w)[:5], "missed": sorted(w - g)[:5]}
    return out


def _asdict_rows(t: GeneratedTownship) -> list[dict]:  # for debugging and tests
    return [asdict(r) for r in t.rows]
