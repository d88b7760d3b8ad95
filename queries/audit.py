"""Audit: every boundary finding of a township (or the whole store) grouped by kind, with severities and counts.

The kind identifiers are stable (``queries.KINDS``; documented with the JSON shape in
docs/audit-output.md). The store is read once (all item cards of the scope, the chain
links, the registers) and every query runs over those reads. On a server store (Neo4j) the
whole store's read is of slim cards (``queries.slim_cards``: the fields the checks read,
``AUDIT_FIELDS``). Measured at 300 townships (CPU of client and server, interleaved): every
check asking its own statement took 94 s against 41 s for one read of every card, so the
checks share one read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from graphmodel import DutyStore, InvalidArgument, NotFound
from graphmodel.gc_pause import gc_paused
from graphmodel.report import make_report, to_plain

from ._common import (
    GROUPS,
    KINDS,
    SEVERITIES,
    Finding,
    cards_of,
    catalogue_townships,
    kept,
    list_townships,
    sorted_findings,
)
from .applicability import column_absent, recorded_townships
from .chains import chain_findings
from .coverage import TownshipScore, completeness, missing_fields
from .folding import fold_findings
from .gaps import gaps, unconfirmed
from .handshake import county_lists, handshake
from .legal import inconsistent_titles, no_basis
from .overlaps import (
    CONTENT_THRESHOLD,
    NAME_THRESHOLD,
    cooperate_township_lead,
    multi_lead,
    near_duplicates,
    shared_articles,
)
from .ownership import STATES, ownership_of
from .villages import missing_villages
from .burden import CEILING, MEDIAN_FACTOR, village_burden, village_overloaded
from .duplicates import cross_part_duplicates
from .text_checks import cooperate_does_lead, withdrawn_in_name
from .topics import topic_spread
from .authority import legal_authority
from .slim_cards import slim_cards
from .text_asks import paired_cards

__all__ = ["AUDIT_FIELDS", "AuditResult", "resolve_kinds", "run_audit"]

#: Every item field the audit's checks read besides the evidence (a server store reads these,
#: not whole cards; tests/test_parity.py shows a field left out): ownership and gaps (lead,
#: receiving department, work mode, note, village texts), coverage (time limit, procedure),
#: handshake (both parts of a 配合 item), duplicates (content), no_basis (the basis cell).
AUDIT_FIELDS = ("lead_text", "receiving_dept", "work_mode", "note", "village_text", "time_limit", "procedure",
                "upper_duty", "township_duty", "content", "basis_text")


def resolve_kinds(names: Iterable[str]) -> frozenset[str]:
    """Kind identifiers named by kind (``gap.no_lead``), group (``gaps``), prefix (``gap``), severity or ``all``.

    >>> sorted(resolve_kinds(["overlaps"]))[:3]
    ['overlap.cooperate_township_lead', 'overlap.cross_part_duplicate', 'overlap.multi_lead']
    >>> len(resolve_kinds(["high"])) == sum(k.severity == "high" for k in KINDS.values())
    True
    """
    out: set[str] = set()
    for raw in names:
        name = raw.strip()
        if not name:
            continue
        if name in ("all", "any"):
            out |= KINDS.keys()
        elif name in KINDS:
            out.add(name)
        elif name in SEVERITIES:
            out |= {k for k, v in KINDS.items() if v.severity == name}
        elif name in GROUPS.values() or name in GROUPS:
            prefix = name if name in GROUPS else next(p for p, g in GROUPS.items() if g == name)
            out |= {k for k in KINDS if k.split(".")[0] == prefix}
        else:
            raise InvalidArgument(
                f"unknown finding kind {name!r}; use a group ({', '.join(GROUPS.values())}), a severity "
                f"({', '.join(SEVERITIES)}), 'all', or one of: {', '.join(KINDS)}"
            )
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class AuditResult:
    """All findings of a scope, plus its item count, ownership summary and completeness scores."""

    township: str | None
    townships: tuple[str, ...]
    items: int
    findings: tuple[Finding, ...]
    ownership: tuple[tuple[str, int], ...]
    scores: tuple[TownshipScore, ...]
    kinds: tuple[str, ...]  # the kinds that were checked

    @property
    def counts(self) -> dict[str, int]:
        """Findings per checked kind (zeros included), in ``KINDS`` order.

        A folded finding counts for its own kind and for each of its ``related`` kinds.
        """
        c = Counter(k for f in self.findings for k in dict.fromkeys((f.kind, *f.related)))
        return {k: c.get(k, 0) for k in KINDS if k in self.kinds}

    def by_kind(self) -> dict[str, tuple[Finding, ...]]:
        return {k: tuple(f for f in self.findings if f.kind == k) for k in KINDS if k in self.kinds}

    def by_severity(self) -> dict[str, int]:
        c = Counter(f.severity for f in self.findings)
        return {s: c.get(s, 0) for s in SEVERITIES}

    def by_group(self) -> dict[str, int]:
        c = Counter(f.group for f in self.findings)
        return {g: c.get(g, 0) for g in dict.fromkeys(GROUPS.values())}

    def present(self, kinds: Iterable[str]) -> tuple[str, ...]:
        """Which of the named kinds/groups have at least one finding (for --fail-on)."""
        kinds = list(kinds)
        wanted = resolve_kinds(kinds)
        # a severity also names the text-read findings that have it (village.burden with a power is high)
        severities = {k.strip() for k in kinds if k.strip() in SEVERITIES}
        wanted |= {f.kind for f in self.findings if f.severity in severities}
        return tuple(k for k, n in self.counts.items() if n and k in wanted)

    def report_counts(self) -> dict:
        return {
            "items": self.items,
            "townships": len(self.townships),
            "findings": len(self.findings),
            "by_severity": self.by_severity(),
            "by_group": self.by_group(),
            "by_kind": self.counts,
        }

    def to_report(self) -> dict:
        """The JSON report of ``dutygraph audit --format json`` (graphmodel.report shape)."""
        results = {
            "township": self.township,
            "townships": list(self.townships),
            "findings": {k: [f.to_dict() for f in fs] for k, fs in self.by_kind().items()},
            "ownership": dict(self.ownership),
            "scores": [to_plain(s) for s in self.scores],
        }
        return make_report(results=results, counts=self.report_counts())


def _local(store: DutyStore) -> bool:
    # one township's audit reads other lists only through the county lists (handshake): with
    # none in the store, each township's audit is its own and the store's is theirs joined
    return not county_lists(store)


def _join(store: DutyStore, parts: list[AuditResult]) -> AuditResult:
    """The whole store's audit from its townships' (in township order: findings stay sorted;
    folding only joins findings of one township)."""
    states: Counter[str] = Counter()
    for a in parts:
        states.update(dict(a.ownership))
    return AuditResult(None, list_townships(store), sum(a.items for a in parts),
                       tuple(f for a in parts for f in a.findings), tuple((s, states.get(s, 0)) for s in STATES),
                       tuple(s for a in parts for s in a.scores), parts[0].kinds)


@kept(per_township=_local, join=_join)
def run_audit(store: DutyStore, township: str | None = None, *, kinds: Iterable[str] = ("all",),
              name_threshold: float = NAME_THRESHOLD, content_threshold: float = CONTENT_THRESHOLD,
              village_ceiling: int = CEILING, median_factor: float = MEDIAN_FACTOR,
              fold: bool = True) -> AuditResult:
    """Run every check (or only ``kinds``: identifiers, groups or severities) over ``township`` or the store.

    ``fold`` (default) folds restatements into one finding (``queries.folding``).

    >>> from queries._examples import example_store
    >>> a = run_audit(example_store())
    >>> a.items, a.by_severity()
    (10, {'high': 5, 'medium': 6, 'low': 4, 'info': 1})
    >>> {k: n for k, n in a.counts.items() if n}
    {'overlap.multi_lead': 1, 'overlap.near_duplicate': 1, 'overlap.shared_article': 1, 'gap.no_lead': 1, 'ownership.unconfirmed': 1, 'coverage.missing_fields': 2, 'legal.no_basis': 1, 'legal.inconsistent_title': 3, 'village.missing_villages': 2, 'chain.broken_step': 1, 'chain.level_crossing': 1, 'chain.handoff': 2, 'village.burden': 1, 'legal.not_empowered': 1}
    >>> len(a.findings), [(f.kind, f.related) for f in a.findings if f.related]
    (16, [('chain.level_crossing', ('chain.handoff',)), ('ownership.unconfirmed', ('chain.broken_step', 'chain.handoff'))])
    >>> a.present(["gaps"]), a.present(["handshake"])
    (('gap.no_lead',), ())
    """
    if not store.keeps_derived:
        # a server store: the checks share one view of what they read; the collector waits (the audit
        # builds ~100 objects per item and keeps them to the end: collections find nothing)
        with store.one_view(), gc_paused():
            return _run_audit(store, township, kinds, name_threshold, content_threshold, village_ceiling,
                              median_factor, fold)
    return _run_audit(store, township, kinds, name_threshold, content_threshold, village_ceiling, median_factor, fold)


def _run_audit(store: DutyStore, township: str | None, kinds: Iterable[str], name_threshold: float,
               content_threshold: float, village_ceiling: int, median_factor: float, fold: bool) -> AuditResult:
    wanted = resolve_kinds(kinds)
    towns = list_townships(store)  # the whole store's audit leaves the reference catalogues out
    skipped = catalogue_townships(store) if township is None else frozenset()
    if township is not None and township not in towns and township not in catalogue_townships(store):
        raise NotFound(f"township {township!r} is not in the store; loaded: {'、'.join(towns) or '(none)'}")
    # the whole store on a server store: slim cards (recorded layouts: the checks' columns are known)
    cards = slim_cards(store, None, AUDIT_FIELDS, villages=True) \
        if township is None and recorded_townships(store, None) is not None else None
    if cards is None:
        cards = cards_of(store, township)
    if skipped:
        cards = tuple(c for c in cards if c.item.township not in skipped)
    found: list[Finding] = []

    def want(*ks: str) -> bool:
        return any(k in wanted for k in ks)

    if want("overlap.multi_lead"):
        found += multi_lead(store, township, cards=cards)
    # a server store keeps each township's text pairs (at the default thresholds): the pair
    # questions are asked of the paired items' cards only (queries.text_asks.paired_cards)
    kept_rules = name_threshold == NAME_THRESHOLD and content_threshold == CONTENT_THRESHOLD
    if want("overlap.near_duplicate"):
        found += near_duplicates(store, township, cards=paired_cards(store, cards, cross=False) if kept_rules else cards,
                                 name_threshold=name_threshold, content_threshold=content_threshold)
    if want("overlap.shared_article"):
        found += shared_articles(store, township, cards=cards)
    if want("overlap.cooperate_township_lead"):
        found += cooperate_township_lead(store, township, cards=cards)
    if any(k.startswith("gap.") for k in wanted):
        found += gaps(store, township, cards=cards)
    if want("ownership.unconfirmed"):
        found += unconfirmed(store, township, cards=cards)
    if want("coverage.missing_fields"):
        found += missing_fields(store, township, cards=cards)
    if want("coverage.column_absent"):
        found += column_absent(store, cards)
    if want("legal.no_basis"):
        found += no_basis(store, township, cards=cards)
    if want("legal.inconsistent_title"):
        found += inconsistent_titles(store, township, cards=cards)
    if any(k.startswith("handshake.") for k in wanted):
        found += handshake(store, township, cards=cards)
    if want("village.missing_villages"):
        found += missing_villages(store, township, cards=cards)
    if any(k.startswith("chain.") for k in wanted):
        found += chain_findings(store, township, cards=cards)  # its chains are the kept chains(…)
    if want("text.withdrawn_in_name"):
        found += withdrawn_in_name(store, township, cards=cards)
    if want("text.cooperate_does_lead"):
        found += cooperate_does_lead(store, township, cards=cards)
    if want("village.burden"):
        found += village_burden(store, township, cards=cards)
    if want("village.overloaded"):
        found += village_overloaded(store, township, ceiling=village_ceiling, median_factor=median_factor, cards=cards)
    if want("overlap.cross_part_duplicate", "overlap.near_duplicate"):
        cross = cross_part_duplicates(store, township, name_threshold=name_threshold,
                                      cards=paired_cards(store, cards, cross=True) if name_threshold == NAME_THRESHOLD
                                      else cards)
        pairs = {frozenset(f.item_keys) for f in cross}  # a cross-part pair is reported once, as cross_part
        found = [f for f in found if not (f.kind == "overlap.near_duplicate" and frozenset(f.item_keys) in pairs)]
        found += cross
    if want("topic.spread"):
        found += topic_spread(store, township, cards=cards)
    if want("legal.not_empowered", "legal.authority_unverified"):
        found += legal_authority(store, township, cards=cards)
    findings = sorted_findings(f for f in found if f.kind in wanted and f.township not in skipped)
    if fold:
        findings = fold_findings(findings)
    states = Counter(ownership_of(c)[0] for c in cards)
    return AuditResult(
        township, (township,) if township else towns, len(cards), findings,
        tuple((s, states.get(s, 0)) for s in STATES), completeness(store, township, cards=cards),
        tuple(k for k in KINDS if k in wanted),
    )
