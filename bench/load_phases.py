"""Where an embedded county load spends its CPU, phase by phase (issue #15, "load <= 3x the parse floor").

    python bench/load_phases.py                 # 30 townships x 300 items, seed 0, median of 3 loads
    python bench/load_phases.py --townships 1 --repeat 5

The load is what ``bench/run.py`` times: ``read_list`` + ``MemoryStore.replace_township`` per
township into an in-memory store. Each phase is timed with ``time.process_time`` around calls
made once per sheet, list or import (never per row, so the timers cost nothing measurable);
the per-row work of the build is what its timed parts leave over. The garbage collector's time
is measured with ``gc.callbacks`` and is *also* inside the phase it interrupted (mostly where a
paused block ends: the end of ``read_list`` and of an import's write). CPU time, not wall time:
the machine is shared.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "bench"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from datasets import ensure  # noqa: E402

import graphmodel.memory_store as memory_store  # noqa: E402
import graphmodel.model as model  # noqa: E402
import graphmodel.review_contract as review_contract  # noqa: E402
import loaders.api as api  # noqa: E402
import loaders.build as build  # noqa: E402
import loaders.sheets as sheets  # noqa: E402
from graphmodel import open_store  # noqa: E402
from loaders import read_file, read_list  # noqa: E402
from loaders.departments import load_aliases  # noqa: E402
from loaders.headers import load_synonyms  # noqa: E402

#: (module or class, function, phase) timed around each call; nested phases are reported apart
_TIMED = (
    (api, "read_file", "read: read_file (the floor)"),
    (api, "parse_sheet", "read: parse_sheet"),
    (sheets, "find_header", "  parse: find_header"),
    (sheets, "_read_items", "  parse: rows into ItemRows"),
    (api, "read_report", "read: reading report"),
    (api, "build_township", "read: build_township"),
    (build._Builder, "plan_departments", "  build: department plan"),
    (build._Builder, "add_chains", "  build: chains"),
    (build._Builder, "relations", "  build: relations made and sorted"),
    (model, "share_county_departments", "  build: county departments shared"),
    (api, "sort_problems", "read: problems sorted"),
    (model.TownshipList, "check", "write: TownshipList.check (twice)"),
    (memory_store.MemoryStore, "_replace_township_locked", "write: township diff + graph"),
    (memory_store.MemoryStore, "_put", "  write: nodes and edges into networkx"),
    (review_contract.ReviewContract, "_new_round", "write: round snapshot + audit"),
)


def _timed(phases: dict[str, float]) -> None:
    clock = time.process_time
    for owner, name, label in _TIMED:
        fn = getattr(owner, name)

        def timed(*a, _fn=fn, _label=label, **k):
            t = clock()
            try:
                return _fn(*a, **k)
            finally:
                phases[_label] = phases.get(_label, 0.0) + clock() - t

        setattr(owner, name, timed)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--townships", type=int, default=30)
    ap.add_argument("--items", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    files = ensure(args.townships, args.items, args.seed, lambda *_: None)
    flat = [f for fs in files for f in fs]
    aliases, synonyms = load_aliases(), load_synonyms()
    clock = time.process_time
    collector = {"start": 0.0, "total": 0.0}

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            collector["start"] = clock()
        else:
            collector["total"] += clock() - collector["start"]

    floors, runs = [], []
    phases: dict[str, float] = {}
    _timed(phases)
    gc.callbacks.append(on_gc)
    for _ in range(args.repeat):
        gc.collect()
        t = clock()
        for f in flat:
            read_file(f)
        floors.append(clock() - t)
        gc.collect()
        phases.clear()
        collector["total"] = 0.0
        store = open_store("memory", data_dir=None)
        read = write = 0.0
        for fs in files:
            t = clock()
            tlist = read_list(fs, aliases=aliases, synonyms=synonyms).tlist
            read += clock() - t
            t = clock()
            store.replace_township(tlist)
            write += clock() - t
        runs.append({"load": read + write, "read_list": read, "write": write, "gc": collector["total"],
                     **dict(phases)})
    gc.callbacks.remove(on_gc)
    run = sorted(runs, key=lambda r: r["load"])[len(runs) // 2]  # the median load, with its own phases
    floor = statistics.median(floors)
    out = {k: round(v * 1000, 1) for k, v in run.items()}
    build_parts = sum(v for k, v in run.items() if k.startswith("  build:"))
    out["  build: rows into items, parties, bases (the rest)"] = round(
        (run.get("read: build_township", 0) - build_parts) * 1000, 1)
    out["floor"] = round(floor * 1000, 1)
    out["load / floor"] = round(run["load"] / floor, 2)
    print(json.dumps({"townships": args.townships, "items": args.items, "cpu_ms": out}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
