"""边界研讨 Boundary board: overlaps and gaps as a worklist; one item's neighbourhood, parts and sources."""

import pandas as pd
import streamlit as st

from dashboard import duty_texts, graphview, state
from dashboard.decision_panel import decision_panel
from dashboard.i18n import column_title, columns, t, term, shown_as
from dashboard.labels import finding_message, kind_label
from dashboard.meeting_bar import meeting_bar
from dashboard.safe import md
from dashboard.tables import to_xlsx

BIG_TYPE = """<style>
[data-testid="stMainBlockContainer"] p, [data-testid="stMainBlockContainer"] li,
[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"] { font-size: 1.3rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: 2.8rem; }
[data-testid="stMainBlockContainer"] h2, [data-testid="stMainBlockContainer"] h3 { font-size: 2rem; }
</style>"""


#: The worklist's columns on screen with their least widths in pixels (the download has all columns):
#: together about 800 px, stretched to the page, so a 1280-pixel projector needs no sideways scroll;
#: rows tall enough (over 4rem) for Streamlit to wrap 说明 and long department names onto six lines.
SCREEN = {"问题类型": 100, "严重程度": 64, "事项名称": 120, "牵头部门": 100, "配合部门": 90, "说明": 260, "乡镇": 60}
ROW_HEIGHT = 140


def _findings_of(township: str, key: str) -> list[dict]:
    """The findings on an item, most severe and board kinds (overlaps, gaps, ownership) first."""
    found = [f for f in state.audit(township).findings if key in f.item_keys]
    found.sort(key=lambda f: (state.SEVERITY_RANK.get(f.severity, 9), f.kind.split(".")[0] not in state.BOARD_GROUPS,
                              f.kind))
    return [{"kind": f.kind, "subject": f.subject, "title": kind_label(f.kind), "message": finding_message(f),
             "severity": f.severity} for f in found]


def _pick_row(work: pd.DataFrame, event) -> None:
    """A click on a worklist row opens that item below (once per click, the picker stays free)."""
    rows = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    if rows and rows != st.session_state.get("board_rows_applied") and rows[0] < len(work):
        st.session_state["board_item"] = work.iloc[rows[0]]["键"]
    st.session_state["board_rows_applied"] = rows


def worklist(township: str | None) -> pd.DataFrame:
    st.subheader(t("bd.worklist"))
    kinds = state.board_kinds()
    f1, f2, f3, f4, f5 = st.columns([3, 2, 2, 2, 2])
    wanted = st.session_state.pop("board_focus_kinds", None)  # from the overview's headline links
    if wanted:
        st.session_state["board_kinds"] = [k for k in wanted if k in kinds]
    chosen = f1.multiselect(t("bd.kinds"), list(kinds), default=list(kinds), format_func=kinds.get, key="board_kinds",
                            placeholder=t("bd.choose"))
    depts = {d.key: d.name for d in state.departments(township)}
    dept = f2.selectbox(t("bd.department"), [None, *depts], format_func=shown_as(lambda k: depts.get(k, t("bd.any"))),
                        key="board_dept")
    power = f3.selectbox(t("bd.power"), [None, *state.POWER], format_func=shown_as(lambda p: p or t("bd.any")), key="board_power")
    part = f4.selectbox(t("bd.part"), [None, *state.PARTS], format_func=shown_as(lambda p: term(p) if p else t("bd.any")),
                        key="board_part")
    vills = {v.key: v.name for v in state.villages(township)}
    village = f5.selectbox(t("bd.village"), [None, *vills], format_func=shown_as(lambda k: vills.get(k, t("bd.any"))),
                           key="board_village")
    work = state.worklist(township, tuple(chosen), dept, power, part, village)
    st.caption(t("bd.count", n=len(work)))
    full = columns(work.drop(columns=["键"]).assign(严重程度=work["严重程度"].map(lambda s: t(f"sev.{s}"))))
    # on screen the columns a meeting reads, 说明 wrapped in tall rows: nothing needs a sideways scroll;
    # the download keeps every column
    keep = [c for c in SCREEN if c in work.columns and (c != "乡镇" or work["乡镇"].nunique() > 1)]
    shown = columns(work[keep].assign(严重程度=work["严重程度"].map(lambda s: t(f"sev.{s}"))))
    event = st.dataframe(shown, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                         key="board_rows", row_height=ROW_HEIGHT, height=min(560, 38 + ROW_HEIGHT * max(1, len(shown))),
                         column_config={shown.columns[i]: st.column_config.TextColumn(width=SCREEN[c])
                                        for i, c in enumerate(keep)})
    st.download_button(t("download.xlsx"), lambda: to_xlsx(full, "研讨清单"), file_name="边界研讨清单.xlsx", key="board-xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    _pick_row(work, event)
    return work


def parties(card) -> set[str]:
    """各方职责对照: each party's own text; villages with the same role in one card. Returns the texts shown."""
    st.subheader(t("bd.parties"))
    # the owner tells the text reader whose work a text describes (county, township or village)
    cards = [(t("lk.lead"), p.name, p.level, p.text or _own_text(card, "lead"), _owner(p.level)) for p in card.leads]
    cards += [(t("lk.coop"), p.name, p.level, p.text or card.item.township_duty, _owner(p.level))
              for p in card.cooperators]
    by_role: dict[str, list[str]] = {}
    for v in card.villages:
        by_role.setdefault(v.text or card.item.village_text, []).append(v.name)
    for text, names in by_role.items():
        who = names[0] if len(names) == 1 else t("bd.villages_n", n=len(names))
        cards.append((t("lk.villages"), who, "、".join(names) if len(names) > 1 else "", text, "village"))
    if not cards:
        st.warning(t("lk.nobody"))
        return set()
    cols = st.columns(min(3, len(cards)))
    for i, (role, who, sub, text, owner) in enumerate(cards):
        with cols[i % len(cols)].container(border=True):
            st.markdown(f"**{md(who)}**  \n{md(role)}{' · ' + md(sub) if sub else ''}")
            duty_texts.show_text(text, owner, t("bd.no_text"))
    return {c[3] for c in cards if c[3]}


def _owner(level: str) -> str:
    return "county" if level in ("县级部门", "县派驻机构") else "township"


def item_texts(card, shown: set[str]) -> None:
    """The item's own duty texts not already on a party's card, the words the audit relied on highlighted."""
    texts = [(label, text, owner) for label, text, owner in duty_texts.item_texts(card.item) if text not in shown]
    if texts:
        st.subheader(t("bd.duty_texts"))
        for label, text, owner in texts:
            st.markdown(f"**{md(label)}**")
            duty_texts.show_text(text, owner)


def _own_text(card, role: str) -> str:
    """A lead's part where the list writes it on the item rather than on the relation."""
    item = card.item
    return item.upper_duty or item.work_mode or item.content if role == "lead" else ""


def render() -> None:
    township = state.in_view()
    st.title(t("page.board"))
    big = st.toggle(t("bd.big"), value=True, key="board_big")
    if big:
        st.markdown(BIG_TYPE, unsafe_allow_html=True)
    meeting = meeting_bar(township)

    work = worklist(township)
    if work.empty:
        return
    items = dict(zip(work["键"], work["事项名称"], strict=False))
    kept = st.session_state.get("board_keep")  # the item just decided stays open, even once off the worklist
    left_list = bool(kept) and kept == st.session_state.get("board_item") and kept not in items
    if left_list:
        kept_card = state.card(kept)
        if kept_card is not None:
            items[kept] = kept_card.item.label
    if st.session_state.get("board_item") not in items:
        st.session_state["board_item"] = next(iter(items))
    key = st.selectbox(t("bd.select"), list(items), format_func=items.get, key="board_item")
    card = state.card(key)
    if card is None:
        return
    item_township = card.item.township
    findings = _findings_of(item_township, key)
    st.markdown(f"### {md(card.item.label)}")
    if key not in set(work["键"]):
        st.info(t("bd.left_list"))
    st.markdown(f"**{t('bd.leads_now')}**：{md('、'.join(p.name for p in card.leads)) or '—'}　"
                f"**{t('bd.coops_now')}**：{md('、'.join(p.name for p in card.cooperators)) or '—'}")

    left, right = st.columns([3, 2], gap="large")
    with left:
        for f in findings:
            with st.container(border=True):
                st.markdown(f"**{md(f['title'])}** · {t('sev.' + f['severity'])}")
                st.text(f["message"])
        item_texts(card, parties(card))
    with right:
        decision_panel(card, findings, meeting if item_township == township else "")

    st.subheader(f"{t('bd.neighbourhood')}：{md(card.item.label)}")
    depth = st.radio(t("bd.depth"), [1, 2], horizontal=True, key="board_depth")
    spec = graphview.neighbourhood_spec(state.neighbourhood(key, depth), key)
    clicked = graphview.show(spec, key="board_graph", height=620, font_size=18 if big else 14,
                             file_name=f"边界研讨-{card.item.name}")
    if clicked and clicked != key and clicked in items:
        st.info(t("g.clicked", label=md(items[clicked])))

    st.subheader(t("bd.articles"))
    arts = pd.DataFrame([(b.law, b.article or "", b.label, c) for b, c in zip(card.bases, card.citations, strict=False)],
                        columns=["法律", "条", "依据", "引用原文"])
    st.dataframe(columns(arts), hide_index=True, width="stretch")
    if card.item.basis_text:
        st.caption(md(card.item.basis_text))

    st.subheader(t("bd.source"))
    item = card.item
    fields = {"来源": item.source, "事项编码": item.code, "清单类别": item.part, "事项类型": item.power_type_raw or item.power_type,
              "牵头部门": item.lead_text, "配合部门": item.cooperate_text, "村（社区）": item.village_text,
              "依据": item.basis_text, "办理时限": item.time_limit, "实施程序": item.procedure, "内容": item.content}
    src = pd.DataFrame([(column_title(k), v) for k, v in fields.items() if v], columns=["标签", "值"])
    st.dataframe(columns(src), hide_index=True, width="stretch")


state.guard(render)()
