"""Generate counties: a reference catalogue per county and townships derived from it with planted deviations.

``generate_counties(out_dir, townships=N, items_per_township=M, seed=S)`` groups the
townships twenty to a county (as :mod:`loaders.generate` names them) and writes, per county,
its catalogue (``catalogue-<county>/<county>通用目录….xlsx``) generated like a township, and
each township of the county as a copy of that catalogue (its own codes) with deviations:

``missing``       catalogue items the township dropped;
``added``         items the township added, none similar to a catalogue item (ratio < 0.8);
``part_differs``  收回 items the township still lists as 基本 (lead kept);
``lead_differs``  基本 items the township gives to another office — the county's ``lead_spread``.

Deviations touch only clean items (no planted problem, no chain step), so the township keeps
the catalogue's planted problems exactly, and ``ground_truth.json`` lists every deviation per
township and the inconsistent duties per county. The same seed gives the same files.
"""

from __future__ import annotations

import copy
import json
import random
from difflib import SequenceMatcher
from pathlib import Path

from graphmodel.errors import InvalidArgument
from graphmodel.normalize import compact

from .generate import (
    BASIC,
    GROUND_TRUTH_FILE,
    OFFICES,
    WITHDRAWN,
    GeneratedTownship,
    GenRow,
    _canonical_office,
    _county_of,
    generate_township,
    item_pool,
    township_names,
    write_township,
)

__all__ = ["DEVIATIONS", "catalogue_name", "generate_counties"]

#: Deviations planted in each township of a county: how many of each.
DEVIATIONS = {"missing": 2, "added": 1, "part_differs": 1, "lead_differs": 1}
TOWNSHIPS_PER_COUNTY = 20


def catalogue_name(county: str) -> str:
    """The name a county's catalogue is loaded under.

    >>> catalogue_name("第1县")
    '第1县通用目录'
    """
    return f"{county}通用目录"


def _clean(t: GeneratedTownship) -> list[GenRow]:
    """Rows with no planted problem and no chain link: safe to drop, move or re-lead."""
    marked = {n for k, v in t.truth.items() for x in v for n in (x if isinstance(x, list) else [x])}
    targets = {r.next_items for r in t.rows if r.next_items}
    return [r for r in t.rows if r.name not in marked and not r.next_items and r.code not in targets
            and r.name not in targets]


def _similar(a: str, names: list[str]) -> bool:
    return any(SequenceMatcher(None, compact(a), n).ratio() >= 0.8 for n in names)


def _township(cat: GeneratedTownship, index: int, name: str, division: str, seed: int,
              taken: set[str]) -> tuple[GeneratedTownship, dict[str, list]]:
    rnd = random.Random(f"dutygraph-county:{seed}:{index}")
    rows = copy.deepcopy(cat.rows)
    old, new = f"{division}{cat.index % 20:02d}-", f"{division}{index % 20:02d}-"
    for r in rows:
        r.code = r.code.replace(old, new, 1) if r.code.startswith(old) else r.code
        r.next_items = r.next_items.replace(old, new, 1) if r.next_items.startswith(old) else r.next_items
    clean = {r.name for r in _clean(cat)}
    by_name = {r.name: r for r in rows}
    pool_clean = sorted(clean)
    dev: dict[str, list] = {k: [] for k in DEVIATIONS}
    withdrawn = [n for n in pool_clean if by_name[n].part == WITHDRAWN]
    basic = [n for n in pool_clean if by_name[n].part == BASIC and "、" not in by_name[n].lead and not by_name[n].coop]
    for n in rnd.sample(withdrawn, min(DEVIATIONS["part_differs"], len(withdrawn))):
        r = by_name[n]
        r.part, r.work_mode, r.time_limit, r.procedure = BASIC, "", "即时", "受理—办理—办结反馈"
        dev["part_differs"].append(n)
    for n in rnd.sample([b for b in basic], min(DEVIATIONS["lead_differs"], len(basic))):
        r = by_name[n]
        first = _canonical_office(r.lead)
        r.lead = rnd.choice(sorted(o for o in OFFICES if o != first))
        dev["lead_differs"].append(n)
    used = set(dev["part_differs"]) | set(dev["lead_differs"])
    for n in rnd.sample(sorted(clean - used), min(DEVIATIONS["missing"], len(clean - used))):
        rows.remove(by_name[n])
        dev["missing"].append(n)
    names = [compact(r.name) for r in cat.rows]
    extra = [p for p in item_pool() if p.basis and p.name not in taken and compact(p.name) not in names
             and not _similar(p.name, names)]
    for p in rnd.sample(extra, min(DEVIATIONS["added"], len(extra))):
        taken.add(p.name)  # another township of the county never adds the same duty (no spread from it)
        rows.append(GenRow(BASIC, p.name, p.power_type, p.content, p.basis, p.category or p.power_type,
                           code=f"{new}ZJ-{len(dev['added']) + 1:03d}", lead=rnd.choice(sorted(OFFICES)),
                           procedure="受理—办理—办结反馈", time_limit="即时"))
        dev["added"].append(p.name)
    order = {BASIC: 0, "配合履职事项": 1, WITHDRAWN: 2}
    rows.sort(key=lambda r: (order[r.part], r.category))
    return GeneratedTownship(name, cat.county, index, rows, cat.villages, cat.truth), {k: sorted(v) for k, v in dev.items()}


def generate_counties(out_dir: str | Path, townships: int, items_per_township: int = 60, seed: int = 0) -> dict:
    """Write the counties' catalogues and townships under ``out_dir`` and ``ground_truth.json``.

    Ground truth: ``{"counties": [{"county", "catalogue", "folder", "lead_spread"}],
    "townships": [{"name", "county", "folder", "files", "planted", "catalogue": {kind: names}}]}``.
    """
    if townships < 1:
        raise InvalidArgument("--townships must be at least 1")
    out = Path(out_dir)
    names = township_names(townships)
    counties, entries = [], []
    for first in range(0, townships, TOWNSHIPS_PER_COUNTY):
        county, division = _county_of(first)
        cat = generate_township(first, items_per_township, seed, catalogue_name(county))
        cat_folder = out / f"catalogue-{county}"
        cat_files = write_township(replace_layout(cat), cat_folder)
        taken: set[str] = set()
        leads: dict[str, set[str]] = {}  # re-led duty -> the leads the county's townships give it
        made = []
        for index in range(first, min(first + TOWNSHIPS_PER_COUNTY, townships)):
            t, dev = _township(cat, index, names[index], division, seed, taken)
            folder = out / f"{index:04d}-{t.name}"
            files = write_township(t, folder)
            made.append(t)
            for n in dev["lead_differs"]:
                leads.setdefault(n, set())
            entries.append({"name": t.name, "county": county, "folder": folder.name,
                            "files": [f.name for f in files], "items": len(t.rows), "planted": t.truth,
                            "catalogue": dev})
        for t in made:
            for r in t.rows:
                if r.name in leads:
                    leads[r.name].add(_canonical_office(r.lead))
        spread = {n for n, ls in leads.items() if len(ls) > 1}  # a duty re-led where no other township lists it is no spread
        counties.append({"county": county, "catalogue": catalogue_name(county), "folder": cat_folder.name,
                         "files": [f.name for f in cat_files], "items": len(cat.rows), "lead_spread": sorted(spread)})
    truth = {"generator": "dutygraph generate --counties", "seed": seed, "items_per_township": items_per_township,
             "deviations": DEVIATIONS, "counties": counties, "townships": entries}
    out.mkdir(parents=True, exist_ok=True)
    (out / GROUND_TRUTH_FILE).write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return truth


def replace_layout(t: GeneratedTownship) -> GeneratedTownship:
    """The catalogue is always one workbook (index 0 layout)."""
    return GeneratedTownship(t.name, t.county, 0, t.rows, t.villages, t.truth)
