"""Audit: every boundary finding of a township (or the whole store) grouped by kind, with severities and counts.

The kind identifiers are stable (``queries.KINDS``; documented with the JSON shape in
docs/audit-output.md). The embedded store is read once (all item cards of the scope, the
chain links, the registers) and every query runs over those reads. On a store answering
queries' own statements (Neo4j) the whole store's audit asks each check's statement instead
(each reads only its findings' cards or the slim cards of the items it judges; the item
count, ownership states and absent columns are counted in the database): reading 90,000
cards once for all checks was most of its time at 300 townships.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from graphmodel import DutyStore, InvalidArgument, NotFound
from graphmodel.report import make_report, to_plain

from ._common import (
    GROUPS,
    KINDS,
    SEVERITIES,
    Finding,
    answers_asks,
    cards_of,
    catalogue_townships,
    kept,
    list_townships,
    scope_townships,
    sorted_findings,
)
from .applicability import Layouts, column_absent, column_absent_counted, recorded_townships
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
from .ownership import STATES, ownership_of, ownership_summary
from .villages import missing_villages
from .burden import CEILING, MEDIAN_FACTOR, village_burden, village_overloaded
from .duplicates import cross_part_duplicates
from .text_checks import cooperate_does_lead, withdrawn_in_name
from .topics import topic_spread
from .authority import legal_authority

__all__ = ["AuditResult", "resolve_kinds", "run_audit"]


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
    wanted = resolve_kinds(kinds)
    towns = list_townships(store)  # the whole store's audit leaves the reference catalogues out
    skipped = catalogue_townships(store) if township is None else frozenset()
    if township is not None and township not in towns and township not in catalogue_townships(store):
        raise NotFound(f"township {township!r} is not in the store; loaded: {'、'.join(towns) or '(none)'}")
    # one township's cards are few: read once for every check, as the embedded store does
    recorded = recorded_townships(store, township) if township is None and answers_asks(store) else None
    if recorded is not None:
        # a server store: every check asks its own statement and reads the cards of its findings
        # (or the slim cards of the items it judges), instead of every card read once for all
        cards = None
    else:
        cards = cards_of(store, township)
        if skipped:
            cards = tuple(c for c in cards if c.item.township not in skipped)
    found: list[Finding] = []

    def want(*ks: str) -> bool:
        return any(k in wanted for k in ks)

    if want("overlap.multi_lead"):
        found += multi_lead(store, township, cards=cards)
    if want("overlap.near_duplicate"):
        found += near_duplicates(store, township, cards=cards, name_threshold=name_threshold,
                                 content_threshold=content_threshold)
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
    if want("coverage.column_absent") and cards is not None:
        found += column_absent(store, cards)
    elif want("coverage.column_absent"):
        sheets = _sheet_counts(store, township)
        found += column_absent_counted(sheets, Layouts.recorded(recorded, sheets))
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
        cross = cross_part_duplicates(store, township, name_threshold=name_threshold, cards=cards)
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
    if cards is None:  # the states partition the items: their counts also count the items
        summary = ownership_summary(store, township)
        items = sum(n for _, n in summary)
    else:
        states = Counter(ownership_of(c)[0] for c in cards)
        summary, items = tuple((s, states.get(s, 0)) for s in STATES), len(cards)
    return AuditResult(
        township, (township,) if township else towns, items, findings,
        summary, completeness(store, township, cards=cards),
        tuple(k for k in KINDS if k in wanted),
    )


def _sheet_counts(store: DutyStore, township: str | None) -> dict[tuple[str, str], int]:
    """Items per (township, part) of the scope, counted by the store (``QUESTIONS["sheet_counts"]``)."""
    rows = store.ask("sheet_counts", townships=scope_townships(store, township)) or []
    return {(t, part): n for r in rows for t, part, n in r["sheets"]}
