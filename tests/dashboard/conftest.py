"""AppTest fixtures: the sample township in an embedded store in a temporary data dir."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from graphmodel import open_store

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dashboard_support import APP, load_sample  # noqa: E402


@pytest.fixture(autouse=True)
def _embedded_unless_told(monkeypatch):
    """A NEO4J_URI or DUTYGRAPH_STORE exported in the shell must not turn these tests to Neo4j;
    the tests that want Neo4j set them themselves."""
    for var in ("NEO4J_URI", "DUTYGRAPH_STORE"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A data dir holding the sample; the dashboard finds it through DUTYGRAPH_DATA_DIR."""
    d = tmp_path / "data"
    with open_store("memory", data_dir=d) as s:
        load_sample(s)
    monkeypatch.setenv("DUTYGRAPH_DATA_DIR", str(d))
    monkeypatch.delenv("DUTYGRAPH_STORE", raising=False)
    monkeypatch.delenv("NEO4J_URI", raising=False)
    return d


@pytest.fixture
def app(data_dir):
    """The dashboard after its first run (overview page)."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    return at
