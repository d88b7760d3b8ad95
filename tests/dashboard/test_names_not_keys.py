"""Every page in both languages: no internal identifier reaches a user, and Chinese mode shows no English of ours."""

from __future__ import annotations

import json

import pytest
from dashboard_support import APP
from page_text import english_words, leaks, shown_texts
from streamlit.testing.v1 import AppTest

from graphmodel import open_store
from graphmodel.editors import hash_password
from graphmodel.review import Op

TOWN = "XX镇"
HOMESTEAD = "item:XX镇:code:XXZ-JB-049"
PAGES = ("overview", "board", "coverage", "county", "county_department", "chains", "whatif", "department", "village", "lookup", "rounds", "minutes",
         "importer")
#: Words that are names, not our English: formats, the product, Streamlit's own (docs/dashboard.md),
#: and the command a page tells the user to type (dutygraph load … --catalogue-of).
ALLOWED = {"dutygraph", "excel", "word", "markdown", "xlsx", "docx", "csv", "svg", "png", "memory", "json", "neo4j",
           "language", "english", "tmp", "pytest", "data", "load", "catalogue"}


@pytest.fixture
def reviewed(data_dir, monkeypatch):
    """The sample with a meeting, an applied and an undone decision, and a signed-in editor's credentials."""
    monkeypatch.setenv("DUTYGRAPH_EDITORS", json.dumps({"王五": hash_password("pw")}))
    with open_store("memory", data_dir=data_dir) as s:
        m = s.record_meeting(TOWN, "边界研讨", "2025-03-12", ["张三"], editor="王五")
        d = s.record_decision(TOWN, [Op("set_lead", HOMESTEAD, "农业农村服务中心")], editor="王五", meeting=m.id,
                              finding={"kind": "overlap.multi_lead", "subject": "农村宅基地审批"})
        s.undo_decision(TOWN, d.id, editor="王五", reason="重议")
        s.record_decision(TOWN, [Op("set_lead", HOMESTEAD, "农业农村服务中心")], editor="王五", meeting=m.id)
    return data_dir


def _walk(lang: str):
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    at.sidebar.text_input(key="signin_name").set_value("王五")
    at.sidebar.text_input(key="signin_password").set_value("pw")
    at.sidebar.button(key="signin_button").click().run()
    if lang == "en":
        at.segmented_control(key="lang").set_value("en").run()
    for page in PAGES:
        at.switch_page(f"views/{page}.py")
        at.run()
        if page == "board":
            at.selectbox(key="board_item").set_value("item:XX镇:code:XXZ-JB-070").run()
        if page == "lookup":
            at.text_input(key="lookup_text").set_value("宅基地").run()
        assert not at.exception, (page, at.exception)
        yield page, shown_texts(at)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_internal_identifier_on_any_page(reviewed, lang):
    problems = {page: leaks(texts) for page, texts in _walk(lang)}
    assert not {p: v for p, v in problems.items() if v}


def test_chinese_mode_shows_no_english_of_ours(reviewed):
    problems = {page: english_words(texts, ALLOWED) for page, texts in _walk("zh")}
    assert not {p: v for p, v in problems.items() if v}


def test_english_mode_names_every_column_of_ours(reviewed):
    """In English, a Chinese column name is data (a village, township, department, power type or list part)."""
    from graphmodel import POWER_TYPES, ListPart

    with open_store("memory", data_dir=reviewed) as s:
        data = {n.name for kind in ("Village", "Department", "Township", "DutyItem") for n in s.nodes(kind)}
        data |= {n.power_type_raw or n.power_type for n in s.nodes("DutyItem")} - {""}
    data |= set(POWER_TYPES) | {p.value for p in ListPart}
    # the duty-text lexicon's action names are list vocabulary users extend (queries/data/duty_actions.csv)
    from queries.texts import load_lexicon

    data |= {a + mark for t in load_lexicon().terms.values() if t.action for a in (t.action,) for mark in ("", "★")}
    ours = {}
    for page, texts in _walk("en"):
        untranslated = sorted({text for where, text in texts
                               if where in ("title", "subheader", "table-col") and _han(text) and text not in data
                               and not any(text.endswith(f"：{d}") or d in text for d in data)})
        if untranslated:
            ours[page] = untranslated
    assert not ours


def _han(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_every_empty_choice_has_our_placeholder():
    """A multiselect (or a selectbox starting empty) shows Streamlit's "Choose an option" unless we give a placeholder."""
    import ast
    from pathlib import Path

    missing = []
    for path in sorted((APP.parent).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            kw = {k.arg: k.value for k in node.keywords}
            empty = node.func.attr == "multiselect" or (
                node.func.attr == "selectbox" and isinstance(kw.get("index"), ast.Constant) and kw["index"].value is None)
            if empty and "placeholder" not in kw:
                missing.append(f"{Path(path).name}:{node.lineno}")
    assert not missing
