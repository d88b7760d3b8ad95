"""Benchmark of accuracy, not speed: are the findings right, does the lookup answer right?

    python bench/accuracy.py                       # 6 generated townships × 150 items, seed 0
    python bench/accuracy.py --townships 20 --items 200 --seed 3

1. Audit precision and recall: generated townships (``loaders.generate``) carry planted
   problems and realistic non-problems (normal hand-offs, 收回 items without bases, sheets
   lacking optional columns, shared items with an agreed split, township powers delegated by
   the county's 赋权 list, which is imported) in their ground truth. The text kinds are
   planted too (cross-part duplicates, withdrawn in name, cooperation doing the lead's work,
   village burden, not empowered); every other text is an assistance text. Every
   high and medium finding is compared with what was planted, per kind
   (``loaders.generate.precision_recall``). Targets: recall 100 %, precision ≥ 90 %.
2. Lookup hit rate: the everyday questions of ``tests/queries/lookup_questions.csv`` on the
   bundled sample; top-1 and top-3 (targets 90 % and 100 %), for our scoring and for
   rapidfuzz's, when installed. A question with no expected item is right when no answer is
   confident. ``bench/lookup_heldout.csv`` are questions written after the synonym table and
   never used to tune it: their hit rate is the honest estimate for new wording.

Results go to bench/results/accuracy.json and accuracy.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from graphmodel import open_store  # noqa: E402
from loaders import read_list  # noqa: E402
from loaders.delegations import import_delegations  # noqa: E402
from loaders.generate import expected_findings, generate_lists, precision_recall  # noqa: E402
from queries import run_audit  # noqa: E402

RESULTS = ROOT / "bench" / "results"
QUESTIONS = ROOT / "tests" / "queries" / "lookup_questions.csv"
SAMPLE = ROOT / "loaders" / "sample_data" / "XX镇履行职责事项清单.xlsx"


def audit_accuracy(townships: int, items: int, seed: int) -> dict:
    with tempfile.TemporaryDirectory() as d:
        truth = generate_lists(d, townships, items, seed)
        store = open_store("memory", data_dir=None)
        for entry in truth["townships"]:
            store.replace_township(read_list(sorted((Path(d) / entry["folder"]).iterdir())).tlist)
            if entry.get("delegation_file"):  # the county's 赋权 decision, imported as a county would
                import_delegations(store, Path(d) / entry["delegation_file"], entry["name"], editor="bench")
    folded, unfolded = run_audit(store), run_audit(store, fold=False)
    expected = set().union(*(expected_findings(t["name"], t["planted"]) for t in truth["townships"]))

    def serious(audit):
        return [(f.township, f.kind, f.subject) for f in audit.findings if f.severity in ("high", "medium")]

    return {
        "townships": townships, "items": truth["totals"]["items"], "seed": seed,
        "non_problems": {k: v for k, v in truth["totals"].items() if k.startswith("non_problems.")},
        "findings": len(folded.findings), "findings_unfolded": len(unfolded.findings),
        "by_severity": folded.by_severity(),
        "per_kind": precision_recall(serious(folded), expected),
        "unfolded_all": precision_recall(serious(unfolded), expected)["all"],
    }


HELD_OUT = ROOT / "bench" / "lookup_heldout.csv"


def lookup_questions(path: Path = QUESTIONS) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8") as f:
        return [(r["question"], r["expected"]) for r in csv.DictReader(f)]


def lookup_accuracy(scorer: str = "ours", path: Path = QUESTIONS) -> dict:
    from queries.lookup import lookup

    store = open_store("memory", data_dir=None)
    store.replace_township(read_list(SAMPLE).tlist)
    top1 = top3 = 0
    misses = []
    questions = lookup_questions(path)
    for q, want in questions:
        hits = lookup(store, q, limit=3, scorer=scorer)
        names = [h.item.name for h in hits]
        if not want:  # nothing in the list answers it: right when no hit is confident
            right = not any(h.confident for h in hits)
            top1, top3 = top1 + right, top3 + right
        else:
            right = names[:1] == [want]
            top1, top3 = top1 + right, top3 + (want in names)
        if not right:
            misses.append({"question": q, "expected": want, "got": names,
                           "confidence": [h.confidence for h in hits]})
    n = len(questions)
    return {"scorer": scorer, "set": path.name, "questions": n, "top1": round(top1 / n, 4), "top3": round(top3 / n, 4),
            "misses": misses}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--townships", type=int, default=6)
    ap.add_argument("--items", type=int, default=150)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    out = {"audit": audit_accuracy(args.townships, args.items, args.seed)}
    scorers = ["ours"]
    try:
        import rapidfuzz  # noqa: F401
        scorers.append("rapidfuzz")
    except ImportError:
        pass
    out["lookup"] = [lookup_accuracy(sc, path) for path in (QUESTIONS, HELD_OUT) for sc in scorers]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "accuracy.json").write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    (RESULTS / "accuracy.md").write_text(_markdown(out), encoding="utf-8")
    print(_markdown(out))
    return 0


def _markdown(out: dict) -> str:
    a = out["audit"]
    lines = [f"# Accuracy ({a['townships']} generated townships, {a['items']} items, seed {a['seed']})", "",
             f"Findings: {a['findings']} after folding ({a['findings_unfolded']} before); by severity "
             f"{a['by_severity']}. Non-problems planted: {a['non_problems']}.", "",
             "High and medium findings against the ground truth (target: recall 100 %, precision ≥ 90 %):", "",
             "| kind | found right | false | missed | precision | recall |", "|---|---|---|---|---|---|"]
    for kind, s in a["per_kind"].items():
        lines.append(f"| {kind} | {s['tp']} | {s['fp']} | {s['fn']} | {s['precision']:.1%} | {s['recall']:.1%} |")
    u = a["unfolded_all"]
    lines += ["", f"Without folding restatements: precision {u['precision']:.1%}, recall {u['recall']:.1%} "
                  f"({u['fp']} restated findings counted as false)."]
    for lk in out.get("lookup", ()):
        lines += ["", f"Lookup ({lk['scorer']}, {lk['set']}): {lk['questions']} everyday questions on the sample, "
                      f"top-1 {lk['top1']:.1%}, top-3 {lk['top3']:.1%} (targets 90 %, 100 %)."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
