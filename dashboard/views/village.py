"""村（社区） Village: every item a village or community takes part in, and its role in each."""

import streamlit as st

from dashboard import duty_texts, state
from dashboard.i18n import columns, t
from dashboard.tables import table


def render() -> None:
    township = state.in_view()
    st.title(t("page.village"))
    roles = {v.key: v for v in state.village_roles(township)}
    if not roles:
        st.info(t("empty"))
        return
    key = st.selectbox(t("vl.pick"), list(roles), key="village",
                       format_func=lambda k: f"{roles[k].name}（{roles[k].kind}，{roles[k].township}）")
    v = roles[key]
    st.metric(t("vl.items"), v.count)
    st.subheader(t("vl.items"))
    table(state.items_frame(township, village=key), f"{v.name}-事项", key="vl-items")

    load = duty_texts.village_load(v.township, v.name)
    if load is not None:
        c1, c2 = st.columns(2)
        c1.metric(t("vl.burden_items"), load.burden_items)
        c2.metric(t("vl.power_items"), load.power_items)
    st.subheader(t("vl.actions"))
    st.caption(t("vl.actions_note"))
    st.dataframe(columns(duty_texts.village_actions(v.township)), width="stretch")


state.guard(render)()
