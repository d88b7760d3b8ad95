"""The dashboard on a real Neo4j: every page renders the sample as it does on the embedded store."""

from __future__ import annotations

import pytest
from dashboard_support import APP, PAGES, load_sample, open_page
from streamlit.testing.v1 import AppTest

from graphmodel import open_store

pytestmark = pytest.mark.neo4j


def _use(monkeypatch, env: dict[str, str]) -> None:
    """Point the dashboard at one store (it reads the environment on every run)."""
    for var in ("DUTYGRAPH_STORE", "DUTYGRAPH_DATA_DIR", "NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)


#: What the sidebar calls each store (its file path or URI only for a signed-in editor).
SHOWN = {"neo4j": "Neo4j", "memory": "内置存储"}


def test_every_page_renders_on_neo4j_as_on_the_embedded_store(neo4j_server, tmp_path, monkeypatch):
    uri, user, password, database = neo4j_server
    on_neo4j = {"DUTYGRAPH_STORE": "neo4j", "NEO4J_URI": uri, "NEO4J_USER": user, "NEO4J_PASSWORD": password}
    on_memory = {"DUTYGRAPH_STORE": "memory", "DUTYGRAPH_DATA_DIR": str(tmp_path)}
    with open_store("neo4j", uri=uri, user=user, password=password, database=database) as neo4j, \
            open_store("memory", data_dir=tmp_path) as memory:
        neo4j.wipe()
        load_sample(neo4j)
        load_sample(memory)
        apps = {}
        for name, env in (("neo4j", on_neo4j), ("memory", on_memory)):
            _use(monkeypatch, env)
            apps[name] = AppTest.from_file(str(APP), default_timeout=60)
            apps[name].run()
            assert SHOWN[name] in " ".join(c.value for c in apps[name].sidebar.caption)
        for page in PAGES:
            seen = {}
            for name, env in (("neo4j", on_neo4j), ("memory", on_memory)):
                _use(monkeypatch, env)
                at = open_page(apps[name], page)
                assert not at.exception and not at.error, (name, page, at.exception, [e.value for e in at.error])
                assert SHOWN[name] in " ".join(c.value for c in at.sidebar.caption), (name, page)
                seen[name] = ([m.value for m in at.metric], [d.value.shape for d in at.dataframe])
            assert seen["neo4j"] == seen["memory"], page  # the same numbers and tables, whichever store
        neo4j.wipe()
