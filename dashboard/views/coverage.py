"""覆盖审计 Coverage audit: department × power type, missing fields, village coverage, types per township."""

import altair as alt
import streamlit as st

from dashboard import state
from dashboard.i18n import column_title, t, term, shown_as, tooltips
from dashboard.safe import md
from dashboard.tables import table


def render() -> None:
    township = state.in_view()
    st.title(t("page.coverage"))

    st.subheader(t("cv.heat"))
    matrix = state.dept_power_matrix(township)
    if matrix.empty:
        st.info(t("empty"))
    else:
        long = matrix.rename_axis("部门").reset_index().melt(id_vars="部门", var_name="事项类型", value_name="数量")
        heat = alt.Chart(long).mark_rect().encode(
            x=alt.X("事项类型:N", title=None, sort=list(matrix.columns), axis=alt.Axis(orient="top", labelAngle=0)),
            y=alt.Y("部门:N", title=None, axis=alt.Axis(labelLimit=320)),
            color=alt.Color("数量:Q", scale=alt.Scale(scheme="blues"), title=column_title("数量")),
            tooltip=tooltips("部门", "事项类型", "数量"),
        ).properties(height=max(160, 34 * len(matrix)))
        text = heat.mark_text(fontSize=14).encode(text="数量:Q", color=alt.value("#111"))
        st.altair_chart(heat + text, width="stretch")
        table(matrix, "部门x事项类型", key="cv-heat")
        table(state.department_load_frame(township), "部门负荷", key="cv-load")

    st.subheader(t("cv.missing"))
    a, b, c = st.columns(3)
    only = a.toggle(t("cv.only_missing"), value=True, key="cv_only")
    part = b.selectbox(t("bd.part"), [None, *state.PARTS], format_func=shown_as(lambda p: term(p) if p else t("bd.any")), key="cv_part")
    power = c.selectbox(t("bd.power"), [None, *state.POWER], format_func=shown_as(lambda p: p or t("bd.any")), key="cv_power")
    missing = state.item_coverage(township, only, part, power)
    st.caption(t("bd.count", n=len(missing)))
    table(missing, "事项要素缺失", key="cv-missing")

    st.subheader(t("cv.villages"))
    table(state.village_summary(township), "村（社区）覆盖", key="cv-villages")
    for name in ([township] if township else state.townships()):
        st.markdown(f"**{md(name)}**")
        table(state.village_matrix(name), f"村（社区）职责矩阵-{name}", key=f"cv-vm-{name}")

    st.subheader(t("cv.power_by_township"))
    table(state.power_by_township(), "各乡镇事项类型", key="cv-power")


state.guard(render)()
