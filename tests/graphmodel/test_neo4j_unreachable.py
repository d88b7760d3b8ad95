"""Neo4j out of reach: the command line fails within the connect timeout, with one clear line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def silent_server():
    """A port that accepts connections and never says a word (a hung server, a wrong service)."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(50)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(srv.accept()[0])
            except OSError:
                continue

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    yield srv.getsockname()[1]
    stop.set()
    t.join()
    for c in held:
        c.close()
    srv.close()


def _dutygraph(*args: str, timeout: str) -> tuple[subprocess.CompletedProcess, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DUTYGRAPH_NEO4J_TIMEOUT": timeout}
    env.pop("NEO4J_URI", None)
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", "from cli.main import main; main()", *args], env=env,
                          capture_output=True, text=True, timeout=120)
    return done, time.monotonic() - start


@pytest.mark.parametrize("scheme", ["bolt", "neo4j"])
def test_a_silent_server_fails_within_the_timeout_with_one_line(silent_server, scheme):
    # the driver alone waited 60 s here, whatever its connection timeout
    start = time.monotonic()
    done, took = _dutygraph("--neo4j-uri", f"{scheme}://127.0.0.1:{silent_server}", "info", timeout="2")
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "did not answer within 2 s" in lines[0], done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    # start-up of the interpreter and imports come on top of the 2 s; far below the driver's minute
    assert took < 2 + 25, took
    assert time.monotonic() - start < 60


def test_a_refused_port_fails_at_once_with_one_line():
    with socket.socket() as s:  # a free port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    done, _ = _dutygraph("--neo4j-uri", f"neo4j://127.0.0.1:{port}", "info", timeout="10")
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 1 and len(lines) == 1 and "cannot reach Neo4j" in lines[0], done.stderr


def test_the_default_timeout_is_at_most_ten_seconds(monkeypatch):
    from graphmodel.neo4j_store import connect_timeout

    monkeypatch.delenv("DUTYGRAPH_NEO4J_TIMEOUT", raising=False)
    assert connect_timeout() <= 10
    monkeypatch.setenv("DUTYGRAPH_NEO4J_TIMEOUT", "3.5")
    assert connect_timeout() == 3.5
