"""Frames: pandas DataFrame views of query results with Chinese column names (dashboard, csv/xlsx export).

:func:`to_frame` picks the view for any query result; the named functions are the views.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import fields, is_dataclass
from typing import Any

import pandas as pd

from graphmodel.report import to_plain

from ._common import KINDS, Finding, ItemEvidence
from .audit import AuditResult
from .chains import Chain
from .coverage import (
    DepartmentLoad,
    ItemCoverage,
    PowerTypeCount,
    TownshipScore,
    VillageRole,
)
from .legal import BasisUse, LawImpact
from .lookup import LookupHit
from .ownership import STATE_LABELS, Ownership
from .burden import VillageActions
from .villages import VillageMatrix
from .whatif import WhatIf

__all__ = [
    "chains_frame",
    "department_load_frame",
    "findings_frame",
    "item_coverage_frame",
    "lookup_frame",
    "ownership_frame",
    "ranking_frame",
    "scores_frame",
    "to_frame",
    "village_actions_frame",
    "village_matrix_frame",
]

SEVERITY_LABELS = {"high": "高", "medium": "中", "low": "低", "info": "提示"}


def _depts(items: Sequence[ItemEvidence], role: str) -> str:
    return "；".join(dict.fromkeys(
        f"{d.name}" + (f"（{d.text}）" if d.text else "") for i in items for d in i.departments if d.role == role))


def _item_cols(items: Sequence[ItemEvidence]) -> dict[str, str]:
    return {
        "事项编码": "；".join(i.code for i in items),
        "事项名称": "；".join(i.name for i in items),
        "清单类别": "；".join(dict.fromkeys(i.part for i in items)),
        "事项类型": "；".join(dict.fromkeys(i.power_type for i in items)),
        "牵头部门": _depts(items, "牵头"),
        "配合部门": _depts(items, "配合"),
        "依据": "；".join(dict.fromkeys(b for i in items for b in i.bases)),
        "来源": "；".join(i.source for i in items),
    }


def findings_frame(findings: Sequence[Finding]) -> pd.DataFrame:
    """One row per finding.

    >>> from queries._examples import example_store
    >>> from queries.gaps import no_lead
    >>> findings_frame(no_lead(example_store())).iloc[0][["问题", "严重程度", "事项名称"]].tolist()
    ['无牵头部门', '高', '农村集体资产监督']
    """
    rows = [{
        "类型": f.kind, "问题": KINDS[f.kind].title, "严重程度": SEVERITY_LABELS[f.severity], "乡镇": f.township,
        "对象": f.subject, "说明": f.message, **_item_cols(f.items),
        "详情": "；".join(f"{k}={v}" for k, v in f.details),
    } for f in findings]
    cols = ["类型", "问题", "严重程度", "乡镇", "对象", "说明", "事项编码", "事项名称", "清单类别", "事项类型",
            "牵头部门", "配合部门", "依据", "来源", "详情"]
    return pd.DataFrame(rows, columns=cols)


def ownership_frame(rows: Sequence[Ownership]) -> pd.DataFrame:
    return pd.DataFrame([{"状态": STATE_LABELS[o.state], "状态代码": o.state, "责任方": o.where, "原因": o.reason,
                          "乡镇": o.item.township, **_item_cols([o.item])} for o in rows])


def item_coverage_frame(rows: Sequence[ItemCoverage]) -> pd.DataFrame:
    return pd.DataFrame([{"乡镇": c.item.township, **_item_cols([c.item]), "缺少": "、".join(c.missing_labels),
                          "要素齐全": "是" if c.complete else "否"} for c in rows])


def department_load_frame(rows: Sequence[DepartmentLoad]) -> pd.DataFrame:
    return pd.DataFrame([{"乡镇": d.township, "部门": d.name, "层级": d.level, "牵头事项数": d.leads,
                          "配合事项数": d.cooperates, **{f"牵头·{p}": n for p, n in d.by_part},
                          "事项类型": "、".join(f"{t}{n}" for t, n in d.by_power_type),
                          "要素齐全事项": d.complete, "齐全比例": d.share_complete} for d in rows]).fillna(0)


def scores_frame(rows: Sequence[TownshipScore]) -> pd.DataFrame:
    out = []
    for s in rows:
        for c in s.checks:
            out.append({"乡镇": s.township, "总分": s.score, "检查项": c.label, "权重": c.weight, "适用事项": c.applicable,
                        "已评估": c.assessed, "通过": c.passed, "得分": c.points, "扣分": c.lost, "未通过事项（部分）": "、".join(c.failing)})
    return pd.DataFrame(out)


def ranking_frame(rows: Sequence[TownshipScore]) -> pd.DataFrame:
    """Townships by score, best first, with how much was assessed (``coverage.township_ranking``).

    >>> from queries._examples import example_store
    >>> from queries.coverage import township_ranking
    >>> ranking_frame(township_ranking(example_store())).to_dict("records")
    [{'名次': 1, '乡镇': '示例镇', '总分': 83.2, '评估': '评估 5/5 项', '事项数': 10}]
    """
    return pd.DataFrame([{"名次": n, "乡镇": s.township, "总分": s.score, "评估": s.coverage, "事项数": s.items}
                         for n, s in enumerate(rows, 1)], columns=["名次", "乡镇", "总分", "评估", "事项数"])


def chains_frame(rows: Sequence[Chain]) -> pd.DataFrame:
    """One row per chain step."""
    out = []
    for ch in rows:
        incoming = {h.dst: h for h in ch.handoffs}
        for s in ch.steps:
            h = incoming.get(s.item.key)
            out.append({"乡镇": ch.township, "链条": ch.id, "环节": s.position + 1, **_item_cols([s.item]),
                        "责任部门": "、".join(s.owners) or "（无）", "层级": s.side,
                        "断点": "是" if s.broken else "", "移交": (h.crossing or "部门变更") if h else "",
                        "检查无后续": "是" if s.item.key in ch.inspections_without_followup else ""})
    return pd.DataFrame(out)


def village_actions_frame(m: VillageActions) -> pd.DataFrame:
    """Villages as rows, action categories as columns (administrative powers marked ★), item counts in cells.

    >>> from queries._examples import text_store
    >>> from queries.burden import village_actions
    >>> village_actions_frame(village_actions(text_store())).loc["东村"].to_dict()
    {'负责': 1, '收费★': 1, '协助': 1, '宣传': 2}
    """
    cols = [f"{a}★" if a in m.powers else a for a in m.actions]
    return pd.DataFrame(list(m.counts), index=pd.Index(m.villages, name="村（社区）"), columns=cols)


def village_matrix_frame(m: VillageMatrix) -> pd.DataFrame:
    """Items as rows, villages as columns, the village's role in each cell."""
    data = [{"事项名称": r.item.name, "事项编码": r.item.code, "村（社区）职责": r.village_text,
             **dict(zip(m.villages, r.roles)), "缺少的村": "、".join(r.missing)} for r in m.rows]
    return pd.DataFrame(data, columns=["事项名称", "事项编码", "村（社区）职责", *m.villages, "缺少的村"])


def _villages_by_role(villages: Sequence[tuple[str, str]]) -> str:
    """Villages sharing a role written once: "东村、西村（初审）" rather than the role per village.

    >>> _villages_by_role([("东村", "初审"), ("西村", "初审"), ("南村", "")])
    '东村、西村（初审）；南村'
    """
    by_role: dict[str, list[str]] = {}
    for name, role in villages:
        by_role.setdefault(role, []).append(name)
    return "；".join(f"{'、'.join(names)}（{role}）" if role else "、".join(names) for role, names in by_role.items())


def lookup_frame(rows: Sequence[LookupHit]) -> pd.DataFrame:
    return pd.DataFrame([{"相关度": h.score, "事项名称": h.item.name, "乡镇": h.item.township, "答复": h.answer,
                          "牵头部门": "、".join(h.leads), "配合部门": "、".join(h.cooperators),
                          "村（社区）": _villages_by_role(h.villages),
                          "办理时限": h.time_limit, "依据": "；".join(h.bases), "来源": h.item.source} for h in rows])


def _generic(rows: Sequence[Any]) -> pd.DataFrame:
    def cell(v: Any) -> Any:
        v = to_plain(v)
        return json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v

    return pd.DataFrame([{f.name: cell(getattr(r, f.name)) for f in fields(r)} for r in rows])


def to_frame(result: Any) -> pd.DataFrame:
    """The DataFrame view of any query result (a tuple of records, a matrix, an audit, a what-if …).

    >>> from queries._examples import example_store
    >>> from queries.audit import run_audit
    >>> to_frame(run_audit(example_store())).shape[0]
    16
    """
    if isinstance(result, AuditResult):
        return findings_frame(result.findings)
    if isinstance(result, VillageMatrix):
        return village_matrix_frame(result)
    if isinstance(result, VillageActions):
        return village_actions_frame(result)
    if isinstance(result, WhatIf):
        rows = [{"变化": "失去牵头部门", "事项名称": i.name, "说明": ""} for i in result.lost_lead]
        rows += [{"变化": "牵头部门变化", "事项名称": c.item.name, "说明": f"{'、'.join(c.before)} → {'、'.join(c.after)}"}
                 for c in result.lead_changes]
        rows += [{"变化": "链条断开", "事项名称": "、".join(names), "说明": cid} for cid, names in result.broken_chains]
        rows += [{"变化": "交叉消除", "事项名称": f.subject, "说明": f.kind} for f in result.resolved_overlaps]
        rows += [{"变化": "新增交叉", "事项名称": f.subject, "说明": f.kind} for f in result.new_overlaps]
        return pd.DataFrame(rows, columns=["变化", "事项名称", "说明"])
    if isinstance(result, LawImpact):
        return pd.DataFrame([{"法律": result.law, **_item_cols([i])} for i in result.items])
    if is_dataclass(result) and not isinstance(result, type):
        return _generic([result])
    rows = list(result or ())
    if not rows:
        return pd.DataFrame()
    first = rows[0]
    views = {Finding: findings_frame, Ownership: ownership_frame, ItemCoverage: item_coverage_frame,
             DepartmentLoad: department_load_frame, TownshipScore: scores_frame, Chain: chains_frame,
             LookupHit: lookup_frame}
    for cls, view in views.items():
        if isinstance(first, cls):
            return view(rows)
    if isinstance(first, (VillageRole, PowerTypeCount, BasisUse)) or is_dataclass(first):
        return _generic(rows)
    return pd.DataFrame([list(r) if isinstance(r, tuple) else [r] for r in rows])
