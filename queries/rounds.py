"""Rounds: what changed between two versions of a township's list, the coverage trend, an item's history.

A round is a snapshot of the list (``DutyStore.rounds`` / ``round_list``); ``None`` in
place of a round number means the list as it is now. Each snapshot is audited on its
own, in an in-memory store (so checks that look at *other* lists, the handshake kinds
against county lists, see only this township: compare rounds with rounds).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from graphmodel import DutyStore, TownshipList
from graphmodel.memory_store import MemoryStore
from graphmodel.review import list_to_dict

from ._common import Finding
from .audit import AuditResult, run_audit

__all__ = ["ItemChange", "ItemHistoryRow", "RoundDiff", "TrendPoint", "coverage_trend", "diff_rounds",
           "finding_changes", "item_history", "list_of", "round_audit"]


def list_of(store: DutyStore, township: str, number: int | None) -> TownshipList:
    """Round ``number`` of the township's list, or the list now (``None``)."""
    return store.current_list(township) if number is None else store.round_list(township, number)


@lru_cache(maxsize=32)
def _audit_json(snapshot: str) -> AuditResult:
    import json

    from graphmodel.review import list_from_dict

    mem = MemoryStore(data_dir=None)
    tlist = list_from_dict(json.loads(snapshot))
    mem.replace_township(tlist)  # a scratch copy in memory only
    return run_audit(mem, tlist.township.name)


def round_audit(tlist: TownshipList) -> AuditResult:
    """The audit of one snapshot (cached on its content)."""
    import json

    return _audit_json(json.dumps(list_to_dict(tlist), ensure_ascii=False, sort_keys=True))


def finding_changes(before: TownshipList, after: TownshipList) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    """(findings resolved, findings introduced) from one version of a list to another (a decision's preview)."""
    fa, fb = round_audit(before).findings, round_audit(after).findings
    ids_a, ids_b = {_fid(f) for f in fa}, {_fid(f) for f in fb}
    return tuple(f for f in fa if _fid(f) not in ids_b), tuple(f for f in fb if _fid(f) not in ids_a)


@dataclass(frozen=True, slots=True)
class ItemChange:
    """One item whose name, part, leads, cooperators, villages or bases differ between two rounds."""

    key: str
    name: str
    fields: tuple[str, ...]  # which of: name, part, leads, cooperators, villages, bases, texts
    before: tuple[tuple[str, str], ...]
    after: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class RoundDiff:
    township: str
    a: int | None
    b: int | None
    added: tuple[tuple[str, str], ...]  # (key, name)
    removed: tuple[tuple[str, str], ...]
    renamed: tuple[tuple[str, str, str], ...]  # (key, old name, new name)
    lead_changes: tuple[ItemChange, ...]
    other_changes: tuple[ItemChange, ...]
    resolved: tuple[Finding, ...]
    introduced: tuple[Finding, ...]
    score_before: float
    score_after: float
    findings_before: int
    findings_after: int

    def summary(self) -> dict[str, object]:
        return {
            "township": self.township, "a": self.a if self.a is not None else "current",
            "b": self.b if self.b is not None else "current",
            "added": len(self.added), "removed": len(self.removed), "renamed": len(self.renamed),
            "lead_changes": len(self.lead_changes), "other_changes": len(self.other_changes),
            "resolved": len(self.resolved), "introduced": len(self.introduced),
            "score_before": self.score_before, "score_after": self.score_after,
            "findings_before": self.findings_before, "findings_after": self.findings_after,
        }


def _names(tlist: TownshipList) -> dict[str, str]:
    return {n.key: n.name for n in (*tlist.departments, *tlist.villages)}


def _facets(tlist: TownshipList) -> dict[str, dict[str, str]]:
    """Per item: name, part, leads, cooperators, villages, bases and the texts, as comparable strings."""
    names = _names(tlist)
    out: dict[str, dict[str, str]] = {}
    for i in tlist.items:
        out[i.key] = {"name": i.label, "part": i.part, "leads": [], "cooperators": [], "villages": [], "bases": [],
                      "texts": f"{i.lead_text}|{i.cooperate_text}|{i.village_text}|{i.basis_text}|{i.note}"}
    slot = {"LEADS": "leads", "COOPERATES_ON": "cooperators", "ASSISTS": "villages"}
    for r in tlist.relations:
        if r.type in slot and r.dst in out:
            out[r.dst][slot[r.type]].append(names.get(r.src, r.src))
        elif r.type == "BASED_ON" and r.src in out:
            out[r.src]["bases"].append(r.text or r.dst)
    for facets in out.values():
        for k in ("leads", "cooperators", "villages", "bases"):
            facets[k] = "、".join(sorted(facets[k]))
    return out


def _fid(f: Finding) -> tuple:
    return (f.kind, f.subject, f.item_keys)


def diff_rounds(store: DutyStore, township: str, a: int | None, b: int | None) -> RoundDiff:
    """What changed from round ``a`` to round ``b`` (``None``: the list now).

    >>> from queries._examples import example_list
    >>> from graphmodel import open_store
    >>> from graphmodel.review import Op
    >>> s = open_store("memory", data_dir=None)
    >>> _ = s.replace_township(example_list())
    >>> key = next(c.key for c in s.item_cards() if len(c.leads) > 1)
    >>> d = s.record_decision("示例镇", [Op("set_lead", key, "农业农村办")], editor="甲")
    >>> diff = diff_rounds(s, "示例镇", 1, None)
    >>> [c.fields for c in diff.lead_changes], [f.kind for f in diff.resolved]
    ([('leads', 'cooperators', 'texts')], ['overlap.multi_lead'])
    """
    la, lb = list_of(store, township, a), list_of(store, township, b)
    fa, fb = _facets(la), _facets(lb)
    added = tuple(sorted((k, fb[k]["name"]) for k in fb.keys() - fa.keys()))
    removed = tuple(sorted((k, fa[k]["name"]) for k in fa.keys() - fb.keys()))
    renamed, leads, other = [], [], []
    for k in sorted(fa.keys() & fb.keys()):
        x, y = fa[k], fb[k]
        changed = tuple(f for f in x if x[f] != y[f])
        if not changed:
            continue
        if "name" in changed:
            renamed.append((k, x["name"], y["name"]))
        change = ItemChange(k, y["name"], changed, tuple((f, x[f]) for f in changed), tuple((f, y[f]) for f in changed))
        (leads if "leads" in changed else other).append(change)
    audit_a, audit_b = round_audit(la), round_audit(lb)
    ids_a, ids_b = {_fid(f) for f in audit_a.findings}, {_fid(f) for f in audit_b.findings}
    return RoundDiff(
        township, a, b, added, removed, tuple(renamed), tuple(leads), tuple(other),
        tuple(f for f in audit_a.findings if _fid(f) not in ids_b),
        tuple(f for f in audit_b.findings if _fid(f) not in ids_a),
        audit_a.scores[0].score if audit_a.scores else 0.0, audit_b.scores[0].score if audit_b.scores else 0.0,
        len(audit_a.findings), len(audit_b.findings),
    )


@dataclass(frozen=True, slots=True)
class TrendPoint:
    number: int
    kind: str
    label: str
    created_at: str
    items: int
    score: float
    findings: int
    high: int
    medium: int
    low: int


def coverage_trend(store: DutyStore, township: str) -> tuple[TrendPoint, ...]:
    """Completeness score and findings of every round, oldest first."""
    out = []
    for rnd in store.rounds(township):
        audit = round_audit(store.round_list(township, rnd.number))
        sev = audit.by_severity()
        out.append(TrendPoint(rnd.number, rnd.kind, rnd.label, rnd.created_at, audit.items,
                              audit.scores[0].score if audit.scores else 0.0, len(audit.findings),
                              sev["high"], sev["medium"], sev["low"]))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class ItemHistoryRow:
    """An item in one round (``present`` False when the round does not have it)."""

    number: int
    kind: str
    label: str
    present: bool
    name: str = ""
    part: str = ""
    leads: str = ""
    cooperators: str = ""
    villages: str = ""
    bases: str = ""
    findings: tuple[str, ...] = ()  # kinds of the findings on the item in that round


def item_history(store: DutyStore, township: str, key: str) -> tuple[ItemHistoryRow, ...]:
    """The item across every round: its name, part, parties, bases and findings."""
    rows = []
    for rnd in store.rounds(township):
        tlist = store.round_list(township, rnd.number)
        facets = _facets(tlist).get(key)
        if facets is None:
            rows.append(ItemHistoryRow(rnd.number, rnd.kind, rnd.label, False))
            continue
        kinds = tuple(sorted({f.kind for f in round_audit(tlist).findings if key in f.item_keys}))
        rows.append(ItemHistoryRow(rnd.number, rnd.kind, rnd.label, True, facets["name"], facets["part"],
                                   facets["leads"], facets["cooperators"], facets["villages"], facets["bases"], kinds))
    return tuple(rows)
