"""Records and helpers shared by the query modules: evidence, findings, kinds, text tools."""

from __future__ import annotations

import functools
import inspect
import operator
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any, TypeVar

from graphmodel import (
    DeptLevel,
    DutyItem,
    DutyStore,
    InvalidArgument,
    ItemCard,
    ItemFilter,
    ListPart,
)
from graphmodel.normalize import compact
from graphmodel.vocab import SHARED_SPLIT_PREFIX

from .kept_files import code_key

__all__ = [
    "COUNTY_SIDE",
    "GROUPS",
    "KINDS",
    "KIND_TITLES_EN",
    "PART_EN",
    "agreed_split",
    "answers_asks",
    "asked_cards",
    "catalogue_townships",
    "en_list",
    "en_quote",
    "list_townships",
    "scope_townships",
    "PLACEHOLDERS",
    "SEVERITIES",
    "SEVERITY_RANK",
    "TEXT_KINDS",
    "DeptRole",
    "Finding",
    "ItemEvidence",
    "KindInfo",
    "bigrams",
    "cards_of",
    "cards_mostly_unbuilt",
    "durable_of",
    "dice",
    "evidence",
    "finding",
    "is_placeholder",
    "is_self_governance",
    "kept",
    "kept_stats",
    "level_side",
    "similar_pairs",
    "sorted_findings",
    "township_parts",
]

BASIC = ListPart.BASIC.value
COOPERATE = ListPart.COOPERATE.value
WITHDRAWN = ListPart.WITHDRAWN.value
F = TypeVar("F", bound=Callable)
T = TypeVar("T")

#: Department levels on the county side of a boundary (a dispatched station is the county's).
COUNTY_SIDE = frozenset({DeptLevel.COUNTY.value, DeptLevel.STATION.value})

#: Lead texts that name nobody (import rules: such an item gets no LEADS, "unconfirmed").
PLACEHOLDERS = frozenset({"待定", "待明确", "待确定", "暂无", "无", "/", "-", "—", "－", "未明确", "不明确", "空"})
_PLACEHOLDER_PREFIXES = ("待定", "待明确", "待确定", "暂无")


def is_placeholder(text: str) -> bool:
    """True when a lead cell holds a placeholder rather than a department.

    >>> [is_placeholder(t) for t in ("待定", " 暂无 ", "待明确（拟由综治办）", "党政综合办", "")]
    [True, True, True, False, False]
    """
    t = compact(text).strip("()（）")
    return bool(t) and (t in PLACEHOLDERS or t.startswith(_PLACEHOLDER_PREFIXES))


def is_self_governance(text: str) -> bool:
    """True when a text leaves the item to village self-governance (村民自治 / 居民自治).

    >>> is_self_governance("由村（居）民自治组织自行办理"), is_self_governance("镇负责")
    (True, False)
    """
    return "自治" in compact(text)


def level_side(level: str) -> str:
    """'township', 'county' or 'unknown' for a department level."""
    if level == DeptLevel.TOWNSHIP.value:
        return "township"
    if level in COUNTY_SIDE:
        return "county"
    return "unknown"


# ---- evidence ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, order=True)
class DeptRole:
    """A department on an item: 牵头 (LEADS) or 配合 (COOPERATES_ON), with the text of its part."""

    role: str
    name: str
    level: str
    key: str
    text: str = ""


@dataclass(frozen=True, slots=True)
class ItemEvidence:
    """What every finding row shows about an item so a reader can check it in the sheet."""

    key: str
    township: str
    name: str
    code: str
    part: str
    power_type: str
    departments: tuple[DeptRole, ...]
    bases: tuple[str, ...]
    source: str


def evidence(card: ItemCard) -> ItemEvidence:
    """The evidence of one item card (departments: leads first, then cooperators).

    Inside a kept query (``kept``) one record per card: the findings about an item share it, so
    that an answer kept on disk holds it once (a county audit's pickle 5.5 -> 4.7 MB).
    """
    memo = getattr(_calls, "evidence", None)
    if memo is None:
        return _evidence(card)
    hit = memo.get(id(card))
    if hit is not None and hit[0] is card:
        return hit[1]
    found = _evidence(card)
    memo[id(card)] = (card, found)  # the card held: its id is not reused while the call runs
    return found


def _evidence(card: ItemCard) -> ItemEvidence:
    item = card.item
    depts = tuple(DeptRole("牵头", p.name, p.level, p.key, p.text) for p in card.leads) + tuple(
        DeptRole("配合", p.name, p.level, p.key, p.text) for p in card.cooperators
    )
    return ItemEvidence(
        key=item.key,
        township=item.township,
        name=item.label,
        code=item.code,
        part=item.part,
        power_type=item.power_type,
        departments=depts,
        bases=tuple(b.label for b in card.bases),
        source=item.source,
    )


# ---- findings ------------------------------------------------------------------------
#: Severity levels, most serious first. What each means for the user (docs/audit-output.md):
#:
#: - ``high``: a duty that several offices or no office carries, or that lands on the wrong
#:   level — buck-passing (推诿扯皮) or a citizen nobody serves;
#: - ``medium``: evidence or a required field missing (legal basis, time limit, one half of a
#:   cooperation pair, a department nobody knows) — the item cannot be checked as written;
#: - ``low``: wording and consistency (one law spelt two ways, a template lacking a column);
#: - ``info``: normal structure worth seeing, not a problem (a 镇→县 hand-off in a chain).
SEVERITIES = ("high", "medium", "low", "info")
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}


@dataclass(frozen=True, slots=True)
class KindInfo:
    kind: str
    group: str
    severity: str
    title: str  # Chinese title shown in tables


_KIND_ROWS = (
    ("overlap.multi_lead", "high", "多个牵头部门"),
    ("overlap.near_duplicate", "high", "相近事项由不同部门牵头"),
    ("overlap.shared_article", "low", "同一法条由多个部门执行"),
    ("overlap.cooperate_township_lead", "high", "配合事项由镇街科室牵头"),
    ("gap.no_lead", "high", "无牵头部门"),
    ("gap.unknown_department", "medium", "牵头部门不在部门名录"),
    ("gap.withdrawn_township_lead", "high", "收回事项仍由镇街科室牵头"),
    ("gap.cooperate_no_county_lead", "high", "配合事项无县级牵头部门"),
    ("gap.village_text_unlinked", "low", "写了村（社区）职责但未关联村"),
    ("ownership.unconfirmed", "high", "责任主体待定"),
    ("coverage.missing_fields", "medium", "事项要素不全"),
    ("coverage.column_absent", "low", "清单缺少该列，相关事项未评估"),
    ("legal.no_basis", "medium", "无法律依据"),
    ("legal.inconsistent_title", "low", "同一法律名称写法不一"),
    ("handshake.missing_county_part", "medium", "配合事项缺上级部门职责"),
    ("handshake.missing_township_part", "medium", "配合事项缺镇街配合职责"),
    ("handshake.no_counterpart", "medium", "配合事项在县级部门清单中无对应事项"),
    ("handshake.county_item_unmatched", "medium", "县级部门清单事项在乡镇清单中无对应配合事项"),
    ("village.missing_villages", "medium", "全镇各村事项缺少部分村"),
    ("chain.broken_step", "high", "链条环节无责任部门"),
    ("chain.cycle", "medium", "链条成环"),
    ("chain.inspection_no_followup", "medium", "检查后无处罚/强制环节"),
    ("chain.level_crossing", "info", "链条跨镇县层级移交"),
    ("chain.handoff", "info", "链条环节间责任部门变更"),
    ("chain.candidate_link", "low", "疑似应衔接的检查与处罚事项"),
    # read from the texts (queries/texts.py); a finding's severity may be lower than its kind's when
    # only weak terms matched (the severity says how sure the rule is)
    ("text.withdrawn_in_name", "high", "收回事项工作方式仍交镇街实质性工作"),
    ("text.cooperate_does_lead", "high", "配合事项镇街承担牵头部门工作"),
    ("village.burden", "medium", "村（社区）承担非协助性职责"),
    ("village.overloaded", "medium", "村（社区）承担事项过多"),
    ("overlap.cross_part_duplicate", "high", "同一职责跨清单重复（基本与收回/配合）"),
    ("topic.spread", "low", "同一主题分散在多个科室"),
    ("legal.not_empowered", "high", "依据未授权乡镇且无赋权"),
    ("legal.authority_unverified", "low", "依据授权主体未核实"),
)
#: Every finding kind: identifier -> group, severity, Chinese title. Stable; documented in docs/audit-output.md.
KINDS: dict[str, KindInfo] = {k: KindInfo(k, k.split(".")[0], s, t) for k, s, t in _KIND_ROWS}
#: Every finding kind's English title (the dashboard's English mode; a fold's "also" in ``message_en``).
KIND_TITLES_EN: dict[str, str] = {
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
#: The list parts in English (a part outside the vocabulary is list text and stays quoted).
PART_EN = {BASIC: "basic duties", COOPERATE: "cooperation duties", WITHDRAWN: "duties withdrawn by the county"}


def en_quote(text: str) -> str:
    """List text inside an English message: kept as written, in corner quotes so a reader (and the
    language test) sees where the list speaks.

    >>> en_quote("农村宅基地审批")
    '「农村宅基地审批」'
    """
    return f"「{text}」"


def en_list(texts: Iterable[str]) -> str:
    """Names (departments, villages) joined for an English message.

    >>> en_list(["农业农村办", "自然资源所"])
    '农业农村办, 自然资源所'
    """
    return ", ".join(texts)


#: Kinds read from the texts: a finding's severity may differ from its kind's, saying how sure the rule is
#: (weak terms only: one step lower; a village given an administrative power: high).
TEXT_KINDS = frozenset({"text.withdrawn_in_name", "text.cooperate_does_lead", "village.burden"})
#: Kind groups as named on the command line (--fail-on overlaps,gaps …).
GROUPS: dict[str, str] = {
    "overlap": "overlaps",
    "gap": "gaps",
    "ownership": "ownership",
    "coverage": "coverage",
    "legal": "legal",
    "handshake": "handshake",
    "village": "villages",
    "chain": "chains",
    "text": "texts",
    "topic": "topics",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One boundary finding with its evidence.

    ``subject`` names what the finding is about (an item, a law article, a chain);
    ``details`` are (name, value) pairs specific to the kind, sorted by name;
    ``related`` the kinds of findings saying the same about the same item, folded into this one;
    ``message_en`` the message in English, built from the same values (list text kept as written,
    quoted) for the dashboard's English mode; the CLI and the JSON show ``message``.
    """

    kind: str
    severity: str
    township: str
    subject: str
    message: str
    items: tuple[ItemEvidence, ...] = ()
    details: tuple[tuple[str, str], ...] = ()
    related: tuple[str, ...] = ()  # kinds of restatements folded into this finding (queries.folding)
    message_en: str = ""

    @property
    def group(self) -> str:
        return GROUPS[self.kind.split(".")[0]]

    @property
    def item_keys(self) -> tuple[str, ...]:
        return tuple(i.key for i in self.items)

    def sort_key(self) -> tuple:
        return (self.township, self.kind, self.item_keys, self.subject)

    def to_dict(self) -> dict:
        """The JSON form documented in docs/audit-output.md."""
        from graphmodel.report import to_plain

        return {
            "kind": self.kind,
            "group": self.group,
            "severity": self.severity,
            "title": KINDS[self.kind].title,
            "township": self.township,
            "subject": self.subject,
            "message": self.message,
            "items": to_plain(self.items),
            "details": dict(self.details),
            "related": list(self.related),
        }


def _pickled_as_tuple(cls: type) -> type:
    """Pickle a frozen slots dataclass as a call of its class on its fields. The dashboard's caches
    pickle every result, and answers are kept on disk so (``store_files``): dataclasses' own
    ``__setstate__`` calls ``fields()`` per object (reading a county's cached audit back, 18,000
    findings and evidence rows, took 0.7 s of a page's second); a ``__setstate__`` of our own
    looping over the fields took 1.6x the time of the class's own ``__init__`` (50,000 records).
    """
    values = operator.attrgetter(*(f.name for f in fields(cls)))

    def reduce(self: Any) -> tuple:
        return cls, values(self)

    cls.__reduce__ = reduce  # type: ignore[method-assign]
    return cls


for _cls in (DeptRole, ItemEvidence, Finding):
    _pickled_as_tuple(_cls)


def finding(kind: str, township: str, subject: str, message: str,
            items: Iterable[ItemEvidence] = (), message_en: str = "", **details: object) -> Finding:
    """Build a finding of a known kind; items sorted by key, details as sorted text pairs."""
    if kind not in KINDS:
        raise InvalidArgument(f"unknown finding kind {kind!r}")
    pairs = tuple(sorted((k, _detail_text(v)) for k, v in details.items()))
    return Finding(kind, KINDS[kind].severity, township, subject, message,
                   tuple(sorted(items, key=lambda e: e.key)), pairs, message_en=message_en)


def _detail_text(value: object) -> str:
    if isinstance(value, (list, tuple, set, frozenset)):
        return "、".join(str(v) for v in value)
    return str(value)


def sorted_findings(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=Finding.sort_key))


# ---- store reads ---------------------------------------------------------------------
def catalogue_townships(store: DutyStore) -> frozenset[str]:
    """Names of the reference catalogues (``Township.catalogue_of`` set): lists, but not townships."""
    return frozenset(t.name for t in store.townships() if t.catalogue_of)


def list_townships(store: DutyStore) -> tuple[str, ...]:
    """Names of the townships proper, sorted: every Township node except the reference catalogues."""
    return tuple(sorted(t.name for t in store.townships() if not t.catalogue_of))


def scope_townships(store: DutyStore, township: str | None) -> list[str]:
    """The townships a question is about: the one named, else every township proper (no catalogue)."""
    if township is not None:  # one township's node (an index seek on Neo4j), not every township's
        return [t.name for t in store.nodes("Township", township) if t.name == township]
    return list(list_townships(store))


def cards_of(store: DutyStore, township: str | None = None, cards: Sequence[ItemCard] | None = None,
             **flt: object) -> tuple[ItemCard, ...]:
    """Cards from the store narrowed by ItemFilter fields, or ``cards`` when given (audit reuse)."""
    if cards is not None:
        if not flt and isinstance(cards, tuple) and (township is None or (
                store.keeps_derived and cards is store.kept_cards(township))):
            # every card admitted: no filter, or the store's own cards of this township (the audit's
            # checks per township, which narrowed 9,000 cards 30 times on a county)
            return cards
        f = ItemFilter(township=township, **flt)  # type: ignore[arg-type]
        narrowed = tuple(c for c in cards if f.admits(c))
        # the same tuple when nothing was dropped: the store recognises its own cards (store.derived)
        return cards if isinstance(cards, tuple) and len(narrowed) == len(cards) else narrowed
    found = store.item_cards(ItemFilter(township=township, **flt))  # type: ignore[arg-type]
    if township is None and not flt.get("keys") and found and (skipped := catalogue_townships(store)):
        # the whole store's questions are about townships: a reference catalogue is asked by name
        # (or its items by key, as a chain's steps are) only
        found = tuple(c for c in found if c.item.township not in skipped)
    return found


def answers_asks(store: DutyStore) -> bool:
    """True when the store answers queries' own statements (``DutyStore.ask``: Neo4j); a composite
    query then lets each part ask its own instead of reading every card for them."""
    return type(store)._ask is not DutyStore._ask


def asked_cards(store: DutyStore, township: str | None, question: str, **params: object
                ) -> tuple[ItemCard, ...] | None:
    """The cards of the items a query's store half names (``store.ask(question, townships=…)``
    returning one row ``{keys: [...]}``): a superset the query checks on the cards as it checks
    every card; None when the store does not answer (the query then reads the cards itself).
    """
    rows = store.ask(question, townships=scope_townships(store, township), **params)
    if rows is None:
        return None
    keys = rows[0]["keys"] if rows else []
    return store.item_cards(ItemFilter(keys=keys)) if keys else ()


def kept_stats(store: DutyStore, towns: Sequence[str], fields: Sequence[str] = ()) -> dict[str, dict] | None:
    """Each township's aggregates kept at write time (``graphmodel.township_stats``; the store
    half of the county questions): town -> its counts and the JSON ``fields`` read back; None
    when the store does not keep them or one of ``towns`` has none of this version (a store
    written before them: the caller asks the items as before).
    """
    import orjson

    from graphmodel.township_stats import STATS_VERSION

    rows = store.ask("township_stats", townships=list(towns), fields=list(fields))
    if rows is None:
        return None
    out = {}
    for town, version, items, no_lead, multi_lead, offices, values in (rows[0]["stats"] if rows else ()):
        if version != STATS_VERSION:
            return None
        out[town] = {"items": items, "no_lead": no_lead, "multi_lead": multi_lead, "offices": offices,
                     **{f: orjson.loads(v) for f, v in zip(fields, values, strict=True)}}
    return out


def kept(*uncached: str, per_township: bool | Callable[[DutyStore], bool] = False,
         join: Callable[[DutyStore, list], Any] | None = None) -> Callable[[F], F]:
    """Decorate a query ``fn(store, township=None, *, cards=None, **options)`` whose answer (an
    immutable record) depends only on the store's cards and hashable ``options``: a store that
    keeps derived data (the embedded one) answers it once per store version (``store.derived``;
    every write drops it, review records included). Calls with one of the ``uncached`` options
    set, unhashable options or a store that keeps nothing (Neo4j) run ``fn`` as written.

    ``per_township``: the query's answer for one township depends on that township's list only,
    and its whole-store answer (a tuple sorted by township first) is the townships' answers one
    after the other. Then each township's answer is kept with the township (a write to another
    township keeps it) and the whole-store answer is joined from them: after re-importing one
    township only that township is asked again (``tests/queries/test_kept_answers.py`` checks
    the join against the query as written for every such query). ``per_township`` may be a test
    of the store (the answers are local in this store as it is now); ``join(store, answers)``
    joins the townships' answers when the answer is not a tuple.

    >>> from queries._examples import example_store
    >>> from queries.overlaps import overlaps
    >>> s = example_store()
    >>> overlaps(s) is overlaps(s), overlaps(s) == overlaps.__wrapped__(s)
    (True, True)
    """
    def decorate(fn: F) -> F:
        params = inspect.signature(fn).parameters
        defaults = {k: p.default for k, p in params.items() if p.kind == p.KEYWORD_ONLY and k != "cards"}
        takes_cards = "cards" in params

        @functools.wraps(fn)
        def wrapper(store: DutyStore, township: str | None = None, *args: object,
                    cards: Sequence[ItemCard] | None = None, **options: object):
            if not takes_cards and cards is None:
                def call() -> object:
                    return fn(store, township, *args, **options)
            else:
                def call() -> object:
                    return fn(store, township, *args, cards=cards, **options)
            if args or not store.keeps_derived or any(options.get(u) is not None for u in uncached):
                return call()
            # the settings read once per outermost call: the audit's checks asked them again and
            # again (reading os.environ whole each time: 6% of a county's audit)
            config = getattr(_calls, "config", None)
            if config is not None:
                return answer(store, township, cards, options, config, call)
            _calls.config, _calls.evidence, _calls.durable = _config(), {}, None
            try:
                return answer(store, township, cards, options, _calls.config, call)
            finally:
                _calls.config = _calls.evidence = _calls.durable = None
                if getattr(store, "keeps_answers", False):
                    store.write_answers()  # what this call computed, for the next process to open the store

        def answer(store: DutyStore, township: str | None, cards: Sequence[ItemCard] | None,
                   options: dict, config: tuple, call: Callable[[], object], local: bool | None = None) -> object:
            # an option left out and the same option given its default are one answer
            key = (fn.__module__, fn.__qualname__, township, tuple(sorted({**defaults, **options}.items())), config)
            try:
                hash(key)
            except TypeError:
                return call()
            if local is None:
                local = per_township(store) if callable(per_township) else per_township
            # an answer is kept on disk too (a saved store) under the code's key and its township's
            # digest (a whole-store answer, or one township's of a question reading others: every
            # part's digest); not when an option names a file (a lexicon, a table: its text may
            # change, its name not). A whole-store answer joined from its townships' is joined again.
            durable = durable_of(store) if not any(
                isinstance(v, str) and v != defaults.get(k) for k, v in options.items()) else {}
            if local and township is None:
                # the store's own whole-store cards, or none given: neither builds the cards (a
                # store just opened answers a column question from its items, not 9,000 cards)
                if (cards is None or cards is store.kept_cards(None)) and not catalogue_townships(store):
                    def part(t: str) -> object:
                        return answer(store, t, None, options, config, lambda: fn(store, t, **options), True)

                    def joined() -> object:
                        parts = [part(t) for t in list_townships(store)]
                        if join is None:
                            return tuple(x for p in parts for x in p)
                        return join(store, parts) if parts else call()
                    # kept on disk joined too when small (a column question just opened: one file
                    # read, not one per township); a large one (the audit) is joined again
                    small = {"durable": (*durable["durable"], JOINED_ON_DISK)} if durable else {}
                    return store.derived_in(None, key, joined, **small)
            if cards is None:
                return store.derived_in(township, key, call, township_only=bool(local), **durable)
            return store.derived(key, cards, call, township_only=bool(local), **durable)
        wrapper.per_township = per_township  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]
    return decorate


def cards_mostly_unbuilt(store: DutyStore, township: str | None) -> bool:
    """True when fewer than half of the scope's townships have their cards built (a store just
    opened): a query's networkx half then reads relations and item fields; once most are built
    (after a re-import of one township) the card path, with its parts kept per township, is faster."""
    towns = scope_townships(store, township)
    return 2 * sum(1 for t in towns if store.kept_cards(t) is not None) < len(towns)


def township_parts(store: DutyStore, cards: Sequence[ItemCard], name: tuple,
                   build: Callable[[tuple[ItemCard, ...]], T], durable: bool = False) -> list[T] | None:
    """``build(one township's cards)`` for every township, each kept with its township, when
    ``cards`` are the store's own whole-store cards and the store keeps derived data; else None.
    For data a query joins from per-township parts (layouts, complete items …): after a write
    to one township only that township's part is built again. ``durable``: the parts are plain
    data of the township's list alone, kept on disk with it too (``durable_of``).
    """
    if not store.keeps_derived:
        return None
    if cards and cards[0].item.township == cards[-1].item.township and len(list_townships(store)) > 1:
        # one township's cards (sorted by key, which starts with the township): a question about
        # one township, not the whole store's cards, which the test below would build (all 9,000
        # of a county just opened, for one township's answer); None is always a right answer
        return None
    if cards is not store.kept_cards(None) or catalogue_townships(store):
        return None
    out = []
    on_disk = durable_of(store) if durable else {}
    for t in list_townships(store):
        own = store.item_cards(ItemFilter(township=t))
        out.append(store.derived(name, own, functools.partial(build, own), township_only=True, **on_disk))
    return out


#: The largest whole-store answer joined from its townships' that is kept on disk joined (bytes
#: pickled): a county's column questions pickle to 0.1-2 MB (no_lead 91 KB, missing_fields 494 KB,
#: shared_articles 1.9 MB: one file instead of 30); the audit's 4.5 MB is joined again.
JOINED_ON_DISK = 2 * 1024 * 1024

_calls = threading.local()  # ``config``: the settings of the kept call running in this thread


def durable_of(store: DutyStore) -> dict[str, tuple]:
    """``{"durable": key}`` for ``store.derived(…, township_only=True, **durable_of(store))`` inside
    a kept call on a store that keeps answers on disk (a saved embedded store), else ``{}``: the
    key of what may be kept on disk — the code's (``kept_files.code_key``), the settings, and the
    text of every file a setting names (a lexicon's rows may change, its path not)."""
    if not getattr(store, "keeps_answers", False) or getattr(_calls, "config", None) is None:
        return {}
    found = getattr(_calls, "durable", None)
    if found is None:
        key, allowed = code_key()
        found = _calls.durable = {"durable": ((*key, _calls.config, _named_files(_calls.config)), allowed)}
    return found


def _named_files(config: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """(setting, a digest of the file it names) for the settings naming a file."""
    import hashlib

    out = []
    for name, value in config:
        try:
            if value and os.path.isfile(value):
                with open(value, "rb") as fh:
                    out.append((name, hashlib.blake2b(fh.read(), digest_size=20).hexdigest()))
        except OSError:
            out.append((name, "(unreadable)"))
    return tuple(out)


#: Settings that choose where the store is and who edits, not what a question answers: left out of
#: the kept answers' names, so that the CLI and the dashboard share them.
_NOT_ANSWERS = frozenset({"DUTYGRAPH_DATA_DIR", "DUTYGRAPH_STORE", "DUTYGRAPH_PASSWORD", "DUTYGRAPH_EDITOR",
                          "DUTYGRAPH_EDITORS", "DUTYGRAPH_LOCK_TIMEOUT", "DUTYGRAPH_NEO4J_TIMEOUT",
                          "DUTYGRAPH_READER_TIMEOUT", "DUTYGRAPH_READER_MEMORY_MB", "DUTYGRAPH_DOCTEST_N",
                          "DUTYGRAPH_DOCTEST_UNSET"})


def _config() -> tuple[tuple[str, str], ...]:
    # lexicons and tables may be swapped by environment variables: an answer is kept per setting
    return tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("DUTYGRAPH_") and k not in _NOT_ANSWERS))


# ---- text similarity: the primitives live in graphmodel.text_similarity (the write path keeps a
# township's pairs with them); re-exported here for the queries that import them from _common
from graphmodel.text_similarity import bigrams, dice, similar_pairs  # noqa: E402,F401


def agreed_split(item: DutyItem) -> str:
    """The split of duties recorded for a shared item, or '' when none was agreed.

    >>> from graphmodel import DutyItem
    >>> agreed_split(DutyItem("k", "X镇", "环境卫生整治", note="其他；职责分工：环卫所负责保洁"))
    '环卫所负责保洁'
    """
    _, found, split = item.note.partition(SHARED_SPLIT_PREFIX)
    return split.strip() if found else ""
