"""总览 Overview: what the list holds, what the audit found, how complete it is."""

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.i18n import column_title, columns, score_sentence, t, tooltips


def render() -> None:
    township = state.in_view()
    st.title(t("page.overview"))
    headline(township)
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
            color=alt.Color("严重程度:N", scale=alt.Scale(domain=[t("sev.high"), t("sev.medium"), t("sev.low"), t("sev.info")],
                                                          range=["#c00000", "#ef6c00", "#9e9e9e", "#1e88e5"]),
                            title=column_title("严重程度")),
            tooltip=tooltips("问题类型", "严重程度", "数量"),
        )
        st.altair_chart(chart, width="stretch")
        st.dataframe(columns(kinds.drop(columns=["类别"])), hide_index=True, width="stretch")

    st.subheader(t("ov.score"))
    result = state.scores(township)
    cols = st.columns(max(1, min(4, len(result))))
    for i, score in enumerate(result):
        cols[i % len(cols)].metric(f"{t('ov.score')} · {score.township}", f"{score.score:.1f}", help=t("ov.score_help"))
        st.caption(score_sentence(score))
    if len(result) > 1:
        st.dataframe(columns(state.ranking(township)), hide_index=True, width="stretch")
    st.markdown(f"**{t('ov.drags')}**")
    checks = state.score_checks(township)
    if not checks.empty:
        lost = checks.groupby("检查项", sort=False, as_index=False)["扣分"].sum()
        st.altair_chart(_bars(lost, "检查项", value="扣分", colour="#c00000"), width="stretch")
        st.dataframe(columns(checks), hide_index=True, width="stretch")


def _to_board(kinds: list[str]) -> None:
    st.session_state["board_focus_kinds"] = kinds
    st.switch_page("views/board.py")


def headline(township: str | None) -> None:
    """How many overlaps, gaps and high findings are open, and what changed since the last round; each opens the board."""
    result = state.audit(township)
    board = state.board_kinds()
    by_group: dict[str, list[str]] = {}
    for f in result.findings:
        by_group.setdefault(f.kind.split(".")[0], []).append(f.kind)
    overlaps = [f for f in result.findings if f.kind.startswith("overlap.") and f.kind in board]
    gaps = [f for f in result.findings if f.kind.startswith("gap.") and f.kind in board]
    high = [f for f in result.findings if f.severity == "high"]
    scores = result.scores
    with st.container(border=True):
        c = st.columns(5)
        c[0].metric(t("ov.h.overlaps"), len(overlaps))
        c[1].metric(t("ov.h.gaps"), len(gaps))
        c[2].metric(t("ov.h.high"), len(high))
        if scores:
            c[3].metric(t("ov.score"), f"{min(s.score for s in scores):.1f}", help=t("ov.score_help"))
        changed = state.changed_since_last_round(township)
        if changed is not None:
            c[4].metric(t("ov.h.changed"), f"-{changed[0]} / +{changed[1]}", help=t("ov.h.changed_help"))
        if high and scores:
            st.caption(t("ov.h.not_fine", n=len(high), score=f"{min(s.score for s in scores):.1f}"))
        b = st.columns(3)
        if b[0].button(t("ov.h.go_overlaps"), key="ov_go_overlaps", disabled=not overlaps):
            _to_board(sorted({f.kind for f in overlaps}))
        if b[1].button(t("ov.h.go_gaps"), key="ov_go_gaps", disabled=not gaps):
            _to_board(sorted({f.kind for f in gaps}))
        high_board = sorted({f.kind for f in high if f.kind in board})
        if b[2].button(t("ov.h.go_high"), key="ov_go_high", disabled=not high_board):
            _to_board(high_board)


def _bars(df: pd.DataFrame, label: str, value: str = "数量", colour: str = "#1f4e79") -> alt.Chart:
    return alt.Chart(df).mark_bar(color=colour).encode(
        x=alt.X(f"{value}:Q", title=None), y=alt.Y(f"{label}:N", sort="-x", title=None, axis=alt.Axis(labelLimit=320)),
        tooltip=tooltips(label, value),
    ).properties(height=max(120, 34 * len(df)))


state.guard(render)()
