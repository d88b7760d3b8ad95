"""The boundary meeting in real headless Chromium, step by step, and list text that tries to be markup.

Tables draw on a canvas, so what is asserted here is text Streamlit puts in the DOM (headings,
captions, messages); table contents are asserted with AppTest in tests/dashboard.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser_support import browser, start_dashboard, watched_page  # noqa: E402,F401 - fixtures

from graphmodel import open_store  # noqa: E402
from graphmodel.editors import hash_password  # noqa: E402
from loaders import read_list  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dashboard"))
from dashboard_support import load_sample  # noqa: E402

pytestmark = pytest.mark.browser

IMAGE = "![x](http://example.invalid/b.png)"
LINK = "[link](http://example.invalid)"


@pytest.fixture(scope="module")
def meeting_server(tmp_path_factory):
    data = tmp_path_factory.mktemp("browser-meeting")
    with open_store("memory", data_dir=data) as s:
        load_sample(s)
    yield from start_dashboard(data, {"DUTYGRAPH_EDITORS": json.dumps({"王五": hash_password("pw")})})


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    """A township whose item, department and village names are Markdown that would fetch or link."""
    data = tmp_path_factory.mktemp("browser-hostile")
    csv = data / "恶意镇履行职责事项清单.csv"
    csv.write_text("事项名称,事项类型,责任主体,配合部门,涉及村（社区）,法律依据\n"
                   f"{IMAGE}宅基地,行政许可,{LINK}办、党政综合办,{IMAGE}所,{LINK}村,《土地管理法》第六十二条\n"
                   f"{LINK}检查,行政检查,,,,\n", encoding="utf-8")
    result = read_list([csv])
    assert result.tlist.items, result.problems
    with open_store("memory", data_dir=data) as s:
        s.replace_township(result.tlist)
    yield from start_dashboard(data)


def _settle(page) -> None:
    page.wait_for_selector("[data-testid='stApp']", timeout=30_000)
    page.wait_for_timeout(500)
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
    page.wait_for_timeout(500)


def _choose(page, label: str, option: str, last: bool = False) -> None:
    """Pick ``option`` in the selectbox labelled ``label`` by typing it, as a user would."""
    boxes = page.locator("[data-testid='stSelectbox']").filter(has=page.get_by_text(label, exact=True))
    box = boxes.last if last else boxes.first
    box.locator("input").click()
    box.locator("input").press_sequentially(option)
    page.wait_for_timeout(500)
    box.locator("input").press("Enter")
    _settle(page)


def _count(page) -> int:
    text = page.get_by_text(re.compile(r"^共 \d+ 条$")).first.inner_text()
    return int(re.findall(r"\d+", text)[0])


def _nav(page, name: str) -> None:
    """Go to another page through the sidebar (the same session: the sign-in and the meeting stay)."""
    page.locator("[data-testid='stSidebarNav']").get_by_text(name, exact=True).click()
    _settle(page)


def _record(page, item: str, dept: str, decision: str) -> None:
    _choose(page, "选择要研讨的事项", item)
    _choose(page, "部门", dept, last=True)
    page.get_by_text("预览：记录后清单将变为").first.wait_for(timeout=20_000)
    page.get_by_role("button", name="记录决定").click()
    page.get_by_text(re.compile(f"已记录决定 {decision}")).first.wait_for(timeout=30_000)
    _settle(page)


def test_the_meeting_in_chromium(browser, meeting_server):
    """The issue's meeting in one pass, asserting after each step what the projector shows."""
    context, page = watched_page(browser, meeting_server)
    try:
        page.goto(f"{meeting_server}/board", wait_until="domcontentloaded")
        _settle(page)
        # sign in with Enter
        page.get_by_text("编辑登录").first.click()
        page.get_by_label("姓名").fill("王五")
        page.get_by_label("密码").fill("pw")
        page.get_by_label("密码").press("Enter")
        page.get_by_text("编辑：王五").first.wait_for(timeout=20_000)
        _settle(page)
        before = _count(page)
        # start the meeting at the top of the board, its date from the date picker
        page.get_by_role("button", name="开始新会议").click()
        page.get_by_label("会议名称").fill("宅基地审批职责边界研讨")
        date = page.locator("[data-testid='stPopoverBody'] [data-testid='stDateInput']").first
        for part, value in (("year", "2025"), ("month", "03")):  # typed, then the day picked in the calendar
            field = date.locator(f"[role='spinbutton'][data-type='{part}']")
            field.click()
            field.press_sequentially(value)
        date.get_by_test_id("stDateInputCalendarButton").click()
        calendar = page.get_by_role("grid").first
        calendar.wait_for(timeout=10_000)
        calendar.get_by_role("button", name=re.compile(r"\b12\b")).first.click()
        page.wait_for_timeout(500)
        assert [date.locator(f"[data-type='{p}']").inner_text() for p in ("year", "month", "day")] == ["2025", "03", "12"]
        page.get_by_role("button", name="开始会议").click()
        page.get_by_text("已开始会议：2025-03-12 宅基地审批职责边界研讨").first.wait_for(timeout=20_000)
        _settle(page)
        # the item, the operation, the department; the preview says where 自然资源所 goes
        _choose(page, "选择要研讨的事项", "农村宅基地审批")
        page.get_by_text("牵头部门：农业农村服务中心、自然资源所").first.wait_for(timeout=20_000)
        page.get_by_text(re.compile(r"^多个牵头部门 · 高$")).first.wait_for(timeout=20_000)  # the finding beside the form
        _choose(page, "部门", "农业农村服务中心", last=True)
        page.get_by_text("改为配合部门，保留其职责说明").first.wait_for(timeout=20_000)
        page.get_by_text("预览：记录后清单将变为").first.wait_for(timeout=20_000)
        page.get_by_text(re.compile("解决：多个牵头部门")).first.wait_for(timeout=20_000)
        page.get_by_role("button", name="记录决定").click()
        # the same page, no reload: the decision, the new leads and cooperators, the finding gone, the new count
        page.get_by_text(re.compile("已记录决定 D1（已生效）")).first.wait_for(timeout=30_000)
        _settle(page)
        page.get_by_text("牵头部门：农业农村服务中心　配合部门：自然资源所").first.wait_for(timeout=20_000)
        assert _count(page) == before - 1
        page.get_by_text("此事项已不在研讨清单中", exact=False).first.wait_for(timeout=10_000)
        assert not page.get_by_text(re.compile(r"^多个牵头部门 · 高$")).count()  # resolved: no longer on the item
        assert "已记录 1 项决定" in page.inner_text("body")  # the meeting line counts it
        # a second decision, then undone on 会议与纪要 (it asks first and says what it restored)
        _record(page, "环境卫生整治", "环卫所", "D2")
        _nav(page, "会议与纪要")
        _choose(page, "决定", "D2")
        page.get_by_role("button", name="撤销").click()
        page.get_by_text("撤销决定 D2？", exact=False).first.wait_for(timeout=10_000)
        page.get_by_role("button", name="确认撤销").click()
        page.get_by_text(re.compile("已撤销决定 D2，恢复了：「环境卫生整治」")).first.wait_for(timeout=30_000)
        _settle(page)
        # back on the board, the same meeting; close it: closed, round 2, what it resolved, the undone one as undone
        _nav(page, "边界研讨")
        assert page.get_by_role("combobox", name="本次会议").input_value() == "2025-03-12 宅基地审批职责边界研讨"
        page.get_by_role("button", name="结束会议").click()
        page.get_by_role("button", name="确认结束").click()
        page.get_by_text(re.compile("会议「2025-03-12 宅基地审批职责边界研讨」已结束")).first.wait_for(timeout=30_000)
        body = page.inner_text("body")
        assert "清单形成第 2 轮" in body and "多个牵头部门 · 农村宅基地审批" in body
        assert "生效决定 1 项，已撤销 1 项" in body and "已撤销（不计入）：D2 「环境卫生整治」" in body
        # the minutes and the clarified list, downloaded from 会议与纪要
        _nav(page, "会议与纪要")
        assert page.get_by_role("combobox", name="会议").first.input_value().endswith("（已结束）")
        with page.expect_download() as got:
            page.get_by_role("button", name="会议纪要 Markdown").click()
        minutes = Path(got.value.path()).read_text(encoding="utf-8")
        assert "# XX镇宅基地审批职责边界研讨会议纪要" in minutes and "- 时间：2025-03-12" in minutes
        assert "### D1（已生效）多个牵头部门：农村宅基地审批" in minutes
        assert "「农村宅基地审批」确定牵头部门：农业农村服务中心（其他牵头部门改为配合（保留职责说明））" in minutes
        assert "### D2（已撤销）" in minutes and "王五 撤销" in minutes and "会后清单形成第2轮版本" in minutes
        assert not re.search(r"\b(item|chain|dept):|\b(overlap|gap)\.[a-z_]+", minutes), minutes
        with page.expect_download() as got:
            page.get_by_role("button", name="会议纪要 Word").click()
        import docx

        words = "\n".join(p.text for p in docx.Document(got.value.path()).paragraphs)
        assert "D1（已生效）多个牵头部门：农村宅基地审批" in words and "D2（已撤销）" in words
        with page.expect_download() as got:
            page.get_by_role("button", name="明确后的清单 Excel").click()
        from loaders import read_list as read_back

        clarified = Path(got.value.path()).with_suffix(".xlsx")
        Path(got.value.path()).rename(clarified)
        back = read_back([clarified], township="XX镇").tlist
        homestead = {(r.type, r.src.rsplit(":", 1)[-1]) for r in back.relations
                     if r.dst.endswith("XXZ-JB-049") and r.type in ("LEADS", "COOPERATES_ON")}
        assert ("LEADS", "农业农村服务中心") in homestead and ("COOPERATES_ON", "自然资源所") in homestead
        assert ("LEADS", "自然资源所") not in homestead
        sanitation = {r.src.rsplit(":", 1)[-1] for r in back.relations if r.dst.endswith("XXZ-JB-070") and r.type == "LEADS"}
        assert len(sanitation) == 2, sanitation  # D2 was undone: both leads as before
        assert page.outside == []
    finally:
        context.close()


PAGES = ("", "board", "coverage", "county", "chains", "whatif", "department", "village", "lookup", "rounds", "minutes")


@pytest.mark.parametrize("path", PAGES)
def test_list_text_is_never_markup(browser, hostile_server, path):
    context, page = watched_page(browser, hostile_server)
    try:
        page.goto(f"{hostile_server}/{path}", wait_until="domcontentloaded")
        _settle(page)
        if path == "lookup":
            page.get_by_role("textbox").first.fill("宅基地")
            page.get_by_role("textbox").first.press("Enter")
            _settle(page)
        page.wait_for_timeout(1500)
        main = page.locator("[data-testid='stMain']")
        bad = main.locator("a[href*='example.invalid'], img[src*='example.invalid']")
        assert not bad.count(), [bad.nth(i).evaluate("e => e.parentElement.parentElement.outerHTML.slice(0, 600)")
                                 for i in range(bad.count())]
        assert not page.locator("[data-testid='stException']").count()
        assert page.outside == [], f"requests left the machine: {page.outside}"
        if path in ("board", "lookup"):
            assert "example.invalid" in main.inner_text(), "the hostile name is shown as text"
    finally:
        context.close()
