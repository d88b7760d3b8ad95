"""Benchmark: parse floor, loads, every query on both stores, the pandas baseline, peak memory.

    python bench/run.py --sizes 1,30,300,2000            # everything (Neo4j started here)
    python bench/run.py --sizes 1,30 --stores memory     # quick, no Neo4j

Lists are generated once into bench/.cache/ (gitignored). Each size runs its
measurements in fresh child processes (so that peak memory is the store's own);
every timing is the median of ``--repeat`` runs. Results go to bench/results/
(results.json, results.md, results.png). See bench/README.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "bench"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

RESULTS = ROOT / "bench" / "results"
_BIG = 300  # from this size on, loads run once (minutes each) and queries fewer times


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _median_time(fn, repeat: int, before=None) -> tuple[float, object]:
    """``fn``'s median wall time over ``repeat`` runs; ``before`` runs untimed ahead of each (it frees
    what the previous run built, which a user's run in a fresh process never pays)."""
    times, result = [], None
    for _ in range(repeat):
        result = None  # the previous run's result freed untimed too (the parse floor's grids)
        if before is not None:
            before()
        gc.collect()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _rss_mb() -> tuple[float, float]:
    """(current RSS, peak RSS) of this process in MB, from /proc."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS", "VmHWM")):
            k, v = line.split(":")
            fields[k] = int(v.split()[0]) / 1024
    return fields.get("VmRSS", 0.0), fields.get("VmHWM", 0.0)


def _query_params(store) -> dict[str, dict[str, str]]:
    item = next(iter(store.item_cards(__import__("graphmodel").ItemFilter(
        township=store.townships()[0].name))), None)
    return {
        "law_impact": {"law": "土地管理法"},
        "lookup": {"text": "消防安全"},
        "neighbourhood": {"key": item.key if item else ""},
        "village_matrix": {"township": store.townships()[0].name},  # needs one township
        "what_if": {"remove": "综合行政执法队"},
    }


def _run_queries(store, repeat: int, budget: float, township_scope: bool = False,
                 reimport=None) -> dict[str, dict]:
    """Every registered query over the whole store; a query slower than ``budget`` s runs once.

    ``township_scope``: each query asks about one township (as the dashboard does once a
    township is picked) and only the audit also runs over the whole store, once.
    ``reimport`` (the embedded store): a write to one township. Then each query's
    ``first_seconds`` is its first run after re-importing one township (every query asked once
    before, as a user who re-imports a list and opens the dashboard), and ``cold_seconds`` its
    first run on a store just opened (read indexes, kept answers and item cards dropped).
    """
    from graphmodel import DutyGraphError
    from queries import QUERIES, run_query

    params = _query_params(store)
    out = {}
    if township_scope:
        town = store.townships()[0].name
        for name, spec in QUERIES.items():
            if any(p.name == "township" for p in spec.params()):
                params.setdefault(name, {})["township"] = town
        start = time.perf_counter()
        result = run_query(store, "audit")
        out["audit (whole store)"] = {"seconds": time.perf_counter() - start, "runs": 1, "rows": len(result.findings)}
    after_reimport: dict[str, float] = {}
    if reimport is not None:
        for name in QUERIES:  # every answer kept once, as after a dashboard session
            _try_query(store, name, params)
        for name in QUERIES:
            reimport()
            gc.collect()
            start = time.perf_counter()
            if _try_query(store, name, params) is not None:
                after_reimport[name] = time.perf_counter() - start
    for name in QUERIES:
        _forget(store, cards=reimport is not None)  # cold: as a store just opened (or, without reimport, after a write)
        gc.collect()
        start = time.perf_counter()
        try:
            result = run_query(store, name, params.get(name))
        except DutyGraphError as e:  # the query says why it cannot answer (village_actions needs a township)
            out[name] = {"refused": str(e)[:200]}
            continue
        except Exception as e:  # noqa: BLE001 - reported in the table, the run goes on
            out[name] = {"error": f"{type(e).__name__}: {e}"[:200]}
            continue
        first = time.perf_counter() - start
        n = len(result.findings) if hasattr(result, "findings") else (len(result) if hasattr(result, "__len__") else 1)
        times = [first]
        if first < budget:
            for _ in range(repeat - 1):
                start = time.perf_counter()
                run_query(store, name, params.get(name))
                times.append(time.perf_counter() - start)
        out[name] = {"seconds": statistics.median(times), "first_seconds": after_reimport.get(name, first),
                     "runs": len(times), "rows": n}
        if reimport is not None:
            out[name]["cold_seconds"] = first
    return out


def _try_query(store, name: str, params: dict):
    """The query's answer, or None when it refuses or fails (reported by the cold pass)."""
    from queries import run_query

    try:
        return run_query(store, name, params.get(name))
    except Exception:  # noqa: BLE001 - the cold pass reports it
        return None


def _one_township_reimport(store, tlist):
    """A write to one township, alternating two versions of its list (one item renamed), so that
    every call is a real import that changes the list; the other townships are untouched."""
    import dataclasses

    items = list(tlist.items)
    renamed = dataclasses.replace(tlist, items=[dataclasses.replace(items[0], name=items[0].name + "（修订）"),
                                                *items[1:]])
    versions = [renamed, tlist]

    def reimport() -> None:
        versions.reverse()
        store.replace_township(versions[0])

    return reimport


def _forget(store, cards: bool = False) -> None:
    """Drop what the store keeps between writes (the embedded store's kept answers; ``cards``: its
    item cards too, as a store just opened)."""
    forget = getattr(store, "forget_derived", None)
    if forget is not None:
        forget(cards=cards)


def _versus(store, files, repeat: int, reimport=None, opened_dir: Path | None = None) -> dict:
    """Each baseline question answered by our query and by the clerk's pandas script, interleaved.

    Both run in this process, alternating (ours, pandas, ours, pandas …) so that a busy machine
    slows both alike; the ratio is ours / pandas on the finished flat sheet. With ``reimport``
    (a write to one township), ``ours_first`` is our first call after it and ``ours_cold`` our
    first call on a store just opened; without, ``ours_cold`` is the first call after the kept
    answers are dropped. With ``opened_dir`` (a saved copy whose answers an earlier process kept
    on disk, ``_reopened``), ``ours_opened`` is our first call on a store just opened from it.
    """
    import baseline

    from queries import run_query

    start = time.perf_counter()
    df = baseline.flat_sheet(files)
    out: dict = {"flat_sheet_s": time.perf_counter() - start, "questions": {}}
    for name, fn in baseline.QUESTIONS.items():
        ours, cold, first, theirs, opened = [], [], [], [], []
        for _ in range(repeat):
            if opened_dir is not None:
                from graphmodel import open_store

                fresh = None
                gc.collect()
                fresh = open_store("memory", data_dir=opened_dir)
                gc.collect()
                t = time.perf_counter()
                run_query(fresh, name)
                opened.append(time.perf_counter() - t)
                fresh = None
            if reimport is not None:
                run_query(store, name)  # kept for every township
                reimport()
                gc.collect()
                t = time.perf_counter()
                run_query(store, name)
                first.append(time.perf_counter() - t)
            gc.collect()
            _forget(store, cards=reimport is not None)  # cold: a store just opened (or the first call after a write)
            t = time.perf_counter()
            run_query(store, name)
            cold.append(time.perf_counter() - t)
            t = time.perf_counter()
            run_query(store, name)  # warm: the answer the store keeps until its next write
            ours.append(time.perf_counter() - t)
            gc.collect()
            t = time.perf_counter()
            fn(df)
            theirs.append(time.perf_counter() - t)
        out["questions"][name] = {"ours": statistics.median(ours), "ours_cold": statistics.median(cold),
                                  "pandas": statistics.median(theirs)}
        if first:
            out["questions"][name]["ours_first"] = statistics.median(first)
        if opened:
            out["questions"][name]["ours_opened"] = statistics.median(opened)
    return out


# ---- children: one per (size, part) ------------------------------------------------------------
def child_parse(size: int, items: int, seed: int, repeat: int) -> dict:
    from datasets import ensure

    from loaders import read_file, read_list
    from loaders.departments import load_aliases
    from loaders.headers import load_synonyms

    files = ensure(size, items, seed, log)
    flat = [f for fs in files for f in fs]
    floor, _ = _median_time(lambda: [read_file(f) for f in flat], repeat if size < _BIG else 1)
    aliases, synonyms = load_aliases(), load_synonyms()

    def model():
        n = 0
        for fs in files:
            n += len(read_list(fs, aliases=aliases, synonyms=synonyms).tlist.items)
        return n

    build, n_items = _median_time(model, repeat if size < _BIG else 1)
    return {"files": len(flat), "items": n_items, "parse_floor_s": floor, "read_list_s": build}


def child_memory(size: int, items: int, seed: int, repeat: int, pages: bool) -> dict:
    from datasets import ensure

    from graphmodel import open_store
    from graphmodel.memory_store import StoreTooLarge
    from loaders import read_list
    from loaders.departments import load_aliases
    from loaders.headers import load_synonyms

    files = ensure(size, items, seed, log)
    aliases, synonyms = load_aliases(), load_synonyms()
    import queries  # noqa: F401 - imported before the memory baseline

    gc.collect()
    rss0, _ = _rss_mb()
    out: dict = {}
    store = None

    def load():
        nonlocal store
        store = open_store("memory", data_dir=None)
        for fs in files:
            store.replace_township(read_list(fs, aliases=aliases, synonyms=synonyms).tlist)

    def drop():  # the previous round's county freed outside the timing (18-24 ms CPU, slice loadfloor)
        nonlocal store
        store = None

    start = time.perf_counter()
    try:
        seconds, _ = _median_time(load, repeat if size < _BIG else 1, before=drop)
    except StoreTooLarge as e:
        out["refused"] = str(e)
        out["refused_after_s"] = time.perf_counter() - start
        out["refused_at_items"] = len(store.item_cards()) if store else 0
        rss, peak = _rss_mb()
        out["peak_rss_mb"], out["store_rss_mb"] = peak, rss - rss0
        return out
    gc.collect()
    rss, peak = _rss_mb()
    counts = store.counts()
    out.update(load_s=seconds, peak_rss_mb=peak, store_rss_mb=rss - rss0,
               items=counts.nodes.get("DutyItem", 0), relations=sum(counts.relations.values()))
    reimport = _one_township_reimport(store, read_list(files[0], aliases=aliases, synonyms=synonyms).tlist)
    out["queries"] = _run_queries(store, repeat, budget=10.0, reimport=reimport)
    # `dutygraph load DIR`: every township read, then written in one store.bulk() with one save
    with tempfile.TemporaryDirectory() as d:
        def county_command():
            s = open_store("memory", data_dir=Path(d) / "bulk")
            s.wipe()
            lists = [read_list(fs, aliases=aliases, synonyms=synonyms).tlist for fs in files]
            with s.bulk():
                for tlist in lists:
                    s.replace_township(tlist)
            return sum(p.stat().st_size for p in (Path(d) / "bulk").rglob("*.json"))  # head + township files

        out["load_bulk_saved_s"], out["store_file_bytes"] = _median_time(county_command, repeat if size < _BIG else 1)
        out["info"] = _info_startup(Path(d) / "bulk")
        # fresh processes on the saved county: the first asks with nothing kept on disk (each
        # writes its answers beside the parts), the second ("again") with what the first kept
        out["opened"] = {q: _opened(Path(d) / "bulk", q) for q in _OPENED_QUERIES}
        out["opened_again"] = {q: _opened(Path(d) / "bulk", q) for q in _OPENED_QUERIES}
        out["reopened"] = _reopened(Path(d) / "bulk")
        # against pandas: ours just opened with the answers kept on disk (ours_opened) too
        out["versus"] = _versus(store, files, repeat, reimport=reimport, opened_dir=Path(d) / "bulk")
    if size <= 30:
        # the same load into a data dir: every import saves the whole JSON file (durability)
        with tempfile.TemporaryDirectory() as d:
            def persisted():
                s = open_store("memory", data_dir=Path(d) / "x")
                s.wipe()
                for fs in files:
                    s.replace_township(read_list(fs, aliases=aliases, synonyms=synonyms).tlist)
            out["load_persisted_s"], _ = _median_time(persisted, repeat)
            if pages:
                out["pages"] = _dashboard_pages(Path(d) / "x", repeat)
    return out


def _dashboard_pages(data_dir: Path, repeat: int) -> dict[str, float]:
    """Each dashboard page's first render (cached results cleared) under Streamlit's AppTest."""
    os.environ["DUTYGRAPH_DATA_DIR"] = str(data_dir)
    os.environ.pop("DUTYGRAPH_STORE", None)
    sys.path.insert(0, str(ROOT / "tests" / "dashboard"))
    from dashboard_support import APP, PAGES, open_page
    from streamlit.testing.v1 import AppTest

    from dashboard import state

    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()  # imports, opens the store once (st.cache_resource)
    out = {}
    for page in PAGES:
        times = []
        for _ in range(repeat):
            open_page(at, "overview" if page != "overview" else "lookup")
            state.clear_results()  # a first visit: nothing of this page computed yet
            start = time.perf_counter()
            open_page(at, page)
            times.append(time.perf_counter() - start)
            if at.exception:
                raise RuntimeError(f"page {page}: {at.exception[0].message}")
        out[page] = statistics.median(times)
    return out


def child_neo4j(size: int, items: int, seed: int, repeat: int) -> dict:
    from datasets import ensure

    from graphmodel import open_store
    from loaders import read_list
    from loaders.departments import load_aliases
    from loaders.headers import load_synonyms

    files = ensure(size, items, seed, log)
    aliases, synonyms = load_aliases(), load_synonyms()
    store = open_store("neo4j")
    out: dict = {}
    tlists_time = 0.0
    write_times = []
    n_items = 0
    for attempt in range(repeat if size < _BIG else 1):
        store.wipe()
        write = parse = 0.0
        n_items = 0
        for i, fs in enumerate(files):
            start = time.perf_counter()
            tlist = read_list(fs, aliases=aliases, synonyms=synonyms).tlist
            parse += time.perf_counter() - start
            start = time.perf_counter()
            store.replace_township(tlist)  # one transaction per township
            write += time.perf_counter() - start
            n_items += len(tlist.items)
            if size >= _BIG and (i + 1) % 100 == 0:
                log(f"  neo4j: {i + 1} townships, {n_items / write:,.0f} items/s written")
        write_times.append(write)
        tlists_time = parse
    out["write_s"] = statistics.median(write_times)
    out["read_list_s"] = tlists_time
    out["items"] = n_items
    out["items_per_s"] = n_items / out["write_s"]
    out["items_per_s_end_to_end"] = n_items / (out["write_s"] + tlists_time)
    counts = store.counts()
    out["relations"] = sum(counts.relations.values())
    # A province's whole-store queries pull 600,000 item cards into Python each (minutes per
    # query): at that size every query is asked about one township, plus one whole-store audit.
    out["queries"] = _run_queries(store, repeat, budget=10.0, township_scope=size >= 1000)
    out["query_scope"] = "one township (+ whole-store audit)" if size >= 1000 else "whole store"
    if size < 1000:
        out["versus"] = _versus(store, files, repeat)
    store.close()
    return out


def child_pandas(size: int, items: int, seed: int, repeat: int) -> dict:
    import baseline
    from datasets import ensure

    files = ensure(size, items, seed, log)
    flat_s, df = _median_time(lambda: baseline.flat_sheet(files), repeat if size < _BIG else 1)
    out = {"flat_sheet_s": flat_s, "rows": len(df), "questions": {}}
    for name, fn in baseline.QUESTIONS.items():
        seconds, result = _median_time(lambda fn=fn: fn(df), repeat)
        out["questions"][name] = {"seconds": seconds, "rows": len(result)}
    return out


CHILDREN = {"parse": child_parse, "memory": child_memory, "neo4j": child_neo4j, "pandas": child_pandas}


def _child(kind: str, size: int, args: argparse.Namespace, env: dict[str, str]) -> dict:
    cmd = [sys.executable, __file__, "--child", kind, "--sizes", str(size), "--items", str(args.items),
           "--seed", str(args.seed), "--repeat", str(args.repeat)]
    if args.no_pages:
        cmd.append("--no-pages")
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    sys.stderr.write(proc.stderr[-3000:] if proc.returncode else "")
    if proc.returncode:
        return {"error": f"exit {proc.returncode}: {proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ''}"}
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["wall_s"] = time.perf_counter() - start
    return result


def cli_startup(repeat: int = 10) -> dict:
    """`dutygraph --help` and `dutygraph info` (empty store), each run ``repeat`` times as a user
    would (the console script in a fresh process); median and minimum wall time, against
    `python -c pass` on the same machine at the same moment."""
    import shutil

    # the console script beside this interpreter (a pyenv shim in PATH would add its own start-up)
    exe = str(Path(sys.executable).parent / "dutygraph")
    if not Path(exe).exists():
        exe = shutil.which("dutygraph")
    out = {}
    with tempfile.TemporaryDirectory() as d:
        env = {**os.environ, "DUTYGRAPH_DATA_DIR": d, "PYTHONPATH": str(ROOT)}
        env.pop("DUTYGRAPH_STORE", None)
        cmds = {"python -c pass": [sys.executable, "-c", "pass"],
                "dutygraph --help": [exe, "--help"] if exe else [sys.executable, "-m", "cli", "--help"],
                "dutygraph info": [exe, "info"] if exe else [sys.executable, "-m", "cli", "info"]}
        times: dict[str, list[float]] = {k: [] for k in cmds}
        for _ in range(repeat):  # interleaved, so a busy moment hits all three
            for name, cmd in cmds.items():
                start = time.perf_counter()
                subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
                times[name].append(time.perf_counter() - start)
        for name, ts in times.items():
            out[name] = {"median_s": statistics.median(ts), "min_s": min(ts)}
    return out


#: Asked first in a fresh process on the saved store (slice "opened"): a column question and the audit.
_OPENED_QUERIES = ("no_lead", "audit")
_OPENED_SCRIPT = """
import json, sys, time
start = time.perf_counter()
from graphmodel import open_store
from queries import run_query
imported = time.perf_counter()
store = open_store("memory", data_dir=sys.argv[1])
opened = time.perf_counter()
run_query(store, sys.argv[2])
done = time.perf_counter()
print(json.dumps({"import_s": imported - start, "open_s": opened - imported, "first_query_s": done - opened}))
"""


def _opened(data_dir: Path, query: str) -> dict:
    """A store just opened, as a fresh `dutygraph audit` or dashboard process sees it: the time to
    import, to open the saved store (``MemoryStore``'s read of the files) and to answer ``query``
    first, in a fresh process (the in-process cold case of ``_run_queries`` drops what the store
    keeps but does not read the files again)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DUTYGRAPH_STORE", None)
    proc = subprocess.run([sys.executable, "-c", _OPENED_SCRIPT, str(data_dir), query], env=env,
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _reopened(data_dir: Path) -> dict[str, dict]:
    """Every registered query asked first on a store just opened from ``data_dir`` (a new
    ``MemoryStore`` reading the files a save of the code under test wrote) whose answers an
    earlier process kept on disk (one open that asked every query once: a dashboard session, an
    audit the day before). The open is not in the time (``opened`` measures it); the answers'
    files are. ``cold_seconds`` of the queries is the other case: nothing kept on disk."""
    from graphmodel import open_store
    from queries import QUERIES, run_query

    store = open_store("memory", data_dir=data_dir)
    params = _query_params(store)
    for name in QUERIES:  # answers computed and kept on disk (written at the end of each query)
        _try_query(store, name, params)
    out = {}
    for name in QUERIES:
        store = None
        gc.collect()
        store = open_store("memory", data_dir=data_dir)
        gc.collect()
        start, cpu = time.perf_counter(), time.process_time()
        try:
            run_query(store, name, params.get(name))
        except Exception as e:  # noqa: BLE001 - reported as the cold pass reports it
            out[name] = {"error": f"{type(e).__name__}: {e}"[:200]}
            continue
        out[name] = {"seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu}
    return out


def _info_startup(data_dir: Path, repeat: int = 5) -> dict:
    """`dutygraph info` on a saved store (fresh process each run): median and minimum wall time."""
    exe = str(Path(sys.executable).parent / "dutygraph")
    cmd = [exe, "info"] if Path(exe).exists() else [sys.executable, "-m", "cli", "info"]
    env = {**os.environ, "DUTYGRAPH_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    env.pop("DUTYGRAPH_STORE", None)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return {"median_s": statistics.median(times), "min_s": min(times)}


def _machine() -> dict:
    mem = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory_gib": round(mem / 1024 / 1024, 1),
            "python": platform.python_version(), "platform": platform.platform(),
            "neo4j": "5.26 community (scripts/neo4j_test_server.py)"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1,30,300,2000", help="township counts, comma-separated")
    ap.add_argument("--items", type=int, default=300, help="items per township (default 300: ~600k for 2,000)")
    ap.add_argument("--seed", type=int, default=0, help="generator seed")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement (the median is reported)")
    ap.add_argument("--stores", default="memory,neo4j", help="stores to measure: memory,neo4j")
    ap.add_argument("--neo4j-heap", default="8g", help="Neo4j JVM heap")
    ap.add_argument("--neo4j-pagecache", default="6g", help="Neo4j page cache")
    ap.add_argument("--out", type=Path, default=RESULTS, help="results folder")
    ap.add_argument("--no-pages", action="store_true", help="skip the dashboard page timings")
    ap.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    if args.child:
        if args.child == "memory":
            result = child_memory(sizes[0], args.items, args.seed, args.repeat, not args.no_pages)
        else:
            result = CHILDREN[args.child](sizes[0], args.items, args.seed, args.repeat)
        print(json.dumps(result, ensure_ascii=False))
        return 0

    from datasets import ensure

    stores = {s.strip() for s in args.stores.split(",") if s.strip()}
    log(f"generating / checking {max(sizes)} townships × {args.items} items (cached in bench/.cache)")
    ensure(max(sizes), args.items, args.seed, log)
    env = dict(os.environ)
    server = None
    if "neo4j" in stores:
        sys.path.insert(0, str(ROOT / "scripts"))
        from neo4j_test_server import Neo4jTestServer

        # The test launcher's defaults (1g heap, 256m page cache, serial GC) are for a test
        # session; a province needs room: a bigger heap and page cache and G1 for long runs.
        server = Neo4jTestServer(heap=args.neo4j_heap, pagecache=args.neo4j_pagecache,
                                 jvm_args=["-XX:+UseG1GC"])
        uri, user, password = server.start(timeout=600)
        env.update(NEO4J_URI=uri, NEO4J_USER=user, NEO4J_PASSWORD=password)
        log(f"neo4j up at {uri} (heap {args.neo4j_heap}, page cache {args.neo4j_pagecache})")
    results = {"machine": _machine(), "items_per_township": args.items, "seed": args.seed,
               "repeat": args.repeat, "started": time.strftime("%Y-%m-%d %H:%M:%S"), "sizes": {}}
    args.out.mkdir(parents=True, exist_ok=True)
    previous = args.out / "results.json"
    if previous.exists():  # sizes measured by an earlier run (same data) are kept unless measured again
        old = json.loads(previous.read_text(encoding="utf-8"))
        if (old.get("items_per_township"), old.get("seed")) == (args.items, args.seed):
            results["sizes"] = dict(old.get("sizes", {}))
            results["cli"] = old.get("cli")
            results["started"] = old.get("started", results["started"])
            results["load_average"] = old.get("load_average", [])
    loads = results.setdefault("load_average", [])  # the machine is shared: sampled as the run goes
    loads.append([time.strftime("%H:%M:%S"), os.getloadavg()[0]])
    log("CLI start-up")
    results["cli"] = cli_startup()
    try:
        for size in sizes:
            entry: dict = {}
            for kind in ("parse", "pandas", *(k for k in ("memory", "neo4j") if k in stores)):
                log(f"size {size}: {kind}")
                entry[kind] = _child(kind, size, args, env)
                loads.append([time.strftime("%H:%M:%S"), os.getloadavg()[0]])
                log(f"size {size}: {kind} done in {entry[kind].get('wall_s', 0):.0f} s")
            # a size measured earlier keeps the stores this run did not measure (--stores)
            results["sizes"][str(size)] = {**results["sizes"].get(str(size), {}), **entry}
            results["sizes"] = dict(sorted(results["sizes"].items(), key=lambda kv: int(kv[0])))
            (args.out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
        if server is not None:  # the Neo4j targets: bench/neo4j_bench.py (neo4j.md)
            # on a server of its own with the same options: it reads that server's CPU from /proc
            # for each question's split (the why lines), and a server of its own is not wiped after
            # the run (1.3 M nodes at 2,000 townships); this one is stopped first (memory)
            server.stop()
            server = None
            bench_env = {k: v for k, v in env.items() if not k.startswith("NEO4J_")}
            subprocess.run([sys.executable, str(ROOT / "bench" / "neo4j_bench.py"), "--sizes", args.sizes,
                            "--items", str(args.items), "--seed", str(args.seed), "--repeat", str(args.repeat),
                            "--neo4j-heap", args.neo4j_heap, "--neo4j-pagecache", args.neo4j_pagecache,
                            "--out", str(args.out)], env=bench_env, check=False)
    finally:
        if server is not None:
            server.stop()
    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    (args.out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    from report import write_report

    text = write_report(results, args.out)
    print(text[text.index("## Targets"):])  # each target met or missed
    log(f"results in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
