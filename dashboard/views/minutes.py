"""会议与纪要 Meetings & minutes: meetings, their decisions (confirm, undo), minutes and list exports, change requests."""

import datetime as dt

import streamlit as st

from dashboard import review, state
from dashboard.i18n import columns, lang, shown_as, t
from dashboard.meeting_bar import STAGES, close_summary, is_open, meeting_name, stage_label
from dashboard.safe import md
from graphmodel.review import describe_decision


def _township() -> str | None:
    names = state.townships()
    return state.in_view() or (names[0] if len(names) == 1 else None)


def meetings_section(township: str, who: str | None) -> str | None:
    store = state.store()
    meetings = {m.id: f"{meeting_name(m)}（{t('mt.state.open' if is_open(m) else 'mt.state.closed')}）"
                for m in store.meetings(township)}
    if who:
        with st.expander(t("rv.new_meeting")), st.form("meeting_form", clear_on_submit=True):
            title = st.text_input(t("rv.title"), key="mt_title")
            date = st.date_input(t("rv.date"), value=dt.date.today(), key="mt_date", format="YYYY-MM-DD")
            people = st.text_input(t("rv.participants"), key="mt_people")
            stage = st.selectbox(t("rv.stage"), list(STAGES), key="mt_stage", format_func=shown_as(stage_label))
            if st.form_submit_button(t("rv.save")):
                m = store.record_meeting(township, title, date.isoformat() if date else "",
                                         [p for p in people.split("、") if p.strip()], editor=who, stage=stage)
                st.session_state["current_meeting"] = m.id
                state.after_write(t("mt.started", name=md(meeting_name(m))))
    if not meetings:
        return None
    return st.selectbox(t("rv.meetings"), list(meetings), index=len(meetings) - 1, format_func=meetings.get,
                        key="mt_selected")


def decisions_section(township: str, meeting: str | None, who: str | None) -> None:
    st.subheader(t("rv.decisions"))
    frame = review.decisions_frame(township, meeting)
    st.dataframe(columns(frame), hide_index=True, width="stretch")
    if not who or frame.empty:
        return
    store = state.store()
    decided = {d.id: d for d in store.decisions(township, meeting=meeting)}
    names = review.item_names(township)
    language = lang()  # read now: a format_func may run outside the script run
    c1, c2, c3, c4 = st.columns([2, 1, 1, 1], vertical_alignment="bottom")
    did = c1.selectbox(t("rv.decision"), list(decided), key="mt_decision",
                       format_func=lambda k: f"{k} {describe_decision(decided[k], names, language)}"[:80])
    d = decided[did]
    what = describe_decision(d, names, language)
    confirmer = review.may_confirm(who)  # 编辑 records; only 审核 confirms (graphmodel.editors.ROLES)
    if d.status == "proposed" and not confirmer:
        c2.caption(t("rv.needs_reviewer"))
    if d.status == "proposed" and confirmer and c2.button(t("rv.confirm"), key="mt_confirm"):
        store.confirm_decision(township, did, editor=who)
        state.after_write(t("rv.confirmed", id=did))
    if d.status == "proposed" and c3.button(t("rv.reject"), key="mt_reject"):
        store.reject_decision(township, did, editor=who)
        state.after_write(t("rv.rejected", id=did))
    if d.status == "applied":
        with c4.popover(t("rv.undo"), use_container_width=True):
            st.markdown(t("rv.undo_confirm", id=did, what=md(what)))
            reason = st.text_input(t("rv.note"), key="mt_undo_reason")
            if st.button(t("rv.undo_go"), key="mt_undo", type="primary"):
                store.undo_decision(township, did, editor=who, reason=reason)
                state.after_write(t("rv.undone", id=did, what=md(what)))
    m = store.meeting(township, meeting) if meeting else None
    if m is not None and is_open(m) and st.button(t("rv.close"), key="mt_close"):
        rnd = store.close_meeting(township, meeting, editor=who)
        if st.session_state.get("current_meeting") == meeting:
            st.session_state["current_meeting"] = ""
        state.after_write(close_summary(township, store.meeting(township, meeting), rnd))


def downloads_section(township: str, meeting: str | None) -> None:
    st.subheader(t("rv.downloads"))
    c1, c2, c3, c4 = st.columns(4)
    if meeting:
        c1.download_button(t("rv.minutes_docx"), review.minutes_docx(township, meeting), f"{township}{meeting}会议纪要.docx",
                           key="dl_minutes_docx")
        c2.download_button(t("rv.minutes_md"), review.minutes_md(township, meeting), f"{township}{meeting}会议纪要.md",
                           key="dl_minutes_md")
    c3.download_button(t("rv.clarified"), review.clarified_xlsx(township), f"{township}履行职责事项清单.xlsx",
                       key="dl_clarified")
    c4.download_button(t("rv.audit"), review.audit_xlsx(township), f"{township}审计报告.xlsx", key="dl_audit")


def requests_section(township: str, meeting: str | None, who: str | None) -> None:
    st.subheader(t("rv.requests"))
    store = state.store()
    reqs = store.requests(township)
    st.dataframe(columns(review.requests_frame(township)), hide_index=True, width="stretch")
    if not who:
        return
    with st.expander(t("rv.submit")), st.form("request_form", clear_on_submit=True):
        title = st.text_input(t("rv.req_title"), key="rq_title")
        by = st.text_input(t("rv.req_by"), key="rq_by")
        desc = st.text_area(t("rv.req_desc"), key="rq_desc")
        if st.form_submit_button(t("rv.submit")):
            store.submit_request(township, title, by, editor=who, description=desc)
            state.after_write(t("rv.saved"))
    open_ = [c.id for c in reqs if c.status in ("submitted", "reviewed")]
    if not open_:
        return
    c1, c2 = st.columns([1, 3])
    cid = c1.selectbox(t("rv.request"), open_, key="rq_selected")
    opinion = c2.text_input(t("rv.opinion"), key="rq_opinion")
    b1, b2, b3 = st.columns(3)
    if b1.button(t("rv.review"), key="rq_review"):
        store.review_request(township, cid, editor=who, opinion=opinion, meeting=meeting or "")
        state.after_write(t("rv.saved"))
    if not review.may_confirm(who):
        b2.caption(t("rv.needs_reviewer"))
    elif b2.button(t("rv.approve"), key="rq_approve"):
        store.decide_request(township, cid, True, editor=who, note=opinion)
        state.after_write(t("rv.saved"))
    if b3.button(t("rv.req_reject"), key="rq_reject"):
        store.decide_request(township, cid, False, editor=who, note=opinion)
        state.after_write(t("rv.saved"))


def render() -> None:
    st.title(t("page.minutes"))
    township = _township()
    if township is None:
        st.info(t("rv.choose_township"))
        return
    who = review.editor()
    if who:
        four = st.toggle(t("rv.four_eyes"), value=state.store().review_settings(township).four_eyes, key="mt_four_eyes")
        if four != state.store().review_settings(township).four_eyes:
            state.store().set_four_eyes(township, four, editor=who)
            state.after_write(t("rv.four_eyes_set"))
    else:
        st.caption(t("rv.readonly"))
    meeting = meetings_section(township, who)
    decisions_section(township, meeting, who)
    downloads_section(township, meeting)
    requests_section(township, meeting, who)
    st.subheader(t("rv.trail"))
    st.dataframe(columns(review.trail_frame(township)), hide_index=True, width="stretch")


state.guard(render)()
