"""How cell texts map to the fixed vocabulary: list parts, power types, placeholders, names."""

from __future__ import annotations

import re
from pathlib import Path

from graphmodel.normalize import compact
from graphmodel.vocab import POWER_TYPES, ListPart

__all__ = [
    "ALL_VILLAGES",
    "DITTO",
    "OTHER_POWER_TYPES",
    "is_ditto",
    "is_village_group",
    "part_cell",
    "PLACEHOLDERS",
    "is_placeholder",
    "map_power_type",
    "names_all_villages",
    "part_of",
    "township_from_filename",
    "township_from_title",
    "village_kind",
]

# Longest words first: 上级部门收回事项 before 收回, 配合履职事项 before 配合. The published
# variants of each part's name (上级部门回收事项 is used in official documents beside 收回).
_PART_WORDS: tuple[tuple[str, ListPart], ...] = (
    ("上级部门收回事项", ListPart.WITHDRAWN),
    ("上级部门回收事项", ListPart.WITHDRAWN),
    ("上级收回事项", ListPart.WITHDRAWN),
    ("上级回收事项", ListPart.WITHDRAWN),
    ("收回事项", ListPart.WITHDRAWN),
    ("回收事项", ListPart.WITHDRAWN),
    ("基本履职事项", ListPart.BASIC),
    ("基本职责事项", ListPart.BASIC),
    ("配合履职事项", ListPart.COOPERATE),
    ("配合职责事项", ListPart.COOPERATE),
    ("配合事项", ListPart.COOPERATE),
    ("基本事项", ListPart.BASIC),
    ("收回", ListPart.WITHDRAWN),
    ("配合", ListPart.COOPERATE),
    ("基本", ListPart.BASIC),
    ("未分类", ListPart.UNKNOWN),
)


#: Whole part cells (a part column's values): the names above, short forms and list suffixes.
_PART_CELL = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.]|\d+[、.])?(?P<word>上级部门收回|上级部门回收|上级收回|上级回收|收回|回收|基本履职|基本职责|基本|"
    r"配合履职|配合职责|配合)(?:事项)?(?:清单)?(?:类)?$"
)
_PART_CELL_WORDS = {"收回": ListPart.WITHDRAWN, "回收": ListPart.WITHDRAWN, "基本": ListPart.BASIC,
                    "配合": ListPart.COOPERATE}


def part_cell(text: object) -> str | None:
    """The list part a whole cell names (a part column's value), or None; stricter than :func:`part_of`.

    >>> [part_cell(t) for t in ("基本", "配合履职事项", "上级部门回收事项", "收回类", "配合部门", "资源回收利用")]
    ['基本履职事项', '配合履职事项', '上级部门收回事项', '上级部门收回事项', None, None]
    """
    m = _PART_CELL.match(compact(text))
    if not m:
        return None
    word = m.group("word")
    return next(p.value for w, p in _PART_CELL_WORDS.items() if w in word)


def part_of(text: object) -> str | None:
    """The list part a sheet name, title or part cell names, or None.

    >>> [part_of(t) for t in ("基本履职事项", "XX镇履行职责事项清单（上级部门收回事项）", "配合", "Sheet1")]
    ['基本履职事项', '上级部门收回事项', '配合履职事项', None]
    """
    key = compact(text)
    for word, part in _PART_WORDS:
        if word in key:
            return part.value
    return None


_POWER_SYNONYMS = {
    "许可": "行政许可",
    "处罚": "行政处罚",
    "强制": "行政强制",
    "行政强制措施": "行政强制",
    "行政强制执行": "行政强制",
    "征收": "行政征收",
    "给付": "行政给付",
    "检查": "行政检查",
    "确认": "行政确认",
    "奖励": "行政奖励",
    "其他": "其他行政权力",
    "其他权力": "其他行政权力",
    "其他职权": "其他行政权力",
    "其他行政权力事项": "其他行政权力",
    "其他权力事项": "其他行政权力",
    "公共服务职责": "公共服务",
    "行政许可事项": "行政许可",
    "行政处罚事项": "行政处罚",
    "行政强制措施和行政强制执行": "行政强制",
    "行政检查事项": "行政检查",
    "其他行政职权": "其他行政权力",
    "其它行政权力": "其他行政权力",
    "其它职权": "其他行政权力",
    "其他类": "其他行政权力",
    "服务": "公共服务",
    "公共服务事项": "公共服务",
    "公共服务类": "公共服务",
}


#: Power types that 权责清单 use beside the ten: standard, kept as written, never flagged.
OTHER_POWER_TYPES = frozenset({"行政裁决", "行政备案", "行政监督", "行政征用", "行政调解", "行政指导", "行政复议",
                               "行政协议", "行政规划", "行政决定", "行政监管"})


def map_power_type(text: object) -> tuple[str, bool]:
    """``(power type, known)``: one of the ten after synonym mapping, a standard 权责清单 type
    beyond the ten (行政裁决 …) as written, else the text as written and not known.

    >>> [map_power_type(t) for t in ("许可", "行政处罚 ", "其他职权", "公共服务事项", "行政裁决", "", "乱写")]
    [('行政许可', True), ('行政处罚', True), ('其他行政权力', True), ('公共服务', True), ('行政裁决', True), ('', True), ('乱写', False)]
    """
    key = compact(text).rstrip("类")
    if not key:
        return "", True
    if key in POWER_TYPES:
        return key, True
    if key in OTHER_POWER_TYPES:
        return key, True
    if "行政" + key in OTHER_POWER_TYPES:
        return "行政" + key, True
    if key in _POWER_SYNONYMS:
        return _POWER_SYNONYMS[key], True
    if key + "类" in _POWER_SYNONYMS:
        return _POWER_SYNONYMS[key + "类"], True
    return compact(text), False


PLACEHOLDERS = frozenset({"待定", "待明确", "暂无", "无", "/", "-", "—", "--", "——", "空", "暂未明确", "待确定"})


def is_placeholder(text: object) -> bool:
    """A cell that stands for "nobody yet" rather than a department.

    >>> [is_placeholder(t) for t in ("待定", " / ", "—", "党政办", "")]
    [True, True, True, False, False]
    """
    key = compact(text)
    return bool(key) and (key in PLACEHOLDERS or key.strip("/-—、，,；; ") == "")


#: Cell texts that name every village of the register.
ALL_VILLAGES = frozenset({"全部", "全部村", "全部村(社区)", "全部村社区", "各村", "各村(社区)", "各村社区", "各村居",
                          "全镇各村", "全镇各村(社区)", "全乡各村", "全乡各村(社区)", "各社区", "所有村", "所有村(社区)",
                          "全镇", "全乡", "全街道", "各村(居)"})
# In a 村职责 text only the explicit phrases mean every village; "沿河各村" does not.
_ALL_VILLAGES_IN_TEXT = re.compile(r"(全镇各村|全乡各村|全街道各村|各村\(社区\)|各村\(居\)|各村社区|各村居|所有村|全部村)")
#: Words that make a village cell a group of some villages (沿河各村, 相关村（社区）, 涉及村).
_GROUP_WORDS = re.compile(r"(各村|各社区|相关|涉及|有关|部分|若干|沿|山区|周边|辖区|重点|所在|属地|等$|其他|其余|各自|个别|多个)")


def names_all_villages(text: object, whole_cell: bool = True) -> bool:
    """Whether a 涉及村 cell (whole) or a 村职责 text (anywhere in it) means every village.

    >>> names_all_villages("各村（社区）"), names_all_villages("协助做好全镇各村排查", whole_cell=False)
    (True, True)
    >>> names_all_villages("沿河各村"), names_all_villages("沿河各村协助巡河", whole_cell=False)
    (False, False)
    """
    key = compact(text)
    if whole_cell:
        return key in ALL_VILLAGES
    return bool(_ALL_VILLAGES_IN_TEXT.search(key))


def is_village_group(name: object) -> bool:
    """A phrase for some villages, not one village's name: kept as a village group, never a node.

    >>> [is_village_group(t) for t in ("沿河各村", "山区各村", "相关村（社区）", "涉及村", "李家村", "东风社区")]
    [True, True, True, True, False, False]
    """
    key = compact(name)
    return bool(key) and key not in ALL_VILLAGES and bool(_GROUP_WORDS.search(key))


#: Villages written as a party in a department column (配合部门: 村（社区）): every village, not a department.
_VILLAGES_AS_PARTY = frozenset({"村", "社区", "村(社区)", "村社区", "村(居)", "村居", "村委会", "居委会", "村(居)委会",
                                "村(社区)委员会", "村两委", "村(社区)两委", "村级组织", "村组"})


def villages_as_party(name: object) -> str | None:
    """"all" when a name in a department column means every village, "group" for some villages, else None.

    >>> [villages_as_party(t) for t in ("村（社区）", "各村", "沿河各村", "村建办", "社区服务中心")]
    ['all', 'all', 'group', None, None]
    """
    key = compact(name)
    if key in _VILLAGES_AS_PARTY or key in ALL_VILLAGES:
        return "all"
    return "group" if is_village_group(key) and ("村" in key or "社区" in key) else None


#: Cells that say "same as the cell above".
DITTO = frozenset({"同上", "同前", "同上条", "同上项", "同上栏", "同上一行", "同前项", "同前条", "〃", "\"\"", "''", "同左"})


def is_ditto(text: object) -> bool:
    """A cell that repeats the cell above (同上, 同前, 〃 …).

    >>> [is_ditto(t) for t in ("同上", " 〃 ", "同前", "同上。", "同上级部门")]
    [True, True, True, True, False]
    """
    if type(text) is str:  # memoised: every value of every row is asked
        found = _DITTO_SEEN.get(text)
        if found is None:
            if len(_DITTO_SEEN) >= 100_000:
                _DITTO_SEEN.clear()
            found = _DITTO_SEEN[text] = compact(text).rstrip("。.") in DITTO
        return found
    return compact(text).rstrip("。.") in DITTO


_DITTO_SEEN: dict[str, bool] = {}


def ditto_fields(values: dict[str, str]) -> list[str]:
    """The fields of a row whose cell is a ditto (:func:`is_ditto`), in the row's order; one call
    per row instead of one per cell (every value of every row is asked).

    >>> ditto_fields({"name": "甲", "lead": "同上", "basis": "〃"})
    ['lead', 'basis']
    """
    seen = _DITTO_SEEN
    out = []
    for f, text in values.items():
        found = seen.get(text) if type(text) is str else None
        if found is None:
            found = is_ditto(text)
        if found:
            out.append(f)
    return out


def village_kind(name: str, written: object = "") -> str:
    """村 or 社区: from the register's 类型 cell, else from the name.

    >>> village_kind("东风社区"), village_kind("李家村"), village_kind("李家", "社区")
    ('社区', '村', '社区')
    """
    kind = compact(written)
    if kind in ("村", "社区"):
        return kind
    if "社区" in kind or "居" in kind:
        return "社区"
    if kind.startswith("村") or kind.endswith("村"):
        return "村"
    return "社区" if compact(name).endswith(("社区", "居委会")) else "村"


_TITLE = re.compile(r"^(?:附件\d*[:.、]?)?(?P<name>[^，。；:()]{2,}?(?:镇|乡|街道|街道办事处|苏木|团场|农场))"
                    r"(?:人民政府|政府|党委|办事处)?(?:.{0,12}?)(?:职责事项|履职事项|权责|权力|职责|责任|事项)"
                    r"(?:清单|目录)")
_LIST_WORDS = re.compile(
    r"(履行职责事项清单|职责事项清单|履职事项清单|事项清单|权责清单|清单|"
    r"基本履职事项|配合履职事项|上级部门收回事项|村\(社区\)(?:名册|名录)|村社区(?:名册|名录)|名册|名录|导出|export)"
)


def township_from_title(text: object) -> str | None:
    """The township a title row names ("XX镇履行职责事项清单（基本履职事项）" → XX镇), or None.

    >>> township_from_title("XX县YY镇履行职责事项清单（基本履职事项）"), township_from_title("填表说明")
    ('XX县YY镇', None)
    >>> township_from_title("桃源镇人民政府权责清单"), township_from_title("附件1：东城街道办事处履行职责事项清单（2025年版）")
    ('桃源镇', '东城街道')
    >>> township_from_title("附件1"), township_from_title("乡村振兴工作清单"), township_from_title("城镇燃气权责清单")
    (None, None, None)
    """
    m = _TITLE.match(compact(text))
    if not m:
        return None
    name = m.group("name").removesuffix("办事处")
    # "XX县YY镇": keep the whole; callers may pass --township for a shorter name
    return name or None


# A county-level name (县, 旗; 市 and 区 with two characters or more before them, so that
# 新市镇 or 新区街道 stay whole) in front of a township name.
_COUNTY_PREFIX = re.compile(r"^(?P<county>.+?(?:县|旗)|.{2,}?(?:市|区))(?P<town>.+?(?:镇|乡|街道|苏木|团场|农场))$")


def county_and_township(name: str) -> tuple[str, str]:
    """("东河县", "甲镇") for a title's "东河县甲镇"; ("", name) when no county precedes the township.

    A city and its district ("XX市YY区ZZ街道") give the district, the level that holds the
    county departments.

    >>> county_and_township("东河县甲镇"), county_and_township("甲镇"), county_and_township("新市镇")
    (('东河县', '甲镇'), ('', '甲镇'), ('', '新市镇'))
    >>> county_and_township("西山市城南区东城街道"), county_and_township("东河县新市镇"), county_and_township("新区街道")
    (('城南区', '东城街道'), ('东河县', '新市镇'), ('', '新区街道'))
    """
    m = _COUNTY_PREFIX.match(compact(name))
    if not m:
        return "", name
    county, town = m.group("county"), m.group("town")
    inner, rest = county_and_township(town)
    return (inner, rest) if inner else (county, town)


def township_from_filename(path: str | Path) -> str:
    """The township a file name suggests, with list words, parts and separators stripped.

    >>> township_from_filename("/x/样例镇履行职责事项清单.xlsx"), township_from_filename("样例镇_配合履职事项.csv")
    ('样例镇', '样例镇')
    >>> township_from_filename("东湖镇_基本.csv"), township_from_filename("XX镇履行职责事项清单-村（社区）名录.csv")
    ('东湖镇', 'XX镇')
    """
    stem = compact(Path(path).stem)
    stem = _LIST_WORDS.sub("", stem)
    stem = re.sub(r"[(\[（【][^)\]）】]*[)\]）】]", "", stem)
    stem = re.sub(r"\d{4}(年|-\d{1,2}(-\d{1,2})?)?", "", stem)  # dates such as 2024年
    stem = stem.strip("_-—–.·、 ")
    stem = re.sub(r"[_\-—–.·、 ]*(基本|配合|收回|名册|名录)$", "", stem)  # 东湖镇_基本.csv
    stem = stem.strip("_-—–.·、 ")
    return stem or compact(Path(path).stem)
