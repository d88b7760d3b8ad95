"""`dutygraph info` reads the embedded store's counts from its file's head: same output, no networkx."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from cli.main import cli
from graphmodel import open_store
from graphmodel.memory_store import FILE_NAME
from graphmodel.store_summary import HEAD, STORE_FILE, read_summary
from queries._examples import example_list, text_list

ROOT = Path(__file__).resolve().parents[2]


def _info(data_dir: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--store", "memory", "--data-dir", str(data_dir), "info", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _opened(data_dir: Path) -> dict:
    """What info showed before the summary: the store opened and counted."""
    store = open_store("memory", data_dir=data_dir)
    counts = store.counts()
    return {"store": store.describe(), "townships": [t.name for t in store.townships()],
            "nodes": counts.nodes, "relations": counts.relations, "parts": counts.parts,
            "power_types": counts.power_types}


def test_the_summary_equals_the_opened_store(tmp_path):
    assert STORE_FILE == FILE_NAME
    assert read_summary(tmp_path / FILE_NAME) is not None  # no file: the empty store
    empty = json.loads(_info(tmp_path, "--json"))
    store = open_store("memory", data_dir=tmp_path)
    store.replace_township(example_list())
    store.replace_township(text_list())
    assert (tmp_path / FILE_NAME).read_text(encoding="utf-8").startswith(HEAD)
    report = json.loads(_info(tmp_path, "--json"))
    expected = _opened(tmp_path)
    assert report["results"]["store"] == expected["store"]
    assert report["results"]["townships"] == expected["townships"] == ["文本镇", "示例镇"]
    assert report["counts"] == {k: expected[k] for k in ("nodes", "relations", "parts", "power_types")}
    assert report["counts"]["nodes"]["DutyItem"] > 0 and empty["counts"]["nodes"]["DutyItem"] == 0
    # after a delete the head follows
    store.delete_township("文本镇")
    assert json.loads(_info(tmp_path, "--json"))["results"]["townships"] == ["示例镇"]


def test_a_file_without_summary_is_opened(tmp_path):
    store = open_store("memory", data_dir=tmp_path)
    store.replace_township(example_list())
    path = tmp_path / FILE_NAME
    doc = json.loads(path.read_text(encoding="utf-8"))
    del doc["summary"]  # as written before the summary existed
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert read_summary(path) is None
    report = json.loads(_info(tmp_path, "--json"))
    assert report["results"]["townships"] == ["示例镇"]
    assert report["counts"]["nodes"] == _opened(tmp_path)["nodes"]


def test_info_imports_no_networkx(tmp_path):
    store = open_store("memory", data_dir=tmp_path)
    store.replace_township(example_list())
    code = ("import sys; from cli.main import main; sys.argv = ['dutygraph', 'info'];\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('networkx' in sys.modules, 'pandas' in sys.modules)")
    env = {**os.environ, "DUTYGRAPH_DATA_DIR": str(tmp_path), "DUTYGRAPH_STORE": "memory", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert "示例镇" in out
    assert out.strip().splitlines()[-1] == "False False"
