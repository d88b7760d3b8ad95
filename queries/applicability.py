"""Which check applies to which list part, and which sheet column it needs: one table.

A check runs on an item only when the item's part is one the check applies to *and*
that part's sheet had the column the check reads. Otherwise:

- the part is not one the check applies to → the check does not run there (收回 items
  do not cite legal bases: the receiving department does; what matters there is the
  工作方式);
- the sheet lacked the column → the items are *not assessed*: one list-level finding
  ``coverage.column_absent`` per part and column ("「配合履职事项」表没有法律依据列：63 个
  事项未评估"), never one finding per item, and the completeness score counts them as not
  passed (``queries.coverage``).

=====================  ========================  ===============  ================
check                  kinds / score check       parts            column (field)
=====================  ========================  ===============  ================
basis                  legal.no_basis, basis     基本, 配合        法律依据 (basis)
time_limit             missing_fields, score     基本, 配合        办理时限 (time_limit)
procedure              missing_fields, score     基本              实施程序 (procedure)
code                   missing_fields, score     all three        事项编码 (code)
county_part            handshake.missing_        配合              上级部门职责
                       county_part                                (upper_duty)
township_part          handshake.missing_        配合              镇街配合职责
                       township_part                              (township_duty)
=====================  ========================  ===============  ================

Which columns a sheet had comes from ``Township.layout`` (recorded at import). A store
written before layouts were recorded has none: then a part's sheet is taken to have a
column when at least one of its items has a value there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from graphmodel import DutyStore, ItemCard, Township

from ._common import BASIC, COOPERATE, WITHDRAWN, Finding, finding, sorted_findings, township_parts
from ._common import PART_EN, en_quote

__all__ = ["APPLICABILITY", "Applies", "Layouts", "column_absent", "layouts", "recorded_townships", "sheet_checks"]


@dataclass(frozen=True, slots=True)
class Applies:
    """One row of the table: a check, the parts it applies to, the column it reads."""

    check: str
    parts: tuple[str, ...]
    field: str  # the loaders' field name of the column
    item_field: str  # the DutyItem field holding its value
    label: str  # the column as users call it


#: The checked columns in English (a finding's English message).
_COLUMN_EN = {"法律依据": "legal basis", "办理时限": "time limit", "实施程序": "procedure", "事项编码": "item code",
              "上级部门职责": "county department's part", "镇街配合职责": "township's cooperation part"}

APPLICABILITY: dict[str, Applies] = {a.check: a for a in (
    Applies("basis", (BASIC, COOPERATE), "basis", "basis_text", "法律依据"),
    Applies("time_limit", (BASIC, COOPERATE), "time_limit", "time_limit", "办理时限"),
    Applies("procedure", (BASIC,), "procedure", "procedure", "实施程序"),
    Applies("code", (BASIC, COOPERATE, WITHDRAWN), "code", "code", "事项编码"),
    Applies("county_part", (COOPERATE,), "upper_duty", "upper_duty", "上级部门职责"),
    Applies("township_part", (COOPERATE,), "township_duty", "township_duty", "镇街配合职责"),
)}


def _has_value(card: ItemCard, a: Applies) -> bool:
    return bool(str(getattr(card.item, a.item_field)).strip() or (a.check == "basis" and card.bases))


class Layouts:
    """Which (township, part) sheets had which columns, for the cards of one audit."""

    def __init__(self, store: DutyStore, cards: Sequence[ItemCard]):
        names = {c.item.township for c in cards}
        # one township's cards (a per-township question) read its own node only
        recorded = {t.name: t for t in (store.nodes("Township", next(iter(names))) if len(names) == 1
                                        else store.townships())}
        self._has: dict[tuple[str, str], frozenset[str]] = {}
        columns: dict[tuple[str, str], frozenset[str] | None] = {}
        seen: dict[tuple[str, str], set[str]] = defaultdict(set)
        for c in cards:
            sheet = (c.item.township, c.item.part)
            if sheet not in columns:
                t = recorded.get(sheet[0])
                columns[sheet] = t.columns(sheet[1]) if t is not None else None
            if columns[sheet] is None:  # not recorded: the columns the sheet's cards have a value in
                seen[sheet].update(a.field for a in APPLICABILITY.values() if _has_value(c, a))
        for sheet, cols in columns.items():
            self._has[sheet] = frozenset(seen.get(sheet, ())) if cols is None else cols

    @classmethod
    def joined(cls, parts: Sequence[Layouts]) -> Layouts:
        """The layouts of several townships' cards (each township's sheets are its own)."""
        lay = cls.__new__(cls)
        lay._has = {k: v for p in parts for k, v in p._has.items()}
        return lay

    def applies(self, check: str, card: ItemCard) -> bool:
        """The check is meant for the card's part (whether or not the sheet had the column)."""
        return card.item.part in APPLICABILITY[check].parts

    def assessed(self, check: str, card: ItemCard) -> bool:
        """The check applies to the card's part and its sheet had the column: run it."""
        a = APPLICABILITY[check]
        return card.item.part in a.parts and a.field in self._has.get((card.item.township, card.item.part), ())


def layouts(store: DutyStore, cards: Sequence[ItemCard]) -> Layouts:
    """The layouts of ``cards``; of the store's own cards, built once per store version (five checks ask),
    and for the whole store joined from the townships' (a write to one township keeps the others')."""
    parts = township_parts(store, cards, ("layouts",), lambda own: Layouts(store, own))
    if parts is not None:
        return store.derived(("layouts",), cards, lambda: Layouts.joined(parts))
    return store.derived(("layouts",), cards, lambda: Layouts(store, cards), township_only=True)


def recorded_townships(store: DutyStore, township: str | None) -> list[Township] | None:
    """The townships in scope when every one's layout is recorded, else None.

    A query's store half (``DutyStore.ask``) needs the recorded layouts: a store imported
    before layouts were recorded guesses each sheet's columns from all its cards.
    """
    # the whole store's questions leave the reference catalogues out (queries._common.cards_of)
    towns = [t for t in store.nodes("Township", township) if t.name == township] if township is not None else \
        [t for t in store.townships() if not t.catalogue_of]
    return towns if all(t.layout for t in towns) else None


def sheet_checks(town: Township, part: str, checks: Sequence[str]) -> tuple[list[str], list[str]]:
    """(assessed, not assessed): the ``checks`` applying to ``part`` whose column the sheet had, or lacked."""
    cols = town.columns(part) or frozenset()
    applying = [c for c in checks if part in APPLICABILITY[c].parts]
    return ([c for c in applying if APPLICABILITY[c].field in cols],
            [c for c in applying if APPLICABILITY[c].field not in cols])


def column_absent(store: DutyStore, cards: Sequence[ItemCard], checks: Sequence[str] = tuple(APPLICABILITY),
                  lay: Layouts | None = None) -> tuple[Finding, ...]:
    """One ``coverage.column_absent`` per township, part and column a check needs but the sheet lacked.

    >>> from queries._examples import ListBuilder
    >>> from graphmodel import open_store
    >>> b = ListBuilder("样例镇")
    >>> _ = b.item("动物防疫", part="配合履职事项", leads=["县农业农村局"], upper_duty="组织免疫",
    ...            bases=["《动物防疫法》"])
    >>> _ = b.item("秸秆禁烧", leads=["农业农村办"], code="A1", bases=["《大气污染防治法》"])
    >>> s = open_store("memory", data_dir=None); _ = s.replace_township(b.build())
    >>> [f.message for f in column_absent(s, s.item_cards())]
    ['「基本履职事项」表没有办理时限、实施程序列：1 个事项未评估', '「配合履职事项」表没有办理时限、事项编码、镇街配合职责列：1 个事项未评估']
    """
    lay = lay or layouts(store, cards)
    missing: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    count: dict[tuple[str, str], int] = defaultdict(int)
    for c in cards:
        key = (c.item.township, c.item.part)
        count[key] += 1
        for check in checks:
            if lay.applies(check, c) and not lay.assessed(check, c):
                label = APPLICABILITY[check].label
                missing[key][label] = missing[key].get(label, 0) + 1
    out = []
    for (town, part), labels in missing.items():
        cols = list(labels)
        out.append(finding("coverage.column_absent", town, f"{part}：{'、'.join(cols)}",
                           f"「{part}」表没有{'、'.join(cols)}列：{count[(town, part)]} 个事项未评估",
                           message_en=f"The {PART_EN.get(part, en_quote(part))} sheet has no "
                           f"{', '.join(_COLUMN_EN.get(c, en_quote(c)) for c in cols)} column: "
                           f"{count[(town, part)]} items not assessed",
                           part=part, columns=cols, not_assessed=count[(town, part)]))
    return sorted_findings(out)
