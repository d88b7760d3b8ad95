"""事项查询 Lookup: "who handles X?" — one search box, the answer in one card."""

import streamlit as st

from dashboard import state
from dashboard.i18n import lookup_answer, source_label, t, term
from dashboard.safe import md
from dashboard.tables import table


def render() -> None:
    township = state.in_view()
    st.title(t("page.lookup"))
    text = st.text_input(t("lk.query"), key="lookup_text")
    if not text.strip():
        return
    hits = state.lookup(text, township)
    if not hits:
        st.warning(t("lk.none"))
        return
    best = hits[0]
    if not best.confident:  # a weak match is offered as candidates, not as the answer
        st.warning(t("lk.unsure"))
        table(state.lookup_frame(hits), "查询结果", key="lk-unsure")
        return
    with st.container(border=True):
        st.markdown(f"### {md(best.item.name)}")
        st.markdown(f"**{md(lookup_answer(best))}**")
        st.caption(md(f"{best.item.township} · {term(best.item.part)} · {best.item.power_type} · {source_label(best.item.source)}"))
        a, b = st.columns(2)
        a.markdown(f"**{t('lk.lead')}**：{md('、'.join(best.leads)) or t('lk.nobody')}")
        a.markdown(f"**{t('lk.coop')}**：{md('、'.join(best.cooperators)) or '—'}")
        a.markdown(f"**{t('lk.villages')}**：{md('、'.join(f'{v}（{r}）' if r else v for v, r in best.villages)) or '—'}")
        b.markdown(f"**{t('lk.limit')}**：{md(best.time_limit) or '—'}")
        b.markdown(f"**{t('lk.basis')}**：{md('；'.join(best.bases)) or '—'}")
    if len(hits) > 1:
        st.subheader(t("lk.more"))
        table(state.lookup_frame(hits[1:]), "查询结果", key="lk-more")


state.guard(render)()
