"""The audit report as plain tables (findings, summary by kind, completeness, enforcement chains).

The CLI (``dutygraph export --audit``) and the dashboard write these with
:func:`loaders.review_exports.write_tables_xlsx`; tables are (headers, rows) of text and numbers.
"""

from __future__ import annotations

import pandas as pd

from graphmodel import DutyStore

from ._common import KINDS
from .audit import run_audit
from .chains import chains
from .frames import chains_frame, findings_frame, scores_frame

__all__ = ["Table", "audit_tables", "frame_table"]

Table = tuple[list[str], list[list[object]]]


def frame_table(frame: pd.DataFrame) -> Table:
    """A DataFrame as (headers, rows) with NaN as empty text."""
    frame = frame.astype(object).where(frame.notna(), "")
    return [str(c) for c in frame.columns], frame.values.tolist()


def audit_tables(store: DutyStore, township: str | None = None) -> dict[str, Table]:
    """Sheets of the audit report: 问题清单, 汇总, 完整度, 执法链条.

    >>> from queries._examples import example_store
    >>> t = audit_tables(example_store())
    >>> list(t), t["汇总"][0]
    (['问题清单', '汇总', '完整度', '执法链条'], ['类型', '问题', '严重程度', '数量'])
    """
    result = run_audit(store, township)
    summary = [[k, KINDS[k].title, KINDS[k].severity, n] for k, n in result.counts.items()]
    return {
        "问题清单": frame_table(findings_frame(result.findings)),
        "汇总": (["类型", "问题", "严重程度", "数量"], summary),
        "完整度": frame_table(scores_frame(result.scores)),
        "执法链条": frame_table(chains_frame(chains(store, township))),
    }
