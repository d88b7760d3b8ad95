"""轮次对比 Rounds: the versions of a township's list, the trend, what changed between two rounds, an item's history."""

import streamlit as st

from dashboard import review, state
from dashboard.i18n import columns, t


def _township() -> str | None:
    names = state.townships()
    return state.in_view() or (names[0] if len(names) == 1 else None)


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
    trend = review.trend_frame(township).set_index("轮次")
    left, right = st.columns(2)
    left.line_chart(trend[["完整度"]])
    right.bar_chart(trend[["高", "中", "低"]])

    st.subheader(t("rv.compare"))
    numbers = [int(n) for n in rounds["轮次"]]
    options = [*numbers, None]
    label = lambda n: t("rv.current") if n is None else t("rv.round_n", n=n)
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
