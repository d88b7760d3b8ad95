"""Schema 2 -> 3: per-township county departments become one shared node per county, everywhere.

Before schema 3 every township held its own node for each county department
(``dept:<township>:<name>``). Schema 3 shares one node per county
(``dept:county:<county>:<name>``, see :func:`graphmodel.model.share_county_departments`).
This module upgrades what older versions wrote, losing nothing:

- the list: each township's county departments become the county's shared node (every alias
  any township read it under kept), and their relations are re-pointed;
- the review history: a decision's before/after slices and a round's snapshot name
  departments by key; they are re-keyed the same way, so that undoing an old decision and
  comparing rounds work on the shared nodes.

The embedded store runs it when it reads a file of schema 1 or 2 (``memory_store._load``);
a Neo4j database runs :func:`upgrade_neo4j` when opened (guarded by a ``DutygraphSchema``
node holding the version) or through ``dutygraph upgrade``. Both are idempotent: a second run
finds no per-township county department and changes nothing. Townships without a county keep
their own departments. The statements are in :mod:`graphmodel.cypher_upgrade`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import cypher, cypher_upgrade
from .model import county_dept_key
from .vocab import DeptLevel

__all__ = ["SCHEMA_VERSION", "UpgradeReport", "migrate_review", "shared_key", "upgrade_neo4j", "upgrade_neo4j_if_needed"]

#: The layout this code writes (the embedded file's ``schema_version`` says the same).
SCHEMA_VERSION = 3
_COUNTY = DeptLevel.COUNTY.value


@dataclass
class UpgradeReport:
    """What an upgrade changed: per-township nodes merged into how many shared nodes, relations
    re-pointed, review records rewritten."""

    from_version: int = 0
    departments: int = 0  # per-township county department nodes replaced
    shared: int = 0  # shared county department nodes they became
    relations: int = 0
    records: int = 0  # decisions and rounds whose keys were rewritten
    counties: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.departments or self.records)


def shared_key(dept: Mapping[str, Any] | None, county_of: Mapping[str, str]) -> str | None:
    """The shared key an old per-township county department moves to, or None if it stays.

    >>> shared_key({"key": "dept:甲镇:县自然资源局", "township": "甲镇", "name": "县自然资源局", "level": "县级部门"},
    ...            {"甲镇": "东河县"})
    'dept:county:东河县:县自然资源局'
    >>> shared_key({"key": "dept:乙镇:县自然资源局", "township": "乙镇", "name": "县自然资源局", "level": "县级部门"},
    ...            {"甲镇": "东河县"}) is None  # 乙镇 has no county: keeps its own
    True
    """
    if not dept or dept.get("level") != _COUNTY or not dept.get("township"):
        return None
    county = county_of.get(dept["township"])
    return county_dept_key(county, dept["name"]) if county else None


def _shared_dict(dept: Mapping[str, Any], key: str, county_of: Mapping[str, str]) -> dict[str, Any]:
    return {**dept, "key": key, "county": county_of[dept["township"]], "township": ""}


def _relations(rows: Iterable[list], renamed: Mapping[str, str]) -> list[list]:
    out = {(renamed.get(s, s), t, renamed.get(d, d), x) for s, t, d, x in rows}
    return [list(r) for r in sorted(out)]


def _migrate_slices(data: dict[str, Any], county_of: Mapping[str, str], known: Mapping[str, str]) -> bool:
    """A decision's before/after slices (listedit.slice_of): departments and relations re-keyed."""
    slices = {}
    for side in ("before", "after"):
        if data.get(side):
            slices[side] = json.loads(data[side])
    renamed: dict[str, str] = {}
    for s in slices.values():
        for k, d in s.get("departments", {}).items():
            new = shared_key(d, county_of) or known.get(k)
            if new and new != k:
                renamed[k] = new
    if not renamed:
        return False
    for side, s in slices.items():
        depts = {}
        for k, d in s.get("departments", {}).items():
            new = renamed.get(k, k)
            depts[new] = _shared_dict(d, new, county_of) if d and k in renamed and d.get("township") else d
        s["departments"] = depts
        s["relations"] = _relations(s.get("relations", []), renamed)
        data[side] = json.dumps(s, ensure_ascii=False, sort_keys=True)  # as listedit.slice_of writes it
    return True


def _migrate_snapshot(blob: str, county_of: Mapping[str, str]) -> str | None:
    """A round's snapshot (review.list_to_dict): the new blob, or None when nothing moves."""
    snap = json.loads(blob)
    renamed: dict[str, str] = {}
    depts: dict[str, dict] = {}
    for d in snap.get("departments", []):
        new = shared_key(d, county_of)
        if new:
            renamed[d["key"]] = new
            d = _shared_dict(d, new, county_of)
        old = depts.get(d["key"])
        if old is not None:  # two spellings of one department in one township: one node, both aliases
            d = {**d, "aliases": sorted(set(old.get("aliases", ())) | set(d.get("aliases", ())))}
        depts[d["key"]] = d
    if not renamed:
        return None
    snap["departments"] = [depts[k] for k in sorted(depts)]
    snap["relations"] = _relations(snap.get("relations", []), renamed)
    return json.dumps(snap, ensure_ascii=False, separators=(",", ":"))


def migrate_review(kind: str, data: dict[str, Any], blob: str | None, county_of: Mapping[str, str],
                   known: Mapping[str, str] = {}) -> tuple[dict[str, Any], str | None, bool]:  # noqa: B006 - read only
    """One review record (``kind`` its label) with old department keys re-keyed: (data, blob, changed).

    ``known`` maps old keys to new ones (from the list's upgrade) for departments a slice names
    without their record.
    """
    if kind == "Decision":
        data = dict(data)
        return data, blob, _migrate_slices(data, county_of, known)
    if kind == "Round" and blob:
        new = _migrate_snapshot(blob, county_of)
        return data, (new if new is not None else blob), new is not None
    return data, blob, False


# ---- Neo4j ------------------------------------------------------------------------------------
def _version(store: Any) -> int:
    rows = store._read(cypher_upgrade.READ_SCHEMA_VERSION)
    return int(rows[0]["version"]) if rows and rows[0]["version"] is not None else 0


def upgrade_neo4j_if_needed(store: Any) -> UpgradeReport | None:
    """Upgrade the database when its ``DutygraphSchema`` node is missing or older (run on open)."""
    if _version(store) >= SCHEMA_VERSION:
        return None
    return upgrade_neo4j(store)


def upgrade_neo4j(store: Any) -> UpgradeReport:
    """Re-key the database's per-township county departments and the review records naming them.

    One write transaction per county, holding the county's import lock, so that no import of
    that county's townships runs in between; then the version node is set.
    """
    report = UpgradeReport(from_version=_version(store))
    county_of = {r["name"]: r["county"] for r in store._read(cypher_upgrade.COUNTY_TOWNSHIPS)}
    by_county: dict[str, list[str]] = {}
    for town, county in sorted(county_of.items()):
        by_county.setdefault(county, []).append(town)
    for county, towns in sorted(by_county.items()):
        done = store._run(True, _upgrade_county_work, county, towns, county_of)
        if done["departments"] or done["records"]:
            report.counties.append(county)
        report.departments += done["departments"]
        report.shared += done["shared"]
        report.relations += done["relations"]
        report.records += done["records"]
    store._run(True, lambda tx: tx.run(cypher_upgrade.WRITE_SCHEMA_VERSION, version=SCHEMA_VERSION).consume())
    return report


def _upgrade_county_work(tx: Any, county: str, towns: list[str], county_of: Mapping[str, str]) -> dict[str, int]:
    tx.run(cypher.REVIEW_LOCK, township=f"county:{county}").consume()  # the lock imports of this county take
    old = [(r["id"], dict(r["props"])) for r in tx.run(cypher_upgrade.TOWNSHIP_COUNTY_DEPARTMENTS,
                                                         townships=towns, level=_COUNTY)]
    renamed: dict[str, str] = {}
    shared: dict[str, dict[str, Any]] = {}
    for _, props in old:
        key = shared_key(props, county_of)
        if key is None:
            continue
        renamed[props["key"]] = key
        new = _shared_dict(props, key, county_of)
        if key in shared:
            new["aliases"] = sorted(set(shared[key].get("aliases") or []) | set(new.get("aliases") or []))
        shared[key] = new
    relations = 0
    if shared:
        for r in tx.run(cypher.NODES_BY_KEYS["Department"], keys=sorted(shared)):  # shared nodes already there
            have = dict(r["props"])
            shared[have["key"]]["aliases"] = sorted(set(have.get("aliases") or [])
                                                    | set(shared[have["key"]].get("aliases") or []))
        rows = [{"key": k, "props": {**p, "aliases": list(p.get("aliases") or [])}} for k, p in sorted(shared.items())]
        new_id = {r["key"]: r["id"] for r in tx.run(cypher.UPSERT_NODES["Department"], rows=rows)}
        old_ids = [i for i, p in old if p["key"] in renamed]
        moved: dict[str, list[dict[str, Any]]] = {}
        for r in tx.run(cypher_upgrade.DEPARTMENT_RELATIONS, ids=old_ids):
            me = new_id[renamed[r["dept_key"]]]
            src, dst = (me, r["other"]) if r["outgoing"] else (r["other"], me)
            moved.setdefault(r["type"], []).append({"src": src, "dst": dst, "text": r["text"] or ""})
        for rtype, rows_of in sorted(moved.items()):
            tx.run(cypher.MERGE_RELATIONS[rtype], rows=rows_of).consume()
            relations += len(rows_of)
        tx.run(cypher.DELETE_NODES_BY_ID, ids=old_ids).consume()
    records = 0
    for r in tx.run(cypher_upgrade.REVIEW_RECORDS_OF_TOWNSHIPS, townships=towns):
        data = json.loads(r["data"]) if r["data"] else {}
        data, blob, changed = migrate_review(r["kind"], data, r["blob"], county_of, renamed)
        if changed:
            tx.run(cypher_upgrade.SET_REVIEW_RECORD, id=r["id"], data=json.dumps(data, ensure_ascii=False, sort_keys=True),
                   blob=blob).consume()
            records += 1
    return {"departments": len(renamed), "shared": len(shared), "relations": relations, "records": records}
