"""Duty-text reader: which actions a text gives to whom, with the words it relied on.

A text (工作方式, 镇街配合职责, 村（社区）职责, 具体内容 …) is cut into clauses at
，。；：,;! and line breaks. Within each clause the terms of the lexicon are found by
**longest match** over the lexicon (``data/duty_actions.csv`` plus any CSV the user names in
``DUTYGRAPH_DUTY_ACTIONS`` or passes as ``lexicon``), then four rules tag each action term:

``lexicon``
    a ``substantive`` term (负责, 组织, 编制, 核实, 检查, 代收代缴 …) or a ``supporting`` one
    (协助, 配合, 提供, 告知, 发现并报告 …) as the table classes it;
``scope``
    a substantive term after a supporting one in the same clause is part of the support
    (协助县局开展检查: 开展, 检查 are supporting), until a ``break`` term (并, 同时);
``negation``
    a substantive term after a ``negation`` term in the clause (不再, 无需 …), or the negation
    itself when it holds the verb (不负责), is ``negated``: not work the text gives;
``light``
    a ``light`` verb (开展, 实施, 落实, 承担: weak on their own) takes the class of the next
    action term of its clause when that is supporting (开展农机安全劝导 is supporting);
``actor``
    a clause that begins (after an optional 由) with an ``actor`` term (县…, 承接部门, 镇…,
    村（社区）, 群众 …) gives its actions to that actor; otherwise to the text's owner
    (the township for 工作方式 and 镇街配合职责, the village for a village role).

``ignore`` terms (负责人, 配合部门 …) are matched only to hide the shorter terms inside them.
Every hit keeps its span, its position in the text, the rule and the term's strength
(``strong`` terms make a sure finding, ``weak`` and ``light`` ones a less sure one) and whether it is an
administrative power (``power``: 检查, 处罚, 强制, 收费).

**Why longest match and not jieba.** Both were measured with the same rules on the 45 labelled
cases of ``tests/data/duty_text_cases.csv`` (``python bench/texts_segmenter.py``): precision and
recall 1.000 for both (jieba's tokens re-joined into multi-token terms such as 代收代缴, 日常运行,
组织申报, which it splits). Longest match was 2–5 times faster in five runs on a loaded 2-core
machine (16,000–41,000 texts/s against jieba's 3,200–22,000), needs no 0.6–4 s dictionary load
and no dependency. The one thing jieba's dictionary gives for free (负责人 is not 负责) is one
``ignore`` row here, and the lexicon stays the reader's only knowledge, so a row a user adds
has exactly the effect it says.
"""

from __future__ import annotations

import csv
import dataclasses
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from graphmodel import InvalidArgument

__all__ = [
    "CLASSES",
    "LEXICON_ENV",
    "ActionHit",
    "Lexicon",
    "Term",
    "TextReading",
    "bracketed",
    "load_lexicon",
    "longest_matches",
    "read_text",
]

CLASSES = ("substantive", "supporting", "negation", "break", "ignore", "actor", "actor_marker")
ACTORS = ("township", "county", "village", "public")
#: Environment variable naming an extra lexicon CSV whose rows take precedence over the bundled ones.
LEXICON_ENV = "DUTYGRAPH_DUTY_ACTIONS"
_CLAUSE = re.compile(r"[，。；：,;!！？?\n\r]+")


@dataclass(frozen=True, slots=True)
class Term:
    """One row of the lexicon."""

    term: str
    cls: str
    action: str = ""  # category (负责, 检查, 收费 …) or, for an actor, township/county/village/public
    strength: str = ""  # strong or weak (substantive terms)
    power: bool = False  # an administrative power (检查, 处罚, 强制, 收费)


@dataclass(frozen=True, slots=True)
class Lexicon:
    terms: dict[str, Term]
    longest: int

    def of(self, cls: str) -> tuple[Term, ...]:
        return tuple(t for t in self.terms.values() if t.cls == cls)


def _rows(text: str, name: str) -> list[Term]:
    out = []
    for n, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        term = (row.get("term") or "").strip()
        cls = (row.get("class") or "").strip()
        where = f"{name} row {n}"
        if not term:
            raise InvalidArgument(f"{where}, column term: empty term")
        if cls not in CLASSES:
            raise InvalidArgument(f"{where}, column class: {cls!r} is not one of {', '.join(CLASSES)}")
        action = (row.get("action") or "").strip()
        strength = (row.get("strength") or "").strip()
        if cls == "actor" and action not in ACTORS:
            raise InvalidArgument(f"{where}, column action: an actor needs one of {', '.join(ACTORS)}, got {action!r}")
        if cls == "substantive" and strength not in ("strong", "weak", "light"):
            raise InvalidArgument(f"{where}, column strength: substantive terms need strong, weak or light, "
                                  f"got {strength!r}")
        power = (row.get("power") or "").strip().lower() in ("yes", "y", "1", "true", "是")
        out.append(Term(term, cls, action, strength, power))
    return out


@lru_cache(maxsize=8)
def load_lexicon(extra: str | None = None) -> Lexicon:
    """The bundled lexicon, with the rows of ``extra`` (or of ``$DUTYGRAPH_DUTY_ACTIONS``) taking precedence.

    >>> lex = load_lexicon()
    >>> lex.terms["代收代缴"].power, lex.terms["协助"].cls, lex.terms["不再"].cls
    (True, 'supporting', 'negation')
    """
    bundled = resources.files("queries").joinpath("data/duty_actions.csv").read_text(encoding="utf-8")
    terms = {t.term: t for t in _rows(bundled, "duty_actions.csv")}
    extra = extra or os.environ.get(LEXICON_ENV) or None
    if extra:
        try:
            text = Path(extra).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as e:
            raise InvalidArgument(f"cannot read the duty-action lexicon {extra}: {e}") from e
        terms.update({t.term: t for t in _rows(text, Path(extra).name)})
    return Lexicon(terms, max(len(t) for t in terms))


def longest_matches(text: str, lexicon: Lexicon) -> list[tuple[int, int, Term]]:
    """Non-overlapping lexicon terms in ``text``, left to right, the longest at each position.

    >>> [(s, e, t.term) for s, e, t in longest_matches("发现并报告，联系负责人", load_lexicon())]
    [(0, 5, '发现并报告'), (8, 11, '负责人')]
    """
    out = []
    i, n = 0, len(text)
    while i < n:
        for size in range(min(lexicon.longest, n - i), 0, -1):
            term = lexicon.terms.get(text[i:i + size])
            if term is not None and term.cls not in ("actor", "actor_marker"):
                out.append((i, i + size, term))
                i += size
                break
        else:
            i += 1
    return out


@dataclass(frozen=True, slots=True, order=True)
class ActionHit:
    """One action read in a text: where, what, for whom, and by which rule."""

    start: int  # position of the span in the text (0-based, end exclusive)
    end: int
    span: str
    tag: str  # substantive, supporting or negated
    action: str  # the category: 负责, 检查, 协助 …
    actor: str  # township, county, village or public
    rule: str  # lexicon:负责, scope:协助, negation:不再, and actor:县 when a clause names its actor
    strength: str = ""  # strong / weak for substantive terms
    power: bool = False
    clause_start: int = 0
    clause_end: int = 0


@dataclass(frozen=True, slots=True)
class TextReading:
    text: str
    owner: str
    hits: tuple[ActionHit, ...]

    def substantive(self, actor: str | None = None) -> tuple[ActionHit, ...]:
        """Substantive, not negated hits of ``actor`` (default: the text's owner)."""
        who = actor or self.owner
        return tuple(h for h in self.hits if h.tag == "substantive" and h.actor == who)

    def supporting(self) -> tuple[ActionHit, ...]:
        return tuple(h for h in self.hits if h.tag == "supporting")


def _clause_actor(clause: str, lexicon: Lexicon) -> tuple[str, str]:
    body = clause.lstrip()
    for marker in sorted((t.term for t in lexicon.of("actor_marker")), key=len, reverse=True):
        if body.startswith(marker):
            body = body[len(marker):]
            break
    best = max((t for t in lexicon.of("actor") if body.startswith(t.term)), key=lambda t: len(t.term), default=None)
    return (best.action, best.term) if best else ("", "")


def read_text(text: str, owner: str = "township", lexicon: Lexicon | None = None,
              matcher=longest_matches) -> TextReading:
    """Tag the actions of ``text`` (owned by ``owner``: township, county or village).

    >>> r = read_text("协助县局开展检查，不再负责审核；由县自然资源局负责审批，镇负责初审并公示")
    >>> [(h.span, h.tag, h.actor, h.rule) for h in r.hits]  # doctest: +NORMALIZE_WHITESPACE
    [('协助', 'supporting', 'township', 'lexicon:协助'), ('开展', 'supporting', 'township', 'scope:协助'),
     ('检查', 'supporting', 'township', 'scope:协助'), ('负责', 'negated', 'township', 'negation:不再'),
     ('审核', 'negated', 'township', 'negation:不再'), ('负责', 'substantive', 'county', 'lexicon:负责 actor:县'),
     ('审批', 'substantive', 'county', 'lexicon:审批 actor:县'), ('负责', 'substantive', 'township', 'lexicon:负责 actor:镇'),
     ('初审', 'substantive', 'township', 'lexicon:初审 actor:镇'), ('公示', 'substantive', 'township', 'lexicon:公示 actor:镇')]
    >>> [h.span for h in read_text("各村负责代收代缴", "village").substantive()]
    ['负责', '代收代缴']
    """
    if owner not in ACTORS:
        raise InvalidArgument(f"owner must be one of {', '.join(ACTORS)}")
    lex = lexicon or load_lexicon()
    if matcher is not longest_matches:
        return _read_text(text, owner, lex, matcher)
    # A reading depends only on (text, owner, lexicon): an audit reads the same texts in several
    # checks and a county repeats its texts across townships (bench: 0.7 s of a county audit).
    slot = _READINGS.get(id(lex))
    if slot is None or slot[0] is not lex:
        if len(_READINGS) >= 8:
            _READINGS.clear()
        slot = _READINGS[id(lex)] = (lex, {})
    memo = slot[1]
    reading = memo.get((text, owner))
    if reading is None:
        if len(memo) >= _READINGS_MAX:
            memo.clear()
        reading = memo[(text, owner)] = _read_text(text, owner, lex, matcher)
    return reading


#: lexicon id -> (the lexicon, {(text, owner): reading}); the lexicon is held so its id stays its own
_READINGS: dict[int, tuple[Lexicon, dict[tuple[str, str], TextReading]]] = {}
_READINGS_MAX = 200_000


def _read_text(text: str, owner: str, lex: Lexicon, matcher) -> TextReading:
    hits: list[ActionHit] = []
    pos = 0
    for piece in _CLAUSE.split(text or ""):
        start = text.index(piece, pos) if piece else pos
        end = start + len(piece)
        pos = end
        if not piece.strip():
            continue
        actor, actor_term = _clause_actor(piece, lex)
        who = actor or owner
        suffix = f" actor:{actor_term}" if actor else ""
        support = negation = ""
        first = len(hits)
        for s, e, term in matcher(piece, lex):
            span = piece[s:e]
            if term.cls == "break":
                support = ""
                continue
            if term.cls == "negation":
                negation = term.term
                if term.term.startswith("不") and len(term.term) > 2:  # the verb is inside it: 不负责
                    hits.append(ActionHit(start + s, start + e, span, "negated", "", who, f"negation:{term.term}",
                                          clause_start=start, clause_end=end))
                continue
            if term.cls == "supporting":
                support = term.term
                tag, rule = "supporting", f"lexicon:{term.term}"
            elif term.cls == "substantive":
                if negation:
                    tag, rule = "negated", f"negation:{negation}"
                elif support:
                    tag, rule = "supporting", f"scope:{support}"
                else:
                    tag, rule = "substantive", f"lexicon:{term.term}"
            else:
                continue
            hits.append(ActionHit(start + s, start + e, span, tag, term.action, who, rule + suffix, term.strength,
                                  term.power and tag == "substantive", start, end))
        for i in range(len(hits) - 2, first - 1, -1):  # right to left: 开展…劝导, then a light verb before it
            h, nxt = hits[i], hits[i + 1]
            if h.tag == "substantive" and h.strength == "light" and nxt.tag == "supporting":
                hits[i] = dataclasses.replace(h, tag="supporting", rule=f"light:{nxt.span}{suffix}", power=False)
    return TextReading(text or "", owner, tuple(hits))


_SENTENCE_END = "。；;!！?？\n\r"


def _sentence(text: str, at: int) -> tuple[int, int]:
    start = max(text.rfind(ch, 0, at) for ch in _SENTENCE_END) + 1
    ends = [i for i in (text.find(ch, at) for ch in _SENTENCE_END) if i >= 0]
    return start, min(ends) if ends else len(text)


def bracketed(text: str, hits: Iterable[ActionHit]) -> str:
    """The sentences of ``hits`` with each hit's span in brackets (the CLI's way of showing evidence).

    >>> t = "发现线索告知县局；镇组织编制并报批。核实面积，并公示"
    >>> bracketed(t, read_text(t).substantive())
    '镇[组织][编制]并报批；[核实]面积，并[公示]'
    """
    chosen = sorted(set(hits))
    if not chosen:
        return ""
    clauses: dict[tuple[int, int], list[ActionHit]] = {}
    for h in chosen:
        clauses.setdefault(_sentence(text, h.start), []).append(h)
    out = []
    for (cs, ce), group in sorted(clauses.items()):
        parts, at = [], cs
        for h in group:
            parts += [text[at:h.start], f"[{text[h.start:h.end]}]"]
            at = h.end
        parts.append(text[at:ce])
        out.append("".join(parts))
    return "；".join(out)
