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
from dashboard_support import APP, PAGES, open_page
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
            out |= {str(x) for x in c.citations}  # laws as the list cites them
            out.add(c.item.source)
    return sorted((d for d in out if _HAN.search(d)), key=len, reverse=True)


_QUOTED = re.compile(r"「([^」]*)」|《([^》]*)》")


def _without(text: str, data: list[str]) -> str:
    for d in data:
        if d in text:
            text = text.replace(d, " ")
    return text


def _unquote(text: str, corpus: str) -> str:
    """``text`` without the quoted pieces the list holds (matched words in brackets count as the list's)."""
    def piece(m):
        return (m[1] or m[2] or "").replace("[", "").replace("]", "").strip()

    return _QUOTED.sub(lambda m: " " if not piece(m) or piece(m) in corpus else m[0], text)


def _ours(texts, data: list[str], spans: bool = False) -> list[tuple[str, str]]:
    """Texts that still hold Chinese once every piece of list text is taken out.

    ``spans``: a quoted 「piece」 or 《law》 of a list text (a matched term, a clause with the matched words
    in brackets) counts as list text too; a quoted piece the list does not hold stays ours.
    """
    found = []
    corpus = "\n".join(data)
    for where, text in texts:
        if where == "segmented":  # the language switch names itself in both languages on purpose
            continue
        rest = _ESCAPE.sub(r"\1", text)  # what a person sees of escaped markdown
        if spans:  # whole list texts first or quoted pieces first: either order takes out only list text
            rest = min(_unquote(_without(rest, data), corpus), _without(_unquote(rest, corpus), data),
                       key=lambda r: len(_HAN.findall(r)))
        else:
            rest = _without(rest, data)
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


def test_every_page_in_english_shows_only_list_text(data_dir):
    """Every page of the walk, in English: Chinese only where it comes from the list, or where it
    is what a user types (the lookup's example keywords, a header word in the column mapping)."""
    typed = ["宅基地", "消防", "垃圾", "责任主体"]
    data = _data(data_dir) + typed
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    at.segmented_control(key="lang").set_value("en").run()
    leaks = []
    for page in PAGES:
        at = open_page(at, page)
        assert not at.exception, page
        leaks += [(page, *leak) for leak in _ours(shown_texts(at), data, spans=True)]
    assert leaks == [], "\n".join(map(str, leaks))


HOMESTEAD = "item:XX镇:code:XXZ-JB-049"
SPLIT = "分头审批"  # short: the decision picker cuts its options at 80 characters


def test_english_meeting_pages_have_no_chinese_of_ours(data_dir, monkeypatch):
    """Board (worklist of the sample's findings, the item's findings, the decision form's pending
    operation and preview), decisions list, meeting close and overview: in English only list text
    is Chinese — finding messages and decision sentences included."""
    import json

    from graphmodel.editors import hash_password
    from graphmodel.review import Op

    monkeypatch.setenv("DUTYGRAPH_EDITORS", json.dumps({"王五": hash_password("pw")}))
    with open_store("memory", data_dir=data_dir) as s:
        s.record_decision("XX镇", [Op("accept_shared", HOMESTEAD, text=SPLIT)], editor="王五")
        s.undo_decision("XX镇", "D1", editor="王五", reason="")
    data = _data(data_dir) + [SPLIT, "王五"]
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    at.segmented_control(key="lang").set_value("en").run()
    at.sidebar.text_input(key="signin_name").set_value("王五")
    at.sidebar.text_input(key="signin_password").set_value("pw")
    at.sidebar.button(key="signin_button").click()
    at = open_page(at.run(), "board")
    board = shown_texts(at)
    work = at.dataframe[0].value
    assert len(work) > 20 and "Message" in work.columns  # the sample's findings, 说明 in English
    assert all(re.search(r"[A-Za-z]{3}", m) for m in work["Message"])
    # the item with the most findings opens below, with the decision form and a pending operation
    at.selectbox(key="board_item").set_value(HOMESTEAD).run()
    at.selectbox(key="dec_action").set_value("set_lead").run()
    at.selectbox(key="dec_dept").set_value("农业农村服务中心").run()
    at.button(key="dec_add").click()
    at = at.run()
    assert not at.exception
    item = shown_texts(at)
    assert any(w == "text" and "set the lead" in s for w, s in item)  # the pending operation, in English
    at = open_page(at, "minutes")
    assert not at.exception
    minutes = shown_texts(at)
    assert any("accept shared leads" in s for _, s in minutes)  # the decisions list, in English
    at = open_page(at, "overview")
    overview = shown_texts(at)
    at = open_page(at, "department")  # the department's findings, as a table
    department = shown_texts(at)
    at = open_page(at, "chains")  # inspection and penalty items not linked: findings too
    chain_page = shown_texts(at)
    assert not at.exception
    pages = (("board", board), ("item", item), ("decisions", minutes), ("overview", overview),
             ("department", department), ("chains", chain_page))
    leaks = [(name, *leak) for name, texts in pages for leak in _ours(texts, data, spans=True)]
    assert leaks == [], "\n".join(map(str, leaks))
