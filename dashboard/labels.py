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
    "coverage.column_absent": "Column absent from the sheet",
    "text.withdrawn_in_name": "Withdrawn in name only: the township still does the work",
    "text.cooperate_does_lead": "Cooperation item where the township does the lead's work",
    "village.burden": "Village given work beyond assistance",
    "village.overloaded": "Village carrying too many items",
    "overlap.cross_part_duplicate": "The same duty in two parts of the list",
    "topic.spread": "One topic spread over several offices",
    "legal.not_empowered": "Cited basis does not empower the township, no delegation",
    "legal.authority_unverified": "Whom the cited basis empowers is not verified",
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
    "proposed": ("待确认", "Proposed"), "applied": ("已生效", "Applied"), "rejected": ("已驳回", "Rejected"),
    "undone": ("已撤销", "Undone"), "submitted": ("已提交", "Submitted"), "reviewed": ("已审查", "Reviewed"),
    "approved": ("已批准", "Approved"),
}
_ACTIONS: dict[str, tuple[str, str]] = {
    "import": ("导入清单", "Import"), "decision.apply": ("决定生效", "Decision applied"),
    "decision.propose": ("提出决定", "Decision proposed"), "decision.confirm": ("确认决定", "Decision confirmed"),
    "decision.reject": ("驳回决定", "Decision rejected"), "decision.undo": ("撤销决定", "Decision undone"),
    "round": ("形成轮次", "Round made"), "meeting": ("登记会议", "Meeting"), "meeting.close": ("结束会议", "Meeting closed"),
    "settings": ("设置", "Settings"), "request.submit": ("提交申请", "Request submitted"),
    "request.review": ("审查申请", "Request reviewed"), "request.approve": ("批准申请", "Request approved"),
    "request.reject": ("驳回申请", "Request rejected"),
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
