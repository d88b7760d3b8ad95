"""执法链条 Enforcement chains: one chain drawn left to right, owners coloured, hand-offs and breaks marked."""

import streamlit as st

from dashboard import graphview, state
from dashboard.i18n import t
from dashboard.tables import table


def render() -> None:
    township = state.in_view()
    st.title(t("page.chains"))
    chains = state.chains(township)
    if not chains:
        st.info(t("ch.none"))
    else:
        names = {c.id: f"{c.township}：" + " → ".join(s.item.name for s in c.steps) for c in chains}
        chosen = st.selectbox(t("ch.pick"), list(names), format_func=names.get, key="chain")
        chain = next(c for c in chains if c.id == chosen)
        graphview.show(graphview.chain_spec(chain), key="chain_graph", height=520, file_name="执法链条")
        st.subheader(t("ch.steps"))
        table(state.chain_steps_frame(chain), "执法链条环节", key="ch-steps")
    st.subheader(t("ch.candidates"))
    table(state.candidate_links(township), "候选链条", key="ch-candidates")


state.guard(render)()
