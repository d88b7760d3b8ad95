"""轮次对比 Rounds: the versions of a township's list, the trend, what changed between two rounds, an item's history."""

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import review, state
from dashboard.i18n import column_title, columns, shown_as, t, tooltips


def _township() -> str | None:
    names = state.townships()
    return state.in_view() or (names[0] if len(names) == 1 else None)


def _score_chart(trend: pd.DataFrame) -> alt.Chart:
    # Points as well as the line: with one round a bare line draws nothing.
    return alt.Chart(trend).mark_line(point=alt.OverlayMarkDef(size=80), color="#1f4e79").encode(
        x=alt.X("轮次:O", title=t("rv.round_axis")),
        y=alt.Y("完整度:Q", scale=alt.Scale(domain=[0, 100]), title=t("rv.score")),
        tooltip=tooltips("轮次", "完整度"),
    )


def _findings_chart(trend: pd.DataFrame) -> alt.Chart:
    levels = [("高", "sev.high", "#c00000"), ("中", "sev.medium", "#ef6c00"), ("低", "sev.low", "#9e9e9e")]
    columns_ = ["轮次", *(c for c, _, _ in levels)]
    long = trend[columns_].melt(id_vars="轮次", var_name="严重程度", value_name="问题数")
    long["严重程度"] = long["严重程度"].map({c: t(key) for c, key, _ in levels})
    return alt.Chart(long).mark_bar().encode(
        x=alt.X("轮次:O", title=t("rv.round_axis")),
        y=alt.Y("问题数:Q", title=t("rv.findings")),
        color=alt.Color("严重程度:N", scale=alt.Scale(domain=[t(k) for _, k, _ in levels], range=[c for *_, c in levels]),
                        sort=[t(k) for _, k, _ in levels], title=column_title("严重程度")),
        order=alt.Order("严重程度:N", sort="descending"),
        tooltip=tooltips("轮次", "严重程度", "问题数"),
    )


def render() -> None:
    st.title(t("page.rounds"))
    township = _township()
    if township is None:
        st.info(t("rv.choose_township"))
        return
    rounds = review.rounds_frame(township)
    if rounds.empty:
        st.info(t("rv.no_rounds"))
        return
    st.subheader(t("rv.rounds"))
    st.dataframe(columns(rounds), hide_index=True, width="stretch")

    st.subheader(t("rv.trend"))
    trend = review.trend_frame(township)
    left, right = st.columns(2)
    left.altair_chart(_score_chart(trend), width="stretch")
    right.altair_chart(_findings_chart(trend), width="stretch")

    st.subheader(t("rv.compare"))
    numbers = [int(n) for n in rounds["轮次"]]
    options = [*numbers, None]
    label = shown_as(lambda n: t("rv.current") if n is None else t("rv.round_n", n=n))
    c1, c2 = st.columns(2)
    a = c1.selectbox(t("rv.from"), options, index=max(len(numbers) - 2, 0), format_func=label, key="rounds_a")
    b = c2.selectbox(t("rv.to"), options, index=len(options) - 1 if len(numbers) < 2 else len(numbers) - 1,
                     format_func=label, key="rounds_b")
    d = review.diff(township, a, b)
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("rv.score"), d.score_after, round(d.score_after - d.score_before, 1))
    m2.metric(t("rv.findings"), d.findings_after, d.findings_after - d.findings_before, delta_color="inverse")
    m3.metric(t("rv.resolved"), len(d.resolved))
    m4.metric(t("rv.introduced"), len(d.introduced))
    items, finds = review.diff_frames(d)
    st.markdown(f"**{t('rv.finding_changes')}**")
    st.dataframe(columns(finds), hide_index=True, width="stretch")
    st.markdown(f"**{t('rv.item_changes')}**")
    st.dataframe(columns(items), hide_index=True, width="stretch")

    st.subheader(t("rv.history"))
    names = review.item_names(township)
    if names:
        key = st.selectbox(t("rv.item"), list(names), format_func=names.get, key="rounds_item")
        st.dataframe(columns(review.history_frame(township, key)), hide_index=True, width="stretch")
        trail = review.trail_frame(township, key)
        if not trail.empty:
            st.markdown(f"**{t('rv.trail')}**")
            st.dataframe(columns(trail), hide_index=True, width="stretch")


state.guard(render)()
