"""Topic spread: items on one topic scattered over three or more township offices, one finding per topic.

The topics come from the list's own words, not from a fixed list. Within one township,
over its 基本 and 配合 items (the work its offices do):

1. every character bigram of the compacted item names is a candidate keyword, unless it
   holds a function character (的, 对, 和 …), is a generic word of duty lists
   (``GENERIC``: 管理, 监督, 检查, 处罚 …; extend with ``ignore``), straddles two of them
   (督检 in 监督检查), touches a generic action phrase of ``data/topic_generic_words.csv``
   (宣传教育, 备案登记, 先进表彰, 日常巡查 …: work done on every subject, not a subject a
   meeting discusses; ``ignore`` words of two or more characters count too), or occurs in more than
   ``max_share`` of the names (too common to be a topic) or in fewer than ``min_items``;
2. a keyword's group is the items whose name contains it; groups whose item sets overlap
   by ``MERGE_OVERLAP`` (of the smaller) are one topic (生活垃圾 gives 生活, 活垃, 垃圾);
3. a topic whose items involve ``min_offices`` or more township offices (leading or
   cooperating) gives ``topic.spread`` (low), named by the substring (2–6 characters)
   shared by most of its names, the longer on a tie.

``topic.spread`` is ``low``: no item has two leads or none (those are the overlap and gap
kinds); a subject worked on by several offices is a question of how the list is organised,
worth a look in the boundary meeting, not a defect of any one item.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

from graphmodel import DeptLevel, DutyItem, DutyStore, InvalidArgument, ItemCard, Party
from graphmodel.normalize import compact

from ._common import (
    BASIC,
    COOPERATE,
    Finding,
    cards_of,
    en_list,
    en_quote,
    evidence,
    finding,
    kept,
    level_side,
    scope_townships,
    sorted_findings,
)
from .text_asks import ask_by_slices, evidence_cards

__all__ = ["GENERIC", "MERGE_OVERLAP", "generic_phrases", "topic_spread", "topics"]

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


@lru_cache(maxsize=1)
def generic_phrases() -> tuple[str, ...]:
    """Generic action phrases of duty lists (``data/topic_generic_words.csv``), longest first.

    >>> "宣传教育" in generic_phrases() and "卫生" not in generic_phrases()
    True
    """
    text = resources.files("queries").joinpath("data/topic_generic_words.csv").read_text(encoding="utf-8")
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


def _offices(card: ItemCard) -> set[str]:
    return {p.name for p in (*card.leads, *card.cooperators) if level_side(p.level) == "township"}


def _topic_name(names: list[str], keywords: set[str]) -> str:
    counts: Counter[str] = Counter()
    for n in names:
        subs = {n[i:j] for i in range(len(n)) for j in range(i + 2, min(i + 6, len(n)) + 1)}
        counts.update(s for s in subs if any(k in s for k in keywords))
    return max(counts, key=lambda s: (counts[s], len(s), s)) if counts else min(keywords)


def topics(cards: Sequence[ItemCard], *, min_items: int = 3, max_share: float = 0.08,
           ignore: Sequence[str] = ()) -> list[tuple[str, tuple[ItemCard, ...], tuple[str, ...]]]:
    """(topic name, its cards, its keywords) for the cards of one township, largest topics first.

    >>> from queries._examples import text_store
    >>> [(name, len(cs)) for name, cs, _ in topics(text_store().item_cards(), max_share=0.5)][:1]
    [('垃圾', 3)]
    """
    if min_items < 2 or not 0 < max_share <= 1:
        raise InvalidArgument("min_items must be >= 2 and max_share in (0, 1]")
    skip = GENERIC | set(ignore)
    phrases = tuple(sorted(set(generic_phrases()) | {w for w in ignore if len(w) >= 2}, key=lambda w: (-len(w), w)))
    names = {c.key: compact(c.item.label) for c in cards}
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
    cmap = {c.key: c for c in cards}
    out = []
    for members, words in clusters:
        cs = tuple(sorted((cmap[k] for k in members), key=lambda c: c.key))
        out.append((_topic_name([names[c.key] for c in cs], words), cs, tuple(sorted(words))))
    return sorted(out, key=lambda t: (-len(t[1]), t[0]))


@kept(per_township=True)
def topic_spread(store: DutyStore, township: str | None = None, *, min_offices: int = 3, min_items: int = 3,
                 max_share: float = 0.08, ignore: Sequence[str] = (),
                 cards: Sequence[ItemCard] | None = None) -> tuple[Finding, ...]:
    """``topic.spread``: one finding per topic whose items involve ``min_offices`` or more township offices.

    >>> from queries._examples import text_store
    >>> [(f.subject, dict(f.details)["offices"]) for f in topic_spread(text_store(), max_share=0.5)]
    [('垃圾', '环卫所、经济发展办、综合行政执法队')]
    """
    if min_offices < 2:
        raise InvalidArgument("min_offices must be >= 2")
    by_town = _topic_texts_asked(store, township) if cards is None else None
    asked = by_town is not None  # stand-in cards from the store half
    if by_town is None:
        by_town = defaultdict(list)
        for c in cards_of(store, township, cards, parts=(BASIC, COOPERATE)):
            by_town[c.item.township].append(c)
    spread = []
    for town, group in sorted(by_town.items()):
        for name, cs, words in topics(group, min_items=min_items, max_share=max_share, ignore=ignore):
            offices: Counter[str] = Counter()
            for c in cs:
                offices.update(_offices(c))
            if len(offices) >= min_offices:
                spread.append((town, name, cs, words, sorted(offices, key=lambda o: (-offices[o], o))))
    if asked and spread:  # the findings show the real cards of the topics' items
        full = {c.key: c for c in evidence_cards(store, {c.key for s in spread for c in s[2]})}
        spread = [(town, name, tuple(full[c.key] for c in cs), words, ranked) for town, name, cs, words, ranked in spread]
    out = []
    for town, name, cs, words, ranked in spread:
        out.append(finding(
            "topic.spread", town, name,
            f"「{name}」相关的{len(cs)}项事项分散在{len(ranked)}个科室：{'、'.join(ranked)}，宜统一研究",
            [evidence(c) for c in cs],
            message_en=f"{len(cs)} items about {en_quote(name)} are spread over {len(ranked)} offices: "
            f"{en_list(ranked)}; worth settling together",
            offices=ranked, keywords=words, item_names=[c.item.label for c in cs]))
    return sorted_findings(out)


def _topic_texts_asked(store: DutyStore, township: str | None) -> dict[str, list[ItemCard]] | None:
    """topic_spread's store half: per township, the name, sub-item and township offices of every
    基本 and 配合 item, a slice of townships per statement (``queries.text_asks``; topics are cut
    from the names of the whole township, which Cypher does not do), as stand-in cards holding only
    those (the offices as township-level leads: all ``_offices`` reads); the findings then read the
    slim cards (evidence) of the topics' items. None when the store does not answer."""
    rows = ask_by_slices(store, "topic_spread", scope_townships(store, township), parts=[BASIC, COOPERATE],
                         township_level=DeptLevel.TOWNSHIP.value)
    if rows is None:
        return None
    out: dict[str, list[ItemCard]] = {}
    for row in rows:
        out[row["township"]] = [
            ItemCard(DutyItem(k, row["township"], name, sub_item=sub, part=part),
                      leads=tuple(Party("", o, DeptLevel.TOWNSHIP.value) for o in offices))
            for k, name, sub, part, offices in sorted(row["items"])]
    return out
