"""假设分析 What-if: remove or merge departments and see which items lose or change their lead."""

import streamlit as st

from dashboard import state
from dashboard.i18n import t
from dashboard.tables import table


def render() -> None:
    township = state.in_view()
    st.title(t("page.whatif"))
    depts = {d.key: d for d in state.departments(township)}
    label = lambda k: f"{depts[k].name}（{depts[k].township}）"  # noqa: E731
    remove = st.multiselect(t("wi.remove"), list(depts), format_func=label, key="wi_remove",
                            placeholder=t("bd.choose"))
    a, b = st.columns(2)
    merge_from = a.multiselect(t("wi.merge_from"), [k for k in depts if k not in remove], format_func=label,
                               key="wi_from", placeholder=t("bd.choose"))
    into = b.selectbox(t("wi.merge_into"), [None, *(k for k in depts if k not in remove and k not in merge_from)],
                       format_func=lambda k: label(k) if k else "—", key="wi_into")
    merge = tuple((k, into) for k in merge_from) if into else ()
    if not remove and not merge:
        st.info(t("wi.nothing"))
        return
    result = state.whatif(township, tuple(remove), merge)
    st.subheader(t("wi.effect"))
    metrics = (("wi.lost", result.lost_lead), ("wi.changes", result.lead_changes),
               ("wi.resolved", result.resolved_overlaps), ("wi.new", result.new_overlaps),
               ("wi.broken", result.broken_chains))
    for col, (key, found) in zip(st.columns(len(metrics)), metrics, strict=True):
        col.metric(t(key), len(found))
    st.subheader(t("wi.items"))
    table(state.whatif_frame(result), "假设分析", key="wi-table")


state.guard(render)()
