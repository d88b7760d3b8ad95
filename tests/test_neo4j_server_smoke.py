"""Smoke test: a real Neo4j 5.26 community server started without Docker.

Skipped (with the reason printed) when java/mvn are missing, unless
DUTYGRAPH_REQUIRE_NEO4J=1 is set, in which case it fails instead.
The first run downloads Neo4j from Maven Central (~150 MB) via
``python scripts/neo4j_test_server.py build``.
"""

from __future__ import annotations

import os
import socket

import pytest
from gates import NEO4J, load_script, unavailable

nts = load_script("neo4j_test_server")


def _port_is_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


@pytest.mark.neo4j
def test_neo4j_server_smoke():
    ok, reason = nts.tools_available()
    if not ok:
        unavailable(reason, NEO4J)
    try:
        import neo4j
        from neo4j.exceptions import AuthError
    except ImportError as exc:  # pragma: no cover - the driver is a project dependency
        unavailable(f"python neo4j driver not installed: {exc}", NEO4J)

    server = nts.Neo4jTestServer()
    try:
        try:
            uri, user, password = server.start(timeout=300)
        except nts.ToolMissingError as exc:
            unavailable(str(exc), NEO4J)
        print(f"neo4j test server {uri} started in {server.startup_seconds:.1f}s")
        assert uri == f"bolt://127.0.0.1:{server.port}"
        assert user == "neo4j" and len(password) >= 8
        assert _port_is_open(server.port)

        with neo4j.GraphDatabase.driver(uri, auth=(user, password)) as driver:
            records, _, _ = driver.execute_query(
                "CALL dbms.components() YIELD name, versions, edition "
                "RETURN versions[0] AS version, edition"
            )
            assert records[0]["version"].startswith("5.26."), records
            assert records[0]["edition"] == "community", records

            # write + read back with parameters (never string-formatted values)
            driver.execute_query(
                "CREATE (:Duty {name: $name, day: $day, tags: $tags})",
                name="Snow clearing 'Main St'",
                day=3,
                tags=["winter", "roads"],
            )
            records, _, _ = driver.execute_query(
                "MATCH (d:Duty {name: $name}) RETURN d.day AS day, d.tags AS tags",
                name="Snow clearing 'Main St'",
            )
            assert [(r["day"], r["tags"]) for r in records] == [(3, ["winter", "roads"])]

            # schema objects are removed by clear_database as well
            driver.execute_query(
                "CREATE CONSTRAINT duty_name IF NOT EXISTS FOR (d:Duty) REQUIRE d.name IS UNIQUE"
            )
            driver.execute_query("CREATE INDEX duty_day IF NOT EXISTS FOR (d:Duty) ON (d.day)")

            # authentication is really enabled
            with neo4j.GraphDatabase.driver(uri, auth=(user, password + "-wrong")) as bad:
                with pytest.raises(AuthError):
                    bad.verify_connectivity()

            counts = nts.clear_database(driver)
            assert counts["nodes_deleted"] == 1
            assert counts["constraints_dropped"] == 1
            assert counts["indexes_dropped"] == 1  # duty_day; the constraint's index went with it
            records, _, _ = driver.execute_query("MATCH (n) RETURN count(n) AS c")
            assert records[0]["c"] == 0
            records, _, _ = driver.execute_query("SHOW CONSTRAINTS YIELD name RETURN name")
            assert records == []
            records, _, _ = driver.execute_query("SHOW INDEXES YIELD name, type RETURN name, type")
            assert {r["type"] for r in records} <= {"LOOKUP"}, records

            with pytest.raises(ValueError):
                nts._quote_name("evil` DETACH DELETE n //", "index")

        port = server.port
        pid = server.pid
    finally:
        server.stop()

    assert not server.running
    assert not _port_is_open(port), f"port {port} still open after stop()"
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
