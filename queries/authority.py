"""Legal authority: a township-led 许可/处罚/强制/征收/检查 item needs an article empowering the township, or a 赋权.

A township may exercise these powers only where a law or regulation names 乡镇人民政府 /
街道办事处, or where the province or county delegated them by a published decision (赋权).
The bundled table ``data/law_authority.csv`` (``law,article,subject,empowers,source,note``)
says, for the laws the sample cites, which subject each law (blank article: the law's
default, also used for a citation of the whole law) or article empowers:

``yes``        names the township (乡（镇）人民政府, 乡镇人民政府和街道办事处 …);
``no``         names another subject only (县级以上人民政府…主管部门, 村民委员会 …);
``delegable``  lets a province hand county powers to townships (行政处罚法 第二十四条): only with a 赋权;
``depends``    names the township for some duties and not others: the reader must check;
``procedural`` names no subject (程序法, 民法典): ignored.

Extra rows (a county's own reading, more laws) come from a CSV of the same columns named in
``DUTYGRAPH_LAW_AUTHORITY`` or passed as ``table=``; they replace bundled rows of the same
law and article. The 赋权 list is imported per township (``loaders.delegations``,
``dutygraph delegations import``) and stored with the township's review records.

For an item of one of ``POWER_TYPES`` led by a 镇街内设机构, with at least one basis:

``legal.not_empowered`` (high)
    no 赋权 entry for it (same 事项编码, or same name), no cited basis empowers the township,
    and every cited basis is known (``no`` or ``delegable``; procedural ones aside);
``legal.authority_unverified`` (low)
    no 赋权 entry, no basis empowers the township, and some basis is not in the table or
    ``depends``: "unverified", someone has to read the article.
"""

from __future__ import annotations

import csv
import os
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from graphmodel import DutyStore, InvalidArgument, ItemCard
from graphmodel.normalize import compact, int_to_chinese, normalise_law_title

from ._common import Finding, cards_of, en_list, en_quote, evidence, finding, kept, level_side, sorted_findings
from .slim_cards import slim_cards

__all__ = ["EMPOWERS", "POWER_TYPES", "TABLE_ENV", "Authority", "DelegationEntry", "LawAuthority", "authority_of", "delegation_entries",
           "legal_authority", "load_law_table"]

POWER_TYPES = ("行政许可", "行政处罚", "行政强制", "行政征收", "行政检查")
EMPOWERS = ("yes", "no", "delegable", "depends", "procedural")
#: Environment variable naming an extra law-authority CSV whose rows take precedence.
TABLE_ENV = "DUTYGRAPH_LAW_AUTHORITY"


@dataclass(frozen=True, slots=True)
class LawAuthority:
    """One row of the table: the subject a law (article 0: the law's default) empowers, and the source."""

    law: str
    article: int
    subject: str
    empowers: str
    source: str
    note: str = ""


def _rows(text: str, name: str) -> list[LawAuthority]:
    out = []
    for n, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        law = normalise_law_title(row.get("law") or "")
        where = f"{name} row {n}"
        if not law:
            raise InvalidArgument(f"{where}, column law: empty")
        raw = (row.get("article") or "").strip()
        if raw and not raw.isdigit():
            raise InvalidArgument(f"{where}, column article: a number or blank, got {raw!r}")
        empowers = (row.get("empowers") or "").strip()
        if empowers not in EMPOWERS:
            raise InvalidArgument(f"{where}, column empowers: one of {', '.join(EMPOWERS)}, got {empowers!r}")
        source = (row.get("source") or "").strip()
        if not source:
            raise InvalidArgument(f"{where}, column source: say where the subject was read")
        out.append(LawAuthority(law, int(raw or 0), (row.get("subject") or "").strip(), empowers, source,
                                (row.get("note") or "").strip()))
    return out


@lru_cache(maxsize=8)
def load_law_table(extra: str | None = None) -> dict[tuple[str, int], LawAuthority]:
    """The bundled table keyed by (normalised law, article; 0 = the law's default), ``extra`` rows on top.

    >>> t = load_law_table()
    >>> t[("土地管理法", 62)].empowers, t[("土地管理法", 0)].subject
    ('yes', '县级以上人民政府自然资源主管部门')
    """
    bundled = resources.files("queries").joinpath("data/law_authority.csv").read_text(encoding="utf-8")
    table = {(r.law, r.article): r for r in _rows(bundled, "law_authority.csv")}
    extra = extra or os.environ.get(TABLE_ENV) or None
    if extra:
        try:
            text = Path(extra).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as e:
            raise InvalidArgument(f"cannot read the law-authority table {extra}: {e}") from e
        table.update({(r.law, r.article): r for r in _rows(text, Path(extra).name)})
    return table


@dataclass(frozen=True, slots=True)
class Authority:
    """What the table says of one cited basis: its label, the row used (article or law default), the verdict."""

    basis: str
    empowers: str  # a value of EMPOWERS, or "unknown" when the law is not in the table
    subject: str
    source: str


def authority_of(law: str, article: int, table: dict[tuple[str, int], LawAuthority]) -> Authority:
    """The verdict for one basis: its article's row, else the law's default row, else unknown.

    >>> t = load_law_table()
    >>> authority_of("城乡规划法", 65, t).empowers, authority_of("城乡规划法", 99, t).empowers
    ('yes', 'no')
    >>> authority_of("某某条例", 3, t).empowers
    'unknown'
    """
    label = f"《{law}》第{int_to_chinese(article)}条" if article else f"《{law}》"
    row = table.get((law, article)) or table.get((law, 0))
    if row is None:
        return Authority(label, "unknown", "", "")
    return Authority(label, row.empowers, row.subject, row.source)


def _delegated(store: DutyStore, township: str) -> tuple[set[str], set[str], dict[str, str]]:
    """(codes, compact names, name or code -> 'document date') of the township's 赋权 list."""
    codes, names, docs = set(), set(), {}
    for d in store.delegations(township):
        where = f"{d.document} {d.date}".strip()
        if d.code:
            codes.add(d.code)
            docs[d.code] = where
        names.add(compact(d.item))
        docs[compact(d.item)] = where
    return codes, names, docs


def _township_led(card: ItemCard) -> bool:
    return any(level_side(p.level) == "township" for p in card.leads)


@kept(per_township=True)
def legal_authority(store: DutyStore, township: str | None = None, *, table: str = "",
                    cards: Sequence[ItemCard] | None = None) -> tuple[Finding, ...]:
    """``legal.not_empowered`` and ``legal.authority_unverified`` for township-led items of ``POWER_TYPES``.

    >>> from queries._examples import text_store
    >>> [(f.kind, f.subject) for f in legal_authority(text_store())]
    [('legal.authority_unverified', '河道巡查'), ('legal.not_empowered', '城乡居民医疗保险费征缴'), ('legal.not_empowered', '建筑垃圾处置监督')]
    """
    lookup = load_law_table(table or None)
    if cards is None:  # a server store: the led items of these power types, their evidence only
        cards = slim_cards(store, township, power_types=POWER_TYPES, min_leads=1)
    by_town: dict[str, list[ItemCard]] = defaultdict(list)
    for c in cards_of(store, township, cards, power_types=POWER_TYPES):
        if c.bases and _township_led(c):
            by_town[c.item.township].append(c)
    out = []
    for town, group in sorted(by_town.items()):
        codes, names, _docs = _delegated(store, town)
        for c in group:
            if (c.item.code and c.item.code in codes) or compact(c.item.label) in names or compact(c.item.name) in names:
                continue
            verdicts = [authority_of(b.law, b.article, lookup) for b in c.bases]
            if any(v.empowers == "yes" for v in verdicts):
                continue
            deciding = [v for v in verdicts if v.empowers != "procedural"]
            shown = "；".join(f"{v.basis}（{_said(v)}）" for v in verdicts)
            leads = "、".join(p.name for p in c.leads if level_side(p.level) == "township")
            shown_en = "; ".join(f"{en_quote(v.basis)} ({_said_en(v)})" for v in verdicts)
            leads_en = en_list(p.name for p in c.leads if level_side(p.level) == "township") or "the township"
            details = dict(bases=[v.basis for v in verdicts], subjects=[v.subject or "—" for v in verdicts],
                           verdicts=[v.empowers for v in verdicts], sources=[v.source or "—" for v in verdicts],
                           power_type=c.item.power_type)
            if deciding and all(v.empowers in ("no", "delegable") for v in deciding):
                out.append(finding("legal.not_empowered", town, c.item.label,
                                   f"「{c.item.label}」由{leads}实施{c.item.power_type}，所引依据未授权乡镇，"
                                   f"也不在赋权清单中：{shown}", [evidence(c)],
                                   message_en=f"{en_quote(c.item.label)}: {leads_en} exercise(s) "
                                   f"{en_quote(c.item.power_type)}; the cited basis does not empower the township "
                                   f"and the item is not in the delegation list: {shown_en}", **details))
            else:
                out.append(finding("legal.authority_unverified", town, c.item.label,
                                   f"「{c.item.label}」由{leads}实施{c.item.power_type}，所引依据是否授权乡镇未核实：{shown}",
                                   [evidence(c)], message_en=f"{en_quote(c.item.label)}: {leads_en} exercise(s) "
                                   f"{en_quote(c.item.power_type)}; whether the cited basis empowers the township "
                                   f"is not verified: {shown_en}", **details))
    return sorted_findings(out)


@dataclass(frozen=True, slots=True)
class DelegationEntry:
    """One imported 赋权 entry of a township."""

    township: str
    item: str
    document: str
    date: str
    code: str
    source: str


def delegation_entries(store: DutyStore, township: str | None = None) -> tuple[DelegationEntry, ...]:
    """Every imported 赋权 entry, by township then entry.

    >>> from queries._examples import text_store
    >>> [(e.township, e.item, e.document) for e in delegation_entries(text_store())]
    [('文本镇', '占道经营行为处罚', '某县政发〔2024〕1号')]
    """
    towns = [township] if township is not None else sorted(t.name for t in store.townships())
    return tuple(DelegationEntry(t, d.item, d.document, d.date, d.code, d.source)
                 for t in towns for d in store.delegations(t))


def _said_en(v: Authority) -> str:
    return {"no": f"empowers {en_quote(v.subject)}", "delegable": "needs a delegation decision",
            "depends": f"depends on the article: {en_quote(v.subject)}", "procedural": "a procedural rule",
            "unknown": "not in the authority table"}.get(v.empowers, en_quote(v.subject))


def _said(v: Authority) -> str:
    return {"no": f"授权{v.subject}", "delegable": "须有赋权决定", "depends": f"视条款而定：{v.subject}",
            "procedural": "程序性规定", "unknown": "不在依据授权表中"}.get(v.empowers, v.subject)
