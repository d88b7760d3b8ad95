"""The dashboard's entry point: page config, the shared sidebar and the navigation.

Run with ``dutygraph dashboard`` (or ``streamlit run dashboard/app.py``). Each page is a
module under ``dashboard/pages/``; what they share lives in ``dashboard/state.py``.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import review, state
from dashboard.i18n import LANGS, t, shown_as
from dashboard.safe import md

HERE = Path(__file__).resolve().parent
# Pages live in views/, not pages/: a pages/ folder beside the main script makes Streamlit
# ignore st.navigation and fall back to its old folder-based navigation.
PAGES = HERE / "views"

st.set_page_config(page_title="dutygraph", page_icon=str(HERE / "static" / "icon.png"), layout="wide")

st.session_state.setdefault("lang", "zh")


def page(module: str, key: str, icon: str, default: bool = False) -> st.Page:
    return st.Page(PAGES / f"{module}.py", title=t(key), icon=icon, url_path=module, default=default)


def sidebar() -> None:
    with st.sidebar:
        st.segmented_control(t("side.lang"), options=list(LANGS), format_func=LANGS.get, key="lang")
        if st.session_state.get("lang") is None:  # a click on the selected segment clears it
            st.session_state["lang"] = "zh"
        review.signin_sidebar()
        try:
            described = state.store().describe()
            st.caption(t("side.store", store=t("side.store_neo4j") if described.startswith("neo4j") else t("side.store_memory")))
            if review.editor():  # where the data lives is for editors, not for the room
                st.code(described, language=None)
            names = state.townships()
        except Exception as e:  # noqa: BLE001 - the sidebar must never take the app down
            st.error(t("error.store", error=md(e)))
            return
        if not names:
            st.info(t("side.none"))
            return
        options = ["", *names]
        if st.session_state.get("township") not in options:
            st.session_state["township"] = "" if len(names) > 1 else names[0]
        st.selectbox(t("side.townships"), options, key="township",
                     format_func=shown_as(lambda n: n or t("side.all")))
        st.caption(t("side.in_view", names=md(state.in_view() or "、".join(names))))
        if st.button(t("side.reload"), key="reload"):
            state.reload_store()


sidebar()
state.show_flash()
navigation = st.navigation(
    {
        t("nav.analysis"): [
            page("overview", "page.overview", ":material/dashboard:", default=True),
            page("board", "page.board", ":material/forum:"),
            page("coverage", "page.coverage", ":material/fact_check:"),
            page("county", "page.county", ":material/map:"),
            page("county_department", "page.county_dept", ":material/account_balance:"),
            page("chains", "page.chains", ":material/linear_scale:"),
            page("whatif", "page.whatif", ":material/science:"),
        ],
        t("nav.pictures"): [
            page("department", "page.department", ":material/apartment:"),
            page("village", "page.village", ":material/holiday_village:"),
            page("lookup", "page.lookup", ":material/search:"),
        ],
        t("nav.review"): [
            page("rounds", "page.rounds", ":material/history:"),
            page("minutes", "page.minutes", ":material/gavel:"),
        ],
        t("nav.data"): [page("importer", "page.import", ":material/upload_file:")],
    },
    # every page listed: collapsed, Streamlit hides the pages past the tenth behind "View more"
    expanded=True,
)
navigation.run()
