"""The 全县 page's data: frames built from queries/ and cached like dashboard.state's, keyed on the store."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graphmodel import DutyGraphError
from queries.catalogue import catalogues, compare
from queries.county import county_department_items, county_department_load, lead_spread, township_ranking

from . import state
from .i18n import t
from .labels import kind_label

__all__ = ["catalogue_frame", "catalogue_names", "county_departments", "department_frame", "department_items_frame",
           "department_townships_frame", "department_uneven_frame", "finding_heat", "ranking_frame", "spread_frame"]


@st.cache_data(show_spinner=False)
def _heat(sid: str) -> pd.DataFrame:
    result = state.audit()  # the overview's cached whole-store audit: computed once for both pages
    towns = [t.name for t in state.store().townships() if not t.catalogue_of]
    rows = [(f.township, f.kind) for f in result.findings if f.township in towns]
    if not rows:
        return pd.DataFrame()
    frame = pd.DataFrame(rows, columns=["乡镇", "问题类型"]).value_counts().unstack(fill_value=0)
    return frame.reindex(index=sorted(frame.index), columns=sorted(frame.columns))


def finding_heat() -> pd.DataFrame:
    """Townships × finding kinds: how many findings of each kind (catalogues left out), kinds by name."""
    heat = _heat(state._sid())
    return heat.rename(columns=kind_label)


@st.cache_data(show_spinner=False)
def _catalogues(sid: str) -> tuple[str, ...]:
    return tuple(n for n, _ in catalogues(state.store()))


def catalogue_names() -> tuple[str, ...]:
    return _catalogues(state._sid())


@st.cache_data(show_spinner=False)
def _compare(sid: str, catalogue: str, township: str | None) -> pd.DataFrame:
    try:
        diffs = compare(state.store(), catalogue, township)
    except DutyGraphError:  # a township outside the catalogue's county: nothing to compare
        diffs = ()
    return pd.DataFrame(
        [(d.township, d.kind, d.name, d.catalogue_part, d.township_part, d.catalogue_leads,
          d.township_leads, d.match, d.score if d.match else None) for d in diffs],
        columns=["乡镇", "差异", "事项", "目录类别", "乡镇类别", "目录牵头", "乡镇牵头", "匹配", "相似度"])


def catalogue_frame(catalogue: str, township: str | None) -> pd.DataFrame:
    frame = _compare(state._sid(), catalogue, township).copy()
    frame["差异"] = [t(f"cty.diff.{k}") for k in frame["差异"]]  # named in the page's language, never the key
    frame["匹配"] = [t(f"cty.match.{m}") if m else "" for m in frame["匹配"]]
    return frame


@st.cache_data(show_spinner=False)
def _spread(sid: str, township: str | None) -> pd.DataFrame:
    return pd.DataFrame(
        [(s.county or "—", s.duty, s.townships,
          "；".join(f"{lead} {n}（{'、'.join(ts)}）" for lead, n, ts in s.distribution))
         for s in lead_spread(state.store(), township)],
        columns=["县", "事项", "乡镇数", "牵头分布"])


def spread_frame(township: str | None) -> pd.DataFrame:
    return _spread(state._sid(), township)


@st.cache_data(show_spinner=False)
def _departments(sid: str, township: str | None) -> pd.DataFrame:
    return pd.DataFrame(
        [(d.county or "—", d.department, d.leads, d.cooperates, len(d.townships), "、".join(d.townships),
          "；".join(f"{duty}：{'、'.join(has)} 有，{'、'.join(lacks)} 无" for duty, has, lacks in d.uneven))
         for d in county_department_load(state.store(), township)],
        columns=["县", "县级部门", "牵头事项", "配合事项", "乡镇数", "乡镇", "各乡镇不一致"])


def department_frame(township: str | None) -> pd.DataFrame:
    return _departments(state._sid(), township)


@st.cache_data(show_spinner=False)
def _ranking(sid: str, township: str | None) -> pd.DataFrame:
    return pd.DataFrame(
        [(r.county or "—", r.rank, r.township, r.score, r.items, r.no_lead, r.multi_lead, r.offices, r.items_per_office)
         for r in township_ranking(state.store(), township)],
        columns=["县", "名次", "乡镇", "完整度", "事项", "无牵头", "多头牵头", "科室", "人均事项"])


def ranking_frame(township: str | None) -> pd.DataFrame:
    return _ranking(state._sid(), township)


# ---- one county department across its townships (the 县级部门 page) ---------------------------
@st.cache_data(show_spinner=False)
def _spreads(sid: str, township: str | None) -> tuple:
    return county_department_load(state.store(), township)


def county_departments(township: str | None) -> tuple[tuple[str, str], ...]:
    """(county, department name) of every county department, most townships leaning on it first."""
    spreads = sorted(_spreads(state._sid(), township), key=lambda d: (-len(d.townships), d.county, d.department))
    return tuple((d.county, d.department) for d in spreads)


@st.cache_data(show_spinner=False)
def _roles(sid: str, county: str, department: str) -> pd.DataFrame:
    return pd.DataFrame(
        [(r.duty, r.township, r.role, r.part, r.text) for r in county_department_items(state.store(), department, county)],
        columns=["事项", "乡镇", "角色", "清单类别", "职责"])


def department_items_frame(county: str, department: str) -> pd.DataFrame:
    """Its items and roles in each township; the role named in the page's language."""
    frame = _roles(state._sid(), county, department).copy()
    frame["角色"] = [t(f"cd.role.{r}") for r in frame["角色"]]
    return frame


def department_townships_frame(county: str, department: str) -> pd.DataFrame:
    """The townships that lean on it: items it leads and cooperates on in each, most first."""
    roles = _roles(state._sid(), county, department)
    if roles.empty:
        return pd.DataFrame(columns=["乡镇", "牵头事项", "配合事项"])
    frame = pd.crosstab(roles["乡镇"], roles["角色"]).reindex(columns=["leads", "cooperates"], fill_value=0)
    frame = frame.rename(columns={"leads": "牵头事项", "cooperates": "配合事项"}).rename_axis(None, axis=1)
    frame = frame.reset_index().sort_values(["牵头事项", "配合事项", "乡镇"], ascending=[False, False, True], kind="stable")
    return frame.reset_index(drop=True)


def department_uneven_frame(county: str, department: str, township: str | None) -> pd.DataFrame:
    """Duties where some townships name it and others, listing the same duty, do not."""
    spread = next((d for d in _spreads(state._sid(), township) if (d.county, d.department) == (county, department)), None)
    rows = [(duty, "、".join(has), "、".join(lacks)) for duty, has, lacks in (spread.uneven if spread else ())]
    return pd.DataFrame(rows, columns=["事项", "列明该部门的乡镇", "未列明的乡镇"])
