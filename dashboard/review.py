"""The review in the dashboard: editor sign-in, cached reads of rounds and decisions, the decision form.

Everyone sees the dashboard read-only; an editor signs in in the sidebar (credentials from
the editors file or ``$DUTYGRAPH_EDITORS``, see graphmodel/editors.py) to record decisions,
meetings and change requests. Writes go through the store contract and clear the caches.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from graphmodel.editors import SignInRefused, load_editors, load_throttle, sign_in
from graphmodel.review import ACTIONS, Op, describe_decision
from loaders import load_aliases
from loaders.review_exports import (
    collect_minutes,
    export_clarified,
    minutes_markdown,
    write_minutes_docx,
    write_tables_xlsx,
)
from queries.report_tables import audit_tables
from queries.rounds import RoundDiff, coverage_trend, diff_rounds, item_history

from . import state
from .i18n import t

__all__ = ["decision_form", "editor", "signin_sidebar"]


# ---- sign-in ------------------------------------------------------------------------------------
def editor() -> str | None:
    """The signed-in editor, or None (read-only)."""
    return st.session_state.get("editor") or None


def signin_sidebar() -> None:
    """Sign in / out in the sidebar."""
    who = editor()
    if who:
        st.caption(t("rv.signed_in", name=who))
        if st.button(t("rv.signout"), key="signout"):
            st.session_state["editor"] = None
            st.rerun()
        return
    with st.expander(t("rv.signin")):
        name = st.text_input(t("rv.name"), key="signin_name")
        password = st.text_input(t("rv.password"), type="password", key="signin_password")
        if st.button(t("rv.signin_button"), key="signin_button"):
            try:  # growing delay and lockout per name and per client (graphmodel.editors.sign_in)
                st.session_state["editor"] = sign_in(load_editors(), name, password,
                                                     client=f"web:{st.context.ip_address or '?'}",
                                                     throttle=load_throttle(state.data_dir()))
                st.rerun()
            except SignInRefused as e:
                st.error(t("rv.bad_login") if "wrong editor" in str(e) else str(e))


def _written() -> None:
    state.clear_results()


# ---- cached reads -------------------------------------------------------------------------------
@st.cache_data(show_spinner=False)
def _rounds(sid: str, township: str) -> pd.DataFrame:
    rows = [{"轮次": r.number, "类型": t(f"rv.kind.{r.kind}"), "说明": r.label, "会议": r.meeting, "时间": r.created_at,
             "操作人": r.created_by, "决定": "、".join(r.decisions), "事项数": dict(r.counts).get("items", 0)}
            for r in state.store().rounds(township)]
    return pd.DataFrame(rows)


def rounds_frame(township: str) -> pd.DataFrame:
    return _rounds(state._sid(), township)


@st.cache_data(show_spinner=False)
def _trend(sid: str, township: str) -> pd.DataFrame:
    return pd.DataFrame([{"轮次": p.number, "完整度": p.score, "问题数": p.findings, "高": p.high, "中": p.medium,
                          "低": p.low} for p in coverage_trend(state.store(), township)])


def trend_frame(township: str) -> pd.DataFrame:
    return _trend(state._sid(), township)


@st.cache_data(show_spinner=False)
def _diff(sid: str, township: str, a: int | None, b: int | None) -> RoundDiff:
    return diff_rounds(state.store(), township, a, b)


def diff(township: str, a: int | None, b: int | None) -> RoundDiff:
    return _diff(state._sid(), township, a, b)


def diff_frames(d: RoundDiff) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(item changes, finding changes) of a diff as tables."""
    rows = [{"变化": "新增", "事项名称": n, "字段": "", "之前": "", "之后": ""} for _, n in d.added]
    rows += [{"变化": "删除", "事项名称": n, "字段": "", "之前": "", "之后": ""} for _, n in d.removed]
    for c in (*d.lead_changes, *d.other_changes):
        b, a = dict(c.before), dict(c.after)
        rows += [{"变化": "修改", "事项名称": c.name, "字段": f, "之前": b[f], "之后": a[f]} for f in c.fields if f != "texts"]
    finds = [{"状态": "已解决", "类型": f.kind, "对象": f.subject, "说明": f.message} for f in d.resolved]
    finds += [{"状态": "新出现", "类型": f.kind, "对象": f.subject, "说明": f.message} for f in d.introduced]
    return pd.DataFrame(rows), pd.DataFrame(finds)


@st.cache_data(show_spinner=False)
def _history(sid: str, township: str, key: str) -> pd.DataFrame:
    return pd.DataFrame([{"轮次": h.number, "事项名称": h.name if h.present else "（无此事项）", "牵头部门": h.leads,
                          "配合部门": h.cooperators, "依据": h.bases, "问题": "、".join(h.findings)}
                         for h in item_history(state.store(), township, key)])


@st.cache_data(show_spinner=False)
def _item_names(sid: str, township: str) -> dict[str, str]:
    from graphmodel import ItemFilter

    return {c.key: c.item.label for c in state.store().item_cards(ItemFilter(township=township))}


def item_names(township: str) -> dict[str, str]:
    """Item key -> name, for pickers."""
    return _item_names(state._sid(), township)


def history_frame(township: str, key: str) -> pd.DataFrame:
    return _history(state._sid(), township, key)


def trail_frame(township: str, key: str | None = None) -> pd.DataFrame:
    return pd.DataFrame([{"时间": e.at, "操作人": e.who, "操作": e.action, "对象": e.target, "内容": e.what, "理由": e.why}
                         for e in state.store().audit_trail(township, item=key)])


def decisions_frame(township: str, meeting: str | None = None) -> pd.DataFrame:
    return pd.DataFrame([{"编号": d.id, "状态": d.status, "会议": d.meeting, "决定": describe_decision(d), "说明": d.note,
                          "记录人": d.recorded_by, "确认人": d.confirmed_by}
                         for d in state.store().decisions(township, meeting=meeting)])


def requests_frame(township: str) -> pd.DataFrame:
    return pd.DataFrame([{"编号": c.id, "状态": c.status, "申请事项": c.title, "申请单位": c.proposed_by,
                          "专班意见": c.review, "审批意见": c.outcome_note, "决定": c.decision}
                         for c in state.store().requests(township)])


# ---- downloads ---------------------------------------------------------------------------------
def _bytes_of(write) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp))
        return Path(path).read_bytes()


def minutes_md(township: str, meeting: str) -> bytes:
    return minutes_markdown(collect_minutes(state.store(), township, meeting)).encode("utf-8")


def minutes_docx(township: str, meeting: str) -> bytes:
    m = collect_minutes(state.store(), township, meeting)
    return _bytes_of(lambda d: write_minutes_docx(m, d / "minutes.docx"))


def clarified_xlsx(township: str) -> bytes:
    return _bytes_of(lambda d: export_clarified(state.store(), township, d / "list.xlsx")[0])


def audit_xlsx(township: str) -> bytes:
    return _bytes_of(lambda d: write_tables_xlsx(audit_tables(state.store(), township), d / "audit.xlsx",
                                                 title=f"{township}审计报告·"))


# ---- the decision form under a finding on the boundary board --------------------------------------
def _findings_of(township: str, key: str) -> list[dict]:
    """The findings on an item, most severe and board kinds (overlaps, gaps, ownership) first."""
    found = [f for f in state.audit(township).findings if key in f.item_keys]
    found.sort(key=lambda f: (state.SEVERITY_RANK[f.severity], f.kind.split(".")[0] not in state.BOARD_GROUPS, f.kind))
    return [{"kind": f.kind, "subject": f.subject, "title": state.kind_title(f.kind)} for f in found]


def decision_form(card) -> None:
    """Record a decision on the selected item (only for a signed-in editor)."""
    who = editor()
    st.subheader(t("rv.decide"))
    if not who:
        st.caption(t("rv.readonly"))
        return
    store = state.store()
    township = card.item.township
    depts = sorted(d.name for d in store.nodes("Department", township))
    villages = sorted(v.name for v in store.nodes("Village", township))
    meetings = {m.id: f"{m.id} {m.date} {m.title}" for m in store.meetings(township)}
    findings = _findings_of(township, card.key)
    with st.form("decision_form", clear_on_submit=True):
        picked = st.selectbox(t("rv.finding"), list(range(len(findings))) or [None], key="dec_finding",
                              format_func=lambda i: "—" if i is None else f"{findings[i]['title']}：{findings[i]['subject']}")
        action = st.selectbox(t("rv.action"), list(ACTIONS)[:-1], format_func=ACTIONS.get, key="dec_action")
        c1, c2 = st.columns(2)
        dept = c1.selectbox(t("rv.department"), ["", *depts], key="dec_dept")
        new_dept = c2.text_input(t("rv.new_department"), key="dec_new_dept")
        village = c1.selectbox(t("rv.village"), ["", *villages], key="dec_village")
        basis = c2.text_input(t("rv.basis"), key="dec_basis", placeholder="《土地管理法》第六十二条")
        text = st.text_input(t("rv.text"), key="dec_text")
        meeting = st.selectbox(t("rv.meeting"), ["", *meetings], format_func=lambda m: meetings.get(m, "—"), key="dec_meeting")
        note = st.text_area(t("rv.note"), key="dec_note")
        submitted = st.form_submit_button(t("rv.record"))
    if not submitted:
        return
    if action in ("add_village_role",):
        target = village
    elif action == "add_basis":
        target = basis
    elif action == "accept_shared":
        target = ""
    else:
        target = new_dept.strip() or dept
    level = ""
    if action in ("set_lead", "add_cooperator") and new_dept.strip():
        dn = load_aliases().resolve(new_dept, township)  # the name and level an import would give it
        target, level = dn.name, dn.level
    op = Op(action, card.key, target, text, level)
    d = store.record_decision(township, [op], editor=who, meeting=meeting, finding=findings[picked] if picked is not None else {},
                              note=note)
    _written()
    st.success(t("rv.recorded", id=d.id, status=t(f"rv.status.{d.status}")))
