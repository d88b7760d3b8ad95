"""Write verbs name a person: load and sync need an editor once editors exist; the trail records who."""

from __future__ import annotations

import getpass
import json
from pathlib import Path

from click.testing import CliRunner

import loaders

from cli.main import cli
from graphmodel import open_store
from graphmodel.editors import hash_password

SAMPLE = Path(loaders.__file__).parent / "sample_data" / "XX镇履行职责事项清单.xlsx"


def _invoke(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env or {}, catch_exceptions=False)


def test_load_without_editors_records_the_local_account(tmp_path, monkeypatch):
    monkeypatch.delenv("DUTYGRAPH_EDITORS", raising=False)
    monkeypatch.delenv("DUTYGRAPH_EDITOR", raising=False)
    result = _invoke("--data-dir", str(tmp_path), "load", str(SAMPLE))
    assert result.exit_code == 0, result.output
    with open_store("memory", data_dir=tmp_path) as s:
        who = {e.who for e in s.audit_trail("XX镇")}
    assert who == {f"{getpass.getuser()}（本机用户 local account）"}  # a person, never a generic "import"


def test_load_and_sync_with_editors_need_one(tmp_path, monkeypatch):
    monkeypatch.setenv("DUTYGRAPH_EDITORS", json.dumps({"王五": hash_password("pw", n=2**10)}))
    monkeypatch.delenv("DUTYGRAPH_EDITOR", raising=False)
    for args in (("load", str(SAMPLE)), ("sync", "--to-neo4j")):
        refused = _invoke("--data-dir", str(tmp_path), *args)
        assert refused.exit_code == 1 and "--editor" in refused.output, refused.output
    wrong = _invoke("--data-dir", str(tmp_path), "load", str(SAMPLE), "--editor", "王五",
                    env={"DUTYGRAPH_PASSWORD": "nope"})
    assert wrong.exit_code == 1 and "wrong editor name or password" in wrong.output
    assert not (tmp_path / "dutygraph.json").exists()  # nothing written
    ok = _invoke("--data-dir", str(tmp_path), "load", str(SAMPLE), "--editor", "王五", env={"DUTYGRAPH_PASSWORD": "pw"})
    assert ok.exit_code == 0, ok.output
    with open_store("memory", data_dir=tmp_path) as s:
        assert {e.who for e in s.audit_trail("XX镇")} == {"王五"}


def test_load_check_needs_no_editor(tmp_path, monkeypatch):
    monkeypatch.setenv("DUTYGRAPH_EDITORS", json.dumps({"王五": hash_password("pw", n=2**10)}))
    assert _invoke("--data-dir", str(tmp_path), "load", "--check", str(SAMPLE)).exit_code == 0


def test_four_eyes_off_and_self_approval_from_the_command_line(tmp_path, monkeypatch):
    monkeypatch.setenv("DUTYGRAPH_EDITORS", json.dumps({
        "甲": {**hash_password("a", n=2**10), "role": "审核"},
        "乙": {**hash_password("b", n=2**10), "role": "审核"},
        "丙": {**hash_password("c", n=2**10), "role": "编辑"},
    }))
    base = ("--data-dir", str(tmp_path))
    as_a, as_b, as_c = ({"DUTYGRAPH_PASSWORD": p} for p in "abc")
    assert _invoke(*base, "load", str(SAMPLE), "--editor", "甲", env=as_a).exit_code == 0
    assert _invoke(*base, "decide", "four-eyes", "on", "--editor", "甲", env=as_a).exit_code == 0
    first = _invoke(*base, "decide", "four-eyes", "off", "--editor", "甲", env=as_a)
    assert first.exit_code == 0 and "four eyes: on" in first.output and "second editor" in first.output
    assert "four eyes: off" in _invoke(*base, "decide", "four-eyes", "off", "--editor", "乙", env=as_b).output
    _invoke(*base, "request", "submit", "--title", "新增巡查", "--by", "自然资源所", "--new-item", "农村建房巡查",
            "--lead", "自然资源所", "--editor", "甲", env=as_a)
    _invoke(*base, "request", "review", "C1", "--opinion", "同意", "--editor", "甲", env=as_a)
    own = _invoke(*base, "request", "decide", "C1", "approve", "--editor", "甲", env=as_a)
    assert own.exit_code == 1 and "author" in own.output
    clerk = _invoke(*base, "request", "decide", "C1", "approve", "--editor", "丙", env=as_c)
    assert clerk.exit_code == 1 and "审核" in clerk.output  # a 编辑 records, only a 审核 approves
    ok = _invoke(*base, "request", "decide", "C1", "approve", "--editor", "乙", env=as_b)
    assert ok.exit_code == 0 and "approved" in ok.output, ok.output
