"""总览 Overview: what the list holds, what the audit found, how complete it is."""

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.i18n import columns, t


def render() -> None:
    township = state.in_view()
    st.title(t("page.overview"))
    counts = state.counts(township)
    a, b, c, d = st.columns(4)
    a.metric(t("ov.items"), counts.nodes.get("DutyItem", 0))
    b.metric(t("ov.departments"), counts.nodes.get("Department", 0))
    c.metric(t("ov.villages"), counts.nodes.get("Village", 0))
    d.metric(t("ov.bases"), counts.nodes.get("LegalBasis", 0))

    left, right = st.columns(2)
    with left:
        st.subheader(t("ov.by_part"))
        parts = pd.DataFrame(list(counts.parts.items()), columns=["清单类别", "数量"])
        st.altair_chart(_bars(parts, "清单类别"), width="stretch")
    with right:
        st.subheader(t("ov.by_power"))
        power = pd.DataFrame(list(counts.power_types.items()), columns=["事项类型", "数量"])
        st.altair_chart(_bars(power, "事项类型"), width="stretch")

    st.subheader(t("ov.findings"))
    kinds = state.findings_by_kind(township)
    if kinds.empty:
        st.success(t("empty"))
    else:
        kinds = kinds.assign(严重程度=kinds["严重程度"].map(lambda s: t(f"sev.{s}")))
        chart = alt.Chart(kinds).mark_bar().encode(
            x=alt.X("数量:Q", title=None),
            y=alt.Y("问题类型:N", sort=list(kinds["问题类型"]), title=None, axis=alt.Axis(labelLimit=320)),
            color=alt.Color("严重程度:N", scale=alt.Scale(domain=[t("sev.high"), t("sev.medium"), t("sev.low")],
                                                          range=["#c00000", "#ef6c00", "#9e9e9e"])),
            tooltip=["问题类型", "严重程度", "数量"],
        )
        st.altair_chart(chart, width="stretch")
        st.dataframe(columns(kinds.drop(columns=["类别"])), hide_index=True, width="stretch")

    st.subheader(t("ov.score"))
    result = state.scores(township)
    cols = st.columns(max(1, min(4, len(result))))
    for i, score in enumerate(result):
        cols[i % len(cols)].metric(f"{t('ov.score')} · {score.township}", f"{score.score:.1f}", help=t("ov.score_help"))
        st.caption(score.explanation)
    st.markdown(f"**{t('ov.drags')}**")
    checks = state.score_checks(township)
    if not checks.empty:
        lost = checks.groupby("检查项", sort=False, as_index=False)["扣分"].sum()
        st.altair_chart(_bars(lost, "检查项", value="扣分", colour="#c00000"), width="stretch")
        st.dataframe(columns(checks), hide_index=True, width="stretch")


def _bars(df: pd.DataFrame, label: str, value: str = "数量", colour: str = "#1f4e79") -> alt.Chart:
    return alt.Chart(df).mark_bar(color=colour).encode(
        x=alt.X(f"{value}:Q", title=None), y=alt.Y(f"{label}:N", sort="-x", title=None, axis=alt.Axis(labelLimit=320)),
        tooltip=[label, value],
    ).properties(height=max(120, 34 * len(df)))


state.guard(render)()
