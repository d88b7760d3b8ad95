"""边界研讨 Boundary board: overlaps and gaps as a worklist; one item's neighbourhood, parts and sources."""

import pandas as pd
import streamlit as st

from dashboard import duty_texts, graphview, review, state
from dashboard.i18n import columns, t, term

BIG_TYPE = """<style>
[data-testid="stMainBlockContainer"] p, [data-testid="stMainBlockContainer"] li,
[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"] { font-size: 1.3rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: 2.8rem; }
[data-testid="stMainBlockContainer"] h2, [data-testid="stMainBlockContainer"] h3 { font-size: 2rem; }
</style>"""


def render() -> None:
    township = state.in_view()
    st.title(t("page.board"))
    big = st.toggle(t("bd.big"), value=True, key="board_big")
    if big:
        st.markdown(BIG_TYPE, unsafe_allow_html=True)

    st.subheader(t("bd.worklist"))
    kinds = state.board_kinds()
    f1, f2, f3, f4, f5 = st.columns([3, 2, 2, 2, 2])
    chosen = f1.multiselect(t("bd.kinds"), list(kinds), default=list(kinds), format_func=kinds.get, key="board_kinds")
    depts = {d.key: d.name for d in state.departments(township)}
    dept = f2.selectbox(t("bd.department"), [None, *depts], format_func=lambda k: depts.get(k, t("bd.any")),
                        key="board_dept")
    power = f3.selectbox(t("bd.power"), [None, *state.POWER], format_func=lambda p: p or t("bd.any"), key="board_power")
    part = f4.selectbox(t("bd.part"), [None, *state.PARTS], format_func=lambda p: term(p) if p else t("bd.any"),
                        key="board_part")
    vills = {v.key: v.name for v in state.villages(township)}
    village = f5.selectbox(t("bd.village"), [None, *vills], format_func=lambda k: vills.get(k, t("bd.any")),
                           key="board_village")
    work = state.worklist(township, tuple(chosen), dept, power, part, village)
    st.caption(t("bd.count", n=len(work)))
    shown = work.drop(columns=["键"]).assign(严重程度=work["严重程度"].map(lambda s: t(f"sev.{s}")))
    st.dataframe(columns(shown), hide_index=True, width="stretch")
    if work.empty:
        return

    items = dict(zip(work["键"], work["事项名称"], strict=False))
    if st.session_state.get("board_item") not in items:
        st.session_state["board_item"] = next(iter(items))
    key = st.selectbox(t("bd.select"), list(items), format_func=items.get, key="board_item")
    card = state.card(key)
    if card is None:
        return

    st.subheader(f"{t('bd.neighbourhood')}：{card.item.label}")
    depth = st.radio(t("bd.depth"), [1, 2], horizontal=True, key="board_depth")
    spec = graphview.neighbourhood_spec(state.neighbourhood(key, depth), key)
    clicked = graphview.show(spec, key="board_graph", height=620, font_size=18 if big else 14,
                             file_name=f"边界研讨-{card.item.name}")
    if clicked and clicked != key and clicked in items:
        st.info(t("g.clicked", label=items[clicked]))

    st.subheader(t("bd.parties"))
    parties = [(t("lk.lead"), p) for p in card.leads] + [(t("lk.coop"), p) for p in card.cooperators] \
        + [(t("lk.villages"), p) for p in card.villages]
    if parties:
        cols = st.columns(min(4, len(parties)))
        for i, (role, p) in enumerate(parties):
            with cols[i % len(cols)].container(border=True):
                st.markdown(f"**{p.name}**  \n{role} · {p.level}")
                owner = "village" if role == t("lk.villages") else "county" if p.level in ("县级部门", "县派驻机构") \
                    else "township"
                duty_texts.show_text(p.text, owner, t("bd.no_text"))
    else:
        st.warning(t("lk.nobody"))

    texts = duty_texts.item_texts(card.item)
    if texts:
        st.subheader("职责文本 Duty texts")
        for label, text, owner in texts:
            st.markdown(f"**{label}**")
            duty_texts.show_text(text, owner)

    review.decision_form(card)

    st.subheader(t("bd.articles"))
    arts = pd.DataFrame([(b.law, b.article or "", b.label, c) for b, c in zip(card.bases, card.citations, strict=False)],
                        columns=["法律", "条", "依据", "引用原文"])
    st.dataframe(columns(arts), hide_index=True, width="stretch")
    if card.item.basis_text:
        st.caption(card.item.basis_text)

    st.subheader(t("bd.source"))
    item = card.item
    fields = {"来源": item.source, "事项编码": item.code, "清单类别": item.part, "事项类型": item.power_type_raw or item.power_type,
              "牵头部门": item.lead_text, "配合部门": item.cooperate_text, "村（社区）": item.village_text,
              "依据": item.basis_text, "办理时限": item.time_limit, "实施程序": item.procedure, "内容": item.content}
    src = pd.DataFrame([(k, v) for k, v in fields.items() if v], columns=["标签", "值"])
    st.dataframe(columns(src), hide_index=True, width="stretch")


state.guard(render)()
