"""AppTest for the review in the dashboard: sign-in, the decision form on the board, rounds and minutes pages."""

from __future__ import annotations

import re

import datetime as dt
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


def _worklist_names(at):
    return list(at.dataframe[0].value.iloc[:, 2])


def test_the_meeting_on_the_board_in_one_pass(app, editors, data_dir):
    """Start a meeting, settle 农村宅基地审批 with a preview, see the new state at once, close the meeting."""
    at = _sign_in(app)
    assert any("王五" in c.value for c in at.sidebar.caption)
    at = open_page(at, "board")
    count_before = len(at.dataframe[0].value)
    assert "农村宅基地审批" in _worklist_names(at)
    # the meeting at the top of the board, with a real date picker
    at.text_input(key="mt_new_title").set_value("宅基地审批职责边界研讨")
    at.date_input(key="mt_new_date").set_value(dt.date(2025, 3, 12))
    at.text_input(key="mt_new_people").set_value("张三、李四")
    at.button(key="mt_new_go").click()
    at = at.run()
    assert not at.exception
    assert at.selectbox(key="board_meeting_pick").value == "M1"
    at.selectbox(key="board_item").set_value(HOMESTEAD)
    at = at.run()
    # the form shows only what the operation needs; set_lead asks where the other lead goes
    at.selectbox(key="dec_action").set_value("set_lead").run()
    assert not [w for w in at.text_input if w.key in ("dec_basis", "dec_text")]
    at.selectbox(key="dec_dept").set_value("农业农村服务中心")
    at = at.run()
    others = at.radio(key="dec_others")
    assert others.value == "cooperate" and "自然资源所" in others.label
    preview = at.dataframe[-4].value if False else next(d.value for d in at.dataframe if "之前" in d.value.columns)
    leads = preview[preview["项目"] == "牵头部门"].iloc[0]
    assert leads["之前"] == "农业农村服务中心、自然资源所" and leads["之后"] == "农业农村服务中心"
    coops = preview[preview["项目"] == "配合部门"].iloc[0]
    assert coops["之前"] == "—" and coops["之后"] == "自然资源所"
    assert any("解决" in m.value and "多个牵头部门" in m.value for m in at.markdown)
    # a second operation in the same decision: the cooperating part
    at.button(key="dec_add").click()
    at = at.run()
    at.selectbox(key="dec_action").set_value("add_cooperator").run()
    at.text_input(key="dec_new_dept").set_value("自然资源所")
    at.text_input(key="dec_text").set_value("负责用地审查")
    at = at.run()
    at.text_area(key="dec_note").set_value("土地管理法第六十二条")
    at.button(key="dec_record").click()
    at = at.run()
    assert not at.exception and not at.error
    assert any("D1" in s.value for s in at.success)
    # the same page shows the new state at once: the item left the worklist, the count fell
    assert "农村宅基地审批" not in _worklist_names(at)
    assert len(at.dataframe[0].value) == count_before - 1
    with open_store("memory", data_dir=data_dir) as s:
        card = s.item_cards(ItemFilter(keys=(HOMESTEAD,)))[0]
        assert [p.name for p in card.leads] == ["农业农村服务中心"]
        assert [(p.name, p.text) for p in card.cooperators] == [("自然资源所", "负责用地审查")]
        d = s.decision(TOWN, "D1")
        assert d.meeting == "M1" and d.finding_kind == "overlap.multi_lead" and len(d.ops) == 2
    # close the meeting from the board: closed, the new round, what it resolved
    at.button(key="mt_close_go").click()
    at = at.run()
    text = " ".join(s.value for s in at.success)
    assert "已结束" in text and "第 2 轮" in text and "多个牵头部门" in text and "农村宅基地审批" in text
    assert at.selectbox(key="board_meeting_pick").value == ""
    # rounds page: round 1 → 2 shows the overlap resolved
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


def test_undo_asks_and_says_what_it_restored(editors, data_dir):
    with open_store("memory", data_dir=data_dir) as s:
        s.record_decision(TOWN, [Op("set_lead", HOMESTEAD, "农业农村服务中心")], editor="王五")
    at = _sign_in(AppTest.from_file(str(APP), default_timeout=30).run())
    at = open_page(at, "minutes")
    at.selectbox(key="mt_decision").set_value("D1").run()
    at.button(key="mt_undo").click()
    at = at.run()
    assert any("已撤销决定 D1" in s.value and "农村宅基地审批" in s.value for s in at.success)
    frame = at.dataframe[0].value
    assert list(frame["状态"]) == ["已撤销"] and "王五" in frame["撤销"].iloc[0]
    with open_store("memory", data_dir=data_dir) as s:
        assert len(s.item_cards(ItemFilter(keys=(HOMESTEAD,)))[0].leads) == 2


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


def test_only_a_reviewer_sees_confirm_and_approve(monkeypatch, data_dir):
    """A 编辑 records; confirming a decision or approving a request needs the 审核 role."""
    monkeypatch.setenv("DUTYGRAPH_EDITORS", json.dumps({"王五": hash_password("pw"),
                                                        "孙七": {**hash_password("pw3"), "role": "编辑"}}))
    with open_store("memory", data_dir=data_dir) as s:
        s.set_four_eyes(TOWN, True, editor="王五")
        s.record_decision(TOWN, [Op("set_lead", HOMESTEAD, "农业农村服务中心")], editor="王五")
        s.submit_request(TOWN, "调整牵头", "村民", editor="王五", description="…")
    at = _sign_in(AppTest.from_file(str(APP), default_timeout=30).run(), "孙七", "pw3")
    at = open_page(at, "minutes")
    at.selectbox(key="mt_decision").set_value("D1").run()
    assert not at.exception
    assert not [b for b in at.button if b.key in ("mt_confirm", "rq_approve")]
    assert any("审核" in c.value for c in at.caption)
    with open_store("memory", data_dir=data_dir) as s:
        assert s.decision(TOWN, "D1").status == "proposed"


def test_parties_side_by_side_fold_identical_village_roles(app):
    at = _select_item(app, HOMESTEAD)
    assert not at.exception
    heads = [m.value for m in at.markdown]
    assert any(h.startswith("**10 个村（社区）**") for h in heads), heads  # one card, not ten
    # each party's text is shown once, highlighted (our <mark> tags around the action words)
    shown = [re.sub(r"<[^<>]+>", "", m.value) for m in at.markdown]
    assert sum("村民委员会受理申请" in x for x in shown) == 1
    assert not any(x.strip() == "（未写明）" for x in shown + [x.value for x in at.text])
