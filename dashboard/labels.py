"""Names for internal identifiers, in both languages: finding kinds, statuses, audit actions, relations.

No identifier (``gap.no_lead``, ``applied``, ``decision.apply``, ``LEADS``) reaches a user: pages
show ``label(...)`` instead. A new finding kind needs only a row in ``queries._common.KIND_TITLES_EN``
(its Chinese title comes from ``queries._common.KINDS``). A finding's message in the current language is
``finding_message(f)``.
"""

from __future__ import annotations

import datetime as dt

from queries._common import KIND_TITLES_EN, KINDS

from .i18n import lang

__all__ = ["KIND_EN", "action_label", "finding_message", "kind_label", "local_time", "status_label"]

#: English finding-kind titles live beside the kinds (queries._common), where a fold's message needs them too.
KIND_EN: dict[str, str] = KIND_TITLES_EN

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


def finding_message(f) -> str:
    """A finding's message in the current language (its English message, built in queries/, in English mode)."""
    return f.message_en if lang() == "en" and f.message_en else f.message


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
