"""`dutygraph dashboard` passes SIGTERM / SIGINT on to Streamlit and waits for it; the room warning."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from cli.dashboard_commands import address_warning

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_dutygraph_dashboard_stops_streamlit_too(tmp_path, sig):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "DUTYGRAPH_STORE"))}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.Popen([sys.executable, "-c", "from cli.main import main; main()", "--data-dir", str(tmp_path),
                             "dashboard", "--port", str(port)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, "the dashboard exited before serving"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "no answer on /_stcore/health within 90 s"
            time.sleep(0.3)
        proc.send_signal(sig)  # to dutygraph only, as `kill PID` or a service manager does
        proc.wait(timeout=30)  # it waits for Streamlit, then exits
        gone = time.monotonic() + 5
        while _group_alive(proc.pid) and time.monotonic() < gone:
            time.sleep(0.1)
        assert not _group_alive(proc.pid), "Streamlit was left running after dutygraph exited"
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


def test_binding_beyond_this_machine_warns_that_the_room_can_reach_it():
    assert address_warning("127.0.0.1") is None and address_warning("localhost") is None
    text = address_warning("0.0.0.0")
    assert "0.0.0.0" in text and "sign-in" in text and "everyone on the network" in text
