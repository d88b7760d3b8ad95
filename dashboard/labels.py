"""Names for internal identifiers, in both languages: finding kinds, statuses, audit actions, relations.

No identifier (``gap.no_lead``, ``applied``, ``decision.apply``, ``LEADS``) reaches a user: pages
show ``label(...)`` instead. A new finding kind needs only a row in ``KIND_EN`` (its Chinese
title comes from ``queries._common.KINDS``).
"""

from __future__ import annotations

import datetime as dt

from queries._common import KINDS

from .i18n import lang

__all__ = ["KIND_EN", "action_label", "kind_label", "local_time", "status_label"]

KIND_EN: dict[str, str] = {
    "overlap.multi_lead": "Several leads",
    "overlap.near_duplicate": "Near-duplicate items led by different offices",
    "overlap.shared_article": "One article enforced by several offices",
    "overlap.cooperate_township_lead": "Cooperation item led by a township office",
    "gap.no_lead": "No lead",
    "gap.unknown_department": "Lead not in the department register",
    "gap.withdrawn_township_lead": "Withdrawn item still led by a township office",
    "gap.cooperate_no_county_lead": "Cooperation item without a county lead",
    "gap.village_text_unlinked": "Village part written but no village linked",
    "ownership.unconfirmed": "Lead to be confirmed",
    "coverage.missing_fields": "Fields missing",
    "legal.no_basis": "No legal basis",
    "legal.inconsistent_title": "One law written in several ways",
    "handshake.missing_county_part": "Cooperation item lacks the county's part",
    "handshake.missing_township_part": "Cooperation item lacks the township's part",
    "handshake.no_counterpart": "No matching item in the county list",
    "handshake.county_item_unmatched": "County item without a cooperation item here",
    "village.missing_villages": "Item of every village misses some villages",
    "chain.broken_step": "Chain step without an owner",
    "chain.cycle": "Chain loops back",
    "chain.inspection_no_followup": "Inspection without penalty or compulsory step",
    "chain.level_crossing": "Chain hands off between township and county",
    "chain.handoff": "Owner changes between chain steps",
    "chain.candidate_link": "Inspection and penalty that look like one chain",
}

_STATUS: dict[str, tuple[str, str]] = {
    "proposed": ("待确认", "proposed"), "applied": ("已生效", "applied"), "rejected": ("已驳回", "rejected"),
    "undone": ("已撤销", "undone"), "submitted": ("已提交", "submitted"), "reviewed": ("已审查", "reviewed"),
    "approved": ("已批准", "approved"),
}
_ACTIONS: dict[str, tuple[str, str]] = {
    "import": ("导入清单", "import"), "decision.apply": ("决定生效", "decision applied"),
    "decision.propose": ("提出决定", "decision proposed"), "decision.confirm": ("确认决定", "decision confirmed"),
    "decision.reject": ("驳回决定", "decision rejected"), "decision.undo": ("撤销决定", "decision undone"),
    "round": ("形成轮次", "round made"), "meeting": ("登记会议", "meeting"), "meeting.close": ("结束会议", "meeting closed"),
    "settings": ("设置", "settings"), "request.submit": ("提交申请", "request submitted"),
    "request.review": ("审查申请", "request reviewed"), "request.approve": ("批准申请", "request approved"),
    "request.reject": ("驳回申请", "request rejected"),
}


def kind_label(kind: str) -> str:
    """A finding kind's name in the current language (its Chinese title when no English is known)."""
    info = KINDS.get(kind)
    zh = info.title if info else kind
    return KIND_EN.get(kind, zh) if lang() == "en" else zh


def status_label(status: str) -> str:
    zh, en = _STATUS.get(status, (status, status))
    return en if lang() == "en" else zh


def action_label(action: str) -> str:
    zh, en = _ACTIONS.get(action, (action, action))
    return en if lang() == "en" else zh


def local_time(iso: str) -> str:
    """An ISO UTC time stamp as local time, to the minute ('' stays '')."""
    if not iso:
        return ""
    try:
        when = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone().strftime("%Y-%m-%d %H:%M")
