"""Saving the embedded store: the single JSON file (schema 3) against a file per township (schema 4).

Interleaved in one process on the generated county (``bench/datasets.py``): each round times the
old layout, then the new, on the same parsed lists, and the medians are printed as JSON.

- ``reimport``: one township's changed list imported into the saved county, and saved;
- ``file_by_file``: the county imported township by township, a save after each;
- ``load_dir``: the county imported in one ``bulk()`` with one save (``dutygraph load DIR``);
- ``open``: opening the saved store; ``refresh``: a second store seeing one township re-imported;
- ``info``: ``dutygraph info`` in a fresh process (reads only the head);
- ``codec``: the county's one-file document encoded and decoded by the stdlib and by orjson.

The old layout is written by ``memory_store.write_single_file`` (kept for the upgrade tests),
which does what ``MemoryStore.save`` did before schema 4.

    python bench/save_bench.py --townships 30 --rounds 3
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "bench"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import orjson  # noqa: E402
from datasets import ensure  # noqa: E402

from graphmodel.memory_store import FILE_NAME, MemoryStore, write_single_file  # noqa: E402
from graphmodel.store_files import PARTS_DIR  # noqa: E402
from loaders import read_list  # noqa: E402
from loaders.departments import load_aliases  # noqa: E402
from loaders.headers import load_synonyms  # noqa: E402


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.name.endswith(".lock"))


def _changed(tlist):
    """The list with one item renamed: a real change of one township."""
    items = list(tlist.items)
    items[0] = replace(items[0], name=items[0].name + "（修订）")
    return replace(tlist, items=items)


def _info(folder: Path) -> float:
    env = {**os.environ, "DUTYGRAPH_DATA_DIR": str(folder), "DUTYGRAPH_STORE": "memory", "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from cli.main import main; main()", "info"], env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--townships", type=int, default=30)
    ap.add_argument("--items", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--reimport-only", action="store_true",
                    help="one store only (300 townships hold GBs): a township re-imported and saved, against "
                         "the same import unsaved (inside bulk) and the old layout's save of the whole store")
    ap.add_argument("--no-file-by-file", action="store_true",
                    help="skip the file-by-file load (the old layout is quadratic: minutes at 300 townships)")
    args = ap.parse_args(argv)

    aliases, synonyms = load_aliases(), load_synonyms()
    lists = [read_list(fs, aliases=aliases, synonyms=synonyms).tlist for fs in ensure(args.townships, args.items, args.seed)]
    middle = len(lists) // 2
    times: dict[str, dict[str, list[float]]] = {}

    def note(name: str, layout: str, seconds: float) -> None:
        times.setdefault(name, {}).setdefault(layout, []).append(seconds)

    work = Path(tempfile.mkdtemp(prefix="save-bench-"))
    if args.reimport_only:
        try:
            store = MemoryStore(work / "new")
            note("load_dir", "new", _timed(lambda: store.bulk_load(lists)))
            for r in range(args.rounds):
                variant = _changed(lists[middle])  # each round: changed (saved), then back (import, then its save)
                note("reimport", "new", _timed(lambda: store.replace_township(variant)))
                note("reimport", "old_save_only", _timed(lambda: write_single_file(work / FILE_NAME, store)))
                back = lists[middle]
                with store.bulk():  # the save is deferred to the end of the block
                    note("reimport", "import_only", _timed(lambda: store.replace_township(back)))
                    start = time.perf_counter()
                note("reimport", "new_save_only", time.perf_counter() - start)
            reader = MemoryStore(work / "new")
            store.replace_township(_changed(lists[middle - 1]))
            note("refresh", "new", _timed(reader.refresh))
            note("open", "new", _timed(lambda: MemoryStore(work / "new")))
            note("open", "old", _timed(lambda: MemoryStore(work)))
            note("info", "new", _info(work / "new"))
            note("info", "old", _info(work))
            sizes = {"old_file_bytes": (work / FILE_NAME).stat().st_size, "new_total_bytes": _size(work / "new")}
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return _report(len(lists), args.rounds, sizes, times)
    try:
        for r in range(args.rounds):
            old_dir, new_dir = work / f"old{r}", work / f"new{r}"
            # the county file by file, a save after each
            old = MemoryStore(None)
            old_dir.mkdir()
            new = MemoryStore(new_dir)
            if args.no_file_by_file:
                with old.bulk(), new.bulk():
                    for t in lists:
                        old.replace_township(t)
                        new.replace_township(t)
                write_single_file(old_dir / FILE_NAME, old)
            else:
                def old_file_by_file():
                    for t in lists:
                        old.replace_township(t)
                        write_single_file(old_dir / FILE_NAME, old)

                note("file_by_file", "old", _timed(old_file_by_file))
                note("file_by_file", "new", _timed(lambda: [new.replace_township(t) for t in lists]))
                unsaved = MemoryStore(None)  # the imports alone, for the share of the saves
                note("file_by_file", "imports_only", _timed(lambda: [unsaved.replace_township(t) for t in lists]))
            # one township re-imported with a change, saved
            imported = _timed(lambda: old.replace_township(_changed(lists[middle])))  # in memory only
            written = _timed(lambda: write_single_file(old_dir / FILE_NAME, old))
            note("reimport", "old", imported + written)
            note("reimport", "import_only", imported)
            note("reimport", "old_save_only", written)
            note("reimport", "new", _timed(lambda: new.replace_township(_changed(lists[middle]))))
            # opening the saved store
            note("open", "old", _timed(lambda: MemoryStore(old_dir)))
            note("open", "new", _timed(lambda: MemoryStore(new_dir)))
            # a second store (the dashboard) sees one township re-imported by another process
            reader = MemoryStore(new_dir)
            MemoryStore(new_dir).replace_township(lists[middle])
            note("refresh", "new", _timed(reader.refresh))
            note("refresh", "old", _timed(lambda: MemoryStore(old_dir)))  # before: the whole file read again
            # `dutygraph load DIR`: one bulk, one save
            bulk_old, bulk_new = work / f"bulk-old{r}", work / f"bulk-new{r}"

            def old_bulk():
                s = MemoryStore(None)
                with s.bulk():
                    for t in lists:
                        s.replace_township(t)
                bulk_old.mkdir()
                write_single_file(bulk_old / FILE_NAME, s)

            def new_bulk():
                s = MemoryStore(bulk_new)
                with s.bulk():
                    for t in lists:
                        s.replace_township(t)

            note("load_dir", "old", _timed(old_bulk))
            note("load_dir", "new", _timed(new_bulk))
            note("info", "old", _info(bulk_old))
            note("info", "new", _info(bulk_new))
            if r == 0:
                doc = json.loads((old_dir / FILE_NAME).read_bytes())
                for _ in range(2):
                    note("codec_dumps", "stdlib", _timed(lambda: json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()))
                    note("codec_dumps", "orjson", _timed(lambda: orjson.dumps(doc)))
                    raw = (old_dir / FILE_NAME).read_bytes()
                    note("codec_loads", "stdlib", _timed(lambda: json.loads(raw)))
                    note("codec_loads", "orjson", _timed(lambda: orjson.loads(raw)))
                parts = sorted((new_dir / PARTS_DIR).iterdir(), key=lambda p: p.stat().st_size)
                sizes = {"old_file_bytes": (old_dir / FILE_NAME).stat().st_size, "new_total_bytes": _size(new_dir),
                         "new_head_bytes": (new_dir / FILE_NAME).stat().st_size,
                         "new_largest_part_bytes": parts[-1].stat().st_size, "new_parts": len(parts)}
            shutil.rmtree(old_dir)
            shutil.rmtree(new_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return _report(len(lists), args.rounds, sizes, times)


def _report(townships: int, rounds: int, sizes: dict, times: dict) -> int:
    """Print the medians of every measure and the file sizes as JSON."""
    out = {"townships": townships, "rounds": rounds, "uptime": os.getloadavg(), **sizes,
           "median_s": {k: {lay: round(statistics.median(v), 4) for lay, v in d.items()} for k, d in times.items()}}
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
