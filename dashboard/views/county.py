"""全县 County view: townships side by side, the catalogue comparison and the cross-township findings.

Every list text reaches the screen through st.dataframe (shown as data, never as markdown);
the only markdown is our own captions.
"""

import altair as alt
import streamlit as st

from dashboard import county_data, state
from dashboard.tables import table


def render() -> None:
    township = state.in_view()
    st.title("全县 County")
    st.caption("各乡镇并列、与通用目录比对、跨乡镇一致性 — townships side by side, the catalogue, consistency")

    st.subheader("问题类型热力图 Findings by township")
    heat = county_data.finding_heat()
    if heat.empty:
        st.info("没有问题 No findings")
    else:
        long = heat.rename_axis("乡镇").reset_index().melt(id_vars="乡镇", var_name="问题类型", value_name="数量")
        chart = alt.Chart(long).mark_rect().encode(
            x=alt.X("问题类型:N", title=None, axis=alt.Axis(orient="top", labelAngle=-40)),
            y=alt.Y("乡镇:N", title=None, sort="-x"),
            color=alt.Color("数量:Q", scale=alt.Scale(scheme="oranges")), tooltip=["乡镇", "问题类型", "数量"],
        ).properties(height=max(160, 28 * len(heat)))
        st.altair_chart(chart, width="stretch")
        table(heat, "全县问题热力", key="county-heat")

    st.subheader("乡镇并列 Townships ranked")
    table(county_data.ranking_frame(township), "乡镇排名", key="county-rank")

    st.subheader("与通用目录比对 Catalogue comparison")
    names = county_data.catalogue_names()
    if not names:
        st.info("尚未导入目录：dutygraph load … --catalogue-of 县名 (no catalogue loaded)")
    else:
        chosen = st.selectbox("目录 Catalogue", names, key="county_catalogue")
        diffs = county_data.catalogue_frame(chosen, township)
        st.caption(f"{len(diffs)} 处差异 differences")
        table(diffs, "目录比对", key="county-compare")

    st.subheader("同一事项牵头不一 Same duty, different leads")
    table(county_data.spread_frame(township), "牵头不一", key="county-spread")

    st.subheader("县级部门跨乡镇 County departments across townships")
    table(county_data.department_frame(township), "县级部门", key="county-depts")


state.guard(render)()
