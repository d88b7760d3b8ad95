"""Lookup: "who handles X?" — items matching a Chinese phrase, ranked, with who leads and who helps.

Matching: the store's substring search (pushed down to the database) with the phrase,
its words (split on spaces and punctuation) and their character bigrams; question words
such as 谁负责, 哪个部门, 找谁 are dropped first. Ranking, best first::

    score = 100 × tier + 10 × (share of the phrase's bigrams in the name)
                       + 3 × (share in content / category)
    tier  = 3 exact name, 2 name contains the phrase, 1 content contains it, 0 bigrams only

so an item whose name is exactly the phrase always comes first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graphmodel import DutyStore, InvalidArgument
from graphmodel.normalize import compact

from ._common import ItemEvidence, bigrams, evidence
from .ownership import ownership_of

__all__ = ["QUESTION_WORDS", "LookupHit", "lookup", "query_terms"]

QUESTION_WORDS = ("谁负责", "谁来管", "谁管", "由谁", "归谁", "找谁", "哪个部门", "哪个单位", "哪里办", "怎么办", "吗", "呢")
_SPLIT = re.compile(r"[\s\W_]+", re.UNICODE)


def _clean(text: str) -> str:
    t = compact(text)
    for w in QUESTION_WORDS:
        t = t.replace(w, " ")
    return t


def query_terms(text: str) -> tuple[str, ...]:
    """The search terms for a phrase: itself, its words, their bigrams (sorted, unique).

    >>> query_terms("宅基地 谁负责？")
    ('基地', '宅基', '宅基地')
    """
    words = [w for w in _SPLIT.split(_clean(text)) if w]
    terms = set(words)
    for w in words:
        terms |= bigrams(w)
    return tuple(sorted(terms))


@dataclass(frozen=True, slots=True)
class LookupHit:
    """One ranked answer: the item, its lead(s), cooperators, villages, time limit, bases and ownership."""

    score: float
    item: ItemEvidence
    leads: tuple[str, ...]
    cooperators: tuple[str, ...]
    villages: tuple[tuple[str, str], ...]  # (village, its role)
    time_limit: str
    bases: tuple[str, ...]
    ownership: str  # state, see queries.ownership
    answer: str  # one sentence: who handles it


def _bare(text: str) -> str:
    return "".join(_SPLIT.split(compact(text)))


def _share(q: frozenset[str], text: str) -> float:
    return len(q & bigrams(text)) / len(q) if q else 0.0


def lookup(store: DutyStore, text: str, township: str | None = None, *, limit: int | None = 10) -> tuple[LookupHit, ...]:
    """Items matching ``text``, best first (ties by item key).

    >>> from queries._examples import example_store
    >>> hits = lookup(example_store(), "宅基地审批谁负责")
    >>> [(h.item.name, h.leads) for h in hits][:2]
    [('农村宅基地审批管理', ('农业农村办', '自然资源所')), ('宅基地使用权确认', ('自然资源所',))]
    >>> lookup(example_store(), "消防安全检查")[0].answer
    '消防安全检查：由综合行政执法队牵头'
    """
    phrase = "".join(w for w in _SPLIT.split(_clean(text)) if w)
    if not phrase:
        raise InvalidArgument("say what to look up, e.g. 宅基地审批")
    words = [w for w in _SPLIT.split(_clean(text)) if w]
    qb = frozenset().union(*(bigrams(w) for w in words))
    hits = []
    for c in store.search_items(query_terms(text), township):
        name, label = _bare(c.item.name), _bare(c.item.label)
        body = _bare(f"{c.item.content}{c.item.category}")
        if phrase in (name, label):
            tier = 3
        elif phrase in label or all(w in label for w in words):
            tier = 2
        elif phrase in body or all(w in body for w in words):
            tier = 1
        else:
            tier = 0
        score = round(100 * tier + 10 * _share(qb, label) + 3 * _share(qb, body), 3)
        state, _, reason = ownership_of(c)
        hits.append(LookupHit(
            score, evidence(c), tuple(p.name for p in c.leads), tuple(p.name for p in c.cooperators),
            tuple((v.name, v.text) for v in c.villages), c.item.time_limit, tuple(b.label for b in c.bases),
            state, f"{c.item.label}：{reason}",
        ))
    hits.sort(key=lambda h: (-h.score, h.item.key))
    return tuple(hits[:limit] if limit is not None else hits)
