"""The review half of the store contract: meetings, decisions, rounds, change requests, audit trail.

Written once for every backend. A backend supplies two raw steps:

- ``_review_transaction(township, work, write=True)``: run ``work(rtx)`` in one write transaction
  that holds the township's write lock (concurrent editors are serialised, none is
  lost), where ``rtx`` is a :class:`ReviewTx`: the township's list, a replace of it,
  and the review records of the township;
- ``_review_records(township, kind)``: read the records of one kind (a read).

Every change writes an :class:`~graphmodel.review.AuditEntry` in the same transaction.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from .delegation import Delegation, DelegationList
from .errors import InvalidArgument, NotFound
from .listedit import Conflict, Preview, apply_ops, preview_ops, restore, slice_of
from .model import TownshipList
from .review import (
    AuditEntry,
    ChangeRequest,
    Decision,
    ListSnapshot,
    Meeting,
    Op,
    ReviewSettings,
    Round,
    describe_decision,
    list_from_dict,
    now_iso,
    same_content,
)

__all__ = ["REVIEW_KINDS", "PermissionDenied", "ReviewContract", "ReviewTx"]

T = TypeVar("T")

#: Kinds of review record (also their Neo4j labels, see vocab.REVIEW_LABELS).
REVIEW_KINDS = ("Meeting", "Decision", "Round", "ChangeRequest", "AuditEntry", "ReviewSettings", "Delegation")
_PREFIX = {"Meeting": "M", "Decision": "D", "ChangeRequest": "C"}


class PermissionDenied(InvalidArgument):
    """An editor may not do this (confirm their own decision, act without a name)."""


class ReviewTx(ABC):
    """What a review transaction can do; one per call of ``_review_transaction``."""

    township: str
    #: ``put`` takes a :class:`ListSnapshot` as a round's blob and writes its text when it is read
    #: or saved (the embedded store); otherwise the text is written at once
    lazy_blobs: bool = False

    @abstractmethod
    def current_list(self) -> TownshipList: ...

    def replace(self, tlist: TownshipList, *, checked: bool = False) -> Any:
        """Write ``tlist`` as the township's list in this transaction, once it is whole
        (``checked``: the caller has just run ``tlist.check()`` on it; not run twice)."""
        if not checked:
            tlist.check()
        return self._replace(tlist)

    @abstractmethod
    def _replace(self, tlist: TownshipList) -> Any: ...

    @abstractmethod
    def records(self, kind: str) -> list[dict]: ...

    @abstractmethod
    def blob(self, kind: str, rid: str) -> str | None: ...

    @abstractmethod
    def put(self, kind: str, rid: str, data: dict, blob: str | None = None, links: Iterable[tuple[str, str]] = ()) -> None:
        """Create or overwrite record ``rid``; ``links`` are (relation type, target key) to draw."""

    @abstractmethod
    def drop(self, kind: str, rid: str) -> None:
        """Delete record ``rid`` and its links (a copy from another store removes what the source lacks)."""

    # helpers on top of the raw steps
    def get(self, kind: str, rid: str) -> dict | None:
        return next((r for r in self.records(kind) if r.get("id") == rid), None)

    def next_number(self, kind: str) -> int:
        nums = [int(r["number"]) for r in self.records(kind) if "number" in r]
        return max(nums, default=0) + 1

    def audit(self, who: str, action: str, target: str, what: str = "", why: str = "", items: Iterable[str] = ()) -> None:
        seq = self.next_number("AuditEntry")
        entry = AuditEntry(self.township, seq, now_iso(), who, action, target, what, why, tuple(sorted(items)))
        self.put("AuditEntry", f"A{seq}", {**entry.to_dict(), "id": f"A{seq}", "number": seq})


def _record_links(kind: str, data: dict) -> list[tuple[str, str]]:
    """The links a record draws to the list's items and to its meeting (drawn by Neo4j only)."""
    meeting = data.get("meeting") or ""
    if kind == "Decision":
        return [("CHANGED", k) for k in data.get("items", ())] + ([("TAKEN_AT", meeting)] if meeting else [])
    if kind == "ChangeRequest":
        return ([("CONCERNS", data["item"])] if data.get("item") else []) + (
            [("REVIEWED_AT", meeting)] if meeting else [])
    return []


def _bare(entries: Iterable[Delegation]) -> list[tuple[str, str, str, str]]:
    return sorted({(e.item, e.document, e.date, e.code) for e in entries})


def _editor(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise PermissionDenied("需要编辑人姓名 (an editor's name is required to change the list)")
    return name


def _counts(tlist: TownshipList) -> tuple[tuple[str, int], ...]:
    c = Counter(i.part for i in tlist.items)
    return (("items", len(tlist.items)), *sorted(c.items()))


class ReviewContract(ABC):
    """Mixed into :class:`graphmodel.store.DutyStore`."""

    # ---- raw steps -----------------------------------------------------------------------
    @abstractmethod
    def _review_transaction(self, township: str, work: Callable[[ReviewTx], T], write: bool = True) -> T: ...

    @abstractmethod
    def _review_records(self, township: str, kind: str) -> list[dict]: ...

    @abstractmethod
    def _review_blob(self, township: str, kind: str, rid: str) -> str | None: ...

    def _known_township(self, township: str) -> str:
        names = [t.name for t in self.townships()]  # type: ignore[attr-defined]
        if township not in names:
            raise NotFound(f"乡镇 {township!r} 不在存储中 (not in the store); 已有 found: {'、'.join(names) or '—'}")
        return township

    # ---- 赋权 (graphmodel.delegation) --------------------------------------------------------
    def delegation_list(self, township: str) -> DelegationList | None:
        """The township's imported 赋权 list, or None when none was imported."""
        rows = self._review_records(township, "Delegation")
        if not rows:
            return None
        d = rows[0]
        return DelegationList(township, tuple(Delegation.from_dict(e) for e in d.get("entries", ())),
                              d.get("imported_by", ""), d.get("imported_at", ""), d.get("file", ""))

    def delegations(self, township: str) -> tuple[Delegation, ...]:
        """The entries of the township's 赋权 list (empty when none was imported), sorted."""
        found = self.delegation_list(township)
        return found.entries if found else ()

    def import_delegations(self, township: str, entries: Iterable[Delegation], *, editor: str,
                           file: str = "") -> bool:
        """Replace the township's 赋权 list as a whole; False (and nothing written) when it is unchanged."""
        editor = _editor(editor)
        self._known_township(township)
        new = tuple(sorted(set(entries)))

        def work(rtx: ReviewTx) -> bool:
            old = rtx.get("Delegation", "list")
            if old is not None and _bare(Delegation.from_dict(e) for e in old.get("entries", ())) == _bare(new):
                return False  # the same decisions (rows may sit elsewhere in the file)
            rtx.put("Delegation", "list", {"id": "list", "entries": [e.to_dict() for e in new], "imported_by": editor,
                                           "imported_at": now_iso(), "file": file})
            rtx.audit(editor, "import", "delegations", f"赋权清单 delegation list: {len(new)} 项 entries", why=file)
            return True

        return self._review_transaction(township, work)

    # ---- settings --------------------------------------------------------------------------
    def review_settings(self, township: str) -> ReviewSettings:
        rows = self._review_records(township, "ReviewSettings")
        return ReviewSettings.from_dict(rows[0]) if rows else ReviewSettings(township)

    def set_four_eyes(self, township: str, on: bool, editor: str) -> ReviewSettings:
        """Require (or stop requiring) a second editor to confirm each decision of ``township``.

        Switching it on takes one editor (it only adds a check). Switching it off takes two:
        the first editor's request waits (``pending_off_by``) until a different editor asks
        for the same; otherwise one editor could switch the check off and act alone.
        """
        editor = _editor(editor)
        self._known_township(township)

        def work(rtx: ReviewTx) -> ReviewSettings:
            rows = rtx.records("ReviewSettings")
            cur = ReviewSettings.from_dict(rows[0]) if rows else ReviewSettings(township)
            if not on and cur.four_eyes and cur.pending_off_by in ("", editor):
                s = ReviewSettings(township, True, cur.changed_by, cur.changed_at, editor, now_iso())
                rtx.put("ReviewSettings", "settings", {**s.to_dict(), "id": "settings"})
                rtx.audit(editor, "settings.propose", "four_eyes",
                          "四眼原则 four eyes: 申请关闭，待另一位编辑确认 (off requested; a second editor must confirm)")
                return s
            s = ReviewSettings(township, bool(on), editor, now_iso())
            rtx.put("ReviewSettings", "settings", {**s.to_dict(), "id": "settings"})
            what = f"四眼原则 four eyes: {'开启 on' if on else '关闭 off'}"
            if not on and cur.pending_off_by:
                what += f"（{cur.pending_off_by} 申请，{editor} 确认 requested by {cur.pending_off_by}）"
            rtx.audit(editor, "settings", "four_eyes", what)
            return s

        return self._review_transaction(township, work)

    # ---- meetings --------------------------------------------------------------------------
    def record_meeting(self, township: str, title: str, date: str, participants: Iterable[str] = (), *,
                       editor: str, stage: str = "专题研讨") -> Meeting:
        editor = _editor(editor)
        self._known_township(township)
        if not title.strip() or not date.strip():
            raise InvalidArgument("会议需要标题和日期 (a meeting needs a title and a date)")

        def work(rtx: ReviewTx) -> Meeting:
            n = rtx.next_number("Meeting")
            m = Meeting(f"M{n}", township, title.strip(), date.strip(), tuple(p.strip() for p in participants if p.strip()),
                        stage, editor, now_iso())
            rtx.put("Meeting", m.id, {**m.to_dict(), "number": n})
            rtx.audit(editor, "meeting", m.id, f"{m.date} {m.title}")
            return m

        return self._review_transaction(township, work)

    def meetings(self, township: str) -> tuple[Meeting, ...]:
        rows = self._review_records(township, "Meeting")
        return tuple(Meeting.from_dict(r) for r in sorted(rows, key=lambda r: r["number"]))

    def meeting(self, township: str, mid: str) -> Meeting:
        for m in self.meetings(township):
            if m.id == mid:
                return m
        raise NotFound(f"会议 {mid!r} 不存在 (no such meeting in {township})")

    def close_meeting(self, township: str, mid: str, *, editor: str) -> Round | None:
        """Close a meeting: make a round of the list as its decisions left it (None: nothing changed)."""
        editor = _editor(editor)
        self.meeting(township, mid)

        def work(rtx: ReviewTx) -> Round | None:
            m = Meeting.from_dict(rtx.get("Meeting", mid))
            rnd = self._new_round(rtx, "meeting", f"{m.date} {m.title}", editor, meeting=mid)
            rtx.put("Meeting", mid, {**m.to_dict(), "round": rnd.number if rnd else m.round,
                                     "closed_by": editor, "closed_at": now_iso(), "number": int(mid[1:])})
            return rnd

        return self._review_transaction(township, work)

    # ---- decisions -------------------------------------------------------------------------
    def record_decision(self, township: str, ops: Iterable[Op], *, editor: str, meeting: str = "",
                        finding: dict | None = None, note: str = "") -> Decision:
        """Record a decision; it applies at once unless the township requires four eyes."""
        editor = _editor(editor)
        ops = tuple(ops)
        if not ops or not all(isinstance(o, Op) for o in ops):
            raise InvalidArgument("a decision needs one or more Op")
        self._known_township(township)
        if meeting:
            self.meeting(township, meeting)
        four_eyes = self.review_settings(township).four_eyes
        ref = tuple(sorted((str(k), str(v)) for k, v in (finding or {}).items()))

        def work(rtx: ReviewTx) -> Decision:
            n = rtx.next_number("Decision")
            d = Decision(f"D{n}", township, ops, meeting, ref, note.strip(), "proposed", editor, now_iso())
            if four_eyes:
                apply_ops(rtx.current_list(), ops)  # refuse now what could never apply
                self._put_decision(rtx, d)
                rtx.audit(editor, "decision.propose", d.id, self._summary(d), note)
                return d
            return self._apply_decision(rtx, d, editor)

        return self._review_transaction(township, work)

    def preview_decision(self, township: str, ops: Iterable[Op]) -> Preview:
        """What recording ``ops`` would change, item by item, before → after; nothing is written."""
        ops = tuple(ops)
        if not ops or not all(isinstance(o, Op) for o in ops):
            raise InvalidArgument("a decision needs one or more Op")
        self._known_township(township)
        return preview_ops(self._current(township), ops)

    def confirm_decision(self, township: str, did: str, *, editor: str) -> Decision:
        """The second editor confirms a proposed decision, which then applies."""
        editor = _editor(editor)

        def work(rtx: ReviewTx) -> Decision:
            d = self._get_decision(rtx, did)
            if d.status != "proposed":
                raise Conflict(f"决定 {did} 的状态是 {d.status}，不能确认 (only a proposed decision can be confirmed)")
            if d.recorded_by == editor:
                raise PermissionDenied(f"提出人 {editor} 不能确认自己的决定 (the proposer cannot confirm it; four eyes)")
            return self._apply_decision(rtx, d, editor, confirmed=True)

        return self._review_transaction(township, work)

    def reject_decision(self, township: str, did: str, *, editor: str, reason: str = "") -> Decision:
        editor = _editor(editor)

        def work(rtx: ReviewTx) -> Decision:
            d = self._get_decision(rtx, did)
            if d.status != "proposed":
                raise Conflict(f"决定 {did} 的状态是 {d.status}，不能驳回 (only a proposed decision can be rejected)")
            d = Decision.from_dict({**d.to_dict(), "status": "rejected", "undone_by": editor,
                                    "undone_at": now_iso(), "reason": reason})
            self._put_decision(rtx, d)
            rtx.audit(editor, "decision.reject", did, self._summary(d), reason)
            return d

        return self._review_transaction(township, work)

    def undo_decision(self, township: str, did: str, *, editor: str, reason: str = "") -> Decision:
        """Put the items back as they were before the decision (refused if they changed since)."""
        editor = _editor(editor)

        def work(rtx: ReviewTx) -> Decision:
            d = self._get_decision(rtx, did)
            if d.status != "applied":
                raise Conflict(f"决定 {did} 的状态是 {d.status}，不能撤销 (only an applied decision can be undone)")
            new = restore(rtx.current_list(), d.before, d.after)
            rtx.replace(new)
            d = Decision.from_dict({**d.to_dict(), "status": "undone", "undone_by": editor, "undone_at": now_iso(),
                                    "reason": reason})
            self._put_decision(rtx, d)
            rtx.audit(editor, "decision.undo", did, self._summary(d), reason, d.items)
            return d

        return self._review_transaction(township, work)

    def decisions(self, township: str, meeting: str | None = None, status: str | None = None) -> tuple[Decision, ...]:
        rows = sorted(self._review_records(township, "Decision"), key=lambda r: r["number"])
        out = tuple(Decision.from_dict(r) for r in rows)
        return tuple(d for d in out if (meeting is None or d.meeting == meeting) and (status is None or d.status == status))

    def decision(self, township: str, did: str) -> Decision:
        for d in self.decisions(township):
            if d.id == did:
                return d
        raise NotFound(f"决定 {did!r} 不存在 (no such decision in {township})")

    @staticmethod
    def _summary(d: Decision) -> str:
        return describe_decision(d)

    @staticmethod
    def _get_decision(rtx: ReviewTx, did: str) -> Decision:
        row = rtx.get("Decision", did)
        if row is None:
            raise NotFound(f"决定 {did!r} 不存在 (no such decision in {rtx.township})")
        return Decision.from_dict(row)

    @staticmethod
    def _put_decision(rtx: ReviewTx, d: Decision) -> None:
        data = {**d.to_dict(), "number": int(d.id[1:])}
        rtx.put("Decision", d.id, data, links=_record_links("Decision", data))

    def _apply_decision(self, rtx: ReviewTx, d: Decision, editor: str, confirmed: bool = False) -> Decision:
        current = rtx.current_list()
        new, items, depts = apply_ops(current, d.ops)
        rtx.replace(new)
        fields: dict[str, Any] = {"status": "applied", "items": list(items),
                                  "before": slice_of(current, items, depts), "after": slice_of(new, items, depts)}
        if confirmed:
            fields |= {"confirmed_by": editor, "confirmed_at": now_iso()}
        d = Decision.from_dict({**d.to_dict(), **fields})
        self._put_decision(rtx, d)
        if not confirmed:
            rtx.audit(editor, "decision.apply", d.id, self._summary(d), d.note, items)
        else:
            rtx.audit(editor, "decision.confirm", d.id, self._summary(d), f"由 {d.recorded_by} 提出", items)
        return d

    # ---- rounds ----------------------------------------------------------------------------
    def _new_round(self, rtx: ReviewTx, kind: str, label: str, editor: str, meeting: str = "",
                   tlist: TownshipList | None = None) -> Round | None:
        tlist = tlist if tlist is not None else rtx.current_list()
        # the text once, and only when needed: to compare with the last round, or by a store that
        # writes blobs at once (the embedded store writes a ListSnapshot's text on save)
        snap = ListSnapshot(tlist)
        rows = sorted(rtx.records("Round"), key=lambda r: r["number"])
        if rows:
            last = rows[-1]
            blob = rtx.blob("Round", last["id"])
            if blob is not None and (blob == snap.text() or same_content(json.loads(blob), json.loads(snap.text()))):
                return None
        earlier = {d for r in rows for d in r.get("decisions", ())}
        applied = tuple(r["id"] for r in sorted(rtx.records("Decision"), key=lambda r: r["number"])
                        if r["status"] in ("applied", "undone") and r["id"] not in earlier)
        n = (rows[-1]["number"] + 1) if rows else 1
        rnd = Round(rtx.township, n, kind, label, meeting, editor, now_iso(), applied, _counts(tlist))
        rtx.put("Round", rnd.id, {**rnd.to_dict(), "id": rnd.id}, blob=snap if rtx.lazy_blobs else snap.text())
        rtx.audit(editor, "round", rnd.id, f"第{n}轮 round {n} ({kind}) {label}".strip(), "", ())
        return rnd

    def create_round(self, township: str, *, editor: str, label: str = "", kind: str = "manual") -> Round | None:
        """Make a round of the township's list now (None: same as the latest round)."""
        editor = _editor(editor)
        self._known_township(township)
        return self._review_transaction(township, lambda rtx: self._new_round(rtx, kind, label, editor))

    def rounds(self, township: str) -> tuple[Round, ...]:
        rows = self._review_records(township, "Round")
        return tuple(Round.from_dict(r) for r in sorted(rows, key=lambda r: r["number"]))

    def round_list(self, township: str, number: int) -> TownshipList:
        """The list as it was in round ``number``."""
        blob = self._review_blob(township, "Round", f"R{int(number)}")
        if blob is None:
            have = ", ".join(str(r.number) for r in self.rounds(township)) or "—"
            raise NotFound(f"{township} 没有第 {number} 轮 (no round {number}; rounds: {have})")
        return list_from_dict(json.loads(blob))

    def _import_round(self, tlist: TownshipList, editor: str, checked: bool = False) -> Callable[[ReviewTx], Any]:
        def work(rtx: ReviewTx) -> Any:
            result = rtx.replace(tlist, checked=checked)
            if not result.unchanged:
                rtx.audit(editor or "import", "import", tlist.township.name,
                          f"导入 import: +{result.added} -{result.removed} ~{result.changed}",
                          "、".join(tlist.township.sources))
                self._new_round(rtx, "import", "、".join(tlist.township.sources), editor or "import", tlist=tlist)
            return result

        return work

    # ---- copying a township between stores (dutygraph sync) ------------------------------------
    def review_records(self, township: str) -> dict[str, list[tuple[dict, str | None]]]:
        """Every review record of the township by kind, each with its blob (a round's snapshot)."""
        return {kind: sorted(((r, self._review_blob(township, kind, r["id"]) if kind == "Round" else None)
                              for r in self._review_records(township, kind)), key=lambda rb: str(rb[0].get("id")))
                for kind in REVIEW_KINDS}

    def copy_township(self, source: ReviewContract, township: str) -> tuple[Any, int]:
        """Make the township here what it is in ``source``: its list and every review record
        (meetings, decisions, rounds, requests, audit trail, 赋权 list), in one transaction.

        Returns (the list's ImportResult, how many records were written or removed); a second
        copy of an unchanged township writes nothing. Like the list, the township's records here
        are replaced as a whole: records the source lacks are removed.
        """
        tlist = source.township_list(township)  # type: ignore[attr-defined]
        theirs = {kind: {str(r["id"]): (r, blob) for r, blob in rows}
                  for kind, rows in source.review_records(township).items()}

        def work(rtx: ReviewTx) -> tuple[Any, int]:
            result = rtx.replace(tlist)
            written = 0
            for kind in REVIEW_KINDS:
                for rid in sorted({str(r["id"]) for r in rtx.records(kind)} - theirs[kind].keys()):
                    rtx.drop(kind, rid)
                    written += 1
                for rid, (data, blob) in sorted(theirs[kind].items()):
                    if rtx.get(kind, rid) == data and (kind != "Round" or rtx.blob(kind, rid) == blob):
                        continue
                    rtx.put(kind, rid, data, blob, links=_record_links(kind, data))
                    written += 1
            return result, written

        return self._review_transaction(township, work)

    # ---- change requests -------------------------------------------------------------------
    def submit_request(self, township: str, title: str, proposed_by: str, *, editor: str, description: str = "",
                       item: str = "", ops: Iterable[Op] = ()) -> ChangeRequest:
        """File a change request (a new item, or a change to ``item``) from a township or department."""
        editor = _editor(editor)
        self._known_township(township)
        if not title.strip() or not proposed_by.strip():
            raise InvalidArgument("变更申请需要标题和申请单位 (a request needs a title and who proposes it)")
        ops = tuple(ops)
        if ops:
            apply_ops(self._current(township), ops)  # must at least fit the list as it is

        def work(rtx: ReviewTx) -> ChangeRequest:
            n = rtx.next_number("ChangeRequest")
            cr = ChangeRequest(f"C{n}", township, title.strip(), proposed_by.strip(), description, item, ops,
                               "submitted", editor, now_iso())
            data = {**cr.to_dict(), "number": n}
            rtx.put("ChangeRequest", cr.id, data, links=_record_links("ChangeRequest", data))
            rtx.audit(editor, "request.submit", cr.id, cr.title, description, (item,) if item else ())
            return cr

        return self._review_transaction(township, work)

    def review_request(self, township: str, cid: str, *, editor: str, opinion: str, meeting: str = "") -> ChangeRequest:
        """The task force's review (in a meeting): its opinion goes to the county."""
        editor = _editor(editor)
        if meeting:
            self.meeting(township, meeting)

        def work(rtx: ReviewTx) -> ChangeRequest:
            cr = self._get_request(rtx, cid)
            if cr.status not in ("submitted", "reviewed"):
                raise Conflict(f"申请 {cid} 已{cr.status}，不能再审 (already decided)")
            cr = ChangeRequest.from_dict({**cr.to_dict(), "status": "reviewed", "meeting": meeting, "review": opinion,
                                          "reviewed_by": editor, "reviewed_at": now_iso()})
            data = {**cr.to_dict(), "number": int(cid[1:])}
            rtx.put("ChangeRequest", cid, data, links=_record_links("ChangeRequest", data))
            rtx.audit(editor, "request.review", cid, cr.title, opinion)
            return cr

        return self._review_transaction(township, work)

    def decide_request(self, township: str, cid: str, approved: bool, *, editor: str, note: str = "") -> ChangeRequest:
        """The county approves (its operations apply as a decision) or rejects a reviewed request."""
        editor = _editor(editor)

        def work(rtx: ReviewTx) -> ChangeRequest:
            cr = self._get_request(rtx, cid)
            if cr.status != "reviewed":
                raise Conflict(f"申请 {cid} 状态为 {cr.status}；需先经专班审查 (the task force reviews it first)")
            if approved and editor == cr.submitted_by:
                raise PermissionDenied(f"{editor} 提交了申请 {cid}，不能自己批准；须由另一位审核人批准 "
                                       f"(the author of a change request cannot approve it; four eyes)")
            fields: dict[str, Any] = {"status": "approved" if approved else "rejected", "outcome_by": editor,
                                      "outcome_at": now_iso(), "outcome_note": note}
            if approved and cr.ops:
                n = rtx.next_number("Decision")
                # the author proposed the change, the approver (someone else) confirms it
                author = cr.submitted_by or editor
                d = Decision(f"D{n}", township, cr.ops, cr.meeting, (("request", cid),),
                             f"变更申请 {cid}：{cr.title}", "proposed", author, now_iso())
                d = self._apply_decision(rtx, d, editor, confirmed=author != editor)
                fields["decision"] = d.id
            cr = ChangeRequest.from_dict({**cr.to_dict(), **fields})
            rtx.put("ChangeRequest", cid, {**cr.to_dict(), "number": int(cid[1:])})
            rtx.audit(editor, "request.approve" if approved else "request.reject", cid, cr.title, note)
            return cr

        return self._review_transaction(township, work)

    def requests(self, township: str, status: str | None = None) -> tuple[ChangeRequest, ...]:
        rows = sorted(self._review_records(township, "ChangeRequest"), key=lambda r: r["number"])
        out = tuple(ChangeRequest.from_dict(r) for r in rows)
        return tuple(c for c in out if status is None or c.status == status)

    @staticmethod
    def _get_request(rtx: ReviewTx, cid: str) -> ChangeRequest:
        row = rtx.get("ChangeRequest", cid)
        if row is None:
            raise NotFound(f"变更申请 {cid!r} 不存在 (no such change request in {rtx.township})")
        return ChangeRequest.from_dict(row)

    # ---- reading -----------------------------------------------------------------------------
    def audit_trail(self, township: str, item: str | None = None) -> tuple[AuditEntry, ...]:
        """Every change to the township's list and its review, oldest first (``item``: those touching it)."""
        rows = sorted(self._review_records(township, "AuditEntry"), key=lambda r: r["seq"])
        out = tuple(AuditEntry.from_dict(r) for r in rows)
        return tuple(e for e in out if item is None or item in e.items)

    def current_list(self, township: str) -> TownshipList:
        """The township's list as it is now (what a round would snapshot)."""
        self._known_township(township)
        return self._current(township)

    def _current(self, township: str) -> TownshipList:
        return self._review_transaction(township, lambda rtx: rtx.current_list(), write=False)
