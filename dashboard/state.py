"""Shared state of the dashboard: the store (one per process) and cached query results.

The store is opened once per process (``st.cache_resource``) from the environment
that ``dutygraph dashboard`` sets: ``DUTYGRAPH_STORE``, ``DUTYGRAPH_DATA_DIR`` and
``NEO4J_URI`` / ``NEO4J_USER`` / ``NEO4J_PASSWORD`` / ``NEO4J_DATABASE``. Every query
result is cached keyed on the store, the townships in view and the filter values (frozen
results shared, DataFrames copied: see :func:`_shared`); an import clears those caches. Pages call the functions here,
which call ``queries/`` (and ``loaders/`` for the import page) and nothing else.
"""

from __future__ import annotations

import logging

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from graphmodel import POWER_TYPES, DutyGraphError, DutyStore, ItemFilter, ListPart, LoadError, open_store
from loaders import LoadResult
from loaders.isolated import read_list_isolated
from loaders.problems import sort_problems
from queries import chains as chain_queries
from queries import coverage, frames, lookup as lookup_queries, villages as village_queries
from queries._common import KINDS, evidence, list_townships
from queries.catalogue import township_counts
from queries.audit import AuditResult, run_audit
from queries.neighbourhood import Neighbourhood
from queries.neighbourhood import neighbourhood as neighbourhood_query
from queries.rounds import diff_rounds
from queries.whatif import WhatIf, what_if

from .i18n import check_label, coverage_label, lang, lookup_answer, t
from .labels import finding_message, kind_label
from .safe import md

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
    """The store of this process (opened on first use; DutyGraphError when it cannot be).

    The embedded store re-reads its file when another process (the CLI, a second dashboard)
    saved it since, and the cached results go with the old content.
    """
    s = _open(*store_options())
    refresh = getattr(s, "refresh", None)
    if refresh is not None and refresh():
        clear_results()
    return s


def data_dir() -> str | None:
    """The data directory the dashboard was started on (None: the default one)."""
    return os.environ.get("DUTYGRAPH_DATA_DIR") or None


#: The query results cached by :func:`_shared`, cleared with the others.
_SHARED: list = []


def _shared(fn):
    """Cache a query's result once per process and hand out the object itself.

    ``st.cache_data`` pickles a value on every read, so that a caller cannot change the cached
    copy: reading the audit of a county (31,000 findings) back took 0.2 s, and the 总览 page
    reads it four times (1.4 s of its first render; bench/README.md). Query results are frozen
    records and tuples (the embedded store hands out the same kept objects), so they are shared.
    DataFrames, which pages may change, stay with ``st.cache_data``.
    """
    cached = st.cache_resource(show_spinner=False, max_entries=256)(fn)
    _SHARED.append(cached)
    return cached


def clear_results() -> None:
    """Forget every cached result (after an import, or when the user reloads the store)."""
    st.cache_data.clear()
    for cached in _SHARED:
        cached.clear()


def after_write(message: str) -> None:
    """After any change to the store: forget cached results and run the page again, with ``message`` on top.

    The page that made the change has already drawn its tables and pictures from the old
    state when the button's code runs; without a rerun they stay stale until the next click.
    """
    clear_results()
    st.session_state["flash"] = message
    st.rerun()


def show_flash() -> None:
    """The message of the last change (once), above the page."""
    message = st.session_state.pop("flash", None)
    if message:
        st.success(message)


def reload_store() -> None:
    clear_results()
    _open.clear()


@st.cache_data(show_spinner=False)
def _townships(store_key: str) -> tuple[str, ...]:
    return list_townships(store())


def townships() -> tuple[str, ...]:
    """Names of the townships in the store (reference catalogues are not townships: the 全县 page shows them)."""
    return _townships(_sid())


def in_view() -> str | None:
    """The township chosen in the sidebar (None = all townships)."""
    chosen = st.session_state.get("township")
    return chosen if chosen in townships() else None


_log = logging.getLogger("dutygraph.dashboard")


def guard(render: Callable[[], Any]) -> Callable[[], Any]:
    """Wrap a page: errors become one clear sentence, never a traceback.

    Our own errors say what to do; anything else is a bug, whose traceback goes to the
    server log (where whoever runs the dashboard can find it), not onto the projector.
    Streamlit's rerun/stop signals are BaseExceptions and pass through.
    """

    def page() -> Any:
        try:
            return render()
        except DutyGraphError as e:
            st.error(t("error.generic", error=md(e)))
        except Exception as e:  # noqa: BLE001 - the page boundary
            _log.exception("page %s failed", render.__module__)
            st.error(t("error.unexpected", error=md(f"{type(e).__name__}: {e}")))
        return None

    page.__name__ = render.__name__
    return page



# ---- query results: cached, keyed on the store and its version, and the arguments -------------
def version() -> tuple[tuple[str, int], ...]:
    """Per township, how many changes its audit trail holds: every import, decision, undo,
    confirmation, meeting and round adds one, in this process or in any other."""
    s = store()
    return tuple((t.name, len(s.audit_trail(t.name))) for t in s.townships())


def _sid() -> str:
    """The cache key of the store as it is now: its description and its version."""
    return f"{store().describe()}#{version()}"


PARTS = tuple(p.value for p in ListPart)
POWER = POWER_TYPES
SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2, "info": 3}
BOARD_GROUPS = ("overlap", "gap", "ownership")
#: The graph draws at most this many nodes; the rest are counted and listed as cut.
GRAPH_LIMIT = 80


@st.cache_data(show_spinner=False)
def _counts(sid: str, township: str | None):
    return township_counts(store(), township)


def counts(township: str | None = None):
    """Nodes by type, items by list part and by power type."""
    return _counts(_sid(), township)


@_shared
def _audit(sid: str, township: str | None) -> AuditResult:
    return run_audit(store(), township)


def audit(township: str | None = None) -> AuditResult:
    """Every finding, the ownership summary and the completeness scores (queries.audit)."""
    return _audit(_sid(), township)


def kind_title(kind: str) -> str:
    """A finding kind's name in the current language (dashboard/labels.py)."""
    return kind_label(kind)


def meeting_label(township: str, mid: str) -> str:
    """A meeting as people name it: date and title."""
    for m in store().meetings(township):
        if m.id == mid:
            return f"{m.date} {m.title}"
    return mid


def findings_by_kind(township: str | None = None) -> pd.DataFrame:
    """Findings per kind present, most severe first."""
    result = audit(township)
    rows = [(kind_title(k), KINDS[k].severity, n, k) for k, n in result.counts.items() if n]
    df = pd.DataFrame(rows, columns=["问题类型", "严重程度", "数量", "类别"])
    rank = df["严重程度"].map(SEVERITY_RANK)
    return df.assign(_r=rank).sort_values(["_r", "数量"], ascending=[True, False], kind="stable") \
        .drop(columns="_r").reset_index(drop=True)


@st.cache_data(show_spinner=False)
def _changed(sid: str, township: str) -> tuple[int, int] | None:
    rounds = store().rounds(township)
    if not rounds:
        return None
    d = diff_rounds(store(), township, rounds[-1].number, None)
    return len(d.resolved), len(d.introduced)


def changed_since_last_round(township: str | None) -> tuple[int, int] | None:
    """(findings resolved, findings new) from the latest round to now; None for several townships or no round."""
    if township is None:
        names = townships()
        if len(names) != 1:
            return None
        township = names[0]
    return _changed(_sid(), township)


def scores(township: str | None = None):
    """Completeness per township (queries.coverage.completeness, via the audit)."""
    return audit(township).scores


def ranking(township: str | None = None) -> pd.DataFrame:
    """Townships by completeness, best first, with how much was assessed."""
    ranked = sorted(scores(township), key=lambda s: (-s.score, s.township))
    return frames.ranking_frame(ranked).assign(评估=[coverage_label(s) for s in ranked])


def score_checks(township: str | None = None) -> pd.DataFrame:
    """What drags completeness down: points lost per check, per township."""
    df = frames.scores_frame(scores(township))
    if not df.empty:  # the check's name in the chosen language (the frame carries the Chinese label)
        df["检查项"] = [check_label(c.check) for s in scores(township) for c in s.checks]
    return df


def board_kinds() -> dict[str, str]:
    """Finding kinds shown on the boundary board: identifier -> title."""
    return {k: kind_label(k) for k, info in KINDS.items() if info.group in BOARD_GROUPS}


@st.cache_data(show_spinner=False)
def _worklist(sid: str, township: str | None, kinds: tuple[str, ...], department: str | None,
              power_type: str | None, part: str | None, village: str | None, language: str) -> pd.DataFrame:
    allowed = None
    if village:
        allowed = {c.key for c in store().item_cards(ItemFilter(township=township, village=village))}
    rows = []
    for f in audit(township).findings:
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
                "说明": finding_message(f), "乡镇": f.township, "来源": ev.source, "键": ev.key,
            })
    df = pd.DataFrame(rows, columns=["问题类型", "严重程度", "事项名称", "清单类别", "事项类型", "牵头部门",
                                     "配合部门", "说明", "乡镇", "来源", "键"])
    rank = df["严重程度"].map(SEVERITY_RANK)
    return df.assign(_r=rank).sort_values(["_r", "问题类型", "乡镇", "事项名称"], kind="stable") \
        .drop(columns="_r").reset_index(drop=True)


def worklist(township: str | None, kinds: tuple[str, ...] = (), department: str | None = None,
             power_type: str | None = None, part: str | None = None, village: str | None = None) -> pd.DataFrame:
    """Findings as one row per item involved, narrowed by the board's filters (most severe first)."""
    return _worklist(_sid(), township, tuple(kinds), department, power_type, part, village, lang())


@_shared
def _nodes(sid: str, node_type: str, township: str | None):
    return store().nodes(node_type, township)


def departments(township: str | None = None):
    return _nodes(_sid(), "Department", township)


def villages(township: str | None = None):
    return _nodes(_sid(), "Village", township)


@_shared
def _cards(sid: str, flt: ItemFilter):
    return store().item_cards(flt)


def card(key: str):
    """One item with its parties, bases and chain links (None when it is gone)."""
    found = _cards(_sid(), ItemFilter(keys=(key,)))
    return found[0] if found else None


def items_frame(township: str | None = None, department: str | None = None, village: str | None = None) -> pd.DataFrame:
    """The items a department leads or cooperates on, or a village assists, with its part in each."""
    rows = []
    for c in _cards(_sid(), ItemFilter(township=township, department=department, village=village)):
        ev = evidence(c)
        if department:
            role = next((d for d in ev.departments if d.key == department), None)
            who, text = (role.role, role.text) if role else ("", "")
        else:
            v = next((v for v in c.villages if v.key == village), None)
            who, text = ("村（社区）", v.text if v else "")
        rows.append({"角色": who, "事项名称": ev.name, "清单类别": ev.part, "事项类型": ev.power_type,
                     "职责": text, "牵头部门": "、".join(d.name for d in ev.departments if d.role == "牵头"),
                     "依据": "；".join(ev.bases), "来源": ev.source, "键": ev.key})
    return pd.DataFrame(rows, columns=["角色", "事项名称", "清单类别", "事项类型", "职责", "牵头部门", "依据", "来源", "键"])


@_shared
def _neighbourhood(sid: str, key: str, depth: int) -> Neighbourhood:
    return neighbourhood_query(store(), key, depth, limit=GRAPH_LIMIT)


def neighbourhood(key: str, depth: int = 1) -> Neighbourhood:
    """Nodes within ``depth`` hops of an item, at most GRAPH_LIMIT (queries.neighbourhood)."""
    return _neighbourhood(_sid(), key, depth)


@_shared
def _department_load(sid: str, township: str | None):
    return coverage.department_load(store(), township)


def department_load(township: str | None = None):
    return _department_load(_sid(), township)


def department_load_frame(township: str | None = None) -> pd.DataFrame:
    return frames.department_load_frame(department_load(township))


def dept_power_matrix(township: str | None = None) -> pd.DataFrame:
    """Items led, department × power type (from queries.coverage.department_load)."""
    loads = [d for d in department_load(township) if d.leads]
    types = [p for p in POWER_TYPES if any(p == t for d in loads for t, _ in d.by_power_type)]
    types += sorted({t for d in loads for t, _ in d.by_power_type} - set(types))
    label = (lambda d: f"{d.name}（{d.township}）") if township is None and len(townships()) > 1 else (lambda d: d.name)
    return pd.DataFrame([{t: dict(d.by_power_type).get(t, 0) for t in types} for d in loads],
                        index=[label(d) for d in loads], columns=types)


@st.cache_data(show_spinner=False)
def _item_coverage(sid: str, township: str | None, only_incomplete: bool, part: str | None,
                   power_type: str | None) -> pd.DataFrame:
    rows = coverage.item_coverage(store(), township, only_incomplete=only_incomplete)
    rows = [r for r in rows if (not part or r.item.part == part) and (not power_type or r.item.power_type == power_type)]
    return frames.item_coverage_frame(rows)


def item_coverage(township: str | None = None, only_incomplete: bool = True, part: str | None = None,
                  power_type: str | None = None) -> pd.DataFrame:
    """Per item, which of code, basis, time limit, procedure and lead are missing (filtered)."""
    return _item_coverage(_sid(), township, only_incomplete, part, power_type)


@_shared
def _village_roles(sid: str, township: str | None):
    return coverage.village_roles(store(), township)


def village_roles(township: str | None = None):
    return _village_roles(_sid(), township)


def village_summary(township: str | None = None) -> pd.DataFrame:
    """Items each village assists (idle villages included)."""
    return pd.DataFrame([(v.township, v.name, v.kind, v.count) for v in village_roles(township)],
                        columns=["乡镇", "村（社区）", "类型", "事项数"])


@st.cache_data(show_spinner=False)
def _village_matrix(sid: str, township: str) -> pd.DataFrame:
    return frames.village_matrix_frame(village_queries.village_matrix(store(), township))


def village_matrix(township: str) -> pd.DataFrame:
    """Items × villages of one township, the village's role in each cell."""
    return _village_matrix(_sid(), township)


@st.cache_data(show_spinner=False)
def _power_by_township(sid: str) -> pd.DataFrame:
    rows = {}
    for name in townships():
        rows[name] = {p.power_type: p.total for p in coverage.power_type_counts(store(), name)}
    return pd.DataFrame(rows).fillna(0).astype(int)


def power_by_township() -> pd.DataFrame:
    """Items per power type (rows) and township (columns)."""
    return _power_by_township(_sid())


@_shared
def _chains(sid: str, township: str | None):
    return chain_queries.chains(store(), township)


def chains(township: str | None = None):
    """Enforcement chains with owners, hand-offs and broken steps (queries.chains)."""
    return _chains(_sid(), township)


def readable(df: pd.DataFrame) -> pd.DataFrame:
    """A frame of queries/frames.py without identifiers: kinds named, keys and codes dropped."""
    out = df.copy()
    if "类型" in out.columns and "问题" in out.columns:
        out["问题"] = out["类型"].map(kind_label)
    if "层级" in out.columns:
        out["层级"] = out["层级"].map(lambda v: t(f"lv.{v}") if v in ("township", "county") else v)
    for col in ("移交", "断点"):  # a chain step's hand-off and break, worded by queries/frames.py
        if col in out.columns:
            out[col] = out[col].map(lambda v: t(f"ch.{v}") if v in ("镇→县", "县→镇", "部门变更", "是") else v)
    return out.drop(columns=[c for c in ("类型", "链条", "状态代码", "详情", "键") if c in out.columns])


def chain_steps_frame(chain) -> pd.DataFrame:
    return readable(frames.chains_frame([chain]))


def _findings_table(found) -> pd.DataFrame:
    """Findings as a readable table, message and severity in the page's language."""
    df = readable(frames.findings_frame(found))
    if lang() == "en" and not df.empty:
        df["说明"] = [finding_message(f) for f in found]
        df["严重程度"] = [t(f"sev.{f.severity}") for f in found]
    return df


def candidate_links(township: str | None = None) -> pd.DataFrame:
    """Inspection and penalty items that look like one chain but are not linked."""
    found = [f for f in audit(township).findings if f.kind == "chain.candidate_link"]
    return _findings_table(found)


def findings_frame(township: str | None = None, department: str | None = None) -> pd.DataFrame:
    """Every finding (optionally only those involving a department) as a table."""
    found = audit(township).findings
    if department:
        found = [f for f in found if any(d.key == department for i in f.items for d in i.departments)]
    return _findings_table(found)


@_shared
def _lookup(sid: str, text: str, township: str | None):
    return lookup_queries.lookup(store(), text, township, limit=10)


def lookup(text: str, township: str | None = None):
    """"Who handles X?": ranked answers (queries.lookup)."""
    return _lookup(_sid(), text, township) if text.strip() else ()


@_shared
def _what_if(sid: str, township: str | None, remove: tuple[str, ...], merge: tuple[tuple[str, str], ...]) -> WhatIf:
    return what_if(store(), remove, dict(merge), township)


def whatif(township: str | None, remove: tuple[str, ...] = (), merge: tuple[tuple[str, str], ...] = ()) -> WhatIf:
    """The effect of removing or merging departments (queries.whatif)."""
    return _what_if(_sid(), township, tuple(remove), tuple(merge))


def whatif_frame(result: WhatIf) -> pd.DataFrame:
    return frames.to_frame(result)


def lookup_frame(hits) -> pd.DataFrame:
    """Lookup hits as a table, the answer in the chosen language."""
    df = frames.lookup_frame(hits)
    if not df.empty:
        df["答复"] = [lookup_answer(h) for h in hits]
    return df


# ---- import: validate first, write only when asked ---------------------------------------------
def problems_frame(problems) -> pd.DataFrame:
    """Every problem with the row and column a person finds in Excel (errors first)."""
    rows = [{"严重程度": "错误" if p.is_error else "提醒", "文件": p.file, "工作表": p.sheet, "行": p.row or "",
             "列": p.column_letter + (f"「{p.column}」" if p.column else ""), "值": p.value, "说明": p.message,
             "代码": p.code} for p in sort_problems(list(problems))]
    return pd.DataFrame(rows, columns=["严重程度", "文件", "工作表", "行", "列", "值", "说明", "代码"])


def field_headers() -> dict[str, str]:
    """Each field a column can be read as, named by its first header in the synonym table (责任主体 -> lead)."""
    from loaders.headers import load_synonyms

    out: dict[str, str] = {}
    for header, field in load_synonyms().exact.items():
        out.setdefault(field, header)
    return out


def column_map(text: str) -> tuple[tuple[str, str], ...]:
    """Lines ``COL=FIELD`` as the command line's ``--map-column``: the column by header text or Excel
    letter, the field by its name (lead) or a header that names it (责任主体), or ``-``; a bad line
    raises InvalidArgument saying how to write it."""
    from graphmodel import InvalidArgument
    from loaders.headers import FIELDS, load_synonyms

    table = load_synonyms()
    out = []
    for n, line in enumerate(text.replace("，", ",").replace(",", "\n").splitlines(), 1):
        if not line.strip():
            continue
        col, sep, field = line.replace("＝", "=").partition("=")
        col, field = col.strip(), field.strip()
        if not sep or not col or not field:
            raise InvalidArgument(t("im.map_bad", line=line.strip()))
        if field not in FIELDS and field not in ("-", "none", "extra"):
            named = table.match(field)  # a header word: B=责任主体
            if named is None:
                raise InvalidArgument(t("im.map_field", field=field, fields="、".join(field_headers().values())))
            field = named
        out.append((col, field))
    return tuple(out)


@st.cache_data(show_spinner=False, max_entries=8)
def validate(files: tuple[tuple[str, bytes], ...], township: str | None, columns: tuple[tuple[str, str], ...] = (),
             part: str | None = None) -> tuple[LoadResult | None, tuple]:
    """Read uploaded files with the loaders without writing anything: (result or None, problems).

    ``columns`` (COL, FIELD) and ``part`` are the command line's ``--map-column`` and ``--part``."""
    with tempfile.TemporaryDirectory(prefix="dutygraph-upload-") as tmp:
        paths = []
        for name, data in files:
            path = Path(tmp) / Path(name).name  # the file name may carry the township's name
            path.write_bytes(data)
            paths.append(path)
        try:
            # in a child process with memory and time limits: a crafted file cannot take the server down
            result = read_list_isolated(paths, township=township or None, column_map=dict(columns) or None, part=part)
        except LoadError as e:
            return None, tuple(e.problems)
    return result, tuple(result.problems)


def import_list(result: LoadResult, editor: str):
    """Replace the township's list by the validated one, in the name of ``editor``; forget cached results."""
    if not (editor or "").strip():
        raise PermissionError("importing needs a signed-in editor")
    done = store().replace_township(result.tlist, editor=editor)
    clear_results()
    return done
