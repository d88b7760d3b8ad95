"""The county pages (全县 and 县级部门) on a generated county, under Streamlit's AppTest.

    python bench/county_pages.py [--townships 30] [--items 200] [--repeat 3] [--stores memory,neo4j]

``dutygraph generate --counties`` data (two counties for 30 townships, each with its catalogue
and planted deviations) is loaded into a fresh store; then, per page, the median of ``--repeat``:

- ``first``: the first visit, every cached result cleared except the whole-store audit (the
  heat map reuses the overview's audit, which the overview computes once for both pages);
- ``cold``: every cached result cleared, the audit included (what the first page of the day costs);
- ``again``: the page rendered again with its results cached.

The whole-store audit itself is reported apart. Results go to bench/results/county_pages.json;
the target is ``first`` under one second.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "tests" / "dashboard", ROOT / "tests"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

PAGES = ("county", "county_department")


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def load(store, out: Path, truth: dict) -> int:
    from loaders import read_list

    with store.bulk() if hasattr(store, "bulk") else _nothing():
        for c in truth["counties"]:
            store.replace_township(read_list([out / c["folder"] / f for f in c["files"]], township=c["catalogue"],
                                             county=c["county"], catalogue_of=c["county"]).tlist)
        for t in truth["townships"]:
            store.replace_township(read_list([out / t["folder"] / f for f in t["files"]], township=t["name"],
                                             county=t["county"]).tlist)
    return len(store.item_cards())


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def measure(repeat: int) -> dict:
    """Render the pages of the app whose store the environment names."""
    from dashboard_support import APP, open_page
    from streamlit.testing.v1 import AppTest

    from dashboard import county_data, state

    at = AppTest.from_file(str(APP), default_timeout=600)
    at.run()  # imports, opens the store once (st.cache_resource)
    out: dict = {}
    times = []
    for _ in range(repeat):
        open_page(at, "lookup")
        state.clear_results()
        start = time.perf_counter()
        open_page(at, "overview")  # computes and caches the whole-store audit
        times.append(time.perf_counter() - start)
    out["overview_with_audit_s"] = statistics.median(times)
    for page in PAGES:
        first, cold, again = [], [], []
        for _ in range(repeat):
            open_page(at, "lookup")
            state.clear_results()  # nothing cached, the audit included
            start = time.perf_counter()
            open_page(at, page)
            cold.append(time.perf_counter() - start)
            open_page(at, "overview")  # the audit is cached again …
            for f in vars(county_data).values():  # … and the county pages' own results are not
                if callable(getattr(f, "clear", None)) and hasattr(f, "__wrapped__"):
                    f.clear()
            start = time.perf_counter()
            open_page(at, page)
            first.append(time.perf_counter() - start)
            start = time.perf_counter()
            at.run()
            again.append(time.perf_counter() - start)
            if at.exception:
                raise RuntimeError(f"page {page}: {at.exception[0].message}")
        out[page] = {"first_s": statistics.median(first), "cold_s": statistics.median(cold),
                     "again_s": statistics.median(again)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--townships", type=int, default=30)
    ap.add_argument("--items", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--stores", default="memory")
    args = ap.parse_args()
    from graphmodel import open_store
    from loaders.generate_county import generate_counties

    results: dict = {"townships": args.townships, "items_per_township": args.items, "seed": args.seed,
                     "repeat": args.repeat, "stores": {}}
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "gen"
        truth = generate_counties(out, townships=args.townships, items_per_township=args.items, seed=args.seed)
        results["counties"] = len(truth["counties"])
        for name in args.stores.split(","):
            log(f"{name}: loading {args.townships} townships and {len(truth['counties'])} catalogues")
            if name == "memory":
                data = Path(d) / "data"
                os.environ["DUTYGRAPH_DATA_DIR"] = str(data)
                os.environ.pop("DUTYGRAPH_STORE", None)
                store = open_store("memory", data_dir=data)
                server = None
            else:
                from gates import load_script

                server = load_script("neo4j_test_server").Neo4jTestServer()
                uri, user, password = server.start()
                os.environ.update(DUTYGRAPH_STORE="neo4j", NEO4J_URI=uri, NEO4J_USER=user, NEO4J_PASSWORD=password)
                store = open_store("neo4j", uri=uri, user=user, password=password)
                store.wipe()
            try:
                items = load(store, out, truth)
                store.close()
                log(f"{name}: {items} items; rendering {', '.join(PAGES)}")
                results["stores"][name] = {"items": items, **measure(args.repeat)}
            finally:
                if server is not None:
                    server.stop()
            log(json.dumps(results["stores"][name]))
    path = ROOT / "bench" / "results" / "county_pages.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
