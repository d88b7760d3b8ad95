"""Texts of 收回 and 配合 items: withdrawn in name only, and cooperation that is really the lead's work.

Both read the township's own part with :mod:`queries.texts` and show the clause with the
words relied on in brackets (``details["evidence"]``, also in the message).

``text.withdrawn_in_name``
    a 收回 item whose 工作方式 still gives the township a substantive action
    (组织编制并报批, 核实面积并公示, 组织申报 …) of any category in ``WITHDRAWN_ACTIONS``.
    High when a ``strong`` term matched, medium when only ``weak`` ones (开展, 落实 …).
``text.cooperate_does_lead``
    a 配合 item whose 镇街配合职责 (or the part of a cooperating township office) gives the
    township the lead's work: a substantive action of a category in ``LEAD_ACTIONS``
    (负责…日常运行, 督促…整改, 处罚, 强制, 收费, 考核). Verifying, screening and organising
    (核实, 排查, 组织) are how a township usually cooperates and do not count here, and at
    least one term must be ``strong`` (落实…责任人 alone is not the lead's work). High.

A clause that names another actor (由县…负责, 承接部门负责) gives its actions to that actor,
not to the township; 不再, 不负责 negate; 协助/配合 scope what follows them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from graphmodel import DutyStore, ItemCard

from ._common import (
    COOPERATE,
    WITHDRAWN,
    Finding,
    cards_of,
    en_quote,
    evidence,
    finding,
    kept,
    level_side,
    sorted_findings,
)
from .slim_cards import slim_cards
from .texts import ActionHit, bracketed, load_lexicon, read_text

__all__ = ["LEAD_ACTIONS", "WITHDRAWN_ACTIONS", "cooperate_does_lead", "text_finding", "withdrawn_in_name"]

#: Action categories (column ``action`` of the lexicon) that a withdrawn item's 工作方式 must not give the township.
WITHDRAWN_ACTIONS = ("负责", "组织", "审核", "检查", "督促", "整改", "处置", "处罚", "强制", "收费", "统计", "考核")
#: Action categories that are the lead department's own work when a 配合 text gives them to the township.
LEAD_ACTIONS = ("负责", "督促", "处置", "处罚", "强制", "收费", "考核")


def sure_severity(kind_severity: str, hits: Sequence[ActionHit]) -> str:
    """The kind's severity when a strong term matched, one step lower when only weak ones did.

    >>> from queries.texts import read_text
    >>> sure_severity("high", read_text("组织编制").hits), sure_severity("high", read_text("开展宣讲").hits)
    ('high', 'medium')
    """
    if any(h.strength == "strong" for h in hits):
        return kind_severity
    return {"high": "medium", "medium": "low"}.get(kind_severity, kind_severity)


def text_finding(kind: str, card: ItemCard, field: str, text: str, hits: Sequence[ActionHit], message: str,
                 severity: str | None = None, message_en: str = "", **details: object) -> Finding:
    """A finding read from ``text`` (the item's ``field``): the clause with the spans in brackets, the rules."""
    shown = bracketed(text, hits)
    f = finding(kind, card.item.township, card.item.label, f"{message}：{shown}", [evidence(card)],
                message_en=f"{message_en}: {en_quote(shown)}" if message_en else "",
                field=field, text=text, evidence=shown, spans=[h.span for h in hits],
                positions=[f"{h.start}-{h.end}" for h in hits], rules=sorted({h.rule for h in hits}), **details)
    return dataclasses.replace(f, severity=severity) if severity and severity != f.severity else f


def _township_hits(text: str, actions: Iterable[str], lexicon) -> tuple[ActionHit, ...]:
    wanted = set(actions)
    return tuple(h for h in read_text(text, "township", lexicon).substantive() if h.action in wanted)


@kept(per_township=True)
def withdrawn_in_name(store: DutyStore, township: str | None = None, *, lexicon: str = "",
                      cards: Sequence[ItemCard] | None = None) -> tuple[Finding, ...]:
    """``text.withdrawn_in_name``: 收回 items whose 工作方式 still gives the township substantive work.

    ``lexicon`` names an extra CSV of terms (see queries/texts.py).

    >>> from queries._examples import text_store
    >>> [(f.subject, f.severity, dict(f.details)["evidence"]) for f in withdrawn_in_name(text_store())]
    [('乡规划审批', 'high', '[组织][编制]并报批')]
    """
    lex = load_lexicon(lexicon or None)
    if cards is None:  # a server store: the 收回 items' 工作方式 and 承接部门, not their whole cards
        cards = slim_cards(store, township, ("work_mode", "receiving_dept"), parts=(WITHDRAWN,))
    out = []
    for c in cards_of(store, township, cards, parts=(WITHDRAWN,)):
        hits = _township_hits(c.item.work_mode, WITHDRAWN_ACTIONS, lex)
        if hits:
            out.append(text_finding("text.withdrawn_in_name", c, "工作方式", c.item.work_mode, hits,
                                    f"「{c.item.label}」已收回，工作方式仍交镇街实质性工作",
                                    sure_severity("high", hits),
                                    message_en=f"{en_quote(c.item.label)} is withdrawn, yet its way of working "
                                    "still gives the township substantive work",
                                    receiving=c.item.receiving_dept))
    return sorted_findings(out)


def _cooperation_texts(card: ItemCard) -> list[tuple[str, str]]:
    texts = [("镇街配合职责", card.item.township_duty)] if card.item.township_duty.strip() else []
    seen = {t for _, t in texts}
    for p in card.cooperators:
        if level_side(p.level) == "township" and p.text.strip() and p.text not in seen:
            texts.append((f"配合科室 {p.name}", p.text))
            seen.add(p.text)
    return texts


@kept(per_township=True)
def cooperate_does_lead(store: DutyStore, township: str | None = None, *, lexicon: str = "",
                        cards: Sequence[ItemCard] | None = None) -> tuple[Finding, ...]:
    """``text.cooperate_does_lead``: 配合 items whose township part carries the lead's work.

    >>> from queries._examples import text_store
    >>> [(f.subject, dict(f.details)["evidence"]) for f in cooperate_does_lead(text_store())]
    [('城镇生活垃圾处理设施运行监管', '[负责]镇垃圾中转站[日常运行]')]
    """
    lex = load_lexicon(lexicon or None)
    if cards is None:  # a server store: the 配合 items' 镇街配合职责 and cooperators, not their whole cards
        cards = slim_cards(store, township, ("township_duty",), parts=(COOPERATE,))
    out = []
    for c in cards_of(store, township, cards, parts=(COOPERATE,)):
        for field, text in _cooperation_texts(c):
            hits = _township_hits(text, LEAD_ACTIONS, lex)
            if any(h.strength == "strong" for h in hits):
                out.append(text_finding("text.cooperate_does_lead", c, field, text, hits,
                                        f"「{c.item.label}」是配合事项，镇街承担的却是牵头部门的工作",
                                        "high", message_en=f"{en_quote(c.item.label)} is a cooperation item, "
                                        "yet the township carries the lead department's work"))
                break
    return sorted_findings(out)
