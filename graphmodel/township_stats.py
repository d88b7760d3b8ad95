"""A township's aggregates, computed from its list at write time and kept beside it on Neo4j.

The county questions (``queries.county``) for one township read every township of its county:
asked of the items themselves, that is the whole county's items per question (1.4–1.9 s at
300 townships). The import computes these aggregates once from the list it writes, in Python,
and stores them in one ``TownshipStats`` node per township, in the same transaction as the
list (``cypher.TOWNSHIP_STATS_PUT``); a county question then reads one node per township.

Three properties are JSON texts (a string decodes in one step where a list of 90,000 strings
costs the driver a step each); of the township's items sorted by key:

``duties``
    [compacted label, lead names joined with 、 ("" for none), label] per item;
``roles``
    [item index, "leads" | "cooperates", department name, department key] per county-level
    department on an item (leads first, then cooperators, each sorted by key, as ItemCard's);
``parts``
    per list part: ``items``, ``multi`` (items with two or more leads), ``no_basis`` (items
    citing no basis), ``blank`` (per text field of DutyItem: items leaving it blank, as the
    Cypher ``BLANK`` test reads it), each with the first :data:`FIRST_KEPT` such items by key
    as [key, name, sub-item] (``first``: of all the part's items; ``multi_first``,
    ``no_basis_first``, ``blank_first``), and ``no_lead`` ([key, name, sub-item, lead_text,
    receiving_dept, work_mode, note, village_text] of every item without a lead: the texts
    its ownership state is read from).

``leads``
    the LEADS of the township's items counted by [department key, part, power type, one lead
    (bool), cites a basis (bool), the blank text fields joined with ","] -> [..., count]
    (``queries.coverage.department_load`` decides which are complete from the sheets' layouts);
``cooperates``
    {department key: COOPERATES_ON relations to the township's items}.

``digest`` (:func:`list_digest`) names the list it was computed from: an import of a list whose
digest equals the stored one skips the diff and the rewrite (``neo4j_store._replace_work``).

``items``, ``no_lead``, ``multi_lead`` and ``offices`` (its own offices, as
``store.nodes("Department", township)`` finds them) are plain properties. A store written
before this module has no such node: the queries then ask the items as before (and the next
import of the township writes it). ``version`` changes when the properties' meaning does.
"""

from __future__ import annotations

import hashlib
from dataclasses import fields
from operator import attrgetter

import orjson

from .model import DutyItem, TownshipList
from .normalize import compact
from .vocab import DeptLevel, RelType

__all__ = ["FIRST_KEPT", "STATS_VERSION", "TEXT_FIELDS", "list_digest", "stats_key", "township_stats"]

#: The rows' format; a query reads only nodes of this version (others are asked as before).
STATS_VERSION = 3

#: The text fields of DutyItem whose blanks are counted per part.
TEXT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(DutyItem) if f.type in ("str", str)
                                     and f.name not in ("key", "township"))

_texts = attrgetter(*TEXT_FIELDS)

#: Items kept by name per part and count (the first by key): a completeness score names up to this many.
FIRST_KEPT = 10

_NO_LEAD_TEXTS = ("lead_text", "receiving_dept", "work_mode", "note", "village_text")


def stats_key(township: str) -> str:
    return f"township_stats:{township}"


#: Part of every digest: bump it when an import path starts writing data a stored digest did not
#: cover (a new write-time aggregate), so that the first re-import of an unchanged list writes it.
DIGEST_SALT = f"stats{STATS_VERSION}"


def list_digest(tlist: TownshipList) -> str:
    """A digest of everything ``tlist`` holds (every field of every node and relation, in list order).

    Equal digests mean equal lists; a list that differs only in order gets another digest, and
    its import then takes the full diff, which finds nothing to change (2.5 ms for 300 items).

    >>> a, b = TownshipList.empty("甲镇"), TownshipList.empty("甲镇", "东河县")
    >>> list_digest(a) == list_digest(TownshipList.empty("甲镇")), list_digest(a) == list_digest(b)
    (True, False)
    """
    return hashlib.blake2b(DIGEST_SALT.encode() + orjson.dumps(tlist), digest_size=16).hexdigest()


def _blank(value: object) -> bool:
    # cypher.BLANK is Python's whitespace set: a value is blank when strip() leaves nothing
    return not str(value or "").strip()


def _count(part: dict, count: str, first: str, named: list) -> None:
    part[count] += 1
    if len(part[first]) < FIRST_KEPT:  # items arrive sorted by key
        part[first].append(named)


def township_stats(tlist: TownshipList, *, digest: str | None = None) -> dict:
    """The properties of ``tlist``'s TownshipStats node (``digest``: its :func:`list_digest`, if known).

    >>> tl = TownshipList.empty("甲镇")
    >>> township_stats(tl)["items"], township_stats(tl)["township"]
    (0, '甲镇')
    """
    name = tlist.township.name
    depts = {d.key: d for d in tlist.departments}
    leads: dict[str, list[str]] = {}
    coops: dict[str, list[str]] = {}
    based: set[str] = set()
    linked: set[str] = set()  # departments with a relation to one of the township's nodes
    own = {n.key for n in tlist.nodes() if n.township == name}
    for r in tlist.relations:
        if r.type == RelType.LEADS:
            leads.setdefault(r.dst, []).append(r.src)
        elif r.type == RelType.COOPERATES_ON:
            coops.setdefault(r.dst, []).append(r.src)
        elif r.type == RelType.BASED_ON:
            based.add(r.src)
        if r.src in depts and r.type in (RelType.LEADS, RelType.COOPERATES_ON, RelType.IN_TOWNSHIP) and r.dst in own:
            linked.add(r.src)
    duties, roles = [], []
    lead_rows: dict[tuple, int] = {}
    cooperates: dict[str, int] = {}
    parts: dict[str, dict] = {}
    no_lead = multi_lead = 0
    for index, item in enumerate(sorted(tlist.items, key=lambda i: i.key)):
        mine = sorted(leads.get(item.key, ()))
        duties.append([compact(item.label), "、".join(sorted({depts[k].name for k in mine})), item.label])
        for role, keys in (("leads", mine), ("cooperates", sorted(coops.get(item.key, ())))):
            roles.extend([index, role, depts[k].name, k] for k in keys if depts[k].level == DeptLevel.COUNTY.value)
        part = parts.get(item.part)
        if part is None:  # (not setdefault: that built the default dict for every item)
            part = parts[item.part] = {"items": 0, "multi": 0, "no_basis": 0, "blank": dict.fromkeys(TEXT_FIELDS, 0),
                                       "first": [], "multi_first": [], "no_basis_first": [],
                                       "blank_first": {}, "no_lead": []}
        named = [item.key, item.name, item.sub_item]
        _count(part, "items", "first", named)
        if not mine:
            no_lead += 1
            part["no_lead"].append([*named, *(getattr(item, f) for f in _NO_LEAD_TEXTS)])
        elif len(mine) > 1:
            multi_lead += 1
            _count(part, "multi", "multi_first", named)
        if item.key not in based:
            _count(part, "no_basis", "no_basis_first", named)
        # _blank of each text field (the fields are str; a None is blank too), one attrgetter call
        blanks = [f for f, v in zip(TEXT_FIELDS, _texts(item)) if not v or (v.isspace() if v.__class__ is str else _blank(v))]
        for f in blanks:
            part["blank"][f] += 1
            first = part["blank_first"].setdefault(f, [])
            if len(first) < FIRST_KEPT:
                first.append(named)
        for k in mine:
            row = (k, item.part, item.power_type, len(mine) == 1, item.key in based, ",".join(blanks))
            lead_rows[row] = lead_rows.get(row, 0) + 1
        for k in coops.get(item.key, ()):
            cooperates[k] = cooperates.get(k, 0) + 1
    offices = sum(1 for d in tlist.departments if d.level == DeptLevel.TOWNSHIP.value
                  and (d.township == name or (d.township == "" and d.key in linked)))
    return {
        "key": stats_key(name),
        "township": name,
        "version": STATS_VERSION,
        "digest": digest or list_digest(tlist),
        "items": len(tlist.items),
        "no_lead": no_lead,
        "multi_lead": multi_lead,
        "offices": offices,
        "duties": orjson.dumps(duties).decode(),
        "roles": orjson.dumps(roles).decode(),
        "parts": orjson.dumps(parts).decode(),
        "leads": orjson.dumps([[*row, n] for row, n in sorted(lead_rows.items())]).decode(),
        "cooperates": orjson.dumps(cooperates).decode(),
    }
