"""Every setting (store, data dir, Neo4j URI): flag > environment > configuration file > default."""

from __future__ import annotations

import json
import socket

import pytest
from click.testing import CliRunner

from cli.main import cli


@pytest.fixture
def clean(monkeypatch, tmp_path):
    for k in ("DUTYGRAPH_STORE", "DUTYGRAPH_DATA_DIR", "NEO4J_URI", "DUTYGRAPH_EDITORS"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("DUTYGRAPH_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("DUTYGRAPH_NEO4J_TIMEOUT", "2")
    return tmp_path


def _config(tmp_path, **values):
    (tmp_path / "config.toml").write_text("".join(f'{k} = "{v}"\n' for k, v in values.items()), encoding="utf-8")


def _store(*args, env=None) -> str:
    """What `info` reports as its store (or the error naming the one it tried)."""
    result = CliRunner().invoke(cli, [*args, "info", "--json"], env=env or {}, catch_exceptions=False)
    report = json.loads(result.output)
    return report["results"]["store"] if report["ok"] else report["error"]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_data_dir(clean, monkeypatch):
    flag, env, conf = clean / "flag", clean / "env", clean / "conf"
    _config(clean, data_dir=conf)
    assert str(conf) in _store()  # file over default
    monkeypatch.setenv("DUTYGRAPH_DATA_DIR", str(env))
    assert str(env) in _store()  # environment over file
    assert str(flag) in _store("--data-dir", str(flag))  # flag (before the verb) over environment: the old bug
    result = CliRunner().invoke(cli, ["info", "--json", "--data-dir", str(flag)], catch_exceptions=False)
    assert str(flag) in json.loads(result.output)["results"]["store"]  # and after the verb
    (clean / "config.toml").unlink()
    monkeypatch.delenv("DUTYGRAPH_DATA_DIR")
    assert str(clean / "xdg" / "dutygraph") in _store()  # the default


def test_store(clean, monkeypatch):
    monkeypatch.setenv("NEO4J_URI", f"bolt://127.0.0.1:{_closed_port()}")  # where "neo4j" would go
    _config(clean, store="neo4j")
    assert "Neo4j" in _store()  # file over default (memory)
    monkeypatch.setenv("DUTYGRAPH_STORE", "memory")
    assert _store().startswith("memory")  # environment over file
    monkeypatch.setenv("DUTYGRAPH_STORE", "neo4j")
    assert _store("--store", "memory").startswith("memory")  # flag over environment
    monkeypatch.delenv("DUTYGRAPH_STORE")
    (clean / "config.toml").unlink()
    assert _store().startswith("memory")  # the default


def test_neo4j_uri(clean, monkeypatch):
    flag, env, conf = (f"bolt://127.0.0.1:{_closed_port()}" for _ in range(3))
    _config(clean, neo4j_uri=conf, store="neo4j")
    assert conf in _store()  # file over default
    monkeypatch.setenv("NEO4J_URI", env)
    assert env in _store()  # environment over file
    assert flag in _store("--neo4j-uri", flag)  # flag over environment
    monkeypatch.delenv("NEO4J_URI")
    _config(clean, store="neo4j")
    assert "localhost:7687" in _store()  # the default


def test_a_broken_configuration_file_is_one_clear_line(clean):
    (clean / "config.toml").write_text("store = [", encoding="utf-8")
    result = CliRunner().invoke(cli, ["info"])
    assert result.exit_code == 2 and "config.toml" in result.output and "Traceback" not in result.output
