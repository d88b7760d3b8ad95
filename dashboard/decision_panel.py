"""The decision panel beside an item's finding on the board: operations, a preview, then record.

A decision is one or more operations on the list (graphmodel.review.Op). The panel shows only
the fields the chosen operation needs; ``set_lead`` on an item with several leads asks where
the others go (they cooperate by default). Before recording, the preview shows the item's
leads, cooperators, villages and bases before → after, who is taken off the item, and which
findings the decision resolves or creates. Nothing is written until 记录决定.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graphmodel import DutyGraphError
from graphmodel.listedit import FACETS, fold_villages
from graphmodel.review import ACTIONS, LEAD_OTHERS, Op, describe_op
from loaders import load_aliases
from queries._common import KINDS
from queries.rounds import finding_changes

from . import state
from .i18n import lang, t, shown_as
from .labels import kind_label
from .review import editor
from .safe import md

__all__ = ["decision_panel", "pending_ops"]

#: The widgets of the panel; cleared after a decision is recorded.
_FIELDS = ("dec_dept", "dec_new_dept", "dec_others", "dec_village", "dec_basis", "dec_text", "dec_note")
#: The operations a meeting chooses from (add_item belongs to change requests).
BOARD_ACTIONS = tuple(a for a in ACTIONS if a != "add_item")


def pending_ops(item: str) -> list[Op]:
    """Operations already added to the decision being prepared on ``item``."""
    return st.session_state.setdefault("dec_pending", {}).setdefault(item, [])


def _dept_target(name: str, township: str, new: bool) -> tuple[str, str]:
    if not new:
        return name, ""
    dn = load_aliases().resolve(name, township)  # the name and level an import would give it
    return dn.name, dn.level


def _operation(card, action: str) -> Op | None:
    """The operation the visible fields describe (None while incomplete)."""
    township = card.item.township
    leads = [p.name for p in card.leads]
    coops = [p.name for p in card.cooperators]
    store = state.store()
    if action in ("set_lead", "add_cooperator"):
        depts = sorted(d.name for d in store.nodes("Department", township))
        taken = set(leads) if action == "set_lead" and len(leads) == 1 else set(leads) | set(coops) \
            if action == "add_cooperator" else set()
        c1, c2 = st.columns(2)
        dept = c1.selectbox(t("rv.department"), ["", *[d for d in depts if d not in taken]], key="dec_dept",
                            format_func=shown_as(lambda d: d or t("rv.choose")))
        new = c2.text_input(t("rv.new_department"), key="dec_new_dept").strip()
        text = st.text_input(t("rv.coop_text"), key="dec_text") if action == "add_cooperator" else ""
        name = new or dept
        if not name:
            return None
        target, level = _dept_target(name, township, bool(new))
        if action == "set_lead":
            others = [n for n in leads if n != target]
            mode = ""
            if others:
                mode = st.radio(t("rv.others", names=md("、".join(others))), list(LEAD_OTHERS), key="dec_others",
                                format_func=shown_as(lambda m: t(f"rv.others.{m}")), horizontal=True)
            return Op("set_lead", card.key, target, "", level, others=mode)
        return Op("add_cooperator", card.key, target, text.strip(), level)
    if action in ("move_to_cooperating", "remove_cooperator"):
        among = leads if action == "move_to_cooperating" else coops
        if not among:
            st.caption(t("rv.none_to_pick"))
            return None
        dept = st.selectbox(t("rv.department"), ["", *among], key="dec_dept", format_func=shown_as(lambda d: d or t("rv.choose")))
        return Op(action, card.key, dept) if dept else None
    if action == "add_village_role":
        villages = sorted(v.name for v in store.nodes("Village", township))
        village = st.selectbox(t("rv.village"), ["", *villages], key="dec_village",
                               format_func=shown_as(lambda v: v or t("rv.choose")))
        text = st.text_input(t("rv.village_text"), key="dec_text")
        return Op(action, card.key, village, text.strip()) if village else None
    if action == "accept_shared":
        text = st.text_input(t("rv.split_text"), key="dec_text")
        return Op(action, card.key, text=text.strip()) if text.strip() else None
    if action == "add_basis":
        basis = st.text_input(t("rv.basis"), key="dec_basis", placeholder="《土地管理法》第六十二条")
        return Op(action, card.key, basis.strip()) if basis.strip() else None
    return None


def _facet_label(facet: str) -> str:
    return t(f"rv.facet.{facet}")


def preview_frame(preview) -> pd.DataFrame:
    """Before → after per item and facet, identical village roles folded."""
    rows = []
    for item in preview.items:
        b, a = dict(item.before), dict(item.after)
        for f in FACETS:
            was, now = (fold_villages(b[f], lang=lang()), fold_villages(a[f], lang=lang())) if f == "villages" \
                else (list(b[f]), list(a[f]))
            rows.append({t("rv.pv.item"): item.name, t("rv.pv.what"): _facet_label(f),
                         t("rv.pv.before"): "、".join(was) or "—", t("rv.pv.after"): "、".join(now) or "—",
                         t("rv.pv.changed"): "●" if b[f] != a[f] else ""})
    return pd.DataFrame(rows)


def show_preview(township: str, ops: list[Op]) -> bool:
    """Draw the preview of ``ops``; False when they do not fit the list (the reason is shown)."""
    try:
        preview = state.store().preview_decision(township, ops)
    except DutyGraphError as e:
        st.warning(t("rv.pv.refused", error=md(e)))
        return False
    st.markdown(f"**{t('rv.pv.title')}**")
    frame = preview_frame(preview)
    st.dataframe(frame, hide_index=True, width="stretch")
    for item in preview.items:
        for _facet, who in item.dropped:
            st.warning(t("rv.pv.dropped", who=md(who), item=md(item.name)))
    if preview.departments_leaving:
        st.warning(t("rv.pv.leaving", names=md("、".join(preview.departments_leaving))))
    resolved, introduced = finding_changes(preview.before, preview.after)
    for f in resolved:
        st.markdown(f"✔ {t('rv.pv.resolves')}：{kind_label(f.kind)} · {md(f.subject)}")
    for f in introduced:
        st.markdown(f"✚ {t('rv.pv.creates')}：{kind_label(f.kind)} · {md(f.subject)}")
    if not resolved and not introduced:
        st.caption(t("rv.pv.no_findings"))
    return True


def decision_panel(card, findings: list[dict], meeting: str) -> None:
    """The panel for the selected item (a signed-in editor only); ``meeting`` is the board's meeting."""
    st.subheader(t("rv.decide"))
    who = editor()
    if not who:
        st.caption(t("rv.readonly"))
        return
    township = card.item.township
    pending = pending_ops(card.key)
    picked = None
    if findings:
        picked = st.selectbox(t("rv.finding"), list(range(len(findings))), key="dec_finding",
                              format_func=lambda i: f"{findings[i]['title']}：{md(findings[i]['subject'])}")
    action = st.selectbox(t("rv.action"), BOARD_ACTIONS, format_func=shown_as(lambda a: t(f"rv.act.{a}")), key="dec_action")
    op = _operation(card, action)
    if pending:
        st.markdown(f"**{t('rv.pending')}**")
        names = {card.key: card.item.label}
        for o in pending:
            st.text(describe_op(o, names, lang()))
    b1, b2 = st.columns(2)
    if b1.button(t("rv.add_op"), key="dec_add", disabled=op is None):
        pending.append(op)
        for k in _FIELDS[:-1]:
            st.session_state.pop(k, None)
        st.rerun()
    if pending and b2.button(t("rv.clear_ops"), key="dec_clear"):
        pending.clear()
        st.rerun()
    ops = [*pending, *([op] if op is not None else [])]
    if not ops:
        st.caption(t("rv.pv.empty"))
        return
    fits = show_preview(township, ops)
    if meeting:
        st.caption(t("rv.in_meeting", meeting=md(state.meeting_label(township, meeting))))
        outside = False
    else:
        outside = st.checkbox(t("rv.outside"), key="dec_outside")
    note = st.text_area(t("rv.note"), key="dec_note")
    ready = fits and (bool(meeting) or outside)
    if st.button(t("rv.record"), key="dec_record", type="primary", disabled=not ready):
        finding = {k: findings[picked][k] for k in ("kind", "subject")} if picked is not None else {}
        if finding:  # the minutes name the finding by its title, whatever reads the decision later
            finding["title"] = KINDS[finding["kind"]].title if finding["kind"] in KINDS else ""
        d = state.store().record_decision(township, ops, editor=who, meeting=meeting, finding=finding, note=note)
        pending.clear()
        st.session_state["board_keep"] = card.key
        for k in (*_FIELDS, "dec_outside"):
            st.session_state.pop(k, None)
        state.after_write(t("rv.recorded", id=d.id, status=t(f"rv.status.{d.status}")))
