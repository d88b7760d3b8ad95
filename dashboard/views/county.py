"""全县 County view: townships side by side, the catalogue comparison and the cross-township findings.

Every list text reaches the screen through st.dataframe (shown as data, never as markdown);
the only markdown is our own captions.
"""

import altair as alt
import streamlit as st

from dashboard import county_data, state
from dashboard.i18n import lang, t
from queries.catalogue import KINDS
from dashboard.tables import table


def render() -> None:
    township = state.in_view()
    st.title(t("page.county"))
    st.caption(t("cty.intro"))

    st.subheader(t("cty.heat"))
    heat = county_data.finding_heat()
    if heat.empty:
        st.info(t("cty.no_findings"))
    else:
        long = heat.rename_axis("乡镇").reset_index().melt(id_vars="乡镇", var_name="问题类型", value_name="数量")
        chart = alt.Chart(long).mark_rect().encode(
            x=alt.X("问题类型:N", title=None, axis=alt.Axis(orient="top", labelAngle=-40)),
            y=alt.Y("乡镇:N", title=None, sort="-x"),
            color=alt.Color("数量:Q", scale=alt.Scale(scheme="oranges")), tooltip=["乡镇", "问题类型", "数量"],
        ).properties(height=max(160, 28 * len(heat)))
        st.altair_chart(chart, width="stretch")
        table(heat, "全县问题热力", key="county-heat")

    st.subheader(t("cty.ranked"))
    table(county_data.ranking_frame(township), "乡镇排名", key="county-rank")

    st.subheader(t("cty.compare"))
    names = county_data.catalogue_names()
    if not names:
        st.info(t("cty.no_catalogue"))
    else:
        chosen = st.selectbox(t("cty.catalogue"), names, key="county_catalogue")
        diffs = county_data.catalogue_frame(chosen, township)
        shown = [(t(f"cty.diff.{k}"), int((diffs["差异"] == t(f"cty.diff.{k}")).sum())) for k in KINDS]
        kinds = ("；" if lang() == "zh" else "; ").join(f"{label} {n}" for label, n in shown if n)
        st.caption(t("cty.n_diffs", n=len(diffs)) + ((("：" if lang() == "zh" else ": ") + kinds) if kinds else ""))
        table(diffs, "目录比对", key="county-compare")

    st.subheader(t("cty.spread"))
    spread = county_data.spread_frame(township)
    st.caption(t("cty.n_spread", n=len(spread)))
    table(spread, "牵头不一", key="county-spread")

    st.subheader(t("cty.depts"))
    table(county_data.department_frame(township), "县级部门", key="county-depts")


state.guard(render)()
