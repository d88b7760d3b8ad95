"""Old code against new on the embedded county load, in two child processes asked alternately.

    python bench/load_pairs.py --old /tmp/old-checkout            # the county, 9 rounds
    python bench/load_pairs.py --old /tmp/old --rounds 5 --townships 30

Each child imports its own code (``PYTHONPATH`` = its root) and is asked, round after round and
alternating with the other, for the parse floor (``read_file`` over every file) and for the load
as ``bench/run.py`` times it (a new in-memory store, ``read_list`` + ``replace_township`` per
township, ``gc.collect()`` before, the previous round's store dropped inside the timing);
``--parts read,write`` times ``read_list`` alone and the store's writes alone. CPU time
(``time.process_time``, what a busy shared machine skews least) and wall time are printed as
[median, min] over the rounds. Each child's first load (cold per-process memos) is a warm-up,
except from 300 townships on: there run ``--rounds 1`` for the load of a fresh process, as
``bench/run.py`` times it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CHILD = r"""
import gc, json, sys, time
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/bench"]
from datasets import ensure
from graphmodel import open_store
from loaders import read_file, read_list
from loaders.departments import load_aliases
from loaders.headers import load_synonyms
import queries  # noqa: F401 - as bench/run.py's child
files = ensure(int(sys.argv[2]), int(sys.argv[3]), 0, lambda *_: None)
flat = [f for fs in files for f in fs]
aliases, synonyms = load_aliases(), load_synonyms()
store = None

def floor():
    for f in flat:
        read_file(f)

def load():
    global store
    store = open_store("memory", data_dir=None)
    for fs in files:
        store.replace_township(read_list(fs, aliases=aliases, synonyms=synonyms).tlist)

lists = []

def read():
    lists[:] = [read_list(fs, aliases=aliases, synonyms=synonyms).tlist for fs in files]

def write():
    global store
    store = open_store("memory", data_dir=None)
    for tlist in lists:
        store.replace_township(tlist)

if len(files) < 300:  # as bench/run.py: from 300 townships on, one load in a fresh process
    load()
    read()
print("ready", flush=True)
for line in sys.stdin:
    fn = {"floor": floor, "load": load, "read": read, "write": write}[line.strip()]
    gc.collect()
    c, w = time.process_time(), time.perf_counter()
    fn()
    print(json.dumps([time.process_time() - c, time.perf_counter() - w]), flush=True)
"""


def _child(root: Path, townships: int, items: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(root)}
    p = subprocess.Popen([sys.executable, "-c", _CHILD, str(root), str(townships), str(items)], cwd=root, env=env,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "ready"
    return p


def _ask(p: subprocess.Popen, what: str) -> tuple[float, float]:
    p.stdin.write(what + "\n")
    p.stdin.flush()
    return tuple(json.loads(p.stdout.readline()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--old", type=Path, required=True, help="root of the old code (git archive of a commit)")
    ap.add_argument("--new", type=Path, default=ROOT)
    ap.add_argument("--townships", type=int, default=30)
    ap.add_argument("--items", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--parts", default="floor,load",
                    help="what each round asks, of floor, load, read (read_list alone), write (the store's writes alone)")
    args = ap.parse_args()
    print(os.popen("uptime").read().strip(), file=sys.stderr)
    kids = {"old": _child(args.old, args.townships, args.items), "new": _child(args.new, args.townships, args.items)}
    parts = args.parts.split(",")
    got: dict[str, dict[str, list]] = {k: {p: [] for p in parts} for k in kids}
    for r in range(args.rounds):
        order = list(kids) if r % 2 == 0 else list(kids)[::-1]
        for what in parts:
            for k in order:
                got[k][what].append(_ask(kids[k], what))
    for p in kids.values():
        p.stdin.close()
        p.wait()
    print(os.popen("uptime").read().strip(), file=sys.stderr)
    for k, g in got.items():
        row = {}
        for i, clock in enumerate(("cpu", "wall")):
            row[clock] = {f"{p}_ms": [round(statistics.median(x[i] for x in g[p]) * 1000, 1),
                                      round(min(x[i] for x in g[p]) * 1000, 1)] for p in parts}  # median, min
            if "floor" in g and "load" in g:
                f, ld = [x[i] for x in g["floor"]], [x[i] for x in g["load"]]
                row[clock]["ratio"] = [round(statistics.median(ld) / statistics.median(f), 2), round(min(ld) / min(f), 2)]
        print(k, json.dumps(row))


if __name__ == "__main__":
    main()
