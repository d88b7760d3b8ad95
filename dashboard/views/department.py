"""部门 Department: one department's whole picture — what it leads, where it cooperates, what was found."""

import streamlit as st

from dashboard import state
from dashboard.i18n import t
from dashboard.tables import table


def render() -> None:
    township = state.in_view()
    st.title(t("page.department"))
    loads = {d.key: d for d in state.department_load(township)}
    if not loads:
        st.info(t("empty"))
        return
    key = st.selectbox(t("dp.pick"), list(loads), key="dept",
                       format_func=lambda k: f"{loads[k].name}（{loads[k].level}，{loads[k].township}）")
    d = loads[key]
    a, b, c = st.columns(3)
    a.metric(t("dp.led"), d.leads)
    b.metric(t("dp.coop"), d.cooperates)
    c.metric(t("ov.score"), f"{d.share_complete:.0%}")
    items = state.items_frame(township, department=key)
    st.subheader(t("dp.led"))
    # each table holds one role (its heading says which): the role column would repeat it in Chinese
    table(items[items["角色"] == "牵头"].drop(columns="角色"), f"{d.name}-牵头事项", key="dp-led")
    st.subheader(t("dp.coop"))
    table(items[items["角色"] == "配合"].drop(columns="角色"), f"{d.name}-配合事项", key="dp-coop")
    st.subheader(t("dp.findings"))
    table(state.findings_frame(township, department=key), f"{d.name}-问题", key="dp-findings")


state.guard(render)()
