"""Every hostile file through `load --check`, `load`, export and the dashboard's validation.

Each ends in a located error or a correct import: never a crash, a traceback, a raw control
character on the terminal, or a changed store on refusal. The figures are printed at the end
(``pytest -s``) and kept by bench/hostile_corpus.py in bench/results/.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hostile_inputs import Case, build_corpus  # noqa: E402

from cli.main import cli  # noqa: E402
from graphmodel import LoadError, open_store  # noqa: E402
from graphmodel.safe_text import UNSAFE  # noqa: E402
from loaders import read_list  # noqa: E402
from loaders.isolated import read_list_isolated  # noqa: E402

MIN_KINDS = 40


def _invoke(args: list[str]):
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def _township_args(case: Case) -> list[str]:
    return ["--township", case.township] if case.township is not None else []


def _run_case(case: Case, data: Path, out: Path, monkeypatch) -> tuple[str, list[str]]:
    """(outcome, failures) of one case: outcome is 'imported' or 'refused'."""
    failures: list[str] = []
    for k, v in case.env.items():
        monkeypatch.setenv(k, v)
    files = [str(p) for p in case.files]
    try:
        # 1. load --check, as a person reads it and as JSON
        plain = _invoke(["--data-dir", str(data), "load", "--check", *_township_args(case), *files])
        if "Traceback" in plain.output or UNSAFE.search(plain.output.replace("\ufeff", "")):
            failures.append(f"load --check printed a traceback or a raw control character: {plain.output[-300:]!r}")
        report = json.loads(_invoke(["--data-dir", str(data), "load", "--check", "--json", *_township_args(case),
                                     *files]).output)
        codes = {p["code"] for p in report["errors"]}
        if case.expect == "ok" and plain.exit_code != 0:
            failures.append(f"load --check refused a file that should import: {plain.output[-400:]}")
        if case.expect == "error":
            if plain.exit_code != 1:
                failures.append(f"load --check accepted a file that must be refused (exit {plain.exit_code})")
            if case.code and case.code not in codes:
                failures.append(f"expected problem {case.code}, got {sorted(codes)} / {report.get('error')}")
            located = [p for p in report["errors"] if p.get("file")] or ([report["error"]] if report.get("error") else [])
            if not located:
                failures.append("the refusal names no file")
        if case.expect == "ok" and case.code and case.code not in codes:
            failures.append(f"expected warning {case.code}, got {sorted(codes)}")
        if case.check and report["errors"] and case.expect == "error":
            try:
                from loaders.problems import Problem

                case.check([Problem(**p) for p in report["errors"]])
            except AssertionError as e:
                failures.append(str(e))

        # 2. load: all or nothing
        store_file = data / "dutygraph.json"
        before = store_file.read_bytes() if store_file.exists() else None
        loaded = _invoke(["--data-dir", str(data), "load", *_township_args(case), *files])
        after = store_file.read_bytes() if store_file.exists() else None
        imported = loaded.exit_code == 0
        if loaded.exit_code not in (0, 1):
            failures.append(f"load ended with exit {loaded.exit_code}: {loaded.output[-300:]}")
        if not imported and before != after:
            failures.append("a refused load changed the store")
        if imported != (plain.exit_code == 0):
            failures.append("load and load --check disagree")

        # 3. export and re-import: the same list
        if imported:
            with open_store("memory", data_dir=data) as s:
                town = report["results"]["township"]
                names = sorted(i.name for i in s.nodes("DutyItem", town))
            if case.items is not None and len(names) != case.items:
                failures.append(f"imported {len(names)} items, expected {case.items}")
            if case.names is not None and names != sorted(case.names):
                failures.append(f"item names {names} != {sorted(case.names)}")
            if case.check and case.expect != "error":
                try:
                    case.check(read_list(case.files, township=case.township))
                except AssertionError as e:
                    failures.append(str(e))
            for suffix in (".xlsx", ".csv"):
                target = out / f"{case.kind}{suffix}"
                exported = _invoke(["--data-dir", str(data), "export", "--township", town, "-o", str(target)])
                if exported.exit_code != 0:
                    failures.append(f"export {suffix} failed: {exported.output[-300:]}")
                    continue
                again = sorted(i.name for i in read_list([target], township=town).tlist.items)
                if again != names:
                    failures.append(f"the {suffix} export re-imports as {again[:5]}, not {names[:5]}")
                if suffix == ".csv" and any(line.startswith(("=", "+", "-", "@"))
                                            for line in target.read_text(encoding="utf-8-sig").split(",")):
                    failures.append("a CSV cell starts like a formula")

        # 4. the dashboard's validation, in its limited child process
        try:
            result = read_list_isolated(case.files, township=case.township)
            if not imported:
                failures.append("the dashboard's validation accepted what load refused")
            elif case.items is not None and len(result.tlist.items) != case.items:
                failures.append("the dashboard's validation read a different list")
        except LoadError as e:
            if imported and case.expect != "error":
                # a township-name refusal happens at write time, after reading
                if case.expect == "ok":
                    failures.append(f"the dashboard's validation refused an importable file: {e}")
            if case.code and case.expect == "error" and case.code not in {p.code for p in e.problems}:
                failures.append(f"the dashboard's validation gave {[p.code for p in e.problems]}, not {case.code}")
        except Exception as e:  # noqa: BLE001 - exactly what must not happen
            failures.append(f"the dashboard's validation crashed: {type(e).__name__}: {e}")
        return ("imported" if imported else "refused"), failures
    finally:
        for k in case.env:
            monkeypatch.delenv(k, raising=False)


def test_every_hostile_file_ends_in_a_located_error_or_a_correct_import(tmp_path, monkeypatch):
    monkeypatch.delenv("DUTYGRAPH_EDITORS", raising=False)
    monkeypatch.delenv("DUTYGRAPH_STORE", raising=False)
    cases = build_corpus(tmp_path / "corpus")
    assert len({c.kind for c in cases}) >= MIN_KINDS
    out = tmp_path / "exports"
    out.mkdir()
    outcomes: Counter = Counter()
    failed: dict[str, list[str]] = {}
    for case in cases:
        data = tmp_path / "stores" / case.kind
        outcome, failures = _run_case(case, data, out, monkeypatch)
        outcomes[outcome] += 1
        if case.expect == "ok" and outcome != "imported":
            failures.append("expected an import")
        if case.expect == "error" and outcome != "refused":
            failures.append("expected a refusal")
        if failures:
            failed[case.kind] = failures
    print(f"\nhostile corpus: {len(cases)} inputs, {outcomes['imported']} imported, "
          f"{outcomes['refused']} refused with a located error, {len(failed)} failed, 0 crashes")
    assert not failed, json.dumps(failed, ensure_ascii=False, indent=1)


def test_load_check_also_checks_the_store_capacity(tmp_path, monkeypatch):
    """1 M rows used to pass --check and then fail load; now --check says the store cannot take it."""
    corpus = build_corpus(tmp_path / "c")
    good = next(c for c in corpus if c.kind == "gbk_csv")
    monkeypatch.setenv("DUTYGRAPH_MEMORY_MAX_ITEMS", "1")
    checked = _invoke(["--data-dir", str(tmp_path / "d"), "load", "--check", "--township", "甲镇", str(good.files[0])])
    assert checked.exit_code == 1 and "holds at most 1 items" in checked.output


@pytest.mark.parametrize("kind", ["far_cell_xfd_only", "far_cell_with_a1", "far_cell_az"])
def test_far_cells_are_refused_in_process_with_the_cell_named(tmp_path, kind):
    """The 1.6 KB workbook that aborted the process: now a located error, in this very process."""
    case = next(c for c in build_corpus(tmp_path) if c.kind == kind)
    with pytest.raises(LoadError) as e:
        read_list(case.files, township="甲镇")
    p = e.value.problems[0]
    assert p.code == "too_large" and p.sheet == "清单" and p.row == 1048576 and p.value in str(p)
