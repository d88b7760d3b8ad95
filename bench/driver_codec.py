"""Does the driver's Rust extension (neo4j-rust-ext) pay? Both variants against one server, alternating.

    python bench/driver_codec.py --townships 10 --repeat 3

The driver picks its packstream codec when it is imported: Rust when ``neo4j-rust-ext`` is
installed, else pure Python. Each run here is a child process, with the Rust module hidden
(``sys.modules["neo4j._rust"] = None``) or not; runs alternate (off, on, off, on …) against
the same server and data, so a busy machine slows both alike. A run wipes the database,
imports the townships one transaction each (parameter encoding) and reads every item card
(record decoding). Prints medians and the ratio.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "bench", ROOT / "scripts"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))


def child(townships: int, rust: bool) -> dict:
    if not rust:
        sys.modules["neo4j._rust"] = None  # the driver falls back to its pure-Python codec
    from datasets import ensure

    from graphmodel import open_store
    from loaders import read_list

    lists = [read_list(fs).tlist for fs in ensure(townships, 300, 0, print)]
    from neo4j._codec.packstream import v1

    store = open_store("neo4j")
    store.wipe()
    start = time.perf_counter()
    for tlist in lists:
        store.replace_township(tlist)
    load = time.perf_counter() - start
    start = time.perf_counter()
    cards = store.item_cards()
    read = time.perf_counter() - start
    store.close()
    return {"rust": v1._rust_pack is not None, "load_s": load, "item_cards_s": read, "items": len(cards)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--townships", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--child", choices=["on", "off"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.townships, args.child == "on")))
        return 0

    import os

    from neo4j_test_server import Neo4jTestServer

    server = Neo4jTestServer(heap="2g", pagecache="1g", jvm_args=["-XX:+UseG1GC"])
    uri, user, password = server.start(timeout=600)
    env = {**os.environ, "NEO4J_URI": uri, "NEO4J_USER": user, "NEO4J_PASSWORD": password}
    runs: dict[str, list[dict]] = {"off": [], "on": []}
    try:
        for _ in range(args.repeat):
            for mode in ("off", "on"):
                done = subprocess.run([sys.executable, __file__, "--child", mode, "--townships", str(args.townships)],
                                      env=env, capture_output=True, text=True, check=True)
                runs[mode].append(json.loads(done.stdout.strip().splitlines()[-1]))
    finally:
        server.stop()
    if not all(r["rust"] for r in runs["on"]):
        print("neo4j-rust-ext is not installed: pip install neo4j-rust-ext")
        return 1
    items = runs["on"][0]["items"]
    for what in ("load_s", "item_cards_s"):
        off = statistics.median(r[what] for r in runs["off"])
        on = statistics.median(r[what] for r in runs["on"])
        extra = f"; {items / off:,.0f} vs {items / on:,.0f} items/s" if what == "load_s" else ""
        print(f"{what[:-2]}: pure Python {off:.2f} s, Rust {on:.2f} s ({on / off:.2f}×){extra}; "
              f"off {[round(r[what], 2) for r in runs['off']]}, on {[round(r[what], 2) for r in runs['on']]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
