"""Generated lists for the benchmark, written once and cached (bench/.cache/, gitignored).

Township ``i`` of a seed is the same whatever the total, so one cache of the largest size
serves every smaller size: size N uses the first N township folders.

Counties: the files name none, so a list read from them belongs to no county, and a county
question about one township then treats every township of the run as its county. A real county
has 10-30 townships; :func:`in_counties` gives township ``i`` the generator's county
(``loaders.generate``: twenty townships a county, 第1县, 第2县 …), as reading the list with
``read_list(files, county=…)`` would: its county departments become nodes the county's townships share.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from graphmodel.model import TownshipList, share_county_departments  # noqa: E402
from loaders.generate import _county_of, generate_township, township_names, write_township  # noqa: E402

CACHE = ROOT / "bench" / ".cache"
_DONE = "truth.json"


def dataset_dir(items: int, seed: int) -> Path:
    return CACHE / f"lists-m{items}-s{seed}"


def ensure(townships: int, items: int, seed: int, log=print) -> list[list[Path]]:
    """Files of townships 0..N-1 (generating the missing ones); one list of paths per township."""
    base = dataset_dir(items, seed)
    names = township_names(townships)
    out = []
    made = 0
    for index, name in enumerate(names):
        folder = base / f"{index:04d}-{name}"
        if not (folder / _DONE).exists():
            t = generate_township(index, items, seed, name)
            write_township(t, folder)
            (folder / _DONE).write_text(json.dumps({"name": t.name, "planted": t.truth}, ensure_ascii=False),
                                        encoding="utf-8")
            made += 1
            if made % 100 == 0:
                log(f"  generated {made} townships")
        out.append(sorted(p for p in folder.iterdir() if p.name != _DONE))
    return out


def county_of(index: int) -> str:
    """The county of township ``index``: the generator's (twenty townships a county)."""
    return _county_of(index)[0]


def in_counties(tlists: list[TownshipList]) -> list[TownshipList]:
    """Township ``i`` of ``tlists`` in :func:`county_of` ``(i)``, its county departments shared: the
    list ``read_list(files, county=county_of(i))`` reads (tests/bench/test_datasets.py checks that)."""
    out = []
    for index, tlist in enumerate(tlists):
        township = replace(tlist.township, county=county_of(index))
        out.append(share_county_departments(TownshipList(township, list(tlist.items), list(tlist.departments),
                                                         list(tlist.villages), list(tlist.bases),
                                                         list(tlist.relations))))
    return out


if __name__ == "__main__":
    n, m, s = (int(a) for a in sys.argv[1:4])
    ensure(n, m, s)
