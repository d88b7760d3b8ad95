"""Is what the loader reads, and what the embedded store holds after a load, the same as at an
earlier commit? (Issue #15, "Loading": a faster path must not change what is read.)

    python bench/load_identity.py                     # the working tree against HEAD
    python bench/load_identity.py --against 6b82e04   # against the code before issue 15's load work

The revision is unpacked with ``git archive`` into a temporary folder; the same input files
are read by both codes, each in a child process of its own (PYTHONPATH = that code):
the generated county (30 townships × 300 items, seeds 0 and 1), the bundled sample (xlsx,
the CSV set, the GBK CSV, with --county), the messy list of tests/loaders as .xlsx and .xls,
and every case of the loader corpus (tests/loaders/corpus.py) in each of its formats.
Compared: ``repr`` of each read TownshipList, every problem (file, sheet, row, column, value,
message), the reading report, or the LoadError; then the store after importing the county
(nodes, relations, the type/township indexes, ``item_cards()``, review records with their
timestamps blanked), after re-importing it, after replacing ten townships by seed 1's lists,
after a delete, and after a ``bulk()`` block. Exit status 1 when anything differs.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _inputs(folder: Path) -> dict[str, tuple[list[str], dict]]:
    """Write every input once (parent process, this tree's generators); name -> (files, read_list options)."""
    sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "tests" / "loaders")]
    from corpus import corpus_params, write_case
    from datasets import ensure
    from sheetmaker import BASIC_MERGES, messy_sheets, write_xls, write_xlsx, xls_range

    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, tuple[list[str], dict]] = {}
    for seed in (0, 1):
        for i, files in enumerate(ensure(30, 300, seed, lambda *_: None)):
            out[f"county{seed}/{i:02d}"] = ([str(f) for f in files], {})
    sample = ROOT / "loaders" / "sample_data"
    out["sample.xlsx"] = ([str(sample / "XX镇履行职责事项清单.xlsx")], {})
    out["sample.csv"] = ([str(p) for p in sorted(sample.glob("XX镇*.csv")) if "gbk" not in p.name], {})
    out["sample.gbk"] = ([str(sample / "XX镇履行职责事项清单-基本履职事项.gbk.csv")], {})
    out["sample.county"] = ([str(sample / "XX镇履行职责事项清单.xlsx")], {"county": "XX县"})
    messy = write_xlsx(folder / "清单.xlsx", messy_sheets(), {"基本履职事项": BASIC_MERGES, "配合履职事项": ["A1:H1"]})
    sheets = messy_sheets()
    del sheets["Sheet1"]
    old = write_xls(folder / "清单.xls", sheets, {"基本履职事项": [xls_range(m) for m in BASIC_MERGES]})
    out["messy.xlsx"], out["messy.xls"] = ([str(messy)], {}), ([str(old)], {})
    for case, fmt in corpus_params():
        files = write_case(case, fmt, folder / f"{case.name}-{fmt}")
        out[f"corpus/{case.name}/{fmt}"] = ([str(f) for f in files], dict(case.options))
    return out


_STAMP = re.compile(r"\d{4}-\d\d-\d\dT[\d:.]+(?:[+-]\d\d:\d\d|Z)?")


def _blank_times(o):
    if isinstance(o, dict):
        return {k: _blank_times(v) for k, v in sorted(o.items())}
    if isinstance(o, list):
        return [_blank_times(v) for v in o]
    return _STAMP.sub("T", o) if isinstance(o, str) else o


def _store_state(s) -> tuple:
    nodes = sorted(repr(s.graph.nodes[k]["obj"]) for k in s.graph.nodes)
    rels = sorted(repr(d) for _, _, d in s.graph.edges(data="obj"))
    index = (sorted((k, sorted(v)) for k, v in s._by_type.items() if v),
             sorted((k, sorted(v)) for k, v in s._by_township.items() if v))
    return nodes, rels, repr(index), repr(s.item_cards()), repr(_blank_times(s.review)), repr(s.counts())


def snapshot(inputs: dict[str, tuple[list[str], dict]]) -> dict:
    """Run in the child: everything the code under test reads and stores."""
    from graphmodel import open_store
    from graphmodel.errors import LoadError
    from loaders import read_list

    out: dict = {}
    lists: dict[str, object] = {}
    for name, (files, options) in inputs.items():
        try:
            r = read_list(files, **options)
            lists[name] = r.tlist
            out[name] = ("ok", repr(r.tlist), [repr(p) for p in r.problems], repr(r.reading.to_dict()),
                         r.township_source)
        except LoadError as e:
            reading = getattr(e, "reading", None)
            out[name] = ("error", str(e), [repr(p) for p in e.problems], repr(reading.to_dict()) if reading else None)
    county = [lists[k] for k in sorted(lists) if k.startswith("county0/")]
    other = [lists[k] for k in sorted(lists) if k.startswith("county1/")]
    s = open_store("memory", data_dir=None)
    results = [repr(s.replace_township(t)) for t in county]
    out["store/county"] = _store_state(s)
    results += [repr(s.replace_township(t)) for t in county]
    out["store/reimported"] = _store_state(s)
    results += [repr(s.replace_township(t)) for t in other[:10]]
    out["store/replaced"] = _store_state(s)
    s.delete_township(county[20].township.name)
    out["store/deleted"] = _store_state(s)
    out["store/results"] = results
    b = open_store("memory", data_dir=None)
    with b.bulk():
        for t in county[:5]:
            b.replace_township(t)
    out["store/bulk"] = _store_state(b)
    return out


def _child(code: Path, inputs: Path, out: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(code))
    subprocess.run([sys.executable, str(Path(__file__).resolve()), "--snapshot", str(inputs), str(out)],
                   env=env, cwd=code, check=True)


def _first_difference(a, b) -> str:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            xs, ys = str(x), str(y)
            j = next((j for j in range(min(len(xs), len(ys))) if xs[j] != ys[j]), min(len(xs), len(ys)))
            return f"part {i}:\n    old …{xs[max(0, j - 150):j + 150]}…\n    new …{ys[max(0, j - 150):j + 150]}…"
    return f"lengths {len(a)} / {len(b)}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", default="HEAD", help="the git revision to compare with (default HEAD)")
    parser.add_argument("--snapshot", nargs=2, metavar=("INPUTS", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.snapshot:
        sys.path.insert(0, os.environ["PYTHONPATH"])
        inputs = json.loads(Path(args.snapshot[0]).read_text(encoding="utf-8"))
        import loaders

        assert Path(loaders.__file__).resolve().is_relative_to(Path(os.environ["PYTHONPATH"]).resolve()), loaders.__file__
        Path(args.snapshot[1]).write_bytes(pickle.dumps(snapshot(inputs)))
        return 0
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        old_code = tmp / "old"
        old_code.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.against], check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", str(old_code)], input=archive.stdout, check=True)
        inputs = _inputs(tmp / "inputs")
        (tmp / "inputs.json").write_text(json.dumps(inputs, ensure_ascii=False), encoding="utf-8")
        _child(old_code, tmp / "inputs.json", tmp / "old.pkl")
        _child(ROOT, tmp / "inputs.json", tmp / "new.pkl")
        old = pickle.loads((tmp / "old.pkl").read_bytes())
        new = pickle.loads((tmp / "new.pkl").read_bytes())
    differ = [k for k in old if old[k] != new.get(k)] + [k for k in new if k not in old]
    print(f"{len(old)} snapshots compared against {args.against}: {len(differ)} differ")
    for k in differ[:5]:
        print(f"  {k}: {_first_difference(old[k], new.get(k, ()))}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
