"""Lookup: "who handles X?" — items matching a question in everyday words, ranked by meaning.

1. **Clean**: question words and filler (谁负责, 找谁, 我想, 怎么办 …) are dropped.
2. **Translate**: everyday words become the list's words through the synonym table
   ``queries/data/lookup_synonyms.csv`` (养狗 → 犬只/养犬, 上户口 → 户口登记/户籍, 打官司 →
   法律援助 …). The table is data: add a row ``everyday,list_words`` (list words joined
   with ``|``), or pass your own file as ``synonyms=``; the longest everyday word found wins
   where two overlap.
3. **Find** candidates with the store's substring search (pushed down to the database):
   the question's words, the list words, and their character bigrams.
4. **Rank by meaning**: each bigram of the question (and of the list words, weighted ×1.5)
   weighs its rarity among the candidates, ``log((N + 1) / (df + 0.5))``, so that a rare
   term (犬只, 宅基地) counts and a common one (管理, 经营, 服务 — also down-weighted by
   ``GENERIC``) hardly does. An item's ``confidence`` is the weight of the question's
   bigrams found in its name (in its content or category: 0.35 of it), over the weight of
   the question's bigrams that occur in any candidate, plus a share for what the list
   cannot explain: an everyday word none of whose list words occur, and (×0.1) each
   bigram of the untranslated rest that no candidate has; an item sharing only generic
   bigrams has at most 0.2. (Weights and ``CONFIDENCE_THRESHOLD`` were chosen on the
   question sets of tests/ and bench/: at 0.3, 63 of 65 right answers are given and 3 of
   15 wrong or unanswerable ones are still given with confidence.) The exact name
   first, then a name containing the whole phrase, then by confidence.
5. **Say when unsure**: below ``CONFIDENCE_THRESHOLD`` the answer is "没有把握" with the
   nearest candidates (:func:`answer`), not one confident wrong item.

``scorer="rapidfuzz"`` ranks by rapidfuzz's ``partial_ratio`` of the translated question
against the name instead (measured against ours in bench/accuracy.py; ours is the default
because it answers more questions right).
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from graphmodel import DutyStore, InvalidArgument, ItemCard
from graphmodel.normalize import compact

from ._common import ItemEvidence, bigrams, catalogue_townships, evidence
from .ownership import ownership_of, reason_parts

__all__ = [
    "CONFIDENCE_THRESHOLD",
    "GENERIC",
    "QUESTION_WORDS",
    "SYNONYMS_FILE",
    "LookupAnswer",
    "LookupHit",
    "answer",
    "load_synonyms",
    "lookup",
    "query_terms",
    "translate",
]

QUESTION_WORDS = ("谁负责", "谁来管", "谁来办", "谁管", "由谁", "归谁", "找谁", "哪个部门", "哪个单位", "哪里办", "怎么办",
                  "去哪里", "去哪儿", "去哪", "在哪里", "哪里", "怎么申请", "怎么", "如何", "能不能", "有没有", "可以",
                  "我想", "我要", "我家", "想要", "需要", "请问", "谁帮忙", "谁来", "吗", "呢", "了")
#: Bigrams so common in lists that they say little about which item is meant.
GENERIC = frozenset({"管理", "工作", "服务", "行政", "检查", "监督", "经营", "实施", "组织", "开展", "负责", "办理",
                     "事项", "相关", "单位", "行为", "违法", "处罚", "农村", "村民", "群众", "辖区", "镇街", "乡镇"})
#: Below this confidence the answer is "没有把握" with the nearest candidates.
CONFIDENCE_THRESHOLD = 0.3
SYNONYMS_FILE = Path(__file__).resolve().parent / "data" / "lookup_synonyms.csv"
_SPLIT = re.compile(r"[\s\W_]+", re.UNICODE)
_BODY_SHARE = 0.35
_LIST_WORD_WEIGHT = 1.5
_GENERIC_WEIGHT = 0.2
_UNKNOWN_WEIGHT = 0.1
_GENERIC_ONLY = 0.2  # the most confidence an item sharing only GENERIC bigrams can have


@lru_cache(maxsize=8)
def _read_synonyms(path: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = []
        for n, row in enumerate(csv.DictReader(f), 2):
            word, targets = compact(row.get("everyday") or ""), row.get("list_words") or ""
            words = tuple(w for w in (compact(t) for t in targets.split("|")) if w)
            if not word or not words:
                raise InvalidArgument(f"{path} row {n}: needs an everyday word and list words (a|b)")
            rows.append((word, words))
    return tuple(rows)


def load_synonyms(path: str | Path | None = None) -> dict[str, tuple[str, ...]]:
    """The synonym table: everyday word -> list words (the bundled file, or ``path``).

    >>> load_synonyms()["上户口"]
    ('户口登记', '户籍')
    """
    out: dict[str, tuple[str, ...]] = {}
    for word, words in _read_synonyms(str(path or SYNONYMS_FILE)):
        out[word] = tuple(dict.fromkeys(out.get(word, ()) + words))
    return out


def _clean(text: str) -> str:
    t = compact(text)
    for w in QUESTION_WORDS:
        t = t.replace(w, " ")
    return t


def _groups(text: str, table: Mapping[str, tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The list words of each everyday word in the question (longest match first)."""
    return _translated(text, table)[0]


def _translated(text: str, table: Mapping[str, tuple[str, ...]]) -> tuple[list[tuple[str, ...]], str]:
    rest, out = compact(text), []  # everyday words are looked for before question words go
    for everyday in sorted(table, key=lambda w: (-len(w), w)):
        if everyday in rest:
            out.append(table[everyday])
            rest = rest.replace(everyday, " ")
    return out, _clean(rest)


def translate(text: str, synonyms: Mapping[str, tuple[str, ...]] | None = None) -> tuple[str, tuple[str, ...]]:
    """The cleaned question and the list words its everyday words stand for (longest match first).

    >>> translate("我家养狗要办证吗")
    ('养狗要办证', ('犬只', '养犬'))
    """
    table = load_synonyms() if synonyms is None else synonyms
    words = " ".join(w for w in _SPLIT.split(_clean(text)) if w)
    return words, tuple(dict.fromkeys(w for g in _groups(text, table) for w in g))


def query_terms(text: str, synonyms: Mapping[str, tuple[str, ...]] | None = None) -> tuple[str, ...]:
    """The search terms for a question: its words, the list words, their bigrams (sorted, unique).

    >>> query_terms("宅基地 谁负责？")
    ('基地', '宅基', '宅基地')
    """
    words, listed = translate(text, synonyms)
    parts = [w for w in words.split(" ") if w] + list(listed)
    terms = set(parts)
    for w in parts:
        terms |= bigrams(w)
    return tuple(sorted(terms))


@dataclass(frozen=True, slots=True)
class LookupHit:
    """One ranked answer: the item, its lead(s), cooperators, villages, time limit, bases and ownership.

    ``confidence`` (0–1) is how much of the question the item covers, see the module docstring.
    """

    score: float
    item: ItemEvidence
    leads: tuple[str, ...]
    cooperators: tuple[str, ...]
    villages: tuple[tuple[str, str], ...]  # (village, its role)
    time_limit: str
    bases: tuple[str, ...]
    ownership: str  # state, see queries.ownership
    answer: str  # one sentence: who handles it
    confidence: float = 0.0
    #: the answer's reason without our words: (code, fields) of queries.ownership.reason_parts
    reason: tuple[str, tuple[tuple[str, str], ...]] = ("", ())

    @property
    def confident(self) -> bool:
        return self.confidence >= CONFIDENCE_THRESHOLD


@lru_cache(maxsize=200_000)  # pure; every lookup bares the texts of every item it found
def _bare(text: str) -> str:
    return "".join(_SPLIT.split(compact(text)))


def _weights(query: dict[str, float], texts: list[tuple[str, str]]) -> dict[str, float]:
    """Each query bigram's weight: its rarity among the candidates (0 when no candidate has it)."""
    n = len(texts)
    out = {}
    for b, boost in query.items():
        df = sum(1 for name, body in texts if b in name or b in body)
        if df:
            out[b] = boost * math.log((n + 1) / (df + 0.5)) * (_GENERIC_WEIGHT if b in GENERIC else 1.0)
    return out


def _fuzzy(phrase: str, listed: tuple[str, ...], name: str) -> float:
    from rapidfuzz import fuzz

    return max(fuzz.partial_ratio(q, name) / 100 for q in (phrase, *listed) if q)


def lookup(store: DutyStore, text: str, township: str | None = None, *, limit: int | None = 10,
           scorer: str = "ours", synonyms: str | Path | Mapping[str, tuple[str, ...]] | None = None,
           ) -> tuple[LookupHit, ...]:
    """Items matching ``text``, best first (ties by item key); see the module docstring.

    >>> from queries._examples import example_store
    >>> hits = lookup(example_store(), "宅基地审批谁负责")
    >>> [(h.item.name, h.leads) for h in hits][:2]
    [('农村宅基地审批管理', ('农业农村办', '自然资源所')), ('宅基地使用权确认', ('自然资源所',))]
    >>> lookup(example_store(), "消防安全检查")[0].answer
    '消防安全检查：由综合行政执法队牵头'
    >>> [(h.item.name, h.confident) for h in lookup(example_store(), "村里垃圾没人清理", limit=1)]
    [('农村生活垃圾治理', True)]
    """
    if scorer not in ("ours", "rapidfuzz"):
        raise InvalidArgument("scorer must be 'ours' or 'rapidfuzz'")
    table = synonyms if isinstance(synonyms, Mapping) else load_synonyms(synonyms)
    words, listed = translate(text, table)
    phrase = words.replace(" ", "")
    if not phrase:
        raise InvalidArgument("say what to look up, e.g. 宅基地审批")
    parts = [w for w in words.split(" ") if w]
    query: dict[str, float] = {}
    for w in parts:
        for b in bigrams(w):
            query[b] = max(query.get(b, 0.0), 1.0)
    for w in listed:
        for b in bigrams(w):
            query[b] = _LIST_WORD_WEIGHT
    cards: tuple[ItemCard, ...] = store.search_items(query_terms(text, table), township)
    if township is None and (skipped := catalogue_townships(store)):  # who handles it: townships, not catalogues
        cards = tuple(c for c in cards if c.item.township not in skipped)
    texts = [(_bare(c.item.label), _bare(f"{c.item.content}{c.item.category}")) for c in cards]
    weights = _weights(query, texts)
    # an everyday word counts even when no item has any of its list words (养狗 -> 犬只: none here)
    groups, rest = _translated(text, table)
    unit = math.log((len(cards) + 1) / 0.5)
    unmatched = sum(1 for g in groups if not any(b in weights and b not in GENERIC for w in g for b in bigrams(w)))
    # words of the question that no item has and no synonym explains (邻居家的树挡光) weigh a little
    unknown = {b for w in _SPLIT.split(rest) if w for b in bigrams(w)} - weights.keys()
    total = sum(weights.values()) + unmatched * 2 * _LIST_WORD_WEIGHT * unit + len(unknown) * _UNKNOWN_WEIGHT * unit
    hits = []
    for c, (label, body) in zip(cards, texts):
        name = _bare(c.item.name)
        if phrase in (name, label):
            tier = 2
        elif phrase in label or len(parts) > 1 and all(w in label for w in parts):
            tier = 1
        else:
            tier = 0
        if scorer == "rapidfuzz":
            confidence = _fuzzy(phrase, listed, label)
        else:
            got = sum(w * (1.0 if b in label else _BODY_SHARE if b in body else 0.0) for b, w in weights.items())
            confidence = got / total if total else 0.0
            if not any(b in label or b in body for b in weights if b not in GENERIC):
                confidence = min(confidence, _GENERIC_ONLY)  # shares only words like 经营, 管理
        confidence = 1.0 if tier else round(confidence, 4)
        state, _, reason = ownership_of(c)
        hits.append(LookupHit(
            round(100 * tier + 100 * confidence, 2), evidence(c), tuple(p.name for p in c.leads),
            tuple(p.name for p in c.cooperators), tuple((v.name, v.text) for v in c.villages), c.item.time_limit,
            tuple(b.label for b in c.bases), state, f"{c.item.label}：{reason}", confidence, reason_parts(c),
        ))
    # on a tie the shorter name wins: more of it is what was asked (婚姻登记 before 婚姻登记服务)
    hits.sort(key=lambda h: (-h.score, len(h.item.name), h.item.key))
    return tuple(hits[:limit] if limit is not None else hits)


@dataclass(frozen=True, slots=True)
class LookupAnswer:
    """The answer to a question: confident (one item) or "没有把握" with the nearest candidates."""

    question: str
    confident: bool
    message: str
    hits: tuple[LookupHit, ...]
    #: the message without our words: "hit" (hits[0].answer), "none" or "nearest" (hits)
    outcome: str = ""


def answer(store: DutyStore, text: str, township: str | None = None, *, nearest: int = 3,
           synonyms: str | Path | Mapping[str, tuple[str, ...]] | None = None) -> LookupAnswer:
    """One answer in plain words: who handles it, or "没有把握" and the nearest items.

    >>> from queries._examples import example_store
    >>> answer(example_store(), "谁负责宅基地审批").message
    '农村宅基地审批管理：2个牵头部门'
    >>> answer(example_store(), "养狗要办证吗").message
    '没有把握：清单中没有与“养狗要办证吗”相符的事项。'
    """
    hits = lookup(store, text, township, limit=nearest, synonyms=synonyms)
    if hits and hits[0].confident:
        return LookupAnswer(text, True, hits[0].answer, hits, "hit")
    if not hits:
        return LookupAnswer(text, False, f"没有把握：清单中没有与“{text}”相符的事项。", (), "none")
    names = "、".join(f"「{h.item.name}」" for h in hits)
    return LookupAnswer(text, False, f"没有把握：最接近的是{names}，请核对。", hits, "nearest")
