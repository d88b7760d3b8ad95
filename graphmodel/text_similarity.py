"""Text similarity of one township's items: bigrams, Dice, near-duplicate and cross-part pairs.

The text questions (``queries.overlaps.near_duplicates``, ``queries.duplicates.cross_part_duplicates``)
compare the names and contents of one township's items with each other. What they find depends
on that township's list alone, so the write path keeps it (:func:`township_text_pairs`, kept in
the township's ``TownshipEvidence`` node on Neo4j, ``graphmodel.township_evidence``) and a
whole-store question reads the kept pairs instead of every item's texts. The scoring lives here,
below both the write path and ``queries/``, so that both use the one rule.

Pairs are found by prefix filtering on rare bigrams (:func:`similar_pairs`, exact, far from O(n²)).
The thresholds are the questions' defaults; a question asked with others scores the texts again.
"""

from __future__ import annotations

import functools
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import orjson

from .errors import InvalidArgument
from .normalize import compact
from .rules_digest import rules_digest
from .vocab import ListPart

__all__ = [
    "CONTENT_THRESHOLD",
    "CROSS_PARTS",
    "MIN_CONTAINED_CHARS",
    "MIN_CONTENT_CHARS",
    "NAME_THRESHOLD",
    "RELATED_THRESHOLD",
    "SHARED_PREFIX",
    "TEXT_PAIRS_VERSION",
    "bigrams",
    "contained_pairs",
    "cross_part_scores",
    "dice",
    "name_similarity",
    "similar_items",
    "similar_pairs",
    "township_text_pairs",
]

NAME_THRESHOLD = 0.7
RELATED_THRESHOLD = 0.6
SHARED_PREFIX = 4
CONTENT_THRESHOLD = 0.8
MIN_CONTENT_CHARS = 10
MIN_CONTAINED_CHARS = 4

_BASIC, _COOPERATE, _WITHDRAWN = ListPart.BASIC.value, ListPart.COOPERATE.value, ListPart.WITHDRAWN.value
#: The part pairs cross_part_duplicates compares: 基本 with 收回, 基本 with 配合.
CROSS_PARTS = ((_BASIC, _WITHDRAWN), (_BASIC, _COOPERATE))

#: The kept pairs' version: a hash of the files their format and rules (thresholds, tests,
#: normalisation) live in. A question uses kept pairs of this version only and scores the texts
#: of other townships itself, so an edit to the rules never serves pairs an older rule found.
TEXT_PAIRS_VERSION = rules_digest("text_similarity.py", "normalize.py", "vocab.py")

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


@functools.lru_cache(maxsize=200_000)  # pure; near-duplicate, cross-part and topic checks bigram the same names
def bigrams(text: str) -> frozenset[str]:
    """Character bigrams of a text with spaces and punctuation removed (a single char stays).

    >>> sorted(bigrams("垃圾治理"))
    ['圾治', '垃圾', '治理']
    """
    t = _PUNCT.sub("", compact(text))
    if len(t) == 1:
        return frozenset({t})
    return frozenset(t[i:i + 2] for i in range(len(t) - 1))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice coefficient 2|A∩B|/(|A|+|B|) of two token sets (0 when both are empty).

    >>> round(dice(bigrams("农村生活垃圾治理"), bigrams("农村生活垃圾清运保洁")), 3)
    0.625
    """
    if not a and not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def similar_pairs(records: dict[str, frozenset[str]], threshold: float) -> list[tuple[str, str, float]]:
    """All pairs with Dice >= ``threshold``, found by prefix filtering (exact, not O(n²)).

    Dice >= t is Jaccard >= j = t/(2-t). Tokens are ordered rare-first; two sets with
    Jaccard >= j share a token within the first ``|x| - ceil(j|x|) + 1`` tokens of each,
    so only records sharing such a prefix token are compared.

    >>> similar_pairs({"a": bigrams("垃圾治理"), "b": bigrams("垃圾治理工作"), "c": bigrams("消防")}, 0.6)
    [('a', 'b', 0.75)]
    """
    if not 0 < threshold <= 1:
        raise InvalidArgument("threshold must be in (0, 1]")
    j = threshold / (2 - threshold)
    freq: dict[str, int] = defaultdict(int)
    for toks in records.values():
        for t in toks:
            freq[t] += 1
    index: dict[str, list[str]] = defaultdict(list)
    out: list[tuple[str, str, float]] = []
    for key in sorted(records, key=lambda k: (len(records[k]), k)):
        toks = sorted(records[key], key=lambda t: (freq[t], t))
        if not toks:
            continue
        prefix = toks[: len(toks) - math.ceil(j * len(toks) - 1e-9) + 1]
        seen: set[str] = set()
        mine = records[key]
        size = len(mine)
        for t in prefix:
            for other in index[t]:
                if other in seen:
                    continue
                seen.add(other)
                theirs = records[other]
                # records come smallest first: Dice is at most 2|B|/(|A|+|B|), too small to pass
                # when the other is much shorter (exact: the same bound the score must meet)
                if 2 * len(theirs) / (size + len(theirs)) < threshold - 1e-12:
                    continue
                score = dice(mine, theirs)
                if score >= threshold - 1e-12:
                    a, b = sorted((key, other))
                    out.append((a, b, round(score, 4)))
            index[t].append(key)
    return sorted(out)


def name_similarity(a: str, b: str) -> float:
    """Dice similarity of the character bigrams of two compacted names.

    >>> name_similarity("农村生活垃圾治理", "农村生活垃圾分类治理")
    0.75
    >>> name_similarity("农村生活垃圾治理", "农村生活垃圾清运保洁")
    0.625
    """
    return round(dice(bigrams(a), bigrams(b)), 4)


def contained_pairs(names: dict[str, str], grams: dict[str, frozenset[str]]) -> list[tuple[str, str]]:
    """Sorted key pairs where one name (at least ``MIN_CONTAINED_CHARS`` long) is inside a longer
    other; candidates share the shorter name's rarest bigram.

    >>> n = {"a": "宅基地审批", "b": "农村宅基地审批管理", "c": "消防"}
    >>> contained_pairs(n, {k: bigrams(v) for k, v in n.items()})
    [('a', 'b')]
    """
    freq: dict[str, int] = defaultdict(int)
    index: dict[str, list[str]] = defaultdict(list)
    for k, toks in grams.items():
        for t in toks:
            freq[t] += 1
            index[t].append(k)
    out = []
    for k, name in names.items():
        if len(name) < MIN_CONTAINED_CHARS or not grams[k]:
            continue
        rare = min(grams[k], key=lambda t: (freq[t], t))
        for other in index[rare]:
            if other != k and len(names[other]) > len(name) and name in names[other]:
                out.append(tuple(sorted((k, other))))
    return sorted(set(out))


@functools.lru_cache(maxsize=1024)
def similar_items(records: tuple[tuple[str, str, str, str], ...], name_threshold: float = NAME_THRESHOLD,
                  content_threshold: float = CONTENT_THRESHOLD
                  ) -> tuple[tuple[tuple[str, str], tuple[float, str]], ...]:
    """Sorted ((key a, key b), (score, matched on)) of near-duplicate names or contents among
    ``records`` (key, label, power type, content) of one township, whoever leads them.

    Two items pair when their names score at least ``name_threshold``, or at least
    ``RELATED_THRESHOLD`` with the same power type and the same first ``SHARED_PREFIX``
    characters (名称); when one name holds the other (名称包含); or when their contents (both at
    least ``MIN_CONTENT_CHARS``) score at least ``content_threshold`` (内容). Every test is
    pairwise (prefix filtering is exact), so the pairs among some of the items are these pairs
    restricted to them. Kept on the texts: ``what_if`` moves leads, not names, and asks again.

    >>> similar_items((("a", "农村生活垃圾治理", "", ""), ("b", "农村生活垃圾清运保洁", "", ""), ("c", "消防", "", "")))
    ((('a', 'b'), (0.625, '名称')),)
    """
    names = {k: compact(label) for k, label, _, _ in records}
    power = {k: p for k, _, p, _ in records}
    grams = {k: bigrams(n) for k, n in names.items()}
    contents = {k: bigrams(content) for k, _, _, content in records if len(compact(content)) >= MIN_CONTENT_CHARS}
    low = min(name_threshold, RELATED_THRESHOLD)
    pairs: dict[tuple[str, str], tuple[float, str]] = {}
    for a, b, score in similar_pairs(grams, low):
        related = (power[a] == power[b] and len(names[a]) >= SHARED_PREFIX
                   and names[a][:SHARED_PREFIX] == names[b][:SHARED_PREFIX])
        if score >= name_threshold or related:
            pairs[(a, b)] = (score, "名称")
    for a, b in contained_pairs(names, grams):
        pairs.setdefault((a, b), (name_similarity(names[a], names[b]), "名称包含"))
    for a, b, score in similar_pairs(contents, content_threshold):
        if (a, b) not in pairs:
            pairs[(a, b)] = (score, "内容")
    return tuple(sorted(pairs.items()))


def cross_part_scores(records: Iterable[tuple[str, str, str, str]], name_threshold: float = NAME_THRESHOLD
                      ) -> list[tuple[str, str, float, str]]:
    """(基本 key, other key, score, matched on) for every pair of one township's ``records``
    (key, label, part, content) that names the same duty in 基本 and in 收回 or 配合, in the
    order of the sorted key pairs.

    Names and contents are paired by prefix filtering (:func:`similar_pairs`), containment by a
    scan of the 基本 names against the others' (both small within one township).

    >>> cross_part_scores([("a", "农村宅基地审批", "基本履职事项", ""), ("b", "农村宅基地审批管理", "上级部门收回事项", "")])
    [('a', 'b', 0.8571, '名称')]
    """
    part = {}
    names = {}
    contents = {}
    for k, label, p, content in records:
        part[k] = p
        names[k] = compact(label)
        if len(compact(content)) >= MIN_CONTENT_CHARS:
            contents[k] = bigrams(content)
    found: dict[tuple[str, str], tuple[float, str]] = {}
    for a, b, score in similar_pairs({k: bigrams(n) for k, n in names.items()}, name_threshold):
        found[(a, b)] = (score, "名称")
    for a, b, score in similar_pairs(contents, CONTENT_THRESHOLD):
        found.setdefault((a, b), (score, "内容"))
    own = [k for k, p in part.items() if p == _BASIC]
    others = [k for k, p in part.items() if p in (_WITHDRAWN, _COOPERATE)]
    # every 基本 name against every other's (~26,000 pairs a township): the shorter (the first of
    # equal lengths) in the longer, lengths compared once instead of sorting each pair (60% of
    # the query's time on a county)
    named = [(b, names[b], len(names[b])) for b in others]
    for a in own:
        na = names[a]
        la = len(na)
        for b, nb, lb in named:
            if (la >= MIN_CONTAINED_CHARS and na in nb) if la <= lb else (lb >= MIN_CONTAINED_CHARS and nb in na):
                found.setdefault(tuple(sorted((a, b))), (round(dice(bigrams(na), bigrams(nb)), 4), "名称包含"))
    parts = set(CROSS_PARTS)
    out = []
    for (a, b), (score, basis) in sorted(found.items()):
        if (part[b], part[a]) in parts:
            a, b = b, a
        if (part[a], part[b]) in parts:
            out.append((a, b, score, basis))
    return out


def township_text_pairs(items: Sequence[Any]) -> dict[str, Any]:
    """The text pairs of one township's ``items`` (``DutyItem`` records) at the default thresholds,
    as kept with its evidence: ``text_pairs_version``, ``near_pairs`` (JSON [[key a, key b, score,
    matched on], ...] of :func:`similar_items`) and ``cross_pairs`` (JSON of :func:`cross_part_scores`).

    >>> from graphmodel.model import DutyItem
    >>> got = township_text_pairs([DutyItem("a", "甲镇", "农村生活垃圾治理"), DutyItem("b", "甲镇", "农村生活垃圾分类治理")])
    >>> orjson.loads(got["near_pairs"]), orjson.loads(got["cross_pairs"])
    ([['a', 'b', 0.75, '名称']], [])
    """
    ordered = sorted(items, key=lambda i: i.key)
    # uncached: a load of many townships would fill the questions' cache with lists nobody asks
    near = similar_items.__wrapped__(tuple((i.key, i.label, i.power_type, i.content) for i in ordered))
    cross = cross_part_scores((i.key, i.label, i.part, i.content) for i in ordered)
    return {
        "text_pairs_version": TEXT_PAIRS_VERSION,
        "near_pairs": orjson.dumps([[a, b, score, basis] for (a, b), (score, basis) in near]).decode(),
        "cross_pairs": orjson.dumps([list(p) for p in cross]).decode(),
    }
