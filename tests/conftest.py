"""Fixtures shared by every test package: the backend-parametrised `store`.

Every query test takes `store` and so runs on the embedded networkx store and on a
real Neo4j. Neo4j comes from $NEO4J_URI (with NEO4J_USER / NEO4J_PASSWORD) when set,
otherwise from scripts/neo4j_test_server.py, started once per run. When neither is
possible the Neo4j half is skipped with the reason, unless DUTYGRAPH_REQUIRE_NEO4J=1
(as in CI), where it fails.
"""

from __future__ import annotations

import os

import pytest
from gates import NEO4J, load_script, unavailable

from graphmodel import open_store

BACKENDS = ("memory", "neo4j")

# --doctest-modules (pyproject) would also import every conftest.py under tests/ as a test
# module, all named "conftest": with two test folders on the command line the second
# clashes with the first. Their fixtures still load; they hold no doctests.
collect_ignore_glob = ["*/conftest.py"]


@pytest.fixture(scope="session")
def neo4j_server():
    """(uri, user, password, database) of a running Neo4j, or skip/fail with the reason."""
    if os.environ.get("NEO4J_URI"):
        yield (
            os.environ["NEO4J_URI"],
            os.environ.get("NEO4J_USER", "neo4j"),
            os.environ.get("NEO4J_PASSWORD", ""),
            os.environ.get("NEO4J_DATABASE") or None,
        )
        return
    try:
        server_mod = load_script("neo4j_test_server")
        server = server_mod.Neo4jTestServer()
        uri, user, password = server.start()
    except Exception as e:  # noqa: BLE001 - any failure to start means "no Neo4j here"
        unavailable(f"no Neo4j available: {type(e).__name__}: {e}", NEO4J)
    try:
        yield (uri, user, password, None)
    finally:
        server.stop()


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    """An empty store of each backend; Neo4j is wiped before each test."""
    if request.param == "memory":
        s = open_store("memory", data_dir=tmp_path / "store")
    else:
        uri, user, password, database = request.getfixturevalue("neo4j_server")
        try:
            s = open_store("neo4j", uri=uri, user=user, password=password, database=database)
        except ImportError as e:
            unavailable(f"the Neo4j store cannot be imported: {e}", NEO4J)
        s.wipe()
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def memory_store(tmp_path):
    """The embedded store alone, for tests of behaviour only it has (files, atomic saves)."""
    s = open_store("memory", data_dir=tmp_path / "store")
    yield s
    s.close()
