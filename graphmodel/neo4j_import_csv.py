"""A province's first load by ``neo4j-admin database import full``: the CSV files and the command.

Neo4j's offline importer writes the store files directly, without transactions; it needs the
database stopped and empty (``--overwrite-destination`` replaces it). This module writes what
the bulk load (:mod:`graphmodel.neo4j_bulk`) would write — the same nodes, shared nodes merged
the same way, the same relations, each township's first audit entries and round, built by the
same code (``plan_graph``, ``review_rows``) — as CSV files, one per label, relation kind and
record kind, each township's ``TownshipStats`` and ``TownshipEvidence``, plus ``import.json`` (the command's arguments and the ImportResults). The key
constraints and the other indexes are created when a store first opens the database
(``Neo4jStore._setup_schema``), so the first ``dutygraph info`` after the start waits for them.

How it is run: ``dutygraph load DIR --province --admin-import OUT`` writes OUT and prints the
command; ``python scripts/neo4j_test_server.py run --import OUT`` runs it into a fresh test
server. ``tests/graphmodel/test_neo4j_admin_import.py`` compares the imported database with
the one-by-one imports.
"""

from __future__ import annotations

import json
import shlex
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from . import cypher
from .errors import InvalidArgument
from .model import TownshipList
from .neo4j_bulk import plan_graph, review_rows
from .review_contract import ReviewContract
from .store import ImportResult
from .township_evidence import township_evidence
from .township_stats import township_stats
from .vocab import TOWNSHIP_EVIDENCE_LABEL, TOWNSHIP_STATS_LABEL

__all__ = ["PLAN_FILE", "admin_command", "finish_import", "read_plan", "write_import_csv"]

PLAN_FILE = "import.json"
#: Array delimiters tried in order: the first that no list value holds is used.
_ARRAY_DELIMITERS = ("|", "¦", "\u241f", "\u001f")


class _Rounds:
    """The two review methods an import's round needs; neither touches a store."""

    _import_round = ReviewContract._import_round
    _new_round = ReviewContract._new_round


def _column_type(values: list[Any]) -> str:
    kinds = {type(v) for v in values if v is not None}
    if kinds <= {bool}:
        return "boolean"
    if kinds <= {int}:
        return "long"
    if kinds <= {float, int}:
        return "double"
    if kinds <= {list}:
        inner = {type(x) for v in values if v for x in v}
        if inner <= {str}:
            return "string[]"
        if inner <= {int}:
            return "long[]"
    if kinds <= {str}:
        return "string"
    raise InvalidArgument(f"cannot write values of types {sorted(k.__name__ for k in kinds)} to the import CSV")


def _column(values: list[Any], kind: str, delimiter: str) -> list[str]:
    """One column's CSV fields: quoted text (a quote doubled), nothing for a missing value.

    Column by column, one comprehension per kind: a call per cell was most of the writer's time
    (bench/neo4j_bench.py, admin_import's ``csv`` phase)."""
    if kind == "string":
        return ["" if v is None else '"' + v.replace('"', '""') + '"' for v in values]
    if kind.endswith("[]"):
        return ["" if v is None else '"' + delimiter.join(map(str, v)).replace('"', '""') + '"' for v in values]
    if kind == "boolean":
        return ["" if v is None else '"true"' if v else '"false"' for v in values]
    return ["" if v is None else f'"{v}"' for v in values]  # long, double: no quote inside


def _write(path: Path, header: list[str], columns: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(",".join(header) + "\n")
        if columns and columns[0]:
            f.write("\n".join(map(",".join, zip(*columns))))
            f.write("\n")


def write_import_csv(tlists: Sequence[TownshipList], out: Path, *, editor: str = "") -> dict[str, Any]:
    """Write the CSV files and ``import.json`` into ``out`` (created; must hold no plan yet); return the plan."""
    names = [t.township.name for t in tlists]
    if len(set(names)) != len(names):
        raise InvalidArgument("two lists name the same township: " + "、".join(sorted({n for n in names if names.count(n) > 1})))
    for tlist in tlists:
        tlist.check()
    out = Path(out)
    if (out / PLAN_FILE).exists():
        raise InvalidArgument(f"{out} already holds an import ({PLAN_FILE}); choose an empty folder")
    out.mkdir(parents=True, exist_ok=True)
    counted, by_label, by_rel = plan_graph(tlists)
    records: dict[str, list[dict[str, Any]]] = defaultdict(list)
    results = review_rows(_Rounds()._import_round, tlists, counted, editor, records)

    tables: list[tuple[str, str, list[dict[str, Any]]]] = [("nodes", label, rows) for label, rows in by_label.items()]
    tables += [("nodes", kind, rows) for kind, rows in records.items()]
    # each township's write-time aggregates and evidence, as every other write path writes them
    # (without them the questions fall back to reading the items, and the first re-import rewrote them)
    tables += [("nodes", TOWNSHIP_STATS_LABEL, [township_stats(t) for t in tlists]),
               ("nodes", TOWNSHIP_EVIDENCE_LABEL, [township_evidence(t) for t in tlists])]
    used = {x for _, _, rows in tables for row in rows for v in row.values() if isinstance(v, list) for x in v}
    text = "".join(str(x) for x in used)
    delimiter = next((d for d in _ARRAY_DELIMITERS if d not in text), None)
    if delimiter is None:
        raise InvalidArgument("every array delimiter occurs in the lists' values; use the bulk load instead")

    args: list[str] = []
    for _, label, rows in tables:
        names = sorted({k for row in rows for k in row} - {"key"})
        if all("key" in row for row in rows):
            header = [f"key:ID({label})"]
            body = [_column([row["key"] for row in rows], "string", delimiter)]
        else:  # a node without a key property (TownshipEvidence): its township is the import's id, not stored
            header = [f":ID({label})"]
            body = [_column([row["township"] for row in rows], "string", delimiter)]
        for c in names:
            values = [row.get(c) for row in rows]
            kind = _column_type(values)
            header.append(f"{c}:{kind}")
            body.append(_column(values, kind, delimiter))
        path = out / f"nodes-{label}.csv"
        _write(path, header, body)
        args.append(f"--nodes={label}={path.name}")
    _write(out / "nodes-AdminImport.csv", ["key:ID(AdminImport)"], [['"pending"']])  # finish_import's marker
    args.append("--nodes=AdminImport=nodes-AdminImport.csv")
    for (rel, a, b), rels in sorted(by_rel.items()):
        path = out / f"relations-{rel}-{a}-{b}.csv"
        ordered = sorted(rels)
        _write(path, [f":START_ID({a})", f":END_ID({b})", "text:string"],
               [_column([r[i] for r in ordered], "string", delimiter) for i in range(3)])
        args.append(f"--relationships={rel}={path.name}")
    plan = {
        "options": ["--overwrite-destination=true", "--multiline-fields=true", f"--array-delimiter={delimiter}",
                    "--ignore-empty-strings=false", "--id-type=string"],
        "files": args,
        "results": [asdict(r) for r in results],
        "items": sum(len(t.items) for t in tlists),
    }
    (out / PLAN_FILE).write_text(json.dumps(plan, ensure_ascii=False, indent=1), encoding="utf-8")
    return plan


def read_plan(folder: Path) -> dict[str, Any]:
    path = Path(folder) / PLAN_FILE
    if not path.exists():
        raise InvalidArgument(f"{folder} holds no import ({PLAN_FILE}): write it with dutygraph load --admin-import")
    return json.loads(path.read_text(encoding="utf-8"))


def admin_command(folder: Path, neo4j_admin: str = "neo4j-admin", database: str = "neo4j") -> list[str]:
    """The command line (run in ``folder``): ``neo4j-admin database import full … <database>``."""
    plan = read_plan(folder)
    return [neo4j_admin, "database", "import", "full", *plan["options"], *plan["files"], database]


def printable(command: list[str], folder: Path) -> str:
    return f"cd {shlex.quote(str(folder))} && " + " ".join(shlex.quote(c) for c in command)


def results(plan: dict[str, Any]) -> list[ImportResult]:
    return [ImportResult(**r) for r in plan["results"]]


def finish_import(store: Any, batch: int = 10_000) -> bool:
    """Finish an admin-imported database on its first open (Neo4jStore calls this): write the empty
    lists the importer left out (cypher.ADMIN_IMPORT_FILL), then delete the marker. False if there
    was nothing to finish."""
    if not store._run(False, lambda tx: tx.run(cypher.ADMIN_IMPORT_PENDING).single()["n"]):
        return False
    # CALL … IN TRANSACTIONS commits as it goes, so it runs outside a managed transaction; run
    # again on the next open if this one is cut short (the marker stays until the end)
    for statement in cypher.ADMIN_IMPORT_FILL.values():
        store._run_autocommit(statement, batch=batch)
    store._run(True, lambda tx: tx.run(cypher.ADMIN_IMPORT_DONE).consume())
    return True
