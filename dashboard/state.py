"""Shared state of the dashboard: the store (one per process) and cached query results.

The store is opened once per process (``st.cache_resource``) from the environment
that ``dutygraph dashboard`` sets: ``DUTYGRAPH_STORE``, ``DUTYGRAPH_DATA_DIR`` and
``NEO4J_URI`` / ``NEO4J_USER`` / ``NEO4J_PASSWORD`` / ``NEO4J_DATABASE``. Every query
result is cached with ``st.cache_data`` keyed on the store, the townships in view and
the filter values; an import clears those caches. Pages call the functions here,
which call ``queries/`` (and ``loaders/`` for the import page) and nothing else.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from graphmodel import POWER_TYPES, DutyGraphError, DutyStore, ItemFilter, ListPart, open_store
from queries import gaps, overlaps
from queries._common import KINDS, sorted_findings

from . import interim
from .i18n import t

try:  # queries modules still being written; interim.py stands in until they land
    from queries import audit as _audit
except ImportError:
    _audit = None

__all__ = ["guard", "in_view", "store", "store_options", "townships", "clear_results"]


def store_options() -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """Store name and options from the environment, as a hashable pair."""
    name = os.environ.get("DUTYGRAPH_STORE") or None
    options: dict[str, str] = {}
    if os.environ.get("DUTYGRAPH_DATA_DIR"):
        options["data_dir"] = os.environ["DUTYGRAPH_DATA_DIR"]
    if name == "neo4j" or (name is None and os.environ.get("NEO4J_URI")):
        name = "neo4j"
        for env, opt in (("NEO4J_URI", "uri"), ("NEO4J_USER", "user"), ("NEO4J_PASSWORD", "password"),
                         ("NEO4J_DATABASE", "database")):
            if os.environ.get(env):
                options[opt] = os.environ[env]
        options.pop("data_dir", None)
    return name, tuple(sorted(options.items()))


@st.cache_resource(show_spinner=False)
def _open(name: str | None, options: tuple[tuple[str, str], ...]) -> DutyStore:
    return open_store(name, **dict(options))


def store() -> DutyStore:
    """The store of this process (opened on first use; DutyGraphError when it cannot be)."""
    return _open(*store_options())


def store_id() -> str:
    """A cache key naming the store in use."""
    return store().describe()


def clear_results() -> None:
    """Forget every cached result (after an import, or when the user reloads the store)."""
    st.cache_data.clear()


def reload_store() -> None:
    clear_results()
    _open.clear()


@st.cache_data(show_spinner=False)
def _townships(store_key: str) -> tuple[str, ...]:
    return tuple(t.name for t in store().townships())


def townships() -> tuple[str, ...]:
    """Names of the townships in the store."""
    return _townships(store_id())


def in_view() -> str | None:
    """The township chosen in the sidebar (None = all townships)."""
    chosen = st.session_state.get("township")
    return chosen if chosen in townships() else None


def guard(render: Callable[[], Any]) -> Callable[[], Any]:
    """Wrap a page: our errors become one clear sentence, never a traceback."""

    def page() -> Any:
        try:
            return render()
        except DutyGraphError as e:
            st.error(t("error.generic", error=e))
            return None

    page.__name__ = render.__name__
    return page



# ---- query results: cached, keyed on the store (its description) and the arguments -----------
def _sid() -> str:
    return store().describe()


@st.cache_data(show_spinner=False)
def _cards(sid: str, township: str | None):
    return interim.cards(store(), township)


def cards(township: str | None = None):
    return _cards(_sid(), township)


@st.cache_data(show_spinner=False)
def _counts(sid: str, township: str | None):
    return store().counts(township)


def counts(township: str | None = None):
    """Nodes by type, items by list part and by power type."""
    return _counts(_sid(), township)


@st.cache_data(show_spinner=False)
def _findings(sid: str, township: str | None):
    if _audit is not None:
        result = _audit.run_audit(store(), township)
        return tuple(getattr(result, "findings", result))
    c = cards(township)
    s = store()
    return sorted_findings((*overlaps.overlaps(s, township, cards=c), *gaps.gaps(s, township, cards=c),
                            *gaps.unconfirmed(s, township, cards=c)))


def findings(township: str | None = None):
    """Every finding about the townships in view (queries.audit.run_audit)."""
    return _findings(_sid(), township)


SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}


def kind_title(kind: str) -> str:
    info = KINDS.get(kind)
    return info.title if info else kind


def findings_by_kind(township: str | None = None) -> pd.DataFrame:
    rows: dict[str, list] = {}
    for f in findings(township):
        row = rows.setdefault(f.kind, [kind_title(f.kind), f.severity, 0, f.kind])
        row[2] += 1
    order = SEVERITY_RANK
    df = pd.DataFrame(list(rows.values()), columns=["问题类型", "严重程度", "数量", "类别"])
    return df.sort_values(["严重程度", "数量"], key=lambda c: c.map(order) if c.name == "严重程度" else -c,
                          kind="stable").reset_index(drop=True)


@st.cache_data(show_spinner=False)
def _worklist(sid: str, township: str | None, kinds: tuple[str, ...], department: str | None,
              power_type: str | None, part: str | None, village: str | None) -> pd.DataFrame:
    allowed = None
    if village:
        allowed = {c.key for c in store().item_cards(ItemFilter(township=township, village=village))}
    rows = []
    for f in findings(township):
        if kinds and f.kind not in kinds:
            continue
        for ev in f.items:
            if power_type and ev.power_type != power_type:
                continue
            if part and ev.part != part:
                continue
            if department and not any(d.key == department for d in ev.departments):
                continue
            if allowed is not None and ev.key not in allowed:
                continue
            rows.append({
                "问题类型": kind_title(f.kind), "严重程度": f.severity, "事项名称": ev.name, "清单类别": ev.part,
                "事项类型": ev.power_type,
                "牵头部门": "、".join(d.name for d in ev.departments if d.role == "牵头"),
                "配合部门": "、".join(d.name for d in ev.departments if d.role == "配合"),
                "说明": f.message, "乡镇": f.township, "来源": ev.source, "键": ev.key,
            })
    df = pd.DataFrame(rows, columns=["问题类型", "严重程度", "事项名称", "清单类别", "事项类型", "牵头部门",
                                     "配合部门", "说明", "乡镇", "来源", "键"])
    rank = df["严重程度"].map(SEVERITY_RANK)
    return df.assign(_r=rank).sort_values(["_r", "问题类型", "乡镇", "事项名称"], kind="stable") \
        .drop(columns="_r").reset_index(drop=True)


def worklist(township: str | None, kinds: tuple[str, ...] = (), department: str | None = None,
             power_type: str | None = None, part: str | None = None, village: str | None = None) -> pd.DataFrame:
    """Findings as one row per item involved, narrowed by the board's filters."""
    return _worklist(_sid(), township, tuple(kinds), department, power_type, part, village)


@st.cache_data(show_spinner=False)
def _nodes(sid: str, node_type: str, township: str | None):
    return store().nodes(node_type, township)


def departments(township: str | None = None):
    return _nodes(_sid(), "Department", township)


def villages(township: str | None = None):
    return _nodes(_sid(), "Village", township)


PARTS = tuple(p.value for p in ListPart)
POWER = POWER_TYPES


@st.cache_data(show_spinner=False)
def _card(sid: str, key: str):
    found = store().item_cards(ItemFilter(keys=(key,)))
    return found[0] if found else None


def card(key: str):
    return _card(_sid(), key)


@st.cache_data(show_spinner=False)
def _neighbourhood(sid: str, key: str, depth: int):
    return store().neighbourhood(key, depth)


def neighbourhood(key: str, depth: int = 1):
    return _neighbourhood(_sid(), key, depth)


@st.cache_data(show_spinner=False)
def _completeness(sid: str, township: str | None):
    return interim.completeness(cards(township))


def completeness(township: str | None = None) -> tuple[float, pd.DataFrame]:
    """Share of field checks passed, and the checks that fail most."""
    return _completeness(_sid(), township)


BOARD_GROUPS = ("overlap", "gap", "ownership")


def board_kinds() -> dict[str, str]:
    """Finding kinds shown on the boundary board: identifier -> title."""
    return {k: info.title for k, info in KINDS.items() if info.group in BOARD_GROUPS}
