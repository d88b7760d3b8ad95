"""AppTest for the review in the dashboard: sign-in, the decision form on the board, rounds and minutes pages."""

from __future__ import annotations

import json

import pytest
from dashboard_support import APP, open_page
from streamlit.testing.v1 import AppTest

from graphmodel import ItemFilter, open_store
from graphmodel.editors import hash_password
from graphmodel.review import Op

TOWN = "XX镇"
HOMESTEAD = "item:XX镇:code:XXZ-JB-049"


@pytest.fixture
def editors(monkeypatch):
    monkeypatch.setenv("DUTYGRAPH_EDITORS", json.dumps({"王五": hash_password("pw"), "赵六": hash_password("pw2")}))


def _sign_in(at, name="王五", password="pw"):
    at.sidebar.text_input(key="signin_name").set_value(name)
    at.sidebar.text_input(key="signin_password").set_value(password)
    at.sidebar.button(key="signin_button").click()
    return at.run()


def _select_item(at, key):
    at = open_page(at, "board")
    at.selectbox(key="board_item").set_value(key)
    return at.run()


def test_read_only_without_sign_in(app, editors):
    at = _select_item(app, HOMESTEAD)
    assert not at.exception
    assert not [w for w in at.selectbox if w.key == "dec_action"]
    assert any("只读" in c.value for c in at.caption)
    assert not [b for b in at.button if b.key == "mt_confirm"]


def test_wrong_password_is_refused(app, editors):
    at = _sign_in(app, password="nope")
    assert any("不对" in e.value for e in at.sidebar.error)
    assert "editor" not in at.session_state or not at.session_state["editor"]


def test_a_decision_from_the_board_then_rounds_and_minutes(app, editors, data_dir):
    at = _sign_in(app)
    assert any("王五" in c.value for c in at.sidebar.caption)
    # a meeting first
    at = open_page(at, "minutes")
    at.text_input(key="mt_title").set_value("边界研讨")
    at.text_input(key="mt_date").set_value("2025-03-12")
    at.text_input(key="mt_people").set_value("张三、李四")
    at.button(key="FormSubmitter:meeting_form-保存").click()
    at = at.run()
    assert not at.exception
    # the decision, under the selected finding
    at = _select_item(at, HOMESTEAD)
    at.selectbox(key="dec_action").set_value("set_lead")
    at.selectbox(key="dec_dept").set_value("农业农村服务中心")
    at.selectbox(key="dec_meeting").set_value("M1")
    at.text_area(key="dec_note").set_value("土地管理法第六十二条")
    at.button(key="FormSubmitter:decision_form-记录决定").click()
    at = at.run()
    assert not at.exception
    assert any("D1" in s.value for s in at.success)
    with open_store("memory", data_dir=data_dir) as s:
        card = s.item_cards(ItemFilter(keys=(HOMESTEAD,)))[0]
        assert [p.name for p in card.leads] == ["农业农村服务中心"]
        assert s.decision(TOWN, "D1").finding_kind == "overlap.multi_lead"
    # close the meeting: round 2; the minutes page offers the downloads
    at = open_page(at, "minutes")
    at.button(key="mt_close").click()
    at = at.run()
    assert any("第 2 轮" in s.value for s in at.success)
    assert not at.exception
    # rounds page: round 1 → now shows the overlap resolved, and the item's history
    at = open_page(at, "rounds")
    assert not at.exception
    at.selectbox(key="rounds_a").set_value(1)
    at.selectbox(key="rounds_b").set_value(2)
    at = at.run()
    resolved = [m for m in at.metric if m.label == "已解决"]
    assert resolved and int(resolved[0].value) >= 1
    at.selectbox(key="rounds_item").set_value(HOMESTEAD)
    at = at.run()
    assert not at.exception


def test_four_eyes_in_the_dashboard(editors, data_dir):
    with open_store("memory", data_dir=data_dir) as s:
        s.set_four_eyes(TOWN, True, editor="王五")
        s.record_decision(TOWN, [Op("set_lead", HOMESTEAD, "农业农村服务中心")], editor="王五")
    at = AppTest.from_file(str(APP), default_timeout=30)
    at = _sign_in(at.run())
    at = open_page(at, "minutes")
    at.selectbox(key="mt_decision").set_value("D1")
    at.button(key="mt_confirm").click()
    at = at.run()
    assert any("cannot confirm" in e.value or "不能确认" in e.value for e in at.error)
    at.sidebar.button(key="signout").click()
    at = _sign_in(at.run(), "赵六", "pw2")
    at = open_page(at, "minutes")
    at.selectbox(key="mt_decision").set_value("D1")
    at.button(key="mt_confirm").click()
    at = at.run()
    assert not at.exception and not at.error
    with open_store("memory", data_dir=data_dir) as s:
        assert s.decision(TOWN, "D1").status == "applied"
