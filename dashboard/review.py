"""The review in the dashboard: editor sign-in, cached reads of rounds and decisions, the decision form.

Everyone sees the dashboard read-only; an editor signs in in the sidebar (credentials from
the editors file or ``$DUTYGRAPH_EDITORS``, see graphmodel/editors.py) to record decisions,
meetings and change requests. Writes go through the store contract and clear the caches.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from graphmodel.editors import SignInRefused, load_editors, load_throttle, may, sign_in
from graphmodel.review import describe_decision
from loaders.review_exports import (
    collect_minutes,
    export_clarified,
    minutes_markdown,
    write_minutes_docx,
    write_tables_xlsx,
)
from queries._common import KINDS
from queries.report_tables import audit_tables
from queries.rounds import RoundDiff, coverage_trend, diff_rounds, item_history

from . import state
from .i18n import lang, t
from .safe import md
from .labels import action_label, finding_message, kind_label, local_time, status_label

__all__ = ["editor", "signin_sidebar"]


# ---- sign-in ------------------------------------------------------------------------------------
def editor() -> str | None:
    """The signed-in editor, or None (read-only)."""
    return st.session_state.get("editor") or None


def may_confirm(who: str | None) -> bool:
    """Whether the signed-in editor's role may confirm decisions and approve requests (审核)."""
    return bool(who) and may(load_editors().role(who), "confirm")


def signin_sidebar() -> None:
    """Sign in / out in the sidebar."""
    who = editor()
    if who:
        st.caption(t("rv.signed_in", name=md(who)))
        if st.button(t("rv.signout"), key="signout"):
            st.session_state["editor"] = None
            st.rerun()
        return
    # a form: Enter in the password field signs in
    with st.expander(t("rv.signin")), st.form("signin_form", enter_to_submit=True, border=False):
        name = st.text_input(t("rv.name"), key="signin_name")
        password = st.text_input(t("rv.password"), type="password", key="signin_password")
        if st.form_submit_button(t("rv.signin_button"), key="signin_button"):
            try:  # growing delay and lockout per name and per client (graphmodel.editors.sign_in)
                st.session_state["editor"] = sign_in(load_editors(), name, password,
                                                     client=f"web:{st.context.ip_address or '?'}",
                                                     throttle=load_throttle(state.data_dir()))
                st.rerun()
            except SignInRefused as e:
                st.error(t("rv.bad_login") if "wrong editor" in str(e) else str(e))


# ---- cached reads -------------------------------------------------------------------------------
@st.cache_data(show_spinner=False)
def _rounds(sid: str, township: str, language: str) -> pd.DataFrame:
    meetings = {m.id: f"{m.date} {m.title}" for m in state.store().meetings(township)}
    rows = [{"轮次": r.number, "类型": t(f"rv.kind.{r.kind}"), "说明": r.label, "会议": meetings.get(r.meeting, r.meeting),
             "时间": local_time(r.created_at),
             "操作人": _who(r.created_by), "决定": "、".join(r.decisions), "事项数": dict(r.counts).get("items", 0)}
            for r in state.store().rounds(township)]
    return pd.DataFrame(rows)


def rounds_frame(township: str) -> pd.DataFrame:
    return _rounds(state._sid(), township, lang())


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
        rows += [{"变化": "修改", "事项名称": c.name, "字段": t(f"rv.field.{f}"), "之前": b[f], "之后": a[f]}
                 for f in c.fields if f != "texts"]
    finds = [{"状态": t("rv.resolved"), "类型": kind_label(f.kind), "对象": f.subject, "说明": finding_message(f)} for f in d.resolved]
    finds += [{"状态": t("rv.introduced"), "类型": kind_label(f.kind), "对象": f.subject, "说明": finding_message(f)}
              for f in d.introduced]
    return pd.DataFrame(rows), pd.DataFrame(finds)


@st.cache_data(show_spinner=False)
def _history(sid: str, township: str, key: str, language: str) -> pd.DataFrame:
    return pd.DataFrame([{"轮次": h.number, "事项名称": h.name if h.present else "（无此事项）", "牵头部门": h.leads,
                          "配合部门": h.cooperators, "依据": h.bases, "问题": "、".join(map(kind_label, h.findings))}
                         for h in item_history(state.store(), township, key)])


@st.cache_data(show_spinner=False)
def _item_names(sid: str, township: str) -> dict[str, str]:
    from graphmodel import ItemFilter

    return {c.key: c.item.label for c in state.store().item_cards(ItemFilter(township=township))}


def item_names(township: str) -> dict[str, str]:
    """Item key -> name, for pickers."""
    return _item_names(state._sid(), township)


def history_frame(township: str, key: str) -> pd.DataFrame:
    return _history(state._sid(), township, key, lang())


def trail_frame(township: str, key: str | None = None) -> pd.DataFrame:
    names = item_names(township)
    decided = {d.id: d for d in state.store().decisions(township)}
    return pd.DataFrame([{"时间": local_time(e.at), "操作人": _who(e.who), "操作": action_label(e.action),
                          "对象": e.target, "内容": _what(e, names, decided), "理由": e.why}
                         for e in state.store().audit_trail(township, item=key)],
                        columns=["时间", "操作人", "操作", "对象", "内容", "理由"])


def _who(name: str) -> str:
    return t("rv.anonymous_import") if name == "import" else name


def _what(e, names: dict[str, str], decided: dict | None = None) -> str:
    """The audit entry's stored sentence, in the current language where the library wrote it in both."""
    if e.action.startswith("decision.") and lang() == "en" and (d := (decided or {}).get(e.target)):
        return describe_decision(d, names, "en")  # the stored sentence is describe_decision's Chinese
    if e.action == "import" and (m := re.search(r"\+(\d+) -(\d+) ~(\d+)", e.what)):
        return t("rv.trail.import", a=m[1], r=m[2], c=m[3])
    if e.action == "round" and (m := re.match(r"第(\d+)轮 round \d+ \(\w+\) ?(.*)", e.what)):
        return t("rv.trail.round", n=m[1], label=m[2])
    if e.action == "settings" and "four eyes" in e.what:
        return t("rv.trail.four_eyes", state=t("rv.on" if "on" in e.what.split(":")[-1] else "rv.off"))
    return _named(e.what, names)


def _named(text: str, names: dict[str, str]) -> str:
    """Item keys in a stored sentence replaced by the items' names."""
    for key in sorted((k for k in names if k in text), key=len, reverse=True):
        text = text.replace(key, names[key])
    return text


def decisions_frame(township: str, meeting: str | None = None) -> pd.DataFrame:
    """Decisions with their state; undone ones say so (and by whom), they do not count as applied."""
    names = item_names(township)
    meetings = {m.id: f"{m.date} {m.title}" for m in state.store().meetings(township)}
    rows = [{"编号": d.id, "状态": status_label(d.status), "会议": meetings.get(d.meeting, d.meeting),
             "决定": describe_decision(d, names, lang()), "说明": d.note, "记录人": d.recorded_by,
             "时间": local_time(d.recorded_at), "确认人": d.confirmed_by,
             "撤销": f"{d.undone_by} {local_time(d.undone_at)} {d.reason}".strip() if d.status in ("undone", "rejected") else ""}
            for d in state.store().decisions(township, meeting=meeting)]
    return pd.DataFrame(rows, columns=["编号", "状态", "会议", "决定", "说明", "记录人", "时间", "确认人", "撤销"])


def requests_frame(township: str) -> pd.DataFrame:
    return pd.DataFrame([{"编号": c.id, "状态": status_label(c.status), "申请事项": c.title, "申请单位": c.proposed_by,
                          "专班意见": c.review, "审批意见": c.outcome_note, "决定": c.decision}
                         for c in state.store().requests(township)])


# ---- downloads ---------------------------------------------------------------------------------
def finding_titles() -> dict[str, str]:
    """Finding kind -> its Chinese title: the minutes are an official Chinese document in either language."""
    return {k: info.title for k, info in KINDS.items()}


def _bytes_of(write) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp))
        return Path(path).read_bytes()


def minutes_md(township: str, meeting: str) -> bytes:
    return minutes_markdown(collect_minutes(state.store(), township, meeting, finding_titles())).encode("utf-8")


def minutes_docx(township: str, meeting: str) -> bytes:
    m = collect_minutes(state.store(), township, meeting, finding_titles())
    return _bytes_of(lambda d: write_minutes_docx(m, d / "minutes.docx"))


def clarified_xlsx(township: str) -> bytes:
    return _bytes_of(lambda d: export_clarified(state.store(), township, d / "list.xlsx")[0])


def audit_xlsx(township: str) -> bytes:
    return _bytes_of(lambda d: write_tables_xlsx(audit_tables(state.store(), township), d / "audit.xlsx",
                                                 title=f"{township}审计报告·"))
