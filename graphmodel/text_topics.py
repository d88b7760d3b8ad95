"""Topics of one township's item names: keyword bigrams grouped into topics (the rule of ``queries.topics``).

``queries.topics.topic_spread`` cuts each township's 基本 and 配合 item names into topics and
reports a topic whose items involve several township offices. The topics depend on the
township's list alone (its names and parts), so the write path keeps them
(:func:`township_topics`, on the township's ``TownshipEvidence`` node on Neo4j) and the
question reads them and asks the offices of the topics' items only. The rule lives here, below
both; ``queries.topics`` explains it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

import orjson

from .errors import InvalidArgument
from .normalize import compact
from .rules_digest import rules_digest
from .vocab import ListPart

__all__ = ["GENERIC", "MERGE_OVERLAP", "TOPIC_PARTS", "TOPICS_VERSION", "generic_phrases", "topic_groups",
           "township_topics"]

GENERIC = frozenset((
    "管理", "监督", "检查", "处罚", "服务", "审批", "许可", "发放", "登记", "认定", "工作", "事项", "违法", "行为",
    "安全", "农村", "村民", "居民", "辖区", "补助", "保障", "擅自", "规定", "未按", "按规", "定的", "监管", "指导",
    "组织", "实施", "申请", "受理", "审核", "确认", "奖励", "征收", "强制", "行政", "建设", "办理", "处理", "治理",
    "整治", "城乡", "县级", "乡镇", "镇级", "村级", "社区", "巡查", "核查", "排查", "资金", "补贴", "申请", "基本",
    "经营", "处置", "公共", "生活", "监测", "设施", "运行", "信息", "人员", "对象", "资格", "待遇", "活动", "工程",
    "单位", "场所", "情况", "责任", "制度", "项目", "标准", "质量", "收费", "管护", "保护", "防治", "应急", "发展",
))
#: First and last characters of the generic words: a bigram made of the end of one and the start of
#: another (督检 in 监督检查, 全监 in 安全监管) straddles two words and names nothing.
_ENDS = {w[-1] for w in GENERIC}
_STARTS = {w[0] for w in GENERIC}
_FUNCTION_CHARS = set("的对和及与等或在为以之其被将把未不")
MERGE_OVERLAP = 0.6

#: The parts whose items are cut into topics (the work the township's offices do).
TOPIC_PARTS = (ListPart.BASIC.value, ListPart.COOPERATE.value)
#: The kept topics' version: a hash of the files their format and rule (defaults, word tables,
#: normalisation) live in. A question uses kept topics of this version only and cuts the names
#: of other townships itself, so an edit to the rule or the tables never serves older topics.
TOPICS_VERSION = rules_digest("text_topics.py", "data/topic_generic_words.csv", "normalize.py", "vocab.py")
_DEFAULTS = {"min_items": 3, "max_share": 0.08}


@lru_cache(maxsize=1)
def generic_phrases() -> tuple[str, ...]:
    """Generic action phrases of duty lists (``data/topic_generic_words.csv``), longest first.

    >>> "宣传教育" in generic_phrases() and "卫生" not in generic_phrases()
    True
    """
    text = resources.files("graphmodel").joinpath("data/topic_generic_words.csv").read_text(encoding="utf-8")
    words = {line.split(",", 1)[0].strip() for line in text.splitlines()[1:]}
    return tuple(sorted((w for w in words if len(w) >= 2), key=lambda w: (-len(w), w)))


def _masked(name: str, phrases: Sequence[str]) -> set[int]:
    """Positions of ``name`` covered by a generic phrase."""
    out: set[int] = set()
    for p in phrases:
        start = name.find(p)
        while start >= 0:
            out.update(range(start, start + len(p)))
            start = name.find(p, start + 1)
    return out


def _topic_name(names: list[str], keywords: set[str]) -> str:
    counts: Counter[str] = Counter()
    for n in names:
        subs = {n[i:j] for i in range(len(n)) for j in range(i + 2, min(i + 6, len(n)) + 1)}
        counts.update(s for s in subs if any(k in s for k in keywords))
    return max(counts, key=lambda s: (counts[s], len(s), s)) if counts else min(keywords)


def topic_groups(labels: dict[str, str], *, min_items: int = 3, max_share: float = 0.08,
                 ignore: Sequence[str] = ()) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """(topic name, its item keys sorted, its keywords sorted) of one township's items ``labels``
    (key -> label), largest topics first.

    >>> names = {"a": "农村生活垃圾治理", "b": "垃圾分类督导", "c": "垃圾清运", "d": "消防演练"}
    >>> topic_groups(names, max_share=0.5)
    [('垃圾', ('a', 'b', 'c'), ('垃圾',))]
    """
    if min_items < 2 or not 0 < max_share <= 1:
        raise InvalidArgument("min_items must be >= 2 and max_share in (0, 1]")
    skip = GENERIC | set(ignore)
    phrases = tuple(sorted(set(generic_phrases()) | {w for w in ignore if len(w) >= 2}, key=lambda w: (-len(w), w)))
    names = {key: compact(label) for key, label in labels.items()}
    groups: dict[str, set[str]] = defaultdict(set)
    for key, n in names.items():
        masked = _masked(n, phrases)
        for i in range(len(n) - 1):
            bg = n[i:i + 2]
            if bg in skip or i in masked or i + 1 in masked or _FUNCTION_CHARS & set(bg) or not all("\u4e00" <= ch <= "\u9fff" for ch in bg) \
                    or (bg[0] in _ENDS and bg[1] in _STARTS):
                continue
            groups[bg].add(key)
    cap = max(min_items, int(max_share * len(names)))
    kept = sorted(((k, v) for k, v in groups.items() if min_items <= len(v) <= cap), key=lambda kv: (-len(kv[1]), kv[0]))
    clusters: list[tuple[set[str], set[str]]] = []  # (item keys, keywords)
    for kw, keys in kept:
        for members, words in clusters:
            if len(members & keys) >= MERGE_OVERLAP * min(len(members), len(keys)):
                members |= keys
                words.add(kw)
                break
        else:
            clusters.append((set(keys), {kw}))
    out = []
    for members, words in clusters:
        ks = tuple(sorted(members))
        out.append((_topic_name([names[k] for k in ks], words), ks, tuple(sorted(words))))
    return sorted(out, key=lambda t: (-len(t[1]), t[0]))


def township_topics(items: Iterable[Any]) -> dict[str, Any]:
    """The topics of one township's ``items`` (``DutyItem`` records of :data:`TOPIC_PARTS`) at the
    question's defaults, as kept with its evidence: ``topics_version``, ``topics`` (JSON
    [[name, [keys], [keywords]], ...] of :func:`topic_groups`) and ``topics_items``, the number of
    items cut (a question handed some of the township's cards tells from it whether they are all).

    >>> from graphmodel.model import DutyItem
    >>> got = township_topics([DutyItem(k, "甲镇", n, part="基本履职事项") for k, n in
    ...                        (("a", "垃圾治理"), ("b", "垃圾分类"), ("c", "垃圾清运"))])
    >>> got["topics_version"] == TOPICS_VERSION, orjson.loads(got["topics"])
    (True, [['垃圾', ['a', 'b', 'c'], ['垃圾']]])
    """
    labels = {i.key: i.label for i in items if i.part in TOPIC_PARTS}
    found = topic_groups(labels, **_DEFAULTS)
    return {"topics_version": TOPICS_VERSION, "topics_items": len(labels),
            "topics": orjson.dumps([[name, list(keys), list(words)] for name, keys, words in found]).decode()}
