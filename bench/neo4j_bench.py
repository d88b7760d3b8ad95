"""Neo4j targets of issue #15, measured side by side in one run, each printed met or missed.

    python bench/neo4j_bench.py --sizes 30,300              # starts its own Neo4j (8g heap)
    NEO4J_URI=… python bench/neo4j_bench.py --sizes 30      # or uses a running one (it is wiped!)

Per size (townships of ``--items`` generated items, the benchmark's cached lists, each township
in the generator's county of twenty, ``--no-counties`` for none; parsing is not timed):

- loads, interleaved so a busy moment hits each: the incremental import
  (``replace_township``, one transaction per township), the same in one ``bulk()`` (several
  townships per transaction), a hand-written UNWIND loader (below: what a clerk would write,
  no diff, no review records), the province bulk load (``bulk_load`` into an empty
  database) and the offline ``admin_import`` (CSV written, neo4j-admin run, a second server
  started on the files and opened: end to end, phases reported, the first open's constraints
  and indexes timed one by one), and the same lists imported again unchanged
  (``reimport_unchanged``, over what ``bulk()`` wrote); items per second;
- every registered query over the whole store and for one township (the median of
  ``--repeat`` runs), and the whole audit.

Targets: incremental ≥ hand-written UNWIND; bulk load ≥ 20,000 items/s; per-township
queries < 0.2 s; whole-store queries < 2 s; the audit < 10 s. The machine's load (``uptime``)
is recorded before and after: the machine is shared, so the numbers move with it.
Results: bench/results/neo4j.json and neo4j.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import signal
import statistics
import subprocess
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "bench", ROOT / "scripts"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

RESULTS = ROOT / "bench" / "results"
TARGETS = {"township_query_s": 0.2, "store_query_s": 2.0, "audit_s": 10.0, "bulk_items_per_s": 20_000}

# The yardstick, not product code: a loader a clerk would write by hand for one township,
# one transaction, MERGE on the indexed keys, no reading of what is there and no review
# records. (The product's statements live in graphmodel/cypher.py.)
_HAND_NODES = {label: f"UNWIND $rows AS row MERGE (n:{label} {{key: row.key}}) SET n = row"
               for label in ("DutyItem", "Department", "Village", "LegalBasis", "Township")}
_HAND_RELS = {(rel, a, b): f"UNWIND $rows AS row MATCH (a:{a} {{key: row.src}}) MATCH (b:{b} {{key: row.dst}}) "
              f"MERGE (a)-[r:{rel}]->(b) SET r.text = row.text"
              for rel, a, b in (("LEADS", "Department", "DutyItem"), ("COOPERATES_ON", "Department", "DutyItem"),
                                ("BASED_ON", "DutyItem", "LegalBasis"), ("ASSISTS", "Village", "DutyItem"),
                                ("FOLLOWED_BY", "DutyItem", "DutyItem"), ("IN_TOWNSHIP", "DutyItem", "Township"),
                                ("IN_TOWNSHIP", "Department", "Township"), ("IN_TOWNSHIP", "Village", "Township"))}


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def hand_written_load(driver, database, tlists) -> None:
    """Each township in one transaction: nodes MERGEd by key per label, relations by their ends' keys."""
    from graphmodel.neo4j_store import _to_props

    for tlist in tlists:
        rows: dict[str, list] = {}
        label = {}
        for node in tlist.nodes():
            rows.setdefault(node.node_type, []).append(_to_props(node))
            label[node.key] = node.node_type
        rels: dict[tuple, list] = {}
        for r in tlist.relations:
            rels.setdefault((r.type, label[r.src], label[r.dst]), []).append({"src": r.src, "dst": r.dst, "text": r.text})

        def work(tx, rows=rows, rels=rels):
            for label, batch in rows.items():
                for i in range(0, len(batch), 1000):
                    tx.run(_HAND_NODES[label], rows=batch[i:i + 1000]).consume()
            for rel, batch in rels.items():
                for i in range(0, len(batch), 1000):
                    tx.run(_HAND_RELS[rel], rows=batch[i:i + 1000]).consume()

        with driver.session(database=database) as session:
            session.execute_write(work)


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _split(fn, server_pid: int | None) -> tuple[float, float, float, object]:
    """One call's wall seconds, this process's CPU seconds, the server's CPU seconds and its answer:
    where a missed target's time went (the report's measured reason)."""
    wall, cpu, server = time.perf_counter(), time.process_time(), _cpu_seconds(server_pid)
    answer = fn()
    return (time.perf_counter() - wall, time.process_time() - cpu, _cpu_seconds(server_pid) - server, answer)


def _rows(answer) -> int:
    """How many rows an answer holds (an audit's findings, a list's entries; 1 for a single value)."""
    if hasattr(answer, "findings"):
        return len(answer.findings)
    return len(answer) if hasattr(answer, "__len__") else 1


LOADS = ("incremental", "incremental_bulk", "hand_written_unwind", "bulk_load", "admin_import", "reimport_unchanged")


def _schema_timed(uri: str, user: str, password: str) -> dict[str, float]:
    """The first open's schema, one statement at a time, each waited for: seconds per constraint or
    index (the names in graphmodel.cypher.SCHEMA and REVIEW_SCHEMA). Run before the store opens, which
    then finds them built; a measurement, so the product's one wait for all of them stays as it is."""
    import re

    import neo4j

    from graphmodel import cypher

    out: dict[str, float] = {}
    with neo4j.GraphDatabase.driver(uri, auth=(user, password)) as driver, driver.session() as session:
        for statement in (*cypher.SCHEMA, *cypher.REVIEW_SCHEMA):
            name = re.search(r"CREATE (?:\w+ )*?(?:CONSTRAINT|INDEX) (\w+)", statement)
            t = time.perf_counter()
            session.run(statement).consume()
            if name and name.group(1) == cypher.FULLTEXT_INDEX:  # the store's open does not wait for it
                continue
            session.run(cypher.AWAIT_INDEXES, seconds=3600).consume()  # (the full-text one may be filling still)
            out[name.group(1) if name else statement[:40]] = time.perf_counter() - t
    return out


def _fulltext_wait(uri: str, user: str, password: str) -> float:
    """Seconds until the full-text index is online (it fills after the store's open; a whole-store
    search reads the items meanwhile)."""
    import neo4j

    from graphmodel import cypher

    t = time.perf_counter()
    with neo4j.GraphDatabase.driver(uri, auth=(user, password)) as driver, driver.session() as session:
        session.run(cypher.AWAIT_INDEX, name=cypher.FULLTEXT_INDEX, seconds=3600).consume()
    return time.perf_counter() - t


def admin_import_load(tlists, heap: str, pagecache: str) -> dict:
    """The offline path end to end: the CSV files written, neo4j-admin run, a fresh server started
    on the imported files and a store opened on it (key constraints, indexes and the empty lists
    written, graphmodel.neo4j_import_csv.finish_import); seconds per phase."""
    import shutil
    import tempfile

    from neo4j_test_server import Neo4jTestServer, admin_import

    from graphmodel import open_store
    from graphmodel.neo4j_import_csv import write_import_csv

    work = Path(tempfile.mkdtemp(prefix="dutygraph-bench-import-"))
    phases: dict[str, float] = {}
    server = None
    try:
        start = time.perf_counter()
        write_import_csv(tlists, work / "csv")
        phases["csv"] = time.perf_counter() - start
        tool: dict = {}
        phases["neo4j_admin"] = admin_import(work / "csv", work / "home", heap=heap, report=tool)
        if "import_done_s" in tool:
            phases["import_done"] = tool["import_done_s"]  # the tool's own time, inside neo4j_admin
        t = time.perf_counter()
        server = Neo4jTestServer(heap=heap, pagecache=pagecache, jvm_args=["-XX:+UseG1GC"], copy_from=work / "home")
        uri, user, password = server.start(timeout=600)
        phases["server_start"] = time.perf_counter() - t
        t = time.perf_counter()
        schema = _schema_timed(uri, user, password)
        store = open_store("neo4j", uri=uri, user=user, password=password)
        items = store.counts().nodes["DutyItem"]
        store.close()
        phases["first_open"] = time.perf_counter() - t
        phases["schema"] = sum(schema.values())  # of first_open: the constraints and indexes, one by one
        phases["schema_top"] = {k: round(v, 2) for k, v in sorted(schema.items(), key=lambda kv: -kv[1])[:6]}
        if items != sum(len(x.items) for x in tlists):
            raise RuntimeError(f"the admin import holds {items} items")
        phases["total"] = time.perf_counter() - start
        # not in the total: the store answers every question meanwhile (a whole-store search reads the items)
        phases["fulltext_after_open"] = _fulltext_wait(uri, user, password)
        return phases
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


def _cpu_seconds(pid: int | None) -> float:
    """User + system CPU seconds of process ``pid`` so far (0 when unknown): the server's own work."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


#: Townships each load writes once, untimed, before the timed rounds: the first statements of a
#: fresh server are planned and JIT-compiled, and whichever load ran first paid that alone.
WARM_UP_TOWNSHIPS = 3


def measure_loads(store, tlists, repeat: int, loads=LOADS, server_options=None, server_pid: int | None = None) -> dict:
    """Each load ``repeat`` times, interleaved (the order reversed every other round), after one
    untimed warm-up of every load on a few townships; wall seconds, and the CPU seconds of this
    process and of the server (``server_pid``), which a busy machine moves much less than wall time."""
    items = sum(len(t.items) for t in tlists)
    times: dict[str, list[float]] = {name: [] for name in loads}
    cpu: dict[str, list[tuple[float, float]]] = {name: [] for name in loads}
    phases: dict[str, list[dict]] = {}

    def incremental(lists=tlists):
        for t in lists:
            store.replace_township(t)

    def grouped(lists=tlists):
        with store.bulk():
            for t in lists:
                store.replace_township(t)

    def unchanged(lists=tlists):  # the same lists again, over what the incremental import wrote (untimed)
        for t in lists:
            if not store.replace_township(t).unchanged:
                raise RuntimeError(f"re-importing {t.township.name} changed it")

    runs = {"incremental": incremental, "incremental_bulk": grouped,
            "hand_written_unwind": lambda lists=tlists: hand_written_load(store._driver, store.database, lists),
            "bulk_load": lambda lists=tlists: store.bulk_load(lists)}
    for name in loads:
        if name in runs:
            store.wipe()
            runs[name](tlists[:WARM_UP_TOWNSHIPS])
        elif name == "reimport_unchanged":
            store.wipe()
            grouped(tlists[:WARM_UP_TOWNSHIPS])
            unchanged(tlists[:WARM_UP_TOWNSHIPS])
    for round_no in range(repeat):  # interleaved
        for name in (loads if round_no % 2 == 0 else tuple(reversed(loads))):
            if name == "admin_import":  # its own server, started on the imported files
                if server_options is None:
                    continue
                done = admin_import_load(tlists, *server_options)
                phases.setdefault(name, []).append(done)
                times[name].append(done["total"])
            else:
                fn = runs[name] if name != "reimport_unchanged" else unchanged
                store.wipe()
                if name == "reimport_unchanged":
                    grouped()
                client, server = time.process_time(), _cpu_seconds(server_pid)
                times[name].append(_timed(fn))
                cpu[name].append((time.process_time() - client, _cpu_seconds(server_pid) - server))
            log(f"  {name}: {items / times[name][-1]:,.0f} items/s")
    out = {name: {"seconds": statistics.median(ts), "items_per_s": items / statistics.median(ts), "runs": len(ts)}
           for name, ts in times.items() if ts}
    for name, pairs in cpu.items():
        if pairs:
            out[name]["client_cpu_s"] = statistics.median(c for c, _ in pairs)
            if server_pid is not None:
                out[name]["server_cpu_s"] = statistics.median(s for _, s in pairs)
    for name, runs_done in phases.items():
        out[name]["phases"] = runs_done
    out["items"] = items
    return out


def _params(store, township: str | None) -> dict[str, dict]:
    from graphmodel import ItemFilter

    town = township or store.townships()[0].name
    item = next(iter(store.item_cards(ItemFilter(township=town))), None)
    gone = "综合行政执法队"
    if township is not None:  # asked about one township: one of its own departments (not every list has this one)
        names = sorted({d.name for d in store.nodes("Department", township)})
        gone = gone if gone in names or not names else names[0]
    return {"law_impact": {"law": "土地管理法"}, "lookup": {"text": "消防安全"},
            "neighbourhood": {"key": item.key if item else ""}, "village_matrix": {"township": town},
            "village_actions": {"township": town}, "what_if": {"remove": gone}}


def measure_queries(store, repeat: int, township: str | None, budget: float = 10.0, names=None,
                    warm_township: str | None = None, server_pid: int | None = None) -> dict:
    """``warm_township``: each question is first asked once about that other township (timed as
    ``first_seconds``: the server plans a statement on its first use, 0.2-0.4 s), so that the
    township's own times are what a user sees once the server has answered anyone before.
    The median run's CPU split (this process, the server ``server_pid``) and the answer's rows are
    kept with each time, so that a missed target carries its measured reason."""
    from queries import QUERIES, run_query

    params = _params(store, township)
    warm_params = _params(store, warm_township) if warm_township is not None else {}
    out = {}
    for name, spec in QUERIES.items():
        if names and name not in names:
            continue
        p = dict(params.get(name, {}))
        if township is not None:
            if "township" not in {x.name for x in spec.params()}:
                continue
            p["township"] = township
        times = []
        first = None
        try:
            if warm_township is not None:  # with the warm township's own parameters (its departments)
                warm = {**warm_params.get(name, {}), "township": warm_township}
                first = _timed(lambda name=name, warm=warm: run_query(store, name, warm))
            runs = []
            for _ in range(repeat):
                wall, client, server, answer = _split(lambda name=name, p=p: run_query(store, name, p), server_pid)
                runs.append((wall, client, server))
                times.append(wall)
                if wall > budget:
                    break
        except Exception as e:  # noqa: BLE001 - reported in the table, the run goes on
            out[name] = {"error": f"{type(e).__name__}: {e}"[:200]}
            continue
        median = sorted(runs)[(len(runs) - 1) // 2]  # the run whose wall time is the median (the lower one of two)
        out[name] = {"seconds": statistics.median(times), "runs": len(times), "rows": _rows(answer),
                     "median_run": {"wall_s": median[0], "client_cpu_s": median[1], "server_cpu_s": median[2]}}
        if first is not None:
            out[name]["first_seconds"] = first
    return out


def _parsed(size: int, items: int, seed: int, cache: Path | None, counties: bool = True) -> list:
    """The townships' lists as read_list reads them (parsing is not timed here); ``cache``: a pickle of
    them kept between runs (reading 300 townships takes minutes on a busy machine). ``counties``: each
    township in the generator's county (twenty a county, ``datasets.in_counties``), so that a county
    question reads a real county's townships; False: no county (every township of the run one group,
    as measured before the sixth session)."""
    import pickle

    from datasets import ensure, in_counties

    if counties:
        return in_counties(_parsed(size, items, seed, cache, counties=False))

    from loaders import read_list

    path = cache / f"tlists-{size}-m{items}-s{seed}.pickle" if cache else None
    if path is not None and path.exists():
        return pickle.loads(path.read_bytes())
    log(f"neo4j size {size}: reading {size} townships")
    tlists = [read_list(fs).tlist for fs in ensure(size, items, seed, log)]
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps(tlists))
    return tlists


def measure(sizes, items: int, seed: int, repeat: int, loads=LOADS, names=None, save=None,
            lists_cache: Path | None = None, server_options=None, queries: bool = True,
            server_pid: int | None = None, wipe_after: bool = True, counties: bool = True) -> dict:
    from graphmodel import open_store

    store = open_store("neo4j")
    results: dict = {"uptime_before": uptime(), "sizes": {}, "counties": "generator's, 20 townships each"
                     if counties else "none (one group of every township)"}
    try:
        for size in sizes:
            tlists = _parsed(size, items, seed, lists_cache, counties)
            entry: dict = {"uptime": uptime()}
            entry["loads"] = measure_loads(store, tlists, repeat if size < 300 else 1, loads, server_options, server_pid)
            results["sizes"][str(size)] = entry
            if not queries:  # loads only (--no-queries)
                entry["uptime_after"] = uptime()
                if save:
                    save(results)
                continue
            if "incremental" not in loads or loads[-1] != "incremental":
                store.wipe()
                with store.bulk():  # queries run on what the incremental import builds
                    for t in tlists:
                        store.replace_township(t)
            # The parsed lists are not a user's: a dashboard or `dutygraph audit` on Neo4j holds
            # none. Held here, each full collection of the collector walked them (0.23 s at 300
            # townships, in whichever question's run set it off: county_department_load measured
            # 0.33 s for its 0.03 s), so they are freed before the questions.
            tlists = None
            gc.collect()
            log(f"neo4j size {size}: queries")
            towns = [t.name for t in store.townships()]
            entry["township_queries"] = measure_queries(store, repeat, towns[0], names=names,
                                                        warm_township=towns[-1], server_pid=server_pid)
            if save:
                save(results)
            entry["store_queries"] = {}
            from queries import QUERIES

            for name in (names or list(QUERIES)):  # one by one, saved as they come (a long run may be cut short)
                entry["store_queries"].update(measure_queries(store, repeat, None, names=[name], server_pid=server_pid))
                if save:
                    save(results)
            entry["uptime_after"] = uptime()
    finally:
        # A server of our own is deleted when it stops: wiping it first only cost time (at 2,000
        # townships, 1.3 M nodes in hundreds of transactions on a full machine) and could fail.
        if wipe_after:
            try:
                store.wipe()
            except Exception as e:  # noqa: BLE001 - the results are kept; the caller stops the server
                log(f"wiping the store after the run failed: {type(e).__name__}: {e}")
        store.close()
    results["uptime_after"] = uptime()
    return results


def report(results: dict) -> str:
    from next_steps import INCREMENTAL_STEP, admin_reason, bulk_reason, neo4j_reason

    lines = ["# Neo4j targets (bench/neo4j_bench.py)", "", f"Counties: {results.get('counties', 'none')}",
             "", f"Machine load before: `{results['uptime_before']}`",
             f"after: `{results.get('uptime_after', '(running)')}`", ""]
    for size, e in results["sizes"].items():
        loads = e["loads"]
        lines += [f"## {size} townships ({loads['items']:,} items)", "", f"load during the run: `{e['uptime']}`", "",
                  "| load | s | items/s | client CPU s | server CPU s |", "|---|---:|---:|---:|---:|"]
        for name in LOADS:
            if name in loads:
                v = loads[name]
                lines.append(f"| {name} | {v['seconds']:.2f} | {v['items_per_s']:,.0f} | "
                             f"{v.get('client_cpu_s', float('nan')):.2f} | {v.get('server_cpu_s', float('nan')):.2f} |")
        lines.append("")
        if "incremental" in loads and "hand_written_unwind" in loads:
            inc, hand = loads["incremental"]["items_per_s"], loads["hand_written_unwind"]["items_per_s"]
            lines.append(_target("incremental import ≥ hand-written UNWIND", inc >= hand,
                                 f"{inc:,.0f} vs {hand:,.0f} items/s"))
            if inc < hand and "server_cpu_s" in loads["incremental"]:
                i, h = loads["incremental"], loads["hand_written_unwind"]
                lines.append(f"  - why: CPU client + server {i['client_cpu_s']:.2f} + {i['server_cpu_s']:.2f} s against "
                             f"{h['client_cpu_s']:.2f} + {h['server_cpu_s']:.2f} s; next: {INCREMENTAL_STEP}")
        bulk_paths = [n for n in ("bulk_load", "admin_import") if n in loads]
        if bulk_paths:
            best = max(bulk_paths, key=lambda n: loads[n]["items_per_s"])
            bulk = loads[best]["items_per_s"]
            lines.append(_target("bulk load ≥ 20,000 items/s", bulk >= TARGETS["bulk_items_per_s"],
                                 f"{bulk:,.0f} items/s ({best})"))
            admin_runs = loads.get("admin_import", {}).get("phases", [])
            why = admin_reason(admin_runs[-1]) if admin_runs and bulk < TARGETS["bulk_items_per_s"] else None
            if why:
                lines.append(f"  - why (admin_import): {why}")
            b = loads.get("bulk_load", {})
            if bulk < TARGETS["bulk_items_per_s"] and "server_cpu_s" in b:
                lines.append(f"  - why (bulk_load): {bulk_reason(loads['items'], b)}")
        for run in loads.get("admin_import", {}).get("phases", []):
            lines.append("  - admin_import phases: " + ", ".join(f"{k} {v:.1f} s" for k, v in run.items()
                                                                  if isinstance(v, float)))
            if "schema_top" in run:
                lines.append("  - first open's slowest constraints and indexes: "
                             + ", ".join(f"{k} {v:.1f} s" for k, v in run["schema_top"].items()))
            if "fulltext_after_open" in run:
                lines.append(f"  - the full-text index filled {run['fulltext_after_open']:.1f} s after the first open "
                             f"(not in the total: a whole-store search reads the items until then)")
            if "import_done" in run:  # without the fixed cost: the JVM's start and the second server's start
                work = run["csv"] + run["import_done"] + run["first_open"]
                lines.append(f"  - admin_import without the fixed cost (csv + the tool's import + first open): "
                             f"{loads['items'] / work:,.0f} items/s; the tool's import alone "
                             f"{loads['items'] / run['import_done']:,.0f} items/s")
        if "reimport_unchanged" in loads and "incremental" in loads:
            again, first = loads["reimport_unchanged"], loads["incremental"]
            lines.append(f"  - re-importing the unchanged lists: {again['seconds']:.2f} s against {first['seconds']:.2f} s "
                         f"for the first import" + (f"; CPU (client + server) {again['client_cpu_s'] + again['server_cpu_s']:.2f} "
                                                    f"against {first['client_cpu_s'] + first['server_cpu_s']:.2f} s"
                                                    if "server_cpu_s" in again and "server_cpu_s" in first else ""))
        if "incremental" in loads and "hand_written_unwind" in loads and "server_cpu_s" in loads["incremental"]:
            inc, hand = (loads[n]["client_cpu_s"] + loads[n]["server_cpu_s"] for n in ("incremental", "hand_written_unwind"))
            lines.append(f"  - CPU (client + server): incremental {inc:.2f} s, hand-written {hand:.2f} s ({hand / inc:.2f}×)")
        for scope, key, limit in (("whole store", "store_queries", TARGETS["store_query_s"]),
                                  ("one township", "township_queries", TARGETS["township_query_s"])):
            qs = e.get(key, {})
            if not qs:  # --no-queries
                continue
            slow = sorted(((v["seconds"], n) for n, v in qs.items() if "seconds" in v and n != "audit"
                           and v["seconds"] >= limit), reverse=True)
            errors = [n for n, v in qs.items() if "error" in v]
            lines.append(_target(f"every {scope} query < {limit:g} s", not slow,
                                 f"{len(qs) - len(errors) - len(slow) - ('audit' in qs)}/{len(qs) - len(errors) - ('audit' in qs)} met"
                                 + (f"; slowest: {', '.join(f'{n} {s:.2f} s' for s, n in slow[:8])}" if slow else "")
                                 + (f"; refused: {', '.join(errors)}" if errors else "")))
            lines += [f"  - why: {neo4j_reason(n, qs[n])}" for _, n in slow]
            lines += [f"  - refused: {n}: {qs[n]['error']}" for n in errors]
        audit = e.get("store_queries", {}).get("audit", {}).get("seconds")
        if audit is not None:
            lines.append(_target("whole audit < 10 s", audit < TARGETS["audit_s"], f"{audit:.2f} s"))
            if audit >= TARGETS["audit_s"]:
                lines.append(f"  - why: {neo4j_reason('audit', e['store_queries']['audit'])}")
        firsts = {n: v["first_seconds"] for n, v in e.get("township_queries", {}).items() if "first_seconds" in v}
        if firsts:
            over = sorted(((s, n) for n, s in firsts.items() if s >= TARGETS["township_query_s"]), reverse=True)
            lines.append(f"  - first ask of each question (another township, the statement planned): "
                         f"{len(firsts) - len(over)}/{len(firsts)} < {TARGETS['township_query_s']:g} s"
                         + (f"; slowest: {', '.join(f'{n} {s:.2f} s' for s, n in over[:8])}" if over else ""))
        lines += ["", "| query | whole store s | one township s | one township, first ask s |", "|---|---:|---:|---:|"]
        for name in sorted(set(e.get("store_queries", {})) | set(e.get("township_queries", {}))):
            v = e.get("store_queries", {}).get(name, {})
            t = e.get("township_queries", {}).get(name, {})
            one = f"{t['seconds']:.3f}" if "seconds" in t else "—"
            first = f"{t['first_seconds']:.3f}" if "first_seconds" in t else "—"
            lines.append(f"| {name} | {v.get('seconds', float('nan')):.3f} | {one} | {first} |")
        lines.append("")
    return "\n".join(lines)


def _target(what: str, met: bool, detail: str) -> str:
    return f"- {'MET   ' if met else 'MISSED'} {what}: {detail}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="30,300")
    ap.add_argument("--items", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--neo4j-heap", default="8g")
    ap.add_argument("--neo4j-pagecache", default="4g")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--loads", default="", help=f"loads to time (default all: {','.join(LOADS)})")
    ap.add_argument("--queries", default="", help="queries to time (default every registered one)")
    ap.add_argument("--no-queries", action="store_true", help="time the loads only")
    ap.add_argument("--no-counties", action="store_true",
                    help="townships in no county (every township one group for the county questions), "
                         "as measured before the sixth session; default: the generator's counties of 20")
    ap.add_argument("--lists-cache", type=Path, default=ROOT / "bench" / ".cache" / "parsed",
                    help="folder keeping the parsed lists between runs (bench/.cache is gitignored)")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    loads = tuple(x for x in args.loads.split(",") if x) if args.loads else LOADS
    names = [x for x in args.queries.split(",") if x] if args.queries else None
    # the handlers first: a SIGTERM while the server starts must stop it too
    previous = {sig: signal.signal(sig, _stop_by_signal) for sig in (signal.SIGTERM, signal.SIGHUP)}
    server = None
    try:
        if not os.environ.get("NEO4J_URI"):
            from neo4j_test_server import Neo4jTestServer

            server = Neo4jTestServer(heap=args.neo4j_heap, pagecache=args.neo4j_pagecache, jvm_args=["-XX:+UseG1GC"])
            uri, user, password = server.start(timeout=600)
            os.environ.update(NEO4J_URI=uri, NEO4J_USER=user, NEO4J_PASSWORD=password)
            log(f"neo4j up at {uri} (heap {args.neo4j_heap}, page cache {args.neo4j_pagecache}, pid {server.pid})")
        args.out.mkdir(parents=True, exist_ok=True)
        path = args.out / "neo4j.json"
        old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        old_sizes = old.get("sizes", {}) if isinstance(old, dict) else {}
        server_info = {"heap": args.neo4j_heap, "pagecache": args.neo4j_pagecache, "jvm": "G1"} if server else "external"

        def save(results: dict) -> str:
            out = {**results, "server": server_info, "sizes": {**old_sizes, **results["sizes"]}}  # others kept
            out.setdefault("uptime_after", uptime())
            path.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
            text = report(out)
            (args.out / "neo4j.md").write_text(text + "\n", encoding="utf-8")
            return text

        results = measure(sizes, args.items, args.seed, args.repeat, loads, names, save, args.lists_cache,
                          (args.neo4j_heap, args.neo4j_pagecache), queries=not args.no_queries,
                          server_pid=server.pid if server is not None else None, wipe_after=server is None,
                          counties=not args.no_counties)
        print(save(results), flush=True)  # the summary before the server's shutdown, which may take a while
        return 0
    except BaseException:
        # whatever ends the run (an error, Ctrl-C, SIGTERM) is printed before the server is stopped
        log("the benchmark stopped with an error:\n" + traceback.format_exc())
        raise
    finally:
        if server is not None:
            log("stopping the Neo4j server")
            server.stop()
            log("Neo4j server stopped")
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class StoppedBySignal(SystemExit):
    """SIGTERM or SIGHUP: raised in the main thread so that the server is stopped on the way out."""


def _stop_by_signal(signum, _frame) -> None:
    raise StoppedBySignal(128 + signum)


if __name__ == "__main__":
    sys.exit(main())
