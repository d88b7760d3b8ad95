"""县级部门 One county department across its county's townships: its items and roles, the
townships that lean on it, and the duties where some townships name it and others do not.

List texts reach the screen only through st.dataframe and widget labels; our captions are markdown.
"""

import streamlit as st

from dashboard import county_data, state
from dashboard.i18n import t
from dashboard.safe import md
from dashboard.tables import table


def render() -> None:
    township = state.in_view()
    st.title(t("page.county_dept"))
    st.caption(t("cd.intro"))
    options = county_data.county_departments(township)
    if not options:
        st.info(t("cd.none"))
        return
    several = len({c for c, _ in options}) > 1
    chosen = st.selectbox(t("cd.pick"), options, key="county_dept",
                          format_func=lambda o: f"{o[1]}（{o[0] or t('cd.no_county')}）" if several else o[1])
    county, department = chosen
    items = county_data.department_items_frame(county, department)
    towns = county_data.department_townships_frame(county, department)
    uneven = county_data.department_uneven_frame(county, department, township)
    a, b, c = st.columns(3)
    a.metric(t("cd.leads"), int((items["角色"] == t("cd.role.leads")).sum()))
    b.metric(t("cd.cooperates"), int((items["角色"] == t("cd.role.cooperates")).sum()))
    c.metric(t("cd.townships"), len(towns))

    st.subheader(t("cd.items"))
    table(items, f"{department}-事项", key="cd-items")
    st.subheader(t("cd.lean"))
    table(towns, f"{department}-乡镇", key="cd-towns")
    st.subheader(t("cd.uneven"))
    if uneven.empty:
        st.success(t("cd.even", name=md(department)))
    else:
        table(uneven, f"{department}-不一致", key="cd-uneven")


state.guard(render)()
