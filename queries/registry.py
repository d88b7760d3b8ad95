"""Registry: every named query with a Chinese and English summary, and parameters parsed from text.

The command line (``dutygraph query NAME --param k=v``) and the dashboard run queries
by these names. Parameters are converted from their annotations: ``int``, ``float``,
``bool`` (1/true/yes/是), sequences (comma-separated) and mappings (``a:b,c:d``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graphmodel import DutyStore, InvalidArgument

from . import (
    audit,
    authority,
    burden,
    catalogue,
    chains,
    county,
    coverage,
    duplicates,
    gaps,
    handshake,
    legal,
    overlaps,
    ownership,
    text_checks,
    topics,
    villages,
    whatif,
)
from .lookup import lookup as _lookup
from .neighbourhood import neighbourhood as _neighbourhood

__all__ = ["QUERIES", "QuerySpec", "parse_params", "run_query", "spec_of"]

_INTERNAL = {"store", "cards", "chain_list"}


@dataclass(frozen=True, slots=True)
class QuerySpec:
    name: str
    func: Callable[..., Any]
    zh: str
    en: str

    def params(self) -> tuple[inspect.Parameter, ...]:
        sig = inspect.signature(self.func)
        return tuple(p for p in sig.parameters.values() if p.name not in _INTERNAL)

    def usage(self) -> str:
        parts = []
        for p in self.params():
            ann = p.annotation if isinstance(p.annotation, str) else getattr(p.annotation, "__name__", "")
            parts.append(f"{p.name}=<{ann}>" if p.default is inspect.Parameter.empty else f"[{p.name}={p.default!r}]")
        return " ".join(parts)


_ROWS = (
    ("audit", audit.run_audit, "全部检查结果", "every finding, grouped by kind"),
    ("multi_lead", overlaps.multi_lead, "多头牵头事项", "items with two or more leads"),
    ("near_duplicates", overlaps.near_duplicates, "名称/内容相近但牵头部门不同的事项", "near-duplicate items led by different offices"),
    ("shared_articles", overlaps.shared_articles, "同一法条多部门执行", "law articles enforced by several offices"),
    ("cooperate_township_lead", overlaps.cooperate_township_lead, "配合事项由镇街科室牵头", "配合 items led by a township office"),
    ("overlaps", overlaps.overlaps, "全部交叉", "all overlap findings"),
    ("no_lead", gaps.no_lead, "无牵头部门事项", "items with no lead (true gaps)"),
    ("unconfirmed", gaps.unconfirmed, "责任主体待定事项", "items whose lead is a placeholder"),
    ("unknown_department", gaps.unknown_department, "牵头部门不在名录", "leads that are not known departments"),
    ("withdrawn_township_lead", gaps.withdrawn_township_lead, "收回事项仍由镇街牵头", "收回 items led by a township office"),
    ("cooperate_no_county_lead", gaps.cooperate_no_county_lead, "配合事项无县级牵头", "配合 items without a county lead"),
    ("village_text_unlinked", gaps.village_text_unlinked, "村职责未关联村", "village text written, no village linked"),
    ("gaps", gaps.gaps, "全部空白", "all gap findings"),
    ("ownership", ownership.ownership, "事项责任状态", "ownership state of every item"),
    ("ownership_summary", ownership.ownership_summary, "责任状态统计", "item counts per ownership state"),
    ("item_coverage", coverage.item_coverage, "事项要素缺项", "what each item lacks"),
    ("missing_fields", coverage.missing_fields, "缺编码/时限/程序的事项", "items lacking code, time limit or procedure"),
    ("department_load", coverage.department_load, "部门事项负荷", "each department's load"),
    ("village_roles", coverage.village_roles, "村（社区）承担事项", "what each village assists"),
    ("power_type_counts", coverage.power_type_counts, "事项类型统计", "counts per power type"),
    ("completeness", coverage.completeness, "完整度评分", "completeness score per township"),
    ("township_ranking", coverage.township_ranking, "乡镇完整度排名", "townships ranked by completeness, with coverage"),
    ("handshake", handshake.handshake, "配合事项衔接", "配合 handshake findings"),
    ("county_lists", handshake.county_lists, "已导入的县级部门清单", "county department lists in the store"),
    ("no_basis", legal.no_basis, "无依据事项", "items without legal basis"),
    ("most_cited", legal.most_cited, "引用最多的依据", "most cited legal bases"),
    ("inconsistent_titles", legal.inconsistent_titles, "法律名称写法不一", "laws cited under several titles"),
    ("law_impact", legal.law_impact, "法律修改影响", "items, departments and chains resting on a law"),
    ("village_matrix", villages.village_matrix, "事项×村矩阵", "items × villages matrix"),
    ("missing_villages", villages.missing_villages, "各村事项缺村", "every-village items missing villages"),
    ("chains", chains.chains, "执法链条", "enforcement chains"),
    ("chain_findings", chains.chain_findings, "链条问题", "chain findings"),
    ("candidate_links", chains.candidate_links, "疑似应衔接的检查与处罚", "inspection/penalty pairs that should be chained"),
    ("withdrawn_in_name", text_checks.withdrawn_in_name, "收回事项工作方式仍交镇街实质性工作", "收回 items withdrawn in name only"),
    ("cooperate_does_lead", text_checks.cooperate_does_lead, "配合事项镇街承担牵头工作", "配合 items where the township does the lead's work"),
    ("village_burden", burden.village_burden, "村（社区）非协助性职责", "village roles that are not assistance"),
    ("village_loads", burden.village_loads, "各村（社区）承担事项数", "items per village against a ceiling and the median"),
    ("village_overloaded", burden.village_overloaded, "承担事项过多的村（社区）", "villages over the ceiling or the median"),
    ("village_actions", burden.village_actions, "村×职责动作矩阵", "village × action matrix"),
    ("cross_part_duplicates", duplicates.cross_part_duplicates, "跨清单重复事项", "the same duty in 基本 and 收回/配合"),
    ("legal_authority", authority.legal_authority, "依据是否授权乡镇", "township-led powers without an empowering article or 赋权"),
    ("delegations", authority.delegation_entries, "赋权清单", "the imported 赋权 (delegation) entries"),
    ("topic_spread", topics.topic_spread, "同一主题分散多科室", "topics spread over three or more offices"),
    ("what_if", whatif.what_if, "撤并部门推演", "remove or merge departments"),
    ("catalogue_compare", catalogue.compare, "与通用目录比对", "each township against the reference catalogue"),
    ("lead_spread", county.lead_spread, "同一事项各乡镇牵头不一", "the same duty led differently across townships"),
    ("county_department_load", county.county_department_load, "县级部门跨乡镇负荷", "a county department across townships"),
    ("county_ranking", county.township_ranking, "乡镇并列排名", "townships of a county side by side"),
    ("lookup", _lookup, "谁来办", "who handles X?"),
    ("neighbourhood", _neighbourhood, "节点邻域", "neighbourhood of a node"),
)
QUERIES: dict[str, QuerySpec] = {r[0]: QuerySpec(*r) for r in _ROWS}


def _convert(param: inspect.Parameter, raw: str) -> Any:
    ann = str(param.annotation)
    text = raw.strip()
    if "Mapping" in ann or "dict" in ann:
        pairs = [p for p in text.split(",") if p.strip()]
        bad = [p for p in pairs if ":" not in p]
        if bad:
            raise InvalidArgument(f"{param.name} takes pairs like 旧部门:新部门,… (got {raw!r})")
        return dict(tuple(x.strip() for x in p.split(":", 1)) for p in pairs)
    if "Sequence" in ann or "tuple" in ann or "Iterable" in ann:
        return tuple(p.strip() for p in text.split(",") if p.strip())
    if text.lower() in ("none", "") and "None" in ann:
        return None
    try:
        if ann.startswith("int"):
            return int(text)
        if ann.startswith("float"):
            return float(text)
    except ValueError as e:
        raise InvalidArgument(f"{param.name} must be a number (got {raw!r})") from e
    if ann.startswith("bool"):
        return text.lower() in ("1", "true", "yes", "y", "是")
    return text


def parse_params(name: str, pairs: Mapping[str, str]) -> dict[str, Any]:
    """Convert ``k=v`` text parameters for query ``name``; unknown or missing ones are errors.

    >>> parse_params("what_if", {"remove": "党政综合办,经济发展办", "merge": "A:B"})
    {'remove': ('党政综合办', '经济发展办'), 'merge': {'A': 'B'}}
    """
    spec = spec_of(name)
    params = {p.name: p for p in spec.params()}
    unknown = sorted(set(pairs) - params.keys())
    if unknown:
        raise InvalidArgument(f"query {name} has no parameter {', '.join(unknown)}; it takes: {spec.usage() or '(none)'}")
    out = {k: _convert(params[k], v) for k, v in pairs.items()}
    missing = [p.name for p in params.values() if p.default is inspect.Parameter.empty and p.name not in out]
    if missing:
        raise InvalidArgument(f"query {name} needs {', '.join(missing)}: {spec.usage()}")
    return out


def spec_of(name: str) -> QuerySpec:
    if name not in QUERIES:
        raise InvalidArgument(f"unknown query {name!r}; list them with `dutygraph query --list`")
    return QUERIES[name]


def run_query(store: DutyStore, name: str, params: Mapping[str, str] | None = None) -> Any:
    """Run query ``name`` with text parameters (as given on the command line).

    >>> from queries._examples import example_store
    >>> [h.item.name for h in run_query(example_store(), "lookup", {"text": "消防安全检查", "limit": "1"})]
    ['消防安全检查']
    """
    return spec_of(name).func(store, **parse_params(name, params or {}))
