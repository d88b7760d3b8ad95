"""English mode: lookup answers and the completeness sentence in English; our Chinese only as the Chinese rendering.

The queries give the answer's reason and the score's parts without words (``LookupHit.reason``,
``TownshipScore.drags``); dashboard/i18n.py words them. In Chinese the words must be exactly
what the queries (and the CLI) print, so the two cannot drift apart.
"""

from __future__ import annotations

import dataclasses
import re

import pytest
import streamlit as st
from dashboard_support import APP, open_page
from page_text import shown_texts
from streamlit.testing.v1 import AppTest

from graphmodel import POWER_TYPES, ListPart, open_store
from queries._examples import example_store
from queries.coverage import completeness
from queries.lookup import lookup

_HAN = re.compile(r"[\u4e00-\u9fff]")
_ESCAPE = re.compile(r"\\(.)")


@pytest.fixture
def chinese():
    st.session_state["lang"] = "zh"
    yield
    st.session_state.pop("lang", None)


def test_chinese_rendering_is_what_the_queries_say(data_dir, chinese):
    from dashboard.i18n import lookup_answer, score_sentence

    for s in (example_store(), open_store("memory", data_dir=data_dir)):
        hits = [h for c in s.item_cards() for h in lookup(s, c.item.name, limit=3)]
        codes = {h.reason[0] for h in hits}
        assert {"owned", "shared", "gap"} <= codes, codes  # the cases that matter, not one code only
        assert [lookup_answer(h) for h in hits] == [h.answer for h in hits]
        assert [score_sentence(x) for x in completeness(s)] == [x.explanation for x in completeness(s)]


def _data(data_dir) -> list[str]:
    """Every text that comes from the list itself (names, fields, duty texts, bases), longest first."""
    out = set(POWER_TYPES) | {p.value for p in ListPart}
    with open_store("memory", data_dir=data_dir) as s:
        for kind in ("Township", "Department", "Village", "LegalBasis", "DutyItem"):
            for n in s.nodes(kind):
                out |= {str(getattr(n, f.name)) for f in dataclasses.fields(n) if isinstance(getattr(n, f.name), str)}
                out.add(n.label if hasattr(n, "label") else n.name)
        for c in s.item_cards():
            out |= {p.text for p in (*c.leads, *c.cooperators, *c.villages)} | {b.label for b in c.bases}
            out.add(c.item.source)
    return sorted((d for d in out if _HAN.search(d)), key=len, reverse=True)


def _ours(texts, data: list[str]) -> list[tuple[str, str]]:
    """Texts that still hold Chinese once every piece of list text is taken out."""
    found = []
    for where, text in texts:
        if where == "segmented":  # the language switch names itself in both languages on purpose
            continue
        rest = _ESCAPE.sub(r"\1", text)  # what a person sees of escaped markdown
        for d in data:
            if d in rest:
                rest = rest.replace(d, " ")
        if _HAN.search(rest):
            found.append((where, text[:160]))
    return found


@pytest.mark.parametrize("question", ["宅基地", "谁负责消防安全检查", "养狗要办证吗"])
def test_english_lookup_page_has_no_chinese_of_ours(data_dir, question):
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    at.segmented_control(key="lang").set_value("en").run()
    open_page(at, "lookup")
    at.text_input(key="lookup_text").set_value(question).run()
    assert not at.exception
    texts = shown_texts(at)
    assert any(w in ("table", "markdown", "warning") for w, _ in texts)
    # the box's example keywords are what to type: the list is Chinese, so they are too
    assert _ours(texts, _data(data_dir) + ["宅基地", "消防", "垃圾"]) == []


def test_english_overview_has_no_chinese_of_ours(data_dir):
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    at.segmented_control(key="lang").set_value("en").run()
    assert not at.exception
    texts = shown_texts(at)
    sentence = [text for where, text in texts if where == "caption" and "points (" in text]
    assert sentence and "Most points lost" in sentence[0]
    assert _ours(texts, _data(data_dir)) == []
