"""Duty texts on the pages: the words the reader relied on highlighted, and the village × action matrix.

A list's text is hostile: :func:`highlight_html` escapes every character of it (HTML and the
markdown characters) and adds only our own ``<mark>`` tags, so nothing from the list becomes
markup. Pages call :func:`show_text` and :func:`village_actions`.
"""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from queries import burden, frames
from queries.texts import ActionHit, read_text

from . import state
from .i18n import lang, t

__all__ = ["highlight_html", "item_texts", "show_text", "village_actions", "village_load"]

#: Background per tag: substantive work, support, negated work.
COLOURS = {"substantive": "#ffd8a8", "supporting": "#c8ecc8", "negated": "#e4e4e4"}
_MARKDOWN = {c: f"&#{ord(c)};" for c in "\\`*_{}[]()#+-.!|~>$"}


def _escape(text: str) -> str:
    """Every character safe: markdown characters as numeric entities, the rest HTML-escaped."""
    return "".join(_MARKDOWN.get(c) or html.escape(c, quote=True) for c in text).replace("\n", "<br>")


def highlight_html(text: str, hits: tuple[ActionHit, ...] | list[ActionHit]) -> str:
    """``text`` escaped, with each hit's span in a ``<mark>`` whose title names the tag and the rule.

    >>> from queries.texts import read_text
    >>> highlight_html("<b>协助</b>县局**检查**", read_text("<b>协助</b>县局**检查**").hits)  # doctest: +ELLIPSIS
    '&lt;b&#62;<mark style="background:#c8ecc8" title="协助性工作 · 词表「协助」">协助</mark>&lt;/b&#62;县局&#42;&#42;<mark ...>检查</mark>&#42;&#42;'
    """
    out, at = [], 0
    for h in sorted(hits, key=lambda h: (h.start, h.end)):
        if h.start < at:
            continue
        out.append(_escape(text[at:h.start]))
        title = _escape(f"{tag_label(h.tag)} · {rule_label(h.rule)}")
        out.append(f'<mark style="background:{COLOURS.get(h.tag, "#eee")}" title="{title}">'
                   f"{_escape(text[h.start:h.end])}</mark>")
        at = h.end
    out.append(_escape(text[at:]))
    return "".join(out)


def show_text(text: str, owner: str = "township", empty: str = "—") -> None:
    """One text with its action words highlighted (substantive orange, support green, negated grey)."""
    if not (text or "").strip():
        st.write(empty)
        return
    reading = read_text(text, owner)
    st.markdown(f'<div class="dg-duty-text">{highlight_html(text, reading.hits)}</div>', unsafe_allow_html=True)
    span = "「{}」: " if lang() == "en" else "{}："  # the span is list text: quoted among English words
    rules = sorted({span.format(h.span) + f"{tag_label(h.tag)} · {rule_label(h.rule)}" for h in reading.hits})
    if rules:
        st.caption("；".join(rules))


def item_texts(item) -> list[tuple[str, str, str]]:
    """(label, text, owner) of the item's duty texts that are written."""
    fields = (("dt.work_mode", item.work_mode, "township"), ("dt.township_duty", item.township_duty, "township"),
              ("dt.upper_duty", item.upper_duty, "county"), ("dt.village_text", item.village_text, "village"),
              ("dt.content", item.content, "township"))
    return [(t(label), text, owner) for label, text, owner in fields if (text or "").strip()]


def tag_label(tag: str) -> str:
    """substantive / supporting / negated in the page's language."""
    return t(f"dt.tag.{tag}")


def rule_label(rule: str) -> str:
    """``lexicon:负责 actor:县`` as words: each ``kind:term`` with the kind named in the page's language."""
    words = []
    for part in rule.split():
        kind, _, term = part.partition(":")
        words.append(f"{t('dt.rule.' + kind)}「{term}」" if term else t("dt.rule." + kind))
    return " ".join(words)


@st.cache_data(show_spinner=False)
def _village_actions(sid: str, township: str) -> pd.DataFrame:
    return frames.village_actions_frame(burden.village_actions(state.store(), township))


@st.cache_data(show_spinner=False)
def _village_loads(sid: str, township: str) -> dict[str, burden.VillageLoad]:
    return {v.village: v for v in burden.village_loads(state.store(), township)}


def village_load(township: str, village: str) -> burden.VillageLoad | None:
    """One village's item count, items with burden and items giving it a power (queries.burden)."""
    return _village_loads(state._sid(), township).get(village)


def village_actions(township: str) -> pd.DataFrame:
    """Villages × action categories of one township (powers marked ★), cached on the store."""
    return _village_actions(state._sid(), township)
