"""Why a missed target was missed, from what the run measured, and the next step for that cause.

Issue #15 asks the benchmark to print, for every target it misses, the measured reason and the next
step. The reason is computed here from the run's own numbers (the CPU split of the median run, the
answer's rows, the first call against the repeated one, the load's phases); the next step is the
team's plan for that kind of cause, kept next to the code that chooses it and reviewed with each
quiet run (bench/README.md). A question's own plan, where one is known, replaces the generic one.
"""
from __future__ import annotations

#: An answer this large costs seconds in Python whatever the store does (building and sorting rows).
BIG_ANSWER_ROWS = 10_000

#: The generic next step for the cost that dominated a Neo4j question's median run.
NEO4J_STEP = {
    "client": "cut the Python side: read slimmer rows, or keep the township's part of the answer at write "
              "time (the TownshipStats / TownshipEvidence pattern) and only combine the parts",
    "server": "PROFILE the statement at this size (a scan where a seek belongs, an eager aggregation over the "
              "whole store) and fix the plan, or keep the aggregate at write time",
    "waiting": "neither process was busy for most of it: count the statements and round trips, and check the "
               "machine's load (uptime) before trusting the number",
}

#: Plans known for one question (or a family), by name.
NEO4J_QUESTION_STEP = {
    "overlaps": "the sum of its parts (multi_lead, near_duplicates, shared_articles, cooperate_township_lead): "
                "shared_articles is the largest",
    "shared_articles": "its evidence comes from the townships' kept rows now (1.3 s for 90,000 cards at 300); what "
                       "remains is the groups' statement (~0.7 s) and building ~15,000 findings with ~37,000 evidence "
                       "records in Python: keep each township's groups at write time and build the findings on demand",
    "topic_spread": "the topics are kept at write time and their items' evidence comes from the kept rows; what "
                    "remains is building the findings in Python: profile the offices read and the findings",
    "what_if": "it reads only the items whose parties move, their chains and near-duplicate partners; what remains "
               "is reading every department's node and the chain links: ask the departments by name in Cypher",
    **dict.fromkeys(("near_duplicates", "cross_part_duplicates", "inconsistent_titles"),
                    "the township's pairs are kept at write time (inconsistent_titles not yet): profile what "
                    "remains of reading the paired cards"),
}

EMBEDDED_OPENED_STEP = ("the first process after a load computes what an earlier process would have kept on disk: "
                        "keep the answers at save time (a warm-up in `dutygraph load` and import; ~1 s a county, "
                        "slice opened) or write the column questions' indexes with the township")

#: Plans known for an embedded question still over target when its answers are kept on disk.
EMBEDDED_QUESTION_STEP = {
    "what_if": "its answer depends on the departments asked about, so it is not kept; it reads only the cards "
               "of the items whose parties move, the chains they are in and their near-duplicate partners: "
               "profile what remains (the departments' nodes, the kept near-duplicate answer's unpickling)",
    "missing_fields": "its kept answer, every finding, is unpickled on the first call (a county's ~900: ~7 ms against "
                      "pandas' ~4 ms, slice opened): keep it in a form that is cheaper to read, or read the items' "
                      "fields directly",
}

LOAD_STEP = {
    "loader": "the loader: parse and build in one pass from the grid's columns (no object per row)",
    "store": "the store's writes: relations written into networkx's dicts in bulk (~30 ms a county), the "
             "township diff (~13 ms)",
}

INCREMENTAL_STEP = ("the review round's snapshot (~316 KB a township, which the hand-written loader does not write) "
                    "is the largest extra write: store it compressed or apart from the import's transaction; like "
                    "for like the statements' server CPU was even and the rest commit time and client Python "
                    "(slice neoload, sixth session)")

BULK_STEP = ("when the server's share alone is over the budget, no client change through Bolt reaches it: "
             "the offline import (neo4j-admin, admin_import), with its fixed costs spread over a province")

#: The admin import's phases as neo4j_bench records them, in order; import_done (the tool's own
#: import) lies inside neo4j_admin and schema (the constraints and indexes) inside first_open.
ADMIN_PHASE_STEP = {
    "csv": "the Python CSV writer (graph records, review rounds, aggregates and evidence; ~1,500 items/s at "
           "2,000 townships, slice neoload): column-wise from the lists, or several processes",
    "neo4j_admin": "the tool's JVM start and its import: a fixed cost that only pays off at province size; "
                   "fewer, wider CSV files",
    "server_start": "the second server start: a fixed cost; import into the database the store's server opens",
    "first_open": "the first open's constraints and indexes on the imported data (the tool's --schema needs "
                  "Enterprise's block format; the full-text index already fills in the background): the "
                  "empty-list fill after the import",
}


def neo4j_cause(entry: dict) -> str | None:
    """client, server or waiting: the largest share of the median run's wall time (None without a split)."""
    m = entry.get("median_run")
    if not m:
        return None
    shares = {"client": m["client_cpu_s"], "server": m["server_cpu_s"],
              "waiting": m["wall_s"] - m["client_cpu_s"] - m["server_cpu_s"]}
    return max(shares, key=shares.get)


def neo4j_reason(name: str, entry: dict) -> str:
    """One missed question's measured reason and next step, as a report line.

    >>> print(neo4j_reason("overlaps", {"seconds": 6.0, "rows": 120, "median_run": {"wall_s": 6.0,
    ...     "client_cpu_s": 5.1, "server_cpu_s": 0.6}}))  # doctest: +ELLIPSIS
    overlaps 6.00 s: Python 5.10 s CPU, server 0.60 s CPU, 120 rows — Python-bound; next: the sum of its parts...
    """
    cause = neo4j_cause(entry)
    if cause is None:
        return f"{name} {entry['seconds']:.2f} s: no CPU split recorded (a run before the split was measured)"
    m = entry["median_run"]
    rows = entry.get("rows", 0)
    what = {"client": "Python-bound", "server": "server-bound", "waiting": "mostly waiting"}[cause]
    step = NEO4J_QUESTION_STEP.get(name) if cause == "client" else None
    if step is None and cause == "client" and rows >= BIG_ANSWER_ROWS:
        step = (f"the answer itself is {rows:,} rows: build it from kept per-township parts, or answer a "
                "summary first and the rows on demand")
    return (f"{name} {entry['seconds']:.2f} s: Python {m['client_cpu_s']:.2f} s CPU, server "
            f"{m['server_cpu_s']:.2f} s CPU, {rows:,} rows — {what}; next: {step or NEO4J_STEP[cause]}")


def opened_reason(pairs: dict[str, tuple[float, float]]) -> str:
    """Queries over target on a store just opened, against the same first calls after re-importing one
    township (every other township's cards and parts already kept): the difference is work on townships
    that did not change since the save, which writing it at save time would remove.

    >>> print(opened_reason({"audit": (0.819, 0.041), "what_if": (0.187, 0.090)}))  # doctest: +ELLIPSIS
    just opened → after re-importing one township: audit 819 → 41 ms, what_if 187 → 90 ms; 87% of ... next: the first process after a load...
    """
    opened = sum(a for a, _ in pairs.values())
    unchanged = sum(max(a - b, 0.0) for a, b in pairs.values())
    shown = ", ".join(f"{n} {a * 1000:.0f} → {b * 1000:.0f} ms" for n, (a, b) in pairs.items())
    return (f"just opened → after re-importing one township: {shown}; {unchanged / opened:.0%} of the first calls' "
            "time is work on townships unchanged since the save; next: "
            + (EMBEDDED_OPENED_STEP if unchanged * 2 >= opened else "the questions' own work: profile them"))


def reopened_reason(name: str) -> str:
    """The next step for a question over target although its answers were kept on disk."""
    return f"{name}: {EMBEDDED_QUESTION_STEP.get(name, 'computed again on every open: profile it')}"


def load_reason(load: float, floor: float, read_list: float | None) -> str | None:
    """A county load over 3x its floor: which half is over its share, and the step for it."""
    if not read_list:
        return None
    store = max(load - read_list, 0.0)
    # the loader's own share of the 3x budget is what remains after the store's writes
    half = "loader" if read_list - floor > store else "store"
    return (f"loader {read_list * 1000:.0f} ms ({read_list / floor:.1f}× the floor), store writes "
            f"{store * 1000:.0f} ms; next: {LOAD_STEP[half]}")


def bulk_reason(items: int, load: dict, cores: int | None = None) -> str:
    """The Bolt bulk load's CPU per item on each side, against what 20,000 items/s allows on ``cores``.

    >>> print(bulk_reason(90_000, {"seconds": 40.0, "client_cpu_s": 9.65, "server_cpu_s": 46.04}, cores=2))
    ... # doctest: +ELLIPSIS
    server 512 us and client 107 us of CPU an item; 20,000 items/s on 2 cores allows 100 us: the server's share alone is 5.1× that; next: ...
    """
    import os

    cores = cores or os.cpu_count() or 1
    server, client = load["server_cpu_s"] / items * 1e6, load["client_cpu_s"] / items * 1e6
    allowed = 50 * cores
    return (f"server {server:.0f} us and client {client:.0f} us of CPU an item; 20,000 items/s on {cores} cores "
            f"allows {allowed} us: the server's share alone is {server / allowed:.1f}× that; next: {BULK_STEP}")


def admin_reason(phases: dict) -> str | None:
    """The admin import's largest phase and its step (``phases``: seconds by name, as neo4j_bench records).

    >>> print(admin_reason({"csv": 0.6, "neo4j_admin": 7.7, "import_done": 5.4, "server_start": 8.1,
    ...               "first_open": 6.6, "schema": 3.7, "total": 23.1}))  # doctest: +ELLIPSIS
    its largest phase is server_start (8.1 s of 23.1 s); next: the second server start...
    """
    timed = {k: phases[k] for k in ADMIN_PHASE_STEP if isinstance(phases.get(k), float)}
    if not timed:
        return None
    top = max(timed, key=timed.get)
    return f"its largest phase is {top} ({timed[top]:.1f} s of {phases.get('total', 0.0):.1f} s); next: {ADMIN_PHASE_STEP[top]}"
