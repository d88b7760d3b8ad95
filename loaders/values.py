"""How cell texts map to the fixed vocabulary: list parts, power types, placeholders, names."""

from __future__ import annotations

import re
from pathlib import Path

from graphmodel.normalize import compact
from graphmodel.vocab import POWER_TYPES, ListPart

__all__ = [
    "ALL_VILLAGES",
    "PLACEHOLDERS",
    "is_placeholder",
    "map_power_type",
    "names_all_villages",
    "part_of",
    "township_from_filename",
    "township_from_title",
    "village_kind",
]

# Longest words first: 上级部门收回事项 before 收回, 配合履职事项 before 配合.
_PART_WORDS: tuple[tuple[str, ListPart], ...] = (
    ("上级部门收回事项", ListPart.WITHDRAWN),
    ("基本履职事项", ListPart.BASIC),
    ("配合履职事项", ListPart.COOPERATE),
    ("收回", ListPart.WITHDRAWN),
    ("配合", ListPart.COOPERATE),
    ("基本", ListPart.BASIC),
    ("未分类", ListPart.UNKNOWN),
)


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
    "其他行政职权": "其他行政权力",
    "其它行政权力": "其他行政权力",
    "其它职权": "其他行政权力",
    "其他类": "其他行政权力",
    "服务": "公共服务",
    "公共服务事项": "公共服务",
    "公共服务类": "公共服务",
}


def map_power_type(text: object) -> tuple[str, bool]:
    """``(power type, known)``: one of the ten after synonym mapping, else the text as written.

    >>> [map_power_type(t) for t in ("许可", "行政处罚 ", "其他职权", "公共服务事项", "行政裁决", "")]
    [('行政许可', True), ('行政处罚', True), ('其他行政权力', True), ('公共服务', True), ('行政裁决', False), ('', True)]
    """
    key = compact(text).rstrip("类")
    if not key:
        return "", True
    if key in POWER_TYPES:
        return key, True
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
_ALL_VILLAGES_IN_TEXT = re.compile(r"(各村|全镇各村|全乡各村|各社区|所有村)")


def names_all_villages(text: object, whole_cell: bool = True) -> bool:
    """Whether a 涉及村 cell (whole) or a 村职责 text (anywhere in it) means every village.

    >>> names_all_villages("各村（社区）"), names_all_villages("协助做好各村排查", whole_cell=False)
    (True, True)
    """
    key = compact(text)
    if whole_cell:
        return key in ALL_VILLAGES
    return bool(_ALL_VILLAGES_IN_TEXT.search(key))


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


_TITLE = re.compile(r"^(?P<name>.+?(?:镇|乡|街道|街道办事处|苏木|民族乡))(?:人民政府|政府)?(?:.*?)履行职责事项清单")
_LIST_WORDS = re.compile(
    r"(履行职责事项清单|职责事项清单|履职事项清单|事项清单|权责清单|清单|"
    r"基本履职事项|配合履职事项|上级部门收回事项|村\(社区\)(?:名册|名录)|村社区(?:名册|名录)|名册|名录|导出|export)"
)


def township_from_title(text: object) -> str | None:
    """The township a title row names ("XX镇履行职责事项清单（基本履职事项）" → XX镇), or None.

    >>> township_from_title("XX县YY镇履行职责事项清单（基本履职事项）"), township_from_title("填表说明")
    ('XX县YY镇', None)
    """
    m = _TITLE.match(compact(text))
    if not m:
        return None
    name = m.group("name").removesuffix("办事处")
    # "XX县YY镇": keep the whole; callers may pass --township for a shorter name
    return name or None


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
