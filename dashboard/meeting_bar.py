"""The meeting at the top of the board: pick or start the current meeting, close it.

Every decision recorded on the board belongs to the meeting chosen here; recording outside
a meeting is an explicit choice in the decision panel. Closing a meeting makes a round (when
its decisions changed the list) and says what it resolved.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from graphmodel.review import Meeting, describe_decision

from . import review, state
from .i18n import lang, t, shown_as
from .labels import kind_label
from .safe import md

__all__ = ["close_summary", "current_meeting", "is_open", "meeting_bar", "meeting_name"]

STAGES = ("专题研讨", "专班联审", "专家评审", "部门自评")


def stage_label(stage: str) -> str:
    """A review stage (部门自评 …, stored in Chinese as the review names it) in the page's language."""
    return t(f"mt.stage.{STAGES.index(stage)}") if stage in STAGES else stage


def meeting_name(m: Meeting) -> str:
    return f"{m.date} {m.title}"


def is_open(m: Meeting) -> bool:
    return not m.closed_at


def current_meeting() -> str:
    """The meeting decisions on the board are recorded in ('' for none)."""
    return st.session_state.get("current_meeting") or ""


def close_summary(township: str, m: Meeting, rnd) -> str:
    decided = state.store().decisions(township, meeting=m.id)
    applied = [d.id for d in decided if d.status == "applied"]
    undone = [d.id for d in decided if d.status == "undone"]
    lines = [t("mt.closed", name=md(meeting_name(m)))]
    lines.append(t("mt.new_round", n=rnd.number) if rnd else t("rv.unchanged"))
    lines.append(t("mt.decided", applied=len(applied), undone=len(undone)))
    if undone:  # listed as undone, not counted among what the meeting decided
        names = review.item_names(township)
        lines += [f"- {t('mt.undone_item', id=d.id, what=md(describe_decision(d, names, lang())))}"
                  for d in decided if d.status == "undone"]
    if rnd and rnd.number > 1:
        d = review.diff(township, rnd.number - 1, rnd.number)
        for f in d.resolved:
            lines.append(f"- {t('rv.pv.resolves')}：{kind_label(f.kind)} · {md(f.subject)}")
    return "  \n".join(lines)


def _picked() -> None:
    st.session_state["current_meeting"] = st.session_state.get("board_meeting_pick") or ""


def meeting_bar(township: str | None) -> str:
    """Draw the bar; return the current meeting's id ('' for none)."""
    if township is None:
        st.caption(t("mt.one_township"))
        return ""
    store = state.store()
    meetings = {m.id: m for m in store.meetings(township)}
    open_ = [mid for mid, m in meetings.items() if is_open(m)]
    options = ["", *open_]
    cur = current_meeting()
    if cur not in options:
        cur = open_[-1] if open_ else ""
    who = review.editor()
    c1, c2, c3 = st.columns([4, 1, 1], vertical_alignment="bottom")
    st.session_state["current_meeting"] = cur
    st.session_state["board_meeting_pick"] = cur  # the widget follows the meeting started or closed elsewhere
    mid = c1.selectbox(t("mt.current"), options, key="board_meeting_pick", on_change=_picked,
                       format_func=shown_as(lambda k: meeting_name(meetings[k]) if k else t("mt.none")))
    if mid:
        m = meetings[mid]
        st.caption(t("mt.line", stage=md(stage_label(m.stage)), people=md("、".join(m.participants)) or "—",
                     n=len(store.decisions(township, meeting=mid))))
    if not who:
        return mid
    with c2.popover(t("mt.start"), use_container_width=True), st.form("meeting_start", border=False):
        title = st.text_input(t("rv.title"), key="mt_new_title")
        date = st.date_input(t("rv.date"), value=dt.date.today(), key="mt_new_date", format="YYYY-MM-DD")
        people = st.text_input(t("rv.participants"), key="mt_new_people")
        stage = st.selectbox(t("rv.stage"), STAGES, key="mt_new_stage", format_func=shown_as(stage_label))
        if st.form_submit_button(t("mt.start_button"), key="mt_new_go"):
            m = store.record_meeting(township, title, date.isoformat() if date else "",
                                     [p for p in people.replace(",", "、").split("、") if p.strip()], editor=who,
                                     stage=stage)
            st.session_state["current_meeting"] = m.id
            state.after_write(t("mt.started", name=md(meeting_name(m))))
    if mid:
        with c3.popover(t("mt.close"), use_container_width=True):
            st.markdown(t("mt.close_confirm", name=md(meeting_name(meetings[mid]))))
            if st.button(t("mt.close_button"), key="mt_close_go", type="primary"):
                rnd = store.close_meeting(township, mid, editor=who)
                st.session_state["current_meeting"] = ""
                state.after_write(close_summary(township, store.meeting(township, mid), rnd))
    return mid
