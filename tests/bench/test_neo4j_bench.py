"""bench/neo4j_bench.py's way out: a run that fails, or is sent SIGTERM, prints why and stops its server."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.neo4j


def _bench(tmp_path: Path, *args: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}  # its own server
    return subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "neo4j_bench.py"), "--sizes", "1", "--repeat", "1", "--no-queries",
         "--neo4j-heap", "512m", "--neo4j-pagecache", "64m", "--out", str(tmp_path / "out"),
         "--lists-cache", str(tmp_path / "cache"), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)


def _server_pid(log: str) -> int:
    found = re.search(r"neo4j up at \S+ .*pid (\d+)\)", log)
    assert found, log
    return int(found.group(1))


def _gone(pid: int, wait: float = 30.0) -> bool:
    end = time.monotonic() + wait
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    return False


def test_a_failing_run_prints_its_error_and_stops_the_server(tmp_path):
    proc = _bench(tmp_path, "--loads", "no_such_load")  # fails after the server started and the list was read
    _, err = proc.communicate(timeout=900)
    assert proc.returncode != 0
    assert "the benchmark stopped with an error" in err and "KeyError: 'no_such_load'" in err, err
    assert "Neo4j server stopped" in err, err
    assert _gone(_server_pid(err))


def test_sigterm_stops_the_server(tmp_path):
    proc = _bench(tmp_path, "--loads", "incremental")
    lines = []
    for line in proc.stderr:  # wait for the server, then stop the run
        lines.append(line)
        if "neo4j up at" in line:
            break
    proc.send_signal(signal.SIGTERM)
    rest, err = proc.communicate(timeout=300)
    log = "".join(lines) + err
    assert proc.returncode == 128 + signal.SIGTERM, log
    assert "Neo4j server stopped" in log, log
    assert _gone(_server_pid(log))
