"""Figures of the hostile corpus: every input through `load --check` and the dashboard's validation.

    python bench/hostile_corpus.py            # writes bench/results/hostile_corpus.json

For each kind: what was expected, what happened (imported / refused and with which codes),
whether the refusal was located (a file, and a sheet or row where there is one), the time, and
whether anything crashed (an exception other than our own errors, or a dead reader process).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "hostile")]

from hostile_inputs import build_corpus  # noqa: E402

from graphmodel import DutyGraphError, LoadError  # noqa: E402
from loaders import read_list  # noqa: E402
from loaders.isolated import read_list_isolated  # noqa: E402


def _outcome(fn) -> dict:
    start = time.perf_counter()
    try:
        result = fn()
        return {"outcome": "imported", "items": len(result.tlist.items),
                "warnings": sorted({p.code for p in result.problems}), "seconds": round(time.perf_counter() - start, 3)}
    except LoadError as e:
        located = bool(e.problems) and all(p.file for p in e.problems if p.is_error)
        return {"outcome": "refused", "codes": sorted({p.code for p in e.problems if p.is_error}), "located": located,
                "seconds": round(time.perf_counter() - start, 3)}
    except DutyGraphError as e:
        return {"outcome": "refused", "codes": [type(e).__name__], "located": True, "message": str(e)[:200],
                "seconds": round(time.perf_counter() - start, 3)}
    except Exception as e:  # noqa: BLE001 - a crash is what this counts
        return {"outcome": "crash", "error": f"{type(e).__name__}: {e}"[:300], "seconds": round(time.perf_counter() - start, 3)}


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for case in build_corpus(Path(tmp)):
            saved = {k: os.environ.get(k) for k in case.env}
            os.environ.update(case.env)
            try:
                direct = _outcome(lambda case=case: read_list(case.files, township=case.township))
                isolated = _outcome(lambda case=case: read_list_isolated(case.files, township=case.township))
            finally:
                for k, v in saved.items():
                    if v is None:
                        os.environ.pop(k, None)
                    else:
                        os.environ[k] = v
            rows.append({"kind": case.kind, "expect": case.expect, "expected_code": case.code,
                         "bytes": sum(p.stat().st_size for p in case.files), "read_list": direct,
                         "dashboard_validation": isolated})
    summary = Counter(r["read_list"]["outcome"] for r in rows)
    out = {"inputs": len(rows), "imported": summary["imported"], "refused": summary["refused"],
           "located_refusals": sum(1 for r in rows if r["read_list"].get("located")),
           "crashes": summary["crash"] + sum(1 for r in rows if r["dashboard_validation"]["outcome"] == "crash"),
           "note": "read_list in this process; dashboard_validation in the limited child process. "
                   "Township-name refusals of the CLI happen at write time and show here as imported by read_list "
                   "and refused by the dashboard's validation.",
           "cases": rows}
    path = ROOT / "bench" / "results" / "hostile_corpus.json"
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{out['inputs']} inputs: {out['imported']} imported, {out['refused']} refused "
          f"({out['located_refusals']} located), {out['crashes']} crashes -> {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
